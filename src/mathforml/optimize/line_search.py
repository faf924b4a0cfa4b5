r"""Line searches: how far to move along a descent direction.

An optimiser at ``x`` with a descent direction ``d`` looks at the 1-D function
:math:`\varphi(\alpha) = f(x + \alpha d)`, with :math:`\varphi'(0) = \nabla
f(x)^T d < 0`, and picks a step :math:`\alpha > 0` that satisfies

* the **Armijo** (sufficient decrease) condition
  :math:`\varphi(\alpha) \le \varphi(0) + c_1 \alpha \varphi'(0)`, and, for
  quasi-Newton methods,
* the **strong Wolfe curvature** condition
  :math:`|\varphi'(\alpha)| \le c_2 |\varphi'(0)|`, which keeps steps from
  being too short and guarantees :math:`s^T y > 0` for the BFGS update.

:func:`armijo` backtracks ``alpha <- shrink * alpha`` from ``alpha0`` until the
first condition holds; :func:`strong_wolfe` brackets an interval that contains
strong-Wolfe points and zooms into it by safeguarded cubic interpolation
(Nocedal & Wright, Algorithms 3.5 and 3.6).

Both return a :class:`LineSearchResult` and explain each trial (α, φ(α),
φ'(α) and which conditions hold) when a recorder is active.

>>> phi = lambda a: (a - 2.0) ** 2          # φ(α) = (α - 2)², φ(0) = 4, φ'(0) = -4
>>> r = armijo(phi, 4.0, -4.0, alpha0=8.0)
>>> r.alpha, r.phi, r.nfev, r.success
(2.0, 0.0, 3, True)
>>> r = strong_wolfe(lambda a: ((a - 2.0) ** 2, 2.0 * (a - 2.0)), 4.0, -4.0)
>>> r.alpha, r.phi, r.dphi, r.success
(1.0, 1.0, -2.0, True)

References
----------
J. Nocedal and S. J. Wright, *Numerical Optimization*, 2nd ed., Springer
2006, sections 3.1 and 3.5 (Algorithms 3.5 and 3.6, interpolation formulas
(3.57)-(3.59)).  J. J. Moré and D. J. Thuente, "Line search algorithms with
guaranteed sufficient decrease", ACM TOMS 20(3), 1994 (the safeguards and
extrapolation bounds).
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from ..explain import active, section, step

__all__ = ["LineSearchResult", "armijo", "strong_wolfe"]

_ARMIJO = "φ(α) <= φ(0) + c1 α φ'(0)"
# Sufficient decrease is judged with a rounding allowance of 1e-14 |φ(0)|: when the
# decrease c1 α |φ'(0)| itself is below the rounding error of f, comparing f values
# says nothing, and a strict test would fail at the last digits of a converged run.
_ROUNDING = 1e-14
_WOLFE = "φ(α) <= φ(0) + c1 α φ'(0) and |φ'(α)| <= c2 |φ'(0)|"


@dataclass(slots=True)
class LineSearchResult:
    """The outcome of a line search.

    Attributes
    ----------
    alpha : float
        The step chosen.  When ``success`` is False it is the best step tried
        that satisfied the Armijo condition, or the last step tried if none did.
    phi : float
        :math:`\\varphi(\\alpha) = f(x + \\alpha d)`.
    dphi : float or None
        :math:`\\varphi'(\\alpha)` (None for :func:`armijo`, which never
        evaluates derivatives).
    nfev : int
        Evaluations of φ (each one f evaluation).
    success : bool
        Whether the claimed conditions hold at ``alpha``.
    ngev : int
        Evaluations of φ' (gradient evaluations).
    extra : object
        Whatever third item ``phi_dphi`` returned at ``alpha`` (the full
        gradient, so quasi-Newton methods reuse it); None otherwise.
    message : str
        Why the search stopped, in words.
    """

    alpha: float
    phi: float
    dphi: float | None
    nfev: int
    success: bool
    ngev: int = 0
    extra: Any = None
    message: str = ""


def _check_common(phi0, dphi0, alpha0, c1, maxiter):
    phi0 = float(phi0)
    dphi0 = float(dphi0)
    if not math.isfinite(phi0):
        raise ValueError(f"phi0 must be finite, got {phi0}")
    if not dphi0 < 0.0:
        raise ValueError("dphi0 must be < 0 (d must be a descent direction, ∇f·d < 0), "
                         f"got {dphi0}")
    if not (alpha0 > 0.0 and math.isfinite(alpha0)):
        raise ValueError(f"alpha0 must be > 0 and finite, got {alpha0}")
    if not 0.0 < c1 < 1.0:
        raise ValueError(f"c1 must be in (0, 1), got {c1}")
    if isinstance(maxiter, bool) or not isinstance(maxiter, int) or maxiter < 1:
        raise ValueError(f"maxiter must be an integer >= 1, got {maxiter!r}")
    return phi0, dphi0, float(alpha0)


# ---------------------------------------------------------------------------
# Backtracking (Armijo)
# ---------------------------------------------------------------------------
def armijo(phi, phi0, dphi0, alpha0=1.0, *, c1=1e-4, shrink=0.5, maxiter=50):
    r"""Backtracking line search for the Armijo (sufficient decrease) condition.

    Parameters
    ----------
    phi : callable
        ``phi(alpha) -> float``, the objective along the direction,
        :math:`\varphi(\alpha) = f(x + \alpha d)`.
    phi0 : float
        :math:`\varphi(0) = f(x)`.
    dphi0 : float
        :math:`\varphi'(0) = \nabla f(x)^T d`; must be < 0.
    alpha0 : float, default 1.0
        The first trial step.
    c1 : float, default 1e-4
        Sufficient-decrease constant, ``0 < c1 < 1``.
    shrink : float, default 0.5
        Backtracking factor ``rho``, ``0 < rho < 1``.
    maxiter : int, default 50
        Most evaluations of ``phi``.

    Returns
    -------
    LineSearchResult
        ``alpha`` the first trial step meeting the condition (``dphi`` is None,
        ``ngev`` 0).  On failure (``maxiter`` trials, none good) ``success`` is
        False and ``alpha`` is the last, smallest step tried.

    Raises
    ------
    ValueError
        If ``dphi0 >= 0`` (not a descent direction), ``phi0`` is not finite or
        a constant is out of range.

    Notes
    -----
    Trials ``alpha_j = alpha0 * shrink**j`` until
    ``phi(alpha_j) <= phi0 + c1 * alpha_j * dphi0 + 1e-14 |phi0|`` (the last
    term allows for the rounding error in ``f``, so a run that has converged
    to the last digits is not reported as a failure; it is negligible
    otherwise).  A non-finite
    ``phi(alpha_j)`` (the step left the domain) counts as a failed trial.
    Since ``dphi0 < 0`` the condition holds for every small enough step, so
    backtracking ends after about ``log(alpha0 / alpha_ok) / log(1 / shrink)``
    trials (Nocedal & Wright, Algorithm 3.1).

    Examples
    --------
    >>> r = armijo(lambda a: (1.0 - a) ** 2, 1.0, -2.0, alpha0=4.0)
    >>> r.alpha, r.phi, r.nfev
    (1.0, 0.0, 3)
    """
    phi0, dphi0, alpha = _check_common(phi0, dphi0, alpha0, c1, maxiter)
    if not 0.0 < shrink < 1.0:
        raise ValueError(f"shrink must be in (0, 1), got {shrink}")
    rec = active()
    c1_dphi0 = c1 * dphi0
    phi0_tol = phi0 + _ROUNDING * abs(phi0)
    phi_a = math.nan
    success = False
    nfev = 0
    with section("Armijo backtracking"):
        for j in range(maxiter):
            phi_a = float(phi(alpha))
            nfev += 1
            bound = phi0_tol + alpha * c1_dphi0
            ok = phi_a <= bound               # False for NaN
            if rec:
                step("Trial step", _ARMIJO, iteration=j, alpha=alpha, phi=phi_a, bound=bound,
                     armijo=bool(ok))
            if ok:
                success = True
                break
            if j + 1 < maxiter:
                alpha *= shrink
        message = ("sufficient decrease" if success else
                   f"no step met the Armijo condition in {maxiter} trials")
        if rec:
            step("Line search result", _ARMIJO, alpha=alpha, phi=phi_a, phi0=phi0, dphi0=dphi0,
                 nfev=nfev, success=success, message=message)
    return LineSearchResult(alpha, phi_a, None, nfev, success, 0, None, message)


# ---------------------------------------------------------------------------
# Strong Wolfe: bracketing + zoom
# ---------------------------------------------------------------------------
def _cubic_min(a, fa, da, b, fb, db):
    """Minimiser of the cubic matching f and f' at a and b (N&W eq. 3.59), or None."""
    try:
        d1 = da + db - 3.0 * (fa - fb) / (a - b)
        radical = d1 * d1 - da * db
        if not radical >= 0.0:
            return None
        d2 = math.copysign(math.sqrt(radical), b - a)
        denom = db - da + 2.0 * d2
        if denom == 0.0:
            return None
        t = b - (b - a) * (db + d2 - d1) / denom
    except (ZeroDivisionError, OverflowError, ValueError):
        return None
    return t if math.isfinite(t) else None


