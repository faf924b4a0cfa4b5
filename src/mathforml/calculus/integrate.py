r"""Numerical integration: Newton--Cotes rules, Gauss--Legendre, adaptive Gauss--Kronrod, Monte Carlo.

An integral ``I = int_a^b f(x) dx`` is approximated by a weighted sum of function
values, ``I ~ sum_i w_i f(x_i)``; the methods differ in where the nodes ``x_i``
sit and how the weights ``w_i`` are chosen.

Contents
--------
* :func:`trapezoid` -- composite trapezoid rule, error ``O(h^2)``.
* :func:`simpson` -- composite Simpson 1/3 rule, error ``O(h^4)``; an odd number of
  intervals gets SciPy's (>= 1.11) Cartwright correction on the last interval.
* :func:`legendre_nodes_weights` -- Gauss--Legendre nodes and weights on ``[-1, 1]`` by
  Newton's method on the three-term recurrence (cached per ``n``).
* :func:`gauss_legendre` -- ``n``-point Gauss--Legendre on ``[a, b]``, exact for
  polynomials of degree ``<= 2n - 1``.
* :func:`quad` -- globally adaptive Gauss--Kronrod (G10--K21 or G7--K15), QUADPACK
  ``qag`` style, with infinite limits by substitution; returns :class:`QuadResult`.
* :func:`monte_carlo` -- ``E[f(X)]`` from samples, or an integral over a box, with its
  standard error and a confidence interval; returns :class:`MonteCarloResult`.

Two call forms of the Newton--Cotes rules
-----------------------------------------
``trapezoid`` and ``simpson`` integrate either *samples* or a *function*:

* ``trapezoid(y, x=None, dx=1.0, axis=-1)`` -- samples ``y`` (at ``x`` or with spacing
  ``dx``) along ``axis``, as ``scipy.integrate.trapezoid`` / ``numpy.trapezoid``;
* ``trapezoid(f, a, b, n=100)`` -- a callable ``f`` integrated with ``n`` equal panels,
  i.e. exactly the sample rule applied to ``f`` at ``n + 1`` equally spaced nodes.

The form is chosen by ``callable(first argument)``.

The integrand contract (every function taking ``f``)
----------------------------------------------------
``f`` is called with a 1-D float64 array of nodes (for :func:`monte_carlo`: the samples,
shape ``(n,)`` or ``(n, d)``) and must return real values of shape ``(m,)``, one per node
(per sample row); integer/bool results are promoted to float.  All nodes of a rule (all
21 Kronrod nodes of both halves of a bisected interval) go to ``f`` in *one* call.
A scalar-only ``f`` (one that raises ``TypeError``/``ValueError`` on an array, as
``math.exp`` or ``if x > 0`` do, or that returns a single scalar for an array) is
detected on the first call and then evaluated node by node -- correct, but slow; write
``f`` with NumPy ufuncs for speed.  A complex result raises ``TypeError``; a NaN or
infinite value raises ``ValueError`` naming the node ``x`` where it happened.

Show your work
--------------
Under :func:`mathforml.explain` every rule records its nodes, weights, function values
and the running sum (long arrays are kept as previews); :func:`quad` records each
bisection (thinned by the recorder's iteration policy) and the final error estimate;
:func:`legendre_nodes_weights` records each Newton sweep; :func:`monte_carlo` records
``n``, the estimate, the standard error and the interval.  Results are bit-identical
with and without a recorder.
"""
from __future__ import annotations

import heapq
import math
import warnings
from functools import lru_cache
from numbers import Real

import numpy as np

from mathforml._validation import (as_float_array, as_rng, check_int, check_option,
                                   check_real, eps_of)
from mathforml.exceptions import ConvergenceWarning
from mathforml.explain import active, section, step

__all__ = [
    "trapezoid",
    "simpson",
    "legendre_nodes_weights",
    "gauss_legendre",
    "quad",
    "QuadResult",
    "monte_carlo",
    "MonteCarloResult",
]


# ---------------------------------------------------------------------------
# Shared validation and the integrand evaluator
# ---------------------------------------------------------------------------
def _check_callable(f, name: str = "f") -> None:
    if not callable(f):
        raise TypeError(f"{name} must be callable, got {type(f).__name__} {f!r}")


def _check_limit(value, name: str, *, allow_inf: bool = False) -> float:
    """A real integration limit; NaN never, +-inf only where ``allow_inf``."""
    if isinstance(value, np.ndarray) and value.ndim == 0:
        value = value[()]
    if isinstance(value, (complex, np.complexfloating)):
        raise TypeError(f"{name} must be a real number, got complex {value!r}")
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, Real):
        raise TypeError(f"{name} must be a real number, got {value!r}")
    value = float(value)
    if math.isnan(value):
        raise ValueError(f"{name} must not be NaN, got {value}")
    if math.isinf(value) and not allow_inf:
        raise ValueError(f"{name} must be finite, got {value} (use quad for infinite limits)")
    return value


def _real_values(fx, name: str) -> np.ndarray:
    arr = np.asarray(fx)
    if arr.dtype.kind == "c":
        raise TypeError(f"{name} returned complex values (dtype {arr.dtype}); complex "
                        "integrands are not supported: integrate the real and imaginary "
                        "parts separately")
    if arr.dtype.kind == "O":
        try:
            arr = arr.astype(np.float64)
        except (TypeError, ValueError):
            if any(isinstance(v, complex) for v in arr.ravel()):
                raise TypeError(f"{name} returned complex values; complex integrands are "
                                "not supported") from None
            raise TypeError(f"{name} must return real numbers, got an object array") from None
    elif arr.dtype.kind not in "biuf":
        raise TypeError(f"{name} must return real numbers, got dtype {arr.dtype}")
    return arr.astype(np.float64, copy=False)


