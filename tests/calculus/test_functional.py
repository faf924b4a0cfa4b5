"""The functional API (grad, value_and_grad, vjp, jacobian, jvp, hessian, hvp) against closed forms,
finite differences, sympy and (optionally) torch."""
from __future__ import annotations

import types

import numpy as np
import pytest

from mathforml.calculus.autodiff import (
    Tensor, cos, exp, grad, hessian, hvp, jacobian, jvp, log, log1p, logsumexp, sigmoid, sin,
    softmax, softplus, sqrt, stack, sum, tanh, value_and_grad, vjp,
)

RNG = np.random.default_rng(7)


def rosenbrock(v):
    return (1 - v[0]) ** 2 + 100 * (v[1] - v[0] ** 2) ** 2


def central_jacobian(f, x, h=1e-5):
    """Column j: (f(x + h e_j) − f(x − h e_j)) / 2h, on plain arrays."""
    x = np.asarray(x, dtype=float)
    cols = []
    for j in range(x.size):
        e = np.zeros(x.size)
        e[j] = h
        e = e.reshape(x.shape)
        cols.append((np.asarray(f(x + e)) - np.asarray(f(x - e))) / (2 * h))
    return np.stack(cols, axis=-1).reshape(np.shape(f(x)) + x.shape)


# ---------------------------------------------------------------------------
# grad and value_and_grad
# ---------------------------------------------------------------------------
def test_grad_of_a_closed_form():
    x = np.array([0.3, -1.2, 2.0])
    g = grad(lambda t: sum(t * sin(t)))(x)
    np.testing.assert_allclose(g, np.sin(x) + x * np.cos(x), rtol=1e-15, atol=1e-16)
    assert type(g) is np.ndarray and g.shape == x.shape


def test_grad_argnums_int_and_tuple():
    f = lambda x, y, z: sum(x * y ** 2) + sum(z)    # noqa: E731
    x, y, z = np.array([1.0, 2.0]), np.array([3.0, -1.0]), np.array([0.5])
    np.testing.assert_array_equal(grad(f)(x, y, z), y ** 2)
    np.testing.assert_array_equal(grad(f, argnums=1)(x, y, z), 2 * x * y)
    np.testing.assert_array_equal(grad(f, argnums=-1)(x, y, z), [1.0])
    gx, gz = grad(f, argnums=(0, 2))(x, y, z)
    np.testing.assert_array_equal(gx, y ** 2)
    np.testing.assert_array_equal(gz, [1.0])
    (gy,) = grad(f, argnums=(1,))(x, y, z)
    np.testing.assert_array_equal(gy, 2 * x * y)
    with pytest.raises(ValueError, match="argnums"):
        grad(f, argnums=3)(x, y, z)


def test_value_and_grad():
    x = np.array([1.0, -2.0, 0.5])
    value, g = value_and_grad(lambda t: sum(exp(t)))(x)
    assert value == np.sum(np.exp(x))
    np.testing.assert_array_equal(g, np.exp(x))
    value, (g0, g1) = value_and_grad(lambda a, b: sum(a * b), argnums=(0, 1))(x, 2 * x)
    assert value == np.sum(2 * x * x)
    np.testing.assert_array_equal(g0, 2 * x)
    np.testing.assert_array_equal(g1, x)


def test_has_aux():
    def loss(w):
        pred = w * 2.0
        return sum(pred * pred), {"pred": pred}
    w = np.array([1.0, 3.0])
    g, aux = grad(loss, has_aux=True)(w)
    np.testing.assert_array_equal(g, 8 * w)
    np.testing.assert_array_equal(np.asarray(aux["pred"].data), 2 * w)
    (value, aux2), g2 = value_and_grad(loss, has_aux=True)(w)
    assert value == 40.0
    np.testing.assert_array_equal(g2, 8 * w)
    with pytest.raises(TypeError, match="pair"):
        grad(lambda w: sum(w), has_aux=True)(w)


