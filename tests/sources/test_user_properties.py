"""A user's own phase properties: read strictly, densities converted, values override every other source."""

from __future__ import annotations

import json
import math
from typing import TYPE_CHECKING

import pytest
from helpers.cli_helpers import run_script

from interfacestab.errors import SourceError
from interfacestab.ingest import import_path, import_properties
from interfacestab.phase_properties import GapSource
from interfacestab.sources.user_properties import is_user_properties_csv, read_user_properties
from interfacestab.store import open_store

if TYPE_CHECKING:
    from pathlib import Path

MP_CSV = "formula,band_gap_eV\nLi8S4,3.64\nLi22S11,2.68\nCl1Li1,6.0\nNa6P2,0.40\n"


def _write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text)
    return path


def test_density_becomes_the_volume_per_atom_of_a_hand_built_cell(tmp_path: Path) -> None:
    from pymatgen.core import Lattice, Structure

    a = 5.14  # rock-salt LiCl, 4 formula units in the conventional cell
    cell = Structure.from_spacegroup("Fm-3m", Lattice.cubic(a), ["Li", "Cl"], [[0, 0, 0], [0.5, 0.5, 0.5]])
    assert cell.num_sites == 8
    path = _write(tmp_path, "mine.csv", f"formula,density_g_per_cm3\nLiCl,{cell.density!r}\n")
    _, (row,) = read_user_properties(path)
    assert math.isclose(row.volume_per_atom_A3, a**3 / 8, rel_tol=1e-7)  # pymatgen: amu in g to 1e-9


def test_reads_every_column_by_reduced_formula(tmp_path: Path) -> None:
    text = "formula,band_gap_eV,volume_per_atom_A3,ion_conductor,reference\nLi4S2,4.1,18.5,No,me 2026\nNaN,,,yes,\n"
    source, rows = read_user_properties(_write(tmp_path, "mine.csv", text))
    by_key = {r.formula: r for r in rows}
    assert (by_key["Li2S"].gap_min_eV, by_key["Li2S"].volume_per_atom_A3, by_key["Li2S"].ion_conductor) == (
        4.1,
        18.5,
        False,
    )
    assert by_key["NaN"].ion_conductor is True and by_key["NaN"].n_gaps == 0  # NaN: sodium nitride
    assert source.gap_source is GapSource.USER and source.name == "mine"
    assert source.properties == ("band_gap", "volume", "ion_conductor")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("formula,band_gap_eV\nLi2S,-1\n", r"mine.csv:2: band_gap_eV '-1' must be"),
        ("formula,band_gap_eV\nLi2S,nan\n", "must be a finite number"),
        ("formula,band_gap_eV\nLi2S,abc\n", "is not a number"),
        ("formula,volume_per_atom_A3\nLi2S,0\n", "volume_per_atom_A3 '0' must be"),
        ("formula,density_g_per_cm3\nLi2S,0\n", "density_g_per_cm3 must be above 0"),
        ("formula,density_g_per_cm3,volume_per_atom_A3\nLi2S,1.6,18\n", "not both"),
        ("formula,ion_conductor\nLi2S,maybe\n", "yes/no"),
        ("formula,band_gap_eV\nXq2S,1\n", "mine.csv:2"),
        ("formula,band_gap_eV\nLi2S,1\nLi4S2,2\n", "already given on line 2"),
        ("formula,band_gap_eV\nLi2S,\n", "has no value"),
        ("formula,band_gap,band_gap_eV\nLi2S,1,1\n", "unknown column"),
        ("formula,band_gap_eV\n", "no rows"),
    ],
)
def test_bad_values_are_one_clear_error(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(SourceError, match=message):
        read_user_properties(_write(tmp_path, "mine.csv", text))


def test_header_tells_a_property_table_from_an_entry_table(tmp_path: Path) -> None:
    assert is_user_properties_csv(_write(tmp_path, "a.csv", "formula,band_gap_eV\nLi2S,1\n"))
    assert not is_user_properties_csv(_write(tmp_path, "b.csv", "formula,energy\nLi2S,-1\n"))
    assert not is_user_properties_csv(_write(tmp_path, "c.csv", "formula,energy,band_gap_eV\nLi2S,-1,1\n"))
    with open_store(tmp_path / "s.sqlite") as store:
        entries, props = import_path(store, tmp_path / "b.csv")
        assert [s.name for s, _ in entries] == ["b"] and props == []
        entries, props = import_path(store, tmp_path / "a.csv")
        assert entries == [] and [p.source.name for p in props] == ["a"]
        assert [s.name for s in store.sources()] == ["b"]  # the property table is no entry source


def test_user_values_override_and_the_import_says_so(tmp_path: Path) -> None:
    with open_store(tmp_path / "s.sqlite") as store:
        import_properties(store, _write(tmp_path, "mp_pbe_band_gap.csv", MP_CSV))
        user = _write(tmp_path, "mine.csv", "formula,band_gap_eV,ion_conductor\nLi2S,4.5,\nNa3P,,yes\nLiI,6.0,\n")
        result = import_properties(store, user)
        # Li2S: a gap the MP PBE source also has; Na3P: only a flag MP PBE has not; LiI: unknown elsewhere
        assert result.n_overridden == 1 and result.overrides == (("mp_pbe_band_gaps", 1),)
        assert result.override_note == "overrides 1 formula(s) known from mp_pbe_band_gaps (1)"
        table = store.phase_properties(["Li2S", "Na3P"])
        li2s = table.get("Li2S")
        assert li2s.band_gap.source is GapSource.USER and li2s.band_gap.min_eV == 4.5
        assert [g.origin for g in li2s.band_gaps] == ["mine", "mp_pbe_band_gaps"]  # the MP range is kept too
        na3p = table.get("Na3P")
        assert na3p.band_gap.source is GapSource.MP_PBE and na3p.ion_conductor is True


def test_cli_import_bad_value_changes_nothing_and_good_file_shows_in_info(tmp_path: Path) -> None:
    store = str(tmp_path / "s.sqlite")
    gaps = _write(tmp_path, "mp_pbe_band_gap.csv", MP_CSV)
    first = run_script("--store", store, "data", "import", str(gaps))
    assert first.returncode == 0, first.stderr
    before = json.loads(run_script("--store", store, "data", "info", "--format", "json").stdout)

    bad = _write(tmp_path, "mine.csv", "formula,band_gap_eV\nLi2S,4.5\nLiCl,-2\n")
    run = run_script("--store", store, "data", "import", str(bad))
    assert run.returncode == 1 and run.stdout == ""
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and "mine.csv:3" in lines[0]
    assert json.loads(run_script("--store", store, "data", "info", "--format", "json").stdout) == before

    bad.write_text("formula,band_gap_eV,volume_per_atom_A3\nLi2S,4.5,19.0\nLiCl,7.0,\n")
    good = run_script("--store", store, "data", "import", str(bad))
    assert good.returncode == 0, good.stderr
    assert "overrides 2 formula(s) known from mp_pbe_band_gaps (2)" in good.stdout
    info = json.loads(run_script("--store", store, "data", "info", "--format", "json").stdout)
    by_name = {s["name"]: s for s in info["property_sources"]}
    assert set(by_name) == {"mine", "mp_pbe_band_gaps"}
    assert by_name["mine"]["n_formulas"] == 2 and by_name["mine"]["gap_source"] == "user"
    assert by_name["mp_pbe_band_gaps"]["n_formulas"] == 3 and by_name["mp_pbe_band_gaps"]["gap_source"] == "MP PBE"
    assert info["property_notes"] == []
    assert info["sources"] == []  # property tables are not entry sources
