r"""Numerical differentiation: finite differences with Richardson extrapolation.

A finite-difference stencil approximates the ``n``-th derivative from values of
``f`` at points ``x + j h`` (``j`` in a set of integer offsets):

.. math::  f^{(n)}(x) \approx D(h) = \frac{1}{h^n} \sum_j w_j f(x + j h),

with weights ``w_j`` chosen so that ``D(h) = f^{(n)}(x) + c_p h^p + c_{p+1}
h^{p+1} + \dots`` (``p`` is the order of accuracy).  For a symmetric
(central) stencil only every second power appears: ``p, p + 2, p + 4, ...``.
The weights are computed exactly (rational arithmetic) by Fornberg's
recursion, so any derivative order and stencil come from one routine.

Two errors compete: truncation (``~ h^p``) wants a small step, cancellation
in the sum (``~ eps |f| / h^n``) wants a large one.  Balancing them gives the
classical step ``h ~ eps^(1/(n+p)) max(1, |x|)``, i.e. about ``eps^(1/3)``
for a central first derivative, and an error of ``eps^(p/(n+p))``.

*Richardson extrapolation* removes the truncation terms one at a time: with
``D(h)`` and ``D(h/2)``,

.. math::  T = D(h/2) + \frac{D(h/2) - D(h)}{2^{e} - 1}

cancels the ``h^e`` term.  Repeating this over ``h, h/2, h/4, ...`` fills the
Richardson tableau ``T[i, k]`` (row ``i``: step ``h / 2^i``; column ``k``:
``k`` terms eliminated).  Following Ridders (1982), every entry carries an
error estimate (its distance to the two entries it was built from) and the
entry with the smallest estimate is returned, separately for each point.
Because the extrapolated entries tolerate a larger step, the default first
step is ``2^L`` times the classical one, so that the finest level is the
classical step: a point where the plain difference works is never made
worse, and levels whose points leave the domain of ``f`` (for example
``log`` near 0) are simply not chosen.

Stability tricks
----------------
* The step is made exactly representable: ``h = (x + h) - x`` in the dtype
  of ``x``, so the difference quotient divides by the step that was really
  taken (otherwise rounding of ``x + h`` adds an error of order
  ``eps |x| / h``).
* Differences are summed in float64 even for float32 input; the step is
  chosen for the input's machine epsilon.

References
----------
B. Fornberg, "Generation of finite difference formulas on arbitrarily spaced
grids", Math. Comp. 51 (1988) 699-706.

C. J. F. Ridders, "Accurate computation of F'(x) and F'(x)F''(x)",
Adv. Eng. Software 4 (1982) 75-76; W. H. Press et al., *Numerical Recipes*,
3rd ed., section 5.7.

J. Nocedal and S. J. Wright, *Numerical Optimization*, 2nd ed., section 8.1
(finite-difference gradients, Jacobians and Hessians).
"""
from __future__ import annotations

from fractions import Fraction
from functools import lru_cache
from numbers import Integral
from typing import NamedTuple

import numpy as np

from mathforml._validation import as_float_array, check_int, check_option, eps_of
from mathforml.explain import active, section, step

__all__ = [
    "derivative",
    "DerivativeResult",
    "gradient_fd",
    "jacobian_fd",
    "hessian_fd",
    "fd_weights",
]

_METHODS = ("central", "forward", "backward")
_MAX_N = 6              # highest derivative order offered (beyond it cancellation eats all digits)
_MAX_LEVELS = 30
_FIRST_STEP = 1.0 / 16  # default first Richardson step, relative to max(1, |x|) (tuned, see tests)


class DerivativeResult(NamedTuple):
    """What :func:`derivative` returns with ``full_output=True``.

    Attributes
    ----------
    value : ndarray or scalar, shape of ``x``
        The derivative estimate.
    error : ndarray or scalar, shape of ``x``
        Error estimate (Ridders: distance of the chosen tableau entry to its
        neighbours); ``nan`` without Richardson extrapolation.
    h : ndarray or scalar, shape of ``x``
        The step of the finest level that the chosen entry used (the step
        itself when ``richardson`` is off).
    """

    value: object
    error: object
    h: object


