r"""Coordinate descent: minimise along one coordinate at a time, exactly.

When the objective restricted to one coordinate has a closed-form minimiser,
cycling through the coordinates is a simple, fast method:

* a convex quadratic :math:`\tfrac12 x^T A x - b^T x` (A symmetric positive
  definite): the minimiser in :math:`x_i` with the others fixed is
  :math:`x_i = (b_i - \sum_{j\ne i} A_{ij}x_j)/A_{ii}` — Gauss–Seidel;
* the lasso / elastic net: the one-coordinate problem is a 1-D quadratic plus
  :math:`\alpha|w_j|`, solved by soft-thresholding.

>>> A = np.array([[4.0, 1.0], [1.0, 3.0]]); b = np.array([1.0, 2.0])
>>> res = coordinate_descent_quadratic(A, b)
>>> np.allclose(A @ res.x, b)
True
"""
from __future__ import annotations

import warnings

import numpy as np

from .._validation import as_float_array, as_square_matrix, check_int, check_real
from ..exceptions import ConvergenceWarning
from ..explain import active, section
from ..explain import step as record
from ._result import History, OptimizeResult

__all__ = ["coordinate_descent_quadratic", "lasso_coordinate_descent", "LassoResult"]


def coordinate_descent_quadratic(A, b, x0=None, *, tol: float = 1e-10, maxiter: int = 10_000,
                                 callback=None) -> OptimizeResult:
    r"""Minimise :math:`f(x) = \tfrac12 x^T A x - b^T x` one coordinate at a time (exact line search).

    Parameters
    ----------
    A : array_like, shape (n, n)
        Symmetric positive definite.
    b : array_like, shape (n,)
    x0 : array_like, shape (n,), optional
        Start (zeros by default).
    tol : float
        Stop when :math:`\lVert Ax - b\rVert_2 \le tol\,\lVert b\rVert_2` after a sweep.
    maxiter : int
        Maximum number of sweeps over all coordinates.

    Returns
    -------
    OptimizeResult
        ``x`` minimises f (equivalently solves :math:`Ax = b`); ``nit`` counts sweeps.

    Notes
    -----
    Setting :math:`\partial f/\partial x_i = (Ax)_i - b_i = 0` with the other
    coordinates fixed gives

    .. math:: x_i \leftarrow x_i - \frac{(Ax)_i - b_i}{A_{ii}},

    so each update is exact minimisation along :math:`e_i`.  One sweep is the
    Gauss–Seidel iteration; it converges for every SPD :math:`A`, at a rate set
    by its conditioning.

    Raises
    ------
    ValueError
        If a diagonal entry is not positive (then A is not positive definite).

    Examples
    --------
    >>> res = coordinate_descent_quadratic([[2.0, 0.0], [0.0, 4.0]], [2.0, 2.0])
    >>> res.x, res.nit
    (array([1. , 0.5]), 1)
    """
    A = as_square_matrix(A, "A").astype(float, copy=False)
    n = A.shape[0]
    b = as_float_array(b, "b", ndim=1)
    if b.shape[0] != n:
        raise ValueError(f"b has {b.shape[0]} entries but A is {n} x {n}")
    if not np.allclose(A, A.T, rtol=1e-10, atol=1e-12 * max(1.0, float(np.abs(A).max(initial=0)))):
        raise ValueError("A must be symmetric")
    diag = np.diag(A).copy()
    if (diag <= 0).any():
        i = int(np.argmax(diag <= 0))
        raise ValueError(f"A must be positive definite: A[{i}, {i}] = {diag[i]:g} <= 0")
    tol = check_real(tol, "tol", nonnegative=True)
    maxiter = check_int(maxiter, "maxiter", minimum=1)
    x = np.zeros(n) if x0 is None else as_float_array(x0, "x0", ndim=1).astype(float, copy=True)
    if x.shape[0] != n:
        raise ValueError(f"x0 has {x.shape[0]} entries but A is {n} x {n}")
    b_norm = float(np.sqrt(b @ b)) or 1.0

    def f(v):
        return 0.5 * float(v @ (A @ v)) - float(b @ v)

    hist = History()
    r = A @ x - b
    hist.append(x, f(x), float(np.sqrt(r @ r)), 0.0)
    status, message = 1, f"coordinate descent reached maxiter={maxiter} sweeps"
    sweep = 0
    with section("Coordinate descent on f(x) = 1/2 x^T A x - b^T x"):
        if float(np.sqrt(r @ r)) <= tol * b_norm:
            status, message = 0, "x0 already solves A x = b"
        else:
            for sweep in range(1, maxiter + 1):
                x_old = x.copy()
                for i in range(n):          # one exact 1-D minimisation per coordinate
                    x[i] -= (A[i] @ x - b[i]) / diag[i]
                r = A @ x - b
                res_norm = float(np.sqrt(r @ r))
                dx = x - x_old
                hist.append(x, f(x), res_norm, float(np.sqrt(dx @ dx)))
                record("Sweep", "x_i <- x_i - ((A x)_i - b_i) / A_ii, i = 1..n", iteration=sweep,
                       x=x, f=hist.f[-1] if active() else None, residual=res_norm)
                if callback is not None and callback(x.copy()):
                    status, message = 0, "stopped by callback"
                    break
                if res_norm <= tol * b_norm:
                    status, message = 0, f"converged: ||A x - b|| <= {tol:g} ||b||"
                    break
    if status == 1:
        warnings.warn(message, ConvergenceWarning, stacklevel=2)
    return OptimizeResult(x=x, fun=f(x), jac=A @ x - b, nit=sweep, nfev=sweep + 1, njev=sweep + 1,
                          nhev=0, success=status == 0, status=status, message=message,
                          history=hist)