def test_grad_of_a_function_that_ignores_its_input_is_zero():
    g = grad(lambda x: 3.0)(np.array([1.0, 2.0]))
    np.testing.assert_array_equal(g, [0.0, 0.0])


def test_grad_needs_a_callable():
    with pytest.raises(TypeError, match="callable"):
        grad(3.0)


def test_grad_does_not_touch_the_callers_array():
    x = np.array([1.0, 2.0])
    g = grad(lambda t: sum(t))(x)
    g[0] = 99.0
    np.testing.assert_array_equal(x, [1.0, 2.0])


# ---------------------------------------------------------------------------
# Nested transforms
# ---------------------------------------------------------------------------
def test_third_derivative_of_sin_is_minus_cos():
    d3 = grad(grad(grad(sin)))
    for x in (0.0, 0.4, 1.3, -2.2):
        assert np.isclose(float(d3(x)), -np.cos(x), rtol=1e-14, atol=1e-15)


def test_fourth_derivative_of_a_polynomial():
    d4 = grad(grad(grad(grad(lambda x: x ** 5 - 2.0 * x ** 3))))
    assert float(d4(1.5)) == 120 * 1.5


def test_closure_over_an_outer_variable():
    # d/dx [x · d/dy (x y)] = d/dx [x · x] = 2x; at x = 2 this is 4 (not 2: the inner
    # derivative depends on x, which must not be treated as a constant)
    assert float(grad(lambda x: x * grad(lambda y: x * y)(1.0))(2.0)) == 4.0


def test_closure_perturbation_confusion():
    # d/dx [ d/dy (x + y)² ]|_{y=0} = d/dx 2x = 2
    inner = lambda x: grad(lambda y: (x + y) ** 2)(0.0)   # noqa: E731
    assert float(grad(inner)(3.0)) == 2.0


def test_grad_of_value_and_grad_value():
    f = lambda x: sin(x) * x                                     # noqa: E731
    outer = grad(lambda x: value_and_grad(f)(x)[1])             # f''
    x = 0.8
    assert np.isclose(float(outer(x)), 2 * np.cos(x) - x * np.sin(x), rtol=1e-14)


# ---------------------------------------------------------------------------
# vjp, jacobian, jvp
# ---------------------------------------------------------------------------
def polar_to_cartesian(v):
    r, theta = v[0], v[1]
    return stack([r * cos(theta), r * sin(theta)])


def test_jacobian_of_polar_to_cartesian():
    r, th = 2.0, 0.6
    J = jacobian(polar_to_cartesian)(np.array([r, th]))
    want = np.array([[np.cos(th), -r * np.sin(th)],
                     [np.sin(th), r * np.cos(th)]])
    np.testing.assert_allclose(J, want, rtol=1e-15, atol=1e-16)
    assert np.isclose(np.linalg.det(J), r, rtol=1e-14)      # the area element r dr dθ


def test_jacobian_of_a_linear_map_is_exactly_the_matrix():
    A = RNG.standard_normal((3, 4))
    J = jacobian(lambda x: A @ x)(RNG.standard_normal(4))
    np.testing.assert_array_equal(J, A)


def test_jacobian_shape_for_matrix_input_and_output():
    X = RNG.standard_normal((2, 3))
    J = jacobian(lambda t: t * t)(X)             # ∂(X²)_ij/∂X_kl = 2 X_ij δ_ik δ_jl
    assert J.shape == (2, 3, 2, 3)
    want = np.zeros((2, 3, 2, 3))
    for i in range(2):
        for j in range(3):
            want[i, j, i, j] = 2 * X[i, j]
    np.testing.assert_array_equal(J, want)


def test_jacobian_of_softmax_closed_form():
    x = np.array([0.1, -0.5, 1.2, 0.3])
    s = np.exp(x) / np.exp(x).sum()
    J = jacobian(softmax)(x)
    np.testing.assert_allclose(J, np.diag(s) - np.outer(s, s), rtol=1e-13, atol=1e-16)


