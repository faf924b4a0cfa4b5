r"""The normal (Gaussian) distribution, univariate and multivariate.

:class:`Normal` is the bell curve ``N(mu, sigma^2)``; :class:`MultivariateNormal`
is its ``d``-dimensional version ``N(mu, Sigma)``, handled through the Cholesky
factor ``Sigma = L L^T`` (triangular solves, never an inverse).

Numerics
--------
* ``logpdf`` is the quadratic ``-z^2/2 - log(sigma) - log(2 pi)/2`` with
  ``z = (x - mu)/sigma``: no ``exp`` is taken, so the log-density 40 standard
  deviations out is finite and exact (``pdf`` underflows to 0 only past about
  38.6 sigma, where the true value is below the smallest double).
* ``cdf`` and ``sf`` use the complementary error function,
  ``Phi(z) = erfc(-z/sqrt 2)/2`` and ``1 - Phi(z) = erfc(z/sqrt 2)/2``, so
  each tail keeps its *relative* accuracy (``sf(10) ~ 7.6e-24`` to the last
  digits instead of ``1 - 1 = 0``).  ``logcdf``/``logsf`` use the scaled
  ``erfcx(t) = exp(t^2) erfc(t)`` in the far tail:
  ``log Phi(z) = log(erfcx(-z/sqrt 2)/2) - z^2/2`` for ``z < -1``.
* ``ppf`` is Wichura's algorithm AS 241 (PPND16): three rational
  approximations of degree 7/7, relative accuracy about ``1e-16``; ``isf``
  uses the symmetry ``Phi^{-1}(1 - q) = -Phi^{-1}(q)`` so upper-tail quantiles
  of tiny ``q`` are as accurate as lower-tail ones.

Only :mod:`scipy.special`'s ``erfc``/``erfcx`` are used (imported lazily); the
distribution functions are ours.

References
----------
M. J. Wichura, "Algorithm AS 241: The percentage points of the normal
distribution", *Applied Statistics* 37(3), 477--484 (1988).
W. J. Cody, "Rational Chebyshev approximations for the error function",
*Math. Comp.* 23, 631--637 (1969) (the erfc/erfcx behind ``scipy.special``).
"""
from __future__ import annotations

import math

import numpy as np

from ...exceptions import LinAlgError
from ...explain import active, silenced, step
from ...linalg.cholesky import cholesky
from ...linalg.triangular import solve_triangular
from ._base import (ContinuousDistribution, _scalar, as_data, as_points, param, sample_shape,
                    scale_shift)
from ..._validation import as_rng

__all__ = ["Normal", "MultivariateNormal", "standard_normal_ppf"]

_SQRT1_2 = math.sqrt(0.5)                       # 1/sqrt(2)
_SQRT_2PI = math.sqrt(2.0 * math.pi)
_HALF_LOG_2PI = 0.5 * math.log(2.0 * math.pi)   # log(sqrt(2 pi))
_HALF_LOG_2PIE = 0.5 * (1.0 + math.log(2.0 * math.pi))


def _erfc():
    from scipy.special import erfc
    return erfc


def _erfcx():
    from scipy.special import erfcx
    return erfcx


# ---------------------------------------------------------------------------
# Wichura's AS 241 (PPND16)
# ---------------------------------------------------------------------------
# Central region |q - 1/2| <= 0.425: x = s * A(r) / B(r), r = 0.180625 - s^2, s = q - 1/2.
_A = (3.3871328727963666080e0, 1.3314166789178437745e+2, 1.9715909503065514427e+3,
      1.3731693765509461125e+4, 4.5921953931549871457e+4, 6.7265770927008700853e+4,
      3.3430575583588128105e+4, 2.5090809287301226727e+3)
_B = (1.0, 4.2313330701600911252e+1, 6.8718700749205790830e+2, 5.3941960214247511077e+3,
      2.1213794301586595867e+4, 3.9307895800092710610e+4, 2.8729085735721942674e+4,
      5.2264952788528545610e+3)
# Intermediate tail r = sqrt(-log(min(q, 1-q))) <= 5: x = C(r - 1.6) / D(r - 1.6).
_C = (1.42343711074968357734e0, 4.63033784615654529590e0, 5.76949722146069140550e0,
      3.64784832476320460504e0, 1.27045825245236838258e0, 2.41780725177450611770e-1,
      2.27238449892691845833e-2, 7.74545014278341407640e-4)
