r"""Teaching paths from uniform random numbers to other distributions.

Every random variate in :mod:`mathforml.probability` is built from the base
generators of :class:`numpy.random.Generator`.  This module shows the three
classical constructions explicitly, each explaining itself (the uniforms, the
transform, a few outputs) under :func:`mathforml.explain`:

* :func:`inverse_transform_sample` — ``X = F^{-1}(U)`` with ``U ~ Uniform(0, 1)``
  has distribution ``F``, because ``P(F^{-1}(U) <= x) = P(U <= F(x)) = F(x)``;
* :func:`box_muller` (and :func:`box_muller_transform`) — two independent
  uniforms become two independent standard normals through polar coordinates;
* :func:`rejection_sample` — propose from an envelope ``M g(x) >= f(x)`` and
  keep each proposal with probability ``f(x) / (M g(x))``.

References
----------
L. Devroye, *Non-Uniform Random Variate Generation*, Springer (1986),
chapters II.2 (inversion), II.3 (rejection) and V.4 (Box--Muller).
G. E. P. Box and M. E. Muller, "A note on the generation of random normal
deviates", *Ann. Math. Statist.* 29(2), 610--611 (1958).
"""
from __future__ import annotations

import math
import warnings
from numbers import Real

import numpy as np

from ..exceptions import ConvergenceWarning
from ..explain import active, step
from .._validation import as_rng, check_int
from .distributions._base import Distribution, sample_shape

__all__ = ["inverse_transform_sample", "box_muller", "box_muller_transform", "rejection_sample"]

_SHOW = 5     # how many uniforms/outputs an explanation shows


def _head(a):
    return np.asarray(a).ravel()[:_SHOW].copy()


def inverse_transform_sample(dist, size=None, rng=None):
    r"""Sample ``dist`` by the inverse-transform method, ``X = F^{-1}(U)``.

    Parameters
    ----------
    dist : Distribution
        Any distribution with a quantile function ``ppf`` (Normal, Uniform,
        Exponential, ...).
    size : int or tuple of ints, optional
        Output shape (it must contain ``dist``'s batch shape); None gives one
        draw per distribution in the batch.
    rng : None, int or numpy.random.Generator

    Returns
    -------
    X : float or ndarray, shape ``size``

    Notes
    -----
    ``U = rng.random(size)`` is uniform on ``[0, 1)`` (multiples of
    ``2^-53``) and ``X = dist.ppf(U)``.  If ``F`` is continuous and increasing,
    ``P(X <= x) = P(U <= F(x)) = F(x)``.  ``U = 0`` (probability ``2^-53``
    per draw) maps to the lower end of the support, which is ``-inf`` for the
    Normal.  Inversion is exact but costs one quantile evaluation per draw; the
    distributions' own ``sample`` methods use faster generators.

    Raises
    ------
    TypeError
        If ``dist`` is not a :class:`Distribution`.
    NotImplementedError
        If ``dist`` has no quantile function.

    Examples
    --------
    For the exponential, ``F^{-1}(u) = -log(1 - u)/lambda``:

    >>> from mathforml.probability.distributions.simple import Exponential
    >>> x = inverse_transform_sample(Exponential(rate=2.0), size=3, rng=0)
    >>> u = np.random.default_rng(0).random(3)
    >>> bool(np.allclose(x, -np.log1p(-u) / 2.0))
    True
    """
    if not isinstance(dist, Distribution):
        raise TypeError(f"dist must be a mathforml Distribution, got {type(dist).__name__}")
    shape = sample_shape(size, dist.batch_shape)
    U = as_rng(rng).random(shape)
    if active():
        step("Uniforms", "U ~ Uniform(0, 1)", n=int(np.prod(shape)), U=_head(U))
    X = dist.ppf(U)
    if active():
        step("Inverse transform", "X = F^{-1}(U), so P(X <= x) = P(U <= F(x)) = F(x)",
             distribution=repr(dist), X=_head(X))
    return X