def test_jacobian_against_central_differences():
    W = RNG.standard_normal((3, 4))
    f = lambda x: tanh(W @ x) * sum(x * x)   # noqa: E731
    x = RNG.standard_normal(4)
    np.testing.assert_allclose(jacobian(f)(x), central_jacobian(lambda a: np.asarray(f(a)), x),
                               rtol=1e-8, atol=1e-9)


def test_vjp_is_u_transpose_jacobian():
    W = RNG.standard_normal((3, 4))
    f = lambda x, b: tanh(W @ x + b)        # noqa: E731
    x, b = RNG.standard_normal(4), RNG.standard_normal(3)
    out, back = vjp(f, x, b)
    np.testing.assert_allclose(out, np.tanh(W @ x + b), rtol=1e-15)
    Jx, Jb = jacobian(f, 0)(x, b), jacobian(f, 1)(x, b)
    for _ in range(2):                      # the tape is reusable
        u = RNG.standard_normal(3)
        gx, gb = back(u)
        np.testing.assert_allclose(gx, u @ Jx, rtol=1e-13, atol=1e-15)
        np.testing.assert_allclose(gb, u @ Jb, rtol=1e-13, atol=1e-15)
    with pytest.raises(ValueError, match="cotangent"):
        back(np.ones(4))


@pytest.mark.parametrize("f, x", [
    (polar_to_cartesian, np.array([1.5, -0.4])),
    (lambda x: softmax(x) * log1p(x * x), np.array([0.2, -1.0, 0.7])),
    (lambda X: logsumexp(X, axis=1) * sum(X), np.arange(6.0).reshape(2, 3) / 4),
])
def test_jvp_agrees_with_jacobian_times_v(f, x):
    v = RNG.standard_normal(x.shape)
    out, tangent = jvp(f, (x,), (v,))
    J = jacobian(f)(x)
    np.testing.assert_allclose(out, np.asarray(f(x)), rtol=1e-15)
    want = np.tensordot(J, v, axes=v.ndim)
    np.testing.assert_allclose(tangent, want, rtol=1e-13, atol=1e-14)


def test_jvp_two_primals_and_shape_check():
    f = lambda a, b: a * sin(b)             # noqa: E731
    a, b = np.array([1.0, 2.0]), np.array([0.3, -0.8])
    va, vb = np.array([0.5, -1.0]), np.array([2.0, 1.0])
    _, t = jvp(f, (a, b), (va, vb))
    np.testing.assert_allclose(t, va * np.sin(b) + a * np.cos(b) * vb, rtol=1e-15)
    with pytest.raises(ValueError, match="tangent"):
        jvp(f, (a, b), (va, np.ones(3)))
    with pytest.raises(ValueError, match="2 primals and 1 tangents"):
        jvp(f, (a, b), (va,))


# ---------------------------------------------------------------------------
# Hessians and Hessian-vector products
# ---------------------------------------------------------------------------
def test_hessian_of_rosenbrock_at_the_minimum_is_exact():
    H = hessian(rosenbrock)(np.array([1.0, 1.0]))
    np.testing.assert_array_equal(H, [[802.0, -400.0], [-400.0, 200.0]])


def test_hessian_of_rosenbrock_anywhere():
    x, y = -0.7, 1.9
    H = hessian(rosenbrock)(np.array([x, y]))
    want = [[2 - 400 * (y - x ** 2) + 800 * x ** 2, -400 * x], [-400 * x, 200.0]]
    np.testing.assert_allclose(H, want, rtol=1e-14)


def test_hessian_of_a_quadratic_form_is_a_plus_a_transpose():
    A = RNG.standard_normal((4, 4))
    H = hessian(lambda x: x @ (A @ x))(RNG.standard_normal(4))
    np.testing.assert_allclose(H, A + A.T, rtol=1e-15, atol=1e-15)


