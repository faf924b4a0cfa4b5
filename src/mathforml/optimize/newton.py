r"""Newton's method: damped, and regularised when the Hessian is not positive definite.

At ``x_k`` Newton's method minimises the quadratic model
:math:`m_k(d) = f_k + g_k^T d + \tfrac12 d^T H_k d`, whose minimiser solves
:math:`H_k d = -g_k`.  Three safeguards turn this into a robust method:

* the system is solved by a Cholesky factorisation
  :math:`H_k + \tau I = L L^T` and two triangular solves (never an inverse);
* when :math:`H_k` is not positive definite the model has no minimiser and
  :math:`d` may point uphill, so :math:`\tau I` is added with
  :math:`\tau` increased until the Cholesky factorisation succeeds
  (Nocedal & Wright, Algorithm 3.3, "Cholesky with added multiple of the
  identity") — the direction is then a descent direction;
* a line search (Armijo backtracking by default, or strong Wolfe) damps the
  step far from the solution; near a minimiser with positive definite Hessian
  the unit step is accepted and convergence is quadratic.

:func:`newton_cg` is the truncated Newton (Newton–CG) variant: it solves
:math:`H_k d = -g_k` only approximately by linear conjugate gradients on
Hessian-vector products, never forming :math:`H_k`.

>>> import numpy as np
>>> from mathforml.optimize.functions import rosenbrock, rosenbrock_grad, rosenbrock_hess
>>> res = newton(rosenbrock, [-1.2, 1.0], jac=rosenbrock_grad, hess=rosenbrock_hess)
>>> bool(res.success), np.round(res.x, 8), res.nit
(True, array([1., 1.]), 21)

References
----------
J. Nocedal and S. J. Wright, *Numerical Optimization*, 2nd ed., Springer
2006: section 3.4 (Algorithm 3.3) and section 7.1 (Algorithm 7.1, line
search Newton–CG).
"""
from __future__ import annotations

import math

import numpy as np

from ..exceptions import LinAlgError
from ..explain import active, section, silenced, step
from .._validation import check_int, check_option, check_real
from ..linalg import cholesky, solve_triangular
from ._result import History, OptimizeResult
from .line_search import armijo, strong_wolfe
from .quasi_newton import (_NULL, _check_callback, _finish, _gradient_stop, _inf_norm,
                           _line_function, _start)

__all__ = ["newton", "newton_cg"]

_LINE_SEARCHES = ("armijo", "wolfe")
_EPS = float(np.finfo(float).eps)


def _line_search_option(line_search):
    if line_search is None:
        return None
    if not isinstance(line_search, str):
        raise TypeError(f"line_search must be None or a string, got {line_search!r}")
    key = line_search.lower().replace("_", "-")
    key = {"strong-wolfe": "wolfe", "backtracking": "armijo"}.get(key, key)
    return check_option(key, "line_search", _LINE_SEARCHES)


def _regularised_cholesky(H, beta):
    """Cholesky of ``H + tau I`` with the smallest tau of the sequence that works (N&W Alg. 3.3).

    Returns ``(L, tau, attempts)``.
    """
    n = H.shape[0]
    diag_min = float(np.min(np.diag(H)))
    tau = 0.0 if diag_min > 0.0 else beta - diag_min
    eye = np.eye(n)
    attempts = 0
    while True:
        attempts += 1
        try:
            with silenced():
                L = cholesky(H + tau * eye if tau else H)
            return L, tau, attempts
        except LinAlgError:
            tau = max(2.0 * tau, beta)
            if attempts > 200 or not math.isfinite(tau):     # cannot happen for finite H
                raise LinAlgError("could not regularise the Hessian: H + tau I is not positive "
                                  f"definite even for tau = {tau:g}") from None


def _newton_damping_message(title, k, f, f0):
    return (f"{title} diverged at iteration {k}: f(x) = {f:.6g} grew without bound from "
            f"f(x0) = {f0:.6g}; the full Newton step is too long here — use a line search "
            "(line_search='armijo') to damp it (a smaller step)")


