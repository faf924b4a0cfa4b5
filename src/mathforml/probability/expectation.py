r"""Expected values, variances, sample summaries and the two great limit theorems.

Contents
--------
* :func:`expectation` -- ``E[f(X)]`` for ``X ~ dist`` three ways: ``'exact'`` (closed form
  or a finite sum), ``'quadrature'`` (adaptive Gauss--Kronrod of ``f(x) p(x)``, or a
  summed series for discrete distributions) and ``'monte_carlo'`` (a sample mean with its
  standard error).  Returns :class:`ExpectationResult`.
* :func:`variance` -- ``Var[f(X)] = E[(f(X) - E f(X))^2]`` by the same three methods,
  always in two passes (the mean first, then the centred square), never as
  ``E[f^2] - (E f)^2`` which cancels catastrophically when the mean is large.
* :func:`covariance_matrix`, :func:`correlation_matrix` -- from centred data with one
  matrix product (as ``numpy.cov`` / ``numpy.corrcoef``).
* :func:`describe` -- ``nobs, (min, max), mean, variance, skewness, excess kurtosis`` (as
  ``scipy.stats.describe``), returns :class:`DescribeResult`.
* :func:`law_of_large_numbers`, :func:`central_limit` -- simulations the lessons plot:
  running means of i.i.d. draws converge to ``E[X]``; standardised sample means
  ``sqrt(n) (xbar - mu) / sigma`` are approximately ``N(0, 1)``.

The return type of :func:`expectation` and :func:`variance`
-----------------------------------------------------------
Every method returns an :class:`ExpectationResult` ``(value, error, method, n)``, a
named tuple with ``float(result) == result.value``:

* ``'exact'``: ``error = 0.0``, ``n`` = the number of terms summed (0 for a closed form);
* ``'quadrature'``: ``error`` = the integrator's absolute error estimate (continuous) or an
  estimate of the truncated tail ``|f(K)| P(X > K)`` (discrete), ``n`` = the number of
  integrand evaluations or terms;
* ``'monte_carlo'``: ``error`` = the standard error ``s / sqrt(n)`` (also available as
  ``result.stderr``, which is None for the other methods), ``n`` = the sample size.

Show your work
--------------
Under :func:`mathforml.explain` each call records the method, the integrand (or sum, or
sample), the value and its error estimate; quadrature and Monte Carlo also record the
steps of :func:`mathforml.calculus.quad` / :func:`mathforml.calculus.monte_carlo`.
Results are bit-identical with and without a recorder.
"""
from __future__ import annotations

import math
import warnings
from typing import NamedTuple

import numpy as np

from mathforml._validation import as_float_array, as_rng, check_int, check_option, check_real
from mathforml.exceptions import ConvergenceWarning
from mathforml.explain import active, section, step

__all__ = [
    "ExpectationResult",
    "expectation",
    "variance",
    "covariance_matrix",
    "correlation_matrix",
    "DescribeResult",
    "describe",
    "LawOfLargeNumbersResult",
    "law_of_large_numbers",
    "CentralLimitResult",
    "central_limit",
]

_METHODS = ("exact", "quadrature", "monte_carlo")
#: Largest finite support summed term by term by ``method='exact'``.
_MAX_EXACT_TERMS = 10_000_000
#: Largest number of terms of a discrete series summed by ``method='quadrature'``.
_MAX_SERIES_TERMS = 100_000_000


# ---------------------------------------------------------------------------
# The result
# ---------------------------------------------------------------------------
class ExpectationResult(NamedTuple):
    """The value of an expectation (or variance) with its error estimate.

    A named tuple ``(value, error, method, n)``; ``float(result)`` is ``result.value``.

    Attributes
    ----------
    value : float or ndarray
        The expectation (an array only for the mean vector of a multivariate or batched
        distribution with ``f=None``).
    error : float
        ``0.0`` for ``'exact'``; the absolute error estimate for ``'quadrature'``; the
        standard error for ``'monte_carlo'``.
    method : str
        ``'exact'``, ``'quadrature'`` or ``'monte_carlo'``.
    n : int
        Terms summed (exact), integrand evaluations or series terms (quadrature), or the
        sample size (Monte Carlo).
    """

    value: float
    error: float
    method: str
    n: int

    def __float__(self) -> float:
        return float(self.value)

    @property
    def stderr(self):
        """The Monte Carlo standard error (None for the deterministic methods)."""
        return self.error if self.method == "monte_carlo" else None


def _as_value(v):
    v = np.asarray(v, dtype=float)
    return v.item() if v.ndim == 0 else v


# ---------------------------------------------------------------------------
# Validation helpers
# ---------------------------------------------------------------------------
def _check_dist(f, dist):
    """Accept ``expectation(dist)`` as well as ``expectation(f, dist)``."""
    from .distributions._base import Distribution

    if dist is None and isinstance(f, Distribution):
        f, dist = None, f
    if dist is None:
        raise TypeError("dist is required: pass the distribution of X, e.g. "
                        "expectation(f, Normal(0, 1))")
    if not isinstance(dist, Distribution):
        raise TypeError(f"dist must be a mathforml Distribution, got {type(dist).__name__}")
    if f is not None and not callable(f):
        raise TypeError(f"f must be callable or None, got {type(f).__name__} {f!r}")
    return f, dist


