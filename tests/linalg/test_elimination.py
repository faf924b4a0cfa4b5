"""Tests for mathforml.linalg.elimination against numpy.linalg / scipy.linalg."""
import warnings

import numpy as np
import pytest
import scipy.linalg as sl
from hypothesis import given, settings, strategies as st

from mathforml.exceptions import IllConditionedWarning, LinAlgError
from mathforml.explain import explain
from mathforml.linalg import elimination as E
from mathforml.linalg.elimination import (cond, det, gaussian_elimination, inv, lu, lu_factor,
                                          lu_solve, slogdet, solve)
from tests.linalg import gallery

EPS = np.finfo(np.float64).eps


def backward_error(A, x, b):
    r = A @ x - b
    return np.linalg.norm(r, np.inf) / (np.linalg.norm(A, np.inf) * np.linalg.norm(x, np.inf))


def well_conditioned(n, seed):
    g = np.random.default_rng(seed)
    A = g.standard_normal((n, n))
    return A + np.diag(np.sign(A.diagonal()) * (np.abs(A).sum(axis=1) + 1.0))  # diagonally dominant


# --------------------------------------------------------------------------- LU
@pytest.mark.parametrize("shape", [(n, n) for n in gallery.SQUARE_SIZES] + gallery.RECT_SHAPES)
def test_lu_matches_scipy(shape):
    A = gallery.random_matrix(*shape, seed=sum(shape))
    P, L, U = lu(A)
    P2, L2, U2 = sl.lu(A)
    k = min(shape)
    assert P.shape == (shape[0], shape[0]) and L.shape == (shape[0], k) and U.shape == (k, shape[1])
    np.testing.assert_array_equal(P, P2)          # same pivot choices
    np.testing.assert_allclose(L, L2, atol=1e-12 * max(shape))
    np.testing.assert_allclose(U, U2, atol=1e-12 * max(shape) * np.abs(A).max())
    # invariants: ||P L U - A|| / ||A|| <= c n eps, |L| <= 1, unit diagonal, triangular
    assert np.linalg.norm(P @ L @ U - A) / np.linalg.norm(A) <= 20 * max(shape) * EPS
    assert np.abs(L).max() <= 1.0
    np.testing.assert_array_equal(np.diag(L), 1.0)
    assert not np.triu(L, 1).any() and not np.tril(U, -1).any()
    PL, U3 = lu(A, permute_l=True)
    np.testing.assert_allclose(PL, P @ L, atol=0)
    lu_, piv = lu_factor(A)
    lu2, piv2 = sl.lu_factor(A)
    np.testing.assert_array_equal(piv, piv2)
    np.testing.assert_allclose(lu_, lu2, atol=1e-12 * max(shape) * max(1.0, np.abs(A).max()))


@pytest.mark.parametrize("name", list(gallery.HARD_SQUARE))
def test_lu_hard_cases(name):
    A = gallery.HARD_SQUARE[name]
    n = A.shape[0]
    P, L, U = lu(A)
    assert np.linalg.norm(P @ L @ U - A) / np.linalg.norm(A) <= 20 * n * EPS
    assert np.abs(L).max() <= 1.0
    b = np.random.default_rng(0).standard_normal(n)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", IllConditionedWarning)
        x = solve(A, b)
    assert backward_error(A, x, b) <= 20 * n * EPS


def test_hilbert10_backward_error_not_forward():
    A = gallery.hilbert(10)
    b = A @ np.ones(10)
    x = solve(A, b)  # cond ~ 1.6e13 > 1/eps? no: rcond ~ 6e-14 is above eps, so no warning
    assert backward_error(A, x, b) <= 10 * 10 * EPS
    ref = np.linalg.solve(A, b)
    assert backward_error(A, ref, b) <= 10 * 10 * EPS


