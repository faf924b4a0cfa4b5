"""Tests for mathforml.linalg.eigen_general: hessenberg, eig, eigvals.

References: numpy.linalg.eig/eigvals and scipy.linalg.hessenberg.  Eigenvalues are
compared as multisets (greedy nearest matching) because the order of the real
Schur form differs from LAPACK's.  Bounds are LAPACK-style ``c n eps`` on
residuals; eigenvalue differences are bounded by ``c n eps ||A||`` divided by a
condition estimate where the problem is ill-conditioned (documented per test).
"""
from __future__ import annotations

import numpy as np
import pytest
import scipy.linalg as sla
from hypothesis import example, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from mathforml.exceptions import LinAlgError
from mathforml.explain import explain
from mathforml.linalg.eigen_general import EigResult, eig, eigvals, hessenberg
from tests.linalg import gallery

EPS = np.finfo(np.float64).eps
EPS32 = np.finfo(np.float32).eps


# ---------------------------------------------------------------------------
# helpers
# ---------------------------------------------------------------------------
def match_multiset(ours, ref):
    """Greedy nearest matching of two eigenvalue multisets; returns max |difference|.

    Reference values are visited in order of decreasing magnitude and each is
    paired with the nearest unused value of ``ours``.
    """
    ours = np.asarray(ours, dtype=complex)
    ref = np.asarray(ref, dtype=complex)
    assert ours.shape == ref.shape
    used = np.zeros(ours.shape[0], dtype=bool)
    worst = 0.0
    for r in ref[np.argsort(-np.abs(ref), kind="stable")]:
        d = np.abs(ours - r)
        d[used] = np.inf
        j = int(np.argmin(d))
        used[j] = True
        worst = max(worst, float(d[j]))
    return worst


def eig_condition_numbers(A):
    """Reference eigenvalues and their condition numbers kappa_i = 1 / |y_i^H x_i| (scipy)."""
    # kappa is scale-invariant; scale first (scipy's left/right driver misbehaves near overflow)
    nrm = np.abs(A).max() if A.size and np.abs(A).max() > 0 else 1.0
    lam, vl, vr = sla.eig(A / nrm, left=True, right=True)
    lam = lam * nrm
    with np.errstate(divide="ignore"):
        kappa = 1.0 / np.abs(np.sum(np.conj(vl) * vr, axis=0))
    return lam, kappa


def assert_eigvals_match(w, A, tol_factor=50.0, cond=1.0):
    """Each reference eigenvalue has one of ours within c n eps ||A||_2 kappa_i.

    ``kappa_i`` is the eigenvalue's condition number (first-order perturbation
    theory: a backward error E moves lambda_i by about kappa_i ||E||); ``cond`` is
    an extra factor for second-order effects on clustered eigenvalues.
    """
    n = A.shape[0]
    nrm = max(np.linalg.norm(A, 2), np.finfo(float).tiny)
    ref, kappa = eig_condition_numbers(A)
    ours = np.asarray(w, dtype=complex)
    used = np.zeros(n, dtype=bool)
    for i in np.argsort(-np.abs(ref), kind="stable"):
        d = np.abs(ours - ref[i])
        d[used] = np.inf
        j = int(np.argmin(d))
        used[j] = True
        tol = tol_factor * max(n, 1) * EPS * nrm * kappa[i] * cond
        assert d[j] <= tol, (ref[i], ours[j], d[j], tol)


def _unit_exponent(A) -> int:
    """k with 2^k max|a_ij| in [0.5, 1): scaling by 2^k (np.ldexp) is exact."""
    amax = float(np.max(np.abs(A), initial=0.0))
    if amax == 0.0 or not np.isfinite(amax):
        return 0
    return -int(np.frexp(amax)[1])


def _ldexp(x, k):
    x = np.asarray(x)
    if np.iscomplexobj(x):
        return np.ldexp(x.real, k) + 1j * np.ldexp(x.imag, k)
    return np.ldexp(x, k)


def residual(A, w, V):
    # eig is equivariant under exact power-of-two scaling (A s, w s, same V); evaluating the
    # residual on the scaled problem keeps the test's own arithmetic out of the subnormal
    # range, where a product of 2e-313 carries only ~35 bits (relative error ~1e-11)
    k = _unit_exponent(A)
    A, w = _ldexp(A, k), _ldexp(w, k)
    nA = np.linalg.norm(A, 1)
    nV = np.linalg.norm(V, 1)
    if nA == 0:
        return np.linalg.norm(A @ V - V * w, 1)
    return np.linalg.norm(A @ V - V * w, 1) / (nA * nV)