class LassoResult(OptimizeResult):
    """Result of :func:`lasso_coordinate_descent`: ``coef``, ``intercept``, ``dual_gap``, ``nit``."""


def lasso_coordinate_descent(X, y, alpha: float, *, l1_ratio: float = 1.0,
                             fit_intercept: bool = True, tol: float = 1e-4, maxiter: int = 1000,
                             coef0=None) -> LassoResult:
    r"""The lasso (elastic net) by cyclic coordinate descent with soft-thresholding.

    Minimises scikit-learn's objective

    .. math::

        \frac{1}{2n}\lVert y - Xw - b\rVert_2^2 + \alpha\rho\lVert w\rVert_1
        + \frac{\alpha(1-\rho)}{2}\lVert w\rVert_2^2 .

    Parameters
    ----------
    X : array_like, shape (n_samples, n_features)
    y : array_like, shape (n_samples,)
    alpha : float
        Penalty strength (``>= 0``).
    l1_ratio : float in [0, 1], default 1
        :math:`\rho`: 1 is the lasso, 0 ridge, in between the elastic net.
    fit_intercept : bool, default True
        Centre X and y, then recover :math:`b = \bar y - \bar x^T w`.
    tol : float
        Stop when the duality gap is below ``tol * ||y||^2`` (as scikit-learn).
    maxiter : int
        Maximum number of sweeps.
    coef0 : array_like, optional
        Warm start.

    Returns
    -------
    LassoResult
        ``coef``, ``intercept``, ``dual_gap``, ``nit``, ``success``, ``history``
        (objective per sweep).

    Notes
    -----
    With the residual :math:`r = y - Xw` kept up to date, the update of
    coordinate :math:`j` is

    .. math::

        \rho_j = X_j^T (r + X_j w_j), \qquad
        w_j \leftarrow \frac{S_{n\alpha\rho}(\rho_j)}{X_j^T X_j + n\alpha(1-\rho)},

    with :math:`S_\tau(z) = \operatorname{sign}(z)\max(|z| - \tau, 0)`: the
    exact minimiser of the objective in :math:`w_j` alone.  A coordinate whose
    correlation with the residual is below the threshold is set exactly to 0.
    The stopping test is the duality gap of Friedman, Hastie & Tibshirani
    (2010), as in scikit-learn's ``enet_coordinate_descent``.

    References
    ----------
    J. Friedman, T. Hastie and R. Tibshirani, "Regularization paths for
    generalized linear models via coordinate descent", J. Stat. Softw. 33(1), 2010.

    Examples
    --------
    >>> X = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0], [2.0, 1.0]])
    >>> y = X @ np.array([2.0, 0.0]) + 1.0
    >>> res = lasso_coordinate_descent(X, y, alpha=0.0, tol=1e-14)
    >>> np.round(res.coef, 6), round(res.intercept, 6)
    (array([2., 0.]), 1.0)
    """
    X = as_float_array(X, "X", ndim=2).astype(float, copy=False)
    y = as_float_array(y, "y", ndim=1).astype(float, copy=False)
    n, d = X.shape
    if y.shape[0] != n:
        raise ValueError(f"X has {n} rows but y has {y.shape[0]} entries")
    if n == 0:
        raise ValueError("X has no rows")
    alpha = check_real(alpha, "alpha", nonnegative=True)
    l1_ratio = check_real(l1_ratio, "l1_ratio")
    if not 0.0 <= l1_ratio <= 1.0:
        raise ValueError(f"l1_ratio must be in [0, 1], got {l1_ratio}")
    tol = check_real(tol, "tol", nonnegative=True)
    maxiter = check_int(maxiter, "maxiter", minimum=1)
    if fit_intercept:
        x_mean, y_mean = X.mean(axis=0), float(y.mean())
        Xc, yc = X - x_mean, y - y_mean
    else:
        x_mean, y_mean = np.zeros(d), 0.0
        Xc, yc = X, y
    Xf = np.asfortranarray(Xc)              # column access is the inner loop
    w = np.zeros(d) if coef0 is None else as_float_array(coef0, "coef0", ndim=1).astype(float, copy=True)
    if w.shape[0] != d:
        raise ValueError(f"coef0 has {w.shape[0]} entries but X has {d} columns")
    l1 = alpha * l1_ratio * n
    l2 = alpha * (1.0 - l1_ratio) * n
    col_sq = np.einsum("ij,ij->j", Xf, Xf)
    R = yc - Xf @ w
    y_sq = float(yc @ yc)
    gap_tol = tol * y_sq

    def objective():
        return (0.5 * float(R @ R) + l1 * float(np.abs(w).sum()) + 0.5 * l2 * float(w @ w)) / n

    def duality_gap():
        XtA = Xf.T @ R - l2 * w
        dual_norm = float(np.abs(XtA).max(initial=0.0))
        R_sq = float(R @ R)
        if dual_norm > l1:
            const = l1 / dual_norm
            gap = 0.5 * (R_sq + R_sq * const * const)
        else:
            const = 1.0
            gap = R_sq
        gap += l1 * float(np.abs(w).sum()) - const * float(R @ yc) + 0.5 * l2 * (1 + const * const) * float(w @ w)
        return gap

    hist = History()
    hist.append(w, objective(), np.nan, 0.0)
    gap = duality_gap()
    status, message = 1, (f"coordinate descent reached maxiter={maxiter} sweeps with duality gap "
                          f"{gap:.3g} > tol * ||y||^2 = {gap_tol:.3g}; increase maxiter or tol, "
                          "or scale the features")
    sweep = 0
    with section("Lasso by coordinate descent: w_j <- S(X_j^T (r + X_j w_j), n alpha rho) / "
                 "(X_j^T X_j + n alpha (1 - rho))"):
        record("Setup", "threshold = n alpha rho", n=n, n_features=d, alpha=alpha,
               l1_ratio=l1_ratio, threshold=l1)
        if gap <= gap_tol and not w.any() and y_sq == 0:
            status, message = 0, "y is constant: w = 0"
        for sweep in range(1, maxiter + 1):
            w_max = d_w_max = 0.0
            for j in range(d):
                if col_sq[j] == 0.0:
                    continue
                w_old = w[j]
                col = Xf[:, j]
                if w_old != 0.0:
                    R += w_old * col
                rho = float(col @ R)
                w_new = np.sign(rho) * max(abs(rho) - l1, 0.0) / (col_sq[j] + l2)
                w[j] = w_new
                if w_new != 0.0:
                    R -= w_new * col
                d_w_max = max(d_w_max, abs(w_new - w_old))
                w_max = max(w_max, abs(w_new))
            hist.append(w, objective(), np.nan, d_w_max)
            record("Sweep", "one pass over the coordinates", iteration=sweep, w=w,
                   objective=hist.f[-1] if active() else None, max_change=d_w_max,
                   nonzeros=int(np.count_nonzero(w)))
            if w_max == 0.0 or d_w_max / w_max <= tol or sweep == maxiter:
                gap = duality_gap()
                if gap <= gap_tol:
                    status, message = 0, f"converged: duality gap {gap:.3g} <= tol * ||y||^2"
                    break
    if status == 1:
        message = (f"coordinate descent reached maxiter={maxiter} sweeps with duality gap "
                   f"{gap:.3g} > tol * ||y||^2 = {gap_tol:.3g}; increase maxiter or tol, "
                   "or scale the features")
        warnings.warn(message, ConvergenceWarning, stacklevel=2)
    intercept = float(y_mean - x_mean @ w) if fit_intercept else 0.0
    if active():
        record("Result", "b = mean(y) - mean(x)^T w", coef=w, intercept=intercept,
               dual_gap=gap, nonzeros=int(np.count_nonzero(w)))
    return LassoResult(x=w, coef=w, intercept=intercept, fun=objective(), dual_gap=gap / n,
                       nit=sweep, success=status == 0, status=status, message=message,
                       history=hist)
