r"""Differentiable operations and their vector–Jacobian rules.

Each function here works on both :class:`~mathforml.calculus.autodiff.Tensor`
and plain array input: given a tensor it records a node on the tape, given
arrays it is simply the NumPy computation.  That duality is what makes the
rules below *differentiable*: the reverse sweep evaluates them on ndarrays for
speed, or on tensors (``create_graph=True``) so that the gradient is itself a
graph and derivatives nest.

The rule table
--------------
Read ``z = op(x, y)``, ``g = ∂L/∂z`` (the upstream adjoint).  Each entry gives
``∂L/∂x = g·∂z/∂x`` as a vector–Jacobian product — never the Jacobian itself.
Results of broadcasting are summed back to the input's shape by
:func:`~mathforml.calculus.autodiff.tensor.unbroadcast`, the one shared helper.

=================  =========================  ===================================
operation          z                          ∂L/∂x (and ∂L/∂y)
=================  =========================  ===================================
add / sub          x ± y                      g ;  ±g
mul                x·y                        g·y ;  g·x
div                x / y                      g / y ;  −g·z / y
pow                x ** y                     g·y·x**(y−1) ;  g·z·log x
neg                −x                         −g
matmul             X @ Y                      g @ Yᵀ ;  Xᵀ @ g
exp                eˣ                         g·z
log / log1p        log x, log(1+x)            g / x ;  g / (1+x)
sqrt               √x                         g / (2z)
abs                |x|                        g·sign(x)            (abs'(0) = 0)
sin / cos          sin x, cos x               g·cos x ;  −g·sin x
tanh               tanh x                     g·(1 − z²)
sigmoid            1 / (1 + e⁻ˣ)              g·z·(1 − z)
relu               max(x, 0)                  g·[x > 0]            (relu'(0) = 0)
softplus           log(1 + eˣ)                g·sigmoid(x)
maximum/minimum    max(x, y), min(x, y)       g·[x > y] (ties share g/2)
where              c ? x : y                  c ? g : 0 ;  c ? 0 : g
sum / mean         Σ x, Σ x / n               broadcast g (/ n)
max                max x                      g at the arg-max (ties share)
logsumexp          log Σ eˣ                   g·eˣ⁻ᶻ = g·softmax(x)
softmax            eˣ / Σ eˣ                  z·(g − Σ g·z)
log_softmax        x − logsumexp x            g − eᶻ·Σ g
cross_entropy      −mean log softmax(x)[y]    g·(softmax(x) − onehot(y)) / n
reshape/transpose  —                          reshape / inverse transpose of g
getitem            x[i]                       scatter-add g into zeros at i
concatenate/stack  —                          the matching slice of g
=================  =========================  ===================================

Kinks take the subgradient 0 (``relu'(0) = abs'(0) = 0``); ``maximum`` and
``max`` split the adjoint equally among ties, as JAX does.
"""
from __future__ import annotations

import builtins
import math
import operator

import numpy as np

from .tensor import Op, Tensor, make, _value, _shape

__all__ = [
    "add", "sub", "mul", "div", "pow", "neg", "matmul",
    "exp", "log", "log1p", "sqrt", "abs", "sin", "cos", "tanh",
    "sigmoid", "relu", "softplus", "maximum", "minimum", "where",
    "sum", "mean", "max", "logsumexp", "softmax", "log_softmax", "cross_entropy",
    "reshape", "transpose", "broadcast_to", "getitem", "concatenate", "stack",
    "RULES",
]

_py_abs = builtins.abs


# ---------------------------------------------------------------------------
# Small helpers shared by the rules (all of them work on tensors and arrays)
# ---------------------------------------------------------------------------
def _ndim(x) -> int:
    return np.ndim(_value(x))


def _norm_axis(axis, ndim: int):
    """Reduction axes as a sorted tuple of non-negative ints (None = all)."""
    if axis is None:
        return None
    axes = (axis,) if isinstance(axis, (int, np.integer)) else tuple(axis)
    out = []
    for a in axes:
        a = operator.index(a)
        if not -ndim <= a < ndim:
            raise np.exceptions.AxisError(a, ndim)
        out.append(a % ndim)
    if len(set(out)) != len(out):
        raise ValueError(f"repeated axis in {axis!r}")
    return tuple(sorted(out))


def _kept_shape(shape: tuple, axis) -> tuple:
    """Shape of a reduction over ``axis`` with keepdims=True."""
    if axis is None:
        return (1,) * len(shape)
    return tuple(1 if i in axis else n for i, n in enumerate(shape))


def _restore(g, shape: tuple, axis, keepdims: bool):
    """Give the adjoint of a reduction the kept dimensions back (ready to broadcast)."""
    if keepdims:
        return g
    return reshape(g, _kept_shape(shape, axis))


def _mT(a):
    """Swap the last two axes (matrix transpose, batched)."""
    if type(a) is Tensor:
        axes = list(range(a.ndim))
        axes[-1], axes[-2] = axes[-2], axes[-1]
        return transpose(a, tuple(axes))
    return np.swapaxes(a, -1, -2)


def _expand_last(a, where: int = -1):
    s = _shape(a)
    return reshape(a, s + (1,) if where == -1 else s[:-1] + (1, s[-1]) if s else (1,))


def _tie_weights(x, y, z):
    """[x > y] + ½[x = y] as a constant of the output's dtype."""
    xv, yv = _value(x), _value(y)
    m = np.greater(xv, yv) + 0.5 * np.equal(xv, yv)
    return m.astype(np.result_type(_value(z)), copy=False)


def _unary(op: Op, fn):
    def apply(x):
        if type(x) is Tensor:
            return make(fn(x.data), op, (x,))
        return fn(x)
    return apply


