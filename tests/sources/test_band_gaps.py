"""Offline band gaps: cell formulas joined by reduced formula, polymorph ranges, skipped bad rows, provenance."""

from __future__ import annotations

import csv
import math
from typing import TYPE_CHECKING

import pytest

from interfacestab.errors import SourceError
from interfacestab.ingest import import_properties
from interfacestab.phase_properties import GapSource
from interfacestab.sources.band_gaps import read_matbench_csv
from interfacestab.store import open_store

if TYPE_CHECKING:
    from pathlib import Path

MP_CSV = """formula,band_gap_eV
Li8S4,3.64
Li22S11,2.68
S1Li2,3.9
NaN,1.5
,2.0
Xx2O1,1.0
Cl1Li1,nan
F1Li1,-1
Br1Li1,inf
I1Li1,abc
Co9S8,0.0
"""


def _write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text)
    return path


def test_polymorphs_written_as_cell_formulas_give_a_range(tmp_path: Path) -> None:
    source, rows = read_matbench_csv(_write(tmp_path, "mp_pbe_band_gap.csv", MP_CSV))
    by_key = {r.formula: r for r in rows}
    # three cell formulas of Li2S: every value kept as a range with its count, none picked
    li2s = by_key["Li2S"]
    assert (li2s.gap_min_eV, li2s.gap_max_eV, li2s.n_gaps) == (2.68, 3.9, 3)
    # "NaN" in the formula column is sodium nitride (as in the entry snapshot), not a missing value
    assert by_key["NaN"].gap_min_eV == 1.5
    assert by_key["Co9S8"].gap_max_eV == 0.0
    # empty formula, unknown element, NaN / negative / infinite / non-numeric gaps: skipped and counted
    assert set(by_key) == {"Li2S", "NaN", "Co9S8"}
    assert source.n_skipped == 6
    assert "line 6: empty formula" in source.skipped and "3 more" in source.skipped
    assert source.gap_source is GapSource.MP_PBE
    assert "Dunn" in source.info.citation and "Jain" in source.info.citation
    assert source.info.vintage and source.info.description


def test_experimental_duplicates_keep_the_range_and_conflicting_labels_are_dropped(tmp_path: Path) -> None:
    source, rows = read_matbench_csv(
        _write(tmp_path, "expt_band_gap.csv", "formula,band_gap_eV\nLiCl,9.33\nLi2Cl2,9.4\n")
    )
    (row,) = rows
    assert (row.formula, row.gap_min_eV, row.gap_max_eV, row.n_gaps) == ("LiCl", 9.33, 9.4, 2)
    assert source.gap_source is GapSource.EXPERIMENTAL and "Zhuo" in source.info.citation
    text = "formula,is_metal\nCu2S,1\nCu4S2,0\nLiCl,0\nCo,1\nNaCl,maybe\n"
    source, rows = read_matbench_csv(_write(tmp_path, "expt_is_metal.csv", text))
    assert {r.formula: r.is_metal for r in rows} == {"LiCl": False, "Co": True}
    assert source.n_skipped == 2 and "Cu2S is labelled both" in source.skipped


def test_a_file_without_usable_rows_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="no usable rows"):
        read_matbench_csv(_write(tmp_path, "mp_pbe_band_gap.csv", "formula,band_gap_eV\nNaN,nan\n"))
    with pytest.raises(SourceError, match="expected the columns"):
        read_matbench_csv(_write(tmp_path, "expt_band_gap.csv", "formula,gap\nLiCl,9\n"))


def test_reimport_is_idempotent_and_an_interrupted_import_changes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _write(tmp_path, "mp_pbe_band_gap.csv", MP_CSV)
    with open_store(tmp_path / "s.sqlite") as store:
        first = import_properties(store, path)
        again = import_properties(store, path)
        assert first.changed and not again.changed
        assert again.source.info.n_entries == 3 == first.source.info.n_entries
        path.write_text(MP_CSV + "Li3P1,0.7\n")
        from interfacestab.store import properties

        calls = {"n": 0}
        real = properties.row_digest

        def dying(values: object) -> str:
            calls["n"] += 1
            if calls["n"] > 2:
                raise KeyboardInterrupt  # the process killed in the middle of the write
            return real(values)  # type: ignore[arg-type]

        monkeypatch.setattr(properties, "row_digest", dying)
        with pytest.raises(KeyboardInterrupt):
            import_properties(store, path)
        monkeypatch.setattr(properties, "row_digest", real)
        table = store.phase_properties(["Li2S", "Li3P"])
        assert table.get("Li3P") is None and table.get("Li2S") is not None
        store.check_integrity()
        changed = import_properties(store, path)
        assert changed.changed and changed.source.info.n_entries == 4


