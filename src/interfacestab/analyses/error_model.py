"""Sampled formation-energy errors: the ``global`` model and the ``mp2020`` model of per-entry correction uncertainties.

Both models give, for a list of entries, a (samples, entries) array of errors in eV/atom that the
interval routes of :mod:`interfacestab.analyses.uncertainty` add to the formation energies
(docs/conventions.md, 'Uncertainty from energy errors'). Elements are the references and get 0.

``global``: with ``f(x_i)`` the value at i's composition of a unit-variance random field that varies
smoothly with composition (:mod:`interfacestab.analyses.error_field`: nearly equal compositions get
nearly equal values, distant ones nearly independent values) and ``s_k`` one standard normal per
corrected element k (the anions and, in oxides and fluorides, the +U metals of the MP2020 scheme),

    delta_i = sigma * ( sqrt(1 - rho) * f(x_i) + sqrt(rho) * sum_k w_ik s_k )

with ``w_ik`` k's share of the corrected atoms of i and ``rho`` = :data:`SHARED_FRACTION`.

``mp2020``: for entries that carry the energy corrections applied to them with their fitted
uncertainties (Wang et al., Sci. Rep. 11, 15496 (2021)),

    delta_i = sum_k (n_ik u_k / N_i) s_k  +  sigma * f(x_i)

with k the corrections of i (by name), ``n_ik / N_i`` the share of i's atoms that k corrects, ``u_k``
the published uncertainty per corrected atom and ``s_k`` one standard normal per correction shared by
every compound it corrects (the fitted constant is one number, so its error is the same in all of them).

Samples are reproducible: the field depends only on the seed and the composition, ``s_k`` on
``(seed, "element|" + element)`` (global) or ``(seed, "correction|" + name)`` (mp2020), so the same seed
gives the same numbers to the same compound in every analysis, whatever the order of the work or the
number of worker processes. Polymorphs of one composition get the same field value (their relative
energies are far more accurate than their formation energies), so sampling never reorders them.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

import numpy as np

from interfacestab.errors import AnalysisError

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

    from interfacestab.entries import Entry
    from interfacestab.store.database import Store

#: Elements whose MP2020 energy corrections are fitted per atom: anions (O, S, F, Cl, Br, I, N, H, Se,
#: Si, Sb, Te) and, in oxides and fluorides, the +U metals. Compounds sharing one share its error term.
CORRECTED_ANIONS = ("Br", "Cl", "F", "H", "I", "N", "O", "S", "Sb", "Se", "Si", "Te")
U_METALS = ("Co", "Cr", "Fe", "Mn", "Mo", "Ni", "V", "W")
CORRECTED_ELEMENTS = CORRECTED_ANIONS + U_METALS
#: Share of the error variance carried by the shared per-element terms of the global model (the rest is per compound).
SHARED_FRACTION = 0.5
GLOBAL_MODEL = "global"
MP2020_MODEL = "mp2020"
#: What ``--error-model`` accepts: ``auto`` picks ``mp2020`` when every compound carries correction uncertainties.
ERROR_MODELS = ("auto", GLOBAL_MODEL, MP2020_MODEL)
#: Each model in a few words (every report's legend and a matrix's provenance say it the same way).
MODEL_DESCRIPTIONS = {
    GLOBAL_MODEL: "one sigma for every compound: a part shared per corrected element plus a part smooth in composition",
    MP2020_MODEL: "MP2020 correction uncertainties shared per correction, plus sigma smooth in composition",
    "mixed": "each system its own model: mp2020 where every compound carries correction uncertainties, else global",
}


class _Settings(Protocol):  # the fields of interfacestab.analyses.uncertainty.UncertaintySettings read here
    @property
    def sigma_eV_per_atom(self) -> float: ...
    @property
    def samples(self) -> int: ...
    @property
    def seed(self) -> int: ...


def check_error_model(name: object) -> None:
    """Refuse an unknown error model name (one line naming the option)."""
    if name not in ERROR_MODELS:
        msg = f"--error-model must be one of {', '.join(ERROR_MODELS)}, not {str(name)[:40]!r}"
        raise AnalysisError(msg)


# --- random numbers -------------------------------------------------------------------------------------
def _words(text: str) -> list[int]:
    digest = hashlib.blake2b(text.encode(), digest_size=16).digest()
    return [int.from_bytes(digest[i : i + 4], "little") for i in range(0, 16, 4)]


def _normals(seed: int, key: str, samples: int) -> np.ndarray:
    gen = np.random.Generator(np.random.PCG64(np.random.SeedSequence([seed, *_words(key)])))
    return gen.standard_normal(samples)


def entry_key(entry: Entry) -> str:
    """The identity of an entry for its random numbers: source, material id (or formula) and energy."""
    return f"{entry.source}|{entry.material_id or entry.formula}|{entry.e_form_eV_per_atom!r}"


def correction_key(name: str) -> str:
    """The key of the shared number of one correction (mp2020 model)."""
    return f"correction|{name}"


# --- which model ------------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class ResolvedModel:
    """The model used for a system: its name and, for ``mp2020``, the corrections sampled with their u_k."""

    name: str
    #: (correction name, uncertainty per corrected atom in eV/atom), sorted by name; empty for ``global``.
    corrections: tuple[tuple[str, float], ...] = ()


def carries_corrections(entries: Iterable[Entry]) -> bool:
    """Whether every compound of ``entries`` comes from a source that records its correction uncertainties."""
    return all(e.corrections is not None for e in entries if len(e.composition) >= 2)


def resolve_model(entries: Sequence[Entry], requested: str = "auto") -> ResolvedModel:
    """The model for these entries: ``requested``, or for ``auto`` mp2020 when they all carry correction uncertainties.

    Raises:
        AnalysisError: ``mp2020`` asked for on entries without correction uncertainties.
    """
    check_error_model(requested)
    compounds = [e for e in entries if len(e.composition) >= 2]
    recorded = carries_corrections(compounds)
    if requested == GLOBAL_MODEL or (requested == "auto" and not recorded):
        return ResolvedModel(GLOBAL_MODEL)
    if not recorded:
        missing = sorted({e.source or "unnamed" for e in compounds if e.corrections is None})
        msg = (
            f"--error-model mp2020 needs entries that carry MP2020 correction uncertainties; source(s) "
            f"{', '.join(missing)} do not (use --error-model global or auto; a store made before 0.4 records them "
            "after `interfacestab setup` is run again)"
        )
        raise AnalysisError(msg)
    found: dict[str, float] = {}
    for e in compounds:
        for c in e.corrections or ():
            found.setdefault(c.name, c.uncertainty_eV_per_atom)
    return ResolvedModel(MP2020_MODEL, tuple(sorted(found.items())))


def system_model(entries: Iterable[Entry], elements: Iterable[str], requested: str = "auto") -> ResolvedModel:
    """:func:`resolve_model` on the entries whose elements all lie within ``elements`` (the sampled system)."""
    keep = set(elements)
    return resolve_model([e for e in entries if set(e.composition) <= keep], requested)


def source_model(store: Store, source: str, requested: str = "auto") -> str:
    """The model a whole source gets (a screen's systems): ``global``, ``mp2020`` or ``mixed``.

    ``mixed`` (under ``auto``): only some of its compounds carry correction uncertainties, so each system
    gets its own model (:func:`resolve_model`).

    Raises:
        AnalysisError: ``mp2020`` asked for on a source without correction uncertainties on every compound.
    """
    check_error_model(requested)
    if requested == GLOBAL_MODEL:
        return GLOBAL_MODEL
    with_corrections, without = store.corrections_coverage(source)
    if requested == MP2020_MODEL and without:
        msg = (
            f"--error-model mp2020 needs entries that carry MP2020 correction uncertainties; {without} compounds "
            f"of source {source} do not (use --error-model global or auto)"
        )
        raise AnalysisError(msg)
    if not without:
        return MP2020_MODEL
    return "mixed" if with_corrections else GLOBAL_MODEL


# --- sampling ----------------------------------------------------------------------------------------------
def corrected_weights(composition: dict[str, float]) -> dict[str, float]:
    """The corrected elements of a compound and each one's share of its corrected atoms (global model)."""
    present = [el for el in composition if el in CORRECTED_ANIONS]
    if "O" in composition or "F" in composition:
        present += [el for el in composition if el in U_METALS]
    total = sum(composition[el] for el in present)
    return {el: composition[el] / total for el in present} if total > 0 else {}


def _compound_field(entries: Sequence[Entry], samples: int, seed: int) -> tuple[list[int], np.ndarray]:
    """The compounds' columns and the composition field at them, (samples, compounds)."""
    from interfacestab.analyses.error_field import field

    compounds = [j for j, e in enumerate(entries) if len(e.composition) >= 2]
    return compounds, field([entries[j].composition for j in compounds], seed, samples)


def global_errors(entries: Sequence[Entry], sigma: float, samples: int, seed: int) -> np.ndarray:
    """(samples, len(entries)) errors in eV/atom under the global model; elements get 0."""
    out = np.zeros((samples, len(entries)))
    if sigma == 0:
        return out
    compounds, smooth = _compound_field(entries, samples, seed)
    shared: dict[str, np.ndarray] = {}
    for col, j in enumerate(compounds):
        weights = corrected_weights(entries[j].composition)
        if not weights:
            out[:, j] = sigma * smooth[:, col]
            continue
        common = np.zeros(samples)
        for el, w in weights.items():
            if el not in shared:
                shared[el] = _normals(seed, f"element|{el}", samples)
            common += w * shared[el]
        out[:, j] = sigma * (math.sqrt(1 - SHARED_FRACTION) * smooth[:, col] + math.sqrt(SHARED_FRACTION) * common)
    return out


def mp2020_errors(entries: Sequence[Entry], sigma: float, samples: int, seed: int) -> np.ndarray:
    """(samples, len(entries)) errors in eV/atom under the mp2020 model; elements get 0.

    ``sigma`` is the per-compound part not covered by the fitted corrections. Entries must carry
    their corrections (:attr:`Entry.corrections` not None); a compound without corrections gets ``sigma * f(x_i)``.
    """
    out = np.zeros((samples, len(entries)))
    shared: dict[str, np.ndarray] = {}
    if sigma > 0:
        compounds, smooth = _compound_field(entries, samples, seed)
        out[:, compounds] = sigma * smooth
    for j, entry in enumerate(entries):
        if len(entry.composition) < 2:
            continue
        for c in entry.corrections or ():
            coefficient = c.share * c.uncertainty_eV_per_atom
            if coefficient == 0:
                continue
            if c.name not in shared:
                shared[c.name] = _normals(seed, correction_key(c.name), samples)
            out[:, j] += coefficient * shared[c.name]
    return out


def entry_errors(entries: Sequence[Entry], settings: _Settings) -> np.ndarray:
    """(samples, len(entries)) energy errors in eV/atom under the model ``settings.error_model`` resolves to.

    Raises:
        AnalysisError: ``mp2020`` asked for on entries without correction uncertainties.
    """
    model = resolve_model(entries, getattr(settings, "error_model", "auto"))
    sampler = mp2020_errors if model.name == MP2020_MODEL else global_errors
    return sampler(entries, settings.sigma_eV_per_atom, settings.samples, settings.seed)
