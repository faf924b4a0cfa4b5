"""Exceptions and warnings raised by mathforml.

``LinAlgError`` subclasses :class:`numpy.linalg.LinAlgError`, so code written
against NumPy keeps catching our errors.

>>> import numpy as np
>>> issubclass(LinAlgError, np.linalg.LinAlgError)
True
"""
from __future__ import annotations

from numpy.linalg import LinAlgError as _NumpyLinAlgError

__all__ = [
    "MathformlError",
    "LinAlgError",
    "IllConditionedWarning",
    "ConvergenceWarning",
    "NormalEquationsWarning",
]


class MathformlError(Exception):
    """Base class of mathforml's own exceptions."""


class LinAlgError(MathformlError, _NumpyLinAlgError):
    """A factorisation or solve failed: singular matrix, not positive definite, ...

    The message names the pivot, column or step that failed.
    """


class IllConditionedWarning(RuntimeWarning):
    """The problem is nearly singular; the answer may have few correct digits.

    Attributes
    ----------
    rcond : float
        Estimate of the reciprocal condition number ``1 / cond(A)``.
    """

    def __init__(self, message: str, rcond: float | None = None):
        super().__init__(message)
        self.rcond = rcond


class ConvergenceWarning(UserWarning):
    """An iterative method stopped before meeting its tolerance."""


class NormalEquationsWarning(RuntimeWarning):
    """Least squares via the normal equations squares the condition number."""
