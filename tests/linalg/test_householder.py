"""The shared reflector primitives: dlarfg/dlarft/dlarfb equivalents."""
from __future__ import annotations

import warnings

import numpy as np
import pytest

from mathforml.linalg._householder import (apply_block_left, apply_block_right, householder, larft,
                                           vector_norm2)


def reflect(v, tau, x):
    return x - tau * v * (v @ x)


@pytest.mark.parametrize("scale", [1.0, 1e-300, 1e-310, 1e300, 1e-160])
def test_reflector_maps_to_multiple_of_e1_at_any_scale(scale):
    x = np.array([0.3, -1.2, 2.5, 0.7]) * scale
    v, tau, beta = householder(x)
    assert np.all(np.isfinite(v)) and np.isfinite(tau) and np.isfinite(beta)
    y = reflect(v, tau, x)
    # the reflector is orthogonal to working precision at any scale (dlarfg's rescaling)
    H = np.eye(4) - tau * np.outer(v, v)
    assert np.abs(H @ H.T - np.eye(4)).max() <= 10 * np.finfo(float).eps
    assert abs(beta) == pytest.approx(np.sqrt(np.sum((x / scale) ** 2)) * scale, rel=1e-14)
    assert y[0] == pytest.approx(beta, rel=1e-14)
    # relative to |beta|, with a floor of a few subnormal ulps for subnormal input
    assert np.all(np.abs(y[1:]) <= 1e-15 * abs(beta) + 4 * np.finfo(float).smallest_subnormal)
    assert 1.0 <= tau <= 2.0  # dlarfg's range for a non-trivial reflector


def test_identity_cases():
    v, tau, beta = householder(np.array([2.0, 0.0, 0.0]))
    assert tau == 0.0 and beta == 2.0 and v[0] == 1.0
    v, tau, beta = householder(np.array([-4.0]))
    assert tau == 0.0 and beta == -4.0


def test_sign_of_beta_opposes_alpha():
    assert householder(np.array([3.0, 4.0]))[2] == -5.0
    assert householder(np.array([-3.0, 4.0]))[2] == 5.0
    assert householder(np.array([0.0, 4.0]))[2] == -4.0


def test_block_reflector_matches_product_of_reflectors():
    rng = np.random.default_rng(0)
    m, k = 9, 4
    A = rng.standard_normal((m, k))
    V = np.zeros((m, k))
    taus = np.zeros(k)
    H = np.eye(m)
    for j in range(k):
        v, tau, _ = householder(A[j:, j])
        V[j:, j] = v
        taus[j] = tau
        Hj = np.eye(m)
        Hj[j:, j:] -= tau * np.outer(v, v)
        H = H @ Hj
    T = larft(V, taus)
    np.testing.assert_allclose(np.eye(m) - V @ T @ V.T, H, atol=1e-14)
    C = rng.standard_normal((m, 5))
    E = rng.standard_normal((5, m))
    for order in ("C", "F"):  # column-major input takes the transposed path
        for trans, Href in ((False, H), (True, H.T)):
            D = np.array(C, order=order)
            apply_block_left(D, V, T, trans=trans)
            np.testing.assert_allclose(D, Href @ C, atol=1e-13)
            D = np.array(E, order=order)
            apply_block_right(D, V, T, trans=trans)
            np.testing.assert_allclose(D, E @ Href, atol=1e-13)


@pytest.mark.parametrize("x, want", [(np.array([3e200, 4e200]), 5e200),  # sqrt(x.x) overflows
                                     (np.array([3e-200, 4e-200]), 5e-200),  # x.x underflows
                                     (np.array([1e-320, 0.0]), 1e-320),
                                     (np.array([1.0, 2.0, 2.0]), 3.0),
                                     (np.zeros(3), 0.0), (np.array([]), 0.0),
                                     (np.array([1.0, np.inf]), np.inf)])
def test_vector_norm2_is_safe(x, want):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no overflow/invalid RuntimeWarning on the way
        assert vector_norm2(x) == pytest.approx(want, rel=1e-15)
    assert np.isnan(vector_norm2(np.array([1.0, np.nan])))
