"""Tests for mathforml.linalg.cholesky against numpy.linalg / scipy.linalg."""
import importlib

import numpy as np
import pytest
import scipy.linalg as sl
from hypothesis import given, settings, strategies as st

from mathforml.exceptions import LinAlgError
from mathforml.explain import explain
from mathforml.linalg.cholesky import cho_factor, cho_solve, cholesky
from tests.linalg import gallery

EPS = np.finfo(np.float64).eps


@pytest.mark.parametrize("n", gallery.SQUARE_SIZES + [600])
def test_matches_numpy(n):
    A = gallery.random_spd(n, seed=n)
    L = cholesky(A)
    np.testing.assert_allclose(L, np.linalg.cholesky(A), rtol=1e-10, atol=1e-12 * np.sqrt(n))
    assert not np.triu(L, 1).any() and (np.diag(L) > 0).all()
    assert np.linalg.norm(L @ L.T - A) / np.linalg.norm(A) <= 10 * n * EPS
    U = cholesky(A, upper=True)
    np.testing.assert_allclose(U, np.linalg.cholesky(A, upper=True), rtol=1e-10,
                               atol=1e-12 * np.sqrt(n))
    np.testing.assert_array_equal(U, L.T)


@pytest.mark.parametrize("lower", [False, True])
@pytest.mark.parametrize("n", [1, 5, 70, 300])
def test_cho_factor_solve_match_scipy(n, lower):
    A = gallery.random_spd(n, seed=3)
    c, low = cho_factor(A, lower=lower)
    c2, _ = sl.cho_factor(A, lower=lower)
    tri = np.tril if lower else np.triu
    assert low is lower
    np.testing.assert_allclose(tri(c), tri(c2), rtol=1e-10, atol=1e-12)
    b = np.random.default_rng(1).standard_normal((n, 3))
    x = cho_solve((c, low), b)
    np.testing.assert_allclose(x, sl.cho_solve((c2, lower), b), rtol=1e-9, atol=1e-12)
    r = A @ x - b
    assert np.linalg.norm(r) / (np.linalg.norm(A) * np.linalg.norm(x)) <= 10 * n * EPS
    assert cho_solve((c, low), b[:, 0]).shape == (n,)


def test_reads_only_the_named_triangle():
    A = gallery.random_spd(80, seed=2)
    junk = A + np.triu(np.full((80, 80), 1e6), 1)        # garbage above the diagonal
    np.testing.assert_allclose(cholesky(junk), np.linalg.cholesky(A), rtol=1e-10, atol=1e-12)
    junk_low = A + np.tril(np.full((80, 80), -7.0), -1)  # garbage below: upper=True reads upper
    np.testing.assert_allclose(cholesky(junk_low, upper=True), np.linalg.cholesky(A, upper=True),
                               rtol=1e-10, atol=1e-12)
    c, _ = cho_factor(junk_low)                           # scipy default: upper, reads upper
    np.testing.assert_allclose(np.triu(c), np.linalg.cholesky(A, upper=True), rtol=1e-10,
                               atol=1e-12)


@pytest.mark.parametrize("name", ["hilbert10", "pascal8", "graded_diagonal17", "repeated12",
                                  "clustered12", "identity7"])
def test_hard_spd(name):
    A = gallery.HARD_SYMMETRIC[name]
    n = A.shape[0]
    L = cholesky(A)
    assert np.linalg.norm(L @ L.T - A) / np.linalg.norm(A) <= 10 * n * EPS
    np.testing.assert_allclose(L, np.linalg.cholesky(A), rtol=1e-7, atol=1e-9 * np.abs(L).max())


