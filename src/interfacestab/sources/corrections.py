"""The fitted energy corrections of an entry and their uncertainties, from pymatgen energy adjustments.

MP2020 (Wang et al., Sci. Rep. 11, 15496 (2021)) corrects an entry's energy per atom of an anion or
+U metal; pymatgen records each as a ``CompositionEnergyAdjustment`` with ``adj_per_atom``,
``n_atoms`` (the corrected atoms of the computed cell), ``uncertainty_per_atom`` (the fitted
uncertainty per corrected atom, eV/atom) and ``name``. What the error model needs of each is its name,
its share of the entry's atoms (``n_atoms / N_atoms``, independent of the cell size) and its
uncertainty: :class:`~interfacestab.entries.Correction`.

Read from plain dicts (the ``energy_adjustments`` of an entry file, never decoded with monty) or from
pymatgen objects (live Materials Project entries, through :func:`adjustment_dict`).
"""

from __future__ import annotations

import math
from typing import Any

from interfacestab.entries import Correction
from interfacestab.errors import SourceError

#: Adjustment classes whose uncertainty is per corrected atom (``uncertainty_per_atom`` of ``n_atoms``).
_PER_ATOM = ("CompositionEnergyAdjustment",)
UNNAMED = "unnamed correction"


def _uncertainty(value: object, where: str) -> float | None:
    """A finite uncertainty >= 0, or None when not known (absent, null or NaN as pymatgen writes an unknown one)."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        msg = f"{where}: the uncertainty must be a number, not {str(value)[:40]!r}"
        raise SourceError(msg)
    if math.isnan(value):
        return None
    if not math.isfinite(value) or value < 0:
        msg = f"{where}: the uncertainty must be a finite number >= 0, not {value!r}"
        raise SourceError(msg)
    return float(value)


def _float(value: object) -> float:
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return math.nan
    return number


def corrections_of(adjustments: list[Any], n_cell_atoms: float, where: str = "entry") -> tuple[Correction, ...] | None:
    """The corrections of one entry (cell of ``n_cell_atoms`` atoms) from its energy adjustment dicts.

    Returns None when an adjustment that changes the energy has no known uncertainty (the entry's
    error cannot be told from its corrections), else one :class:`Correction` per adjustment name
    (shares of repeated names are added), sorted by name. Adjustments of zero value without an
    uncertainty are left out.

    Raises:
        SourceError: an uncertainty that is not a number >= 0.
    """
    shares: dict[str, float] = {}
    uncertainties: dict[str, float] = {}
    for j, adj in enumerate(adjustments):
        if not isinstance(adj, dict):
            continue
        here = f"{where}: energy adjustment {j}"
        name = adj.get("name")
        name = name.strip() if isinstance(name, str) and name.strip() else UNNAMED
        if adj.get("@class") in _PER_ATOM:
            n = _float(adj.get("n_atoms"))
            u = _uncertainty(adj.get("uncertainty_per_atom"), here)
            value = _float(adj.get("adj_per_atom")) * n
        else:  # a constant adjustment: its uncertainty (eV) spread over the cell's atoms
            n = 1.0
            u = _uncertainty(adj.get("uncertainty"), here)
            value = _float(adj.get("value"))
        if u is None:
            if value == 0:
                continue
            return None
        if not (math.isfinite(n) and n > 0):
            continue
        share = n / n_cell_atoms
        if name in uncertainties and uncertainties[name] != u:
            return None  # one name, two uncertainties: not one fitted correction
        shares[name] = shares.get(name, 0.0) + share
        uncertainties[name] = u
    return tuple(Correction(k, shares[k], uncertainties[k]) for k in sorted(shares))


def adjustment_dict(adjustment: Any) -> dict[str, Any]:
    """The fields :func:`corrections_of` reads, from a pymatgen ``EnergyAdjustment`` object."""
    d: dict[str, Any] = {"@class": type(adjustment).__name__, "name": getattr(adjustment, "name", None)}
    for field in ("adj_per_atom", "n_atoms", "uncertainty_per_atom", "value", "uncertainty"):
        try:
            d[field] = getattr(adjustment, field)
        except Exception:  # a property of an odd adjustment class may raise: then it is unknown
            d[field] = None
    if d["@class"] not in _PER_ATOM:
        d.pop("uncertainty_per_atom", None)
    return d


def records_uncertainties(corrections: list[tuple[Correction, ...] | None]) -> bool:
    """Whether a source records correction uncertainties: some entry of it has a correction with a known one."""
    return any(c for c in corrections)
