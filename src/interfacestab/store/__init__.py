"""The local thermodynamic data store (SQLite in ``cache/``)."""

from __future__ import annotations

from interfacestab.store.database import Store, open_store, store_or_default

__all__ = ["Store", "open_store", "store_or_default"]
