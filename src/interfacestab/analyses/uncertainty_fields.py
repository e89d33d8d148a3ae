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


#: Interval columns of a batch CSV row sampled with ``--sigma`` (after the usual columns).
UNCERTAINTY_BATCH_COLUMNS = (
    "sigma_eV_per_atom", "samples", "seed", "confidence", "uncertainty_model",
    "reduction_limit_median_V", "reduction_limit_low_V", "reduction_limit_high_V",
    "oxidation_limit_median_V", "oxidation_limit_low_V", "oxidation_limit_high_V",
    "point_reduction_products_frequency", "point_oxidation_products_frequency",
    "reduction_point_quantile", "oxidation_point_quantile",
    "reduction_point_outside_interval", "oxidation_point_outside_interval", "uncertainty_method",
)  # fmt: skip


def uncertainty_batch_columns(row: dict[str, Any]) -> dict[str, object]:
    """The interval columns of one batch row from its ``uncertainty`` object (nothing when not sampled)."""
    u = row.get("uncertainty")
    if not isinstance(u, dict):
        return {}
    red, ox = u["reduction_limit_V"], u["oxidation_limit_V"] or {}
    return {
        "sigma_eV_per_atom": u["sigma_eV_per_atom"],
        "samples": u["samples"],
        "seed": u["seed"],
        "confidence": u["confidence"],
        "uncertainty_model": u["model"],
        "reduction_limit_median_V": red["median"],
        "reduction_limit_low_V": red["low"],
        "reduction_limit_high_V": red["high"],
        "oxidation_limit_median_V": ox.get("median"),
        "oxidation_limit_low_V": ox.get("low"),
        "oxidation_limit_high_V": ox.get("high"),
        "point_reduction_products_frequency": u["point_reduction_products_frequency"],
        "point_oxidation_products_frequency": u["point_oxidation_products_frequency"],
        "reduction_point_quantile": u.get("reduction_point_quantile"),
        "oxidation_point_quantile": u.get("oxidation_point_quantile"),
        "reduction_point_outside_interval": u.get("reduction_point_outside_interval"),
        "oxidation_point_outside_interval": u.get("oxidation_point_outside_interval"),
        "uncertainty_method": u.get("method"),
    }


def uncertainty_convention(settings: Any) -> str:
    """The provenance line of a run sampled with ``--sigma`` whose rows each carry their own interval."""
    return (
        f"formation-energy errors sampled: sigma = {settings.sigma_eV_per_atom:g} eV/atom, {settings.samples} "
        f"samples, seed {settings.seed}, central {settings.confidence * 100:g}% intervals, --error-model "
        f"{settings.error_model} (each row's uncertainty names the model and method it used; see "
        "docs/conventions.md, 'Uncertainty from energy errors')"
    )


def uncertainty_fingerprint(settings: Any) -> dict[str, object]:
    """What ``--sigma`` adds to a batch checkpoint's fingerprint (nothing when off)."""
    if settings is None:
        return {}
    keys = ("sigma_eV_per_atom", "samples", "seed", "confidence")
    fingerprint = {k: getattr(settings, k) for k in keys}
    if (model := getattr(settings, "error_model", "auto")) != "auto":  # auto: as checkpoints made before the option
        fingerprint["error_model"] = model
    return {"uncertainty": fingerprint}