def _const(c):
    return np.asarray(c) if type(c) in (list, tuple) else c


def _binary(op: Op, fn):
    def apply(x, y):
        tx, ty = type(x) is Tensor, type(y) is Tensor
        if tx or ty:
            if not tx:
                x = _const(x)
            if not ty:
                y = _const(y)
            return make(fn(_value(x), _value(y)), op, (x, y))
        return fn(x, y)
    return apply


class _PerInput:
    """The partials of a variadic operation: ``[k]`` gives input k's (text, rule)."""

    __slots__ = ("text", "rule")

    def __init__(self, text, rule):
        self.text, self.rule = text, rule

    def __getitem__(self, k):
        rule = self.rule
        return (self.text, lambda g, z, *xs, **kw: rule(k, g, z, *xs, **kw))


class _VariadicOp(Op):
    __slots__ = ()

    def __init__(self, name, formula, text, rule):
        self.name, self.formula, self.elementwise = name, formula, False
        self.partials = _PerInput(text, rule)
        self.vjps = _VJPs(self.partials)


class _VJPs:
    __slots__ = ("partials",)

    def __init__(self, partials):
        self.partials = partials

    def __getitem__(self, k):
        return self.partials[k][1]


# ---------------------------------------------------------------------------
# The rule table: one entry per operation, (text, rule) per input.
# Rules take (g, z, *inputs, **params) and return g·∂z/∂input.
# ---------------------------------------------------------------------------
def _d_pow_base(g, z, x, y):
    if type(y) is not Tensor and np.ndim(y) == 0:
        # constant exponents 1 and 0: no x**0 node, whose own derivative 0·x**-1 is NaN at 0
        if y == 1:
            return g
        if y == 0:
            return g * 0
    return g * y * x ** (y - 1)


def _d_pow_exponent(g, z, x, y):
    # z·log x, with the 0·log 0 = 0 convention at x = 0
    safe_x = where(np.equal(_value(x), 0), 1.0, x)
    if type(safe_x) is not Tensor:
        # a constant base (2.0 ** y): its log must not promote a float32 z to float64
        safe_x = np.asarray(safe_x, dtype=np.result_type(_value(z)))
    return g * z * log(safe_x)


def _d_matmul_left(g, z, a, b):
    if _ndim(b) == 1:                          # z[..., i] = Σ_k a[..., i, k] b[k]
        return _expand_last(g) * b
    if _ndim(a) == 1:                          # z[..., j] = Σ_k a[k] b[..., k, j]
        return getitem(b @ _expand_last(g), (Ellipsis, 0))
    return g @ _mT(b)


def _d_matmul_right(g, z, a, b):
    if _ndim(a) == 1:
        if _ndim(b) == 1:
            return g * a
        return _expand_last(a) * _expand_last(g, -2)
    if _ndim(b) == 1:
        return getitem(_mT(a) @ _expand_last(g), (Ellipsis, 0))
    return _mT(a) @ g


def _d_sum(g, z, x, axis, keepdims):
    shape = _shape(x)
    g = _restore(g, shape, axis, keepdims)
    if type(g) is Tensor:
        return broadcast_to(g, shape)
    out = np.empty(shape, dtype=np.result_type(g))   # cheaper than np.broadcast_to for small x
    out[...] = g
    return out


def _count(shape, axis) -> int:
    if axis is None:
        return math.prod(shape)
    return math.prod([shape[a] for a in axis])


def _d_mean(g, z, x, axis, keepdims):
    return _d_sum(g, z, x, axis, keepdims) / builtins.max(_count(_shape(x), axis), 1)


def _d_max(g, z, x, axis, keepdims):
    xv = _value(x)
    zk = _value(z) if keepdims else np.reshape(_value(z), _kept_shape(xv.shape, axis))
    hit = np.equal(xv, zk)
    share = (hit / hit.sum(axis=axis, keepdims=True)).astype(xv.dtype, copy=False)
    return _restore(g, xv.shape, axis, keepdims) * share


def _d_logsumexp(g, z, x, axis, keepdims):
    return _restore(g, _shape(x), axis, keepdims) * exp(x - _restore(z, _shape(x), axis, keepdims))


def _onehot(labels, shape, dtype):
    """Indicator of ``labels`` along the last axis, as a constant of ``shape``."""
    out = np.zeros(shape, dtype=dtype)
    np.put_along_axis(out, labels[..., None], 1, axis=-1)
    return out


def _d_cross_entropy(g, z, x, labels, probs=None):
    n = builtins.max(labels.size, 1)
    if probs is not None and type(x) is not Tensor:
        # fast path: the forward pass kept softmax(x); subtract the one-hot in place
        d = probs.copy()
        C = d.shape[-1]
        d.reshape(-1, C)[np.arange(labels.size), labels.ravel()] -= 1
        return d * (g / n)
    xv = _value(x)
    return (softmax(x, axis=-1) - _onehot(labels, xv.shape, xv.dtype)) * (g / n)


def _d_getitem(g, z, x, index):
    return _scatter(g, _shape(x), index)


def _d_scatter(g, z, h, shape, index):
    return getitem(g, index)


def _d_transpose(g, z, x, axes):
    return transpose(g, tuple(np.argsort(axes)))


def _d_concatenate(k, g, z, *xs, axis, bounds):
    index = [slice(None)] * _ndim(g)
    index[axis] = slice(*bounds[k])
    return getitem(g, tuple(index))


def _d_stack(k, g, z, *xs, axis):
    index = [slice(None)] * _ndim(g)
    index[axis] = k
    return getitem(g, tuple(index))