def _quad_min(a, fa, da, b, fb):
    """Minimiser of the parabola matching f(a), f'(a) and f(b) (N&W eq. 3.57), or None."""
    try:
        h = b - a
        B = (fb - fa - da * h) / (h * h)
        if not B > 0.0:
            return None
        t = a - da / (2.0 * B)
    except (ZeroDivisionError, OverflowError):
        return None
    return t if math.isfinite(t) else None


def strong_wolfe(phi_dphi, phi0, dphi0, alpha0=1.0, *, c1=1e-4, c2=0.9, alpha_max=1e10,
                 maxiter=20):
    r"""Line search for a step satisfying the strong Wolfe conditions.

    Parameters
    ----------
    phi_dphi : callable
        ``phi_dphi(alpha) -> (phi, dphi)`` or ``(phi, dphi, extra)``: the
        objective :math:`\varphi(\alpha) = f(x + \alpha d)` and its slope
        :math:`\varphi'(\alpha) = \nabla f(x + \alpha d)^T d` (one f and one
        gradient evaluation).  A third item (e.g. the full gradient) is handed
        back as ``extra`` for the accepted step.
    phi0, dphi0 : float
        :math:`\varphi(0)` and :math:`\varphi'(0) < 0`.
    alpha0 : float, default 1.0
        The first trial step (1 for Newton and quasi-Newton directions).
    c1, c2 : float, default 1e-4 and 0.9
        ``0 < c1 < c2 < 1``; use ``c2 = 0.1`` for nonlinear conjugate gradients.
    alpha_max : float, default 1e10
        Largest step considered.
    maxiter : int, default 20
        Most evaluations of ``phi_dphi`` (bracketing and zoom together).

    Returns
    -------
    LineSearchResult
        ``alpha``, ``phi``, ``dphi``, ``nfev`` (= ``ngev``), ``success``,
        ``extra``.  On failure ``alpha`` is the best step found that met the
        Armijo condition (``phi < phi0``), or ``0.0`` with ``phi = phi0`` when
        none did; ``message`` says why.

    Raises
    ------
    ValueError
        If ``dphi0 >= 0``, ``phi0`` is not finite or the constants are out of range.

    Notes
    -----
    *Bracketing* (N&W Algorithm 3.5): trial steps ``alpha_1 = alpha0 <
    alpha_2 < ...``.  The interval ``(alpha_{i-1}, alpha_i)`` contains a
    strong-Wolfe step as soon as ``alpha_i`` violates Armijo, or
    ``phi(alpha_i) >= phi(alpha_{i-1})``, or ``dphi(alpha_i) >= 0``; then zoom.
    Otherwise the next trial extrapolates by the cubic through both points,
    kept in ``[alpha_i + 1.1 (alpha_i - alpha_{i-1}), alpha_i + 4 (alpha_i -
    alpha_{i-1})]`` (Moré–Thuente's bounds).

    *Zoom* (N&W Algorithm 3.6) keeps ``alpha_lo`` (the lowest φ meeting
    Armijo) and ``alpha_hi`` with ``dphi(alpha_lo) (alpha_hi - alpha_lo) < 0``.
    The trial is the minimiser of the cubic interpolating φ and φ' at both ends
    (eq. 3.59); safeguards: it must lie at least ``0.1 |alpha_hi - alpha_lo|``
    inside the interval, else the quadratic through ``phi(lo), dphi(lo),
    phi(hi)`` is tried, else bisection; and when two trials in a row do not
    shrink the interval below 0.66 of its width, bisect (Moré–Thuente).  A
    non-finite ``phi`` is treated as "too far" (Armijo fails), so the search
    backs off from steps that leave the domain.  As in :func:`armijo`, the
    Armijo test allows ``1e-14 |phi0|`` for the rounding error in ``f``, and
    so do the comparisons ``phi(alpha_i) >= phi(alpha_{i-1})`` and
    ``phi(alpha_j) >= phi(alpha_lo)``: where f values differ by less than
    that, the sign of ``dphi`` (accurate to the last digits) moves the bracket
    instead, so the search still converges on a converged run.

    Examples
    --------
    With c2 = 0.1 on φ(α) = (α - 2)² the unit step is too short
    (|φ'(1)| = 2 > 0.4); the search extrapolates to at least 1 + 1.1 = 2.1,
    where |φ'(2.1)| = 0.2 <= 0.4:

    >>> r = strong_wolfe(lambda a: ((a - 2.0) ** 2, 2.0 * (a - 2.0)), 4.0, -4.0, c2=0.1)
    >>> round(r.alpha, 12), round(r.dphi, 12), r.nfev
    (2.1, 0.2, 2)
    """
    phi0, dphi0, alpha0 = _check_common(phi0, dphi0, alpha0, c1, maxiter)
    if not c1 < c2 < 1.0:
        raise ValueError(f"c2 must satisfy c1 < c2 < 1, got c1={c1}, c2={c2}")
    if not alpha_max > 0.0:
        raise ValueError(f"alpha_max must be > 0, got {alpha_max}")
    ls = _Wolfe(phi_dphi, phi0, dphi0, c1 * dphi0, -c2 * dphi0, maxiter, active())
    with section("Strong Wolfe line search"):
        return ls.run(min(alpha0, alpha_max), alpha_max)


