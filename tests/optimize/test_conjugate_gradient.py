"""Linear CG (SPD systems, preconditioning, Poisson) and nonlinear CG (SciPy's method 'CG')."""
import numpy as np
import pytest
from scipy.optimize import minimize as sp_minimize
from scipy.sparse.linalg import cg as sp_cg

import mathforml
from mathforml.exceptions import ConvergenceWarning, LinAlgError
from mathforml.optimize.conjugate_gradient import CGResult, conjugate_gradient, nonlinear_cg
from mathforml.optimize.functions import (TEST_FUNCTIONS, make_quadratic, rosenbrock,
                                          rosenbrock_grad)


def _spd(n, cond, rng):
    Q, _ = np.linalg.qr(rng.standard_normal((n, n)))
    lam = np.geomspace(1.0, cond, n)
    return (Q * lam) @ Q.T


def _poisson(N):
    T = 2 * np.eye(N) - np.eye(N, k=1) - np.eye(N, k=-1)
    return np.kron(np.eye(N), T) + np.kron(T, np.eye(N))


def _poisson_matvec(N):
    def matvec(p):
        U = p.reshape(N, N)
        out = 4.0 * U
        out[1:, :] -= U[:-1, :]
        out[:-1, :] -= U[1:, :]
        out[:, 1:] -= U[:, :-1]
        out[:, :-1] -= U[:, 1:]
        return out.ravel()
    return matvec


@pytest.mark.parametrize("n", [1, 2, 5, 10, 30])
def test_solves_spd_systems_like_numpy_within_n_iterations(n):
    rng = np.random.default_rng(n)
    A = _spd(n, 10.0, rng)
    b = rng.standard_normal(n)
    res = conjugate_gradient(A, b)
    assert isinstance(res, CGResult) and res.converged
    assert res.nit <= n
    # ||x - x*|| / ||x*|| <= cond(A) * relative residual = 10 * 1e-10
    x_star = np.linalg.solve(A, b)
    assert np.linalg.norm(res.x - x_star) <= 10 * 1e-10 * np.linalg.norm(x_star) * 1.01
    assert res.residual_norms.shape == (res.nit + 1,)
    assert res.residual_norms[0] == pytest.approx(np.linalg.norm(b))
    assert res.residual_norms[-1] <= 1e-10 * np.linalg.norm(b)
    # the recursive residual tracks the true one
    assert np.linalg.norm(b - A @ res.x) <= 1e-9 * np.linalg.norm(b)


def test_k_distinct_eigenvalues_take_k_iterations():
    rng = np.random.default_rng(1)
    Q, _ = np.linalg.qr(rng.standard_normal((40, 40)))
    lam = np.repeat([1.0, 3.0, 7.0, 20.0], 10)
    A = (Q * lam) @ Q.T
    res = conjugate_gradient(A, rng.standard_normal(40), tol=1e-12)
    assert res.nit == 4 and res.converged


def test_first_iteration_matches_the_hand_formulas_and_is_explained():
    A = np.array([[4.0, 1.0], [1.0, 3.0]])
    b = np.array([1.0, 2.0])
    with mathforml.explain() as work:
        res = conjugate_gradient(A, b)
    first = work.find("CG iteration")[0].values
    alpha0 = (b @ b) / (b @ A @ b)                       # r0 = b, p0 = r0
    r1 = b - alpha0 * (A @ b)
    assert first["alpha"] == pytest.approx(alpha0, rel=1e-15)
    assert first["beta"] == pytest.approx((r1 @ r1) / (b @ b), rel=1e-14)
    assert first["residual"] == pytest.approx(np.linalg.norm(r1), rel=1e-14)
    np.testing.assert_allclose(first["x"], alpha0 * b, rtol=1e-15)
    assert work.find("Result")[0].values["converged"] and res.nit == 2
    np.testing.assert_allclose(res.x, [1 / 11, 7 / 11], rtol=1e-14)


@pytest.mark.parametrize("N", [8, 16, 32])
def test_poisson_matches_scipy_cg_iterations(N):
    A = _poisson(N)
    b = np.ones(N * N)
    res = conjugate_gradient(_poisson_matvec(N), b, tol=1e-8)
    counter = []
    x_sp, info = sp_cg(A, b, rtol=1e-8, atol=0.0, callback=lambda xk: counter.append(1))
    assert info == 0 and res.converged
    assert abs(res.nit - len(counter)) <= 1
    np.testing.assert_allclose(res.x, np.linalg.solve(A, b), rtol=1e-6)
    dense = conjugate_gradient(A, b, tol=1e-8)           # the matrix and the stencil agree
    assert dense.nit == res.nit


