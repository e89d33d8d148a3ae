"""interfacestab: stability windows, interface reactions and coating screens for solid electrolytes.

The public API is re-exported here and imported lazily (numpy/scipy load on first use, so
``interfacestab --help`` stays instant)::

    from interfacestab import open_store, window_for, interface_for, screen_coatings

    with open_store() as store:
        w = window_for("Li6PS5Cl", ion="Li", store=store)
        print(w.reduction_limit_V, w.oxidation_limit_V, w.reduction_products)
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from interfacestab.provenance import package_version

__version__ = package_version()

_EXPORTS = {
    "open_store": "interfacestab.store.database",
    "Store": "interfacestab.store.database",
    "setup_offline": "interfacestab.analyses.data",
    "store_info": "interfacestab.analyses.data",
    "chemsys_entries": "interfacestab.analyses.data",
    "import_file": "interfacestab.ingest",
    "read_file": "interfacestab.sources.files",
    "import_offline_snapshot": "interfacestab.ingest",
    "fetch_chemsys": "interfacestab.ingest",
    "EntrySet": "interfacestab.entries",
    "Entry": "interfacestab.entries",
    "build_hull": "interfacestab.engine.hull",
    "Hull": "interfacestab.engine.hull",
    "stability_window": "interfacestab.analyses.window",
    "window_for": "interfacestab.analyses.window",
    "StabilityWindow": "interfacestab.analyses.window",
    "WindowStage": "interfacestab.analyses.window",
    "window_scan": "interfacestab.analyses.scan",
    "WindowScan": "interfacestab.analyses.scan",
    "window_batch": "interfacestab.analyses.batch",
    "all_compound_targets": "interfacestab.analyses.batch",
    "interface_reactions": "interfacestab.analyses.interface",
    "interface_for": "interfacestab.analyses.interface",
    "InterfaceProfile": "interfacestab.analyses.interface",
    "InterfaceKink": "interfacestab.analyses.interface",
    "remove_ion": "interfacestab.analyses.interface",
    "interface_sweep": "interfacestab.analyses.sweep",
    "interface_sweep_for": "interfacestab.analyses.sweep",
    "InterfaceSweep": "interfacestab.analyses.sweep",
    "screen_coatings": "interfacestab.analyses.screening",
    "auto_candidates": "interfacestab.analyses.screening",
    "ScreeningCriteria": "interfacestab.analyses.screening",
    "CoatingScreen": "interfacestab.analyses.screening",
    "SEED_COATINGS": "interfacestab.analyses.screening",
    "Provenance": "interfacestab.provenance",
    "InterfaceStabError": "interfacestab.errors",
    "interface_matrix": "interfacestab.analyses.matrix",
    "InterfaceMatrix": "interfacestab.analyses.matrix",
    "MatrixCell": "interfacestab.analyses.matrix",
    "interface_scan": "interfacestab.analyses.interface_scan",
    "InterfaceScan": "interfacestab.analyses.interface_scan",
}

__all__ = ["__version__", *sorted(_EXPORTS)]

if TYPE_CHECKING:  # pragma: no cover
    from interfacestab.analyses.interface import (
        InterfaceKink,
        InterfaceProfile,
        interface_for,
        interface_reactions,
        remove_ion,
    )
    from interfacestab.analyses.interface_scan import InterfaceScan, interface_scan
    from interfacestab.analyses.matrix import InterfaceMatrix, MatrixCell, interface_matrix
    from interfacestab.analyses.screening import (
        SEED_COATINGS,
        CoatingScreen,
        ScreeningCriteria,
        auto_candidates,
        screen_coatings,
    )
    from interfacestab.analyses.window import StabilityWindow, WindowStage, stability_window, window_for


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        value = getattr(import_module(_EXPORTS[name]), name)
        globals()[name] = value
        return value
    msg = f"module 'interfacestab' has no attribute {name!r}"
    raise AttributeError(msg)
