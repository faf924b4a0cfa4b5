"""Numerical differentiation: closed forms, sympy, scipy, multivariate maps, bad input, explain."""
from __future__ import annotations

import math

import numpy as np
import pytest
import sympy as sp

import mathforml
from mathforml.calculus.numeric import (DerivativeResult, derivative, fd_weights, gradient_fd,
                                        hessian_fd, jacobian_fd)

EPS = np.finfo(np.float64).eps
X = np.linspace(0.2, 3.0, 15)

# (f, [f', f'', f''', f''''])  closed forms
CLOSED = {
    "sin": (np.sin, [np.cos, lambda t: -np.sin(t), lambda t: -np.cos(t), np.sin]),
    "exp": (np.exp, [np.exp] * 4),
    "log": (np.log, [lambda t: 1 / t, lambda t: -1 / t**2, lambda t: 2 / t**3,
                     lambda t: -6 / t**4]),
    "x**5": (lambda t: t**5, [lambda t: 5 * t**4, lambda t: 20 * t**3, lambda t: 60 * t**2,
                              lambda t: 120 * t]),
}
# relative accuracy required of the default (central, Richardson) estimate for n = 1..4
CENTRAL_RTOL = {1: 1e-12, 2: 1e-9, 3: 1e-6, 4: 1e-5}
ONE_SIDED_RTOL = {1: 1e-10, 2: 1e-7, 3: 1e-5, 4: 1e-3}


def rel_err(a, b):
    return np.max(np.abs(np.asarray(a) - b) / np.abs(b))


# ---------------------------------------------------------------------------
# Stencil weights
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("offsets, n, expected", [
    ([-1, 0, 1], 1, [-0.5, 0.0, 0.5]),
    ([-1, 0, 1], 2, [1.0, -2.0, 1.0]),
    ([-2, -1, 0, 1, 2], 1, [1 / 12, -8 / 12, 0.0, 8 / 12, -1 / 12]),
    ([-2, -1, 0, 1, 2], 4, [1.0, -4.0, 6.0, -4.0, 1.0]),
    ([-2, -1, 0, 1, 2], 3, [-0.5, 1.0, 0.0, -1.0, 0.5]),
    ([0, 1, 2], 1, [-1.5, 2.0, -0.5]),
    ([0, 1], 1, [-1.0, 1.0]),
    ([0, -1], 1, [1.0, -1.0]),
])
def test_fd_weights_classical_stencils(offsets, n, expected):
    np.testing.assert_allclose(fd_weights(offsets, n), expected, rtol=0, atol=1e-15)


@pytest.mark.parametrize("offsets", [[-3, -1, 0, 2, 5], [0, 1, 2, 3, 4, 5], [-4, -2, 1, 3]])
def test_fd_weights_satisfy_moment_conditions(offsets):
    j = np.array(offsets, dtype=float)
    for n in range(len(offsets)):
        w = fd_weights(offsets, n)
        moments = [np.sum(w * j**k) / math.factorial(k) for k in range(len(offsets))]
        np.testing.assert_allclose(moments, np.eye(len(offsets))[n], atol=1e-12)


def test_fd_weights_bad_input():
    with pytest.raises(ValueError, match="distinct"):
        fd_weights([0, 1, 1], 1)
    with pytest.raises(ValueError, match="n must be <= 2, got 3"):
        fd_weights([0, 1, 2], 3)
    with pytest.raises(TypeError, match="integers"):
        fd_weights([0, 0.5, 1], 1)


# ---------------------------------------------------------------------------
# derivative: accuracy against closed forms
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("name", list(CLOSED))
@pytest.mark.parametrize("n", [1, 2, 3, 4])
def test_central_richardson_closed_forms(name, n):
    f, ds = CLOSED[name]
    exact = ds[n - 1](X)
    got = derivative(f, X, n)
    assert got.shape == X.shape and got.dtype == np.float64
    assert rel_err(got, exact) < CENTRAL_RTOL[n]


@pytest.mark.parametrize("method", ["forward", "backward"])
@pytest.mark.parametrize("name", list(CLOSED))
@pytest.mark.parametrize("n", [1, 2, 3, 4])
def test_one_sided_richardson_closed_forms(method, name, n):
    f, ds = CLOSED[name]
    assert rel_err(derivative(f, X, n, method), ds[n - 1](X)) < ONE_SIDED_RTOL[n]


