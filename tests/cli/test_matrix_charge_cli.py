"""``interfacestab matrix --charge-voltage V`` through the installed script: each cell is what
``interfacestab interface ELECTROLYTE ELECTRODE --charge-voltage V`` gives (both JSON, parsed), on two workers;
bad values and --soc with it are one line and exit 2."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import pytest
from tests.helpers.cli_helpers import one_error_line, run_script

if TYPE_CHECKING:
    import subprocess

    from interfacestab.store.database import Store

ELECTROLYTES = ["Li6PS5Cl", "Li3InCl6"]
ELECTRODES = ["LiCoO2", "LiNi1/3Mn1/3Co1/3O2", "Si"]


def script(store: Store, *args: str) -> subprocess.CompletedProcess[str]:
    return run_script("--store", str(store.path), *args, timeout=300)


def test_matrix_cells_are_interface_charge_voltage_through_the_script(snapshot_store: Store) -> None:
    run = script(
        snapshot_store, "matrix", "--electrolytes", ",".join(ELECTROLYTES), "--electrodes", ",".join(ELECTRODES),
        "--charge-voltage", "4.2", "--workers", "2", "--format", "json",
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    data = json.loads(run.stdout)
    assert data["charge_voltage_V"] == 4.2
    charged = {c["electrode"]: c for c in data["charged_electrodes"]}
    assert charged["LiCoO2"]["phases"] == ["CoO2"]
    assert sorted(charged["LiNi1/3Mn1/3Co1/3O2"]["phases"]) == ["CoO2", "MnNiO3", "O2"]
    cells = {(c["electrolyte"], c["electrode"]): c for c in data["cells"]}
    for electrolyte in ELECTROLYTES:
        for electrode in ("LiCoO2", "LiNi1/3Mn1/3Co1/3O2"):
            one = script(
                snapshot_store, "interface", electrolyte, electrode, "--charge-voltage", "4.2", "--format", "json"
            )
            assert one.returncode == 0, one.stderr
            profile = json.loads(one.stdout)
            assert profile["charged_b"] == {k: v for k, v in charged[electrode].items() if k != "electrode"}
            m, cell = profile["minimum"], cells[(electrolyte, electrode)]
            assert cell["error"] is None
            assert cell["reaction_energy_eV_per_atom"] == m["reaction_energy_eV_per_atom"]
            assert cell["reaction_energy_kJ_per_mol"] == m["reaction_energy_kJ_per_mol"]
            assert cell["x_atomic_electrolyte"] == m["x_atomic_a"]
            assert cell["x_molar_electrolyte"] == m["x_molar_a"]
            assert cell["products"] == m["products"]
            assert cell["reaction"] == m["reaction"]
            assert cell["electrode_formula"] == profile["reactant_b"]
        assert "no Li" in cells[(electrolyte, "Si")]["error"]
    assert "warning: 2 of 6 pairs could not be computed (see the error of each cell)" in run.stderr.splitlines()


@pytest.mark.parametrize(
    ("extra", "fragment"),
    [
        (("--charge-voltage", "40"), "--charge-voltage"),
        (("--charge-voltage", "nan"), "--charge-voltage"),
        (("--charge-voltage", "abc"), "--charge-voltage"),
        (("--charge-voltage", "4.2", "--soc", "0.5"), "not both"),
    ],
)
def test_bad_charge_voltage_is_one_line_and_exit_2(
    snapshot_store: Store, extra: tuple[str, ...], fragment: str
) -> None:
    run = script(snapshot_store, "matrix", "--electrolytes", "Li6PS5Cl", "--electrodes", "LiCoO2", *extra)
    assert run.returncode == 2
    assert run.stdout == ""
    line = one_error_line(run.stderr)
    assert fragment in line
