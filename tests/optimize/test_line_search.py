"""Line searches: the conditions they claim, their limits, and SciPy's evaluation counts."""
import math
import warnings

import numpy as np
import pytest
from scipy.optimize import line_search as sp_line_search

import mathforml
from mathforml.optimize.functions import (beale, beale_grad, himmelblau, himmelblau_grad,
                                          rosenbrock, rosenbrock_grad, styblinski_tang,
                                          styblinski_tang_grad)
from mathforml.optimize.line_search import LineSearchResult, armijo, strong_wolfe

ROUND = 1e-14       # the documented rounding allowance, relative to |phi(0)|


def _problems(count, seed):
    """Random 1-D restrictions phi(a) = f(x + a d) of test functions along descent directions."""
    rng = np.random.default_rng(seed)
    funcs = [(rosenbrock, rosenbrock_grad, 5), (beale, beale_grad, 2),
             (himmelblau, himmelblau_grad, 2), (styblinski_tang, styblinski_tang_grad, 4)]
    out = []
    for i in range(count):
        f, g, n = funcs[i % len(funcs)]
        x = rng.uniform(-2.0, 2.0, n)
        gx = g(x)
        # a mix of steepest-descent directions of wildly different scales and random descent ones
        if i % 3 == 0:
            d = -gx * 10.0 ** rng.uniform(-4, 1)
        else:
            d = rng.standard_normal(n)
            if d @ gx > 0:
                d = -d
        out.append((f, g, x, d))
    return out


PROBLEMS = _problems(240, 7)


def _phi_dphi(f, g, x, d):
    return lambda a: (f(x + a * d), float(g(x + a * d) @ d))


# ---------------------------------------------------------------------------
# Armijo
# ---------------------------------------------------------------------------
def test_armijo_hand_example():
    r = armijo(lambda a: (a - 2.0) ** 2, 4.0, -4.0, alpha0=8.0)
    # trials 8 (36 > bound), 4 (4 > 4 - 4e-4*4), 2 (0 <= ...): accepted
    assert (r.alpha, r.phi, r.nfev, r.success, r.dphi, r.ngev) == (2.0, 0.0, 3, True, None, 0)
    assert isinstance(r, LineSearchResult)


@pytest.mark.parametrize("c1,shrink", [(1e-4, 0.5), (0.3, 0.1), (0.49, 0.8)])
def test_armijo_condition_holds_and_the_step_before_violates_it(c1, shrink):
    for f, g, x, d in PROBLEMS:
        phi0 = f(x)
        dphi0 = float(g(x) @ d)
        phi = lambda a: f(x + a * d)   # noqa: E731
        r = armijo(phi, phi0, dphi0, 1.0, c1=c1, shrink=shrink)
        assert r.nfev <= 50
        assert r.alpha == pytest.approx(shrink ** (r.nfev - 1), rel=1e-12)
        if r.success:
            assert r.phi == phi(r.alpha)
            assert r.phi <= phi0 + c1 * r.alpha * dphi0 + ROUND * abs(phi0)
            if r.nfev > 1:                 # the previous (longer) trial failed the test
                a_prev = r.alpha / shrink
                assert not phi(a_prev) <= phi0 + c1 * a_prev * dphi0 + ROUND * abs(phi0)
    # a descent direction always succeeds within 50 halvings on these problems
    assert all(armijo(lambda a: f(x + a * d), f(x), float(g(x) @ d)).success
               for f, g, x, d in PROBLEMS)


def test_armijo_never_exceeds_maxiter_and_reports_failure():
    calls = []

    def phi(a):
        calls.append(a)
        return 1.0                          # never below phi0 = 0.5
    r = armijo(phi, 0.5, -1.0, maxiter=7)
    assert not r.success and r.nfev == 7 == len(calls)
    assert r.alpha == 0.5 ** 6 and "7 trials" in r.message