def balanced_residual(A, w, V):
    """Residual in the balanced coordinates: ||A_bal X - X diag(w)|| / (||A_bal|| ||X||).

    With balancing, ``A_bal = D^{-1} P^T A P D`` is what the QR algorithm sees,
    so the backward-error bound ``c n eps`` holds for ``X = D^{-1} P^T V`` (the
    residual measured in A's own norm can be large; numpy's is too, e.g. 5e-11
    for graded17).  Uses the library's private balancing to get P and D.
    """
    from mathforml.linalg import eigen_general as eg
    B = np.array(A, dtype=np.float64)
    ilo, ihi, perm, scale = eg._gebal(B)
    X = V[perm] / scale[:, None]
    return residual(B, w, X)


def check_eig(A, c=20.0, eps=EPS):
    w, V = eig(A)
    n = A.shape[0]
    assert w.shape == (n,) and V.shape == (n, n)
    assert residual(A, w, V) <= c * max(n, 1) * eps
    if eps == EPS and n:
        assert balanced_residual(A, w, V) <= c * n * eps
    # unit columns, largest entry real and positive
    assert np.allclose(np.linalg.norm(V, axis=0), 1.0, atol=10 * n * eps)
    idx = np.argmax(np.abs(V), axis=0)
    lead = V[idx, np.arange(n)]
    assert np.all(np.real(lead) > 0) and np.all(np.imag(lead) == 0)
    return w, V


def check_pairs(w):
    """Complex eigenvalues come in adjacent conjugate pairs, positive imaginary part first."""
    w = np.asarray(w)
    if not np.iscomplexobj(w):
        return
    j = 0
    while j < w.shape[0]:
        if w[j].imag != 0:
            assert w[j].imag > 0
            assert w[j + 1] == np.conj(w[j])
            j += 2
        else:
            j += 1


def rotation_blocks(thetas, radii, seed=0):
    """Q diag(rotation blocks) Q^T with known eigenvalues r e^{+-i theta}."""
    k = len(thetas)
    D = np.zeros((2 * k, 2 * k))
    for j, (t, r) in enumerate(zip(thetas, radii)):
        D[2 * j:2 * j + 2, 2 * j:2 * j + 2] = r * np.array([[np.cos(t), -np.sin(t)],
                                                           [np.sin(t), np.cos(t)]])
    Q = gallery.random_orthogonal(2 * k, seed=seed)
    w = np.concatenate([[r * np.exp(1j * t), r * np.exp(-1j * t)] for t, r in zip(thetas, radii)])
    return Q @ D @ Q.T, w


def companion(roots):
    """Companion matrix of prod (x - r) (first row = -coefficients)."""
    c = np.poly(roots).real
    n = len(roots)
    C = np.zeros((n, n))
    C[0, :] = -c[1:]
    C[1:, :-1] = np.eye(n - 1)
    return C


# ---------------------------------------------------------------------------
# hessenberg
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("n", gallery.SQUARE_SIZES)
def test_hessenberg_random(n):
    A = gallery.random_matrix(n, n, seed=n)
    H, Q = hessenberg(A, calc_q=True)
    assert np.all(np.tril(H, -2) == 0)
    nA = max(np.linalg.norm(A), 1.0)
    assert np.linalg.norm(Q @ H @ Q.T - A) <= 20 * n * EPS * nA
    assert np.linalg.norm(Q.T @ Q - np.eye(n)) <= 20 * n * EPS
    # Hessenberg reduction is unique up to signs once the first column of Q is e_1
    Hs, Qs = sla.hessenberg(A, calc_q=True)
    assert np.allclose(np.abs(H), np.abs(Hs), atol=100 * n * EPS * nA)
    assert np.array_equal(hessenberg(A), H)


def test_hessenberg_blocked_matches_unblocked(monkeypatch):
    from mathforml.linalg import eigen_general as eg
    A = gallery.random_matrix(150, 150, seed=3)
    H1, Q1 = hessenberg(A, calc_q=True)
    monkeypatch.setattr(eg, "_BLOCK_MIN_N", 10 ** 9)
    H2, Q2 = hessenberg(A, calc_q=True)
    assert np.allclose(H1, H2, atol=1e3 * EPS * np.linalg.norm(A))
    assert np.allclose(Q1, Q2, atol=1e3 * EPS)


