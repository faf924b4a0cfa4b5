"""The minimize dispatcher: the method x test-function table, SciPy parity, options, errors."""
import warnings

import numpy as np
import pytest
from scipy.optimize import minimize as sp_minimize

import mathforml
from mathforml.exceptions import ConvergenceWarning
from mathforml.optimize.functions import (booth, booth_grad, quadratic, rosenbrock,
                                          rosenbrock_grad, rosenbrock_hess)
from mathforml.optimize.minimize import METHODS, minimize, resolve_method
from mathforml.optimize.schedules import ExponentialDecay

A_ILL = np.diag([1.0, 10.0])
B_ILL = np.array([1.0, -2.0])


def quad_ill(x):
    return quadratic(x, A_ILL, B_ILL)


CONVEX = {
    "quadratic (cond 10)": (quad_ill, [3.0, 3.0], np.linalg.solve(A_ILL, B_ILL)),
    "booth": (booth, [0.0, 0.0], np.array([1.0, 3.0])),
}

# every gradient method with settings suited to these smooth convex problems
GRADIENT_METHODS = {
    "gd": {"lr": 0.09, "maxiter": 5000, "gtol": 1e-9},
    "momentum": {"lr": 0.02, "beta": 0.9, "maxiter": 5000, "gtol": 1e-9},
    "nesterov": {"lr": 0.02, "beta": 0.9, "maxiter": 5000, "gtol": 1e-9},
    "adagrad": {"lr": 1.0, "maxiter": 20000, "gtol": 1e-9},
    # RMSProp at a constant rate ends in a 2-cycle around the minimum: decay the rate
    "rmsprop": {"lr": ExponentialDecay(0.05, 0.995), "maxiter": 20000, "gtol": 1e-9},
    "adam": {"lr": 0.05, "maxiter": 20000, "gtol": 1e-9},
    "bfgs": {"gtol": 1e-10},
    "l-bfgs": {"gtol": 1e-10},
    "newton": {"gtol": 1e-10},
    "cg": {"gtol": 1e-10},
}


@pytest.mark.parametrize("fname", list(CONVEX))
@pytest.mark.parametrize("method", list(GRADIENT_METHODS))
def test_every_gradient_method_reaches_the_minimum_of_convex_functions(method, fname):
    f, x0, xmin = CONVEX[fname]
    opts = dict(GRADIENT_METHODS[method])
    if fname == "booth" and method in ("gd",):
        opts["lr"] = 0.05                       # booth's Hessian has eigenvalues 4 and 36
    if fname == "booth" and method in ("momentum", "nesterov"):
        opts["lr"] = 0.005
    res = minimize(f, x0, method=method, options=opts)
    assert res.success, res.message
    np.testing.assert_allclose(res.x, xmin, atol=1e-6)
    assert len(res.history) == res.nit + 1


@pytest.mark.parametrize("method,ref_method", [("bfgs", "BFGS"), ("l-bfgs", "L-BFGS-B"),
                                               ("newton", "Newton-CG"), ("newton-cg", "Newton-CG"),
                                               ("cg", "CG")])
@pytest.mark.parametrize("x0", [[-1.2, 1.0], [2.0, -1.0], [0.0] * 6, [0.5] * 6])
def test_rosenbrock_to_1e6_and_iterations_within_2x_of_scipy(method, ref_method, x0):
    kw = {"hess": rosenbrock_hess} if method.startswith("newton") else {}
    res = minimize(rosenbrock, x0, method=method, jac=rosenbrock_grad, **kw,
                   # L-BFGS also stops on a relative decrease of f (ftol, as L-BFGS-B): tighten it
                   options={"gtol": 1e-8} if method != "l-bfgs" else {"gtol": 1e-8, "ftol": 1e-15})
    np.testing.assert_allclose(res.x, np.ones(len(x0)), atol=1e-6)
    ref_kw = {"hess": rosenbrock_hess} if ref_method == "Newton-CG" else {}
    ref = sp_minimize(rosenbrock, x0, jac=rosenbrock_grad, method=ref_method, **ref_kw)
    assert res.nit <= 2 * ref.nit + 2, (res.nit, ref.nit)


