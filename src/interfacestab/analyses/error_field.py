"""A random error that varies smoothly with composition: the compound-specific part of a sampled DFT error.

Two compounds of nearly the same composition (a vacancy or doped supercell and its parent, ordered
variants of one solid solution) are computed with the same functional, the same pseudopotentials and
the same corrections, so their errors are nearly equal; errors of very different compositions are
nearly independent. Sampling them as independent numbers instead would turn the tiny energy
differences that decide a reaction such as ``LiCoO2 -> Li20Co21O42 + Li`` (one Li out of 84 atoms) into
volts of spurious spread. The per-compound error is therefore a Gaussian random field over atomic
fractions with unit variance and the squared-exponential correlation

    corr(x, y) = exp(-|x - y|^2 / (2 L^2)),   L = :data:`LENGTH` (atomic fraction),

drawn with :data:`FEATURES` random Fourier features (Rahimi & Recht, NIPS 2007): ``f(x) = z . phi(x)``
with ``phi(x) = cos(W x + b)`` normalised to unit length (so every compound has variance 1 exactly)
and ``z`` standard normal per sample. ``W`` (one column per element of the periodic table), ``b`` and
``z`` depend only on the seed, so a composition gets the same error in every analysis, every worker
and every chemical system, whatever else is in it (docs/conventions.md, 'Uncertainty from energy
errors').
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

import numpy as np

from interfacestab._periodic import ELEMENTS

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

#: Correlation length of the field in atomic-fraction space.
LENGTH = 0.25
#: Random Fourier features of the field.
FEATURES = 256
_COLUMN = {el: i for i, el in enumerate(ELEMENTS)}


@functools.lru_cache(maxsize=8)
def _frequencies(seed: int) -> tuple[np.ndarray, np.ndarray]:
    gen = np.random.Generator(np.random.PCG64(np.random.SeedSequence([seed, 0x6669656C64])))  # "field"
    w = gen.standard_normal((FEATURES, len(_COLUMN))) / LENGTH
    b = gen.uniform(0.0, 2.0 * np.pi, FEATURES)
    return w, b


@functools.lru_cache(maxsize=2)
def _weights(seed: int, samples: int) -> np.ndarray:
    gen = np.random.Generator(np.random.PCG64(np.random.SeedSequence([seed, 0x7765696768])))  # "weigh"
    return gen.standard_normal((samples, FEATURES))  # row s is the same for any number of samples


def _fractions(composition: Mapping[str, float]) -> tuple[tuple[str, float], ...]:
    """The composition as sorted (element, atomic fraction rounded to 12 digits): its identity in the field."""
    total = sum(composition.values())
    return tuple(sorted((el, round(amount / total, 12)) for el, amount in composition.items() if amount))


def _feature(fractions: tuple[tuple[str, float], ...], seed: int) -> np.ndarray:
    w, b = _frequencies(seed)
    cols = [_COLUMN[el] for el, _ in fractions]
    phi = np.cos(w[:, cols] @ np.array([x for _, x in fractions]) + b)
    return phi / np.linalg.norm(phi)


def features(compositions: Sequence[Mapping[str, float]], seed: int) -> np.ndarray:
    """(m, FEATURES) unit feature vectors of the compositions (amounts, normalised here to fractions)."""
    return np.array([_feature(_fractions(c), seed) for c in compositions]).reshape(len(compositions), FEATURES)


#: Field values already computed in this process, by (seed, samples, composition); bounded by _CACHE_FLOATS.
_CACHE: dict[tuple[int, int, tuple[tuple[str, float], ...]], np.ndarray] = {}
_CACHE_FLOATS = 20_000_000


def field(compositions: Sequence[Mapping[str, float]], seed: int, samples: int) -> np.ndarray:
    """(samples, m) values of the unit-variance field at each composition in each sample.

    Each composition's values are computed on their own (one matrix-vector product), so they are the same
    bits whatever other compositions are asked for with it, and kept for the next call in this process.
    """
    out = np.empty((samples, len(compositions)))
    z = _weights(seed, samples) if compositions else None
    for i, comp in enumerate(compositions):
        key = (seed, samples, _fractions(comp))
        values = _CACHE.get(key)
        if values is None:
            assert z is not None
            values = z @ _feature(key[2], seed)
            if len(_CACHE) * samples > _CACHE_FLOATS:
                _CACHE.clear()
            _CACHE[key] = values
        out[:, i] = values
    return out
