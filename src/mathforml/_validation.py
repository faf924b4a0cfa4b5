"""Input validation shared by every pillar.

Each helper turns user input into a float ndarray or raises an error that
names the argument and what is wrong with it (its shape, dtype or value).

Rules
-----
* bool and integer input is promoted to float64; float32 stays float32
  (float16 is promoted to float32); other floats become float64.
* complex input raises :class:`TypeError` (unsupported).
* NaN or infinity raises :class:`ValueError` unless ``check_finite=False``.

>>> as_float_array([[1, 2], [3, 4]], "A").dtype
dtype('float64')
>>> as_float_array(np.ones(2, dtype=np.float32), "x").dtype
dtype('float32')
>>> as_float_array([1.0, float("nan")], "x")
Traceback (most recent call last):
...
ValueError: x contains NaN or infinity (1 non-finite of 2 entries)
"""
from __future__ import annotations

import warnings
from numbers import Integral, Real

import numpy as np

from .exceptions import IllConditionedWarning

__all__ = [
    "as_float_array",
    "as_matrix",
    "as_square_matrix",
    "check_finite",
    "check_square",
    "check_vector_rhs",
    "result_dtype",
    "eps_of",
    "check_int",
    "check_real",
    "check_option",
    "warn_ill_conditioned",
    "as_rng",
]


def _float_dtype(dt: np.dtype, name: str) -> np.dtype:
    if dt.kind == "c":
        raise TypeError(f"{name} has complex dtype {dt}; complex input is not supported")
    if dt.kind in "biu":
        return np.dtype(np.float64)
    if dt.kind == "f":
        if dt.itemsize <= 4:
            return np.dtype(np.float32)
        return np.dtype(np.float64)
    raise TypeError(f"{name} must be numeric, got dtype {dt}")


def check_finite(a: np.ndarray, name: str = "a") -> np.ndarray:
    """Raise ValueError if ``a`` holds NaN or infinity."""
    if a.size and not np.isfinite(a).all():
        bad = int(a.size - np.count_nonzero(np.isfinite(a)))
        raise ValueError(f"{name} contains NaN or infinity ({bad} non-finite of {a.size} entries)")
    return a


_require_finite = check_finite  # as_float_array's keyword shadows the name


def as_float_array(a, name: str = "a", *, ndim: int | tuple | None = None,
                   check_finite: bool = True, copy: bool = False,
                   dtype: np.dtype | None = None) -> np.ndarray:
    """Convert ``a`` to a float ndarray, validating dtype, dimensions and finiteness.

    Parameters
    ----------
    a : array_like
        The input.
    name : str
        How error messages refer to it.
    ndim : int or tuple of int, optional
        Allowed numbers of dimensions.
    check_finite : bool
        Reject NaN and infinity.
    copy : bool
        Always return a fresh array (algorithms that work in place ask for this).
    dtype : dtype, optional
        Force this float dtype instead of the promotion rules.
    """
    if isinstance(a, np.ndarray):
        arr = a
    else:
        try:
            arr = np.asarray(a)
        except (ValueError, TypeError) as exc:  # ragged nested lists, etc.
            raise ValueError(f"{name} could not be read as an array: {exc}") from None
    if arr.dtype.kind == "O":
        try:
            arr = arr.astype(np.float64)
        except (ValueError, TypeError):
            raise TypeError(f"{name} must be numeric, got an object array") from None
    target = np.dtype(dtype) if dtype is not None else _float_dtype(arr.dtype, name)
    if arr.dtype.kind == "c":
        _float_dtype(arr.dtype, name)  # raises TypeError
    if ndim is not None:
        allowed = (ndim,) if isinstance(ndim, Integral) else tuple(ndim)
        if arr.ndim not in allowed:
            want = " or ".join(f"{d}-D" for d in allowed)
            raise ValueError(f"{name} must be {want}, got {arr.ndim}-D array of shape {arr.shape}")
    arr = np.array(arr, dtype=target, copy=True) if copy else np.asarray(arr, dtype=target)
    if check_finite:
        _require_finite(arr, name)
    return arr


def as_matrix(A, name: str = "A", **kwargs) -> np.ndarray:
    """A 2-D float array (see :func:`as_float_array`)."""
    return as_float_array(A, name, ndim=2, **kwargs)


