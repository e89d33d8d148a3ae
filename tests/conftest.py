"""Shared fixtures: the offline snapshot imported once per test run, toy entry sets."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from helpers.paths import REPO, SHARED, SNAPSHOT_CSV, SNAPSHOT_SKIP_REASON, TOY_DATA, VALIDATION, on_ci

from interfacestab.store import open_store

if TYPE_CHECKING:
    from pathlib import Path

__all__ = ["REPO", "SHARED", "TOY_DATA", "VALIDATION"]


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The offline snapshot folder (../shared/data or $INTERFACESTAB_SHARED_DATA).

    Without it the tests that need real Materials Project numbers are skipped, except under CI
    (``CI=true``), where a missing snapshot fails loudly: CI must run the oracle suites.
    """
    if not (SHARED / SNAPSHOT_CSV).is_file():
        if on_ci():
            pytest.fail(f"offline snapshot missing in {SHARED} (CI must have ../shared/data)", pytrace=False)
        pytest.skip(f"{SNAPSHOT_SKIP_REASON} (not found at {SHARED})")
    return SHARED


@pytest.fixture(scope="session")
def snapshot_store(tmp_path_factory: pytest.TempPathFactory, shared_data: Path):
    """A store holding the whole offline snapshot (imported once per session)."""
    from interfacestab.ingest import import_offline_snapshot

    path = tmp_path_factory.mktemp("store") / "snapshot.sqlite"
    store = open_store(path)
    import_offline_snapshot(store, shared_data)
    yield store
    store.close()


@pytest.fixture
def runner():
    """An in-process ``CliRunner`` with wide columns and no ``INTERFACESTAB_STORE`` from the environment."""
    from helpers.cli_helpers import make_runner

    return make_runner()


# --- the hand-made toy set in tests/data (no ../shared needed) ------------------------------------
@pytest.fixture(scope="session")
def toy_data_csv() -> Path:
    """The invented toy entry table (tests/data/toy_entries.csv, formation energies in eV/atom)."""
    return TOY_DATA / "toy_entries.csv"


@pytest.fixture(scope="session")
def toy_data_store(tmp_path_factory: pytest.TempPathFactory, toy_data_csv: Path):
    """A store in tmp holding the toy set as its only source, ``toy`` (built once per session)."""
    from interfacestab.ingest import import_file

    path = tmp_path_factory.mktemp("toy_store") / "toy.sqlite"
    store = open_store(path)
    import_file(store, toy_data_csv, source_name="toy")
    yield store
    store.close()
