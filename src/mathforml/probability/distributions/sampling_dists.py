r"""Student's t and Snedecor's F: the sampling distributions of the t- and F-tests.

Both are incomplete-beta distributions.  Their tails are computed so that a
p-value keeps its relative accuracy however small it is, and their quantiles
(critical values) come from the inverse incomplete beta function with the
small one of ``x`` and ``1 - x`` solved for directly.

>>> from mathforml.probability.distributions.sampling_dists import StudentT, F
>>> StudentT(1).cdf(1.0)                 # Cauchy: 1/2 + arctan(1)/pi
0.75
>>> F(2, 2).sf(3.0)                      # F(2, 2): sf(f) = 1 / (1 + f)
0.25
"""
from __future__ import annotations

import warnings

import numpy as np

from ...exceptions import ConvergenceWarning
from ...explain import section, step
from ._base import ContinuousDistribution, as_data, param
from .gamma_beta import (_beta_inverse_pair, _betaincc, _betaln, _newton_direction,
                         _positive_data, _special, _warn_limit, _where_call)

__all__ = ["StudentT", "F"]

#: Coefficients of 1/nu^j in the large-nu expansion of the standard t entropy
#: minus the normal entropy (from the asymptotic series of psi and ln Gamma).
_T_H_SERIES = (1.0, 1 / 4, -1 / 6, -1 / 8, 3 / 10, 1 / 4, -17 / 14, -17 / 16, 155 / 18, 31 / 4)
_T_H_LARGE = 100.0
_DF_MAX = 1e10


# ---------------------------------------------------------------------------
# Student t
# ---------------------------------------------------------------------------
def _t_log_norm_const(nu):
    r"""``log c(nu) = ln Gamma((nu+1)/2) - ln Gamma(nu/2) - (log nu + log pi)/2
    = -ln B(nu/2, 1/2) - (log nu)/2``.

    The Beta-function form (with :func:`._betaln`, which does not cancel for
    large ``nu``) replaces the difference of two large log-gammas.
    """
    return -_betaln(0.5 * nu, 0.5) - 0.5 * np.log(nu)


def _t_log1p_sq(z, nu):
    r""":math:`\log(1 + z^2/\nu)` without overflow for huge ``|z|``."""
    with np.errstate(over="ignore"):
        r = z * z / nu
    out = np.log1p(r)
    big = ~(r < 1e300)
    if big.any():
        a = np.abs(np.broadcast_to(z / np.sqrt(nu), out.shape)[big])
        out = np.array(out, dtype=float)
        out[big] = 2.0 * np.log(a) + np.log1p(1.0 / a / a)
    return out


def _beta_series_at_zero(base, log_base, power, a, b):
    r""":math:`I_x(a, b)` for ``x < 1e-250``: the leading term :math:`x^a / (a B(a, b))`
    of the series at 0 (the next is ``O(x)``), with ``x^a = base**power``.

    Tails whose argument ``x`` underflows keep their value: the power is taken
    of the (representable) ``base`` and multiplied by ``1/(a B(a, b))``, or
    the whole is ``exp(power log_base - log a - ln B(a, b))`` where either
    factor under- or overflows.
    """
    with np.errstate(divide="ignore", under="ignore", over="ignore", invalid="ignore"):
        log_c = -np.log(a) - _betaln(a, b)          # log of 1/(a B(a, b))
        xa = np.power(base, power)
        direct = xa * np.exp(log_c)
        use_direct = (base > 1e-300) & (xa > 1e-300) & np.isfinite(direct)
        return np.where(use_direct, direct, np.exp(power * log_base + log_c))


def _t_tail(z, nu, upper):
    r"""Standard t probabilities ``P(T <= z)`` (``upper=False``) or ``P(T > z)`` (``upper=True``).

    With ``x = nu/(nu + z^2)`` and ``y = z^2/(nu + z^2)`` (both formed
    directly, never as ``1 - other``), the tail beyond ``|z|`` is
    ``T = I_x(nu/2, 1/2) / 2`` and the centre ``P(0 < T < |z|)`` is
    ``C = I_y(1/2, nu/2) / 2``; ``cdf(z) = T`` for ``z < 0`` and ``1/2 + C``
    otherwise (``sf`` mirrors it).  Each point needs one of ``T``, ``C``; it is
    evaluated from the smaller of ``x``, ``y`` — with ``betainc`` or its
    complement ``betaincc`` as the case needs — so that no argument close to 1
    is rounded and small tails keep full relative accuracy.  Where
    ``x < 1e-250`` (``z^2`` may overflow) ``T`` comes from
    ``log x = log nu - 2 log|z| - log1p(nu/z^2)`` and the series at 0.
    """
    sc = _special()
    z, nu = np.broadcast_arrays(np.asarray(z, dtype=float), np.asarray(nu, dtype=float))
    with np.errstate(over="ignore", invalid="ignore"):
        z2 = z * z
        den = nu + z2
        x = nu / den
        y = np.where(z2 < np.inf, z2 / den, 1.0)
    use_x = x < y
    half_nu = 0.5 * nu
    a = np.where(use_x, half_nu, 0.5)
    b = np.where(use_x, 0.5, half_nu)
    w = np.where(use_x, x, y)
    side = (z > 0) if upper else (z < 0)         # the points whose answer is the tail T
    val = _where_call(side == use_x, sc.betainc, _betaincc, a, b, w)
    val *= 0.5
    val += np.where(side, 0.0, 0.5)
    val[np.isnan(z)] = np.nan
    far = side & (x < 1e-250)
    if far.any():
        zf, nf = np.abs(z[far]), nu[far]        # x = nu/z^2 (1 + O(x)) = base^2
        base = np.sqrt(nf) / zf
        log_base = 0.5 * np.log(nf) - np.log(zf)
        val[far] = 0.5 * _beta_series_at_zero(base, log_base, nf, 0.5 * nf, 0.5)
    return val


