"""Tests of the divide-and-conquer symmetric tridiagonal eigensolver."""
import numpy as np
import pytest
import scipy.linalg as sla
from hypothesis import given, settings
from hypothesis import strategies as st

from mathforml.linalg._tridiagonal import tridiagonal_eigh

EPS = np.finfo(np.float64).eps
C = 10.0  # constant in the c * n * eps bounds


def _T(d, e):
    return np.diag(d) + np.diag(e, 1) + np.diag(e, -1)


def _check(d, e, c=C):
    d = np.asarray(d, float)
    e = np.asarray(e, float)
    n = d.shape[0]
    T = _T(d, e)
    normT = max(np.linalg.norm(T, 2), np.finfo(float).tiny)
    w, Z = tridiagonal_eigh(d, e)
    assert w.shape == (n,) and Z.shape == (n, n)
    assert np.all(np.diff(w) >= 0)
    w_ref = sla.eigh_tridiagonal(d, e, eigvals_only=True)
    bound = c * max(n, 1) * EPS
    assert np.max(np.abs(w - w_ref), initial=0) <= bound * normT
    assert np.linalg.norm(T @ Z - Z * w) <= bound * normT
    assert np.linalg.norm(Z.T @ Z - np.eye(n)) <= bound
    w_only = tridiagonal_eigh(d, e, eigvals_only=True)
    assert np.max(np.abs(w_only - w_ref), initial=0) <= bound * normT
    return w, Z


@pytest.mark.parametrize("n", [1, 2, 3, 4, 5, 7, 8, 16, 25, 31, 32, 33, 64, 100, 127, 200, 301, 600])
def test_random_against_scipy(n):
    g = np.random.default_rng(n)
    _check(g.standard_normal(n), g.standard_normal(max(n - 1, 0)))


def test_empty_and_one():
    w, Z = tridiagonal_eigh(np.zeros(0), np.zeros(0))
    assert w.shape == (0,) and Z.shape == (0, 0)
    w, Z = tridiagonal_eigh([3.5], [])
    assert w.tolist() == [3.5] and Z.tolist() == [[1.0]]
    assert tridiagonal_eigh([3.5], [], eigvals_only=True).tolist() == [3.5]


def test_known_2x2():
    w, Z = tridiagonal_eigh([2.0, 2.0], [1.0])
    np.testing.assert_allclose(w, [1.0, 3.0], rtol=0, atol=4 * EPS)
    np.testing.assert_allclose(np.abs(Z), np.sqrt(0.5), rtol=0, atol=4 * EPS)


def test_wilkinson_w21():
    d = np.abs(np.arange(21) - 10.0)
    w, _ = _check(d, np.ones(20))
    # the two largest eigenvalues agree to about 14 digits but must stay separate vectors
    assert abs(w[-1] - w[-2]) < 1e-12


@pytest.mark.parametrize("glue", [1e-14, 1e-10, 1e-6])
def test_glued_wilkinson(glue):
    W = np.abs(np.arange(21) - 10.0)
    k = 12
    d = np.tile(W, k)
    e = np.concatenate([np.r_[np.ones(20), glue]] * k)[:-1]
    _check(d, e)


@pytest.mark.parametrize("n", [1, 2, 5, 40, 150])
@pytest.mark.parametrize("zeros", ["none", "s", "e", "both"])
def test_golub_kahan_zero_diagonal(n, zeros):
    """Zero diagonal, off-diagonal (s1, e1, s2, ...): eigenvalues +/- singular values."""
    g = np.random.default_rng(7 * n)
    s = g.random(n) + 0.1
    f = g.random(n - 1)
    if zeros in ("s", "both"):
        s[::3] = 0.0
    if zeros in ("e", "both"):
        f[1::4] = 0.0
    off = np.empty(2 * n - 1)
    off[0::2] = s
    off[1::2] = f
    w, Z = _check(np.zeros(2 * n), off)
    B = np.diag(s) + np.diag(f, 1)
    sv = np.linalg.svd(B, compute_uv=False)
    np.testing.assert_allclose(w, np.sort(np.r_[-sv, sv]), rtol=0,
                               atol=C * 2 * n * EPS * max(sv.max(), 1e-300))


def test_all_equal_diagonal_and_constant_offdiagonal():
    _check(np.full(60, 3.0), np.ones(59))
    _check(np.full(60, 3.0), np.full(59, 1e-9))


def test_diagonal_and_zero():
    g = np.random.default_rng(3)
    d = g.standard_normal(20)
    w, Z = _check(d, np.zeros(19))
    np.testing.assert_array_equal(w, np.sort(d))
    w, Z = _check(np.zeros(9), np.zeros(8))
    np.testing.assert_array_equal(w, np.zeros(9))
    np.testing.assert_array_equal(np.abs(Z).sum(axis=0), np.ones(9))


def test_repeated_blocks():
    # identical unreduced blocks separated by zero couplings: every eigenvalue repeated
    d = np.tile([1.0, 2.0, 3.0, 4.0], 20)
    e = np.tile([0.5, 0.5, 0.5, 0.0], 20)[:-1]
    _check(d, e)


def test_graded():
    _check(np.logspace(-8, 8, 40), np.logspace(-8, 8, 39)[::-1] * 1e-3)
    _check(np.logspace(-12, 0, 50), np.logspace(-12, 0, 49))


def test_tight_cluster():
    d = 1.0 + 1e-13 * np.arange(50)
    e = np.full(49, 1e-14)
    _check(d, e)


def test_scaling_extremes():
    g = np.random.default_rng(5)
    d, e = g.standard_normal(30), g.standard_normal(29)
    for scale in (1e-150, 1e150):
        _check(d * scale, e * scale)


def test_float32_in_float32_out():
    w, Z = tridiagonal_eigh(np.ones(4, dtype=np.float32), np.ones(3, dtype=np.float32))
    assert w.dtype == np.float32 and Z.dtype == np.float32


def test_bad_input():
    with pytest.raises(ValueError, match="length"):
        tridiagonal_eigh(np.ones(4), np.ones(4))
    with pytest.raises(ValueError, match="NaN"):
        tridiagonal_eigh([1.0, np.nan], [1.0])


@settings(max_examples=30, deadline=None)
@given(st.integers(1, 80), st.integers(0, 2**32 - 1), st.sampled_from([0.0, 0.3, 0.9]))
def test_hypothesis(n, seed, pzero):
    g = np.random.default_rng(seed)
    d = np.round(g.standard_normal(n), 1)  # rounding makes repeated values likely
    e = np.round(g.standard_normal(max(n - 1, 0)), 1)
    e[g.random(e.shape[0]) < pzero] = 0.0
    _check(d, e)