@settings(max_examples=30, deadline=None)
@given(n=st.integers(1, 90), seed=st.integers(0, 100_000))
def test_hypothesis_spd(n, seed):
    g = np.random.default_rng(seed)
    G = g.standard_normal((n, n))
    A = G @ G.T + n * np.eye(n)
    L = cholesky(A)
    assert np.linalg.norm(L @ L.T - A) / np.linalg.norm(A) <= 10 * n * EPS
    np.testing.assert_allclose(L, np.linalg.cholesky(A), rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("n,k", [(5, 3), (100, 67), (300, 1), (300, 200)])
def test_not_positive_definite_names_minor(n, k):
    A = gallery.random_spd(n, seed=4)
    # make the leading minor of order k singular-negative: a_kk way too small
    A = A.copy()
    L = np.linalg.cholesky(A)
    A[k - 1, k - 1] = L[k - 1, :k - 1] @ L[k - 1, :k - 1] - 1.0   # pivot becomes -1
    with pytest.raises(LinAlgError, match=f"leading minor of order {k} is not positive"):
        cholesky(A)
    with pytest.raises(np.linalg.LinAlgError):
        np.linalg.cholesky(A)
    with pytest.raises(LinAlgError, match=f"order {k}"):
        cho_factor(A, lower=True)


def test_not_pd_small_and_zero():
    with pytest.raises(LinAlgError, match="not positive definite: leading minor of order 1"):
        cholesky([[0.0]])
    with pytest.raises(LinAlgError, match="order 2"):
        cholesky([[1.0, 2.0], [2.0, 1.0]])
    with pytest.raises(LinAlgError, match="order 1"):
        cholesky(gallery.HARD_SYMMETRIC["zero6"])


def test_bad_input_dtypes_empty():
    with pytest.raises(ValueError, match=r"square, got shape \(2, 3\)"):
        cholesky(np.ones((2, 3)))
    with pytest.raises(ValueError, match="NaN or infinity"):
        cholesky([[1.0, np.nan], [np.nan, 1.0]])
    with pytest.raises(TypeError, match="complex"):
        cholesky(np.eye(2) * (1 + 0j))
    with pytest.raises(ValueError, match=r"c has shape \(2, 2\) but b has shape \(3,\)"):
        cho_solve(cho_factor(np.eye(2)), np.ones(3))
    assert cholesky([[4, 2], [2, 5]]).dtype == np.float64
    A32 = gallery.random_spd(40, seed=1).astype(np.float32)
    L32 = cholesky(A32)
    assert L32.dtype == np.float32
    np.testing.assert_allclose(L32, np.linalg.cholesky(A32), rtol=1e-4, atol=1e-4)
    assert cholesky(np.zeros((0, 0))).shape == (0, 0)
    np.testing.assert_array_equal(cholesky([[9.0]]), [[3.0]])
    assert cho_solve(cho_factor(np.zeros((0, 0))), np.zeros(0)).shape == (0,)


def test_explain_columns_small():
    A = np.array([[4.0, 2.0, -2.0], [2.0, 10.0, 2.0], [-2.0, 2.0, 6.0]])
    # by hand: l00 = 2; l10 = 1, l20 = -1; l11 = sqrt(10 - 1) = 3; l21 = (2 - (-1)(1)) / 3 = 1;
    # l22 = sqrt(6 - 1 - 1) = 2
    with explain() as work:
        L = cholesky(A)
    np.testing.assert_allclose(L, [[2, 0, 0], [1, 3, 0], [-1, 1, 2]], atol=1e-15)
    cols = work.find("Column ")
    assert [s.values["l_jj"] for s in cols] == pytest.approx([2.0, 3.0, 2.0])
    assert [s.values["sum_sq"] for s in cols] == pytest.approx([0.0, 1.0, 2.0])
    np.testing.assert_allclose(cols[0].values["column"], [1.0, -1.0])
    np.testing.assert_allclose(cols[1].values["column"], [1.0])


def test_explain_large_summary_and_bit_identical():
    A = gallery.random_spd(300, seed=7)
    L0 = cholesky(A)
    with explain() as work:
        L1 = cholesky(A)
    assert np.array_equal(L0, L1)
    panels = work.find("Panel: columns")
    nb = importlib.import_module("mathforml.linalg.cholesky")._NB
    assert len(panels) == -(-300 // nb)  # one step per block column
    # each panel step shows the diagonal of L for its columns
    np.testing.assert_allclose(np.concatenate([p.values["diagonal"] for p in panels]), np.diag(L0))
    assert not work.find("Column ")
    small = gallery.random_spd(6, seed=1)
    with explain():
        s1 = cholesky(small)
    assert np.array_equal(s1, cholesky(small))