def test_poisson_iterations_grow_linearly_with_the_grid():
    # kappa(A) ~ 4 N^2 / pi^2, CG needs O(sqrt(kappa)) = O(N) iterations
    rng = np.random.default_rng(0)
    its = {N: conjugate_gradient(_poisson_matvec(N), rng.standard_normal(N * N), tol=1e-8).nit
           for N in (8, 16, 32, 64)}
    for N in (8, 16, 32):
        assert 1.5 <= its[2 * N] / its[N] <= 2.5, its
    assert its[64] < 64 * 64 / 10                          # far fewer than n


def test_jacobi_preconditioner_on_a_badly_scaled_matrix():
    rng = np.random.default_rng(3)
    n = 60
    D = np.diag(np.geomspace(1.0, 1e3, n))
    A = D @ _spd(n, 5.0, rng) @ D
    b = rng.standard_normal(n)
    plain = conjugate_gradient(A, b, maxiter=10_000)
    jacobi = conjugate_gradient(A, b, M=np.diag(A).copy())
    fn = conjugate_gradient(A, b, M=lambda r: r / np.diag(A))
    assert jacobi.converged and jacobi.nit < plain.nit / 3
    assert fn.nit == jacobi.nit
    np.testing.assert_allclose(jacobi.x, np.linalg.solve(A, b), rtol=1e-7)


def test_starting_guess_and_zero_right_hand_side():
    A = np.array([[2.0, 0.0], [0.0, 5.0]])
    res = conjugate_gradient(A, [2.0, 5.0], x0=[1.0, 1.0])
    assert res.nit == 0 and res.converged and res.residual_norms.tolist() == [0.0]
    res = conjugate_gradient(A, [0.0, 0.0])
    assert res.nit == 0 and res.converged and np.all(res.x == 0)


def test_iteration_limit_warns():
    A = _poisson(10)
    with pytest.warns(ConvergenceWarning, match="maxiter=3"):
        res = conjugate_gradient(A, np.ones(100), maxiter=3)
    assert not res.converged and res.nit == 3


def test_not_positive_definite_raises_with_the_iteration():
    with pytest.raises(LinAlgError, match="not positive definite: p\\^T A p = .* at iteration 0"):
        conjugate_gradient(np.diag([1.0, -1.0]), [0.0, 1.0])
    with pytest.raises(LinAlgError, match="not positive definite"):
        conjugate_gradient(np.diag([1.0, 2.0, -3.0]), [1.0, 1.0, 1.0])
    with pytest.raises(LinAlgError, match="preconditioner is not positive definite"):
        conjugate_gradient(np.eye(2), [1.0, 1.0], M=lambda r: -r)


def test_bad_input():
    with pytest.raises(ValueError, match="symmetric"):
        conjugate_gradient([[1.0, 2.0], [0.0, 1.0]], [1.0, 1.0])
    with pytest.raises(ValueError, match="square"):
        conjugate_gradient(np.ones((2, 3)), [1.0, 1.0])
    with pytest.raises(ValueError, match=r"A has shape \(2, 2\) but b has length 3"):
        conjugate_gradient(np.eye(2), [1.0, 1.0, 1.0])
    with pytest.raises(ValueError, match="b must be finite"):
        conjugate_gradient(np.eye(2), [1.0, np.nan])
    with pytest.raises(ValueError, match="positive entries"):
        conjugate_gradient(np.eye(2), [1.0, 1.0], M=[1.0, 0.0])
    with pytest.raises(ValueError, match="x0 must have length 2"):
        conjugate_gradient(np.eye(2), [1.0, 1.0], x0=[1.0])
    with pytest.raises(TypeError, match="complex"):
        conjugate_gradient(np.eye(2) * 1j, [1.0, 1.0])


def test_callback_and_explain_is_bit_identical():
    A = _poisson(6)
    b = np.arange(36.0)
    plain = conjugate_gradient(A, b)
    with mathforml.explain(head=3, every=4) as work:
        shown = conjugate_gradient(A, b)
    np.testing.assert_array_equal(plain.x, shown.x)
    steps = work.find("CG iteration")
    assert len(steps) <= 3 + shown.nit // 4 + 2 and steps[-1].iteration == shown.nit
    seen = []
    res = conjugate_gradient(A, b, callback=lambda xk: seen.append(xk) or len(seen) == 2)
    assert res.nit == 2 and not res.converged and "callback" in res.message


