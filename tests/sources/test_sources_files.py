"""File sources: user tables (formation or total energies) and pymatgen entry lists."""

from __future__ import annotations

import gzip
import json
from typing import TYPE_CHECKING

import pytest

from interfacestab.errors import SourceError
from interfacestab.ingest import import_file
from interfacestab.sources.files import detect_format, read_file
from interfacestab.store import open_store

if TYPE_CHECKING:
    from pathlib import Path


def test_user_csv_formation_energies(tmp_path: Path) -> None:
    path = tmp_path / "hypothetical.csv"
    path.write_text("formula,energy,material_id\nLi2O,-2.0,my-1\nLi4O4,-1.6,my-2\nLi,0,\n")
    info, entries = read_file(path)
    assert info.name == "hypothetical" and info.thermo_type == "user-supplied"
    by_formula = {e.formula: e for e in entries}
    assert set(by_formula) == {"Li2O", "Li2O2"}  # reduced; elements are implicit at 0 eV/atom
    assert by_formula["Li2O2"].composition == {"Li": 2.0, "O": 2.0}
    assert by_formula["Li2O"].material_id == "my-1"


def test_user_total_energies_use_elemental_references(tmp_path: Path) -> None:
    """E_f(Li2O) = (E(Li2O) - 2 mu_Li - mu_O) / 3 = (-14.0 - 2*(-1.9) - (-4.9)) / 3 = -1.7667 eV/atom."""
    path = tmp_path / "dft.json"
    rows = [
        {"formula": "Li", "energy": -1.9},
        {"formula": "Li2", "energy": -3.7},  # a worse elemental polymorph (-1.85 eV/atom) is ignored
        {"formula": "O2", "energy": -9.8},
        {"formula": "Li2O", "energy": -14.0},
    ]
    path.write_text(json.dumps(rows))
    _, entries = read_file(path, energy_type="total_per_formula_unit")
    assert [e.formula for e in entries] == ["Li2O"]
    assert entries[0].e_form_eV_per_atom == pytest.approx((-14.0 + 3.8 + 4.9) / 3)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("formula,energy\nLi2O,-2.0\nLi2(O,-1\n", "unbalanced"),
        ("formula,energy\nLi2O,abc\n", "'energy' must be a number, not 'abc'"),
        ("formula,energy,energy_type\nLi2O,-14,total_per_formula_unit\n", "no elemental reference for Li, O"),
        ("formula,energy,energy_type\nLi2O,-2,kcal\n", "energy_type 'kcal'"),
        ("name,value\nLi2O,-2\n", "needs columns"),
        ("formula,energy\nLi,-1.0\n", "elemental rows must have formation energy 0"),
    ],
)
def test_user_file_errors(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(content)
    with pytest.raises(SourceError, match=message):
        read_file(path)


def test_missing_and_unsupported_files(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="no such file"):
        detect_format(tmp_path / "absent.csv")
    (tmp_path / "x.xlsx").write_bytes(b"PK")
    with pytest.raises(SourceError, match="unsupported file type"):
        detect_format(tmp_path / "x.xlsx")
    (tmp_path / "broken.json").write_text("[{")
    with pytest.raises(SourceError, match="malformed JSON"):
        detect_format(tmp_path / "broken.json")


def test_pymatgen_entry_list_to_formation_energies(tmp_path: Path) -> None:
    """A hand-made ComputedEntry list (gzipped JSON), formation energies on its own references."""
    from pymatgen.entries.computed_entries import ComputedEntry

    entries = [
        ComputedEntry("Li", -1.9, entry_id="t-1"),
        ComputedEntry("Li3", -5.4, entry_id="t-2"),  # -1.8 eV/atom, not the reference
        ComputedEntry("O2", -9.8, entry_id="t-3"),
        ComputedEntry("Li2O", -14.0, correction=-0.6, entry_id="t-4"),
        ComputedEntry("Li2O2", -19.0, entry_id="t-5"),
    ]
    path = tmp_path / "toy_entries.json.gz"
    path.write_bytes(gzip.compress(json.dumps([e.as_dict() for e in entries]).encode()))
    assert detect_format(path) == "entries"
    store = open_store(tmp_path / "s.sqlite")
    info, changed = import_file(store, path, source_name="toy-mp")
    assert changed and info.n_entries == 2
    got = {e.formula: e for e in store.entries(["Li", "O"], "toy-mp").entries}
    assert got["Li2O"].e_form_eV_per_atom == pytest.approx((-14.6 + 3.8 + 4.9) / 3)  # correction applied
    assert got["Li2O2"].e_form_eV_per_atom == pytest.approx((-19.0 + 3.8 + 9.8) / 4)
    assert got["Li2O"].material_id == "t-4"


def test_mp2020_sets_from_shared_data(snapshot_store) -> None:
    """The MP2020 entry sets import as their own sources; LiCoO2 formation energy as in docs/data.md."""
    names = {s.name for s in snapshot_store.sources()}
    assert {"mp2020_Li-Co-Ni-O", "mp2020_Na-Fe-P-O"} <= names
    lco = snapshot_store.find_formula("LiCoO2", "mp2020_Li-Co-Ni-O")
    assert min(e.e_form_eV_per_atom for e in lco) == pytest.approx(-1.752, abs=2e-3)
    legacy = snapshot_store.find_formula("LiCoO2", "mp_legacy2019")
    assert legacy[0].e_form_eV_per_atom == pytest.approx(-1.790, abs=2e-3)
    assert "MP2020" in snapshot_store.source("mp2020_Li-Co-Ni-O").thermo_type


def test_elemental_references_are_the_lowest_energy_per_atom() -> None:
    """One helper for every reader of total energies; a hand-checked Li-O toy set."""
    from interfacestab.sources.energies import elemental_references, formation_energies, missing_references

    rows = [
        ({"Li": 2.0}, -3.8, "li-a"),  # -1.90 eV/atom
        ({"Li": 1.0}, -1.8, "li-b"),  # -1.80 eV/atom, metastable: not the reference
        ({"O": 2.0}, -9.8, "o2"),  # -4.90 eV/atom
        ({"Li": 2.0, "O": 1.0}, -14.7, "li2o"),  # 2(-1.90) + (-4.90) - 6.0 eV
    ]
    refs = elemental_references(rows)
    assert refs == pytest.approx({"Li": -1.9, "O": -4.9})
    assert missing_references([*rows, ({"Na": 1.0, "O": 1.0}, -7.0, "")], refs) == ["Na"]
    by_id = {mid: e for _, e, mid in formation_energies(rows, refs)}
    assert by_id["li2o"] == pytest.approx(-6.0 / 3)
    assert by_id["li-a"] == pytest.approx(0.0)
    assert by_id["li-b"] == pytest.approx(0.1)


def test_readers_do_not_touch_a_store(tmp_path: Path) -> None:
    """``read_file`` works with no store anywhere; importing it does not load the store module."""
    import subprocess
    import sys

    path = tmp_path / "toy.csv"
    path.write_text("formula,energy\nLi2O,-2.0\n")
    code = (
        "import sys; from interfacestab.sources.files import read_file; "
        f"info, entries = read_file({str(path)!r}); "
        "assert [e.formula for e in entries] == ['Li2O']; "
        "assert 'interfacestab.store.database' not in sys.modules, 'the store was imported'"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert run.returncode == 0, run.stderr
