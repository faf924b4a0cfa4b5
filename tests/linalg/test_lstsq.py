"""Tests for mathforml.linalg.lstsq: lstsq, pinv, matrix_rank, null_space, low_rank_approximation."""
from __future__ import annotations

import warnings

import numpy as np
import pytest
import scipy.linalg
from hypothesis import given, settings
from hypothesis import strategies as st

from mathforml.exceptions import IllConditionedWarning, LinAlgError, NormalEquationsWarning
from mathforml.explain import explain
from mathforml.linalg.lstsq import (LowRankApproximation, LstsqResult, low_rank_approximation,
                                    lstsq, matrix_rank, null_space, pinv)
from tests.linalg import gallery

EPS = np.finfo(np.float64).eps
SHAPES = [(n, n) for n in gallery.SQUARE_SIZES] + gallery.RECT_SHAPES
C = 30


def fro(X):
    return float(np.sqrt(np.sum(np.asarray(X, dtype=np.float64) ** 2)))


def ids(s):
    return f"{s[0]}x{s[1]}"


def rel_AT_r(A, b, x):
    r = b - A @ x
    denom = fro(A) * fro(r)
    return fro(A.T @ r) / denom if denom else 0.0


def check_residual(A, b, x):
    """m > n: the residual is orthogonal to range(A); m <= n: b is matched (backward error)."""
    m, n = A.shape
    if m > n:
        assert rel_AT_r(A, b, x) <= C * max(m, n) * EPS
    else:
        assert fro(b - A @ x) <= C * max(m, n) * EPS * fro(A) * fro(x)


def sol_tol(A, x):
    """Forward-error scale for a well-conditioned random problem."""
    return 1e3 * max(A.shape) * EPS * np.linalg.cond(A) * max(1.0, np.abs(x).max())


# ---------------------------------------------------------------------------
# lstsq against numpy
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("method", ["qr", "svd"])
@pytest.mark.parametrize("shape", SHAPES, ids=ids)
def test_lstsq_matches_numpy(shape, method):
    m, n = shape
    A = gallery.random_matrix(m, n, seed=m * 7 + n)
    g = np.random.default_rng(m + n)
    b = g.standard_normal(m)
    B = g.standard_normal((m, 3))
    for rhs in (b, B):
        res = lstsq(A, rhs, method=method)
        x_n, resid_n, rank_n, s_n = np.linalg.lstsq(A, rhs, rcond=None)
        assert isinstance(res, LstsqResult)
        assert res.x.shape == x_n.shape
        assert np.allclose(res.x, x_n, rtol=0, atol=sol_tol(A, x_n))
        assert res.rank == rank_n
        assert res.residuals.shape == resid_n.shape
        assert np.allclose(res.residuals, resid_n, rtol=1e-10, atol=1e-12)
        if method == "svd":
            assert np.allclose(res.singular_values, s_n, rtol=0, atol=C * max(shape) * EPS * s_n[0])
        else:
            assert res.singular_values is None
        check_residual(A, rhs, res.x)


def test_lstsq_tall_qr_path_for_svd():
    """m >= 1.5 n: svd method reduces by QR first; wide n >= 1.5 m via the QR of A^T."""
    for shape in [(500, 20), (20, 500), (30, 40)]:
        A = gallery.random_matrix(*shape, seed=9)
        b = np.random.default_rng(1).standard_normal(shape[0])
        res = lstsq(A, b, method="svd")
        ref = np.linalg.lstsq(A, b, rcond=None)
        assert np.allclose(res.x, ref[0], atol=1e-12)
        assert np.allclose(res.singular_values, ref[3], atol=1e-12)
        assert np.allclose(res.residuals, ref[1], rtol=1e-10)


@settings(max_examples=30, deadline=None)
@given(st.integers(1, 25), st.integers(1, 25), st.integers(0, 2**31 - 1),
       st.sampled_from(["qr", "svd"]))