def _t_ppf_standard(q, nu):
    r"""Standard t quantile for ``q`` in [0, 1] (NaN stays NaN).

    ``p = 2 min(q, 1 - q)`` is exact (``1 - q`` is exact for ``q >= 1/2``);
    :math:`I_x(\nu/2, 1/2) = p` gives ``x`` and ``y = 1 - x`` (the small one from
    its own inverse), and ``|t| = sqrt(nu y / x)``, negative for ``q < 1/2``.
    One Newton step on our own ``cdf`` (lower half) or ``sf`` (upper half)
    polishes the last bits.
    """
    q, nu = np.broadcast_arrays(np.asarray(q, dtype=float), np.asarray(nu, dtype=float))
    lower = q < 0.5
    qq = np.where(lower, q, 1.0 - q)
    x, y, log_x = _beta_inverse_pair(0.5 * nu, 0.5, 2.0 * qq)
    with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
        t = np.where(x < 1e-300, np.exp(0.5 * (np.log(nu) - log_x)), np.sqrt(nu) * np.sqrt(y / x))
    t = np.where(lower, -t, t)
    # one Newton step: t <- t - (F(t) - q)/f(t), with the tail on q's side
    ok = np.isfinite(t) & (qq > 0) & (t != 0)
    if ok.any():
        nu_b = nu[ok]
        t_ok = t[ok]
        lo = lower[ok]
        tail = _t_tail(t_ok, nu_b, upper=False)
        tail_up = _t_tail(t_ok[~lo], nu_b[~lo], upper=True)
        tail[~lo] = tail_up
        dens = np.exp(_t_log_norm_const(nu_b) - 0.5 * (nu_b + 1.0) * _t_log1p_sq(t_ok, nu_b))
        resid = tail - qq[ok]
        with np.errstate(divide="ignore", invalid="ignore"):
            delta = np.where(lo, -resid, resid) / dens
        good = np.isfinite(delta) & (np.abs(delta) < 1e-3 * np.abs(t_ok))
        t = np.array(t, dtype=float)
        t_new = t_ok + np.where(good, delta, 0.0)
        t[ok] = t_new
    return t


#: Asymptotic series of c'(nu) = [psi((nu+1)/2) - psi(nu/2)]/2 - 1/(2 nu) (even powers
#: 1/nu^2 .. 1/nu^12) and of c''(nu) (odd powers 1/nu^3 .. 1/nu^13).
_T_C1_SERIES = (1 / 4, -1 / 8, 1 / 4, -17 / 16, 31 / 4, -691 / 8)
_T_C2_SERIES = (-1 / 2, 1 / 2, -3 / 2, 17 / 2, -155 / 2, 2073 / 2)


def _t_norm_const_derivatives(nu):
    r"""``c'(nu)`` and ``c''(nu)`` of ``c(nu) = ln Gamma((nu+1)/2) - ln Gamma(nu/2) - (log nu)/2``.

    The digamma forms ``[psi((nu+1)/2) - psi(nu/2)]/2 - 1/(2 nu)`` cancel to
    ``1/(4 nu^2)`` for large ``nu``; from ``nu >= 30`` the asymptotic series
    is summed instead (first omitted term below 1e-16 relative there).
    """
    sc = _special()
    if nu >= 30.0:
        inv2 = 1.0 / (nu * nu)
        c1 = c2 = 0.0
        for a1, a2 in zip(reversed(_T_C1_SERIES), reversed(_T_C2_SERIES)):
            c1 = (c1 + a1) * inv2
            c2 = (c2 + a2) * inv2
        return c1, c2 / nu
    c1 = 0.5 * float(sc.digamma(0.5 * (nu + 1.0)) - sc.digamma(0.5 * nu)) - 0.5 / nu
    c2 = 0.25 * float(sc.polygamma(1, 0.5 * (nu + 1.0)) - sc.polygamma(1, 0.5 * nu)) \
        + 0.5 / nu ** 2
    return c1, c2


def _log1p_minus(u, L):
    r"""``phi(u) = -log1p(-u) - u = sum_{k>=2} u^k/k`` for ``u`` in [0, 1), given
    ``L = -log1p(-u)``: the series (18 terms, Horner) where ``u < 0.1``, else ``L - u``."""
    out = L - u
    small = u < 0.1
    if small.any():
        us = u[small]
        acc = np.zeros_like(us)
        for k in range(19, 1, -1):
            acc = acc * us + 1.0 / k
        out[small] = acc * us * us
    return out


