"""Phase properties in the store: keyed by reduced formula, per source, checked, atomic, old stores still open."""

from __future__ import annotations

import math
import sqlite3
from typing import TYPE_CHECKING

import pytest

from interfacestab.errors import StoreError
from interfacestab.phase_properties import GapSource, PropertyRow, PropertySource
from interfacestab.provenance import SourceInfo
from interfacestab.store import open_store
from interfacestab.store.connection import CHECKED

if TYPE_CHECKING:
    from pathlib import Path


def _source(name: str, gap: GapSource | None, props: tuple[str, ...] = ("band_gap",)) -> PropertySource:
    return PropertySource(SourceInfo(name, f"{name} test data", "test", "test"), gap, props)


MP = _source("mp_gaps", GapSource.MP_PBE)
EXPT = _source("expt_gaps", GapSource.EXPERIMENTAL)
USER = _source("mine", GapSource.USER, ("band_gap", "volume", "ion_conductor"))


@pytest.fixture
def store(tmp_path: Path):
    with open_store(tmp_path / "p.sqlite") as s:
        yield s


def test_lookup_by_reduced_formula_any_spelling(store) -> None:
    store.replace_properties(MP, [PropertyRow("Li2S", 2.68, 3.9, 5), PropertyRow("LiCl", 5.9, 6.25, 3)])
    table = store.phase_properties(["Li4S2", "S2Li4", "Cl2Li2", "Xq3", "Na3P"])
    assert len(table) == 2
    li2s = table.get("Li8S4")
    assert li2s is not None and li2s.formula == "Li2S"
    gap = li2s.band_gap
    assert gap is not None and (gap.min_eV, gap.max_eV, gap.n_values) == (2.68, 3.9, 5)
    assert gap.source is GapSource.MP_PBE and gap.origin == "mp_gaps"
    assert table.get("Na3P") is None  # unknown: None, never a guess
    assert table.sources == ("mp_gaps",)
    assert [s.name for s in table.source_infos] == ["mp_gaps"]
    assert table.notes == ()


def test_user_values_come_first_then_experimental_then_mp(store) -> None:
    store.replace_properties(MP, [PropertyRow("Na3P", 0.4, 0.4, 1)])
    store.replace_properties(EXPT, [PropertyRow("Na3P", 0.5, 0.5, 1)])
    props = store.phase_properties(["Na3P"]).get("Na3P")
    assert props is not None and props.band_gap is not None
    assert props.band_gap.source is GapSource.EXPERIMENTAL
    store.replace_properties(USER, [PropertyRow("Na3P", 1.1, 1.1, 1, volume_per_atom_A3=20.5, ion_conductor=True)])
    props = store.phase_properties(["Na3P"]).get("Na3P")
    assert props is not None and props.band_gap is not None
    assert props.band_gap.source is GapSource.USER and props.band_gap.min_eV == 1.1
    # every source's gap is kept, in preference order
    assert [g.source for g in props.band_gaps] == [GapSource.USER, GapSource.EXPERIMENTAL, GapSource.MP_PBE]
    assert (props.volume_per_atom_A3, props.volume_source) == (20.5, "mine")
    assert props.ion_conductor is True and "mine" in props.ion_conductor_source


def test_partial_replace_keeps_other_formulas(store) -> None:
    live = _source("mp_live", GapSource.MP_LIVE, ("band_gap", "volume"))
    store.replace_properties(live, [PropertyRow("Li2S", 3.0, 3.0, 1), PropertyRow("LiCl", 6.0, 6.0, 1)])
    stored = store.replace_properties(live, [PropertyRow("Li2S", 3.2, 3.2, 1)], formulas=["Li2S"])
    assert stored.info.n_entries == 2
    table = store.phase_properties(["Li2S", "LiCl"])
    assert table.get("Li2S").band_gap.min_eV == 3.2  # type: ignore[union-attr]
    assert table.get("LiCl").band_gap.min_eV == 6.0  # type: ignore[union-attr]


def test_failed_write_leaves_previous_content(store) -> None:
    store.replace_properties(MP, [PropertyRow("Li2S", 2.68, 3.9, 5)])
    with pytest.raises(StoreError, match="out of range"):
        store.replace_properties(MP, [PropertyRow("LiCl", 6.0, 6.0, 1), PropertyRow("Li3P", math.nan, 1.0, 1)])
    table = store.phase_properties(["Li2S", "LiCl"])
    assert table.get("Li2S") is not None and table.get("LiCl") is None
    assert store.property_sources()[0].info.n_entries == 1


def test_damaged_row_is_found_not_used(store) -> None:
    store.replace_properties(MP, [PropertyRow("Li2S", 2.68, 3.9, 5)])
    raw = sqlite3.connect(store.path)
    raw.execute("UPDATE phase_properties SET gap_min_eV = 0.1 WHERE formula = 'Li2S'")
    raw.commit()
    raw.close()
    with pytest.raises(StoreError, match="checksum"):
        store.phase_properties(["Li2S"])
    with pytest.raises(StoreError, match="checksum"):
        store.check_integrity()


def _old_store(path: Path) -> Path:
    """A store as made before phase properties: entries only, no property tables."""
    from interfacestab.entries import Entry

    with open_store(path) as s:
        s.replace_source(SourceInfo("toy", "toy", "toy", "toy"), [Entry("Li2O", {"Li": 2.0, "O": 1.0}, -2.0)])
    raw = sqlite3.connect(path)
    tables = {r[0] for r in raw.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    raw.close()
    assert "phase_properties" not in tables
    return path


def test_old_store_opens_with_an_empty_table_and_a_note(tmp_path: Path) -> None:
    path = _old_store(tmp_path / "old.sqlite")
    with open_store(path) as s:
        table = s.phase_properties(["Li2O"])
        assert len(table) == 0 and table.get("Li2O") is None
        assert len(table.notes) == 1 and "interfacestab setup" in table.notes[0]
        assert s.property_sources() == []
        s.check_integrity()
        # the first write adds the tables (the upgrade path)
        s.replace_properties(MP, [PropertyRow("Li2O", 4.9, 5.24, 2)])
        assert s.phase_properties(["Li2O"]).get("Li2O") is not None


def test_read_only_old_store_is_read_not_changed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from interfacestab.store import database

    path = _old_store(tmp_path / "old.sqlite")
    before = path.read_bytes()
    CHECKED.clear()
    monkeypatch.setattr(database, "_is_writable", lambda p: False)  # root ignores file permissions
    with open_store(path) as s:
        assert s.read_only
        table = s.phase_properties(["Li2O"])
        assert len(table) == 0 and table.notes
        assert s.property_sources() == []
        with pytest.raises(StoreError, match="reading only"):
            s.replace_properties(MP, [PropertyRow("Li2O", 4.9, 5.24, 2)])
    assert path.read_bytes() == before


def test_empty_new_store_has_a_note(store) -> None:
    table = store.phase_properties(["Li2S"])
    assert len(table) == 0 and table.notes
