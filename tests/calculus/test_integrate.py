"""Tests for mathforml.calculus.integrate against scipy.integrate, numpy and mpmath."""
import math
import pickle
import warnings

import mpmath
import numpy as np
import pytest
import scipy.integrate as si

from mathforml.calculus import integrate as integ
from mathforml.calculus.integrate import (MonteCarloResult, QuadResult, gauss_legendre,
                                          legendre_nodes_weights, monte_carlo, quad, simpson,
                                          trapezoid)
from mathforml.exceptions import ConvergenceWarning
from mathforml.explain import explain

SQRT_PI = math.sqrt(math.pi)


# ---------------------------------------------------------------------------
# trapezoid / simpson on samples
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("N", [1, 2, 3, 4, 5, 6, 11, 12, 101])
def test_samples_uniform_match_scipy(N):
    y = np.cos(np.linspace(0.0, 2.0, N)) + 0.3
    np.testing.assert_allclose(trapezoid(y, dx=0.25), si.trapezoid(y, dx=0.25),
                               rtol=1e-14, atol=1e-15)
    np.testing.assert_allclose(simpson(y, dx=0.25), si.simpson(y, dx=0.25),
                               rtol=1e-14, atol=1e-15)


@pytest.mark.parametrize("N", [2, 3, 4, 5, 8, 9, 40, 41])
def test_samples_irregular_match_scipy(N):
    rng = np.random.default_rng(N)
    x = np.sort(rng.uniform(-1.0, 3.0, N))
    y = np.exp(x) * np.sin(3 * x)
    np.testing.assert_allclose(trapezoid(y, x), si.trapezoid(y, x=x), rtol=1e-13, atol=1e-14)
    np.testing.assert_allclose(simpson(y, x), si.simpson(y, x=x), rtol=1e-12, atol=1e-13)


def test_samples_repeated_nodes_match_scipy():
    x = np.array([0.0, 0.5, 0.5, 1.0, 1.5, 1.5, 2.0])    # zero spacings take SciPy's guard
    y = x ** 2 + 1
    np.testing.assert_allclose(simpson(y, x), si.simpson(y, x=x), rtol=1e-14)
    np.testing.assert_allclose(simpson(y[:-1], x[:-1]), si.simpson(y[:-1], x=x[:-1]),
                               rtol=1e-14)
    np.testing.assert_allclose(trapezoid(y, x), si.trapezoid(y, x=x), rtol=1e-14)


@pytest.mark.parametrize("axis", [0, 1, -1, 2])
@pytest.mark.parametrize("rule,ref", [(trapezoid, si.trapezoid), (simpson, si.simpson)])
def test_samples_axis_and_nd_x(rule, ref, axis):
    rng = np.random.default_rng(7)
    y = rng.standard_normal((6, 5, 7))
    n_ax = y.shape[axis]
    x1 = np.cumsum(rng.uniform(0.1, 1.0, n_ax))
    np.testing.assert_allclose(rule(y, x1, axis=axis), ref(y, x=x1, axis=axis),
                               rtol=1e-12, atol=1e-13)
    xfull = np.cumsum(rng.uniform(0.1, 1.0, y.shape), axis=axis)
    np.testing.assert_allclose(rule(y, xfull, axis=axis), ref(y, x=xfull, axis=axis),
                               rtol=1e-12, atol=1e-13)
    np.testing.assert_allclose(rule(y, dx=0.3, axis=axis), ref(y, dx=0.3, axis=axis),
                               rtol=1e-12, atol=1e-13)


def test_samples_float32_and_int():
    y32 = np.linspace(0, 1, 9, dtype=np.float32) ** 2
    assert trapezoid(y32, dx=0.125).dtype == np.float32
    assert simpson(y32, dx=0.125).dtype == np.float32
    np.testing.assert_allclose(simpson(y32, dx=0.125), 1 / 3, rtol=1e-6)
    assert trapezoid([1, 2, 3]).dtype == np.float64
    assert trapezoid([1, 2, 3]) == 4.0
    assert simpson([5.0]) == 0.0 and trapezoid([5.0]) == 0.0
    np.testing.assert_allclose(simpson([1.0, 3.0], dx=2.0), 4.0)   # two samples: trapezoid


