"""Interface matrix: the interface reaction of every electrolyte with every electrode, in one run.

Each cell is what ``interfacestab interface ELECTROLYTE ELECTRODE`` gives for that pair (the
electrolyte is reactant a, so x is the electrolyte's fraction): the most negative reaction energy
with its mixing ratio and products, the interphase those products form (the verdict ``interface``
gives for that kink, from one phase-property lookup per worker chunk), and the mutual
(interface-only) energies. Closed by default;
``voltage_V`` opens the system to the ion (grand-potential energies per non-A atom, total and
mutual); ``state_of_charge`` removes that fraction of the ion from every electrode first (charged
cathodes, as ``screen --charged-fraction``).

The pairs run as the coating screen's candidates do (:mod:`interfacestab.analyses.runner`): grouped
by the chemical system of the pair so a worker loads each system's entries once and every pair of
that system reuses them, on local processes or a Dask scheduler, and checkpointed beside the output
so an interrupted run resumes (``resume=True``) with the same result.
"""

from __future__ import annotations

import dataclasses
import functools
import os
import threading
from contextlib import ExitStack, contextmanager, nullcontext
from dataclasses import dataclass, field, fields
from typing import TYPE_CHECKING, Any, ClassVar

from interfacestab.analyses.matrix_uncertainty import uncertainty_from_dict
from interfacestab.analyses.targets import ParsedFormula, parse_input
from interfacestab.analyses.uncertainty_fields import uncertainty_json
from interfacestab.chem import chemsys
from interfacestab.conventions import SCHEMA_VERSION
from interfacestab.errors import AnalysisError, DataNotFoundError, InterfaceStabError
from interfacestab.provenance import Provenance

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator, Sequence
    from pathlib import Path

    import numpy as np

    from interfacestab.analyses.interface import InterfaceProfile
    from interfacestab.analyses.interface_kinks import PhasePoints
    from interfacestab.analyses.targets import Target
    from interfacestab.analyses.uncertainty import InterfaceUncertainty, UncertaintySettings
    from interfacestab.chem import Composition
    from interfacestab.entries import EntrySet
    from interfacestab.phase_properties import PropertyTable
    from interfacestab.store.database import Store

#: Pairs per task sent to a worker (whole chemical systems are never split).
MATRIX_CHUNK_SIZE = 4
#: Entry sets a worker keeps (one per chemical system of a pair).
MATRIX_SYSTEM_CACHE_SIZE = 64


#: MatrixCell fields that are tuples (lists in JSON).
_TUPLE_FIELDS = (
    "products", "products_at_mutual_minimum", "notes", "conducting_phases", "uncertain_phases",
    "interdiffusion_products",
)  # fmt: skip


def _per(open_system: bool) -> str:
    return "_eV_per_nonion_atom" if open_system else "_eV_per_atom"


