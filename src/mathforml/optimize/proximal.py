r"""Penalties and proximal gradient methods (ISTA, FISTA) for composite objectives.

Many ML losses have the form :math:`F(x) = f(x) + g(x)` with :math:`f` smooth
(a data fit such as :math:`\tfrac{1}{2n}\lVert y - Xw\rVert^2`) and :math:`g`
convex but possibly non-differentiable (an L1 penalty).  Gradient descent
cannot step through the kink of :math:`|x|` at 0; the *proximal* step handles
:math:`g` exactly:

.. math::

    x_{k+1} = \operatorname{prox}_{t g}\bigl(x_k - t \nabla f(x_k)\bigr), \qquad
    \operatorname{prox}_{t g}(v) = \arg\min_x \; g(x) + \tfrac{1}{2t}\lVert x - v\rVert^2 .

For the L1 penalty the proximal map is soft-thresholding,
:math:`\operatorname{sign}(v)\max(|v| - t\alpha, 0)`, which sets small
coordinates exactly to zero — the reason the lasso gives sparse models.

* :class:`L1`, :class:`L2`, :class:`ElasticNet` — penalties with ``value``,
  ``gradient`` (a subgradient for L1) and ``prox``;
* :func:`proximal_gradient` — ISTA (:math:`O(1/k)`) or FISTA (Nesterov's
  acceleration, :math:`O(1/k^2)`), with a fixed step or backtracking on the
  Lipschitz constant;
* :func:`ista`, :func:`fista` — the two named variants;
* :func:`lasso_fista` — the lasso (scikit-learn's objective) by FISTA.

>>> L1(0.5).prox(np.array([2.0, -0.3, 0.7]), 1.0)
array([ 1.5, -0. ,  0.2])
"""
from __future__ import annotations

import warnings

import numpy as np

from .._validation import as_float_array, check_int, check_real
from ..exceptions import ConvergenceWarning
from ..explain import active, section
from ..explain import step as record
from ._objective import Objective
from ._result import History, OptimizeResult

_EPS = float(np.finfo(float).eps)

__all__ = ["Penalty", "L1", "L2", "ElasticNet", "soft_threshold", "proximal_gradient", "ista",
           "fista", "lasso_fista"]


def soft_threshold(v, threshold):
    r"""The soft-thresholding operator :math:`S_\tau(v) = \operatorname{sign}(v)\max(|v| - \tau, 0)`.

    It is the proximal map of :math:`\tau\lVert\cdot\rVert_1`: it shrinks every
    entry toward zero by :math:`\tau` and sets those within :math:`\tau` of
    zero exactly to zero.

    >>> soft_threshold(np.array([3.0, -0.5, -2.0]), 1.0)
    array([ 2., -0.,  -1.])
    """
    v = np.asarray(v, dtype=float)
    return np.sign(v) * np.maximum(np.abs(v) - threshold, 0.0)


class Penalty:
    """A convex regulariser :math:`g(x)` with its value, (sub)gradient and proximal map."""

    def value(self, x) -> float:  # pragma: no cover - abstract
        raise NotImplementedError

    def gradient(self, x):  # pragma: no cover - abstract
        raise NotImplementedError

    def prox(self, v, t):  # pragma: no cover - abstract
        raise NotImplementedError

    def __call__(self, x) -> float:
        return self.value(x)


class L1(Penalty):
    r"""The lasso penalty :math:`g(x) = \alpha\lVert x\rVert_1 = \alpha\sum_i |x_i|`.

    Parameters
    ----------
    alpha : float
        Strength, ``>= 0``.

    Notes
    -----
    * subgradient: :math:`\alpha\,\operatorname{sign}(x)` (0 is chosen at
      :math:`x_i = 0`, where any value in :math:`[-\alpha, \alpha]` is valid);
    * proximal map: :math:`\operatorname{prox}_{tg}(v) = S_{t\alpha}(v)`
      (:func:`soft_threshold`).

    Examples
    --------
    >>> g = L1(0.1)
    >>> round(g.value(np.array([1.0, -2.0])), 12)
    0.3
    >>> g.gradient(np.array([1.0, -2.0, 0.0]))
    array([ 0.1, -0.1,  0. ])
    """

    def __init__(self, alpha: float = 1.0):
        self.alpha = check_real(alpha, "alpha", nonnegative=True)

    def value(self, x) -> float:
        return self.alpha * float(np.abs(x).sum())

    def gradient(self, x):
        return self.alpha * np.sign(x)

    def prox(self, v, t):
        return soft_threshold(v, t * self.alpha)

    def __repr__(self):
        return f"L1(alpha={self.alpha:g})"