def test_hessenberg_float32_and_small():
    A = gallery.random_matrix(6, 6, seed=1).astype(np.float32)
    H, Q = hessenberg(A, calc_q=True)
    assert H.dtype == np.float32 and Q.dtype == np.float32
    assert np.linalg.norm(Q @ H @ Q.T - A) <= 50 * 6 * EPS32 * np.linalg.norm(A)
    assert hessenberg(np.zeros((0, 0))).shape == (0, 0)
    H, Q = hessenberg([[5]], calc_q=True)
    assert H.tolist() == [[5.0]] and Q.tolist() == [[1.0]]


# ---------------------------------------------------------------------------
# eigenvalues vs numpy
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("n", [s for s in gallery.SQUARE_SIZES if s <= 129])
def test_eig_random(n):
    A = gallery.random_matrix(n, n, seed=100 + n)
    w, V = check_eig(A)
    check_pairs(w)
    # random nonsymmetric eigenvalues are moderately conditioned; allow a factor 100
    assert_eigvals_match(w, A)
    w2 = eigvals(A)
    assert_eigvals_match(w2, A)
    assert np.iscomplexobj(w) == np.iscomplexobj(np.linalg.eigvals(A))


def test_eigvals_300():
    A = gallery.random_matrix(300, 300, seed=7)
    w = eigvals(A)
    check_pairs(w)
    assert_eigvals_match(w, A, cond=100.0)


def test_eig_result_type():
    res = eig(np.diag([1.0, 2.0]))
    assert isinstance(res, EigResult)
    assert res.eigenvalues is res[0] and res.eigenvectors is res[1]


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_complex_pairs_rotation_blocks(seed):
    rng = np.random.default_rng(seed)
    thetas = rng.uniform(0.2, 3.0, 5)
    radii = rng.uniform(0.5, 3.0, 5)
    A, wtrue = rotation_blocks(thetas, radii, seed=seed)
    w, V = check_eig(A)
    assert np.iscomplexobj(w) and np.iscomplexobj(V)
    check_pairs(w)
    # A is normal: eigenvalues perfectly conditioned
    assert match_multiset(w, wtrue) <= 50 * 10 * EPS * np.linalg.norm(A, 2)
    # eigenvectors of conjugate pairs are conjugate
    for j in range(0, 10, 2):
        assert np.array_equal(V[:, j + 1], np.conj(V[:, j]))


def test_mixed_real_and_complex():
    A = np.array([[1.0, 2.0, 0.0], [-2.0, 1.0, 0.0], [0.0, 0.0, 3.0]])
    w, V = check_eig(A)
    assert match_multiset(w, [1 + 2j, 1 - 2j, 3.0]) <= 10 * EPS * 3


@pytest.mark.parametrize("n", [4, 8])
def test_defective_jordan(n):
    # Jordan block J_n(2) hidden by an orthogonal similarity.  Eigenvalues of an
    # n x n Jordan block perturbed by delta move by delta^(1/n), so the bound is
    # (c eps ||A||)^(1/n): for n = 4 about 1e-3, n = 8 about 1e-2 relative.
    J = 2.0 * np.eye(n) + np.eye(n, k=1)
    Q = gallery.random_orthogonal(n, seed=n)
    A = Q @ J @ Q.T
    w = eigvals(A)
    tol = (50 * n * EPS * np.linalg.norm(A, 2)) ** (1.0 / n) * 2.0
    assert np.max(np.abs(w - 2.0)) <= tol
    # the mean of a cluster is well-conditioned
    assert abs(np.mean(w) - 2.0) <= 100 * n * EPS * np.linalg.norm(A, 2)
    w, V = eig(A)
    assert residual(A, w, V) <= 50 * n * EPS


def test_frank_matrix_large_eigenvalues():
    A = gallery.frank(12)
    w = np.sort(np.real(eigvals(A)))[::-1]
    ref = np.sort(np.real(np.linalg.eigvals(A)))[::-1]
    # the six largest eigenvalues of Frank(12) are well-conditioned; the small
    # ones are not (their condition numbers grow like 1e8), so compare only these
    assert np.allclose(w[:6], ref[:6], rtol=1e-11, atol=0)
    # product of the eigenvalues equals det = 1 only loosely; check the sum = trace
    assert abs(np.sum(eigvals(A)).real - np.trace(A)) <= 100 * EPS * np.abs(A).sum()
    w, V = eig(A)
    assert residual(A, w, V) <= 50 * 12 * EPS