@dataclass(frozen=True, slots=True)
class MatrixCell:
    """One electrolyte | electrode pair: its most negative reaction, or why it could not be computed.

    Closed cells fill the ``*_eV_per_atom`` energies (per atom of the mixture) and leave the
    ``*_eV_per_nonion_atom`` twins None; open cells the reverse (grand potential per non-A atom).
    ``x_atomic_electrolyte``/``x_molar_electrolyte`` are the electrolyte's atomic and formula-unit
    fractions at the minimum (``x_atomic_a``/``x_molar_a`` of ``interface ELECTROLYTE ELECTRODE``).
    ``mutual_reaction_energy_at_minimum_*`` is the mutual energy at that kink;
    ``most_negative_mutual_reaction_energy_*`` the lowest mutual energy over all kinks (open: each
    reactant's own reaction with the reservoir removed), at ``x_atomic_electrolyte_at_mutual_minimum``
    with ``products_at_mutual_minimum``. A failed cell has ``error`` and no numbers.

    The interphase the minimum forms (:mod:`interfacestab.analyses.interphase`, what ``interface`` reports
    for that kink): ``interphase_verdict`` (``passivating``, ``mixed-conducting`` or ``uncertain``; empty
    for a failed cell or when nothing but the reactants remains), ``conducting_phases`` (metals and
    small-gap products), ``uncertain_phases`` (no data, or a gap between the thresholds),
    ``interdiffusion_products`` (products carrying one reactant's transition metal into the other's
    framework) and ``interphase_summary`` (the verdict with its reasons, ``Interphase.summary()``).
    """

    electrolyte: str
    electrode: str
    open_system: bool
    electrolyte_formula: str = ""
    electrode_formula: str = ""
    material_id_electrolyte: str = ""
    material_id_electrode: str = ""
    reaction_energy_eV_per_atom: float | None = None
    reaction_energy_eV_per_nonion_atom: float | None = None
    reaction_energy_kJ_per_mol: float | None = None
    x_atomic_electrolyte: float | None = None
    x_molar_electrolyte: float | None = None
    products: tuple[str, ...] = ()
    reaction: str = ""
    mutual_reaction_energy_at_minimum_eV_per_atom: float | None = None
    mutual_reaction_energy_at_minimum_eV_per_nonion_atom: float | None = None
    most_negative_mutual_reaction_energy_eV_per_atom: float | None = None
    most_negative_mutual_reaction_energy_eV_per_nonion_atom: float | None = None
    x_atomic_electrolyte_at_mutual_minimum: float | None = None
    products_at_mutual_minimum: tuple[str, ...] = ()
    n_kinks: int = 0
    notes: tuple[str, ...] = ()
    error: str | None = None
    interphase_verdict: str = ""
    conducting_phases: tuple[str, ...] = ()
    uncertain_phases: tuple[str, ...] = ()
    interdiffusion_products: tuple[str, ...] = ()
    interphase_summary: str = ""
    #: With ``--sigma``: the interval of the minimum, what ``interface --sigma`` gives for the pair; None otherwise.
    uncertainty: InterfaceUncertainty | None = None

    @property
    def reaction_energy_eV_per_normalising_atom(self) -> float | None:
        """The minimum reaction energy in the cell's basis (per atom closed, per non-A atom open)."""
        return self.reaction_energy_eV_per_nonion_atom if self.open_system else self.reaction_energy_eV_per_atom

    @property
    def most_negative_mutual_reaction_energy_eV_per_normalising_atom(self) -> float | None:
        """The lowest mutual energy in the cell's basis."""
        if self.open_system:
            return self.most_negative_mutual_reaction_energy_eV_per_nonion_atom
        return self.most_negative_mutual_reaction_energy_eV_per_atom

    @classmethod
    def of_profile(
        cls, electrolyte: str, electrode: str, profile: InterfaceProfile, table: PropertyTable | None = None
    ) -> MatrixCell:
        """The cell of an interface profile of ``electrolyte`` (reactant a) | ``electrode`` (reactant b).

        ``table``: the phase properties of (at least) :func:`minimum_formulas` of the profile, for the
        interphase fields; None leaves them empty.
        """
        m, mm = profile.minimum, profile.mutual_minimum
        cell = cls(
            electrolyte=electrolyte,
            electrode=electrode,
            open_system=profile.open_system,
            electrolyte_formula=profile.reactant_a,
            electrode_formula=profile.reactant_b,
            material_id_electrolyte=profile.material_id_a,
            material_id_electrode=profile.material_id_b,
            reaction_energy_eV_per_atom=m.reaction_energy_eV_per_atom,
            reaction_energy_eV_per_nonion_atom=m.reaction_energy_eV_per_nonion_atom,
            reaction_energy_kJ_per_mol=m.reaction_energy_kJ_per_mol,
            x_atomic_electrolyte=m.x_atomic_a,
            x_molar_electrolyte=m.x_molar_a,
            products=m.products,
            reaction=m.reaction,
            mutual_reaction_energy_at_minimum_eV_per_atom=m.mutual_reaction_energy_eV_per_atom,
            mutual_reaction_energy_at_minimum_eV_per_nonion_atom=m.mutual_reaction_energy_eV_per_nonion_atom,
            most_negative_mutual_reaction_energy_eV_per_atom=mm.mutual_reaction_energy_eV_per_atom,
            most_negative_mutual_reaction_energy_eV_per_nonion_atom=mm.mutual_reaction_energy_eV_per_nonion_atom,
            x_atomic_electrolyte_at_mutual_minimum=mm.x_atomic_a,
            products_at_mutual_minimum=mm.products,
            n_kinks=len(profile.kinks),
            notes=profile.notes,
        )
        return dataclasses.replace(cell, **interphase_fields(profile, table)) if table is not None else cell

    def to_dict(self) -> dict[str, object]:
        """JSON-safe dictionary; energy keys end in ``_eV_per_atom`` (closed) or ``_eV_per_nonion_atom`` (open)."""
        per = _per(self.open_system)
        return {
            "electrolyte": self.electrolyte,
            "electrode": self.electrode,
            "electrolyte_formula": self.electrolyte_formula,
            "electrode_formula": self.electrode_formula,
            "material_id_electrolyte": self.material_id_electrolyte,
            "material_id_electrode": self.material_id_electrode,
            f"reaction_energy{per}": getattr(self, f"reaction_energy{per}"),
            "reaction_energy_kJ_per_mol": self.reaction_energy_kJ_per_mol,
            "x_atomic_electrolyte": self.x_atomic_electrolyte,
            "x_molar_electrolyte": self.x_molar_electrolyte,
            "products": list(self.products),
            "reaction": self.reaction,
            f"mutual_reaction_energy_at_minimum{per}": getattr(self, f"mutual_reaction_energy_at_minimum{per}"),
            f"most_negative_mutual_reaction_energy{per}": getattr(self, f"most_negative_mutual_reaction_energy{per}"),
            "x_atomic_electrolyte_at_mutual_minimum": self.x_atomic_electrolyte_at_mutual_minimum,
            "products_at_mutual_minimum": list(self.products_at_mutual_minimum),
            "n_kinks": self.n_kinks,
            "notes": list(self.notes),
            "error": self.error,
            "interphase_verdict": self.interphase_verdict,
            "conducting_phases": list(self.conducting_phases),
            "uncertain_phases": list(self.uncertain_phases),
            "interdiffusion_products": list(self.interdiffusion_products),
            "interphase_summary": self.interphase_summary,
            **uncertainty_json(self.uncertainty),
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any], open_system: bool) -> MatrixCell:
        """The cell back from :meth:`to_dict` (a checkpoint row)."""
        per = _per(open_system)
        names = {f.name for f in fields(cls)}
        values = {k: v for k, v in d.items() if k in names}
        for key in _TUPLE_FIELDS:
            values[key] = tuple(values.get(key) or ())
        values["open_system"] = open_system
        values.setdefault(f"reaction_energy{per}", None)
        values["uncertainty"] = uncertainty_from_dict(values.get("uncertainty"))
        return cls(**values)