class _Integrand:
    """Calls ``f`` on all nodes at once, checks its values, counts evaluations.

    Vectorised first; falls back to one call per node (per sample row) for the rest of
    the computation if the array call raises ``TypeError``/``ValueError`` or returns a
    single scalar for an array.
    """

    __slots__ = ("f", "name", "vectorised", "neval")

    def __init__(self, f, name: str = "f"):
        _check_callable(f, name)
        self.f = f
        self.name = name
        self.vectorised: bool | None = None
        self.neval = 0

    def _by_node(self, X: np.ndarray) -> np.ndarray:
        vals = [self.f(X[i].item() if X.ndim == 1 else X[i]) for i in range(X.shape[0])]
        fx = _real_values(vals, self.name)
        if fx.shape != (X.shape[0],):
            raise ValueError(f"{self.name} must return one real number per point, got "
                             f"values of shape {fx.shape[1:]}")
        return fx

    def __call__(self, X: np.ndarray, shown: np.ndarray | None = None) -> np.ndarray:
        """Values ``f(X)`` of shape ``(m,)``; ``shown`` are the points named in errors."""
        m = X.shape[0]
        fx = None
        if self.vectorised is not False:
            try:
                out = self.f(X)
            except (TypeError, ValueError):
                if self.vectorised:
                    raise
                self.vectorised = False
            else:
                out = _real_values(out, self.name)
                if out.shape == (m,):
                    fx = out
                    self.vectorised = True
                elif out.ndim == 0 and not self.vectorised:
                    self.vectorised = False
                else:
                    raise ValueError(
                        f"{self.name} must return an array of shape ({m},) for an input of "
                        f"shape {X.shape} (one value per point), got shape {out.shape}")
        if fx is None:
            fx = self._by_node(X)
        self.neval += m
        _check_finite_values(fx, X if shown is None else shown, self.name)
        return fx


def _check_finite_values(fx: np.ndarray, X: np.ndarray, name: str) -> None:
    if not np.isfinite(fx).all():
        i = int(np.flatnonzero(~np.isfinite(fx))[0])
        where = X[i]
        where = where.item() if np.ndim(where) == 0 else np.asarray(where).tolist()
        raise ValueError(f"{name} returned a non-finite value ({fx[i]}) at x = {where!r}; "
                         "the integrand must be finite at every node")


# ---------------------------------------------------------------------------
# Newton--Cotes rules on samples
# ---------------------------------------------------------------------------
def _samples(y, x, dx, axis):
    """Validate samples; return ``y`` (integration axis last), spacings ``h``, nodes ``x``."""
    y = as_float_array(y, "y")
    if y.ndim == 0:
        raise ValueError("y must have at least one dimension (the samples), got a scalar")
    axis = check_int(axis, "axis")
    if not -y.ndim <= axis < y.ndim:
        raise ValueError(f"axis {axis} is out of bounds for y with {y.ndim} dimension(s)")
    shape = y.shape
    y = np.moveaxis(y, axis, -1)
    N = y.shape[-1]
    if N == 0:
        raise ValueError(f"y has no samples along axis {axis} (shape {shape})")
    if x is None:
        dx = check_real(dx, "dx")
        h = np.full(N - 1, dx, dtype=y.dtype)
        nodes = None
    else:
        x = as_float_array(x, "x")
        if x.ndim == 1:
            if x.shape[0] != N:
                raise ValueError(f"x has {x.shape[0]} points but y has {N} samples along "
                                 f"axis {axis} (shape {shape})")
            nodes = x
        elif x.shape == shape:
            nodes = np.moveaxis(x, axis, -1)
        else:
            raise ValueError(f"x must be 1-D with {N} points or have y's shape {shape}, "
                             f"got shape {x.shape}")
        if x.dtype != y.dtype:
            dtype = np.result_type(x.dtype, y.dtype)
            y, nodes = y.astype(dtype, copy=False), nodes.astype(dtype, copy=False)
        h = np.diff(nodes, axis=-1)
    return y, h, nodes


def _trapezoid_weights(h: np.ndarray, N: int) -> np.ndarray:
    """``w_0 = h_0/2, w_i = (h_{i-1} + h_i)/2, w_{N-1} = h_{N-2}/2``."""
    w = np.zeros(h.shape[:-1] + (N,), dtype=h.dtype)
    half = h / 2
    w[..., :-1] += half
    w[..., 1:] += half
    return w


def _safe_div(num, den):
    num, den = np.broadcast_arrays(num, den)
    return np.divide(num, den, out=np.zeros(num.shape, dtype=np.result_type(num, den)),
                     where=den != 0)


def _simpson_weights(h: np.ndarray, N: int) -> np.ndarray:
    """Weights of composite Simpson (irregular spacing) plus the odd-interval correction."""
    if N == 2:
        return _trapezoid_weights(h, N)
    w = np.zeros(h.shape[:-1] + (N,), dtype=h.dtype)
    pairs = (N - 1) // 2                        # parabolas through x_{2j}, x_{2j+1}, x_{2j+2}
    h0, h1 = h[..., 0:2 * pairs:2], h[..., 1:2 * pairs:2]
    hsum, hprod = h0 + h1, h0 * h1
    ratio = _safe_div(h0, h1)                   # h0 / h1
    w[..., 0:2 * pairs:2] += hsum / 6 * (2 - _safe_div(np.ones_like(ratio), ratio))
    w[..., 1:2 * pairs:2] += hsum / 6 * hsum * _safe_div(hsum, hprod)
    w[..., 2:2 * pairs + 1:2] += hsum / 6 * (2 - ratio)
    if N % 2 == 0:                              # odd number of intervals: last one corrected
        h0, h1 = h[..., -2], h[..., -1]
        alpha = _safe_div(2 * h1 ** 2 + 3 * h0 * h1, 6 * (h1 + h0))
        beta = _safe_div(h1 ** 2 + 3 * h0 * h1, 6 * h0)
        eta = _safe_div(h1 ** 3, 6 * h0 * (h0 + h1))
        w[..., -1] += alpha
        w[..., -2] += beta
        w[..., -3] -= eta
    return w


_RULES = {
    "trapezoid": (_trapezoid_weights,
                  "I = sum_i w_i y_i,  w_0 = h_0/2,  w_i = (h_{i-1} + h_i)/2,  w_{N-1} = h_{N-2}/2"),
    "simpson": (_simpson_weights,
                "I = sum_j (h0+h1)/6 [(2 - h1/h0) y_{2j} + (h0+h1)^2/(h0 h1) y_{2j+1} "
                "+ (2 - h0/h1) y_{2j+2}] (+ last-interval correction alpha y_{-1} + beta y_{-2} "
                "- eta y_{-3} when the number of intervals is odd)"),
}


def _apply_rule(rule: str, y: np.ndarray, h: np.ndarray, nodes) -> np.ndarray:
    weights_of, formula = _RULES[rule]
    N = y.shape[-1]
    w = weights_of(h, N)
    wy = w * y
    I = np.sum(wy, axis=-1)
    if active():
        if nodes is None:
            nodes = np.arange(N, dtype=y.dtype) * (h[0] if N > 1 else 0)
        step(f"Composite {rule} rule", formula, N=N, nodes=nodes, weights=w, samples=y,
             running_sum=np.cumsum(wy, axis=-1), integral=I)
    return I


