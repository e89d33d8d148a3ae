"""Hulls reused for the life of a process, keyed by (source, chemical system)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from interfacestab.engine.hull import Hull, build_hull

if TYPE_CHECKING:
    from interfacestab.entries import EntrySet


class HullCache:
    """A bounded map (source, chemsys) -> Hull; a batch groups work by system to hit it."""

    def __init__(self, max_size: int = 256) -> None:
        self._hulls: dict[tuple[str, str], Hull] = {}
        self._max_size = max_size
        self.builds = 0

    def get(self, entries: EntrySet) -> Hull:
        """The hull of an entry set, built once per (source, chemsys)."""
        key = (entries.source.name, entries.chemsys)
        hull = self._hulls.get(key)
        if hull is None:
            if len(self._hulls) >= self._max_size:
                self._hulls.pop(next(iter(self._hulls)))
            hull = self._hulls[key] = build_hull(entries)
            self.builds += 1
        return hull