_D = (1.0, 2.05319162663775882187e0, 1.67638483018380384940e0, 6.89767334985100004550e-1,
      1.48103976427480074590e-1, 1.51986665636164571966e-2, 5.47593808499534494600e-4,
      1.05075007164441684324e-9)
# Far tail r > 5: x = E(r - 5) / F(r - 5).
_E = (6.65790464350110377720e0, 5.46378491116411436990e0, 1.78482653991729133580e0,
      2.96560571828504891230e-1, 2.65321895265761230930e-2, 1.24266094738807843860e-3,
      2.71155556874348757815e-5, 2.01033439929228813265e-7)
_F = (1.0, 5.99832206555887937690e-1, 1.36929880922735805310e-1, 1.48753612908506148525e-2,
      7.86869131145613259100e-4, 1.84631831751005468180e-5, 1.42151175831644588870e-7,
      2.04426310338993978564e-15)


def _horner(coef, r):
    """``sum_k coef[k] r^k`` by Horner's rule (vectorised over ``r``)."""
    out = np.full_like(r, coef[-1])
    for c in coef[-2::-1]:
        out *= r
        out += c
    return out


def standard_normal_ppf(q):
    r"""Quantile function of the standard normal, :math:`\Phi^{-1}(q)`, by AS 241.

    Parameters
    ----------
    q : float or array_like
        Probabilities in [0, 1] (not checked here; NaN passes through).

    Returns
    -------
    z : float or ndarray, shape of ``q``
        ``Phi(z) = q``; ``-inf`` at ``q = 0`` and ``inf`` at ``q = 1``.

    Notes
    -----
    With ``s = q - 1/2``:

    * ``|s| <= 0.425``: ``z = s A(r)/B(r)`` with ``r = 0.180625 - s^2``;
    * otherwise ``r = sqrt(-log(p))`` with ``p = min(q, 1 - q)`` (``1 - q`` is
      exact for ``q >= 1/2``), ``z = C(r - 1.6)/D(r - 1.6)`` for ``r <= 5`` and
      ``E(r - 5)/F(r - 5)`` beyond, negated when ``q < 1/2``.

    ``A..F`` are Wichura's degree-7 polynomials; the relative error is about
    ``1e-16`` for ``q`` down to ``1e-300``.

    References
    ----------
    M. J. Wichura, Algorithm AS 241, *Applied Statistics* 37(3), 477--484 (1988).

    Examples
    --------
    >>> round(float(standard_normal_ppf(0.975)), 6)
    1.959964
    >>> float(standard_normal_ppf(0.5)), float(standard_normal_ppf(0.0))
    (0.0, -inf)
    """
    q = np.asarray(q, dtype=float)
    scalar = q.ndim == 0
    q = np.atleast_1d(q)
    s = q - 0.5
    z = np.empty_like(q)
    central = np.abs(s) <= 0.425
    if central.any():
        sc = s[central]
        r = 0.180625 - sc * sc
        z[central] = sc * _horner(_A, r) / _horner(_B, r)
    tail = ~central & ~np.isnan(q)
    if tail.any():
        qt = q[tail]
        p = np.where(s[tail] < 0.0, qt, 1.0 - qt)     # the smaller tail, exact
        with np.errstate(divide="ignore"):
            r = np.sqrt(-np.log(p))
        zt = np.empty_like(r)
        mid = r <= 5.0
        rm = r[mid] - 1.6
        zt[mid] = _horner(_C, rm) / _horner(_D, rm)
        far = ~mid & np.isfinite(r)
        rf = r[far] - 5.0
        zt[far] = _horner(_E, rf) / _horner(_F, rf)
        zt[np.isinf(r)] = np.inf                      # p = 0: q = 0 or q = 1
        z[tail] = np.where(s[tail] < 0.0, -zt, zt)
    z[np.isnan(q)] = np.nan
    return z[0].item() if scalar else z


def _log_ndtr(z):
    r"""``log Phi(z)`` accurate in both tails (``erfcx`` for ``z < -1``, ``log1p(-sf)`` above)."""
    z = np.asarray(z, dtype=float)
    out = np.empty(z.shape)
    low = z < -1.0
    if low.any():
        zl = z[low]
        with np.errstate(divide="ignore"):
            out[low] = np.log(0.5 * _erfcx()(-zl * _SQRT1_2)) - 0.5 * zl * zl
    high = ~low
    if high.any():
        out[high] = np.log1p(-0.5 * _erfc()(z[high] * _SQRT1_2))
    return out


