r"""The contract every distribution follows, and the helpers that enforce it.

A distribution is a frozen object: its parameters are fixed at construction,
validated there (``ValueError`` naming the parameter and the bad value), and
stored as float arrays so that every method is vectorised over array
parameters and array arguments together, by NumPy broadcasting.

Subclasses implement the *log* density and the two tail functions directly:

* ``_logpdf(x)`` — the log-density (or log-mass) on the support; the base
  class masks points outside the support to ``-inf`` (and, for discrete
  distributions, non-integers), so ``pdf`` is exactly 0 there;
* ``_cdf(x)`` and ``_sf(x)`` — each computed directly, so that upper-tail
  probabilities such as p-values keep their relative accuracy (never
  ``1 - cdf``);
* ``_ppf(q)`` where the distribution has one;
* ``_sample(rng, shape)``, ``_mean()``, ``_var()``, ``_entropy()``,
  ``_support()`` and the class method ``fit``.

>>> from mathforml.probability import Normal
>>> d = Normal(loc=1.0, scale=2.0)
>>> float(d.pdf(1.0)) == 1 / (2.0 * (2 * 3.141592653589793) ** 0.5)
True
>>> d.mean(), d.var(), d.std()
(1.0, 4.0, 2.0)
"""
from __future__ import annotations

from numbers import Integral

import numpy as np

from ..._validation import _float_dtype, as_rng

__all__ = ["Distribution", "ContinuousDistribution", "DiscreteDistribution"]


# ---------------------------------------------------------------------------
# Parameter validation
# ---------------------------------------------------------------------------
def _describe(value: np.ndarray):
    """The offending value(s) for an error message: the scalar, or the first bad one."""
    return value.item() if value.size == 1 else value


def param(value, name: str, *, positive: bool = False, nonnegative: bool = False,
          unit: bool = False, integer: bool = False, minimum: float | None = None) -> np.ndarray:
    """Validate one distribution parameter and return it as a float array.

    Parameters
    ----------
    value : array_like
        The parameter (scalar or array; arrays make a batch of distributions).
    name : str
        Its name, used in every error message.
    positive, nonnegative : bool
        Require ``value > 0`` / ``value >= 0``.
    unit : bool
        Require ``0 <= value <= 1`` (a probability).
    integer : bool
        Require whole numbers (the result is still a float array).
    minimum : float, optional
        Require ``value >= minimum``.

    Raises
    ------
    TypeError
        Non-numeric or complex input.
    ValueError
        NaN, infinity, or a value outside the allowed range; the message names
        the parameter and the first bad value.

    Examples
    --------
    >>> param(2, "scale", positive=True)
    array(2.)
    >>> param(-1.0, "scale", positive=True)
    Traceback (most recent call last):
    ...
    ValueError: scale must be > 0, got -1.0
    >>> param([0.2, 1.5], "p", unit=True)
    Traceback (most recent call last):
    ...
    ValueError: p must be in [0, 1], got 1.5
    """
    if isinstance(value, str):
        raise TypeError(f"{name} must be a number or an array of numbers, got {value!r}")
    arr = np.asarray(value)
    if arr.dtype == object:
        raise TypeError(f"{name} must be a number or an array of numbers, got {value!r}")
    arr = arr.astype(np.float64 if arr.dtype.kind in "biu" else _float_dtype(arr.dtype, name),
                     copy=False)
    if arr.size == 0:
        raise ValueError(f"{name} must not be empty")
    finite = np.isfinite(arr)
    if not finite.all():
        raise ValueError(f"{name} must be finite, got {_describe(arr[~finite][:1])}")
    checks = []
    if positive:
        checks.append((arr > 0, "> 0"))
    if nonnegative:
        checks.append((arr >= 0, ">= 0"))
    if unit:
        checks.append(((arr >= 0) & (arr <= 1), "in [0, 1]"))
    if minimum is not None:
        checks.append((arr >= minimum, f">= {minimum:g}"))
    if integer:
        checks.append((arr == np.round(arr), "a whole number"))
    for ok, what in checks:
        if not ok.all():
            raise ValueError(f"{name} must be {what}, got {_describe(arr[~ok][:1])}")
    return arr