class StudentT(ContinuousDistribution):
    r"""Student's t distribution with ``df`` degrees of freedom, location and scale.

    Parameters
    ----------
    df : float or array_like
        Degrees of freedom ``nu > 0`` (need not be an integer).
    loc : float or array_like, default 0
        Location ``mu``.
    scale : float or array_like, default 1
        Scale ``sigma > 0``.

    Notes
    -----
    With ``z = (x - mu)/sigma``:

    * density ``log f(x) = ln Gamma((nu+1)/2) - ln Gamma(nu/2) - (log nu + log pi)/2
      - log sigma - (nu+1)/2 log1p(z^2/nu)``, the constant as
      ``-ln B(nu/2, 1/2) - (log nu)/2`` with a log-Beta that does not cancel
      for large ``nu``, and
      ``log1p(z^2/nu)`` as ``2 log|z/sqrt(nu)| + log1p(nu/z^2)`` when ``z^2``
      would overflow;
    * tails through the incomplete beta with ``x = nu/(nu + z^2)`` and
      symmetry: ``P(T > |z|) = I_x(nu/2, 1/2)/2``; ``cdf(z)`` is that for
      ``z < 0`` and ``1/2 + I_y(1/2, nu/2)/2`` (``y = z^2/(nu + z^2)``) for
      ``z >= 0``; ``sf(z) = cdf(-z)``.  Whichever of ``x``, ``y`` is smaller is
      the argument actually passed (``betainc`` or ``betaincc``), so far tails
      (``sf(40)`` at ``nu = 1e6``) and the centre keep full relative accuracy;
    * ``ppf(q)``: ``p = 2 min(q, 1 - q)``, ``x = I^{-1}(nu/2, 1/2; p)``,
      ``|t| = sqrt(nu (1 - x) / x)`` with ``1 - x`` from the complementary
      inverse when ``x > 1/2``, then one Newton step on our own cdf/sf;
      ``isf(q) = -ppf(q)`` for the standard t; ``ppf`` of the scaled one is
      ``mu + sigma ppf``;
    * ``mean = mu`` for ``nu > 1`` (``inf`` for ``nu <= 1``, as SciPy reports);
      ``var = sigma^2 nu/(nu - 2)`` for ``nu > 2``, ``inf`` for ``1 < nu <= 2``,
      ``nan`` for ``nu <= 1``;
    * entropy ``(nu+1)/2 [psi((nu+1)/2) - psi(nu/2)] + log(sqrt(nu) B(nu/2, 1/2))
      + log sigma``; for ``nu >= 100`` (where the digamma difference cancels)
      the series ``(1 + log 2 pi)/2 + 1/nu + 1/(4 nu^2) - 1/(6 nu^3) - ...``;
    * sampling ``X = mu + sigma Z / sqrt(V/nu)``, ``Z`` standard normal,
      ``V = 2 standard_gamma(nu/2)`` (chi-squared).

    Maximum likelihood (``fit``) of ``(nu, mu, sigma)``: the score equations,
    with ``d_i = (x_i - mu)/sigma`` and weights ``w_i = (nu + 1)/(nu + d_i^2)``,
    are ``sum w_i d_i = 0``, ``sum w_i d_i^2 = n`` and
    ``psi((nu+1)/2) - psi(nu/2) - 1/nu - mean(log1p(d^2/nu)) + mean(w d^2)/nu = 0``.
    They are solved by Newton on ``theta = (log nu, mu, log sigma)`` with the
    analytic Hessian and step halving; where the Hessian is not negative
    definite an ECME step is taken instead (``mu = sum w x / sum w``,
    ``sigma^2 = sum w (x - mu)^2 / n``, then ``nu`` maximising the likelihood).

    References
    ----------
    N. L. Johnson, S. Kotz and N. Balakrishnan, *Continuous Univariate
    Distributions*, vol. 2, 2nd ed., Wiley (1995), ch. 28.
    C. Liu and D. B. Rubin, "ML estimation of the t distribution using EM and
    its extensions, ECM and ECME", *Statistica Sinica* 5 (1995) 19–39.

    Examples
    --------
    >>> d = StudentT(1)                          # the Cauchy distribution
    >>> round(d.pdf(0.0), 6)                     # 1/pi
    0.31831
    >>> d.cdf(1.0), round(d.ppf(0.75), 12)       # 1/2 + arctan(1)/pi; tan(pi/4)
    (0.75, 1.0)
    >>> round(StudentT(2).cdf(1.0), 6)           # 1/2 + t / (2 sqrt(2 + t^2)) = 1/2 + 1/(2 sqrt 3)
    0.788675
    >>> d = StudentT(5, loc=1.0, scale=2.0)
    >>> d.mean(), round(d.var(), 12)             # mu, sigma^2 nu/(nu - 2) = 4 * 5/3
    (1.0, 6.666666666667)
    """

    _params = ("df", "loc", "scale")
    _whole_line = True

    def __init__(self, df, loc=0.0, scale=1.0):
        self.df = param(df, "df", positive=True)
        self.loc = param(loc, "loc")
        self.scale = param(scale, "scale", positive=True)

    def _support(self):
        low = np.full(self.batch_shape, -np.inf)
        return low, -low

    def _z(self, x):
        return (x - self.loc) / self.scale

    def _logpdf(self, x):
        nu = self.df
        z = self._z(x)
        return (_t_log_norm_const(nu) - np.log(self.scale)
                - 0.5 * (nu + 1.0) * _t_log1p_sq(z, nu))

    def _cdf(self, x):
        return _t_tail(self._z(x), self.df, upper=False)

    def _sf(self, x):
        return _t_tail(self._z(x), self.df, upper=True)

    def _ppf(self, q):
        return self.loc + self.scale * _t_ppf_standard(q, self.df)

    def _isf(self, q):
        return self.loc - self.scale * _t_ppf_standard(q, self.df)

    def _sample(self, rng, shape):
        nu = self.df
        g = np.asarray(rng.standard_gamma(0.5 * nu, size=shape), dtype=float)
        out = np.asarray(rng.standard_normal(size=shape), dtype=float)
        np.sqrt(g, out=g)
        out /= g                                  # Z / sqrt(G),  G = V/2
        out *= self.scale * np.sqrt(0.5 * nu)     # sigma Z / sqrt(V/nu)
        if np.any(self.loc != 0.0):
            out += self.loc
        return out

    def _mean(self):
        shape = self.batch_shape
        return np.where(np.broadcast_to(self.df, shape) > 1.0,
                        np.broadcast_to(self.loc, shape), np.inf)

    def _var(self):
        nu = self.df
        with np.errstate(divide="ignore", invalid="ignore"):
            v = self.scale ** 2 * nu / (nu - 2.0)
        v = np.where(nu > 2.0, v, np.where(nu > 1.0, np.inf, np.nan))
        return np.broadcast_to(v, self.batch_shape)

    def _entropy(self):
        sc = _special()
        nu = np.asarray(self.df, dtype=float)
        h_regular = (0.5 * (nu + 1.0) * (sc.digamma(0.5 * (nu + 1.0)) - sc.digamma(0.5 * nu))
                     + 0.5 * np.log(nu) + _betaln(0.5 * nu, 0.5))
        inv = 1.0 / nu
        series = np.zeros_like(nu)
        for c in reversed(_T_H_SERIES):
            series = (series + c) * inv
        h_large = 0.5 * (1.0 + np.log(2.0 * np.pi)) + series
        h = np.where(nu >= _T_H_LARGE, h_large, h_regular)
        return np.broadcast_to(h + np.log(self.scale), self.batch_shape)

    # -- maximum likelihood -------------------------------------------------
    @staticmethod
    def _loglik_derivatives(x, eta, mu, tau):
        r"""Log-likelihood of ``theta = (eta, mu, tau) = (log nu, mu, log sigma)``,
        its gradient and Hessian (the formulas are in :meth:`fit`).

        The ``nu`` derivatives are written so that nothing cancels as
        ``nu -> inf``: with ``u = d^2/(nu + d^2)``,
        ``dl/dnu = n c'(nu) - sum phi(u)/2 + sum u/(2 nu)`` where
        ``phi(u) = log1p(d^2/nu) - u = -log1p(-u) - u`` (its series for small
        ``u``), and ``c'``, ``c''`` from their asymptotic series for ``nu >= 30``.
        """
        n = x.size
        nu, sigma = np.exp(eta), np.exp(tau)
        d = (x - mu) / sigma
        d2 = d * d
        q = nu + d2
        u = d2 / q
        L = np.log1p(d2 / nu)
        c = float(_t_log_norm_const(nu))
        ll = n * (c - tau) - 0.5 * (nu + 1.0) * float(L.sum())
        c1, c2 = _t_norm_const_derivatives(nu)
        s_d_q = float((d / q).sum())
        s_u = float(u.sum())
        g_mu = (nu + 1.0) / sigma * s_d_q
        g_tau = -n + (nu + 1.0) * s_u
        g_nu = n * c1 - 0.5 * float(_log1p_minus(u, L).sum()) + 0.5 * s_u / nu
        g = np.array([nu * g_nu, g_mu, g_tau])
        q2 = q * q
        h_mumu = (nu + 1.0) / sigma ** 2 * float(((d2 - nu) / q2).sum())
        h_mutau = -2.0 * nu * (nu + 1.0) / sigma * float((d / q2).sum())
        h_tautau = -2.0 * nu * (nu + 1.0) * float((d2 / q2).sum())
        h_munu = float((d * (d2 - 1.0) / q2).sum()) / sigma
        h_taunu = float((d2 * (d2 - 1.0) / q2).sum())
        h_nunu = n * c2 + float((u * u).sum()) / (2.0 * nu) - float((u * (2.0 - u)).sum()) / (2.0 * nu * nu)
        H = np.array([[nu * nu * h_nunu + nu * g_nu, nu * h_munu, nu * h_taunu],
                      [nu * h_munu, h_mumu, h_mutau],
                      [nu * h_taunu, h_mutau, h_tautau]])
        return ll, g, H

    @classmethod
    def _ecme_step(cls, x, eta, mu, tau):
        """One ECME step: weighted mean and scale, then nu maximising the likelihood."""
        nu, sigma = np.exp(eta), np.exp(tau)
        d = (x - mu) / sigma
        w = (nu + 1.0) / (nu + d * d)
        mu = float((w * x).sum() / w.sum())
        r = x - mu
        tau = 0.5 * float(np.log((w * r * r).sum() / x.size))
        # a few safeguarded 1-D Newton steps in eta on l(nu | mu, sigma)
        ll, g, H = cls._loglik_derivatives(x, eta, mu, tau)
        for _ in range(20):
            h = H[0, 0]
            de = -g[0] / h if h < 0 else np.sign(g[0])
            de = float(np.clip(de, -2.0, 2.0))
            for _ in range(30):
                e_new = min(eta + de, np.log(_DF_MAX))
                ll_new, g_new, H_new = cls._loglik_derivatives(x, e_new, mu, tau)
                if ll_new >= ll:
                    break
                de *= 0.5
            else:
                break
            eta, ll, g, H = e_new, ll_new, g_new, H_new
            if abs(de) < 1e-10:
                break
        return eta, mu, tau

    @classmethod
    def fit(cls, data, *, maxiter: int = 500, tol: float = 1e-10):
        r"""Maximum-likelihood ``(df, loc, scale)`` from a sample.

        Parameters
        ----------
        data : (n,) array_like
            At least 3 finite observations, not all equal.
        maxiter : int, default 500
            Iteration limit (``ConvergenceWarning`` when reached).
        tol : float, default 1e-10
            Stop after a full Newton step with ``max |delta theta| <= tol``,
            ``theta = (log nu, mu, log sigma)``.

        Returns
        -------
        StudentT

        Notes
        -----
        With ``d = (x - mu)/sigma``, ``q = nu + d^2``, the log-likelihood is
        ``l = n [log c(nu) - log sigma] - (nu + 1)/2 sum log1p(d^2/nu)`` and its
        gradient in ``(nu, mu, tau = log sigma)`` is

        * ``dl/dmu = (nu + 1)/sigma sum d/q``,
        * ``dl/dtau = -n + (nu + 1) sum d^2/q``,
        * ``dl/dnu = n [psi((nu+1)/2) - psi(nu/2) - 1/nu]/2 - sum log1p(d^2/nu)/2
          + (nu + 1)/(2 nu) sum d^2/q``;

        the Hessian is analytic too (polygamma for the ``nu`` terms).  Newton
        runs on ``theta = (log nu, mu, log sigma)``, halving steps that lower
        ``l``; an ECME step replaces a Newton step whose Hessian is not
        negative definite.  Starting point: median, ``1.4826 * MAD``, and
        ``nu0 = 4 + 6/kurt`` from the sample excess kurtosis (clipped to [1, 100]).
        ``nu`` is capped at 1e10: where the likelihood keeps growing as
        ``nu -> inf`` (data lighter-tailed than any t) the fit warns.

        Examples
        --------
        >>> d = StudentT.fit([-10.0, -1.0, -0.5, 0.0, 0.5, 1.0, 10.0])
        >>> abs(d.params["loc"]) < 1e-12      # symmetric data: loc = 0
        True
        """
        x = as_data(data, "data", min_size=3).astype(np.float64, copy=False)
        n = x.size
        mu = float(np.median(x))
        mad = float(np.median(np.abs(x - mu)))
        sd = float(x.std())
        if not sd > 0:
            raise ValueError("data are all equal: the scale MLE is 0")
        sigma = 1.4826 * mad if mad > 0 else sd
        kurt = float(np.mean(((x - x.mean()) / sd) ** 4)) - 3.0
        nu = float(np.clip(4.0 + 6.0 / kurt, 1.0, 100.0)) if kurt > 0 else 100.0
        step("Starting point", "mu0 = median,  sigma0 = 1.4826 MAD,  nu0 = 4 + 6/kurtosis",
             n=n, df0=nu, loc0=mu, scale0=sigma, excess_kurtosis=kurt)
        theta = np.array([np.log(nu), mu, np.log(sigma)])
        theta, it, converged = _maximise(
            lambda th: cls._loglik_derivatives(x, *th),
            lambda th: np.array(cls._ecme_step(x, *th)),
            theta, maxiter, tol, ("df", "loc", "scale"),
            lambda th: (float(np.exp(th[0])), float(th[1]), float(np.exp(th[2]))),
            "theta <- theta - alpha H^{-1} g,  theta = (log df, loc, log scale)",
            capped=(0,))
        nu, mu, sigma = float(np.exp(theta[0])), float(theta[1]), float(np.exp(theta[2]))
        nu = min(nu, _DF_MAX)
        if nu >= _DF_MAX * (1 - 1e-12):
            warnings.warn(f"StudentT.fit: the likelihood keeps increasing as df -> inf (the data "
                          f"are lighter-tailed than any t); df is capped at {_DF_MAX:g}",
                          ConvergenceWarning, stacklevel=2)
        elif not converged:
            _warn_limit("StudentT.fit", maxiter)
        step("Result", "sum w d = 0,  sum w d^2 = n,  dl/d(df) = 0", df=nu, loc=mu, scale=sigma,
             iterations=it)
        return cls(nu, loc=mu, scale=sigma)