def test_first_derivative_reaches_1e12_and_second_1e9_on_smooth_functions():
    x = np.array([-2.0, -0.5, 0.3, 1.0, 2.5])
    for f, d1, d2 in [(np.sin, np.cos, lambda t: -np.sin(t)),
                      (np.exp, np.exp, np.exp),
                      (np.arctan, lambda t: 1 / (1 + t**2), lambda t: -2 * t / (1 + t**2) ** 2),
                      (lambda t: np.exp(-t**2), lambda t: -2 * t * np.exp(-t**2),
                       lambda t: (4 * t**2 - 2) * np.exp(-t**2))]:
        assert rel_err(derivative(f, x), d1(x)) < 1e-12
        assert rel_err(derivative(f, x, 2), d2(x)) < 1e-9


def test_plain_difference_without_richardson():
    # central first difference with the classical step: error ~ eps^(2/3)
    got = derivative(np.exp, X, richardson=False, full_output=True)
    assert rel_err(got.value, np.exp(X)) < 1e-9
    assert rel_err(got.value, np.exp(X)) > 1e-15          # not extrapolated: visibly worse
    np.testing.assert_allclose(got.h, EPS ** (1 / 3) * np.maximum(1, np.abs(X)), rtol=1e-6)
    assert np.all(np.isnan(got.error))
    # forward: step eps^(1/2), error ~ 1e-8
    fwd = derivative(np.exp, 1.0, method="forward", richardson=0, full_output=True)
    assert abs(fwd.value - math.e) / math.e < 1e-7
    assert fwd.h == pytest.approx(EPS ** 0.5, rel=1e-6)


@pytest.mark.parametrize("method, p", [("central", 2), ("central", 4), ("central", 6),
                                       ("forward", 1), ("forward", 3), ("backward", 2)])
@pytest.mark.parametrize("n", [1, 2, 3, 4])
def test_stencil_exact_for_polynomials_up_to_its_order(method, p, n):
    # A stencil of accuracy p for the n-th derivative is exact on degree < n + p.
    # With a large h rounding is negligible, so exactness shows; degree n + p is not exact.
    rng = np.random.default_rng(n * 10 + p)
    x = np.array([0.3, -1.2, 2.0])
    deg = n + p - 1
    c = rng.normal(size=deg + 2)
    poly = np.polynomial.Polynomial(c[:deg + 1])
    got = derivative(poly, x, n, method, h=0.5, order=p, richardson=False)
    exact = poly.deriv(n)(x)
    np.testing.assert_allclose(got, exact, rtol=1e-9, atol=1e-9)
    higher = np.polynomial.Polynomial(c)            # degree n + p: truncation error shows
    bad = derivative(higher, x, n, method, h=0.5, order=p, richardson=False)
    assert np.max(np.abs(bad - higher.deriv(n)(x))) > 1e-6


def test_richardson_levels_integer_and_error_estimate_is_honest():
    for levels in (1, 2, 3, 6):
        res = derivative(np.sin, X, richardson=levels, full_output=True)
        assert isinstance(res, DerivativeResult)
        actual = np.abs(res.value - np.cos(X))
        assert np.all(actual <= 2 * res.error + 1e-15)
    # more levels, better answer (from the same first step)
    e1 = rel_err(derivative(np.exp, X, h=0.1, richardson=1), np.exp(X))
    e4 = rel_err(derivative(np.exp, X, h=0.1, richardson=4), np.exp(X))
    assert e4 < e1 / 100


def test_error_estimate_bounds_actual_error_default():
    for name, (f, ds) in CLOSED.items():
        for n in (1, 2, 3):
            res = derivative(f, X, n, full_output=True)
            assert np.all(np.abs(res.value - ds[n - 1](X)) <= 2 * res.error), (name, n)


def test_near_a_singularity_coarse_levels_drop_out():
    # log at 0.01: the coarse steps (about 1/16) leave the domain; the finer levels are used
    x = np.array([0.01, 0.05, 0.2])
    with np.errstate(all="raise"):  # our silencing of coarse-level warnings must hold
        got = derivative(np.log, x)
    assert rel_err(got, 1 / x) < 1e-10
    assert rel_err(derivative(np.sqrt, 0.02, 2), -0.25 * 0.02 ** -1.5) < 1e-7


