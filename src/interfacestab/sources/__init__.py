"""Data sources: the offline snapshot, pymatgen entry files, user tables, live Materials Project.

Each reader returns ``(SourceInfo, list[Entry])`` with formation energies per atom on the
source's own elemental references; :func:`import_file` picks the reader and writes the store.
"""

from __future__ import annotations

from interfacestab.sources.files import detect_format, import_file, read_file

__all__ = ["detect_format", "import_file", "read_file"]