def _broadcast(*arrays, names):
    try:
        return np.broadcast_shapes(*(np.shape(a) for a in arrays))
    except ValueError:
        shapes = ", ".join(f"{n} {np.shape(a)}" for n, a in zip(names, arrays))
        raise ValueError(f"parameter shapes do not broadcast: {shapes}") from None


# ---------------------------------------------------------------------------
# Normal
# ---------------------------------------------------------------------------
class Normal(ContinuousDistribution):
    r"""The normal distribution :math:`N(\mu, \sigma^2)`.

    Parameters
    ----------
    loc : float or array_like, default 0.0
        The mean ``mu``.
    scale : float or array_like, default 1.0
        The standard deviation ``sigma > 0``.  Arrays of parameters broadcast
        against each other and against the evaluation points (a batch of
        normals).

    Notes
    -----
    With ``z = (x - mu) / sigma``:

    * density ``pdf(x) = exp(-z^2/2) / (sigma sqrt(2 pi))``,
      ``logpdf(x) = -z^2/2 - log(sigma) - log(2 pi)/2`` (exact far in the tails);
    * ``cdf(x) = Phi(z) = erfc(-z/sqrt 2)/2``, ``sf(x) = erfc(z/sqrt 2)/2``;
    * ``ppf(q) = mu + sigma Phi^{-1}(q)`` (AS 241), ``isf(q) = mu - sigma Phi^{-1}(q)``;
    * ``E[X] = mu``, ``Var[X] = sigma^2``;
    * entropy ``H = log(2 pi e sigma^2)/2`` nats;
    * MLE from ``x_1..x_n``: the sufficient statistics are ``n``, ``sum x_i``
      and ``sum x_i^2``; ``mu_hat = sum x_i / n`` and
      ``sigma_hat^2 = sum (x_i - mu_hat)^2 / n`` (the 1/n, biased, variance).

    References
    ----------
    M. J. Wichura, Algorithm AS 241, *Applied Statistics* 37(3), 477--484 (1988).
    C. M. Bishop, *Pattern Recognition and Machine Learning*, Springer (2006),
    section 2.3.4 (maximum likelihood for the Gaussian).

    Examples
    --------
    >>> d = Normal(loc=1.0, scale=2.0)
    >>> round(d.pdf(1.0), 6)                 # 1 / (2 sqrt(2 pi))
    0.199471
    >>> d.cdf(1.0), round(d.cdf(1.0 + 2.0 * 1.959964), 6)
    (0.5, 0.975)
    >>> round(d.ppf(0.975), 6)               # 1 + 2 * 1.959964
    4.919928
    >>> d.mean(), d.var(), round(d.entropy(), 6)   # (1 + log(2 pi))/2 + log 2
    (1.0, 4.0, 2.112086)
    >>> Normal.fit([1.0, 2.0, 3.0, 6.0])     # mean 3, 1/n variance (4+1+0+9)/4 = 3.5
    Normal(loc=3, scale=1.87083)
    >>> Normal().logpdf(40.0) == -800 - 0.5 * float(np.log(2 * np.pi))   # exact at 40 sigma
    True
    """

    _params = ("loc", "scale")
    _whole_line = True

    def __init__(self, loc=0.0, scale=1.0):
        self.loc = param(loc, "loc")
        self.scale = param(scale, "scale", positive=True)
        _broadcast(self.loc, self.scale, names=("loc", "scale"))
        # -log(sigma) - log(2 pi)/2, the log normalising constant, computed once.
        self._log_norm = np.log(self.scale) + _HALF_LOG_2PI
        self._inv_norm = 1.0 / (self.scale * _SQRT_2PI)   # 1/(sigma sqrt(2 pi))
        self._scalar_params = self.loc.ndim == 0 and self.scale.ndim == 0
        self._c_cdf = _SQRT1_2 / self.scale      # 1/(sigma sqrt 2)

    # -- densities (hot paths: few temporaries, in place) ---------------
    def _logpdf(self, x):
        if self._scalar_params and x.ndim:
            z = np.subtract(x, self.loc)
            z /= self.scale
            np.square(z, out=z)
            z *= -0.5
            z -= self._log_norm
            return z
        z = (x - self.loc) / self.scale
        return -0.5 * (z * z) - self._log_norm

    def pdf(self, x):
        """Density ``exp(-z^2/2) / (sigma sqrt(2 pi))`` at ``x``, ``z = (x - mu)/sigma``.

        Computed in that form (not as ``exp(logpdf)``), so that at the mode it is
        exactly the rounded ``1/(sigma sqrt(2 pi))``.
        """
        x = as_points(x)
        if self._scalar_params and x.ndim:
            z = np.subtract(x, self.loc)
            z /= self.scale
            np.square(z, out=z)
            z *= -0.5
            np.exp(z, out=z)
            z *= self._inv_norm
            return z
        z = (x - self.loc) / self.scale
        return _scalar(np.exp(-0.5 * (z * z)) * self._inv_norm)

    def _cdf(self, x):
        return self._tail(self.loc, x)

    def _sf(self, x):
        return self._tail(x, self.loc)

    def _tail(self, a, b):
        r"""``erfc(t)/2`` with ``t = (a - b)/(sigma sqrt 2)``: ``cdf`` is ``(mu, x)``, ``sf`` ``(x, mu)``.

        ``erfc`` underflows to 0 for ``t`` beyond about 26.6 although the true
        value is still a (subnormal) double down to ``t ~ 27.3`` (``cdf(-38)`` is
        about ``2.9e-316``); those entries are recomputed as
        ``exp(log(erfcx(t)/2) - t^2)`` with the scaled ``erfcx(t) = exp(t^2) erfc(t)``.
        Finding them is one reduction over the result, so the hot path stays one
        subtraction, one scaling, one ``erfc`` and one halving, all in place.
        """
        erfc = _erfc()
        if self._scalar_params and np.ndim(a) + np.ndim(b):
            out = np.subtract(a, b)
            out *= self._c_cdf
            erfc(out, out=out)
            out *= 0.5
        else:
            out = 0.5 * erfc((a - b) * self._c_cdf)
        if isinstance(out, np.ndarray) and out.ndim:
            if not out.all():
                self._fix_underflow(out, a, b)
        elif out == 0.0:
            out = self._fix_underflow(np.array([out]), a, b)[0]
        return out

    def _fix_underflow(self, out, a, b):
        t = np.broadcast_to((a - b) * self._c_cdf, out.shape).reshape(out.shape)
        m = (out == 0.0) & np.isfinite(t) & (t > 0.0)
        if m.any():
            tm = t[m]
            with np.errstate(under="ignore"):
                out[m] = np.exp(np.log(0.5 * _erfcx()(tm)) - tm * tm)
        return out

    def logcdf(self, x):
        r"""``log Phi(z)``, accurate far in the lower tail.

        Notes
        -----
        For ``z < -1``: ``log Phi(z) = log(erfcx(-z/sqrt 2)/2) - z^2/2`` with the
        scaled ``erfcx(t) = exp(t^2) erfc(t)`` (no underflow: ``logcdf(-40)`` is
        about ``-804.6``); otherwise ``log1p(-sf(x))``, accurate as ``cdf -> 1``.

        Examples
        --------
        >>> round(Normal().logcdf(0.0), 6)      # log(1/2)
        -0.693147
        >>> round(Normal().logcdf(-40.0), 4)
        -804.6084
        """
        x = as_points(x)
        return _scalar(_log_ndtr((x - self.loc) / self.scale))

    def logsf(self, x):
        r"""``log(1 - Phi(z)) = log Phi(-z)``, accurate far in the upper tail.

        Examples
        --------
        >>> round(Normal().logsf(40.0), 4)
        -804.6084
        """
        x = as_points(x)
        return _scalar(_log_ndtr((self.loc - x) / self.scale))

    def _ppf(self, q):
        return self.loc + self.scale * standard_normal_ppf(q)

    def _isf(self, q):
        return self.loc - self.scale * standard_normal_ppf(q)

    # -- moments, entropy, support -------------------------------------
    def _support(self):
        return -np.inf, np.inf

    def _mean(self):
        return np.broadcast_to(self.loc, self.batch_shape).copy()

    def _var(self):
        return np.broadcast_to(self.scale * self.scale, self.batch_shape).copy()

    def _entropy(self):
        return np.broadcast_to(_HALF_LOG_2PIE + np.log(self.scale), self.batch_shape).copy()

    # -- sampling -------------------------------------------------------
    def _sample(self, rng, shape):
        return scale_shift(rng.standard_normal(shape), self.scale, self.loc)

    # -- fitting --------------------------------------------------------
    @classmethod
    def fit(cls, data):
        r"""Maximum-likelihood normal from a 1-D sample.

        Parameters
        ----------
        data : (n,) array_like
            At least two observations, not all equal.

        Returns
        -------
        Normal
            ``Normal(loc=mu_hat, scale=sigma_hat)``.

        Raises
        ------
        ValueError
            Fewer than two observations, non-finite data, or constant data (the
            MLE scale would be 0).

        Notes
        -----
        The log-likelihood depends on the data only through the sufficient
        statistics ``n``, ``S1 = sum x_i``, ``S2 = sum x_i^2``:
        ``l = -n log(sigma) - (S2 - 2 mu S1 + n mu^2)/(2 sigma^2) - n log(2 pi)/2``.
        Setting its gradient to 0 gives ``mu_hat = S1 / n`` and
        ``sigma_hat^2 = S2/n - mu_hat^2``; that difference cancels
        catastrophically when ``|mu| >> sigma``, so the code uses the equal,
        stable two-pass form ``sum (x_i - mu_hat)^2 / n``.

        Examples
        --------
        >>> d = Normal.fit([2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0])
        >>> d.params                               # mean 5, variance 32/8 = 4
        {'loc': 5.0, 'scale': 2.0}
        """
        x = as_data(data, min_size=2)
        n = x.shape[0]
        S1 = x.sum()
        mu = S1 / n
        r = x - mu
        sigma2 = (r @ r) / n
        if active():
            step("Sufficient statistics", "n, S1 = sum x_i, S2 = sum x_i^2",
                 n=n, S1=float(S1), S2=float(x @ x))
        if not (x != x[0]).any() or not sigma2 > 0:
            raise ValueError(f"data are constant (all {float(x[0])!r}): the MLE scale "
                             "sigma would be 0, so no Normal fits")
        sigma = math.sqrt(sigma2)
        step("Maximum-likelihood estimates",
             "mu_hat = S1 / n;  sigma_hat^2 = sum (x_i - mu_hat)^2 / n  (= S2/n - mu_hat^2)",
             mu_hat=float(mu), sigma2_hat=float(sigma2), sigma_hat=sigma)
        return cls(loc=mu, scale=sigma)