def _check_single(dist, method):
    if dist.batch_shape != ():
        raise ValueError(f"method={method!r} needs a single distribution, got {dist!r} with "
                         f"batch shape {dist.batch_shape}")


def _apply(f, x: np.ndarray, name: str = "f") -> np.ndarray:
    """``f`` on an array of points: vectorised, or point by point for a scalar-only ``f``."""
    if f is None:
        return x
    try:
        out = np.asarray(f(x))
    except (TypeError, ValueError):
        out = None
    if out is None or out.shape != x.shape[:1]:
        if out is not None and out.ndim != 0:
            raise ValueError(f"{name} must return one real value per point: for input of "
                             f"shape {x.shape} it returned shape {out.shape}")
        out = np.asarray([f(xi.item() if x.ndim == 1 else xi) for xi in x])
    if out.dtype.kind == "c":
        raise TypeError(f"{name} returned complex values; E[f(X)] needs a real f")
    if out.dtype.kind not in "biuf":
        raise TypeError(f"{name} must return real numbers, got dtype {out.dtype}")
    return out.astype(np.float64, copy=False)


def _centre_and_scale(dist):
    """A location ``c`` and scale ``s`` of ``dist``: median/mean and std/IQR, when finite."""
    c = s = None
    try:
        c = float(dist.ppf(0.5))
    except NotImplementedError:
        pass
    if c is None or not math.isfinite(c):
        m = float(dist.mean())
        c = m if math.isfinite(m) else 0.0
    sd = float(dist.std())
    if math.isfinite(sd) and sd > 0:
        s = sd
    else:
        try:
            s = float(dist.ppf(0.75)) - float(dist.ppf(0.25))
        except NotImplementedError:
            s = None
        if s is None or not (math.isfinite(s) and s > 0):
            s = 1.0
    low, high = (float(v) for v in dist.support())
    c = min(max(c, low), high)
    return c, s


# ---------------------------------------------------------------------------
# The three methods, for E[g(X)]
# ---------------------------------------------------------------------------
def _finite_support(dist):
    low, high = (float(v) for v in dist.support())
    return low, high, dist.discrete and math.isfinite(low) and math.isfinite(high)


def _discrete_terms(f, dist, k: np.ndarray):
    """``f(k) p(k)`` for integer points ``k``; ``f`` is called only where ``p(k) > 0``.

    Floating-point warnings from ``f`` are silenced: a non-finite term raises instead.
    """
    p = np.asarray(dist.pmf(k), dtype=float)
    terms = np.zeros(k.shape)
    pos = p > 0
    if pos.any():
        with np.errstate(all="ignore"):
            fk = _apply(f, k[pos])
            terms[pos] = fk * p[pos]
        if not np.isfinite(terms).all():
            i = int(np.flatnonzero(~np.isfinite(terms[pos]))[0])
            raise ValueError(f"f(k) p(k) is not finite at k = {k[pos][i]:g} (f(k) = "
                             f"{fk[i]!r}); E[f(X)] may not exist")
    return terms


def _exact_sum(f, dist, low, high):
    count = high - low + 1
    if count > _MAX_EXACT_TERMS:
        raise ValueError(f"the support of {dist!r} has {count:.0f} points, too many for an "
                         f"exact sum (limit {_MAX_EXACT_TERMS}); use method='quadrature' or "
                         "'monte_carlo'")
    k = np.arange(low, high + 1.0)
    terms = _discrete_terms(f, dist, k)
    value = math.fsum(terms)
    if active():
        step("Exact sum over the finite support", "E[f(X)] = sum_k f(k) p(k)",
             k=k, p=np.asarray(dist.pmf(k)), f_k=_apply(f, k), terms=terms, value=value)
    return value, k.size


def _series(f, dist, tol):
    """``sum_k f(k) p(k)`` over an infinite discrete support, block by block."""
    low = float(dist.support()[0])
    if not math.isfinite(low):
        raise ValueError(f"cannot sum over the support of {dist!r}: it is unbounded below")
    m, sd = float(dist.mean()), float(dist.std())
    chunk, start = 64, low
    if math.isfinite(m) and math.isfinite(sd):
        # skip the far left of a distribution centred far from its lower end
        first = max(low, math.floor(m - 20.0 * sd - 10.0))
        if first > low and float(dist.cdf(first - 1.0)) < tol * 1e-6:
            start = first
        chunk = max(chunk, int(math.ceil(m + 12.0 * sd + 10.0 - start)))
    parts: list[float] = []
    count = 0
    record = active()
    while True:
        k = np.arange(start, start + chunk)
        terms = _discrete_terms(f, dist, k)
        parts.append(math.fsum(terms))
        count += k.size
        K = float(k[-1])
        tail = float(dist.sf(K))
        with np.errstate(all="ignore"):
            f_K = abs(float(_apply(f, k[-1:])[0]))
        total = math.fsum(parts)
        error = f_K * tail
        if record:
            step("Sum a block of terms", "S = sum_{k <= K} f(k) p(k),  tail mass P(X > K)",
                 iteration=len(parts) - 1, K=K, block_sum=parts[-1], running_sum=total,
                 tail_mass=tail, tail_estimate=error)
        if tail < tol and error <= tol * max(1.0, abs(total)):
            return total, error, count
        if count >= _MAX_SERIES_TERMS:
            warnings.warn(ConvergenceWarning(
                f"expectation: summed {count} terms of {dist!r} and the tail mass P(X > "
                f"{K:g}) = {tail:.3g} with tail estimate {error:.3g} is still above tol = "
                f"{tol:g}; the value may be truncated (or E[f(X)] may not exist)"),
                stacklevel=4)
            return total, error, count
        start += chunk
        chunk *= 2


