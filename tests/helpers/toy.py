"""Hand-made toy systems whose answers can be checked with pencil and paper."""

from __future__ import annotations

from interfacestab.entries import Entry, EntrySet
from interfacestab.provenance import SourceInfo

TOY_SOURCE = SourceInfo(name="toy", description="hand-written toy system", thermo_type="toy", vintage="toy")


def toy_set(elements: tuple[str, ...], rows: list[tuple[dict[str, float], float, str]]) -> EntrySet:
    """An entry set from (composition, formation energy per atom, formula) rows."""
    entries = tuple(Entry(f, c, e, "", "toy") for c, e, f in rows)
    return EntrySet(tuple(sorted(elements)), entries, TOY_SOURCE)


def li_x_toy() -> EntrySet:
    """Li-X binary: LiX at -1.0 eV/atom and Li2X at -0.9 eV/atom (both on the hull).

    Hull along Li content (per X): X(0) -> LiX -> Li2X -> Li.
    Per formula with one X: E(LiX) = -2.0 eV, E(Li2X) = -2.7 eV.
    Stages for LiX open to Li:
      LiX -> X + Li at mu_Li = E(LiX) - E(X) = -2.0 eV  => oxidation limit 2.0 V
      LiX + Li -> Li2X at mu_Li = -2.7 - (-2.0) = -0.7 eV  => reduction limit 0.7 V
      Li2X + Li -> Li (plating) at 0 V; Li2X is stable down to 0 V.
    Uses S as X so formulas are real symbols.
    """
    return toy_set(
        ("Li", "S"),
        [({"Li": 1, "S": 1}, -1.0, "LiS"), ({"Li": 2, "S": 1}, -0.9, "Li2S"), ({"Li": 1, "S": 2}, -0.3, "LiS2")],
    )
