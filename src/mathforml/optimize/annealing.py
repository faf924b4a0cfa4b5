r"""Simulated annealing: a random walk that accepts uphill moves less often as it cools.

Borrowed from metallurgy: a metal cooled slowly settles into a low-energy
crystal.  At temperature :math:`T` a proposed move that changes the objective
by :math:`\Delta` is accepted with the Metropolis probability

.. math:: P(\text{accept}) = \min\bigl(1, e^{-\Delta / T}\bigr),

so downhill moves are always taken and uphill moves — the ones that escape
local minima — become rarer as :math:`T` falls along a cooling schedule.

>>> res = simulated_annealing(lambda x: (x[0] - 2.0) ** 2, [10.0], rng=0)
>>> bool(res.success), round(float(res.x[0]), 4)
(True, 2.0)
"""
from __future__ import annotations

import math

import numpy as np

from .._validation import as_rng, check_int, check_option, check_real
from ..explain import active, section
from ..explain import step as record
from ._objective import Objective
from ._result import History, OptimizeResult

__all__ = ["simulated_annealing", "temperature_schedule", "SCHEDULES"]

SCHEDULES = ("geometric", "linear", "logarithmic")


def temperature_schedule(name: str, T0: float, maxiter: int, cooling: float | None = None):
    r"""The temperature :math:`T_k` at step :math:`k = 0, 1, \dots` as a function.

    * ``"geometric"``: :math:`T_k = T_0\,\alpha^k` (``cooling`` :math:`=\alpha`,
      default chosen so that :math:`T_{maxiter} = 10^{-4} T_0`);
    * ``"linear"``: :math:`T_k = T_0 (1 - k / maxiter)`;
    * ``"logarithmic"``: :math:`T_k = T_0 / \ln(k + e)` — the slow schedule of
      Geman & Geman's convergence theorem.

    >>> T = temperature_schedule("geometric", 1.0, 100, cooling=0.5)
    >>> T(0), T(1), T(3)
    (1.0, 0.5, 0.125)
    >>> round(temperature_schedule("logarithmic", 2.0, 10)(0), 12)
    2.0
    """
    check_option(name, "schedule", SCHEDULES)
    if name == "geometric":
        alpha = (1e-4) ** (1.0 / maxiter) if cooling is None else cooling
        if not 0 < alpha < 1:
            raise ValueError(f"cooling must be in (0, 1), got {alpha}")
        return lambda k: T0 * alpha ** k
    if name == "linear":
        return lambda k: T0 * max(1.0 - k / maxiter, 0.0)
    return lambda k: T0 / math.log(k + math.e)


