"""The batched one-factor fit behind omega's bootstrap (issue 15).

References, tolerances:
* A hand-built covariance with known omega, 6.76 / 9.02 (as in the reliability tests):
  1e-9.
* The one-at-a-time BFGS fit (``factor.fit_ml``, itself checked against lavaan and
  factor_analyzer): loadings, residual variances and omega of 60 sample covariance
  matrices, 1e-6 (both stop at gradients of about 1e-8).
* The old bootstrap loop, one ``omega_total`` per ``rng.integers(0, n, n)`` draw:
  the same number of usable resamples and the same values, 1e-6.
"""

from __future__ import annotations

import numpy as np
import pytest

from collabdx.core.psychometrics.factor import fit_ml
from collabdx.core.psychometrics.onefactor import (
    fit_one_factor_batch,
    omega_bootstrap_values,
    omega_of,
    resampled_covariances,
)
from collabdx.core.psychometrics.reliability import omega_total


def _items(n: int, k: int = 5, seed: int = 3) -> np.ndarray:
    rng = np.random.default_rng(seed)
    latent = rng.normal(size=(n, 1))
    raw = latent * np.linspace(0.9, 0.5, k) + rng.normal(size=(n, k))
    return np.clip(np.rint(raw + 3), 1, 5)


def test_hand_built_covariance():
    lam = np.array([0.8, 0.7, 0.6, 0.5])
    cov = np.outer(lam, lam) + np.diag(1 - lam**2)
    l_, t_, ok = fit_one_factor_batch(cov[None])
    assert ok[0]
    assert omega_of(l_, t_)[0] == pytest.approx(6.76 / 9.02, abs=1e-9)
    assert l_[0] == pytest.approx(lam, abs=1e-7)


def test_batch_equals_the_one_at_a_time_fit():
    rng = np.random.default_rng(11)
    covs = []
    for i in range(60):
        n, k = int(rng.integers(40, 400)), int(rng.integers(3, 8))
        covs.append(np.cov(_items(n, k, seed=i), rowvar=False))
    by_p: dict[int, list[np.ndarray]] = {}
    for c in covs:
        by_p.setdefault(c.shape[0], []).append(c)
    for p, group in by_p.items():
        stack = np.stack(group)
        lam, theta, ok = fit_one_factor_batch(stack)
        assert ok.all(), p
        for i, cov in enumerate(group):
            ref = fit_ml(cov, np.ones((p, 1), dtype=bool))
            assert ref.converged
            assert lam[i] == pytest.approx(ref.loadings[:, 0], abs=1e-6)
            # A Heywood residual sits on the floor (1e-6 × its variance) here, where BFGS
            # in log θ stops near 1e-10: they differ by up to that floor.
            floor = 1e-6 * np.diag(cov)
            assert theta[i] == pytest.approx(ref.theta, abs=1e-6 + floor.max())
            assert omega_of(lam[i], theta[i]) == pytest.approx(
                omega_of(ref.loadings[:, 0], ref.theta), abs=1e-6
            )


def test_heywood_case_converges_on_the_floor():
    # Item 1 is the factor itself: its ML residual variance is 0 (a Heywood case).
    lam = np.array([1.0, 0.7, 0.6, 0.5])
    cov = np.outer(lam, lam) + np.diag([0.0, 0.51, 0.64, 0.75])
    cov[0, 0] += 1e-12
    l_, t_, ok = fit_one_factor_batch(cov[None])
    assert ok[0]
    assert t_[0, 0] <= 1e-6 * cov[0, 0] * 1.001
    assert omega_of(l_, t_)[0] == pytest.approx(2.8**2 / (2.8**2 + 1.9), abs=1e-5)


@pytest.mark.parametrize("n", [30, 80, 400])
def test_bootstrap_equals_the_old_loop(n):
    data = _items(n)
    rng = np.random.default_rng(7)
    old = []
    for _ in range(150):
        w = omega_total(data[rng.integers(0, n, n)])
        if w is not None:
            old.append(w)
    new = omega_bootstrap_values(data, 150, 7)
    assert len(new) == len(old)
    assert new == pytest.approx(np.array(old), abs=1e-6)


def test_resampled_covariances_are_the_resamples_covariances(monkeypatch):
    import collabdx.core.psychometrics.onefactor as of

    monkeypatch.setattr(of, "CHUNK_CELLS", 250)  # several chunks: draws stay in order
    data = _items(60)
    got = np.concatenate(list(resampled_covariances(data, 9, np.random.default_rng(2))))
    rng = np.random.default_rng(2)
    for cov in got:
        ref = np.cov(data[rng.integers(0, 60, 60)], rowvar=False, ddof=1)
        assert cov == pytest.approx(ref, abs=1e-12)