def _maximise(derivs, fallback, theta, maxiter, tol, names, unpack, formula, *, capped=()):
    """Damped Newton ascent with a fallback step; shared by the t and F fits.

    ``derivs(theta) -> (l, g, H)``; ``fallback(theta) -> theta`` (a step that
    never lowers ``l``).  Components in ``capped`` are logs of degrees of
    freedom, capped at ``log(_DF_MAX)``; one at its cap whose gradient still
    points up is frozen (dropped from the Newton system).  Converged after a
    full Newton step with ``max |delta theta| <= tol`` or a Newton decrement
    ``g . d`` below ``1e-14 (1 + |l|)``, or when ``l`` has stopped rising for
    five iterations (flat to rounding).
    """
    log_cap = np.log(_DF_MAX)
    capped = tuple(capped)

    def clamp(th):
        for i in capped:
            th[i] = min(th[i], log_cap)
        return th

    ll, g, H = derivs(theta)
    converged = False
    stall = 0
    it = 0
    with section("Newton iterations on the log-likelihood"):
        for it in range(1, maxiter + 1):
            free = np.ones(theta.size, dtype=bool)
            for i in capped:
                if theta[i] >= log_cap and g[i] >= 0:
                    free[i] = False
            d = np.zeros_like(theta)
            d_free = _newton_direction(H[np.ix_(free, free)], g[free])
            kind, alpha, accepted, decrement = "newton", 1.0, False, np.inf
            if d_free is not None and np.all(np.isfinite(d_free)):
                d[free] = d_free
                decrement = float(g @ d)
                for _ in range(40):
                    th_new = clamp(theta + alpha * d)
                    ll_new, g_new, H_new = derivs(th_new)
                    if np.isfinite(ll_new) and ll_new >= ll - 1e-13 * abs(ll):
                        accepted = True
                        break
                    alpha *= 0.5
            if not accepted:
                kind, alpha = "fallback", 1.0
                th_new = clamp(fallback(theta))
                ll_new, g_new, H_new = derivs(th_new)
            delta = float(np.max(np.abs(th_new - theta)))
            gain = ll_new - ll
            theta, ll, g, H = th_new, ll_new, g_new, H_new
            step("Iteration", formula, iteration=it, kind=kind, loglik=ll, grad=g, alpha=alpha,
                 **dict(zip(names, unpack(theta))))
            flat = 1e-14 * (1.0 + abs(ll))
            if kind == "newton" and alpha == 1.0 and (delta <= tol or decrement <= flat):
                converged = True
                break
            stall = stall + 1 if gain <= flat else 0
            if stall >= 5 or delta == 0.0:
                converged = True
                break
    return theta, it, converged


