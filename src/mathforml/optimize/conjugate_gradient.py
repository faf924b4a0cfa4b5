r"""Conjugate gradients: linear CG for SPD systems, and nonlinear CG for minimisation.

**Linear CG** solves :math:`A x = b` for symmetric positive definite ``A``
— equivalently minimises :math:`\tfrac12 x^T A x - b^T x` — by searching
along directions that are A-conjugate (:math:`p_i^T A p_j = 0`).  In exact
arithmetic it ends in at most ``n`` iterations; in practice its error falls
like :math:`2 \bigl(\frac{\sqrt\kappa - 1}{\sqrt\kappa + 1}\bigr)^k`, with
:math:`\kappa` the condition number, so a preconditioner that clusters the
eigenvalues pays off.  Only products :math:`A p` are needed, so ``A`` may be
a function.

**Nonlinear CG** (:func:`nonlinear_cg`) carries the same recurrence to a
general smooth ``f``: :math:`d_{k+1} = -g_{k+1} + \beta_{k+1} d_k` with a
line search for the step — SciPy's ``method='CG'``.

>>> import numpy as np
>>> A = np.array([[4.0, 1.0], [1.0, 3.0]])
>>> res = conjugate_gradient(A, [1.0, 2.0])
>>> np.round(res.x, 12), res.nit, res.converged       # x = (1/11, 7/11)
(array([0.09090909, 0.63636364]), 2, True)

References
----------
M. R. Hestenes and E. Stiefel, "Methods of conjugate gradients for solving
linear systems", J. Res. Nat. Bur. Standards 49, 1952.  J. R. Shewchuk,
*An Introduction to the Conjugate Gradient Method Without the Agonizing
Pain*, 1994.  J. Nocedal and S. J. Wright, *Numerical Optimization*, 2nd ed.,
Algorithms 5.2, 5.3 (preconditioned CG) and section 5.2 (Fletcher–Reeves,
Polak–Ribière).
"""
from __future__ import annotations

import math
import warnings
from dataclasses import dataclass

import numpy as np

from ..exceptions import ConvergenceWarning, LinAlgError
from ..explain import active, section, silenced, step
from .._validation import check_int, check_option, check_real
from ._result import History, OptimizeResult
from .line_search import strong_wolfe
from .quasi_newton import (_NULL, _check_callback, _finish, _gradient_stop, _inf_norm,
                           _line_function, _start)

__all__ = ["CGResult", "conjugate_gradient", "nonlinear_cg"]


@dataclass
class CGResult:
    """The outcome of :func:`conjugate_gradient`.

    Attributes
    ----------
    x : (n,) ndarray
        The approximate solution.
    residual_norms : (nit + 1,) ndarray
        :math:`\\lVert r_k \\rVert_2 = \\lVert b - A x_k \\rVert_2` (the
        recursively updated residual) for ``k = 0, ..., nit``.
    nit : int
        Iterations taken.
    converged : bool
        Whether :math:`\\lVert r \\rVert_2 \\le` ``tol`` :math:`\\lVert b \\rVert_2`.
    message : str
        Why it stopped.
    """

    x: np.ndarray
    residual_norms: np.ndarray
    nit: int
    converged: bool
    message: str = ""


def _as_operator(A, n_hint):
    """Return ``(matvec, n)``; for arrays check shape, finiteness and symmetry."""
    if callable(A):
        return A, n_hint
    A = np.asarray(A)
    if A.dtype == object or A.dtype.kind not in "biuf":
        raise TypeError(f"A must be a real matrix or a callable matvec, got dtype {A.dtype}")
    A = A.astype(np.float64, copy=False)
    if A.ndim != 2 or A.shape[0] != A.shape[1]:
        raise ValueError(f"A must be a square matrix, got shape {A.shape}")
    if not np.isfinite(A).all():
        raise ValueError("A must be finite (it contains NaN or infinity)")
    scale = float(np.abs(A).max()) if A.size else 0.0
    if not np.allclose(A, A.T, rtol=0.0, atol=1e-12 * max(scale, 1e-300)):
        raise ValueError("A must be symmetric for conjugate gradients (A != A^T); for a "
                         "general system use mathforml.linalg.solve or lstsq")
    return (lambda p: A @ p), A.shape[0]