ADD = Op("add", "x + y", [("g", lambda g, z, x, y: g), ("g", lambda g, z, x, y: g)], True)
SUB = Op("sub", "x − y", [("g", lambda g, z, x, y: g), ("−g", lambda g, z, x, y: -g)], True)
MUL = Op("mul", "x·y", [("g·y", lambda g, z, x, y: g * y), ("g·x", lambda g, z, x, y: g * x)],
         True)
DIV = Op("div", "x / y", [("g / y", lambda g, z, x, y: g / y),
                          ("−g·z / y", lambda g, z, x, y: -(g * z) / y)], True)
POW = Op("pow", "x ** y", [("g·y·x**(y−1)", _d_pow_base), ("g·z·log x", _d_pow_exponent)], True)
NEG = Op("neg", "−x", [("−g", lambda g, z, x: -g)], True)
MATMUL = Op("matmul", "x @ y", [("g @ yᵀ", _d_matmul_left), ("xᵀ @ g", _d_matmul_right)])
EXP = Op("exp", "exp(x)", [("g·z", lambda g, z, x: g * z)], True)
LOG = Op("log", "log(x)", [("g / x", lambda g, z, x: g / x)], True)
LOG1P = Op("log1p", "log(1 + x)", [("g / (1 + x)", lambda g, z, x: g / (1 + x))], True)
SQRT = Op("sqrt", "sqrt(x)", [("g / (2z)", lambda g, z, x: 0.5 * g / z)], True)
ABS = Op("abs", "|x|", [("g·sign(x)", lambda g, z, x: g * np.sign(_value(x)))], True)
SIN = Op("sin", "sin(x)", [("g·cos(x)", lambda g, z, x: g * cos(x))], True)
COS = Op("cos", "cos(x)", [("−g·sin(x)", lambda g, z, x: -(g * sin(x)))], True)
TANH = Op("tanh", "tanh(x)", [("g·(1 − z²)", lambda g, z, x: g * (1 - z * z))], True)
SIGMOID = Op("sigmoid", "1 / (1 + exp(−x))",
             [("g·z·(1 − z)", lambda g, z, x: g * (z * (1 - z)))], True)
RELU = Op("relu", "max(x, 0)", [("g·[x > 0]", lambda g, z, x: g * np.greater(_value(x), 0))],
          True)
SOFTPLUS = Op("softplus", "log(1 + exp(x))", [("g·sigmoid(x)", lambda g, z, x: g * sigmoid(x))],
              True)
MAXIMUM = Op("maximum", "max(x, y)",
             [("g·[x > y]", lambda g, z, x, y: g * _tie_weights(x, y, z)),
              ("g·[y > x]", lambda g, z, x, y: g * _tie_weights(y, x, z))], True)
MINIMUM = Op("minimum", "min(x, y)",
             [("g·[x < y]", lambda g, z, x, y: g * _tie_weights(y, x, z)),
              ("g·[y < x]", lambda g, z, x, y: g * _tie_weights(x, y, z))], True)
WHERE = Op("where", "c ? x : y",
           [("c ? g : 0", lambda g, z, x, y, cond: where(cond, g, 0)),
            ("c ? 0 : g", lambda g, z, x, y, cond: where(cond, 0, g))], True)
SUM = Op("sum", "Σ x", [("broadcast g", _d_sum)])
MEAN = Op("mean", "Σ x / n", [("broadcast g / n", _d_mean)])
MAX = Op("max", "max x", [("g at the arg-max", _d_max)])
LOGSUMEXP = Op("logsumexp", "log Σ exp(x)", [("g·exp(x − z)", _d_logsumexp)])
SOFTMAX = Op("softmax", "exp(x) / Σ exp(x)",
             [("z·(g − Σ g·z)",
               lambda g, z, x, axis: z * (g - sum(g * z, axis=axis, keepdims=True)))])
LOG_SOFTMAX = Op("log_softmax", "x − logsumexp(x)",
                 [("g − exp(z)·Σ g",
                   lambda g, z, x, axis: g - exp(z) * sum(g, axis=axis, keepdims=True))])
RESHAPE = Op("reshape", "reshape(x)", [("reshape(g, x.shape)",
                                        lambda g, z, x, shape: reshape(g, _shape(x)))])
TRANSPOSE = Op("transpose", "transpose(x)", [("transpose(g, axes⁻¹)", _d_transpose)])
BROADCAST_TO = Op("broadcast_to", "broadcast(x)", [("Σ g over the copies",
                                                    lambda g, z, x, shape: g)])
GETITEM = Op("getitem", "x[i]", [("scatter g into zeros at i", _d_getitem)])
SCATTER = Op("scatter", "zeros with h added at i", [("g[i]", _d_scatter)])
CROSS_ENTROPY = Op("cross_entropy", "−mean log softmax(x)[labels]",
                   [("g·(softmax(x) − onehot) / n", _d_cross_entropy)])
CONCATENATE = _VariadicOp("concatenate", "[x₀, x₁, …]", "g[slice k]", _d_concatenate)
STACK = _VariadicOp("stack", "stack(x₀, x₁, …)", "g[k]", _d_stack)

#: The rule table, by operation name (for documentation and the walk-through).
RULES = {op.name: op for op in (
    ADD, SUB, MUL, DIV, POW, NEG, MATMUL, EXP, LOG, LOG1P, SQRT, ABS, SIN, COS, TANH, SIGMOID,
    RELU, SOFTPLUS, MAXIMUM, MINIMUM, WHERE, SUM, MEAN, MAX, LOGSUMEXP, SOFTMAX, LOG_SOFTMAX,
    CROSS_ENTROPY, RESHAPE, TRANSPOSE, BROADCAST_TO, GETITEM, SCATTER, CONCATENATE, STACK)}


