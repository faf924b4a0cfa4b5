r"""Test functions for optimisers, with their known minima.

Every function takes ``x`` as a 1-D array of length ``n`` and returns a float;
it also accepts ``x`` of shape ``(n, ...)`` and then evaluates at every point
along axis 0 (``f(np.stack([X, Y]))`` on a meshgrid gives the contour values).
They are written with NumPy ufuncs, slicing and ``np.sum``/``np.mean`` only,
so they run on :mod:`mathforml.calculus` autodiff tensors: gradients and
Hessians come for free (``Objective`` with ``jac=None``).  Where it is cheap
the analytic gradient is given too (``rosenbrock_grad``, ``rosenbrock_hess``,
``rosenbrock_hessp``, ``beale_grad``, ...), which optimisers take as ``jac=``.

:data:`TEST_FUNCTIONS` maps a name to a :class:`TestFunction` record holding
the function, its global minimiser(s), the minimum value, the usual search
domain and the dimension.  Functions defined for every ``n`` (Rosenbrock,
Rastrigin, Ackley, Styblinski–Tang) are registered in 2-D; ``for_dim(n)``
gives the record for another dimension.

>>> import numpy as np
>>> rosenbrock(np.array([1.0, 1.0])), rosenbrock(np.array([-1.2, 1.0]))
(0.0, 24.2)
>>> rosenbrock_grad(np.array([-1.2, 1.0]))
array([-215.6,  -88. ])
>>> TEST_FUNCTIONS["himmelblau"].f_min, len(TEST_FUNCTIONS["himmelblau"].minima)
(0.0, 4)

References
----------
M. Jamil and X.-S. Yang, "A literature survey of benchmark functions for
global optimisation problems", Int. J. Math. Modelling and Numerical
Optimisation 4(2), 2013.  S. Surjanovic and D. Bingham, *Virtual Library of
Simulation Experiments: Test Functions and Datasets*, Simon Fraser University
(https://www.sfu.ca/~ssurjano/optimization.html).
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Callable

import numpy as np

__all__ = [
    "quadratic", "make_quadratic", "quadratic_grad",
    "rosenbrock", "rosenbrock_grad", "rosenbrock_hess", "rosenbrock_hessp",
    "beale", "beale_grad", "booth", "booth_grad", "himmelblau", "himmelblau_grad",
    "rastrigin", "rastrigin_grad", "ackley", "ackley_grad",
    "styblinski_tang", "styblinski_tang_grad",
    "TestFunction", "TEST_FUNCTIONS", "HIMMELBLAU_MINIMA", "STYBLINSKI_TANG_XMIN",
    "STYBLINSKI_TANG_FMIN",
]

_TWO_PI = 2.0 * np.pi

#: The four minimisers of Himmelblau's function (f = 0 at each), to 16 digits.
HIMMELBLAU_MINIMA = (
    (3.0, 2.0),
    (-2.805118086952745, 3.131312518250573),
    (-3.779310253377747, -3.283185991286169),
    (3.584428340330492, -1.848126526964404),
)
#: The root of 4 x^3 - 32 x + 5 = 0 that minimises one Styblinski–Tang term.
STYBLINSKI_TANG_XMIN = -2.903534027771177
#: The minimum of one Styblinski–Tang term; the n-D minimum is n times this.
STYBLINSKI_TANG_FMIN = -39.16616570377142


def _points(x):
    """Leave arrays and autodiff tensors alone; turn lists and tuples into float arrays."""
    if hasattr(x, "shape"):
        return x
    return np.asarray(x, dtype=np.float64)


def _scalar(v):
    """A Python float for a 0-d array result; arrays and tensors pass through."""
    if isinstance(v, np.ndarray) and v.ndim == 0:
        return float(v)
    if isinstance(v, np.generic):
        return float(v)
    return v


def _need(x, n, name):
    m = np.shape(x)[0] if np.ndim(x) else 0
    if n is None:
        if m < 1:
            raise ValueError(f"{name} needs x of shape (n, ...) with n >= 1, "
                             f"got shape {np.shape(x)}")
        return m
    if m != n:
        raise ValueError(f"{name} is defined for n = {n} variables, got x of shape {np.shape(x)}")
    return m


# ---------------------------------------------------------------------------
# Quadratic
# ---------------------------------------------------------------------------
def _quad_args(A, b, n):
    A = np.eye(n) if A is None else np.asarray(A, dtype=np.float64)
    b = np.zeros(n) if b is None else np.asarray(b, dtype=np.float64)
    if A.shape != (n, n) or b.shape != (n,):
        raise ValueError(f"quadratic needs A of shape ({n}, {n}) and b of shape ({n},), "
                         f"got {A.shape} and {b.shape}")
    return A, b


def quadratic(x, A=None, b=None):
    r"""The quadratic :math:`f(x) = \tfrac12 x^T A x - b^T x`.

    Parameters
    ----------
    x : (n,) or (n, ...) array_like
        The point(s).
    A : (n, n) array_like, optional
        Symmetric matrix (default the identity).
    b : (n,) array_like, optional
        Linear term (default zero).

    Returns
    -------
    f : float or ndarray of shape ``x.shape[1:]``

    Notes
    -----
    ``grad f = A x - b`` and ``hess f = A``; for symmetric positive definite
    ``A`` the unique minimiser solves ``A x* = b`` and ``f(x*) = -b^T x* / 2``.

    Examples
    --------
    >>> quadratic([3.0, 4.0])
    12.5
    >>> quadratic([1.0, 1.0], A=[[2.0, 0.0], [0.0, 4.0]], b=[1.0, 1.0])
    1.0
    """
    x = _points(x)
    n = _need(x, None, "quadratic")
    A, b = _quad_args(A, b, n)
    if np.ndim(x) == 1:
        return _scalar(0.5 * np.sum(x * (A @ x)) - np.sum(b * x))
    shape = np.shape(x)[1:]
    X = np.reshape(x, (n, -1))
    out = 0.5 * np.sum(X * (A @ X), axis=0) - b @ X
    return np.reshape(out, shape)


def quadratic_grad(x, A=None, b=None):
    r"""Gradient ``A x - b`` of :func:`quadratic` (for symmetric ``A``).

    >>> quadratic_grad([1.0, 1.0], A=[[2.0, 0.0], [0.0, 4.0]], b=[1.0, 1.0])
    array([1., 3.])
    """
    x = np.asarray(x, dtype=np.float64)
    n = _need(x, None, "quadratic_grad")
    A, b = _quad_args(A, b, n)
    if x.ndim == 1:
        return A @ x - b
    X = x.reshape(n, -1)
    return (A @ X - b[:, None]).reshape(x.shape)


def make_quadratic(A, b=None):
    r"""The quadratic ``f(x) = x^T A x / 2 - b^T x`` as a :class:`TestFunction`.

    Parameters
    ----------
    A : (n, n) array_like
        Symmetric positive definite.
    b : (n,) array_like, optional
        Default zero.

    Returns
    -------
    TestFunction
        With ``f``, ``grad`` (``A x - b``), ``hess`` (``A``) and the minimiser
        ``x* = A^{-1} b`` (by a Cholesky solve; ``LinAlgError`` when ``A`` is not
        positive definite), ``f_min = -b^T x* / 2``.

    Examples
    --------
    >>> q = make_quadratic([[3.0, 1.0], [1.0, 2.0]], [1.0, -1.0])
    >>> q.minima[0].round(12), round(q.f_min, 12)
    (array([ 0.6, -0.8]), -0.7)
    >>> q.f([0.6, -0.8]) == q.f_min
    True
    """
    from ..linalg import cho_factor, cho_solve

    A = np.asarray(A, dtype=np.float64)
    if A.ndim != 2 or A.shape[0] != A.shape[1]:
        raise ValueError(f"A must be a square matrix, got shape {A.shape}")
    n = A.shape[0]
    A, b = _quad_args(A, b, n)
    if not np.allclose(A, A.T, rtol=1e-12, atol=0.0):
        raise ValueError("A must be symmetric")
    A = A.copy()
    b = b.copy()
    x_star = cho_solve(cho_factor(A), b)
    f_min = float(-0.5 * (b @ x_star))

    def f(x):
        return quadratic(x, A, b)

    def grad(x):
        return quadratic_grad(x, A, b)

    def hess(x):
        return A.copy()

    return TestFunction("quadratic", f, [x_star], f_min, [(-10.0, 10.0)] * n, n,
                        grad=grad, hess=hess)


# ---------------------------------------------------------------------------
# Rosenbrock
# ---------------------------------------------------------------------------
def rosenbrock(x):
    r"""The n-D Rosenbrock function :math:`\sum_i 100 (x_{i+1} - x_i^2)^2 + (1 - x_i)^2`.

    Parameters
    ----------
    x : (n,) or (n, ...) array_like, n >= 2

    Returns
    -------
    f : float or ndarray of shape ``x.shape[1:]``

    Notes
    -----
    The sum runs over ``i = 0, ..., n-2``.  The global minimum is ``f = 0`` at
    ``x = (1, ..., 1)``, at the end of a long curved valley; for
    ``4 <= n <= 7`` there is also a local minimum near ``(-1, 1, ..., 1)``.
    Same convention as ``scipy.optimize.rosen``.

    Examples
    --------
    >>> rosenbrock([1.0, 1.0, 1.0])
    0.0
    >>> rosenbrock([0.0, 0.0])
    1.0
    """
    x = _points(x)
    if _need(x, None, "rosenbrock") < 2:
        raise ValueError(f"rosenbrock needs n >= 2 variables, got x of shape {np.shape(x)}")
    x_i = x[:-1]
    r = x[1:] - x_i ** 2
    return _scalar(np.sum(100.0 * r ** 2 + (1.0 - x_i) ** 2, axis=0))


def rosenbrock_grad(x):
    r"""Gradient of :func:`rosenbrock`.

    Notes
    -----
    With ``r_i = x_{i+1} - x_i^2``:
    ``g_i = -400 x_i r_i - 2 (1 - x_i)`` (for ``i < n-1``) ``+ 200 r_{i-1}``
    (for ``i > 0``).  Vectorised over ``(n, ...)`` points.

    Examples
    --------
    >>> rosenbrock_grad([1.0, 1.0])
    array([0., 0.])
    >>> rosenbrock_grad([0.0, 0.0])
    array([-2.,  0.])
    """
    x = np.asarray(x, dtype=np.float64)
    if _need(x, None, "rosenbrock_grad") < 2:
        raise ValueError(f"rosenbrock_grad needs n >= 2 variables, got x of shape {x.shape}")
    x_i = x[:-1]
    r = x[1:] - x_i ** 2
    g = np.zeros_like(x)
    g[:-1] = -400.0 * x_i * r - 2.0 * (1.0 - x_i)
    g[1:] += 200.0 * r
    return g


def rosenbrock_hess(x):
    r"""Hessian of :func:`rosenbrock` at one point, an ``(n, n)`` tridiagonal matrix.

    Notes
    -----
    Off-diagonals ``H_{i,i+1} = H_{i+1,i} = -400 x_i``; diagonal
    ``H_ii = 1200 x_i^2 - 400 x_{i+1} + 2`` (for ``i < n-1``) ``+ 200`` (for ``i > 0``).

    Examples
    --------
    >>> rosenbrock_hess([1.0, 1.0])
    array([[ 802., -400.],
           [-400.,  200.]])
    """
    x = np.asarray(x, dtype=np.float64)
    if x.ndim != 1 or x.size < 2:
        raise ValueError(f"rosenbrock_hess needs a 1-D x with n >= 2, got shape {x.shape}")
    n = x.size
    H = np.zeros((n, n))
    d = np.zeros(n)
    d[:-1] = 1200.0 * x[:-1] ** 2 - 400.0 * x[1:] + 2.0
    d[1:] += 200.0
    idx = np.arange(n)
    H[idx, idx] = d
    off = -400.0 * x[:-1]
    H[idx[:-1], idx[1:]] = off
    H[idx[1:], idx[:-1]] = off
    return H


def rosenbrock_hessp(x, p):
    r"""The Hessian-vector product ``rosenbrock_hess(x) @ p`` without forming the matrix.

    >>> rosenbrock_hessp([1.0, 1.0], [1.0, 0.0])
    array([ 802., -400.])
    """
    x = np.asarray(x, dtype=np.float64)
    p = np.asarray(p, dtype=np.float64)
    if x.ndim != 1 or x.size < 2 or p.shape != x.shape:
        raise ValueError(f"rosenbrock_hessp needs 1-D x and p of equal length >= 2, "
                         f"got {x.shape} and {p.shape}")
    d = np.zeros_like(x)
    d[:-1] = 1200.0 * x[:-1] ** 2 - 400.0 * x[1:] + 2.0
    d[1:] += 200.0
    off = -400.0 * x[:-1]
    Hp = d * p
    Hp[:-1] += off * p[1:]
    Hp[1:] += off * p[:-1]
    return Hp


# ---------------------------------------------------------------------------
# 2-D classics
# ---------------------------------------------------------------------------
def beale(x):
    r"""Beale's function :math:`(1.5 - x + xy)^2 + (2.25 - x + xy^2)^2 + (2.625 - x + xy^3)^2`.

    Minimum 0 at ``(3, 0.5)``; usual domain ``[-4.5, 4.5]^2``.

    Parameters
    ----------
    x : (2,) or (2, ...) array_like

    Examples
    --------
    >>> beale([3.0, 0.5])
    0.0
    >>> beale([0.0, 0.0])
    14.203125
    """
    x = _points(x)
    _need(x, 2, "beale")
    u, v = x[0], x[1]
    return _scalar((1.5 - u + u * v) ** 2 + (2.25 - u + u * v ** 2) ** 2
                   + (2.625 - u + u * v ** 3) ** 2)


def beale_grad(x):
    """Gradient of :func:`beale`.

    >>> beale_grad([3.0, 0.5])
    array([0., 0.])
    """
    x = np.asarray(x, dtype=np.float64)
    _need(x, 2, "beale_grad")
    u, v = x[0], x[1]
    t1 = 1.5 - u + u * v
    t2 = 2.25 - u + u * v ** 2
    t3 = 2.625 - u + u * v ** 3
    gu = 2 * t1 * (v - 1) + 2 * t2 * (v ** 2 - 1) + 2 * t3 * (v ** 3 - 1)
    gv = 2 * t1 * u + 2 * t2 * 2 * u * v + 2 * t3 * 3 * u * v ** 2
    return np.stack([gu, gv])


def booth(x):
    r"""Booth's function :math:`(x + 2y - 7)^2 + (2x + y - 5)^2`.

    A convex quadratic: minimum 0 at ``(1, 3)``; usual domain ``[-10, 10]^2``.

    Examples
    --------
    >>> booth([1.0, 3.0]), booth([0.0, 0.0])
    (0.0, 74.0)
    """
    x = _points(x)
    _need(x, 2, "booth")
    u, v = x[0], x[1]
    return _scalar((u + 2 * v - 7) ** 2 + (2 * u + v - 5) ** 2)


def booth_grad(x):
    """Gradient of :func:`booth`: ``(10x + 8y - 34, 8x + 10y - 38)``.

    >>> booth_grad([0.0, 0.0])
    array([-34., -38.])
    """
    x = np.asarray(x, dtype=np.float64)
    _need(x, 2, "booth_grad")
    u, v = x[0], x[1]
    return np.stack([10 * u + 8 * v - 34, 8 * u + 10 * v - 38])


def himmelblau(x):
    r"""Himmelblau's function :math:`(x^2 + y - 11)^2 + (x + y^2 - 7)^2`.

    Four global minima with ``f = 0`` (:data:`HIMMELBLAU_MINIMA`), one local
    maximum near ``(-0.270845, -0.923039)`` and four saddle points; usual domain
    ``[-5, 5]^2``.

    Examples
    --------
    >>> himmelblau([3.0, 2.0]), himmelblau([0.0, 0.0])
    (0.0, 170.0)
    """
    x = _points(x)
    _need(x, 2, "himmelblau")
    u, v = x[0], x[1]
    return _scalar((u ** 2 + v - 11) ** 2 + (u + v ** 2 - 7) ** 2)


def himmelblau_grad(x):
    """Gradient of :func:`himmelblau`.

    >>> himmelblau_grad([3.0, 2.0])
    array([0., 0.])
    """
    x = np.asarray(x, dtype=np.float64)
    _need(x, 2, "himmelblau_grad")
    u, v = x[0], x[1]
    a = u ** 2 + v - 11
    c = u + v ** 2 - 7
    return np.stack([4 * u * a + 2 * c, 2 * a + 4 * v * c])


# ---------------------------------------------------------------------------
# n-D multimodal
# ---------------------------------------------------------------------------
def rastrigin(x):
    r"""Rastrigin's function :math:`10 n + \sum_i (x_i^2 - 10 \cos 2\pi x_i)`.

    Global minimum 0 at the origin among a lattice of local minima near the
    integer points; usual domain ``[-5.12, 5.12]^n``.

    Examples
    --------
    >>> rastrigin([0.0, 0.0]), rastrigin([1.0, 0.0])
    (0.0, 1.0)
    """
    x = _points(x)
    n = _need(x, None, "rastrigin")
    return _scalar(10.0 * n + np.sum(x ** 2 - 10.0 * np.cos(_TWO_PI * x), axis=0))


def rastrigin_grad(x):
    r"""Gradient of :func:`rastrigin`: ``2 x_i + 20 pi sin(2 pi x_i)``.

    >>> rastrigin_grad([0.0, 0.0])
    array([0., 0.])
    """
    x = np.asarray(x, dtype=np.float64)
    _need(x, None, "rastrigin_grad")
    return 2.0 * x + 20.0 * np.pi * np.sin(_TWO_PI * x)


def ackley(x):
    r"""Ackley's function in n dimensions.

    .. math:: f(x) = -20 \exp\Bigl(-0.2 \sqrt{\tfrac1n \sum_i x_i^2}\Bigr)
                     - \exp\Bigl(\tfrac1n \sum_i \cos 2\pi x_i\Bigr) + 20 + e

    Global minimum 0 at the origin, where ``f`` has a cone-shaped kink (it is
    not differentiable there); usual domain ``[-32.768, 32.768]^n``.

    Examples
    --------
    >>> round(ackley([0.0, 0.0]), 12)
    0.0
    >>> round(ackley([1.0, 1.0]), 6)
    3.625385
    """
    x = _points(x)
    _need(x, None, "ackley")
    r2 = np.mean(x ** 2, axis=0)
    c = np.mean(np.cos(_TWO_PI * x), axis=0)
    return _scalar(-20.0 * np.exp(-0.2 * np.sqrt(r2)) - np.exp(c) + 20.0 + np.e)


def ackley_grad(x):
    r"""Gradient of :func:`ackley` (away from the origin; 0 is returned there).

    Notes
    -----
    With ``s = sqrt(mean x^2)`` and ``c = mean cos 2 pi x``:
    ``g_i = 4 exp(-0.2 s) x_i / (n s) + 2 pi exp(c) sin(2 pi x_i) / n``.
    At ``s = 0`` the first term is taken as 0 (a subgradient).

    >>> ackley_grad([0.0, 0.0])
    array([0., 0.])
    """
    x = np.asarray(x, dtype=np.float64)
    n = _need(x, None, "ackley_grad")
    s = np.sqrt(np.mean(x ** 2, axis=0))
    c = np.mean(np.cos(_TWO_PI * x), axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        cone = np.where(s > 0, 4.0 * np.exp(-0.2 * s) / (n * np.where(s > 0, s, 1.0)), 0.0)
    return cone * x + _TWO_PI * np.exp(c) * np.sin(_TWO_PI * x) / n


def styblinski_tang(x):
    r"""The Styblinski–Tang function :math:`\tfrac12 \sum_i (x_i^4 - 16 x_i^2 + 5 x_i)`.

    Global minimum ``-39.16616570377142 n`` at ``x_i = -2.903534027771177``
    (the root of ``4 x^3 - 32 x + 5 = 0`` near -2.9); usual domain ``[-5, 5]^n``.

    Examples
    --------
    >>> styblinski_tang([0.0, 0.0])
    0.0
    >>> round(styblinski_tang([-2.903534, -2.903534]), 5)
    -78.33233
    """
    x = _points(x)
    _need(x, None, "styblinski_tang")
    return _scalar(0.5 * np.sum(x ** 4 - 16.0 * x ** 2 + 5.0 * x, axis=0))


def styblinski_tang_grad(x):
    """Gradient of :func:`styblinski_tang`: ``2 x_i^3 - 16 x_i + 2.5``.

    >>> styblinski_tang_grad([0.0])
    array([2.5])
    """
    x = np.asarray(x, dtype=np.float64)
    _need(x, None, "styblinski_tang_grad")
    return 2.0 * x ** 3 - 16.0 * x + 2.5


# ---------------------------------------------------------------------------
# The registry
# ---------------------------------------------------------------------------
@dataclass(frozen=True)
class TestFunction:
    """A test function with its known global minimiser(s).

    Attributes
    ----------
    name : str
    f : callable
        ``f(x)`` for ``x`` of shape ``(dim,)`` or ``(dim, ...)``.
    minima : list of (dim,) ndarray
        Every global minimiser.
    f_min : float
        The global minimum value.
    domain : list of (low, high)
        The usual search box, one pair per coordinate (SciPy's ``bounds``).
    dim : int
        The dimension of this record.
    grad, hess : callable or None
        Analytic gradient / Hessian where given (else use autodiff).
    any_dim : bool
        True when the function is defined for every ``n`` (see :meth:`for_dim`).
    smooth_at_min : bool
        False where the minimum is a kink (Ackley), so ``grad`` vanishes only
        as a subgradient.
    """

    __test__ = False            # not a pytest test class, despite the name

    name: str
    f: Callable
    minima: list
    f_min: float
    domain: list
    dim: int
    grad: Callable | None = None
    hess: Callable | None = None
    any_dim: bool = False
    smooth_at_min: bool = True
    _minimum: Callable | None = field(default=None, repr=False, compare=False)

    def for_dim(self, n: int) -> "TestFunction":
        """The same function in ``n`` dimensions (only for ``any_dim`` functions).

        >>> r = TEST_FUNCTIONS["rosenbrock"].for_dim(5)
        >>> r.dim, r.minima[0], len(r.domain)
        (5, array([1., 1., 1., 1., 1.]), 5)
        """
        if not self.any_dim:
            raise ValueError(f"{self.name} is defined only for n = {self.dim}")
        n = int(n)
        if n < 1 or (self.name == "rosenbrock" and n < 2):
            raise ValueError(f"n must be >= {2 if self.name == 'rosenbrock' else 1}, got {n}")
        x_star, f_min = self._minimum(n)
        return replace(self, minima=[x_star], f_min=f_min, domain=[self.domain[0]] * n, dim=n)


def _register(*records):
    return {r.name: r for r in records}


TEST_FUNCTIONS: dict = _register(
    make_quadratic([[3.0, 1.0], [1.0, 2.0]], [1.0, -1.0]),
    TestFunction("rosenbrock", rosenbrock, [np.ones(2)], 0.0, [(-5.0, 10.0)] * 2, 2,
                 grad=rosenbrock_grad, hess=rosenbrock_hess, any_dim=True,
                 _minimum=lambda n: (np.ones(n), 0.0)),
    TestFunction("beale", beale, [np.array([3.0, 0.5])], 0.0, [(-4.5, 4.5)] * 2, 2,
                 grad=beale_grad),
    TestFunction("booth", booth, [np.array([1.0, 3.0])], 0.0, [(-10.0, 10.0)] * 2, 2,
                 grad=booth_grad, hess=lambda x: np.array([[10.0, 8.0], [8.0, 10.0]])),
    TestFunction("himmelblau", himmelblau, [np.array(m) for m in HIMMELBLAU_MINIMA], 0.0,
                 [(-5.0, 5.0)] * 2, 2, grad=himmelblau_grad),
    TestFunction("rastrigin", rastrigin, [np.zeros(2)], 0.0, [(-5.12, 5.12)] * 2, 2,
                 grad=rastrigin_grad, any_dim=True, _minimum=lambda n: (np.zeros(n), 0.0)),
    TestFunction("ackley", ackley, [np.zeros(2)], 0.0, [(-32.768, 32.768)] * 2, 2,
                 grad=ackley_grad, any_dim=True, smooth_at_min=False,
                 _minimum=lambda n: (np.zeros(n), 0.0)),
    TestFunction("styblinski_tang", styblinski_tang, [np.full(2, STYBLINSKI_TANG_XMIN)],
                 2 * STYBLINSKI_TANG_FMIN, [(-5.0, 5.0)] * 2, 2, grad=styblinski_tang_grad,
                 any_dim=True,
                 _minimum=lambda n: (np.full(n, STYBLINSKI_TANG_XMIN), n * STYBLINSKI_TANG_FMIN)),
)