def _rule_on_function(rule: str, f, a, b, n):
    integrand = _Integrand(f)
    a = _check_limit(a, "a")
    b = _check_limit(b, "b")
    n = check_int(n, "n", minimum=1)
    x = np.linspace(a, b, n + 1)
    h = np.full(n, (b - a) / n)
    y = integrand(x)
    return float(_apply_rule(rule, y, h, x))


def _dispatch(rule, y, args, kwargs):
    if callable(y):
        names = ("a", "b", "n")
        if len(args) > 3:
            raise TypeError(f"{rule}(f, a, b, n=100) takes at most 4 positional arguments")
        bound = dict(zip(names, args))
        for k, v in kwargs.items():
            if k not in names or k in bound:
                raise TypeError(f"{rule}(f, a, b, n=100) got an unexpected or repeated "
                                f"argument {k!r}")
            bound[k] = v
        if "a" not in bound or "b" not in bound:
            raise TypeError(f"{rule}(f, a, b, n=100) needs the limits a and b")
        return _rule_on_function(rule, y, bound["a"], bound["b"], bound.get("n", 100))
    names = ("x", "dx", "axis")
    if len(args) > 3:
        raise TypeError(f"{rule}(y, x=None, dx=1.0, axis=-1) takes at most 4 positional "
                        "arguments")
    bound = dict(zip(names, args))
    for k, v in kwargs.items():
        if k not in names or k in bound:
            raise TypeError(f"{rule}(y, x=None, dx=1.0, axis=-1) got an unexpected or "
                            f"repeated argument {k!r}")
        bound[k] = v
    y, h, nodes = _samples(y, bound.get("x"), bound.get("dx", 1.0), bound.get("axis", -1))
    return _apply_rule(rule, y, h, nodes)


def trapezoid(y, *args, **kwargs):
    r"""Integrate samples, or a function on ``n`` equal panels, by the composite trapezoid rule.

    Two call forms::

        trapezoid(y, x=None, dx=1.0, axis=-1)   # samples (as scipy.integrate.trapezoid)
        trapezoid(f, a, b, n=100)               # callable f on [a, b] with n panels

    Parameters
    ----------
    y : array_like, shape (..., N, ...)
        Samples; integrated along ``axis``.  int/bool -> float64, float32 stays float32.
    x : array_like, shape (N,) or y's shape, optional
        Sample points (need not be equally spaced or increasing).
    dx : float
        Spacing when ``x`` is None.
    axis : int
        Axis of ``y`` to integrate along.
    f : callable
        ``f(x)`` for a 1-D array ``x`` returns values of the same shape (see the module
        docstring for the integrand contract).
    a, b : float
        Finite limits; ``a > b`` gives the negative of the integral over ``[b, a]``.
    n : int
        Number of panels (``n >= 1``); ``f`` is evaluated at ``n + 1`` equally spaced nodes.

    Returns
    -------
    float or ndarray
        Samples: ``y``'s shape without ``axis`` (a NumPy scalar for 1-D ``y``).
        Function: a Python float.

    Notes
    -----
    With spacings ``h_i = x_{i+1} - x_i`` the rule is

    ``I = sum_{i=0}^{N-2} h_i (y_i + y_{i+1}) / 2 = sum_i w_i y_i``,
    ``w_0 = h_0/2, w_i = (h_{i-1} + h_i)/2, w_{N-1} = h_{N-2}/2``.

    It integrates straight lines exactly; for smooth ``f`` on equal panels
    ``h = (b - a)/n`` its error is ``-(b - a) h^2 f''(xi) / 12``, ``O(h^2)``.  A single
    sample integrates to 0; no samples raise ``ValueError``.

    References
    ----------
    P. J. Davis and P. Rabinowitz, *Methods of Numerical Integration*, 2nd ed.,
    Academic Press, 1984, section 2.1.

    Examples
    --------
    >>> trapezoid([1.0, 2.0, 3.0])                    # (1+2)/2 + (2+3)/2
    np.float64(4.0)
    >>> trapezoid(lambda x: x**2, 0.0, 1.0, n=2)      # h/2 (0 + 2*0.25 + 1), h = 1/2
    0.375
    """
    return _dispatch("trapezoid", y, args, kwargs)


def simpson(y, *args, **kwargs):
    r"""Integrate samples, or a function on ``n`` panels, by the composite Simpson 1/3 rule.

    Two call forms::

        simpson(y, x=None, dx=1.0, axis=-1)     # samples (as scipy.integrate.simpson)
        simpson(f, a, b, n=100)                 # callable f on [a, b] with n panels

    Parameters
    ----------
    y : array_like, shape (..., N, ...)
        Samples; integrated along ``axis``.
    x : array_like, shape (N,) or y's shape, optional
        Sample points; irregular spacing is allowed.
    dx : float
        Spacing when ``x`` is None.
    axis : int
        Axis of ``y`` to integrate along.
    f : callable
        ``f(x)`` for a 1-D array ``x`` returns values of the same shape.
    a, b : float
        Finite limits.
    n : int
        Number of panels (``n >= 1``); even ``n`` is the classical rule, odd ``n`` uses
        the last-interval correction below.

    Returns
    -------
    float or ndarray
        Samples: ``y``'s shape without ``axis``; function: a Python float.

    Notes
    -----
    Each pair of intervals ``h0 = x_{2j+1} - x_{2j}``, ``h1 = x_{2j+2} - x_{2j+1}``
    carries the parabola through its three samples:

    ``(h0 + h1)/6 [(2 - h1/h0) y_{2j} + (h0 + h1)^2/(h0 h1) y_{2j+1} + (2 - h0/h1) y_{2j+2}]``,

    which for equal spacing is ``h/3 (y_{2j} + 4 y_{2j+1} + y_{2j+2})``; error
    ``-(b - a) h^4 f''''(xi)/180``, ``O(h^4)`` (exact for cubics).
    With an odd number of intervals (an even number ``N`` of samples) Simpson covers
    the first ``N - 2`` intervals and the last one gets Cartwright's correction, as
    ``scipy.integrate.simpson`` does since SciPy 1.11 (``h0, h1`` the last two spacings):

    ``alpha y_{N-1} + beta y_{N-2} - eta y_{N-3}``,
    ``alpha = (2 h1^2 + 3 h0 h1) / (6 (h0 + h1))``, ``beta = (h1^2 + 3 h0 h1) / (6 h0)``,
    ``eta = h1^3 / (6 h0 (h0 + h1))``.

    Two samples fall back to the trapezoid rule; one sample integrates to 0.  A zero
    spacing contributes 0 instead of dividing by zero (SciPy's guard).

    References
    ----------
    K. A. Cartwright, "Simpson's rule cumulative integration with MS Excel and irregularly-
    spaced data", J. Math. Sci. Math. Educ. 12(2), 2017, 1--9.
    P. J. Davis and P. Rabinowitz, *Methods of Numerical Integration*, 2nd ed., 1984.

    Examples
    --------
    >>> float(simpson([0.0, 1.0, 4.0]))               # 1/3 (0 + 4*1 + 4) = 8/3: x^2 on [0, 2]
    2.6666666666666665
    >>> round(simpson(lambda x: x**3, 0.0, 2.0, n=2), 12)   # exact for cubics: 16/4
    4.0
    """
    return _dispatch("simpson", y, args, kwargs)


