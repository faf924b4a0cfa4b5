"""The tape and the reverse sweep: graph shapes, dtypes, needs-grad, modes, errors, edge cases."""
from __future__ import annotations

import sys

import numpy as np
import pytest

from mathforml.calculus.autodiff import (
    Tensor, abs, broadcast_to, check_finite_grads, concatenate, cos, cross_entropy, exp, grad,
    hessian, log, log1p, log_softmax, logsumexp, max, maximum, mean, minimum, no_grad, relu,
    reshape, sigmoid, sin, softmax, softplus, sqrt, stack, sum, tanh, transpose, where,
)
from mathforml.calculus.autodiff import ops


def leaf(a, dtype=np.float64, requires_grad=True):
    return Tensor(np.asarray(a, dtype=dtype), requires_grad=requires_grad)


# ---------------------------------------------------------------------------
# Reused nodes: adjoints accumulate
# ---------------------------------------------------------------------------
def test_reused_node_b_equals_a_plus_a():
    a = leaf(1.5)
    b = a + a
    c = b + b
    c.backward()
    assert float(a.grad) == 4.0
    assert float(c.data) == 6.0


def test_diamond_graph():
    # d = sin(a) · exp(a): two paths from a to d; d' = (cos a + sin a) e^a
    a0 = 0.7
    a = leaf(a0)
    d = sin(a) * exp(a)
    d.backward()
    assert np.isclose(float(a.grad), (np.cos(a0) + np.sin(a0)) * np.exp(a0), rtol=1e-14, atol=0)


def test_diamond_with_shared_intermediate():
    # u = a²; v = u + 1; w = u · 3; y = v · w = 3 a⁴ + 3 a²  ->  y' = 12 a³ + 6 a
    a0 = np.array([0.5, -2.0, 3.0])
    a = leaf(a0)
    u = a * a
    y = sum((u + 1.0) * (u * 3.0))
    y.backward()
    np.testing.assert_allclose(a.grad, 12 * a0 ** 3 + 6 * a0, rtol=1e-14, atol=0)


def test_node_used_by_many_consumers():
    a0 = np.array([0.3, -1.2])
    a = leaf(a0)
    consumers = [a * float(k) for k in range(1, 51)]       # Σ_k k·a
    total = consumers[0]
    for c in consumers[1:]:
        total = total + c
    sum(total * a).backward()                                  # Σ_k k a²  ->  2 a Σ_k k
    np.testing.assert_allclose(a.grad, 2 * a0 * (50 * 51 / 2), rtol=1e-14, atol=0)


def test_node_used_twice_by_one_operation():
    a = leaf([1.0, 2.0, 3.0])
    (a @ a).backward()                      # |a|²  ->  2a
    np.testing.assert_array_equal(a.grad, [2.0, 4.0, 6.0])
    b = leaf([[1.0, 2.0], [3.0, 4.0]])
    sum(b @ b).backward()                   # ∂/∂B Σ (B B) = 1 Bᵀ + Bᵀ 1
    ones = np.ones((2, 2))
    Bv = b.data
    np.testing.assert_array_equal(b.grad, ones @ Bv.T + Bv.T @ ones)


# ---------------------------------------------------------------------------
# Deep graphs: the sweep is iterative
# ---------------------------------------------------------------------------
def test_100000_node_chain_has_no_recursion_error():
    n = 100_000
    c = 1.0 + 1e-6
    x = leaf(0.75)
    y = x
    for _ in range(n):
        y = y * c
    assert n > sys.getrecursionlimit()
    y.backward()
    # value x·cⁿ and derivative cⁿ (n roundings of ~1.1e-16 each bound the error)
    assert np.isclose(float(y.data), 0.75 * c ** n, rtol=1e-10, atol=0)
    assert np.isclose(float(x.grad), c ** n, rtol=1e-10, atol=0)
    del y                                   # tearing the chain down must not recurse either


def test_100000_node_chain_through_grad():
    def f(x):
        for _ in range(100_000):
            x = x + 1.0
        return x * x
    g = grad(f)(0.5)                        # 2 (x + n)
    assert float(g) == 2 * (0.5 + 100_000)


