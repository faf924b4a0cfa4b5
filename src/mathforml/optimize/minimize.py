r"""One entry point for every minimiser: ``minimize(fun, x0, method=...)``.

The dispatcher follows ``scipy.optimize.minimize``: the method is named by a
string, method-specific settings go in ``options``, and the answer is an
:class:`~mathforml.optimize.OptimizeResult` — with, in addition, the
``history`` of every iterate for plotting.  When ``jac`` is not given the
gradient comes from our reverse-mode autodiff, so ``fun`` must be written with
NumPy ufuncs and ``@`` (``np.exp``, ``np.sum``, ...), which run on autodiff
tensors.

Methods
-------
========================  ==============================================  ==========
name                      algorithm                                       derivatives
========================  ==============================================  ==========
``gd``                    gradient descent (fixed rate, schedule or       gradient
                          line search)
``momentum``              heavy-ball momentum                             gradient
``nesterov``              Nesterov accelerated gradient                   gradient
``adagrad``               AdaGrad                                         gradient
``rmsprop``               RMSProp                                         gradient
``adam``                  Adam                                            gradient
``newton``                Newton's method, damped and regularised         Hessian
``newton-cg``             truncated Newton on Hessian-vector products     Hessian
``bfgs``                  BFGS quasi-Newton with a strong-Wolfe search    gradient
``l-bfgs``                limited-memory BFGS (two-loop recursion)        gradient
``cg``                    nonlinear conjugate gradient                    gradient
``nelder-mead``           Nelder–Mead simplex                             none
``simulated-annealing``   simulated annealing                             none
========================  ==============================================  ==========

>>> import numpy as np
>>> res = minimize(lambda x: (x[0] - 3.0) ** 2, [7.0], method="gd", options={"lr": 0.1})
>>> res.history.x[:3, 0]
array([7.  , 6.2 , 5.56])
>>> bool(res.success), round(float(res.x[0]), 6)
(True, 3.0)
"""
from __future__ import annotations

import importlib
import inspect
import warnings

from ..explain import section
from .._validation import check_option

__all__ = ["minimize", "METHODS"]

#: method name -> (module, function, uses jac, uses hess)
METHODS: dict = {
    "gd": ("gradient", "gradient_descent", True, False),
    "momentum": ("gradient", "momentum", True, False),
    "nesterov": ("gradient", "nesterov", True, False),
    "adagrad": ("gradient", "adagrad", True, False),
    "rmsprop": ("gradient", "rmsprop", True, False),
    "adam": ("gradient", "adam", True, False),
    "newton": ("newton", "newton", True, True),
    "newton-cg": ("newton", "newton_cg", True, True),
    "bfgs": ("quasi_newton", "bfgs", True, False),
    "l-bfgs": ("quasi_newton", "lbfgs", True, False),
    "cg": ("conjugate_gradient", "nonlinear_cg", True, False),
    "nelder-mead": ("nelder_mead", "nelder_mead", False, False),
    "simulated-annealing": ("annealing", "simulated_annealing", False, False),
}

_ALIASES = {
    "gradient-descent": "gd", "sgd": "gd", "lbfgs": "l-bfgs", "l-bfgs-b": "l-bfgs",
    "nm": "nelder-mead", "anneal": "simulated-annealing",
    "annealing": "simulated-annealing", "sa": "simulated-annealing",
}


def resolve_method(method: str):
    """Return ``(canonical name, function, uses_jac, uses_hess)`` for a method name.

    Names are case-insensitive and ``_`` equals ``-``; SciPy's spellings
    (``"L-BFGS-B"``, ``"Nelder-Mead"``, ``"Newton-CG"``) are accepted.

    >>> resolve_method("L-BFGS-B")[0]
    'l-bfgs'
    >>> resolve_method("simplex")
    Traceback (most recent call last):
    ...
    ValueError: method must be one of 'gd', 'momentum', 'nesterov', 'adagrad', 'rmsprop', 'adam', 'newton', 'newton-cg', 'bfgs', 'l-bfgs', 'cg', 'nelder-mead', 'simulated-annealing'; got 'simplex'
    """
    if not isinstance(method, str):
        raise TypeError(f"method must be a string, got {method!r}")
    key = method.strip().lower().replace("_", "-")
    key = _ALIASES.get(key, key)
    if key not in METHODS:
        check_option(method, "method", tuple(METHODS))
    module, name, uses_jac, uses_hess = METHODS[key]
    fn = getattr(importlib.import_module(f"{__package__}.{module}"), name)
    return key, fn, uses_jac, uses_hess