def test_oscillating_function_not_fooled_by_coarse_steps():
    # at x = 4 the coarse steps are near multiples of sin(10 t)'s period (spurious agreement)
    x = np.array([1.0, 4.0, 10.0])
    assert rel_err(derivative(lambda t: np.sin(10 * t), x, 4), 1e4 * np.sin(10 * x)) < 1e-4
    assert rel_err(derivative(lambda t: np.sin(10 * t), x), 10 * np.cos(10 * x)) < 1e-10


def test_large_and_negative_x_steps_scale_with_x():
    x = np.array([-500.0, 1e3, 1e5])
    assert rel_err(derivative(np.cbrt, x), np.abs(x) ** (-2 / 3) / 3) < 1e-11
    res = derivative(np.cbrt, 1e5, richardson=False, full_output=True)
    assert res.h == pytest.approx(EPS ** (1 / 3) * 1e5, rel=1e-6)


def test_explicit_h_array_and_exact_step():
    x = np.array([0.1, 0.7, 3.0])
    res = derivative(np.sin, x, h=np.array([1e-3, 2e-3, 3e-3]), richardson=False,
                     full_output=True)
    # the step really taken is exactly representable: (x + h) - x == h
    assert np.all((x + res.h) - x == res.h)
    np.testing.assert_allclose(res.h, [1e-3, 2e-3, 3e-3], rtol=1e-12)
    np.testing.assert_allclose(res.value, (np.sin(x + res.h) - np.sin(x - res.h)) / (2 * res.h),
                               rtol=1e-15)


def test_higher_order_central_stencil():
    # order=4 five-point stencil, plain: error ~ eps^(4/5)
    assert rel_err(derivative(np.exp, X, order=4, richardson=False), np.exp(X)) < 1e-11
    assert rel_err(derivative(np.exp, X, 2, order=4), np.exp(X)) < 1e-10


# ---------------------------------------------------------------------------
# derivative: references (sympy, scipy)
# ---------------------------------------------------------------------------
t = sp.Symbol("t")
SYMPY_CASES = [
    sp.sin(t) * sp.exp(-t / 2),
    sp.log(1 + t**2),
    sp.atan(t) / (1 + t),
    sp.sqrt(1 + t) * sp.cos(2 * t),
    sp.tanh(t) + t**3 / 7,
]


@pytest.mark.parametrize("expr", SYMPY_CASES, ids=str)
@pytest.mark.parametrize("n", [1, 2, 3, 4])
def test_against_sympy(expr, n):
    x = np.array([-0.4, 0.3, 0.9, 1.7])
    f = sp.lambdify(t, expr, "numpy")
    dn = sp.diff(expr, t, n)
    exact = np.array([float(dn.subs(t, sp.Float(v, 30)).evalf(30)) for v in x])
    scale = np.maximum(np.abs(exact), 1.0)  # absolute near zeros of the derivative
    err = np.max(np.abs(derivative(f, x, n) - exact) / scale)
    assert err < CENTRAL_RTOL[n]


def test_against_scipy_differentiate():
    differentiate = pytest.importorskip("scipy.differentiate")
    x = np.array([1.0, 2.0, 3.5, 5.0])   # scipy's first step (0.5) must stay in log's domain
    for f in (np.exp, np.log, np.arctan, lambda v: np.sin(v) * np.exp(-v)):
        ref = differentiate.derivative(f, x)
        assert np.all(ref.success)
        np.testing.assert_allclose(derivative(f, x), ref.df, rtol=1e-10, atol=1e-12)


# ---------------------------------------------------------------------------
# derivative: shapes, dtypes, promotion
# ---------------------------------------------------------------------------
def test_vectorised_shapes_and_scalar_result():
    x = np.linspace(0.5, 2.0, 12).reshape(3, 4)
    got = derivative(np.exp, x, 2)
    assert got.shape == (3, 4)
    one = np.array([derivative(np.exp, v, 2) for v in x.ravel()]).reshape(3, 4)
    np.testing.assert_allclose(got, one, rtol=1e-14)
    s = derivative(np.exp, 1.0)
    assert np.ndim(s) == 0 and isinstance(s, np.float64)
    res = derivative(np.exp, [1.0], full_output=True)
    assert res.value.shape == res.error.shape == res.h.shape == (1,)
    assert derivative(np.exp, np.empty((0,))).shape == (0,)