# ---------------------------------------------------------------------------
# Stencils
# ---------------------------------------------------------------------------
@lru_cache(maxsize=128)
def _fornberg(offsets: tuple, n: int) -> tuple:
    """Exact weights ``w`` with ``sum_j w_j g(j) = g^(n)(0) + O(...)`` for the integer offsets."""
    z = Fraction(0)
    xs = [Fraction(o) for o in offsets]
    N = len(xs)
    c = [[Fraction(0)] * (n + 1) for _ in range(N)]   # c[j][k]: node j, derivative k
    c1 = Fraction(1)
    c4 = xs[0] - z
    c[0][0] = Fraction(1)
    for i in range(1, N):
        mn = min(i, n)
        c2 = Fraction(1)
        c5 = c4
        c4 = xs[i] - z
        for j in range(i):
            c3 = xs[i] - xs[j]
            c2 *= c3
            if j == i - 1:
                for k in range(mn, 0, -1):
                    c[i][k] = c1 * (k * c[i - 1][k - 1] - c5 * c[i - 1][k]) / c2
                c[i][0] = -c1 * c5 * c[i - 1][0] / c2
            for k in range(mn, 0, -1):
                c[j][k] = (c4 * c[j][k] - k * c[j][k - 1]) / c3
            c[j][0] = c4 * c[j][0] / c3
        c1 = c2
    return tuple(c[j][n] for j in range(N))


def _stencil(n: int, method: str, order: int) -> tuple[np.ndarray, np.ndarray]:
    """Integer offsets and float weights of the n-th derivative stencil of accuracy ``order``."""
    if method == "central":
        m = (n + 1) // 2 - 1 + order // 2
        offsets = tuple(range(-m, m + 1))
    elif method == "forward":
        offsets = tuple(range(0, n + order))
    else:
        offsets = tuple(range(0, -(n + order), -1))
    w = _fornberg(offsets, n)
    keep = [j for j, wj in enumerate(w) if wj != 0]       # central first derivative: w_0 = 0
    return (np.array([offsets[j] for j in keep], dtype=np.float64),
            np.array([float(w[j]) for j in keep], dtype=np.float64))


def fd_weights(offsets, n: int) -> np.ndarray:
    r"""Finite-difference weights for the ``n``-th derivative on integer offsets (Fornberg).

    Parameters
    ----------
    offsets : sequence of int, length m
        Distinct stencil offsets ``j`` (points ``x + j h``).
    n : int
        Derivative order, ``0 <= n < m``.

    Returns
    -------
    w : (m,) ndarray
        Weights with ``f^(n)(x) ~ sum_j w_j f(x + j h) / h^n``, exact to
        rounding (computed in rational arithmetic).

    Notes
    -----
    The weights are the unique solution of the moment conditions
    ``sum_j w_j j^k / k! = [k == n]`` for ``k = 0 .. m-1``; Fornberg's
    recursion builds them node by node without solving the Vandermonde
    system (which is badly conditioned).

    References
    ----------
    B. Fornberg, Math. Comp. 51 (1988) 699-706.

    Examples
    --------
    >>> fd_weights([-1, 0, 1], 2)
    array([ 1., -2.,  1.])
    >>> fd_weights([-2, -1, 0, 1, 2], 1) * 12
    array([ 1., -8.,  0.,  8., -1.])
    """
    offs = list(offsets)
    if not offs or not all(isinstance(o, Integral) and not isinstance(o, bool) for o in offs):
        raise TypeError(f"offsets must be a non-empty sequence of integers, got {offsets!r}")
    if len(set(offs)) != len(offs):
        raise ValueError(f"offsets must be distinct, got {offsets!r}")
    n = check_int(n, "n", minimum=0, maximum=len(offs) - 1)
    return np.array([float(w) for w in _fornberg(tuple(int(o) for o in offs), n)])


# ---------------------------------------------------------------------------
# Shared validation and evaluation helpers
# ---------------------------------------------------------------------------
def _check_callable(f) -> None:
    if not callable(f):
        raise TypeError(f"f must be callable, got {type(f).__name__} {f!r}")


def _check_h(h, x: np.ndarray, name: str = "h") -> np.ndarray:
    """User step: positive, finite, broadcastable to x; returned as float64 of x's shape."""
    try:
        harr = np.asarray(h)
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be a positive real number or array, got {h!r}") from None
    if harr.dtype.kind == "c":
        raise TypeError(f"{name} must be real, got complex {h!r}")
    if harr.dtype.kind not in "biuf":
        raise TypeError(f"{name} must be a positive real number or array, got {h!r}")
    harr = harr.astype(np.float64)
    if harr.size == 0 or not np.all(np.isfinite(harr)) or not np.all(harr > 0):
        raise ValueError(f"{name} must be > 0 and finite, got {h!r}")
    try:
        return np.broadcast_to(harr, x.shape).copy()
    except ValueError:
        raise ValueError(f"{name} of shape {harr.shape} does not broadcast to x of shape "
                         f"{x.shape}") from None