# ---------------------------------------------------------------------------
# Multivariate normal
# ---------------------------------------------------------------------------
class MultivariateNormal(ContinuousDistribution):
    r"""The multivariate normal distribution :math:`N(\mu, \Sigma)` in ``d`` dimensions.

    Parameters
    ----------
    mean : (d,) array_like
        The mean vector ``mu``.
    cov : (d, d) array_like
        The covariance ``Sigma``: symmetric (to a relative tolerance of
        ``1e-10``) and positive definite, which is checked by computing its
        Cholesky factor ``Sigma = L L^T`` with :func:`mathforml.linalg.cholesky`.

    Attributes
    ----------
    cov : (d, d) ndarray
        The covariance matrix.
    scale_tril : (d, d) ndarray
        Its lower Cholesky factor ``L``.
    dim : int
        The dimension ``d``.

    Notes
    -----
    With ``r = x - mu`` and ``y = L^{-1} r`` (a forward substitution, never an
    inverse), ``r^T Sigma^{-1} r = ||y||^2`` and ``log det Sigma = 2 sum log L_ii``:

    * ``logpdf(x) = -||y||^2/2 - sum_i log L_ii - (d/2) log(2 pi)``;
    * sampling ``x = mu + L z`` with ``z ~ N(0, I)`` (rows: ``mu + Z L^T``);
    * ``E[X] = mu``, ``Cov[X] = Sigma`` (``var()`` is its diagonal);
    * entropy ``H = log det(2 pi e Sigma)/2 = d(1 + log 2 pi)/2 + sum_i log L_ii``;
    * MLE from rows ``x_1..x_n`` (needs ``n > d``): sufficient statistics ``n``,
      ``sum x_i`` and ``sum x_i x_i^T``; ``mu_hat = sum x_i / n``,
      ``Sigma_hat = sum (x_i - mu_hat)(x_i - mu_hat)^T / n``.

    The CDF (an orthant probability) has no closed form and is not provided.

    References
    ----------
    C. M. Bishop, *Pattern Recognition and Machine Learning*, Springer (2006),
    sections 2.3.1--2.3.4 (conditionals, marginals, maximum likelihood).

    Examples
    --------
    >>> d = MultivariateNormal([0.0, 0.0], [[4.0, 0.0], [0.0, 1.0]])
    >>> round(d.pdf([0.0, 0.0]), 6)          # 1 / (2 pi sqrt(det Sigma)) = 1 / (4 pi)
    0.079577
    >>> round(d.logpdf([2.0, 1.0]) - d.logpdf([0.0, 0.0]), 6)   # -(1 + 1)/2
    -1.0
    >>> d.mean(), d.var()
    (array([0., 0.]), array([4., 1.]))
    >>> round(d.entropy(), 6)                # 1 + log(2 pi) + log 2 = 1 + 1.837877 + 0.693147
    3.531024
    """

    _whole_line = True

    def __init__(self, mean, cov):
        mu = param(mean, "mean")
        if mu.ndim != 1:
            raise ValueError(f"mean must be a 1-D vector, got shape {mu.shape}")
        d = mu.shape[0]
        Sigma = param(cov, "cov")
        if Sigma.shape != (d, d):
            raise ValueError(f"cov must have shape ({d}, {d}) to match mean, got {Sigma.shape}")
        scale = np.max(np.abs(Sigma))
        asym = np.max(np.abs(Sigma - Sigma.T))
        if asym > 1e-10 * scale:
            raise ValueError(f"cov must be symmetric, got max |cov - cov^T| = {asym:.3g}")
        Sigma = 0.5 * (Sigma + Sigma.T)
        try:
            with silenced():
                L = cholesky(Sigma)
        except LinAlgError as err:
            raise ValueError(f"cov must be positive definite ({err})") from None
        self._mu = mu
        self.cov = Sigma
        self.scale_tril = L
        self.dim = d
        self._half_logdet = float(np.log(L.diagonal()).sum())     # log det(Sigma) / 2

    # -- parameters -------------------------------------------------------
    @property
    def params(self) -> dict:
        """The parameters ``{'mean': (d,) array, 'cov': (d, d) array}`` (copies)."""
        return {"mean": self._mu.copy(), "cov": self.cov.copy()}

    @property
    def batch_shape(self) -> tuple:
        """``()``: one distribution (its ``d`` coordinates are the event, not a batch)."""
        return ()

    @property
    def event_shape(self) -> tuple:
        """``(d,)``, the shape of one draw."""
        return (self.dim,)

    # -- densities --------------------------------------------------------
    def _points(self, x):
        x = as_points(x)
        if x.ndim == 0 or x.shape[-1] != self.dim:
            raise ValueError(f"x must have shape (..., {self.dim}), got {x.shape}")
        return x

    def mahalanobis2(self, x):
        r"""Squared Mahalanobis distance ``(x - mu)^T Sigma^{-1} (x - mu) = ||L^{-1}(x - mu)||^2``.

        Parameters
        ----------
        x : (..., d) array_like

        Returns
        -------
        float or ndarray, shape ``x.shape[:-1]``

        Examples
        --------
        >>> MultivariateNormal([0.0, 0.0], [[4.0, 0.0], [0.0, 1.0]]).mahalanobis2([2.0, 1.0])
        2.0
        """
        x = self._points(x)
        lead = x.shape[:-1]
        R = (x - self._mu).reshape(-1, self.dim)
        finite = np.isfinite(R).all(axis=1)
        if finite.all():
            with silenced():
                Y = solve_triangular(self.scale_tril, R.T, lower=True, check_finite=False)
            return _scalar(np.einsum("ij,ij->j", Y, Y).reshape(lead))
        # rows with NaN give NaN; rows with an infinite coordinate are infinitely far
        out = np.where(np.isnan(R).any(axis=1), np.nan, np.inf)
        with silenced():
            Y = solve_triangular(self.scale_tril, R[finite].T, lower=True, check_finite=False)
        out[finite] = np.einsum("ij,ij->j", Y, Y)
        return _scalar(out.reshape(lead))

    def logpdf(self, x):
        r"""Log-density at ``x`` of shape ``(..., d)``; returns shape ``(...)``.

        ``-||L^{-1}(x - mu)||^2/2 - sum_i log L_ii - (d/2) log(2 pi)``; ``-inf``
        at a point with an infinite coordinate, NaN where a coordinate is NaN.
        """
        m2 = np.asarray(self.mahalanobis2(x))
        return _scalar(-0.5 * m2 - (self._half_logdet + self.dim * _HALF_LOG_2PI))

    def pdf(self, x):
        """Density ``exp(logpdf(x))`` at ``x`` of shape ``(..., d)``."""
        return _scalar(np.exp(self.logpdf(x)))

    def cdf(self, x):
        """Not provided: the multivariate normal CDF has no closed form."""
        raise NotImplementedError(
            "MultivariateNormal.cdf is not implemented: the orthant probability "
            "P(X <= x) has no closed form (it needs numerical integration, e.g. Genz's "
            "method); use the marginal(...) Normal for one coordinate")

    def sf(self, x):
        """Not provided: see :meth:`cdf`."""
        raise NotImplementedError("MultivariateNormal.sf is not implemented (no closed form)")

    def _ppf(self, q):
        raise NotImplementedError("MultivariateNormal has no quantile function (ppf)")

    # -- moments -------------------------------------------------------------
    def _support(self):
        return -np.inf, np.inf

    def mean(self):
        """The mean vector ``mu``, shape ``(d,)``."""
        return self._mu.copy()

    def _var(self):
        return self.cov.diagonal().copy()

    def var(self):
        """The variances ``diag(Sigma)``, shape ``(d,)``."""
        return self._var()

    def std(self):
        """The standard deviations ``sqrt(diag(Sigma))``, shape ``(d,)``."""
        return np.sqrt(self._var())

    def _entropy(self):
        return self.dim * _HALF_LOG_2PIE + self._half_logdet

    # -- sampling ------------------------------------------------------------
    def sample(self, size=None, rng=None):
        """Draw ``x = mu + L z`` with ``z ~ N(0, I)``.

        Parameters
        ----------
        size : int or tuple of ints, optional
            The number (shape) of draws; each draw is a ``(d,)`` vector, so the
            result has shape ``size + (d,)`` (``(d,)`` when ``size`` is None).
        rng : None, int or numpy.random.Generator

        Examples
        --------
        >>> MultivariateNormal([1.0, 2.0], [[1.0, 0.0], [0.0, 1.0]]).sample(3, rng=0).shape
        (3, 2)
        """
        shape = sample_shape(size, ())
        Z = as_rng(rng).standard_normal(shape + (self.dim,))
        X = Z @ self.scale_tril.T
        X += self._mu
        return X

    # -- fitting -------------------------------------------------------------
    @classmethod
    def fit(cls, data):
        r"""Maximum-likelihood multivariate normal from rows of ``data``.

        Parameters
        ----------
        data : (n, d) array_like
            ``n > d`` observations (rows) of ``d`` features.

        Returns
        -------
        MultivariateNormal
            With ``mu_hat = sum_i x_i / n`` and
            ``Sigma_hat = sum_i (x_i - mu_hat)(x_i - mu_hat)^T / n``.

        Raises
        ------
        ValueError
            ``n <= d`` (the 1/n covariance is singular), non-finite data, or
            data lying in a lower-dimensional affine subspace (``Sigma_hat`` not
            positive definite).

        Notes
        -----
        The sufficient statistics are ``n``, ``S1 = sum x_i`` (``d``) and
        ``S2 = sum x_i x_i^T`` (``d x d``); ``Sigma_hat = S2/n - mu_hat mu_hat^T``,
        computed from the centred rows ``R = X - mu_hat`` as ``R^T R / n``.

        Examples
        --------
        >>> d = MultivariateNormal.fit([[0.0, 0.0], [2.0, 0.0], [0.0, 2.0], [2.0, 2.0]])
        >>> d.mean(), d.cov
        (array([1., 1.]), array([[1., 0.],
               [0., 1.]]))
        """
        X = as_data(data, ndim=2)
        n, d = X.shape
        if d == 0:
            raise ValueError("data must have at least one feature column, got shape "
                             f"{X.shape}")
        if n <= d:
            raise ValueError(f"data needs more observations than dimensions (n > d) for a "
                             f"positive definite covariance, got n={n}, d={d}")
        S1 = X.sum(axis=0)
        mu = S1 / n
        R = X - mu
        Sigma = (R.T @ R) / n
        Sigma = 0.5 * (Sigma + Sigma.T)
        if active():
            step("Sufficient statistics", "n, S1 = sum x_i, S2 = sum x_i x_i^T",
                 n=n, S1=S1.copy(), S2=X.T @ X)
        step("Maximum-likelihood estimates",
             "mu_hat = S1 / n;  Sigma_hat = sum (x_i - mu_hat)(x_i - mu_hat)^T / n",
             mu_hat=mu, Sigma_hat=Sigma)
        return cls(mu, Sigma)

    # -- structure -----------------------------------------------------------
    def _indices(self, indices, name="indices"):
        idx = np.asarray(indices)
        if idx.dtype.kind not in "iu" or idx.ndim > 1:
            raise TypeError(f"{name} must be an integer or a 1-D sequence of integers, "
                            f"got {indices!r}")
        idx = np.atleast_1d(idx).astype(np.intp)
        if idx.size == 0:
            raise ValueError(f"{name} must not be empty")
        if (idx < -self.dim).any() or (idx >= self.dim).any():
            raise ValueError(f"{name} must lie in [0, {self.dim}), got {idx.tolist()}")
        idx = idx % self.dim
        if np.unique(idx).size != idx.size:
            raise ValueError(f"{name} must not repeat, got {idx.tolist()}")
        return idx

    def marginal(self, indices):
        r"""The marginal distribution of the coordinates ``indices``.

        Notes
        -----
        Marginals of a Gaussian are Gaussian: keep the entries of ``mu`` and the
        rows/columns of ``Sigma``, ``N(mu_A, Sigma_AA)``.

        Returns
        -------
        MultivariateNormal
            In ``len(indices)`` dimensions.

        Examples
        --------
        >>> d = MultivariateNormal([1.0, 2.0, 3.0], np.diag([1.0, 4.0, 9.0]))
        >>> m = d.marginal([2, 0])
        >>> m.mean(), m.var()
        (array([3., 1.]), array([9., 1.]))
        """
        A = self._indices(indices)
        return MultivariateNormal(self._mu[A], self.cov[np.ix_(A, A)])

    def conditional(self, indices, values):
        r"""The distribution of the other coordinates given ``x[indices] = values``.

        Parameters
        ----------
        indices : sequence of int
            The observed coordinates ``B``.
        values : (len(indices),) array_like
            Their observed values ``x_B``.

        Returns
        -------
        MultivariateNormal
            ``N(mu_{A|B}, Sigma_{A|B})`` over the remaining coordinates ``A``
            (in increasing order).

        Notes
        -----
        With the Cholesky factor ``Sigma_BB = L_B L_B^T``, ``W = L_B^{-1} Sigma_BA``
        and ``v = L_B^{-1} (x_B - mu_B)`` (triangular solves):
        ``mu_{A|B} = mu_A + Sigma_AB Sigma_BB^{-1} (x_B - mu_B) = mu_A + W^T v`` and
        the Schur complement ``Sigma_{A|B} = Sigma_AA - Sigma_AB Sigma_BB^{-1} Sigma_BA
        = Sigma_AA - W^T W``.

        Examples
        --------
        >>> d = MultivariateNormal([0.0, 0.0], [[1.0, 0.8], [0.8, 1.0]])
        >>> c = d.conditional([1], [1.0])        # mean 0.8 * 1, variance 1 - 0.8^2
        >>> round(float(c.mean()[0]), 12), round(float(c.var()[0]), 12)
        (0.8, 0.36)
        """
        B = self._indices(indices)
        A = np.setdiff1d(np.arange(self.dim), B)
        if A.size == 0:
            raise ValueError("indices cover every coordinate: nothing is left to condition")
        xB = param(values, "values")
        if xB.shape != (B.size,) and not (xB.ndim == 0 and B.size == 1):
            raise ValueError(f"values must have shape ({B.size},) to match indices, "
                             f"got {xB.shape}")
        xB = xB.reshape(B.size)
        with silenced():
            LB = cholesky(self.cov[np.ix_(B, B)])
            W = solve_triangular(LB, self.cov[np.ix_(B, A)], lower=True)
            v = solve_triangular(LB, xB - self._mu[B], lower=True)
        mu_c = self._mu[A] + W.T @ v
        Sigma_c = self.cov[np.ix_(A, A)] - W.T @ W
        Sigma_c = 0.5 * (Sigma_c + Sigma_c.T)
        step("Condition on the observed coordinates",
             "mu_A|B = mu_A + W^T v;  Sigma_A|B = Sigma_AA - W^T W  "
             "(W = L_B^{-1} Sigma_BA, v = L_B^{-1}(x_B - mu_B))",
             A=A, B=B, x_B=xB, mu_cond=mu_c, Sigma_cond=Sigma_c)
        return MultivariateNormal(mu_c, Sigma_c)

    def __repr__(self) -> str:
        mu = np.array2string(self._mu, precision=6)
        cov = np.array2string(self.cov, precision=6, separator=", ").replace("\n", "")
        return f"MultivariateNormal(mean={mu}, cov={cov})"