def test_hypothesis_well_conditioned(m, n, seed, method):
    g = np.random.default_rng(seed)
    A = g.standard_normal((m, n))
    k = min(m, n)
    A[np.arange(k), np.arange(k)] += 3 * np.sqrt(max(m, n))   # well conditioned
    b = g.standard_normal(m)
    res = lstsq(A, b, method=method)
    ref = np.linalg.lstsq(A, b, rcond=None)
    assert np.allclose(res.x, ref[0], rtol=0, atol=1e3 * max(m, n) * EPS * max(1, np.abs(ref[0]).max()))
    assert res.rank == ref[2]
    check_residual(A, b, res.x)


@pytest.mark.parametrize("name", sorted(gallery.RANK_DEFICIENT))
def test_svd_minimum_norm_on_rank_deficient(name):
    A = gallery.RANK_DEFICIENT[name]
    m, n = A.shape
    b = np.random.default_rng(2).standard_normal(m)
    res = lstsq(A, b, method="svd")
    x_n, resid_n, rank_n, s_n = np.linalg.lstsq(A, b, rcond=None)
    assert res.rank == rank_n
    assert res.residuals.shape == resid_n.shape == (0,)
    assert np.allclose(res.x, x_n, rtol=0, atol=1e-9 * max(1.0, np.abs(x_n).max()))
    # minimum norm: x lies in the row space, i.e. orthogonal to the null space
    N = scipy.linalg.null_space(A)
    if N.size:
        assert np.abs(N.T @ res.x).max() <= 1e-9 * max(1.0, fro(res.x))
    if fro(A):
        assert rel_AT_r(A, b, res.x) <= 1e-10


def test_svd_rcond():
    A = np.diag([1.0, 1e-3, 1e-9])
    b = np.ones(3)
    for rcond in (1e-12, 1e-6, 1e-2):
        res = lstsq(A, b, method="svd", rcond=rcond)
        ref = np.linalg.lstsq(A, b, rcond=rcond)
        assert res.rank == ref[2]
        assert np.allclose(res.x, ref[0])


def test_qr_rank_deficient_warns():
    A = gallery.RANK_DEFICIENT["product_60x40_r7"]
    b = np.random.default_rng(3).standard_normal(60)
    with pytest.warns(IllConditionedWarning, match="not unique.*method='svd'"):
        res = lstsq(A, b, method="qr")
    assert res.rank < 40
    assert res.residuals.shape == (0,)


def test_qr_exactly_singular_raises_after_warning():
    A = np.zeros((5, 4))
    with pytest.warns(IllConditionedWarning):
        with pytest.raises(LinAlgError, match="use method='svd'"):
            lstsq(A, np.ones(5), method="qr")


def test_qr_full_rank_does_not_warn():
    A = gallery.random_matrix(50, 10, seed=1)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        lstsq(A, np.ones(50))
        lstsq(A.T, np.ones(10))


def test_wide_qr_is_minimum_norm():
    A = gallery.random_matrix(7, 40, seed=6)
    b = np.arange(7.0)
    x = lstsq(A, b, method="qr").x
    assert np.allclose(A @ x, b, atol=1e-12)
    assert np.allclose(x, np.linalg.pinv(A) @ b, atol=1e-12)


def test_gallery_hard_cases_qr_backward_stable():
    """Square hard cases: the QR solution has a small residual relative to ||A|| ||x||."""
    for name, A in gallery.HARD_SQUARE.items():
        n = A.shape[0]
        b = A @ np.ones(n)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", IllConditionedWarning)
            x = lstsq(A, b).x
        assert fro(b - A @ x) <= C * n * EPS * fro(A) * fro(x), name