def test_f_is_called_once_per_level_on_whole_arrays():
    calls = []

    def f(v):
        calls.append(v.shape)
        return np.sin(v)

    derivative(f, np.ones((2, 5)), richardson=3)
    assert calls == [(2, 2, 5)] * 4       # 2 stencil points (w_0 = 0 dropped), 4 levels


def test_integer_x_promoted():
    got = derivative(lambda v: v**3, 2)
    assert got.dtype == np.float64 and abs(got - 12.0) < 1e-11
    assert derivative(lambda v: v**3, [1, 2]).dtype == np.float64


def test_float32_stays_float32_and_uses_its_epsilon():
    x32 = np.array([0.5, 1.0, 2.0], dtype=np.float32)
    res = derivative(np.sin, x32, full_output=True)
    assert res.value.dtype == np.float32 and res.h.dtype == np.float32
    assert rel_err(res.value.astype(float), np.cos(x32.astype(float))) < 1e-5
    eps32 = np.finfo(np.float32).eps
    plain = derivative(np.sin, x32, richardson=False, full_output=True)
    np.testing.assert_allclose(plain.h, eps32 ** (1 / 3) * np.maximum(1, x32), rtol=1e-3)
    assert derivative(np.exp, np.float32(1.0), 2).dtype == np.float32
    assert abs(float(derivative(np.exp, np.float32(1.0), 2)) - math.e) / math.e < 1e-3


# ---------------------------------------------------------------------------
# derivative: bad input
# ---------------------------------------------------------------------------
def test_derivative_bad_input():
    with pytest.raises(TypeError, match="f must be callable"):
        derivative(3.0, 1.0)
    with pytest.raises(ValueError, match="n must be >= 1, got 0"):
        derivative(np.sin, 1.0, 0)
    with pytest.raises(ValueError, match="n must be <= 6, got 7"):
        derivative(np.sin, 1.0, 7)
    with pytest.raises(TypeError, match="n must be an integer"):
        derivative(np.sin, 1.0, 1.5)
    with pytest.raises(ValueError, match="method must be one of 'central', 'forward', "
                                         "'backward'; got 'sideways'"):
        derivative(np.sin, 1.0, method="sideways")
    for h in (0.0, -1e-3, np.inf, np.nan):
        with pytest.raises(ValueError, match="h must be > 0 and finite"):
            derivative(np.sin, 1.0, h=h)
    with pytest.raises(ValueError, match="h must be > 0 and finite"):
        derivative(np.sin, [1.0, 2.0], h=[1e-3, -1e-3])
    with pytest.raises(ValueError, match="too small to move x"):
        derivative(np.sin, 1e20, h=1.0, richardson=False)
    with pytest.raises(ValueError, match="does not broadcast"):
        derivative(np.sin, [1.0, 2.0], h=[1e-3, 1e-3, 1e-3])
    with pytest.raises(TypeError, match="complex"):
        derivative(np.sin, 1.0 + 2.0j)
    with pytest.raises(TypeError, match="complex"):
        derivative(lambda v: v * 1j, 1.0)
    with pytest.raises(ValueError, match="x contains NaN"):
        derivative(np.sin, np.nan)
    with pytest.raises(ValueError, match="order must be even for method='central', got 3"):
        derivative(np.sin, 1.0, order=3)
    with pytest.raises(ValueError, match="order must be >= 1, got 0"):
        derivative(np.sin, 1.0, method="forward", order=0)
    with pytest.raises(ValueError, match="richardson must be >= 0, got -1"):
        derivative(np.sin, 1.0, richardson=-1)
    with pytest.raises(TypeError, match="richardson must be"):
        derivative(np.sin, 1.0, richardson=2.5)
    with pytest.raises(ValueError, match="f must act elementwise"):
        derivative(lambda v: np.sum(v), [1.0, 2.0])


def test_nonfinite_f_names_the_point():
    # sqrt at 0 with a backward difference: f(0 - h) is NaN at the finest level
    with pytest.raises(ValueError, match=r"non-finite value \(nan\) at the evaluation point "
                                         r"-0\.001 \(x = 0\.0, h = 0\.001\)"):
        derivative(np.sqrt, 0.0, method="backward", h=1e-3, richardson=False)
    with pytest.raises(ValueError, match=r"non-finite value \(-inf\) at the evaluation point "
                                         r"0\.0 \(x = 0\.0"):
        derivative(np.log, [1.0, 0.0], method="forward", richardson=2)
    with np.errstate(divide="ignore"):
        with pytest.raises(ValueError, match=r"evaluation point 0\.0 \(x = 1e-06"):
            derivative(lambda v: 1 / np.where(v > 0, v, 0), 1e-6, h=1e-6, richardson=False)