def test_hessian_of_logsumexp_closed_form_and_symmetric():
    x = np.array([0.3, -1.0, 2.0, 0.5])
    p = np.exp(x - x.max()) / np.exp(x - x.max()).sum()
    H = hessian(logsumexp)(x)
    np.testing.assert_allclose(H, np.diag(p) - np.outer(p, p), rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(H, H.T, rtol=0, atol=1e-16)


def test_hessian_against_finite_differences_of_the_gradient():
    W = RNG.standard_normal((3, 4))
    f = lambda x: sum(softplus(W @ x)) + sum(x ** 4) / 4      # noqa: E731
    x = RNG.standard_normal(4)
    H = hessian(f)(x)
    # closed form: Wᵀ diag(σ(Wx)(1 − σ(Wx))) W + diag(3x²)
    s = 1 / (1 + np.exp(-(W @ x)))
    np.testing.assert_allclose(H, W.T @ np.diag(s * (1 - s)) @ W + np.diag(3 * x ** 2),
                               rtol=1e-13, atol=1e-14)
    np.testing.assert_allclose(H, central_jacobian(grad(f), x), rtol=1e-7, atol=1e-8)
    np.testing.assert_allclose(H, H.T, rtol=1e-14, atol=1e-15)


def test_hessian_of_a_matrix_argument_has_shape_x_by_x():
    X = np.array([[1.0, 2.0], [0.5, -1.0]])
    H = hessian(lambda t: sum(t * t * t))(X)                  # ∂²/∂X_ij∂X_kl = 6 X_ij δ δ
    assert H.shape == (2, 2, 2, 2)
    np.testing.assert_array_equal(H.reshape(4, 4), np.diag(6 * X.ravel()))


@pytest.mark.parametrize("f, x", [
    (rosenbrock, np.array([-0.4, 0.9])),
    (lambda x: logsumexp(x) + sum(sin(x) * x), np.array([0.2, -1.0, 0.7])),
    (lambda x: sum(sqrt(1 + x * x)) * sum(tanh(x)), np.array([0.4, 1.1, -0.3, 2.0])),
])
def test_hvp_equals_hessian_times_v(f, x):
    v = RNG.standard_normal(x.shape)
    np.testing.assert_allclose(hvp(f, x, v), hessian(f)(x) @ v, rtol=1e-12, atol=1e-13)


# ---------------------------------------------------------------------------
# Symbolic reference: sympy
# ---------------------------------------------------------------------------
def _namespace(sp):
    """The same function names, spelled in sympy."""
    return types.SimpleNamespace(
        exp=sp.exp, log=sp.log, log1p=lambda x: sp.log(1 + x), sqrt=sp.sqrt, sin=sp.sin,
        cos=sp.cos, tanh=sp.tanh, sigmoid=lambda x: 1 / (1 + sp.exp(-x)),
        softplus=lambda x: sp.log(1 + sp.exp(x)))


OURS = types.SimpleNamespace(exp=exp, log=log, log1p=log1p, sqrt=sqrt, sin=sin, cos=cos,
                             tanh=tanh, sigmoid=sigmoid, softplus=softplus)

# (id, expression written once for both namespaces, points inside its domain)
SYMBOLIC = [
    ("x sin x", lambda x, m: x * m.sin(x), [-1.3, 0.4, 2.5]),
    ("exp(sin x)", lambda x, m: m.exp(m.sin(x)), [-2.0, 0.1, 1.7]),
    ("log(1 + x²)", lambda x, m: m.log(1 + x ** 2), [-1.5, 0.3, 3.0]),
    ("log1p(x)/x", lambda x, m: m.log1p(x) / x, [-0.5, 0.25, 4.0]),
    ("sqrt(x² + 1)", lambda x, m: m.sqrt(x ** 2 + 1), [-2.0, 0.0, 0.7]),
    ("tanh(x)² cos x", lambda x, m: m.tanh(x) ** 2 * m.cos(x), [-1.0, 0.5, 2.2]),
    ("sigmoid(2x − 1)", lambda x, m: m.sigmoid(2 * x - 1), [-3.0, 0.5, 1.4]),
    ("softplus(x) sin x", lambda x, m: m.softplus(x) * m.sin(x), [-2.5, 0.2, 3.1]),
    ("x^x", lambda x, m: x ** x, [0.3, 1.0, 2.5]),
    ("2^sin x", lambda x, m: 2 ** m.sin(x), [-1.0, 0.6, 2.0]),
    ("(1 + x²)^(−3/2)", lambda x, m: (1 + x ** 2) ** (-1.5), [-1.2, 0.0, 0.8]),
    ("exp(−x²)/(1 + x)", lambda x, m: m.exp(-x ** 2) / (1 + x), [-0.5, 0.3, 2.0]),
    ("log(sigmoid x)", lambda x, m: m.log(m.sigmoid(x)), [-4.0, 0.0, 3.0]),
    ("sin(cos(tanh x))", lambda x, m: m.sin(m.cos(m.tanh(x))), [-1.1, 0.35, 2.0]),
    ("sqrt(x) log x", lambda x, m: m.sqrt(x) * m.log(x), [0.2, 1.0, 5.0]),
    ("x / (1 + exp(x))", lambda x, m: x / (1 + m.exp(x)), [-2.0, 0.0, 1.5]),
]


@pytest.mark.parametrize("expr, points", [c[1:] for c in SYMBOLIC], ids=[c[0] for c in SYMBOLIC])
def test_first_and_second_derivatives_match_sympy(expr, points):
    sp = pytest.importorskip("sympy")
    s = sp.Symbol("x", real=True)
    e = expr(s, _namespace(sp))
    d1, d2 = sp.diff(e, s), sp.diff(e, s, 2)
    f = lambda x: expr(x, OURS)            # noqa: E731
    df, d2f = grad(f), grad(grad(f))
    for x0 in points:
        want1 = float(d1.subs(s, sp.Rational(x0)).evalf(30))
        want2 = float(d2.subs(s, sp.Rational(x0)).evalf(30))
        assert np.isclose(float(df(x0)), want1, rtol=1e-13, atol=1e-14), (x0, float(df(x0)), want1)
        assert np.isclose(float(d2f(x0)), want2, rtol=1e-12, atol=1e-13), (x0, float(d2f(x0)),
                                                                          want2)
        # and through hessian / hvp on a length-1 vector
        H = hessian(lambda v: expr(v[0], OURS))(np.array([x0]))
        assert np.isclose(float(H[0, 0]), want2, rtol=1e-12, atol=1e-13)


def test_symbolic_table_is_big_enough():
    assert len(SYMBOLIC) >= 12


# ---------------------------------------------------------------------------
# Optional: torch as a second reference
# ---------------------------------------------------------------------------
def test_gradient_and_hessian_match_torch():
    torch = pytest.importorskip("torch")
    W = RNG.standard_normal((3, 4))
    b = RNG.standard_normal(3)
    x = RNG.standard_normal(4)

    def ours(v):
        return logsumexp(tanh(W @ v + b)) + sum(softplus(v) * sigmoid(v))

    def theirs(v):
        Wt, bt = torch.tensor(W), torch.tensor(b)
        return (torch.logsumexp(torch.tanh(Wt @ v + bt), 0)
                + (torch.nn.functional.softplus(v) * torch.sigmoid(v)).sum())

    xt = torch.tensor(x, requires_grad=True)
    (gt,) = torch.autograd.grad(theirs(xt), xt)
    Ht = torch.autograd.functional.hessian(theirs, torch.tensor(x))
    np.testing.assert_allclose(grad(ours)(x), gt.numpy(), rtol=1e-13, atol=1e-15)
    np.testing.assert_allclose(hessian(ours)(x), Ht.numpy(), rtol=1e-12, atol=1e-14)


def test_tensor_inputs_to_transforms():
    # a Tensor that does not require a gradient is differentiated like an array
    t = Tensor([1.0, 2.0])
    np.testing.assert_array_equal(grad(lambda v: sum(v * v))(t), [2.0, 4.0])
