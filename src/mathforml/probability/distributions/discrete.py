r"""Discrete distributions: Bernoulli, Binomial, Poisson, Categorical, Multinomial
and the negative binomial.

Each distribution is a frozen object with validated parameters (arrays make a
batch of distributions), the log-mass computed in log space, and the two tails
computed directly from the regularised incomplete beta and gamma functions
(``scipy.special.betainc``/``betaincc``/``gammainc``/``gammaincc``), so that
upper-tail probabilities keep their relative accuracy.

Numerical decisions
-------------------
* **Log-mass by Loader's saddle-point form.**  The binomial log-mass is, by
  definition, :math:`\ln\binom{n}{k} + k\ln p + (n-k)\ln(1-p)` with
  :math:`\ln\binom{n}{k} = \ln\Gamma(n+1) - \ln\Gamma(k+1) - \ln\Gamma(n-k+1)`.
  Evaluated literally with ``gammaln`` the three log-gammas are of size
  :math:`n\ln n` (about :math:`1.3\cdot 10^7` at :math:`n = 10^6`) and cancel
  to a number of size 10, losing about nine digits.  We evaluate the same
  quantity in the form of Loader (2000), used by R's ``dbinom``:

  .. math::
      \ln f(x; n, p) = \delta(n) - \delta(x) - \delta(n-x)
          - D(x, np) - D(n-x, nq) - \tfrac12 \ln\frac{2\pi x (n-x)}{n},

  with the Stirling remainder :math:`\delta(x) = \ln\Gamma(x+1) - (x+\tfrac12)\ln x
  + x - \tfrac12\ln 2\pi` (a table for whole :math:`x \le 15`, its asymptotic
  series above 15) and the deviance term
  :math:`D(x, M) = x\ln(x/M) + M - x \ge 0` (a series in
  :math:`v = (x-M)/(x+M)` when :math:`x \approx M`).  The :math:`\delta` terms
  are small and the deviances are non-negative and computed without
  cancellation, so the result keeps full relative accuracy at any size.
  The edges use the exact forms :math:`\ln f(0) = n\,\mathrm{log1p}(-p)` and
  :math:`\ln f(n) = n\ln p` (``xlog1py``/``xlogy``, so :math:`p = 0` and
  :math:`p = 1` are exact).  The Poisson log-mass is the limit
  :math:`-\delta(k) - D(k, \lambda) - \tfrac12\ln 2\pi k` of the same form
  (:math:`-\lambda` at :math:`k = 0`), and the negative binomial reuses the
  binomial kernel through :math:`f(k; r, p) = \frac{r}{r+k} f_{\text{bin}}(r; r+k, p)`.
* **Tails directly.**  Binomial :math:`F(k) = 1 - I_p(k+1, n-k) = I_{1-p}(n-k, k+1)`
  (with :math:`1 - p` never rounded where it matters: see below), and
  :math:`S(k) = I_p(k+1, n-k)`; Poisson :math:`F(k) = Q(k+1, \lambda)`,
  :math:`S(k) = P(k+1, \lambda)`; negative binomial :math:`F(k) = I_p(r, k+1)`,
  :math:`S(k) = 1 - I_p(r, k+1) = I_{1-p}(k+1, r)`.  Of each complementary
  pair the *small* tail is always evaluated directly; the other (about 1/2 or
  more: the side is chosen by the beta mean) may be formed as one minus it,
  which loses nothing.  Where the small tail is
  :math:`I_{1-p}(\cdot,\cdot)`, the rounding of :math:`1-p` is corrected to first
  order with the beta density (see ``_complement_of_betainc``); ``betaincc``,
  several times slower in SciPy, is the fallback.  Bernoulli and Categorical
  tails are sums; the Categorical survival function is the sum of the upper
  part, never ``1 - cdf``.
* **Poisson rate 0 is rejected** (``rate must be > 0``): SciPy accepts ``mu = 0``
  as a point mass at 0, but that is a degenerate distribution, and the MLE of
  all-zero data is then not a Poisson in our sense either, so ``fit`` raises
  ``ValueError`` there too.
* **Quantiles** of the count distributions are found by a vectorised integer
  search (a bracket grown geometrically from a normal-approximation guess,
  then bisection on the cdf), giving the smallest :math:`k` with
  :math:`F(k) \ge q`; ``isf`` searches the survival function directly.  As in
  SciPy, ``ppf(0)`` is one below the support and ``ppf(1)`` its top.
* **Entropies** without a closed form (Binomial, Poisson, negative binomial,
  Multinomial) are sums of :math:`-f\ln f` over the support truncated to
  :math:`[\mathrm{ppf}(10^{-17}), \mathrm{isf}(10^{-17})]`, vectorised over the
  batch and evaluated in blocks of about :math:`2^{20}` terms.  The cost grows
  with that width: about :math:`10^4` terms for Binomial(:math:`10^6`, 1/2),
  but :math:`4\cdot 10^9` for NegativeBinomial(0.5, :math:`10^{-8}`), which is
  then slow.

References
----------
C. Loader, "Fast and accurate computation of binomial probabilities", 2000.
N. L. Johnson, A. W. Kemp and S. Kotz, *Univariate Discrete Distributions*, 3rd ed., Wiley, 2005.
"""
from __future__ import annotations

import math
import warnings

import numpy as np

from ...exceptions import ConvergenceWarning
from ...explain import step
from ._base import (DiscreteDistribution, _scalar, as_data, as_points, param,
                    probability_vector, sample_shape)
from ..._validation import as_rng

__all__ = ["Bernoulli", "Binomial", "Poisson", "Categorical", "Multinomial", "NegativeBinomial"]

_LN_2PI = math.log(2.0 * math.pi)
_LN_SQRT_2PI = 0.5 * _LN_2PI

# delta(k) = lnGamma(k+1) - (k + 1/2) ln k + k - ln sqrt(2 pi) for k = 0..15,
# computed with mpmath at 40 digits (delta(0) is a placeholder: never used).
_STIRLERR_TABLE = np.array([
    0.0, 0.08106146679532726, 0.0413406959554093, 0.02767792568499834,
    0.020790672103765093, 0.016644691189821193, 0.013876128823070748,
    0.01189670994589177, 0.010411265261972096, 0.009255462182712733,
    0.00833056343336287, 0.007573675487951841, 0.00694284010720953,
    0.006408994188004207, 0.0059513701127588475, 0.005554733551962801,
])

#: Tail mass left out of the truncated entropy sums.
_ENTROPY_TAIL = 1e-17


