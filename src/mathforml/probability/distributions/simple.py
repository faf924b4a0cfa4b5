r"""Two distributions with elementary closed forms: the continuous uniform and the exponential.

:class:`Uniform` is the "no information" distribution on an interval and the
source of every other random variate (inverse transform, Box--Muller);
:class:`Exponential` is the waiting time of a Poisson process, and its
quantile function ``-log1p(-q)/lambda`` is the textbook inverse-transform
example.

Numerics
--------
* Exponential ``cdf = -expm1(-lambda x)`` (no cancellation for small
  ``lambda x``), ``sf = exp(-lambda x)`` computed directly,
  ``ppf = -log1p(-q)/lambda`` and ``isf = -log(q)/lambda`` (each accurate in
  its own tail).
* Uniform ``cdf = (x - low)/(high - low)`` and ``sf = (high - x)/(high - low)``,
  each from its own end of the interval.
"""
from __future__ import annotations

import numpy as np

from ...explain import active, step
from ._base import ContinuousDistribution, _scalar, as_data, as_points, param, scale_shift

__all__ = ["Uniform", "Exponential"]

_LN2 = 0.6931471805599453


def _check_broadcast(*pairs):
    try:
        return np.broadcast_shapes(*(np.shape(v) for _, v in pairs))
    except ValueError:
        shapes = ", ".join(f"{n} {np.shape(v)}" for n, v in pairs)
        raise ValueError(f"parameter shapes do not broadcast: {shapes}") from None


def _first(a):
    """The scalar, or the first entry, for an error message."""
    a = np.asarray(a)
    return a.item() if a.size == 1 else a.flat[0].item()


class Uniform(ContinuousDistribution):
    r"""The continuous uniform distribution on ``[low, high]``.

    Parameters
    ----------
    low : float or array_like, default 0.0
    high : float or array_like, default 1.0
        The interval; ``high > low`` elementwise.  Arrays broadcast (a batch).

    Notes
    -----
    With width ``w = high - low``:

    * ``pdf(x) = 1/w`` for ``low <= x <= high`` and 0 elsewhere
      (``logpdf = -log w``, ``-inf`` outside);
    * ``cdf(x) = (x - low)/w``, ``sf(x) = (high - x)/w`` (clipped to [0, 1]);
    * ``ppf(q) = low + q w``, ``isf(q) = high - q w``;
    * ``E[X] = (low + high)/2``, ``Var[X] = w^2/12``;
    * entropy ``H = log w`` nats (the largest of all densities on the interval);
    * MLE from ``x_1..x_n``: the likelihood ``w^{-n}`` (0 unless every ``x_i``
      lies in the interval) is largest for the shortest interval holding the
      data, so the sufficient statistics are the order statistics
      ``min x_i`` and ``max x_i`` and ``low_hat = min``, ``high_hat = max``.

    References
    ----------
    N. L. Johnson, S. Kotz and N. Balakrishnan, *Continuous Univariate
    Distributions*, vol. 2, 2nd ed., Wiley (1995), chapter 26.

    Examples
    --------
    >>> d = Uniform(low=2.0, high=6.0)
    >>> d.pdf(3.0), d.pdf(7.0), d.cdf(3.0), d.sf(3.0)
    (0.25, 0.0, 0.25, 0.75)
    >>> d.ppf(0.5), d.mean(), round(d.var(), 6)       # 16/12
    (4.0, 4.0, 1.333333)
    >>> round(d.entropy(), 6)                          # log 4
    1.386294
    >>> Uniform.fit([3.0, 5.0, 4.5])
    Uniform(low=3, high=5)
    """

    _params = ("low", "high")

    def __init__(self, low=0.0, high=1.0):
        self.low = param(low, "low")
        self.high = param(high, "high")
        _check_broadcast(("low", self.low), ("high", self.high))
        ok = self.high > self.low
        if not ok.all():
            bad = ~ok
            lo = np.broadcast_to(self.low, bad.shape)[bad]
            hi = np.broadcast_to(self.high, bad.shape)[bad]
            raise ValueError(f"high must be > low, got low={_first(lo)!r}, high={_first(hi)!r}")
        with np.errstate(over="ignore"):
            self.width = self.high - self.low
        if not np.isfinite(self.width).all():
            raise ValueError("high - low must be finite (the interval is too wide for a double), "
                             f"got low={_first(self.low)!r}, high={_first(self.high)!r}")

    def _support(self):
        return self.low, self.high

    def _logpdf(self, x):
        return -np.log(self.width)

    def _cdf(self, x):
        return (x - self.low) / self.width

    def _sf(self, x):
        return (self.high - x) / self.width

    def _ppf(self, q):
        return np.minimum(self.low + q * self.width, self.high)

    def _isf(self, q):
        return np.maximum(self.high - q * self.width, self.low)

    def _mean(self):
        return 0.5 * (self.low + self.high)

    def _var(self):
        return self.width * self.width / 12.0

    def _entropy(self):
        return np.log(self.width)

    def _sample(self, rng, shape):
        return scale_shift(rng.random(shape), self.width, self.low)

    @classmethod
    def fit(cls, data):
        r"""Maximum-likelihood uniform: the smallest interval that holds the data.

        Parameters
        ----------
        data : (n,) array_like
            At least two observations, not all equal.

        Returns
        -------
        Uniform
            ``Uniform(low=min(data), high=max(data))``.

        Raises
        ------
        ValueError
            Fewer than two observations, non-finite data, or constant data
            (the interval would have width 0).

        Notes
        -----
        ``L(low, high) = (high - low)^{-n}`` when ``low <= min x_i`` and
        ``max x_i <= high`` (else 0): it grows as the interval shrinks, so the
        maximum sits at the sufficient statistics ``(min x_i, max x_i)``.
        (The MLE is biased inwards; ``min - w/(n-1)``, ``max + w/(n-1)`` is the
        unbiased correction, not applied here.)

        Examples
        --------
        >>> Uniform.fit([0.5, 0.25, 1.5]).params
        {'low': 0.25, 'high': 1.5}
        """
        x = as_data(data, min_size=2)
        lo, hi = float(x.min()), float(x.max())
        step("Sufficient statistics", "the order statistics min x_i and max x_i",
             n=x.shape[0], min=lo, max=hi)
        if not hi > lo:
            raise ValueError(f"data are constant (all {lo!r}): the MLE interval would have "
                             "width 0, so no Uniform fits")
        step("Maximum-likelihood estimates", "low_hat = min x_i;  high_hat = max x_i",
             low_hat=lo, high_hat=hi)
        return cls(low=lo, high=hi)


