r"""One wrapper around the user's objective, shared by every optimiser.

:class:`Objective` turns ``fun`` (and optional ``jac`` / ``hess``) into the
calls optimisers make — f(x), ∇f(x), ∇²f(x), ∇²f(x)·p — counting each
evaluation (nfev, njev, nhev) and taking derivatives from our reverse-mode
autodiff when the user gives none.

``jac`` may be

* ``None`` — gradients by :func:`mathforml.calculus.value_and_grad` (``fun``
  must be written with NumPy ufuncs / ``@`` so it runs on autodiff tensors);
* ``True`` — ``fun`` returns the pair ``(f, gradient)``;
* a callable ``jac(x, *args)``;
* ``"2-point"`` / ``"3-point"`` — finite differences (forward / central).

>>> obj = Objective(lambda x: ((x - 3.0) ** 2).sum(), [7.0])
>>> obj.x0
array([7.])
>>> f, g = obj.value_and_grad(obj.x0)
>>> f, g, obj.nfev, obj.njev
(16.0, array([8.]), 1, 1)
>>> obj.hess(obj.x0)
array([[2.]])
"""
from __future__ import annotations

import numpy as np

from .._validation import check_option

__all__ = ["Objective", "start"]

_FD = ("2-point", "3-point")


def _as_x0(x0) -> np.ndarray:
    arr = np.asarray(x0)
    if arr.dtype == object or arr.dtype.kind not in "biuf":
        if arr.dtype.kind == "c":
            raise TypeError("x0 has complex dtype; complex input is not supported")
        raise TypeError(f"x0 must be numeric, got {x0!r}")
    arr = np.array(arr, dtype=np.float64).ravel()
    if arr.size == 0:
        raise ValueError("x0 must not be empty")
    if not np.isfinite(arr).all():
        raise ValueError(f"x0 must be finite, got {arr}")
    return arr