def _exact_step(x: np.ndarray, h: np.ndarray, name: str = "h") -> np.ndarray:
    """``(x + h) - x`` in the dtype of x: the step that is really taken (float64 copy)."""
    hd = np.asarray(h, dtype=x.dtype)
    he = ((x + hd) - x).astype(np.float64)
    if not np.all(he > 0):
        bad = np.flatnonzero(~(he > 0).ravel())[0]
        raise ValueError(f"{name} = {float(np.ravel(h)[bad]):.3g} is too small to move x = "
                         f"{float(x.ravel()[bad])!r} in {x.dtype} (x + h == x)")
    return he


def _as_values(y, name: str = "f") -> np.ndarray:
    """The output of ``f`` as a real float array (complex -> TypeError)."""
    arr = np.asarray(y)
    if arr.dtype.kind == "c":
        raise TypeError(f"{name} returned complex values (dtype {arr.dtype}); "
                        "only real functions are supported")
    if arr.dtype.kind not in "biuf":
        if arr.dtype.kind == "O":
            try:
                return arr.astype(np.float64)
            except (TypeError, ValueError):
                pass
        raise TypeError(f"{name} must return real numbers, got dtype {arr.dtype}")
    return arr


def _point_text(p) -> str:
    p = np.asarray(p)
    if p.ndim == 0:
        return repr(float(p))
    if p.size <= 20:
        text = ", ".join(repr(float(v)) for v in p.ravel())
        return f"[{text}]" if p.ndim == 1 else f"[{text}] (shape {p.shape})"
    return np.array2string(p, separator=", ", threshold=20)


def _default_scale(x: np.ndarray) -> np.ndarray:
    return np.maximum(1.0, np.abs(x.astype(np.float64)))


def _levels(richardson, h_classical: float) -> int:
    """Number of extrapolation levels: ``True`` -> from the classical step up to ~1/16."""
    if richardson is True:
        return max(2, int(round(np.log2(_FIRST_STEP / h_classical))))
    if richardson is False or richardson is None:
        return 0
    if isinstance(richardson, (bool, np.bool_)) or not isinstance(richardson, Integral):
        raise TypeError(f"richardson must be True, False or a number of levels, got "
                        f"{richardson!r}")
    return check_int(richardson, "richardson", minimum=0, maximum=_MAX_LEVELS)


def _tableau_row(D: np.ndarray, prev: list | None, expo: list,
                 D_round: np.ndarray) -> tuple[list, list]:
    """Row i of the Richardson tableau from D_i and row i-1, with Ridders' error estimates.

    ``T[i, k] = T[i, k-1] + (T[i, k-1] - T[i-1, k-1]) / (2^{e_{k-1}} - 1)``;
    ``err[i, k] = max(|T[i, k] - T[i, k-1]|, |T[i, k] - T[i-1, k-1]|, D_round)``
    (inf if not finite), where ``D_round`` bounds the rounding error of row i.
    """
    row, err = [D], [None]
    if prev is None:
        return row, err
    with np.errstate(all="ignore"):
        for k in range(1, len(prev) + 1):
            Tk = row[k - 1] + (row[k - 1] - prev[k - 1]) / (2.0 ** expo[k - 1] - 1.0)
            e = np.maximum(np.maximum(np.abs(Tk - row[k - 1]), np.abs(Tk - prev[k - 1])),
                           D_round)
            row.append(Tk)
            err.append(np.where(np.isfinite(e), e, np.inf))
    return row, err


def _keep_best(best: list, T: np.ndarray, e: np.ndarray, h: np.ndarray) -> None:
    """Per point, keep the candidate with the smallest error estimate (ties: the earlier)."""
    if best[0] is None:
        best[0], best[1], best[2] = T, e, h
        return
    take = e < best[1]
    best[0] = np.where(take, T, best[0])
    best[1] = np.where(take, e, best[1])
    best[2] = np.where(take, h, best[2])


def _raise_nonfinite(F: np.ndarray, X: np.ndarray, x: np.ndarray, h: np.ndarray,
                     ok: np.ndarray) -> None:
    """ValueError naming the first evaluation point where f is not finite."""
    bad = np.unravel_index(int(np.flatnonzero(~ok.ravel())[0]), ok.shape) if ok.ndim else ()
    j = int(np.flatnonzero(~np.isfinite(F[(slice(None),) + bad]))[0])
    raise ValueError(f"f returned a non-finite value ({F[(j,) + bad]}) at the evaluation point "
                     f"{float(X[(j,) + bad])!r} (x = {float(x[bad])!r}, h = {float(h[bad]):.3g}); "
                     "try a smaller h or a one-sided method")


