r"""The functional API: derivatives as functions of functions, in JAX's style.

``grad(f)`` returns a new function that computes ``∇f``.  The transforms
compose because the vector–Jacobian rules are themselves differentiable:
inside another transform every gradient is returned as a recorded tensor, so
``grad(grad(f))``, ``hessian(f) = jacobian(grad(f))`` and
``hvp = jvp(grad(f))`` (forward-over-reverse) all work without special code.

Forward mode (:func:`jvp`) sweeps the same tape forwards, pushing a tangent
through each node with the operation's Jacobian–vector rule.

>>> f = lambda x: (x ** 3).sum()
>>> grad(f)(np.array([1.0, 2.0]))           # 3 x²
array([ 3., 12.])
>>> hessian(f)(np.array([1.0, 2.0]))        # diag(6 x)
array([[ 6.,  0.],
       [ 0., 12.]])
"""
from __future__ import annotations

import contextvars
import functools
from typing import Callable, Sequence

import numpy as np

from ...explain import active, silenced, step
from .tensor import Tensor, _GradMode, _as_data, _value, backward_pass, topological_order
from . import ops as _ops

__all__ = ["grad", "value_and_grad", "jacobian", "jvp", "vjp", "hessian", "hvp", "check_grads"]


#: How many transforms are evaluating their function right now, in this thread / task
#: (a context variable: a transform running in another thread must not make this one nested).
_DEPTH: contextvars.ContextVar[int] = contextvars.ContextVar("mathforml_autodiff_depth",
                                                             default=0)


def _check_callable(f, name: str = "f") -> None:
    if not callable(f):
        raise TypeError(f"{name} must be callable, got {type(f).__name__}")


def _argnums(argnums, nargs: int) -> tuple:
    single = isinstance(argnums, (int, np.integer))
    nums = (int(argnums),) if single else tuple(int(a) for a in argnums)
    for a in nums:
        if not -nargs <= a < nargs:
            raise ValueError(f"argnums={argnums!r} is out of range for {nargs} positional "
                             "argument(s)")
    return tuple(a % nargs for a in nums), single


def _leaf(x, name: str) -> Tensor:
    """The tensor to differentiate with respect to (the caller's own if it is traced)."""
    if type(x) is Tensor:
        if x.requires_grad and _GradMode.enabled:
            return x
        return Tensor(x.data, requires_grad=True, name=x.name or name)
    try:
        return Tensor(_as_data(x), requires_grad=True, name=name)
    except TypeError as exc:
        raise TypeError(f"argument {name} cannot be differentiated: {exc}") from None


