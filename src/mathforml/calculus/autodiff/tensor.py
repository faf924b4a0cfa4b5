r"""The tape: a :class:`Tensor` type and the reverse sweep over its graph.

Every differentiable operation on a :class:`Tensor` returns a new tensor that
remembers its *operation* and its *parents*.  Together these nodes form a
directed acyclic graph, the tape.  :meth:`Tensor.backward` walks the tape in
reverse topological order and applies the chain rule

.. math::  \bar v_i = \sum_{j:\, i \in \mathrm{pa}(j)} \bar v_j \,
           \frac{\partial v_j}{\partial v_i},

where :math:`\bar v = \partial L / \partial v` is the *adjoint* of a node.  The
products :math:`\bar v_j\, \partial v_j / \partial v_i` are vector–Jacobian
products (VJPs); the rule for every operation lives in one table in
:mod:`mathforml.calculus.autodiff.ops`.

Design choices
--------------
* **Needs-gradient flag.**  A tensor built from data has ``requires_grad=False``
  unless asked; an operation on tensors none of which require a gradient
  records nothing.  During the reverse sweep a parent's VJP is evaluated only if
  that parent requires a gradient, so the gradient of an input batch ``X`` in
  ``X @ W`` (as expensive as the forward product) is never computed.
* **Iterative topological order.**  The sweep never recurses, so a chain of
  100,000 nodes is fine.
* **Accumulation.**  A node used twice receives the sum of both adjoints.
* **Higher order for free.**  The VJP rules are written with the same
  differentiable operations as the forward pass.  With ``create_graph=True`` the
  sweep runs them on tensors, so the gradient is itself a graph that can be
  differentiated again; otherwise it runs them on plain ndarrays, which is fast.
* **dtype.**  Integer and boolean data are promoted to float64; float32 stays
  float32, through the forward and the backward pass.

>>> x = Tensor(3.0, requires_grad=True)
>>> y = x * x + 2.0 * x
>>> y.backward()
>>> float(x.grad)   # dy/dx = 2x + 2
8.0
"""
from __future__ import annotations

from contextvars import ContextVar

import numpy as np

from ..._validation import _float_dtype
from ...explain import _NULL_SECTION, active

__all__ = ["Tensor", "Op", "no_grad", "check_finite_grads", "unbroadcast"]


class Op:
    """One primitive operation: its name, formula and per-input VJP rules.

    Parameters
    ----------
    name : str
        Short name ("mul", "exp").
    formula : str
        The forward formula in terms of the inputs ``x``, ``y`` ("x·y").
    partials : tuple of (str, callable)
        For each input, the VJP as text ("ḡ·y") and as a function
        ``vjp(g, z, *inputs, **params)`` returning ``ḡ·∂z/∂input`` before
        un-broadcasting (``g`` the upstream adjoint, ``z`` the output).
    elementwise : bool
        True when the local Jacobian is diagonal (the walk-through then shows
        the local derivative itself).
    """

    __slots__ = ("name", "formula", "partials", "elementwise", "vjps")

    def __init__(self, name, formula, partials, elementwise=False):
        self.name = name
        self.formula = formula
        self.partials = tuple(partials)
        self.vjps = tuple(p[1] for p in self.partials)
        self.elementwise = elementwise

    def __repr__(self):
        return f"Op({self.name!r}: {self.formula})"


def _as_data(value, dtype=None, name: str = "Tensor data") -> np.ndarray:
    """``value`` as a float ndarray by the package's dtype rules (ints -> float64, float32 kept)."""
    a = np.asarray(value, dtype=dtype)
    if a.dtype.kind == "f" and a.dtype.itemsize >= 4:
        return a
    return a.astype(_float_dtype(a.dtype, name))


_ENABLED: ContextVar[bool] = ContextVar("mathforml_grad_enabled", default=True)
_CHECK_FINITE: ContextVar[bool] = ContextVar("mathforml_check_finite_grads", default=False)


class _Modes:
    """Recording and debug switches, per thread / async context (context variables)."""

    __slots__ = ()

    @property
    def enabled(self) -> bool:
        return _ENABLED.get()

    @enabled.setter
    def enabled(self, flag: bool) -> None:
        _ENABLED.set(bool(flag))

    @property
    def check_finite(self) -> bool:
        return _CHECK_FINITE.get()

    @check_finite.setter
    def check_finite(self, flag: bool) -> None:
        _CHECK_FINITE.set(bool(flag))


_GradMode = _Modes()


