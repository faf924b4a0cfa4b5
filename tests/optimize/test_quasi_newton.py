"""BFGS and L-BFGS: minima, SciPy parity, the two-loop recursion, quadratic termination."""
import warnings

import numpy as np
import pytest
from scipy.optimize import minimize as sp_minimize

import mathforml
from mathforml.exceptions import ConvergenceWarning
from mathforml.optimize.functions import (make_quadratic, rosenbrock,
                                          rosenbrock_grad)
from mathforml.optimize.line_search import strong_wolfe
from mathforml.optimize.quasi_newton import bfgs, lbfgs

from ._starts import comparison_starts

EPS = np.finfo(float).eps


def _params(ref_method):
    out = []
    for name, rec, x0 in comparison_starts(with_styblinski_tang_5d=True):
        ref = sp_minimize(rec.f, x0, jac=rec.grad, method=ref_method)
        out.append(pytest.param(rec, x0, ref.nit,
                                id=f"{name}-x0={np.round(x0, 2).tolist()}-scipy_nit={ref.nit}"))
    return out


@pytest.mark.parametrize("rec,x0,ref_nit", _params("BFGS"))
def test_bfgs_iterations_within_2x_of_scipy(rec, x0, ref_nit, record_property):
    res = bfgs(rec.f, x0, jac=rec.grad)
    record_property("nit", res.nit)
    assert res.success, res.message
    assert res.nit <= 2 * ref_nit + 2, (res.nit, ref_nit)
    assert np.abs(rec.grad(res.x)).max() <= 1e-5


@pytest.mark.parametrize("rec,x0,ref_nit", _params("L-BFGS-B"))
def test_lbfgs_iterations_within_2x_of_scipy(rec, x0, ref_nit, record_property):
    res = lbfgs(rec.f, x0, jac=rec.grad)
    record_property("nit", res.nit)
    assert res.success, res.message
    assert res.nit <= 2 * ref_nit + 2, (res.nit, ref_nit)


@pytest.mark.parametrize("x0", [[-1.2, 1.0], np.zeros(10)], ids=["2d", "10d"])
@pytest.mark.parametrize("method", ["bfgs", "lbfgs"])
def test_rosenbrock_minimum_to_1e6(method, x0):
    if method == "bfgs":
        res = bfgs(rosenbrock, x0, jac=rosenbrock_grad, gtol=1e-9)
    else:
        res = lbfgs(rosenbrock, x0, jac=rosenbrock_grad, gtol=1e-9, ftol=0.0)
    assert res.success and res.status == 0
    np.testing.assert_allclose(res.x, np.ones(len(x0)), atol=1e-6)
    assert len(res.history) == res.nit + 1
    assert res.history.f[-1] == res.fun and res.fun < 1e-12


def test_autodiff_gradient_and_jac_true_follow_the_same_path():
    ref = lbfgs(rosenbrock, [-1.2, 1.0], jac=rosenbrock_grad)
    calls = []

    def fg(x):
        calls.append(1)
        return rosenbrock(x), rosenbrock_grad(x)
    both = lbfgs(fg, [-1.2, 1.0], jac=True)
    ad = lbfgs(rosenbrock, [-1.2, 1.0])
    assert both.nit == ref.nit == ad.nit and both.nfev == ref.nfev == len(calls)
    np.testing.assert_allclose(ad.x, ref.x, rtol=1e-10)
    np.testing.assert_array_equal(both.x, ref.x)


