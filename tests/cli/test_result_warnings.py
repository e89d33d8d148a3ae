"""Every result type has one provenance, and the command line's warnings are read from it (no duck typing)."""

from __future__ import annotations

import importlib
from dataclasses import replace
from typing import TYPE_CHECKING

import pytest

from interfacestab.provenance import Provenance
from interfacestab.reports.registry import registered_types
from interfacestab_cli.output import result_warnings

if TYPE_CHECKING:
    from interfacestab.store.database import Store

#: The result types the command line reports; a new one must be added here and given a provenance.
RESULT_TYPES = {
    "interfacestab.analyses.batch.BatchResult",
    "interfacestab.analyses.data.ChemsysEntries",
    "interfacestab.analyses.data.StoreInfo",
    "interfacestab.analyses.interface.InterfaceProfile",
    "interfacestab.analyses.interface_scan.InterfaceScan",
    "interfacestab.analyses.matrix.InterfaceMatrix",
    "interfacestab.analyses.scan.WindowScan",
    "interfacestab.analyses.screening.results.CoatingScreen",
    "interfacestab.analyses.sweep.InterfaceSweep",
    "interfacestab.analyses.window.StabilityWindow",
}


def _class(dotted: str) -> type:
    module, name = dotted.rsplit(".", 1)
    return getattr(importlib.import_module(module), name)


def test_the_registry_knows_every_result_type() -> None:
    assert set(registered_types()) == RESULT_TYPES


@pytest.mark.parametrize("dotted", sorted(RESULT_TYPES))
def test_every_result_type_declares_one_provenance(dotted: str) -> None:
    """A required dataclass field or a property, typed ``Provenance`` (not optional, not missing)."""
    cls = _class(dotted)
    field = getattr(cls, "__dataclass_fields__", {}).get("provenance")
    if field is not None:
        assert field.type == "Provenance", field.type
        return
    prop = cls.__dict__.get("provenance")
    assert isinstance(prop, property), f"{dotted} has no provenance"
    assert prop.fget.__annotations__["return"] == "Provenance"


def test_store_info_has_a_provenance_naming_its_sources(toy_data_store: Store) -> None:
    from interfacestab.analyses.data import store_info

    info = store_info(toy_data_store, check=False)
    assert isinstance(info.provenance, Provenance)
    assert info.provenance.source.name == ", ".join(s.name for s in info.sources) == "toy"
    assert info.provenance.source.n_entries == info.n_entries > 0
    assert result_warnings(info) == []


def test_result_warnings_come_from_the_provenance(toy_data_store: Store) -> None:
    from interfacestab.analyses.data import chemsys_entries

    entries = chemsys_entries(toy_data_store, "Li-O")
    warned = replace(entries, provenance=replace(entries.provenance, warnings=("first", "second")))
    assert result_warnings(warned) == ["first", "second"]