@pytest.mark.parametrize("roots", [
    [1.0, 2.0, 3.0, 4.0],
    [-1.0, 0.5, 2.5, 7.0, 10.0],
    [1 + 1j, 1 - 1j, 3.0],
    [2j, -2j, 1 + 0.5j, 1 - 0.5j, -3.0],
])
def test_companion_known_roots(roots):
    C = companion(roots)
    w = eigvals(C)
    # polynomial roots are conditioned by the coefficient growth; bound relative to
    # the numpy reference error on the same matrix (both use backward-stable QR)
    ref_err = match_multiset(np.linalg.eigvals(C), roots)
    err = match_multiset(w, roots)
    assert err <= max(100 * ref_err, 1e3 * len(roots) * EPS * np.abs(roots).max())
    check_eig(C, c=50.0)


@pytest.mark.parametrize("n", [5, 33, 64])
def test_symmetric_all_real(n):
    A = gallery.random_symmetric(n, seed=n)
    w, V = check_eig(A)
    assert not np.iscomplexobj(w) and not np.iscomplexobj(V)
    ref = np.linalg.eigvalsh(A)
    assert np.allclose(np.sort(w), ref, atol=50 * n * EPS * np.linalg.norm(A, 2), rtol=0)


@pytest.mark.parametrize("n", [1, 6, 40])
def test_triangular_eigenvalues_on_diagonal(n):
    rng = np.random.default_rng(n)
    A = np.triu(rng.standard_normal((n, n)))
    w, V = check_eig(A)
    assert not np.iscomplexobj(w)
    # eigenvalues of a triangular matrix are its diagonal: already Hessenberg with
    # zero subdiagonal, so they are read off exactly
    assert np.array_equal(np.sort(w), np.sort(np.diag(A)))
    L = A.T
    # the lower triangular matrix is far from normal: its eigenvalues carry
    # condition numbers up to ~1e10.  Balancing's permutation makes it upper
    # triangular, so the diagonal is read off exactly (as numpy does); without
    # balancing the bound has to scale with the condition numbers
    assert_eigvals_match(eigvals(L, balance=False), L)
    assert np.array_equal(np.sort(eigvals(L)), np.sort(np.diag(L)))
    wL, VL = check_eig(L)
    assert np.array_equal(np.sort(wL), np.sort(np.diag(L)))


def test_zero_and_identity():
    for n in [1, 4, 9]:
        w, V = eig(np.zeros((n, n)))
        assert np.array_equal(w, np.zeros(n)) and np.array_equal(V, np.eye(n))
        w, V = eig(np.eye(n))
        assert np.array_equal(w, np.ones(n)) and np.array_equal(V, np.eye(n))
        assert np.array_equal(eigvals(3 * np.eye(n)), 3 * np.ones(n))


@pytest.mark.parametrize("name", sorted(gallery.HARD_SQUARE))
def test_gallery_hard_square(name):
    A = gallery.HARD_SQUARE[name]
    n = A.shape[0]
    # without balancing the residual is small relative to ||A|| itself ...
    w, V = eig(A, balance=False)
    assert residual(A, w, V) <= 100 * n * EPS
    # ... with balancing (the default) relative to the balanced matrix
    w, V = eig(A)
    assert balanced_residual(A, w, V) <= 100 * n * EPS
    assert abs(np.sum(w) - np.trace(A)) <= 1e3 * n * EPS * np.abs(A).sum()
    if name in ("graded17", "kahan30", "frank12", "pascal8"):
        # ill-conditioned eigenvalues: with balancing each one is within
        # 50 n eps ||A|| kappa_i of the reference (measured worst: 0.6 of n eps ||A|| kappa_i)
        assert_eigvals_match(w, A)
        assert_eigvals_match(eigvals(A), A)
    else:
        assert_eigvals_match(w, A, cond=100.0)
    if name == "kahan30":
        # upper triangular: the diagonal exactly, as numpy
        assert np.array_equal(np.sort(w.real), np.sort(np.diag(A)))


def test_repeated_complex_pairs():
    # the same rotation block twice: double complex pair
    A, wtrue = rotation_blocks([1.0, 1.0, 0.5], [2.0, 2.0, 1.0], seed=4)
    w, V = check_eig(A)
    assert match_multiset(w, wtrue) <= 1e-7  # double eigenvalue of a normal matrix: still fine
    assert match_multiset(w, wtrue) <= 100 * 6 * EPS * 2.0


