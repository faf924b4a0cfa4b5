r"""Taylor series by Taylor-mode automatic differentiation, and quadratic models.

A function that is analytic at ``x0`` is, near ``x0``, the sum of its Taylor series

.. math::  f(x0 + t) = \sum_{k \ge 0} c_k t^k, \qquad c_k = \frac{f^{(k)}(x0)}{k!}.

:func:`taylor_coefficients` computes ``c_0 .. c_K`` *exactly* (up to
rounding, no step size, no truncation error) by univariate Taylor-mode
arithmetic (Griewank & Walther, ch. 13): ``f`` is traced once on a
:class:`~mathforml.calculus.autodiff.Tensor`, which records its tape, and
the tape is swept forwards carrying, for every node ``v``, the array
``V[0..K]`` of the Taylor coefficients of ``t -> v(x0 + t)``.  The input
carries ``X = [x0, 1, 0, ..., 0]``.  Each operation turns the series of its
inputs into the series of its output with a *series rule*:

=================  =============================================================
z = ...            series rule (k = 1 .. K; ``x0, z0`` the values)
=================  =============================================================
x ± y, a·x, Σ x    linear: ``Z_k = X_k ± Y_k`` (shape operations act on each ``X_k``)
x · y              Cauchy product ``Z_k = Σ_{j=0..k} X_j Y_{k-j}``
x / y              ``Z_k = (X_k - Σ_{j=1..k} Y_j Z_{k-j}) / y0``
exp x              ``Z_k = (1/k) Σ_{j=1..k} j X_j Z_{k-j}``            (from z' = z x')
log x              ``Z_k = (X_k - (1/k) Σ_{j=1..k-1} j Z_j X_{k-j}) / x0``  (x z' = x')
log1p x            the log rule for ``u = 1 + x`` (``U_0 = 1 + x0``, ``U_k = X_k``)
sqrt x             ``Z_k = (X_k - Σ_{j=1..k-1} Z_j Z_{k-j}) / (2 z0)``
x ** a (a const)   ``Z_k = Σ_{j=1..k} ((a+1) j - k) X_j Z_{k-j} / (k x0)``  (x z' = a x' z);
                   an integer ``a`` uses repeated squaring with Cauchy products
                   instead, which is exact at ``x0 = 0`` as well
x ** y             ``exp(y · log x)``
sin x, cos x       ``S_k = (1/k) Σ j X_j C_{k-j}``,  ``C_k = -(1/k) Σ j X_j S_{k-j}``
tanh x             ``Z_k = (1/k) Σ j X_j W_{k-j}``, ``W = 1 - Z²`` (``W_0 = 1/cosh² x0``)
sigmoid x          ``Z_k = (1/k) Σ j X_j W_{k-j}``, ``W = Z (1 - Z)`` (``W_0 = σ(x0) σ(-x0)``)
softplus x         ``Z_k = (1/k) Σ j X_j Σ_{k-j}`` with ``Σ`` the series of ``sigmoid x``
abs, relu          ``sign(x0) X``, ``[x0 > 0] X`` (the engine's kink convention at 0)
max, maximum, min  the series of the selected argument (ties share equally)
where              ``where(c, X, Y)`` for each k
logsumexp          ``m + log Σ exp(X - m)`` with the series rules above (``m`` its value)
softmax            ``exp(X - logsumexp X)``;  log_softmax: ``X - logsumexp X``
matmul             ``Z_k = Σ_{j=0..k} A_j @ B_{k-j}`` (one matrix product per k if a
                   side is constant)
=================  =============================================================

Every recurrence costs ``O(K²)`` per node and is vectorised over the
elements of the node (a Python loop runs over ``k`` only); for ``K = 30`` a
small expression takes about a millisecond.  Coefficient 0 of every node is
the engine's own forward value, so ``c_0 == f(x0)`` exactly.

Operations without a series rule.  Every operation of
:mod:`mathforml.calculus.autodiff` has one.  An operation added to the engine
later without a rule here raises :class:`TypeError` naming it (rather than a
silent fallback to nested forward mode, whose cost grows like ``2^K``).

:func:`quadratic_approximation` is the second-order model of a function of
several variables, ``q(x) = f(x0) + gᵀ h + ½ hᵀ H h`` with ``h = x - x0``,
from the reverse-mode :func:`~mathforml.calculus.autodiff.grad` and
:func:`~mathforml.calculus.autodiff.hessian`.

References
----------
A. Griewank and A. Walther, *Evaluating Derivatives: Principles and
Techniques of Algorithmic Differentiation*, 2nd ed., SIAM 2008, chapter 13
("Taylor and Tensor Coefficients"), table 13.2.

D. E. Knuth, *The Art of Computer Programming*, vol. 2, 3rd ed., section
4.7 (manipulation of power series).
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from numbers import Integral, Real

import numpy as np

from .._validation import as_float_array
from ..explain import active, section, silenced, step
from .autodiff.tensor import Tensor, _GradMode, topological_order
from .autodiff.ops import _is_basic, _kept_shape

__all__ = ["taylor_coefficients", "taylor_polynomial", "TaylorPolynomial",
           "quadratic_approximation", "QuadraticApproximation"]


# ---------------------------------------------------------------------------
# Validation
# ---------------------------------------------------------------------------
def _check_callable(f) -> None:
    if not callable(f):
        raise TypeError(f"f must be callable, got {type(f).__name__}")


def _check_order(order) -> int:
    if isinstance(order, (bool, np.bool_)):
        raise ValueError(f"order must be a non-negative integer, got {order!r}")
    if isinstance(order, Integral):
        value = int(order)
    elif isinstance(order, Real) and float(order).is_integer():
        value = int(order)
    else:
        raise ValueError(f"order must be a non-negative integer, got {order!r}")
    if value < 0:
        raise ValueError(f"order must be >= 0, got {value}")
    return value


def _check_x0(x0, ndim=None) -> np.ndarray:
    if type(x0) is Tensor:
        x0 = x0.data
    return as_float_array(x0, "x0", ndim=ndim)


# ---------------------------------------------------------------------------
# Series helpers.  A series is an array S of shape (K+1,) + shape: S[k] is the
# k-th Taylor coefficient of a node.  Constants carry no array (None).
# ---------------------------------------------------------------------------
def _conv(A, B, k: int, lo: int = 0, hi: int | None = None):
    """Σ_{j=lo..hi} A[j]·B[k-j]  (hi defaults to k; an empty sum is 0)."""
    if hi is None:
        hi = k
    if hi < lo:
        return 0.0
    j = np.arange(lo, hi + 1)
    return np.sum(A[lo:hi + 1] * B[k - j], axis=0)


def _weights(K: int, ndim: int):
    """j = 0..K shaped to multiply a series of an ndim-dimensional node."""
    return np.arange(K + 1, dtype=np.float64).reshape((K + 1,) + (1,) * ndim)


def _const_series(v, K: int, dtype):
    v = np.asarray(v)
    S = np.zeros((K + 1,) + v.shape, dtype=np.result_type(v.dtype, dtype))
    S[0] = v
    return S


def _full(S, v, K, dtype):
    """The series of an input (a zero tail for a constant)."""
    return _const_series(v, K, dtype) if S is None else S


def _bcast(S, shape):
    """Broadcast a series to (K+1,) + shape (inserting axes after the k axis)."""
    extra = len(shape) - (S.ndim - 1)
    if extra > 0:
        S = S.reshape((S.shape[0],) + (1,) * extra + S.shape[1:])
    return np.broadcast_to(S, (S.shape[0],) + tuple(shape))


def _empty_like_node(K, z, dtype=None):
    z = np.asarray(z)
    return np.empty((K + 1,) + z.shape, dtype=z.dtype if dtype is None else dtype)


def _cauchy(A, B):
    """Truncated product of two series of equal shape: Z_k = Σ_{j=0..k} A_j B_{k-j}."""
    K = A.shape[0] - 1
    Z = np.empty(np.broadcast_shapes(A.shape, B.shape), dtype=np.result_type(A, B))
    for k in range(K + 1):
        Z[k] = _conv(A, B, k)
    return Z


def _exp_series(X, z0):
    """Z = exp(X):  Z_k = (1/k) Σ_{j=1..k} j X_j Z_{k-j}."""
    K = X.shape[0] - 1
    Z = np.empty(X.shape, dtype=X.dtype)
    Z[0] = z0
    dX = _weights(K, X.ndim - 1) * X
    for k in range(1, K + 1):
        Z[k] = _conv(dX, Z, k, 1) / k
    return Z


def _log_series(U, z0):
    """Z = log(U):  Z_k = (U_k - (1/k) Σ_{j=1..k-1} j Z_j U_{k-j}) / U_0."""
    K = U.shape[0] - 1
    Z = np.empty(U.shape, dtype=U.dtype)
    dZ = np.empty(U.shape, dtype=U.dtype)
    Z[0] = z0
    dZ[0] = 0.0
    for k in range(1, K + 1):
        Z[k] = (U[k] - _conv(dZ, U, k, 1, k - 1) / k) / U[0]
        dZ[k] = k * Z[k]
    return Z


def _recip_series(Y):
    """Z = 1 / Y:  Z_k = -Σ_{j=1..k} Y_j Z_{k-j} / Y_0."""
    K = Y.shape[0] - 1
    Z = np.empty(Y.shape, dtype=Y.dtype)
    Z[0] = 1.0 / Y[0]
    for k in range(1, K + 1):
        Z[k] = -_conv(Y, Z, k, 1) / Y[0]
    return Z


def _sigmoid_np(x):
    x = np.asarray(x)
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1 / (1 + e), e / (1 + e))


def _sigmoid_series(X):
    """Z = σ(X) from z' = w x' with w = z (1 - z):  W_k = Z_k (1 - 2 z0) - Σ_{i=1..k-1} Z_i Z_{k-i}."""
    K = X.shape[0] - 1
    x0 = X[0]
    z0, zm = _sigmoid_np(x0), _sigmoid_np(-x0)          # σ(x0) and 1 - σ(x0) = σ(-x0)
    Z = np.empty(X.shape, dtype=X.dtype)
    W = np.empty(X.shape, dtype=X.dtype)
    Z[0], W[0] = z0, z0 * zm
    dX = _weights(K, X.ndim - 1) * X
    for k in range(1, K + 1):
        Z[k] = _conv(dX, W, k, 1) / k
        W[k] = Z[k] * (zm - z0) - _conv(Z, Z, k, 1, k - 1)
    return Z


def _int_power(X, n: int):
    """X ** n for an integer n by repeated squaring (Cauchy products)."""
    if n < 0:
        return _recip_series(_int_power(X, -n))
    result = None
    base = X
    while n:
        if n & 1:
            result = base if result is None else _cauchy(result, base)
        n >>= 1
        if n:
            base = _cauchy(base, base)
    if result is None:                       # n == 0: the constant 1
        result = np.zeros_like(X)
        result[0] = 1.0
    return result


def _real_power(X, a, z0):
    """Z = X ** a:  Z_k = Σ_{j=1..k} ((a+1) j - k) X_j Z_{k-j} / (k x0)   (x z' = a x' z)."""
    K = X.shape[0] - 1
    Z = np.empty(X.shape, dtype=X.dtype)
    Z[0] = z0
    dX = _weights(K, X.ndim - 1) * X
    for k in range(1, K + 1):
        Z[k] = ((a + 1) * _conv(dX, Z, k, 1) - k * _conv(X, Z, k, 1)) / (k * X[0])
    return Z


def _lse_kept(X, z_kept, axis):
    """Series of logsumexp over ``axis`` (node axes), kept dims: m + log Σ exp(X - m)."""
    Xs = np.array(X, copy=True)
    Xs[0] = X[0] - z_kept
    E = _exp_series(Xs, np.exp(Xs[0]))
    ax = tuple(range(1, X.ndim)) if axis is None else tuple(a + 1 for a in axis)
    S = np.sum(E, axis=ax, keepdims=True)
    L = _log_series(S, np.log(S[0]))
    L[0] = L[0] + z_kept
    return L


# ---------------------------------------------------------------------------
# The series rules: rule(ins, z, xs, K, **params) -> Z, where ins are the
# inputs' series (None for a constant), z the node's value and xs the inputs'
# values.  Coefficient 0 is overwritten with z afterwards.
# ---------------------------------------------------------------------------
def _unary(fn):
    def rule(ins, z, xs, K, **kw):
        return fn(ins[0], z, xs[0], K, **kw)
    return rule


def _add(ins, z, xs, K):
    X, Y = ins
    shape = np.shape(z)
    if X is None:
        return _bcast(Y, shape)
    if Y is None:
        return _bcast(X, shape)
    return _bcast(X, shape) + _bcast(Y, shape)


def _sub(ins, z, xs, K):
    X, Y = ins
    shape = np.shape(z)
    if X is None:
        return -_bcast(Y, shape)
    if Y is None:
        return _bcast(X, shape)
    return _bcast(X, shape) - _bcast(Y, shape)


def _mul(ins, z, xs, K):
    X, Y = ins
    shape = np.shape(z)
    if X is None:
        return _bcast(Y, shape) * np.asarray(xs[0])
    if Y is None:
        return _bcast(X, shape) * np.asarray(xs[1])
    return _cauchy(_bcast(X, shape), _bcast(Y, shape))


def _div(ins, z, xs, K):
    X, Y = ins
    shape = np.shape(z)
    if Y is None:
        return _bcast(X, shape) / np.asarray(xs[1])
    dtype = np.asarray(z).dtype
    Xf = _bcast(_full(X, xs[0], K, dtype), shape)
    Yf = _bcast(Y, shape)
    Z = _empty_like_node(K, z, np.result_type(Xf, Yf))
    Z[0] = z
    for k in range(1, K + 1):
        Z[k] = (Xf[k] - _conv(Yf, Z, k, 1)) / Yf[0]
    return Z


def _pow(ins, z, xs, K):
    X, Y = ins
    shape = np.shape(z)
    dtype = np.asarray(z).dtype
    if Y is None:                                       # x ** a, a constant
        a = np.asarray(xs[1])
        Xf = np.array(_bcast(X, shape), dtype=np.result_type(X, dtype))
        if a.size == 1 and float(a.reshape(())).is_integer() and abs(float(a.reshape(()))) < 2**31:
            return _int_power(Xf, int(a.reshape(())))
        return _real_power(Xf, a, z)
    if X is None:                                       # c ** y = exp(y log c)
        logc = np.log(np.asarray(xs[0]))
        return _exp_series(_bcast(Y, shape) * logc, z)
    with np.errstate(divide="ignore", invalid="ignore"):  # x ** y = exp(y log x)
        Lx = _log_series(np.array(_bcast(X, shape)), np.log(_bcast(X, shape)[0]))
    return _exp_series(_cauchy(Lx, _bcast(Y, shape)), z)


def _maximum_like(take_x):
    def rule(ins, z, xs, K):
        shape = np.shape(z)
        dtype = np.asarray(z).dtype
        xv, yv = np.asarray(xs[0]), np.asarray(xs[1])
        w = take_x(xv, yv) + 0.5 * np.equal(xv, yv)
        Xf = _bcast(_full(ins[0], xv, K, dtype), shape)
        Yf = _bcast(_full(ins[1], yv, K, dtype), shape)
        return w * Xf + (1 - w) * Yf
    return rule


def _where(ins, z, xs, K, cond):
    shape = np.shape(z)
    dtype = np.asarray(z).dtype
    Xf = _bcast(_full(ins[0], xs[0], K, dtype), shape)
    Yf = _bcast(_full(ins[1], xs[1], K, dtype), shape)
    return np.where(cond, Xf, Yf)


def _matmul(ins, z, xs, K):
    A, B = ins
    Z = _empty_like_node(K, z, np.result_type(np.asarray(z).dtype, *(S for S in ins if S is not None)))
    for k in range(K + 1):
        if A is None:
            Z[k] = np.matmul(xs[0], B[k])
        elif B is None:
            Z[k] = np.matmul(A[k], xs[1])
        else:
            acc = np.matmul(A[0], B[k])
            for j in range(1, k + 1):
                acc = acc + np.matmul(A[j], B[k - j])
            Z[k] = acc
    return Z


def _shifted(axis, ndim):
    return tuple(range(1, ndim + 1)) if axis is None else tuple(a + 1 for a in axis)


def _sum(X, z, x, K, axis, keepdims):
    return np.sum(X, axis=_shifted(axis, X.ndim - 1), keepdims=keepdims)


def _mean(X, z, x, K, axis, keepdims):
    return np.mean(X, axis=_shifted(axis, X.ndim - 1), keepdims=keepdims)


def _max(X, z, x, K, axis, keepdims):
    xv = np.asarray(x)
    zk = np.reshape(z, _kept_shape(xv.shape, axis))
    hit = np.equal(xv, zk)
    share = hit / hit.sum(axis=axis, keepdims=True)
    return np.sum(X * share, axis=_shifted(axis, xv.ndim), keepdims=keepdims)


def _logsumexp(X, z, x, K, axis, keepdims):
    xv = np.asarray(x)
    L = _lse_kept(X, np.reshape(z, _kept_shape(xv.shape, axis)), axis)
    return L if keepdims else L.reshape((K + 1,) + np.shape(z))


def _softmax(X, z, x, K, axis):
    xv = np.asarray(x)
    L = _lse_kept(X, _lse_value(xv, axis), axis)
    return _exp_series(X - L, z)


def _log_softmax(X, z, x, K, axis):
    xv = np.asarray(x)
    return X - _lse_kept(X, _lse_value(xv, axis), axis)


def _cross_entropy(X, z, x, K, labels, probs=None):
    xv = np.asarray(x)
    L = _log_softmax(X, z, xv, K, (xv.ndim - 1,))
    idx = np.broadcast_to(labels[None, ..., None], (K + 1,) + labels.shape + (1,))
    picked = np.take_along_axis(L, idx, axis=-1)[..., 0]
    return -picked.reshape(K + 1, -1).mean(axis=1)


def _lse_value(xv, axis):
    m = np.max(xv, axis=axis, keepdims=True)
    return np.log(np.sum(np.exp(xv - m), axis=axis, keepdims=True)) + m


def _getitem(X, z, x, K, index):
    return np.stack([X[k][index] for k in range(K + 1)])


def _scatter(H, z, h, K, shape, index):
    out = np.zeros((K + 1,) + tuple(shape), dtype=np.result_type(H, np.asarray(z).dtype))
    basic = _is_basic(index)
    for k in range(K + 1):
        if basic:
            out[k][index] = H[k]
        else:
            np.add.at(out[k], index, H[k])
    return out


def _concatenate(ins, z, xs, K, axis, bounds):
    dtype = np.asarray(z).dtype
    return np.concatenate([_full(S, v, K, dtype) for S, v in zip(ins, xs)], axis=axis + 1)


def _stack(ins, z, xs, K, axis):
    dtype = np.asarray(z).dtype
    return np.stack([_full(S, v, K, dtype) for S, v in zip(ins, xs)], axis=axis + 1)


def _sin_cos(X):
    K = X.shape[0] - 1
    S = np.empty(X.shape, dtype=X.dtype)
    C = np.empty(X.shape, dtype=X.dtype)
    S[0], C[0] = np.sin(X[0]), np.cos(X[0])
    dX = _weights(K, X.ndim - 1) * X
    for k in range(1, K + 1):
        S[k] = _conv(dX, C, k, 1) / k
        C[k] = -_conv(dX, S, k, 1) / k
    return S, C


def _tanh(X, z, x, K):
    Z = np.empty(X.shape, dtype=X.dtype)
    W = np.empty(X.shape, dtype=X.dtype)
    Z[0] = z
    with np.errstate(over="ignore"):                    # cosh overflows to inf: W_0 = 0
        W[0] = 1.0 / np.cosh(X[0]) ** 2                  # 1 - tanh² without cancellation
    dX = _weights(K, X.ndim - 1) * X
    for k in range(1, K + 1):
        Z[k] = _conv(dX, W, k, 1) / k
        W[k] = -(2 * Z[0] * Z[k] + _conv(Z, Z, k, 1, k - 1))
    return Z


def _softplus(X, z, x, K):
    Sig = _sigmoid_series(X)
    Z = np.empty(X.shape, dtype=X.dtype)
    Z[0] = z
    dX = _weights(K, X.ndim - 1) * X
    for k in range(1, K + 1):
        Z[k] = _conv(dX, Sig, k, 1) / k
    return Z


def _sqrt(X, z, x, K):
    Z = np.empty(X.shape, dtype=X.dtype)
    Z[0] = z
    for k in range(1, K + 1):
        Z[k] = (X[k] - _conv(Z, Z, k, 1, k - 1)) / (2 * Z[0])
    return Z


def _log1p(X, z, x, K):
    U = np.array(X, copy=True)
    U[0] = 1 + X[0]
    return _log_series(U, z)


#: Series rules by operation name (the keys are the engine's ``Op.name``).
SERIES_RULES = {
    "add": _add,
    "sub": _sub,
    "mul": _mul,
    "div": _div,
    "pow": _pow,
    "neg": _unary(lambda X, z, x, K: -X),
    "matmul": _matmul,
    "exp": _unary(lambda X, z, x, K: _exp_series(X, z)),
    "log": _unary(lambda X, z, x, K: _log_series(X, z)),
    "log1p": _unary(_log1p),
    "sqrt": _unary(_sqrt),
    "abs": _unary(lambda X, z, x, K: np.sign(X[0]) * X),
    "sin": _unary(lambda X, z, x, K: _sin_cos(X)[0]),
    "cos": _unary(lambda X, z, x, K: _sin_cos(X)[1]),
    "tanh": _unary(_tanh),
    "sigmoid": _unary(lambda X, z, x, K: _sigmoid_series(X)),
    "relu": _unary(lambda X, z, x, K: np.greater(X[0], 0) * X),
    "softplus": _unary(_softplus),
    "maximum": _maximum_like(np.greater),
    "minimum": _maximum_like(np.less),
    "where": _where,
    "sum": _unary(_sum),
    "mean": _unary(_mean),
    "max": _unary(_max),
    "logsumexp": _unary(_logsumexp),
    "softmax": _unary(_softmax),
    "log_softmax": _unary(_log_softmax),
    "cross_entropy": _unary(_cross_entropy),
    "reshape": _unary(lambda X, z, x, K, shape: X.reshape((K + 1,) + np.shape(z))),
    "transpose": _unary(lambda X, z, x, K, axes: np.transpose(X, (0,) + tuple(a + 1 for a in axes))),
    "broadcast_to": _unary(lambda X, z, x, K, shape: _bcast(X, tuple(shape))),
    "getitem": _unary(_getitem),
    "scatter": _unary(_scatter),
    "concatenate": _concatenate,
    "stack": _stack,
}


def _value(p):
    return p.data if type(p) is Tensor else p


def _taylor_sweep(out: Tensor, x: Tensor, K: int):
    """Propagate the series of ``x`` (= [x0, 1, 0, ...]) through the tape of ``out``."""
    X = np.zeros((K + 1,) + x.shape, dtype=x.dtype)
    X[0] = x.data
    if K >= 1:
        X[1] = 1.0
    series = {id(x): X}
    nodes = topological_order(out)
    names = []
    for node in nodes:
        if id(node) in series or node.op is None:
            continue                       # the input, or another leaf (a constant here)
        ins = [series.get(id(p)) if type(p) is Tensor else None for p in node.parents]
        if all(S is None for S in ins):
            continue                       # does not depend on x
        rule = SERIES_RULES.get(node.op.name)
        if rule is None:
            raise TypeError(
                f"taylor_coefficients has no Taylor-mode series rule for the operation "
                f"{node.op.name!r} (z = {node.op.formula}); supported: "
                f"{', '.join(sorted(SERIES_RULES))}")
        z = node.data
        xs = [_value(p) for p in node.parents]
        Z = rule(ins, z, xs, K, **(node.params or {}))
        Zf = np.empty((K + 1,) + np.shape(z), dtype=np.asarray(z).dtype)
        Zf[...] = Z
        Zf[0] = z                          # coefficient 0 is the forward value itself
        series[id(node)] = Zf
        names.append(node.op.name)
    return series.get(id(out)), names


def _trace(f, x0: np.ndarray):
    """Evaluate f on a fresh tensor at x0 with recording on; return (x, out)."""
    x = Tensor(x0, requires_grad=True, name="x")
    prev = _GradMode.enabled
    _GradMode.enabled = True
    try:
        with silenced():
            out = f(x)
    finally:
        _GradMode.enabled = prev
    return x, out


def _output_array(out, who: str) -> np.ndarray:
    v = out.data if type(out) is Tensor else out
    try:
        arr = np.asarray(v)
    except Exception:                       # pragma: no cover - exotic objects
        arr = np.asarray(v, dtype=object)
    if arr.dtype.kind not in "biuf":
        raise TypeError(f"{who}: f must return a real number, got {type(out).__name__}"
                        + (f" of dtype {arr.dtype}" if isinstance(v, np.ndarray) else ""))
    return arr


# ---------------------------------------------------------------------------
# Public API
# ---------------------------------------------------------------------------
def _term_text(c, k: int, x0, digits: int = 10) -> str:
    """Human-readable c·(x - x0)^k."""
    cs = f"{float(c):.{digits}g}"
    if k == 0:
        return cs
    x0 = float(x0)
    base = "x" if x0 == 0 else (f"(x - {x0:.{digits}g})" if x0 > 0 else f"(x + {-x0:.{digits}g})")
    power = base if k == 1 else f"{base}^{k}"
    return f"{cs}*{power}"


def taylor_coefficients(f, x0, order: int) -> np.ndarray:
    r"""Taylor coefficients ``c_k = f^(k)(x0) / k!``, ``k = 0 .. order``, by Taylor-mode autodiff.

    Parameters
    ----------
    f : callable
        A real function of one real variable written with the operations of
        :mod:`mathforml.calculus.autodiff` (``+ - * / **``, ``exp``, ``log``,
        ``log1p``, ``sqrt``, ``sin``, ``cos``, ``tanh``, ``sigmoid``,
        ``softplus``, ``abs``, ... and also ``grad(g)`` of such a function).
        Called once, on a :class:`~mathforml.calculus.autodiff.Tensor`.
    x0 : float or array_like
        The expansion point.  An array of points (shape ``S``) expands an
        *elementwise* ``f`` at every point at once; ``f(x)`` must then have
        the shape ``S``.
    order : int
        The highest power ``K >= 0``.

    Returns
    -------
    c : ndarray, shape (order + 1,) or (order + 1,) + S
        ``c[k] = f^(k)(x0) / k!``; ``c[0] == f(x0)`` exactly.  float32 ``x0``
        gives float32 coefficients.

    Raises
    ------
    TypeError
        If ``f`` is not callable, does not return a scalar (for a scalar
        ``x0``) or an array of ``x0``'s shape, or uses an operation without
        a series rule (the message names it).
    ValueError
        If ``order`` is negative or not an integer, or ``x0`` is not finite.

    Notes
    -----
    ``f`` is traced once on ``x = Tensor(x0)``; the tape is then swept
    forwards with the input's series ``X = [x0, 1, 0, ..., 0]`` (the
    coefficients of ``t -> x0 + t``), and each node ``z = φ(x, y)`` computes
    its coefficients ``Z_0 .. Z_K`` from its inputs' with a series rule (the
    table in the module docstring).  The rules for ``exp``, ``log``,
    ``sqrt``, powers, ``sin/cos``, ``tanh``, ``sigmoid`` and ``softplus``
    come from a first-order ODE ``z' = ψ(z, x) x'`` of the function: matching
    the coefficients of ``t^{k-1}`` gives ``Z_k`` from ``Z_0 .. Z_{k-1}``,
    e.g. for ``exp``  ``Z_k = (1/k) Σ_{j=1..k} j X_j Z_{k-j}``.  No step size
    and no truncation: the coefficients are exact up to rounding, which
    grows about linearly in ``k``.

    Stability: ``1 - tanh²(x0)`` is taken as ``1/cosh²(x0)`` and
    ``σ(x0)(1 - σ(x0))`` as ``σ(x0) σ(-x0)`` (no cancellation for large
    ``|x0|``); an integer power uses Cauchy products, exact at ``x0 = 0``.
    Where ``f`` is not analytic at ``x0`` (``sqrt`` or ``log`` at 0) the
    coefficients come out infinite or NaN, as the derivatives do; ``abs``
    and ``relu`` follow the engine's kink convention (slope 0 at 0).
    Gradients are not propagated through the result.

    References
    ----------
    A. Griewank and A. Walther, *Evaluating Derivatives*, 2nd ed., SIAM 2008,
    chapter 13.

    Examples
    --------
    >>> from mathforml.calculus.autodiff import exp, sin, log1p
    >>> taylor_coefficients(exp, 0.0, 4)                  # 1/k!
    array([1.        , 1.        , 0.5       , 0.16666667, 0.04166667])
    >>> taylor_coefficients(sin, 0.0, 5)                  # x - x³/6 + x⁵/120
    array([ 0.        ,  1.        ,  0.        , -0.16666667,  0.        ,
            0.00833333])
    >>> taylor_coefficients(lambda x: x ** 3 + 2 * x, 1.0, 4)   # (1+t)³ + 2(1+t)
    array([3., 5., 3., 1., 0.])
    """
    _check_callable(f)
    K = _check_order(order)
    x0 = _check_x0(x0)
    x, out = _trace(f, x0)
    value = _output_array(out, "taylor_coefficients")
    if x0.ndim == 0:
        if value.size != 1:
            raise TypeError(f"taylor_coefficients needs f to return a scalar for a scalar x0, "
                            f"got shape {value.shape}")
        shape = ()
    else:
        if value.shape != x0.shape:
            raise TypeError(f"taylor_coefficients: for an array x0 of shape {x0.shape}, f must "
                            f"act elementwise and return that shape, got {value.shape}")
        shape = x0.shape
    S, names = None, []
    if type(out) is Tensor and out.requires_grad:
        S, names = _taylor_sweep(out, x, K)
    if S is None:                                   # f does not depend on x
        dtype = np.result_type(value.dtype, x0.dtype) if value.dtype.kind == "f" else x0.dtype
        S = _const_series(value.astype(dtype), K, dtype)
    c = np.array(S.reshape((K + 1,) + shape))
    if active():
        _explain_terms(c, x0, K, names)
    return c


def _explain_terms(c, x0, K, names):
    with section("Taylor coefficients c_k = f^(k)(x0) / k!"):
        step("Taylor-mode sweep over the tape",
             "X = [x0, 1, 0, ..., 0]; each node maps its inputs' series to its own (series rules)",
             x0=x0, order=K, operations=" -> ".join(names) if names else "(f is constant)")
        scalar = c.ndim == 1
        for k in range(K + 1):
            term = _term_text(c[k], k, x0) if scalar else f"c_{k}·(x - x0)^{k}"
            step(f"Term k = {k}", f"c_{k} (x - x0)^{k},  c_{k} = f^({k})(x0) / {k}!",
                 iteration=k, k=k, coefficient=c[k], derivative=c[k] * float(math.factorial(k)),
                 term=term)


class TaylorPolynomial:
    r"""The Taylor polynomial ``p(x) = Σ_{k=0..order} c_k (x - x0)^k``, a vectorised callable.

    Made by :func:`taylor_polynomial`.

    Attributes
    ----------
    coefficients : ndarray, shape (order + 1,) or (order + 1,) + S
        ``c_k = f^(k)(x0) / k!``.
    x0 : ndarray
        The expansion point (0-d, or of shape ``S``).
    order : int
        The degree bound ``K``.
    """

    __slots__ = ("coefficients", "x0", "order")

    def __init__(self, coefficients, x0, order):
        self.coefficients = coefficients
        self.x0 = x0
        self.order = order

    def __call__(self, x):
        """Evaluate by Horner's rule ``p <- p·(x - x0) + c_k``, k = K .. 0 (broadcasting)."""
        x = _value(x)
        x = as_float_array(x, "x", check_finite=False)
        c = self.coefficients
        h = x - self.x0
        p = np.zeros_like(h + c[-1]) + c[-1]
        for k in range(self.order - 1, -1, -1):
            p = p * h + c[k]
        if active():
            terms = np.stack([c[k] * h ** k for k in range(self.order + 1)])
            step("Evaluate the Taylor polynomial",
                 "p(x) = Σ_k c_k (x - x0)^k  (Horner: p <- p·(x - x0) + c_k, k = K .. 0)",
                 x=x, x0=self.x0, terms=terms, partial_sums=np.cumsum(terms, axis=0), p=p)
        return p[()] if p.ndim == 0 else p

    def to_string(self, digits: int = 10, var: str = "x") -> str:
        """The polynomial as text, e.g. ``'1 + x + 0.5*x^2'`` (zero terms omitted)."""
        if self.coefficients.ndim != 1:
            return (f"Σ_k c_k ({var} - x0)^k at {self.x0.size} points of shape {self.x0.shape}, "
                    f"k = 0..{self.order}")
        parts = []
        for k, ck in enumerate(self.coefficients):
            ck = float(ck)
            if ck == 0:
                continue
            text = _term_text(abs(ck), k, self.x0, digits).replace("x", var)
            if k > 0 and abs(ck) == 1:
                text = text.split("*", 1)[1]
            sign = "-" if ck < 0 else "+"
            parts.append((sign, text))
        if not parts:
            return "0"
        first_sign, first = parts[0]
        s = ("-" if first_sign == "-" else "") + first
        for sign, text in parts[1:]:
            s += f" {sign} {text}"
        return s

    def __str__(self):
        return self.to_string()

    def __repr__(self):
        x0 = float(self.x0) if self.x0.ndim == 0 else f"array of shape {self.x0.shape}"
        return f"TaylorPolynomial({self.to_string()}, x0={x0}, order={self.order})"