# ---------------------------------------------------------------------------
# normal equations
# ---------------------------------------------------------------------------
def test_normal_equations_warns_and_solves():
    pytest.importorskip("mathforml.linalg.cholesky",
                        reason="mathforml.linalg.cholesky (another helper) has not landed yet")
    A = gallery.random_matrix(40, 7, seed=1)
    b = np.random.default_rng(4).standard_normal(40)
    with pytest.warns(NormalEquationsWarning, match="square the condition number"):
        res = lstsq(A, b, method="normal")
    ref = np.linalg.lstsq(A, b, rcond=None)
    assert np.allclose(res.x, ref[0], atol=1e-10)
    assert np.allclose(res.residuals, ref[1])
    assert res.singular_values is None
    with pytest.warns(NormalEquationsWarning):
        wide = lstsq(A.T, np.ones(7), method="normal")
    assert np.allclose(wide.x, np.linalg.lstsq(A.T, np.ones(7), rcond=None)[0], atol=1e-10)


def test_normal_equations_loses_accuracy():
    """cond(A)^2: on a Vandermonde-like problem QR keeps digits that normal equations lose."""
    pytest.importorskip("mathforml.linalg.cholesky",
                        reason="mathforml.linalg.cholesky (another helper) has not landed yet")
    t = np.linspace(0, 1, 50)
    A = np.vander(t, 8, increasing=True)        # cond ~ 1e5..1e6
    x_true = np.ones(8)
    b = A @ x_true
    err_qr = np.abs(lstsq(A, b).x - x_true).max()
    with pytest.warns(NormalEquationsWarning):
        err_ne = np.abs(lstsq(A, b, method="normal").x - x_true).max()
    assert err_qr < 1e-8
    assert err_ne > 10 * err_qr


def test_normal_always_warns_even_before_failing():
    with pytest.warns(NormalEquationsWarning):
        try:
            lstsq(np.eye(3), np.ones(3), method="normal")
        except ImportError:
            pass


# ---------------------------------------------------------------------------
# lstsq: dtypes, empty, bad input, explain
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("method", ["qr", "svd"])
def test_float32_stays_float32(method):
    A = gallery.random_matrix(60, 10, seed=1).astype(np.float32)
    b = np.ones(60, dtype=np.float32)
    res = lstsq(A, b, method=method)
    assert res.x.dtype == np.float32 and res.residuals.dtype == np.float32
    ref = np.linalg.lstsq(A.astype(np.float64), b.astype(np.float64), rcond=None)[0]
    assert np.allclose(res.x, ref, atol=1e-4)
    # mixed precision promotes
    assert lstsq(A, b.astype(np.float64), method=method).x.dtype == np.float64


@pytest.mark.parametrize("method", ["qr", "svd"])
@pytest.mark.parametrize("shape,bshape", [((0, 3), (0,)), ((3, 0), (3,)), ((0, 0), (0,)),
                                          ((3, 0), (3, 2))])
def test_empty_like_numpy(shape, bshape, method):
    A = np.zeros(shape)
    b = np.ones(bshape)
    res = lstsq(A, b, method=method)
    ref = np.linalg.lstsq(A, b, rcond=None)
    assert res.x.shape == ref[0].shape and np.array_equal(res.x, ref[0])
    assert res.residuals.shape == ref[1].shape and np.allclose(res.residuals, ref[1])
    assert res.rank == ref[2] == 0


def test_lstsq_bad_input():
    A = np.ones((4, 2))
    with pytest.raises(ValueError, match=r"A has shape \(4, 2\) but b has shape \(3,\)"):
        lstsq(A, np.ones(3))
    with pytest.raises(ValueError, match="method must be one of 'qr', 'svd', 'normal'; got 'lu'"):
        lstsq(A, np.ones(4), method="lu")
    with pytest.raises(TypeError, match="complex"):
        lstsq(A * 1j, np.ones(4))
    with pytest.raises(TypeError, match="complex"):
        lstsq(A, np.ones(4) * 1j)
    with pytest.raises(ValueError, match="NaN or infinity"):
        lstsq(A, np.array([1.0, np.nan, 0.0, 0.0]))
    with pytest.raises(ValueError, match="NaN or infinity"):
        lstsq(np.full((4, 2), np.inf), np.ones(4))
    with pytest.raises(ValueError, match="must be 2-D"):
        lstsq(np.ones(4), np.ones(4))