def test_armijo_backs_off_from_non_finite_values():
    phi = lambda a: math.nan if a > 0.3 else (a - 0.25) ** 2   # noqa: E731
    r = armijo(phi, 0.0625, -0.5)
    assert r.success and r.alpha == 0.25 and r.nfev == 3


@pytest.mark.parametrize("kwargs,match", [
    ({"dphi0": 0.0}, "descent direction"), ({"dphi0": 1.0}, "descent direction"),
    ({"dphi0": math.nan}, "dphi0"), ({"phi0": math.inf}, "phi0 must be finite"),
    ({"alpha0": 0.0}, "alpha0 must be > 0"), ({"c1": 1.0}, "c1 must be in"),
    ({"shrink": 1.0}, "shrink must be in"), ({"maxiter": 0}, "maxiter must be"),
])
def test_armijo_bad_input(kwargs, match):
    args = {"phi0": 1.0, "dphi0": -1.0}
    args.update(kwargs)
    with pytest.raises(ValueError, match=match):
        armijo(lambda a: 0.0, args.pop("phi0"), args.pop("dphi0"), **args)


# ---------------------------------------------------------------------------
# Strong Wolfe
# ---------------------------------------------------------------------------
def test_strong_wolfe_exact_on_a_quadratic_by_cubic_interpolation():
    # phi = (a - 0.3)^2: alpha = 1 fails Armijo; the cubic through (0, 1) is exact: 0.3
    r = strong_wolfe(lambda a: ((a - 0.3) ** 2, 2 * (a - 0.3)), 0.09, -0.6, c2=0.1)
    assert r.success and r.alpha == pytest.approx(0.3, abs=1e-14) and r.nfev == 2


@pytest.mark.parametrize("c1,c2", [(1e-4, 0.9), (1e-4, 0.1), (0.1, 0.4)])
def test_strong_wolfe_conditions_hold_on_random_problems(c1, c2):
    for f, g, x, d in PROBLEMS:
        phi0 = f(x)
        dphi0 = float(g(x) @ d)
        r = strong_wolfe(_phi_dphi(f, g, x, d), phi0, dphi0, 1.0, c1=c1, c2=c2)
        assert r.success, r.message
        assert r.nfev <= 20 and r.ngev == r.nfev
        assert r.phi == f(x + r.alpha * d)
        assert r.dphi == pytest.approx(float(g(x + r.alpha * d) @ d), rel=1e-15, abs=0)
        assert r.phi <= phi0 + c1 * r.alpha * dphi0 + ROUND * abs(phi0)
        assert abs(r.dphi) <= c2 * abs(dphi0)


def test_strong_wolfe_needs_fewer_evaluations_than_scipy():
    ours = theirs_f = theirs_g = 0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for f, g, x, d in PROBLEMS:
            gx = g(x)
            r = strong_wolfe(_phi_dphi(f, g, x, d), f(x), float(gx @ d))
            ours += r.nfev
            sp = sp_line_search(f, g, x, d, gfk=gx, old_fval=f(x))
            theirs_f += sp[1]
            theirs_g += sp[2]
    # each of our evaluations is one f and one gradient; SciPy counts them separately
    assert ours <= theirs_f, (ours, theirs_f, theirs_g)
    assert ours <= 1.1 * max(theirs_f, theirs_g)


def test_strong_wolfe_passes_the_extra_item_of_the_accepted_step():
    x = np.array([-1.2, 1.0])
    d = -rosenbrock_grad(x) * 1e-3

    def phi_dphi(a):
        xa = x + a * d
        ga = rosenbrock_grad(xa)
        return rosenbrock(xa), float(ga @ d), (a, ga)
    r = strong_wolfe(phi_dphi, rosenbrock(x), float(rosenbrock_grad(x) @ d))
    assert r.success and r.extra[0] == r.alpha
    np.testing.assert_array_equal(r.extra[1], rosenbrock_grad(x + r.alpha * d))