def taylor_polynomial(f, x0, order: int) -> TaylorPolynomial:
    r"""The Taylor polynomial of ``f`` at ``x0``: a callable ``p(x) = Σ_k c_k (x - x0)^k``.

    Parameters
    ----------
    f : callable
        As for :func:`taylor_coefficients`.
    x0 : float or array_like
        The expansion point (an array expands an elementwise ``f`` at each point).
    order : int
        The degree ``K >= 0``.

    Returns
    -------
    p : TaylorPolynomial
        Callable on any array ``x`` (broadcast against ``x0``), with the
        attributes ``coefficients`` (shape ``(K + 1,)``), ``x0`` and
        ``order``; ``str(p)`` prints the polynomial.

    Notes
    -----
    ``c_k`` from :func:`taylor_coefficients`; evaluation by Horner's rule
    ``p <- p·(x - x0) + c_k`` for ``k = K, ..., 0`` (``K`` multiply-adds, no
    powers).  For ``f`` analytic at ``x0`` the error is
    ``f(x) - p(x) = c_{K+1} (x - x0)^{K+1} + O(|x - x0|^{K+2})``.

    References
    ----------
    A. Griewank and A. Walther, *Evaluating Derivatives*, 2nd ed., SIAM 2008,
    chapter 13.

    Examples
    --------
    >>> from mathforml.calculus.autodiff import exp
    >>> p = taylor_polynomial(exp, 0.0, 3)
    >>> print(p)
    1 + x + 0.5*x^2 + 0.1666666667*x^3
    >>> round(float(p(0.1)), 10)          # e^0.1 = 1.1051709181 (error ~ 0.1^4 / 24)
    1.1051666667
    """
    c = taylor_coefficients(f, x0, order)
    x0 = _check_x0(x0)
    p = TaylorPolynomial(c, x0, len(c) - 1)
    if active():
        step("Taylor polynomial", "p(x) = Σ_{k=0..K} c_k (x - x0)^k", order=p.order,
             polynomial=p.to_string())
    return p