# ---------------------------------------------------------------------------
# dtype: float32 stays float32; integers become float64
# ---------------------------------------------------------------------------
X34 = np.linspace(0.5, 2.0, 12).reshape(3, 4)
Y34 = np.linspace(-1.0, 1.3, 12).reshape(3, 4)
V4 = np.linspace(0.2, 1.0, 4)

FLOAT32_OPS = {
    "add": lambda x, y, v: x + y,
    "add python float": lambda x, y, v: 2.0 + x,
    "add broadcast": lambda x, y, v: x + v,
    "sub": lambda x, y, v: 1.5 - x - y,
    "mul": lambda x, y, v: x * y * 3.0,
    "div": lambda x, y, v: x / y + 1.0 / x,
    "pow": lambda x, y, v: x ** y,
    "pow constant exponent": lambda x, y, v: x ** 2.5,
    "pow constant base": lambda x, y, v: 2.0 ** x,
    "pow zero base": lambda x, y, v: 0.0 ** x,
    "neg": lambda x, y, v: -x,
    "matmul": lambda x, y, v: x @ transpose(y),
    "matmul 2-D@1-D": lambda x, y, v: x @ v,
    "matmul 1-D@1-D": lambda x, y, v: v @ v,
    "exp": lambda x, y, v: exp(x),
    "log": lambda x, y, v: log(x),
    "log1p": lambda x, y, v: log1p(x),
    "sqrt": lambda x, y, v: sqrt(x),
    "abs": lambda x, y, v: abs(y),
    "sin": lambda x, y, v: sin(x),
    "cos": lambda x, y, v: cos(x),
    "tanh": lambda x, y, v: tanh(x),
    "sigmoid": lambda x, y, v: sigmoid(y),
    "relu": lambda x, y, v: relu(y),
    "softplus": lambda x, y, v: softplus(y),
    "maximum": lambda x, y, v: maximum(x, y),
    "maximum constant": lambda x, y, v: maximum(y, 0.0),
    "minimum": lambda x, y, v: minimum(x, y),
    "where": lambda x, y, v: where(Y34 > 0, x, y),
    "where constant": lambda x, y, v: where(Y34 > 0, x, 0.0),
    "sum": lambda x, y, v: sum(x, axis=0),
    "mean": lambda x, y, v: mean(x, axis=1),
    "mean all": lambda x, y, v: mean(x),
    "max": lambda x, y, v: max(x, axis=1),
    "logsumexp": lambda x, y, v: logsumexp(x, axis=1),
    "softmax": lambda x, y, v: softmax(x),
    "log_softmax": lambda x, y, v: log_softmax(x),
    "cross_entropy": lambda x, y, v: cross_entropy(x, np.zeros(x.shape[:-1], dtype=int)),
    "reshape": lambda x, y, v: reshape(x, (4, 3)),
    "transpose": lambda x, y, v: transpose(x),
    "broadcast_to": lambda x, y, v: broadcast_to(v, (3, 4)),
    "getitem fancy": lambda x, y, v: x[[0, 0, 2]],
    "getitem mask": lambda x, y, v: x[Y34 > 0],
    "concatenate": lambda x, y, v: concatenate([x, y]),
    "stack": lambda x, y, v: stack([x, y]),
    "np.exp": lambda x, y, v: np.exp(x),
    "ndarray float32 + Tensor": lambda x, y, v: np.ones((3, 4), np.float32) + x,
}


@pytest.mark.parametrize("create_graph", [False, True], ids=["plain", "create_graph"])
@pytest.mark.parametrize("name", list(FLOAT32_OPS))
def test_float32_is_preserved_in_value_and_gradient(name, create_graph):
    x, y, v = (leaf(a, np.float32) for a in (X34, Y34, V4))
    z = FLOAT32_OPS[name](x, y, v)
    assert z.dtype == np.float32
    sum(z * z).backward(create_graph=create_graph)
    got = [t.grad for t in (x, y, v) if t.grad is not None]
    assert got
    for g in got:
        assert g.dtype == np.float32
        assert type(g) is (Tensor if create_graph else np.ndarray)
    if create_graph:
        # the recorded gradient can be differentiated again, still in float32
        for t in (x, y, v):
            t.grad = None
        second = sum(got[0] * got[0])
        if second.requires_grad:
            second.backward()
            assert all(t.grad.dtype == np.float32 for t in (x, y, v) if t.grad is not None)