def test_strong_wolfe_never_exceeds_maxiter():
    for maxiter in (1, 2, 3, 5):
        for f, g, x, d in PROBLEMS[:60]:
            calls = []

            def pd(a, f=f, g=g, x=x, d=d):
                calls.append(a)
                return f(x + a * d), float(g(x + a * d) @ d)
            r = strong_wolfe(pd, f(x), float(g(x) @ d), 1.0, c2=0.01, maxiter=maxiter)
            assert r.nfev == len(calls) <= maxiter
            if not r.success:              # the best Armijo point found, or no step
                assert "maxiter" in r.message or "rounding" in r.message
                assert r.alpha == 0.0 or r.phi < f(x)


def test_strong_wolfe_unbounded_below_stops_at_alpha_max():
    r = strong_wolfe(lambda a: (-a, -1.0), 0.0, -1.0, alpha_max=100.0, maxiter=50)
    assert not r.success and r.alpha == 100.0 and "alpha_max" in r.message


def test_strong_wolfe_backs_off_from_non_finite_values():
    def pd(a):
        if a > 2.0:
            return math.inf, math.nan
        return (a - 1.5) ** 2, 2 * (a - 1.5)
    r = strong_wolfe(pd, 2.25, -3.0, alpha0=8.0, c2=0.1)
    assert r.success and 0 < r.alpha <= 2.0 and abs(r.dphi) <= 0.3


def test_strong_wolfe_extrapolates_when_the_first_step_is_short():
    # phi = (a - 50)^2 from alpha0 = 1: the bracket grows within Moré–Thuente's bounds
    r = strong_wolfe(lambda a: ((a - 50.0) ** 2, 2 * (a - 50.0)), 2500.0, -100.0, c2=0.1)
    assert r.success and abs(r.alpha - 50.0) <= 5.0 and r.nfev <= 6


@pytest.mark.parametrize("kwargs,match", [
    ({"dphi0": 0.0}, "descent direction"), ({"c2": 1e-5}, "c2 must satisfy"),
    ({"c2": 1.0}, "c2 must satisfy"), ({"alpha_max": 0.0}, "alpha_max must be > 0"),
    ({"maxiter": 2.5}, "maxiter must be"),
])
def test_strong_wolfe_bad_input(kwargs, match):
    args = {"phi0": 1.0, "dphi0": -1.0}
    args.update(kwargs)
    with pytest.raises(ValueError, match=match):
        strong_wolfe(lambda a: (0.0, 0.0), args.pop("phi0"), args.pop("dphi0"), **args)


# ---------------------------------------------------------------------------
# Explanations
# ---------------------------------------------------------------------------
def test_armijo_explains_each_trial():
    with mathforml.explain() as work:
        r = armijo(lambda a: (a - 2.0) ** 2, 4.0, -4.0, alpha0=8.0)
    trials = work.find("Trial step")
    assert [s.values["alpha"] for s in trials] == [8.0, 4.0, 2.0]
    assert [s.values["armijo"] for s in trials] == [False, False, True]
    assert trials[0].values["bound"] == pytest.approx(4.0 - 1e-4 * 8.0 * 4.0)
    res = work.find("Line search result")[0].values
    assert res["alpha"] == r.alpha and res["nfev"] == 3 and res["success"]


def test_strong_wolfe_explains_each_trial_and_is_bit_identical():
    f, g, x, d = PROBLEMS[1]
    pd = _phi_dphi(f, g, x, d)
    plain = strong_wolfe(pd, f(x), float(g(x) @ d), c2=0.1)
    with mathforml.explain() as work:
        shown = strong_wolfe(pd, f(x), float(g(x) @ d), c2=0.1)
    assert (plain.alpha, plain.phi, plain.dphi, plain.nfev) == (shown.alpha, shown.phi,
                                                                  shown.dphi, shown.nfev)
    trials = work.find("Trial step")
    assert len(trials) == shown.nfev
    assert trials[-1].values["alpha"] == shown.alpha
    assert trials[-1].values["armijo"] and trials[-1].values["curvature"]
    assert {s.values["phase"] for s in trials} <= {"bracket", "zoom"}
    assert work.find("Line search result")[0].values["success"]
