"""Interface reactions: hand-checked toy, pymatgen oracle (closed and open), published values."""

from __future__ import annotations

import dataclasses
import json
import random

import pytest
from helpers.oracle import pmg_interface
from helpers.paths import literature_rows
from helpers.toy import li_x_toy, toy_set

from interfacestab.analyses.interface import InterfaceKink, interface_reactions, remove_ion
from interfacestab.chem import parse_formula
from interfacestab.errors import AnalysisError


def test_toy_closed_reaction_by_hand() -> None:
    """S + Li2S -> 2 LiS: at x_atomic(S) = 0.25 the mixture is LiS; dE = -1.0 - (0.25*0 + 0.75*-0.9) = -0.325."""
    p = interface_reactions(li_x_toy(), "S", "Li2S")
    assert [round(k.x_atomic_a, 6) for k in p.kinks] == [0.0, 0.25, 1.0]
    assert p.minimum.x_atomic_a == pytest.approx(0.25)
    assert p.minimum.reaction_energy_eV_per_atom == pytest.approx(-0.325)
    assert p.minimum.products == ("LiS",)
    assert p.minimum.x_molar_a == pytest.approx(0.5)  # 1 S per Li2S formula unit
    assert p.minimum.reaction == "0.5 S + 0.5 Li2S -> LiS"
    # kJ/mol of the printed reaction: -0.325 eV/atom * 2 atoms * 96.485 kJ/mol/eV
    assert p.minimum.reaction_energy_kJ_per_mol == pytest.approx(-0.325 * 2 * 96.485, rel=1e-4)
    assert p.kinks[0].reaction_energy_eV_per_atom == pytest.approx(0.0, abs=1e-12)
    assert p.kinks[-1].reaction_energy_eV_per_atom == pytest.approx(0.0, abs=1e-12)


def test_toy_entry_energies_count_a_metastable_reactant() -> None:
    hull = interface_reactions(li_x_toy(), "LiS2", "Li2S")
    entry = interface_reactions(li_x_toy(), "LiS2", "Li2S", use_entry_energies=True)
    assert hull.kinks[-1].reaction_energy_eV_per_atom == pytest.approx(0.0, abs=1e-12)
    assert entry.kinks[-1].reaction_energy_eV_per_atom == pytest.approx(-0.3 - -0.3 - (2 / 3 - 0.3), abs=1e-9)
    assert entry.minimum.reaction_energy_eV_per_atom < hull.minimum.reaction_energy_eV_per_atom


def test_toy_open_system_grand_potential() -> None:
    """Li-S-Cl toy open to Li at 1.0 V (mu_Li = -1 eV); energies per non-Li atom.

    S alone takes up Li: S + Li -> LiS, Phi(LiS) = -2.0 + 1.0 = -1.0 eV per S (Li2S: -2.7 + 2.0 = -0.7).
    LiCl is already at equilibrium (Phi = -3.0 + 1.0 = -2.0 per Cl; SCl at -0.1 eV/atom is far above).
    So the no-mixing energies are -1.0 (S) and 0 (LiCl) and the mutual reaction energy is 0.
    """
    toy = toy_set(
        ("Cl", "Li", "S"),
        [
            ({"Li": 1, "S": 1}, -1.0, "LiS"),
            ({"Li": 2, "S": 1}, -0.9, "Li2S"),
            ({"Li": 1, "Cl": 1}, -1.5, "LiCl"),
            ({"S": 1, "Cl": 1}, -0.1, "SCl"),
        ],
    )
    p = interface_reactions(toy, "S", "LiCl", ion="Li", voltage_V=1.0)
    assert p.no_mixing_energies_eV_per_nonion_atom == {"S": pytest.approx(-1.0), "LiCl": pytest.approx(0.0, abs=1e-9)}
    assert p.minimum.mutual_reaction_energy_eV_per_nonion_atom == pytest.approx(0.0, abs=1e-9)
    assert p.minimum.x_atomic_a == pytest.approx(1.0)
    assert p.minimum.reaction_energy_eV_per_nonion_atom == pytest.approx(-1.0)
    assert p.minimum.reaction == "S + Li -> LiS"
    # kJ/mol is per mole of the printed reaction in both modes; open, it is the grand-potential change with
    # Li at mu_Li = -1 eV: Phi(LiS) - Phi(S) = (2 * -1.0 - 1 * -1.0) - 0 = -1.0 eV per formula unit
    assert p.minimum.reaction_energy_kJ_per_mol == pytest.approx(-1.0 * 96.485, rel=1e-4)
    with pytest.raises(AnalysisError, match="differ only in Li"):
        interface_reactions(li_x_toy(), "S", "Li2S", ion="Li", voltage_V=1.0)


def test_errors() -> None:
    with pytest.raises(AnalysisError, match="same composition"):
        interface_reactions(li_x_toy(), "LiS", "Li2S2")
    with pytest.raises(AnalysisError, match="outside"):
        interface_reactions(li_x_toy(), "S", "Li2S", ion="Li", voltage_V=42.0)
    with pytest.raises(AnalysisError, match="needs --ion"):
        interface_reactions(li_x_toy(), "S", "Li2S", voltage_V=1.0)
    with pytest.raises(AnalysisError, match="lacks"):
        interface_reactions(li_x_toy(), "S", "LiP")


