"""Every rule of the autodiff engine, checked against central differences to second order.

One table of (function, arguments) cases covers every operation in ``ops.RULES``,
broadcasting in both directions, reductions with every kind of ``axis`` and
``keepdims``, and indexing of every kind.  Each case is run through
``check_grads(f, args, order=2)``, which compares reverse mode (vjp) and
forward mode (jvp) with Richardson-corrected central differences along random
directions, then repeats the comparison on the reverse-mode gradient itself
(second derivatives, i.e. the rules are differentiable).

Points are chosen away from kinks (relu, abs, maximum/minimum, max) by more
than the finite-difference reach (4·eps = 4e-3), and inside the domains of
log, sqrt, log1p and pow.

Two guards keep the table honest: a test that it exercises every name in
``RULES`` (traced from the tapes, not from labels), and tests that
``check_grads`` really fails when a rule is wrong.
"""
from __future__ import annotations

import numpy as np
import pytest

from mathforml.calculus.autodiff import (
    Tensor, abs, broadcast_to, check_grads, concatenate, cos, cross_entropy, exp, log, log1p,
    log_softmax, logsumexp, matmul, max, maximum, mean, minimum, relu, reshape, sigmoid, sin, softmax,
    softplus, sqrt, stack, sum, tanh, transpose, where,
)
from mathforml.calculus.autodiff import ops
from mathforml.calculus.autodiff.tensor import _value, backward_pass, topological_order

RNG = np.random.default_rng(20240603)


def normal(*shape):
    return RNG.standard_normal(shape)


def positive(*shape):
    """Values in [0.5, 2): inside the domain of log, sqrt and a pow base."""
    return 0.5 + 1.5 * RNG.random(shape)


def away_from_zero(*shape):
    """Values with |x| in [0.2, 1.7] and random signs (relu and abs kinks at 0 avoided)."""
    return RNG.choice([-1.0, 1.0], size=shape) * (0.2 + 1.5 * RNG.random(shape))


def distinct(*shape):
    """A random permutation of 0.3·(0, 1, ..., n-1) plus small noise: no ties within 0.2."""
    n = int(np.prod(shape))
    return (0.3 * RNG.permutation(n) + 0.05 * RNG.random(n) - 1.0).reshape(shape)


C34 = normal(3, 4)                     # a constant (not differentiated)
MASK34 = RNG.random((3, 4)) > 0.5      # a constant condition
MASK34[0, 0], MASK34[0, 1] = True, False

