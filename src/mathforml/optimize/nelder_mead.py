r"""The Nelder–Mead simplex method: minimisation from function values alone.

A simplex of :math:`n + 1` points in :math:`\mathbb{R}^n` walks downhill by
reflecting its worst vertex through the centroid of the others, expanding when
that helps a lot, contracting when it does not help, and shrinking toward the
best vertex when nothing works.  No derivatives are needed, which makes it the
method of choice for noisy or non-smooth objectives of a few variables.

>>> res = nelder_mead(lambda x: (x[0] - 1.0) ** 2 + (x[1] + 2.0) ** 2, [0.0, 0.0])
>>> bool(res.success), np.round(res.x, 4)
(True, array([ 1., -2.]))
"""
from __future__ import annotations

import warnings

import numpy as np

from .._validation import check_int, check_real
from ..exceptions import ConvergenceWarning
from ..explain import active, section
from ..explain import step as record
from ._objective import Objective
from ._result import History, OptimizeResult

__all__ = ["nelder_mead"]


def nelder_mead(fun, x0, *, args=(), maxiter: int | None = None, maxfev: int | None = None,
                xatol: float = 1e-4, fatol: float = 1e-4, initial_simplex=None,
                adaptive: bool = False, callback=None) -> OptimizeResult:
    r"""Minimise ``fun`` by the Nelder–Mead downhill simplex method.

    Parameters
    ----------
    fun : callable
        ``fun(x, *args) -> float``.
    x0 : array_like, shape (n,)
        Starting point; the initial simplex perturbs each coordinate by 5%
        (0.00025 for zero coordinates), as SciPy does.
    maxiter, maxfev : int, optional
        Iteration and evaluation limits (default ``200 n`` each).
    xatol, fatol : float
        Stop when :math:`\max_i \lVert x_i - x_0\rVert_\infty \le xatol` and
        :math:`\max_i |f_i - f_0| \le fatol` (vertices sorted, :math:`x_0` best).
    initial_simplex : array_like, shape (n + 1, n), optional
        Overrides the automatic simplex.
    adaptive : bool, default False
        Use dimension-dependent coefficients (Gao & Han, 2012), better for
        large n.
    callback : callable, optional
        ``callback(xk)`` with the best vertex; a truthy return stops.

    Returns
    -------
    OptimizeResult
        ``x``, ``fun``, ``nit``, ``nfev``, ``success``, ``message``,
        ``final_simplex`` (vertices, values) and ``history`` of the best vertex.

    Notes
    -----
    With vertices sorted :math:`f(x_0) \le \dots \le f(x_n)` and
    :math:`\bar x` the centroid of the best :math:`n`:

    * reflect: :math:`x_r = \bar x + \rho(\bar x - x_n)`;
    * expand (if :math:`f_r < f_0`): :math:`x_e = \bar x + \chi(x_r - \bar x)`;
    * contract outside (if :math:`f_{n-1} \le f_r < f_n`):
      :math:`x_c = \bar x + \gamma(x_r - \bar x)`; inside (if
      :math:`f_r \ge f_n`): :math:`x_{cc} = \bar x - \gamma(\bar x - x_n)`;
    * shrink: :math:`x_i \leftarrow x_0 + \sigma(x_i - x_0)`.

    Standard coefficients :math:`\rho = 1, \chi = 2, \gamma = 1/2, \sigma = 1/2`;
    adaptive: :math:`\chi = 1 + 2/n, \gamma = 3/4 - 1/(2n), \sigma = 1 - 1/n`.
    The same rules and tie-breaking as SciPy's implementation, so iteration
    counts are comparable.

    References
    ----------
    J. A. Nelder and R. Mead, "A simplex method for function minimization",
    The Computer Journal 7(4), 1965.  F. Gao and L. Han, "Implementing the
    Nelder-Mead simplex algorithm with adaptive parameters", Comput. Optim.
    Appl. 51, 2012.

    Examples
    --------
    >>> from mathforml.optimize.functions import rosenbrock
    >>> res = nelder_mead(rosenbrock, [-1.2, 1.0], xatol=1e-8, fatol=1e-8)
    >>> np.allclose(res.x, [1.0, 1.0], atol=1e-6)
    True
    """
    obj = Objective(fun, x0, args=args)
    n = obj.n
    maxiter = 200 * n if maxiter is None else check_int(maxiter, "maxiter", minimum=1)
    maxfev = 200 * n if maxfev is None else check_int(maxfev, "maxfev", minimum=1)
    xatol = check_real(xatol, "xatol", nonnegative=True)
    fatol = check_real(fatol, "fatol", nonnegative=True)
    if adaptive:
        rho, chi, gamma, sigma = 1.0, 1.0 + 2.0 / n, 0.75 - 1.0 / (2.0 * n), 1.0 - 1.0 / n
    else:
        rho, chi, gamma, sigma = 1.0, 2.0, 0.5, 0.5

    if initial_simplex is None:
        x0 = obj.x0
        sim = np.empty((n + 1, n))
        sim[0] = x0
        for k in range(n):
            y = x0.copy()
            y[k] = (1 + 0.05) * y[k] if y[k] != 0 else 0.00025
            sim[k + 1] = y
    else:
        sim = np.array(initial_simplex, dtype=float)
        if sim.shape != (n + 1, n):
            raise ValueError(f"initial_simplex must have shape ({n + 1}, {n}), got {sim.shape}")
    fsim = np.empty(n + 1)
    for k in range(n + 1):
        fsim[k] = obj.value(sim[k])
    if not np.isfinite(fsim[0]):
        raise ValueError(f"f(x0) is not finite: f({sim[0]}) = {fsim[0]}")
    order = np.argsort(fsim, kind="stable")
    sim, fsim = sim[order], fsim[order]

    hist = History()
    hist.append(sim[0], fsim[0], np.nan, 0.0, action="start")
    nit = 0
    status, message = 0, ""
    with section("Nelder-Mead simplex"):
        record("Initial simplex", "vertices sorted so that f(x_0) <= ... <= f(x_n)", simplex=sim,
               f=fsim)
        while True:
            if (np.max(np.abs(sim[1:] - sim[0])) <= xatol
                    and np.max(np.abs(fsim[0] - fsim[1:])) <= fatol):
                status, message = 0, "converged: simplex smaller than xatol and fatol"
                break
            if obj.nfev >= maxfev:
                status, message = 1, f"Nelder-Mead reached maxfev={maxfev} function evaluations"
                break
            if nit >= maxiter:
                status, message = 1, f"Nelder-Mead reached maxiter={maxiter} iterations"
                break
            nit += 1
            xbar = sim[:-1].mean(axis=0)
            xr = (1 + rho) * xbar - rho * sim[-1]
            fr = obj.value(xr)
            shrink = False
            if fr < fsim[0]:
                xe = (1 + rho * chi) * xbar - rho * chi * sim[-1]
                fe = obj.value(xe)
                if fe < fr:
                    sim[-1], fsim[-1], action = xe, fe, "expand"
                else:
                    sim[-1], fsim[-1], action = xr, fr, "reflect"
            elif fr < fsim[-2]:
                sim[-1], fsim[-1], action = xr, fr, "reflect"
            elif fr < fsim[-1]:
                xc = (1 + gamma * rho) * xbar - gamma * rho * sim[-1]
                fc = obj.value(xc)
                if fc <= fr:
                    sim[-1], fsim[-1], action = xc, fc, "contract outside"
                else:
                    shrink = True
            else:
                xcc = (1 - gamma) * xbar + gamma * sim[-1]
                fcc = obj.value(xcc)
                if fcc < fsim[-1]:
                    sim[-1], fsim[-1], action = xcc, fcc, "contract inside"
                else:
                    shrink = True
            if shrink:
                action = "shrink"
                sim[1:] = sim[0] + sigma * (sim[1:] - sim[0])
                for k in range(1, n + 1):
                    fsim[k] = obj.value(sim[k])
            order = np.argsort(fsim, kind="stable")
            prev_best = hist._x[-1] if hist._x else sim[0]
            sim, fsim = sim[order], fsim[order]
            hist.append(sim[0], fsim[0], np.nan, float(np.sqrt(((sim[0] - prev_best) ** 2).sum())),
                        action=action)
            record("Iteration", "reflect / expand / contract / shrink the worst vertex",
                   iteration=nit, action=action, best=sim[0], f_best=fsim[0],
                   f_worst=fsim[-1] if active() else None)
            if callback is not None and callback(sim[0].copy()):
                status, message = 0, "stopped by callback"
                break
    if status == 1:
        warnings.warn(message, ConvergenceWarning, stacklevel=2)
    if active():
        record("Result", "best vertex", x=sim[0], f=fsim[0], nit=nit, nfev=obj.nfev)
    return OptimizeResult(x=sim[0].copy(), fun=float(fsim[0]), jac=None, nit=nit, nfev=obj.nfev,
                          njev=0, nhev=0, success=status == 0, status=status, message=message,
                          final_simplex=(sim, fsim), history=hist)
