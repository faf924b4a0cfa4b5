r"""The result every optimiser returns, and the per-iteration history behind it.

:class:`OptimizeResult` follows ``scipy.optimize.OptimizeResult`` (a dict with
attribute access and the same field names), plus ``history``: one row per
iterate — x, f(x), the gradient norm and the step length — for plotting a
convergence curve or a path over a contour plot.

>>> h = History()
>>> h.append([7.0], 16.0, 8.0, 0.0)
>>> h.append([6.2], 10.24, 6.4, 0.8)
>>> h.f
array([16.  , 10.24])
>>> h.x.shape
(2, 1)
>>> r = OptimizeResult(x=np.array([3.0]), fun=0.0, success=True, history=h)
>>> r.x, r["fun"], len(r.history)
(array([3.]), 0.0, 2)
"""
from __future__ import annotations

import numpy as np

__all__ = ["OptimizeResult", "History"]


class History:
    """Iterates of an optimisation run, one row per iteration (row 0 is x0).

    Attributes (read as arrays)
    ---------------------------
    x : ndarray, shape (n_iterates, n)
        The iterates :math:`x_0, x_1, \\dots`.
    f : ndarray, shape (n_iterates,)
        :math:`f(x_k)`.
    grad_norm : ndarray, shape (n_iterates,)
        :math:`\\lVert \\nabla f(x_k) \\rVert_2` (NaN for derivative-free methods).
    step : ndarray, shape (n_iterates,)
        :math:`\\lVert x_k - x_{k-1} \\rVert_2` (0 for row 0).
    extra : dict of lists
        Method-specific columns (learning rate, temperature, accepted, ...).

    Only the first ``max_rows`` rows are kept when ``max_rows`` is set, so long
    runs stay cheap; ``len`` counts every appended row.
    """

    __slots__ = ("_x", "_f", "_g", "_s", "extra", "max_rows", "_count")

    def __init__(self, max_rows: int | None = None):
        self._x: list = []
        self._f: list = []
        self._g: list = []
        self._s: list = []
        self.extra: dict = {}
        self.max_rows = max_rows
        self._count = 0

    def append(self, x, f, grad_norm=np.nan, step=np.nan, **extra) -> None:
        """Add one row; ``x`` is copied."""
        self._count += 1
        if self.max_rows is not None and len(self._f) >= self.max_rows:
            return
        self._x.append(np.array(x, dtype=float, copy=True).ravel())
        self._f.append(float(f))
        self._g.append(float(grad_norm))
        self._s.append(float(step))
        for key, value in extra.items():
            self.extra.setdefault(key, []).append(value)

    def __len__(self) -> int:
        return self._count

    @property
    def x(self) -> np.ndarray:
        return np.array(self._x) if self._x else np.empty((0, 0))

    @property
    def f(self) -> np.ndarray:
        return np.array(self._f, dtype=float)

    @property
    def grad_norm(self) -> np.ndarray:
        return np.array(self._g, dtype=float)

    @property
    def step(self) -> np.ndarray:
        return np.array(self._s, dtype=float)

    def __repr__(self) -> str:
        return f"History({self._count} rows)"


class OptimizeResult(dict):
    """The outcome of a minimisation, a dict whose keys are also attributes.

    Fields
    ------
    x : ndarray
        The solution found.
    fun : float
        :math:`f(x)`.
    jac : ndarray or None
        :math:`\\nabla f(x)` (None for derivative-free methods).
    nit, nfev, njev, nhev : int
        Iterations and evaluations of f, its gradient and its Hessian.
    success : bool
        Whether the stopping test was met.
    status : int
        0 converged, 1 iteration limit, 2 diverged / line search failed, 3 other.
    message : str
        Why it stopped, in words (a failure suggests what to try).
    history : History
        Per-iteration x, f, gradient norm and step.
    """

    def __getattr__(self, name):
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None

    def __setattr__(self, name, value):
        self[name] = value

    def __delattr__(self, name):
        del self[name]

    def __dir__(self):
        return list(self.keys())

    def __repr__(self) -> str:
        if not self:
            return "OptimizeResult()"
        order = ["message", "success", "status", "fun", "x", "nit", "nfev", "njev", "nhev", "jac"]
        keys = [k for k in order if k in self] + sorted(k for k in self if k not in order)
        width = max(len(k) for k in keys)
        lines = []
        for k in keys:
            v = self[k]
            text = np.array2string(v, precision=6) if isinstance(v, np.ndarray) else repr(v)
            lines.append(f"{k.rjust(width)}: {text}")
        return "\n".join(lines)