# (id, function, arguments).  Every argument is differentiated by check_grads.
CASES = [
    # --- arithmetic, with broadcasting in both directions --------------------------------
    ("add", lambda x, y: x + y, (normal(3, 4), normal(3, 4))),
    ("add (3,1)+(1,4)", lambda x, y: (x + y) ** 2, (normal(3, 1), normal(1, 4))),
    ("add ndarray+Tensor", lambda x: C34 + x * x, (normal(3, 4),)),
    ("sub (4,3)-(3,)", lambda x, y: sin(x - y), (normal(4, 3), normal(3))),
    ("sub scalar-array", lambda s, x: (s - x) * x, (np.array(0.7), normal(3, 4))),
    ("mul (4,3)*(3,)", lambda x, y: x * y, (normal(4, 3), normal(3))),
    ("mul scalar*array", lambda s, x: s * x * x, (np.array(1.3), normal(3, 4))),
    ("mul array*scalar", lambda x, s: x * s, (normal(2, 3), np.array(-0.4))),
    ("div", lambda x, y: x / y, (normal(3, 4), positive(3, 4))),
    ("div (3,1)/(1,4)", lambda x, y: x / y, (normal(3, 1), -positive(1, 4))),
    ("div scalar/array", lambda s, x: s / x, (np.array(2.0), positive(3, 4))),
    ("div array/scalar", lambda x, s: x / s, (normal(3, 4), np.array(1.7))),
    ("pow tensor**tensor", lambda x, y: x ** y, (positive(3, 4), normal(3, 4))),
    ("pow (3,4)**(4,)", lambda x, y: x ** y, (positive(3, 4), normal(4))),
    ("pow x**3", lambda x: x ** 3, (normal(3, 4),)),
    ("pow x**0.5", lambda x: x ** 0.5, (positive(5),)),
    ("pow 2**x", lambda x: 2.0 ** x, (normal(3, 4),)),
    ("neg", lambda x: -x * x, (normal(3, 4),)),
    # --- matmul: every NumPy shape rule -------------------------------------------------
    ("matmul 2-D@2-D", lambda a, b: matmul(a, b), (normal(3, 4), normal(4, 2))),
    ("matmul 1-D@2-D", lambda a, b: a @ b, (normal(4), normal(4, 3))),
    ("matmul 2-D@1-D", lambda a, b: a @ b, (normal(3, 4), normal(4))),
    ("matmul 1-D@1-D", lambda a, b: a @ b, (normal(4), normal(4))),
    ("matmul batched 3-D@2-D", lambda a, b: a @ b, (normal(2, 3, 4), normal(4, 2))),
    ("matmul batched 3-D@3-D", lambda a, b: a @ b, (normal(2, 3, 4), normal(2, 4, 2))),
    ("matmul 1-D@3-D", lambda a, b: a @ b, (normal(4), normal(2, 4, 3))),
    ("matmul 3-D@1-D", lambda a, b: a @ b, (normal(2, 3, 4), normal(4))),
    ("matmul batch-broadcast 4-D@3-D", lambda a, b: a @ b, (normal(2, 1, 3, 4), normal(5, 4, 2))),
    ("matmul tanh(W x) (MLP layer)", lambda W, x: tanh(W @ x), (normal(3, 4), normal(4, 2))),
    ("matmul ndarray@Tensor", lambda x: C34 @ (x * x), (normal(4, 2),)),
    # --- elementwise functions ----------------------------------------------------------
    ("exp", lambda x: exp(x), (normal(3, 4),)),
    ("log", lambda x: log(x), (positive(3, 4),)),
    ("log1p", lambda x: log1p(x), (np.clip(normal(3, 4), -0.5, 3.0),)),
    ("sqrt", lambda x: sqrt(x), (positive(3, 4),)),
    ("abs", lambda x: abs(x) * x, (away_from_zero(3, 4),)),
    ("abs builtin", lambda x: builtins_abs(x) ** 3, (away_from_zero(3, 4),)),
    ("sin", lambda x: sin(x), (normal(3, 4),)),
    ("cos", lambda x: cos(x), (normal(3, 4),)),
    ("tanh", lambda x: tanh(x), (normal(3, 4),)),
    ("sigmoid", lambda x: sigmoid(3.0 * x), (normal(3, 4),)),
    ("relu", lambda x: relu(x) * x, (away_from_zero(3, 4),)),
    ("softplus", lambda x: softplus(2.0 * x), (normal(3, 4),)),
    ("maximum (3,4),(4,)", lambda x, y: maximum(x, y) ** 2,
     (np.array([[0.0, 1.0, -1.0, 2.0]] * 3) + 0.5 * np.sign(normal(3, 4)), normal(4) * 0.1)),
    ("minimum (3,1),(1,4)", lambda x, y: sin(minimum(x, y)),
     (np.array([[-1.0], [0.15], [1.3]]), np.array([[-0.5, 0.5, 1.0, 2.0]]))),
    ("maximum with constant", lambda x: maximum(x, 0.0) * x, (away_from_zero(3, 4),)),
    ("where", lambda x, y: where(MASK34, x * x, sin(y)), (normal(3, 4), normal(3, 4))),
    ("where broadcast (3,1),(4,)", lambda x, y: where(MASK34, exp(x), y ** 2),
     (normal(3, 1), normal(4))),
    ("np.where on Tensor > 0", lambda x: np.where(x > 0, x ** 2, -x), (away_from_zero(3, 4),)),
    # --- reductions: axis None / int / tuple / negative, keepdims ---------------------------
    ("sum all", lambda x: sum(x * x), (normal(3, 4),)),
    ("sum axis=0", lambda x: sin(sum(x, axis=0)), (normal(3, 4),)),
    ("sum axis=-1 keepdims", lambda x: x * sum(x, axis=-1, keepdims=True), (normal(3, 4),)),
    ("sum axis=(0,2)", lambda x: sum(x, axis=(0, 2)) ** 2, (normal(2, 3, 4),)),
    ("sum axis=(0,-1) keepdims", lambda x: x / (1 + sum(x * x, axis=(0, -1), keepdims=True)),
     (normal(2, 3, 4),)),
    ("mean all", lambda x: mean(exp(x)), (normal(3, 4),)),
    ("mean axis=1 keepdims", lambda x: (x - mean(x, axis=1, keepdims=True)) ** 2,
     (normal(3, 4),)),
    ("mean axis=(1,2)", lambda x: tanh(mean(x, axis=(1, 2))), (normal(2, 3, 4),)),
    ("max all", lambda x: max(x) ** 2, (distinct(3, 4),)),
    ("max axis=0", lambda x: max(x * x, axis=0), (distinct(3, 4),)),
    ("max axis=-1 keepdims", lambda x: exp(x - max(x, axis=-1, keepdims=True)), (distinct(3, 4),)),
    ("max axis=(0,2)", lambda x: sin(max(x, axis=(0, 2))), (distinct(2, 3, 4),)),
    ("logsumexp all", lambda x: logsumexp(x), (normal(3, 4),)),
    ("logsumexp axis=1", lambda x: logsumexp(x, axis=1), (normal(3, 4),)),
    ("logsumexp axis=-2 keepdims", lambda x: logsumexp(x, axis=-2, keepdims=True) * x,
     (normal(3, 4),)),
    ("logsumexp axis=(0,2) keepdims", lambda x: logsumexp(x, axis=(0, 2), keepdims=True),
     (normal(2, 3, 4),)),
    ("logsumexp axis=(1,2)", lambda x: logsumexp(2.0 * x, axis=(1, 2)), (normal(2, 3, 4),)),
    ("softmax axis=-1", lambda x: softmax(x), (normal(3, 4),)),
    ("softmax axis=0", lambda x: softmax(x, axis=0) * C34, (normal(3, 4),)),
    ("log_softmax axis=-1", lambda x: log_softmax(x), (normal(3, 4),)),
    ("log_softmax axis=1 of 3-D", lambda x: log_softmax(x, axis=1), (normal(2, 3, 4),)),
    ("softmax axis=(0,1)", lambda x: softmax(x, axis=(0, 1)), (normal(3, 4),)),
    ("cross-entropy", lambda z: -sum(log_softmax(z) * (C34 > 0)), (normal(3, 4),)),
    ("fused cross_entropy, 2-D", lambda z: cross_entropy(z, [0, 3, 1]), (normal(3, 4),)),
    ("fused cross_entropy, 3-D and one row",
     lambda z, w: cross_entropy(z, [[1, 0], [2, 2]]) + cross_entropy(w, 1), (normal(2, 2, 3),
                                                                              normal(4))),
    # --- shape operations ----------------------------------------------------------------
    ("reshape", lambda x: reshape(x, (4, 3)) @ x, (normal(3, 4),)),
    ("reshape -1 method", lambda x: sin(x.reshape(-1)) * x.reshape(12), (normal(3, 4),)),
    ("transpose default", lambda x: transpose(x) * transpose(x) @ x, (normal(3, 4),)),
    ("transpose axes", lambda x: sin(transpose(x, (1, 2, 0))), (normal(2, 3, 4),)),
    ("transpose negative axes", lambda x: transpose(x, (-1, 0, 1)) ** 2, (normal(2, 3, 4),)),
    (".T", lambda x: x.T @ x, (normal(3, 4),)),
    ("broadcast_to", lambda x: broadcast_to(x, (2, 3, 4)) * C34, (normal(3, 1),)),
    ("broadcast_to new axes", lambda x: sin(broadcast_to(x, (3, 4))), (normal(4),)),
    # --- indexing: basic, integer, negative steps, fancy with repeats, boolean ----------
    ("getitem slice", lambda x: x[1:, ::2] ** 2, (normal(3, 4),)),
    ("getitem int", lambda x: sin(x[1]) * x[-1], (normal(3, 4),)),
    ("getitem int pair", lambda x: x[2, 1] * x, (normal(3, 4),)),
    ("getitem negative step", lambda x: x[::-1, 3:0:-2] * x[:, :2], (normal(3, 4),)),
    ("getitem Ellipsis/None", lambda x: x[..., None, 1] ** 3, (normal(2, 3, 4),)),
    ("getitem fancy with repeats", lambda x: x[[0, 0, 2, 0]] ** 2, (normal(3, 4),)),
    ("getitem fancy 2-D repeats", lambda x: exp(x[[0, 2, 2], [1, 1, 3]]), (normal(3, 4),)),
    ("getitem fancy + slice", lambda x: x[:, [3, 0, 3]] * x[:, :3], (normal(3, 4),)),
    ("getitem fancy split by a slice", lambda x: x[[0, 1, 1], :, [1, 2, 2]] ** 2,
     (normal(2, 3, 4),)),
    ("getitem fancy negative + None", lambda x: x[None, [-1, 0, -1]] ** 3, (normal(3, 4),)),
    ("getitem negative steps 3-D", lambda x: sin(x[::-1, ::-2, 1:]), (normal(2, 3, 4),)),
    ("getitem boolean mask", lambda x: sin(x[MASK34]) * x[MASK34], (normal(3, 4),)),
    ("getitem boolean rows", lambda x: x[np.array([True, False, True])] ** 2, (normal(3, 4),)),
    # --- joining -------------------------------------------------------------------------
    ("concatenate axis=0", lambda x, y: concatenate([x, y * y]) ** 2, (normal(2, 4), normal(3, 4))),
    ("concatenate axis=-1", lambda x, y: sin(concatenate([x, y], axis=-1)),
     (normal(3, 1), normal(3, 4))),
    ("concatenate with constant", lambda x: concatenate([C34, x ** 2], axis=1) * 0.5,
     (normal(3, 2),)),
    ("concatenate axis=-2 3-D", lambda x, y: concatenate([x, y], axis=-2) ** 2,
     (normal(2, 1, 3), normal(2, 2, 3))),
    ("stack axis=0", lambda x, y: stack([x, y]) ** 2, (normal(3, 4), normal(3, 4))),
    ("stack axis=-1 reused", lambda x: exp(stack([x, x * x, x], axis=-1)), (normal(3, 4),)),
    ("stack axis=1", lambda x, y: stack([sin(x), y], axis=1) * x[:, None, :],
     (normal(3, 4), normal(3, 4))),
    # --- compositions ------------------------------------------------------------------
    ("two-layer network", lambda W1, W2, X: mean(logsumexp(relu(X @ W1) @ W2, axis=1)),
     (normal(4, 5), normal(5, 3), normal(6, 4))),
    ("rosenbrock", lambda v: (1 - v[0]) ** 2 + 100 * (v[1] - v[0] ** 2) ** 2,
     (np.array([0.3, -0.7]),)),
]