def test_every_rule_is_in_the_float32_table():
    ops_seen = set()
    for f in FLOAT32_OPS.values():
        x, y, v = (leaf(a, np.float32) for a in (X34, Y34, V4))
        from mathforml.calculus.autodiff.tensor import topological_order
        ops_seen |= {n.op.name for n in topological_order(f(x, y, v)) if n.op is not None}
    assert set(ops.RULES) - ops_seen == {"scatter"}     # scatter: the adjoint of getitem


def test_float32_through_the_functional_api():
    x = np.array([0.5, 1.0, 2.0], dtype=np.float32)
    f = lambda t: sum(sin(t) * t ** 2) + logsumexp(t)    # noqa: E731
    assert grad(f)(x).dtype == np.float32
    assert hessian(f)(x).dtype == np.float32


def test_gradient_of_a_float32_leaf_has_its_dtype_even_after_promotion():
    x = leaf([1.0, 2.0], np.float32)
    z = np.array([1.0, 1.0]) * x                # float64 constant: z is float64 by NumPy's rules
    assert z.dtype == np.float64
    sum(z).backward()
    assert x.grad.dtype == np.float32


@pytest.mark.parametrize("data", [[1, 2, 3], np.arange(3, dtype=np.int32), [True, False, True]])
def test_integer_and_boolean_input_is_promoted_to_float64(data):
    t = Tensor(data, requires_grad=True)
    assert t.dtype == np.float64
    sum(t * t).backward()
    assert t.grad.dtype == np.float64
    np.testing.assert_array_equal(t.grad, 2 * np.asarray(data, dtype=float))


def test_integer_argument_to_grad_is_promoted():
    g = grad(lambda x: sum(x ** 3))(np.array([1, 2]))
    assert g.dtype == np.float64
    np.testing.assert_array_equal(g, [3.0, 12.0])
    assert float(grad(lambda x: x * x)(3)) == 6.0


def test_complex_input_is_rejected():
    with pytest.raises(TypeError, match="complex"):
        Tensor(np.array([1 + 2j]))


# ---------------------------------------------------------------------------
# Needs-gradient: what nobody asked for is never computed
# ---------------------------------------------------------------------------
def _counting(rule, counter, key):
    def wrapped(*args, **kw):
        counter[key] += 1
        return rule(*args, **kw)
    return wrapped


def test_input_without_requires_grad_gets_no_gradient_and_its_vjp_never_runs(monkeypatch):
    calls = {"left": 0, "right": 0}
    left, right = ops.MATMUL.vjps
    monkeypatch.setattr(ops.MATMUL, "vjps", (_counting(left, calls, "left"),
                                             _counting(right, calls, "right")))
    X = leaf(np.ones((5, 3)), requires_grad=False)       # the input batch
    W = leaf(np.arange(6.0).reshape(3, 2))
    loss = sum(tanh(X @ W))
    loss.backward()
    assert calls == {"left": 0, "right": 1}
    assert X.grad is None
    assert W.grad is not None and W.grad.shape == (3, 2)
    # the same through create_graph
    W.zero_grad()
    sum(tanh(X @ W)).backward(create_graph=True)
    assert calls == {"left": 0, "right": 2}
    assert X.grad is None


def test_branch_without_gradient_is_not_recorded():
    X = leaf(np.ones((2, 2)), requires_grad=False)
    h = exp(X) * 2.0
    assert not h.requires_grad and h.is_leaf and h.parents == ()


def test_backward_without_any_requiring_input_is_an_error():
    with pytest.raises(RuntimeError, match="requires_grad=True"):
        sum(Tensor([1.0, 2.0]) * 2.0).backward()


