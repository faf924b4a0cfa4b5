"""Tests for mathforml.linalg.svd against numpy.linalg.svd, with LAPACK-style bounds."""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from mathforml.explain import explain
from mathforml.linalg.svd import SVDResult, svd, svdvals
from tests.linalg import gallery

EPS = np.finfo(np.float64).eps
C = 30  # modest constant in the c * n * eps bounds


def _check_invariants(A, U, S, Vh, full, c=C, eps=EPS):
    """Reconstruction, orthonormality, ordering and shapes with c * n * eps bounds."""
    m, n = A.shape
    k = min(m, n)
    nmax = max(m, n, 1)
    assert S.shape == (k,)
    assert U.shape == ((m, m) if full else (m, k))
    assert Vh.shape == ((n, n) if full else (k, n))
    assert np.all(S >= 0)
    assert np.all(np.diff(S) <= 0)
    amax = np.max(np.abs(A), initial=0.0)
    if amax > 0:  # exact power-of-two scaling keeps residuals representable for huge/tiny A
        p2 = -np.frexp(amax)[1]
        A, S = np.ldexp(A, p2), np.ldexp(S, p2)
    normA = max(np.linalg.norm(A, 2), np.finfo(float).tiny)
    R = (U[:, :k] * S) @ Vh[:k] - A
    assert np.linalg.norm(R) / normA <= c * nmax * eps
    assert np.linalg.norm(U.T @ U - np.eye(U.shape[1])) <= c * nmax * eps
    assert np.linalg.norm(Vh @ Vh.T - np.eye(Vh.shape[0])) <= c * nmax * eps
    # backward-sense singular triplets: A v_i ~ sigma_i u_i and A^T u_i ~ sigma_i v_i
    assert np.linalg.norm(A @ Vh[:k].T - U[:, :k] * S) <= c * nmax * eps * normA
    assert np.linalg.norm(A.T @ U[:, :k] - Vh[:k].T * S) <= c * nmax * eps * normA


def _check_values(A, S, c=C, eps=EPS):
    Sr = np.linalg.svd(A, compute_uv=False)
    nmax = max(A.shape)
    assert np.max(np.abs(S - Sr), initial=0.0) <= c * nmax * eps * max(Sr.max(initial=0.0), 1e-300)


def _check_sign_convention(U, Vh):
    idx = np.argmax(np.abs(U), axis=0)
    assert np.all(U[idx, np.arange(U.shape[1])] > 0)


def _check_vectors_match_numpy(A, U, S, Vh, rel_gap=1e-3):
    """Singular vectors of well-separated singular values agree with numpy's up to sign."""
    Ur, Sr, Vhr = np.linalg.svd(A, full_matrices=False)
    k = len(S)
    if k == 0 or Sr[0] == 0:
        return
    for i in range(k):
        gaps = np.abs(np.delete(Sr, i) - Sr[i]) if k > 1 else np.array([np.inf])
        gap = min(gaps.min(initial=np.inf), Sr[i])  # also away from zero
        if gap < rel_gap * Sr[0]:
            continue
        # the perturbation bound eps ||A|| / gap with a modest constant
        tol = 50 * max(A.shape) * EPS * Sr[0] / gap
        s = np.sign(U[:, i] @ Ur[:, i])
        assert np.linalg.norm(U[:, i] - s * Ur[:, i]) <= tol
        assert np.linalg.norm(Vh[i] - s * Vhr[i]) <= tol


# ---------------------------------------------------------------------------
# Random matrices of many shapes
# ---------------------------------------------------------------------------
SHAPES = [(n, n) for n in gallery.SQUARE_SIZES] + list(gallery.RECT_SHAPES)