@pytest.mark.parametrize("n", gallery.SQUARE_SIZES)
def test_solve_inv_det_match_numpy(n):
    A = gallery.random_matrix(n, n, seed=n + 100)
    g = np.random.default_rng(n)
    b1, b2 = g.standard_normal(n), g.standard_normal((n, 4))
    for b in (b1, b2):
        x = solve(A, b)
        assert x.shape == b.shape
        np.testing.assert_allclose(x, np.linalg.solve(A, b), rtol=1e-8, atol=1e-10)
        assert backward_error(A, x, b) <= 20 * n * EPS
    Ainv = inv(A)
    np.testing.assert_allclose(Ainv, np.linalg.inv(A), rtol=1e-8, atol=1e-10)
    assert np.linalg.norm(A @ Ainv - np.eye(n)) <= 50 * n * EPS * np.linalg.cond(A)
    d = det(A)
    np.testing.assert_allclose(d, np.linalg.det(A), rtol=1e-10)
    s, l = slogdet(A)
    s2, l2 = np.linalg.slogdet(A)
    assert s == s2
    np.testing.assert_allclose(l, l2, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(s * np.exp(l), d, rtol=1e-10)     # det vs slogdet
    for trans in (0, 1):
        f = lu_factor(A)
        np.testing.assert_allclose(lu_solve(f, b2, trans=trans),
                                   sl.lu_solve(sl.lu_factor(A), b2, trans=trans),
                                   rtol=1e-8, atol=1e-10)


def test_slogdet_no_overflow():
    A = 10.0 * np.eye(400)  # det = 1e400 overflows
    s, l = slogdet(A)
    assert s == 1.0 and l == pytest.approx(400 * np.log(10.0))
    with np.errstate(over="ignore"):
        assert np.isinf(np.linalg.det(A)) and np.isinf(det(A))
    B = -np.eye(3)
    assert slogdet(B).sign == -1.0 and det(B) == -1.0
    assert isinstance(slogdet(B), tuple) and slogdet(B)._fields == ("sign", "logabsdet")


@settings(max_examples=30, deadline=None)
@given(n=st.integers(1, 60), seed=st.integers(0, 100_000), k=st.integers(1, 3))
def test_hypothesis_solve(n, seed, k):
    A = well_conditioned(n, seed)
    b = np.random.default_rng(seed + 1).standard_normal((n, k))
    x = solve(A, b)
    assert backward_error(A, x, b) <= 20 * n * EPS
    np.testing.assert_allclose(x, np.linalg.solve(A, b), rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(det(A), np.linalg.det(A), rtol=1e-9)


@settings(max_examples=25, deadline=None)
@given(m=st.integers(1, 50), n=st.integers(1, 50), seed=st.integers(0, 100_000))
def test_hypothesis_lu_rectangular(m, n, seed):
    A = np.random.default_rng(seed).standard_normal((m, n))
    P, L, U = lu(A)
    assert np.linalg.norm(P @ L @ U - A) <= 20 * max(m, n) * EPS * np.linalg.norm(A)
    np.testing.assert_array_equal(P, sl.lu(A)[0])


# --------------------------------------------------------------------------- condition
def test_rcond_estimate_close_to_true_value():
    for n, seed in [(5, 1), (50, 2), (200, 3)]:
        A = gallery.random_matrix(n, n, seed=seed)
        F = E._getrf(A.copy())
        est = E._rcond_from_lu(F.A, F.perm, np.linalg.norm(A, 1))
        true = 1.0 / np.linalg.cond(A, 1)
        assert true <= est * (1 + 1e-10) and est <= 10 * true  # lower bound on ||A^-1||: rcond >= true
    F = E._getrf(gallery.hilbert(12).copy())
    est = E._rcond_from_lu(F.A, F.perm, np.linalg.norm(gallery.hilbert(12), 1))
    assert est == pytest.approx(1 / np.linalg.cond(gallery.hilbert(12), 1), rel=3)


@pytest.mark.parametrize("p", [None, 1, -1, np.inf, -np.inf, "fro"])
def test_cond_matches_numpy(p):
    A = gallery.random_matrix(7, 7, seed=4)
    np.testing.assert_allclose(cond(A, p), np.linalg.cond(A, p), rtol=1e-8)
    assert cond(np.array([[1.0, 2.0], [2.0, 4.0]]), 1) == np.inf


@pytest.mark.parametrize("p", [2, -2, "nuc"])
def test_cond_svd_norms(p):
    pytest.importorskip("mathforml.linalg.svd")
    A = gallery.random_matrix(6, 6, seed=5)
    np.testing.assert_allclose(cond(A, p), np.linalg.cond(A, p), rtol=1e-8)
    R = gallery.random_matrix(8, 5, seed=6)
    if p != "nuc":
        np.testing.assert_allclose(cond(R, p), np.linalg.cond(R, p), rtol=1e-8)


def test_cond_bad_p():
    with pytest.raises(ValueError, match="p must be one of"):
        cond(np.eye(2), 3)
    with pytest.raises(LinAlgError, match=r"square matrix, got shape \(2, 3\)"):
        cond(np.ones((2, 3)), 1)


def test_ill_conditioned_warning():
    # nearly singular: second pivot is 2^-52, cond_1 = 4 * 2^52 so rcond = eps / 4
    A = np.array([[1.0, 1.0], [1.0, 1.0 + 2.0**-52]])
    with pytest.warns(IllConditionedWarning, match="ill-conditioned") as rec:
        solve(A, np.ones(2))
    assert rec[0].message.rcond < EPS
    with pytest.warns(IllConditionedWarning):
        inv(A)
    with warnings.catch_warnings():
        warnings.simplefilter("error", IllConditionedWarning)
        solve(well_conditioned(10, 0), np.ones(10))  # no warning


# --------------------------------------------------------------------------- singular & bad input
def test_exactly_singular():
    A = np.array([[1.0, 2.0], [2.0, 4.0]])
    with pytest.raises(LinAlgError, match=r"singular matrix: U\[1, 1\] is exactly zero"):
        solve(A, np.ones(2))
    with pytest.raises(LinAlgError, match="zero pivot in column 1"):
        inv(A)
    assert det(A) == 0.0 and np.signbit(det(A)) == False  # noqa: E712
    assert slogdet(A) == (0.0, -np.inf)
    with pytest.warns(IllConditionedWarning, match="Diagonal number 1 is exactly zero"):
        lu_, piv = lu_factor(A)
    with pytest.raises(LinAlgError, match=r"U\[1, 1\]"):
        lu_solve((lu_, piv), np.ones(2))
    P, L, U = lu(A)   # lu itself just factors
    np.testing.assert_allclose(P @ L @ U, A)
    Z = np.zeros((3, 3))
    with pytest.raises(LinAlgError, match=r"U\[0, 0\]"):
        solve(Z, np.ones(3))
    with pytest.raises(LinAlgError, match="no nonzero pivot in column 1"):
        gaussian_elimination(A, np.ones(2))


@pytest.mark.parametrize("f", [solve, gaussian_elimination])
def test_bad_input(f):
    with pytest.raises(ValueError, match=r"square, got shape \(2, 3\)"):
        f(np.ones((2, 3)), np.ones(2))
    with pytest.raises(ValueError, match=r"A has shape \(3, 3\) but b has shape \(2,\)"):
        f(np.eye(3), np.ones(2))
    with pytest.raises(ValueError, match="NaN or infinity"):
        f([[1.0, np.nan], [0.0, 1.0]], np.ones(2))
    with pytest.raises(ValueError, match="NaN or infinity"):
        f(np.eye(2), [np.inf, 1.0])
    with pytest.raises(TypeError, match="complex"):
        f(np.eye(2) + 0j, np.ones(2))


def test_bad_input_others():
    for g in (inv, det, slogdet):
        with pytest.raises(ValueError, match=r"square, got shape \(3, 2\)"):
            g(np.ones((3, 2)))
        with pytest.raises(TypeError, match="complex"):
            g(np.eye(2) * 1j)
    with pytest.raises(ValueError, match="NaN"):
        lu([[np.nan]])
    with pytest.raises(ValueError, match=r"piv must have shape \(2,\)"):
        lu_solve((np.eye(2), np.zeros(3, int)), np.ones(2))
    with pytest.raises(ValueError, match="trans must be"):
        lu_solve(lu_factor(np.eye(2)), np.ones(2), trans=5)


def test_dtypes_and_empty():
    A = [[2, 1], [1, 3]]
    x = solve(A, [3, 5])
    assert x.dtype == np.float64
    np.testing.assert_allclose(x, [0.8, 1.4])
    A32 = np.array(A, dtype=np.float32)
    b32 = np.array([3, 5], dtype=np.float32)
    assert solve(A32, b32).dtype == np.float32
    assert inv(A32).dtype == np.float32
    assert det(A32).dtype == np.float32 and slogdet(A32).logabsdet.dtype == np.float32
    assert lu(A32)[1].dtype == np.float32 and lu_factor(A32)[0].dtype == np.float32
    np.testing.assert_allclose(solve(A32, b32), [0.8, 1.4], rtol=1e-6)
    # empty and 1x1, like numpy
    assert solve(np.zeros((0, 0)), np.zeros(0)).shape == (0,)
    assert solve(np.zeros((0, 0)), np.zeros((0, 3))).shape == (0, 3)
    assert inv(np.zeros((0, 0))).shape == (0, 0)
    assert det(np.zeros((0, 0))) == np.linalg.det(np.zeros((0, 0))) == 1.0
    assert tuple(slogdet(np.zeros((0, 0)))) == (1.0, 0.0)
    P, L, U = lu(np.zeros((0, 0)))
    assert P.shape == L.shape == U.shape == (0, 0)
    lu_, piv = lu_factor(np.zeros((0, 0)))
    assert lu_.shape == (0, 0) and piv.shape == (0,)
    assert solve([[4.0]], [2.0]) == pytest.approx([0.5])
    assert det([[-3.0]]) == -3.0
    np.testing.assert_array_equal(inv([[4.0]]), [[0.25]])


def test_overwrite_a_factors_in_place():
    A = gallery.random_matrix(40, 40, seed=8)
    B = A.copy()
    lu_, piv = lu_factor(B, overwrite_a=True)
    assert lu_ is B
    np.testing.assert_allclose(lu_, sl.lu_factor(A)[0], atol=1e-12)
    lu2, _ = lu_factor(A)
    assert lu2 is not A and np.array_equal(A, gallery.random_matrix(40, 40, seed=8))


# --------------------------------------------------------------------------- explain
A3 = np.array([[2.0, 1.0, -1.0], [-3.0, -1.0, 2.0], [-2.0, 1.0, 2.0]])
b3 = np.array([8.0, -11.0, -3.0])
# By hand (partial pivoting):
#  stage 0: |col0| = (2, 3, 2): swap R0<->R1, pivot -3; m_10 = 2/-3 = -2/3, m_20 = -2/-3 = 2/3
#           R1 = (0, 1/3, 1/3 | 2/3), R2 = (0, 5/3, 2/3 | 13/3)
#  stage 1: |col1| = (1/3, 5/3): swap R1<->R2, pivot 5/3; m_21 = (1/3)/(5/3) = 1/5
#           R2 = (0, 0, 1/5 | -1/5)
#  stage 2: pivot 1/5.  Back substitution: x2 = -1, x1 = (13/3 + 2/3)/(5/3) = 3, x0 = (-11 + 5)/-3 = 2
PIVOTS = [-3.0, 5.0 / 3.0, 1.0 / 5.0]
MULT = {"m_10": -2.0 / 3.0, "m_20": 2.0 / 3.0, "m_21": 1.0 / 5.0}


def _check_trace(work):
    stages = work.find("eliminate below pivot")
    assert [s.values["pivot"] for s in stages] == pytest.approx(PIVOTS)
    got = {k: v for s in stages for k, v in s.values.items() if k.startswith("m_")}
    assert got == pytest.approx(MULT)
    swaps = [s.title for s in work.find("swap rows")]
    assert swaps == ["Stage 0: swap rows 0 and 1", "Stage 1: swap rows 1 and 2"]
    after1 = stages[1].values["matrix"]
    np.testing.assert_allclose(after1[:, :3], [[-3, -1, 2], [0, 5 / 3, 2 / 3], [0, 0, 1 / 5]],
                               atol=1e-15)


def test_gaussian_elimination_trace():
    with explain() as work:
        x = gaussian_elimination(A3, b3)
    np.testing.assert_allclose(x, [2.0, 3.0, -1.0], rtol=1e-14)
    _check_trace(work)
    np.testing.assert_allclose(work.find("eliminate below pivot")[1].values["matrix"][:, 3],
                               [-11, 13 / 3, -1 / 5], atol=1e-14)
    lines = work.find("x_")
    assert [s.values["x_i"] for s in lines] == pytest.approx([-1.0, 3.0, 2.0])
    assert work.find("Solution")[0].values["x"] == pytest.approx([2.0, 3.0, -1.0])


def test_solve_trace_holds_pivots_multipliers_solution():
    with explain() as work:
        x = solve(A3, b3)
    np.testing.assert_allclose(x, [2.0, 3.0, -1.0], rtol=1e-14)
    _check_trace(work)
    (fac,) = work.find("Factors")
    np.testing.assert_allclose(fac.values["pivots"], [-3.0, 5 / 3, 1 / 5], rtol=1e-14)
    np.testing.assert_array_equal(fac.values["perm"], [1, 2, 0])
    assert work.find("Solution")[-1].values["x"] == pytest.approx([2, 3, -1])
    # every substitution line is there with its number: y = L^{-1} b[perm], then x = U^{-1} y
    assert [s.values["y_i"] for s in work.steps if s.title.startswith("y_")] == pytest.approx([-11, 13 / 3, -0.2])
    assert [s.values["x_i"] for s in work.steps if s.title.startswith("x_")] == pytest.approx([-1, 3, 2])
    assert "m_21" in str(work)


def test_large_lu_explains_per_block():
    A = gallery.random_matrix(150, 150, seed=2)
    with explain() as work:
        lu(A)
    panels = work.find("Panel: columns")
    assert len(panels) == 3 and panels[0].values["max_abs_multiplier"] <= 1.0
    assert not work.find("eliminate below pivot")


@pytest.mark.parametrize("n", [3, 8, 70, 300])
def test_bit_identical_with_recorder(n):
    A = gallery.random_matrix(n, n, seed=n)
    b = np.random.default_rng(1).standard_normal(n)
    plain = (solve(A, b), lu(A), inv(A), det(A), lu_factor(A))
    with explain():
        rec = (solve(A, b), lu(A), inv(A), det(A), lu_factor(A))
    assert np.array_equal(plain[0], rec[0])
    assert all(np.array_equal(p, r) for p, r in zip(plain[1], rec[1]))
    assert np.array_equal(plain[2], rec[2]) and plain[3] == rec[3]
    assert all(np.array_equal(p, r) for p, r in zip(plain[4], rec[4]))
    if n <= 8:
        with explain():
            xr = gaussian_elimination(A, b)
        assert np.array_equal(xr, gaussian_elimination(A, b))