class _Wolfe:
    """State of one strong-Wolfe search: the evaluation count and the best Armijo point."""

    __slots__ = ("phi_dphi", "phi0", "f_tol", "phi0_tol", "dphi0", "c1_dphi0", "curv", "maxiter",
                 "rec", "nfev", "best")

    def __init__(self, phi_dphi, phi0, dphi0, c1_dphi0, curv, maxiter, rec):
        self.phi_dphi = phi_dphi
        self.phi0 = phi0
        self.f_tol = _ROUNDING * abs(phi0)      # differences of f below this are rounding
        self.phi0_tol = phi0 + self.f_tol
        self.dphi0 = dphi0
        self.c1_dphi0 = c1_dphi0
        self.curv = curv                   # |φ'(α)| <= c2 |φ'(0)|
        self.maxiter = maxiter
        self.rec = rec
        self.nfev = 0
        self.best = (0.0, phi0, dphi0, None)

    def evaluate(self, a, phase):
        out = self.phi_dphi(a)
        self.nfev += 1
        p = float(out[0])
        dp = float(out[1])
        ex = out[2] if len(out) > 2 else None
        if not math.isfinite(p):           # NaN or inf: the step left the domain, "too far"
            p = math.inf
        arm = p <= self.phi0_tol + a * self.c1_dphi0
        if arm and p < self.best[1]:
            self.best = (a, p, dp, ex)
        if self.rec:
            step("Trial step", _WOLFE, iteration=self.nfev - 1, phase=phase, alpha=a, phi=p,
                 dphi=dp, armijo=bool(arm), curvature=bool(abs(dp) <= self.curv))
        return p, dp, ex, arm

    def done(self, a, p, dp, ex, success, message):
        if not success:
            a, p, dp, ex = self.best
        if self.rec:
            step("Line search result", _WOLFE, alpha=a, phi=p, dphi=dp, phi0=self.phi0,
                 dphi0=self.dphi0, nfev=self.nfev, success=success, message=message)
        return LineSearchResult(a, p, dp, self.nfev, success, self.nfev, ex, message)

    def run(self, a, alpha_max):
        """Bracketing phase (N&W Algorithm 3.5)."""
        curv = self.curv
        a_prev, p_prev, d_prev = 0.0, self.phi0, self.dphi0
        while True:
            p, dp, ex, arm = self.evaluate(a, "bracket")
            if not arm or (self.nfev > 1 and p >= p_prev + self.f_tol):
                return self.zoom(a_prev, p_prev, d_prev, a, p, dp)
            if abs(dp) <= curv:
                return self.done(a, p, dp, ex, True, "strong Wolfe conditions hold")
            if dp >= 0.0:
                return self.zoom(a, p, dp, a_prev, p_prev, d_prev)
            if a >= alpha_max:
                return self.done(a, p, dp, ex, False,
                                 f"the step reached alpha_max={alpha_max} and f still decreases")
            if self.nfev >= self.maxiter:
                return self.done(a, p, dp, ex, False, "no strong-Wolfe step within maxiter="
                                 f"{self.maxiter} evaluations (bracketing)")
            lo_ext = a + 1.1 * (a - a_prev)
            hi_ext = a + 4.0 * (a - a_prev)
            a_next = _cubic_min(a_prev, p_prev, d_prev, a, p, dp)
            if a_next is None or a_next > hi_ext:
                a_next = hi_ext
            elif a_next < lo_ext:
                a_next = lo_ext
            a_prev, p_prev, d_prev = a, p, dp
            a = min(a_next, alpha_max)

    def zoom(self, a_lo, p_lo, d_lo, a_hi, p_hi, d_hi):
        """Zoom phase (N&W Algorithm 3.6) with safeguarded cubic interpolation."""
        curv = self.curv
        width_old = width_older = abs(a_hi - a_lo) * 2.0
        while self.nfev < self.maxiter:
            width = abs(a_hi - a_lo)
            if width <= 1e-14 * max(a_lo, a_hi):
                return self.done(a_lo, p_lo, d_lo, None, False,
                                 "rounding errors: the bracket shrank to machine precision")
            lo, hi = (a_lo, a_hi) if a_lo < a_hi else (a_hi, a_lo)
            delta = 0.1 * width
            a_j = None
            if width <= 0.66 * width_older and math.isfinite(p_hi):
                a_j = _cubic_min(a_lo, p_lo, d_lo, a_hi, p_hi, d_hi)
                if a_j is None or not lo + delta <= a_j <= hi - delta:
                    a_j = _quad_min(a_lo, p_lo, d_lo, a_hi, p_hi)
                    if a_j is not None and not lo + delta <= a_j <= hi - delta:
                        a_j = None
            if a_j is None:                   # no safe interpolant, or slow progress: bisect
                a_j = 0.5 * (a_lo + a_hi)
            width_older, width_old = width_old, width
            p_j, d_j, ex_j, arm = self.evaluate(a_j, "zoom")
            if not arm or p_j >= p_lo + self.f_tol:
                a_hi, p_hi, d_hi = a_j, p_j, d_j
            else:
                if abs(d_j) <= curv:
                    return self.done(a_j, p_j, d_j, ex_j, True, "strong Wolfe conditions hold")
                if d_j * (a_hi - a_lo) >= 0.0:
                    a_hi, p_hi, d_hi = a_lo, p_lo, d_lo
                a_lo, p_lo, d_lo = a_j, p_j, d_j
        return self.done(a_lo, p_lo, d_lo, None, False,
                         f"no strong-Wolfe step within maxiter={self.maxiter} evaluations (zoom)")
