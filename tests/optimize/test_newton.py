"""Newton's method and Newton-CG: SciPy parity, quadratic convergence, regularisation, damping."""
import numpy as np
import pytest
from scipy.optimize import minimize as sp_minimize

import mathforml
from mathforml.calculus import hessian as ad_hessian
from mathforml.exceptions import ConvergenceWarning
from mathforml.optimize.functions import (HIMMELBLAU_MINIMA, himmelblau,
                                          himmelblau_grad, make_quadratic, rosenbrock,
                                          rosenbrock_grad, rosenbrock_hess, rosenbrock_hessp)
from mathforml.optimize.newton import newton, newton_cg

from ._starts import comparison_starts

# a saddle point of Himmelblau's function (Hessian eigenvalues about -31.7 and 75.5)
SADDLE = np.array([0.0866775020484, 2.88425470532235])


def _hess(rec):
    return rec.hess or (lambda x: np.asarray(ad_hessian(rec.f)(x)))


def _params():
    out = []
    for name, rec, x0 in comparison_starts():
        ref = sp_minimize(rec.f, x0, jac=rec.grad, hess=_hess(rec), method="Newton-CG")
        out.append(pytest.param(rec, x0, ref.nit, ref.fun,
                                id=f"{name}-x0={np.round(x0, 2).tolist()}-scipy_nit={ref.nit}"))
    return out


PARAMS = _params()


@pytest.mark.parametrize("rec,x0,ref_nit,ref_fun", PARAMS)
def test_newton_iterations_within_2x_of_scipy_newton_cg(rec, x0, ref_nit, ref_fun,
                                                        record_property):
    res = newton(rec.f, x0, jac=rec.grad, hess=rec.hess)          # autodiff Hessian if None
    record_property("nit", res.nit)
    assert res.success, res.message
    assert res.nit <= 2 * ref_nit + 2
    assert res.fun <= ref_fun + 1e-10 * max(1.0, abs(ref_fun))
    assert np.abs(rec.grad(res.x)).max() <= 1e-8


@pytest.mark.parametrize("rec,x0,ref_nit,ref_fun", PARAMS)
def test_newton_cg_iterations_within_2x_of_scipy(rec, x0, ref_nit, ref_fun, record_property):
    res = newton_cg(rec.f, x0, jac=rec.grad, hess=rec.hess)
    record_property("nit", res.nit)
    assert res.success, res.message
    assert res.nit <= 2 * ref_nit + 2
    assert res.fun <= ref_fun + 1e-8 * max(1.0, abs(ref_fun))


@pytest.mark.parametrize("x0", [[-1.2, 1.0], np.zeros(10)], ids=["2d", "10d"])
@pytest.mark.parametrize("variant", ["armijo", "wolfe", "cg-hessp", "cg-autodiff"])
def test_rosenbrock_minimum_to_1e6(variant, x0):
    if variant in ("armijo", "wolfe"):
        res = newton(rosenbrock, x0, jac=rosenbrock_grad, hess=rosenbrock_hess,
                     line_search=variant)
    elif variant == "cg-hessp":
        res = newton_cg(rosenbrock, x0, jac=rosenbrock_grad, hessp=rosenbrock_hessp, gtol=1e-9)
    else:
        res = newton_cg(rosenbrock, x0, gtol=1e-9)
    assert res.success, res.message
    np.testing.assert_allclose(res.x, np.ones(len(x0)), atol=1e-6)
    assert len(res.history) == res.nit + 1


def test_autodiff_hessian_gives_the_same_iterates_as_the_analytic_one():
    a = newton(rosenbrock, [-1.2, 1.0])
    b = newton(rosenbrock, [-1.2, 1.0], jac=rosenbrock_grad, hess=rosenbrock_hess)
    assert a.nit == b.nit and a.nhev == b.nhev == a.nit
    np.testing.assert_allclose(a.history.x, b.history.x, rtol=1e-9, atol=1e-12)


def test_quadratic_convergence_near_the_minimum():
    res = newton(rosenbrock, [-1.2, 1.0], jac=rosenbrock_grad, hess=rosenbrock_hess)
    err = np.abs(res.history.x - 1.0).max(axis=1)
    # the last steps are full Newton steps: e_{k+1} <= C e_k^2
    tail = [k for k in range(1, len(err)) if 1e-12 < err[k] < 1e-2]
    assert len(tail) >= 2
    for k in tail[1:]:
        assert err[k] <= 50.0 * err[k - 1] ** 2
    assert res.history.extra["tau"][-1] == 0.0


@pytest.mark.parametrize("n", [2, 5, 12])
def test_convex_quadratic_in_one_iteration(n):
    rng = np.random.default_rng(n)
    M = rng.standard_normal((n, n))
    A = M @ M.T + np.eye(n)
    b = rng.standard_normal(n)
    q = make_quadratic(A, b)
    for kwargs in ({}, {"jac": q.grad, "hess": q.hess}):
        res = newton(q.f, rng.standard_normal(n) * 10, gtol=1e-8 * np.abs(b).max(), **kwargs)
        assert res.nit == 1 and res.success
        np.testing.assert_allclose(res.x, np.linalg.solve(A, b), rtol=1e-9, atol=1e-10)