# ---------------------------------------------------------------------------
# Numerical kernels
# ---------------------------------------------------------------------------
def _stirlerr(x):
    r"""Stirling's remainder :math:`\delta(x) = \ln\Gamma(x+1) - (x+\frac12)\ln x + x - \ln\sqrt{2\pi}`.

    For :math:`x > 15` the asymptotic series
    :math:`\frac{1}{12x} - \frac{1}{360x^3} + \frac{1}{1260x^5} - \frac{1}{1680x^7} + \frac{1}{1188x^9}`
    (next term below :math:`2.3\cdot 10^{-16}`); whole :math:`x \le 15` from a
    table; other :math:`0 < x \le 15` from ``gammaln`` (absolute error about
    :math:`10^{-14}`).  ``x`` must be > 0.

    >>> round(float(_stirlerr(np.array(1.0))), 12)   # 1 - ln sqrt(2 pi)
    0.081061466795
    """
    from scipy.special import gammaln

    x = np.asarray(x, dtype=float)
    out = np.empty(x.shape)
    big = x > 15.0
    xb = x[big]
    xi = 1.0 / xb
    xi2 = xi * xi
    out[big] = (1.0 / 12 - (1.0 / 360 - (1.0 / 1260 - (1.0 / 1680 - xi2 / 1188) * xi2) * xi2)
                * xi2) * xi
    small = ~big
    xs = x[small]
    whole = xs == np.floor(xs)
    vals = np.empty(xs.shape)
    vals[whole] = _STIRLERR_TABLE[xs[whole].astype(np.intp)]
    xf = xs[~whole]
    vals[~whole] = gammaln(xf + 1.0) - (xf + 0.5) * np.log(xf) + xf - _LN_SQRT_2PI
    out[small] = vals
    return out


def _bd0(x, M):
    r"""The deviance term :math:`D(x, M) = x\ln(x/M) + M - x \ge 0` for ``x >= 0, M > 0``.

    Where :math:`|x - M| < 0.1(x + M)` the direct form cancels; there
    :math:`D = (x-M)v + 2x\sum_{j\ge1} v^{2j+1}/(2j+1)` with
    :math:`v = (x-M)/(x+M)`, summed until the terms no longer change it.

    >>> round(float(_bd0(np.array(2.0), np.array(1.0))), 12)   # 2 ln 2 - 1
    0.386294361120
    """
    from scipy.special import xlogy

    x, M = np.broadcast_arrays(np.asarray(x, dtype=float), np.asarray(M, dtype=float))
    out = np.empty(x.shape)
    d = x - M
    close = np.abs(d) < 0.1 * (x + M)
    far = ~close
    xf, Mf = x[far], M[far]
    out[far] = xlogy(xf, xf / Mf) + Mf - xf
    xc, dc = x[close], d[close]
    v = dc / (xc + M[close])
    s = dc * v
    ej = 2.0 * xc * v
    v2 = v * v
    for j in range(1, 200):
        ej = ej * v2
        s_new = s + ej / (2 * j + 1)
        if np.array_equal(s_new, s):
            break
        s = s_new
    out[close] = s
    return out


def _log_binom_kernel(x, y, p, q):
    r"""Log of :math:`\binom{x+y}{x} p^x q^y` for real ``x, y >= 0`` (Loader's form).

    ``q`` is ``1 - p`` supplied by the caller.  Exact edges: ``x = 0`` gives
    :math:`y\,\mathrm{log1p}(-p)`, ``y = 0`` gives :math:`x \ln p`; otherwise
    :math:`\delta(n) - \delta(x) - \delta(y) - D(x, np) - D(y, nq) - \frac12\ln(2\pi x y / n)`
    with :math:`n = x + y`; :math:`-\infty` when ``p`` or ``q`` is 0 there.
    """
    from scipy.special import xlog1py, xlogy

    x, y, p, q = np.broadcast_arrays(*(np.asarray(a, dtype=float) for a in (x, y, p, q)))
    out = np.full(x.shape, -np.inf)
    zero = x == 0
    out[zero] = xlog1py(y[zero], -p[zero])
    full = (y == 0) & ~zero
    out[full] = xlogy(x[full], p[full])
    mid = (x > 0) & (y > 0) & (p > 0) & (q > 0)
    xm, ym, pm, qm = x[mid], y[mid], p[mid], q[mid]
    nm = xm + ym
    lc = (_stirlerr(nm) - _stirlerr(xm) - _stirlerr(ym)
          - _bd0(xm, nm * pm) - _bd0(ym, nm * qm))
    lf = _LN_2PI + np.log(xm) + np.log(ym) - np.log(nm)
    out[mid] = lc - 0.5 * lf
    return out


def _log_poisson_kernel(k, lam):
    r"""Log of :math:`\lambda^k e^{-\lambda}/k!` for ``k >= 0``, ``lam > 0`` (Loader's form):
    :math:`-\lambda` at 0, else :math:`-\delta(k) - D(k, \lambda) - \frac12\ln(2\pi k)`."""
    k, lam = np.broadcast_arrays(np.asarray(k, dtype=float), np.asarray(lam, dtype=float))
    out = np.empty(k.shape)
    zero = k == 0
    out[zero] = -lam[zero]
    km, lm = k[~zero], lam[~zero]
    out[~zero] = -_stirlerr(km) - _bd0(km, lm) - 0.5 * (_LN_2PI + np.log(km))
    return out


def _gather(table, k):
    """``table[..., k]`` with ``k`` (whole floats) broadcast against the table's batch shape."""
    shape = np.broadcast_shapes(np.shape(k), table.shape[:-1])
    k = np.asarray(k)
    idx = np.broadcast_to(np.where(np.isfinite(k), k, 0).astype(np.intp), shape)
    T = np.broadcast_to(table, shape + table.shape[-1:])
    return np.take_along_axis(T, idx[..., None], axis=-1)[..., 0]


def _complement_of_betainc(a, b, x):
    r""":math:`1 - I_x(a, b) = I_{1-x}(b, a)` with relative accuracy in both tails.

    Below the mean of Beta(a, b), :math:`x \le a/(a+b)`, the value
    :math:`I_x(a, b)` is at most about 1/2 and the complement
    :math:`1 - I_x` (``betainc`` with ``x`` entering exactly) loses nothing.
    Above it the complement is the *small* tail and is computed directly as
    :math:`I_y(b, a)` at :math:`y = 1 - x`: the rounded
    :math:`y_{hi} = \mathrm{fl}(1 - x)` and its exact error
    :math:`y_{lo} = (1 - y_{hi}) - x` (both steps exact) give

    .. math::
        I_y(b, a) = I_{y_{hi}}(b, a) + y_{lo}\,\frac{y_{hi}^{b-1}(1-y_{hi})^{a-1}}{B(b, a)}
                    + O(y_{lo}^2),

    the first-order term being the beta density (in log space).  It
    matters: at :math:`n = 10^6` the rounding of :math:`1 - p` alone moves the
    binomial cdf by :math:`5\cdot 10^{-11}` relative.  Where the correction is
    not small (relative size above :math:`10^{-6}`), ``betaincc(a, b, x)`` is
    used instead (exact input, but several times slower in SciPy).
    """
    from scipy.special import betainc, betaincc, betaln, gammaln, xlogy

    a, b, x = np.broadcast_arrays(*(np.asarray(v, dtype=float) for v in (a, b, x)))
    small = x * (a + b) > a                     # above the mean: the complement is small
    out = np.empty(a.shape)
    big = ~small
    out[big] = 1.0 - betainc(a[big], b[big], x[big])
    if small.any():
        a_s, b_s, x_s = a[small], b[small], x[small]
        y_hi = 1.0 - x_s
        y_lo = (1.0 - y_hi) - x_s
        upper = betainc(b_s, a_s, y_hi)
        # the correction needs few digits: ln B(b, a) from three gammaln (cheaper than
        # betaln), which cancel harmlessly below a + b = 1e12
        log_B = gammaln(a_s) + gammaln(b_s) - gammaln(a_s + b_s)
        huge = a_s + b_s > 1e12
        if huge.any():
            log_B[huge] = betaln(b_s[huge], a_s[huge])
        density = np.exp(xlogy(b_s - 1.0, y_hi) + xlogy(a_s - 1.0, 1.0 - y_hi) - log_B)
        correction = y_lo * density
        direct = upper + correction
        bad = ~(np.abs(correction) <= 1e-6 * upper)
        bad &= correction != 0
        if bad.any():
            direct[bad] = betaincc(a_s[bad], b_s[bad], x_s[bad])
        out[small] = direct
    return out