def newton(fun, x0, *, jac=None, hess=None, args=(), callback=None, maxiter=200, gtol=1e-8,
           line_search="armijo", regularize=True, c1=1e-4, c2=0.9) -> OptimizeResult:
    r"""Minimise ``fun`` by Newton's method with Cholesky solves, regularisation and damping.

    Parameters
    ----------
    fun : callable
        ``fun(x, *args) -> float``; with ``jac``/``hess`` None it must be
        written with NumPy ufuncs / ``@`` (autodiff derivatives).
    x0 : (n,) array_like
        Starting point; ``f(x0)`` must be finite.
    jac : None, True, callable or {"2-point", "3-point"}
        The gradient (None: autodiff; True: ``fun`` returns ``(f, g)``).
    hess : callable, optional
        ``hess(x, *args) -> (n, n)``; None computes the Hessian by autodiff.
    args : tuple
        Extra arguments for ``fun``, ``jac`` and ``hess``.
    callback : callable, optional
        ``callback(xk)`` once per iteration; a truthy return stops the run.
    maxiter : int, default 200
        Iteration limit (reaching it: status 1 and a ConvergenceWarning).
    gtol : float, default 1e-8
        Stop when :math:`\lVert g_k \rVert_\infty \le` ``gtol``.
    line_search : {"armijo", "wolfe", None}, default "armijo"
        The damping: Armijo backtracking from :math:`\alpha = 1`, a strong-Wolfe
        search, or None for the pure Newton step :math:`\alpha = 1`.
    regularize : bool, default True
        Add :math:`\tau I` when :math:`H_k` is not positive definite.  With
        False an indefinite Hessian stops the run (status 2) — pure Newton
        would head for a saddle point or maximum.
    c1, c2 : float
        Line-search constants.

    Returns
    -------
    OptimizeResult
        ``x, fun, jac, nit, nfev, njev, nhev, success, status, message,
        history`` (extra column ``tau``: the shift used at each iteration).

    Raises
    ------
    ValueError
        Non-finite ``f(x0)`` or gradient, a bad option.

    Notes
    -----
    Iteration ``k``: ``H = (H_k + H_k^T)/2``; ``beta = 1e-3 max(1, ||H||_F)``;
    ``tau_0 = 0`` if ``min_i H_ii > 0`` else ``beta - min_i H_ii``; while
    the Cholesky factorisation of ``H + tau I`` fails, ``tau <- max(2 tau,
    beta)`` (Algorithm 3.3).  Then ``L z = -g`` and ``L^T d = z`` (forward
    and back substitution), ``alpha`` from the line search, and
    ``x_{k+1} = x_k + alpha d``.  Since ``H + tau I`` is positive definite,
    ``g^T d = -z^T z < 0``: ``d`` is a descent direction even at a saddle.
    Near a strict local minimiser ``tau = 0`` and ``alpha = 1``, so the
    iteration is Newton's and converges quadratically.

    The explanation shows, per iteration, ``H``, ``g``, ``tau``, ``d`` and
    ``alpha`` — the Hessian solve.

    References
    ----------
    Nocedal & Wright, *Numerical Optimization*, 2nd ed., sections 3.3–3.4.

    Examples
    --------
    A convex quadratic is minimised in one step:

    >>> import numpy as np
    >>> res = newton(lambda x: (x[0] - 1.0) ** 2 + 2.0 * (x[1] + 3.0) ** 2, [10.0, 10.0])
    >>> res.x, res.nit
    (array([ 1., -3.]), 1)
    """
    _check_callback(callback)
    maxiter = check_int(maxiter, "maxiter", minimum=0)
    gtol = check_real(gtol, "gtol", nonnegative=True)
    line_search = _line_search_option(line_search)
    regularize = bool(regularize)
    obj, x, f, g = _start(fun, x0, jac, hess, args)
    f0 = f
    f_limit = 1e12 * (1.0 + abs(f0))
    explaining = active()
    hist = History()
    hist.append(x, f, math.sqrt(float(g @ g)), 0.0, tau=0.0)
    damp = {"armijo": "alpha from Armijo backtracking", "wolfe": "alpha from strong Wolfe",
            None: "alpha = 1"}[line_search]
    rule = f"solve (H_k + tau I) d = -g_k by Cholesky L L^T; x_{{k+1}} = x_k + alpha d ({damp})"

    d = g

    def phi(a):
        return obj.value(x + a * d)

    k = 0
    status = None
    message = ""
    with section("Newton's method") if explaining else _NULL:
        if explaining:
            step("Iteration", rule, iteration=0, x=x, f=f, grad=g)
        while True:
            ginf = _inf_norm(g)
            status, message = _gradient_stop("Newton's method", k, maxiter, ginf, gtol)
            if status is not None:
                break
            with silenced():
                H = obj.hess(x)
            if not np.isfinite(H).all():
                status, message = 2, (f"the Hessian at iteration {k} is not finite; cannot "
                                      "take a Newton step")
                break
            H = 0.5 * (H + H.T)
            beta = 1e-3 * max(1.0, math.sqrt(float(np.sum(H * H))))
            if regularize:
                L, tau, attempts = _regularised_cholesky(H, beta)
            else:
                try:
                    with silenced():
                        L = cholesky(H)
                except LinAlgError as exc:
                    status, message = 2, (f"the Hessian at iteration {k} is not positive "
                                          f"definite ({exc}); pure Newton would head for a "
                                          "saddle point or maximum — use regularize=True")
                    break
                tau, attempts = 0.0, 1
            if explaining and tau > 0.0:
                step("Regularise", "H + tau I not positive definite: tau <- max(2 tau, beta) "
                     "until Cholesky succeeds", iteration=k + 1, H=H, beta=beta, tau=tau,
                     attempts=attempts)
            with silenced():
                z = solve_triangular(L, -g, lower=True, check_finite=False)
                d = solve_triangular(L, z, lower=True, trans=True, check_finite=False)
            dphi0 = float(g @ d)
            if not dphi0 < 0.0:            # rounding at a tiny gradient
                d = -g
                dphi0 = -float(g @ g)
                if not dphi0 < 0.0:
                    status, message = 2, "the gradient underflows to 0; nothing more to gain"
                    break
            ls_nfev = 0
            g_k = g
            if line_search is None:
                alpha = 1.0
                x = x + d
                f, g = obj.value_and_grad(x)
                s = d
            else:
                with silenced():
                    if line_search == "armijo":
                        ls = armijo(phi, f, dphi0, 1.0, c1=c1)
                        ok = ls.success
                    else:
                        ls = strong_wolfe(_line_function(obj, x, d), f, dphi0, 1.0, c1=c1, c2=c2)
                        ok = ls.success or (ls.alpha > 0.0 and ls.phi < f)
                if not ok:
                    status, message = 2, (f"line search failed at iteration {k}: {ls.message} "
                                          f"(||grad f(x)||_inf = {ginf:.3g}); the iterate may "
                                          "already be as accurate as rounding allows — loosen "
                                          "gtol, or check the derivatives")
                    break
                alpha = ls.alpha
                ls_nfev = ls.nfev
                s = alpha * d
                if line_search == "wolfe" and ls.extra is not None:
                    x, g = ls.extra
                    f = ls.phi
                else:
                    x = x + s
                    with silenced():
                        g = obj.grad(x)
                    f = ls.phi
            k += 1
            hist.append(x, f, math.sqrt(float(g @ g)), math.sqrt(float(s @ s)), tau=tau)
            if explaining:
                step("Iteration", rule, iteration=k, H=H, grad=g_k, tau=tau, d=d,
                     alpha=alpha, x=x, f=f, step=s, ls_nfev=ls_nfev)
            if not math.isfinite(f) or f > f_limit:
                status, message = 2, _newton_damping_message("Newton's method", k, f, f0)
                break
            if callback is not None and callback(x.copy()):
                status, message = 0, "stopped by callback"
                break
        return _finish(obj, x, f, g, k, status, message, hist, explaining)

