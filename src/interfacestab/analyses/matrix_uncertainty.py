"""Intervals on the cells of an interface matrix (``matrix --sigma``): each cell's minimum, sampled as ``interface``.

Every cell's ``uncertainty`` is :func:`~interfacestab.analyses.uncertainty.interface_uncertainty` of the
pair's profile on the entries of the pair's chemical system, the same call ``interface --sigma`` makes, so
a cell equals the interface of its pair. The random numbers of an entry depend only on the seed and the
entry (:func:`~interfacestab.analyses.uncertainty.entry_errors`), so a cell's interval does not depend on
the other pairs, the worker that computed it, or whether it came from a resumed checkpoint.

Kept light at import (no numpy): the uncertainty module is imported inside the functions.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Sequence

    from interfacestab.analyses.interface import InterfaceProfile
    from interfacestab.analyses.uncertainty import InterfaceUncertainty, UncertaintySettings
    from interfacestab.entries import EntrySet

#: The sampled quantity of a matrix run (the top-level ``uncertainty`` object of its JSON).
MATRIX_QUANTITY = "the minimum reaction energy of each cell (and its x and products), as interface --sigma samples it"


def cell_uncertainty(
    entries: EntrySet, profile: InterfaceProfile, settings: UncertaintySettings | None
) -> InterfaceUncertainty | None:
    """The interval of one pair's minimum (None without ``settings``): what ``interface --sigma`` reports."""
    if settings is None:
        return None
    from interfacestab.analyses.uncertainty import interface_uncertainty

    return interface_uncertainty(entries, profile, settings)


def uncertainty_from_dict(d: dict[str, Any] | None) -> InterfaceUncertainty | None:
    """An :class:`~interfacestab.analyses.uncertainty.InterfaceUncertainty` back from its ``to_dict`` (a checkpoint).

    The numbers come back exactly (JSON floats round-trip), so a resumed cell equals a computed one.
    """
    if d is None:
        return None
    from interfacestab.analyses.uncertainty import InterfaceUncertainty, Interval

    key = next(k for k in d if k.startswith("reaction_energy"))

    def interval(v: dict[str, float]) -> Interval:
        return Interval(float(v["median"]), float(v["low"]), float(v["high"]))

    return InterfaceUncertainty(
        sigma_eV_per_atom=d["sigma_eV_per_atom"],
        samples=int(d["samples"]),
        seed=int(d["seed"]),
        confidence=d["confidence"],
        model=str(d["model"]),
        method=str(d["method"]),
        energy_key=key,
        reaction_energy=interval(d[key]),
        x_atomic_a=interval(d["x_atomic_a"]),
        products_frequency=tuple((tuple(f["products"]), float(f["frequency"])) for f in d["products_frequency"]),
        point_products_frequency=float(d["point_products_frequency"]),
        corrections_sampled=tuple(
            (str(c["name"]), float(c["uncertainty_eV_per_corrected_atom"])) for c in d.get("corrections_sampled") or ()
        ),
    )


def interval_columns(open_system: bool) -> tuple[str, ...]:
    """The CSV columns a sampled cell adds (``InterfaceUncertainty.to_columns``), in their order."""
    from interfacestab.analyses.uncertainty import InterfaceUncertainty, Interval

    suffix = "_eV_per_nonion_atom" if open_system else "_eV_per_atom"
    nothing = Interval(0.0, 0.0, 0.0)
    shape = InterfaceUncertainty(0.0, 1, 0, 0.5, "", "", f"reaction_energy{suffix}", nothing, nothing, (), 0.0)
    return tuple(shape.to_columns())


def settings_dict(settings: UncertaintySettings, models: Sequence[str] = ()) -> dict[str, object]:
    """The top-level ``uncertainty`` object of a sampled matrix: the settings, the model(s) the cells used.

    ``models``: the cells' models; one name when they agree, ``mixed`` when not (each cell names its own).
    """
    chosen = sorted(set(models))
    return {
        "sigma_eV_per_atom": settings.sigma_eV_per_atom,
        "samples": settings.samples,
        "seed": settings.seed,
        "confidence": settings.confidence,
        "error_model": settings.error_model,
        "model": chosen[0] if len(chosen) == 1 else ("mixed" if chosen else None),
        "method": "lp",
        "quantity": MATRIX_QUANTITY,
    }


def sampling_convention(settings: UncertaintySettings) -> str:
    """The provenance line of a sampled matrix: the settings and the error model(s)."""
    from interfacestab.analyses.error_model import MODEL_DESCRIPTIONS

    models = "; ".join(f"{name}: {text}" for name, text in MODEL_DESCRIPTIONS.items() if name != "mixed")
    return (
        f"each cell's minimum reaction energy sampled as `interface --sigma`: {settings.samples} samples of "
        f"formation-energy errors, sigma = {settings.sigma_eV_per_atom:g} eV/atom, seed {settings.seed}, "
        f"central {settings.confidence * 100:g}% interval; --error-model {settings.error_model} (each cell's JSON "
        f"names the model it used; {models}; elements fixed at 0 eV/atom); reactants at their sampled hull energies"
    )