def _quadrature(f, dist, tol):
    """``f(c) + int (f(x) - f(c)) p(x) dx``, split at ``c``, each half in a scaled variable."""
    from mathforml.calculus.integrate import quad

    low, high = (float(v) for v in dist.support())
    c, s = _centre_and_scale(dist)
    with np.errstate(all="ignore"):
        fc = float(_apply(f, np.array([c]))[0])
    if not math.isfinite(fc):
        fc = 0.0
    # the rounding of origin + s w may land on a finite end of the support: keep x inside
    x_min = math.nextafter(low, math.inf) if math.isfinite(low) else -math.inf
    x_max = math.nextafter(high, -math.inf) if math.isfinite(high) else math.inf

    def integrand(origin, direction):
        def g(w):
            x = np.clip(origin + direction * s * np.asarray(w, dtype=float), x_min, x_max)
            p = np.asarray(dist.pdf(x), dtype=float)
            out = np.zeros(x.shape)
            pos = p > 0                    # f is evaluated only where the density lives
            if pos.any():
                with np.errstate(over="ignore", invalid="ignore"):
                    out[pos] = (_apply(f, x[pos]) - fc) * p[pos] * s
            return out
        return g

    # x = origin + direction s w: measured from a finite end (full resolution next to an
    # endpoint singularity), from the centre towards an infinite end
    pieces = []
    if c > low:
        pieces.append((low, 1.0, 0.0, (c - low) / s) if math.isfinite(low)
                      else (c, 1.0, -math.inf, 0.0))
    if high > c:
        pieces.append((high, -1.0, 0.0, (high - c) / s) if math.isfinite(high)
                      else (c, 1.0, 0.0, math.inf))
    value = error = 0.0
    neval = 0
    for origin, direction, a, b in pieces:
        try:
            with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
                res = quad(integrand(origin, direction), a, b, tol=tol * max(1.0, abs(fc)),
                           rtol=tol, limit=1000)
        except ValueError as exc:
            raise ValueError(f"quadrature of f(x) p(x) over the support of {dist!r} failed "
                             f"({exc}); E[f(X)] may not exist (heavy tails?)") from exc
        value += res.value
        error += res.abserr
        neval += res.neval
    if active():
        step("Shift and scale", "E[f(X)] = f(c) + int (f(x) - f(c)) p(x) dx,  x = c + s u "
             "(split at c; a finite end is the origin of its half)",
             c=c, s=s, f_c=fc, integral=value)
    return fc + value, error, neval


def _mc_sample(dist, n, rng):
    return np.asarray(dist.sample(n, as_rng(rng)), dtype=float)


def _expect(f, dist, method, tol, what="E[f(X)]"):
    """The value of ``E[f(X)]`` as ``(value, error, count)``."""
    low, high, finite_discrete = _finite_support(dist)
    if method == "exact":
        if f is None:
            v = dist.mean()
            if active():
                step("Closed form", "E[X] = dist.mean()", distribution=repr(dist), value=v)
            return v, 0.0, 0
        if finite_discrete:
            value, count = _exact_sum(f, dist, low, high)
            return value, 0.0, count
        raise ValueError(f"method='exact' needs f=None (the closed-form mean) or a discrete "
                         f"distribution with finite support; {dist!r} has support "
                         f"[{low:g}, {high:g}]{'' if dist.discrete else ' (continuous)'}: "
                         "use method='quadrature' or 'monte_carlo'")
    _check_single(dist, method)
    if method == "quadrature":
        if finite_discrete:
            value, count = _exact_sum(f, dist, low, high)
            return value, 0.0, count
        if dist.discrete:
            return _series(f, dist, tol)
        value, error, neval = _quadrature(f, dist, tol)
        if active():
            step("Quadrature of the weighted integrand",
                 f"{what} = int f(x) p(x) dx,  x = c + s u  (split at u = 0)",
                 support=np.array([low, high]), value=value, abserr=error, neval=neval)
        return value, error, neval
    raise AssertionError(method)  # pragma: no cover - monte_carlo handled by the callers