def minimize(fun, x0, method: str = "bfgs", *, jac=None, hess=None, args=(),
             options: dict | None = None, callback=None):
    r"""Minimise a scalar function of a vector with the named method.

    Parameters
    ----------
    fun : callable
        ``fun(x, *args) -> float`` for a 1-D array ``x`` (``x0`` is flattened).
    x0 : array_like
        The starting point (finite).
    method : str, default "bfgs"
        One of the names in the module's table (case-insensitive; SciPy's
        spellings accepted).
    jac : None, True, callable or {"2-point", "3-point"}
        The gradient: None uses autodiff; True means ``fun`` returns
        ``(f, gradient)``.  Ignored (with a warning) by derivative-free methods.
    hess : callable, optional
        ``hess(x, *args) -> (n, n)`` for ``newton``; None uses autodiff.
    args : tuple
        Extra positional arguments for ``fun``, ``jac`` and ``hess``.
    options : dict, optional
        Method settings (``lr``, ``maxiter``, ``gtol``, ``m``, ...): the keyword
        arguments of the method's own function, e.g.
        :func:`~mathforml.optimize.gradient_descent`.
    callback : callable, optional
        ``callback(xk)`` after each iteration; a truthy return stops the run.

    Returns
    -------
    OptimizeResult
        ``x, fun, jac, nit, nfev, njev, nhev, success, status, message`` and
        ``history`` (x, f, gradient norm and step per iteration).

    Raises
    ------
    ValueError
        Unknown method (the message lists the valid names), an option the
        method does not take (the message lists the ones it does), a
        non-finite ``f(x0)``.

    Notes
    -----
    Every method iterates :math:`x_{k+1} = x_k + \alpha_k d_k` with its own
    direction :math:`d_k` (``-g_k`` for gradient descent,
    :math:`-H_k^{-1} g_k` for Newton, :math:`-B_k^{-1} g_k` for the
    quasi-Newton methods) or, for the derivative-free ones, a search over
    trial points; see each method's function for its update rule.

    Examples
    --------
    >>> import numpy as np
    >>> from mathforml.optimize.functions import rosenbrock
    >>> res = minimize(rosenbrock, [-1.2, 1.0], method="bfgs")
    >>> bool(res.success), np.allclose(res.x, [1.0, 1.0], atol=1e-5)
    (True, True)
    """
    name, fn, uses_jac, uses_hess = resolve_method(method)
    options = dict(options or {})
    if not isinstance(options, dict):
        raise TypeError(f"options must be a dict, got {type(options).__name__}")
    accepted = inspect.signature(fn).parameters
    unknown = [k for k in options if k not in accepted or k in ("fun", "x0")]
    if unknown:
        valid = [p for p in accepted if p not in ("fun", "x0", "jac", "hess", "args", "callback")
                 and accepted[p].kind is not inspect.Parameter.VAR_KEYWORD]
        raise ValueError(f"method {name!r} does not take option(s) {', '.join(map(repr, unknown))}; "
                         f"its options are {', '.join(map(repr, valid))}")
    kwargs = {"args": args, "callback": callback}
    if uses_jac:
        kwargs["jac"] = jac
    elif jac is not None:
        warnings.warn(f"method {name!r} does not use gradients; jac is ignored",
                      RuntimeWarning, stacklevel=2)
    if uses_hess:
        kwargs["hess"] = hess
    elif hess is not None:
        warnings.warn(f"method {name!r} does not use the Hessian; hess is ignored",
                      RuntimeWarning, stacklevel=2)
    kwargs = {k: v for k, v in kwargs.items() if k in accepted}
    with section(f"minimize with {name}"):
        return fn(fun, x0, **kwargs, **options)
