"""Tests for mathforml.linalg.triangular.solve_triangular against scipy.linalg."""
import numpy as np
import pytest
import scipy.linalg as sl
from hypothesis import given, settings, strategies as st

from mathforml.exceptions import LinAlgError
from mathforml.explain import explain
from mathforml.linalg.triangular import solve_triangular
from tests.linalg import gallery

EPS = np.finfo(np.float64).eps


def tri(n, lower, seed=0):
    g = np.random.default_rng(seed)
    A = g.standard_normal((n, n))
    A[np.diag_indices(n)] = np.sign(A.diagonal()) * (1.0 + np.abs(A.diagonal())) + 0.0
    A[np.diag_indices(n)] += np.sign(A.diagonal()) * np.sqrt(n)  # keep cond moderate
    return np.tril(A) if lower else np.triu(A)


def backward_error(T, x, b):
    """Normwise backward error ||T x - b|| / (||T|| ||x|| + ||b||) (1-norm / inf-norms)."""
    r = T @ x - b
    return np.max(np.abs(r)) / (np.linalg.norm(T, np.inf) * np.max(np.abs(x)) + np.max(np.abs(b)))


@pytest.mark.parametrize("n", gallery.SQUARE_SIZES)
@pytest.mark.parametrize("lower", [False, True])
@pytest.mark.parametrize("trans", [False, True])
def test_matches_scipy(n, lower, trans):
    T = tri(n, lower, seed=n)
    g = np.random.default_rng(1)
    for b in (g.standard_normal(n), g.standard_normal((n, 3))):
        x = solve_triangular(T, b, lower=lower, trans=trans)
        ref = sl.solve_triangular(T, b, lower=lower, trans=int(trans))
        assert x.shape == b.shape
        np.testing.assert_allclose(x, ref, rtol=1e-10, atol=1e-12)
        Top = T.T if trans else T
        assert backward_error(Top, x, b) <= 10 * n * EPS