# ---------------------------------------------------------------------------
# gradient_fd, jacobian_fd, hessian_fd
# ---------------------------------------------------------------------------
def rosen(v):
    return (1 - v[0]) ** 2 + 100 * (v[1] - v[0] ** 2) ** 2


def rosen_grad(v):
    return np.array([-2 * (1 - v[0]) - 400 * v[0] * (v[1] - v[0] ** 2), 200 * (v[1] - v[0] ** 2)])


def rosen_hess(v):
    return np.array([[2 - 400 * (v[1] - 3 * v[0] ** 2), -400 * v[0]], [-400 * v[0], 200.0]])


@pytest.mark.parametrize("point", [[1.0, 1.0], [-1.2, 1.0], [0.3, -0.7], [2.0, 4.5]])
def test_gradient_of_rosenbrock(point):
    g = gradient_fd(rosen, point)
    exact = rosen_grad(np.array(point))
    scale = np.max(np.abs(rosen_hess(np.array(point)))) + 1
    np.testing.assert_allclose(g, exact, rtol=1e-8, atol=1e-8 * scale)
    for method in ("forward", "backward"):
        np.testing.assert_allclose(gradient_fd(rosen, point, method=method), exact,
                                   rtol=1e-6, atol=1e-5 * scale)


def test_gradient_any_shape_and_against_sympy():
    a, b, c, d = sp.symbols("a b c d")
    expr = sp.exp(a * b) + sp.sin(c) * d**2 + a * d
    syms = [a, b, c, d]
    x = np.array([[0.3, -0.5], [1.1, 0.8]])
    f = sp.lambdify([syms], expr, "numpy")
    g = gradient_fd(lambda m: f(m.ravel()), x)
    assert g.shape == (2, 2)
    subs = dict(zip(syms, x.ravel()))
    exact = np.array([float(sp.diff(expr, s).subs(subs)) for s in syms]).reshape(2, 2)
    np.testing.assert_allclose(g, exact, rtol=1e-9, atol=1e-10)


def test_jacobian_of_linear_map_is_exact():
    rng = np.random.default_rng(0)
    A = rng.normal(size=(4, 3))
    x = rng.normal(size=3)
    for method in ("central", "forward", "backward"):
        J = jacobian_fd(lambda v: A @ v, x, method=method)
        assert J.shape == (4, 3)
        np.testing.assert_allclose(J, A, rtol=0, atol=1e-9 if method == "central" else 1e-6)


def test_jacobian_general_shapes():
    rng = np.random.default_rng(1)
    T = rng.normal(size=(5, 2, 3))
    x = rng.normal(size=(2, 3))
    J = jacobian_fd(lambda m: np.einsum("kij,ij->k", T, m) + np.sum(m**2), x)
    assert J.shape == (5, 2, 3)
    np.testing.assert_allclose(J, T + 2 * x, atol=1e-8)
    # nonlinear map R^2 -> R^2 (polar to Cartesian)
    r, th = 2.0, 0.6
    J = jacobian_fd(lambda v: np.array([v[0] * np.cos(v[1]), v[0] * np.sin(v[1])]), [r, th])
    exact = np.array([[np.cos(th), -r * np.sin(th)], [np.sin(th), r * np.cos(th)]])
    np.testing.assert_allclose(J, exact, rtol=1e-9, atol=1e-10)
    # scalar output: shape s
    assert jacobian_fd(rosen, [1.0, 2.0]).shape == (2,)


def test_hessian_of_rosenbrock_at_minimum():
    H = hessian_fd(rosen, [1.0, 1.0])
    np.testing.assert_allclose(H, [[802.0, -400.0], [-400.0, 200.0]], rtol=1e-5)
    assert np.array_equal(H, H.T)
    for p in ([-1.2, 1.0], [0.3, -0.7]):
        np.testing.assert_allclose(hessian_fd(rosen, p), rosen_hess(np.array(p)), rtol=1e-5,
                                   atol=1e-4)


