r"""The Gamma, Beta and chi-squared distributions.

All three are built on the regularised incomplete gamma and beta functions of
:mod:`scipy.special` (the *special functions*); the distributions themselves —
densities, tails, quantiles, moments, sampling and maximum likelihood — are
written here.

* ``Gamma(shape, rate=None, *, scale=None)`` — shape ``k``, rate ``lam``
  (default 1; or ``scale = 1/lam``), on ``[0, inf)``;
* ``ChiSquared(df)`` — ``Gamma(df/2, rate=1/2)``, sharing the Gamma code;
* ``Beta(a, b)`` on ``[0, 1]``.

The private helpers :func:`_where_call`, :func:`_betaln` (a log-Beta that
does not cancel when an argument is large), :func:`_betaincc` (a complement
that stays accurate where SciPy's loses digits), :func:`_beta_inverse_pair`
(both ``x`` and ``1 - x`` of the inverse incomplete beta, with a log-space
Newton polish in far tails) and :func:`_newton_direction` are shared with
:mod:`.sampling_dists` (Student t and F are incomplete-beta distributions too).

>>> from mathforml.probability.distributions.gamma_beta import Gamma, Beta, ChiSquared
>>> round(Gamma(2.0, rate=3.0).cdf(1.0), 6)       # 1 - e^{-3} (1 + 3)
0.800852
>>> Beta(2.0, 3.0).cdf(0.5)                       # I_{1/2}(2, 3) = 11/16
0.6875
>>> round(ChiSquared(2).ppf(0.5), 6)              # 2 ln 2
1.386294
"""
from __future__ import annotations

import warnings

import numpy as np

from ...exceptions import ConvergenceWarning, LinAlgError
from ...explain import section, silenced, step
from ._base import ContinuousDistribution, _scalar, as_data, param

__all__ = ["Gamma", "Beta", "ChiSquared"]


# ---------------------------------------------------------------------------
# Shared helpers (also used by sampling_dists.py)
# ---------------------------------------------------------------------------
def _special():
    """scipy.special, imported on first use (``import mathforml.probability`` stays light)."""
    import scipy.special as sc
    return sc


def _where_call(mask, f_true, f_false, *args):
    """``f_true(*args)`` where ``mask`` holds and ``f_false(*args)`` elsewhere.

    The arguments are broadcast together; each function is called only on its
    own elements (one special-function evaluation per point, not two).
    """
    mask, *args = np.broadcast_arrays(mask, *args)
    if mask.all():
        return np.asarray(f_true(*args), dtype=float)
    if not mask.any():
        return np.asarray(f_false(*args), dtype=float)
    out = np.empty(mask.shape)
    out[mask] = f_true(*(a[mask] for a in args))
    rest = ~mask
    out[rest] = f_false(*(a[rest] for a in args))
    return out


def _betaincc(a, b, x):
    r"""The complementary regularised incomplete beta :math:`1 - I_x(a, b)`, accurately.

    ``scipy.special.betaincc`` is used where the complement is below 1/2.
    Where it is at least 1/2 — ``I_x(a, b) <= 1/2`` — it is formed as
    ``1 - I_x(a, b)``, which is exact to rounding there, because SciPy's
    ``betaincc`` loses absolute accuracy in some of those cases
    (``betaincc(0.5, 0.5, 1e-16)`` is off by 2.3e-12).
    """
    sc = _special()
    a, b, x = np.broadcast_arrays(np.asarray(a, float), np.asarray(b, float),
                                  np.asarray(x, float))
    lower = np.array(sc.betainc(a, b, x), dtype=float)
    out = np.array(1.0 - lower, dtype=float)
    upper = ~(lower <= 0.5)
    if upper.any():
        out[upper] = sc.betaincc(a[upper], b[upper], x[upper])
    return out


#: The smallest normal float (below it floats lose relative precision).
_TINY = float(np.finfo(float).tiny)


def _beta_left_root_log(a, b, log_p):
    """``t = log x`` with ``I_x(a, b) = e^{log_p}`` far in the left tail (see
    :func:`_beta_inverse_pair`): series start, then Newton in ``t``."""
    sc = _special()
    log_beta = _betaln(a, b)
    t = (log_p + np.log(a) + log_beta) / a
    with np.errstate(all="ignore"):
        for _ in range(30):
            live = t > -700.0                       # exp(t) representable: Newton on h(t)
            if not live.any():
                break
            t_live = t[live]
            xt = np.exp(t_live)
            log_i = np.log(sc.betainc(a[live], b[live], xt))
            log_f = (a[live] - 1.0) * t_live + (b[live] - 1.0) * np.log1p(-xt) - log_beta[live]
            dt = (log_i - log_p[live]) * np.exp(log_i - log_f - t_live)
            ok = np.isfinite(dt)
            t_live[ok] -= dt[ok]
            t[live] = t_live
            if not np.any(np.abs(dt[ok]) > 1e-15 * np.abs(t_live[ok])):
                break
    return t