def _edges(q, k, low, high, *, upper):
    """SciPy's quantile conventions at the ends: ``ppf(0) = isf(1) = low - 1``,
    ``ppf(1) = isf(0) = high``; NaN stays NaN."""
    at_low, at_high = (q >= 1.0, q <= 0.0) if upper else (q <= 0.0, q >= 1.0)
    out = np.where(at_low, low - 1.0, np.where(at_high, high, k))
    return np.where(np.isnan(q), np.nan, out)


def _direct_mass(dist, x, mass):
    """The mass ``mass(k)`` at whole ``k`` in the support, 0 elsewhere, NaN at NaN."""
    x = as_points(x)
    inside = dist._valid_points(x)
    out = np.where(inside, mass(np.where(inside, x, 0.0)), 0.0)
    return _scalar(np.where(np.isnan(x), np.nan, out))


def _counts(data, name="data"):
    """1-D data of non-negative whole numbers (counts) as a float array."""
    x = as_data(data, name)
    bad = (x < 0) | (x != np.floor(x))
    if bad.any():
        raise ValueError(f"{name} must hold non-negative whole numbers (counts), "
                         f"got {x[bad][0]:g}")
    return x


# ---------------------------------------------------------------------------
# Count distributions on 0, 1, 2, ... with a quantile search and truncated sums
# ---------------------------------------------------------------------------
class _CountDistribution(DiscreteDistribution):
    """Shared machinery of the distributions on {0, 1, ..., high}: the integer
    quantile search and sums over the support truncated at negligible tails."""

    def _log_mass(self, k, *params):  # pragma: no cover - abstract
        """The log-mass at whole ``k`` inside the support, for explicit parameters."""
        raise NotImplementedError

    def _logpdf(self, k):
        return self._log_mass(k, *(getattr(self, name) for name in self._params))

    def _cdf_int(self, k):
        low, high = self._support()
        kc = np.clip(k, low, high)
        return np.where(k < low, 0.0, np.where(k >= high, 1.0, self._cdf(kc)))

    def _sf_int(self, k):
        low, high = self._support()
        kc = np.clip(k, low, high)
        return np.where(k < low, 1.0, np.where(k >= high, 0.0, self._sf(kc)))

    def _search(self, q, upper):
        r"""Smallest whole ``k`` with ``cdf(k) >= q`` (or ``sf(k) <= q`` when ``upper``).

        A normal-approximation guess :math:`\mu + z\sigma`, a bracket grown by
        doubling steps on either side, then bisection; every round evaluates
        the tail function on the whole array at once.
        """
        from scipy.special import erfcinv

        low, high = self._support()
        shape = np.broadcast_shapes(np.shape(q), self.batch_shape)
        q = np.broadcast_to(q, shape).astype(float)
        nan = np.isnan(q)
        q = np.where(nan, 0.5, q)
        low = np.broadcast_to(np.asarray(low, dtype=float), shape)
        high = np.broadcast_to(np.asarray(high, dtype=float), shape)
        if upper:
            def cond(k):
                return self._sf_int(k) <= q
            edge_low, edge_high = q >= 1.0, q <= 0.0
            z = math.sqrt(2.0) * erfcinv(2.0 * np.clip(q, 1e-300, 1.0))
        else:
            def cond(k):
                return self._cdf_int(k) >= q
            edge_low, edge_high = q <= 0.0, q >= 1.0
            z = -math.sqrt(2.0) * erfcinv(2.0 * np.clip(q, 1e-300, 1.0))
        mu = np.broadcast_to(self._mean(), shape)
        sd = np.broadcast_to(np.sqrt(self._var()), shape)
        z = np.clip(z, -10.0, 10.0)
        guess = np.clip(np.floor(mu + z * sd), low, np.minimum(high, 1e300))
        ok = cond(guess)
        # lo: cond False (low - 1 counts as False), hi: cond True (high counts as True)
        lo = np.where(ok, np.nan, guess)
        hi = np.where(ok, guess, np.nan)
        step_size = np.maximum(1.0, np.ceil(sd))
        for _ in range(2000):
            need_lo, need_hi = np.isnan(lo), np.isnan(hi)
            if not (need_lo.any() or need_hi.any()):
                break
            cand = np.where(need_lo, hi - step_size, np.where(need_hi, lo + step_size, guess))
            cand = np.where(need_lo, np.maximum(cand, low - 1.0), np.minimum(cand, high))
            c = cond(np.clip(cand, low, high))
            c = np.where(cand < low, False, np.where(cand >= high, True, c))
            lo = np.where(need_lo & ~c, cand, lo)
            hi = np.where(need_lo & c, cand, hi)
            hi = np.where(need_hi & c, cand, hi)
            lo = np.where(need_hi & ~c, cand, lo)
            step_size = 2.0 * step_size
        for _ in range(2200):
            gap = hi - lo
            todo = gap > 1
            if not todo.any():
                break
            mid = np.where(todo, np.floor(lo + 0.5 * gap), hi)
            c = cond(mid)
            hi = np.where(todo & c, mid, hi)
            lo = np.where(todo & ~c, mid, lo)
        out = np.where(edge_low, low - 1.0, np.where(edge_high, high, hi))
        return np.where(nan, np.nan, out)

    def _ppf(self, q):
        return self._search(q, upper=False)

    def _isf(self, q):
        return self._search(q, upper=True)

    def _expand_params(self, extra_axes=1):
        """The parameters broadcast to the batch shape with trailing length-1 axes."""
        shape = self.batch_shape
        return [np.broadcast_to(np.asarray(getattr(self, name), dtype=float), shape)
                .reshape(shape + (1,) * extra_axes) for name in self._params]

    def _truncated_sum(self, g):
        r""":math:`\sum_k g(k, f(k), \ln f(k))` over ``[ppf(1e-17), isf(1e-17)]``, per batch entry."""
        shape = self.batch_shape
        lo = np.broadcast_to(self._search(np.array(_ENTROPY_TAIL), upper=False), shape)
        hi = np.broadcast_to(self._search(np.array(_ENTROPY_TAIL), upper=True), shape)
        lo = np.maximum(lo, np.broadcast_to(np.asarray(self._support()[0], dtype=float), shape))
        hi = np.maximum(hi, lo)
        width = int(np.max(hi - lo)) + 1
        params = self._expand_params()
        batch = max(1, int(np.prod(shape, dtype=np.int64)))
        block = max(1, (1 << 20) // batch)
        total = np.zeros(shape)
        lo1, hi1 = lo[..., None], hi[..., None]
        for start in range(0, width, block):
            j = np.arange(start, min(width, start + block), dtype=float)
            k = lo1 + j
            inside = k <= hi1
            k = np.where(inside, k, lo1)
            logf = self._log_mass(k, *params)
            f = np.exp(logf)
            total = total + np.sum(np.where(inside & (f > 0), g(k, f, logf), 0.0), axis=-1)
        return total

    def _entropy(self):
        return self._truncated_sum(lambda k, f, logf: -f * logf)


# ---------------------------------------------------------------------------
# Bernoulli
# ---------------------------------------------------------------------------
class Bernoulli(DiscreteDistribution):
    r"""The Bernoulli distribution: one trial that succeeds (1) with probability ``p``.

    Parameters
    ----------
    p : float or array_like
        Success probability in [0, 1]; an array makes a batch of distributions.

    Notes
    -----
    Mass and tails, for :math:`q = 1 - p`:

    .. math::
        f(k) = p^k q^{1-k}\ (k \in \{0, 1\}), \qquad
        \ln f(k) = k \ln p + (1-k)\,\mathrm{log1p}(-p),

    :math:`F(0) = q`, :math:`S(0) = p` (sums of the mass; ``xlogy``/``xlog1py``
    make :math:`p = 0` and :math:`p = 1` exact).  Moments :math:`E[X] = p`,
    :math:`\operatorname{Var}[X] = pq`; entropy :math:`H = -p\ln p - q\ln q`
    (nats).  Sampling: ``rng.random(shape) < p`` (integers 0/1, as SciPy).
    Quantile: ``ppf(u) = 0`` for :math:`u \le q`, else 1.

    MLE from :math:`N` observations in {0, 1}: the sufficient statistic is the
    number of successes :math:`S = \sum x_i` and :math:`\hat p = S/N`.

    References
    ----------
    Johnson, Kemp and Kotz, *Univariate Discrete Distributions*, ch. 3.

    Examples
    --------
    >>> d = Bernoulli(0.3)
    >>> round(d.pmf(1), 12), round(d.pmf(0), 12), d.pmf(0.5)
    (0.3, 0.7, 0.0)
    >>> d.mean(), round(d.var(), 12), round(d.cdf(0), 12)
    (0.3, 0.21, 0.7)
    >>> Bernoulli.fit([1, 0, 1, 1]).p
    array(0.75)
    """

    _params = ("p",)

    def __init__(self, p):
        self.p = param(p, "p", unit=True)

    def _support(self):
        return 0.0, 1.0

    def _logpdf(self, k):
        from scipy.special import xlog1py, xlogy
        return xlogy(k, self.p) + xlog1py(1.0 - k, -self.p)

    def _cdf(self, k):
        return np.where(k >= 1, 1.0, 1.0 - self.p)

    def _sf(self, k):
        return np.where(k >= 1, 0.0, self.p + 0.0 * k)

    def pdf(self, k):
        """Probability mass, exactly ``p`` at 1 and ``1 - p`` at 0 (no exp/log round trip)."""
        return _direct_mass(self, k, lambda kk: np.where(kk == 1, self.p, 1.0 - self.p))

    def _ppf(self, u):
        return _edges(u, np.where(u <= 1.0 - self.p, 0.0, 1.0), 0.0, 1.0, upper=False)

    def _isf(self, u):
        return _edges(u, np.where(self.p <= u, 0.0, 1.0), 0.0, 1.0, upper=True)

    def _mean(self):
        return self.p

    def _var(self):
        return self.p * (1.0 - self.p)

    def _entropy(self):
        from scipy.special import xlog1py, xlogy
        return -xlogy(self.p, self.p) - xlog1py(1.0 - self.p, -self.p)

    def _sample(self, rng, shape):
        p = float(self.p) if self.p.ndim == 0 else self.p
        return (rng.random(shape) < p).astype(np.int64)

    @classmethod
    def fit(cls, data):
        r"""Maximum-likelihood Bernoulli from 0/1 data: :math:`\hat p = S/N`, :math:`S = \sum x_i`.

        Raises
        ------
        ValueError
            Empty data or values other than 0 and 1.
        """
        x = as_data(data)
        bad = (x != 0) & (x != 1)
        if bad.any():
            raise ValueError(f"data must hold only 0 and 1 for a Bernoulli fit, got {x[bad][0]:g}")
        N = x.shape[0]
        S = float(np.sum(x))
        step("Sufficient statistics", "N = number of trials, S = sum_i x_i (successes)", N=N, S=S)
        p = S / N
        step("Maximum-likelihood estimate", "p = S / N", p=p)
        return cls(p)


# ---------------------------------------------------------------------------
# Binomial
# ---------------------------------------------------------------------------
class Binomial(_CountDistribution):
    r"""The binomial distribution: successes in ``n`` independent trials of probability ``p``.

    Parameters
    ----------
    n : int or array_like
        Number of trials, a whole number >= 0.
    p : float or array_like
        Success probability in [0, 1].  ``n`` and ``p`` broadcast to the batch shape.

    Notes
    -----
    For :math:`k = 0, \dots, n` and :math:`q = 1 - p`:

    .. math::
        f(k) = \binom{n}{k} p^k q^{n-k}, \qquad
        \ln f(k) = \ln\Gamma(n+1) - \ln\Gamma(k+1) - \ln\Gamma(n-k+1) + k\ln p + (n-k)\,\mathrm{log1p}(-p),

    evaluated in Loader's saddle-point form (see the module notes), which keeps
    full relative accuracy at :math:`n = 10^6` where the ``gammaln`` form loses
    nine digits.  Tails through the regularised incomplete beta function:

    .. math::
        F(k) = I_{1-p}(n-k, k+1) = 1 - I_p(k+1, n-k), \qquad S(k) = I_p(k+1, n-k),

    the smaller of the two always computed directly (``betainc`` at ``p``, or at
    :math:`1 - p` with its rounding corrected).  :math:`E[X] = np`,
    :math:`\operatorname{Var}[X] = npq`; the entropy
    :math:`-\sum_k f(k)\ln f(k)` is summed over the support truncated where the
    tails hold less than :math:`10^{-17}`.  Sampling: ``rng.binomial``.

    MLE with ``n`` known from :math:`N` observations: sufficient statistic
    :math:`S = \sum x_i`, :math:`\hat p = S/(N n)`.

    References
    ----------
    C. Loader, "Fast and accurate computation of binomial probabilities", 2000.

    Examples
    --------
    >>> d = Binomial(10, 0.5)
    >>> round(d.pmf(5) * 1024, 9)          # C(10, 5) = 252
    252.0
    >>> round(d.cdf(4) * 1024, 9)          # 1 + 10 + 45 + 120 + 210
    386.0
    >>> d.mean(), d.var(), d.pmf(2.5), d.ppf(0.5)
    (5.0, 2.5, 0.0, 5.0)
    """

    _params = ("n", "p")

    def __init__(self, n, p):
        self.n = param(n, "n", nonnegative=True, integer=True)
        self.p = param(p, "p", unit=True)

    def _support(self):
        return 0.0, self.n

    def _log_mass(self, k, n, p):
        return _log_binom_kernel(k, n - k, p, 1.0 - p)

    def _cdf(self, k):
        # the upper tail I_p(k+1, n-k) is the cheap, exact-input one; cdf = 1 - it where
        # that is >= 1/2, and I_{1-p}(n-k, k+1) directly where the cdf is the small tail
        inner = k < self.n
        b = np.where(inner, self.n - k, 1.0)
        return np.where(inner, _complement_of_betainc(k + 1.0, b, self.p), 1.0)

    def _sf(self, k):
        from scipy.special import betainc
        inner = k < self.n
        b = np.where(inner, self.n - k, 1.0)
        return np.where(inner, betainc(k + 1.0, b, self.p), 0.0)

    def _mean(self):
        return self.n * self.p

    def _var(self):
        return self.n * self.p * (1.0 - self.p)

    def _sample(self, rng, shape):
        n = int(self.n) if self.n.ndim == 0 else self.n.astype(np.int64)
        p = float(self.p) if self.p.ndim == 0 else self.p
        return rng.binomial(n, p, shape)

    @classmethod
    def fit(cls, data, n):
        r"""Maximum-likelihood binomial with ``n`` known: :math:`\hat p = \sum x_i / (N n)`.

        Parameters
        ----------
        data : array_like, shape (N,)
            Counts of successes, whole numbers in [0, n].
        n : int
            The (known) number of trials, >= 1.

        Raises
        ------
        ValueError
            Empty data, counts outside [0, n] or not whole, or ``n < 1``.
        """
        n = float(param(n, "n", integer=True, minimum=1))
        x = _counts(data)
        if (x > n).any():
            raise ValueError(f"data must lie in [0, n] = [0, {n:g}], got {x[x > n][0]:g}")
        N = x.shape[0]
        S = float(np.sum(x))
        step("Sufficient statistics", "N = number of observations, S = sum_i x_i, n trials each",
             N=N, S=S, n=n)
        p = S / (N * n)
        step("Maximum-likelihood estimate", "p = S / (N n)", p=p)
        return cls(n, p)


# ---------------------------------------------------------------------------
# Poisson
# ---------------------------------------------------------------------------
class Poisson(_CountDistribution):
    r"""The Poisson distribution: counts of events at rate ``rate`` (:math:`\lambda`).

    Parameters
    ----------
    rate : float or array_like
        The mean :math:`\lambda > 0` (0 is rejected: see the module notes).

    Notes
    -----
    For :math:`k = 0, 1, 2, \dots`:

    .. math::
        f(k) = \frac{\lambda^k e^{-\lambda}}{k!}, \qquad
        \ln f(k) = k\ln\lambda - \lambda - \ln\Gamma(k+1),

    evaluated as :math:`-\delta(k) - D(k,\lambda) - \frac12\ln(2\pi k)` (Loader;
    exact to full relative accuracy at :math:`\lambda = 10^6`, where the direct
    form cancels terms of size :math:`10^7`).  Tails through the regularised
    incomplete gamma functions:

    .. math::
        F(k) = Q(k+1, \lambda) = \frac{\Gamma(k+1, \lambda)}{\Gamma(k+1)}, \qquad
        S(k) = P(k+1, \lambda)

    (``gammaincc``, ``gammainc``).  :math:`E[X] = \operatorname{Var}[X] = \lambda`;
    the entropy is summed over the support truncated at tails below
    :math:`10^{-17}`.  Sampling: ``rng.poisson``.

    MLE from :math:`N` counts: sufficient statistic :math:`S = \sum x_i`,
    :math:`\hat\lambda = S/N` (all-zero data has no MLE with :math:`\lambda > 0`).

    References
    ----------
    C. Loader, "Fast and accurate computation of binomial probabilities", 2000.

    Examples
    --------
    >>> import math
    >>> d = Poisson(2.0)
    >>> round(d.pmf(3), 12) == round(8 / 6 * math.exp(-2), 12)
    True
    >>> round(d.cdf(1), 6), round(3 * math.exp(-2), 6)
    (0.406006, 0.406006)
    >>> d.mean(), d.var(), d.pmf(-1)
    (2.0, 2.0, 0.0)
    """

    _params = ("rate",)

    def __init__(self, rate):
        self.rate = param(rate, "rate", positive=True)

    def _support(self):
        return 0.0, np.inf

    def _log_mass(self, k, rate):
        return _log_poisson_kernel(k, rate)

    def _cdf(self, k):
        from scipy.special import gammaincc
        return gammaincc(k + 1.0, self.rate)

    def _sf(self, k):
        from scipy.special import gammainc
        return gammainc(k + 1.0, self.rate)

    def _mean(self):
        return self.rate

    def _var(self):
        return self.rate

    def _sample(self, rng, shape):
        lam = float(self.rate) if self.rate.ndim == 0 else self.rate
        return rng.poisson(lam, shape)

    @classmethod
    def fit(cls, data):
        r"""Maximum-likelihood Poisson: :math:`\hat\lambda = S/N`, :math:`S = \sum x_i`.

        Raises
        ------
        ValueError
            Empty data, non-counts, or all-zero data (the MLE would be
            :math:`\lambda = 0`, a point mass that ``rate > 0`` excludes).
        """
        x = _counts(data)
        N = x.shape[0]
        S = float(np.sum(x))
        step("Sufficient statistics", "N = number of observations, S = sum_i x_i", N=N, S=S)
        if S == 0:
            raise ValueError("Poisson.fit: every observation is 0, so the MLE rate S/N = 0 is a "
                             "point mass at 0; rate must be > 0")
        rate = S / N
        step("Maximum-likelihood estimate", "rate = S / N", rate=rate)
        return cls(rate)


# ---------------------------------------------------------------------------
# Negative binomial
# ---------------------------------------------------------------------------
class NegativeBinomial(_CountDistribution):
    r"""The negative binomial: failures before the ``r``-th success (SciPy's ``nbinom``).

    Parameters
    ----------
    r : float or array_like
        Number of successes, real :math:`r > 0` (the Gamma–Poisson mixture's shape).
    p : float or array_like
        Success probability in (0, 1].

    Notes
    -----
    For :math:`k = 0, 1, 2, \dots` and :math:`q = 1 - p`:

    .. math::
        f(k) = \frac{\Gamma(k+r)}{\Gamma(r)\,k!} p^r q^k
             = \frac{r}{r+k}\binom{r+k}{r} p^r q^k,

    the second form evaluated with the binomial saddle-point kernel (full
    relative accuracy at large ``r`` and ``k``); :math:`\ln f(0) = r\ln p`.
    Tails: :math:`F(k) = I_p(r, k+1)`, :math:`S(k) = I_{1-p}(k+1, r)` (the
    smaller directly; :math:`1 - p` with its rounding corrected).  Moments :math:`E[X] = rq/p`,
    :math:`\operatorname{Var}[X] = rq/p^2`; truncated-sum entropy.  It is the
    Gamma–Poisson mixture :math:`X \mid \Lambda \sim \mathrm{Poisson}(\Lambda)`,
    :math:`\Lambda \sim \mathrm{Gamma}(r, \text{scale}=q/p)`, which is how it
    is sampled (``rng.standard_gamma`` then ``rng.poisson``) and why it is the
    posterior predictive of the Gamma–Poisson model.

    MLE (sufficient statistics: :math:`N`, the mean :math:`\bar x` and the
    frequency table of the counts).  With ``r`` known,
    :math:`\hat p = r/(r + \bar x)`.  With ``r`` unknown, :math:`\hat p(r)` is
    substituted and the profile score

    .. math::
        s(r) = \sum_i \psi(x_i + r) - N\psi(r) + N\ln\frac{r}{r + \bar x}

    is solved by safeguarded Newton steps in :math:`\theta = \ln r` from the
    moment estimate :math:`r_0 = \bar x^2/(s^2 - \bar x)`.  A finite root exists
    only for overdispersed data, :math:`s^2 > \bar x` (:math:`s^2` with divisor
    :math:`N`); otherwise the likelihood grows toward the Poisson limit
    :math:`r\to\infty` and ``fit`` raises ``ValueError``.

    References
    ----------
    S. J. Clark and J. N. Perry, "Estimation of the negative binomial parameter
    k by maximum quasi-likelihood", Biometrics 45, 1989.

    Examples
    --------
    >>> d = NegativeBinomial(2, 0.5)        # f(k) = (k + 1) / 2**(k + 2)
    >>> round(d.pmf(0), 12), round(d.pmf(1), 12), round(d.pmf(2), 12)
    (0.25, 0.25, 0.1875)
    >>> d.mean(), d.var(), round(d.cdf(1), 12)
    (2.0, 4.0, 0.5)
    """

    _params = ("r", "p")

    def __init__(self, r, p):
        self.r = param(r, "r", positive=True)
        self.p = param(p, "p", positive=True, unit=True)

    def _support(self):
        return 0.0, np.inf

    def _log_mass(self, k, r, p):
        out = _log_binom_kernel(r, k, p, 1.0 - p)
        return np.where(k > 0, np.log(r / (r + k)) + out, out)

    def _cdf(self, k):
        from scipy.special import betainc
        return betainc(self.r, k + 1.0, self.p)

    def _sf(self, k):
        return _complement_of_betainc(self.r, k + 1.0, self.p)

    def _mean(self):
        return self.r * (1.0 - self.p) / self.p

    def _var(self):
        return self.r * (1.0 - self.p) / (self.p * self.p)

    def _sample(self, rng, shape):
        r = float(self.r) if self.r.ndim == 0 else self.r
        odds = (1.0 - self.p) / self.p
        odds = float(odds) if odds.ndim == 0 else odds
        lam = rng.standard_gamma(r, shape)
        lam *= odds
        return rng.poisson(lam)

    @classmethod
    def fit(cls, data, r=None, *, tol=1e-10, maxiter=100):
        r"""Maximum-likelihood negative binomial.

        Parameters
        ----------
        data : array_like, shape (N,)
            Counts (non-negative whole numbers).
        r : float, optional
            The number of successes if known (then :math:`\hat p = r/(r + \bar x)`);
            None estimates it by Newton's method on the profile score.
        tol : float
            Stop when the Newton step in :math:`\ln r` is below ``tol``.
        maxiter : int
            Iteration limit; reaching it warns with ``ConvergenceWarning``.

        Raises
        ------
        ValueError
            Empty or non-count data; with ``r`` unknown, data that are not
            overdispersed (variance <= mean), which have no finite MLE.
        """
        from scipy.special import digamma, polygamma

        x = _counts(data)
        N = x.shape[0]
        xbar = float(np.mean(x))
        if r is not None:
            r = float(param(r, "r", positive=True))
            step("Sufficient statistics", "N = number of observations, xbar = sum_i x_i / N",
                 N=N, xbar=xbar, r=r)
            p = r / (r + xbar)
            step("Maximum-likelihood estimate", "p = r / (r + xbar)", p=p)
            return cls(r, p)
        s2 = float(np.mean((x - xbar) ** 2))
        values, counts = np.unique(x, return_counts=True)
        step("Sufficient statistics",
             "N, xbar = sum_i x_i / N, s2 = sum_i (x_i - xbar)^2 / N, frequency table c_u",
             N=N, xbar=xbar, s2=s2, values=values, counts=counts)
        if not s2 > xbar:
            raise ValueError(
                f"NegativeBinomial.fit: the data are not overdispersed (variance {s2:.6g} <= "
                f"mean {xbar:.6g}), so the likelihood has no finite maximum in r (it grows "
                "toward the Poisson limit r -> inf); fit a Poisson, or pass r")
        c = counts.astype(float)

        def score(rv):
            return (np.sum(c * digamma(values + rv)) - N * digamma(rv)
                    - N * math.log1p(xbar / rv))

        def dscore(rv):
            return (np.sum(c * polygamma(1, values + rv)) - N * polygamma(1, rv)
                    + N * xbar / (rv * (rv + xbar)))

        r0 = xbar * xbar / (s2 - xbar)
        theta = math.log(r0)
        lo, hi = -math.inf, math.inf     # score > 0 at lo (root above), < 0 at hi
        step("Start", "r0 = xbar^2 / (s2 - xbar) (method of moments)", r0=r0)
        converged = False
        for k in range(1, maxiter + 1):
            rv = math.exp(theta)
            s = float(score(rv))
            if s > 0:
                lo = theta
            elif s < 0:
                hi = theta
            else:
                converged = True
                step("Iteration", "theta = ln r; score s(r) = 0", iteration=k, r=rv, score=s,
                     step=0.0)
                break
            ds = float(rv * dscore(rv))
            new = theta - s / ds if ds < 0 else math.nan
            if not (lo < new < hi):          # Newton left the bracket: bisect or expand
                if math.isfinite(lo) and math.isfinite(hi):
                    new = 0.5 * (lo + hi)
                else:
                    new = theta + (2.0 if s > 0 else -2.0)
            delta = new - theta
            step("Iteration", "theta <- theta - s(r) / (r s'(r)), r = exp(theta)",
                 iteration=k, r=rv, score=s, step=delta)
            theta = new
            if abs(delta) <= tol * max(1.0, abs(theta)):
                converged = True
                break
        r_hat = math.exp(theta)
        if not converged:
            warnings.warn(f"NegativeBinomial.fit: Newton's method on the profile score did not "
                          f"converge in {maxiter} iterations (last r = {r_hat:.6g})",
                          ConvergenceWarning, stacklevel=2)
        p = r_hat / (r_hat + xbar)
        step("Maximum-likelihood estimate", "p = r / (r + xbar)", r=r_hat, p=p,
             converged=converged)
        return cls(r_hat, p)


# ---------------------------------------------------------------------------
# Categorical
# ---------------------------------------------------------------------------
class Categorical(DiscreteDistribution):
    r"""The categorical distribution on :math:`\{0, \dots, K-1\}` with probabilities ``p``.

    Parameters
    ----------
    p : array_like, shape (..., K)
        Probabilities along the last axis (entries in [0, 1] summing to 1);
        leading axes make a batch of distributions (``batch_shape = p.shape[:-1]``).

    Notes
    -----
    :math:`f(k) = p_k`, :math:`\ln f(k) = \ln p_k`; the cdf is the cumulative
    sum :math:`F(k) = \sum_{j \le k} p_j` and the survival function the sum of
    the upper part, :math:`S(k) = \sum_{j > k} p_j` (never ``1 - cdf``).
    :math:`E[X] = \sum_k k p_k`, :math:`\operatorname{Var}[X] = \sum_k (k - E[X])^2 p_k`,
    :math:`H = -\sum_k p_k \ln p_k`.  Quantile: the number of cumulative sums
    below ``q``.  Sampling by inverse transform: a uniform ``u`` falls in
    category :math:`k` when :math:`F(k-1) \le u < F(k)` (``searchsorted`` on the
    cumulative sums; for a batch, one comparison per category).

    MLE from :math:`N` labels: the sufficient statistics are the counts
    :math:`c_k` and :math:`\hat p_k = c_k/N`.

    Examples
    --------
    >>> d = Categorical([0.2, 0.5, 0.3])
    >>> d.pmf(1), round(d.cdf(1), 12), round(d.sf(0), 12)
    (0.5, 0.7, 0.8)
    >>> round(d.mean(), 12), round(d.var(), 12), d.ppf(0.5)
    (1.1, 0.49, 1.0)
    >>> Categorical.fit([0, 2, 2, 1]).p
    array([0.25, 0.25, 0.5 ])
    """

    _params = ("p",)

    def __init__(self, p):
        self.p = probability_vector(p, "p")

    @property
    def batch_shape(self) -> tuple:
        """The shape of ``p`` without its last (category) axis."""
        return self.p.shape[:-1]

    @property
    def n_categories(self) -> int:
        """The number of categories :math:`K`."""
        return self.p.shape[-1]

    def _support(self):
        return 0.0, float(self.p.shape[-1] - 1)

    def _logpdf(self, k):
        with np.errstate(divide="ignore"):
            logp = np.log(self.p)
        return _gather(logp, k)

    def _cdf(self, k):
        return _gather(np.cumsum(self.p, axis=-1), k)

    def _upper_sums(self):
        """:math:`S_k = \\sum_{j > k} p_j` for k = 0..K-1 (the last is 0)."""
        suffix = np.cumsum(self.p[..., ::-1], axis=-1)[..., ::-1]
        return np.concatenate([suffix[..., 1:], np.zeros(self.p.shape[:-1] + (1,))], axis=-1)

    def _sf(self, k):
        return _gather(self._upper_sums(), k)

    def pdf(self, k):
        """Probability mass, exactly ``p[..., k]`` (no exp/log round trip)."""
        return _direct_mass(self, k, lambda kk: _gather(self.p, kk))

    def _ppf(self, u):
        c = np.cumsum(self.p, axis=-1)
        c = c / c[..., -1:]
        k = np.zeros(np.broadcast_shapes(np.shape(u), self.batch_shape))
        for j in range(self.n_categories - 1):
            k += c[..., j] < u
        return _edges(u, k, 0.0, self.n_categories - 1.0, upper=False)

    def _isf(self, u):
        S = self._upper_sums()
        k = np.zeros(np.broadcast_shapes(np.shape(u), self.batch_shape))
        for j in range(self.n_categories - 1):
            k += S[..., j] > u
        return _edges(u, k, 0.0, self.n_categories - 1.0, upper=True)

    def _mean(self):
        return self.p @ np.arange(self.n_categories, dtype=float)

    def _var(self):
        k = np.arange(self.n_categories, dtype=float)
        mu = self._mean()
        return np.sum(self.p * (k - mu[..., None]) ** 2, axis=-1)

    def _entropy(self):
        from scipy.special import xlogy
        return -np.sum(xlogy(self.p, self.p), axis=-1)

    def _sample(self, rng, shape):
        c = np.cumsum(self.p, axis=-1)
        c = c / c[..., -1:]
        u = rng.random(shape)
        K = self.n_categories
        if self.p.ndim == 1:
            k = np.searchsorted(c, u, side="right")
            return np.minimum(k, K - 1, out=k)
        k = np.zeros(shape, dtype=np.int64)
        for j in range(K - 1):
            k += u >= c[..., j]
        return k

    @classmethod
    def fit(cls, data, n_categories=None):
        r"""Maximum-likelihood categorical: :math:`\hat p_k = c_k / N` from the counts :math:`c_k`.

        Parameters
        ----------
        data : array_like, shape (N,)
            Category labels, whole numbers in ``[0, n_categories)``.
        n_categories : int, optional
            :math:`K`; by default ``max(data) + 1``.

        Raises
        ------
        ValueError
            Empty data, labels that are negative, not whole, or ``>= n_categories``.
        """
        from ..._validation import check_int

        x = _counts(data)
        K = int(np.max(x)) + 1 if n_categories is None else check_int(
            n_categories, "n_categories", minimum=1)
        if (x >= K).any():
            raise ValueError(f"data holds category {x[x >= K][0]:g}, but n_categories is {K} "
                             f"(labels must lie in 0..{K - 1})")
        N = x.shape[0]
        counts = np.bincount(x.astype(np.intp), minlength=K)
        step("Sufficient statistics", "c_k = #{i : x_i = k}, N = sum_k c_k", N=N, counts=counts)
        p = counts / N
        step("Maximum-likelihood estimate", "p_k = c_k / N", p=p)
        return cls(p)


# ---------------------------------------------------------------------------
# Multinomial
# ---------------------------------------------------------------------------
class Multinomial(DiscreteDistribution):
    r"""The multinomial distribution: category counts of ``n`` categorical trials.

    Parameters
    ----------
    n : int or array_like
        Number of trials, a whole number >= 0.
    p : array_like, shape (..., K)
        Category probabilities along the last axis (summing to 1).
        ``batch_shape`` is the broadcast of ``n``'s shape and ``p.shape[:-1]``.

    Notes
    -----
    For count vectors :math:`x \in \mathbb{N}^K` with :math:`\sum_i x_i = n`:

    .. math::
        f(x) = \frac{n!}{\prod_i x_i!} \prod_i p_i^{x_i}, \qquad
        \ln f(x) = \ln\Gamma(n+1) - \sum_i \ln\Gamma(x_i+1) + \sum_i x_i \ln p_i

    (``gammaln`` and ``xlogy``, so :math:`p_i = 0` with :math:`x_i = 0` is exact);
    0 for vectors that are not whole, negative, or do not sum to ``n``.
    :math:`E[X] = np`, :math:`\operatorname{Var}[X_i] = np_i(1-p_i)`,
    :math:`\operatorname{Cov}[X] = n(\operatorname{diag} p - pp^T)`.  Entropy
    :math:`H = -\ln n! - n\sum_i p_i\ln p_i + \sum_i E[\ln X_i!]` with
    :math:`X_i \sim \mathrm{Binomial}(n, p_i)` (truncated sums).  There is no
    cdf.  Sampling by conditional binomials: :math:`X_1 \sim B(n, p_1)`, then
    :math:`X_j \sim B(n - \sum_{i<j} X_i,\ p_j / \sum_{i \ge j} p_i)`, one
    vectorised draw per category; the last category takes the rest.

    MLE from :math:`m` count vectors with a common total :math:`n`: the
    sufficient statistic is the column total :math:`T_i = \sum_j x_{ji}` and
    :math:`\hat p_i = T_i/(m n)`.

    Examples
    --------
    >>> d = Multinomial(3, [0.5, 0.5])
    >>> d.pmf([1, 2]), d.pmf([1, 1]), d.pmf([0.5, 2.5])     # 3/8, wrong total, not whole
    (0.375, 0.0, 0.0)
    >>> d.mean(), d.var()
    (array([1.5, 1.5]), array([0.75, 0.75]))
    >>> d.cov()
    array([[ 0.75, -0.75],
           [-0.75,  0.75]])
    """

    _params = ("n", "p")

    def __init__(self, n, p):
        self.n = param(n, "n", nonnegative=True, integer=True)
        self.p = probability_vector(p, "p")

    @property
    def batch_shape(self) -> tuple:
        """The broadcast of ``n``'s shape and ``p.shape[:-1]``."""
        return np.broadcast_shapes(self.n.shape, self.p.shape[:-1])

    @property
    def n_categories(self) -> int:
        """The number of categories :math:`K`."""
        return self.p.shape[-1]

    def _support(self):
        return 0.0, self.n

    def logpmf(self, x):
        """Log-mass of count vectors ``x`` of shape (..., K); ``-inf`` off the support.

        Returns an array of shape ``broadcast(x.shape[:-1], batch_shape)``
        (a float for a single vector and a single distribution).
        """
        from scipy.special import gammaln, xlogy

        x = as_points(x)
        K = self.n_categories
        if x.ndim == 0 or x.shape[-1] != K:
            raise ValueError(f"x must be count vectors with last axis of length K = {K}, "
                             f"got shape {x.shape}")
        nan = np.isnan(x).any(axis=-1)
        xs = np.where(np.isnan(x), 0.0, x)
        whole = ((xs >= 0) & (xs == np.floor(xs)) & np.isfinite(xs)).all(axis=-1)
        total = np.sum(xs, axis=-1)
        valid = whole & (total == self.n)
        xs = np.where(whole[..., None], xs, 0.0)
        log_f = (gammaln(self.n + 1.0) - np.sum(gammaln(xs + 1.0), axis=-1)
                 + np.sum(xlogy(xs, self.p), axis=-1))
        out = np.where(valid, log_f, -np.inf)
        return _scalar(np.where(nan, np.nan, out))

    def pmf(self, x):
        """Probability of the count vectors ``x`` (shape (..., K)); 0 off the support."""
        return _scalar(np.exp(self.logpmf(x)))

    logpdf = logpmf
    pdf = pmf

    def _no_tails(self, *args):
        raise NotImplementedError("Multinomial has no cdf, sf or quantile function "
                                  "(its support is a set of vectors)")

    cdf = sf = ppf = isf = _no_tails

    def _mean(self):
        return self.n[..., None] * self.p

    def _var(self):
        return self.n[..., None] * self.p * (1.0 - self.p)

    def cov(self):
        r"""The covariance matrix :math:`n(\operatorname{diag} p - p p^T)`, shape (..., K, K)."""
        p = self.p
        outer = p[..., :, None] * p[..., None, :]
        diag = p[..., :, None] * np.eye(self.n_categories)
        return self.n[..., None, None] * (diag - outer)

    def _entropy(self):
        from scipy.special import gammaln, xlogy

        n = np.broadcast_to(self.n, self.batch_shape)
        p = np.broadcast_to(self.p, self.batch_shape + (self.n_categories,))
        marginals = Binomial.__new__(Binomial)
        marginals.n, marginals.p = np.broadcast_to(n[..., None], p.shape), p
        e_log_fact = marginals._truncated_sum(lambda k, f, logf: f * gammaln(k + 1.0))
        return (-gammaln(n + 1.0) - n * np.sum(xlogy(p, p), axis=-1)
                + np.sum(e_log_fact, axis=-1))

    def sample(self, size=None, rng=None):
        """Draw count vectors: shape ``size + (K,)`` (``batch_shape + (K,)`` when size is None)."""
        shape = sample_shape(size, self.batch_shape)
        return self._sample(as_rng(rng), shape)

    def _sample(self, rng, shape):
        K = self.n_categories
        p = self.p
        upper = np.cumsum(p[..., ::-1], axis=-1)[..., ::-1]     # sum_{i >= j} p_i
        out = np.empty(shape + (K,), dtype=np.int64)
        remaining = np.broadcast_to(self.n.astype(np.int64), shape).copy()
        for j in range(K - 1):
            with np.errstate(invalid="ignore", divide="ignore"):
                ratio = np.where(upper[..., j] > 0, p[..., j] / upper[..., j], 1.0)
            ratio = np.clip(ratio, 0.0, 1.0)
            ratio = float(ratio) if ratio.ndim == 0 else ratio
            x_j = rng.binomial(remaining, ratio)
            out[..., j] = x_j
            remaining -= x_j
        out[..., K - 1] = remaining
        return out

    @classmethod
    def fit(cls, counts):
        r"""Maximum-likelihood multinomial from count vectors with a common total.

        Parameters
        ----------
        counts : array_like, shape (m, K)
            Each row a count vector; all rows must have the same total ``n`` >= 1.

        Returns
        -------
        Multinomial
            ``n`` from the rows and :math:`\hat p_i = T_i / (m n)` with the column totals
            :math:`T_i`.

        Raises
        ------
        ValueError
            Empty, non-count or non-2-D data, rows with different totals, or ``n = 0``.
        """
        X = as_data(counts, "counts", ndim=2)
        bad = (X < 0) | (X != np.floor(X))
        if bad.any():
            raise ValueError(f"counts must hold non-negative whole numbers, got {X[bad][0]:g}")
        totals = np.sum(X, axis=1)
        if (totals != totals[0]).any():
            other = totals[totals != totals[0]][0]
            raise ValueError("every row of counts must have the same total n, got totals "
                             f"{totals[0]:g} and {other:g}")
        n = float(totals[0])
        if n == 0:
            raise ValueError("counts are all zero (n = 0): p is not identifiable")
        m = X.shape[0]
        T = np.sum(X, axis=0)
        step("Sufficient statistics", "m rows, n = row total, T_i = sum_j x_ji (column totals)",
             m=m, n=n, T=T)
        p = T / (m * n)
        step("Maximum-likelihood estimate", "p_i = T_i / (m n)", p=p)
        return cls(n, p)

