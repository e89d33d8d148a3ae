"""The optional ``uncertainty`` of a result in its JSON and CSV (kept light: no numpy at import)."""

from __future__ import annotations

from typing import Any


def uncertainty_json(uncertainty: Any) -> dict[str, object]:
    """``{"uncertainty": {...}}`` when the result was sampled (``--sigma``), else nothing."""
    return {} if uncertainty is None else {"uncertainty": uncertainty.to_dict()}


def uncertainty_rows(rows: list[dict[str, object]], uncertainty: Any) -> list[dict[str, object]]:
    """CSV rows with the interval columns appended after the result's own columns (when sampled)."""
    if uncertainty is None:
        return rows
    extra = uncertainty.to_columns()
    return [{**row, **extra} for row in rows]