def test_simpson_odd_intervals_exact_for_quadratics():
    # Cartwright's last-interval correction is a parabola through the last three points,
    # so an odd number of intervals (even number of samples) is still exact for quadratics
    x = np.array([0.0, 0.3, 0.7, 1.2, 1.5, 2.1])
    y = 3 * x ** 2 - x + 2
    exact = 2.1 ** 3 - 2.1 ** 2 / 2 + 2 * 2.1
    assert abs(simpson(y, x) - exact) < 1e-13


# ---------------------------------------------------------------------------
# trapezoid / simpson on functions
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("n", [1, 2, 3, 7, 10, 64])
def test_function_form_is_the_sample_rule(n):
    f = lambda x: np.exp(-x) * np.cos(2 * x)  # noqa: E731
    x = np.linspace(-0.5, 2.0, n + 1)
    assert abs(trapezoid(f, -0.5, 2.0, n=n) - si.trapezoid(f(x), x=x)) < 1e-14
    assert abs(simpson(f, -0.5, 2.0, n=n) - si.simpson(f(x), x=x)) < 1e-14
    assert isinstance(trapezoid(f, -0.5, 2.0, n=n), float)


def test_function_form_reversed_limits_and_default_n():
    assert abs(trapezoid(np.sin, 1.0, 0.0) + trapezoid(np.sin, 0.0, 1.0)) < 1e-15
    assert abs(simpson(np.sin, 1.0, 0.0, 10) + simpson(np.sin, 0.0, 1.0, 10)) < 1e-15
    assert abs(simpson(np.sin, 0.0, np.pi) - 2.0) < 1e-7      # n=100 default, h^4 ~ 1e-8


def _observed_order(rule, ns):
    exact = math.e - 1
    errs = [abs(rule(np.exp, 0.0, 1.0, n=n) - exact) for n in ns]
    return np.log2(np.array(errs[:-1]) / np.array(errs[1:]))


def test_trapezoid_converges_like_h2():
    orders = _observed_order(trapezoid, [8, 16, 32, 64, 128])
    np.testing.assert_allclose(orders, 2.0, atol=0.01)


def test_simpson_converges_like_h4():
    orders = _observed_order(simpson, [4, 8, 16, 32, 64])
    np.testing.assert_allclose(orders, 4.0, atol=0.02)


# ---------------------------------------------------------------------------
# Gauss--Legendre
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("n", [1, 2, 3, 4, 5, 7, 10, 20, 33, 64, 100, 257, 300])
def test_legendre_matches_leggauss(n):
    t, w = legendre_nodes_weights(n)
    tr, wr = np.polynomial.legendre.leggauss(n)
    assert np.max(np.abs(t - tr)) <= 1e-15
    # leggauss's own end weights are off by up to ~1e-16 n (see the mpmath test: ours are not)
    assert np.max(np.abs(w - wr)) <= max(1e-14, 1e-16 * n)
    assert abs(math.fsum(w) - 2.0) <= 4e-15
    np.testing.assert_array_equal(t, -t[::-1])      # exactly symmetric
    np.testing.assert_array_equal(w, w[::-1])
    assert np.all(np.diff(t) > 0) and np.all(w > 0)