# ---------------------------------------------------------------------------
# derivative
# ---------------------------------------------------------------------------
def derivative(f, x, n=1, method="central", h=None, *, order=None, richardson=True,
               full_output=False):
    r"""The ``n``-th derivative of a scalar function by finite differences, elementwise.

    Parameters
    ----------
    f : callable
        Vectorised scalar function: ``f(X)`` is applied elementwise to a float
        array ``X`` of any shape and returns an array of the same shape (NumPy
        ufunc style; wrap a scalar-only function in :func:`numpy.vectorize`).
    x : float or array_like, shape ``s``
        Point(s) at which to differentiate.  Integers are promoted to float64;
        float32 stays float32.
    n : int, default 1
        Derivative order, ``1 <= n <= 6``.
    method : {'central', 'forward', 'backward'}
        Central differences (points on both sides, error series in even
        powers of ``h``) or one-sided ones (points ``x + j h`` with ``j >= 0``
        or ``j <= 0``, for a function defined only on one side).
    h : float or array_like broadcastable to ``s``, optional
        The first (largest) step; level ``i`` uses ``h / 2^i``.  Default:
        the classical step ``h_c = eps^(1/(n+p)) max(1, |x|)`` (``p`` the
        order of accuracy: ``eps^(1/(n+2))`` central, ``eps^(1/(n+1))``
        one-sided) times ``2^L``, so the finest level is the classical step;
        without extrapolation simply ``h_c``.  ``eps`` is that of x's dtype.
    order : int, optional
        Order of accuracy ``p`` of the basic stencil: even for central
        (default 2), any positive for one-sided (default 1).
    richardson : bool or int, default True
        Number ``L`` of extrapolation levels (``L + 1`` step sizes).
        ``True`` picks ``L = round(log2((1/16) / eps^(1/(n+p))))`` (at least
        2), so that the default first step is about ``max(1, |x|) / 16``:
        11 for a central first derivative in float64, 7 for the second, 4
        in float32.  ``False`` or 0 gives the plain difference quotient.
    full_output : bool, default False
        Return a :class:`DerivativeResult` ``(value, error, h)`` instead of
        the value alone.

    Returns
    -------
    value : float or ndarray, shape ``s``, dtype of ``x``
        The derivative (a NumPy scalar for scalar ``x``); a
        :class:`DerivativeResult` when ``full_output`` is true.

    Raises
    ------
    TypeError
        ``f`` not callable; complex ``x``, ``h`` or ``f`` values.
    ValueError
        ``n`` outside 1..6, unknown ``method``, bad ``order``, ``h <= 0`` or
        not finite, or ``f`` non-finite at a point of the finest level (the
        message names the point).

    Notes
    -----
    Level ``i`` uses the step ``h_i = (x + h / 2^i) - x`` (exactly
    representable) and the difference quotient

    .. math::  D_i = \frac{1}{h_i^n} \sum_j w_j f(x + j h_i),

    with Fornberg weights ``w_j`` (see :func:`fd_weights`).  The tableau
    ``T[i, 0] = D_i``, ``T[i, k] = T[i, k-1] + (T[i, k-1] - T[i-1, k-1]) /
    (2^{e_{k-1}} - 1)`` eliminates the error terms ``h^{e_k}`` (``e_k = p +
    2k`` central, ``p + k`` one-sided).  The error estimate of ``T[i, k]`` is
    ``max(|T[i, k] - T[i, k-1]|, |T[i, k] - T[i-1, k-1]|, |T[i+1, k] - T[i, k]|,
    2 eps sum_j |w_j f(x + j h_i)| / h_i^n)``; each point gets the entry with
    the smallest estimate (Ridders' method).  The look-ahead term rejects
    coarse steps that agree by accident (a periodic ``f`` sampled at whole
    periods); the last term, a bound on the rounding error of ``D_i``, keeps
    the estimate honest where neighbouring entries agree to the last bit.
    The steps scale with ``max(1, |x|)``: for an ``f`` that varies on a much
    smaller scale than ``|x| / 16``, pass ``h``.  Entries built from
    non-finite values (a coarse step leaving the domain of ``f``) are never
    chosen; a non-finite value at the finest level raises.  NumPy floating
    point warnings raised inside ``f`` at coarse levels are silenced.

    Like :func:`scipy.differentiate.derivative`, ``f`` is evaluated on whole
    arrays: once per level on an array of shape ``(len(stencil),) + s``.

    References
    ----------
    B. Fornberg, Math. Comp. 51 (1988) 699-706; C. J. F. Ridders, Adv. Eng.
    Software 4 (1982) 75-76; Numerical Recipes, 3rd ed., section 5.7.

    Examples
    --------
    >>> import numpy as np
    >>> round(float(derivative(np.sin, 0.0)), 12)
    1.0
    >>> round(float(derivative(np.exp, 1.0, n=2)), 8)
    2.71828183
    >>> np.allclose(derivative(lambda t: t**3, [1, 2, 3]), [3, 12, 27])
    True
    >>> res = derivative(np.log, 2.0, full_output=True)
    >>> bool(abs(res.value - 0.5) < 1e-12 and res.error < 1e-10)
    True
    """
    _check_callable(f)
    n = check_int(n, "n", minimum=1, maximum=_MAX_N)
    method = check_option(method, "method", _METHODS)
    if order is None:
        p = 2 if method == "central" else 1
    else:
        p = check_int(order, "order", minimum=1, maximum=8)
        if method == "central" and p % 2:
            raise ValueError(f"order must be even for method='central', got {p}")
    x = as_float_array(x, "x")
    dtype = x.dtype
    h_classical = eps_of(dtype) ** (1.0 / (n + p))      # balances h^p against eps / h^n
    L = _levels(richardson, h_classical)
    offsets, w = _stencil(n, method, p)
    if h is None:
        h0 = h_classical * 2.0 ** L * _default_scale(x)
    else:
        h0 = _check_h(h, x)
    expo = [p + (2 if method == "central" else 1) * k for k in range(L)]
    record = active()
    shape_pts = (len(offsets),) + (1,) * x.ndim

    with section(f"Derivative of order {n} by {method} differences"):
        if record:
            step("Stencil (Fornberg weights)",
                 "D(h) = sum_j w_j f(x + j h) / h^n",
                 n=n, method=method, order=p, offsets=offsets, weights=w)
        prev = prev_err = prev_h = None     # previous tableau row, its error estimates, step
        best = [None, None, None]           # chosen value, its error estimate, its step
        for i in range(L + 1):
            hi = _exact_step(x, h0 / 2.0 ** i)
            X = x + (offsets.reshape(shape_pts) * hi).astype(dtype)
            finest = i == L
            with np.errstate(all="ignore"):
                F = _as_values(f(X))
            if F.shape != X.shape:
                raise ValueError(f"f must act elementwise: f(X) returned shape {F.shape} for X "
                                 f"of shape {X.shape}")
            eps_f = eps_of(F.dtype) if F.dtype.kind == "f" else eps_of(np.float64)
            F = F.astype(np.float64, copy=False)
            ok = np.all(np.isfinite(F), axis=0)
            if finest and not np.all(ok):
                _raise_nonfinite(F, X, x, hi, ok)
            with np.errstate(all="ignore"):
                D = np.tensordot(w, F, axes=(0, 0)) / hi ** n
                # rounding error of D_i, a floor under every error estimate of row i
                D_round = 2.0 * eps_f * np.tensordot(np.abs(w), np.abs(F), axes=(0, 0)) / hi ** n
            if not finest:
                D = np.where(ok, D, np.inf)
            row, err = _tableau_row(D, prev, expo, D_round)
            if i >= 2:   # look ahead: row i-1's entries must also agree with row i's
                for k in range(1, i):
                    with np.errstate(invalid="ignore"):
                        ahead = np.abs(row[k] - prev[k])
                    e = np.maximum(prev_err[k], np.where(np.isfinite(ahead), ahead, np.inf))
                    _keep_best(best, prev[k], e, prev_h)
            if record:
                step(f"Level {i}: difference quotient", "h_i = (x + h/2^i) - x;  "
                     "D_i = sum_j w_j f(x + j h_i) / h_i^n",
                     iteration=i, h=hi.astype(dtype), D=D,
                     **({"tableau_row": np.stack(row, axis=0)} if i else {}))
            prev, prev_err, prev_h = row, err, hi
        for k in range(1, L + 1):
            _keep_best(best, prev[k], prev_err[k], prev_h)
        if L == 0:
            value, err, hused = prev[0], np.full(x.shape, np.nan), hi
        else:       # points where no extrapolated entry is finite fall back to the finest D
            usable = np.isfinite(best[1])
            value = np.where(usable, best[0], prev[0])
            err = best[1]
            hused = np.where(usable, best[2], hi)
        value = np.asarray(value, dtype=dtype)
        if record:
            step("Result", "the tableau entry with the smallest error estimate"
                 if L else "D_0 (no extrapolation)",
                 value=value, error=np.asarray(err), h=np.asarray(hused, dtype=dtype))
    if not full_output:
        return value[()]
    return DerivativeResult(value[()], np.asarray(err, dtype=dtype)[()],
                            np.asarray(hused, dtype=dtype)[()])