def _as_preconditioner(M, n):
    if M is None:
        return None
    if callable(M):
        return M
    m = np.asarray(M, dtype=np.float64)
    if m.shape != (n,):
        raise ValueError(f"M must be a callable r -> M^-1 r or the diagonal of M, a vector of "
                         f"length {n}; got shape {m.shape}")
    if not (np.isfinite(m).all() and (m > 0).all()):
        raise ValueError("a diagonal preconditioner M must have finite positive entries")
    return lambda r: r / m


def conjugate_gradient(A, b, x0=None, *, tol=1e-10, maxiter=None, M=None,
                       callback=None) -> CGResult:
    r"""Solve ``A x = b`` for symmetric positive definite ``A`` by (preconditioned) CG.

    Parameters
    ----------
    A : (n, n) array_like or callable
        The SPD matrix, or a function ``A(p) -> A @ p``.
    b : (n,) array_like
        Right-hand side.
    x0 : (n,) array_like, optional
        Starting guess (default zero).
    tol : float, default 1e-10
        Stop when :math:`\lVert r_k \rVert_2 \le` ``tol`` :math:`\lVert b \rVert_2`.
    maxiter : int, optional
        Iteration limit, default ``10 n`` (``n`` suffices in exact arithmetic;
        rounding can slow convergence on ill-conditioned systems).
    M : (n,) array_like or callable, optional
        Preconditioner: the diagonal of ``M`` (e.g. ``diag(A)``, Jacobi), or a
        function ``r -> M^{-1} r`` applying an approximation of ``A^{-1}``.
        ``M`` must be symmetric positive definite.
    callback : callable, optional
        ``callback(xk)`` after each iteration; a truthy return stops.

    Returns
    -------
    CGResult
        ``x``, ``residual_norms``, ``nit``, ``converged``, ``message``.

    Raises
    ------
    LinAlgError
        When :math:`p_k^T A p_k \le 0` (``A`` is not positive definite) or
        :math:`r^T M^{-1} r \le 0` (the preconditioner is not); the message
        names the iteration.
    ValueError
        Shape mismatch, non-finite input, non-symmetric array ``A``.

    Warns
    -----
    ConvergenceWarning
        When ``maxiter`` is reached before ``tol``.

    Notes
    -----
    With ``r_0 = b - A x_0``, ``z_0 = M^{-1} r_0``, ``p_0 = z_0``:

    .. math::
        \alpha_k = \frac{r_k^T z_k}{p_k^T A p_k}, \quad
        x_{k+1} = x_k + \alpha_k p_k, \quad
        r_{k+1} = r_k - \alpha_k A p_k,

        z_{k+1} = M^{-1} r_{k+1}, \quad
        \beta_k = \frac{r_{k+1}^T z_{k+1}}{r_k^T z_k}, \quad
        p_{k+1} = z_{k+1} + \beta_k p_k.

    One product with ``A`` per iteration, O(n) extra work.  The residual is
    updated recursively (it drifts from ``b - A x`` by rounding, which only
    matters far below ``sqrt(eps)``).  For the 2-D Poisson matrix on an
    ``N x N`` grid, ``kappa ~ 4 N^2 / pi^2``, so iterations grow like ``N``.

    References
    ----------
    Hestenes & Stiefel (1952); Nocedal & Wright, Algorithms 5.2 and 5.3.

    Examples
    --------
    >>> import numpy as np
    >>> A = np.diag([1.0, 2.0, 3.0])           # 3 distinct eigenvalues: 3 iterations
    >>> res = conjugate_gradient(A, [1.0, 1.0, 1.0])
    >>> np.round(res.x, 12), res.nit
    (array([1.        , 0.5       , 0.33333333]), 3)
    """
    _check_callback(callback)
    b = np.asarray(b)
    if b.dtype == object or b.dtype.kind not in "biuf":
        raise TypeError(f"b must be a real vector, got dtype {b.dtype}")
    b = b.astype(np.float64).ravel()
    n = b.size
    if n == 0:
        raise ValueError("b must not be empty")
    if not np.isfinite(b).all():
        raise ValueError("b must be finite (it contains NaN or infinity)")
    matvec, nA = _as_operator(A, n)
    if nA != n:
        raise ValueError(f"A has shape ({nA}, {nA}) but b has length {n}")
    tol = check_real(tol, "tol", nonnegative=True)
    maxiter = 10 * n if maxiter is None else check_int(maxiter, "maxiter", minimum=0)
    precond = _as_preconditioner(M, n)
    if x0 is None:
        x = np.zeros(n)
        r = b.copy()
    else:
        x = np.array(x0, dtype=np.float64).ravel()
        if x.shape != (n,):
            raise ValueError(f"x0 must have length {n}, got shape {np.shape(x0)}")
        if not np.isfinite(x).all():
            raise ValueError("x0 must be finite")
        r = b - np.asarray(matvec(x), dtype=np.float64).reshape(n)
    explaining = active()
    b_norm = math.sqrt(float(b @ b))
    target = tol * b_norm
    r_norm = math.sqrt(float(r @ r))
    norms = [r_norm]
    rule = ("alpha = r^T z / p^T A p; x += alpha p; r -= alpha A p; z = M^-1 r; "
            "beta = r_new^T z_new / r^T z; p = z + beta p")
    k = 0
    converged = r_norm <= target
    message = ""
    with section("Conjugate gradients"):
        if explaining:
            step("Start", "r_0 = b - A x_0, z_0 = M^-1 r_0, p_0 = z_0", x=x, residual=r_norm,
                 target=target)
        if not converged:
            z = r if precond is None else np.asarray(precond(r), dtype=np.float64).reshape(n)
            rz = float(r @ z)
            if not rz > 0.0:
                raise LinAlgError(f"the preconditioner is not positive definite: r^T M^-1 r = "
                                  f"{rz:.6g} <= 0 at iteration 0")
            p = z.copy()
            while k < maxiter:
                Ap = np.asarray(matvec(p), dtype=np.float64).reshape(n)
                pAp = float(p @ Ap)
                if not pAp > 0.0:
                    raise LinAlgError(f"A is not positive definite: p^T A p = {pAp:.6g} <= 0 "
                                      f"at iteration {k} (conjugate gradients needs a "
                                      "symmetric positive definite matrix)")
                alpha = rz / pAp
                x += alpha * p
                r -= alpha * Ap
                k += 1
                r_norm = math.sqrt(float(r @ r))
                norms.append(r_norm)
                converged = r_norm <= target
                if converged:
                    beta = 0.0
                else:
                    z = r if precond is None else np.asarray(precond(r),
                                                             dtype=np.float64).reshape(n)
                    rz_new = float(r @ z)
                    if not rz_new > 0.0:
                        if rz_new == 0.0 and r_norm == 0.0:
                            converged = True
                        else:
                            raise LinAlgError("the preconditioner is not positive definite: "
                                              f"r^T M^-1 r = {rz_new:.6g} <= 0 at iteration {k}")
                    beta = rz_new / rz if rz_new > 0.0 else 0.0
                    rz = rz_new
                if explaining:
                    step("CG iteration", rule, iteration=k, alpha=alpha, beta=beta,
                         pAp=pAp, residual=r_norm, relative_residual=r_norm / (b_norm or 1.0),
                         x=x)
                if converged:
                    break
                if callback is not None and callback(x.copy()):
                    message = f"stopped by callback after {k} iteration(s)"
                    break
                p *= beta
                p += z
        if converged:
            message = (f"converged: ||r|| = {r_norm:.3g} <= tol ||b|| = {target:.3g} after "
                       f"{k} iteration(s)")
        elif not message:
            message = (f"conjugate gradients reached maxiter={maxiter} with relative residual "
                       f"{r_norm / (b_norm or 1.0):.3g} > tol = {tol:g}; raise maxiter or use a "
                       "preconditioner (M)")
        if explaining:
            step("Result", x=x, nit=k, residual=r_norm, converged=converged, message=message)
    if not converged and not message.startswith("stopped"):
        warnings.warn(message, ConvergenceWarning, stacklevel=2)
    return CGResult(x, np.array(norms), k, bool(converged), message)