def test_subnormal_entries_scaled():
    A = np.full((3, 3), 2.0 ** -1040)          # subnormal: eigenvalues 3 * 2^-1040, 0, 0
    w, V = eig(A)
    # residual evaluated after exact rescaling (subnormal arithmetic in the check itself
    # would lose the digits)
    As, ws = np.ldexp(A, 1040), np.ldexp(w, 1040)
    assert residual(As, ws, V) <= 20 * 3 * EPS
    assert np.allclose(np.sort(w), [0.0, 0.0, 3 * 2.0 ** -1040], atol=2.0 ** -1070, rtol=0)


def test_graded_scaling_no_overflow():
    rng = np.random.default_rng(5)
    A = rng.standard_normal((20, 20)) * 1e150
    w, V = check_eig(A)
    assert_eigvals_match(w, A, cond=100.0)
    A = rng.standard_normal((20, 20)) * 1e-150
    w, V = check_eig(A)
    assert_eigvals_match(w, A, cond=100.0)


@settings(max_examples=30, deadline=None)
@given(arrays(np.float64, st.tuples(st.integers(1, 12)).map(lambda t: (t[0], t[0])),
              elements=st.floats(-10, 10, allow_nan=False, width=64)))
@example(A=np.full((4, 4), 2.22507386e-313))  # subnormal entries: found by Hypothesis
# a 1 among 3e-276 entries: the bulge-start test underflowed and split a 2x2 block (found
# by Hypothesis; the Schur form was off by 0.6)
@example(A=np.where(np.eye(4, k=-1) * [1, 0, 0, 0] != 0, 1.0, 2.88908818e-276))
def test_hypothesis_residual(A):
    n = A.shape[0]
    w, V = eig(A, balance=False)
    # residual bound holds even for defective/ill-conditioned matrices (backward stability
    # of the Schur form; trevc perturbs tiny pivots by eps |lambda|)
    assert residual(A, w, V) <= 100 * n * EPS
    check_pairs(w)
    # balanced (default): the same bound in the balanced coordinates (in A's own norm
    # it can fail, for numpy too: e.g. 1e-161 entries around two units give 0.1)
    w, V = eig(A)
    assert balanced_residual(A, w, V) <= 100 * n * EPS
    check_pairs(w)
    ws = eigvals(A)
    assert ws.shape == (n,)
    assert abs(np.sum(ws) - np.trace(A)) <= 1e3 * n * EPS * max(np.abs(A).sum(), 1e-300)


# ---------------------------------------------------------------------------
# dtypes and edge cases
# ---------------------------------------------------------------------------
def test_float32():
    A = gallery.random_matrix(12, 12, seed=2).astype(np.float32)
    w, V = eig(A)
    ref = np.linalg.eig(A)
    assert w.dtype == ref.eigenvalues.dtype and V.dtype == ref.eigenvectors.dtype
    assert w.dtype == np.complex64
    assert residual(A.astype(np.float64), w.astype(complex), V.astype(complex)) <= 50 * 12 * EPS32
    assert eigvals(A).dtype == np.complex64
    S = gallery.random_symmetric(6, seed=1).astype(np.float32)
    assert eig(S).eigenvalues.dtype == np.float32 and eigvals(S).dtype == np.float32


def test_integer_input_promoted():
    w = eigvals([[2, 0], [0, 3]])
    assert w.dtype == np.float64 and sorted(w.tolist()) == [2.0, 3.0]


def test_empty_and_1x1_like_numpy():
    for f, g in [(eig, np.linalg.eig)]:
        ours, ref = f(np.zeros((0, 0))), g(np.zeros((0, 0)))
        assert ours[0].shape == ref[0].shape and ours[1].shape == ref[1].shape
        assert ours[0].dtype == ref[0].dtype
    assert eigvals(np.zeros((0, 0))).shape == np.linalg.eigvals(np.zeros((0, 0))).shape
    w, V = eig([[-4.5]])
    assert w.tolist() == [-4.5] and V.tolist() == [[1.0]]
    assert eigvals([[7.0]]).tolist() == [7.0]