# ---------------------------------------------------------------------------
# Gauss--Legendre
# ---------------------------------------------------------------------------
_NEWTON_MAXITER = 100


def _legendre_p_dp(n: int, x: np.ndarray):
    """``P_n(x)`` and ``P_n'(x)`` by the three-term recurrence, vectorised over ``x``."""
    p_prev = np.ones_like(x)                    # P_0
    p = x.copy()                                # P_1
    for k in range(1, n):                       # (k+1) P_{k+1} = (2k+1) x P_k - k P_{k-1}
        p_prev, p = p, ((2 * k + 1) * x * p - k * p_prev) / (k + 1)
    dp = n * (p_prev - x * p) / ((1 - x) * (1 + x))   # P_n' = n (P_{n-1} - x P_n)/(1 - x^2)
    return p, dp


def _legendre_compute(n: int):
    record = active()
    m = (n + 1) // 2                            # non-negative nodes, largest first
    k = np.arange(1, m + 1)
    theta = np.pi * (4 * k - 1) / (4 * n + 2)
    x = (1 - (n - 1) / (8.0 * n ** 3)) * np.cos(theta)     # Tricomi's initial guess
    converged = False
    with section(f"Legendre nodes by Newton's method (n = {n})"):
        if record:
            step("Initial guesses", "x_k = (1 - (n-1)/(8 n^3)) cos(pi (4k - 1)/(4n + 2))",
                 x0=x)
        for it in range(_NEWTON_MAXITER):
            p, dp = _legendre_p_dp(n, x)
            delta = p / dp
            x = x - delta
            size = float(np.max(np.abs(delta)))
            if record:
                step("Newton sweep over all nodes", "x <- x - P_n(x) / P_n'(x)",
                     iteration=it, max_correction=size)
            if size < 1e-12:
                converged = True
                break
        p, dp = _legendre_p_dp(n, x)            # polish: one more Newton step
        x = x - p / dp
        if n % 2:
            x[-1] = 0.0                         # the middle node of odd n, by symmetry
            p, dp = _legendre_p_dp(n, x)
        w = 2.0 / ((1 - x) * (1 + x) * dp ** 2)  # w_k = 2 / ((1 - x_k^2) P_n'(x_k)^2)
    if not converged:
        warnings.warn(ConvergenceWarning(
            f"legendre_nodes_weights: Newton's method did not converge for n = {n} in "
            f"{_NEWTON_MAXITER} sweeps (last correction {size:.3g})"), stacklevel=4)
    if n % 2:
        nodes = np.concatenate([-x, x[::-1][1:]])
        weights = np.concatenate([w, w[::-1][1:]])
    else:
        nodes = np.concatenate([-x, x[::-1]])
        weights = np.concatenate([w, w[::-1]])
    return nodes, weights


@lru_cache(maxsize=256)
def _legendre_cached(n: int):
    nodes, weights = _legendre_compute(n)
    nodes.flags.writeable = False
    weights.flags.writeable = False
    return nodes, weights


def _legendre(n: int):
    if active():                                # recompute to show the Newton sweeps
        nodes, weights = _legendre_compute(n)   # (deterministic: same bits as the cache)
        step("Gauss-Legendre nodes and weights on [-1, 1]",
             "P_n(t_i) = 0,  w_i = 2 / ((1 - t_i^2) P_n'(t_i)^2)",
             n=n, nodes=nodes, weights=weights)
        return nodes, weights
    return _legendre_cached(n)


def legendre_nodes_weights(n):
    r"""Nodes and weights of the ``n``-point Gauss--Legendre rule on ``[-1, 1]``.

    Parameters
    ----------
    n : int
        Number of nodes, ``n >= 1``.

    Returns
    -------
    nodes : ndarray, shape (n,)
        The roots ``t_i`` of the Legendre polynomial ``P_n``, ascending.
    weights : ndarray, shape (n,)
        ``w_i > 0``, summing to 2.

    Notes
    -----
    ``P_n`` comes from the three-term recurrence
    ``(k + 1) P_{k+1}(x) = (2k + 1) x P_k(x) - k P_{k-1}(x)`` with ``P_0 = 1, P_1 = x``,
    and its derivative from ``P_n'(x) = n (P_{n-1}(x) - x P_n(x)) / (1 - x^2)``.
    Newton's iteration ``x <- x - P_n(x)/P_n'(x)`` runs on all non-negative roots at once,
    starting from Tricomi's approximation
    ``x_k = (1 - (n - 1)/(8 n^3)) cos(pi (4k - 1)/(4n + 2))``, until the largest
    correction is below ``1e-12``, followed by one polishing step; the negative roots
    are mirrored, so the rule is exactly symmetric (the middle node of odd ``n`` is 0).
    The weights are ``w_i = 2 / ((1 - t_i^2) P_n'(t_i)^2)`` with ``1 - t^2`` formed as
    ``(1 - t)(1 + t)`` (no cancellation near the ends).  Results are cached per ``n``;
    fresh copies are returned.

    References
    ----------
    G. H. Golub and J. H. Welsch, "Calculation of Gauss quadrature rules", Math. Comp. 23,
    1969, 221--230.  F. G. Tricomi, "Sugli zeri dei polinomi sferici ed ultrasferici",
    Ann. Mat. Pura Appl. 31, 1950, 93--97.  W. H. Press et al., *Numerical Recipes*,
    3rd ed., section 4.6 (``gauleg``).

    Examples
    --------
    >>> t, w = legendre_nodes_weights(2)              # roots of P_2 = (3 t^2 - 1)/2
    >>> np.allclose(t, [-1 / np.sqrt(3), 1 / np.sqrt(3)]), np.allclose(w, [1.0, 1.0])
    (True, True)
    """
    n = check_int(n, "n", minimum=1)
    nodes, weights = _legendre(n)
    return nodes.copy(), weights.copy()