def test_state_of_charge() -> None:
    assert remove_ion(parse_formula("LiCoO2"), "Li", 0.5) == {"Li": 0.5, "Co": 1.0, "O": 2.0}
    assert remove_ion(parse_formula("LiCoO2"), "Li", 1.0) == {"Co": 1.0, "O": 2.0}
    with pytest.raises(AnalysisError):
        remove_ion(parse_formula("CoO2"), "Li", 0.5)


def test_to_dict_contract() -> None:
    d = json.loads(json.dumps(interface_reactions(li_x_toy(), "S", "Li2S").to_dict()))
    assert d.keys() >= {
        "reactant_a",
        "reactant_b",
        "ion",
        "voltage_V",
        "minimum",
        "kinks",
        "no_mixing_energies_eV_per_atom",
        "mutual_reaction_energy_at_minimum_eV_per_atom",
        "most_negative_mutual_reaction_energy_eV_per_atom",
        "provenance",
    }
    assert "mutual_reaction_energy_eV_per_atom" not in d  # renamed: it was ambiguous (issue 9 §5)
    assert d["minimum"].keys() >= {
        "x_atomic_a",
        "x_molar_a",
        "reaction_energy_eV_per_atom",
        "reaction_energy_kJ_per_mol",
        "products",
        "reaction",
    }
    assert d["voltage_V"] is None
    assert d["schema_version"] == "3"
    assert "ion_uptake_per_nonion_atom" not in d["minimum"]  # closed: no exchange with a reservoir
    assert not any(k.endswith("_eV_per_nonion_atom") for k in d) and not any("nonion" in k for k in d["minimum"])


def test_open_keys_say_per_nonion_atom() -> None:
    """Open to the ion, every energy is per non-ion atom, and every key says so (none ends in ``_eV_per_atom``)."""
    toy = toy_set(
        ("Cl", "Li", "S"),
        [({"Li": 1, "S": 1}, -1.0, "LiS"), ({"Li": 2, "S": 1}, -0.9, "Li2S"), ({"Li": 1, "Cl": 1}, -1.5, "LiCl")],
    )
    p = interface_reactions(toy, "S", "LiCl", ion="Li", voltage_V=1.0)
    d = json.loads(json.dumps(p.to_dict()))
    assert d["schema_version"] == "3"
    energy_keys = [k for k in d if "_eV_" in k]
    assert energy_keys and all(k.endswith("_eV_per_nonion_atom") for k in energy_keys), energy_keys
    assert d["no_mixing_energies_eV_per_nonion_atom"] == p.no_mixing_energies_eV_per_nonion_atom
    for kink, obj in zip(d["kinks"], p.kinks, strict=True):
        assert kink["reaction_energy_eV_per_nonion_atom"] == obj.reaction_energy_eV_per_nonion_atom
        assert kink["ion_uptake_per_nonion_atom"] == obj.ion_uptake_per_nonion_atom
        assert not any(k.endswith("_eV_per_atom") or k == "ion_uptake_per_atom" for k in kink)
    rows = p.to_rows()
    assert all(r["reaction_energy_eV_per_atom"] is None for r in rows)  # the closed column stays empty
    assert [r["reaction_energy_eV_per_nonion_atom"] for r in rows] == [
        k.reaction_energy_eV_per_nonion_atom for k in p.kinks
    ]


BASES = ("_eV_per_atom", "_eV_per_nonion_atom")


def _unit_attributes(obj: object) -> dict[str, object]:
    """The dataclass fields of ``obj`` whose names end in an interface energy basis."""
    return {f.name: getattr(obj, f.name) for f in dataclasses.fields(obj) if f.name.endswith(BASES)}  # type: ignore[arg-type]


@pytest.mark.parametrize("voltage_V", [None, 1.0], ids=["closed", "open"])
def test_attribute_names_say_their_unit(voltage_V: float | None) -> None:
    """Issue 10: no attribute holds a value in a unit its name does not say (the attributes are the JSON keys).

    Closed, every ``*_eV_per_nonion_atom`` attribute is None and every ``*_eV_per_atom`` one is set; open,
    the reverse (the ion uptake too); each set attribute equals the JSON value of the same name.
    """
    toy = toy_set(
        ("Cl", "Li", "S"),
        [({"Li": 1, "S": 1}, -1.0, "LiS"), ({"Li": 2, "S": 1}, -0.9, "Li2S"), ({"Li": 1, "Cl": 1}, -1.5, "LiCl")],
    )
    p = interface_reactions(toy, "S", "LiCl", ion="Li", voltage_V=voltage_V)
    used, unused = BASES if voltage_V is None else BASES[::-1]
    d = json.loads(json.dumps(p.to_dict()))
    pairs = [(p, d), *zip(p.kinks, d["kinks"], strict=True), (p.minimum, d["minimum"])]
    for obj, json_obj in pairs:
        attributes = _unit_attributes(obj)
        assert any(name.endswith(used) for name in attributes) and any(name.endswith(unused) for name in attributes)
        for name, value in attributes.items():
            if name.endswith(unused):
                assert value is None, name
            else:
                assert value is not None and json_obj[name] == value, name
    assert (p.minimum.ion_uptake_per_nonion_atom is None) == (voltage_V is None)
    assert p.energy_basis.suffix == used and p.minimum.energy_basis.suffix == used
    assert p.minimum.reaction_energy_eV_per_normalising_atom == d["minimum"][f"reaction_energy{used}"]
    assert p.energy_a_eV_per_normalising_atom == d[f"energy_a{used}"]
    assert p.no_mixing_energies_eV_per_normalising_atom == d[f"no_mixing_energies{used}"]


