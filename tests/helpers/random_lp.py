"""Random hull-like linear programmes for the engine's many-samples tests (engine.basis, engine.pivot)."""

from __future__ import annotations

import numpy as np


def random_system(seed: int, n: int, m: int) -> tuple[np.ndarray, np.ndarray]:
    """``n`` elements (unit rows first, at 0 eV/atom) and ``m`` random compounds below them: (fractions, energies)."""
    rng = np.random.default_rng(seed)
    fr = rng.random((m, n)) ** 3
    fr /= fr.sum(axis=1, keepdims=True)
    fr = np.vstack([np.eye(n), fr])
    e = -0.5 * rng.random(len(fr))
    e[:n] = 0.0
    return fr, e


def perturbed(e: np.ndarray, n: int, seed: int, s: int = 150, sigma: float = 0.03) -> np.ndarray:
    """``s`` samples of the energies with independent normal errors of ``sigma``; the elements stay at 0."""
    rng = np.random.default_rng(seed + 1)
    out = e + sigma * rng.standard_normal((s, len(e)))
    out[:, :n] = 0.0
    return out