class _Switch:
    """Set a context variable for the duration of a ``with`` block."""

    __slots__ = ("token",)
    var: ContextVar
    value: bool

    def __enter__(self):
        self.token = self.var.set(self.value)
        return self

    def __exit__(self, *exc):
        self.var.reset(self.token)
        return False


class no_grad(_Switch):
    """Context manager: operations inside record nothing (like ``torch.no_grad``).

    >>> w = Tensor([1.0, 2.0], requires_grad=True)
    >>> with no_grad():
    ...     v = w * 2.0
    >>> v.requires_grad
    False
    """

    __slots__ = ()
    var, value = _ENABLED, False


class check_finite_grads(_Switch):
    """Debug mode: raise as soon as a forward value or an adjoint is not finite.

    Inside the block, every operation checks its output and the reverse sweep
    checks every VJP it computes; the :class:`FloatingPointError` names the
    operation, so a NaN is traced to where it was born instead of to the loss.
    Off by default (the check costs a pass over each array).

    >>> from mathforml.calculus.autodiff import sqrt
    >>> x = Tensor(0.0, requires_grad=True)
    >>> with check_finite_grads():
    ...     y = sqrt(x)            # forward value 0 is fine
    ...     y.backward()           # d sqrt(x)/dx = 1/(2 sqrt x) is infinite at 0
    Traceback (most recent call last):
    ...
    FloatingPointError: non-finite gradient in the backward pass of 'sqrt' (z = sqrt(x)) with respect to input 0 ...
    """

    __slots__ = ()
    var, value = _CHECK_FINITE, True


def _finite_or_raise(value, what: str) -> None:
    a = value.data if type(value) is Tensor else np.asarray(value)
    if not np.all(np.isfinite(a)):
        bad = int(a.size - np.count_nonzero(np.isfinite(a)))
        raise FloatingPointError(f"{what} ({bad} non-finite of {a.size} entries)")