@pytest.mark.parametrize("shape", SHAPES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_random_against_numpy(shape):
    A = gallery.random_matrix(*shape, seed=sum(shape))
    res = svd(A, full_matrices=False)
    assert isinstance(res, SVDResult)
    U, S, Vh = res
    _check_values(A, S)
    _check_invariants(A, U, S, Vh, full=False)
    _check_sign_convention(U, Vh)
    _check_vectors_match_numpy(A, U, S, Vh)


@pytest.mark.parametrize("shape", [(1, 1), (5, 3), (3, 5), (40, 7), (7, 40), (100, 64), (64, 100),
                                   (300, 33), (33, 300)], ids=lambda s: f"{s[0]}x{s[1]}")
def test_full_matrices(shape):
    A = gallery.random_matrix(*shape, seed=7)
    U, S, Vh = svd(A)
    _check_invariants(A, U, S, Vh, full=True)
    _check_sign_convention(U, Vh)
    Ur, Sr, Vhr = np.linalg.svd(A)
    assert U.shape == Ur.shape and Vh.shape == Vhr.shape
    # the reduced factors are the leading part of the full ones
    U2, S2, Vh2 = svd(A, full_matrices=False)
    k = min(shape)
    np.testing.assert_allclose(U[:, :k], U2, atol=100 * EPS * max(shape))
    np.testing.assert_allclose(Vh[:k], Vh2, atol=100 * EPS * max(shape))


@pytest.mark.parametrize("shape", [(1, 1), (8, 8), (100, 64), (64, 100), (300, 33)])
def test_svdvals_and_compute_uv_false(shape):
    A = gallery.random_matrix(*shape, seed=3)
    S1 = svdvals(A)
    S2 = svd(A, compute_uv=False)
    assert isinstance(S2, np.ndarray)
    _check_values(A, S1)
    _check_values(A, S2)
    S3 = svd(A).S
    assert np.max(np.abs(S1 - S3)) <= C * max(shape) * EPS * S3[0]


# ---------------------------------------------------------------------------
# Gallery: hard and rank-deficient cases
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("name", list(gallery.HARD_SQUARE))
@pytest.mark.parametrize("full", [False, True])
def test_hard_square(name, full):
    A = gallery.HARD_SQUARE[name]
    U, S, Vh = svd(A, full_matrices=full)
    _check_values(A, S)
    _check_invariants(A, U, S, Vh, full=full)
    _check_sign_convention(U, Vh)


@pytest.mark.parametrize("name", list(gallery.RANK_DEFICIENT))
@pytest.mark.parametrize("full", [False, True])
def test_rank_deficient(name, full):
    A = gallery.RANK_DEFICIENT[name]
    U, S, Vh = svd(A, full_matrices=full)
    _check_values(A, S)
    _check_invariants(A, U, S, Vh, full=full)
    _check_sign_convention(U, Vh)
    # the numerical rank matches numpy's
    tol = max(A.shape) * EPS * max(S.max(initial=0.0), 1e-300)
    assert int((S > tol).sum()) == np.linalg.matrix_rank(A)


@pytest.mark.parametrize("shape", [(1, 1), (4, 4), (9, 5), (5, 9), (60, 60)])
def test_zero_matrix(shape):
    A = np.zeros(shape)
    U, S, Vh = svd(A)
    assert np.all(S == 0)
    _check_invariants(A, U, S, Vh, full=True)
    _check_sign_convention(U, Vh)


def test_tiny_and_repeated_singular_values():
    # a matrix with exact repeated, tiny and zero singular values
    n = 40
    Q1 = gallery.random_orthogonal(n, seed=1)
    Q2 = gallery.random_orthogonal(n, seed=2)
    s = np.concatenate([np.full(10, 3.0), np.logspace(0, -15, 20), np.zeros(10)])
    A = (Q1 * s) @ Q2.T
    U, S, Vh = svd(A)
    _check_values(A, S)
    _check_invariants(A, U, S, Vh, full=True)


def test_scaling_extremes():
    A = gallery.random_matrix(20, 12, seed=5)
    for scale in (1e-300, 1e300):
        As = A * scale
        U, S, Vh = svd(As, full_matrices=False)
        assert np.all(np.isfinite(S))
        _check_values(As, S)
        _check_invariants(As, U, S, Vh, full=False)


# ---------------------------------------------------------------------------
# Hypothesis
# ---------------------------------------------------------------------------
@st.composite
def _matrices(draw):
    m = draw(st.integers(1, 12))
    n = draw(st.integers(1, 12))
    A = draw(arrays(np.float64, (m, n), elements=st.floats(-10, 10, allow_nan=False, allow_subnormal=False, width=64)))
    return A


@settings(max_examples=40, deadline=None)
@given(_matrices())
def test_hypothesis_matrices(A):
    U, S, Vh = svd(A)
    _check_values(A, S)
    _check_invariants(A, U, S, Vh, full=True)
    _check_sign_convention(U, Vh)


# ---------------------------------------------------------------------------
# dtype, empty, 1x1, bad input
# ---------------------------------------------------------------------------
def test_float32_stays_float32():
    A = gallery.random_matrix(30, 20, seed=2).astype(np.float32)
    U, S, Vh = svd(A)
    assert U.dtype == S.dtype == Vh.dtype == np.float32
    eps32 = float(np.finfo(np.float32).eps)
    _check_invariants(A.astype(np.float64), U.astype(np.float64), S.astype(np.float64),
                      Vh.astype(np.float64), full=True, eps=eps32)
    assert svdvals(A).dtype == np.float32


def test_int_promoted():
    U, S, Vh = svd([[2, 0], [0, 1]])
    assert S.dtype == np.float64
    np.testing.assert_allclose(S, [2.0, 1.0], rtol=4 * EPS)


@pytest.mark.parametrize("shape", [(0, 3), (3, 0), (0, 0)])
@pytest.mark.parametrize("full", [True, False])
def test_empty_like_numpy(shape, full):
    A = np.zeros(shape)
    ours = svd(A, full_matrices=full)
    ref = np.linalg.svd(A, full_matrices=full)
    for a, b in zip(ours, ref):
        assert a.shape == b.shape
        np.testing.assert_array_equal(a, b)
    assert svdvals(A).shape == (0,)


def test_one_by_one():
    U, S, Vh = svd([[-3.0]])
    np.testing.assert_array_equal(S, [3.0])
    np.testing.assert_array_equal(U, [[1.0]])
    np.testing.assert_array_equal(Vh, [[-1.0]])


def test_nan_raises():
    with pytest.raises(ValueError, match="NaN or infinity"):
        svd([[1.0, np.nan], [0.0, 1.0]])
    with pytest.raises(ValueError, match="NaN or infinity"):
        svdvals([[np.inf]])


def test_complex_raises():
    with pytest.raises(TypeError, match="complex"):
        svd(np.eye(2, dtype=complex))


def test_not_2d_raises():
    with pytest.raises(ValueError, match=r"2-D.*shape \(3,\)"):
        svd(np.ones(3))


def test_transpose_and_layout_consistent():
    A = gallery.random_matrix(37, 23, seed=12)
    S = svdvals(A)
    np.testing.assert_allclose(svdvals(A.T), S, rtol=0, atol=C * 37 * EPS * S[0])
    U, S1, Vh = svd(np.asfortranarray(A))
    U2, S2, Vh2 = svd(A)
    np.testing.assert_allclose(S1, S2, rtol=0, atol=C * 37 * EPS * S[0])
    # non-contiguous view
    B = gallery.random_matrix(80, 60, seed=13)[::2, ::2]
    U, S, Vh = svd(B)
    _check_invariants(B, U, S, Vh, full=True)


@pytest.mark.parametrize("shape,r", [((200, 40), 5), ((40, 200), 5), ((120, 100), 60)])
def test_rank_deficient_tall_wide(shape, r):
    # the tall ones go through the QR preprocessing
    A = gallery.rank_deficient(*shape, r, seed=21)
    U, S, Vh = svd(A)
    _check_values(A, S)
    _check_invariants(A, U, S, Vh, full=True)
    assert np.all(S[r:] <= C * max(shape) * EPS * S[0])


def test_float32_wide_and_tall():
    eps32 = float(np.finfo(np.float32).eps)
    for shape in [(20, 70), (90, 20)]:
        A = gallery.random_matrix(*shape, seed=8).astype(np.float32)
        U, S, Vh = svd(A, full_matrices=False)
        assert U.dtype == S.dtype == Vh.dtype == np.float32
        A64 = A.astype(np.float64)
        _check_invariants(A64, U.astype(np.float64), S.astype(np.float64), Vh.astype(np.float64),
                          full=False, eps=eps32)
        Sr = np.linalg.svd(A64, compute_uv=False)
        assert np.max(np.abs(S - Sr)) <= C * max(shape) * eps32 * Sr[0]


def test_input_not_modified():
    A = gallery.random_matrix(6, 4, seed=9)
    A0 = A.copy()
    svd(A)
    svd(A.T)
    np.testing.assert_array_equal(A, A0)


# ---------------------------------------------------------------------------
# Explain
# ---------------------------------------------------------------------------
def test_explain_small_shows_stages():
    A = np.array([[4.0, 0.0, 1.0], [3.0, -5.0, 2.0], [0.0, 1.0, 2.0], [1.0, 1.0, 1.0]])
    with explain() as work:
        U, S, Vh = svd(A)
    titles = [s.title for s in work.steps]
    assert "Upper bidiagonal B" in titles
    assert "Eigenpairs of the TGK matrix" in titles
    assert "Result" in titles
    bstep = work.steps[titles.index("Upper bidiagonal B")]
    B = bstep.values["B"]
    # B has the singular values of A and is upper bidiagonal
    assert np.allclose(np.triu(np.tril(B, 1)), B)
    np.testing.assert_allclose(np.linalg.svd(B, compute_uv=False),
                               np.linalg.svd(A, compute_uv=False), rtol=1e-13)
    res = work.steps[titles.index("Result")].values
    np.testing.assert_allclose(res["S"], np.linalg.svd(A, compute_uv=False), rtol=1e-13)
    np.testing.assert_array_equal(res["U"], U)
    tg = work.steps[titles.index("Eigenpairs of the TGK matrix")].values
    # the TGK matrix interleaves d and e and has eigenvalues +/- sigma
    np.testing.assert_array_equal(tg["offdiagonal"][0::2], np.diag(B))
    np.testing.assert_array_equal(tg["offdiagonal"][1::2], np.diag(B, 1))
    w = np.linalg.eigvalsh(tg["T_GK"])
    np.testing.assert_allclose(np.sort(np.abs(w))[::-1][::2], np.linalg.svd(A, compute_uv=False),
                               rtol=1e-13)
    # B V_B = U_B diag(S)
    np.testing.assert_allclose(B @ tg["V_B"], tg["U_B"] * tg["S"], atol=1e-13 * S[0])
    assert "TGK" in str(work)


def test_explain_large_shows_sizes():
    A = gallery.random_matrix(30, 20, seed=1)
    with explain() as work:
        svd(A)
    text = str(work)
    assert "30 x 20 -> 20 x 20 bidiagonal" in text
    assert "40 x 40" in text  # the TGK size
    assert "Back-transformation" in text


def test_explain_tall_shows_qr_stage():
    A = gallery.random_matrix(100, 20, seed=1)
    with explain() as work:
        svd(A)
    text = str(work)
    assert "100 x 20 -> R 20 x 20" in text
    assert "20 x 20 -> 20 x 20 bidiagonal" in text
    assert "U = Q [U_R 0; 0 I]" in text


@pytest.mark.parametrize("shape", [(4, 3), (3, 4), (50, 30), (30, 50), (130, 20)])
def test_bit_identical_with_recorder(shape):
    A = gallery.random_matrix(*shape, seed=4)
    U0, S0, V0 = svd(A)
    with explain():
        U1, S1, V1 = svd(A)
    assert np.array_equal(U0, U1) and np.array_equal(S0, S1) and np.array_equal(V0, V1)
    s0 = svdvals(A)
    with explain():
        s1 = svdvals(A)
    assert np.array_equal(s0, s1)