# ---------------------------------------------------------------------------
# Forward computations (numerically careful where it matters)
# ---------------------------------------------------------------------------
def _sigmoid(x):
    x = np.asarray(x)
    e = np.exp(-np.abs(x))               # never overflows
    return np.where(x >= 0, 1 / (1 + e), e / (1 + e))


def _softplus(x):
    x = np.asarray(x)
    return np.log1p(np.exp(-np.abs(x))) + np.maximum(x, 0)


def _relu(x):
    return np.maximum(x, 0)


def _logsumexp(x, axis, keepdims):
    x = np.asarray(x)
    m = np.maximum.reduce(x, axis=axis, keepdims=True)
    if not np.isfinite(m).all():
        m = np.where(np.isfinite(m), m, 0)    # all -inf slices stay -inf, no inf - inf
    s = np.log(np.add.reduce(np.exp(x - m), axis=axis, keepdims=True)) + m
    if keepdims:
        return s
    return s.reshape(()) if axis is None else np.squeeze(s, axis=axis)


def _pow(x, y):
    return np.power(x, y)


# ---------------------------------------------------------------------------
# The public operations
# ---------------------------------------------------------------------------
add = _binary(ADD, np.add)
sub = _binary(SUB, np.subtract)
mul = _binary(MUL, np.multiply)
div = _binary(DIV, np.true_divide)
pow = _binary(POW, _pow)
maximum = _binary(MAXIMUM, np.maximum)
minimum = _binary(MINIMUM, np.minimum)
neg = _unary(NEG, np.negative)
exp = _unary(EXP, np.exp)
log = _unary(LOG, np.log)
log1p = _unary(LOG1P, np.log1p)
sqrt = _unary(SQRT, np.sqrt)
abs = _unary(ABS, np.abs)
sin = _unary(SIN, np.sin)
cos = _unary(COS, np.cos)
tanh = _unary(TANH, np.tanh)
sigmoid = _unary(SIGMOID, _sigmoid)
relu = _unary(RELU, _relu)
softplus = _unary(SOFTPLUS, _softplus)
_matmul = _binary(MATMUL, np.matmul)

add.__doc__ = r"""Sum ``x + y`` with broadcasting.

``z = x + y``; reverse rule: ∂L/∂x = g, ∂L/∂y = g (summed over broadcast copies).

>>> x, y = Tensor(3.0, requires_grad=True), Tensor([1.0, 2.0], requires_grad=True)
>>> add(x, y).sum().backward()
>>> float(x.grad), y.grad
(2.0, array([1., 1.]))
"""
sub.__doc__ = r"""Difference ``x - y`` with broadcasting.

``z = x − y``; reverse rule: ∂L/∂x = g, ∂L/∂y = −g.

>>> x, y = Tensor(3.0, requires_grad=True), Tensor(2.0, requires_grad=True)
>>> sub(x, y).backward()
>>> float(x.grad), float(y.grad)
(1.0, -1.0)
"""
mul.__doc__ = r"""Product ``x * y`` with broadcasting.

``z = x·y``; reverse rule: ∂L/∂x = g·y, ∂L/∂y = g·x.

>>> x, y = Tensor(3.0, requires_grad=True), Tensor(2.0, requires_grad=True)
>>> mul(x, y).backward()
>>> float(x.grad), float(y.grad)
(2.0, 3.0)
"""
div.__doc__ = r"""Quotient ``x / y`` with broadcasting.

``z = x / y``; reverse rule: ∂L/∂x = g / y, ∂L/∂y = −g·z / y.

>>> x, y = Tensor(3.0, requires_grad=True), Tensor(2.0, requires_grad=True)
>>> div(x, y).backward()
>>> float(x.grad), float(y.grad)      # 1/2 and -3/4
(0.5, -0.75)
"""
pow.__doc__ = r"""Power ``x ** y`` with broadcasting.

``z = x ** y``; reverse rule: ∂L/∂x = g·y·x**(y−1), ∂L/∂y = g·z·log x (with 0·log 0 = 0 at x = 0).

>>> x, y = Tensor(3.0, requires_grad=True), Tensor(2.0, requires_grad=True)
>>> pow(x, y).backward()
>>> float(x.grad), round(float(y.grad), 6)   # 2·3 and 9 log 3
(6.0, 9.887511)
"""
maximum.__doc__ = r"""Elementwise ``max(x, y)``.

``z = max(x, y)``; reverse rule: ∂L/∂x = g·[x > y] + ½·g·[x = y] (ties share the adjoint, as in JAX).

>>> x = Tensor([0.0, 1.0, 2.0], requires_grad=True)
>>> maximum(x, 1.0).sum().backward()
>>> x.grad
array([0. , 0.5, 1. ])
"""
minimum.__doc__ = r"""Elementwise ``min(x, y)``.

``z = min(x, y)``; reverse rule: ∂L/∂x = g·[x < y] + ½·g·[x = y] (ties share the adjoint).

>>> x = Tensor([0.0, 1.0, 2.0], requires_grad=True)
>>> minimum(x, 1.0).sum().backward()
>>> x.grad
array([1. , 0.5, 0. ])
"""
neg.__doc__ = r"""Negation ``-x``.

``z = −x``; reverse rule: ∂L/∂x = −g.

>>> x = Tensor(2.0, requires_grad=True)
>>> neg(x).backward()
>>> float(x.grad)
-1.0
"""
exp.__doc__ = r"""Exponential ``exp(x)``.

``z = eˣ``; reverse rule: ∂L/∂x = g·z (the output is its own derivative).

>>> x = Tensor(1.0, requires_grad=True)
>>> exp(x).backward()
>>> round(float(x.grad), 6)            # e
2.718282
"""
log.__doc__ = r"""Natural logarithm.

``z = log x``; reverse rule: ∂L/∂x = g / x.

>>> x = Tensor(2.0, requires_grad=True)
>>> log(x).backward()
>>> float(x.grad)
0.5
"""
log1p.__doc__ = r"""``log(1 + x)``, accurate when ``x`` is tiny (no cancellation in ``1 + x``).

``z = log(1 + x)``; reverse rule: ∂L/∂x = g / (1 + x).

>>> x = Tensor(1.0, requires_grad=True)
>>> log1p(x).backward()
>>> float(x.grad)
0.5
"""
sqrt.__doc__ = r"""Square root.

``z = √x``; reverse rule: ∂L/∂x = g / (2z) (infinite at x = 0).

>>> x = Tensor(4.0, requires_grad=True)
>>> sqrt(x).backward()
>>> float(x.grad)
0.25
"""
abs.__doc__ = r"""Absolute value.

``z = |x|``; reverse rule: ∂L/∂x = g·sign(x), with the subgradient abs'(0) = 0.

>>> x = Tensor([-2.0, 0.0, 3.0], requires_grad=True)
>>> abs(x).sum().backward()
>>> x.grad
array([-1.,  0.,  1.])
"""
sin.__doc__ = r"""Sine.

``z = sin x``; reverse rule: ∂L/∂x = g·cos x.

>>> x = Tensor(0.0, requires_grad=True)
>>> sin(x).backward()
>>> float(x.grad)
1.0
"""
cos.__doc__ = r"""Cosine.

``z = cos x``; reverse rule: ∂L/∂x = −g·sin x.

>>> x = Tensor(np.pi / 2, requires_grad=True)
>>> cos(x).backward()
>>> float(x.grad)
-1.0
"""
tanh.__doc__ = r"""Hyperbolic tangent.

``z = tanh x``; reverse rule: ∂L/∂x = g·(1 − z²).

>>> x = Tensor(0.5, requires_grad=True)
>>> tanh(x).backward()
>>> round(float(x.grad), 6)            # 1 - tanh(0.5)²
0.786448
"""
relu.__doc__ = r"""Rectified linear unit ``max(x, 0)``.

``z = max(x, 0)``; reverse rule: ∂L/∂x = g·[x > 0], with the subgradient relu'(0) = 0.

>>> x = Tensor([-1.0, 0.0, 2.0], requires_grad=True)
>>> relu(x).sum().backward()
>>> x.grad
array([0., 0., 1.])
"""
sigmoid.__doc__ = r"""Logistic sigmoid 1 / (1 + exp(-x)), evaluated without overflow.

For x >= 0 it is 1/(1 + e) and for x < 0 it is e/(1 + e), with e = exp(-|x|) <= 1.

>>> np.round(sigmoid(np.array([2.0, -1.5, 0.0])), 4)   # seed 004's probabilities
array([0.8808, 0.1824, 0.5   ])
"""
relu.__doc__ = "max(x, 0), with the subgradient relu'(0) = 0."
softplus.__doc__ = r"""log(1 + exp(x)) = log1p(exp(-|x|)) + max(x, 0), stable for any x.

>>> float(softplus(1000.0)), round(float(softplus(0.0)), 12)
(1000.0, 0.69314718056)
"""