def test_hessian_of_quadratic_form_is_A_plus_AT():
    rng = np.random.default_rng(2)
    A = rng.normal(size=(5, 5))          # not symmetric
    x = rng.normal(size=5)
    H = hessian_fd(lambda v: v @ A @ v, x)
    np.testing.assert_allclose(H, A + A.T, rtol=0, atol=1e-6)
    assert np.array_equal(H, H.T)
    # matrix-shaped x: Hessian of shape s + s
    Hm = hessian_fd(lambda m: m.ravel() @ A[:4, :4] @ m.ravel(), x[:4].reshape(2, 2))
    assert Hm.shape == (2, 2, 2, 2)
    np.testing.assert_allclose(Hm.reshape(4, 4), A[:4, :4] + A[:4, :4].T, atol=1e-6)


def test_hessian_against_sympy():
    a, b, c = sp.symbols("a b c")
    expr = sp.exp(a) * sp.cos(b) + a * b * c**2 + sp.log(1 + c**2)
    syms = [a, b, c]
    x = np.array([0.4, -0.9, 1.3])
    f = sp.lambdify([syms], expr, "numpy")
    subs = dict(zip(syms, x))
    exact = np.array([[float(sp.diff(expr, u, v).subs(subs)) for v in syms] for u in syms])
    np.testing.assert_allclose(hessian_fd(f, x), exact, rtol=1e-6, atol=1e-6)


def test_multivariate_float32_and_int_promotion():
    x32 = np.array([1.0, 1.0], dtype=np.float32)
    g = gradient_fd(rosen, x32)
    J = jacobian_fd(lambda v: 2 * v, x32)
    H = hessian_fd(rosen, x32)
    assert g.dtype == J.dtype == H.dtype == np.float32
    np.testing.assert_allclose(g, [0.0, 0.0], atol=5e-2)
    np.testing.assert_allclose(J, 2 * np.eye(2), rtol=1e-3)
    np.testing.assert_allclose(H, [[802.0, -400.0], [-400.0, 200.0]], rtol=1e-3)
    gi = gradient_fd(lambda v: v[0] * v[1], [2, 3])
    assert gi.dtype == np.float64
    np.testing.assert_allclose(gi, [3.0, 2.0], rtol=1e-9)


def test_multivariate_explicit_steps():
    g = gradient_fd(lambda v: np.sum(v**3), [1.0, 2.0], h=[1e-2, 1e-3])
    # ((x + h)^3 - (x - h)^3) / (2 h) = 3 x^2 + h^2 exactly
    np.testing.assert_allclose(g, [3.0 + 1e-4, 12.0 + 1e-6], rtol=1e-10)
    H = hessian_fd(lambda v: v[0] ** 4, [1.0], h=1e-2)
    np.testing.assert_allclose(H, [[12.0 + 2 * 1e-4]], rtol=1e-10)   # 12 x^2 + 2 h^2


def test_multivariate_bad_input():
    for fn in (gradient_fd, jacobian_fd, hessian_fd):
        with pytest.raises(TypeError, match="f must be callable"):
            fn("rosen", [1.0, 1.0])
        with pytest.raises(ValueError, match="h must be > 0 and finite"):
            fn(rosen, [1.0, 1.0], h=0.0)
        with pytest.raises(ValueError, match="h must be > 0 and finite"):
            fn(rosen, [1.0, 1.0], h=[1e-3, np.nan])
        with pytest.raises(TypeError, match="complex"):
            fn(rosen, [1.0 + 1j, 1.0])
        with pytest.raises(ValueError, match=r"non-finite value at the evaluation point"), \
                np.errstate(divide="ignore", invalid="ignore"):
            fn(lambda v: np.log(v[0] - 1.0) + v[1], [1.0, 1.0])
    for fn in (gradient_fd, jacobian_fd):
        with pytest.raises(ValueError, match="method must be one of 'central', 'forward', "
                                             "'backward'"):
            fn(rosen, [1.0, 1.0], method="centre")
    with pytest.raises(TypeError, match="use jacobian_fd"):
        gradient_fd(lambda v: 2 * v, [1.0, 2.0])
    with pytest.raises(TypeError, match="use jacobian_fd"):
        hessian_fd(lambda v: 2 * v, [1.0, 2.0])
    with pytest.raises(TypeError, match="complex"):
        jacobian_fd(lambda v: v * 1j, [1.0, 2.0])
    with pytest.raises(ValueError, match=r"at the evaluation point \[1\.0, 2\.0000\d+\]"):
        gradient_fd(lambda v: np.nan if v[1] > 2 else 0.0, [1.0, 2.0])


