"""Tests of eigh / eigvalsh and the power / inverse iterations."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mathforml.exceptions import ConvergenceWarning
from mathforml.explain import explain
from mathforml.linalg.eigen import (EighResult, eigh, eigvalsh, inverse_iteration,
                                    power_iteration)
from tests.linalg import gallery

EPS = np.finfo(np.float64).eps
C = 20.0


def _check_eigh(A, c=C, eps=EPS, UPLO="L"):
    A = np.asarray(A)
    n = A.shape[0]
    S = np.tril(A) + np.tril(A, -1).T if UPLO == "L" else np.triu(A) + np.triu(A, 1).T
    res = eigh(A, UPLO=UPLO)
    assert isinstance(res, EighResult)
    w, V = res
    w_ref = np.linalg.eigvalsh(S.astype(np.float64))
    normA = max(np.linalg.norm(S.astype(np.float64), 2), np.finfo(float).tiny)
    bound = c * max(n, 1) * eps
    assert np.all(np.diff(w) >= 0)
    assert np.max(np.abs(w - w_ref), initial=0) <= bound * normA
    assert np.linalg.norm(S @ V - V * w) <= bound * normA
    assert np.linalg.norm(V.T @ V - np.eye(n)) <= bound
    # sign convention: the largest-|.| entry of every column is positive
    if n:
        idx = np.argmax(np.abs(V), axis=0)
        assert np.all(V[idx, np.arange(n)] > 0)
    w2 = eigvalsh(A, UPLO=UPLO)
    assert np.max(np.abs(w2 - w_ref), initial=0) <= bound * normA
    return w, V, S


@pytest.mark.parametrize("n", gallery.SQUARE_SIZES)
def test_random_symmetric_against_numpy(n):
    A = gallery.random_symmetric(n, seed=n)
    w, V, S = _check_eigh(A)
    # eigenvectors equal numpy's up to sign where the eigenvalues are well separated
    w_ref, V_ref = np.linalg.eigh(S)
    gaps = np.diff(w_ref)
    gap = np.minimum(np.r_[np.inf, gaps], np.r_[gaps, np.inf])
    sep = gap > 1e-3 * np.linalg.norm(S, 2)
    signs = np.sign(np.sum(V * V_ref, axis=0))
    diff = np.abs(V - V_ref * signs)[:, sep]
    bound = C * n * EPS * np.linalg.norm(S, 2) / gap[sep]
    assert np.all(np.max(diff, axis=0, initial=0) <= bound)


@pytest.mark.parametrize("n", [31, 32, 33, 63, 64, 65, 97])
def test_panel_edges(n):
    _check_eigh(gallery.random_symmetric(n, seed=100 + n))


@pytest.mark.parametrize("name", sorted(gallery.HARD_SYMMETRIC))
def test_hard_symmetric(name):
    _check_eigh(gallery.HARD_SYMMETRIC[name])


def test_known_spectra():
    w, V = eigh(gallery.repeated_eigenvalues(12))
    np.testing.assert_allclose(w, [1.0] * 6 + [2.0] * 6, rtol=0, atol=C * 12 * EPS * 2)
    w = eigvalsh(gallery.symmetric_with_eigenvalues(np.arange(1.0, 41.0), seed=4))
    np.testing.assert_allclose(w, np.arange(1.0, 41.0), rtol=0, atol=C * 40 * EPS * 40)
    w, V = eigh(np.eye(5) * 3.0)
    np.testing.assert_array_equal(w, np.full(5, 3.0))
    np.testing.assert_array_equal(V, np.eye(5))


def test_wilkinson_pairs_kept_apart():
    w, V, _ = _check_eigh(gallery.wilkinson(21))
    assert abs(w[-1] - w[-2]) < 1e-12
    assert abs(V[:, -1] @ V[:, -2]) <= C * 21 * EPS


def test_graded_and_spd():
    _check_eigh(gallery.graded(17) @ gallery.graded(17).T)
    _check_eigh(gallery.random_spd(50, seed=2))
    _check_eigh(gallery.hilbert(12))


def test_uplo_reads_only_one_triangle():
    A = gallery.random_symmetric(20, seed=9)
    junk_upper = A + np.triu(np.full((20, 20), 7.0), 1)
    junk_lower = A + np.tril(np.full((20, 20), -5.0), -1)
    wL, VL = eigh(junk_upper, UPLO="L")
    wU, VU = eigh(junk_lower, UPLO="U")
    w, V = eigh(A)
    np.testing.assert_array_equal(wL, w)
    np.testing.assert_array_equal(VL, V)
    np.testing.assert_allclose(wU, w, rtol=0, atol=C * 20 * EPS * np.linalg.norm(A, 2))
    _check_eigh(junk_lower, UPLO="U")
    np.testing.assert_allclose(eigvalsh(junk_upper), np.linalg.eigvalsh(junk_upper),
                               rtol=0, atol=C * 20 * EPS * np.linalg.norm(A, 2))


@pytest.mark.parametrize("scale", [1e-300, 1e-160, 1e160, 1e300])
def test_extreme_scaling(scale):
    A = gallery.random_symmetric(40, seed=12)
    w, V = eigh(A * scale)
    w0 = np.linalg.eigvalsh(A)
    bound = C * 40 * EPS * np.linalg.norm(A, 2)
    assert np.all(np.isfinite(w)) and np.all(np.isfinite(V))
    assert np.max(np.abs(w / scale - w0)) <= bound
    assert np.linalg.norm((A @ V - V * (w / scale))) <= bound
    assert np.max(np.abs(eigvalsh(A * scale) / scale - w0)) <= bound


def test_larger_matrix():
    _check_eigh(gallery.random_symmetric(400, seed=1))


def test_low_rank_and_clustered_large():
    G = gallery.random_matrix(200, 5, seed=3)
    _check_eigh(G @ G.T)  # 195 zero eigenvalues
    _check_eigh(gallery.symmetric_with_eigenvalues(1.0 + 1e-12 * np.arange(150), seed=6))


@settings(max_examples=30, deadline=None)
@given(st.integers(1, 40), st.integers(0, 2**32 - 1))
def test_hypothesis(n, seed):
    g = np.random.default_rng(seed)
    A = np.round(g.standard_normal((n, n)), 1)
    _check_eigh(A + A.T)


def test_empty_and_1x1():
    w, V = eigh(np.zeros((0, 0)))
    w_ref, V_ref = np.linalg.eigh(np.zeros((0, 0)))
    assert w.shape == w_ref.shape and V.shape == V_ref.shape
    assert eigvalsh(np.zeros((0, 0))).shape == (0,)
    w, V = eigh([[-4.0]])
    assert w.tolist() == [-4.0] and V.tolist() == [[1.0]]


def test_dtypes():
    A = gallery.random_symmetric(30, seed=5)
    w, V = eigh(A.astype(np.float32))
    assert w.dtype == np.float32 and V.dtype == np.float32
    assert eigvalsh(A.astype(np.float32)).dtype == np.float32
    _check_eigh(A.astype(np.float32), eps=np.finfo(np.float32).eps)
    Ai = np.array([[2, 1], [1, 2]])
    w, V = eigh(Ai)
    assert w.dtype == np.float64
    np.testing.assert_allclose(w, [1.0, 3.0], rtol=0, atol=4 * EPS)


def test_bad_input():
    with pytest.raises(ValueError, match=r"square.*\(2, 3\)"):
        eigh(np.ones((2, 3)))
    with pytest.raises(ValueError, match=r"square.*\(3, 2\)"):
        eigvalsh(np.ones((3, 2)))
    with pytest.raises(ValueError, match="NaN"):
        eigh([[1.0, np.nan], [np.nan, 1.0]])
    with pytest.raises(TypeError, match="complex"):
        eigh(np.eye(2, dtype=complex))
    with pytest.raises(ValueError, match="UPLO"):
        eigh(np.eye(2), UPLO="X")
    with pytest.raises(ValueError, match="2-D"):
        eigh(np.ones(3))


def test_explain_small_and_bit_identical():
    A = gallery.random_symmetric(5, seed=1)
    w0, V0 = eigh(A)
    with explain() as work:
        w1, V1 = eigh(A)
    assert np.array_equal(w0, w1) and np.array_equal(V0, V1)
    titles = [s.title for s in work.steps]
    assert any("tridiagonalisation" in t for t in titles)
    st1 = next(s for s in work.steps if s.title.startswith("Stage 1"))
    T = st1.values["T"]
    np.testing.assert_allclose(np.linalg.eigvalsh(T), np.linalg.eigvalsh(A), rtol=0,
                               atol=C * 5 * EPS * np.linalg.norm(A, 2))
    np.testing.assert_array_equal(np.diag(T), st1.values["d"])
    last = work.steps[-1]
    np.testing.assert_array_equal(last.values["eigenvalues"], w0)
    np.testing.assert_array_equal(last.values["eigenvectors"], V0)
    with explain() as work:
        wv = eigvalsh(A)
    assert np.array_equal(wv, eigvalsh(A))
    assert any("Stage 2" in s.title for s in work.steps)


def test_explain_large_shows_sizes_and_bit_identical():
    A = gallery.random_symmetric(70, seed=2)
    w0, V0 = eigh(A)
    with explain() as work:
        w1, V1 = eigh(A)
    assert np.array_equal(w0, w1) and np.array_equal(V0, V1)
    st1 = next(s for s in work.steps if s.title.startswith("Stage 1"))
    assert st1.values["n"] == 70 and st1.values["reflectors"] == 69


# ---------------------------------------------------------------------------
# power and inverse iteration
# ---------------------------------------------------------------------------
def test_power_iteration_dominant_pair():
    A = gallery.symmetric_with_eigenvalues([10.0, 3.0, 2.0, -1.0, 0.5], seed=3)
    res = power_iteration(A, random_state=0)
    assert res.converged
    assert abs(res.eigenvalue - 10.0) <= 1e-9 * 10
    w, V = np.linalg.eigh(A)
    v = V[:, -1] * np.sign(V[np.argmax(np.abs(V[:, -1])), -1])
    np.testing.assert_allclose(res.eigenvector, v, rtol=0, atol=1e-9)
    assert np.linalg.norm(A @ res.eigenvector - res.eigenvalue * res.eigenvector) \
        <= 1e-10 * np.linalg.norm(A)
    # negative dominant eigenvalue
    res = power_iteration(-A, random_state=1)
    assert res.converged and abs(res.eigenvalue + 10.0) <= 1e-9 * 10


def test_power_iteration_reproducible_and_x0():
    A = gallery.random_spd(20, seed=1)
    r1 = power_iteration(A, random_state=5)
    r2 = power_iteration(A, random_state=5)
    assert r1.n_iter == r2.n_iter and np.array_equal(r1.eigenvector, r2.eigenvector)
    r3 = power_iteration(A, x0=np.ones(20))
    assert abs(r3.eigenvalue - np.linalg.eigvalsh(A)[-1]) <= 1e-9 * np.linalg.norm(A)


def test_power_iteration_warns_without_dominant_eigenvalue():
    A = np.diag([1.0, -1.0, 0.5])
    with pytest.warns(ConvergenceWarning, match="did not converge"):
        res = power_iteration(A, x0=[1.0, 1.0, 1.0], max_iter=50)
    assert not res.converged and res.n_iter == 50


def test_inverse_iteration_nearest_pair():
    lam = np.array([1.0, 2.0, 4.0, 7.0, 11.0])
    A = gallery.symmetric_with_eigenvalues(lam, seed=8)
    w, V = np.linalg.eigh(A)
    for shift, k in [(0.0, 0), (3.7, 2), (6.0, 3), (100.0, 4)]:
        res = inverse_iteration(A, shift=shift, random_state=1)
        assert res.converged
        assert abs(res.eigenvalue - lam[k]) <= 1e-9 * 11
        v = V[:, k] * np.sign(V[np.argmax(np.abs(V[:, k])), k])
        np.testing.assert_allclose(res.eigenvector, v, rtol=0, atol=1e-8)


def test_inverse_iteration_shift_at_eigenvalue():
    A = np.diag([1.0, 2.0, 3.0])
    res = inverse_iteration(A, shift=2.0, x0=[1.0, 1.0, 1.0])
    assert res.converged and abs(res.eigenvalue - 2.0) <= 1e-12
    np.testing.assert_allclose(np.abs(res.eigenvector), [0.0, 1.0, 0.0], atol=1e-10)


def test_inverse_iteration_warns_when_tied():
    A = np.diag([1.0, 3.0, 10.0])
    with pytest.warns(ConvergenceWarning, match="did not converge"):
        res = inverse_iteration(A, shift=2.0, x0=[1.0, 1.0, 1.0], max_iter=30)
    assert not res.converged


def test_iteration_bad_input():
    with pytest.raises(ValueError, match=r"square.*\(2, 3\)"):
        power_iteration(np.ones((2, 3)))
    with pytest.raises(ValueError, match="length 2"):
        power_iteration(np.eye(2), x0=[1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match="nonzero"):
        inverse_iteration(np.eye(2), x0=[0.0, 0.0])
    with pytest.raises(ValueError, match="NaN"):
        power_iteration([[1.0, np.inf], [0.0, 1.0]])
    with pytest.raises(TypeError, match="complex"):
        inverse_iteration(np.eye(2, dtype=complex))
    with pytest.raises(ValueError, match="0, 0"):
        power_iteration(np.zeros((0, 0)))


def test_iteration_1x1_and_float32():
    res = power_iteration([[5.0]])
    assert res.eigenvalue == 5.0 and res.eigenvector.tolist() == [1.0] and res.converged
    A = gallery.random_spd(6, seed=0).astype(np.float32)
    res = power_iteration(A, tol=1e-5, random_state=0)
    assert res.eigenvector.dtype == np.float32 and res.converged


def test_power_iteration_explain():
    A = np.array([[2.0, 1.0], [1.0, 2.0]])
    r0 = power_iteration(A, x0=[1.0, 0.0])
    with explain() as work:
        r1 = power_iteration(A, x0=[1.0, 0.0])
    assert np.array_equal(r0.eigenvector, r1.eigenvector) and r0.eigenvalue == r1.eigenvalue
    its = [s for s in work.steps if s.title == "Iterate"]
    # first iterate: x = e1, Rayleigh quotient = A[0, 0] = 2, residual = ||A e1 - 2 e1|| = 1
    assert its[0].values["eigenvalue"] == 2.0 and its[0].values["residual"] == 1.0
    np.testing.assert_array_equal(its[0].values["x"], [1.0, 0.0])
    assert abs(its[-1].values["eigenvalue"] - 3.0) <= 1e-9
    assert work.steps[-1].values["converged"] is True


def test_inverse_iteration_explain_bit_identical():
    A = gallery.symmetric_with_eigenvalues([1.0, 2.0, 5.0], seed=2)
    r0 = inverse_iteration(A, shift=1.8, random_state=3)
    with explain() as work:
        r1 = inverse_iteration(A, shift=1.8, random_state=3)
    assert np.array_equal(r0.eigenvector, r1.eigenvector) and r0.n_iter == r1.n_iter
    fact = next(s for s in work.steps if s.title.startswith("Factorise the shifted"))
    assert fact.values["shift"] == 1.8
    assert any(s.title == "Iterate" for s in work.steps)