def matmul(x, y):
    """Matrix product ``x @ y`` with NumPy's rules for 1-D and batched operands.

    >>> A = Tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    >>> (A @ np.array([1.0, 1.0])).sum().backward()
    >>> A.grad
    array([[1., 1.],
           [1., 1.]])
    """
    if _ndim(x) == 0 or _ndim(y) == 0:
        raise ValueError("matmul: operands must be at least 1-D (use * for scalars)")
    return _matmul(x, y)


def where(condition, x, y):
    """``x`` where ``condition`` holds, else ``y``; the condition is a constant.

    >>> x = Tensor([-1.0, 2.0], requires_grad=True)
    >>> where(x > 0, x * 3.0, 0.0).sum().backward()
    >>> x.grad
    array([0., 3.])
    """
    cond = np.asarray(_value(condition), dtype=bool)
    tx, ty = type(x) is Tensor, type(y) is Tensor
    if tx or ty:
        if not tx:
            x = _const(x)
        if not ty:
            y = _const(y)
        return make(np.where(cond, _value(x), _value(y)), WHERE, (x, y), {"cond": cond})
    return np.where(cond, x, y)


def _reduction(op, fn, x, axis, keepdims):
    if type(x) is Tensor:
        ax = _norm_axis(axis, x.ndim)
        return make(fn(x.data, ax, keepdims), op, (x,), {"axis": ax, "keepdims": bool(keepdims)})
    x = np.asarray(x)
    return fn(x, _norm_axis(axis, x.ndim), keepdims)


def _sum(a, axis, keepdims):
    return np.add.reduce(a, axis=axis, keepdims=keepdims)


def sum(x, axis=None, keepdims=False):
    """Sum over ``axis`` (all axes by default).

    >>> x = Tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    >>> sum(x, axis=0).data
    array([4., 6.])
    """
    return _reduction(SUM, _sum, x, axis, keepdims)


def mean(x, axis=None, keepdims=False):
    """Arithmetic mean over ``axis``.

    >>> float(mean(Tensor([1.0, 2.0, 6.0])).data)
    3.0
    """
    return _reduction(MEAN, lambda a, ax, kd: np.mean(a, axis=ax, keepdims=kd), x, axis, keepdims)