class Exponential(ContinuousDistribution):
    r"""The exponential distribution with rate ``lambda`` (mean ``1/lambda``).

    Parameters
    ----------
    rate : float or array_like, optional
        ``lambda > 0``; default 1 when neither ``rate`` nor ``scale`` is given.
    scale : float or array_like, optional, keyword only
        ``1/lambda``, the mean (SciPy's ``expon(scale=...)``).  Give at most
        one of ``rate`` and ``scale``.

    Notes
    -----
    For ``x >= 0`` (the density is 0 for ``x < 0``):

    * ``pdf(x) = lambda exp(-lambda x)``, ``logpdf(x) = log(lambda) - lambda x``;
    * ``cdf(x) = 1 - exp(-lambda x) = -expm1(-lambda x)``, ``sf(x) = exp(-lambda x)``;
    * ``ppf(q) = -log1p(-q)/lambda``, ``isf(q) = -log(q)/lambda``;
    * ``E[X] = 1/lambda``, ``Var[X] = 1/lambda^2``;
    * entropy ``H = 1 - log(lambda)`` nats;
    * MLE from ``x_1..x_n``: the sufficient statistics are ``n`` and
      ``S = sum x_i``; ``l(lambda) = n log(lambda) - lambda S`` is largest at
      ``lambda_hat = n / S = 1 / mean``.

    References
    ----------
    N. L. Johnson, S. Kotz and N. Balakrishnan, *Continuous Univariate
    Distributions*, vol. 1, 2nd ed., Wiley (1994), chapter 19.

    Examples
    --------
    >>> d = Exponential(rate=2.0)
    >>> d.pdf(0.0), round(d.cdf(1.0), 6), round(d.sf(1.0), 6)    # 1 - e^-2, e^-2
    (2.0, 0.864665, 0.135335)
    >>> round(d.ppf(0.5), 6)                       # log(2) / 2
    0.346574
    >>> d.mean(), d.var(), float(d.scale)
    (0.5, 0.25, 0.5)
    >>> round(d.entropy(), 6)                       # 1 - log 2
    0.306853
    >>> Exponential(scale=4.0).params
    {'rate': 0.25}
    >>> Exponential.fit([1.0, 2.0, 3.0])           # 1 / mean = 1/2
    Exponential(rate=0.5)
    """

    _params = ("rate",)

    def __init__(self, rate=None, *, scale=None):
        if rate is not None and scale is not None:
            raise ValueError(f"give rate or scale, not both (got rate={rate!r}, scale={scale!r})")
        if scale is not None:
            beta = param(scale, "scale", positive=True)
            with np.errstate(divide="ignore", over="ignore"):
                self.rate = 1.0 / beta
            if not np.isfinite(self.rate).all():
                raise ValueError(f"scale is too small: its rate 1/scale overflows, got "
                                 f"{_first(beta[~np.isfinite(self.rate)] if beta.ndim else beta)!r}")
        else:
            self.rate = param(1.0 if rate is None else rate, "rate", positive=True)

    @property
    def scale(self):
        """The scale ``1/lambda`` (the mean), an array like ``rate``."""
        return 1.0 / self.rate

    def _support(self):
        return 0.0, np.inf

    def _logpdf(self, x):
        return np.log(self.rate) - self.rate * x

    def _cdf(self, x):
        return -np.expm1(-self.rate * x)

    def _sf(self, x):
        return np.exp(-self.rate * x)

    def logcdf(self, x):
        r"""``log F(x)``: ``log(-expm1(-lambda x))`` for ``lambda x <= log 2``, else
        ``log1p(-exp(-lambda x))`` (each accurate in its range; ``-inf`` for ``x <= 0``).

        Examples
        --------
        >>> round(Exponential(1.0).logcdf(1e-20), 6)       # log(1e-20)
        -46.051702
        """
        x = as_points(x)
        t = self.rate * np.maximum(x, 0.0)
        with np.errstate(divide="ignore"):
            out = np.where(t <= _LN2, np.log(-np.expm1(-t)), np.log1p(-np.exp(-t)))
        return _scalar(np.where(np.isnan(x), np.nan, out))

    def logsf(self, x):
        r"""``log S(x) = -lambda x`` for ``x >= 0`` (0 below), exact far in the tail.

        Examples
        --------
        >>> Exponential(2.0).logsf(1000.0)
        -2000.0
        """
        x = as_points(x)
        out = 0.0 - self.rate * np.maximum(x, 0.0)       # 0 - (+0) keeps 0.0 unsigned
        return _scalar(np.where(np.isnan(x), np.nan, out))

    def _ppf(self, q):
        with np.errstate(divide="ignore"):
            return -np.log1p(-q) / self.rate

    def _isf(self, q):
        with np.errstate(divide="ignore"):
            return -np.log(q) / self.rate

    def _mean(self):
        return 1.0 / self.rate

    def _var(self):
        return 1.0 / (self.rate * self.rate)

    def _entropy(self):
        return 1.0 - np.log(self.rate)

    def _sample(self, rng, shape):
        e = rng.standard_exponential(shape)
        if e.ndim:
            e /= self.rate
            return e
        return e / self.rate

    @classmethod
    def fit(cls, data):
        r"""Maximum-likelihood exponential: ``lambda_hat = n / sum x_i = 1 / mean``.

        Parameters
        ----------
        data : (n,) array_like
            Non-negative observations, not all zero.

        Returns
        -------
        Exponential

        Raises
        ------
        ValueError
            Empty or non-finite data, a negative observation (outside the
            support), or all zeros (``lambda_hat`` would be infinite).

        Notes
        -----
        ``l(lambda) = n log(lambda) - lambda S`` with ``S = sum x_i``;
        ``dl/dlambda = n/lambda - S = 0`` gives ``lambda_hat = n / S``
        (SciPy's ``expon.fit(data, floc=0)`` returns the scale ``S/n``).

        Examples
        --------
        >>> Exponential.fit([0.5, 1.5]).params
        {'rate': 1.0}
        """
        x = as_data(data, min_size=1)
        if (x < 0).any():
            raise ValueError(f"data must be >= 0 for an Exponential, got {float(x[x < 0][0])!r}")
        n = x.shape[0]
        S = float(x.sum())
        if active():
            step("Sufficient statistics", "n, S = sum x_i", n=n, S=S)
        if not S > 0:
            raise ValueError("data are all 0: the MLE rate n / sum x_i would be infinite")
        lam = n / S
        step("Maximum-likelihood estimate", "lambda_hat = n / S = 1 / mean",
             mean=S / n, lambda_hat=lam)
        return cls(rate=lam)