def box_muller_transform(u1, u2):
    r"""The Box--Muller map from two uniforms to two independent standard normals.

    Parameters
    ----------
    u1 : float or array_like
        Uniforms in ``(0, 1]`` (the radius needs ``log u1`` finite).
    u2 : float or array_like
        Uniforms in ``[0, 1)``, the angle; broadcast with ``u1``.

    Returns
    -------
    z0, z1 : ndarray (or floats)
        ``z0 = R cos(theta)``, ``z1 = R sin(theta)`` with
        ``R = sqrt(-2 log u1)`` and ``theta = 2 pi u2``.

    Raises
    ------
    ValueError
        If a ``u1`` is outside ``(0, 1]`` or a ``u2`` outside ``[0, 1]``.

    Notes
    -----
    In polar coordinates a pair of independent standard normals has
    ``R^2 = Z0^2 + Z1^2 ~ chi^2_2 = Exponential(1/2)`` and an angle uniform on
    ``[0, 2 pi)``, independent of each other.  ``R^2 = -2 log U1`` is the
    inverse transform of that exponential and ``theta = 2 pi U2``.

    Examples
    --------
    ``u1 = e^-2`` gives ``R = 2``; ``u2 = 1/4`` points straight up:

    >>> z0, z1 = box_muller_transform(np.exp(-2.0), 0.25)
    >>> round(z0, 12), round(z1, 12)
    (0.0, 2.0)
    """
    u1 = np.asarray(u1, dtype=float)
    u2 = np.asarray(u2, dtype=float)
    ok1 = (u1 > 0) & (u1 <= 1)
    if not ok1.all():
        raise ValueError(f"u1 must be in (0, 1] (log u1 must be finite), got "
                         f"{np.atleast_1d(u1)[np.atleast_1d(~ok1)][0].item()!r}")
    ok2 = (u2 >= 0) & (u2 <= 1)
    if not ok2.all():
        raise ValueError(f"u2 must be in [0, 1], got "
                         f"{np.atleast_1d(u2)[np.atleast_1d(~ok2)][0].item()!r}")
    R = np.sqrt(-2.0 * np.log(u1))
    theta = (2.0 * math.pi) * u2
    z0 = R * np.cos(theta)
    z1 = R * np.sin(theta)
    if z0.ndim == 0:
        return z0.item(), z1.item()
    return z0, z1


def box_muller(size, rng=None):
    r"""Standard normal variates by the Box--Muller transform.

    Parameters
    ----------
    size : None, int or tuple of ints
        Output shape (None: one float).
    rng : None, int or numpy.random.Generator

    Returns
    -------
    Z : float or ndarray, shape ``size``
        Independent ``N(0, 1)`` draws.

    Notes
    -----
    For ``m = ceil(n/2)`` pairs: ``U1 = 1 - rng.random(m)`` (in ``(0, 1]``, so
    ``log U1`` is finite), ``U2 = rng.random(m)``, ``R = sqrt(-2 log U1)``,
    ``theta = 2 pi U2``; pair ``i`` gives outputs ``2i`` (``R cos theta``) and
    ``2i + 1`` (``R sin theta``); an odd ``n`` drops the last sine.
    ``Normal.sample`` instead calls NumPy's faster ziggurat
    ``standard_normal``.

    Examples
    --------
    >>> z = box_muller(4, rng=0)
    >>> g = np.random.default_rng(0)
    >>> u1, u2 = 1 - g.random(2), g.random(2)
    >>> R, theta = np.sqrt(-2 * np.log(u1)), 2 * np.pi * u2
    >>> bool(np.allclose(z, [R[0] * np.cos(theta[0]), R[0] * np.sin(theta[0]),
    ...                      R[1] * np.cos(theta[1]), R[1] * np.sin(theta[1])]))
    True
    """
    shape = sample_shape(size, ())
    n = int(np.prod(shape, dtype=np.int64)) if shape else 1
    m = (n + 1) // 2
    gen = as_rng(rng)
    U1 = 1.0 - gen.random(m)
    U2 = gen.random(m)
    R = np.sqrt(-2.0 * np.log(U1))
    theta = (2.0 * math.pi) * U2
    Z = np.empty((m, 2))
    np.multiply(R, np.cos(theta), out=Z[:, 0])
    np.multiply(R, np.sin(theta), out=Z[:, 1])
    if active():
        step("Uniforms", "U1 = 1 - u in (0, 1], U2 = u' in [0, 1), u, u' ~ Uniform[0, 1)",
             pairs=m, U1=_head(U1), U2=_head(U2))
        step("Polar coordinates", "R = sqrt(-2 log U1) (R^2 ~ Exponential(1/2)), theta = 2 pi U2",
             R=_head(R), theta=_head(theta))
        step("Normals", "Z0 = R cos(theta), Z1 = R sin(theta)",
             Z=_head(Z.ravel()[:n]))
    out = Z.ravel()[:n]
    if not shape:
        return out[0].item()
    return out.reshape(shape)