def test_newton_can_stop_at_rosenbrocks_other_local_minimum():
    """For 4 <= n <= 7 Rosenbrock has a second local minimum near (-1, 1, ..., 1); Newton from
    (-1.2, 1, -1.2, ...) lands on it — a true minimum (zero gradient, positive definite Hessian)."""
    res = minimize(rosenbrock, [-1.2, 1.0] * 3, method="newton", jac=rosenbrock_grad,
                   hess=rosenbrock_hess, options={"gtol": 1e-10})
    assert res.x[0] < -0.9 and res.fun > 3.0
    assert np.abs(rosenbrock_grad(res.x)).max() < 1e-8
    assert np.linalg.eigvalsh(rosenbrock_hess(res.x))[0] > 0


def test_nelder_mead_within_2x_of_scipy():
    res = minimize(rosenbrock, [-1.2, 1.0], method="Nelder-Mead")
    ref = sp_minimize(rosenbrock, [-1.2, 1.0], method="Nelder-Mead")
    assert res.nit <= 2 * ref.nit and np.allclose(res.x, ref.x, atol=1e-10)


def test_autodiff_gradient_by_default():
    res = minimize(rosenbrock, [-1.2, 1.0], method="bfgs")
    assert res.success and np.allclose(res.x, [1.0, 1.0], atol=1e-5)
    res = minimize(lambda x, a: ((x - a) ** 2).sum(), [0.0, 0.0], method="l-bfgs", args=(3.0,))
    np.testing.assert_allclose(res.x, [3.0, 3.0], atol=1e-8)


def test_seed_004_through_the_dispatcher():
    with pytest.warns(ConvergenceWarning, match="maxiter=3"):
        res = minimize(lambda x: (x[0] - 3.0) ** 2, [7.0], method="gd",
                       options={"lr": 0.1, "maxiter": 3, "gtol": 0.0})
    assert res.history.x[:4, 0] == pytest.approx([7.0, 6.2, 5.56, 5.048], abs=1e-12)


def test_derivative_free_methods_through_the_dispatcher():
    res = minimize(booth, [0.0, 0.0], method="nelder-mead", options={"xatol": 1e-10,
                                                                     "fatol": 1e-14})
    np.testing.assert_allclose(res.x, [1.0, 3.0], atol=1e-8)
    res = minimize(booth, [0.0, 0.0], method="anneal", options={"rng": 0, "maxiter": 500,
                                                                "T0": 5.0})
    np.testing.assert_allclose(res.x, [1.0, 3.0], atol=1e-6)
    with pytest.warns(RuntimeWarning, match="does not use gradients"):
        minimize(booth, [0.0, 0.0], method="nelder-mead", jac=booth_grad)


@pytest.mark.filterwarnings("ignore:invalid value encountered in log")
def test_names_aliases_and_errors():
    assert resolve_method("L-BFGS-B")[0] == "l-bfgs"
    assert resolve_method("Nelder_Mead")[0] == "nelder-mead"
    for name in METHODS:
        assert callable(resolve_method(name)[1])
    with pytest.raises(ValueError, match="method must be one of 'gd', 'momentum'"):
        minimize(booth, [0.0, 0.0], method="simplex")
    with pytest.raises(ValueError, match="does not take option\\(s\\) 'learning_rate'; its "
                                         "options are 'lr'"):
        minimize(booth, [0.0, 0.0], method="gd", options={"learning_rate": 0.1})
    with pytest.raises(ValueError, match="not finite"):
        minimize(lambda x: np.log(x[0]), [-1.0], method="bfgs")
    with pytest.raises(TypeError, match="method must be a string"):
        minimize(booth, [0.0, 0.0], method=3)


def test_iteration_limit_warns_and_reports():
    with pytest.warns(ConvergenceWarning):
        res = minimize(rosenbrock, [-1.2, 1.0], method="gd", options={"lr": 1e-3, "maxiter": 10})
    assert not res.success and res.status == 1 and res.message


def test_divergence_reported_with_advice():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = minimize(lambda x: (x[0] - 3.0) ** 2, [7.0], method="gd",
                       options={"lr": 1.5, "maxiter": 1000})
    assert not res.success and "smaller" in res.message


def test_explained_under_a_section():
    with mathforml.explain() as work:
        minimize(booth, [0.0, 0.0], method="bfgs")
    assert work.steps and all(s.section[0] == "minimize with bfgs" for s in work.steps)