# ---------------------------------------------------------------------------
# Functions of several variables: gradient, Jacobian, Hessian
# ---------------------------------------------------------------------------
def _coordinate_steps(x: np.ndarray, h, power: float) -> np.ndarray:
    """Per-coordinate exact steps: ``h_i = (x_i + h_i) - x_i``, default ``eps^power max(1,|x_i|)``."""
    if h is None:
        h = eps_of(x.dtype) ** power * _default_scale(x)
    else:
        h = _check_h(h, x)
    return _exact_step(x, h)


def _shifted(x: np.ndarray, idx: tuple, deltas: tuple) -> np.ndarray:
    """A copy of x with ``x.flat[i] += d`` for each (i, d) (in x's dtype)."""
    xs = x.copy()
    flat = xs.reshape(-1)
    for i, d in zip(idx, deltas):
        flat[i] = flat[i] + flat.dtype.type(d)
    return xs


def _eval(f, x: np.ndarray, scalar: bool, caller: str) -> np.ndarray:
    """f at one point (a copy of x), as float64, finite; scalar output enforced when asked."""
    y = _as_values(f(x.copy()))
    if scalar and y.size != 1:
        raise TypeError(f"{caller} needs f to return a scalar, got an array of shape {y.shape}; "
                        "use jacobian_fd for vector-valued functions")
    if not np.all(np.isfinite(y)):
        raise ValueError(f"f returned a non-finite value at the evaluation point "
                         f"{_point_text(x)}")
    return y.astype(np.float64).reshape(() if scalar else y.shape)