class L2(Penalty):
    r"""The ridge penalty :math:`g(x) = \tfrac{\alpha}{2}\lVert x\rVert_2^2`.

    Notes
    -----
    gradient :math:`\alpha x`; proximal map :math:`v / (1 + t\alpha)` (a
    uniform shrink, never exactly zero).

    Examples
    --------
    >>> g = L2(2.0)
    >>> g.value(np.array([1.0, 2.0])), g.prox(np.array([3.0]), 1.0)
    (5.0, array([1.]))
    """

    def __init__(self, alpha: float = 1.0):
        self.alpha = check_real(alpha, "alpha", nonnegative=True)

    def value(self, x) -> float:
        x = np.asarray(x, dtype=float)
        return 0.5 * self.alpha * float(x @ x) if x.ndim == 1 else 0.5 * self.alpha * float((x * x).sum())

    def gradient(self, x):
        return self.alpha * np.asarray(x, dtype=float)

    def prox(self, v, t):
        return np.asarray(v, dtype=float) / (1.0 + t * self.alpha)

    def __repr__(self):
        return f"L2(alpha={self.alpha:g})"


class ElasticNet(Penalty):
    r"""The elastic net :math:`g(x) = \alpha\bigl(\rho\lVert x\rVert_1 + \tfrac{1-\rho}{2}\lVert x\rVert_2^2\bigr)`.

    scikit-learn's convention (``alpha``, ``l1_ratio`` = :math:`\rho`).

    Notes
    -----
    subgradient :math:`\alpha\rho\operatorname{sign}(x) + \alpha(1-\rho)x`;
    proximal map :math:`S_{t\alpha\rho}(v) / (1 + t\alpha(1-\rho))` — soft-threshold,
    then shrink.

    Examples
    --------
    >>> g = ElasticNet(alpha=1.0, l1_ratio=0.5)
    >>> g.value(np.array([2.0])), g.prox(np.array([2.0]), 1.0)
    (2.0, array([1.]))
    """

    def __init__(self, alpha: float = 1.0, l1_ratio: float = 0.5):
        self.alpha = check_real(alpha, "alpha", nonnegative=True)
        self.l1_ratio = check_real(l1_ratio, "l1_ratio")
        if not 0.0 <= self.l1_ratio <= 1.0:
            raise ValueError(f"l1_ratio must be in [0, 1], got {self.l1_ratio}")

    def value(self, x) -> float:
        x = np.asarray(x, dtype=float)
        a, r = self.alpha, self.l1_ratio
        return a * (r * float(np.abs(x).sum()) + 0.5 * (1 - r) * float((x * x).sum()))

    def gradient(self, x):
        x = np.asarray(x, dtype=float)
        return self.alpha * (self.l1_ratio * np.sign(x) + (1 - self.l1_ratio) * x)

    def prox(self, v, t):
        a, r = self.alpha, self.l1_ratio
        return soft_threshold(v, t * a * r) / (1.0 + t * a * (1 - r))

    def __repr__(self):
        return f"ElasticNet(alpha={self.alpha:g}, l1_ratio={self.l1_ratio:g})"