def _beta_left_root(a, b, p):
    """``(x, log x)`` with ``I_x(a, b) = p`` far in the left tail.

    ``t = log x`` from :func:`_beta_left_root_log`; ``exp(t)`` would carry
    the rounding of ``t`` (``|t| eps`` relative), so where ``x`` is a normal
    float one last Newton step is taken on ``x`` itself,
    ``x <- x - (I_x(a, b) - p) / f(x)``, with the residual formed directly
    (not as a difference of logs), which leaves ``x`` good to a few ulp.
    """
    sc = _special()
    t = _beta_left_root_log(a, b, np.log(p))
    x = np.exp(t)
    normal = x > _TINY
    if normal.any():
        an, bn, xn, tn, p = a[normal], b[normal], x[normal], t[normal], p[normal]
        with np.errstate(all="ignore"):
            f = np.exp((an - 1.0) * tn + (bn - 1.0) * np.log1p(-xn) - _betaln(an, bn))
            x_new = xn - (sc.betainc(an, bn, xn) - p) / f
        good = np.isfinite(x_new) & (x_new > 0) & (p > _TINY)
        x[normal] = np.where(good, x_new, xn)
        t[normal] = np.where(good, np.log(np.where(good, x_new, 1.0)), tn)
    return x, t


def _beta_inverse_pair(a, b, p):
    r"""``x``, ``y = 1 - x`` and ``log x`` with :math:`I_x(a, b) = p`, each to full relative accuracy.

    ``x = betaincinv(a, b, p)``; where ``x > 1/2`` the small one, ``y``, is
    solved for directly from the complementary inverse
    :math:`1 - I_y(b, a) = I_{1-y}(a, b) = p` (``betainccinv(b, a, p)``) instead
    of being formed as ``1 - x`` (which would lose the digits of a small ``y``).

    Far in the left tail SciPy's inverse returns NaN (``betaincinv(2.5, 30,
    1e-300)``) or clamps at 2.2e-308 where the answer is smaller.  There
    (``x`` NaN or below 1e-280 while ``p > 0``) the root is found in
    ``t = log x`` instead: start from the leading term of the series at 0,
    :math:`I_x(a, b) = x^a / (a B(a, b)) (1 + O(b x))`, i.e.
    ``t0 = (log p + log a + ln B(a, b)) / a``, then Newton on
    ``h(t) = log I_{e^t}(a, b) - log p`` with ``h'(t) = x f(x) / I_x(a, b)``
    (``f`` the Beta density) while ``e^t`` is representable; below that the
    series start is exact to rounding.  ``x = exp(t)`` may then underflow to 0,
    which is the correctly rounded answer; ``log x`` keeps the information.
    """
    sc = _special()
    a, b, p = np.broadcast_arrays(np.asarray(a, float), np.asarray(b, float),
                                  np.asarray(p, float))
    x = np.array(sc.betaincinv(a, b, p), dtype=float)
    y = np.array(1.0 - x, dtype=float)
    big = x > 0.5
    if big.any():
        y[big] = sc.betainccinv(b[big], a[big], p[big])
        x[big] = 1.0 - y[big]
    with np.errstate(divide="ignore", invalid="ignore"):
        log_x = np.array(np.log(x), dtype=float)
    far = (p > 0) & ~(x > 1e-280) & ~big
    if far.any():
        x[far], log_x[far] = _beta_left_root(a[far], b[far], p[far])
        y[far] = 1.0 - x[far]
    far_y = big & (p < 1) & ~(y > 1e-280)          # the mirror: I_y(b, a) = 1 - p (exact here)
    if far_y.any():
        y[far_y] = _beta_left_root(b[far_y], a[far_y], 1.0 - p[far_y])[0]
        x[far_y] = 1.0 - y[far_y]
        log_x[far_y] = np.log1p(-y[far_y])
    return x, y, log_x


#: Stirling-series coefficients B_2j / (2j (2j - 1)) of the remainder
#: ln Gamma(z) - [(z - 1/2) ln z - z + ln(2 pi)/2] = sum_j c_j z^{1 - 2j}.
_STIRLING = (1 / 12, -1 / 360, 1 / 1260, -1 / 1680, 1 / 1188, -691 / 360360, 1 / 156)
_HALF_LOG_2PI = 0.9189385332046727
_BETALN_LARGE = 10.0


def _stirling_remainder(z):
    r"""``ln Gamma(z) - (z - 1/2) ln z + z - ln(2 pi)/2`` for ``z >= 10`` (error < 1e-17)."""
    z = np.asarray(z, dtype=float)
    inv2 = 1.0 / (z * z)
    acc = np.zeros_like(z)
    for c in reversed(_STIRLING):
        acc = acc * inv2 + c
    return acc / z