def gauss_legendre(f, a, b, n=20):
    r"""Integrate ``f`` over ``[a, b]`` with the ``n``-point Gauss--Legendre rule.

    Parameters
    ----------
    f : callable
        ``f(x)`` for a 1-D array of ``n`` nodes returns ``n`` real values (see the
        module docstring for the integrand contract).
    a, b : float
        Finite limits; ``a > b`` gives the negative of the integral over ``[b, a]``.
    n : int
        Number of nodes, ``n >= 1``.

    Returns
    -------
    float
        ``I ~ int_a^b f(x) dx``.

    Notes
    -----
    With the nodes ``t_i`` and weights ``w_i`` of :func:`legendre_nodes_weights`,

    ``x_i = (b - a)/2 t_i + (a + b)/2``,   ``I = (b - a)/2 sum_i w_i f(x_i)``.

    The rule is exact for polynomials of degree ``<= 2n - 1``; for analytic ``f`` its
    error decreases geometrically in ``n``.

    References
    ----------
    P. J. Davis and P. Rabinowitz, *Methods of Numerical Integration*, 2nd ed., 1984,
    section 2.7.

    Examples
    --------
    >>> round(gauss_legendre(lambda x: x**3, 0.0, 2.0, n=2), 12)   # degree 3 = 2n - 1: 16/4
    4.0
    """
    integrand = _Integrand(f)
    a = _check_limit(a, "a")
    b = _check_limit(b, "b")
    n = check_int(n, "n", minimum=1)
    t, w = _legendre(n)
    half = (b - a) / 2
    x = half * t + (a + b) / 2
    fx = integrand(x)
    wf = w * fx
    I = half * float(np.sum(wf))
    if active():
        step("Map the nodes to [a, b] and sum", "x_i = (b - a)/2 t_i + (a + b)/2,  "
             "I = (b - a)/2 sum_i w_i f(x_i)", a=a, b=b, x=x, f_x=fx,
             running_sum=half * np.cumsum(wf), integral=I)
    return I


# ---------------------------------------------------------------------------
# Adaptive Gauss--Kronrod
# ---------------------------------------------------------------------------
def _kronrod_rule(x_pos, wk_pos, wg_pos):
    """Full symmetric nodes (ascending), Kronrod weights, Gauss indices and weights."""
    x_pos, wk_pos, wg_pos = map(np.asarray, (x_pos, wk_pos, wg_pos))   # largest node first
    nodes = np.concatenate([-x_pos, x_pos[::-1][1:]])                  # last x_pos is 0
    wk = np.concatenate([wk_pos, wk_pos[::-1][1:]])
    ig = np.arange(1, nodes.size, 2)                                   # Gauss nodes: odd slots
    if nodes.size % 4 == 3:                                            # K15: G7 has the 0 node
        wg = np.concatenate([wg_pos, wg_pos[::-1][1:]])
    else:                                                              # K21: G10, no 0 node
        wg = np.concatenate([wg_pos, wg_pos[::-1]])
    return nodes, wk, ig, wg


# QUADPACK qk21 / qk15 constants (Piessens et al. 1983): Kronrod abscissae, largest first
# (odd positions 1, 3, ... are the Gauss abscissae), Kronrod weights, Gauss weights.
_GK = {
    "gk21": _kronrod_rule(
        [0.995657163025808080735527280689003, 0.973906528517171720077964012084452,
         0.930157491355708226001207180059508, 0.865063366688984510732096688423493,
         0.780817726586416897063717578345042, 0.679409568299024406234327365114874,
         0.562757134668604683339000099272694, 0.433395394129247190799265943165784,
         0.294392862701460198131126603103866, 0.148874338981631210884826001129720, 0.0],
        [0.011694638867371874278064396062192, 0.032558162307964727478818972459390,
         0.054755896574351996031381300244580, 0.075039674810919952767043140916190,
         0.093125454583697605535065465083366, 0.109387158802297641899210590325805,
         0.123491976262065851077600525478261, 0.134709217311473325928054001771707,
         0.142775938577060080797094273138717, 0.147739104901338491374841515972068,
         0.149445554002916905664936468389821],
        [0.066671344308688137593568809893332, 0.149451349150580593145776339657697,
         0.219086362515982043995534934228163, 0.269266719309996355091226921569469,
         0.295524224714752870173892994651338]),
    "gk15": _kronrod_rule(
        [0.991455371120812639206854697526329, 0.949107912342758524526189684047851,
         0.864864423359769072789712788640926, 0.741531185599394439863864773280788,
         0.586087235467691130294144845693013, 0.405845151377397166906606412076961,
         0.207784955007898467600689403773245, 0.0],
        [0.022935322010529224963732008058970, 0.063092092629978553290700663189204,
         0.104790010322250183839876322541518, 0.140653259715525918745189590510238,
         0.169004726639267902826583426598550, 0.190350578064785409913256402421014,
         0.204432940075298892414161999234649, 0.209482141084727828012999174891714],
        [0.129484966168869693270611432679082, 0.279705391489276667901467771423780,
         0.381830050505118944950369775488975, 0.417959183673469387755102040816327]),
}

_EPS = eps_of(np.float64)
_UFLOW = float(np.finfo(np.float64).tiny)


