"""A user's pymatgen script for one stability window, run by bench_window.py in a subprocess.

Parses the snapshot CSV with pymatgen, keeps the chemical system, builds a ``PhaseDiagram``,
stabilizes the target 1e-6 eV/atom below the hull (as the literature does), and reads the window
from ``get_element_profile``. Prints the window as JSON (for the agreement check).

Run: ``.venv/bin/python benchmarks/naive_pymatgen_window.py Li6PS5Cl --ion Li``
"""

from __future__ import annotations

import argparse
import json

from common import naive_pymatgen_load


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("formula")
    p.add_argument("--ion", default="Li")
    args = p.parse_args()

    from pymatgen.analysis.phase_diagram import PDEntry, PhaseDiagram
    from pymatgen.core import Composition, Element

    target = Composition(args.formula)
    elements = sorted({el.symbol for el in target.elements} | {args.ion})
    rows = naive_pymatgen_load(elements)
    entries = [PDEntry(comp, e * comp.num_atoms, name=f) for f, comp, e, _ in rows]
    entries += [PDEntry(Composition(el), 0.0, name=el) for el in elements]
    pd = PhaseDiagram(entries)
    e_hull = pd.get_hull_energy_per_atom(target)
    entries.append(PDEntry(target, (e_hull - 1e-6) * target.num_atoms, name=target.reduced_formula))
    pd = PhaseDiagram(entries)
    profile = pd.get_element_profile(Element(args.ion), target)
    stages = sorted(
        (
            {
                "v": -s["chempot"],
                "uptake": s["evolution"],
                "phases": sorted({e.composition.reduced_formula for e in s["entries"]}),
            }
            for s in profile
        ),
        key=lambda s: -s["uptake"],
    )
    i = min(range(len(stages)), key=lambda k: abs(stages[k]["uptake"]))
    result = {
        "reduction_limit_V": max(stages[i]["v"], 0.0),
        "oxidation_limit_V": stages[i + 1]["v"] if i + 1 < len(stages) else None,
        "reduction_products": stages[i - 1]["phases"] if i > 0 else [],
        "oxidation_products": stages[i + 1]["phases"] if i + 1 < len(stages) else [],
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