@pytest.mark.parametrize("shape", [(5, 3), (3, 5), (40, 12), (12, 40)])
@pytest.mark.parametrize("method", ["qr", "svd"])
def test_lstsq_bit_identical_with_recorder(shape, method):
    A = gallery.random_matrix(*shape, seed=1)
    b = np.random.default_rng(0).standard_normal(shape[0])
    r0 = lstsq(A, b, method=method)
    with explain():
        r1 = lstsq(A, b, method=method)
    assert np.array_equal(r0.x, r1.x) and np.array_equal(r0.residuals, r1.residuals)


def test_lstsq_explain_qr_stages():
    A = np.array([[1.0, 0.0], [1.0, 1.0], [1.0, 2.0]])
    b = np.array([1.0, 3.0, 4.0])
    with explain() as work:
        res = lstsq(A, b)
    titles = [s.title for s in work.steps]
    assert any(t.startswith("Reflector") for t in titles)          # QR shows its reflectors
    qr_step = next(s for s in work.steps if s.title.startswith("QR factorisation"))
    assert np.allclose(np.abs(qr_step.values["R"]), np.abs(np.linalg.qr(A, mode="r")))
    c_step = next(s for s in work.steps if s.title.startswith("Apply Q^T"))
    Qn, Rn = np.linalg.qr(A, mode="complete")
    assert np.allclose(np.abs(c_step.values["c"].ravel()), np.abs(Qn.T @ b))
    assert any(t.startswith("x_") for t in titles)                  # back substitution lines
    check = next(s for s in work.steps if s.title == "Check the residual")
    assert check.values["residual_norm"] == pytest.approx(np.sqrt(1 / 6))
    assert check.values["relative_AT_r"] < 1e-14
    assert np.allclose(res.x, [7 / 6, 1.5])


def test_lstsq_explain_svd_stages():
    A = np.array([[1.0, 1.0], [1.0, 1.0], [0.0, 0.0]])
    b = np.array([1.0, 3.0, 5.0])
    with explain() as work:
        res = lstsq(A, b, method="svd")
    sv = next(s for s in work.steps if s.title.startswith("Singular values"))
    assert sv.values["rank"] == 1
    assert np.allclose(sv.values["singular_values"], [2.0, 0.0], atol=1e-15)
    assert np.allclose(res.x, [1.0, 1.0])   # minimum norm: (x1 + x2) = 2, split evenly
    check = next(s for s in work.steps if s.title == "Check the residual")
    assert check.values["residual_norm"] == pytest.approx(np.sqrt(2 + 25))


# ---------------------------------------------------------------------------
# pinv
# ---------------------------------------------------------------------------
def penrose(A, X):
    scale = C * max(A.shape) * EPS
    nA, nX = fro(A), fro(X)
    assert fro(A @ X @ A - A) <= scale * nA * nX * nA
    assert fro(X @ A @ X - X) <= scale * nX * nA * nX
    AX, XA = A @ X, X @ A
    assert fro(AX - AX.T) <= scale * nA * nX
    assert fro(XA - XA.T) <= scale * nA * nX


@pytest.mark.parametrize("shape", SHAPES, ids=ids)
def test_pinv_matches_numpy_and_penrose(shape):
    A = gallery.random_matrix(*shape, seed=shape[0] + 2 * shape[1])
    X = pinv(A)
    Xn = np.linalg.pinv(A)
    assert X.shape == Xn.shape
    assert np.allclose(X, Xn, rtol=0, atol=1e3 * max(shape) * EPS * np.abs(Xn).max() * np.linalg.cond(A))
    penrose(A, X)


