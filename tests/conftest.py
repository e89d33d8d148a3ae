"""Shared fixtures: the offline snapshot imported once per test run, toy entry sets."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from interfacestab.store import open_store

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("INTERFACESTAB_SHARED_DATA", REPO.parent / "shared" / "data")).resolve()
VALIDATION = SHARED.parent / "validation"


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The offline snapshot folder (../shared/data); the suite needs it, as CI has it."""
    assert (SHARED / "mp_legacy2019_ground_state_eform_merged.csv").is_file(), f"offline snapshot missing in {SHARED}"
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
    from cli_helpers import make_runner

    return make_runner()