# ---------------------------------------------------------------------------
# Nonlinear CG
# ---------------------------------------------------------------------------
def _nl_params():
    rng = np.random.default_rng(11)
    out = []
    cases = [("rosenbrock", TEST_FUNCTIONS["rosenbrock"], np.array([-1.2, 1.0])),
             ("rosenbrock5", TEST_FUNCTIONS["rosenbrock"].for_dim(5), np.zeros(5))]
    for name in ("beale", "booth", "himmelblau", "styblinski_tang", "quadratic"):
        rec = TEST_FUNCTIONS[name]
        for _ in range(2):
            lo, hi = np.array(rec.domain).T
            cases.append((name, rec, rng.uniform(lo, hi) * 0.5))
    for name, rec, x0 in cases:
        ref = sp_minimize(rec.f, x0, jac=rec.grad, method="CG")
        out.append(pytest.param(rec, x0, ref.nit, ref.fun,
                                id=f"{name}-x0={np.round(x0, 2).tolist()}-scipy_nit={ref.nit}"))
    return out


@pytest.mark.parametrize("rec,x0,ref_nit,ref_fun", _nl_params())
def test_nonlinear_cg_iterations_within_2x_of_scipy(rec, x0, ref_nit, ref_fun, record_property):
    res = nonlinear_cg(rec.f, x0, jac=rec.grad)
    record_property("nit", res.nit)
    assert res.success, res.message
    assert res.nit <= 2 * ref_nit + 2
    assert res.fun <= ref_fun + 1e-8 * max(1.0, abs(ref_fun))


@pytest.mark.parametrize("beta", ["PR+", "PR", "FR", "HS"])
def test_every_beta_formula_minimises_a_convex_quadratic(beta):
    q = make_quadratic(np.diag([1.0, 4.0, 9.0, 16.0]), np.ones(4))
    res = nonlinear_cg(q.f, np.full(4, 3.0), jac=q.grad, beta=beta, gtol=1e-10)
    assert res.success
    np.testing.assert_allclose(res.x, q.minima[0], atol=1e-9)


def test_nonlinear_cg_is_linear_cg_with_exact_line_searches():
    # on a quadratic with (near-)exact line searches, Fletcher–Reeves = linear CG: n steps
    rng = np.random.default_rng(2)
    A = _spd(6, 20.0, rng)
    b = rng.standard_normal(6)
    q = make_quadratic(A, b)
    res = nonlinear_cg(q.f, np.zeros(6), jac=q.grad, beta="FR", c1=1e-5, c2=1e-4, gtol=1e-9)
    lin = conjugate_gradient(A, b, tol=1e-12)
    assert res.nit <= 7 and lin.nit <= 6
    # the first step is steepest descent with the exact step, linear CG's first iterate
    np.testing.assert_allclose(res.history.x[1], (b @ b) / (b @ A @ b) * b, rtol=1e-8)


def test_nonlinear_cg_rosenbrock_to_1e6_and_explained():
    with mathforml.explain(head=2, every=50) as work:
        res = nonlinear_cg(rosenbrock, [-1.2, 1.0], jac=rosenbrock_grad, gtol=1e-9)
    np.testing.assert_allclose(res.x, [1.0, 1.0], atol=1e-6)
    it = work.find("Iteration")
    assert it[1].values["beta"] >= 0.0 and it[1].values["alpha"] > 0
    assert it[-1].iteration == res.nit


def test_nonlinear_cg_errors_and_limits():
    with pytest.raises(ValueError, match="beta must be one of 'PR\\+', 'PR', 'FR', 'HS'"):
        nonlinear_cg(rosenbrock, [0.0, 0.0], beta="DY")
    with pytest.raises(ValueError, match="not finite"), np.errstate(invalid="ignore"):
        nonlinear_cg(lambda x: np.log(x[0]), [-1.0])
    with pytest.warns(ConvergenceWarning, match="maxiter=5"):
        res = nonlinear_cg(rosenbrock, [-1.2, 1.0], maxiter=5)
    assert res.status == 1 and not res.success and len(res.history) == 6
