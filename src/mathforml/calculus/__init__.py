"""The calculus pillar: derivatives, automatic differentiation, Taylor series, integrals.

* :mod:`~mathforml.calculus.numeric` — finite differences: ``derivative`` (any
  order, Richardson/Ridders extrapolation), ``gradient_fd``, ``jacobian_fd``,
  ``hessian_fd``.
* :mod:`~mathforml.calculus.autodiff` — reverse-mode automatic differentiation on
  NumPy arrays (a :class:`Tensor` with a tape), forward mode, and the functional
  API ``grad``, ``value_and_grad``, ``jacobian``, ``jvp``, ``vjp``, ``hessian``,
  ``hvp``, ``check_grads``.
* :mod:`~mathforml.calculus.integrate` — ``trapezoid``, ``simpson``,
  ``gauss_legendre``, adaptive Gauss–Kronrod ``quad`` (infinite limits too) and
  ``monte_carlo`` with its standard error.

>>> from mathforml import calculus as calc
>>> calc.hessian(lambda v: (1 - v[0]) ** 2 + 100 * (v[1] - v[0] ** 2) ** 2)([1.0, 1.0])
array([[ 802., -400.],
       [-400.,  200.]])
"""
from . import autodiff, integrate, numeric
from .numeric import derivative, DerivativeResult, gradient_fd, jacobian_fd, hessian_fd, fd_weights
from .integrate import (trapezoid, simpson, legendre_nodes_weights, gauss_legendre, quad,
                        QuadResult, monte_carlo, MonteCarloResult)
from .autodiff import (
    Tensor, no_grad, check_finite_grads,
    exp, log, log1p, sqrt, sin, cos, tanh, sigmoid, relu, softplus, maximum, minimum, where,
    logsumexp, softmax, log_softmax, concatenate, stack,
    grad, value_and_grad, jacobian, jvp, vjp, hessian, hvp, check_grads, chain_rule_table,
)

__all__ = [
    "numeric", "derivative", "DerivativeResult", "gradient_fd", "jacobian_fd", "hessian_fd",
    "fd_weights",
    "integrate", "trapezoid", "simpson", "legendre_nodes_weights", "gauss_legendre", "quad",
    "QuadResult", "monte_carlo", "MonteCarloResult",
    "autodiff", "Tensor", "no_grad", "check_finite_grads",
    "exp", "log", "log1p", "sqrt", "sin", "cos", "tanh", "sigmoid", "relu", "softplus",
    "maximum", "minimum", "where", "logsumexp", "softmax", "log_softmax", "concatenate", "stack",
    "grad", "value_and_grad", "jacobian", "jvp", "vjp", "hessian", "hvp", "check_grads",
    "chain_rule_table",
]