def _gauss_kronrod(g, lo: np.ndarray, hi: np.ndarray, rule):
    """Kronrod value and QUADPACK error estimate on each interval ``[lo_j, hi_j]``.

    All nodes of all intervals go to ``g`` in one call.
    """
    nodes, wk, ig, wg = rule
    centre = 0.5 * (lo + hi)
    half = 0.5 * (hi - lo)
    t = centre[:, None] + half[:, None] * nodes[None, :]
    fk = g(t.ravel()).reshape(t.shape)
    resk = fk @ wk                                       # Kronrod sum on [-1, 1]
    resg = fk[:, ig] @ wg                                # embedded Gauss sum
    reskh = 0.5 * resk                                   # mean of f on [-1, 1]
    ahalf = np.abs(half)
    resabs = ahalf * (np.abs(fk) @ wk)
    resasc = ahalf * (np.abs(fk - reskh[:, None]) @ wk)
    err = np.abs((resk - resg) * half)
    scaled = np.divide(200.0 * err, resasc, out=np.zeros_like(err), where=resasc != 0)
    err = np.where((resasc != 0) & (err != 0), resasc * np.minimum(1.0, scaled ** 1.5), err)
    err = np.where(resabs > _UFLOW / (50 * _EPS), np.maximum(50 * _EPS * resabs, err), err)
    return resk * half, err, 50 * _EPS * resabs


class QuadResult(tuple):
    """``(value, abserr)`` of :func:`quad`, unpacking like SciPy's, with extra information.

    Attributes
    ----------
    value : float
        The integral.
    abserr : float
        Estimate of ``|value - integral|``.
    neval : int
        Number of integrand evaluations (points).
    nintervals : int
        Number of subintervals in the final partition.
    converged : bool
        Whether ``abserr <= max(tol, rtol |value|)`` was met.
    """

    def __new__(cls, value, abserr, *, neval=0, nintervals=0, converged=True):
        self = super().__new__(cls, (float(value), float(abserr)))
        self.neval = int(neval)
        self.nintervals = int(nintervals)
        self.converged = bool(converged)
        return self

    def __getnewargs_ex__(self):
        return ((self[0], self[1]), {"neval": self.neval, "nintervals": self.nintervals,
                                     "converged": self.converged})

    @property
    def value(self) -> float:
        return self[0]

    @property
    def abserr(self) -> float:
        return self[1]

    def __repr__(self) -> str:
        return (f"QuadResult(value={self[0]!r}, abserr={self[1]!r}, neval={self.neval}, "
                f"nintervals={self.nintervals}, converged={self.converged})")


def _substitution(integrand: _Integrand, a: float, b: float):
    """Map ``[a, b]`` (a < b, possibly infinite) to a finite ``t``-interval.

    Returns ``(g, t_lo, t_hi, formula)`` with ``int_a^b f(x) dx = int g(t) dt``.
    """
    if math.isfinite(a) and math.isfinite(b):
        return integrand, a, b, None
    if math.isfinite(a):                                 # [a, inf): x = a + t/(1 - t)
        def g(t):
            s = 1.0 - t
            x = a + t / s
            return _jacobian_product(integrand(x), 1.0 / (s * s), x)
        return g, 0.0, 1.0, "x = a + t/(1 - t), dx = dt/(1 - t)^2, t in [0, 1)"
    if math.isfinite(b):                                 # (-inf, b]: x = b - t/(1 - t)
        def g(t):
            s = 1.0 - t
            x = b - t / s
            return _jacobian_product(integrand(x), 1.0 / (s * s), x)
        return g, 0.0, 1.0, "x = b - t/(1 - t), dx = dt/(1 - t)^2, t in [0, 1)"

    def g(t):                                            # (-inf, inf): x = t/(1 - t^2)
        s = (1.0 - t) * (1.0 + t)
        x = t / s
        return _jacobian_product(integrand(x), (1.0 + t * t) / (s * s), x)
    return g, -1.0, 1.0, "x = t/(1 - t^2), dx = (1 + t^2)/(1 - t^2)^2 dt, t in (-1, 1)"


def _jacobian_product(fx, J, x):
    gx = fx * J
    if not np.isfinite(gx).all():
        i = int(np.flatnonzero(~np.isfinite(gx))[0])
        raise ValueError(f"f(x) dx/dt overflowed at x = {x[i]!r} (f(x) = {fx[i]!r}) after "
                         "the substitution for the infinite limit; f must decay at infinity")
    return gx