def _first_differences(f, x, h, method, scalar, caller):
    """Loop over coordinates: f at x + h_i e_i (and x - h_i e_i), the quotients along axis 0."""
    method = check_option(method, "method", _METHODS)
    _check_callable(f)
    x = as_float_array(x, "x")
    power = 1.0 / 3.0 if method == "central" else 0.5
    hs = _coordinate_steps(x, h, power)
    flat_x = x.reshape(-1).astype(np.float64)
    flat_h = hs.reshape(-1)
    y0 = _eval(f, x, scalar, caller)
    m = x.size
    f_plus = np.empty((m,) + y0.shape)
    f_minus = np.empty((m,) + y0.shape)
    spacing = np.empty(m)
    for i in range(m):
        if method == "backward":
            f_plus[i] = y0
            xm = _shifted(x, (i,), (-flat_h[i],))
            f_minus[i] = _eval(f, xm, scalar, caller)
            spacing[i] = flat_x[i] - float(xm.reshape(-1)[i])
            continue
        xp = _shifted(x, (i,), (flat_h[i],))
        f_plus[i] = _eval(f, xp, scalar, caller)
        if method == "central":
            xm = _shifted(x, (i,), (-flat_h[i],))
            f_minus[i] = _eval(f, xm, scalar, caller)
            spacing[i] = float(xp.reshape(-1)[i]) - float(xm.reshape(-1)[i])
        else:
            f_minus[i] = y0
            spacing[i] = flat_h[i]
    if not np.all(spacing > 0):
        i = int(np.flatnonzero(~(spacing > 0))[0])
        raise ValueError(f"h is too small to move x[{i}] = {flat_x[i]!r}")
    Q = (f_plus - f_minus) / spacing.reshape((m,) + (1,) * y0.ndim)
    return x, hs, y0, f_plus, f_minus, spacing, Q


_FORMULA = {
    "central": "d_i = (f(x + h_i e_i) - f(x - h_i e_i)) / (2 h_i)",
    "forward": "d_i = (f(x + h_i e_i) - f(x)) / h_i",
    "backward": "d_i = (f(x) - f(x - h_i e_i)) / h_i",
}


def gradient_fd(f, x, h=None, method="central"):
    r"""Gradient of a scalar function of several variables by finite differences.

    Parameters
    ----------
    f : callable
        ``f(x) -> float`` for an array ``x`` of the shape below (a black box:
        called once per coordinate and side, never on a batch).
    x : array_like, any shape ``s``
        The point.  Integers are promoted to float64; float32 stays float32.
    h : float or array_like broadcastable to ``s``, optional
        Step per coordinate.  Default ``eps^(1/3) max(1, |x_i|)`` central,
        ``eps^(1/2) max(1, |x_i|)`` one-sided.
    method : {'central', 'forward', 'backward'}
        Difference quotient.

    Returns
    -------
    g : ndarray, shape ``s``, dtype of ``x``
        ``g[i] ~ d f / d x_i``.

    Raises
    ------
    TypeError
        ``f`` not callable or not returning a scalar (use :func:`jacobian_fd`);
        complex values.
    ValueError
        Unknown ``method``, ``h <= 0`` or not finite, ``f`` non-finite at an
        evaluation point (named in the message).

    Notes
    -----
    With ``e_i`` the ``i``-th unit vector and the exactly representable step
    ``h_i = (x_i + h_i) - x_i``,

    .. math::  g_i = \frac{f(x + h_i e_i) - f(x - h_i e_i)}{(x_i + h_i) - (x_i - h_i)}

    (central, error ``O(h^2)``), or ``(f(x + h_i e_i) - f(x)) / h_i``
    (forward, ``O(h)``).  The denominator is the distance between the points
    really used.  Cost: ``2 n`` (central) or ``n + 1`` evaluations of ``f``.

    References
    ----------
    J. Nocedal and S. J. Wright, *Numerical Optimization*, 2nd ed., section 8.1.

    Examples
    --------
    >>> import numpy as np
    >>> g = gradient_fd(lambda v: v[0] ** 2 + 3 * v[1], [1.0, 2.0])
    >>> np.allclose(g, [2.0, 3.0])
    True
    """
    x, hs, y0, f_plus, f_minus, spacing, Q = _first_differences(
        f, x, h, method, True, "gradient_fd")
    g = Q.reshape(x.shape).astype(x.dtype)
    if active():
        with section(f"Gradient by {method} differences"):
            step("Steps", "h_i = (x_i + h_i) - x_i  (exactly representable)", x=x, h=hs)
            step("Difference quotients", _FORMULA[method], f_x=float(y0),
                 f_plus=f_plus.reshape(x.shape), f_minus=f_minus.reshape(x.shape),
                 spacing=spacing.reshape(x.shape), d=Q.reshape(x.shape))
            step("Gradient", "g = (d_1, ..., d_n)", g=g)
    return g