def proximal_gradient(fun, penalty: Penalty, x0, *, jac=None, args=(), step=None,
                      accelerated: bool = True, restart: bool = True, maxiter: int = 10_000,
                      tol: float = 1e-10, backtrack: float = 0.5,
                      callback=None) -> OptimizeResult:
    r"""Minimise :math:`f(x) + g(x)` by proximal gradient steps (ISTA, or FISTA when accelerated).

    Parameters
    ----------
    fun : callable
        The smooth part :math:`f(x, *args)`; its gradient comes from ``jac``
        (None: autodiff; True: ``fun`` returns ``(f, g)``; or a callable).
    penalty : Penalty
        The non-smooth part :math:`g` (:class:`L1`, :class:`L2`,
        :class:`ElasticNet` or any object with ``value`` and ``prox``).
    x0 : array_like
        Starting point.
    step : float, optional
        Fixed step :math:`t \le 1/L` (:math:`L` the Lipschitz constant of
        :math:`\nabla f`).  None: backtracking from :math:`t = 1`, shrinking by
        ``backtrack`` until :math:`f(x^+) \le f(y) + \nabla f(y)^T(x^+ - y) +
        \tfrac{1}{2t}\lVert x^+ - y\rVert^2`.
    accelerated : bool, default True
        FISTA (Beck & Teboulle's momentum :math:`t_{k+1} = (1 + \sqrt{1 + 4t_k^2})/2`,
        :math:`y = x_k + \frac{t_k - 1}{t_{k+1}}(x_k - x_{k-1})`); False is ISTA.
    restart : bool, default True
        FISTA only: reset the momentum when it points uphill,
        :math:`(y_k - x_{k+1})^T(x_{k+1} - x_k) > 0` (O'Donoghue & Candès's
        gradient restart), which keeps FISTA's speed on strongly convex problems
        where plain momentum oscillates.
    maxiter : int
        Iteration limit (then a :class:`ConvergenceWarning`).
    tol : float
        Stop when :math:`\lVert x_{k+1} - x_k\rVert_\infty \le tol\,\max(1, \lVert x_{k+1}\rVert_\infty)`.
    callback : callable, optional
        ``callback(xk)``; a truthy return stops.

    Returns
    -------
    OptimizeResult
        ``fun`` is :math:`f(x) + g(x)`; ``history`` records it per iteration.

    Notes
    -----
    ISTA: :math:`x_{k+1} = \operatorname{prox}_{t g}(x_k - t\nabla f(x_k))`, error
    :math:`O(1/k)`.  FISTA evaluates the gradient at the extrapolated point
    :math:`y_k` instead, error :math:`O(1/k^2)`.

    References
    ----------
    A. Beck and M. Teboulle, "A fast iterative shrinkage-thresholding algorithm
    for linear inverse problems", SIAM J. Imaging Sciences 2(1), 2009.
    B. O'Donoghue and E. Candès, "Adaptive restart for accelerated gradient
    schemes", Found. Comput. Math. 15, 2015.

    Examples
    --------
    Minimise :math:`\tfrac12(x - 3)^2 + |x|`: the answer is :math:`x = 2`.

    >>> res = proximal_gradient(lambda x: 0.5 * ((x - 3.0) ** 2).sum(), L1(1.0), [0.0])
    >>> round(float(res.x[0]), 8)
    2.0
    """
    if not hasattr(penalty, "prox") or not hasattr(penalty, "value"):
        raise TypeError(f"penalty must have value() and prox(), got {type(penalty).__name__}")
    maxiter = check_int(maxiter, "maxiter", minimum=1)
    tol = check_real(tol, "tol", nonnegative=True)
    if step is not None:
        step = check_real(step, "step", positive=True)
    backtrack = check_real(backtrack, "backtrack", positive=True)
    if backtrack >= 1:
        raise ValueError(f"backtrack must be in (0, 1), got {backtrack}")
    obj = Objective(fun, x0, jac=jac, args=args)
    x = obj.x0.copy()
    fx, gx = obj.value_and_grad(x)
    if not np.isfinite(fx):
        raise ValueError(f"f(x0) is not finite: {fx}")
    t = 1.0 if step is None else step
    name = "FISTA" if accelerated else "ISTA"
    hist = History()
    F = fx + penalty.value(x)
    hist.append(x, F, float(np.sqrt(gx @ gx)), 0.0, t=t)
    status, message = 1, f"{name} reached maxiter={maxiter} before the step fell below tol={tol:g}"
    x_prev = x.copy()
    theta = 1.0
    k = 0
    with section(f"{name}: x+ = prox_(t g)(y - t grad f(y))"):
        record("Start", "F(x) = f(x) + g(x)", x=x, F=F, penalty=repr(penalty), t=t)
        for k in range(1, maxiter + 1):
            if accelerated:
                theta_next = 0.5 * (1.0 + np.sqrt(1.0 + 4.0 * theta * theta))
                y = x + ((theta - 1.0) / theta_next) * (x - x_prev)
                fy, gy = obj.value_and_grad(y) if k > 1 else (fx, gx)
            else:
                y, fy, gy = x, fx, gx
            while True:
                x_new = penalty.prox(y - t * gy, t)
                f_new = obj.value(x_new)
                if step is not None:
                    break
                d = x_new - y
                # slack of a few ulps of f: near the optimum d is tiny and rounding in
                # f would otherwise shrink t without end
                if f_new - fy - gy @ d <= (0.5 / t) * (d @ d) + 8 * _EPS * abs(fy):
                    break
                t *= backtrack
                if t < 1e-20:
                    break
            if accelerated:
                theta = theta_next
                if restart and float((y - x_new) @ (x_new - x)) > 0:
                    theta = 1.0               # momentum points uphill: restart
            x_prev, x = x, x_new
            fx = f_new
            F = fx + penalty.value(x)
            dx = x - x_prev
            dx_inf = float(np.abs(dx).max())
            hist.append(x, F, np.nan, float(np.sqrt(dx @ dx)), t=t)
            record("Iteration", "x+ = prox_(t g)(y - t grad f(y))", iteration=k, x=x, F=F, t=t,
                 nonzeros=int(np.count_nonzero(x)))
            if not np.isfinite(F):
                status, message = 2, f"{name} diverged (F = {F}); give a smaller step"
                break
            if callback is not None and callback(x.copy()):
                status, message = 0, "stopped by callback"
                break
            if dx_inf <= tol * max(1.0, float(np.abs(x).max())):
                status, message = 0, f"{name} converged: step below tol={tol:g}"
                break
            if not accelerated:
                gx = obj.grad(x)
                fy, gy = fx, gx
    if status == 1:
        warnings.warn(message, ConvergenceWarning, stacklevel=2)
    g_final = obj.grad(x) if status != 2 else None
    res = OptimizeResult(x=x, fun=float(F), jac=g_final, nit=k, success=status == 0,
                         status=status, message=message, history=hist, step=t, **obj.counts())
    if active():
        record("Result", "F(x) = f(x) + g(x)", x=x, F=F, nit=k, nonzeros=int(np.count_nonzero(x)))
    return res