@dataclass(frozen=True, eq=False)
class QuadraticApproximation:
    r"""The second-order Taylor model ``q(x) = f0 + gᵀ h + ½ hᵀ H h``, ``h = x - x0``.

    Attributes
    ----------
    x0 : ndarray, shape (n,) or ()
        The expansion point.
    value : float
        ``f0 = f(x0)``.
    gradient : ndarray, shape (n,) or ()
        ``g = ∇f(x0)``.
    hessian : ndarray, shape (n, n) or ()
        ``H = ∇²f(x0)``.

    Calling it on ``x`` of shape ``(n,)`` gives a number, on ``(m, n)``
    (rows are points) an array of shape ``(m,)``.
    """

    x0: np.ndarray
    value: float
    gradient: np.ndarray
    hessian: np.ndarray

    def __call__(self, x):
        x = as_float_array(_value(x), "x", check_finite=False)
        x0, g, H = self.x0, self.gradient, self.hessian
        if x0.ndim == 0:
            h = x - x0
            q = self.value + g * h + 0.5 * H * (h * h)
        else:
            n = x0.shape[0]
            if x.ndim == 0 or x.shape[-1] != n:
                raise ValueError(f"x must have {n} entries in its last axis (rows are points), "
                                 f"got shape {x.shape}")
            h = x - x0
            q = self.value + h @ g + 0.5 * np.sum((h @ H) * h, axis=-1)
        return q[()] if np.ndim(q) == 0 else q

    def __repr__(self):
        return (f"QuadraticApproximation(x0={self.x0.tolist()}, value={float(self.value)!r}, "
                f"gradient={self.gradient.tolist()}, hessian={self.hessian.tolist()})")