@pytest.mark.parametrize("n", [9, 200, 257])
def test_legendre_against_mpmath(n):
    t, w = legendre_nodes_weights(n)
    mpmath.mp.dps = 40
    for i in [0, 1, 2, n // 3, n // 2]:
        x = mpmath.mpf(t[i])
        for _ in range(4):                           # polish in 40 digits
            x -= mpmath.legendre(n, x) / mpmath.diff(lambda z: mpmath.legendre(n, z), x)
        dp = mpmath.diff(lambda z: mpmath.legendre(n, z), x)
        w_exact = 2 / ((1 - x ** 2) * dp ** 2)
        assert abs(float(t[i] - x)) <= 1.2e-16
        assert abs(float(w[i] / w_exact - 1)) <= 2e-12   # relative, tiny end weights included


def test_legendre_cached_and_copies():
    integ._legendre_cached.cache_clear()
    t1, w1 = legendre_nodes_weights(17)
    t1[:] = 0.0
    w1[:] = 0.0
    t2, w2 = legendre_nodes_weights(17)
    np.testing.assert_allclose(t2, np.polynomial.legendre.leggauss(17)[0], atol=1e-15)
    info = integ._legendre_cached.cache_info()
    assert info.hits == 1 and info.misses == 1


@pytest.mark.parametrize("n", [1, 2, 3, 5, 8, 12])
def test_gauss_legendre_exact_to_degree_2n_minus_1(n):
    rng = np.random.default_rng(n)
    coef = rng.standard_normal(2 * n)                 # degree 2n - 1
    p = np.polynomial.Polynomial(coef)
    a, b = -0.7, 1.9
    exact = p.integ()(b) - p.integ()(a)
    assert abs(gauss_legendre(p, a, b, n) - exact) <= 1e-13 * max(1.0, abs(exact))
    # degree 2n is not: the error of x^{2n} on [-1, 1] is 2^{2n+1} (n!)^4 / ((2n+1) ((2n)!)^2)
    err = 2 / (2 * n + 1) - gauss_legendre(lambda x: x ** (2 * n), -1.0, 1.0, n)
    theory = 2 ** (2 * n + 1) * math.factorial(n) ** 4 / ((2 * n + 1)
                                                          * math.factorial(2 * n) ** 2)
    assert err == pytest.approx(theory, rel=1e-6)


def test_gauss_legendre_smooth_and_reversed():
    assert abs(gauss_legendre(np.exp, 0.0, 1.0, 10) - (math.e - 1)) < 1e-15
    assert abs(gauss_legendre(np.cos, 2.0, 0.0, 15) + math.sin(2.0)) < 1e-15
    assert gauss_legendre(np.exp, 1.5, 1.5, 5) == 0.0


# ---------------------------------------------------------------------------
# quad
# ---------------------------------------------------------------------------
def _gauss(x):
    return np.exp(-0.5 * ((x - 0.3) / 0.7) ** 2) / (0.7 * math.sqrt(2 * math.pi))


QUAD_CASES = [
    ("exp", np.exp, 0.0, 1.0, math.e - 1),
    ("exp wide", np.exp, -3.0, 5.0, math.exp(5) - math.exp(-3)),
    ("sin", np.sin, 0.0, math.pi, 2.0),
    ("sin long", np.sin, 0.0, 30.0, 1 - math.cos(30.0)),
    ("poly", lambda x: 3 * x ** 7 - 2 * x ** 3 + x - 5, -2.0, 1.5, None),
    ("lorentz", lambda x: 1 / (1 + x ** 2), -4.0, 9.0, math.atan(9.0) + math.atan(4.0)),
    ("gaussian", _gauss, -3.0, 4.0, None),
    ("sqrt", np.sqrt, 0.0, 2.0, 2 / 3 * 2 ** 1.5),
    ("log", np.log, 0.0, 1.0, -1.0),
    ("gauss inf", lambda x: np.exp(-x ** 2), -np.inf, np.inf, SQRT_PI),
    ("lorentz half inf", lambda x: 1 / (1 + x ** 2), 0.0, np.inf, math.pi / 2),
    ("lorentz inf", lambda x: 1 / (1 + x ** 2), -np.inf, np.inf, math.pi),
    ("exp left inf", np.exp, -np.inf, 0.5, math.exp(0.5)),
    ("gaussian pdf inf", _gauss, -np.inf, np.inf, 1.0),
    ("gaussian tail", _gauss, 1.0, np.inf, None),
    ("x exp", lambda x: x * np.exp(-x), 0.0, np.inf, 1.0),
]


@pytest.mark.parametrize("rule", ["gk21", "gk15"])
@pytest.mark.parametrize("name,f,a,b,exact", QUAD_CASES, ids=[c[0] for c in QUAD_CASES])
def test_quad_matches_scipy(name, f, a, b, exact, rule):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", si.IntegrationWarning)   # scipy at its round-off level
        ref, _ = si.quad(f, a, b, epsabs=1e-13, epsrel=1e-13, limit=200)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        res = quad(f, a, b, rule=rule)
    value, abserr = res
    assert abs(value - ref) <= 1e-10 * max(1.0, abs(ref))
    if exact is not None:
        assert abs(value - exact) <= 1e-10 * max(1.0, abs(exact))
    assert res.converged and abserr <= max(1e-10, 1e-10 * abs(value))
    assert abs(value - ref) <= abserr + 1e-14 * abs(ref)   # the estimate bounds the error


def test_quad_reversed_and_empty():
    assert quad(np.exp, 1.0, 0.0).value == -quad(np.exp, 0.0, 1.0).value
    assert abs(quad(lambda x: 1 / (1 + x ** 2), np.inf, 0.0).value + math.pi / 2) < 1e-12
    assert abs(quad(lambda x: np.exp(-x ** 2), np.inf, -np.inf).value + SQRT_PI) < 1e-12

    def never(x):
        raise AssertionError("f must not be called on an empty interval")
    res = quad(never, 2.0, 2.0)
    assert tuple(res) == (0.0, 0.0) and res.neval == 0 and res.nintervals == 0
    assert quad(never, np.inf, np.inf).value == 0.0


def test_quad_counts_and_vectorised_calls():
    calls = []

    def f(x):
        calls.append(x.shape)
        return np.sqrt(x)
    res = quad(f, 0.0, 1.0)
    assert res.nintervals > 1
    assert res.neval == 21 * (2 * res.nintervals - 1)
    assert calls[0] == (21,) and set(calls[1:]) == {(42,)}   # both halves in one call
    res15 = quad(np.sqrt, 0.0, 1.0, rule="gk15")
    assert res15.neval == 15 * (2 * res15.nintervals - 1)


def test_quad_result_type():
    res = quad(np.cos, 0.0, 1.0)
    assert isinstance(res, QuadResult) and isinstance(res, tuple) and len(res) == 2
    assert res.value == res[0] and res.abserr == res[1]
    back = pickle.loads(pickle.dumps(res))
    assert tuple(back) == tuple(res) and back.neval == res.neval and back.converged
    assert "neval=21" in repr(res)


def test_quad_limit_warns():
    with pytest.warns(ConvergenceWarning, match="subdivision limit 3 was reached"):
        res = quad(lambda x: np.sin(40 * x), 0.0, 10.0, limit=3)
    assert not res.converged and res.nintervals == 3
    with pytest.warns(ConvergenceWarning, match="quad:"):
        res = quad(lambda x: 1 / x, 0.0, 1.0)                 # not integrable
    assert not res.converged


def test_quad_tolerances():
    f = lambda x: np.exp(np.sin(5 * x))  # noqa: E731
    ref = si.quad(f, 0.0, 7.0, epsabs=1e-12, epsrel=1e-12, limit=200)[0]
    loose = quad(f, 0.0, 7.0, 1e-3, rtol=0.0)
    tight = quad(f, 0.0, 7.0, 1e-12, rtol=0.0)
    assert loose.abserr <= 1e-3 and abs(loose.value - ref) <= 1e-3
    assert tight.abserr <= 1e-12 and abs(tight.value - ref) <= 1e-12
    assert tight.nintervals > loose.nintervals
    # QUADPACK's floor 50 eps sum|f| ~ 1.03e-13 here: 1e-13 is unreachable -> round-off exit
    with pytest.warns(ConvergenceWarning, match="below the round-off level"):
        res = quad(f, 0.0, 7.0, 1e-13, rtol=0.0)
    assert not res.converged and res.nintervals < 100 and abs(res.value - ref) <= 1e-12


def test_quad_scalar_only_integrand_falls_back():
    res = quad(lambda x: math.exp(x), 0.0, 1.0)              # math.exp rejects arrays
    assert abs(res.value - (math.e - 1)) < 1e-14
    res = quad(lambda x: x if x > 0 else 0.0, -1.0, 2.0)       # 'if' on an array raises
    assert abs(res.value - 2.0) < 1e-12
    assert quad(lambda x: 2.5, 0.0, 2.0).value == pytest.approx(5.0, abs=1e-14)  # scalar out
    assert trapezoid(lambda x: math.cos(x), 0.0, 1.0, n=50) == pytest.approx(
        trapezoid(np.cos, 0.0, 1.0, n=50), abs=1e-15)


# ---------------------------------------------------------------------------
# Monte Carlo
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("seed", range(5))
def test_monte_carlo_box_within_4_stderr(seed):
    res = monte_carlo(lambda x: x ** 2, (0.0, 2.0), 20_000, rng=seed)
    assert abs(res.estimate - 8 / 3) <= 4 * res.stderr
    res3 = monte_carlo(lambda X: X.sum(axis=1) ** 2, ([0.0, 0.0, -1.0], [1.0, 2.0, 1.0]),
                       20_000, rng=seed)
    # int over [0,1]x[0,2]x[-1,1] of (x+y+z)^2: volume 4, E = var + mean^2 = (1/12+4/12+4/12) + 1.5^2
    exact = 4 * (9 / 12 + 1.5 ** 2)
    assert abs(res3.estimate - exact) <= 4 * res3.stderr


@pytest.mark.parametrize("seed", range(5))
def test_monte_carlo_sampler_within_4_stderr(seed):
    res = monte_carlo(lambda x: np.cos(x), lambda rng, n: rng.standard_normal(n), 10_000,
                      rng=seed)
    assert abs(res.estimate - math.exp(-0.5)) <= 4 * res.stderr      # E[cos Z] = e^{-1/2}
    mvn = lambda rng, n: rng.standard_normal((n, 2)) * [1.0, 2.0]  # noqa: E731
    res2 = monte_carlo(lambda X: X[:, 0] ** 2 + X[:, 1] ** 2, mvn, 10_000, rng=seed)
    assert abs(res2.estimate - 5.0) <= 4 * res2.stderr


def test_monte_carlo_stderr_scales_like_inverse_sqrt_n():
    se = [monte_carlo(np.exp, (0.0, 1.0), n, rng=11).stderr for n in (4_000, 16_000, 64_000)]
    ratios = np.array(se[:-1]) / np.array(se[1:])
    np.testing.assert_allclose(ratios, 2.0, rtol=0.05)
    sd_exact = math.sqrt((math.e ** 2 - 1) / 2 - (math.e - 1) ** 2)   # sd of e^U
    np.testing.assert_allclose(np.array(se) * np.sqrt([4_000, 16_000, 64_000]), sd_exact,
                               rtol=0.05)


def test_monte_carlo_result_and_rng():
    res = monte_carlo(np.sin, (0.0, 1.0), 1000, rng=3, confidence=0.9)
    assert isinstance(res, MonteCarloResult) and len(res) == 2
    z = 1.6448536269514722
    assert res.ci == pytest.approx((res.estimate - z * res.stderr, res.estimate + z * res.stderr),
                                   rel=1e-14)
    assert res.n == 1000 and res.confidence == 0.9
    # the estimate is the mean of f at the Generator's uniforms, nothing else
    u = np.random.default_rng(3).random(1000)
    assert res.estimate == pytest.approx(np.mean(np.sin(u)), rel=1e-15)
    assert res.stderr == pytest.approx(np.std(np.sin(u), ddof=1) / math.sqrt(1000), rel=1e-12)
    assert tuple(monte_carlo(np.sin, (0.0, 1.0), 1000, rng=3, confidence=0.9)) == tuple(res)
    g = np.random.default_rng(5)
    r1 = monte_carlo(np.sin, (0.0, 1.0), 100, rng=g)
    r2 = monte_carlo(np.sin, (0.0, 1.0), 100, rng=g)
    assert r1.estimate != r2.estimate                         # the Generator advanced
    back = pickle.loads(pickle.dumps(res))
    assert tuple(back) == tuple(res) and back.ci == res.ci


# ---------------------------------------------------------------------------
# Bad input
# ---------------------------------------------------------------------------
def test_non_callable_f():
    with pytest.raises(TypeError, match="f must be callable"):
        quad(3.0, 0, 1)
    with pytest.raises(TypeError, match="f must be callable"):
        gauss_legendre("sin", 0, 1, 4)
    with pytest.raises(TypeError, match="f must be callable"):
        monte_carlo(None, (0, 1), 10)


@pytest.mark.parametrize("call", [
    lambda: trapezoid(np.sin, 0, 1, n=0),
    lambda: simpson(np.sin, 0, 1, n=-2),
    lambda: gauss_legendre(np.sin, 0, 1, 0),
    lambda: legendre_nodes_weights(0),
    lambda: monte_carlo(np.sin, (0, 1), 1),
])
def test_bad_n(call):
    with pytest.raises(ValueError, match=r"n must be >= \d, got -?\d"):
        call()


@pytest.mark.parametrize("call,match", [
    (lambda: quad(np.sin, np.nan, 1.0), "a must not be NaN"),
    (lambda: quad(np.sin, 0.0, float("nan")), "b must not be NaN"),
    (lambda: gauss_legendre(np.sin, 0.0, np.inf, 5), "b must be finite, got inf"),
    (lambda: trapezoid(np.sin, -np.inf, 1.0, n=5), "a must be finite, got -inf"),
    (lambda: simpson(np.sin, 0.0, np.nan), "b must not be NaN"),
    (lambda: quad(np.sin, 0, 1, tol=0.0, rtol=0.0), "tol and rtol must not both be 0"),
    (lambda: quad(np.sin, 0, 1, tol=-1.0), "tol must be >= 0"),
    (lambda: quad(np.sin, 0, 1, limit=0), "limit must be >= 1, got 0"),
    (lambda: quad(np.sin, 0, 1, rule="gk99"), "rule must be one of"),
    (lambda: trapezoid([]), "no samples along axis"),
    (lambda: trapezoid(3.0), "at least one dimension"),
    (lambda: simpson([1.0, 2.0, 3.0], [0.0, 1.0]), "x has 2 points but y has 3"),
    (lambda: simpson(np.ones((2, 3)), np.ones((3, 2))), "x must be 1-D"),
    (lambda: trapezoid([1.0, np.nan]), "y contains NaN"),
    (lambda: trapezoid(np.ones(3), axis=1), "axis 1 is out of bounds"),
    (lambda: monte_carlo(np.sin, (1.0, 0.0), 10), "a < b"),
    (lambda: monte_carlo(np.sin, (0.0, 1.0), 10, confidence=1.0), "confidence must be in"),
    (lambda: monte_carlo(np.sin, lambda rng, n: rng.random(n - 1), 10),
     r"must return n = 10 samples"),
    (lambda: quad(lambda x: np.ones(3), 0, 1), r"must return an array of shape \(21,\)"),
])
def test_bad_values(call, match):
    with pytest.raises(ValueError, match=match):
        call()


@pytest.mark.parametrize("call,match", [
    (lambda: quad(np.sin, 1j, 2.0), "a must be a real number, got complex"),
    (lambda: gauss_legendre(np.sin, 0.0, "1", 3), "b must be a real number"),
    (lambda: quad(lambda x: np.exp(1j * x), 0, 1), "complex"),
    (lambda: gauss_legendre(lambda x: x + 0j, 0, 1, 3), "complex"),
    (lambda: trapezoid([1 + 1j, 2.0]), "complex"),
    (lambda: monte_carlo(np.sin, 5, 10), "sample must be a callable"),
    (lambda: gauss_legendre(np.sin, 0, 1, 2.5), "n must be an integer"),
    (lambda: trapezoid(np.sin, 0.0), "needs the limits a and b"),
    (lambda: trapezoid([1.0, 2.0], z=3), "unexpected or repeated argument 'z'"),
])
def test_bad_types(call, match):
    with pytest.raises(TypeError, match=match):
        call()


@pytest.mark.parametrize("call,where", [
    (lambda: quad(lambda x: 1 / (x - 0.5), 0.0, 1.0), "x = 0.5"),
    (lambda: gauss_legendre(lambda x: np.log(x - 0.5), 0.0, 1.0, 4), "x = 0.0694318"),
    (lambda: trapezoid(lambda x: 1 / x, 0.0, 1.0, n=4), "x = 0.0"),
    (lambda: quad(lambda x: np.where(x > 10, np.nan, 0.0), 0.0, np.inf), "x = 1"),
    (lambda: monte_carlo(lambda x: np.log(x - 0.5), (0.0, 1.0), 100, rng=0), "x = 0."),
])
def test_non_finite_integrand_names_the_point(call, where):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)   # numpy's divide/log warnings
        with pytest.raises(ValueError, match=rf"non-finite value \(.*\) at {where}"):
            call()