@pytest.mark.parametrize("unit", [False, True])
@pytest.mark.parametrize("lower", [False, True])
def test_unit_diagonal_ignores_diagonal_and_other_triangle(unit, lower):
    n = 70
    T = tri(n, lower, seed=3)
    junk = np.random.default_rng(5).standard_normal((n, n)) * 100
    full = T + (np.triu(junk, 1) if lower else np.tril(junk, -1))  # junk in the unread triangle
    if unit:
        full[np.diag_indices(n)] = 123.0  # unread diagonal
    b = np.arange(n, dtype=float)
    x = solve_triangular(full, b, lower=lower, unit_diagonal=unit)
    ref = sl.solve_triangular(full, b, lower=lower, unit_diagonal=unit)
    np.testing.assert_allclose(x, ref, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("code,tr", [(0, False), (1, True), (2, True), ("N", False), ("T", True),
                                     ("C", True), (False, False), (True, True)])
def test_trans_codes(code, tr):
    T = tri(9, False, seed=2)
    b = np.ones(9)
    want = np.linalg.solve(T.T if tr else T, b)
    np.testing.assert_allclose(solve_triangular(T, b, trans=code), want, rtol=1e-12)


def test_bad_trans():
    with pytest.raises(ValueError, match="trans must be one of"):
        solve_triangular(np.eye(2), np.ones(2), trans="X")


@pytest.mark.parametrize("name", ["kahan30", "graded_diagonal17"])
def test_hard_triangular_backward_error(name):
    T = gallery.HARD_SQUARE[name]
    b = np.random.default_rng(0).standard_normal(T.shape[0])
    x = solve_triangular(T, b)
    assert backward_error(T, x, b) <= 10 * T.shape[0] * EPS
    ref = sl.solve_triangular(T, b)
    # componentwise-ish agreement: both are backward stable; Kahan is very ill-conditioned
    assert backward_error(T, ref, b) <= 10 * T.shape[0] * EPS


@settings(max_examples=30, deadline=None)
@given(n=st.integers(1, 80), seed=st.integers(0, 10_000), lower=st.booleans(),
       trans=st.booleans())
def test_hypothesis_well_conditioned(n, seed, lower, trans):
    T = tri(n, lower, seed)
    b = np.random.default_rng(seed + 1).standard_normal((n, 2))
    x = solve_triangular(T, b, lower=lower, trans=trans)
    Top = T.T if trans else T
    assert backward_error(Top, x, b) <= 10 * n * EPS
    np.testing.assert_allclose(x, sl.solve_triangular(T, b, lower=lower, trans=int(trans)),
                               rtol=1e-9, atol=1e-12)


def test_dtypes():
    T = np.triu(np.arange(1, 10).reshape(3, 3))
    x = solve_triangular(T, [1, 2, 3])
    assert x.dtype == np.float64
    np.testing.assert_allclose(T @ x, [1, 2, 3])
    x32 = solve_triangular(T.astype(np.float32), np.ones(3, np.float32))
    assert x32.dtype == np.float32
    assert solve_triangular(T.astype(np.float32), np.ones(3)).dtype == np.float64


def test_empty_and_1x1():
    x = solve_triangular(np.zeros((0, 0)), np.zeros(0))
    assert x.shape == (0,)
    assert solve_triangular(np.zeros((0, 0)), np.zeros((0, 3))).shape == (0, 3)
    np.testing.assert_array_equal(solve_triangular([[4.0]], [2.0]), [0.5])


def test_zero_diagonal_names_index():
    T = np.triu(np.ones((5, 5)))
    T[3, 3] = 0.0
    with pytest.raises(LinAlgError, match="singular: zero diagonal entry at index 3"):
        solve_triangular(T, np.ones(5))
    # unit_diagonal does not read it
    x = solve_triangular(T, np.ones(5), unit_diagonal=True)
    np.testing.assert_allclose(x, [0, 0, 0, 0, 1])


def test_bad_input():
    with pytest.raises(ValueError, match=r"square, got shape \(2, 3\)"):
        solve_triangular(np.ones((2, 3)), np.ones(2))
    with pytest.raises(ValueError, match=r"A has shape \(3, 3\) but b has shape \(2,\)"):
        solve_triangular(np.eye(3), np.ones(2))
    with pytest.raises(ValueError, match="NaN or infinity"):
        solve_triangular(np.eye(2), [1.0, np.nan])
    with pytest.raises(ValueError, match="NaN or infinity"):
        solve_triangular([[1.0, np.inf], [0, 1]], [1.0, 1.0])
    with pytest.raises(TypeError, match="complex"):
        solve_triangular(np.eye(2) * 1j, np.ones(2))
    # check_finite=False skips the scan
    with np.errstate(invalid="ignore"):
        x = solve_triangular([[1.0, 0.0], [0.0, 1.0]], [1.0, np.inf], check_finite=False)
    assert np.isinf(x[1])


def test_explain_small_lines():
    U = np.array([[2.0, 1.0, -1.0], [0.0, 0.5, 0.5], [0.0, 0.0, -1.0]])
    b = np.array([8.0, 1.0, 1.0])
    # by hand: x2 = 1 / -1 = -1; x1 = (1 - 0.5*(-1)) / 0.5 = 3; x0 = (8 - (1*3 + -1*-1)) / 2 = 2
    with explain() as work:
        x = solve_triangular(U, b)
    np.testing.assert_allclose(x, [2.0, 3.0, -1.0])
    lines = work.find("x_")
    assert [s.title for s in lines] == ["x_2", "x_1", "x_0"]
    assert [s.values["x_i"] for s in lines] == pytest.approx([-1.0, 3.0, 2.0])
    assert [s.values["sum"] for s in lines] == pytest.approx([0.0, -0.5, 4.0])
    assert [s.values["pivot"] for s in lines] == pytest.approx([-1.0, 0.5, 2.0])
    assert "x_0 = (b_0 - (u_01 x_1 + u_02 x_2)) / u_00" == lines[2].formula
    assert lines[0].section == ("Back substitution",)


def test_explain_forward_and_summary():
    L = np.array([[1.0, 0.0], [3.0, 2.0]])
    with explain() as work:
        solve_triangular(L, [1.0, 7.0], lower=True)
    assert work.find("x_1")[0].values["x_i"] == pytest.approx(2.0)  # (7 - 3) / 2
    T = tri(50, True)
    with explain() as work:
        solve_triangular(T, np.ones(50), lower=True)
    (s,) = work.find("blocked")
    assert s.values["n"] == 50 and s.values["residual_norm"] < 1e-10


@pytest.mark.parametrize("n", [5, 100])
def test_bit_identical_with_recorder(n):
    T = tri(n, False, seed=9)
    b = np.random.default_rng(2).standard_normal((n, 2))
    x0 = solve_triangular(T, b)
    with explain():
        x1 = solve_triangular(T, b)
    assert np.array_equal(x0, x1)