def rejection_sample(logpdf, proposal, log_m, size, rng=None, *, max_rounds=1000):
    r"""Sample a density known up to its log by rejection from a proposal.

    Parameters
    ----------
    logpdf : callable
        ``logpdf(x)`` (vectorised over a 1-D array) -- the log of the target
        density ``f`` (it may be unnormalised).
    proposal : Distribution
        A distribution ``g`` with ``sample`` and ``logpdf`` (batch shape ``()``)
        that is easy to draw from.
    log_m : float
        ``log M`` for an envelope ``f(x) <= M g(x)`` for all ``x``.
    size : int or tuple of ints
        Output shape.
    rng : None, int or numpy.random.Generator
    max_rounds : int, default 1000
        Rounds of batch proposals before giving up.

    Returns
    -------
    X : ndarray, shape ``size``

    Raises
    ------
    ValueError
        If a proposal has ``f(x) > M g(x)`` (``log_m`` is not an envelope; the
        output would not follow ``f``).
    TypeError
        Non-callable ``logpdf`` or a ``proposal`` that is not a Distribution.

    Warns
    -----
    ConvergenceWarning
        When ``max_rounds`` rounds did not produce ``size`` acceptances; the
        draws so far are returned (fewer than asked, 1-D).

    Notes
    -----
    Each round proposes ``x ~ g`` and ``u ~ Uniform(0, 1)`` in a batch and
    accepts where ``log u <= log f(x) - log M - log g(x)``.  Accepted points have
    density ``f`` (normalised), and the acceptance rate is ``1/M`` when ``f`` is
    normalised -- a tight envelope matters.  Each round proposes enough to fill
    the remainder at the acceptance rate seen so far.

    Examples
    --------
    ``f(x) = 6 x (1 - x)`` (Beta(2, 2)) under ``M g`` with ``g = Uniform(0, 1)``
    and ``M = max f = 1.5``:

    >>> from mathforml.probability.distributions.simple import Uniform
    >>> def logf(x):
    ...     with np.errstate(divide="ignore"):
    ...         return np.log(6 * x * (1 - x))
    >>> x = rejection_sample(logf, Uniform(), np.log(1.5), 20000, rng=1)
    >>> x.shape, bool(abs(x.mean() - 0.5) < 0.01)
    ((20000,), True)
    """
    if not callable(logpdf):
        raise TypeError(f"logpdf must be callable, got {type(logpdf).__name__}")
    if not isinstance(proposal, Distribution):
        raise TypeError(f"proposal must be a mathforml Distribution, got "
                        f"{type(proposal).__name__}")
    if proposal.batch_shape != ():
        raise ValueError(f"proposal must be a single distribution (batch shape ()), got "
                         f"{proposal.batch_shape}")
    if isinstance(log_m, bool) or not isinstance(log_m, Real) or not math.isfinite(log_m):
        raise ValueError(f"log_m must be a finite real number, got {log_m!r}")
    log_m = float(log_m)
    shape = sample_shape(size, ())
    max_rounds = check_int(max_rounds, "max_rounds", minimum=1)
    n = int(np.prod(shape, dtype=np.int64)) if shape else 1
    gen = as_rng(rng)
    kept = []
    have = proposed = 0
    one_over_M = math.exp(-log_m) if log_m > -700.0 else math.inf
    rate = min(1.0, one_over_M)          # the ideal acceptance rate for a normalised f
    record = active()
    rounds = 0
    while have < n and rounds < max_rounds:
        rounds += 1
        batch = int(min(max(64, 1.2 * (n - have) / max(rate, 1e-3)), 4 * n + 64))
        x = np.asarray(proposal.sample(batch, rng=gen), dtype=float)
        log_f = np.asarray(logpdf(x), dtype=float)
        if log_f.shape != x.shape:
            raise ValueError(f"logpdf must return one value per point: shape {x.shape} in, "
                             f"{log_f.shape} out")
        with np.errstate(divide="ignore"):
            log_ratio = log_f - log_m - np.asarray(proposal.logpdf(x), dtype=float)
        bad = log_ratio > 1e-12
        if bad.any():
            xb = float(x[bad][0])
            raise ValueError(f"log_m = {log_m:.6g} is not an envelope: at x = {xb:.6g}, "
                             f"log f(x) - log g(x) = {float(log_ratio[bad][0]) + log_m:.6g} "
                             "exceeds log_m")
        with np.errstate(divide="ignore"):
            log_u = np.log(gen.random(batch))
        accept = log_u <= log_ratio
        acc = x[accept]
        kept.append(acc)
        have += acc.size
        proposed += batch
        rate = max(have / proposed, 1e-6)
        if record:
            step("Round", "propose x ~ g, u ~ U(0, 1); accept if log u <= log f(x) - log M - log g(x)",
                 iteration=rounds, proposed=batch, accepted=int(acc.size),
                 x=_head(x), accept=_head(accept))
    X = np.concatenate(kept) if kept else np.empty(0)
    if record:
        step("Result", "acceptance rate = accepted / proposed (ideal 1/M for normalised f)",
             accepted=have, proposed=proposed, acceptance_rate=have / max(proposed, 1),
             one_over_M=one_over_M, samples=_head(X))
    if have < n:
        warnings.warn(f"rejection sampling stopped after max_rounds={max_rounds} rounds with "
                      f"{have} of {n} samples (acceptance rate {have / max(proposed, 1):.3g}); "
                      "use a tighter envelope or more rounds", ConvergenceWarning, stacklevel=2)
        return X
    X = X[:n]
    if not shape:
        return X[0].item()
    return X.reshape(shape)