# ---------------------------------------------------------------------------
# Modes: no_grad, accumulation, zero_grad
# ---------------------------------------------------------------------------
def test_no_grad_records_nothing_and_restores_the_mode():
    w = leaf([1.0, 2.0])
    with no_grad():
        v = w * 3.0
        with no_grad():
            u = exp(w)
        t = sin(w)
    assert not (v.requires_grad or u.requires_grad or t.requires_grad)
    assert v.op is None and t.op is None
    assert (w * 3.0).requires_grad                       # recording is back on
    with pytest.raises(ValueError):
        with no_grad():
            raise ValueError("boom")
    assert (w * 3.0).requires_grad                       # also after an exception


def test_backward_accumulates_and_zero_grad_resets():
    x = leaf([1.0, -2.0])
    sum(x * x).backward()
    np.testing.assert_array_equal(x.grad, [2.0, -4.0])
    sum(x * x).backward()
    np.testing.assert_array_equal(x.grad, [4.0, -8.0])
    sum(3.0 * x).backward()
    np.testing.assert_array_equal(x.grad, [7.0, -5.0])
    x.zero_grad()
    assert x.grad is None
    sum(x * x).backward()
    np.testing.assert_array_equal(x.grad, [2.0, -4.0])


def test_backward_with_an_explicit_gradient():
    x = leaf([1.0, 2.0, 3.0])
    y = x * x
    y.backward(np.array([1.0, 0.0, -1.0]))
    np.testing.assert_array_equal(x.grad, [2.0, 0.0, -6.0])
    with pytest.raises(ValueError, match="shape"):
        (x * x).backward(np.ones(2))


def test_create_graph_then_backward_again_like_pytorch():
    x = leaf(2.0)
    (x ** 3).backward(create_graph=True)
    g = x.grad                                   # 3x² as a recorded tensor
    assert type(g) is Tensor and float(g.data) == 12.0
    x.grad = None
    g.backward()                                 # d(3x²)/dx = 6x
    assert float(x.grad) == 12.0
    y = leaf(2.0)
    (y ** 3).backward(create_graph=True)
    y.grad.backward()                            # without a reset the two accumulate: 12 + 12
    assert float(_data(y.grad)) == 24.0


def _data(t):
    return t.data if type(t) is Tensor else t


def test_backward_on_a_leaf():
    x = leaf([1.0, 2.0])
    x.backward(np.array([3.0, -1.0]))
    np.testing.assert_array_equal(x.grad, [3.0, -1.0])


def test_leaf_gradients_are_distinct_writable_arrays():
    a, b = leaf([1.0, 2.0]), leaf([3.0, 4.0])
    sum(a + b).backward()
    assert a.grad is not b.grad
    a.grad[0] = 99.0
    assert b.grad[0] == 1.0


# ---------------------------------------------------------------------------
# Errors
# ---------------------------------------------------------------------------
def test_backward_on_a_non_scalar_without_gradient_is_a_type_error():
    x = leaf([1.0, 2.0])
    with pytest.raises(TypeError, match=r"scalar output.*\(2,\)"):
        (x * x).backward()


def test_grad_of_a_non_scalar_function_says_use_jacobian():
    with pytest.raises(TypeError, match="jacobian"):
        grad(lambda x: x * x)(np.array([1.0, 2.0]))
    with pytest.raises(TypeError, match="jacobian"):
        grad(lambda x: np.ones(3))(1.0)


@pytest.mark.parametrize("call, name", [
    (lambda t: np.arctan(t), "numpy.arctan"),
    (lambda t: np.floor(t), "numpy.floor"),
    (lambda t: np.add.reduce(t), "numpy.add.reduce"),
    (lambda t: np.exp(t, out=np.empty(3)), "numpy.exp with out="),
    (lambda t: np.cumsum(t), "numpy.cumsum"),
    (lambda t: np.prod(t), "numpy.prod"),
    (lambda t: np.dot(t, t), "numpy.dot"),
    (lambda t: np.linalg.norm(t), "numpy.linalg.norm"),
])
def test_unsupported_numpy_operation_is_a_type_error_naming_it(call, name):
    t = leaf([1.0, 2.0, 3.0])
    with pytest.raises(TypeError, match=name.replace(".", r"\.") + ".*not supported"):
        call(t)