def test_bad_input():
    with pytest.raises(ValueError, match=r"square.*\(2, 3\)"):
        eig(np.ones((2, 3)))
    with pytest.raises(ValueError, match=r"square.*\(3, 1\)"):
        eigvals(np.ones((3, 1)))
    with pytest.raises(ValueError, match=r"square.*\(4, 2\)"):
        hessenberg(np.ones((4, 2)))
    with pytest.raises(ValueError, match="NaN or infinity"):
        eig([[1.0, np.nan], [0.0, 1.0]])
    with pytest.raises(ValueError, match="NaN or infinity"):
        eigvals([[1.0, np.inf], [0.0, 1.0]])
    with pytest.raises(TypeError, match="complex"):
        eig(np.eye(2) * 1j)
    with pytest.raises(ValueError, match="2-D"):
        eigvals(np.ones(3))


def test_nonconvergence_names_index(monkeypatch):
    from mathforml.linalg import eigen_general as eg
    # with no iterations allowed, any matrix needing a QR sweep must fail
    monkeypatch.setattr(eg, "_ITMAX_FACTOR", 0)
    with pytest.raises(LinAlgError, match=r"failed to converge for eigenvalue index \d+"):
        eg.eigvals(gallery.random_matrix(6, 6, seed=0))


# ---------------------------------------------------------------------------
# explain
# ---------------------------------------------------------------------------
def test_explain_small():
    A = np.array([[4.0, 1.0, 2.0], [0.5, 3.0, 1.0], [1.0, -1.0, 2.0]])
    with explain() as work:
        w, V = eig(A)
    titles = [s.title for s in work.steps]
    assert "Upper Hessenberg form" in titles
    H = next(s for s in work.steps if s.title == "Upper Hessenberg form").values["H"]
    assert np.all(np.tril(H, -2) == 0)
    assert np.allclose(np.sort_complex(np.linalg.eigvals(H)), np.sort_complex(np.linalg.eigvals(A)))
    T = next(s for s in work.steps if s.title == "Real Schur form").values["T"]
    Z = next(s for s in work.steps if s.title == "Real Schur form").values["Z"]
    assert np.allclose(Z @ T @ Z.T, A)
    assert np.all(np.tril(T, -2) == 0)
    defl = [s for s in work.steps if s.title.startswith("Deflation")]
    assert sum(len(s.values["eigenvalues"]) for s in defl) == 3
    qr = next(s for s in work.steps if s.title == "QR iterations")
    assert qr.values["sweeps"] == sum(s.values["sweeps"] for s in defl)
    assert all(s.values["shifts"].shape == (2 * s.values["sweeps"],) for s in defl)
    ev = next(s for s in work.steps if s.title == "Eigenvalues").values["eigenvalues"]
    assert np.array_equal(ev, w)
    text = str(work)
    assert "Francis double-shift QR" in text


def test_explain_large_is_summary():
    A = gallery.random_matrix(40, 40, seed=1)
    with explain() as work:
        eig(A)
    titles = [s.title for s in work.steps]
    assert "Upper Hessenberg form (summary)" in titles
    assert "Real Schur form (summary)" in titles
    assert "Upper Hessenberg form" not in titles


def assert_same_with_recorder(A):
    """eig and eigvals give bit-identical results with and without a recorder."""
    w1, V1 = eig(A)
    with explain():
        w2, V2 = eig(A)
    assert np.array_equal(w1, w2) and np.array_equal(V1, V2)
    e1 = eigvals(A)
    with explain():
        e2 = eigvals(A)
    assert np.array_equal(e1, e2)


@pytest.mark.parametrize("n", [3, 8, 40, 130])
def test_bit_identical_with_recorder(n):
    A = gallery.random_matrix(n, n, seed=n)
    assert_same_with_recorder(A)
    H1 = hessenberg(A, calc_q=True)
    with explain():
        H2 = hessenberg(A, calc_q=True)
    assert np.array_equal(H1[0], H2[0]) and np.array_equal(H1[1], H2[1])


def test_explain_hessenberg_reflectors():
    A = np.array([[1.0, 2.0, 3.0, 4.0], [2.0, 1.0, 0.0, 1.0], [3.0, 1.0, 2.0, 0.0],
                  [1.0, 1.0, 1.0, 1.0]])
    with explain() as work:
        H = hessenberg(A)
    refl = [s for s in work.steps if s.title.startswith("Reflector")]
    assert len(refl) == 2
    # first reflector maps A[1:, 0] = [2, 3, 1] to beta e_1 with |beta| = sqrt(14)
    assert abs(abs(refl[0].values["beta"]) - np.sqrt(14.0)) <= 10 * EPS
    assert np.array_equal(refl[-1].values["H"], H)