@dataclass(frozen=True, slots=True)
class InterfaceMatrix:
    """Interface reactions of every electrolyte (rows) with every electrode (columns).

    Attributes:
        electrolytes: The electrolytes as given (row order).
        electrodes: The electrodes as given (column order).
        ion: Mobile ion A.
        voltage_V: Open to A at this voltage (V vs A/A+); None: closed.
        state_of_charge: Fraction of A removed from every electrode before the reaction; None: as given.
        cells: One per pair, electrolyte-major (``cells[i * len(electrodes) + j]``).
        provenance: Source, conventions and version, once for the run (the pairs span many
            systems: no ``chemsys``).
        notes: Remarks on the inputs (duplicates dropped, formulas read differently).
        n_computed: Pairs computed in this run (the rest came from a checkpoint); not in the JSON,
            so a resumed run writes the same file as an uninterrupted one.
    """

    electrolytes: tuple[str, ...]
    electrodes: tuple[str, ...]
    ion: str
    voltage_V: float | None
    state_of_charge: float | None
    cells: tuple[MatrixCell, ...]
    provenance: Provenance
    notes: tuple[str, ...] = ()
    n_computed: int = field(default=0, compare=False)
    #: Every electrode charged to this voltage (V vs A/A+) first: its equilibrium assemblage; None: as given.
    charge_voltage_V: float | None = None
    #: With ``charge_voltage_V``: per electrode (column order) ``{"electrode": name, **ChargedCathode.to_dict()}``,
    #: or ``{"electrode": name, "error": why}`` when it could not be charged (its cells fail).
    charged_electrodes: tuple[dict[str, object], ...] = ()
    #: With ``--sigma``: the sampling settings; every computed cell then has its ``uncertainty``.
    uncertainty: UncertaintySettings | None = None

    @property
    def open_system(self) -> bool:
        """Whether the pairs are open to the ion (energies per non-A atom)."""
        return self.voltage_V is not None

    def cell(self, electrolyte: str, electrode: str) -> MatrixCell:
        """The cell of one pair, by the names as given.

        Raises:
            KeyError: for a pair not in the matrix.
        """
        i, j = self.electrolytes.index(electrolyte), self.electrodes.index(electrode)
        return self.cells[i * len(self.electrodes) + j]

    @property
    def failed(self) -> tuple[MatrixCell, ...]:
        """The cells that could not be computed."""
        return tuple(c for c in self.cells if c.error)

    def to_dict(self) -> dict[str, object]:
        """JSON-safe dictionary: the inputs, ``cells`` (one object per pair) and the provenance of the run."""
        return {
            "schema_version": SCHEMA_VERSION,
            "electrolytes": list(self.electrolytes),
            "electrodes": list(self.electrodes),
            "ion": self.ion,
            "voltage_V": self.voltage_V,
            "state_of_charge": self.state_of_charge,
            "energy_unit": "eV per non-ion atom (grand potential)" if self.open_system else "eV per atom of mixture",
            "cells": self._cell_dicts(),
            "notes": list(self.notes),
            "provenance": self.provenance.to_dict(),
            "charge_voltage_V": self.charge_voltage_V,
            "charged_electrodes": [dict(c) for c in self.charged_electrodes],
            **self._settings_json(),
        }

    def _cell_dicts(self) -> list[dict[str, object]]:
        """The cells' objects; sampled, every one has ``uncertainty`` (null for a failed pair)."""
        if self.uncertainty is None:
            return [c.to_dict() for c in self.cells]
        return [{**c.to_dict(), "uncertainty": None if c.uncertainty is None else c.uncertainty.to_dict()}
                for c in self.cells]  # fmt: skip

    def _settings_json(self) -> dict[str, object]:
        """``{"uncertainty": {...}}`` (settings, model) when sampled, else nothing."""
        from interfacestab.analyses.matrix_uncertainty import settings_dict

        if self.uncertainty is None:
            return {}
        models = [c.uncertainty.model for c in self.cells if c.uncertainty is not None]
        return {"uncertainty": settings_dict(self.uncertainty, models)}

    #: Columns of :meth:`to_rows` (the CSV): the pair, the minimum, the mutual energies, the provenance.
    ROW_FIELDS: ClassVar[tuple[str, ...]] = (
        "electrolyte", "electrode", "electrolyte_formula", "electrode_formula", "ion", "voltage_V",
        "state_of_charge", "reaction_energy_eV_per_atom", "reaction_energy_eV_per_nonion_atom",
        "reaction_energy_kJ_per_mol", "x_atomic_electrolyte", "x_molar_electrolyte", "products", "reaction",
        "mutual_reaction_energy_at_minimum_eV_per_atom", "mutual_reaction_energy_at_minimum_eV_per_nonion_atom",
        "most_negative_mutual_reaction_energy_eV_per_atom", "most_negative_mutual_reaction_energy_eV_per_nonion_atom",
        "x_atomic_electrolyte_at_mutual_minimum", "products_at_mutual_minimum", "n_kinks",
        "material_id_electrolyte", "material_id_electrode", "error", *Provenance.COLUMNS, "charge_voltage_V",
        "interphase_verdict", "conducting_phases", "uncertain_phases", "interdiffusion_products",
        "interphase_summary",
    )  # fmt: skip

    def to_rows(self) -> list[dict[str, object]]:
        """Flat rows, one per pair (electrolyte-major), keyed by ``ROW_FIELDS`` (the other basis' energies empty)."""
        head = {
            "ion": self.ion,
            "voltage_V": self.voltage_V,
            "state_of_charge": self.state_of_charge,
            "charge_voltage_V": self.charge_voltage_V,
        }
        prov = self.provenance.to_columns()
        rows = []
        for c in self.cells:
            row: dict[str, object] = {**head, **prov}
            for name in self.ROW_FIELDS:
                if hasattr(c, name):
                    row[name] = getattr(c, name)
            rows.append({k: row.get(k) for k in self.ROW_FIELDS})
        return self._interval_rows(rows)

    def _interval_rows(self, rows: list[dict[str, object]]) -> list[dict[str, object]]:
        """Sampled: each row with the interval columns of ``interface --sigma`` after its own (empty when failed)."""
        if self.uncertainty is None:
            return rows
        from interfacestab.analyses.matrix_uncertainty import interval_columns

        blank = dict.fromkeys(interval_columns(self.open_system))
        return [
            {**row, **(blank if c.uncertainty is None else c.uncertainty.to_columns())}
            for row, c in zip(rows, self.cells, strict=True)
        ]


# -- the interphase at each cell's minimum ----------------------------------------------------------
def minimum_formulas(profile: InterfaceProfile) -> set[str]:
    """The phases the interphase of a profile's minimum needs: its products, both reactants and the ion."""
    extra = {profile.ion} if profile.ion else set()
    return {*profile.minimum.products, profile.reactant_a, profile.reactant_b, *extra}