@pytest.mark.parametrize("name", sorted(gallery.RANK_DEFICIENT) + ["hilbert10", "graded17"])
def test_pinv_hard_cases(name):
    A = gallery.RANK_DEFICIENT.get(name, gallery.HARD_SQUARE.get(name))
    X = pinv(A)
    Xn = np.linalg.pinv(A)
    penrose(A, X)
    if name in gallery.RANK_DEFICIENT:
        assert np.allclose(X, Xn, atol=1e-10 * max(1.0, np.abs(Xn).max()))


def test_pinv_rtol_and_hermitian():
    A = np.diag([1.0, 1e-3, 1e-9])
    for rtol in (1e-12, 1e-6):
        assert np.allclose(pinv(A, rtol=rtol), np.linalg.pinv(A, rtol=rtol))
    S = gallery.random_symmetric(6, seed=1)
    assert np.allclose(pinv(S, hermitian=True), np.linalg.pinv(S, hermitian=True), atol=1e-12)


def test_pinv_float32_empty_and_bad_input():
    A = gallery.random_matrix(6, 4, seed=1).astype(np.float32)
    assert pinv(A).dtype == np.float32
    assert pinv(np.zeros((0, 3))).shape == np.linalg.pinv(np.zeros((0, 3))).shape == (3, 0)
    with pytest.raises(TypeError, match="complex"):
        pinv(np.eye(2) * 1j)
    with pytest.raises(ValueError, match="NaN or infinity"):
        pinv(np.array([[np.nan]]))
    with pytest.raises(ValueError, match="rtol must be >= 0"):
        pinv(np.eye(2), rtol=-1.0)


def test_pinv_bit_identical_with_recorder():
    A = gallery.random_matrix(9, 5, seed=3)
    X0 = pinv(A)
    with explain() as work:
        X1 = pinv(A)
    assert np.array_equal(X0, X1)
    assert work.steps[-1].values["rank"] == 5


# ---------------------------------------------------------------------------
# matrix_rank, null_space
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("name", sorted(gallery.RANK_DEFICIENT) + sorted(gallery.HARD_SQUARE))
def test_matrix_rank_matches_numpy(name):
    A = gallery.RANK_DEFICIENT.get(name, gallery.HARD_SQUARE.get(name))
    assert matrix_rank(A) == np.linalg.matrix_rank(A)


@pytest.mark.parametrize("shape", gallery.RECT_SHAPES, ids=ids)
def test_matrix_rank_random_and_tol(shape):
    A = gallery.random_matrix(*shape, seed=1)
    assert matrix_rank(A) == np.linalg.matrix_rank(A) == min(shape)
    s = np.linalg.svd(A, compute_uv=False)
    i = len(s) // 2
    tol = float(s[i] + s[i - 1]) / 2 if i else float(s[0]) / 2   # between two singular values
    assert matrix_rank(A, tol=tol) == np.linalg.matrix_rank(A, tol=tol)


def test_matrix_rank_vectors_empty_bad():
    assert matrix_rank(np.zeros(3)) == np.linalg.matrix_rank(np.zeros(3)) == 0
    assert matrix_rank([0.0, 2.0]) == 1
    assert matrix_rank(np.zeros((0, 3))) == np.linalg.matrix_rank(np.zeros((0, 3))) == 0
    with pytest.raises(TypeError, match="complex"):
        matrix_rank(np.eye(2) * 1j)
    with pytest.raises(ValueError, match="NaN or infinity"):
        matrix_rank(np.array([[np.inf, 1.0]]))


@pytest.mark.parametrize("name", sorted(gallery.RANK_DEFICIENT))
def test_null_space_matches_scipy(name):
    A = gallery.RANK_DEFICIENT[name]
    N = null_space(A)
    Ns = scipy.linalg.null_space(A)
    assert N.shape == Ns.shape
    k = N.shape[1]
    assert fro(N.T @ N - np.eye(k)) <= C * A.shape[1] * EPS
    assert fro(A @ N) <= C * max(A.shape) * EPS * max(fro(A), 1.0)
    # same subspace: the projectors agree
    assert np.allclose(N @ N.T, Ns @ Ns.T, atol=1e-10)