# ---------------------------------------------------------------------------
# NumPy dispatch
# ---------------------------------------------------------------------------
def test_numpy_functions_dispatch_to_the_engine():
    x0 = np.array([[0.5, -1.0], [2.0, 0.25]])
    x = leaf(x0)
    y = np.exp(x)
    s = np.sum(y, axis=0)
    assert type(y) is Tensor and type(s) is Tensor
    np.sum(s * np.array([1.0, 2.0])).backward()
    np.testing.assert_allclose(x.grad, np.exp(x0) * np.array([1.0, 2.0]), rtol=1e-15, atol=0)


def test_ndarray_on_the_left_of_a_tensor():
    A = np.array([[1.0, 2.0], [3.0, 4.0]])
    x = leaf([1.0, -1.0])
    y = A + x                               # ndarray.__add__ defers to the Tensor
    z = A @ x
    w = A * x
    assert type(y) is Tensor and type(z) is Tensor and type(w) is Tensor
    sum(z).backward()
    np.testing.assert_array_equal(x.grad, A.sum(axis=0))          # 1ᵀ A
    x.zero_grad()
    sum(y * w).backward()                                          # Σ (A+x)·A·x
    np.testing.assert_array_equal(x.grad, (A * (A + x.data) + A * x.data).sum(axis=0))


def test_comparisons_are_constants():
    x = leaf([-1.0, 2.0])
    assert isinstance(x > 0, np.ndarray) and (x > 0).dtype == bool
    assert isinstance(np.greater(x, 0), np.ndarray)


def test_more_dispatch_routes():
    x = leaf([[1.0, 2.0], [3.0, 4.0]])
    assert type(np.maximum(x, 2.5)) is Tensor
    assert type(np.transpose(x)) is Tensor and type(np.reshape(x, (4,))) is Tensor
    assert type(np.concatenate([x, x])) is Tensor and type(np.stack([x, x])) is Tensor
    assert np.shape(x) == (2, 2) and np.ndim(x) == 2 and np.size(x) == 4


# ---------------------------------------------------------------------------
# Debug mode: non-finite values and gradients name the operation
# ---------------------------------------------------------------------------
def test_check_finite_grads_names_sqrt_at_zero():
    x = leaf(0.0)
    with check_finite_grads():
        y = sqrt(x)                          # value 0 is fine
        with pytest.raises(FloatingPointError, match=r"backward pass of 'sqrt'"):
            y.backward()


def test_check_finite_grads_names_log_at_zero():
    x = leaf([1.0, 0.0])
    with check_finite_grads(), np.errstate(divide="ignore"):
        with pytest.raises(FloatingPointError, match=r"forward pass of 'log'"):
            log(x)


def test_check_finite_grads_names_pow_in_the_backward_pass():
    x = leaf([4.0, 0.0])
    with check_finite_grads():
        y = sum(x ** 0.5)
        with pytest.raises(FloatingPointError, match=r"backward pass of 'pow'.*input 0"):
            y.backward()


def test_without_check_mode_a_non_finite_gradient_passes_silently():
    x = leaf(0.0)
    with np.errstate(divide="ignore"):
        sqrt(x).backward()
    assert np.isinf(x.grad)
    with check_finite_grads():
        pass
    x.zero_grad()
    with np.errstate(divide="ignore"):
        sqrt(x).backward()                   # the mode was switched off again
    assert np.isinf(x.grad)


# ---------------------------------------------------------------------------
# Kinks and ties
# ---------------------------------------------------------------------------
def test_relu_and_abs_have_zero_derivative_at_zero():
    x = leaf([-1.0, 0.0, 2.0])
    sum(relu(x)).backward()
    np.testing.assert_array_equal(x.grad, [0.0, 0.0, 1.0])
    x.zero_grad()
    sum(abs(x)).backward()
    np.testing.assert_array_equal(x.grad, [-1.0, 0.0, 1.0])
    assert float(grad(relu)(0.0)) == 0.0 and float(grad(abs)(0.0)) == 0.0