def max(x, axis=None, keepdims=False):
    """Maximum over ``axis``; the adjoint goes to the arg-max (shared among ties).

    >>> x = Tensor([1.0, 5.0, 5.0], requires_grad=True)
    >>> max(x).backward()
    >>> x.grad
    array([0. , 0.5, 0.5])
    """
    return _reduction(MAX, lambda a, ax, kd: np.max(a, axis=ax, keepdims=kd), x, axis, keepdims)


def logsumexp(x, axis=None, keepdims=False):
    r"""log Σ exp(x) over ``axis``, shifted by the maximum so it never overflows.

    ``logsumexp(x) = m + log Σ exp(x - m)`` with ``m = max x``.

    >>> float(logsumexp(np.array([1000.0, 1000.0])) - 1000.0)   # log 2
    0.693147...
    """
    return _reduction(LOGSUMEXP, _logsumexp, x, axis, keepdims)


def softmax(x, axis=-1):
    r"""softmax(x)_i = exp(x_i - m) / Σ_j exp(x_j - m) along ``axis`` (m the maximum).

    >>> np.round(softmax(np.array([1.0, 2.0, 3.0])), 4)
    array([0.09  , 0.2447, 0.6652])
    """
    xv = np.asarray(_value(x))
    ax = _norm_axis(axis, xv.ndim)
    e = np.exp(xv - np.max(xv, axis=ax, keepdims=True))
    z = e / np.sum(e, axis=ax, keepdims=True)
    if type(x) is Tensor:
        return make(z, SOFTMAX, (x,), {"axis": ax})
    return z


def log_softmax(x, axis=-1):
    r"""log softmax(x) = x - logsumexp(x) along ``axis``; finite even for huge logits.

    >>> log_softmax(np.array([0.0, 1000.0]))
    array([-1000.,     0.])
    """
    xv = np.asarray(_value(x))
    ax = _norm_axis(axis, xv.ndim)
    z = xv - _logsumexp(xv, ax, True)
    if type(x) is Tensor:
        return make(z, LOG_SOFTMAX, (x,), {"axis": ax})
    return z


def cross_entropy(logits, labels):
    r"""Mean cross-entropy of integer class ``labels`` under softmax(``logits``), fused and stable.

    Parameters
    ----------
    logits : Tensor or array_like, shape (..., C)
        Unnormalised log-probabilities; classes along the last axis.
    labels : array_like of int, shape (...)
        The true class of each row, in ``0 .. C-1``.

    Returns
    -------
    Tensor or ndarray, shape ()
        ``L = -(1/n) Σ_i log softmax(x_i)[y_i]`` over the ``n`` rows.

    Notes
    -----
    ``log softmax(x)[y] = x[y] - logsumexp(x)`` is evaluated with the shift by the
    row maximum, so huge logits neither overflow nor lose the loss.  One node on
    the tape instead of four (log_softmax, indexing, mean, negation), with the
    textbook gradient ``∂L/∂x = (softmax(x) - onehot(y)) / n``, the same
    function as ``-mean(log_softmax(x)[rows, y])`` (the tests check both).

    Examples
    --------
    >>> logits = Tensor([[2.0, 0.0], [0.0, 0.0]], requires_grad=True)
    >>> loss = cross_entropy(logits, [0, 1])
    >>> round(float(loss.data), 6)           # (log(1 + e^-2) + log 2) / 2
    0.410038
    >>> loss.backward()
    >>> np.round(logits.grad, 6)
    array([[-0.059601,  0.059601],
           [ 0.25    , -0.25    ]])
    """
    xv = np.asarray(_value(logits))
    if xv.ndim == 0:
        raise ValueError("cross_entropy: logits must have a class axis (shape (..., C))")
    y = np.asarray(_value(labels))
    if y.dtype.kind not in "iu":
        if y.dtype.kind == "f" and y.size and np.all(y == np.round(y)):
            y = y.astype(np.intp)
        elif y.size:
            raise TypeError(f"cross_entropy: labels must be integer class indices, got dtype "
                            f"{y.dtype}")
        else:
            y = y.astype(np.intp)
    if y.shape != xv.shape[:-1]:
        raise ValueError(f"cross_entropy: labels have shape {y.shape}, logits {xv.shape} need "
                         f"{xv.shape[:-1]}")
    C = xv.shape[-1]
    if y.size and (y.min() < 0 or y.max() >= C):
        raise ValueError(f"cross_entropy: labels must lie in 0..{C - 1}, got "
                         f"{int(y.min())}..{int(y.max())}")
    m = np.maximum.reduce(xv, axis=-1, keepdims=True)
    if not np.isfinite(m).all():
        m = np.where(np.isfinite(m), m, 0)
    e = np.exp(xv - m)
    s = np.add.reduce(e, axis=-1, keepdims=True)
    lse = (np.log(s) + m)[..., 0]
    picked = np.take_along_axis(xv, y[..., None], axis=-1)[..., 0]
    z = np.asarray(np.add.reduce(lse - picked, axis=None) / builtins.max(y.size, 1),
                   dtype=xv.dtype)
    if type(logits) is Tensor:
        # keep softmax(x) = e / s for the backward pass (it costs one division now)
        return make(z, CROSS_ENTROPY, (logits,), {"labels": y, "probs": e / s})
    return z


def reshape(x, shape):
    """Reshape (a view where NumPy can make one).

    >>> reshape(Tensor(np.arange(6.0)), (2, 3)).shape
    (2, 3)
    """
    if type(x) is Tensor:
        shape = tuple(shape) if isinstance(shape, (tuple, list)) else (shape,)
        return make(np.reshape(x.data, shape), RESHAPE, (x,), {"shape": shape})
    return np.reshape(x, shape)