def probability_vector(value, name: str = "p", *, atol: float = 1e-9) -> np.ndarray:
    """Validate probabilities along the last axis: entries in [0, 1] summing to 1.

    >>> probability_vector([0.5, 0.25, 0.25])
    array([0.5 , 0.25, 0.25])
    >>> probability_vector([0.5, 0.6])
    Traceback (most recent call last):
    ...
    ValueError: p must sum to 1 along its last axis, got sum 1.1
    """
    arr = param(value, name, unit=True)
    if arr.ndim == 0:
        raise ValueError(f"{name} must be a vector of probabilities, got a scalar {arr.item()}")
    total = arr.sum(axis=-1)
    bad = np.abs(total - 1.0) > atol * max(1, arr.shape[-1])
    if bad.any():
        raise ValueError(f"{name} must sum to 1 along its last axis, got sum "
                         f"{_describe(np.atleast_1d(total)[np.atleast_1d(bad)][:1]):.6g}")
    return arr


def as_points(x, name: str = "x") -> np.ndarray:
    """Evaluation points as a float array; NaN and ±inf are allowed (they are data)."""
    arr = np.asarray(x)
    if arr.dtype.kind == "f":
        return arr
    if arr.dtype == object or arr.dtype.kind not in "biuf":
        if arr.dtype.kind == "c":
            raise TypeError(f"{name} has complex dtype {arr.dtype}; complex input is not supported")
        raise TypeError(f"{name} must be numeric, got {x!r}")
    return arr.astype(np.float64)


def as_data(data, name: str = "data", *, min_size: int = 1, ndim: int = 1) -> np.ndarray:
    """Validate data for ``fit``: finite floats, at least ``min_size`` observations.

    ``ndim=1`` flattens nothing — it requires a 1-D sample; ``ndim=2`` requires
    ``(n_samples, n_features)``.
    """
    arr = np.asarray(data)
    if arr.dtype == object or arr.dtype.kind not in "biuf":
        raise TypeError(f"{name} must be numeric, got dtype {arr.dtype}")
    arr = arr.astype(_float_dtype(arr.dtype, name), copy=False)
    if arr.ndim != ndim:
        raise ValueError(f"{name} must be {ndim}-D, got shape {arr.shape}")
    if arr.shape[0] < min_size:
        raise ValueError(f"{name} needs at least {min_size} observation"
                         f"{'s' if min_size != 1 else ''} to fit, got {arr.shape[0]}")
    if not np.isfinite(arr).all():
        raise ValueError(f"{name} contains NaN or infinity")
    return arr


def sample_shape(size, batch_shape: tuple) -> tuple:
    """The shape of ``sample(size)``: ``size`` (which must broadcast with the
    parameters' batch shape), or the batch shape when ``size`` is None."""
    if size is None:
        return batch_shape
    if isinstance(size, Integral) and not isinstance(size, bool):
        shape = (int(size),)
    else:
        bad = TypeError(f"size must be None, an int or a tuple of ints, got {size!r}")
        if isinstance(size, (str, bytes)) or not hasattr(size, "__iter__"):
            raise bad
        items = tuple(size)
        if not all(isinstance(s, Integral) and not isinstance(s, bool) for s in items):
            raise bad
        shape = tuple(int(s) for s in items)
    if any(s < 0 for s in shape):
        raise ValueError(f"size must not be negative, got {size!r}")
    try:
        out = np.broadcast_shapes(shape, batch_shape)
    except ValueError:
        raise ValueError(f"size {shape} does not broadcast with the parameters' shape "
                         f"{batch_shape}") from None
    if out != shape:
        raise ValueError(f"size {shape} must contain the parameters' shape {batch_shape}")
    return shape


def scale_shift(z, scale, loc):
    """``loc + scale * z``, in place when ``z`` is an array (the sampling hot path).

    ``z`` must already have the output shape (``sample_shape`` guarantees it
    contains the parameters' batch shape).
    """
    if np.ndim(z):
        z *= scale
        z += loc
        return z
    return loc + scale * z


