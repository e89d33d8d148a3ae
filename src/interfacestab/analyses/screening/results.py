"""The results of a coating screen: one candidate's numbers and verdict, the ranked screen, its file."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

from interfacestab.analyses.screening.criteria import ScreeningCriteria  # noqa: TC001 (a dataclass field)
from interfacestab.analyses.screening.ranking import probability_columns
from interfacestab.conventions import SCHEMA_VERSION
from interfacestab.provenance import Provenance, SourceInfo, package_version

if TYPE_CHECKING:
    from pathlib import Path

#: Screen-level fields of the anode side and the charge voltage repeated on every CSV row.
_SIDE_FIELDS = ("anode", "anode_potential_V", "charge_voltage_V")
#: Fields that are -inf (ranked last) for a candidate that could not be screened; ``null`` in JSON.
_SCORE_FIELDS = ("score", "mean_margin")


@dataclass(frozen=True, slots=True)
class CoatingResult:
    """One candidate's numbers, verdict per criterion, and score (voltages V).

    Closed reaction energies are per atom of the mixture (``_eV_per_atom``); the open ones are
    grand-potential energies per atom of non-ion elements (``_eV_per_nonion_atom``).

    The interphase fields (after ``error``; :mod:`interfacestab.analyses.interphase`): the coating's
    own band gap (preferred source), electronic class and ion-conductor flag; ``band_gap_gate``
    (``pass``/``fail``/``unknown`` against ``criteria.min_coating_band_gap_eV``, reported beside the
    criteria, not in the score); the verdict (``passivating``/``mixed-conducting``/``uncertain``, empty
    without a reaction) of the window's two limits and of the most negative reaction with the
    electrolyte, the cathode and the charged cathode (on the anode side: the electrolyte and the anode,
    ``anode_interphase``); ``metallic_products`` of those reactions
    and ``metallic_interphase`` (flag: any), ``interdiffusion_products`` (the cathode's transition metal
    in the electrolyte's framework).
    """

    formula: str
    in_database: bool
    material_id: str
    e_above_hull_eV_per_atom: float | None
    reduction_limit_V: float | None
    oxidation_limit_V: float | None
    reduction_products: tuple[str, ...]
    oxidation_products: tuple[str, ...]
    electrolyte_reaction_eV_per_atom: float | None
    electrolyte_products: tuple[str, ...]
    cathode_reaction_eV_per_atom: float | None
    cathode_products: tuple[str, ...]
    charged_cathode_reaction_eV_per_atom: float | None
    charged_cathode_products: tuple[str, ...]
    open_electrolyte_reaction_eV_per_nonion_atom: float | None
    open_cathode_reaction_eV_per_nonion_atom: float | None
    criteria_pass: dict[str, bool]
    margins: dict[str, float]
    score: float
    mean_margin: float
    passed: bool
    failed_criteria: tuple[str, ...]
    error: str | None = None
    #: anode side (``screen --anode``): the most negative closed reaction energy with the anode and its products
    anode_reaction_eV_per_atom: float | None = None
    anode_products: tuple[str, ...] = ()
    coating_band_gap_min_eV: float | None = None
    coating_band_gap_max_eV: float | None = None
    coating_band_gap_source: str = ""
    coating_electronic_class: str = ""
    coating_ion_conductor: bool | None = None
    band_gap_gate: str = ""
    reduction_interphase: str = ""
    oxidation_interphase: str = ""
    electrolyte_interphase: str = ""
    cathode_interphase: str = ""
    charged_cathode_interphase: str = ""
    metallic_products: tuple[str, ...] = ()
    interdiffusion_products: tuple[str, ...] = ()
    metallic_interphase: bool = False
    pass_probability: dict[str, float] | None = None
    #: anode side: the verdict of the most negative reaction with the anode (empty without a reaction)
    anode_interphase: str = ""
    #: every product that makes one of those reactions mixed-conducting (metals and small-gap phases, e.g.
    #: Li(CoO2)2 at 0.08-0.22 eV) and the flag (any); ``metallic_products`` are the metals among them
    conducting_products: tuple[str, ...] = ()
    conducting_interphase: bool = False

    def to_dict(self) -> dict[str, object]:
        """JSON-safe dictionary keyed by field name.

        A candidate that could not be screened (``error``) ranks last with a score of -inf, which JSON
        cannot hold: ``score`` and ``mean_margin`` are then None (``null``, an empty CSV cell).
        """
        d = asdict(self)
        for key, value in d.items():
            if isinstance(value, tuple):
                d[key] = list(value)
        for key in _SCORE_FIELDS:
            if not math.isfinite(d[key]):
                d[key] = None
        if d["pass_probability"] is None:  # only screens run with --sigma have it
            del d["pass_probability"]
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> CoatingResult:
        """Inverse of :meth:`to_dict` (used when reading checkpoints)."""
        fields: dict[str, Any] = {
            k: (tuple(v) if isinstance(v, list) else v) for k, v in d.items() if k in cls.__dataclass_fields__
        }
        for key in _SCORE_FIELDS:
            if fields.get(key) is None:
                fields[key] = float("-inf")
        return cls(**fields)

    @classmethod
    def failed(cls, formula: str, message: str) -> CoatingResult:
        """A candidate that could not be screened: ranked last, every number empty."""
        return cls(
            formula, False, "", None, None, None, (), (), None, (), None, (), None, (), None, None, {}, {},
            float("-inf"), float("-inf"), False, ("error",), message,
        )  # fmt: skip


@dataclass(frozen=True, slots=True)
class CoatingScreen:
    """A ranked screen (best first) with its setup and provenance."""

    electrolyte: str
    cathode: str
    charged_cathode: str
    ion: str
    voltage_V: float | None
    criteria: ScreeningCriteria
    results: tuple[CoatingResult, ...]
    source: dict[str, object]
    n_computed: int = 0
    output: str | None = None
    package_version: str = ""
    conventions: dict[str, str] = field(default_factory=dict)
    skipped: tuple[str, ...] = ()
    #: How the inputs were read (``cathode Li2O·CoO read as Li2CoO2``); the command line says them on stderr.
    notes: tuple[str, ...] = ()
    #: anode side (``screen --anode``; ``cathode`` and ``charged_cathode`` are then ""): the anode as found,
    #: its potential (V vs A/A+) and the phases holding it
    anode: str | None = None
    anode_potential_V: float | None = None
    anode_phases: tuple[str, ...] = ()
    #: the charged cathode taken at this voltage (``--charge-voltage``; None: ``--charged-fraction``), its phases
    charge_voltage_V: float | None = None
    charged_cathode_phases: tuple[str, ...] = ()

    @property
    def anode_side(self) -> bool:
        """Whether this screens interlayers at an anode (else coatings at a cathode)."""
        return self.anode is not None

    #: The --sigma settings and the ranking (``ranked_by``) when the screen sampled energy errors.
    uncertainty: dict[str, object] | None = None

    @property
    def passed(self) -> tuple[CoatingResult, ...]:
        """Candidates that pass every criterion."""
        return tuple(r for r in self.results if r.passed)

    def to_dict(self) -> dict[str, object]:
        """JSON-safe dictionary keyed by field name."""
        return {
            "schema_version": SCHEMA_VERSION,
            "electrolyte": self.electrolyte,
            "cathode": self.cathode,
            "charged_cathode": self.charged_cathode,
            "ion": self.ion,
            "voltage_V": self.voltage_V,
            "criteria": self.criteria.to_dict(),
            "n_candidates": len(self.results),
            "n_passed": len(self.passed),
            "n_computed": self.n_computed,
            "results": [r.to_dict() for r in self.results],
            "score_rule": self.criteria.score_rule,
            "skipped_candidates": list(self.skipped),
            "provenance": self.provenance.to_dict(),
            "anode": self.anode,
            "anode_potential_V": self.anode_potential_V,
            "anode_phases": list(self.anode_phases),
            "charge_voltage_V": self.charge_voltage_V,
            "charged_cathode_phases": list(self.charged_cathode_phases),
            **({} if self.uncertainty is None else {"uncertainty": self.uncertainty}),
        }

    @property
    def provenance(self) -> Provenance:
        """Source, conventions and version of the screen (its candidates span many systems: no ``chemsys``)."""
        info = SourceInfo(**{k: v for k, v in self.source.items() if k in SourceInfo.__dataclass_fields__})  # type: ignore[arg-type]
        return Provenance(info, "", 0, dict(self.conventions), self.package_version or package_version())

    #: Columns of :meth:`to_rows` (the CSV), in order: the screen's setup, the candidate, the provenance.
    ROW_FIELDS: ClassVar[tuple[str, ...]] = (
        "electrolyte", "cathode", "charged_cathode", "ion", "voltage_V", "rank", "formula", "passed", "score",
        "mean_margin", "failed_criteria", "e_above_hull_eV_per_atom", "reduction_limit_V", "oxidation_limit_V",
        "reduction_products", "oxidation_products", "electrolyte_reaction_eV_per_atom", "electrolyte_products",
        "cathode_reaction_eV_per_atom", "cathode_products", "charged_cathode_reaction_eV_per_atom",
        "charged_cathode_products", "open_electrolyte_reaction_eV_per_nonion_atom",
        "open_cathode_reaction_eV_per_nonion_atom", "in_database", "material_id", "error", *Provenance.COLUMNS,
        "anode", "anode_potential_V", "anode_reaction_eV_per_atom", "anode_products", "charge_voltage_V",
        "coating_band_gap_min_eV", "coating_band_gap_max_eV", "coating_band_gap_source", "coating_electronic_class",
        "coating_ion_conductor", "band_gap_gate", "reduction_interphase", "oxidation_interphase",
        "electrolyte_interphase", "cathode_interphase", "charged_cathode_interphase", "metallic_products",
        "interdiffusion_products", "metallic_interphase", "anode_interphase",
        "conducting_products", "conducting_interphase",
    )  # fmt: skip

    def to_rows(self) -> list[dict[str, object]]:
        """Flat rows, one per candidate, best first, keyed by ``ROW_FIELDS`` (an error row's score is empty)."""
        head = {k: getattr(self, k) for k in ("electrolyte", "cathode", "charged_cathode", "ion", "voltage_V")}
        head.update({k: getattr(self, k) for k in _SIDE_FIELDS})
        prov = self.provenance.to_columns()
        rows = [{**head, "rank": rank, **r.to_dict(), **prov} for rank, r in enumerate(self.results, start=1)]
        return probability_columns(
            [{c: row.get(c) for c in self.ROW_FIELDS} for row in rows], self.results, self.uncertainty
        )


def write_screen(screen: CoatingScreen, out: Path) -> None:
    """Write a screen atomically as JSON (everything) or CSV (the rows of :meth:`CoatingScreen.to_rows`).

    Raises:
        OutputError: when the file cannot be written.
    """
    from interfacestab.fileio import rows_to_csv, to_json_text, write_text_atomic

    if out.suffix.lower() == ".json":
        write_text_atomic(out, to_json_text(screen.to_dict()))
    else:
        rows = screen.to_rows()
        extra = tuple(k for k in (rows[0] if rows else {}) if k not in CoatingScreen.ROW_FIELDS)
        write_text_atomic(out, rows_to_csv(rows, CoatingScreen.ROW_FIELDS + extra))