def interphase_fields(profile: InterfaceProfile, table: PropertyTable) -> dict[str, Any]:
    """The interphase fields of a cell: the minimum kink annotated as ``interface`` annotates it.

    ``table`` holds the properties of (at least) :func:`minimum_formulas` of the profile (one lookup
    serves a whole chunk of pairs). Open profiles exchange the ion with the reservoir, as
    :func:`~interfacestab.analyses.interphase.annotate_interface` does. Empty fields when the minimum
    forms nothing but the reactants.
    """
    from interfacestab.analyses.interphase import annotate_kink

    phase = annotate_kink(
        profile.minimum,
        (profile.composition_a, profile.reactant_a),
        (profile.composition_b, profile.reactant_b),
        table,
        ion=profile.ion,
        open_system=profile.voltage_V is not None,
        source_name=profile.provenance.source.name,
    ).interphase
    if phase is None:
        return {}
    return {
        "interphase_verdict": str(phase.verdict),
        "conducting_phases": phase.conducting_phases,
        "uncertain_phases": phase.uncertain_phases,
        "interdiffusion_products": phase.interdiffusion_phases,
        "interphase_summary": phase.summary(),
    }


# -- running the pairs -------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class MatrixSetup:
    """What every pair is computed with (picklable, sent to workers)."""

    ion: str
    voltage_V: float | None
    source: str
    store_path: str
    #: ``--sigma``: sample each pair's minimum with these settings; None: no sampling.
    uncertainty: UncertaintySettings | None = None


@dataclass(frozen=True, slots=True)
class MatrixPair:
    """One pair to compute: the names as given (the checkpoint key) and the reactants as reacted."""

    electrolyte: str
    electrode: str
    a: ParsedFormula
    b: ParsedFormula | None
    error: str = ""

    @property
    def key(self) -> str:
        """Checkpoint key: ``electrolyte|electrode`` as given."""
        return f"{self.electrolyte}|{self.electrode}"

    def system(self, ion: str, open_system: bool) -> str:
        """The pair's chemical system (work is grouped by it); ``!key`` when the electrode could not be charged."""
        if self.b is None:
            return f"!{self.key}"
        return chemsys(set(self.a.composition) | set(self.b.composition) | ({ion} if open_system else set()))


#: Entry sets, covered elements and closed points kept for the life of a process, for later runs on
#: the same store content (a notebook or a benchmark calling ``interface_matrix`` again); bounded.
_PROCESS_SETS: dict[tuple[tuple[object, ...], str], EntrySet] = {}
_PROCESS_COVERED: dict[tuple[object, ...], frozenset[str]] = {}
_PROCESS_POINTS: dict[int, tuple[EntrySet, PhasePoints]] = {}
_PROCESS_MODELS: dict[int, tuple[PhasePoints, Any]] = {}  # HiGHS models of cached points (cleared before use)
MATRIX_PROCESS_CACHE_SIZE = 512


def store_state(store: Store, source: str) -> tuple[object, ...]:
    """What identifies the content of a store's source here: its file and log as they are now, and the source's row.

    The file and its write-ahead log by identity, size and modification time; the source's stored description
    by its content checksum, import time and entry count.

    Any write to the store changes the size or modification time of the file or its log, so an entry set
    cached under one state is never used after the store changed.
    """
    from pathlib import Path

    path = Path(store.path).resolve()
    files: list[object] = []
    for f in (path, path.with_name(path.name + "-wal")):
        try:
            st = f.stat()
        except OSError:
            files.append(None)
        else:  # an empty log is (re)made by every connection: it holds nothing
            files.append((st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns) if st.st_size else None)
    return (str(path), *files, store.source(source))


def covered_elements(store: Store, source: str, state: tuple[object, ...] | None = None) -> frozenset[str]:
    """Elements found in at least one compound of the source, read once per process and store state."""
    state = store_state(store, source) if state is None else state
    found = _PROCESS_COVERED.get(state)
    if found is None:
        if len(_PROCESS_COVERED) >= MATRIX_PROCESS_CACHE_SIZE:
            _PROCESS_COVERED.clear()
        found = _PROCESS_COVERED[state] = store.covered_elements(source)
    return found


def cached_closed_points(entries: EntrySet) -> PhasePoints:
    """The closed points of an entry set, computed once per entry set object in this process."""
    from interfacestab.analyses.interface_kinks import closed_points

    found = _PROCESS_POINTS.get(id(entries))
    if found is None or found[0] is not entries:
        if len(_PROCESS_POINTS) >= MATRIX_PROCESS_CACHE_SIZE:
            _PROCESS_POINTS.pop(next(iter(_PROCESS_POINTS)))
        found = _PROCESS_POINTS[id(entries)] = (entries, closed_points(entries))
    return found[1]


class SystemCache:
    """Entry sets of the pairs' chemical systems, loaded once per process and store state (bounded).

    The entries and the data check are those of :func:`~interfacestab.analyses.targets.load_system`
    (what ``interface`` reads), with the source's covered elements read once, not per pair. An entry set
    is kept for the process under :func:`store_state`, so a later run on the unchanged store reuses it.
    """

    def __init__(self, store: Store, source: str, max_size: int = MATRIX_SYSTEM_CACHE_SIZE) -> None:
        self.store, self.source, self.max_size = store, source, max_size
        self._sets: dict[str, EntrySet] = {}
        self._covered: frozenset[str] | None = None
        self._state = store_state(store, source)
        self.loads = 0

    def covered(self) -> frozenset[str]:
        """Elements found in at least one compound of the source (read once)."""
        if self._covered is None:
            self._covered = covered_elements(self.store, self.source, self._state)
        return self._covered

    def get(self, elements: set[str]) -> EntrySet:
        """The entries of the system of ``elements``.

        Raises:
            DataNotFoundError: when the data do not cover the system (as ``load_system``).
        """
        from interfacestab.analyses.targets import require_data

        key = chemsys(elements)
        found = self._sets.get(key)
        if found is None:
            els = sorted(elements)
            entries = _PROCESS_SETS.get((self._state, key))
            if entries is None:
                entries = self.store.entries(els, self.source)
                self.loads += 1
            lacking = set(els) - {el for e in entries.entries for el in e.composition}
            require_data(entries, els, lacking & self.covered() if lacking else set())
            if len(_PROCESS_SETS) >= MATRIX_PROCESS_CACHE_SIZE:
                _PROCESS_SETS.pop(next(iter(_PROCESS_SETS)))
            _PROCESS_SETS[(self._state, key)] = entries
            if len(self._sets) >= self.max_size:
                self._sets.pop(next(iter(self._sets)))
            found = self._sets[key] = entries
        return found