def newton_cg(fun, x0, *, jac=None, hess=None, hessp=None, args=(), callback=None, maxiter=None,
              gtol=1e-5, cg_maxiter=None, c1=1e-4, c2=0.9) -> OptimizeResult:
    r"""Minimise ``fun`` by truncated Newton (line-search Newton–CG) on Hessian-vector products.

    Parameters
    ----------
    fun : callable
        ``fun(x, *args) -> float``.
    x0 : (n,) array_like
        Starting point; ``f(x0)`` must be finite.
    jac : None, True, callable or {"2-point", "3-point"}
        The gradient (None: autodiff).
    hess : callable, optional
        ``hess(x, *args) -> (n, n)``, evaluated once per iteration.
    hessp : callable, optional
        ``hessp(x, p, *args) -> H(x) p``; preferred over ``hess``.  With
        neither, products come from forward-over-reverse autodiff.
    args : tuple
        Extra arguments for ``fun``, ``jac``, ``hess`` and ``hessp``.
    callback : callable, optional
        ``callback(xk)`` once per iteration; a truthy return stops the run.
    maxiter : int, optional
        Outer iteration limit, default ``200 n``.
    gtol : float, default 1e-5
        Stop when :math:`\lVert g_k \rVert_\infty \le` ``gtol``.
    cg_maxiter : int, optional
        Inner CG iterations per outer iteration, default ``20 n`` (SciPy's).
    c1, c2 : float
        Strong-Wolfe constants.

    Returns
    -------
    OptimizeResult
        As :func:`newton`; ``nhev`` counts Hessian(-vector) evaluations and the
        history has a ``cg_iterations`` column.

    Notes
    -----
    The inner loop is linear CG on :math:`H_k d = -g_k` from :math:`d = 0`
    (N&W Algorithm 7.1): ``r = g``, ``p = -r``; repeat ``q = H p``,
    ``kappa = p^T q``; if ``kappa <= 0`` (negative curvature) stop — with
    ``d = -g`` on the first inner iteration, else the current ``d``;
    ``a = r^T r / kappa``, ``d += a p``, ``r += a q``; stop when
    ``||r|| <= eta_k ||g_k||`` with the forcing term
    ``eta_k = min(0.5, sqrt(||g_k||))`` (superlinear convergence);
    ``p = -r + (r^T r / r_old^T r_old) p``.  Every CG iterate is a descent
    direction, so the strong-Wolfe search from ``alpha = 1`` follows.

    References
    ----------
    Nocedal & Wright, *Numerical Optimization*, 2nd ed., Algorithm 7.1.

    Examples
    --------
    >>> import numpy as np
    >>> from mathforml.optimize.functions import rosenbrock, rosenbrock_grad, rosenbrock_hessp
    >>> res = newton_cg(rosenbrock, [-1.2, 1.0], jac=rosenbrock_grad, hessp=rosenbrock_hessp,
    ...                 gtol=1e-8)
    >>> bool(res.success), np.round(res.x, 8)
    (True, array([1., 1.]))
    """
    _check_callback(callback)
    if hessp is not None and not callable(hessp):
        raise TypeError(f"hessp must be callable or None, got {type(hessp).__name__}")
    obj, x, f, g = _start(fun, x0, jac, hess, args)
    n = x.size
    maxiter = 200 * n if maxiter is None else check_int(maxiter, "maxiter", minimum=0)
    cg_maxiter = 20 * n if cg_maxiter is None else check_int(cg_maxiter, "cg_maxiter", minimum=1)
    gtol = check_real(gtol, "gtol", nonnegative=True)
    explaining = active()
    hist = History()
    hist.append(x, f, math.sqrt(float(g @ g)), 0.0, cg_iterations=0)
    rule = ("approximately solve H_k d = -g_k by CG (stop at ||r|| <= eta ||g|| or negative "
            "curvature); x_{k+1} = x_k + alpha d (strong Wolfe)")

    d = g

    k = 0
    status = None
    message = ""
    with section("Newton-CG") if explaining else _NULL:
        if explaining:
            step("Iteration", rule, iteration=0, x=x, f=f, grad=g)
        while True:
            ginf = _inf_norm(g)
            status, message = _gradient_stop("Newton-CG", k, maxiter, ginf, gtol)
            if status is not None:
                break
            # ---- Hessian-vector products at x
            if hessp is not None:
                x_k = x

                def Hp(p):
                    obj.nhev += 1
                    return np.asarray(hessp(x_k, p, *obj.args), dtype=np.float64).reshape(-1)
            elif hess is not None:
                with silenced():
                    H = obj.hess(x)

                def Hp(p):
                    return H @ p
            else:
                x_k = x

                def Hp(p):
                    return obj.hessp(x_k, p)
            # ---- inner CG on H d = -g
            gnorm = math.sqrt(float(g @ g))
            eta = min(0.5, math.sqrt(gnorm)) * gnorm
            d = np.zeros(n)
            r = g.copy()
            p = -r
            rr = gnorm * gnorm
            negative_curvature = False
            j = 0
            with silenced():
                while j < cg_maxiter:
                    q = Hp(p)
                    kappa = float(p @ q)
                    if not kappa > 0.0:
                        negative_curvature = True
                        if j == 0:
                            d = -g
                        break
                    a = rr / kappa
                    d += a * p
                    r += a * q
                    j += 1
                    rr_new = float(r @ r)
                    if math.sqrt(rr_new) <= eta:
                        break
                    p = -r + (rr_new / rr) * p
                    rr = rr_new
            dphi0 = float(g @ d)
            if not dphi0 < 0.0:
                d = -g
                dphi0 = -gnorm * gnorm
                if not dphi0 < 0.0:
                    status, message = 2, "the gradient underflows to 0; nothing more to gain"
                    break
            with silenced():
                ls = strong_wolfe(_line_function(obj, x, d), f, dphi0, 1.0, c1=c1, c2=c2)
            if not (ls.success or (ls.alpha > 0.0 and ls.phi < f)):
                status, message = 2, (f"line search failed at iteration {k}: {ls.message} "
                                      f"(||grad f(x)||_inf = {ginf:.3g}); loosen gtol or check "
                                      "the derivatives")
                break
            x_new, g_new = ls.extra
            s = x_new - x
            g_k = g
            x, f, g = x_new, ls.phi, g_new
            k += 1
            hist.append(x, f, math.sqrt(float(g @ g)), math.sqrt(float(s @ s)), cg_iterations=j)
            if explaining:
                step("Iteration", rule, iteration=k, grad=g_k, eta=eta, cg_iterations=j,
                     negative_curvature=negative_curvature, d=d, alpha=ls.alpha, x=x, f=f,
                     step=s)
            if not math.isfinite(f):
                status, message = 2, (f"Newton-CG stopped at iteration {k}: f(x) = {f} is not "
                                      "finite (the objective may be unbounded below)")
                break
            if callback is not None and callback(x.copy()):
                status, message = 0, "stopped by callback"
                break
        return _finish(obj, x, f, g, k, status, message, hist, explaining)
