"""Volumes per atom from the structures of a pymatgen entry list (the MP2020 entry sets; see docs/data.md).

A ``ComputedStructureEntry`` carries its relaxed structure: the volume per atom is the cell volume
(the determinant of the lattice matrix, Å^3) over the number of atoms in the cell (the sum of the
site occupancies). Per reduced formula the **ground-state polymorph** is used: the entry with the
lowest corrected energy per atom (ties: the smaller material id), the same choice the hull makes.
Entries without a structure give no volume (a list of plain ``ComputedEntry`` dicts, like the
2019 snapshot, which has no structures at all, gives none: volumes are never guessed).

Files are read as plain JSON like every entry file (nothing is decoded with monty).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from interfacestab.chem import n_atoms, reduced_formula
from interfacestab.phase_properties import PropertyRow, PropertySource, volume_source_name
from interfacestab.provenance import SourceInfo
from interfacestab.sources.files import _load_json, _safe_entry
from interfacestab.sources.snapshot import file_sha256

if TYPE_CHECKING:
    from pathlib import Path

__all__ = ["read_entry_volumes", "structure_volume_per_atom"]

#: Bounds of a plausible volume per atom (Å^3/atom); a structure outside them is not used.
MIN_VOLUME_A3, MAX_VOLUME_A3 = 1.0, 1000.0


def _det3(m: list[list[float]]) -> float:
    return (
        m[0][0] * (m[1][1] * m[2][2] - m[1][2] * m[2][1])
        - m[0][1] * (m[1][0] * m[2][2] - m[1][2] * m[2][0])
        + m[0][2] * (m[1][0] * m[2][1] - m[1][1] * m[2][0])
    )


def structure_volume_per_atom(structure: object) -> tuple[float, float] | None:
    """(volume per atom in Å^3/atom, number of atoms) of a pymatgen ``Structure`` dict, None when it is not one."""
    if not isinstance(structure, dict):
        return None
    lattice, sites = structure.get("lattice"), structure.get("sites")
    matrix = lattice.get("matrix") if isinstance(lattice, dict) else None
    if not isinstance(sites, list) or not sites or not isinstance(matrix, list) or len(matrix) != 3:
        return None
    try:
        m = [[float(x) for x in row] for row in matrix]
        if any(len(row) != 3 for row in m):
            return None
        atoms = sum(float(sp["occu"]) for site in sites for sp in site["species"])
    except (TypeError, ValueError, KeyError):
        return None
    volume = abs(_det3(m))
    if not (math.isfinite(volume) and math.isfinite(atoms) and atoms > 0):
        return None
    per_atom = volume / atoms
    return (per_atom, atoms) if MIN_VOLUME_A3 <= per_atom <= MAX_VOLUME_A3 else None


def read_entry_volumes(path: Path, entry_source: str) -> tuple[PropertySource, list[PropertyRow]] | None:
    """Ground-state volume per atom of every reduced formula in an entry list with structures; None without any.

    ``entry_source`` is the name of the entry source the file was imported as; the property source
    is named :func:`~interfacestab.phase_properties.volume_source_name` of it.

    Raises:
        SourceError: the file cannot be read or an entry is malformed (as for the entry import).
    """
    data = _load_json(path)
    items: Any = data if isinstance(data, list) else data.get("entries") if isinstance(data, dict) else None
    if not isinstance(items, list):
        return None
    best: dict[str, tuple[float, str, float]] = {}  # key -> (energy per atom, material id, volume per atom)
    n_without = 0
    for i, d in enumerate(items):
        if not isinstance(d, dict) or "structure" not in d:
            n_without += 1
            continue
        comp, energy, mid = _safe_entry(d, f"{path}: entry {i}")
        found = structure_volume_per_atom(d["structure"])
        if found is None or abs(found[1] - n_atoms(comp)) > 1e-6 * max(1.0, found[1]):
            n_without += 1  # no usable structure, or one that is not of this composition
            continue
        key = reduced_formula(comp)
        candidate = (energy / n_atoms(comp), mid, found[0])
        if key not in best or candidate[:2] < best[key][:2]:
            best[key] = candidate
    if not best:
        return None
    rows = [PropertyRow(key, volume_per_atom_A3=v) for key, (_, _, v) in sorted(best.items())]
    info = SourceInfo(
        name=volume_source_name(entry_source),
        description=(
            f"volumes per atom from the structures in {path.name} (source '{entry_source}'): for each reduced "
            "formula the ground-state polymorph (lowest corrected energy per atom)"
        ),
        thermo_type="relaxed structures of the entries (GGA/GGA+U)",
        vintage=f"as the entry source '{entry_source}'",
        origin=str(path.resolve()),
        content_sha256=file_sha256(path),
        n_entries=len(rows),
        citation="Jain et al., APL Mater. 1, 011002 (2013)",
    )
    note = f"{n_without} entries without a usable structure" if n_without else ""
    return PropertySource(info, None, ("volume",), n_without, note), rows