@pytest.mark.parametrize("n", [3, 5, 8])
def test_quadratic_termination_with_exact_line_search(n):
    # On a convex quadratic the strong-Wolfe search with a tiny c2 finds the exact minimiser
    # along each line (the cubic interpolant is exact), and BFGS from H0 = I then ends in n
    # iterations with H_n = A^{-1} (Nocedal & Wright, Theorem 6.4 / section 6.1).
    rng = np.random.default_rng(n)
    M = rng.standard_normal((n, n))
    A = M @ M.T + n * np.eye(n)
    b = rng.standard_normal(n)
    q = make_quadratic(A, b)
    res = bfgs(q.f, np.zeros(n), jac=q.grad, c1=1e-5, c2=1e-4, gtol=1e-10)
    assert res.nit <= n + 1
    np.testing.assert_allclose(res.x, np.linalg.solve(A, b), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(res.hess_inv, np.linalg.inv(A), rtol=1e-8, atol=1e-10)
    # L-BFGS keeping every pair is the same method
    res = lbfgs(q.f, np.zeros(n), jac=q.grad, m=n, c1=1e-5, c2=1e-4, gtol=1e-10, ftol=0.0)
    assert res.nit <= n + 1


def _reference_lbfgs(x0, m, iters):
    """L-BFGS with the textbook vector two-loop recursion (N&W Algorithm 7.4)."""
    x = np.array(x0, dtype=float)
    f, g = rosenbrock(x), rosenbrock_grad(x)
    S, Y = [], []
    for _ in range(iters):
        if S:
            q = g.copy()
            alphas = []
            for s, y in zip(reversed(S), reversed(Y)):
                a = (s @ q) / (y @ s)
                q -= a * y
                alphas.append(a)
            r = (S[-1] @ Y[-1]) / (Y[-1] @ Y[-1]) * q
            for (s, y), a in zip(zip(S, Y), reversed(alphas)):
                b = (y @ r) / (y @ s)
                r += (a - b) * s
            d, alpha0 = -r, 1.0
        else:
            d, alpha0 = -g, min(1.0, 1.0 / np.sqrt(g @ g))

        def pd(a, x=x, d=d):
            xa = x + a * d
            ga = rosenbrock_grad(xa)
            return rosenbrock(xa), float(ga @ d), (xa, ga)
        ls = strong_wolfe(pd, f, float(g @ d), alpha0)
        x_new, g_new = ls.extra
        s, y = x_new - x, g_new - g
        if s @ y > EPS * (y @ y):
            S.append(s)
            Y.append(y)
            if len(S) > m:
                S.pop(0)
                Y.pop(0)
        x, f, g = x_new, ls.phi, g_new
    return x


@pytest.mark.parametrize("m", [3, 10])
def test_two_loop_recursion_on_inner_products_matches_the_vector_loops(m):
    x0 = np.linspace(-1.0, 1.5, 10)
    iters = 25                       # m = 3: the ring buffer wraps around several times
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        res = lbfgs(rosenbrock, x0, jac=rosenbrock_grad, m=m, maxiter=iters, gtol=0.0, ftol=0.0)
    assert res.nit == iters and res.status == 1
    np.testing.assert_allclose(res.x, _reference_lbfgs(x0, m, iters), rtol=1e-8, atol=1e-10)


@pytest.mark.parametrize("x0", ["alternating", "zeros"])
def test_lbfgs_evaluations_on_high_dimensional_rosenbrock(x0):
    # the benchmark's target (1000-D there): nfev <= 1.5 x L-BFGS-B from the same start
    n = 100
    start = np.tile([-1.2, 1.0], n // 2) if x0 == "alternating" else np.zeros(n)
    res = lbfgs(rosenbrock, start, jac=rosenbrock_grad)
    ref = sp_minimize(rosenbrock, start, jac=rosenbrock_grad, method="L-BFGS-B")
    assert res.success, res.message
    assert res.nfev <= 1.5 * ref.nfev, (res.nfev, ref.nfev)
    assert res.fun <= max(10 * ref.fun, 1e-8)


def test_stopping_rules():
    res = lbfgs(rosenbrock, [-1.2, 1.0], jac=rosenbrock_grad)          # default ftol decides
    assert res.success and "relative reduction" in res.message
    res = lbfgs(rosenbrock, [-1.2, 1.0], jac=rosenbrock_grad, ftol=0.0, gtol=1e-6)
    assert res.success and "grad" in res.message and np.abs(res.jac).max() <= 1e-6
    with pytest.warns(ConvergenceWarning, match="maxfun=10"):
        res = lbfgs(rosenbrock, [-1.2, 1.0], jac=rosenbrock_grad, maxfun=10)
    assert res.status == 1 and not res.success and res.nfev <= 10
    res = bfgs(lambda x: ((x - 2.0) ** 2).sum(), [0.0, 0.0])
    assert res.success and np.abs(res.x - 2.0).max() <= 1e-5 / 2


@pytest.mark.parametrize("method", [bfgs, lbfgs])
def test_iteration_limit_warns_with_status_1(method):
    with pytest.warns(ConvergenceWarning, match="iteration limit maxiter=3"):
        res = method(rosenbrock, [-1.2, 1.0], jac=rosenbrock_grad, maxiter=3)
    assert res.status == 1 and not res.success and res.nit == 3 and len(res.history) == 4


@pytest.mark.parametrize("method", [bfgs, lbfgs])
def test_bad_input(method):
    with pytest.raises(ValueError, match="not finite"), np.errstate(invalid="ignore"):
        method(lambda x: np.log(x[0]), [-1.0])
    with pytest.raises(ValueError, match="x0 must be finite"):
        method(rosenbrock, [np.nan, 1.0])
    with pytest.raises(ValueError, match="gtol must be >= 0"):
        method(rosenbrock, [0.0, 0.0], gtol=-1.0)
    with pytest.raises(TypeError, match="callback must be callable"):
        method(rosenbrock, [0.0, 0.0], callback=3)
    with pytest.raises(TypeError, match="fun must be callable"):
        method(None, [0.0, 0.0])


def test_lbfgs_bad_memory_and_bfgs_bad_H0():
    with pytest.raises(ValueError, match="m must be >= 1"):
        lbfgs(rosenbrock, [0.0, 0.0], m=0)
    with pytest.raises(ValueError, match=r"H0 must have shape \(2, 2\)"):
        bfgs(rosenbrock, [0.0, 0.0], H0=np.eye(3))


@pytest.mark.parametrize("method", [bfgs, lbfgs])
def test_callback_stops_the_run(method):
    seen = []
    res = method(rosenbrock, [-1.2, 1.0], jac=rosenbrock_grad,
                 callback=lambda xk: seen.append(xk) or len(seen) == 4)
    assert res.nit == 4 and res.success and res.message == "stopped by callback"
    np.testing.assert_array_equal(seen[-1], res.x)


@pytest.mark.parametrize("method", [bfgs, lbfgs])
def test_explain_iterations_bounded_and_bit_identical(method):
    plain = method(rosenbrock, [-1.2, 1.0], jac=rosenbrock_grad)
    with mathforml.explain(head=5, every=10) as work:
        shown = method(rosenbrock, [-1.2, 1.0], jac=rosenbrock_grad)
    np.testing.assert_array_equal(plain.x, shown.x)
    assert plain.nfev == shown.nfev and plain.nit == shown.nit
    iters = work.find("Iteration")
    assert iters[0].iteration == 0 and iters[-1].iteration == shown.nit
    assert len(iters) <= 5 + shown.nit // 10 + 2
    np.testing.assert_array_equal(iters[-1].values["x"], shown.x)
    k = iters[1].iteration
    assert iters[1].values["x"] == pytest.approx(shown.history.x[k])
    assert iters[1].values["alpha"] > 0
    assert work.find("Result")[0].values["nit"] == shown.nit
    assert not work.find("Trial step")          # the line search is silenced inside


def test_bfgs_scaled_initial_matrix_option():
    a = bfgs(rosenbrock, [-1.2, 1.0], jac=rosenbrock_grad, scale_H0=True)
    b = bfgs(rosenbrock, [-1.2, 1.0], jac=rosenbrock_grad)
    assert a.success and b.success and a.nit != b.nit