def _mc_mean(f, dist, n, rng):
    """``(value, stderr, fX)`` from ``n`` draws of ``dist``."""
    _check_single(dist, "monte_carlo")
    if f is None:
        X = _mc_sample(dist, n, rng)
        mean = X.mean(axis=0)
        s = np.sqrt(np.sum((X - mean) ** 2, axis=0) / (n - 1))
        stderr = s / math.sqrt(n)
        if active():
            step("Monte Carlo estimate", "E[X] ~ mean(X_i),  stderr = s / sqrt(n)",
                 n=n, samples=X, mean=mean, s=s, stderr=stderr)
        return _as_value(mean), _as_value(stderr), X
    from mathforml.calculus.integrate import monte_carlo

    holder = {}

    def sampler(gen, m):
        return _mc_sample(dist, m, gen)

    def g(X):
        fX = _apply(f, X)
        holder["fX"] = fX
        return fX

    res = monte_carlo(g, sampler, n, rng)
    return res.estimate, res.stderr, holder.get("fX")


# ---------------------------------------------------------------------------
# Public: expectation and variance
# ---------------------------------------------------------------------------
def _common(f, dist, method, n, tol):
    f, dist = _check_dist(f, dist)
    method = check_option(method, "method", _METHODS)
    n = check_int(n, "n", minimum=2)
    tol = check_real(tol, "tol", positive=True)
    return f, dist, method, n, tol


def expectation(f=None, dist=None, method="exact", *, n=100_000, rng=None, tol=1e-10):
    r"""The expected value ``E[f(X)]`` of a function of a random variable ``X ~ dist``.

    Parameters
    ----------
    f : callable or None
        ``f(x)`` for a 1-D array of points returns one real value per point (a scalar-only
        ``f`` works, point by point, slowly).  None means the identity, ``E[X]``.
        ``expectation(dist)`` is accepted as shorthand for ``expectation(None, dist)``.
    dist : Distribution
        The distribution of ``X`` (a single one; a batch only for ``f=None`` exact).
    method : {'exact', 'quadrature', 'monte_carlo'}
        ``'exact'``: the closed-form mean (``f=None``) or the finite sum
        ``sum_k f(k) p(k)`` over a finite discrete support; anything else raises
        ``ValueError``.  ``'quadrature'``: adaptive Gauss--Kronrod integration of
        ``f(x) p(x)`` over the support (infinite limits allowed), or for a discrete
        distribution the series ``sum_k f(k) p(k)`` summed until the tail mass
        ``P(X > K)`` and the tail estimate ``|f(K)| P(X > K)`` are below ``tol``.
        ``'monte_carlo'``: the mean of ``f`` over ``n`` draws, with its standard error.
    n : int
        Sample size for Monte Carlo (``>= 2``).
    rng : None, int or numpy.random.Generator
        Randomness for Monte Carlo.
    tol : float
        Absolute and relative tolerance of the quadrature / series (``> 0``).

    Returns
    -------
    ExpectationResult
        ``(value, error, method, n)``; ``float(result)`` is the value (see the module
        docstring for what ``error`` and ``n`` mean per method).

    Raises
    ------
    ValueError
        Unknown method (the message lists the valid names), ``'exact'`` where no exact
        formula applies, ``n < 2``, ``tol <= 0``, or a non-finite ``f(x) p(x)``.
    TypeError
        ``dist`` missing or not a distribution, ``f`` not callable.

    Notes
    -----
    Continuous: ``E[f(X)] = int_low^high f(x) p(x) dx``.  To keep the adaptive rule from
    missing the mass of a distribution far from the origin or very narrow, the
    integral is taken in the standardised variable ``u = (x - c) / s`` (``c`` the median
    or mean, ``s`` the standard deviation or the interquartile range), split at
    ``u = 0``:  ``int f(c + s u) p(c + s u) s du``.  Where ``p(x) = 0`` (far tails,
    outside the support) the integrand is set to 0 without evaluating ``f p``, so an
    ``f`` that overflows there (``e^x`` at ``x = 10^4``) does no harm.

    The integration is adaptive Gauss--Kronrod without extrapolation: an integrand with
    an endpoint singularity (``Beta(0.5, 0.5)``, ``E[X^{-1/2}]``) converges slowly and its
    error estimate can be optimistic (expect ~1e-9 relative, not ``tol``); a divergent
    ``E[f(X)]`` (``E|X|`` of a Cauchy) raises ``ValueError``.

    Discrete: ``E[f(X)] = sum_k f(k) p(k)``, summed exactly (``math.fsum``) per block.

    Monte Carlo: ``E[f(X)] ~ fbar = (1/n) sum_i f(X_i)`` with standard error
    ``s / sqrt(n)``, ``s^2 = (1/(n - 1)) sum_i (f(X_i) - fbar)^2``.

    References
    ----------
    G. Grimmett and D. Stirzaker, *Probability and Random Processes*, 3rd ed., Oxford,
    2001, sections 3.3 and 4.3.

    Examples
    --------
    >>> from mathforml.probability.distributions.discrete import Binomial
    >>> from mathforml.probability.distributions.normal import Normal
    >>> float(expectation(dist=Binomial(4, 0.5)))            # n p
    2.0
    >>> round(float(expectation(lambda k: k**2, Binomial(4, 0.5))), 12)  # n p (1 - p) + (n p)^2
    5.0
    >>> res = expectation(lambda x: x**2, Normal(1.0, 2.0), "quadrature")  # mu^2 + sigma^2
    >>> round(float(res), 9)
    5.0
    >>> res = expectation(lambda x: x**2, Normal(1.0, 2.0), "monte_carlo", rng=0)
    >>> abs(res.value - 5.0) < 4 * res.stderr
    True
    """
    f, dist, method, n, tol = _common(f, dist, method, n, tol)
    with section(f"Expectation E[f(X)] by {method}"):
        if active():
            step("Set up", "E[f(X)] for X ~ dist", method=method, distribution=repr(dist),
                 f="identity" if f is None else getattr(f, "__name__", repr(f)))
        if method == "monte_carlo":
            value, error, _ = _mc_mean(f, dist, n, rng)
            count = n
        else:
            value, error, count = _expect(f, dist, method, tol)
        result = ExpectationResult(_as_value(value), _as_value(error), method, int(count))
        if active():
            step("Result", "E[f(X)]", value=result.value, error=result.error, n=result.n)
    return result


