"""Windows for many targets: grouped by chemical system, on all cores, checkpointed and resumable.

Work is grouped by the target's chemical system (with the ion) so each worker builds each hull
once. Every finished target is appended as one JSON line to a checkpoint file and flushed; a
rerun with ``resume=True`` skips what the checkpoint already holds, so an interrupted run (Ctrl-C
or kill -9) loses at most the targets in flight and ends with the same output.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from interfacestab.analyses.runner import checkpoint_path, run_resumable
from interfacestab.analyses.targets import system_key
from interfacestab.analyses.uncertainty_fields import (
    UNCERTAINTY_BATCH_COLUMNS,
    uncertainty_batch_columns,
    uncertainty_convention,
    uncertainty_fingerprint,
)
from interfacestab.conventions import SCHEMA_VERSION
from interfacestab.errors import InterfaceStabError, SourceError
from interfacestab.fileio import check_output_path, rows_to_csv, to_json_text, write_text_atomic
from interfacestab.provenance import Provenance

ProgressCallback = Callable[[int, int], None]

#: File types a batch writes (by the output's suffix).
BATCH_SUFFIXES = (".csv", ".json")

#: Columns of the batch CSV, in order: one row per target, named after the window's JSON fields.
#: (A single window's ``--format csv`` has one row per profile stage; a batch summarises each
#: target in one row, so its file keeps this per-target layout; the JSON file holds every field.)
BATCH_COLUMNS = (
    "input", "formula", "ion", "reduction_limit_V", "oxidation_limit_V", "reduction_products", "oxidation_products",
    "reduction_reaction", "oxidation_reaction", "e_above_hull_eV_per_atom", "in_database", "material_id",
    "stabilized", "decomposition_energy_at_0V_eV_per_nonion_atom",
    "decomposition_energy_at_5V_eV_per_nonion_atom", "error", "source",
)  # fmt: skip

if TYPE_CHECKING:
    from pathlib import Path

    from interfacestab.analyses.uncertainty import UncertaintySettings
    from interfacestab.provenance import SourceInfo
    from interfacestab.store.database import Store


@dataclass(frozen=True, slots=True)
class BatchResult:
    """Outcome of a batch run.

    Attributes:
        output: The written result file (CSV or JSON by extension).
        checkpoint: The JSON-lines checkpoint beside it.
        n_targets: Targets asked for.
        n_computed: Targets computed in this run (the rest came from the checkpoint).
        n_failed: Targets whose row carries an error instead of a window.
        source: Data source name.
        provenance: Source, conventions and version (the targets span many systems: no ``chemsys``).
    """

    output: Path
    checkpoint: Path
    n_targets: int
    n_computed: int
    n_failed: int
    source: str
    provenance: Provenance

    def to_dict(self) -> dict[str, object]:
        """JSON-safe dictionary keyed by field name."""
        return {
            "schema_version": SCHEMA_VERSION,
            "output": str(self.output),
            "checkpoint": str(self.checkpoint),
            "n_targets": self.n_targets,
            "n_computed": self.n_computed,
            "n_failed": self.n_failed,
            "source": self.source,
            "provenance": self.provenance.to_dict(),
        }

    #: Columns of :meth:`to_rows` (the CSV): the counts and files, then the provenance.
    ROW_FIELDS: ClassVar[tuple[str, ...]] = (
        "output", "checkpoint", "n_targets", "n_computed", "n_failed", *Provenance.COLUMNS,
    )  # fmt: skip

    def to_rows(self) -> list[dict[str, object]]:
        """The summary of the run as one row keyed by ``ROW_FIELDS``."""
        row = {**self.to_dict(), **self.provenance.to_columns()}
        return [{c: row.get(c) for c in self.ROW_FIELDS}]


def read_targets(path: str | Path, default_ion: str = "Li") -> list[tuple[str, str]]:
    """Targets from a file: one formula per line, or a CSV with ``formula`` (and optional ``ion``) columns.

    The file must be a regular UTF-8 text file (see :mod:`interfacestab.analyses.inputs`); an
    empty ``ion`` cell means ``default_ion``.

    Raises:
        SourceError: the file cannot be read, holds no formula, or names an ion other than Li, Na, K.
    """
    from interfacestab.analyses.inputs import read_formula_rows

    targets = []
    for row in read_formula_rows(path, "batch file", columns=("ion",)):
        ion = row.get("ion") or default_ion
        if ion not in _IONS:
            msg = f"batch file {path}: ion '{ion[:20]}' of {row['formula'][:40]} is not one of {', '.join(_IONS)}"
            raise SourceError(msg)
        targets.append((row["formula"], ion))
    return targets


_IONS = ("Li", "Na", "K")


def all_compound_targets(ions: Iterable[str], *, store: Store, source: str | None = None) -> list[tuple[str, str]]:
    """Every compound of the source that contains each ion, as (formula, ion) targets."""
    name = store.source(source).name
    targets = []
    for ion in ions:
        targets += [(e.formula, ion) for e in store.iter_entries(name, containing=ion)]
    return targets


def _key(formula: str, ion: str) -> str:
    return f"{formula}|{ion}"


def _row(window_dict: dict[str, object]) -> dict[str, object]:
    d = dict(window_dict)
    d.pop("provenance", None)
    return d


def compute_group(
    targets: list[tuple[str, str]],
    store_path: str,
    source: str,
    stabilize: bool,
    uncertainty: UncertaintySettings | None = None,
) -> list[dict[str, object]]:
    """Windows of one group of targets (one process; one hull per system). Errors become rows.

    ``source`` is the name resolved once by :func:`window_batch`, so every worker reads the same source.
    """
    from interfacestab.analyses.uncertainty import add_window_uncertainty
    from interfacestab.analyses.window import window_for
    from interfacestab.engine.cache import HullCache
    from interfacestab.store import open_store

    cache = HullCache(max_size=8)
    rows = []
    with open_store(store_path, create=False) as store:
        for formula, ion in targets:
            try:
                w = window_for(formula, ion=ion, stabilize=stabilize, source=source, store=store, cache=cache)
                if uncertainty is not None:  # --sigma: intervals from sampled energy errors
                    w = add_window_uncertainty(w, uncertainty, stabilize=stabilize, source=source, store=store)
                rows.append({"key": _key(formula, ion), "input": formula, **_row(w.to_dict()), "error": None})
            except InterfaceStabError as exc:
                rows.append(
                    {"key": _key(formula, ion), "input": formula, "formula": formula, "ion": ion, "error": str(exc)}
                )
    return rows


def window_batch(
    targets: list[tuple[str, str]],
    output: str | Path,
    *,
    stabilize: bool = True,
    source: str | None = None,
    store_path: str | Path | None = None,
    workers: int | None = None,
    resume: bool = False,
    progress: ProgressCallback | None = None,
    chunk_size: int = 64,
    scheduler: str | None = None,
    uncertainty: UncertaintySettings | None = None,
) -> BatchResult:
    """Windows of many (formula, ion) targets, written to ``output`` (``.csv`` or ``.json``).

    Args:
        targets: (formula, ion) pairs.
        output: Result file; its checkpoint is ``<output>.checkpoint.jsonl``.
        stabilize: Stabilization policy.
        source: Data source name (default: the store's default source, resolved once here).
        store_path: Store file (default: the configured store); each worker process opens it.
        workers: Processes (default: all cores; 1 runs in this process).
        resume: Reuse the checkpoint of an earlier, interrupted run; otherwise start afresh.
        progress: Called with (done, total) as targets finish.
        chunk_size: Targets per task (whole chemical systems are never split).
        scheduler: Dask scheduler address (``tcp://host:port``) to run on a cluster instead.
        uncertainty: Sample energy errors (``--sigma``): each row gets its ``uncertainty`` (JSON) and the
            interval columns (CSV). The numbers of each compound are keyed by (seed, compound), so they do
            not depend on the number of workers or on how the targets are grouped.
    """
    from interfacestab.analyses.interphase import with_interphase_conventions
    from interfacestab.conventions import conventions_summary, stabilization_text
    from interfacestab.settings import resolve_store_path
    from interfacestab.store import open_store

    out = check_output_path(output, suffixes=BATCH_SUFFIXES)
    store_file = str(resolve_store_path(store_path))
    with open_store(store_file, create=False) as st:
        info = st.source(source)
        properties = st.phase_properties(())  # no phase: the table names the store's property sources
        property_digests = [f"{p.name}:{p.info.content_sha256}" for p in st.property_sources()]
    source_name = info.name
    done, computed = run_resumable(
        compute_group,
        targets,
        (store_file, source_name, stabilize, uncertainty),
        key=lambda t: _key(*t),
        group=lambda t: system_key(*t),
        checkpoint=checkpoint_path(out),
        resume=resume,
        workers=workers,
        scheduler=scheduler,
        progress=progress,
        chunk_size=chunk_size,
        fingerprint={
            **batch_fingerprint(targets, stabilize, info),
            **uncertainty_fingerprint(uncertainty),
            "phase_properties": property_digests,  # the rows carry interphase verdicts from these
        },
    )
    keys = [_key(f, i) for f, i in targets]
    total = len(set(keys))
    ordered = [done[k] for k in dict.fromkeys(keys)]
    # the targets span many systems: no ``chemsys``
    conventions = conventions_summary(stabilization=stabilization_text(stabilize))
    if uncertainty is not None:  # every row's own `uncertainty` names its model and method
        conventions["uncertainty"] = uncertainty_convention(uncertainty)
    provenance = with_interphase_conventions(Provenance(info, "", 0, conventions), properties)
    _write_output(out, ordered, provenance)
    n_failed = sum(1 for r in ordered if r.get("error"))
    return BatchResult(out, checkpoint_path(out), total, computed, n_failed, source_name, provenance)


def batch_fingerprint(targets: list[tuple[str, str]], stabilize: bool, info: SourceInfo) -> dict[str, object]:
    """What changes a batch's rows, readable where it can be: a refused resume names what differs.

    The ions and the number of distinct targets are stated as such (the runner adds the hash of the
    target list, ``inputs_sha256``), then the stabilization policy, the source and the package version.
    """
    ions = {ion for _, ion in targets}
    return {
        "run": "window batch",
        "ions": ", ".join(i for i in (*_IONS, *sorted(ions - set(_IONS))) if i in ions),
        "n_targets": len(dict.fromkeys(_key(f, i) for f, i in targets)),
        "stabilize": stabilize,
        **source_fingerprint(info),
    }


def source_fingerprint(info: SourceInfo) -> dict[str, object]:
    """The parts of a checkpoint fingerprint that pin the data and the code: source content, version."""
    from interfacestab.provenance import package_version

    return {
        "source": {
            "name": info.name,
            "content_sha256": info.content_sha256,
            "n_entries": info.n_entries,
            "imported_at": info.imported_at,
        },
        "package_version": package_version(),
    }


def _write_output(out: Path, rows: list[dict[str, object]], provenance: Provenance) -> None:
    """Write the final file atomically with the package's one CSV and JSON serialisers.

    The JSON file follows the JSON contract of every result: ``schema_version``, the ``source``
    name, the common ``provenance`` object (with the stabilization policy in its conventions) and
    one ``results`` item per target (the window's fields without its per-system provenance).
    """
    source_name = provenance.source.name
    if out.suffix.lower() == ".csv":
        flat = [{**row, "source": source_name, **uncertainty_batch_columns(row)} for row in rows]
        extra = tuple(k for k in dict.fromkeys(k for r in flat for k in r) if k in UNCERTAINTY_BATCH_COLUMNS)
        text = rows_to_csv(flat, BATCH_COLUMNS + extra)
    else:
        payload = {
            "schema_version": SCHEMA_VERSION,
            "source": source_name,
            "provenance": provenance.to_dict(),
            "results": [{k: v for k, v in r.items() if k != "key"} for r in rows],
        }
        text = to_json_text(payload, indent=None)
    write_text_atomic(out, text)