def test_regularisation_at_a_saddle_still_decreases_f():
    x0 = SADDLE + [1e-3, -1e-3]
    H0 = np.asarray(ad_hessian(himmelblau)(x0))
    assert np.linalg.eigvalsh(H0)[0] < -30.0             # indefinite: a saddle
    res = newton(himmelblau, x0)
    assert res.success
    f = res.history.f
    assert np.all(np.diff(f) < 0)                           # every step goes downhill
    tau = np.array(res.history.extra["tau"])
    assert tau[1] > 31.7 - 1e-3                             # tau > -lambda_min at the saddle
    assert tau[-1] == 0.0                                   # pure Newton at the end
    assert min(np.abs(res.x - m).max() for m in np.array(HIMMELBLAU_MINIMA)) < 1e-8


def test_without_regularisation_an_indefinite_hessian_stops_the_run():
    res = newton(himmelblau, SADDLE + [1e-3, -1e-3], regularize=False)
    assert res.status == 2 and not res.success and "not positive definite" in res.message
    assert "regularize=True" in res.message and res.nit == 0


def test_pure_newton_diverges_and_says_so():
    # f = sqrt(1 + x^2): the Newton map is x -> -x^3, so from x0 = 2 the iterates explode
    f = lambda x: np.sqrt(1.0 + x[0] ** 2)     # noqa: E731
    res = newton(f, [2.0], line_search=None)
    assert res.status == 2 and not res.success
    assert "line search" in res.message and "smaller step" in res.message
    damped = newton(f, [2.0])                   # Armijo damping converges
    assert damped.success and abs(damped.x[0]) < 1e-8


def test_wolfe_line_search_reuses_the_gradient():
    a = newton(rosenbrock, [-1.2, 1.0], jac=rosenbrock_grad, hess=rosenbrock_hess,
               line_search="wolfe")
    assert a.success and a.njev == a.nfev


def test_iteration_limit_warns_with_status_1():
    with pytest.warns(ConvergenceWarning, match="maxiter=2"):
        res = newton(rosenbrock, [-1.2, 1.0], maxiter=2)
    assert res.status == 1 and not res.success and res.nit == 2
    with pytest.warns(ConvergenceWarning, match="maxiter=2"):
        res = newton_cg(rosenbrock, [-1.2, 1.0], maxiter=2)
    assert res.status == 1


def test_bad_input():
    with pytest.raises(ValueError, match="not finite"), np.errstate(invalid="ignore"):
        newton(lambda x: np.log(x[0]), [-1.0])
    with pytest.raises(ValueError, match="line_search must be one of 'armijo', 'wolfe'"):
        newton(rosenbrock, [0.0, 0.0], line_search="exact")
    with pytest.raises(TypeError, match="hess must be callable"):
        newton(rosenbrock, [0.0, 0.0], hess=np.eye(2))
    with pytest.raises(TypeError, match="hessp must be callable"):
        newton_cg(rosenbrock, [0.0, 0.0], hessp=np.eye(2))
    with pytest.raises(ValueError, match="maxiter must be >= 0"):
        newton(rosenbrock, [0.0, 0.0], maxiter=-1)
    with pytest.raises(ValueError, match="Hessian must have shape"):
        newton(rosenbrock, [0.0, 0.0], hess=lambda x: np.eye(3))


def test_callback_stops_the_run():
    seen = []
    res = newton(rosenbrock, [-1.2, 1.0], callback=lambda xk: seen.append(xk) or len(seen) == 3)
    assert res.nit == 3 and res.success and res.message == "stopped by callback"


def test_explain_shows_the_hessian_solve():
    A = np.array([[3.0, 1.0], [1.0, 2.0]])
    b = np.array([1.0, -1.0])
    q = make_quadratic(A, b)
    x0 = np.array([2.0, 2.0])
    with mathforml.explain() as work:
        res = newton(q.f, x0, jac=q.grad, hess=q.hess)
    it = [s for s in work.find("Iteration") if s.iteration == 1][0].values
    np.testing.assert_array_equal(it["H"], A)
    np.testing.assert_allclose(it["grad"], A @ x0 - b)
    np.testing.assert_allclose(it["d"], -np.linalg.solve(A, A @ x0 - b), rtol=1e-14)
    assert it["tau"] == 0.0 and it["alpha"] == 1.0
    np.testing.assert_allclose(it["x"], [0.6, -0.8], rtol=1e-14)
    assert work.find("Result")[0].values["nit"] == res.nit == 1
    assert not work.find("Panel") and not work.find("Trial step")   # inner steps silenced


def test_explain_regularisation_bounded_and_bit_identical():
    x0 = SADDLE + [1e-3, -1e-3]
    plain = newton(himmelblau, x0)
    with mathforml.explain(head=3, every=5) as work:
        shown = newton(himmelblau, x0)
    np.testing.assert_array_equal(plain.x, shown.x)
    assert plain.nfev == shown.nfev
    reg = work.find("Regularise")
    assert reg and reg[0].values["tau"] > 31.7 - 1e-3 and reg[0].values["attempts"] >= 1
    assert np.linalg.eigvalsh(reg[0].values["H"])[0] < 0
    iters = work.find("Iteration")
    assert len(iters) <= 3 + shown.nit // 5 + 2 and iters[-1].iteration == shown.nit


def test_newton_cg_negative_curvature_falls_back_to_a_descent_direction():
    res = newton_cg(himmelblau, SADDLE + [1e-3, -1e-3], jac=himmelblau_grad)
    assert res.success and np.all(np.diff(res.history.f) < 0)


def test_hessp_products_are_counted():
    calls = []

    def hessp(x, p):
        calls.append(1)
        return rosenbrock_hessp(x, p)
    res = newton_cg(rosenbrock, [-1.2, 1.0], jac=rosenbrock_grad, hessp=hessp)
    assert res.nhev == len(calls) >= sum(res.history.extra["cg_iterations"]) > 0