@pytest.mark.parametrize("shape", [(1, 3), (3, 5), (7, 40), (5, 3), (0, 3), (3, 0)], ids=ids)
def test_null_space_shapes(shape):
    A = gallery.random_matrix(*shape, seed=2)
    N = null_space(A)
    Ns = scipy.linalg.null_space(A) if min(shape) else None
    if Ns is not None:
        assert N.shape == Ns.shape
        assert np.allclose(N @ N.T, Ns @ Ns.T, atol=1e-12)
    else:
        assert N.shape == ((shape[1], shape[1]) if shape[0] == 0 else (0, 0))


def test_null_space_rcond():
    A = np.diag([1.0, 1e-6, 0.0])
    assert null_space(A).shape == scipy.linalg.null_space(A).shape == (3, 1)
    assert null_space(A, rcond=1e-3).shape == scipy.linalg.null_space(A, rcond=1e-3).shape == (3, 2)


# ---------------------------------------------------------------------------
# low-rank approximation
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("shape,k", [((20, 10), 3), ((10, 20), 1), ((30, 30), 29), ((5, 5), 5),
                                     ((40, 7), 7)])
def test_low_rank_eckart_young(shape, k):
    A = gallery.random_matrix(*shape, seed=k)
    res = low_rank_approximation(A, k)
    assert isinstance(res, LowRankApproximation)
    U, s, Vh = np.linalg.svd(A, full_matrices=False)
    A_k = (U[:, :k] * s[:k]) @ Vh[:k]
    assert np.allclose(res.approximation, A_k, atol=C * max(shape) * EPS * s[0])
    assert np.allclose(res.singular_values, s, atol=C * max(shape) * EPS * s[0])
    expected = np.sqrt(np.sum(s[k:] ** 2) / np.sum(s ** 2))
    assert res.relative_error == pytest.approx(expected, abs=1e-12)
    assert fro(A - res.approximation) / fro(A) == pytest.approx(expected, abs=1e-12)
    assert np.linalg.matrix_rank(res.approximation) == k
    if k < min(shape):   # 2-norm error is the first dropped singular value
        assert np.linalg.norm(A - res.approximation, 2) == pytest.approx(s[k], rel=1e-10)


def test_low_rank_exact_on_rank_deficient_and_zero():
    A = gallery.RANK_DEFICIENT["product_60x40_r7"]
    res = low_rank_approximation(A, 7)
    assert res.relative_error < 1e-13
    assert np.allclose(res.approximation, A, atol=1e-12 * np.abs(A).max())
    z = low_rank_approximation(np.zeros((3, 4)), 2)
    assert z.relative_error == 0.0 and not z.approximation.any()


def test_low_rank_bad_k():
    A = np.ones((3, 4))
    with pytest.raises(ValueError, match=r"k must satisfy 1 <= k <= min\(m, n\) = 3 .* got k = 0"):
        low_rank_approximation(A, 0)
    with pytest.raises(ValueError, match=r"k must satisfy .* shape \(3, 4\), got k = 4"):
        low_rank_approximation(A, 4)
    with pytest.raises(TypeError, match="k must be an integer"):
        low_rank_approximation(A, 1.5)
    with pytest.raises(TypeError, match="complex"):
        low_rank_approximation(A * 1j, 1)


def test_low_rank_explain_and_float32():
    A = np.diag([3.0, 4.0, 1.0])
    with explain() as work:
        res = low_rank_approximation(A, 2)
    st_ = work.steps[-1].values
    assert st_["two_norm_error"] == pytest.approx(1.0)
    assert st_["relative_error"] == pytest.approx(np.sqrt(1 / 26))
    assert np.array_equal(res.approximation, low_rank_approximation(A, 2).approximation)
    assert low_rank_approximation(A.astype(np.float32), 1).approximation.dtype == np.float32