def variance(f=None, dist=None, method="exact", *, n=100_000, rng=None, tol=1e-10):
    r"""The variance ``Var[f(X)] = E[(f(X) - E[f(X)])^2]`` for ``X ~ dist``.

    Parameters
    ----------
    f, dist, method, n, rng, tol
        As in :func:`expectation` (``f=None`` means ``Var[X]``; ``'exact'`` gives the
        closed form ``dist.var()`` or a finite discrete sum).

    Returns
    -------
    ExpectationResult
        ``(value, error, method, n)``.  For Monte Carlo ``value`` is the unbiased sample
        variance ``s^2`` and ``error`` its approximate standard error
        ``sqrt((m4 - s^4) / n)`` (``m4`` the fourth central sample moment).

    Notes
    -----
    Two passes, always: first ``mu = E[f(X)]``, then ``E[(f(X) - mu)^2]`` with the same
    method (same sample for Monte Carlo).  The one-pass ``E[f^2] - mu^2`` loses all
    digits when ``|mu| >> sd`` (for ``Normal(10^8, 1)`` it returns 0 or garbage).

    References
    ----------
    T. F. Chan, G. H. Golub and R. J. LeVeque, "Algorithms for computing the sample
    variance: analysis and recommendations", *The American Statistician* 37 (1983).

    Examples
    --------
    >>> from mathforml.probability.distributions.discrete import Binomial
    >>> float(variance(dist=Binomial(4, 0.5)))                      # n p (1 - p)
    1.0
    >>> round(float(variance(lambda k: 2 * k, Binomial(4, 0.5))), 12)   # 4 n p (1 - p)
    4.0
    """
    f, dist, method, n, tol = _common(f, dist, method, n, tol)
    with section(f"Variance Var[f(X)] by {method}"):
        if method == "exact" and f is None:
            value, error, count = dist.var(), 0.0, 0
            if active():
                step("Closed form", "Var[X] = dist.var()", distribution=repr(dist),
                     value=value)
        elif method == "monte_carlo":
            _check_single(dist, method)
            X = _mc_sample(dist, n, rng)
            fX = _apply(f, X) if f is not None else X
            if f is not None and not np.isfinite(fX).all():
                raise ValueError("f returned a non-finite value on a sample of X")
            mu = fX.mean(axis=0)
            d2 = (fX - mu) ** 2
            m2 = d2.mean(axis=0)
            value = d2.sum(axis=0) / (n - 1)
            m4 = (d2 * d2).mean(axis=0)
            error = np.sqrt(np.maximum(m4 - m2 * m2, 0.0) / n)
            count = n
            if active():
                step("Monte Carlo, two passes",
                     "mu = mean(f(X_i)),  s^2 = sum (f(X_i) - mu)^2 / (n - 1),  "
                     "stderr ~ sqrt((m4 - m2^2) / n)",
                     n=n, mean=mu, variance=value, stderr=error)
        else:
            mu, _, count1 = _expect(f, dist, method, tol, "E[f(X)]")
            mu = float(mu)
            if active():
                step("First pass: the mean", "mu = E[f(X)]", mu=mu)

            def centred_sq(x):
                return (_apply(f, np.atleast_1d(np.asarray(x, dtype=float))) - mu) ** 2

            value, error, count2 = _expect(centred_sq, dist, method, tol,
                                           "E[(f(X) - mu)^2]")
            count = count1 + count2
            if active():
                step("Second pass: the centred square", "Var[f(X)] = E[(f(X) - mu)^2]",
                     variance=value, error=error)
        result = ExpectationResult(_as_value(value), _as_value(error), method, int(count))
        if active():
            step("Result", "Var[f(X)]", value=result.value, error=result.error, n=result.n)
    return result


# ---------------------------------------------------------------------------
# Sample covariance, correlation and summaries
# ---------------------------------------------------------------------------
def _observations(X, rowvar: bool, name: str = "X") -> np.ndarray:
    """Data as ``(n_observations, n_variables)`` (1-D: one variable)."""
    X = as_float_array(X, name, ndim=(1, 2))
    if X.ndim == 1:
        return X[:, None]
    return X.T if rowvar else X


