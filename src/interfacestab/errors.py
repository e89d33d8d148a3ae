"""Exception hierarchy. The CLI prints the message of any :class:`InterfaceStabError` as one line."""

from __future__ import annotations


class InterfaceStabError(Exception):
    """Base class of every error a user can cause or fix."""


class FormulaError(InterfaceStabError, ValueError):
    """A formula is malformed or names an unknown element."""


class DataNotFoundError(InterfaceStabError, LookupError):
    """The store has no data for a chemical system, source or phase."""


class SourceError(InterfaceStabError):
    """A data source could not be read or imported (missing file, wrong columns)."""


class StoreError(InterfaceStabError):
    """The local store is corrupt, incompatible or locked."""


class MPError(InterfaceStabError):
    """A live Materials Project query failed (no API key, network failure, bad response)."""


class AnalysisError(InterfaceStabError, ValueError):
    """An analysis was asked something it cannot answer (identical reactants, bad voltage)."""


class OutputError(InterfaceStabError, OSError):
    """A report could not be written (missing folder, no permission, unsupported plot type)."""