def transpose(x, axes=None):
    """Permute the axes (reverse them by default).

    >>> transpose(Tensor(np.zeros((2, 3, 4))), (1, 2, 0)).shape
    (3, 4, 2)
    """
    if type(x) is Tensor:
        axes = tuple(range(x.ndim))[::-1] if axes is None else tuple(
            operator.index(a) % builtins.max(x.ndim, 1) for a in axes)
        return make(np.transpose(x.data, axes), TRANSPOSE, (x,), {"axes": axes})
    return np.transpose(x, axes)


def broadcast_to(x, shape):
    """Broadcast to ``shape`` (a read-only view); the adjoint is summed over the copies.

    >>> broadcast_to(Tensor([1.0, 2.0]), (3, 2)).shape
    (3, 2)
    """
    if type(x) is Tensor:
        shape = tuple(shape)
        return make(np.broadcast_to(x.data, shape), BROADCAST_TO, (x,), {"shape": shape})
    return np.broadcast_to(x, shape)


def _plain_index(index):
    """Replace tensors inside an index by their (integer or boolean) data."""
    if type(index) is Tensor:
        return index.data.astype(np.intp) if index.dtype.kind == "f" else index.data
    if type(index) is tuple:
        return tuple(_plain_index(i) for i in index)
    if type(index) is list:
        return np.asarray(index)
    return index


def _is_basic(index) -> bool:
    items = index if type(index) is tuple else (index,)
    return builtins.all(i is None or i is Ellipsis or isinstance(i, (slice, int, np.integer))
                        for i in items)


def getitem(x, index):
    """``x[index]``: basic slicing, integer and boolean fancy indexing.

    >>> x = Tensor([1.0, 2.0, 3.0], requires_grad=True)
    >>> sum(x[[0, 0, 2]]).backward()     # index 0 used twice
    >>> x.grad
    array([2., 0., 1.])
    """
    index = _plain_index(index)
    if type(x) is Tensor:
        return make(x.data[index], GETITEM, (x,), {"index": index})
    return np.asarray(x)[index]


def _scatter(h, shape, index):
    """Zeros of ``shape`` with ``h`` added at ``index`` (the adjoint of ``x[index]``)."""
    hv = _value(h)
    out = np.zeros(shape, dtype=np.result_type(hv))
    if _is_basic(index):
        out[index] = hv
    else:
        np.add.at(out, index, hv)
    if type(h) is Tensor:
        return make(out, SCATTER, (h,), {"shape": shape, "index": index})
    return out


def concatenate(tensors, axis=0):
    """Join along an existing axis.

    >>> concatenate([Tensor([1.0]), Tensor([2.0, 3.0])]).data
    array([1., 2., 3.])
    """
    tensors = tuple(tensors)
    values = [np.asarray(_value(t)) for t in tensors]
    z = np.concatenate(values, axis=axis)
    if builtins.any(type(t) is Tensor for t in tensors):
        ax = operator.index(axis) % z.ndim
        stops = np.cumsum([v.shape[ax] for v in values])
        bounds = tuple(zip([0, *stops[:-1].tolist()], stops.tolist()))
        return make(z, CONCATENATE, tensors, {"axis": ax, "bounds": bounds})
    return z


def stack(tensors, axis=0):
    """Join along a new axis.

    >>> stack([Tensor([1.0, 2.0]), Tensor([3.0, 4.0])], axis=1).shape
    (2, 2)
    """
    tensors = tuple(tensors)
    z = np.stack([np.asarray(_value(t)) for t in tensors], axis=axis)
    if builtins.any(type(t) is Tensor for t in tensors):
        return make(z, STACK, tensors, {"axis": operator.index(axis) % z.ndim})
    return z


# ---------------------------------------------------------------------------
# Tensor methods and NumPy dispatch
# ---------------------------------------------------------------------------
def _swap(f):
    return lambda self, other: f(other, self)


Tensor.__add__ = add
Tensor.__radd__ = _swap(add)
Tensor.__sub__ = sub
Tensor.__rsub__ = _swap(sub)
Tensor.__mul__ = mul
Tensor.__rmul__ = _swap(mul)
Tensor.__truediv__ = div
Tensor.__rtruediv__ = _swap(div)
Tensor.__pow__ = pow
Tensor.__rpow__ = _swap(pow)
Tensor.__matmul__ = matmul
Tensor.__rmatmul__ = _swap(matmul)
Tensor.__neg__ = neg
Tensor.__pos__ = lambda self: self
Tensor.__abs__ = abs
Tensor.__getitem__ = getitem
Tensor.T = property(lambda self: transpose(self))
Tensor.sum = lambda self, axis=None, keepdims=False: sum(self, axis, keepdims)
Tensor.mean = lambda self, axis=None, keepdims=False: mean(self, axis, keepdims)
Tensor.max = lambda self, axis=None, keepdims=False: max(self, axis, keepdims)
Tensor.exp = exp
Tensor.log = log
Tensor.sqrt = sqrt
Tensor.tanh = tanh
Tensor.sigmoid = sigmoid
Tensor.relu = relu


def _reshape_method(self, *shape):
    return reshape(self, shape[0] if len(shape) == 1 and isinstance(shape[0], (tuple, list))
                   else shape)


def _transpose_method(self, *axes):
    if not axes:
        return transpose(self)
    return transpose(self, axes[0] if len(axes) == 1 and isinstance(axes[0], (tuple, list))
                     else axes)


Tensor.reshape = _reshape_method
Tensor.transpose = _transpose_method