def quadratic_approximation(f, x0) -> QuadraticApproximation:
    r"""Second-order Taylor model of ``f: Rⁿ -> R`` at ``x0``: value, gradient, Hessian, ``q(x)``.

    Parameters
    ----------
    f : callable
        A scalar function of a vector (or of a number), written with the
        operations of :mod:`mathforml.calculus.autodiff`.
    x0 : array_like, shape (n,) or ()
        The expansion point.

    Returns
    -------
    QuadraticApproximation
        Fields ``x0``, ``value`` ``f0``, ``gradient`` ``g`` (shape ``(n,)``),
        ``hessian`` ``H`` (shape ``(n, n)``); calling it evaluates ``q`` at a
        point ``(n,)`` or at the rows of ``(m, n)``.

    Raises
    ------
    TypeError
        If ``f`` is not callable or does not return a scalar.
    ValueError
        If ``x0`` is not finite or has more than one dimension.

    Notes
    -----
    ``q(x) = f0 + gᵀ h + ½ hᵀ H h`` with ``h = x - x0``,
    ``g = ∇f(x0)`` from reverse mode (:func:`~mathforml.calculus.autodiff.value_and_grad`)
    and ``H = ∇²f(x0)`` as the Jacobian of the gradient
    (:func:`~mathforml.calculus.autodiff.hessian`), both exact up to rounding.
    For smooth ``f``, ``f(x) - q(x) = O(|h|³)``; a quadratic ``f`` is
    reproduced exactly.  ``q`` is evaluated as ``f0 + h @ g + ½ Σ (h @ H) ∘ h``
    over the rows of ``x``.

    References
    ----------
    J. Nocedal and S. J. Wright, *Numerical Optimization*, 2nd ed., Springer
    2006, section 2.2 (Taylor's theorem) and chapter 3 (the Newton model).

    Examples
    --------
    >>> rosenbrock = lambda v: (1 - v[0]) ** 2 + 100 * (v[1] - v[0] ** 2) ** 2
    >>> q = quadratic_approximation(rosenbrock, [1.0, 1.0])
    >>> float(q.value), q.gradient
    (0.0, array([0., 0.]))
    >>> q.hessian
    array([[ 802., -400.],
           [-400.,  200.]])
    >>> round(float(q([1.1, 1.0])), 10)     # ½ · 802 · 0.1²
    4.01
    """
    from .autodiff import hessian as _hessian, value_and_grad as _value_and_grad

    _check_callable(f)
    x0 = _check_x0(x0, ndim=(0, 1))
    with silenced():
        _, out = _trace(f, x0)
        value = _output_array(out, "quadratic_approximation")
        if value.size != 1:
            raise TypeError(f"quadratic_approximation needs f to return a scalar, got shape "
                            f"{value.shape}")
        f0, g = _value_and_grad(f)(x0)
        H = _hessian(f)(x0)
    f0 = np.asarray(_value(f0))
    f0 = f0.reshape(())[()]
    g = np.asarray(_value(g))
    H = np.asarray(_value(H))
    if x0.ndim == 1:
        H = H.reshape(x0.shape * 2)
    result = QuadraticApproximation(x0=x0, value=f0, gradient=g, hessian=H)
    if active():
        extra = {}
        if x0.ndim == 1 and np.all(np.isfinite(H)):
            from ..linalg import eigvalsh
            with silenced():                       # curvature, for the explanation only
                extra["hessian_eigenvalues"] = eigvalsh(0.5 * (H + H.T))
        step("Quadratic (second-order Taylor) approximation",
             "q(x) = f(x0) + ∇f(x0)ᵀ (x - x0) + ½ (x - x0)ᵀ ∇²f(x0) (x - x0)",
             x0=x0, value=f0, gradient=g, hessian=H, **extra)
    return result
