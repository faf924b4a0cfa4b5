"""Taylor series by Taylor-mode autodiff, Taylor polynomials, quadratic approximations."""
from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pytest
import sympy as sp

import mathforml
from mathforml.calculus import autodiff as ad
from mathforml.calculus.autodiff import (
    abs as ad_abs, concatenate, cos, exp, grad, log, log1p, log_softmax, logsumexp, maximum,
    minimum, relu, sigmoid, sin, softmax, softplus, sqrt, stack, tanh, where,
)
from mathforml.calculus.taylor import (
    QuadraticApproximation, TaylorPolynomial, quadratic_approximation, taylor_coefficients,
    taylor_polynomial,
)

EPS = np.finfo(np.float64).eps


def inv_factorial(k: int) -> float:
    return 1 / math.factorial(k)          # int / int: correctly rounded


# ---------------------------------------------------------------------------
# Known series at 0
# ---------------------------------------------------------------------------
K_MAX = 30


def test_exp_at_zero_is_one_over_k_factorial():
    c = taylor_coefficients(exp, 0.0, K_MAX)
    ref = np.array([inv_factorial(k) for k in range(K_MAX + 1)])
    assert c.shape == (K_MAX + 1,)
    np.testing.assert_allclose(c, ref, rtol=4 * EPS, atol=0)