_UFUNCS = {
    np.add: add, np.subtract: sub, np.multiply: mul, np.true_divide: div, np.power: pow,
    np.negative: neg, np.matmul: matmul, np.exp: exp, np.log: log, np.log1p: log1p,
    np.sqrt: sqrt, np.absolute: abs, np.sin: sin, np.cos: cos, np.tanh: tanh,
    np.maximum: maximum, np.minimum: minimum, np.positive: lambda x: x,
}
_CONSTANT_UFUNCS = {np.greater, np.greater_equal, np.less, np.less_equal, np.equal,
                    np.not_equal, np.isfinite, np.isnan, np.isinf, np.sign, np.signbit}


def _array_ufunc(self, ufunc, method, *inputs, **kwargs):
    if method == "__call__" and not kwargs:
        f = _UFUNCS.get(ufunc)
        if f is not None:
            return f(*inputs)
        if ufunc in _CONSTANT_UFUNCS:           # piecewise-constant: no gradient to carry
            return ufunc(*[_value(i) for i in inputs])
    what = f"numpy.{ufunc.__name__}" + ("" if method == "__call__" else f".{method}")
    if kwargs:
        what += f" with {', '.join(sorted(kwargs))}="
    raise TypeError(f"{what} is not supported on a Tensor by the autodiff engine "
                    f"(supported ufuncs: {', '.join(sorted(u.__name__ for u in _UFUNCS))})")


_FUNCTIONS = {
    np.sum: sum, np.mean: mean, np.max: max, np.amax: max, np.reshape: reshape,
    np.transpose: transpose, np.concatenate: concatenate, np.stack: stack, np.where: where,
    np.broadcast_to: broadcast_to, np.matmul: matmul,
    np.shape: lambda x: _shape(x), np.ndim: lambda x: _ndim(x), np.size: lambda x: _value(x).size,
}


def _array_function(self, func, types, args, kwargs):
    f = _FUNCTIONS.get(func)
    if f is None:
        raise TypeError(f"{func.__module__}.{func.__name__} is not supported on a Tensor by the autodiff "
                        f"engine; use the operations in mathforml.calculus.autodiff")
    return f(*args, **kwargs)


def _array(self, dtype=None, copy=None):
    if copy:
        return np.array(self.data, dtype=dtype, copy=True)
    return np.asarray(self.data, dtype=dtype)


Tensor.__array_ufunc__ = _array_ufunc
Tensor.__array_function__ = _array_function
Tensor.__array__ = _array


# ---------------------------------------------------------------------------
# Forward mode: Jacobian-vector rules.  Elementwise operations have diagonal
# Jacobians, so their reverse rule applied to a tangent is already J·ẋ; the
# others are listed here (linear operations map the tangent like the value).
# ---------------------------------------------------------------------------
def _jvp_elementwise(op: Op):
    vjps = op.vjps

    def rule(ts, z, *args, **kw):
        dz = None
        for k, t in enumerate(ts):
            if t is not None:
                d = vjps[k](t, z, *args, **kw)
                dz = d if dz is None else dz + d
        return dz
    return rule


def _jvp_matmul(ts, z, a, b):
    ta, tb = ts
    if ta is None:
        return a @ tb
    if tb is None:
        return ta @ b
    return ta @ b + a @ tb


def _jvp_max(ts, z, x, axis, keepdims):
    xv = _value(x)
    zk = _value(z) if keepdims else np.reshape(_value(z), _kept_shape(xv.shape, axis))
    hit = np.equal(xv, zk)
    share = (hit / hit.sum(axis=axis, keepdims=True)).astype(xv.dtype, copy=False)
    return sum(ts[0] * share, axis=axis, keepdims=keepdims)


def _jvp_logsumexp(ts, z, x, axis, keepdims):
    return sum(ts[0] * exp(x - _restore(z, _shape(x), axis, keepdims)), axis=axis,
               keepdims=keepdims)


def _fill(ts, xs):
    return [t if t is not None else np.zeros_like(_value(x)) for t, x in zip(ts, xs)]


_JVP = {
    "matmul": _jvp_matmul,
    "cross_entropy": lambda ts, z, x, labels, probs: sum(
        _d_cross_entropy(1.0, z, x, labels, probs) * ts[0]),
    "sum": lambda ts, z, x, axis, keepdims: sum(ts[0], axis=axis, keepdims=keepdims),
    "mean": lambda ts, z, x, axis, keepdims: mean(ts[0], axis=axis, keepdims=keepdims),
    "max": _jvp_max,
    "logsumexp": _jvp_logsumexp,
    "softmax": lambda ts, z, x, axis: z * (ts[0] - sum(ts[0] * z, axis=axis, keepdims=True)),
    "log_softmax": lambda ts, z, x, axis: ts[0] - sum(exp(z) * ts[0], axis=axis, keepdims=True),
    "reshape": lambda ts, z, x, shape: reshape(ts[0], shape),
    "transpose": lambda ts, z, x, axes: transpose(ts[0], axes),
    "broadcast_to": lambda ts, z, x, shape: broadcast_to(ts[0], shape),
    "getitem": lambda ts, z, x, index: getitem(ts[0], index),
    "scatter": lambda ts, z, h, shape, index: _scatter(ts[0], shape, index),
    "concatenate": lambda ts, z, *xs, axis, bounds: concatenate(_fill(ts, xs), axis=axis),
    "stack": lambda ts, z, *xs, axis: stack(_fill(ts, xs), axis=axis),
}


def jvp_rule(op: Op):
    """The forward-mode rule ``(tangents, z, *inputs, **params) -> ż`` of an operation."""
    rule = _JVP.get(op.name)
    if rule is None:
        if not op.elementwise:
            raise TypeError(f"no forward-mode rule for {op.name!r}")
        rule = _JVP[op.name] = _jvp_elementwise(op)
    return rule
