"""pymatgen routes on the same entries, used as the oracle (the way a careful user would call it)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from interfacestab.entries import EntrySet


def pmg_entries(entry_set: EntrySet) -> list:
    """PDEntry objects for an entry set, elements at 0 eV/atom, named by formula."""
    from pymatgen.analysis.phase_diagram import PDEntry
    from pymatgen.core import Composition

    out = [
        PDEntry(Composition(e.composition), e.e_form_eV_per_atom * sum(e.composition.values()), name=e.formula)
        for e in entry_set.entries
    ]
    out += [PDEntry(Composition(el), 0.0, name=Composition(el).reduced_formula) for el in entry_set.elements]
    return out


def pmg_phase_diagram(entry_set: EntrySet, extra: list | None = None):
    from pymatgen.analysis.phase_diagram import PhaseDiagram
    from pymatgen.core import Element

    return PhaseDiagram(pmg_entries(entry_set) + (extra or []), elements=[Element(x) for x in entry_set.elements])


def pmg_window(entry_set: EntrySet, formula: str, ion: str, *, stabilize: bool = True) -> dict:
    """Window, limit products and stages from pymatgen's get_element_profile with a stabilized target.

    Each pymatgen stage is labelled by one chemical potential (the A-rich end); the window of
    the target is the stage at zero A exchange, bounded above by the next stage's potential.
    """
    from pymatgen.analysis.phase_diagram import PDEntry
    from pymatgen.core import Composition, Element

    comp = Composition(formula)
    pd = pmg_phase_diagram(entry_set)
    extra = []
    if stabilize:
        e_hull = pd.get_hull_energy_per_atom(comp)
        target_entries = [e for e in pd.all_entries if e.composition.reduced_formula == comp.reduced_formula]
        on_hull = target_entries and min(pd.get_e_above_hull(e) for e in target_entries) <= 1e-12
        if not on_hull:
            extra = [PDEntry(comp, (e_hull - 1e-6) * comp.num_atoms, name=comp.reduced_formula)]
            pd = pmg_phase_diagram(entry_set, extra)
    profile = pd.get_element_profile(Element(ion), comp)
    stages = [
        {
            "voltage_low_V": -p["chempot"],
            "uptake": p["evolution"],
            "phases": sorted({e.composition.reduced_formula for e in p["entries"]}),
        }
        for p in profile
    ]
    stages.sort(key=lambda s: -s["uptake"])  # most reduced first
    index = min(range(len(stages)), key=lambda i: abs(stages[i]["uptake"]))
    window = stages[index]
    has_ion = comp[Element(ion)] > 0
    return {
        "reduction_limit_V": max(window["voltage_low_V"], 0.0) if abs(window["voltage_low_V"]) > 1e-9 else 0.0,
        "oxidation_limit_V": stages[index + 1]["voltage_low_V"] if has_ion and index + 1 < len(stages) else None,
        "reduction_products": stages[index - 1]["phases"] if index > 0 else [],
        "oxidation_products": stages[index + 1]["phases"] if has_ion and index + 1 < len(stages) else [],
        "stages": stages,
    }


def pmg_interface(entry_set: EntrySet, a: str, b: str, *, ion: str | None = None, voltage_V: float | None = None):
    """Kinks (x, energy, products) from pymatgen's InterfacialReactivity on the same entries.

    Closed: hull energies for reactants (``use_hull_energy=True``). Open: the grand-potential
    class with the reactants' own grand potentials (``include_no_mixing_energy=True``).
    """
    import warnings

    from pymatgen.analysis.interface_reactions import GrandPotentialInterfacialReactivity, InterfacialReactivity
    from pymatgen.analysis.phase_diagram import GrandPotentialPhaseDiagram
    from pymatgen.core import Composition, Element

    pd = pmg_phase_diagram(entry_set)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if voltage_V is None:
            ir = InterfacialReactivity(Composition(a), Composition(b), pd, norm=True, use_hull_energy=True)
        else:
            gpd = GrandPotentialPhaseDiagram(pmg_entries(entry_set), {Element(ion): -voltage_V})
            ir = GrandPotentialInterfacialReactivity(
                Composition(a), Composition(b), gpd, pd, include_no_mixing_energy=True, norm=True, use_hull_energy=True
            )
        kinks = ir.get_kinks()
    return [
        {
            "x": float(x),
            "energy": float(e),
            "kJ_per_mol": float(kj),
            "products": sorted(
                {p.reduced_formula for p in rxn.products if voltage_V is None or p.reduced_formula != ion}
            ),
        }
        for _, x, e, rxn, kj in kinks
    ]