@pytest.mark.parametrize("fn", [maximum, minimum])
def test_maximum_and_minimum_split_ties_equally(fn):
    x, y = leaf([1.0, 2.0, 3.0]), leaf([1.0, 0.0, 5.0])
    sum(fn(x, y)).backward()
    if fn is maximum:
        np.testing.assert_array_equal(x.grad, [0.5, 1.0, 0.0])
        np.testing.assert_array_equal(y.grad, [0.5, 0.0, 1.0])
    else:
        np.testing.assert_array_equal(x.grad, [0.5, 0.0, 1.0])
        np.testing.assert_array_equal(y.grad, [0.5, 1.0, 0.0])


def test_max_reduction_shares_ties():
    x = leaf([[1.0, 3.0, 3.0], [2.0, 2.0, 2.0]])
    sum(max(x, axis=1)).backward()
    np.testing.assert_allclose(x.grad, [[0, 0.5, 0.5], [1 / 3, 1 / 3, 1 / 3]], rtol=1e-15)


# ---------------------------------------------------------------------------
# Huge and tiny logits: finite values and gradients
# ---------------------------------------------------------------------------
LOGITS = np.array([1000.0, 0.0, -1000.0])
W3 = np.array([1.0, 2.0, 3.0])


def test_softmax_with_huge_logits():
    x = leaf(LOGITS)
    z = softmax(x)
    np.testing.assert_array_equal(z.data, [1.0, 0.0, 0.0])
    sum(z * W3).backward()                  # z ⊙ (w − ⟨w, z⟩) = [1·(1 − 1), 0, 0]
    np.testing.assert_array_equal(x.grad, [0.0, 0.0, 0.0])
    x.zero_grad()
    z = softmax(leaf([1000.0, 1000.0]) * 1.0)
    np.testing.assert_array_equal(z.data, [0.5, 0.5])


def test_log_softmax_with_huge_logits():
    x = leaf(LOGITS)
    z = log_softmax(x)
    np.testing.assert_array_equal(z.data, [0.0, -1000.0, -2000.0])
    sum(z * W3).backward()                  # w − softmax(x) Σ w
    np.testing.assert_array_equal(x.grad, [1.0 - 6.0, 2.0, 3.0])


def test_logsumexp_with_huge_logits():
    x = leaf(LOGITS)
    z = logsumexp(x)
    assert float(z.data) == 1000.0
    z.backward()
    np.testing.assert_array_equal(x.grad, [1.0, 0.0, 0.0])
    y = leaf([-1000.0, -1000.0])
    z = logsumexp(y)
    assert np.isclose(float(z.data), -1000.0 + np.log(2.0), rtol=1e-15)
    z.backward()
    np.testing.assert_allclose(y.grad, [0.5, 0.5], rtol=1e-12, atol=0)


def test_sigmoid_and_softplus_at_plus_minus_1000():
    x = leaf([1000.0, -1000.0, 0.0])
    s = sigmoid(x)
    np.testing.assert_array_equal(s.data, [1.0, 0.0, 0.5])
    sum(s).backward()                       # σ(1 − σ)
    np.testing.assert_array_equal(x.grad, [0.0, 0.0, 0.25])
    x.zero_grad()
    p = softplus(x)
    np.testing.assert_allclose(p.data, [1000.0, 0.0, np.log(2.0)], rtol=1e-15, atol=0)
    sum(p).backward()                       # σ(x)
    np.testing.assert_array_equal(x.grad, [1.0, 0.0, 0.5])


def test_huge_logits_second_derivatives_are_finite():
    for f in (lambda t: sum(softplus(t)), lambda t: logsumexp(t),
              lambda t: sum(log_softmax(t) * W3), lambda t: sum(sigmoid(t))):
        H = hessian(f)(LOGITS)
        assert np.all(np.isfinite(H)), f