def ista(fun, penalty: Penalty, x0, **kwargs) -> OptimizeResult:
    r"""ISTA: :math:`x_{k+1} = \operatorname{prox}_{t g}(x_k - t\nabla f(x_k))` (see :func:`proximal_gradient`).

    >>> res = ista(lambda x: 0.5 * ((x - 3.0) ** 2).sum(), L1(1.0), [0.0])
    >>> round(float(res.x[0]), 8)
    2.0
    """
    return proximal_gradient(fun, penalty, x0, accelerated=False, **kwargs)


def fista(fun, penalty: Penalty, x0, **kwargs) -> OptimizeResult:
    r"""FISTA: ISTA with Nesterov momentum, error :math:`O(1/k^2)` (see :func:`proximal_gradient`).

    >>> res = fista(lambda x: 0.5 * ((x - 3.0) ** 2).sum(), L1(1.0), [0.0])
    >>> round(float(res.x[0]), 8)
    2.0
    """
    return proximal_gradient(fun, penalty, x0, accelerated=True, **kwargs)


def lasso_fista(X, y, alpha: float, *, l1_ratio: float = 1.0, fit_intercept: bool = True,
                maxiter: int = 100_000, tol: float = 1e-12):
    r"""The lasso (or elastic net) by FISTA, with scikit-learn's objective.

    .. math::

        \min_w \; \frac{1}{2n}\lVert y - Xw - b\rVert_2^2 + \alpha\rho\lVert w\rVert_1
        + \frac{\alpha(1-\rho)}{2}\lVert w\rVert_2^2

    The intercept :math:`b` is handled by centring X and y.  The step is
    :math:`1/L` with :math:`L = \lambda_{\max}(X_c^T X_c)/n`, the Lipschitz
    constant of the smooth part's gradient (from our symmetric eigensolver).

    Returns
    -------
    coef : ndarray, shape (n_features,)
    intercept : float
    result : OptimizeResult

    Examples
    --------
    >>> X = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0], [2.0, 1.0]])
    >>> y = X @ np.array([2.0, 0.0]) + 1.0
    >>> coef, b, _ = lasso_fista(X, y, alpha=0.0)
    >>> np.round(coef, 6), round(b, 6)
    (array([2., 0.]), 1.0)
    """
    from ..linalg import eigvalsh
    X = as_float_array(X, "X", ndim=2)
    y = as_float_array(y, "y", ndim=1)
    if X.shape[0] != y.shape[0]:
        raise ValueError(f"X has {X.shape[0]} rows but y has {y.shape[0]} entries")
    alpha = check_real(alpha, "alpha", nonnegative=True)
    n = X.shape[0]
    if fit_intercept:
        x_mean, y_mean = X.mean(axis=0), y.mean()
        Xc, yc = X - x_mean, y - y_mean
    else:
        x_mean, y_mean = np.zeros(X.shape[1]), 0.0
        Xc, yc = X, y
    L = float(eigvalsh(Xc.T @ Xc)[-1]) / n
    penalty = ElasticNet(alpha, l1_ratio)
    Xty = Xc.T @ yc / n
    XtX = Xc.T @ Xc / n

    def smooth(w):
        r = yc - Xc @ w
        return 0.5 * float(r @ r) / n, XtX @ w - Xty

    res = proximal_gradient(smooth, penalty, np.zeros(X.shape[1]), jac=True,
                            step=1.0 / L if L > 0 else 1.0, maxiter=maxiter, tol=tol)
    coef = res.x
    intercept = float(y_mean - x_mean @ coef) if fit_intercept else 0.0
    return coef, intercept, res
