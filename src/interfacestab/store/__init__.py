"""The local thermodynamic data store (SQLite in ``cache/``)."""

from __future__ import annotations

from interfacestab.store.database import Store, open_store

__all__ = ["Store", "open_store"]
