"""Reverse-mode automatic differentiation on NumPy arrays.

A :class:`Tensor` records the operations applied to it; :meth:`Tensor.backward`
sweeps that tape backwards applying one vector–Jacobian rule per operation
(the table is in :mod:`mathforml.calculus.autodiff.ops`).  The functional API
(:func:`grad`, :func:`value_and_grad`, :func:`jacobian`, :func:`jvp`,
:func:`vjp`, :func:`hessian`, :func:`hvp`) follows JAX's names and composes:
``grad(grad(f))`` is the second derivative.

>>> import numpy as np
>>> from mathforml.calculus.autodiff import grad, sin
>>> round(float(grad(sin)(0.0)), 12)
1.0
>>> round(float(grad(grad(sin))(0.5)), 12) == round(float(-np.sin(0.5)), 12)
True
"""
from .tensor import Tensor, no_grad, check_finite_grads, unbroadcast
from .ops import (
    add, sub, mul, div, pow, neg, matmul, exp, log, log1p, sqrt, abs, sin, cos, tanh,
    sigmoid, relu, softplus, maximum, minimum, where, sum, mean, max, logsumexp, softmax,
    log_softmax, cross_entropy, reshape, transpose, broadcast_to, getitem, concatenate, stack, RULES,
)
from .functional import grad, value_and_grad, jacobian, jvp, vjp, hessian, hvp, check_grads
from .walkthrough import chain_rule_table

__all__ = [
    "Tensor", "no_grad", "check_finite_grads", "unbroadcast",
    "add", "sub", "mul", "div", "pow", "neg", "matmul", "exp", "log", "log1p", "sqrt", "abs",
    "sin", "cos", "tanh", "sigmoid", "relu", "softplus", "maximum", "minimum", "where", "sum",
    "mean", "max", "logsumexp", "softmax", "log_softmax", "cross_entropy", "reshape", "transpose",
    "broadcast_to", "getitem", "concatenate", "stack", "RULES",
    "grad", "value_and_grad", "jacobian", "jvp", "vjp", "hessian", "hvp", "check_grads",
    "chain_rule_table",
]