def quad(f, a, b, tol=1e-10, *, rtol=1e-10, limit=100, rule="gk21"):
    r"""Adaptive quadrature of ``f`` over ``[a, b]``, finite or infinite (QUADPACK qag style).

    Parameters
    ----------
    f : callable
        ``f(x)`` for a 1-D array of nodes returns one real value per node (all nodes of
        both halves of a bisected interval come in one call; a scalar-only ``f`` is
        detected and called per node -- see the module docstring).
    a, b : float
        Limits; either may be ``-inf`` or ``inf``.  ``a > b`` gives ``-int_b^a``,
        ``a == b`` gives 0 without calling ``f``.  NaN raises ``ValueError``.
    tol : float
        Absolute tolerance (``>= 0``).
    rtol : float
        Relative tolerance (``>= 0``); the iteration stops when the estimated error is
        ``<= max(tol, rtol * |value|)``.  ``tol`` and ``rtol`` must not both be 0.
    limit : int
        Largest number of subintervals; reaching it first gives a
        :class:`~mathforml.exceptions.ConvergenceWarning` and the current estimate.
    rule : {'gk21', 'gk15'}
        Gauss--Kronrod pair: 10/21 points (default) or 7/15 points.

    Returns
    -------
    QuadResult
        A 2-tuple ``(value, abserr)`` (so ``value, err = quad(...)`` works) with the
        attributes ``neval``, ``nintervals`` and ``converged``.

    Notes
    -----
    On each interval ``[lo, hi]`` with centre ``c`` and half-length ``h`` the Kronrod sum
    ``K = h sum_i wk_i f(c + h t_i)`` is the value and the embedded Gauss sum
    ``G = h sum_j wg_j f(c + h t_j)`` measures its error, as in QUADPACK::

        err = resasc * min(1, (200 |K - G| / resasc)^1.5),  err >= 50 eps resabs

    with ``resabs = h sum wk |f|`` and ``resasc = h sum wk |f - K/(2h)|`` (the 1.5 power
    turns the pessimistic ``|K - G|`` into a realistic estimate; the floor keeps it
    above rounding level).  A tolerance below the summed floors ``50 eps sum resabs``
    cannot be met by subdividing: once the error is within twice that floor the
    iteration stops with a ``ConvergenceWarning`` (QUADPACK's round-off exit), as it
    does at ``limit``.  Globally adaptive: a heap keeps the intervals ordered by
    error; the worst is bisected and both halves are evaluated in one call, until the
    summed error meets the tolerance.  The final value and error are re-summed with
    ``math.fsum``.

    Infinite limits are mapped to a finite ``t``-range (the nodes are interior, so
    ``t = +-1`` is never evaluated):
    ``[a, inf)``: ``x = a + t/(1 - t)``, ``dx = dt/(1 - t)^2``;
    ``(-inf, b]``: ``x = b - t/(1 - t)``;
    ``(-inf, inf)``: ``x = t/(1 - t^2)``, ``dx = (1 + t^2)/(1 - t^2)^2 dt``.

    References
    ----------
    R. Piessens, E. de Doncker-Kapenga, C. W. Ueberhuber and D. K. Kahaner, *QUADPACK: A
    Subroutine Package for Automatic Integration*, Springer, 1983 (``qag``, ``qk21``,
    ``qk15``, ``qagi``).

    Examples
    --------
    >>> value, err = quad(np.exp, 0.0, 1.0)                       # e - 1
    >>> round(value, 12), err < 1e-10
    (1.718281828459, True)
    >>> round(quad(lambda x: np.exp(-x**2), -np.inf, np.inf).value, 12)   # sqrt(pi)
    1.772453850906
    """
    integrand = _Integrand(f)
    a = _check_limit(a, "a", allow_inf=True)
    b = _check_limit(b, "b", allow_inf=True)
    tol = check_real(tol, "tol", nonnegative=True)
    rtol = check_real(rtol, "rtol", nonnegative=True)
    if tol == 0 and rtol == 0:
        raise ValueError("tol and rtol must not both be 0")
    limit = check_int(limit, "limit", minimum=1)
    rule_name = check_option(rule, "rule", tuple(_GK))
    gk = _GK[rule_name]
    record = active()

    if a == b:
        if record:
            step("Empty interval", "a == b  =>  I = 0", a=a, b=b, integral=0.0)
        return QuadResult(0.0, 0.0, neval=0, nintervals=0, converged=True)
    sign = 1.0
    if a > b:
        a, b, sign = b, a, -1.0
    g, lo, hi, substitution = _substitution(integrand, a, b)

    with section(f"Adaptive Gauss-Kronrod quadrature ({rule_name})"):
        if record:
            if sign < 0:
                step("Reverse the limits", "int_a^b f = -int_b^a f", a=b, b=a)
            if substitution is not None:
                step("Substitute for the infinite limit", substitution, a=a, b=b,
                     t_interval=np.array([lo, hi]))
            step("Kronrod nodes and weights on [-1, 1]",
                 "K = h sum_i wk_i f(c + h t_i),  G = h sum_j wg_j f(c + h t_j)",
                 nodes=gk[0], kronrod_weights=gk[1], gauss_nodes=gk[0][gk[2]],
                 gauss_weights=gk[3])
        vals, errs, floors = _gauss_kronrod(g, np.array([lo]), np.array([hi]), gk)
        total, total_err = float(vals[0]), float(errs[0])
        floor = float(floors[0])            # sum of the rounding floors 50 eps resabs_j
        heap = [(-total_err, 0, lo, hi, total, total_err, floor)]
        if record:
            step("Whole interval", "err = resasc min(1, (200 |K - G| / resasc)^1.5)",
                 interval=np.array([lo, hi]), value=total, error=total_err)
        counter = 1
        stuck = roundoff = False
        while True:
            bound = max(tol, rtol * abs(total))
            if total_err <= bound:
                break
            if floor > bound and total_err <= 2 * floor:  # down at the rounding level, which
                roundoff = True                            # is above the tolerance: unreachable
                break
            if len(heap) >= limit:
                break
            _, _, lo_j, hi_j, val_j, err_j, floor_j = heapq.heappop(heap)
            mid = 0.5 * (lo_j + hi_j)
            if not lo_j < mid < hi_j:                    # cannot bisect in floating point
                heapq.heappush(heap, (-err_j, counter, lo_j, hi_j, val_j, err_j, floor_j))
                stuck = True
                break
            v, e, fl = _gauss_kronrod(g, np.array([lo_j, mid]), np.array([mid, hi_j]), gk)
            v0, v1, e0, e1 = float(v[0]), float(v[1]), float(e[0]), float(e[1])
            total += v0 + v1 - val_j
            total_err += e0 + e1 - err_j
            floor += float(fl[0]) + float(fl[1]) - floor_j
            heapq.heappush(heap, (-e0, counter, lo_j, mid, v0, e0, float(fl[0])))
            heapq.heappush(heap, (-e1, counter + 1, mid, hi_j, v1, e1, float(fl[1])))
            counter += 2
            if record:
                step("Bisect the interval with the largest error",
                     "I = sum of K over the intervals, err = sum of their errors",
                     iteration=len(heap) - 2, interval=np.array([lo_j, hi_j]),
                     halves=np.array([v0, v1]), half_errors=np.array([e0, e1]),
                     running_sum=total, error=total_err, nintervals=len(heap))
        value = math.fsum(item[4] for item in heap)
        abserr = math.fsum(item[5] for item in heap)
        converged = abserr <= max(tol, rtol * abs(value))
        if record:
            step("Result", "I = sign * fsum(K_j),  abserr = fsum(err_j)",
                 integral=sign * value, abserr=abserr, tolerance=max(tol, rtol * abs(value)),
                 neval=integrand.neval, nintervals=len(heap), converged=converged)
    if not converged:
        if roundoff:
            why = ("the tolerance is below the round-off level 50 eps sum |f| of this "
                   "integrand, which was reached")
        elif stuck:
            why = ("an interval became too small to bisect (round-off or a non-integrable "
                   "singularity)")
        else:
            why = f"the subdivision limit {limit} was reached"
        warnings.warn(ConvergenceWarning(
            f"quad: {why} before the error estimate {abserr:.3g} met the tolerance "
            f"{max(tol, rtol * abs(value)):.3g}; increase limit, loosen tol/rtol or split "
            "the interval at the difficult points"), stacklevel=2)
    return QuadResult(sign * value, abserr, neval=integrand.neval, nintervals=len(heap),
                      converged=converged)