def jacobian_fd(f, x, h=None, method="central"):
    r"""Jacobian of a vector-valued function by finite differences, one coordinate at a time.

    Parameters
    ----------
    f : callable
        ``f(x) -> array`` of shape ``t`` for an array ``x`` of shape ``s``
        (a black box).
    x : array_like, shape ``s``
        The point (integers promoted to float64; float32 stays float32).
    h : float or array_like broadcastable to ``s``, optional
        Step per coordinate; default as in :func:`gradient_fd`.
    method : {'central', 'forward', 'backward'}
        Difference quotient.

    Returns
    -------
    J : ndarray, shape ``t + s``, dtype of ``x``
        ``J[a, i] = d f_a / d x_i``; ``(m, n)`` for 1-D input and output.

    Raises
    ------
    TypeError, ValueError
        As for :func:`gradient_fd` (any output shape is accepted).

    Notes
    -----
    Column ``i`` is the difference quotient along ``e_i``:

    .. math::  J_{:, i} = \frac{f(x + h_i e_i) - f(x - h_i e_i)}{(x_i + h_i) - (x_i - h_i)},

    with ``h_i = (x_i + h_i) - x_i`` exactly representable.  For a linear map
    ``f(x) = A x`` the quotient is exact up to rounding.

    References
    ----------
    J. Nocedal and S. J. Wright, *Numerical Optimization*, 2nd ed., section 8.1.

    Examples
    --------
    >>> import numpy as np
    >>> A = np.array([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
    >>> J = jacobian_fd(lambda v: A @ v, [0.5, -1.0])
    >>> J.shape, bool(np.allclose(J, A))
    ((3, 2), True)
    """
    x, hs, y0, f_plus, f_minus, spacing, Q = _first_differences(
        f, x, h, method, False, "jacobian_fd")
    m = x.size
    J = np.moveaxis(Q.reshape((m,) + y0.shape), 0, -1).reshape(y0.shape + x.shape)
    J = J.astype(x.dtype)
    if active():
        with section(f"Jacobian by {method} differences"):
            step("Steps", "h_i = (x_i + h_i) - x_i  (exactly representable)", x=x, h=hs)
            step("Difference quotients, one column per coordinate",
                 _FORMULA[method].replace("d_i", "J[:, i]"), f_x=y0,
                 spacing=spacing.reshape(x.shape), J=J)
    return J