class SharedModels:
    """Phase points, HiGHS models and hull energies shared by the pairs of one worker's chunk.

    Pairs of one chemical system (``Li3PS4 | LiCoO2`` and ``Li7P3S11 | LiCoO2``) share its closed
    points (and open points at the voltage), one LP model of them, and the hull energy at every
    composition already solved (a reactant's energy, and closed its own decomposition energy, which
    is the same LP). Only the pair's own path is new. Each path starts from a cleared basis, so the
    numbers are those of ``interface`` whatever was solved before on the same model.
    """

    def __init__(self) -> None:
        self._closed: dict[tuple[str, str], PhasePoints] = {}
        self._open: dict[tuple[int, str, float], PhasePoints] = {}
        self._models: dict[int, tuple[PhasePoints, Any]] = {}
        self._energies: dict[tuple[int, bytes], float] = {}
        self._cold_at: dict[int, bytes | None] = {}  # the composition of a model's last solve, when it was cold
        self._targets: dict[tuple[str, str, object], Target] = {}
        self.models_built = 0  # models set up for these pairs (built, or an earlier run's taken and cleared)

    def forget_systems(self) -> None:
        """Drop the points, models and hull energies (the next pairs are of another system); keep the reactants."""
        self._closed.clear()
        self._open.clear()
        self._models.clear()
        self._energies.clear()
        self._cold_at.clear()

    def resolve(self, entries: EntrySet, reactant: str | Composition | ParsedFormula) -> Target:
        """The reactant found in the entries, once per source and composition.

        A compound is found among the entries of exactly its own elements, which are the same in
        every system that contains them, so the answer does not depend on the pair.
        """
        from interfacestab.analyses.targets import resolve_target
        from interfacestab.entries import composition_key

        given = parse_input(reactant)
        key = (entries.source.name, given.text, composition_key(given.composition))
        if key not in self._targets:
            self._targets[key] = resolve_target(entries, given)
        return self._targets[key]

    def closed(self, entries: EntrySet) -> PhasePoints:
        """The closed points of an entry set (one per source and chemical system)."""
        key = (entries.source.name, entries.chemsys)
        if key not in self._closed:
            self._closed[key] = cached_closed_points(entries)
        return self._closed[key]

    def opened(self, closed: PhasePoints, ion: str, mu: float) -> PhasePoints:
        """The grand-potential points of ``closed`` at mu_ion (one per closed set and mu)."""
        from interfacestab.analyses.interface_kinks import open_points

        key = (id(closed), ion, mu)
        if key not in self._open:
            self._open[key] = open_points(closed, ion, mu)
        return self._open[key]

    def model(self, points: PhasePoints, start: np.ndarray | None = None) -> Any:
        """The one HiGHS model of ``points`` (kept with the points, so its key stays theirs), ready to start cold.

        Every solve starts as on a model of its own: a pair's numbers do not depend on which pairs
        were solved before it (on this worker, in this chunk), so a resumed or distributed run gives
        the same numbers as ``interface``. The basis is cleared, unless the model's last solve was a
        cold one at ``start`` (a path's first composition, its b end): that basis is the one a cold
        solve at ``start`` ends in, so it is kept and the solve is not done twice.
        """
        from interfacestab.engine.lp import hull_model

        key = id(points)
        found = self._models.get(key)
        if found is None:
            kept = _PROCESS_MODELS.get(key)
            if kept is not None and kept[0] is points:  # a model of an earlier run on these points: start it cold
                kept[1].clearSolver()
                found = self._models[key] = kept
            else:
                found = self._models[key] = (points, hull_model(points.fractions, points.energies))
                if len(_PROCESS_MODELS) >= MATRIX_PROCESS_CACHE_SIZE:
                    _PROCESS_MODELS.pop(next(iter(_PROCESS_MODELS)))
                _PROCESS_MODELS[key] = found
            self.models_built += 1
        elif start is None or self._cold_at.get(key) != start.tobytes():
            found[1].clearSolver()
        self._cold_at[key] = None
        return found[1]

    def hull_energy(self, points: PhasePoints, vec: np.ndarray) -> float:
        """Hull energy of ``points`` at ``vec``, solved once per point set and composition."""
        from interfacestab.engine.lp import PathHull

        key = (id(points), vec.tobytes())
        if key not in self._energies:
            path = PathHull(points.fractions, points.energies, vec, vec, model=self.model(points))
            self._energies[key] = path.evaluate(1.0).energy
            self._cold_at[id(points)] = vec.tobytes()
        return self._energies[key]