def test_kink_refuses_mixed_normalisations() -> None:
    """A kink carries its closed energies or its open ones, never both nor half of either."""
    with pytest.raises(ValueError, match="closed"):
        InterfaceKink(0.5, 0.5, -1.0, ("LiS",), "S + Li -> LiS", reaction_energy_eV_per_atom=-0.1)
    with pytest.raises(ValueError, match="closed"):
        InterfaceKink(
            0.5, 0.5, -1.0, ("LiS",), "S + Li -> LiS",
            reaction_energy_eV_per_atom=-0.1, mutual_reaction_energy_eV_per_atom=0.0,
            reaction_energy_eV_per_nonion_atom=-0.2, mutual_reaction_energy_eV_per_nonion_atom=0.0,
            ion_uptake_per_nonion_atom=0.5,
        )  # fmt: skip


# --- pymatgen oracle --------------------------------------------------------------------------
def _assert_same(ours, ref) -> None:
    assert len(ours.kinks) == len(ref)
    for mine, theirs in zip(ours.kinks, ref, strict=True):
        assert mine.x_atomic_a == pytest.approx(theirs["x"], abs=1e-4)
        # pymatgen's energy: per atom closed, grand potential per non-ion atom open (the kink's energy_basis)
        assert mine.reaction_energy_eV_per_normalising_atom == pytest.approx(theirs["energy"], abs=1e-3)
        assert mine.reaction_energy_kJ_per_mol == pytest.approx(theirs["kJ_per_mol"], abs=0.1)
        assert list(mine.products) == theirs["products"]


def _random_pairs(store, n: int, seed: int, open_ion: str | None = None):
    pool = [e for e in store.iter_entries() if len(e.composition) <= 3]
    rng = random.Random(seed)
    pairs = []
    while len(pairs) < n:
        a, b = rng.sample(pool, 2)
        elements = set(a.composition) | set(b.composition) | ({open_ion} if open_ion else set())
        if len(elements) > 5 or (open_ion and (set(a.composition) <= {open_ion} or set(b.composition) <= {open_ion})):
            continue
        pairs.append((a.formula, b.formula, elements))
    return pairs


@pytest.mark.parametrize("seed", [11, 12])
def test_closed_matches_pymatgen_on_random_pairs(snapshot_store, seed: int) -> None:
    """60 random pairs per seed (120 in all): same kinks, energies to 1 meV/atom, same products."""
    for a, b, elements in _random_pairs(snapshot_store, 60, seed):
        entries = snapshot_store.entries(elements)
        _assert_same(interface_reactions(entries, a, b), pmg_interface(entries, a, b))


def test_open_matches_pymatgen_on_random_pairs(snapshot_store) -> None:
    """60 random pairs open to Li at random voltages (0-5 V)."""
    rng = random.Random(5)
    for a, b, elements in _random_pairs(snapshot_store, 60, 13, open_ion="Li"):
        voltage = round(rng.uniform(0.0, 5.0), 2)
        entries = snapshot_store.entries(elements)
        _assert_same(
            interface_reactions(entries, a, b, ion="Li", voltage_V=voltage),
            pmg_interface(entries, a, b, ion="Li", voltage_V=voltage),
        )


def _literature_rows() -> list[dict[str, str]]:
    return literature_rows("interfaces_literature.csv")


@pytest.mark.parametrize("row", _literature_rows(), ids=lambda r: f"{r['reactant_a']}|{r['reactant_b']}")
def test_published_interfaces(snapshot_store, row: dict[str, str]) -> None:
    a, b = row["reactant_a"], row["reactant_b"]
    elements = set(parse_formula(a)) | set(parse_formula(b))
    entries = snapshot_store.entries(elements)
    p = interface_reactions(entries, a, b)
    _assert_same(p, pmg_interface(entries, a, b))
    if row["min_reaction_energy_eV_per_atom"]:
        assert p.minimum.reaction_energy_eV_per_atom == pytest.approx(
            float(row["min_reaction_energy_eV_per_atom"]), abs=float(row["tolerance_eV_per_atom"])
        )
    expected = set(row["products_include"].split(";"))
    assert expected <= set(p.minimum.products), (p.minimum.products, expected)