def _parameter_names(f, argnums) -> list | None:
    import inspect
    try:
        params = [p.name for p in inspect.signature(f).parameters.values()
                  if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    except (TypeError, ValueError):
        return None
    if argnums and max(argnums) < len(params):
        return [params[i] for i in argnums]
    return None


def _trace(f, args, argnums, names=None):
    """Evaluate f with tensors at ``argnums``; return (output, inputs, nested)."""
    args = list(args)
    depth = _DEPTH.get()
    nested = depth > 0 or any(
        type(args[i]) is Tensor and args[i].requires_grad for i in argnums)
    if names is None and active():          # label the walk-through with f's own names
        names = _parameter_names(f, argnums)
    xs = []
    for k, i in enumerate(argnums):
        x = _leaf(args[i], names[k] if names else f"x{i}")
        args[i] = x
        xs.append(x)
    token = _DEPTH.set(depth + 1)
    try:
        with silenced():
            out = f(*args)
    finally:
        _DEPTH.reset(token)
    return out, xs, nested


def _finish(g, x: Tensor, nested: bool):
    """Zero for an input the output does not depend on; ndarray unless nested."""
    if g is None:
        g = np.zeros_like(x.data)
        return Tensor(g) if nested else g
    if nested:
        return g if type(g) is Tensor else Tensor(g)
    g = _value(g)
    if not g.flags.writeable or g is x.data:
        g = np.array(g)
    return g


def _scalar_output(out, who: str):
    if type(out) is not Tensor:
        arr = np.asarray(out)
        if arr.size != 1:
            raise TypeError(f"{who} needs f to return a scalar, got shape {arr.shape}; "
                            "use jacobian() for a vector-valued function")
        return None
    if out.size != 1:
        raise TypeError(f"{who} needs f to return a scalar, got shape {out.shape}; "
                        "use jacobian() for a vector-valued function (or vjp() for one "
                        "vector-Jacobian product)")
    return out


def _gradients(out, xs, nested, who):
    """∂out/∂x for each x (out a scalar tensor or a constant)."""
    out_t = _scalar_output(out, who)
    if out_t is None or not out_t.requires_grad:
        return [_finish(None, x, nested) for x in xs]
    seed = np.ones_like(out_t.data)
    pairs = backward_pass(out_t, Tensor(seed) if nested else seed, create_graph=nested, wrt=xs)
    if not nested and active():
        from .walkthrough import record_walkthrough
        record_walkthrough(out_t, seed, wrt=xs)
    return [_finish(g, x, nested) for x, g in pairs]


def _plain(value, nested: bool):
    if nested:
        return value
    v = _value(value)
    return v[()] if isinstance(v, np.ndarray) and v.ndim == 0 else v


def value_and_grad(f: Callable, argnums: int | Sequence[int] = 0, has_aux: bool = False):
    r"""Return a function computing ``(f(*args), ∇f(*args))`` in one forward and one backward pass.

    Parameters
    ----------
    f : callable
        A scalar-valued function of arrays, written with the operations of
        :mod:`mathforml.calculus.autodiff` (``+ - * / ** @``, ``exp``, ...).
    argnums : int or tuple of int, default 0
        Which positional arguments to differentiate with respect to.
    has_aux : bool, default False
        ``f`` returns ``(value, aux)``; aux is passed through undifferentiated.

    Returns
    -------
    callable
        ``(value, g)`` — or ``((value, aux), g)`` with ``has_aux`` — where ``g``
        has the shape of the argument (a tuple when ``argnums`` is a tuple).

    Notes
    -----
    Reverse mode: one forward pass records the tape, one backward pass applies
    :math:`\bar v_i = \sum_j \bar v_j\, \partial v_j / \partial v_i` from the
    output (:math:`\bar y = 1`) back to the inputs.  Under
    :func:`mathforml.explain` the chain rule is shown node by node.

    Examples
    --------
    >>> value, g = value_and_grad(lambda w: (w * w).sum())(np.array([1.0, -2.0]))
    >>> float(value), g
    (5.0, array([ 2., -4.]))
    """
    _check_callable(f)

    @functools.wraps(f)
    def wrapper(*args):
        nums, single = _argnums(argnums, len(args))
        out, xs, nested = _trace(f, args, nums)
        aux = None
        if has_aux:
            if not (isinstance(out, tuple) and len(out) == 2):
                raise TypeError("has_aux=True needs f to return a pair (value, aux)")
            out, aux = out
        gs = _gradients(out, xs, nested, "grad")
        g = gs[0] if single else tuple(gs)
        value = _plain(out, nested)
        return ((value, aux) if has_aux else value), g

    return wrapper


def grad(f: Callable, argnums: int | Sequence[int] = 0, has_aux: bool = False):
    r"""Return the gradient function ``x ↦ ∇f(x)`` of a scalar-valued ``f``.

    Parameters
    ----------
    f : callable
        Scalar-valued function of arrays.
    argnums : int or tuple of int, default 0
        Positional argument(s) to differentiate with respect to.
    has_aux : bool, default False
        ``f`` returns ``(value, aux)``; the gradient function then returns ``(g, aux)``.

    Returns
    -------
    callable
        Gradient with the shape of the argument (ndarray), or a tuple of them.

    Raises
    ------
    TypeError
        If ``f`` returns more than one number: use :func:`jacobian`.

    Notes
    -----
    ``grad(f)(x) = ∂f/∂x`` by reverse mode.  Composable:
    ``grad(grad(f))`` is ``f''`` for scalar ``f``.

    Write ``f`` with the operations of :mod:`mathforml.calculus` (or NumPy
    ufuncs such as ``np.exp``, which dispatch to them), not with the ``math``
    module: ``math.exp(x)`` turns the tensor into a Python float, so the
    derivative through it is lost and counts as zero (as in PyTorch).

    Examples
    --------
    >>> from mathforml.calculus.autodiff import sin
    >>> df = grad(lambda x: x * sin(x))          # sin x + x cos x
    >>> bool(np.isclose(df(1.0), np.sin(1.0) + np.cos(1.0)))
    True
    >>> float(grad(grad(lambda x: x ** 4))(2.0))  # 12 x²
    48.0
    """
    _check_callable(f)
    vg = value_and_grad(f, argnums, has_aux)

    @functools.wraps(f)
    def wrapper(*args):
        value, g = vg(*args)
        if has_aux:
            return g, value[1]
        return g

    return wrapper


def vjp(f: Callable, *primals):
    r"""Evaluate ``f`` and return it with its vector–Jacobian product function.

    Returns
    -------
    out : ndarray
        ``f(*primals)``.
    vjp_fn : callable
        ``vjp_fn(u)`` returns the tuple ``(uᵀ ∂f/∂x_1, ..., uᵀ ∂f/∂x_k)``, each
        with its primal's shape.  It may be called many times (the tape is kept).

    Examples
    --------
    >>> A = np.array([[1.0, 2.0], [3.0, 4.0]])
    >>> out, back = vjp(lambda x: A @ x, np.array([1.0, 1.0]))
    >>> back(np.array([1.0, 0.0]))       # first row of A
    (array([1., 2.]),)
    """
    _check_callable(f)
    out, xs, nested = _trace(f, primals, tuple(range(len(primals))))
    out_shape = np.shape(_value(out))

    def vjp_fn(u):
        u = _value(u) if nested and type(u) is not Tensor else u
        if not nested:
            u = _as_data(_value(u))
        if np.shape(_value(u)) != out_shape:
            raise ValueError(f"cotangent has shape {np.shape(_value(u))}, f's output has shape "
                             f"{out_shape}")
        if type(out) is not Tensor or not out.requires_grad:
            return tuple(_finish(None, x, nested) for x in xs)
        seed = (u if type(u) is Tensor else Tensor(u)) if nested else np.asarray(
            u, dtype=out.dtype)
        pairs = backward_pass(out, seed, create_graph=nested, wrt=xs)
        return tuple(_finish(g, x, nested) for x, g in pairs)

    return _plain(out, nested) if nested else np.asarray(_value(out)), vjp_fn


def jacobian(f: Callable, argnums: int = 0):
    r"""Return the function ``x ↦ ∂f/∂x``, built row by row by reverse mode.

    The result has shape ``f(x).shape + x.shape``: entry ``[i, j]`` is
    ``∂f_i/∂x_j``.  Each row is one backward pass with the seed ``e_i``, on a
    tape recorded once.

    Examples
    --------
    >>> from mathforml.calculus.autodiff import sin
    >>> J = jacobian(lambda v: v[0] * v[1] + sin(v))   # [x y + sin x, x y + sin y]
    >>> np.round(J(np.array([0.0, 2.0])), 6)
    array([[ 3.      ,  0.      ],
           [ 2.      , -0.416147]])
    """
    _check_callable(f)
    if not isinstance(argnums, (int, np.integer)):
        raise TypeError("jacobian takes a single argnums (an int)")

    @functools.wraps(f)
    def wrapper(*args):
        nums, _ = _argnums(argnums, len(args))
        out, (x,), nested = _trace(f, args, nums)
        out_data = np.asarray(_value(out))
        m, shape = out_data.size, out_data.shape
        if type(out) is not Tensor or not out.requires_grad:
            J = np.zeros(shape + x.shape, dtype=x.dtype)
            return Tensor(J) if nested else J
        rows = []
        for i in range(m):
            e = np.zeros(m, dtype=out.dtype)
            e[i] = 1.0
            e = e.reshape(shape)
            (_, g), = backward_pass(out, Tensor(e) if nested else e, create_graph=nested, wrt=[x])
            rows.append(_finish(g, x, nested))
        if nested:
            J = _ops.reshape(_ops.stack(rows), shape + x.shape) if rows else Tensor(
                np.zeros(shape + x.shape, dtype=x.dtype))
        else:
            J = np.stack(rows).reshape(shape + x.shape) if rows else np.zeros(
                shape + x.shape, dtype=x.dtype)
        if not nested and active():
            step("Jacobian by reverse mode", "J[i, :] = e_iᵀ ∂f/∂x  (one backward pass per output)",
                 x=x.data, f=out_data, J=J)
        return J

    return wrapper


def hessian(f: Callable, argnums: int = 0):
    r"""Return the function ``x ↦ ∇²f(x)`` of a scalar ``f``: ``jacobian(grad(f))``.

    The result has shape ``x.shape + x.shape`` and is symmetric for smooth
    ``f``: entry ``[i, j] = ∂²f / ∂x_i ∂x_j``.

    Examples
    --------
    >>> rosenbrock = lambda v: (1 - v[0]) ** 2 + 100 * (v[1] - v[0] ** 2) ** 2
    >>> hessian(rosenbrock)(np.array([1.0, 1.0]))
    array([[ 802., -400.],
           [-400.,  200.]])
    """
    _check_callable(f)
    H = jacobian(grad(f, argnums), argnums)

    @functools.wraps(f)
    def wrapper(*args):
        with silenced():
            out = H(*args)
        if active() and type(out) is not Tensor:
            step("Hessian = Jacobian of the gradient", "H[i, j] = ∂(∇f)_i / ∂x_j", H=out)
        return out

    return wrapper


def _tangent_of(node, tangents):
    return tangents.get(id(node)) if type(node) is Tensor else None


def jvp(f: Callable, primals: Sequence, tangents: Sequence):
    r"""Forward mode: return ``(f(x), J(x) v)``, the Jacobian–vector product.

    Parameters
    ----------
    f : callable
    primals : sequence of array_like
        The point ``x`` (one entry per positional argument of ``f``).
    tangents : sequence of array_like
        The direction ``v``, one array per primal with its shape.

    Notes
    -----
    ``f`` is traced once; then the tape is swept *forwards*, each node pushing
    the tangent ``ż = Σ_k ∂z/∂x_k · ẋ_k`` through its Jacobian–vector rule
    (for elementwise operations the Jacobian is diagonal, so the same formula
    as the reverse rule applies).  No Jacobian is formed; the cost is a small
    multiple of one evaluation of ``f``, independent of the input dimension.

    Examples
    --------
    >>> A = np.array([[1.0, 2.0], [3.0, 4.0]])
    >>> out, tangent = jvp(lambda x: A @ x, (np.array([1.0, 0.0]),), (np.array([0.0, 1.0]),))
    >>> tangent        # A v, the second column
    array([2., 4.])
    """
    _check_callable(f)
    primals, tangents = tuple(primals), tuple(tangents)
    if len(primals) != len(tangents):
        raise ValueError(f"jvp got {len(primals)} primals and {len(tangents)} tangents")
    out, xs, nested = _trace(f, primals, tuple(range(len(primals))))
    tmap = {}
    for x, v in zip(xs, tangents):
        if nested and type(v) is Tensor:
            tv = v
        else:
            tv = _as_data(_value(v)).astype(x.dtype, copy=False)
            if nested:
                tv = Tensor(tv)
        if np.shape(_value(tv)) != x.shape:
            raise ValueError(f"tangent has shape {np.shape(_value(tv))}, its primal has shape "
                             f"{x.shape}")
        tmap[id(x)] = tv
    if type(out) is not Tensor or not out.requires_grad:
        zero = np.zeros(np.shape(_value(out)), dtype=np.result_type(_value(out), float))
        return _plain(out, nested), (Tensor(zero) if nested else zero)
    stop = {id(x) for x in xs}
    order = topological_order(out, stop)
    prev = _GradMode.enabled
    _GradMode.enabled = nested
    try:
        for node in order:
            if id(node) in tmap or node.op is None:
                continue
            ts = [_tangent_of(p, tmap) for p in node.parents]
            if all(t is None for t in ts):
                continue
            if nested:
                z, args = node, node.parents
            else:
                z, args = node.data, [_value(p) for p in node.parents]
            kw = node.params or {}
            dz = _ops.jvp_rule(node.op)(ts, z, *args, **kw)
            if np.shape(_value(dz)) != node.shape:
                dz = _ops.broadcast_to(dz, node.shape)
            tmap[id(node)] = dz
    finally:
        _GradMode.enabled = prev
    tangent = tmap.get(id(out))
    if tangent is None:
        tangent = np.zeros(out.shape, dtype=out.dtype)
    if nested:
        return out, (tangent if type(tangent) is Tensor else Tensor(tangent))
    tangent = np.array(_value(tangent))
    if active():
        step("Forward-mode tangent", "ż = J(x) v, pushed node by node", f=out.data, Jv=tangent)
    return _plain(out, False), tangent


def hvp(f: Callable, x, v):
    r"""Hessian–vector product ``∇²f(x) v`` without forming the Hessian.

    Forward-over-reverse: ``jvp(grad(f), (x,), (v,))``, the directional
    derivative of the gradient along ``v``; it costs a few gradient
    evaluations whatever the dimension.

    Examples
    --------
    >>> f = lambda w: (w[0] ** 2) * w[1]                 # H = [[2 w1, 2 w0], [2 w0, 0]]
    >>> hvp(f, np.array([1.0, 3.0]), np.array([1.0, 0.0]))
    array([6., 2.])
    """
    _check_callable(f)
    _, tangent = jvp(grad(f), (x,), (v,))
    return tangent


# ---------------------------------------------------------------------------
# Gradient checking
# ---------------------------------------------------------------------------
def _as_array(x) -> np.ndarray:
    return np.asarray(_value(x), dtype=np.float64)


def _directional_fd(fun, args, direction, eps):
    """(⟨fun(x + ε v)⟩ − ⟨fun(x − ε v)⟩) / 2ε with a 4-point Richardson correction."""
    def at(t):
        shifted = [a + t * d for a, d in zip(args, direction)]
        return _as_array(fun(*shifted))
    d1 = (at(eps) - at(-eps)) / (2 * eps)
    d2 = (at(2 * eps) - at(-2 * eps)) / (4 * eps)
    return (4 * d1 - d2) / 3


def check_grads(f: Callable, args: Sequence, order: int = 2, *, rtol: float = 1e-6,
                atol: float = 1e-8, eps: float = 1e-3, random_state=0) -> None:
    r"""Check reverse- and forward-mode derivatives of ``f`` against finite differences.

    For random unit directions ``v`` (in the inputs) and ``u`` (in the output)
    it compares

    * reverse mode ``⟨u, J v⟩`` from :func:`vjp` with ``⟨u, D_v f⟩`` from a
      Richardson-corrected central difference of ``f`` along ``v``;
    * forward mode ``J v`` from :func:`jvp` with the same difference;

    and, for ``order=2``, repeats both checks on the function
    ``x ↦ uᵀ ∂f/∂x`` (the reverse-mode gradient), which checks every second
    derivative rule as well.

    Parameters
    ----------
    f : callable
        Function of the arrays in ``args``, written with autodiff operations.
    args : sequence of array_like
        The point (floats; they are converted to float64).
    order : {1, 2}
    rtol, atol : float
        Tolerances for ``|ad - fd| <= atol + rtol·|fd|``.  The difference
        quotient ``(4 D(ε) - D(2ε)) / 3`` has error ``O(ε⁴)``.
    eps : float
        Finite-difference step.
    random_state : int or Generator

    Raises
    ------
    AssertionError
        Naming the order, the mode and both numbers, when a check fails.

    Examples
    --------
    >>> from mathforml.calculus.autodiff import tanh
    >>> check_grads(lambda x, W: tanh(W @ x).sum(), (np.ones(3), np.eye(3)))
    """
    from ..._validation import as_rng, check_int
    _check_callable(f)
    order = check_int(order, "order", minimum=1, maximum=2)
    rng = as_rng(random_state)
    args = tuple(_as_array(a) for a in args)
    _check(f, args, order, 1, rtol, atol, eps, rng)


def _unit(rng, shape):
    v = rng.standard_normal(shape)
    n = np.sqrt(np.sum(v * v))
    return v / n if n > 0 else v


def _check(f, args, order, level, rtol, atol, eps, rng):
    with silenced():
        out = _as_array(f(*args))
        v = [_unit(rng, a.shape) for a in args]
        u = _unit(rng, out.shape)
        fd = _directional_fd(f, args, v, eps)
        fd_u = float(np.sum(u * fd))
        # reverse mode: ⟨u, J v⟩ = Σ_k ⟨uᵀ J_k, v_k⟩
        _, back = vjp(f, *args)
        ad_rev = float(sum(np.sum(_as_array(gk) * vk) for gk, vk in zip(back(u), v)))
        _compare(ad_rev, fd_u, rtol, atol, level, "reverse mode (vjp)")
        # forward mode
        _, t = jvp(f, args, v)
        _compare(_as_array(t), fd, rtol, atol, level, "forward mode (jvp)")
    if order > 1:
        u_fixed = u

        def reverse_gradient(*xs):
            _, back2 = vjp(f, *xs)
            gs = back2(u_fixed)
            return _ops.concatenate([_ops.reshape(g, (-1,)) for g in gs]) if len(gs) > 1 else gs[0]

        _check(reverse_gradient, args, order - 1, level + 1, rtol, atol, eps, rng)


def _compare(ad, fd, rtol, atol, order, what):
    ad, fd = np.asarray(ad, dtype=float), np.asarray(fd, dtype=float)
    scale = max(float(np.max(np.abs(fd), initial=0.0)), float(np.max(np.abs(ad), initial=0.0)))
    err = np.abs(ad - fd)
    if np.any(~np.isfinite(ad)) or np.any(err > atol + rtol * scale):
        raise AssertionError(
            f"check_grads: {what} disagrees with central differences at derivative order "
            f"{order}: autodiff {np.array2string(ad, precision=12)} vs finite differences "
            f"{np.array2string(fd, precision=12)} (max error {float(np.max(err)):.3e})")