# ---------------------------------------------------------------------------
# Nonlinear CG
# ---------------------------------------------------------------------------
_BETAS = ("PR+", "PR", "FR", "HS")


def nonlinear_cg(fun, x0, *, jac=None, args=(), callback=None, maxiter=None, gtol=1e-5,
                 beta="PR+", c1=1e-4, c2=0.4) -> OptimizeResult:
    r"""Minimise ``fun`` by nonlinear conjugate gradients (Polak–Ribière+ by default).

    Parameters
    ----------
    fun : callable
        ``fun(x, *args) -> float``; with ``jac=None`` written with NumPy
        ufuncs (autodiff gradients).
    x0 : (n,) array_like
        Starting point; ``f(x0)`` must be finite.
    jac : None, True, callable or {"2-point", "3-point"}
        The gradient.
    args : tuple
        Extra arguments for ``fun`` and ``jac``.
    callback : callable, optional
        ``callback(xk)`` once per iteration; a truthy return stops the run.
    maxiter : int, optional
        Iteration limit, default ``200 n`` (SciPy's).
    gtol : float, default 1e-5
        Stop when :math:`\lVert g_k \rVert_\infty \le` ``gtol`` (SciPy's CG).
    beta : {"PR+", "PR", "FR", "HS"}, default "PR+"
        The conjugacy formula (below).
    c1, c2 : float, default 1e-4 and 0.4
        Strong-Wolfe constants; ``c2 < 1/2`` makes every Fletcher–Reeves
        direction a descent direction (N&W Lemma 5.6).

    Returns
    -------
    OptimizeResult
        ``x, fun, jac, nit, nfev, njev, success, status, message, history``
        (extra columns ``alpha`` and ``beta``).

    Notes
    -----
    ``d_0 = -g_0``; ``x_{k+1} = x_k + alpha_k d_k`` (strong Wolfe, first trial
    ``alpha = min(1, 1.01 * 2 (f_k - f_{k-1}) / (g_k^T d_k))`` (``1.01 / ||g_0||`` at
    the start, as SciPy), the step
    that would reach the previous decrease again under a quadratic model,
    N&W eq. 3.60); then ``d_{k+1} = -g_{k+1} + beta_{k+1} d_k`` with

    * Fletcher–Reeves: ``beta = g_{k+1}^T g_{k+1} / g_k^T g_k``;
    * Polak–Ribière: ``beta = g_{k+1}^T (g_{k+1} - g_k) / g_k^T g_k``;
      ``PR+`` uses ``max(beta, 0)``, which restarts with steepest descent
      when the formula turns negative (globally convergent with a Wolfe
      search);
    * Hestenes–Stiefel: ``beta = g_{k+1}^T y_k / d_k^T y_k``, ``y_k = g_{k+1} - g_k``.

    If ``d_{k+1}`` is not a descent direction it is reset to ``-g_{k+1}``.
    On a convex quadratic with exact line searches every variant is linear CG.

    References
    ----------
    Nocedal & Wright, *Numerical Optimization*, 2nd ed., section 5.2
    (Algorithm 5.4, eqs. 5.41–5.49).

    Examples
    --------
    >>> import numpy as np
    >>> from mathforml.optimize.functions import rosenbrock, rosenbrock_grad
    >>> res = nonlinear_cg(rosenbrock, [-1.2, 1.0], jac=rosenbrock_grad)
    >>> bool(res.success), np.round(res.x, 4)
    (True, array([1., 1.]))
    """
    _check_callback(callback)
    if not isinstance(beta, str):
        raise TypeError(f"beta must be a string, got {beta!r}")
    rule_name = check_option(beta.upper(), "beta", _BETAS)
    obj, x, f, g = _start(fun, x0, jac, None, args)
    n = x.size
    maxiter = 200 * n if maxiter is None else check_int(maxiter, "maxiter", minimum=0)
    gtol = check_real(gtol, "gtol", nonnegative=True)
    c1 = check_real(c1, "c1", positive=True)
    c2 = check_real(c2, "c2", positive=True)
    explaining = active()
    hist = History()
    gg = float(g @ g)
    hist.append(x, f, math.sqrt(gg), 0.0, alpha=math.nan, beta=0.0)
    formula = {"FR": "g1^T g1 / g0^T g0", "PR": "g1^T (g1 - g0) / g0^T g0",
               "PR+": "max(0, g1^T (g1 - g0) / g0^T g0)", "HS": "g1^T y / d^T y"}[rule_name]
    rule = f"x_{{k+1}} = x_k + alpha d_k; d_{{k+1}} = -g_{{k+1}} + beta d_k, beta = {formula}"

    d = -g

    k = 0
    status = None
    message = ""
    f_prev = None
    with section(f"Nonlinear CG ({rule_name})") if explaining else _NULL:
        if explaining:
            step("Iteration", rule, iteration=0, x=x, f=f, grad=g)
        while True:
            ginf = _inf_norm(g)
            status, message = _gradient_stop("nonlinear CG", k, maxiter, ginf, gtol)
            if status is not None:
                break
            dphi0 = float(g @ d)
            if not dphi0 < 0.0:                   # lost descent: restart along -g
                d = -g
                dphi0 = -gg
                if not dphi0 < 0.0:
                    status, message = 2, "the gradient underflows to 0; nothing more to gain"
                    break
            if f_prev is None:
                alpha0 = min(1.0, 1.01 / math.sqrt(gg))
            else:
                alpha0 = min(1.0, 1.01 * 2.0 * (f - f_prev) / dphi0)
                if not alpha0 > 0.0:
                    alpha0 = 1.0
            with silenced():
                ls = strong_wolfe(_line_function(obj, x, d), f, dphi0, alpha0, c1=c1, c2=c2)
            if not (ls.success or (ls.alpha > 0.0 and ls.phi < f)):
                if f_prev is not None and not np.array_equal(d, -g):
                    d = -g                        # one retry along steepest descent
                    f_prev = None
                    if explaining:
                        step("Restart", "d = -g after a failed line search", iteration=k,
                             message=ls.message)
                    continue
                status, message = 2, (f"line search failed at iteration {k}: {ls.message} "
                                      f"(||grad f(x)||_inf = {ginf:.3g}); loosen gtol or check "
                                      "the gradient")
                break
            x_new, g_new = ls.extra
            s = x_new - x
            gg_new = float(g_new @ g_new)
            if rule_name == "FR":
                b_k = gg_new / gg
            elif rule_name == "HS":
                y = g_new - g
                dy = float(d @ y)
                b_k = float(g_new @ y) / dy if dy != 0.0 else 0.0
            else:
                b_k = (gg_new - float(g_new @ g)) / gg
                if rule_name == "PR+":
                    b_k = max(b_k, 0.0)
            d_k = d
            d = b_k * d - g_new
            f_prev = f
            x, f, g, gg = x_new, ls.phi, g_new, gg_new
            k += 1
            hist.append(x, f, math.sqrt(gg), math.sqrt(float(s @ s)), alpha=ls.alpha, beta=b_k)
            if explaining:
                step("Iteration", rule, iteration=k, x=x, f=f, grad=g, alpha=ls.alpha,
                     direction=d_k, beta=b_k, step=s, ls_nfev=ls.nfev)
            if not math.isfinite(f):
                status, message = 2, (f"nonlinear CG stopped at iteration {k}: f(x) = {f} is "
                                      "not finite (the objective may be unbounded below)")
                break
            if callback is not None and callback(x.copy()):
                status, message = 0, "stopped by callback"
                break
        return _finish(obj, x, f, g, k, status, message, hist, explaining)