# ---------------------------------------------------------------------------
# explain
# ---------------------------------------------------------------------------
def test_derivative_explains_steps_quotients_and_tableau():
    x = 0.7
    with mathforml.explain() as work:
        res = derivative(np.sin, x, richardson=3, full_output=True)
    levels = work.find("difference quotient")
    assert len(levels) == 4
    stencil = work.find("Stencil")[0].values
    np.testing.assert_array_equal(stencil["weights"], [-0.5, 0.5])
    for i, st in enumerate(levels):
        h = st.values["h"]
        assert h == pytest.approx(levels[0].values["h"] / 2**i, rel=1e-9)   # halving
        assert (x + h) - x == h                                              # exact steps
        assert st.values["D"] == pytest.approx((np.sin(x + h) - np.sin(x - h)) / (2 * h),
                                               rel=1e-14)
        if i:
            row = st.values["tableau_row"]
            assert row.shape == (i + 1,)
            prev_D = levels[i - 1].values["D"]
            assert row[1] == pytest.approx(row[0] + (row[0] - prev_D) / 3, rel=1e-14)
    result = work.find("Result")[0].values
    assert result["value"] == res.value and result["error"] == res.error
    text = str(work)
    assert "h_i = (x + h/2^i) - x" in text and "D_i" in text and "tableau_row" in text


def test_plain_derivative_explains_h_and_quotient():
    with mathforml.explain() as work:
        v = derivative(np.exp, [1.0, 2.0], 2, richardson=False)
    (lvl,) = work.find("difference quotient")
    h = lvl.values["h"]
    np.testing.assert_allclose(lvl.values["D"],
                               (np.exp([1 + h[0], 2 + h[1]]) - 2 * np.exp([1.0, 2.0])
                                + np.exp([1 - h[0], 2 - h[1]])) / h**2, rtol=1e-9)
    np.testing.assert_array_equal(work.find("Result")[0].values["value"], v)


def test_multivariate_explain_records_h_and_quotients():
    x = np.array([-1.2, 1.0])
    with mathforml.explain() as work:
        g = gradient_fd(rosen, x)
    q = work.find("Difference quotients")[0].values
    np.testing.assert_array_equal(q["d"], g)
    np.testing.assert_array_equal(q["f_plus"], [rosen(x + [work.values("h")[0][0], 0]),
                                                rosen(x + [0, work.values("h")[0][1]])])
    with mathforml.explain() as work:
        H = hessian_fd(rosen, [1.0, 1.0])
    assert "h" in work.find("Steps")[0].values
    np.testing.assert_array_equal(work.find("Off-diagonal")[0].values["H"], H)
    np.testing.assert_array_equal(work.find("Diagonal")[0].values["diagonal"], np.diag(H))
    with mathforml.explain() as work:
        J = jacobian_fd(lambda v: np.array([v[0] * v[1], v[0] + v[1]]), [1.0, 2.0])
    np.testing.assert_array_equal(work.find("Difference quotients")[0].values["J"], J)


def test_results_identical_with_and_without_recorder():
    x = np.array([0.3, 1.1, 2.9])
    calls = [
        lambda: derivative(np.log, x, full_output=True),
        lambda: derivative(np.sin, x, 3, "forward", full_output=True),
        lambda: derivative(np.exp, x, 2, richardson=False, full_output=True),
        lambda: gradient_fd(rosen, [0.3, -0.7]),
        lambda: jacobian_fd(lambda v: np.array([np.sin(v[0]), v[0] * v[1]]), [0.3, -0.7]),
        lambda: hessian_fd(rosen, [0.3, -0.7]),
    ]
    for call in calls:
        off = call()
        with mathforml.explain():
            on = call()
        for a, b in zip(np.atleast_1d(off) if not isinstance(off, tuple) else off,
                        np.atleast_1d(on) if not isinstance(on, tuple) else on):
            np.testing.assert_array_equal(a, b)
        if isinstance(off, tuple):
            assert off.value.tobytes() == on.value.tobytes()
        else:
            assert off.tobytes() == on.tobytes()