def covariance_matrix(X, ddof=1, rowvar=False):
    r"""The sample covariance matrix of the columns (variables) of ``X``.

    Parameters
    ----------
    X : array_like, shape (n, d) or (n,)
        ``n`` observations of ``d`` variables (rows are observations unless ``rowvar``).
        1-D input is one variable.
    ddof : int
        Delta degrees of freedom: the divisor is ``n - ddof`` (1: unbiased, 0: MLE).
    rowvar : bool
        If True, rows are the variables and columns the observations (``numpy.cov``'s
        default; ours is False, the machine-learning layout).

    Returns
    -------
    ndarray, shape (d, d)
        ``C[j, k] = sum_i (X_ij - xbar_j)(X_ik - xbar_k) / (n - ddof)``; a 0-d array for
        one variable given as 1-D input (as ``numpy.cov``).

    Raises
    ------
    ValueError
        NaN/inf in ``X``, more than 2 dimensions, or ``n - ddof <= 0``.

    Notes
    -----
    Centre first, then one product: ``Xc = X - xbar``, ``C = Xc^T Xc / (n - ddof)``.
    Centring before multiplying avoids the cancellation of ``X^T X / n - xbar xbar^T``;
    ``Xc^T Xc`` is computed by BLAS (a symmetric rank-k update) and symmetrised.

    Examples
    --------
    >>> covariance_matrix([[1.0, 2.0], [2.0, 4.0], [3.0, 6.0]])
    array([[1., 2.],
           [2., 4.]])
    """
    one_d = np.ndim(X) == 1
    Xo = _observations(X, rowvar)
    ddof = check_int(ddof, "ddof", minimum=0)
    n = Xo.shape[0]
    if n - ddof <= 0:
        raise ValueError(f"covariance needs more than ddof = {ddof} observations, got "
                         f"n = {n}")
    xbar = Xo.mean(axis=0)
    Xc = Xo - xbar
    C = (Xc.T @ Xc) / (n - ddof)
    C = 0.5 * (C + C.T)
    if active():
        step("Covariance matrix", "C = (X - xbar)^T (X - xbar) / (n - ddof)",
             n=n, ddof=ddof, mean=xbar, C=C)
    return C.reshape(()) if one_d else C


def correlation_matrix(X, rowvar=False):
    r"""The Pearson correlation matrix of the columns (variables) of ``X``.

    Parameters
    ----------
    X : array_like, shape (n, d) or (n,)
        Observations in rows (unless ``rowvar``).
    rowvar : bool
        If True, rows are the variables (``numpy.corrcoef``'s default).

    Returns
    -------
    ndarray, shape (d, d)
        ``R[j, k] = C[j, k] / sqrt(C[j, j] C[k, k])``, clipped to ``[-1, 1]``.  A constant
        variable has an undefined correlation: its row and column are NaN and a
        ``RuntimeWarning`` names it (as ``numpy.corrcoef``, which warns "invalid value").

    Notes
    -----
    Each centred column is scaled to unit length, ``Z = Xc / ||Xc||``, and
    ``R = Z^T Z`` in one product (the ``ddof`` cancels).

    Examples
    --------
    >>> correlation_matrix([[1.0, 3.0], [2.0, 2.0], [3.0, 1.0]])
    array([[ 1., -1.],
           [-1.,  1.]])
    """
    one_d = np.ndim(X) == 1
    Xo = _observations(X, rowvar)
    n = Xo.shape[0]
    if n < 2:
        raise ValueError(f"correlation needs at least 2 observations, got n = {n}")
    xbar = Xo.mean(axis=0)
    Xc = Xo - xbar
    norms = np.sqrt(np.einsum("ij,ij->j", Xc, Xc))
    # a column is constant when its spread is at rounding level of its values
    scale = np.max(np.abs(Xo), axis=0)
    constant = norms <= 4 * np.finfo(float).eps * scale * math.sqrt(n)
    if constant.any():
        warnings.warn(f"correlation is undefined for constant variable(s) "
                      f"{np.flatnonzero(constant).tolist()} (zero variance); their rows and "
                      "columns are NaN", RuntimeWarning, stacklevel=2)
    Z = Xc / np.where(constant, 1.0, norms)
    R = Z.T @ Z
    R = np.clip(0.5 * (R + R.T), -1.0, 1.0)
    R[constant, :] = np.nan
    R[:, constant] = np.nan
    if active():
        step("Correlation matrix", "R = Z^T Z,  Z = (X - xbar) / ||X - xbar||", n=n, R=R)
    return R.reshape(()) if one_d else R


class DescribeResult(NamedTuple):
    """Summary statistics of a sample (the fields of ``scipy.stats.describe``)."""

    nobs: int
    minmax: tuple
    mean: float
    variance: float
    skewness: float
    kurtosis: float