@functools.cache
def _shared_pair_class() -> type:
    """:class:`~interfacestab.analyses.interface.InterfacePair` taking its points and LPs from :class:`SharedModels`."""
    from interfacestab.analyses.interface import InterfacePair
    from interfacestab.engine.lp import PathHull

    class SharedPair(InterfacePair):
        def __init__(self, shared: SharedModels, entries: EntrySet, a: ParsedFormula, b: ParsedFormula,
                     *, ion: str, open_system: bool) -> None:  # fmt: skip
            self.shared = shared
            super().__init__(entries, a, b, ion=ion, open_system=open_system)

        def _resolve(self, entries: EntrySet, reactant: str | Composition | ParsedFormula) -> Target:
            return self.shared.resolve(entries, reactant)

        def _closed_points(self, entries: EntrySet) -> PhasePoints:
            return self.shared.closed(entries)

        def _open_points(self, ion: str, mu: float) -> PhasePoints:
            return self.shared.opened(self.closed, ion, mu)

        def _hull_energy(self, points: PhasePoints, vec: np.ndarray) -> float:
            return self.shared.hull_energy(points, vec)

        def _path(self, points: PhasePoints, pa: np.ndarray, pb: np.ndarray) -> PathHull:
            return PathHull(points.fractions, points.energies, pa, pb, model=self.shared.model(points, start=pb))

    return SharedPair


def pair_cell(
    pair: MatrixPair,
    setup: MatrixSetup,
    systems: SystemCache,
    shared: SharedModels | None = None,
    table: PropertyTable | None = None,
) -> MatrixCell:
    """The cell of one pair, as ``interface`` computes it (raises InterfaceStabError on a bad pair).

    ``shared`` (default: a fresh one) holds the points and LP models of the pairs computed before;
    ``table`` the phase properties of its minimum (default: looked up for this pair alone).
    """
    from interfacestab.analyses.interphase import load_properties

    profile = pair_profile(pair, setup, systems, shared)
    if table is None:
        table = load_properties(systems.store, minimum_formulas(profile))
    return MatrixCell.of_profile(pair.electrolyte, pair.electrode, profile, table)


def pair_profile(
    pair: MatrixPair, setup: MatrixSetup, systems: SystemCache, shared: SharedModels | None = None
) -> InterfaceProfile:
    """The interface profile of one pair, as ``interface`` computes it (raises InterfaceStabError on a bad pair)."""
    if pair.b is None:
        raise AnalysisError(pair.error)
    open_system = setup.voltage_V is not None
    entries = systems.get(pair_elements(pair, setup))
    pair_type = _shared_pair_class()
    prepared = pair_type(shared or SharedModels(), entries, pair.a, pair.b, ion=setup.ion, open_system=open_system)
    return prepared.profile(setup.voltage_V)


def pair_elements(pair: MatrixPair, setup: MatrixSetup) -> set[str]:
    """The elements of a pair's system: both reactants' (as reacted), and open the ion's."""
    assert pair.b is not None
    return set(pair.a.composition) | set(pair.b.composition) | ({setup.ion} if setup.voltage_V is not None else set())


#: Stores opened by a run, by (path, process, thread): its pairs computed in the same thread read them.
_LENT_STORES: dict[tuple[str, int, int], Store] = {}


@contextmanager
def _lend_store(path: str, store: Store) -> Iterator[None]:
    """While the block runs, :func:`matrix_chunk` in this process and thread reads ``store`` (not opening ``path``)."""
    key = (path, os.getpid(), threading.get_ident())
    _LENT_STORES[key] = store
    try:
        yield
    finally:
        _LENT_STORES.pop(key, None)


def matrix_chunk(pairs: list[MatrixPair], setup: MatrixSetup) -> list[dict[str, Any]]:
    """Task run by a worker: a chunk of pairs with one store connection, one system cache and one property lookup."""
    from interfacestab.analyses.interphase import load_properties
    from interfacestab.analyses.matrix_uncertainty import cell_uncertainty
    from interfacestab.store import open_store

    sampled: dict[str, InterfaceUncertainty | None] = {}
    done: list[tuple[MatrixPair, InterfaceProfile | MatrixCell]] = []
    open_system = setup.voltage_V is not None
    lent = _LENT_STORES.get((setup.store_path, os.getpid(), threading.get_ident()))
    with nullcontext(lent) if lent is not None else open_store(setup.store_path, create=False) as store:
        systems, shared = SystemCache(store, setup.source), SharedModels()
        current = None
        for pair in pairs:  # grouped by system: the models of the system before are done with
            system = pair.system(setup.ion, open_system)
            if system != current:
                shared.forget_systems()
                current = system
            try:
                profile = pair_profile(pair, setup, systems, shared)
                sampled[pair.key] = cell_uncertainty(
                    systems.get(pair_elements(pair, setup)), profile, setup.uncertainty
                )
                done.append((pair, profile))
            except InterfaceStabError as exc:
                done.append((pair, MatrixCell(pair.electrolyte, pair.electrode, open_system, error=str(exc))))
        formulas = {f for _, p in done if not isinstance(p, MatrixCell) for f in minimum_formulas(p)}
        table = load_properties(store, formulas)  # one lookup for every pair of the chunk
    rows = []
    for pair, p in done:
        cell = p if isinstance(p, MatrixCell) else MatrixCell.of_profile(pair.electrolyte, pair.electrode, p, table)
        if sampled.get(pair.key) is not None:
            cell = dataclasses.replace(cell, uncertainty=sampled[pair.key])
        rows.append({"key": pair.key, **cell.to_dict()})
    return rows


def _names(given: Sequence[str], what: str) -> tuple[list[str], list[str]]:
    """The names as given, stripped, duplicates dropped (first kept); and a note per duplicate."""
    names = [str(n).strip() for n in given]
    if not names or not all(names):
        msg = f"no {what} given" if not any(names) else f"an empty {what[:-1]} name in the list"
        raise AnalysisError(msg)
    kept = list(dict.fromkeys(names))
    dropped = sorted({n for n in names if names.count(n) > 1})
    notes = [f"{what[:-1]} {n} is listed more than once; computed once" for n in dropped]
    return kept, notes