# -- the real files (read at test time) --------------------------------------------------------------


def _pymatgen_ranges(path: Path, wanted: set[str]) -> dict[str, tuple[float, float, int]]:
    """min, max, count per pymatgen reduced formula of the rows whose reduced formula is wanted."""
    from pymatgen.core import Composition

    values: dict[str, list[float]] = {}
    with path.open(newline="") as fh:
        for row in csv.DictReader(fh):
            key = Composition(row["formula"]).reduced_formula
            if key in wanted:
                values.setdefault(key, []).append(float(row["band_gap_eV"]))
    return {k: (min(v), max(v), len(v)) for k, v in values.items()}


def test_snapshot_gaps_match_the_csv_grouped_by_pymatgen(snapshot_store, shared_data: Path) -> None:
    wanted = {"Li2S", "Na3P", "LiCl", "Co9S8", "Li3PS4", "Li15Ge4", "LiCoO2", "Ge"}
    expected = _pymatgen_ranges(shared_data / "band_gaps_matbench" / "mp_pbe_band_gap.csv", wanted)
    table = snapshot_store.phase_properties(wanted)
    for key in wanted:
        gap = next(g for g in table.get(key).band_gaps if g.source is GapSource.MP_PBE)
        assert (gap.min_eV, gap.max_eV, gap.n_values) == expected[key], key
    # what PROVENANCE.md lists for these formulas
    li2s = next(g for g in table.get("Li2S").band_gaps if g.source is GapSource.MP_PBE)
    assert li2s.n_values == 5 and round(li2s.min_eV, 2) == 2.68 and round(li2s.max_eV, 2) == 3.90
    assert round(table.get("Na3P").band_gap.min_eV, 2) == 0.40
    assert table.get("Co9S8").band_gap.max_eV == 0.0
    # LiCl has an experimental gap, which is the one reports use
    licl = table.get("Cl2Li2")
    assert licl.band_gap.source is GapSource.EXPERIMENTAL and licl.experimental_is_metal is False


def test_snapshot_formula_count_and_provenance(snapshot_store) -> None:
    by_name = {s.name: s for s in snapshot_store.property_sources()}
    assert by_name["mp_pbe_band_gaps"].info.n_entries == 78164  # PROVENANCE.md: 78,164 reduced formulas
    assert by_name["expt_band_gaps"].info.n_entries == 4603
    assert by_name["expt_is_metal"].info.n_entries == 4920
    for s in by_name.values():
        assert len(s.info.content_sha256) == 64 and s.info.imported_at and s.info.citation


def test_volumes_are_those_of_the_ground_state_structure(snapshot_store, shared_data: Path) -> None:
    from monty.serialization import loadfn
    from pymatgen.entries.computed_entries import ComputedStructureEntry

    path = shared_data / "mp2020_chemsys_matterviz" / "Li-Co-Ni-O.json.gz"
    entries = [e for e in loadfn(path) if isinstance(e, ComputedStructureEntry)]
    ground: dict[str, ComputedStructureEntry] = {}
    for e in entries:
        key = e.composition.reduced_formula
        if key not in ground or e.energy_per_atom < ground[key].energy_per_atom:
            ground[key] = e
    table = snapshot_store.phase_properties(ground)
    for key, e in ground.items():
        props = table.get(key)
        assert props is not None and props.volume_per_atom_A3 is not None, key
        if props.volume_source != "mp2020_Li-Co-Ni-O_volumes":  # O2 is in both MP2020 sets
            assert set(e.composition.chemical_system.split("-")) <= {"O"}, key
            continue
        assert math.isclose(props.volume_per_atom_A3, e.structure.volume / e.structure.num_sites, rel_tol=1e-9), key
    # the 2019 snapshot has no structures: a formula only there has no volume
    assert snapshot_store.phase_properties(["Li3PS4"]).get("Li3PS4").volume_per_atom_A3 is None