def hessian_fd(f, x, h=None):
    r"""Hessian of a scalar function of several variables by central differences.

    Parameters
    ----------
    f : callable
        ``f(x) -> float`` for an array ``x`` of shape ``s`` (a black box).
    x : array_like, shape ``s``
        The point (integers promoted to float64; float32 stays float32).
    h : float or array_like broadcastable to ``s``, optional
        Step per coordinate; default ``eps^(1/4) max(1, |x_i|)``.

    Returns
    -------
    H : ndarray, shape ``s + s`` (``(n, n)`` for 1-D ``x``), dtype of ``x``
        Symmetric: ``H[i, j] = H[j, i] ~ d^2 f / dx_i dx_j``.

    Raises
    ------
    TypeError, ValueError
        As for :func:`gradient_fd`.

    Notes
    -----
    With exactly representable steps ``h_i`` and the points really used
    (``hp_i = (x_i + h_i) - x_i``, ``hm_i = x_i - (x_i - h_i)``):

    .. math::

        H_{ii} = \frac{2\,(hm_i f(x + h_i e_i) + hp_i f(x - h_i e_i)
                 - (hp_i + hm_i) f(x))}{hp_i\, hm_i\, (hp_i + hm_i)}

    (the usual ``(f_+ - 2 f_0 + f_-) / h^2`` when ``hp = hm``), and for
    ``i != j`` the four-point formula

    .. math::

        H_{ij} = \frac{f(x + h_i e_i + h_j e_j) - f(x + h_i e_i - h_j e_j)
                 - f(x - h_i e_i + h_j e_j) + f(x - h_i e_i - h_j e_j)}
                 {(hp_i + hm_i)(hp_j + hm_j)}.

    Both are ``O(h^2)`` accurate with rounding error ``~ eps |f| / h^2``,
    balanced by ``h ~ eps^(1/4)``.  The four points of ``H_ij`` and ``H_ji``
    are the same, so the mixed partials are computed once for ``i < j`` and
    mirrored: the result is exactly symmetric.  Cost: ``2 n^2 + 1``
    evaluations.

    References
    ----------
    J. Nocedal and S. J. Wright, *Numerical Optimization*, 2nd ed., section 8.2;
    M. Abramowitz and I. A. Stegun, *Handbook of Mathematical Functions*, 25.3.26.

    Examples
    --------
    >>> import numpy as np
    >>> H = hessian_fd(lambda v: v[0] ** 2 * v[1] + v[1] ** 3, [1.0, 2.0])
    >>> np.allclose(H, [[4.0, 2.0], [2.0, 12.0]])
    True
    """
    _check_callable(f)
    x = as_float_array(x, "x")
    hs = _coordinate_steps(x, h, 0.25)
    n = x.size
    flat_x = x.reshape(-1).astype(np.float64)
    flat_h = hs.reshape(-1)
    f0 = _eval(f, x, True, "hessian_fd")
    # the points really used along each axis
    xp = np.array([float(_shifted(x, (i,), (flat_h[i],)).reshape(-1)[i]) for i in range(n)])
    xm = np.array([float(_shifted(x, (i,), (-flat_h[i],)).reshape(-1)[i]) for i in range(n)])
    hp = xp - flat_x
    hm = flat_x - xm
    if n and not (np.all(hp > 0) and np.all(hm > 0)):
        i = int(np.flatnonzero(~((hp > 0) & (hm > 0)))[0])
        raise ValueError(f"h is too small to move x[{i}] = {flat_x[i]!r}")
    f_plus = np.empty(n)
    f_minus = np.empty(n)
    for i in range(n):
        f_plus[i] = _eval(f, _shifted(x, (i,), (flat_h[i],)), True, "hessian_fd")
        f_minus[i] = _eval(f, _shifted(x, (i,), (-flat_h[i],)), True, "hessian_fd")
    H = np.empty((n, n))
    H[np.arange(n), np.arange(n)] = (2.0 * (hm * f_plus + hp * f_minus - (hp + hm) * f0)
                                     / (hp * hm * (hp + hm)))
    for i in range(n):
        for j in range(i + 1, n):
            f_pp = _eval(f, _shifted(x, (i, j), (flat_h[i], flat_h[j])), True, "hessian_fd")
            f_pm = _eval(f, _shifted(x, (i, j), (flat_h[i], -flat_h[j])), True, "hessian_fd")
            f_mp = _eval(f, _shifted(x, (i, j), (-flat_h[i], flat_h[j])), True, "hessian_fd")
            f_mm = _eval(f, _shifted(x, (i, j), (-flat_h[i], -flat_h[j])), True, "hessian_fd")
            H[i, j] = H[j, i] = (f_pp - f_pm - f_mp + f_mm) / ((hp[i] + hm[i]) * (hp[j] + hm[j]))
    H = H.reshape(x.shape + x.shape).astype(x.dtype)
    if active():
        with section("Hessian by central differences"):
            step("Steps", "h_i = (x_i + h_i) - x_i;  h ~ eps^(1/4) max(1, |x_i|)", x=x, h=hs)
            step("Diagonal: second differences",
                 "H_ii = (f(x + h_i e_i) - 2 f(x) + f(x - h_i e_i)) / h_i^2",
                 f_x=float(f0), f_plus=f_plus.reshape(x.shape),
                 f_minus=f_minus.reshape(x.shape), diagonal=np.diagonal(H.reshape(n, n)).copy())
            step("Off-diagonal: four-point mixed differences, symmetric by construction",
                 "H_ij = (f(x+h_i e_i+h_j e_j) - f(x+h_i e_i-h_j e_j) - f(x-h_i e_i+h_j e_j) "
                 "+ f(x-h_i e_i-h_j e_j)) / (4 h_i h_j) = H_ji", H=H)
    return H