# ---------------------------------------------------------------------------
# Empty arrays
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("f", [
    lambda t: sum(t),
    lambda t: sum(sum(t * t, axis=0)),
    lambda t: sum(t @ np.ones((3, 2))),
    lambda t: sum(exp(t) * 2.0),
    lambda t: sum(concatenate([t, t])),
    lambda t: sum(softmax(t)),
    lambda t: sum(logsumexp(t, axis=1)),
    lambda t: sum(t[t.data > 0]),
], ids=["sum", "sum axis", "matmul", "exp", "concatenate", "softmax", "logsumexp", "mask"])
def test_empty_arrays(f):
    t = leaf(np.zeros((0, 3)))
    out = f(t)
    assert float(out.data) == 0.0
    out.backward()
    assert t.grad.shape == (0, 3) and t.grad.dtype == np.float64


def test_empty_selection_of_a_nonempty_array_gives_zero_gradient():
    x = leaf([1.0, 2.0, 3.0])
    sum(x[x.data > 5] * 2.0 + 1.0).backward()
    np.testing.assert_array_equal(x.grad, [0.0, 0.0, 0.0])


# ---------------------------------------------------------------------------
# Threads: one thread's modes must not leak into another's
# ---------------------------------------------------------------------------
def _in_other_thread(block):
    """Run ``block(inside, release)`` in a thread; return once it signalled ``inside``."""
    import threading
    inside, release = threading.Event(), threading.Event()
    t = threading.Thread(target=block, args=(inside, release), daemon=True)
    t.start()
    assert inside.wait(10)
    return t, release


def test_a_transform_running_in_another_thread_does_not_make_this_one_nested():
    def block(inside, release):
        def f(v):
            inside.set()
            release.wait(10)
            return sum(v * v)
        grad(f)(np.ones(2))
    t, release = _in_other_thread(block)
    try:
        g = grad(lambda v: sum(v * v))(np.array([1.0, 2.0]))
    finally:
        release.set()
        t.join(10)
    assert type(g) is np.ndarray
    np.testing.assert_array_equal(g, [2.0, 4.0])


def test_no_grad_in_another_thread_does_not_stop_recording_here():
    def block(inside, release):
        with no_grad():
            inside.set()
            release.wait(10)
    t, release = _in_other_thread(block)
    try:
        x = leaf([1.0])
        recorded = (x * 2.0).requires_grad
    finally:
        release.set()
        t.join(10)
    assert recorded


def test_fused_cross_entropy_equals_its_unfused_composition():
    rng = np.random.default_rng(7)
    X = rng.standard_normal((5, 4)) * 3
    y = np.array([0, 3, 1, 1, 2])
    a, b = Tensor(X, requires_grad=True), Tensor(X, requires_grad=True)
    fused = cross_entropy(a, y)
    unfused = -mean(log_softmax(b)[np.arange(5), y])
    assert np.isclose(fused.item(), unfused.item(), rtol=1e-14)
    fused.backward()
    unfused.backward()
    np.testing.assert_allclose(a.grad, b.grad, rtol=1e-13, atol=1e-16)
    # the textbook form, by hand: (softmax - onehot) / n
    P = np.exp(X - X.max(axis=1, keepdims=True))
    P /= P.sum(axis=1, keepdims=True)
    P[np.arange(5), y] -= 1
    np.testing.assert_allclose(a.grad, P / 5, rtol=1e-13, atol=1e-16)


def test_cross_entropy_with_huge_logits_is_finite_and_exact():
    x = Tensor([[1000.0, -1000.0], [-1000.0, 1000.0]], requires_grad=True)
    loss = cross_entropy(x, [1, 1])          # row 0 is wrong by 2000 nats, row 1 right
    assert loss.item() == 1000.0
    loss.backward()
    np.testing.assert_array_equal(x.grad, [[0.5, -0.5], [0.0, 0.0]])


@pytest.mark.parametrize("labels, match", [
    ([0, 2], r"labels must lie in 0\.\.1"),
    ([0], r"labels have shape \(1,\), logits \(2, 2\) need \(2,\)"),
    ([0.5, 1.0], "integer class indices"),
])
def test_cross_entropy_rejects_bad_labels(labels, match):
    with pytest.raises((ValueError, TypeError), match=match):
        cross_entropy(Tensor(np.zeros((2, 2))), labels)