def _betaln(a, b):
    r""":math:`\ln B(a, b) = \ln\Gamma(a) + \ln\Gamma(b) - \ln\Gamma(a + b)` without
    the cancellation of the three log-gammas when an argument is large.

    With ``s = min(a, b)``, ``L = max(a, b)`` and ``R(z)`` the Stirling
    remainder of ``ln Gamma``:

    * ``L < 10``: ``scipy.special.betaln`` (no large terms to cancel);
    * ``s < 10 <= L``: ``ln B = ln Gamma(s) - D``,
      ``D = ln Gamma(L + s) - ln Gamma(L) = (L - 1/2) log1p(s/L) + s log(L + s) - s
      + R(L + s) - R(L)``;
    * ``s >= 10``: ``ln B = ln(2 pi)/2 - (a - 1/2) log1p(b/a) - (b - 1/2) log1p(a/b)
      - log(a + b)/2 + R(a) + R(b) - R(a + b)``.

    SciPy's ``betaln(0.5, 5e5)`` is off by 3e-11 relative (the log-gammas
    cancel); this form keeps the absolute error at a few ulp of the terms.
    """
    sc = _special()
    a, b = np.broadcast_arrays(np.asarray(a, dtype=float), np.asarray(b, dtype=float))
    small, large = np.minimum(a, b), np.maximum(a, b)
    out = np.array(sc.betaln(a, b), dtype=float)
    mixed = (large >= _BETALN_LARGE) & (small < _BETALN_LARGE)
    if mixed.any():
        s, L = small[mixed], large[mixed]
        D = ((L - 0.5) * np.log1p(s / L) + s * np.log(L + s) - s
             + _stirling_remainder(L + s) - _stirling_remainder(L))
        out[mixed] = sc.gammaln(s) - D
    both = small >= _BETALN_LARGE
    if both.any():
        x, y = a[both], b[both]
        out[both] = (_HALF_LOG_2PI - (x - 0.5) * np.log1p(y / x) - (y - 0.5) * np.log1p(x / y)
                     - 0.5 * np.log(x + y) + _stirling_remainder(x) + _stirling_remainder(y)
                     - _stirling_remainder(x + y))
    return out


def _newton_direction(H, g):
    r"""The Newton ascent direction :math:`d = -H^{-1} g` for a concave model (``-H`` SPD).

    Solved by Cholesky on ``-H`` (after a symmetric diagonal scaling, which
    makes the factorisation independent of the parameters' units).  Returns
    None where ``-H`` is not positive definite: the caller then takes a safer
    step.
    """
    from ...linalg import cho_factor, cho_solve
    A = -np.asarray(H, dtype=float)
    diag = np.diag(A)
    if not np.all(np.isfinite(A)) or not np.all(diag > 0):
        return None
    D = 1.0 / np.sqrt(diag)
    try:
        with silenced():
            c = cho_factor(A * D[:, None] * D[None, :], lower=True)
            z = cho_solve(c, D * np.asarray(g, dtype=float))
    except LinAlgError:
        return None
    return D * z


def _positive_data(data, name, *, min_size, upper=None):
    """Fit data: finite float64, at least ``min_size`` points, inside ``(0, upper)``."""
    x = as_data(data, name, min_size=min_size).astype(np.float64, copy=False)
    bad = x <= 0 if upper is None else (x <= 0) | (x >= upper)
    if bad.any():
        where = "(0, inf)" if upper is None else f"(0, {upper:g})"
        raise ValueError(f"{name} must lie in the open support {where} for a maximum-likelihood "
                         f"fit, got {x[bad][0]!r}")
    return x


def _warn_limit(what, maxiter):
    warnings.warn(f"{what}: no convergence in maxiter={maxiter} iterations; the estimate "
                  f"is the last iterate", ConvergenceWarning, stacklevel=3)


# ---------------------------------------------------------------------------
# Gamma and chi-squared
# ---------------------------------------------------------------------------
#: Coefficients c_j of the large-k expansion of the Gamma entropy,
#: k + ln Γ(k) + (1 - k) ψ(k) = (1 + ln 2π + ln k)/2 + Σ_j c_j k^{-j}
#: (from the Stirling series of ln Γ and ψ).
_GAMMA_H_SERIES = (-1 / 3, -1 / 12, -1 / 90, 1 / 120, 1 / 210, -1 / 252, -1 / 210, 1 / 240,
                   5 / 594, -1 / 132)
_GAMMA_H_LARGE = 50.0