class Objective:
    """``fun`` with its derivatives, evaluation counters and argument handling.

    Parameters
    ----------
    fun : callable
        ``fun(x, *args) -> float`` with ``x`` a 1-D array (``x0`` is flattened,
        as in SciPy).
    x0 : array_like
        The starting point; must be finite.
    jac : None, True, callable or {"2-point", "3-point"}
        Where gradients come from (see the module docstring).
    hess : None or callable
        ``hess(x, *args) -> (n, n)``; None uses autodiff.
    args : tuple
        Extra positional arguments for ``fun``, ``jac`` and ``hess``.
    check : bool, default True
        Raise ``ValueError`` when f(x0) (or, on first use, the gradient at x0)
        is not finite.
    """

    def __init__(self, fun, x0, jac=None, hess=None, args=(), *, check: bool = True):
        if not callable(fun):
            raise TypeError(f"fun must be callable, got {type(fun).__name__}")
        if not (jac is None or jac is True or callable(jac) or jac in _FD):
            raise ValueError("jac must be None, True, a callable or one of "
                             f"{', '.join(map(repr, _FD))}; got {jac!r}")
        if hess is not None and not callable(hess):
            raise TypeError(f"hess must be callable or None, got {type(hess).__name__}")
        self.fun = fun
        self.jac = jac
        self.hess_fn = hess
        self.args = tuple(args)
        self.x0 = _as_x0(x0)
        self.n = self.x0.size
        self.nfev = 0
        self.njev = 0
        self.nhev = 0
        self._check = check
        self._grad_checked = not check
        self._ad = None

    # -- helpers ---------------------------------------------------------
    def _call(self, x):
        out = self.fun(x, *self.args)
        if self.jac is True:
            if not (isinstance(out, tuple) and len(out) == 2):
                raise TypeError("jac=True needs fun to return the pair (f, gradient)")
            return out
        return out, None

    @staticmethod
    def _float(value) -> float:
        if type(value) is float:                # the common case, free
            return value
        try:
            return float(np.asarray(value).reshape(()))
        except (TypeError, ValueError):
            raise ValueError("fun must return a scalar, got shape "
                             f"{np.shape(value)}") from None

    def _gradient_array(self, g) -> np.ndarray:
        if (self._grad_checked and type(g) is np.ndarray and g.dtype == np.float64
                and g.shape == (self.n,)):
            return g                            # hot path: already a float64 vector
        g = np.asarray(g, dtype=np.float64).reshape(-1)
        if g.size != self.n:
            raise ValueError(f"the gradient has {g.size} entries but x has {self.n}")
        if not self._grad_checked:
            self._grad_checked = True
            if not np.isfinite(g).all():
                raise ValueError(f"the gradient at the starting point is not finite: {g}")
        return g

    def check_start(self) -> float:
        """Evaluate f(x0), raising ``ValueError`` when it is not finite."""
        f0 = self.value(self.x0)
        if not np.isfinite(f0):
            raise ValueError(f"f(x0) is not finite: f({self.x0}) = {f0}; start somewhere "
                             "the objective is defined")
        return f0

    # -- the calls optimisers make ----------------------------------------
    def value(self, x) -> float:
        """f(x) (counts one function evaluation)."""
        self.nfev += 1
        f, _ = self._call(x)
        return self._float(f)

    def value_and_grad(self, x):
        """``(f(x), ∇f(x))``; with autodiff, one forward and one backward pass."""
        jac = self.jac
        if jac is None:
            if self._ad is None:
                from ..calculus import value_and_grad
                self._ad = value_and_grad(lambda v: self.fun(v, *self.args))
            self.nfev += 1
            self.njev += 1
            f, g = self._ad(np.asarray(x, dtype=np.float64))
            return self._float(f), self._gradient_array(g)
        if jac is True:
            self.nfev += 1
            self.njev += 1
            f, g = self._call(x)
            return self._float(f), self._gradient_array(g)
        f = self.value(x)
        return f, self._grad_only(x, f)

    def grad(self, x) -> np.ndarray:
        """∇f(x)."""
        if self.jac is None or self.jac is True:
            return self.value_and_grad(x)[1]
        return self._grad_only(x, None)

    def _grad_only(self, x, f):
        if callable(self.jac):
            self.njev += 1
            return self._gradient_array(self.jac(x, *self.args))
        # finite differences (nfev counted per evaluation, as SciPy does)
        x = np.asarray(x, dtype=np.float64)
        if f is None:
            f = self.value(x)
        h_scale = np.maximum(1.0, np.abs(x))
        g = np.empty(self.n)
        if self.jac == "2-point":
            h = np.sqrt(np.finfo(float).eps) * h_scale
            for i in range(self.n):
                xp = x.copy()
                xp[i] += h[i]
                g[i] = (self.value(xp) - f) / (xp[i] - x[i])
        else:
            h = np.finfo(float).eps ** (1 / 3) * h_scale
            for i in range(self.n):
                xp = x.copy()
                xm = x.copy()
                xp[i] += h[i]
                xm[i] -= h[i]
                g[i] = (self.value(xp) - self.value(xm)) / (xp[i] - xm[i])
        return self._gradient_array(g)

    def hess(self, x) -> np.ndarray:
        """∇²f(x), an (n, n) array (from ``hess`` or autodiff)."""
        self.nhev += 1
        if self.hess_fn is not None:
            H = np.asarray(self.hess_fn(x, *self.args), dtype=np.float64)
        else:
            from ..calculus import hessian
            H = np.asarray(hessian(lambda v: self.fun(v, *self.args))(
                np.asarray(x, dtype=np.float64)), dtype=np.float64)
        H = H.reshape(self.n, self.n) if H.size == self.n * self.n else H
        if H.shape != (self.n, self.n):
            raise ValueError(f"the Hessian must have shape ({self.n}, {self.n}), got {H.shape}")
        return H

    def hessp(self, x, p) -> np.ndarray:
        """The Hessian-vector product ∇²f(x) p (forward-over-reverse autodiff)."""
        self.nhev += 1
        if self.hess_fn is not None:
            return np.asarray(self.hess_fn(x, *self.args), dtype=np.float64) @ p
        from ..calculus import hvp
        return np.asarray(hvp(lambda v: self.fun(v, *self.args),
                              np.asarray(x, dtype=np.float64), np.asarray(p, dtype=np.float64)),
                          dtype=np.float64).reshape(-1)

    def counts(self) -> dict:
        """``{"nfev": ..., "njev": ..., "nhev": ...}`` for the result."""
        return {"nfev": self.nfev, "njev": self.njev, "nhev": self.nhev}


def start(fun, x0, jac=None, hess=None, args=()):
    """The objective and its first evaluation: ``(obj, x0 copy, f(x0), gradient at x0)``.

    Raises ``ValueError`` when f(x0) or the gradient there is not finite (every
    gradient-based method starts this way).  The evaluation is not explained.
    """
    from ..explain import silenced
    obj = Objective(fun, x0, jac, hess, args, check=False)
    x = obj.x0.copy()
    with silenced():
        f, g = obj.value_and_grad(x)
    if not np.isfinite(f):
        raise ValueError(f"f(x0) is not finite: f({obj.x0}) = {f}; start somewhere the "
                         "objective is defined")
    if not np.isfinite(g).all():
        raise ValueError(f"the gradient at x0 is not finite: {g}")
    return obj, x, f, g


def method_name(method, valid) -> str:
    """Normalise a method name (case-insensitive, ``-`` or ``_``) and validate it."""
    if not isinstance(method, str):
        raise TypeError(f"method must be a string, got {method!r}")
    key = method.lower().replace("_", "-")
    return check_option(key, "method", tuple(valid))