# ---------------------------------------------------------------------------
# Show your work
# ---------------------------------------------------------------------------
def test_explain_trapezoid_and_simpson():
    y = np.array([1.0, 4.0, 2.0, 5.0, 3.0])
    with explain() as work:
        I_t = trapezoid(y, dx=0.5)
        I_s = simpson(y, dx=0.5)
    t, s = work.find("Composite trapezoid")[0], work.find("Composite simpson")[0]
    np.testing.assert_array_equal(t.values["weights"], [0.25, 0.5, 0.5, 0.5, 0.25])
    np.testing.assert_allclose(s.values["weights"], np.array([1, 4, 2, 4, 1]) * 0.5 / 3)
    np.testing.assert_array_equal(t.values["nodes"], [0.0, 0.5, 1.0, 1.5, 2.0])
    assert t.values["running_sum"][-1] == I_t and s.values["integral"] == I_s
    np.testing.assert_allclose(t.values["running_sum"], np.cumsum(t.values["weights"] * y))
    assert I_t == trapezoid(y, dx=0.5) and I_s == simpson(y, dx=0.5)
    with explain() as work:                                   # large n: bounded previews
        trapezoid(np.sin, 0.0, 1.0, n=100_000)
    assert type(work.steps[0].values["running_sum"]).__name__ == "ArrayPreview"