class Tensor:
    """An ndarray that records the operations applied to it, for reverse-mode autodiff.

    Parameters
    ----------
    data : array_like
        The value.  Integers and booleans become float64; float32 stays float32.
    requires_grad : bool, default False
        Whether gradients with respect to this tensor are wanted.  Operations on
        tensors none of which require a gradient are not recorded.
    name : str, optional
        A label used by the chain-rule walk-through and by error messages.

    Attributes
    ----------
    data : ndarray
        The value.
    grad : ndarray or Tensor or None
        After :meth:`backward`, the gradient ``∂L/∂self`` of a leaf tensor
        (accumulated over calls, like PyTorch; reset with :meth:`zero_grad`).
    op : Op or None
        The operation that produced this tensor (None for a leaf).
    parents : tuple
        The inputs of ``op``: tensors, or constants (ndarrays / numbers).

    Notes
    -----
    NumPy functions dispatch to the engine: ``np.exp(t)`` and ``np.sum(t)``
    return tensors.  An operation the engine has no rule for raises
    :class:`TypeError` naming it, rather than silently dropping the gradient.
    Comparisons (``t > 0``) return plain boolean arrays: they are constants for
    differentiation.

    Examples
    --------
    >>> W = Tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    >>> x = np.array([1.0, -1.0])
    >>> loss = ((W @ x) ** 2).sum()          # (W x) = [-1, -1]
    >>> loss.backward()
    >>> W.grad                               # 2 (W x) x^T
    array([[-2.,  2.],
           [-2.,  2.]])
    """

    __slots__ = ("data", "grad", "requires_grad", "op", "parents", "params", "name", "__weakref__")
    __array_priority__ = 1000.0

    def __init__(self, data, requires_grad: bool = False, name: str | None = None, *,
                 dtype=None):
        if type(data) is Tensor:
            data = data.data
        self.data = _as_data(data, dtype)
        self.grad = None
        self.requires_grad = bool(requires_grad)
        self.op = None
        self.parents = ()
        self.params = None
        self.name = name

    # -- basic properties ---------------------------------------------------
    @property
    def shape(self) -> tuple:
        return self.data.shape

    @property
    def ndim(self) -> int:
        return self.data.ndim

    @property
    def size(self) -> int:
        return self.data.size

    @property
    def dtype(self):
        return self.data.dtype

    @property
    def is_leaf(self) -> bool:
        """True for tensors made from data (not by an operation)."""
        return self.op is None

    def __len__(self):
        return len(self.data)

    def __repr__(self):
        body = np.array2string(self.data, separator=", ", prefix="Tensor(")
        extra = ", requires_grad=True" if self.requires_grad else ""
        if self.op is not None:
            extra += f", op={self.op.name}"
        return f"Tensor({body}{extra})"

    def numpy(self) -> np.ndarray:
        """The value as an ndarray (shared, not copied)."""
        return self.data

    def item(self) -> float:
        """The value of a one-element tensor as a Python float."""
        return self.data.item()

    def __float__(self):
        return float(self.data)

    def __int__(self):
        return int(self.data)

    def __bool__(self):
        return bool(self.data)

    def __hash__(self):
        return id(self)

    def detach(self) -> "Tensor":
        """A new leaf with the same value that records nothing."""
        return Tensor(self.data)

    def requires_grad_(self, flag: bool = True) -> "Tensor":
        """Set :attr:`requires_grad` on a leaf in place and return it."""
        if self.op is not None and not flag:
            raise ValueError("requires_grad can only be switched off on a leaf; use detach()")
        self.requires_grad = bool(flag)
        return self

    def zero_grad(self) -> None:
        """Forget the accumulated gradient."""
        self.grad = None

    # comparisons are constants for differentiation: they return plain arrays
    def __lt__(self, other):
        return self.data < _value(other)

    def __le__(self, other):
        return self.data <= _value(other)

    def __gt__(self, other):
        return self.data > _value(other)

    def __ge__(self, other):
        return self.data >= _value(other)

    def __eq__(self, other):
        return self.data == _value(other)

    def __ne__(self, other):
        return self.data != _value(other)

    # -- reverse mode ---------------------------------------------------------
    def backward(self, gradient=None, *, create_graph: bool = False) -> None:
        """Accumulate ``∂self/∂leaf`` into ``leaf.grad`` for every leaf that requires it.

        Parameters
        ----------
        gradient : array_like, optional
            The upstream adjoint ``ḡ`` (same shape as ``self``).  Required
            unless ``self`` has a single element (then ``ḡ = 1``).
        create_graph : bool, default False
            Record the backward pass itself, so that the gradients are tensors
            that can be differentiated again (higher-order derivatives).

        Notes
        -----
        Like PyTorch, gradients accumulate: call :meth:`zero_grad` (or set
        ``grad = None``) between steps.  Under :func:`mathforml.explain` the
        chain rule is rendered node by node from the tape.
        """
        if not self.requires_grad:
            raise RuntimeError(
                "backward() on a tensor that does not require a gradient: no input of its "
                "computation was created with requires_grad=True")
        if gradient is None:
            if self.data.size != 1:
                raise TypeError(
                    f"backward() without a gradient needs a scalar output, got shape {self.shape}; "
                    "pass gradient= (a vector-Jacobian product) or use jacobian()")
            seed = np.ones_like(self.data)
        else:
            seed = _as_data(_value(gradient)).astype(self.data.dtype, copy=False)
            if seed.shape != self.shape:
                raise ValueError(f"gradient has shape {seed.shape}, the tensor has shape {self.shape}")
        if create_graph:
            seed = Tensor(seed)
        grads = backward_pass(self, seed, create_graph=create_graph)
        handed_out = set()
        for leaf, g in grads:
            if leaf.op is None:
                if type(g) is not Tensor:
                    # each leaf gets its own writable array (rules may share or broadcast one)
                    if not g.flags.writeable or id(g) in handed_out or g is seed:
                        g = np.array(g)
                    handed_out.add(id(g))
                leaf.grad = g if leaf.grad is None else leaf.grad + g
        if active():
            from .walkthrough import record_walkthrough
            record_walkthrough(self, seed.data if type(seed) is Tensor else seed)


def _value(x):
    return x.data if type(x) is Tensor else x


def _shape(x) -> tuple:
    return x.shape if hasattr(x, "shape") else ()


# ---------------------------------------------------------------------------
# Graph construction
# ---------------------------------------------------------------------------
def make(data, op: Op, parents: tuple, params=None) -> Tensor:
    """Wrap the result of ``op`` applied to ``parents`` as a tensor, recording it if needed."""
    t = Tensor.__new__(Tensor)
    t.data = data
    t.grad = None
    t.name = None
    t.params = params
    if type(data) is not np.ndarray:
        t.data = data = np.asarray(data)       # 0-d results of ufuncs are numpy scalars
    if _CHECK_FINITE.get():
        _finite_or_raise(data, f"non-finite value in the forward pass of {op.name!r} "
                               f"(z = {op.formula})")
    if _ENABLED.get():
        for p in parents:
            if type(p) is Tensor and p.requires_grad:
                t.requires_grad = True
                t.op = op
                t.parents = parents
                return t
    t.requires_grad = False
    t.op = None
    t.parents = ()
    return t