def simulated_annealing(fun, x0, *, args=(), T0: float = 1.0, schedule="geometric",
                        cooling: float | None = None, step_size=1.0, maxiter: int = 5000,
                        bounds=None, neighbour=None, polish: bool = True, rng=None,
                        callback=None) -> OptimizeResult:
    r"""Minimise ``fun`` by simulated annealing with Metropolis acceptance.

    Parameters
    ----------
    fun : callable
        ``fun(x, *args) -> float``.
    x0 : array_like, shape (n,)
        Starting point.
    T0 : float, default 1
        Initial temperature, on the scale of the objective's typical uphill
        differences.
    schedule : {"geometric", "linear", "logarithmic"} or callable
        Cooling schedule (see :func:`temperature_schedule`) or a function
        ``T(k)``.
    cooling : float, optional
        The geometric factor :math:`\alpha`.
    step_size : float or array_like
        Standard deviation of the Gaussian proposal
        :math:`x' = x + \text{step\_size}\cdot z,\ z \sim N(0, I)`.
    maxiter : int, default 5000
        Number of proposals.
    bounds : sequence of (low, high), optional
        Box constraints; proposals are reflected back into the box.
    neighbour : callable, optional
        ``neighbour(x, rng) -> x'`` replaces the Gaussian proposal (for
        discrete or structured spaces).
    polish : bool, default True
        Finish with :func:`~mathforml.optimize.nelder_mead` from the best
        point (a local refinement, as SciPy's ``dual_annealing`` does).
    rng : None, int or Generator
        Source of the proposals and acceptance draws (results are reproducible
        with a seed).
    callback : callable, optional
        ``callback(x_best)`` after each step; a truthy return stops.

    Returns
    -------
    OptimizeResult
        ``x`` is the best point seen, ``fun`` its value; ``acceptance_rate``;
        ``history`` with the temperature and the accept decision per step.

    Notes
    -----
    Step :math:`k`: propose :math:`x'`, compute :math:`\Delta = f(x') - f(x_k)`,
    accept (:math:`x_{k+1} = x'`) if :math:`\Delta \le 0` or
    :math:`u < e^{-\Delta/T_k}` with :math:`u \sim U(0, 1)`, else
    :math:`x_{k+1} = x_k`.  The best point is tracked separately because the
    walk may leave it.

    References
    ----------
    S. Kirkpatrick, C. D. Gelatt and M. P. Vecchi, "Optimization by simulated
    annealing", Science 220, 1983.

    Examples
    --------
    >>> from mathforml.optimize.functions import rastrigin
    >>> res = simulated_annealing(rastrigin, [3.2, -2.1], T0=10.0, maxiter=4000,
    ...                           bounds=[(-5.12, 5.12)] * 2, rng=1)
    >>> np.allclose(res.x, 0.0, atol=1e-4)
    True
    """
    obj = Objective(fun, x0, args=args)
    n = obj.n
    T0 = check_real(T0, "T0", positive=True)
    maxiter = check_int(maxiter, "maxiter", minimum=1)
    if callable(schedule):
        T_of = schedule
        schedule_name = getattr(schedule, "__name__", "custom")
    else:
        T_of = temperature_schedule(schedule, T0, maxiter, cooling)
        schedule_name = schedule
    step_size = np.broadcast_to(np.asarray(step_size, dtype=float), (n,))
    if not (np.isfinite(step_size).all() and (step_size > 0).all()):
        raise ValueError(f"step_size must be > 0, got {step_size if n > 1 else step_size[0]}")
    if neighbour is not None and not callable(neighbour):
        raise TypeError("neighbour must be callable")
    lo = hi = None
    if bounds is not None:
        b = np.asarray(bounds, dtype=float)
        if b.shape != (n, 2):
            raise ValueError(f"bounds must have shape ({n}, 2), got {b.shape}")
        lo, hi = b[:, 0], b[:, 1]
        if not (lo < hi).all():
            raise ValueError("bounds need low < high in every coordinate")
        if ((obj.x0 < lo) | (obj.x0 > hi)).any():
            raise ValueError(f"x0 = {obj.x0} lies outside the bounds")
    rng = as_rng(rng)

    x = obj.x0.copy()
    fx = obj.check_start()
    x_best, f_best = x.copy(), fx
    hist = History()
    hist.append(x, fx, np.nan, 0.0, temperature=T0, accepted=True)
    n_accepted = 0
    k = 0
    status, message = 0, f"annealing finished its {maxiter} steps"
    with section(f"Simulated annealing ({schedule_name} cooling from T0 = {T0:g})"):
        chunk = 4096                            # random draws made in blocks, not per step
        for k in range(1, maxiter + 1):
            j = (k - 1) % chunk
            if j == 0:
                m = min(chunk, maxiter - k + 1)
                U = rng.random(m)
                Z = None if neighbour is not None else rng.standard_normal((m, n)) * step_size
            T = float(T_of(k - 1))
            if neighbour is not None:
                x_new = np.asarray(neighbour(x.copy(), rng), dtype=float).reshape(n)
            else:
                x_new = x + Z[j]
                if lo is not None and ((x_new < lo).any() or (x_new > hi).any()):
                    x_new = np.where(x_new < lo, 2 * lo - x_new, x_new)   # reflect into the box
                    x_new = np.where(x_new > hi, 2 * hi - x_new, x_new)
                    x_new = np.clip(x_new, lo, hi)
            f_new = obj.value(x_new)
            delta = f_new - fx
            u = float(U[j])
            if not np.isfinite(f_new):
                accept = False
            elif delta <= 0:
                accept = True
            else:
                accept = T > 0 and u < math.exp(-delta / T)
            record("Step", "accept if delta <= 0 or u < exp(-delta / T)", iteration=k,
                   T=T, x_proposed=x_new, f_proposed=f_new, delta=delta,
                   p_accept=(1.0 if delta <= 0 else (math.exp(-delta / T) if T > 0 else 0.0))
                   if active() else None,
                   u=u, decision="accept" if accept else "reject")
            if accept:
                step_len = math.sqrt(float((x_new - x) @ (x_new - x)))
                x, fx = x_new, f_new
                n_accepted += 1
                if fx < f_best:
                    x_best, f_best = x.copy(), fx
            else:
                step_len = 0.0
            hist.append(x, fx, np.nan, step_len, temperature=T, accepted=accept)
            if callback is not None and callback(x_best.copy()):
                message = "stopped by callback"
                break
    rate = n_accepted / max(k, 1)
    nit = k
    if polish:
        from .nelder_mead import nelder_mead
        import warnings
        from ..explain import silenced
        with silenced(), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            local = nelder_mead(lambda v: obj.value(v), x_best, xatol=1e-10, fatol=1e-14,
                                maxiter=2000 * n, maxfev=4000 * n)
        inside = lo is None or bool(((local.x >= lo) & (local.x <= hi)).all())
        if inside and local.fun < f_best:
            if active():
                record("Polish", "Nelder-Mead from the best point", x_before=x_best,
                       f_before=f_best, x=local.x, f=local.fun)
            x_best, f_best = local.x.copy(), float(local.fun)
    if active():
        record("Result", "the best point seen", x=x_best, f=f_best, acceptance_rate=rate,
               nfev=obj.nfev)
    return OptimizeResult(x=x_best, fun=float(f_best), jac=None, nit=nit, nfev=obj.nfev, njev=0,
                          nhev=0, success=status == 0, status=status, message=message,
                          acceptance_rate=rate, history=hist)