def builtins_abs(x):
    import builtins
    return builtins.abs(x)


@pytest.mark.parametrize("f, args", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_rule_matches_central_differences_to_second_order(f, args):
    check_grads(f, args, order=2)


def test_table_has_at_least_40_cases():
    assert len(CASES) >= 40
    assert len({c[0] for c in CASES}) == len(CASES)


def _ops_on_tape(root):
    return {n.op.name for n in topological_order(root) if n.op is not None}


def _exercised_ops(f, args):
    """Operation names on the forward tape and on the recorded (create_graph) backward tape."""
    xs = [Tensor(np.asarray(a, dtype=float), requires_grad=True) for a in args]
    out = f(*xs)
    names = _ops_on_tape(out)
    seed = Tensor(np.ones_like(out.data))
    for _, g in backward_pass(out, seed, create_graph=True, wrt=xs):
        if type(g) is Tensor and g.requires_grad:
            names |= _ops_on_tape(g)
    return names


def test_table_covers_every_rule():
    """A new operation in RULES without a case in the table makes this fail."""
    covered = set()
    for _, f, args in CASES:
        covered |= _exercised_ops(f, args)
    missing = set(ops.RULES) - covered
    assert not missing, f"operations in RULES without a case in the table: {sorted(missing)}"
    # the two-argument pow rule (∂/∂y = z·log x) is only exercised if y is a tensor
    xs = [Tensor(positive(3), requires_grad=True), Tensor(normal(3), requires_grad=True)]
    z = xs[0] ** xs[1]
    assert z.op is ops.RULES["pow"] and all(p.requires_grad for p in z.parents)


def test_exercised_ops_sees_the_backward_tape():
    # the scatter rule (adjoint of indexing) only appears when a gradient is recorded
    assert "scatter" in _exercised_ops(lambda x: x[[0, 0]] ** 2, (normal(3),))
    assert "scatter" not in _ops_on_tape(Tensor(normal(3), requires_grad=True)[[0, 0]] ** 2)


# ---------------------------------------------------------------------------
# The checker can fail
# ---------------------------------------------------------------------------
def test_check_grads_passes_the_correct_sin_rule():
    check_grads(lambda x: sin(x) * x, (normal(3, 4),), order=2)


def test_check_grads_fails_on_a_wrong_reverse_rule(monkeypatch):
    wrong = lambda g, z, x: g * sin(x)            # noqa: E731  (should be g·cos x)
    monkeypatch.setattr(ops.SIN, "vjps", (wrong,))
    with pytest.raises(AssertionError, match=r"reverse mode \(vjp\).*order 1"):
        check_grads(lambda x: sin(x) * x, (normal(3, 4),), order=1)


def test_check_grads_fails_on_a_slightly_wrong_reverse_rule(monkeypatch):
    wrong = lambda g, z, x, y: (g * y) * 1.0001   # noqa: E731  a 1e-4 relative error
    monkeypatch.setattr(ops.MUL, "vjps", (wrong, ops.MUL.vjps[1]))
    with pytest.raises(AssertionError, match="reverse mode"):
        check_grads(lambda x, y: x * y, (normal(3, 4), normal(3, 4)), order=1)


def test_check_grads_fails_on_a_wrong_forward_rule(monkeypatch):
    monkeypatch.setitem(ops._JVP, "sum", lambda ts, z, x, axis, keepdims: 2.0 * sum(
        ts[0], axis=axis, keepdims=keepdims))
    with pytest.raises(AssertionError, match=r"forward mode \(jvp\)"):
        check_grads(lambda x: sum(x * x, axis=0), (normal(3, 4),), order=1)


def test_check_grads_fails_when_a_rule_is_right_only_to_first_order(monkeypatch):
    # g·cos(x) computed on the raw data: correct numbers, but not differentiable, so the
    # recorded gradient has lost its dependence on x and the second derivative is wrong
    detached = lambda g, z, x: g * np.cos(_value(x))   # noqa: E731
    monkeypatch.setattr(ops.SIN, "vjps", (detached,))
    f, args = (lambda x: sin(x)), (normal(3, 4),)
    check_grads(f, args, order=1)                       # first order cannot see it
    with pytest.raises(AssertionError, match="order 2"):
        check_grads(f, args, order=2)


def test_check_grads_fails_on_a_numpy_shortcut_inside_f():
    # np.asarray(t) takes the value out of the graph: the product rule loses a term
    def f(x):
        return x * np.asarray(x)
    with pytest.raises(AssertionError, match="disagrees"):
        check_grads(f, (normal(3, 4),), order=1)