def check_square(A: np.ndarray, name: str = "A") -> np.ndarray:
    """Raise ValueError naming the shape unless ``A`` is a square 2-D array."""
    if A.ndim != 2 or A.shape[0] != A.shape[1]:
        raise ValueError(f"{name} must be square, got shape {A.shape}")
    return A


def as_square_matrix(A, name: str = "A", **kwargs) -> np.ndarray:
    """A square 2-D float array.

    >>> as_square_matrix(np.ones((2, 3)))
    Traceback (most recent call last):
    ...
    ValueError: A must be square, got shape (2, 3)
    """
    return check_square(as_matrix(A, name, **kwargs), name)


def check_vector_rhs(A: np.ndarray, b, name_A: str = "A", name_b: str = "b",
                     check_finite: bool = True) -> np.ndarray:
    """Validate a right-hand side ``b`` (1-D or 2-D) against the rows of ``A``."""
    b = as_float_array(b, name_b, ndim=(1, 2), check_finite=check_finite)
    if b.shape[0] != A.shape[0]:
        raise ValueError(
            f"shapes do not match: {name_A} has shape {A.shape} but {name_b} has shape "
            f"{b.shape}; {name_b} needs {A.shape[0]} rows"
        )
    return b


def result_dtype(*arrays: np.ndarray) -> np.dtype:
    """float32 when every input is float32, else float64."""
    if arrays and all(a.dtype == np.float32 for a in arrays):
        return np.dtype(np.float32)
    return np.dtype(np.float64)


def eps_of(dtype) -> float:
    """Machine epsilon of a float dtype."""
    return float(np.finfo(dtype).eps)


def check_int(value, name: str, *, minimum: int | None = None, maximum: int | None = None) -> int:
    """Validate an integer parameter, naming it in the error."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, Integral):
        raise TypeError(f"{name} must be an integer, got {value!r}")
    value = int(value)
    if minimum is not None and value < minimum:
        raise ValueError(f"{name} must be >= {minimum}, got {value}")
    if maximum is not None and value > maximum:
        raise ValueError(f"{name} must be <= {maximum}, got {value}")
    return value


def check_real(value, name: str, *, positive: bool = False, nonnegative: bool = False) -> float:
    """Validate a real scalar parameter, naming it in the error."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, Real):
        raise TypeError(f"{name} must be a real number, got {value!r}")
    value = float(value)
    if not np.isfinite(value):
        raise ValueError(f"{name} must be finite, got {value}")
    if positive and value <= 0:
        raise ValueError(f"{name} must be > 0, got {value}")
    if nonnegative and value < 0:
        raise ValueError(f"{name} must be >= 0, got {value}")
    return value


def check_option(value, name: str, options) -> str:
    """Validate a string option, listing the valid names in the error.

    >>> check_option("svd", "method", ("qr", "svd", "normal"))
    'svd'
    >>> check_option("lu", "method", ("qr", "svd", "normal"))
    Traceback (most recent call last):
    ...
    ValueError: method must be one of 'qr', 'svd', 'normal'; got 'lu'
    """
    if value not in options:
        valid = ", ".join(repr(o) for o in options)
        raise ValueError(f"{name} must be one of {valid}; got {value!r}")
    return value


def warn_ill_conditioned(rcond: float, dtype, what: str = "matrix", stacklevel: int = 3) -> None:
    """Warn when the reciprocal condition estimate is below machine epsilon."""
    if rcond < eps_of(dtype):
        warnings.warn(
            IllConditionedWarning(
                f"{what} is ill-conditioned: reciprocal condition number estimate "
                f"{rcond:.3g} is below machine epsilon {eps_of(dtype):.3g}; "
                "the result may be inaccurate",
                rcond,
            ),
            stacklevel=stacklevel,
        )


def as_rng(random_state) -> np.random.Generator:
    """Turn None, an int seed or a Generator into a :class:`numpy.random.Generator`."""
    if isinstance(random_state, np.random.Generator):
        return random_state
    if random_state is None or isinstance(random_state, Integral):
        return np.random.default_rng(random_state)
    if isinstance(random_state, np.random.RandomState):
        return np.random.default_rng(random_state.randint(2**31 - 1))
    raise TypeError(f"random_state must be None, an int or a numpy Generator, got {random_state!r}")