def interface_matrix(
    electrolytes: Sequence[str],
    electrodes: Sequence[str],
    *,
    ion: str = "Li",
    voltage_V: float | None = None,
    state_of_charge: float | None = None,
    source: str | None = None,
    store_path: str | Path | None = None,
    output: str | Path | None = None,
    resume: bool = False,
    workers: int | None = None,
    scheduler: str | None = None,
    progress: Callable[[int, int], None] | None = None,
    chunk_size: int | None = None,
    charge_voltage_V: float | None = None,
    uncertainty: UncertaintySettings | None = None,
) -> InterfaceMatrix:
    """Interface reactions of every electrolyte with every electrode (each pair as ``interface A B`` gives it).

    Args:
        electrolytes: Electrolyte formulas (rows; reactant a of each pair, so x is the electrolyte's fraction).
        electrodes: Electrode formulas (columns; reactant b).
        ion: Mobile ion A.
        voltage_V: Open every pair to A at this voltage (V vs A/A+); None: closed.
        state_of_charge: Remove this fraction (0-1) of A from every electrode first (LiCoO2 at 1 -> CoO2).
        source: Data source name (default: the store's default source).
        store_path: Store file (default: the configured store); each worker opens it.
        output: A result file to checkpoint beside (``<output>.checkpoint.jsonl``); needed for ``resume``.
            The matrix does not write ``output`` itself (the caller renders it in the format it wants).
        resume: Reuse the checkpoint of an interrupted run with the same inputs and settings.
        workers: Local processes (default: all cores; 1 runs in this process).
        scheduler: Dask scheduler address to run on a cluster instead.
        progress: Called with (done, total) as pairs finish.
        chunk_size: Pairs per task (pairs of one chemical system stay together); default: about four
            tasks per worker, at least ``MATRIX_CHUNK_SIZE`` pairs (each task opens the store once).
        charge_voltage_V: Charge every electrode to this voltage (V vs A/A+) first: each reacts as its
            equilibrium phase assemblage at that voltage on the same hull
            (:func:`~interfacestab.analyses.charging.charged_cathode_for`, what ``interface --charge-voltage``
            reacts); the result's ``charged_electrodes`` names the composition and phases used. An electrode
            that cannot be charged (no A) fails its cells. Not with ``state_of_charge``.
        uncertainty: Sample formation-energy errors (``--sigma``): every computed cell gets the ``uncertainty``
            of its minimum, what ``interface --sigma`` gives for the pair
            (:func:`~interfacestab.analyses.uncertainty.interface_uncertainty`); the same seed gives the same
            cells on any number of workers and after a resume (the settings are part of the checkpoint's
            fingerprint).

    Raises:
        FormulaError: a malformed formula.
        DataNotFoundError: the data lack an electrolyte's or electrode's system.
        AnalysisError: an empty list, a voltage out of range, both ``state_of_charge`` and
            ``charge_voltage_V``, or a resume refused.
    """
    from interfacestab.analyses.batch import source_fingerprint
    from interfacestab.analyses.interface import at_state_of_charge, check_voltage
    from interfacestab.analyses.interphase import DEFAULT_THRESHOLDS, with_interphase_conventions
    from interfacestab.analyses.runner import checkpoint_path, run_resumable
    from interfacestab.analyses.targets import require_data
    from interfacestab.analyses.uncertainty_fields import uncertainty_fingerprint
    from interfacestab.conventions import MIXING_CONVENTION, check_ion, conventions_summary
    from interfacestab.fileio import check_output_path
    from interfacestab.phase_properties import PropertyTable
    from interfacestab.settings import resolve_store_path
    from interfacestab.store import open_store

    check_ion(ion)
    if voltage_V is not None:
        check_voltage(ion, voltage_V)
    if state_of_charge is not None and not 0 <= state_of_charge <= 1:
        msg = f"state of charge must be between 0 and 1, not {state_of_charge}"
        raise AnalysisError(msg)
    if charge_voltage_V is not None:
        from interfacestab.analyses.charging import check_charge_voltage

        if state_of_charge is not None:
            msg = "give either a state of charge (a fraction of A removed) or a charge voltage, not both"
            raise AnalysisError(msg)
        check_charge_voltage(charge_voltage_V)
    if resume and output is None:
        msg = "resume needs the output whose checkpoint to continue"
        raise AnalysisError(msg)
    out = check_output_path(output) if output is not None else None
    ely_names, ely_notes = _names(electrolytes, "electrolytes")
    ele_names, ele_notes = _names(electrodes, "electrodes")
    parsed = {name: parse_input(name) for name in dict.fromkeys([*ely_names, *ele_names])}  # FormulaError
    store_file = str(resolve_store_path(store_path))
    with ExitStack() as stack:
        st = stack.enter_context(open_store(store_file, create=False))
        info = st.source(source)
        covered = covered_elements(st, info.name)
        known = st.property_sources()  # named in the provenance (each chunk looks its phases up once)
        properties = PropertyTable({}, [s.name for s in known], source_infos=known)
        for name, given in parsed.items():
            comp = given.composition
            if set(comp) <= covered:  # every element is in some compound: the system is covered
                continue
            entries = st.entries(set(comp), info.name)
            try:
                require_data(entries, set(comp), covered & set(comp))
            except DataNotFoundError as exc:
                msg = f"no data for {name}: {exc}"
                raise DataNotFoundError(msg) from exc
        charged = _charged_electrodes(st, info.name, ele_names, parsed, ion, charge_voltage_V)
        reacted: dict[str, tuple[ParsedFormula | None, str]] = {}
        for name in ele_names:
            if charge_voltage_V is not None:
                reacted[name] = (charged[name][0], charged[name][1])
                continue
            try:
                reacted[name] = (at_state_of_charge(parsed[name], ion, state_of_charge), "")
            except InterfaceStabError as exc:
                reacted[name] = (None, f"{name} at state of charge {state_of_charge:g}: {exc}")
        pairs = [
            MatrixPair(e, x, parsed[e], reacted[x][0], reacted[x][1]) for e in ely_names for x in ele_names
        ]  # electrolyte-major
        setup = MatrixSetup(ion, voltage_V, info.name, store_file, uncertainty)
        open_system = voltage_V is not None
        fingerprint = {
            "run": "interface matrix",
            "electrolytes": ", ".join(ely_names),
            "electrodes": ", ".join(ele_names),
            "ion": ion,
            "voltage_V": voltage_V,
            "state_of_charge": state_of_charge,
            **source_fingerprint(info),
            "interphase": DEFAULT_THRESHOLDS.text(),  # a checkpoint without the interphase fields is not reused
        }
        if charge_voltage_V is not None:
            fingerprint["charge_voltage_V"] = charge_voltage_V
        fingerprint.update(uncertainty_fingerprint(uncertainty))  # a run with other sampling is not resumed into
        if chunk_size is None:  # each task opens the store once (a full integrity check): few, large tasks
            n_workers = max(1, workers or os.cpu_count() or 1) if scheduler is None else 8
            # checkpointed or large: rows reach the checkpoint and the progress bar chunk by chunk
            per_worker = 4 if out is not None or len(pairs) > 400 else 1
            chunk_size = max(MATRIX_CHUNK_SIZE, -(-len(pairs) // (per_worker * n_workers)))
        in_process = scheduler is None and workers is not None and workers <= 1
        if not in_process:
            stack.close()  # closed before worker processes start (they open their own)
        with _lend_store(store_file, st) if in_process else nullcontext():  # in this process: the store opened here
            done, computed = run_resumable(
                matrix_chunk,
                pairs,
                (setup,),
                key=lambda p: p.key,
                group=lambda p: p.system(ion, open_system),
                checkpoint=checkpoint_path(out) if out is not None else None,
                resume=resume,
                workers=workers,
                scheduler=scheduler,
                progress=progress,
                chunk_size=chunk_size,
                fingerprint=fingerprint,
            )
    cells = tuple(MatrixCell.from_dict(done[p.key], open_system) for p in pairs)
    system = "closed" if voltage_V is None else f"open to {ion} at {voltage_V} V (mu_{ion} = -{voltage_V} eV)"
    conventions = conventions_summary(
        mixing=MIXING_CONVENTION,
        reactant_energies="hull (stabilized) energies",
        system=system,
        matrix="each cell is the interface of the electrolyte (reactant a, fraction x) with the electrode "
        "(reactant b), computed in the chemical system of the pair",
    )
    if state_of_charge is not None:
        conventions["state_of_charge"] = f"{state_of_charge:g} of the {ion} removed from every electrode first"
    if charge_voltage_V is not None:
        conventions["charge_voltage"] = (
            f"every electrode charged to {charge_voltage_V:g} V vs {ion}/{ion}+ first: its equilibrium phase "
            "assemblage at that voltage on the same hull"
        )
    conventions["interphase_at_minimum"] = (
        "each cell's verdict is the interphase of its minimum, as `interface` reports it (open: the ion exchanged "
        "with the reservoir is not counted)"
    )
    if uncertainty is not None:
        from interfacestab.analyses.matrix_uncertainty import sampling_convention

        conventions["uncertainty"] = sampling_convention(uncertainty)
    # the pairs span many systems: no chemsys
    provenance = with_interphase_conventions(Provenance(info, "", 0, conventions), properties)
    return InterfaceMatrix(
        electrolytes=tuple(ely_names),
        electrodes=tuple(ele_names),
        ion=ion,
        voltage_V=voltage_V,
        state_of_charge=state_of_charge,
        cells=cells,
        provenance=provenance,
        notes=(*ely_notes, *ele_notes),
        n_computed=computed,
        charge_voltage_V=charge_voltage_V,
        charged_electrodes=tuple(
            {"electrode": name, **(charged[name][2] or {"error": charged[name][1]})} for name in ele_names
        )
        if charge_voltage_V is not None
        else (),
        uncertainty=uncertainty,
    )


def _charged_electrodes(
    store: Store,
    source: str,
    names: list[str],
    parsed: dict[str, ParsedFormula],
    ion: str,
    voltage_V: float | None,
) -> dict[str, tuple[ParsedFormula | None, str, dict[str, object] | None]]:
    """Each electrode charged to ``voltage_V``: (the assemblage as reacted, "", its description) or (None, why, None).

    Empty when ``voltage_V`` is None. An electrode that cannot be charged (no A, no data) fails its cells.
    """
    from interfacestab.analyses.charging import charged_cathode_for

    out: dict[str, tuple[ParsedFormula | None, str, dict[str, object] | None]] = {}
    if voltage_V is None:
        return out
    for name in names:
        try:
            charged = charged_cathode_for(parsed[name], voltage_V, ion=ion, source=source, store=store)
        except InterfaceStabError as exc:
            out[name] = (None, f"{name} charged to {voltage_V:g} V: {exc}", None)
        else:
            out[name] = (charged.parsed, "", charged.to_dict())
    return out


def read_formula_list(path: str | Path, what: str) -> list[str]:
    """Formulas from a file: one per line, or a CSV with a ``formula`` column (as ``--candidates``).

    Raises:
        SourceError: the file cannot be read or holds no formula.
    """
    from interfacestab.analyses.inputs import read_formula_rows

    return [row["formula"] for row in read_formula_rows(path, what)]


def split_formula_list(text: str, what: str) -> list[str]:
    """``Li6PS5Cl, Li3InCl6`` -> the formulas (commas separate; blanks around them are dropped).

    Raises:
        AnalysisError: no formula, or an empty one between two commas.
    """
    parts = [p.strip() for p in text.split(",")]
    if not any(parts):
        msg = f"no {what} given"
        raise AnalysisError(msg)
    if not all(parts):
        msg = f"an empty formula in the {what} list '{text[:60]}'"
        raise AnalysisError(msg)
    return parts