# ---------------------------------------------------------------------------
# balancing
# ---------------------------------------------------------------------------
def _permuted_block_triangular(n1, nb, n3, seed):
    """P^T [[T11, X, Y], [0, B, W], [0, 0, T33]] P with triangular T11, T33 and a random P."""
    rng = np.random.default_rng(seed)
    n = n1 + nb + n3
    M = np.triu(rng.standard_normal((n, n)))
    M[n1:n1 + nb, n1:n1 + nb] = rng.standard_normal((nb, nb))
    p = rng.permutation(n)
    return M[np.ix_(p, p)], np.diag(M)[np.r_[0:n1, n1 + nb:n]]


@pytest.mark.parametrize("n1,nb,n3,seed", [(3, 5, 4, 0), (0, 6, 7, 1), (8, 2, 0, 2), (10, 30, 15, 3)])
def test_balance_block_triangular(n1, nb, n3, seed):
    from mathforml.linalg import eigen_general as eg
    A, isolated = _permuted_block_triangular(n1, nb, n3, seed)
    B = A.copy()
    ilo, ihi, perm, scale = eg._gebal(B)
    # the permutation isolates (at least) the triangular parts
    assert ihi - ilo + 1 <= max(nb, 1)
    # A_bal = D^{-1} P^T A P D holds exactly (powers of 2)
    assert np.array_equal(B, A[np.ix_(perm, perm)] * scale[None, :] / scale[:, None])
    assert np.all(np.tril(B[:, :ilo], -1) == 0) and np.all(np.tril(B[ihi + 1:, :], ihi) == 0)
    assert np.array_equal(np.sort(np.log2(scale)), np.sort(np.round(np.log2(scale))))
    for w in (eigvals(A), eig(A).eigenvalues):
        # every isolated diagonal entry is an eigenvalue exactly
        wl = list(np.asarray(w, dtype=complex))
        for d in isolated:
            wl.remove(d)
        assert_eigvals_match(w, A)
    check_eig(A)


@pytest.mark.parametrize("n", [2, 7, 40])
def test_balance_lower_triangular_exact(n):
    L = np.tril(np.random.default_rng(n).standard_normal((n, n)))
    assert np.array_equal(np.sort(eigvals(L)), np.sort(np.diag(L)))
    w, V = eig(L)
    assert np.array_equal(np.sort(w), np.sort(np.diag(L)))
    ref = np.linalg.eigvals(L)
    assert match_multiset(w, ref) == 0.0          # numpy reads the diagonal exactly too
    assert balanced_residual(L, w, V) <= 20 * n * EPS


@pytest.mark.parametrize("n,spread,seed", [(8, 20, 0), (20, 40, 1), (60, 30, 2)])
def test_balance_badly_scaled(n, spread, seed):
    # D A D^{-1} with D = diag(2^k) has the spectrum of A; balancing undoes D (up to
    # a power-of-2 similarity), so the eigenvalues are as accurate as for A itself
    rng = np.random.default_rng(seed)
    A = rng.standard_normal((n, n))
    k = rng.integers(-spread, spread + 1, n)
    d = np.ldexp(1.0, k)
    S = A * d[:, None] / d[None, :]
    w = eigvals(S)
    assert_eigvals_match(w, A)                     # bound uses ||A||, not ||S|| (up to 2^80 larger)
    w2, V = eig(S)
    assert_eigvals_match(w2, A)
    assert balanced_residual(S, w2, V) <= 20 * n * EPS
    # and numpy (which balances as well) agrees to the same accuracy
    assert match_multiset(w, np.linalg.eigvals(S)) <= 2 * 50 * n * EPS * np.linalg.norm(A, 2) * \
        np.max(eig_condition_numbers(A)[1])
    # without balancing the error would scale with ||S||, not ||A||
    assert np.linalg.norm(S, 2) > 1e4 * np.linalg.norm(A, 2)