def _scalar(a):
    """Return a Python float for 0-d results, arrays otherwise."""
    a = np.asarray(a)
    return a.item() if a.ndim == 0 else a


# ---------------------------------------------------------------------------
# The base classes
# ---------------------------------------------------------------------------
class Distribution:
    """Base class of every distribution in :mod:`mathforml.probability`.

    Subclasses set ``_params`` (the names of their parameters, in order),
    store each validated parameter as an attribute of that name, and implement
    the private hooks listed in the module docstring.
    """

    _params: tuple = ()
    discrete: bool = False
    #: True when the support is the whole real line for every parameter value,
    #: which lets the public methods skip the support mask (a hot-path saving).
    _whole_line: bool = False

    # -- parameters -----------------------------------------------------
    @property
    def params(self) -> dict:
        """The parameters as a dict ``{name: value}`` (Python floats for scalars)."""
        return {name: _scalar(getattr(self, name)) for name in self._params}

    @property
    def batch_shape(self) -> tuple:
        """The broadcast shape of the parameters (``()`` for a single distribution)."""
        return np.broadcast_shapes(*(np.shape(getattr(self, n)) for n in self._params))

    def __repr__(self) -> str:
        def fmt(v):
            return f"{v:g}" if isinstance(v, float) else np.array2string(np.asarray(v), precision=6)
        inner = ", ".join(f"{k}={fmt(v)}" for k, v in self.params.items())
        return f"{type(self).__name__}({inner})"

    # -- support --------------------------------------------------------
    def support(self):
        """The interval ``(low, high)`` outside which the density is 0."""
        low, high = self._support()
        return _scalar(low), _scalar(high)

    def _in_support(self, x: np.ndarray) -> np.ndarray:
        low, high = self._support()
        return (x >= low) & (x <= high)

    # -- densities ------------------------------------------------------
    def logpdf(self, x):
        """Log of the density (log-mass for discrete distributions) at ``x``; ``-inf`` off the support."""
        x = as_points(x)
        if self._whole_line:
            return _scalar(self._logpdf(x))
        inside = self._valid_points(x)
        xs = np.where(inside, x, self._inside_point())
        out = np.where(inside, self._logpdf(xs), -np.inf)
        return _scalar(np.where(np.isnan(x), np.nan, out))

    def pdf(self, x):
        """Density (mass for discrete distributions) at ``x``: ``exp(logpdf(x))``."""
        return _scalar(np.exp(self.logpdf(x)))

    def _valid_points(self, x):
        return self._in_support(x)

    def _inside_point(self):
        """A point inside the support, substituted where x is outside (avoids warnings)."""
        low, high = self._support()
        low = np.asarray(low, dtype=float)
        high = np.asarray(high, dtype=float)
        mid = np.where(np.isfinite(low) & np.isfinite(high), 0.5 * (low + high),
                       np.where(np.isfinite(low), low + 1.0,
                                np.where(np.isfinite(high), high - 1.0, 0.0)))
        return mid

    # -- tails ----------------------------------------------------------
    def cdf(self, x):
        r"""Cumulative distribution function :math:`F(x) = P(X \le x)`."""
        x = as_points(x)
        if self._whole_line:
            return _scalar(self._cdf(x))
        low, high = self._support()
        xs = np.clip(x, low, high)
        out = np.where(x < low, 0.0, np.where(x >= high, 1.0, self._cdf(xs)))
        return _scalar(np.where(np.isnan(x), np.nan, out))

    def sf(self, x):
        r"""Survival function :math:`S(x) = P(X > x)`, computed directly (never ``1 - cdf``)."""
        x = as_points(x)
        if self._whole_line:
            return _scalar(self._sf(x))
        low, high = self._support()
        xs = np.clip(x, low, high)
        out = np.where(x < low, 1.0, np.where(x >= high, 0.0, self._sf(xs)))
        return _scalar(np.where(np.isnan(x), np.nan, out))

    def ppf(self, q):
        r"""Quantile function :math:`F^{-1}(q) = \inf\{x : F(x) \ge q\}` for ``q`` in [0, 1].

        Raises
        ------
        ValueError
            If any ``q`` lies outside [0, 1].
        NotImplementedError
            If the distribution has no quantile function here.
        """
        q = as_points(q, "q")
        bad = (q < 0) | (q > 1)
        if bad.any():
            raise ValueError(f"q must be in [0, 1], got {_describe(q[bad][:1])}")
        return _scalar(self._ppf(q))

    def isf(self, q):
        """Inverse survival function: the ``x`` with ``sf(x) = q``."""
        q = as_points(q, "q")
        bad = (q < 0) | (q > 1)
        if bad.any():
            raise ValueError(f"q must be in [0, 1], got {_describe(q[bad][:1])}")
        return _scalar(self._isf(q))

    def _ppf(self, q):
        raise NotImplementedError(f"{type(self).__name__} has no quantile function (ppf)")

    def _isf(self, q):
        return self._ppf(1.0 - q)

    # -- moments --------------------------------------------------------
    def mean(self):
        """The expected value :math:`E[X]`."""
        return _scalar(self._mean())

    def var(self):
        """The variance :math:`E[(X - E[X])^2]`."""
        return _scalar(self._var())

    def std(self):
        """The standard deviation :math:`\\sqrt{\\operatorname{Var}[X]}`."""
        return _scalar(np.sqrt(self._var()))

    def entropy(self):
        """The (differential, for continuous distributions) entropy in nats."""
        return _scalar(self._entropy())

    # -- sampling -------------------------------------------------------
    def sample(self, size=None, rng=None):
        """Draw random variates.

        Parameters
        ----------
        size : int or tuple of ints, optional
            Output shape; it must contain the parameters' batch shape.
            None draws one variate per distribution in the batch.
        rng : None, int or numpy.random.Generator
            The source of base random variates.
        """
        shape = sample_shape(size, self.batch_shape)
        return _scalar(self._sample(as_rng(rng), shape))

    # -- hooks ----------------------------------------------------------
    def _support(self):  # pragma: no cover - abstract
        raise NotImplementedError

    def _logpdf(self, x):  # pragma: no cover - abstract
        raise NotImplementedError

    def _cdf(self, x):  # pragma: no cover - abstract
        raise NotImplementedError

    def _sf(self, x):  # pragma: no cover - abstract
        raise NotImplementedError

    def _sample(self, rng, shape):  # pragma: no cover - abstract
        raise NotImplementedError

    def _mean(self):  # pragma: no cover - abstract
        raise NotImplementedError

    def _var(self):  # pragma: no cover - abstract
        raise NotImplementedError

    def _entropy(self):  # pragma: no cover - abstract
        raise NotImplementedError

    @classmethod
    def fit(cls, data):  # pragma: no cover - abstract
        """Maximum-likelihood estimate of the parameters from ``data``."""
        raise NotImplementedError


class ContinuousDistribution(Distribution):
    """A distribution with a density on an interval of the real line."""

    discrete = False


class DiscreteDistribution(Distribution):
    """A distribution on the integers: ``pmf``/``logpmf``; non-integers have mass 0.

    ``cdf`` and ``sf`` are step functions: they are evaluated at ``floor(x)``.
    """

    discrete = True

    def _valid_points(self, x):
        return self._in_support(x) & (x == np.floor(x))

    def _inside_point(self):
        return np.ceil(super()._inside_point())

    def logpmf(self, k):
        """Log of the probability mass at ``k``; ``-inf`` off the support or at non-integers."""
        return self.logpdf(k)

    def pmf(self, k):
        """Probability mass :math:`P(X = k)`; 0 off the support or at non-integers."""
        return self.pdf(k)

    def cdf(self, x):
        x = as_points(x)
        return super().cdf(np.floor(x))

    def sf(self, x):
        x = as_points(x)
        return super().sf(np.floor(x))

    cdf.__doc__ = Distribution.cdf.__doc__
    sf.__doc__ = Distribution.sf.__doc__