def _gamma_entropy_standard(k):
    r""":math:`k + \ln\Gamma(k) + (1 - k)\psi(k)`, the entropy of Gamma(k, rate 1).

    For ``k >= 50`` the closed form cancels (terms of size ``k ln k`` leave a
    result of size ``ln k``), so there the Stirling series above is summed
    instead (its first omitted term is below 1e-17 at k = 50).
    """
    sc = _special()
    k = np.asarray(k, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        regular = k + sc.gammaln(k) + (1.0 - k) * sc.digamma(k)
        inv = 1.0 / k
        series = np.zeros_like(k)
        for c in reversed(_GAMMA_H_SERIES):
            series = (series + c) * inv
        large = 0.5 * (1.0 + np.log(2.0 * np.pi) + np.log(k)) + series
    return np.where(k >= _GAMMA_H_LARGE, large, regular)


class _GammaFamily(ContinuousDistribution):
    r"""Shared code of Gamma and ChiSquared: shape ``self._k``, rate ``self._lam``."""

    _k: np.ndarray
    _lam: np.ndarray

    def _support(self):
        low = np.zeros(self.batch_shape)
        return low, low + np.inf

    def _logpdf(self, x):
        sc = _special()
        k, lam = self._k, self._lam
        y = lam * x
        with np.errstate(invalid="ignore"):
            lp = sc.xlogy(k - 1.0, y) - y - sc.gammaln(k) + np.log(lam)
        return np.where(y < np.inf, lp, -np.inf)

    def _cdf(self, x):
        return _special().gammainc(self._k, self._lam * x)

    def _sf(self, x):
        return _special().gammaincc(self._k, self._lam * x)

    def _ppf(self, q):
        return _special().gammaincinv(self._k, q) / self._lam

    def _isf(self, q):
        return _special().gammainccinv(self._k, q) / self._lam

    def _sample(self, rng, shape):
        out = np.asarray(rng.standard_gamma(self._k, size=shape), dtype=float)
        if np.any(self._lam != 1.0):
            out /= self._lam
        return out

    def _mean(self):
        return self._k / self._lam

    def _var(self):
        return self._k / self._lam ** 2

    def _entropy(self):
        return _gamma_entropy_standard(self._k) - np.log(self._lam)


def _gamma_shape_mle(s, maxiter, tol):
    r"""Solve :math:`\ln k - \psi(k) = s` for ``k > 0`` by Newton on ``u = ln k``.

    ``g(u) = u - psi(e^u) - s`` is decreasing and convex in ``u`` (its slope
    ``1 - k psi'(k)`` is negative), so Newton from Minka's start converges
    monotonically after at most one overshoot, and working in ``u`` keeps
    ``k`` positive.
    """
    sc = _special()
    k = (3.0 - s + np.sqrt((s - 3.0) ** 2 + 24.0 * s)) / (12.0 * s)
    step("Minka's starting point", "k0 = (3 - s + sqrt((s - 3)^2 + 24 s)) / (12 s)", k0=k)
    u = np.log(k)
    converged = False
    with section("Newton iterations on ln k - psi(k) = s"):
        for it in range(1, maxiter + 1):
            g = u - sc.digamma(k) - s
            dg = 1.0 - k * sc.polygamma(1, k)
            du = -g / dg
            u = u + du
            k = float(np.exp(u))
            step("Newton step", "u <- u - g(u)/g'(u),  g(u) = u - psi(e^u) - s,  "
                 "g'(u) = 1 - k psi'(k),  k = e^u", iteration=it, k=k, residual=float(g),
                 step=float(du))
            if abs(du) <= tol:
                converged = True
                break
    return k, converged


class Gamma(_GammaFamily):
    r"""The Gamma distribution with shape ``k`` and rate ``lam`` (or ``scale = 1/lam``).

    Parameters
    ----------
    shape : float or array_like
        Shape ``k > 0``.
    rate : float or array_like, optional
        Rate ``lam > 0``; default 1.  Give ``rate`` or ``scale``, not both.
    scale : float or array_like, optional (keyword only)
        Scale ``theta = 1/lam > 0``.

    Attributes
    ----------
    shape, rate : ndarray
        The parameters (``params`` reports them as floats for scalars).
    scale : float or ndarray
        ``1 / rate``.

    Notes
    -----
    On ``x >= 0``, with ``y = lam x``:

    * density, in log space with ``xlogy`` so that ``x = 0`` is exact:
      ``log f(x) = k log(lam) + (k - 1) log(x) - lam x - ln Gamma(k)``,
      coded as ``xlogy(k - 1, y) - y - gammaln(k) + log(lam)``.  At ``x = 0``
      the density is ``inf`` for ``k < 1``, ``lam`` for ``k = 1`` and 0 for
      ``k > 1``.  For large ``k`` the terms of size ``k log k`` cancel, so the
      absolute error of ``log f`` grows like ``k * eps`` (the same formula as
      SciPy's);
    * ``cdf(x) = P(k, y)`` and ``sf(x) = Q(k, y)``, the regularised lower and
      upper incomplete gamma functions, each computed directly
      (``gammainc``/``gammaincc``), so upper tails keep their relative accuracy;
    * ``ppf(q) = P^{-1}(k, q) / lam`` and ``isf(q) = Q^{-1}(k, q) / lam``
      (``gammaincinv``/``gammainccinv``);
    * ``mean = k / lam``, ``var = k / lam^2``;
    * entropy ``H = k - log(lam) + ln Gamma(k) + (1 - k) psi(k)``; for
      ``k >= 50`` the ``k``-dependent part is summed from its Stirling series
      ``(1 + ln 2 pi + ln k)/2 - 1/(3k) - 1/(12k^2) - 1/(90k^3) + ...``
      because the closed form cancels there;
    * sampling: ``X = standard_gamma(k) / lam``.

    Maximum likelihood (``fit``, location fixed at 0): with ``xbar`` the mean
    and ``mean(log x)`` the mean log of the data (the sufficient statistics),
    the likelihood equations are

        ``lam = k / xbar``  and  ``log k - psi(k) = s``,  ``s = log(xbar) - mean(log x) > 0``

    (``s > 0`` by Jensen's inequality unless all points are equal).  ``k``
    is found by Newton on ``u = log k`` from Minka's starting point
    ``k0 = (3 - s + sqrt((s - 3)^2 + 24 s)) / (12 s)``.

    References
    ----------
    N. L. Johnson, S. Kotz and N. Balakrishnan, *Continuous Univariate
    Distributions*, vol. 1, 2nd ed., Wiley (1994), ch. 17.
    T. P. Minka, "Estimating a Gamma distribution" (2002).

    Examples
    --------
    >>> d = Gamma(2.0, rate=3.0)
    >>> round(d.pdf(1.0), 6)             # 3^2 * 1 * e^{-3} / Gamma(2) = 9 e^{-3}
    0.448084
    >>> round(d.cdf(1.0), 6), round(d.sf(1.0), 6)   # 1 - 4 e^{-3}, 4 e^{-3}
    (0.800852, 0.199148)
    >>> round(d.mean(), 12), round(d.var(), 12)      # k/lam, k/lam^2
    (0.666666666667, 0.222222222222)
    >>> round(Gamma(1.0, scale=2.0).ppf(0.5), 12)   # exponential median 2 ln 2
    1.386294361120
    >>> fitted = Gamma.fit([1.0, 2.0, 4.0])
    >>> round(fitted.mean(), 12)                     # the MLE matches the sample mean
    2.333333333333
    """

    _params = ("shape", "rate")

    def __init__(self, shape, rate=None, *, scale=None):
        if rate is not None and scale is not None:
            raise ValueError(f"give rate or scale, not both (got rate={rate!r}, scale={scale!r})")
        self.shape = param(shape, "shape", positive=True)
        if scale is not None:
            theta = param(scale, "scale", positive=True)
            with np.errstate(divide="ignore", over="ignore"):
                self.rate = 1.0 / theta
            if not np.all(np.isfinite(self.rate)):
                raise ValueError(f"scale must be > 0 with a finite reciprocal, got {scale!r}")
        else:
            self.rate = param(1.0 if rate is None else rate, "rate", positive=True)
        self._k = self.shape
        self._lam = self.rate

    @property
    def scale(self):
        """The scale ``1 / rate``."""
        return _scalar(1.0 / self.rate)

    @classmethod
    def fit(cls, data, *, maxiter: int = 100, tol: float = 1e-14):
        r"""Maximum-likelihood Gamma (location fixed at 0) from positive data.

        Parameters
        ----------
        data : (n,) array_like
            Positive observations, at least 2 and not all equal.
        maxiter : int, default 100
            Newton iteration limit (``ConvergenceWarning`` when reached).
        tol : float, default 1e-14
            Stop when the Newton step in ``log k`` is below ``tol``.

        Returns
        -------
        Gamma
            ``Gamma(k, rate=k / xbar)``.

        Notes
        -----
        ``s = log(xbar) - mean(log x)``; Newton on ``log k - psi(k) = s`` in
        ``u = log k`` from Minka's start; ``lam = k / xbar``.

        Raises
        ------
        ValueError
            Fewer than 2 points, a point ``<= 0``, or all points equal (the
            shape MLE is infinite).

        Examples
        --------
        >>> d = Gamma.fit([0.5, 1.0, 1.5, 3.0])
        >>> round(d.params["shape"] / d.params["rate"], 12)   # k / lam = xbar = 1.5
        1.5
        """
        x = _positive_data(data, "data", min_size=2)
        xbar = float(x.mean())
        mean_log = float(np.log(x).mean())
        s = float(np.log(xbar) - mean_log)
        step("Sufficient statistics", "xbar = mean(x),  mean(log x),  s = log(xbar) - mean(log x)",
             n=x.size, xbar=xbar, mean_log_x=mean_log, s=s)
        if not s > 0:
            raise ValueError("data are all equal (s = log(mean) - mean(log) = 0): the shape "
                             "MLE is infinite")
        k, converged = _gamma_shape_mle(s, maxiter, tol)
        if not converged:
            _warn_limit("Gamma.fit", maxiter)
        lam = k / xbar
        step("Result", "lam = k / xbar", shape=k, rate=lam)
        return cls(k, rate=lam)


class ChiSquared(_GammaFamily):
    r"""The chi-squared distribution with ``df`` degrees of freedom: ``Gamma(df/2, rate=1/2)``.

    Parameters
    ----------
    df : float or array_like
        Degrees of freedom ``nu > 0`` (need not be an integer).

    Notes
    -----
    With ``k = nu/2`` and ``lam = 1/2`` every formula is the Gamma one (the
    code is shared):

    * ``log f(x) = (k - 1) log(x/2) - x/2 - ln Gamma(k) - log 2``;
    * ``cdf(x) = P(nu/2, x/2)``, ``sf(x) = Q(nu/2, x/2)``;
    * ``ppf(q) = 2 P^{-1}(nu/2, q)``, ``isf(q) = 2 Q^{-1}(nu/2, q)``;
    * ``mean = nu``, ``var = 2 nu``;
    * entropy ``nu/2 + log 2 + ln Gamma(nu/2) + (1 - nu/2) psi(nu/2)``;
    * sampling ``X = 2 standard_gamma(nu/2)``.

    Maximum likelihood: the score equation of ``n`` points is
    ``psi(nu/2) = mean(log x) - log 2 = mean(log(x/2))``; it is solved by Newton
    on ``u = log(nu/2)`` (``psi(e^u)`` is increasing and concave in ``u``) from
    Minka's approximate inverse digamma ``k0 = exp(c) + 1/2`` (``c >= -2.22``)
    or ``-1/(c + gamma)`` (``c < -2.22``), ``c = mean(log(x/2))``.

    References
    ----------
    N. L. Johnson, S. Kotz and N. Balakrishnan, *Continuous Univariate
    Distributions*, vol. 1, 2nd ed., Wiley (1994), ch. 18.
    T. P. Minka, "Estimating a Dirichlet distribution" (2000), appendix C.

    Examples
    --------
    >>> d = ChiSquared(2)                  # the exponential with mean 2
    >>> round(d.cdf(2.0), 6), round(d.sf(2.0), 6)     # 1 - e^{-1}, e^{-1}
    (0.632121, 0.367879)
    >>> d.mean(), d.var()
    (2.0, 4.0)
    >>> round(ChiSquared(1).isf(0.05), 6)             # the two-sided 5% point of N(0,1), squared
    3.841459
    >>> round(ChiSquared.fit([2 * np.exp(-np.euler_gamma)]).params["df"], 9)   # psi(1) = -gamma
    2.0
    """

    _params = ("df",)

    def __init__(self, df):
        self.df = param(df, "df", positive=True)
        self._k = 0.5 * self.df
        self._lam = np.asarray(0.5)

    def _sample(self, rng, shape):
        out = np.asarray(rng.standard_gamma(self._k, size=shape), dtype=float)
        out *= 2.0
        return out

    @classmethod
    def fit(cls, data, *, maxiter: int = 100, tol: float = 1e-14):
        r"""Maximum-likelihood degrees of freedom from positive data.

        Parameters
        ----------
        data : (n,) array_like
            Positive observations (at least one).
        maxiter : int, default 100
            Newton iteration limit (``ConvergenceWarning`` when reached).
        tol : float, default 1e-14
            Stop when the Newton step in ``log(nu/2)`` is below ``tol``.

        Returns
        -------
        ChiSquared

        Notes
        -----
        Newton on ``h(u) = psi(e^u) - c``, ``c = mean(log(x/2))``,
        ``h'(u) = e^u psi'(e^u)``, ``nu = 2 e^u``.

        Examples
        --------
        >>> d = ChiSquared.fit([1.0, 2.0, 3.0])
        >>> from scipy.special import digamma
        >>> c = float(np.mean(np.log(np.array([1.0, 2.0, 3.0]) / 2)))
        >>> abs(float(digamma(d.params["df"] / 2)) - c) < 1e-12          # psi(df/2) = mean(log(x/2))
        True
        """
        sc = _special()
        x = _positive_data(data, "data", min_size=1)
        mean_log = float(np.log(x).mean())
        c = mean_log - float(np.log(2.0))
        step("Sufficient statistic", "c = mean(log x) - log 2 = psi(df/2) at the MLE",
             n=x.size, mean_log_x=mean_log, c=c)
        k = float(np.exp(c) + 0.5) if c >= -2.22 else float(-1.0 / (c + np.euler_gamma))
        step("Starting point (approximate inverse digamma)",
             "k0 = exp(c) + 1/2 (c >= -2.22),  -1/(c + gamma) (c < -2.22)", df0=2 * k)
        u = np.log(k)
        converged = False
        with section("Newton iterations on psi(df/2) = c"):
            for it in range(1, maxiter + 1):
                h = sc.digamma(k) - c
                dh = k * sc.polygamma(1, k)
                du = -h / dh
                u = u + du
                k = float(np.exp(u))
                step("Newton step", "u <- u - (psi(e^u) - c) / (e^u psi'(e^u)),  df = 2 e^u",
                     iteration=it, df=2 * k, residual=float(h), step=float(du))
                if abs(du) <= tol:
                    converged = True
                    break
        if not converged:
            _warn_limit("ChiSquared.fit", maxiter)
        step("Result", "df = 2 k", df=2 * k)
        return cls(2.0 * k)


# ---------------------------------------------------------------------------
# Beta
# ---------------------------------------------------------------------------
def _beta_gamma_ratio(rng, a, b, shape):
    """Beta variates ``G_a / (G_a + G_b)`` (used where ``max(a, b) >= 1``: no ``0/0``)."""
    ga = np.asarray(rng.standard_gamma(a, size=shape), dtype=float)
    gb = np.asarray(rng.standard_gamma(b, size=shape), dtype=float)
    gb += ga
    ga /= gb
    return ga


def _beta_johnk(rng, a, b, shape):
    r"""Beta variates by Jöhnk's rejection method (for ``a, b < 1``).

    ``X = U^{1/a}``, ``Y = V^{1/b}`` with ``U, V`` uniform; accept when
    ``X + Y <= 1`` and return ``X / (X + Y)``.  The acceptance rate
    ``Gamma(a+1) Gamma(b+1) / Gamma(a+b+1)`` is at least 1/2 for ``a, b < 1``;
    the loop runs over rejection rounds (on the still-rejected points), not
    over points.  When ``min(a, b) >= 0.1`` the powers are formed directly
    (``X`` underflows with probability below ``e^{-74}``); for smaller shapes
    everything stays in log space: ``lx = log(U)/a``, ``ly = log(V)/b``,
    ``m = max(lx, ly)``, accept when ``m + log(e^{lx-m} + e^{ly-m}) <= 0`` and
    return ``e^{lx-m} / (e^{lx-m} + e^{ly-m})`` — never ``0/0``.
    """
    size = int(np.prod(shape, dtype=np.int64))
    a = np.broadcast_to(a, shape).reshape(-1) if np.ndim(a) else a
    b = np.broadcast_to(b, shape).reshape(-1) if np.ndim(b) else b
    in_logs = min(np.min(a), np.min(b)) < 0.1
    out = np.empty(size)
    todo = None                           # None: every point (first round)
    while todo is None or todo.size:
        k = size if todo is None else todo.size
        a_k = a if np.ndim(a) == 0 or todo is None else a[todo]
        b_k = b if np.ndim(b) == 0 or todo is None else b[todo]
        uv = rng.random((2, k))
        with np.errstate(divide="ignore", invalid="ignore", under="ignore"):
            np.log(uv, out=uv)
            uv[0] /= a_k
            uv[1] /= b_k
            if in_logs:
                m = np.maximum(uv[0], uv[1])
                uv -= m
                np.exp(uv, out=uv)
                x, s = uv[0], uv[1]
                s += x
                ok = np.log(s)
                ok += m
                ok = ok <= 0.0
            else:
                np.exp(uv, out=uv)
                x, s = uv[0], uv[1]
                s += x
                ok = s <= 1.0
            x /= s
        if todo is None:
            out[ok] = x[ok]
            todo = np.flatnonzero(~ok)
        else:
            out[todo[ok]] = x[ok]
            todo = todo[~ok]
    return out.reshape(shape)


class Beta(ContinuousDistribution):
    r"""The Beta distribution on ``[0, 1]`` with shapes ``a`` and ``b``.

    Parameters
    ----------
    a, b : float or array_like
        Shapes ``a > 0``, ``b > 0``.

    Notes
    -----
    * density in log space (``xlogy``/``xlog1py`` keep the boundaries exact):
      ``log f(x) = (a - 1) log(x) + (b - 1) log1p(-x) - ln B(a, b)``.  At
      ``x = 0`` the density is ``inf`` for ``a < 1``, ``b`` for ``a = 1`` and 0
      for ``a > 1``; at ``x = 1`` likewise with ``b``;
    * ``cdf(x) = I_x(a, b)`` (``betainc``) and
      ``sf(x) = I_{1-x}(b, a) = 1 - I_x(a, b)``, computed directly as the
      complementary incomplete beta ``betaincc(a, b, x)`` — which is
      ``I_{1-x}(b, a)`` evaluated without rounding ``1 - x`` — where it is
      below 1/2, and as ``1 - I_x(a, b)`` (exact to rounding) where it is
      not;
    * ``ppf(q) = I^{-1}(a, b; q)`` (``betaincinv``, with ``1 - x`` from the
      complementary inverse ``betainccinv`` where it is the small side, and a
      Newton polish in ``log x`` in the far left tail where SciPy's inverse
      gives up); ``isf(q)`` solves ``I_{1-x}(b, a) = q`` the same way;
    * ``mean = a / (a + b)``, ``var = a b / ((a + b)^2 (a + b + 1))``;
    * entropy ``ln B(a, b) - (a - 1) psi(a) - (b - 1) psi(b) + (a + b - 2) psi(a + b)``
      (it cancels for very large ``a, b``: absolute error about
      ``(a + b) eps``);
    * sampling ``X = G_a / (G_a + G_b)`` with ``G ~ standard_gamma`` where
      ``max(a, b) >= 1`` (then ``G_a + G_b`` cannot underflow: no ``0/0``);
      where both shapes are below 1, Jöhnk's rejection method: ``X = U^{1/a}``,
      ``Y = V^{1/b}`` (``U, V`` uniform), accept when ``X + Y <= 1``, return
      ``X / (X + Y)``; for shapes below 0.1 it runs in log space
      (``lx = log(U)/a``, ``m = max(lx, ly)``, accept when
      ``m + log(e^{lx-m} + e^{ly-m}) <= 0``) — no underflow to ``0/0``
      however small ``a, b`` are.

    Maximum likelihood on data in ``(0, 1)``, with the sufficient statistics
    ``L1 = mean(log x)`` and ``L2 = mean(log(1 - x))``: the score equations

        ``psi(a) - psi(a + b) = L1``,  ``psi(b) - psi(a + b) = L2``

    are solved by Newton on the (strictly concave) log-likelihood
    ``l(a, b)/n = (a - 1) L1 + (b - 1) L2 - ln B(a, b)`` with Hessian
    ``-[[psi'(a) - psi'(a+b), -psi'(a+b)], [-psi'(a+b), psi'(b) - psi'(a+b)]]``,
    step halving to stay positive and uphill, from the method-of-moments start
    ``a0 = m c``, ``b0 = (1 - m) c``, ``c = m (1 - m) / v - 1``.

    References
    ----------
    N. L. Johnson, S. Kotz and N. Balakrishnan, *Continuous Univariate
    Distributions*, vol. 2, 2nd ed., Wiley (1995), ch. 25.
    M. D. Jöhnk, "Erzeugung von betaverteilten und gammaverteilten
    Zufallszahlen", *Metrika* 8 (1964) 5–15.

    Examples
    --------
    >>> d = Beta(2.0, 3.0)
    >>> round(d.pdf(0.5), 12)          # 12 * 0.5 * 0.5^2 (1/B(2,3) = 12)
    1.5
    >>> d.cdf(0.5), d.sf(0.5)          # 11/16, 5/16
    (0.6875, 0.3125)
    >>> round(d.mean(), 12), round(d.var(), 12)   # 2/5, 6/(25*6)
    (0.4, 0.04)
    >>> Beta(1.0, 1.0).ppf(0.25)       # the uniform
    0.25
    """

    _params = ("a", "b")

    def __init__(self, a, b):
        self.a = param(a, "a", positive=True)
        self.b = param(b, "b", positive=True)

    def _support(self):
        low = np.zeros(self.batch_shape)
        return low, low + 1.0

    def _logpdf(self, x):
        sc = _special()
        a, b = self.a, self.b
        return sc.xlogy(a - 1.0, x) + sc.xlog1py(b - 1.0, -x) - _betaln(a, b)

    def _cdf(self, x):
        return _special().betainc(self.a, self.b, x)

    def _sf(self, x):
        return _betaincc(self.a, self.b, x)

    def _ppf(self, q):
        return _beta_inverse_pair(self.a, self.b, q)[0]

    def _isf(self, q):
        return _beta_inverse_pair(self.b, self.a, q)[1]

    def _sample(self, rng, shape):
        a, b = self.a, self.b
        small = (a < 1.0) & (b < 1.0)
        if not small.any():
            return _beta_gamma_ratio(rng, a, b, shape)
        if small.all():
            return _beta_johnk(rng, a, b, shape)
        a_full, b_full = (np.broadcast_to(v, shape) for v in (a, b))
        use_j = np.broadcast_to(small, shape)
        out = np.empty(shape)
        out[use_j] = _beta_johnk(rng, a_full[use_j], b_full[use_j], (int(use_j.sum()),))
        rest = ~use_j
        out[rest] = _beta_gamma_ratio(rng, a_full[rest], b_full[rest], (int(rest.sum()),))
        return out

    def _mean(self):
        return self.a / (self.a + self.b)

    def _var(self):
        a, b = self.a, self.b
        ab = a + b
        return a * b / (ab * ab * (ab + 1.0))

    def _entropy(self):
        sc = _special()
        a, b = self.a, self.b
        return (_betaln(a, b) - (a - 1.0) * sc.digamma(a) - (b - 1.0) * sc.digamma(b)
                + (a + b - 2.0) * sc.digamma(a + b))

    @classmethod
    def fit(cls, data, *, maxiter: int = 200, tol: float = 1e-13):
        r"""Maximum-likelihood Beta from data in ``(0, 1)``.

        Parameters
        ----------
        data : (n,) array_like
            Observations strictly between 0 and 1, at least 2, not all equal.
        maxiter : int, default 200
            Newton iteration limit (``ConvergenceWarning`` when reached).
        tol : float, default 1e-13
            Stop when the relative Newton step ``max |delta| / (a, b)`` is below it.

        Returns
        -------
        Beta

        Notes
        -----
        Newton ``(a, b) <- (a, b) - H^{-1} g`` on ``l/n = (a-1) L1 + (b-1) L2 - ln B(a, b)``,
        ``g = (L1 - psi(a) + psi(a+b), L2 - psi(b) + psi(a+b))``, halving the
        step while it leaves the quadrant or lowers ``l``.

        Examples
        --------
        >>> d = Beta.fit([0.2, 0.4, 0.5, 0.7])
        >>> from scipy.special import digamma
        >>> L1 = float(np.mean(np.log([0.2, 0.4, 0.5, 0.7])))
        >>> abs(float(digamma(d.a) - digamma(d.a + d.b)) - L1) < 1e-12   # first score equation
        True
        """
        sc = _special()
        x = _positive_data(data, "data", min_size=2, upper=1.0)
        L1 = float(np.log(x).mean())
        L2 = float(np.log1p(-x).mean())
        m = float(x.mean())
        v = float(x.var())
        step("Sufficient statistics", "L1 = mean(log x),  L2 = mean(log(1 - x))",
             n=x.size, L1=L1, L2=L2, mean=m, var=v)
        if not v > 0:
            raise ValueError("data are all equal (variance 0): the Beta MLE does not exist "
                             "(a, b -> inf)")
        common = m * (1.0 - m) / v - 1.0
        if not common > 0:          # only by rounding: v < m (1 - m) for data in (0, 1)
            common = 1.0
        a, b = m * common, (1.0 - m) * common
        step("Method-of-moments start", "c = m (1 - m) / v - 1,  a0 = m c,  b0 = (1 - m) c",
             a0=a, b0=b)

        def loglik(a, b):
            return (a - 1.0) * L1 + (b - 1.0) * L2 - float(_betaln(a, b))

        ll = loglik(a, b)
        converged = False
        with section("Newton iterations on the Beta log-likelihood"):
            for it in range(1, maxiter + 1):
                psi_ab = float(sc.digamma(a + b))
                g = np.array([L1 - float(sc.digamma(a)) + psi_ab,
                              L2 - float(sc.digamma(b)) + psi_ab])
                t_ab = float(sc.polygamma(1, a + b))
                H = -np.array([[float(sc.polygamma(1, a)) - t_ab, -t_ab],
                               [-t_ab, float(sc.polygamma(1, b)) - t_ab]])
                d = _newton_direction(H, g)
                if d is None:       # -H is SPD in exact arithmetic; guard against rounding
                    d = g * np.array([a, b]) ** 2
                alpha = 1.0
                for _ in range(60):
                    a_new, b_new = a + alpha * d[0], b + alpha * d[1]
                    if a_new > 0 and b_new > 0:
                        ll_new = loglik(a_new, b_new)
                        if ll_new >= ll - 1e-15 * abs(ll):
                            break
                    alpha *= 0.5
                else:
                    a_new, b_new, ll_new = a, b, ll
                rel = max(abs(a_new - a) / a_new, abs(b_new - b) / b_new)
                a, b, ll = a_new, b_new, ll_new
                step("Newton step", "(a, b) <- (a, b) - alpha H^{-1} g", iteration=it, a=a, b=b,
                     loglik_per_point=ll, grad=g, alpha=alpha)
                if rel <= tol:
                    converged = True
                    break
        if not converged:
            _warn_limit("Beta.fit", maxiter)
        step("Result", "psi(a) - psi(a+b) = L1,  psi(b) - psi(a+b) = L2", a=a, b=b)
        return cls(a, b)
