"""The calculus pillar: derivatives, automatic differentiation, Taylor series, integrals.

* :mod:`~mathforml.calculus.numeric` — finite differences: ``derivative`` (any
  order, Richardson/Ridders extrapolation), ``gradient_fd``, ``jacobian_fd``,
  ``hessian_fd``.
* :mod:`~mathforml.calculus.autodiff` — reverse-mode automatic differentiation on
  NumPy arrays (a :class:`Tensor` with a tape), forward mode, and the functional
  API ``grad``, ``value_and_grad``, ``jacobian``, ``jvp``, ``vjp``, ``hessian``,
  ``hvp``, ``check_grads``.
* :mod:`~mathforml.calculus.taylor` — Taylor coefficients by Taylor-mode
  propagation over the tape, Taylor polynomials, quadratic approximations.
* :mod:`~mathforml.calculus.expression` — a safe parser (an ``ast`` whitelist,
  never ``eval``) turning text such as ``"x**2*sin(x)"`` into a differentiable
  function; the ``mathforml explain derivative|grad|taylor`` commands use it.
* :mod:`~mathforml.calculus.integrate` — ``trapezoid``, ``simpson``,
  ``gauss_legendre``, adaptive Gauss–Kronrod ``quad`` (infinite limits too) and
  ``monte_carlo`` with its standard error.

>>> from mathforml import calculus as calc
>>> calc.hessian(lambda v: (1 - v[0]) ** 2 + 100 * (v[1] - v[0] ** 2) ** 2)([1.0, 1.0])
array([[ 802., -400.],
       [-400.,  200.]])
"""
from . import autodiff, expression, integrate, numeric, taylor
from .taylor import (taylor_coefficients, taylor_polynomial, TaylorPolynomial,
                     quadratic_approximation, QuadraticApproximation)
from .expression import parse_expression, Expression, ExpressionError
from .numeric import derivative, DerivativeResult, gradient_fd, jacobian_fd, hessian_fd, fd_weights
from .integrate import (trapezoid, simpson, legendre_nodes_weights, gauss_legendre, quad,
                        QuadResult, monte_carlo, MonteCarloResult)
from .autodiff import (
    Tensor, no_grad, check_finite_grads,
    exp, log, log1p, sqrt, sin, cos, tanh, sigmoid, relu, softplus, maximum, minimum, where,
    logsumexp, softmax, log_softmax, cross_entropy, concatenate, stack,
    grad, value_and_grad, jacobian, jvp, vjp, hessian, hvp, check_grads, chain_rule_table,
)

__all__ = [
    "numeric", "derivative", "DerivativeResult", "gradient_fd", "jacobian_fd", "hessian_fd",
    "fd_weights",
    "integrate", "trapezoid", "simpson", "legendre_nodes_weights", "gauss_legendre", "quad",
    "QuadResult", "monte_carlo", "MonteCarloResult",
    "taylor", "taylor_coefficients", "taylor_polynomial", "TaylorPolynomial",
    "quadratic_approximation", "QuadraticApproximation",
    "expression", "parse_expression", "Expression", "ExpressionError",
    "autodiff", "Tensor", "no_grad", "check_finite_grads",
    "exp", "log", "log1p", "sqrt", "sin", "cos", "tanh", "sigmoid", "relu", "softplus",
    "maximum", "minimum", "where", "logsumexp", "softmax", "log_softmax", "cross_entropy",
    "concatenate", "stack",
    "grad", "value_and_grad", "jacobian", "jvp", "vjp", "hessian", "hvp", "check_grads",
    "chain_rule_table",
]
