"""What makes a repeated matrix fast is invisible in its numbers: entry sets, points and LP models kept for the
process are reused only while the store is unchanged, and a run reusing them gives the cells of a fresh one."""

from __future__ import annotations

import shutil
from typing import TYPE_CHECKING

import pytest

from interfacestab.analyses import matrix
from interfacestab.analyses.interface import interface_for
from interfacestab.analyses.matrix import interface_matrix
from interfacestab.store import open_store
from interfacestab.store.database import Store

if TYPE_CHECKING:
    from pathlib import Path


@pytest.fixture
def toy_store_path(tmp_path: Path, toy_data_csv: Path) -> Path:
    from interfacestab.ingest import import_file

    path = tmp_path / "toy.sqlite"
    with open_store(path) as store:
        import_file(store, toy_data_csv, source_name="toy")
    return path


def _count_loads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    loads: list[str] = []
    original = Store.entries

    def counting(self: Store, elements, source=None):  # type: ignore[no-untyped-def]
        loads.append("-".join(sorted(elements)))
        return original(self, elements, source)

    monkeypatch.setattr(Store, "entries", counting)
    return loads


def test_a_second_run_on_the_unchanged_store_loads_nothing_and_gives_the_same_cells(
    toy_store_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    loads = _count_loads(monkeypatch)
    first = interface_matrix(["Li3PS4", "Li6PS5Cl"], ["LiCoO2", "Li"], store_path=toy_store_path, workers=1)
    n_first = len(loads)
    assert n_first > 0
    second = interface_matrix(["Li3PS4", "Li6PS5Cl"], ["LiCoO2", "Li"], store_path=toy_store_path, workers=1)
    assert len(loads) == n_first  # every system came from the process cache
    assert second.to_dict() == first.to_dict()
    with open_store(toy_store_path, create=False) as store:
        for cell in second.cells:
            profile = interface_for(cell.electrolyte, cell.electrode, store=store)
            assert cell.reaction_energy_eV_per_atom == profile.minimum.reaction_energy_eV_per_atom
            assert cell.products == profile.minimum.products
            assert cell.reaction == profile.minimum.reaction


def test_a_changed_store_is_read_again(toy_store_path: Path, toy_data_csv: Path, tmp_path: Path) -> None:
    """A very stable CoP2O7 added to the source after a run must reach the next run's cell (not a stale entry set)."""
    from interfacestab.ingest import import_file

    before = interface_matrix(["Li3PS4"], ["LiCoO2"], store_path=toy_store_path, workers=1).cell("Li3PS4", "LiCoO2")
    assert "CoP2O7" not in before.products
    changed = tmp_path / "changed.csv"
    shutil.copy(toy_data_csv, changed)
    with changed.open("a") as f:
        f.write("CoP2O7,-6.0,toy-new\n")
    with open_store(toy_store_path) as store:
        import_file(store, changed, source_name="toy", replace=True)
    after = interface_matrix(["Li3PS4"], ["LiCoO2"], store_path=toy_store_path, workers=1).cell("Li3PS4", "LiCoO2")
    assert "CoP2O7" in after.products
    with open_store(toy_store_path, create=False) as store:
        profile = interface_for("Li3PS4", "LiCoO2", store=store)
    assert after.reaction_energy_eV_per_atom == profile.minimum.reaction_energy_eV_per_atom
    assert after.products == profile.minimum.products


def test_the_store_state_ignores_an_empty_log_but_not_a_write(toy_store_path: Path) -> None:
    with open_store(toy_store_path, create=False) as store:
        one = matrix.store_state(store, "toy")
    with open_store(toy_store_path, create=False) as store:
        assert matrix.store_state(store, "toy") == one  # opening again (a fresh empty -wal) is no change
    with open_store(toy_store_path) as store:
        info = store.source("toy")
        entries = list(store.iter_entries("toy"))[:-1]
        store.replace_source(info, entries)
        assert matrix.store_state(store, "toy") != one


def test_a_run_in_this_process_opens_the_store_once(toy_store_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """workers=1: the pairs read the store the run opened for its checks; nothing is left lent afterwards."""
    import interfacestab.store

    opened: list[str] = []
    original = interfacestab.store.open_store

    def counting(path=None, **kwargs):  # type: ignore[no-untyped-def]
        opened.append(str(path))
        return original(path, **kwargs)

    monkeypatch.setattr(interfacestab.store, "open_store", counting)
    one = interface_matrix(["Li3PS4", "Li6PS5Cl"], ["LiCoO2", "Li"], store_path=toy_store_path, workers=1)
    assert len(opened) == 1
    assert matrix._LENT_STORES == {}
    monkeypatch.setattr(interfacestab.store, "open_store", original)
    two = interface_matrix(["Li3PS4", "Li6PS5Cl"], ["LiCoO2", "Li"], store_path=toy_store_path, workers=2)
    assert two.to_dict() == one.to_dict()