def test_explain_gauss_legendre():
    with explain() as work:
        I = gauss_legendre(np.exp, 0.0, 2.0, 5)
    assert I == gauss_legendre(np.exp, 0.0, 2.0, 5)
    nw = work.find("Gauss-Legendre nodes and weights")[0]
    tr, wr = np.polynomial.legendre.leggauss(5)
    np.testing.assert_allclose(nw.values["nodes"], tr, atol=1e-15)
    np.testing.assert_allclose(nw.values["weights"], wr, atol=1e-15)
    assert work.find("Newton sweep")                           # the Newton iterations
    assert work.values("max_correction")[-1] < 1e-12
    final = work.find("Map the nodes")[0]
    np.testing.assert_allclose(final.values["x"], tr + 1.0, atol=1e-15)
    assert final.values["running_sum"][-1] == pytest.approx(I, rel=1e-15)
    assert final.values["integral"] == I
    text = str(work)
    assert "Newton" in text and "running_sum" in text


def test_explain_quad_bounded_and_identical():
    f = lambda x: np.sin(30 * x) * np.exp(-x)  # noqa: E731
    plain = quad(f, 0.0, 6.0, limit=200)
    with explain(head=3, every=20) as work:
        recorded = quad(f, 0.0, 6.0, limit=200)
    assert tuple(recorded) == tuple(plain) and recorded.neval == plain.neval
    bisect = work.find("Bisect")
    assert plain.nintervals - 1 > len(bisect) >= 4          # thinned
    assert bisect[-1].values["nintervals"] == plain.nintervals   # the last one is kept
    result = work.find("Result")[0]
    assert result.values["abserr"] == plain.abserr and result.values["integral"] == plain.value
    assert result.values["neval"] == plain.neval
    nodes = work.find("Kronrod nodes")[0].values["nodes"]
    assert nodes.size == 21 and nodes[10] == 0.0
    with explain() as work:
        inf = quad(lambda x: np.exp(-x ** 2), -np.inf, np.inf)
    assert "t/(1 - t^2)" in work.find("Substitute")[0].formula
    assert tuple(inf) == tuple(quad(lambda x: np.exp(-x ** 2), -np.inf, np.inf))


def test_explain_monte_carlo():
    plain = monte_carlo(np.exp, (0.0, 1.0), 5000, rng=1)
    with explain() as work:
        recorded = monte_carlo(np.exp, (0.0, 1.0), 5000, rng=1)
    assert tuple(recorded) == tuple(plain) and recorded.ci == plain.ci
    st = work.find("Monte Carlo estimate")[0]
    assert st.values["n"] == 5000
    assert st.values["estimate"] == plain.estimate and st.values["stderr"] == plain.stderr
    assert "stderr" in str(work)


def test_results_identical_with_recorder():
    y = np.random.default_rng(0).standard_normal((4, 9))
    plain = (trapezoid(y, axis=1), simpson(y, dx=0.1), simpson(np.cos, 0, 1, n=7),
             gauss_legendre(np.cos, 0, 1, 40))
    with explain():
        rec = (trapezoid(y, axis=1), simpson(y, dx=0.1), simpson(np.cos, 0, 1, n=7),
               gauss_legendre(np.cos, 0, 1, 40))
    for p, r in zip(plain, rec):
        np.testing.assert_array_equal(p, r)