def describe(data, axis=0, ddof=1, bias=True):
    r"""Number of observations, range, mean, variance, skewness and excess kurtosis.

    Parameters
    ----------
    data : array_like
        The sample (any shape).
    axis : int or None
        Axis along which to summarise; None flattens.
    ddof : int
        Delta degrees of freedom of the variance (divisor ``n - ddof``).
    bias : bool
        If True (the default, as SciPy), the skewness and kurtosis are the plain moment
        ratios ``g1``, ``g2``; if False, the adjusted Fisher--Pearson estimators.

    Returns
    -------
    DescribeResult
        ``(nobs, (min, max), mean, variance, skewness, kurtosis)``; floats for 1-D data,
        arrays otherwise.

    Raises
    ------
    ValueError
        Empty data, NaN/inf, ``n - ddof <= 0``, or ``bias=False`` with fewer than 4
        observations.

    Notes
    -----
    With ``d_i = x_i - xbar`` and ``m_r = (1/n) sum_i d_i^r`` (centred, two passes):
    ``variance = n m_2 / (n - ddof)``, ``g1 = m_3 / m_2^{3/2}``, ``g2 = m_4 / m_2^2 - 3``
    (excess kurtosis: 0 for a normal).  Unbiased-ish versions (``bias=False``):
    ``G1 = g1 sqrt(n (n - 1)) / (n - 2)``,
    ``G2 = ((n + 1) g2 + 6) (n - 1) / ((n - 2)(n - 3))``.
    Constant data (``m_2`` at rounding level) have undefined skewness and kurtosis:
    NaN, with a ``RuntimeWarning``, as SciPy.

    References
    ----------
    D. N. Joanes and C. A. Gill, "Comparing measures of sample skewness and kurtosis",
    *The Statistician* 47 (1998), 183--189.

    Examples
    --------
    >>> r = describe([1.0, 2.0, 3.0, 4.0, 10.0])
    >>> r.nobs, r.minmax, r.mean, r.variance
    (5, (1.0, 10.0), 4.0, 12.5)
    >>> round(r.skewness, 6), round(r.kurtosis, 6)
    (1.13842, -0.212)
    """
    a = as_float_array(data, "data")
    if axis is None:
        a = a.ravel()
        axis = 0
    if a.ndim == 0:
        raise ValueError("data must have at least one dimension, got a scalar")
    axis = check_int(axis, "axis")
    if not -a.ndim <= axis < a.ndim:
        raise ValueError(f"axis {axis} is out of bounds for data with {a.ndim} dimension(s)")
    ddof = check_int(ddof, "ddof", minimum=0)
    n = a.shape[axis]
    if n == 0:
        raise ValueError("data must not be empty")
    if n - ddof <= 0:
        raise ValueError(f"variance needs more than ddof = {ddof} observations, got n = {n}")
    if not bias and n < 4:
        raise ValueError(f"bias=False needs at least 4 observations, got n = {n}")
    xbar = a.mean(axis=axis, keepdims=True)
    d = a - xbar
    d2 = d * d
    m2 = d2.mean(axis=axis)
    m3 = (d2 * d).mean(axis=axis)
    m4 = (d2 * d2).mean(axis=axis)
    var = m2 * (n / (n - ddof))
    # m2 at rounding level of the mean: the data are constant up to rounding
    tiny = (np.finfo(a.dtype).resolution * np.squeeze(xbar, axis=axis)) ** 2
    zero = m2 <= tiny
    if np.any(zero):
        warnings.warn("describe: the data are constant (zero variance) along the axis; "
                      "skewness and kurtosis are undefined (NaN)", RuntimeWarning,
                      stacklevel=2)
    with np.errstate(divide="ignore", invalid="ignore"):
        g1 = np.where(zero, np.nan, m3 / m2 ** 1.5)
        g2 = np.where(zero, np.nan, m4 / (m2 * m2) - 3.0)
    if not bias:
        g1 = g1 * math.sqrt(n * (n - 1.0)) / (n - 2.0)
        g2 = ((n + 1.0) * g2 + 6.0) * (n - 1.0) / ((n - 2.0) * (n - 3.0))
    mean = np.squeeze(xbar, axis=axis)
    lo, hi = a.min(axis=axis), a.max(axis=axis)
    result = DescribeResult(int(n), (_as_value(lo), _as_value(hi)), _as_value(mean),
                            _as_value(var), _as_value(g1), _as_value(g2))
    if active():
        step("Describe the sample",
             "var = n m2/(n - ddof),  skew = m3 / m2^1.5,  kurtosis = m4 / m2^2 - 3",
             nobs=n, min=result.minmax[0], max=result.minmax[1], mean=result.mean,
             m2=m2, m3=m3, m4=m4, variance=result.variance, skewness=result.skewness,
             kurtosis=result.kurtosis)
    return result


# ---------------------------------------------------------------------------
# Limit theorems, as simulations
# ---------------------------------------------------------------------------
class LawOfLargeNumbersResult(NamedTuple):
    """Running means of i.i.d. draws and the mean they converge to."""

    running_means: np.ndarray
    true_mean: float
    counts: np.ndarray


