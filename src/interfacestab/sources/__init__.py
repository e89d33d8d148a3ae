"""Data sources: the offline snapshot, pymatgen entry files, user tables, live Materials Project.

Each reader returns ``(SourceInfo, list[Entry])`` with formation energies per atom on the
source's own elemental references and never touches the store: :mod:`interfacestab.ingest`
writes what they read.
"""

from __future__ import annotations

from interfacestab.sources.files import detect_format, read_file

__all__ = ["detect_format", "read_file"]