def test_sin_at_zero_alternating_odd():
    c = taylor_coefficients(sin, 0.0, K_MAX)
    ref = np.array([0.0 if k % 2 == 0 else (-1) ** (k // 2) * inv_factorial(k)
                    for k in range(K_MAX + 1)])
    np.testing.assert_allclose(c, ref, rtol=20 * EPS, atol=0)
    assert np.all(c[::2] == 0)


def test_cos_at_zero_alternating_even():
    c = taylor_coefficients(cos, 0.0, K_MAX)
    ref = np.array([0.0 if k % 2 else (-1) ** (k // 2) * inv_factorial(k)
                    for k in range(K_MAX + 1)])
    np.testing.assert_allclose(c, ref, rtol=20 * EPS, atol=0)


@pytest.mark.parametrize("f", [lambda x: log1p(x), lambda x: log(1 + x)],
                         ids=["log1p(x)", "log(1+x)"])
def test_log_one_plus_x_at_zero(f):
    c = taylor_coefficients(f, 0.0, K_MAX)
    ref = np.array([0.0] + [(-1) ** (k + 1) / k for k in range(1, K_MAX + 1)])
    np.testing.assert_allclose(c, ref, rtol=40 * EPS, atol=0)


def test_geometric_and_binomial_series_at_zero():
    K = 20
    # 1/(1-x) = Σ x^k ; sqrt(1+x) = Σ binom(1/2, k) x^k ; (1+x)^-2 = Σ (-1)^k (k+1) x^k
    np.testing.assert_allclose(taylor_coefficients(lambda x: 1 / (1 - x), 0.0, K), np.ones(K + 1),
                               rtol=10 * EPS)
    binom = [float(Fraction(math.prod(Fraction(1, 2) - i for i in range(k)), math.factorial(k)))
             for k in range(K + 1)]
    np.testing.assert_allclose(taylor_coefficients(lambda x: sqrt(1 + x), 0.0, K), binom,
                               rtol=50 * EPS)
    np.testing.assert_allclose(taylor_coefficients(lambda x: (1 + x) ** -2, 0.0, K),
                               [(-1) ** k * (k + 1) for k in range(K + 1)], rtol=10 * EPS)
    np.testing.assert_allclose(taylor_coefficients(lambda x: (1 + x) ** 0.5, 0.0, K), binom,
                               rtol=50 * EPS)


def test_integer_power_at_zero_is_exact():
    # x^3/(1+x) = x^3 - x^4 + x^5 - ... : needs x**3 at x0 = 0 (no division by x0)
    c = taylor_coefficients(lambda x: x ** 3 / (1 + x), 0.0, 8)
    np.testing.assert_array_equal(c, [0, 0, 0, 1, -1, 1, -1, 1, -1])
    np.testing.assert_array_equal(taylor_coefficients(lambda x: x ** 0, 0.0, 3), [1, 0, 0, 0])
    np.testing.assert_array_equal(taylor_coefficients(lambda x: (2 + x) ** 5, 0.0, 6),
                                  [32, 80, 80, 40, 10, 1, 0])


# ---------------------------------------------------------------------------
# Against sympy at non-zero points
# ---------------------------------------------------------------------------
X = sp.Symbol("x")

SYMPY_CASES = {
    "exp(sin x)": (lambda x: exp(sin(x)), sp.exp(sp.sin(X)), "1/2", 10),
    "sqrt(1+x^2)": (lambda x: sqrt(1 + x ** 2), sp.sqrt(1 + X ** 2), "7/10", 10),
    "tanh(x) x": (lambda x: tanh(x) * x, sp.tanh(X) * X, "-2/5", 8),
    "sigmoid": (sigmoid, 1 / (1 + sp.exp(-X)), "13/10", 10),
    "sigmoid far out": (sigmoid, 1 / (1 + sp.exp(-X)), "25", 6),
    "tanh far out": (tanh, sp.tanh(X), "-12", 6),
    "x^3/(1+x)": (lambda x: x ** 3 / (1 + x), X ** 3 / (1 + X), "2", 10),
    "softplus": (softplus, sp.log(1 + sp.exp(X)), "-2", 8),
    "log(x) cos(x)": (lambda x: log(x) * cos(x), sp.log(X) * sp.cos(X), "3/2", 10),
    "x^2.5": (lambda x: x ** 2.5, X ** sp.Rational(5, 2), "6/5", 10),
    "x^-3": (lambda x: x ** -3, X ** -3, "4/5", 10),
    "2^x": (lambda x: 2.0 ** x, 2 ** X, "3/10", 10),
    "x^x": (lambda x: x ** x, X ** X, "11/10", 8),
    "log1p(x^2)/(2+sin x)": (lambda x: log1p(x ** 2) / (2 + sin(x)),
                             sp.log(1 + X ** 2) / (2 + sp.sin(X)), "9/10", 8),
    "|x| exp(x) at -1": (lambda x: ad_abs(x) * exp(x), -X * sp.exp(X), "-1", 10),
    "sqrt at 4": (sqrt, sp.sqrt(X), "4", 10),
    "1/(1+x^2) - x/3": (lambda x: 1 / (1 + x * x) - x / 3, 1 / (1 + X ** 2) - X / 3, "1/3", 10),
    "grad(x sin x)": (grad(lambda x: x * sin(x)), sp.sin(X) + X * sp.cos(X), "7/10", 8),
}


def sympy_coefficients(expr, x0: str, K: int) -> np.ndarray:
    point = sp.Rational(x0)
    d, out = expr, []
    for k in range(K + 1):
        out.append(float(sp.N(d.subs(X, point), 30) / sp.factorial(k)))
        d = sp.diff(d, X)
    return np.array(out)


@pytest.mark.parametrize("name", list(SYMPY_CASES))
def test_against_sympy(name):
    f, expr, x0, K = SYMPY_CASES[name]
    ref = sympy_coefficients(expr, x0, K)
    c = taylor_coefficients(f, float(sp.Rational(x0)), K)
    scale = np.max(np.abs(ref))
    np.testing.assert_allclose(c, ref, rtol=1e-12, atol=1e-14 * scale)


# ---------------------------------------------------------------------------
# Every operation of the engine: against nested reverse-mode derivatives
# ---------------------------------------------------------------------------
A = np.array([[1.0, -0.5, 0.25], [0.3, 0.2, -1.0]])
V3 = np.array([0.5, -1.0, 2.0])
V6 = np.linspace(-1.0, 1.2, 6)

OP_CASES = {
    "matmul left": lambda x: sin(A @ (x * V3)).sum(),
    "matmul right": lambda x: ((x * A.T) @ np.array([1.0, 2.0]) @ (x * V3 + 1.0)),
    "matmul both": lambda x: ((x * A) @ (exp(x * A.T))).sum(),
    "sum axis, mean, keepdims": lambda x: (exp(x * A).sum(axis=0) ** 2).sum()
                                         + ad.mean(sin(x * A), axis=1, keepdims=True).sum(),
    "reshape, transpose": lambda x: (ad.reshape(x * V6, (2, 3)).T ** 3 * A.T).sum(),
    "getitem, fancy": lambda x: (exp(x * V6)[1:4] * x).sum() + tanh(x * V6)[[0, 0, 5]].sum(),
    "concatenate, stack": lambda x: (concatenate([sin(x * V3), np.ones(2), x * V3]) ** 2).sum()
                                    + (stack([x, x * x, ad.Tensor(2.0)]) * V3).sum(),
    "broadcast_to": lambda x: (ad.broadcast_to(x * V3, (2, 3)) * A).sum() ** 2,
    "where, maximum, minimum": lambda x: (where(V6 > 0, exp(x * V6), x * x)
                                          + maximum(x * V6, 0.3) + minimum(sin(x * V6), x)).sum(),
    # relu(.) * relu(.), not relu(.) ** 2: the engine's nested pow rule gives
    # d³(u²)/du³ = nan at u = 0 (see the report), which would spoil the reference
    "relu, abs": lambda x: (relu(x * V6 - 0.1) * relu(x * V6 - 0.1) * x
                           + ad_abs(x * V6 + 0.05) * x).sum(),
    "max": lambda x: ad.max(sin(x * V6 + V6 ** 2)) + ad.max(x * A, axis=0).sum(),
    "logsumexp": lambda x: logsumexp(x * A, axis=1).sum() + logsumexp(x * V6),
    "softmax, log_softmax": lambda x: (softmax(x * A, axis=1) * A).sum()
                                      + log_softmax(x * V6)[2],
    "const / series, neg": lambda x: (-(2.0 / (1.5 + sin(x * V3)))).sum(),
    "scatter (grad of getitem)": grad(lambda x: (ad.reshape(x, (1,)) ** 3)[0] * exp(x)),
}


def nested_derivatives(f, x0: float, K: int) -> np.ndarray:
    v = f(ad.Tensor(x0))
    out, g = [float(v.data if isinstance(v, ad.Tensor) else v)], f
    for k in range(1, K + 1):
        g = grad(g)
        out.append(float(np.asarray(g(x0))) / math.factorial(k))
    return np.array(out)


@pytest.mark.parametrize("name", list(OP_CASES))
def test_every_op_against_nested_reverse_mode(name):
    f, x0, K = OP_CASES[name], 0.7, 4
    ref = nested_derivatives(f, x0, K)
    c = taylor_coefficients(f, x0, K)
    np.testing.assert_allclose(c, ref, rtol=1e-11, atol=1e-12 * np.max(np.abs(ref)))


def test_every_engine_op_has_a_series_rule():
    from mathforml.calculus.taylor import SERIES_RULES
    assert set(ad.RULES) <= set(SERIES_RULES)


def test_missing_rule_raises_type_error_naming_the_op():
    from mathforml.calculus.autodiff.tensor import Op, make
    mystery = Op("mystery", "cbrt(x)", [("g / (3 z²)", lambda g, z, x: g / (3 * z * z))], True)
    f = lambda x: exp(make(np.cbrt(x.data), mystery, (x,)))  # noqa: E731
    with pytest.raises(TypeError, match="series rule for the operation 'mystery'"):
        taylor_coefficients(f, 1.0, 3)


# ---------------------------------------------------------------------------
# Shapes, dtypes, special cases
# ---------------------------------------------------------------------------
def test_array_x0_is_elementwise():
    x0 = np.array([[0.0, 0.5], [-1.0, 2.0]])
    f = lambda x: exp(sin(x)) * x  # noqa: E731
    c = taylor_coefficients(f, x0, 6)
    assert c.shape == (7, 2, 2)
    for idx in np.ndindex(x0.shape):
        np.testing.assert_allclose(c[(slice(None),) + idx], taylor_coefficients(f, x0[idx], 6),
                                   rtol=1e-14, atol=1e-15)


def test_float32_stays_float32():
    c = taylor_coefficients(lambda x: exp(x) * cos(x), np.float32(0.0), 8)
    assert c.dtype == np.float32
    ref = taylor_coefficients(lambda x: exp(x) * cos(x), 0.0, 8)
    np.testing.assert_allclose(c, ref, rtol=1e-6, atol=1e-7)


def test_order_zero_and_constant_function():
    np.testing.assert_array_equal(taylor_coefficients(exp, 1.0, 0), [np.exp(1.0)])
    np.testing.assert_array_equal(taylor_coefficients(lambda x: 3.0, 2.0, 3), [3.0, 0, 0, 0])
    np.testing.assert_array_equal(taylor_coefficients(lambda x: x, 2.0, 3), [2.0, 1, 0, 0])


def test_value_is_the_forward_value_exactly():
    f = lambda x: sigmoid(x) * log(2 + x) + tanh(x) ** 2  # noqa: E731
    c = taylor_coefficients(f, 0.3, 5)
    assert c[0] == f(ad.Tensor(0.3)).data


def test_sqrt_at_zero_is_not_analytic():
    with np.errstate(divide="ignore", invalid="ignore"):
        c = taylor_coefficients(sqrt, 0.0, 3)
    assert c[0] == 0 and not np.all(np.isfinite(c[1:]))


def test_high_order_is_fast_and_accurate():
    import time
    f = lambda x: exp(sin(x)) + sqrt(1 + x ** 2) * tanh(x) - sigmoid(x) / (2 + cos(x))  # noqa: E731
    t0 = time.perf_counter()
    c = taylor_coefficients(f, 0.0, 30)
    elapsed = time.perf_counter() - t0
    assert elapsed < 2.0, f"order-30 expansion took {elapsed:.2f} s"
    # the radius of convergence is 1 (sqrt(1+x²) has branch points at ±i): |c_k| ~ 1
    assert np.all(np.isfinite(c)) and np.max(np.abs(c[20:])) < 10


# ---------------------------------------------------------------------------
# Taylor polynomial
# ---------------------------------------------------------------------------
def test_polynomial_attributes_and_horner():
    f = lambda x: exp(sin(x))  # noqa: E731
    p = taylor_polynomial(f, 0.4, 5)
    assert isinstance(p, TaylorPolynomial)
    assert p.order == 5 and float(p.x0) == 0.4
    np.testing.assert_array_equal(p.coefficients, taylor_coefficients(f, 0.4, 5))
    x = np.linspace(0.0, 1.0, 7)
    direct = sum(p.coefficients[k] * (x - 0.4) ** k for k in range(6))
    np.testing.assert_allclose(p(x), direct, rtol=1e-14)
    assert p(x).shape == (7,) and np.ndim(p(0.5)) == 0
    assert p(np.zeros((2, 3))).shape == (2, 3)


@pytest.mark.parametrize("order", [1, 2, 3, 4, 5])
def test_polynomial_error_rate_is_order_plus_one(order):
    x0 = 0.3
    p = taylor_polynomial(lambda x: exp(sin(x)), x0, order)
    hs = 0.08 * 2.0 ** -np.arange(4)
    err = np.abs(np.exp(np.sin(x0 + hs)) - p(x0 + hs))
    rates = np.log2(err[:-1] / err[1:])
    np.testing.assert_allclose(rates, order + 1, atol=0.25)


def test_polynomial_str_and_repr():
    assert str(taylor_polynomial(exp, 0.0, 3)) == "1 + x + 0.5*x^2 + 0.1666666667*x^3"
    assert str(taylor_polynomial(sin, 0.0, 5)) == "x - 0.1666666667*x^3 + 0.008333333333*x^5"
    assert str(taylor_polynomial(lambda x: x * x, 1.0, 3)) == "1 + 2*(x - 1) + (x - 1)^2"
    assert str(taylor_polynomial(lambda x: -x, -2.0, 2)) == "2 - (x + 2)"
    assert str(taylor_polynomial(lambda x: 0.0 * x, 0.0, 2)) == "0"
    r = repr(taylor_polynomial(cos, 0.0, 2))
    assert r == "TaylorPolynomial(1 - 0.5*x^2, x0=0.0, order=2)"


def test_polynomial_at_array_x0():
    x0 = np.array([0.0, 1.0, 2.0])
    p = taylor_polynomial(sin, x0, 7)
    x = x0 + 0.1
    np.testing.assert_allclose(p(x), np.sin(x), rtol=0, atol=1e-9)   # 0.1^8 / 8!


# ---------------------------------------------------------------------------
# Quadratic approximation
# ---------------------------------------------------------------------------
def rosenbrock(v):
    return (1 - v[0]) ** 2 + 100 * (v[1] - v[0] ** 2) ** 2


def test_rosenbrock_at_minimum():
    q = quadratic_approximation(rosenbrock, [1.0, 1.0])
    assert isinstance(q, QuadraticApproximation)
    assert q.value == 0.0
    np.testing.assert_array_equal(q.gradient, [0.0, 0.0])
    np.testing.assert_allclose(q.hessian, [[802.0, -400.0], [-400.0, 200.0]], rtol=0, atol=1e-12)
    h = np.array([0.01, -0.02])
    H = np.array([[802.0, -400.0], [-400.0, 200.0]])
    np.testing.assert_allclose(q(np.array([1.0, 1.0]) + h), 0.5 * h @ H @ h, rtol=1e-12)


def test_rosenbrock_away_from_minimum_closed_form():
    x, y = -1.2, 1.0
    q = quadratic_approximation(rosenbrock, [x, y])
    assert q.value == pytest.approx((1 - x) ** 2 + 100 * (y - x * x) ** 2, rel=1e-15)
    np.testing.assert_allclose(q.gradient, [-2 * (1 - x) - 400 * x * (y - x * x),
                                            200 * (y - x * x)], rtol=1e-14)
    np.testing.assert_allclose(q.hessian, [[2 - 400 * y + 1200 * x * x, -400 * x],
                                           [-400 * x, 200]], rtol=1e-14)


def test_quadratic_function_is_reproduced_exactly():
    rng = np.random.default_rng(3)
    M = rng.standard_normal((4, 4))
    Aq = M + M.T
    b = rng.standard_normal(4)
    c0 = 0.75
    f = lambda v: c0 + (b * v).sum() + 0.5 * (v * (Aq @ v)).sum()  # noqa: E731
    x0 = rng.standard_normal(4)
    q = quadratic_approximation(f, x0)
    np.testing.assert_allclose(q.hessian, Aq, rtol=1e-14, atol=1e-14)
    pts = rng.standard_normal((50, 4)) * 3
    exact = c0 + pts @ b + 0.5 * np.einsum("mi,ij,mj->m", pts, Aq, pts)
    got = q(pts)
    assert got.shape == (50,)
    np.testing.assert_allclose(got, exact, rtol=1e-12, atol=1e-12 * np.max(np.abs(exact)))
    assert np.ndim(q(pts[0])) == 0 and q(pts[0]) == pytest.approx(exact[0], rel=1e-12)


def test_quadratic_error_is_cubic():
    f = lambda v: exp(v[0]) * sin(v[1]) + v[0] * v[1] ** 2  # noqa: E731
    x0 = np.array([0.2, 0.5])
    q = quadratic_approximation(f, x0)
    d = np.array([0.6, -0.8])
    hs = 0.05 * 2.0 ** -np.arange(4)
    pts = x0 + hs[:, None] * d
    exact = np.exp(pts[:, 0]) * np.sin(pts[:, 1]) + pts[:, 0] * pts[:, 1] ** 2
    err = np.abs(exact - q(pts))
    np.testing.assert_allclose(np.log2(err[:-1] / err[1:]), 3.0, atol=0.2)


def test_quadratic_of_scalar_function():
    q = quadratic_approximation(lambda x: x * sin(x), 0.5)
    assert q.gradient.shape == () and q.hessian.shape == ()
    assert float(q.gradient) == pytest.approx(np.sin(0.5) + 0.5 * np.cos(0.5), rel=1e-15)
    assert float(q.hessian) == pytest.approx(2 * np.cos(0.5) - 0.5 * np.sin(0.5), rel=1e-15)
    c = taylor_coefficients(lambda x: x * sin(x), 0.5, 2)
    x = np.array([0.4, 0.5, 0.7])
    np.testing.assert_allclose(q(x), c[0] + c[1] * (x - 0.5) + c[2] * (x - 0.5) ** 2, rtol=1e-14)


# ---------------------------------------------------------------------------
# Explain
# ---------------------------------------------------------------------------
def test_explain_taylor_terms():
    with mathforml.explain() as work:
        c = taylor_coefficients(exp, 0.0, 5)
    terms = work.find("Term k")
    assert len(terms) == 6
    for k, s in enumerate(terms):
        assert s.values["k"] == k
        assert s.values["coefficient"] == pytest.approx(inv_factorial(k), rel=1e-15)
        assert s.values["derivative"] == pytest.approx(1.0, rel=1e-14)   # (e^x)^(k)(0) = 1
        assert s.values["coefficient"] == c[k]
    assert terms[3].values["term"] == "0.1666666667*x^3"
    assert "c_3" in terms[3].formula and "3!" in terms[3].formula
    sweep = work.find("Taylor-mode sweep")[0]
    assert sweep.values["operations"] == "exp"
    assert "Term k = 2" in str(work)


def test_explain_polynomial_terms_summed():
    p = taylor_polynomial(exp, 0.0, 4)
    with mathforml.explain() as work:
        y = p(0.2)
    s = work.find("Evaluate the Taylor polynomial")[0]
    np.testing.assert_allclose(s.values["terms"], [0.2 ** k * inv_factorial(k) for k in range(5)],
                               rtol=1e-15)
    assert s.values["partial_sums"][-1] == pytest.approx(y, rel=1e-15)
    assert s.values["p"] == y
    with mathforml.explain() as work:
        taylor_polynomial(sin, 1.0, 2)
    assert work.find("Taylor polynomial")[-1].values["polynomial"].startswith("0.8414709848 + ")


def test_explain_quadratic():
    with mathforml.explain() as work:
        q = quadratic_approximation(rosenbrock, [1.0, 1.0])
    s = work.find("Quadratic")[0]
    np.testing.assert_array_equal(s.values["hessian"], [[802, -400], [-400, 200]])
    np.testing.assert_array_equal(s.values["gradient"], q.gradient)
    assert s.values["value"] == 0.0
    assert "∇²f(x0)" in s.formula
    # curvature: eigenvalues of [[802, -400], [-400, 200]] are 501 ± sqrt(301² + 400²)
    np.testing.assert_allclose(s.values["hessian_eigenvalues"],
                               [501 - np.hypot(301, 400), 501 + np.hypot(301, 400)], rtol=1e-12)
    assert repr(q) == ("QuadraticApproximation(x0=[1.0, 1.0], value=0.0, gradient=[0.0, 0.0], "
                       "hessian=[[802.0, -400.0], [-400.0, 200.0]])")


def test_results_identical_with_and_without_recorder():
    f = lambda x: exp(sin(x)) / (1 + x ** 2) + softplus(x)  # noqa: E731
    c1 = taylor_coefficients(f, 0.3, 12)
    p1 = taylor_polynomial(f, 0.3, 12)
    y1 = p1(np.linspace(0, 1, 9))
    q1 = quadratic_approximation(rosenbrock, [0.3, -0.2])
    with mathforml.explain():
        c2 = taylor_coefficients(f, 0.3, 12)
        p2 = taylor_polynomial(f, 0.3, 12)
        y2 = p2(np.linspace(0, 1, 9))
        q2 = quadratic_approximation(rosenbrock, [0.3, -0.2])
        yq2 = q2(np.eye(2))
    np.testing.assert_array_equal(c1, c2)
    np.testing.assert_array_equal(p1.coefficients, p2.coefficients)
    np.testing.assert_array_equal(y1, y2)
    assert q1.value == q2.value
    np.testing.assert_array_equal(q1.gradient, q2.gradient)
    np.testing.assert_array_equal(q1.hessian, q2.hessian)
    np.testing.assert_array_equal(q1(np.eye(2)), yq2)


# ---------------------------------------------------------------------------
# Bad input
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("fn", [taylor_coefficients, taylor_polynomial])
def test_bad_input_taylor(fn):
    with pytest.raises(TypeError, match="f must be callable"):
        fn(3.0, 0.0, 2)
    with pytest.raises(ValueError, match=r"order must be >= 0, got -1"):
        fn(exp, 0.0, -1)
    with pytest.raises(ValueError, match="order must be a non-negative integer, got 2.5"):
        fn(exp, 0.0, 2.5)
    with pytest.raises(ValueError, match="order must be a non-negative integer"):
        fn(exp, 0.0, "3")
    with pytest.raises(ValueError, match="order must be a non-negative integer"):
        fn(exp, 0.0, True)
    with pytest.raises(ValueError, match="x0"):
        fn(exp, np.nan, 2)
    with pytest.raises(ValueError, match="x0"):
        fn(exp, np.inf, 2)
    with pytest.raises(TypeError, match="x0"):
        fn(exp, 1j, 2)
    with pytest.raises(TypeError, match="scalar"):
        fn(lambda x: stack([x, x]), 0.0, 2)
    with pytest.raises(TypeError, match="elementwise"):
        fn(lambda x: x.sum(), np.zeros(3), 2)
    with pytest.raises(TypeError, match="real number"):
        fn(lambda x: "one", 0.0, 2)


def test_bad_input_quadratic():
    with pytest.raises(TypeError, match="f must be callable"):
        quadratic_approximation(None, [1.0, 2.0])
    with pytest.raises(TypeError, match="scalar"):
        quadratic_approximation(lambda v: v * 2.0, [1.0, 2.0])
    with pytest.raises(ValueError, match="x0"):
        quadratic_approximation(rosenbrock, [1.0, np.nan])
    with pytest.raises(ValueError, match="x0"):
        quadratic_approximation(rosenbrock, np.ones((2, 2)))
    q = quadratic_approximation(rosenbrock, [1.0, 1.0])
    with pytest.raises(ValueError, match="x must have 2 entries"):
        q(np.ones(3))


def test_integer_x0_and_integral_float_order_are_accepted():
    np.testing.assert_allclose(taylor_coefficients(exp, 0, 3.0),
                               [1, 1, 0.5, inv_factorial(3)], rtol=EPS)