def _sample_matrix(dist, rows: int, cols: int, rng) -> np.ndarray:
    _check_single(dist, "simulation")
    X = np.asarray(dist.sample((rows, cols), as_rng(rng)), dtype=float)
    if X.shape != (rows, cols):
        raise ValueError(f"{dist!r} is not univariate: sample((rows, cols)) has shape "
                         f"{X.shape}")
    return X


def law_of_large_numbers(dist, n, rng=None, n_paths=1):
    r"""Simulate the (strong) law of large numbers: running means of i.i.d. draws.

    Parameters
    ----------
    dist : Distribution
        A single univariate distribution.
    n : int
        Draws per path (``>= 1``).
    rng : None, int or numpy.random.Generator
        Randomness.
    n_paths : int
        Independent paths (``>= 1``).

    Returns
    -------
    LawOfLargeNumbersResult
        ``running_means`` (shape ``(n_paths, n)``): ``Xbar_m = (1/m) sum_{i<=m} X_i``
        for ``m = 1..n``; ``true_mean`` = ``E[X]`` (NaN where it does not exist, e.g. a
        Cauchy -- whose running means never settle, the lesson's counter-example);
        ``counts`` = ``1..n``.

    Notes
    -----
    One ``cumsum`` along the path axis divided by ``m``; if ``E|X| < inf`` then
    ``Xbar_m -> E[X]`` almost surely, with fluctuations of order ``sigma / sqrt(m)``.

    Examples
    --------
    >>> from mathforml.probability.distributions.discrete import Bernoulli
    >>> r = law_of_large_numbers(Bernoulli(0.5), 10_000, rng=1, n_paths=3)
    >>> r.running_means.shape, r.true_mean
    ((3, 10000), 0.5)
    >>> bool(np.all(np.abs(r.running_means[:, -1] - 0.5) < 0.03))
    True
    """
    _check_dist(None, dist)
    n = check_int(n, "n", minimum=1)
    n_paths = check_int(n_paths, "n_paths", minimum=1)
    X = _sample_matrix(dist, n_paths, n, rng)
    counts = np.arange(1, n + 1, dtype=float)
    running = np.cumsum(X, axis=1) / counts
    mu = float(dist.mean())
    if active():
        step("Law of large numbers", "Xbar_m = (1/m) sum_{i<=m} X_i  ->  E[X]",
             n=n, n_paths=n_paths, true_mean=mu, final_means=running[:, -1],
             final_errors=running[:, -1] - mu)
    return LawOfLargeNumbersResult(running, mu, counts)


class CentralLimitResult(NamedTuple):
    """Standardised sample means and what went into them."""

    standardized: np.ndarray
    sample_means: np.ndarray
    mu: float
    sigma: float
    sample_size: int


def central_limit(dist, sample_size, n_repeats, rng=None):
    r"""Simulate the central limit theorem: standardised means of repeated samples.

    Parameters
    ----------
    dist : Distribution
        A single univariate distribution with finite positive variance.
    sample_size : int
        ``n``, the size of each sample (``>= 1``).
    n_repeats : int
        How many samples (``>= 1``).
    rng : None, int or numpy.random.Generator
        Randomness.

    Returns
    -------
    CentralLimitResult
        ``standardized`` (shape ``(n_repeats,)``): ``Z_j = sqrt(n) (xbar_j - mu) / sigma``,
        approximately ``N(0, 1)`` for large ``n``; ``sample_means`` the ``xbar_j``;
        ``mu``, ``sigma`` and ``sample_size``.

    Raises
    ------
    ValueError
        If the mean or variance of ``dist`` is not finite (no CLT), or is zero.

    Notes
    -----
    One ``(n_repeats, n)`` draw, means along axis 1.  Memory is ``8 n_repeats n`` bytes.

    Examples
    --------
    >>> from mathforml.probability.distributions.simple import Exponential
    >>> r = central_limit(Exponential(1.0), 50, 2000, rng=0)
    >>> r.standardized.shape, r.mu, r.sigma
    ((2000,), 1.0, 1.0)
    >>> abs(float(r.standardized.mean())) < 0.1, abs(float(r.standardized.std()) - 1) < 0.1
    (True, True)
    """
    _check_dist(None, dist)
    n = check_int(sample_size, "sample_size", minimum=1)
    n_repeats = check_int(n_repeats, "n_repeats", minimum=1)
    mu, sigma = float(dist.mean()), float(dist.std())
    if not (math.isfinite(mu) and math.isfinite(sigma) and sigma > 0):
        raise ValueError(f"the central limit theorem needs a finite mean and a finite "
                         f"positive variance; {dist!r} has mean {mu} and standard deviation "
                         f"{sigma}")
    X = _sample_matrix(dist, n_repeats, n, rng)
    xbar = X.mean(axis=1)
    Z = math.sqrt(n) * (xbar - mu) / sigma
    if active():
        step("Central limit theorem", "Z_j = sqrt(n) (xbar_j - mu) / sigma  ~  N(0, 1)",
             sample_size=n, n_repeats=n_repeats, mu=mu, sigma=sigma,
             mean_of_Z=float(Z.mean()), std_of_Z=float(Z.std()))
    return CentralLimitResult(Z, xbar, mu, sigma, n)