def test_balance_explained_small():
    # Worked by hand.  Row 2 has no off-diagonal nonzero: eigenvalue 5 is isolated
    # by swapping indices 2 and 3 (perm = [0, 1, 3, 2]); then column 0 has none in
    # the window: eigenvalue 1 isolated at the top, so (ilo, ihi) = (1, 2).  The
    # window [[2, 64], [1/64, 3]]: LAPACK's 2-norms include the diagonal.  Index 1:
    # c = |(2, 1/64)| ~ 2, r = |(2, 64)| ~ 64.03; doubling f while c f < r / (2 f)
    # stops at f = 8 (c = 16, r = 8.004), and 24 < 0.95 * 66 so it is applied: the
    # window becomes [[2, 8], [1/8, 3]].  Index 2: c = |(8, 3)| = 8.54, r = 3.003
    # gives f = 1/2 (4.27 + 6.005 < 0.95 * 11.54): [[2, 4], [1/4, 3]].  A second
    # sweep changes nothing (index 1: 4.03 + 2.24 >= 0.95 * (2.02 + 4.47)).
    A = np.array([[1.0, 3.0, 2.0, 4.0],
                  [0.0, 2.0, 1.0, 64.0],
                  [0.0, 0.0, 5.0, 0.0],
                  [0.0, 1.0 / 64, 7.0, 3.0]])
    with explain() as work:
        w, V = eig(A)
    st_ = next(s for s in work.steps if s.title.startswith("Balance"))
    assert (st_.values["ilo"], st_.values["ihi"]) == (1, 2)
    assert st_.values["permutation"].tolist() == [0, 1, 3, 2]
    assert st_.values["scaling"].tolist() == [1.0, 8.0, 0.5, 1.0]
    assert st_.values["isolated"] == 2
    Abal = st_.values["A_bal"]
    assert Abal[1:3, 1:3].tolist() == [[2.0, 4.0], [0.25, 3.0]]
    assert Abal[0, 0] == 1.0 and Abal[3, 3] == 5.0 and np.all(np.tril(Abal, -1)[:, [0]] == 0)
    assert 5.0 in w.tolist() and 1.0 in w.tolist()
    ref = np.array([1.0, 5.0, (5 + np.sqrt(5)) / 2, (5 - np.sqrt(5)) / 2])
    assert match_multiset(w, ref) <= 4 * EPS * 5
    assert residual(A, w, V) <= 20 * 4 * EPS


@pytest.mark.parametrize("make", ["graded", "blocktri", "scaled"])
def test_bit_identical_with_recorder_balanced(make):
    if make == "graded":
        A = gallery.graded(17)
    elif make == "blocktri":
        A = _permuted_block_triangular(5, 20, 6, 9)[0]
    else:
        rng = np.random.default_rng(3)
        d = np.ldexp(1.0, rng.integers(-30, 30, 50))
        A = rng.standard_normal((50, 50)) * d[:, None] / d[None, :]
    assert_same_with_recorder(A)


# ---------------------------------------------------------------------------
# multishift sweeps (many bulges chased together; used by eig for large windows)
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("n,kind", [(200, "random"), (150, "pairs"), (120, "symmetric")])
def test_multishift_large(n, kind):
    from mathforml.linalg import eigen_general as eg
    rng = np.random.default_rng(n)
    if kind == "random":
        A = rng.standard_normal((n, n))
    elif kind == "pairs":
        # many complex conjugate pairs: rotation blocks under a random similarity
        A, _ = rotation_blocks(rng.uniform(0.1, 3.0, n // 2), rng.uniform(0.5, 2.0, n // 2), seed=n)
    else:
        A = gallery.random_symmetric(n, seed=n)
    assert n >= eg._MS_NMIN
    w, V = check_eig(A)
    check_pairs(w)
    assert_eigvals_match(w, A, cond=10.0)
    assert residual(A, w, V) <= 20 * n * EPS
    # the same eigenvalues as the one-bulge-at-a-time path
    assert_eigvals_match(eigvals(A), A, cond=10.0)


def test_householder3_batch():
    from mathforml.linalg import eigen_general as eg
    rng = np.random.default_rng(0)
    X = rng.standard_normal((7, 3))
    X[2, 1:] = 0.0                                  # nothing to annihilate
    X[3, 0] = -X[3, 0]
    tau, V, beta = eg._householder3_batch(X, eg._guard(np.float64))
    assert tau[2] == 0.0 and beta[2] == X[2, 0]
    for j in range(7):
        Pj = np.eye(3) - tau[j] * np.outer(V[j], V[j])
        assert np.allclose(Pj @ X[j], [beta[j], 0, 0], atol=10 * EPS * np.abs(X[j]).max(), rtol=0)
        assert np.allclose(Pj @ Pj.T, np.eye(3), atol=10 * EPS)
        assert V[j, 0] == 1.0


def test_multishift_bit_identical_with_recorder():
    A = gallery.random_matrix(90, 90, seed=11)
    w1, V1 = eig(A)
    with explain():
        w2, V2 = eig(A)
    assert np.array_equal(w1, w2) and np.array_equal(V1, V2)
