"""decode_row reuses the entry of values decoded before in the process, and never for other values."""

from __future__ import annotations

from pathlib import Path

import pytest

from interfacestab.errors import StoreError
from interfacestab.store import rows

PATH = Path("toy.sqlite")


def test_same_values_decode_to_the_same_entry_once() -> None:
    first = rows.decode_row(PATH, "toy", "LiCoO2", '{"Li": 1, "Co": 1, "O": 2}', -1.7, "mp-x")
    again = rows.decode_row(PATH, "toy", "LiCoO2", '{"Li": 1, "Co": 1, "O": 2}', -1.7, "mp-x")
    assert again is first  # not parsed again
    assert (first.formula, dict(first.composition), first.e_form_eV_per_atom) == (
        "LiCoO2",
        {"Li": 1.0, "Co": 1.0, "O": 2.0},
        -1.7,
    )


@pytest.mark.parametrize(
    ("formula", "composition", "energy", "mid", "source"),
    [
        ("LiCoO2", '{"Li": 1, "Co": 1, "O": 2}', -1.8, "mp-x", "toy"),  # another energy
        ("LiCoO2", '{"Li": 1, "Co": 1, "O": 2}', -1.7, "mp-y", "toy"),  # another id
        ("LiCoO2", '{"Li": 1, "Co": 1, "O": 2}', -1.7, "mp-x", "other"),  # another source
        ("LiCoO2", '{"Li": 2, "Co": 2, "O": 4}', -1.7, "mp-x", "toy"),  # another composition text
    ],
)
def test_other_values_are_decoded_anew(formula: str, composition: str, energy: float, mid: str, source: str) -> None:
    base = rows.decode_row(PATH, "toy", "LiCoO2", '{"Li": 1, "Co": 1, "O": 2}', -1.7, "mp-x")
    other = rows.decode_row(PATH, source, formula, composition, energy, mid)
    assert other is not base
    assert (other.e_form_eV_per_atom, other.material_id, other.source) == (float(energy), mid, source)


def test_signed_zero_and_integer_energies_keep_their_own_entries() -> None:
    plus = rows.decode_row(PATH, "toy", "Li", '{"Li": 1}', 0.0, "")
    minus = rows.decode_row(PATH, "toy", "Li", '{"Li": 1}', -0.0, "")
    assert str(plus.e_form_eV_per_atom) == "0.0"
    assert str(minus.e_form_eV_per_atom) == "-0.0"


def test_a_damaged_row_still_raises_after_a_good_one_with_its_formula() -> None:
    rows.decode_row(PATH, "toy", "LiCoO2", '{"Li": 1, "Co": 1, "O": 2}', -1.7, "mp-x")
    with pytest.raises(StoreError, match="composition"):
        rows.decode_row(PATH, "toy", "LiCoO2", '{"Li": 1, "Co": 1, "O": -2}', -1.7, "mp-x")
    with pytest.raises(StoreError, match="formation energy"):
        rows.decode_row(PATH, "toy", "LiCoO2", '{"Li": 1, "Co": 1, "O": 2}', float("nan"), "mp-x")
    with pytest.raises(StoreError, match="composition"):
        rows.decode_row(PATH, "toy", "LiCoO2", b"\xff", -1.7, "mp-x")