# ---------------------------------------------------------------------------
# Monte Carlo
# ---------------------------------------------------------------------------
class MonteCarloResult(tuple):
    """``(estimate, stderr)`` of :func:`monte_carlo`, with extra information.

    Attributes
    ----------
    estimate : float
        The Monte Carlo estimate.
    stderr : float
        Its standard error ``s / sqrt(n)`` (times the box volume).
    ci : tuple of float
        ``(low, high)``: the normal-approximation confidence interval
        ``estimate -+ z stderr``.
    confidence : float
        The level of ``ci``.
    n : int
        The number of samples.
    """

    def __new__(cls, estimate, stderr, *, ci, confidence, n):
        self = super().__new__(cls, (float(estimate), float(stderr)))
        self.ci = (float(ci[0]), float(ci[1]))
        self.confidence = float(confidence)
        self.n = int(n)
        return self

    def __getnewargs_ex__(self):
        return ((self[0], self[1]), {"ci": self.ci, "confidence": self.confidence,
                                     "n": self.n})

    @property
    def estimate(self) -> float:
        return self[0]

    @property
    def stderr(self) -> float:
        return self[1]

    def __repr__(self) -> str:
        return (f"MonteCarloResult(estimate={self[0]!r}, stderr={self[1]!r}, ci={self.ci!r}, "
                f"confidence={self.confidence!r}, n={self.n})")


def _box(sample):
    lo, hi = sample
    lo = as_float_array(lo, "box lower bound a", ndim=(0, 1), dtype=np.float64)
    hi = as_float_array(hi, "box upper bound b", ndim=(0, 1), dtype=np.float64)
    if lo.shape != hi.shape:
        raise ValueError(f"box bounds a and b must have the same shape, got {lo.shape} "
                         f"and {hi.shape}")
    if lo.size == 0:
        raise ValueError("box bounds a and b are empty; the box needs at least one dimension")
    if not (lo < hi).all():
        raise ValueError(f"box bounds must satisfy a < b in every coordinate, got a = "
                         f"{lo.tolist()}, b = {hi.tolist()}")
    return lo, hi


def monte_carlo(f, sample, n, rng=None, *, confidence=0.95):
    r"""Monte Carlo estimate of ``E[f(X)]``, or of an integral over a box, with its standard error.

    Parameters
    ----------
    f : callable
        ``f(X)`` for the ``n`` samples ``X`` (shape ``(n,)`` or ``(n, d)``) returns the
        ``n`` real values ``f(X_i)``, shape ``(n,)``.  A scalar-only ``f`` is called once
        per sample (row), which is slow.
    sample : callable or tuple (a, b)
        Either a sampler ``sample(rng, n)`` that draws ``n`` independent samples of ``X``
        with the :class:`numpy.random.Generator` ``rng`` and returns an array whose first
        axis has length ``n`` (shape ``(n,)`` or ``(n, d)``) -- the result then estimates
        ``E[f(X)]``; or a box ``(a, b)``: scalars for ``[a, b]`` (``X`` has shape ``(n,)``)
        or 1-D arrays of length ``d`` for ``[a_1, b_1] x ... x [a_d, b_d]`` (``X`` has shape
        ``(n, d)``) -- the result then estimates ``int_box f(x) dx``.
    n : int
        Number of samples, ``n >= 2`` (the standard error needs two).
    rng : None, int or numpy.random.Generator
        The only source of randomness (through :func:`mathforml._validation.as_rng`).
    confidence : float
        Level of the confidence interval, in ``(0, 1)``.

    Returns
    -------
    MonteCarloResult
        A 2-tuple ``(estimate, stderr)`` with the attributes ``ci``, ``confidence`` and ``n``.

    Notes
    -----
    With ``f_i = f(X_i)``, ``mean = (1/n) sum_i f_i`` and
    ``s^2 = (1/(n - 1)) sum_i (f_i - mean)^2`` (two-pass, so no cancellation):

    ``estimate = V mean``,  ``stderr = V s / sqrt(n)``,
    ``ci = estimate -+ z stderr`` with ``z = Phi^{-1}((1 + confidence)/2)``,

    where ``V = prod_k (b_k - a_k)`` for a box (uniform ``X_i = a + (b - a) U_i``) and
    ``V = 1`` for a sampler.  The error falls like ``1/sqrt(n)`` whatever the dimension.

    References
    ----------
    C. P. Robert and G. Casella, *Monte Carlo Statistical Methods*, 2nd ed., Springer,
    2004, section 3.2.

    Examples
    --------
    >>> res = monte_carlo(lambda x: x**2, (0.0, 1.0), 100_000, rng=0)   # int_0^1 x^2 = 1/3
    >>> abs(res.estimate - 1 / 3) < 4 * res.stderr, round(res.stderr * math.sqrt(res.n), 2)
    (True, 0.3)
    """
    integrand = _Integrand(f)
    n = check_int(n, "n", minimum=2)
    confidence = check_real(confidence, "confidence")
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must be in (0, 1), got {confidence}")
    rng = as_rng(rng)
    if callable(sample):
        X = sample(rng, n)
        X = as_float_array(X, "sample(rng, n)", check_finite=False)
        if X.ndim == 0 or X.shape[0] != n:
            raise ValueError(f"sample(rng, n) must return n = {n} samples along the first "
                             f"axis, got shape {X.shape}")
        volume = 1.0
        kind = "sampler"
    elif isinstance(sample, (tuple, list)) and len(sample) == 2:
        lo, hi = _box(sample)
        U = rng.random((n,) + lo.shape)
        X = lo + (hi - lo) * U                            # uniform on the box
        volume = float(np.prod(hi - lo))
        kind = "box"
    else:
        raise TypeError("sample must be a callable sample(rng, n) or a box (a, b), got "
                        f"{type(sample).__name__}")
    fx = integrand(X)
    mean = float(np.mean(fx))
    s = float(np.sqrt(np.sum((fx - mean) ** 2) / (n - 1)))
    estimate = volume * mean
    stderr = volume * s / math.sqrt(n)
    # the normal quantile from our own AS 241 (imported here: probability builds on calculus)
    from ..probability.distributions.normal import standard_normal_ppf
    z = float(standard_normal_ppf(0.5 + confidence / 2))
    ci = (estimate - z * stderr, estimate + z * stderr)
    if active():
        step(f"Monte Carlo estimate ({kind})",
             "estimate = V mean(f(X_i)),  stderr = V s / sqrt(n),  ci = estimate -+ z stderr",
             n=n, samples=X, f_X=fx, volume=volume, mean=mean, s=s, estimate=estimate,
             stderr=stderr, z=z, ci_low=ci[0], ci_high=ci[1])
    return MonteCarloResult(estimate, stderr, ci=ci, confidence=confidence, n=n)