# ---------------------------------------------------------------------------
# F
# ---------------------------------------------------------------------------
class F(ContinuousDistribution):
    r"""Snedecor's F distribution with ``dfn`` and ``dfd`` degrees of freedom.

    Parameters
    ----------
    dfn, dfd : float or array_like
        Numerator and denominator degrees of freedom ``> 0``.

    Notes
    -----
    ``X = (V1/dfn)/(V2/dfd)`` for independent chi-squared ``V1``, ``V2``.  With
    ``n = dfn``, ``m = dfd``:

    * density ``log f(x) = (n/2) log n + (m/2) log m + (n/2 - 1) log x
      - ((n + m)/2) log(m + n x) - ln B(n/2, m/2)``, coded with ``r = n/m`` as
      ``(n/2) log r + (n/2 - 1) log x - ((n + m)/2) log1p(r x) - ln B(n/2, m/2)``
      where ``r x <= 1`` and as the mirror form
      ``-(m/2) log r - (m/2 + 1) log x - ((n + m)/2) log1p(1/(r x)) - ln B``
      where ``r x > 1``: the ``log1p`` argument is at most 1, so a large
      degree of freedom enters only through it and the log-Beta (no
      ``(m/2) log m`` terms, 1e11 at ``m = 1e10``), and the far tails do not
      cancel; ``xlogy`` at ``x = 0`` gives ``inf`` for ``n < 2``, ``1`` for
      ``n = 2``, 0 for ``n > 2``; ``log1p(t) = log t`` where ``t``
      overflows.  When both ``n`` and ``m`` are large the terms still cancel
      near the mode (absolute error about ``(n + m) eps``);
    * with ``u = n x/(n x + m)`` and ``w = m/(n x + m)`` (both formed directly):
      ``cdf(x) = I_u(n/2, m/2)``, ``sf(x) = I_w(m/2, n/2)``; each is evaluated
      from the smaller of ``u``, ``w`` (``betainc`` or the complement
      ``betaincc``) so neither tail rounds an argument near 1;
    * ``ppf(q)``: ``u = I^{-1}(n/2, m/2; q)`` with ``w = 1 - u`` from the
      complementary inverse when ``u > 1/2``, and ``x = (m/n) u / w``;
      ``isf(q)`` solves ``I_w(m/2, n/2) = q`` the same way;
    * ``mean = m/(m - 2)`` for ``m > 2`` (``inf`` otherwise);
      ``var = 2 m^2 (n + m - 2) / (n (m - 2)^2 (m - 4))`` for ``m > 4``
      (``inf`` otherwise), as SciPy reports;
    * entropy (SciPy's formula) ``log(m/n) + ln B(n/2, m/2) + (1 - n/2) psi(n/2)
      - (1 + m/2) psi(m/2) + ((n + m)/2) psi((n + m)/2)``;
    * sampling ``X = (G1 m)/(G2 n)``, ``G1 ~ standard_gamma(n/2)``,
      ``G2 ~ standard_gamma(m/2)``.

    Maximum likelihood: with ``a = n/2``, ``b = m/2``, ``r = a/b`` and the
    data means ``M = mean(log x)``, ``S1 = mean(log1p(r x))``,
    ``m1 = mean(x/(1 + r x))``, ``m2 = mean(x^2/(1 + r x)^2)``,

        ``l/n = a log r + (a - 1) M - (a + b) S1 - ln B(a, b)``,
        ``dl/da = log r + 1 + M - S1 - (a + b) m1/b - psi(a) + psi(a + b)``,
        ``dl/db = -a/b - S1 + (a + b) a m1/b^2 - psi(b) + psi(a + b)``,

    (the Hessian is analytic as well); Newton on ``(log a, log b)`` with step
    halving, a gradient step where the Hessian is not negative definite, and
    the method-of-moments start where it exists.

    References
    ----------
    N. L. Johnson, S. Kotz and N. Balakrishnan, *Continuous Univariate
    Distributions*, vol. 2, 2nd ed., Wiley (1995), ch. 27.

    Examples
    --------
    >>> d = F(2, 2)                       # cdf(x) = x/(1 + x), pdf(x) = 1/(1 + x)^2
    >>> d.cdf(1.0), d.sf(3.0), round(d.pdf(1.0), 12)
    (0.5, 0.25, 0.25)
    >>> round(d.ppf(0.75), 12)            # x/(1 + x) = 3/4
    3.0
    >>> F(3, 6).mean()                    # m/(m - 2)
    1.5
    """

    _params = ("dfn", "dfd")

    def __init__(self, dfn, dfd):
        self.dfn = param(dfn, "dfn", positive=True)
        self.dfd = param(dfd, "dfd", positive=True)

    def _support(self):
        low = np.zeros(self.batch_shape)
        return low, low + np.inf

    @staticmethod
    def _log1p_big(t, log_t):
        """``log1p(t)``, as ``log_t`` (= log t) where ``t`` overflows."""
        out = np.log1p(t)
        return out if np.all(t < 1e300) else np.where(t < 1e300, out, log_t)

    def _logpdf(self, x):
        sc = _special()
        n, m = self.dfn, self.dfd
        half_n, half_m = 0.5 * n, 0.5 * m
        log_r = np.log(n) - np.log(m)
        with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
            log_x = np.log(x)
            rx = np.exp(log_r) * x
            # form A (r x <= 1, and x = 0): (n/2) log r + (n/2 - 1) log x - ((n+m)/2) log1p(r x)
            lp = (half_n * log_r + sc.xlogy(half_n - 1.0, x)
                  - (half_n + half_m) * self._log1p_big(rx, log_r + log_x))
            use_b = rx > 1.0
            if np.any(use_b):
                # form B (r x > 1): -(m/2) log r - (m/2 + 1) log x - ((n+m)/2) log1p(1/(r x))
                lp_b = (-half_m * log_r - (half_m + 1.0) * log_x
                        - (half_n + half_m) * np.log1p(np.exp(-log_r) / x))
                lp = np.where(use_b, lp_b, lp)
            lp = lp - _betaln(half_n, half_m)
        return np.where(x < np.inf, lp, -np.inf)

    def _uw(self, x):
        n, m = self.dfn, self.dfd
        with np.errstate(over="ignore"):
            nx = n * x
        den = nx + m
        with np.errstate(invalid="ignore"):
            u = np.where(nx < np.inf, nx / den, 1.0)
        w = m / den
        return u, w

    def _tail(self, x, upper):
        sc = _special()
        x, n, m = np.broadcast_arrays(np.asarray(x, dtype=float), self.dfn, self.dfd)
        u, w = self._uw(x)
        use_u = u < w
        a = np.where(use_u, 0.5 * n, 0.5 * m)
        b = np.where(use_u, 0.5 * m, 0.5 * n)
        v = np.where(use_u, u, w)
        # cdf = I_u(n/2, m/2) = 1 - I_w(m/2, n/2); sf the other way round
        lower = ~use_u if upper else use_u
        val = _where_call(lower, sc.betainc, _betaincc, a, b, v)
        # arguments below 1e-250 (they may underflow): the series at 0 from the log
        far = (w < 1e-250) if upper else (u < 1e-250) & (x > 0)
        if far.any():
            xf, nf, mf = x[far], n[far], m[far]
            with np.errstate(over="ignore", under="ignore"):
                if upper:       # w = (m/(n x)) (1 + O(w))
                    base = mf / (nf * xf)
                    log_base = np.log(mf / nf) - np.log(xf)
                    val[far] = _beta_series_at_zero(base, log_base, 0.5 * mf, 0.5 * mf, 0.5 * nf)
                else:           # u = (n x/m) (1 + O(u))
                    base = nf * xf / mf
                    log_base = np.log(nf / mf) + np.log(xf)
                    val[far] = _beta_series_at_zero(base, log_base, 0.5 * nf, 0.5 * nf, 0.5 * mf)
        return val

    def _cdf(self, x):
        return self._tail(x, upper=False)

    def _sf(self, x):
        return self._tail(x, upper=True)

    def _ppf(self, q):
        u, w, log_u = _beta_inverse_pair(0.5 * self.dfn, 0.5 * self.dfd, q)
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            return np.where(u < 1e-300, np.exp(np.log(self.dfd / self.dfn) + log_u),
                            self.dfd * u / (self.dfn * w))

    def _isf(self, q):
        w, u, log_w = _beta_inverse_pair(0.5 * self.dfd, 0.5 * self.dfn, q)
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            return np.where(w < 1e-300, np.exp(np.log(self.dfd / self.dfn) - log_w),
                            self.dfd * u / (self.dfn * w))

    def _sample(self, rng, shape):
        out = np.asarray(rng.standard_gamma(0.5 * self.dfn, size=shape), dtype=float)
        out /= rng.standard_gamma(0.5 * self.dfd, size=shape)
        out *= self.dfd / self.dfn
        return out

    def _mean(self):
        m = np.broadcast_to(self.dfd, self.batch_shape)
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(m > 2.0, m / (m - 2.0), np.inf)

    def _var(self):
        n, m = np.broadcast_arrays(self.dfn, self.dfd)
        with np.errstate(divide="ignore", invalid="ignore"):
            v = 2.0 * m * m * (n + m - 2.0) / (n * (m - 2.0) ** 2 * (m - 4.0))
        return np.where(m > 4.0, v, np.inf)

    def _entropy(self):
        sc = _special()
        n, m = self.dfn, self.dfd
        hn, hm, hs = 0.5 * n, 0.5 * m, 0.5 * (n + m)
        return np.broadcast_to(
            np.log(m) - np.log(n) + _betaln(hn, hm) + (1.0 - hn) * sc.digamma(hn)
            - (1.0 + hm) * sc.digamma(hm) + hs * sc.digamma(hs), self.batch_shape)

    # -- maximum likelihood -------------------------------------------------
    @staticmethod
    def _loglik_derivatives(x, log_a, log_b, M):
        r"""``l/n`` at ``(a, b) = (dfn/2, dfd/2)``, gradient and Hessian in ``(log a, log b)``."""
        sc = _special()
        a, b = np.exp(log_a), np.exp(log_b)
        r = a / b
        rx1 = 1.0 + r * x
        S1 = float(np.log1p(r * x).mean())
        t = x / rx1
        m1 = float(t.mean())
        m2 = float((t * t).mean())
        ll = a * np.log(r) + (a - 1.0) * M - (a + b) * S1 - float(_betaln(a, b))
        psi_ab, tri_ab = float(sc.digamma(a + b)), float(sc.polygamma(1, a + b))
        g_a = np.log(r) + 1.0 + M - S1 - (a + b) * m1 / b - float(sc.digamma(a)) + psi_ab
        g_b = -a / b - S1 + (a + b) * a * m1 / b ** 2 - float(sc.digamma(b)) + psi_ab
        h_aa = 1.0 / a - 2.0 * m1 / b + (a + b) * m2 / b ** 2 - float(sc.polygamma(1, a)) + tri_ab
        h_ab = -1.0 / b + 2.0 * a * m1 / b ** 2 - (a + b) * a * m2 / b ** 3 + tri_ab
        h_bb = (a / b ** 2 + 2.0 * a * m1 / b ** 2 + a * a * (a + b) * m2 / b ** 4
                - 2.0 * a * (a + b) * m1 / b ** 3 - float(sc.polygamma(1, b)) + tri_ab)
        g = np.array([a * g_a, b * g_b])
        H = np.array([[a * a * h_aa + a * g_a, a * b * h_ab],
                      [a * b * h_ab, b * b * h_bb + b * g_b]])
        return float(ll), g, H

    @classmethod
    def fit(cls, data, *, maxiter: int = 500, tol: float = 1e-10):
        r"""Maximum-likelihood ``(dfn, dfd)`` from positive data.

        Parameters
        ----------
        data : (n,) array_like
            Positive observations, at least 3, not all equal.
        maxiter : int, default 500
            Iteration limit (``ConvergenceWarning`` when reached).
        tol : float, default 1e-10
            Stop after a full Newton step with ``max |delta (log a, log b)| <= tol``.

        Returns
        -------
        F

        Notes
        -----
        The log-likelihood, its gradient and Hessian are in the class
        docstring; Newton runs on ``(log(dfn/2), log(dfd/2))`` with step
        halving, and a gradient-ascent step (with step halving) replaces a
        Newton step whose Hessian is not negative definite.  Start: method of
        moments (``dfd0 = 2 xbar/(xbar - 1)``, ``dfn0`` from the variance)
        where it gives positive values, else ``(2, 5)``.  A degree of freedom
        whose MLE is infinite is capped at 1e10 with a warning.

        Examples
        --------
        >>> d = F.fit([0.3, 0.6, 0.9, 1.2, 2.5, 4.0])
        >>> d.params["dfn"] > 0 and d.params["dfd"] > 0
        True
        """
        x = _positive_data(data, "data", min_size=3)
        if not float(x.std()) > 0:
            raise ValueError("data are all equal: the F MLE does not exist")
        M = float(np.log(x).mean())
        xbar, v = float(x.mean()), float(x.var())
        step("Sufficient statistics", "M = mean(log x),  xbar,  var", n=x.size, mean_log_x=M,
             xbar=xbar, var=v)
        dfn0, dfd0 = 2.0, 5.0
        if xbar > 1.0:
            m = 2.0 * xbar / (xbar - 1.0)
            if m > 4.0:
                denom = v * (m - 2.0) ** 2 * (m - 4.0) - 2.0 * m * m
                n = 2.0 * m * m * (m - 2.0) / denom if denom > 0 else -1.0
                if n > 0:
                    dfn0, dfd0 = n, m
                else:
                    dfd0 = m
        dfn0, dfd0 = float(np.clip(dfn0, 0.1, 1e4)), float(np.clip(dfd0, 0.1, 1e4))
        step("Method-of-moments start", "dfd0 = 2 xbar/(xbar - 1),  "
             "dfn0 = 2 m^2 (m - 2) / (v (m - 2)^2 (m - 4) - 2 m^2)", dfn0=dfn0, dfd0=dfd0)

        def derivs(th):
            return cls._loglik_derivatives(x, th[0], th[1], M)

        def gradient_step(th):
            ll, g, _ = derivs(th)
            d = g / max(1.0, float(np.max(np.abs(g))))
            for _ in range(60):
                th_new = th + d
                if derivs(th_new)[0] >= ll:
                    return th_new
                d = 0.5 * d
            return th.copy()

        theta = np.log([0.5 * dfn0, 0.5 * dfd0])
        theta, it, converged = _maximise(
            derivs, gradient_step, theta, maxiter, tol, ("dfn", "dfd"),
            lambda th: (float(2 * np.exp(th[0])), float(2 * np.exp(th[1]))),
            "theta <- theta - alpha H^{-1} g,  theta = (log(dfn/2), log(dfd/2))",
            capped=(0, 1))
        dfn = min(2.0 * float(np.exp(theta[0])), 2 * _DF_MAX)
        dfd = min(2.0 * float(np.exp(theta[1])), 2 * _DF_MAX)
        if max(dfn, dfd) >= 2 * _DF_MAX * (1 - 1e-12):
            warnings.warn(f"F.fit: the likelihood keeps increasing as a degree of freedom -> inf; "
                          f"it is capped at {2 * _DF_MAX:g}", ConvergenceWarning, stacklevel=2)
        elif not converged:
            _warn_limit("F.fit", maxiter)
        step("Result", "grad l = 0", dfn=dfn, dfd=dfd, iterations=it)
        return cls(dfn, dfd)