def unbroadcast(g, shape: tuple):
    """Sum the adjoint ``g`` over the axes along which an input of ``shape`` was broadcast.

    Broadcasting copies an input along new leading axes and along axes of
    length 1; the adjoint of a copy is the sum of the adjoints of the copies.

    >>> unbroadcast(np.ones((4, 3)), (3,))
    array([4., 4., 4.])
    >>> unbroadcast(np.ones((4, 3)), (4, 1))
    array([[3.],
           [3.],
           [3.],
           [3.]])
    """
    gshape = _shape(g)
    if gshape == shape:
        return g
    lead = len(gshape) - len(shape)
    axes = tuple(range(lead)) + tuple(
        i + lead for i, n in enumerate(shape) if n == 1 and gshape[i + lead] != 1)
    if type(g) is Tensor:
        from .ops import sum as _sum, reshape
        if axes:
            g = _sum(g, axis=axes)
        return g if g.shape == shape else reshape(g, shape)
    if axes:
        g = np.add.reduce(g, axis=axes)
    return g if g.shape == shape else g.reshape(shape)


# ---------------------------------------------------------------------------
# The reverse sweep
# ---------------------------------------------------------------------------
def topological_order(root: Tensor, stop=None) -> list:
    """Nodes reachable from ``root`` that require a gradient, parents before children.

    Iterative depth-first search (no recursion).  Nodes in ``stop`` (a set of
    ids) are treated as leaves: the sweep does not look past them.
    """
    order: list = []
    seen: set = set()
    stack = [(root, False)]
    push = stack.append
    pop = stack.pop
    while stack:
        node, expanded = pop()
        if expanded:
            order.append(node)
            continue
        i = id(node)
        if i in seen:
            continue
        seen.add(i)
        push((node, True))
        if stop is not None and i in stop:
            continue
        for p in node.parents:
            if type(p) is Tensor and p.requires_grad and id(p) not in seen:
                push((p, False))
    return order


def backward_pass(root: Tensor, seed, *, create_graph: bool = False, wrt=None) -> list:
    """Propagate the adjoint ``seed`` of ``root`` to every node; return ``[(node, ∂/∂node)]``.

    Only leaves (or, when ``wrt`` is given, the tensors in ``wrt``) are
    returned.  With ``create_graph`` the rules run on tensors and the returned
    adjoints are differentiable tensors; otherwise they run on ndarrays.
    """
    stop = None if wrt is None else {id(t) for t in wrt}
    order = topological_order(root, stop)
    grads = {id(root): seed}
    out = []
    check = _CHECK_FINITE.get()
    mode = _ENABLED.set(bool(create_graph))      # the sweep records only to build a graph
    quiet = np.errstate(all="ignore") if check else _NULL_SECTION
    try:
        quiet.__enter__()
        for node in reversed(order):
            g = grads.pop(id(node), None)
            if g is None:
                continue
            if node.op is None or (stop is not None and id(node) in stop):
                out.append((node, g))
                continue
            parents = node.parents
            if create_graph:
                z = node
                args = parents
            else:
                z = node.data
                args = [p.data if type(p) is Tensor else p for p in parents]
            kw = node.params
            vjps = node.op.vjps
            for k, p in enumerate(parents):
                if type(p) is not Tensor or not p.requires_grad:
                    continue
                gk = vjps[k](g, z, *args, **kw) if kw else vjps[k](g, z, *args)
                pdata = p.data
                if _shape(gk) != pdata.shape:
                    gk = unbroadcast(gk, pdata.shape)
                if not create_graph and gk.dtype != pdata.dtype:
                    gk = gk.astype(pdata.dtype)    # an adjoint has its variable's dtype
                if check:
                    _finite_or_raise(gk, f"non-finite gradient in the backward pass of "
                                         f"{node.op.name!r} (z = {node.op.formula}) with respect "
                                         f"to input {k}")
                pid = id(p)
                prev = grads.get(pid)
                grads[pid] = gk if prev is None else prev + gk
    finally:
        quiet.__exit__(None, None, None)
        _ENABLED.reset(mode)
    if wrt is not None:
        found = {id(n): g for n, g in out}
        return [(t, found.get(id(t))) for t in wrt]
    return out
