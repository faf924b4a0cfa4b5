"""The calculus pillar: derivatives, automatic differentiation, Taylor series, integrals.

* :mod:`~mathforml.calculus.autodiff` — reverse-mode automatic differentiation on
  NumPy arrays (a :class:`Tensor` with a tape), forward mode, and the functional
  API ``grad``, ``value_and_grad``, ``jacobian``, ``jvp``, ``vjp``, ``hessian``,
  ``hvp``, ``check_grads``.

>>> from mathforml import calculus as calc
>>> calc.hessian(lambda v: (1 - v[0]) ** 2 + 100 * (v[1] - v[0] ** 2) ** 2)([1.0, 1.0])
array([[ 802., -400.],
       [-400.,  200.]])
"""
from . import autodiff
from .autodiff import (
    Tensor, no_grad, check_finite_grads,
    exp, log, log1p, sqrt, sin, cos, tanh, sigmoid, relu, softplus, maximum, minimum, where,
    logsumexp, softmax, log_softmax, concatenate, stack,
    grad, value_and_grad, jacobian, jvp, vjp, hessian, hvp, check_grads, chain_rule_table,
)

__all__ = [
    "autodiff", "Tensor", "no_grad", "check_finite_grads",
    "exp", "log", "log1p", "sqrt", "sin", "cos", "tanh", "sigmoid", "relu", "softplus",
    "maximum", "minimum", "where", "logsumexp", "softmax", "log_softmax", "concatenate", "stack",
    "grad", "value_and_grad", "jacobian", "jvp", "vjp", "hessian", "hvp", "check_grads",
    "chain_rule_table",
]
