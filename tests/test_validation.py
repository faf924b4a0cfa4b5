"""Validation helpers: promotion rules and messages that name the culprit."""
from __future__ import annotations

import warnings

import numpy as np
import pytest

from mathforml._validation import (as_float_array, as_matrix, as_rng, as_square_matrix, check_int,
                                   check_option, check_real, check_vector_rhs, result_dtype,
                                   warn_ill_conditioned)
from mathforml.exceptions import IllConditionedWarning, LinAlgError


@pytest.mark.parametrize("dtype, want", [(bool, np.float64), (np.int8, np.float64), (np.int64, np.float64),
                                         (np.uint16, np.float64), (np.float16, np.float32),
                                         (np.float32, np.float32), (np.float64, np.float64)])
def test_dtype_promotion(dtype, want):
    assert as_float_array(np.ones(3, dtype=dtype)).dtype == want


def test_complex_is_a_type_error():
    with pytest.raises(TypeError, match="complex"):
        as_float_array(np.ones(2, dtype=complex), "A")


def test_strings_are_a_type_error():
    with pytest.raises(TypeError, match="numeric"):
        as_float_array(np.array(["a", "b"]), "A")


def test_ragged_is_a_value_error():
    with pytest.raises(ValueError, match="could not be read"):
        as_float_array([[1, 2], [3]], "A")


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_non_finite(bad):
    with pytest.raises(ValueError, match="A contains NaN or infinity"):
        as_matrix([[1.0, bad]], "A")
    assert np.isnan(as_matrix([[1.0, np.nan]], "A", check_finite=False)).any()


def test_ndim_and_square_messages():
    with pytest.raises(ValueError, match=r"A must be 2-D, got 1-D array of shape \(3,\)"):
        as_matrix([1, 2, 3], "A")
    with pytest.raises(ValueError, match=r"A must be square, got shape \(2, 3\)"):
        as_square_matrix(np.ones((2, 3)), "A")


def test_rhs_rows_must_match():
    A = np.ones((3, 3))
    with pytest.raises(ValueError, match=r"A has shape \(3, 3\) but b has shape \(2,\)"):
        check_vector_rhs(A, [1.0, 2.0])
    assert check_vector_rhs(A, np.ones((3, 2))).shape == (3, 2)


def test_copy_is_fresh():
    a = np.ones(3)
    assert as_float_array(a) is a
    assert as_float_array(a, copy=True) is not a


def test_result_dtype():
    f32, f64 = np.ones(1, np.float32), np.ones(1)
    assert result_dtype(f32, f32) == np.float32
    assert result_dtype(f32, f64) == np.float64


def test_parameter_checks():
    assert check_int(3, "k", minimum=1) == 3
    with pytest.raises(ValueError, match="k must be >= 1, got 0"):
        check_int(0, "k", minimum=1)
    with pytest.raises(TypeError, match="k must be an integer"):
        check_int(2.5, "k")
    with pytest.raises(TypeError, match="k must be an integer"):
        check_int(True, "k")
    with pytest.raises(ValueError, match="tol must be > 0"):
        check_real(0.0, "tol", positive=True)
    with pytest.raises(ValueError, match="must be one of 'a', 'b'; got 'c'"):
        check_option("c", "method", ("a", "b"))


def test_ill_conditioned_warning_carries_the_estimate():
    with pytest.warns(IllConditionedWarning, match="reciprocal condition number") as rec:
        warn_ill_conditioned(1e-20, np.float64, "A")
    assert rec[0].message.rcond == 1e-20
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        warn_ill_conditioned(1e-3, np.float64, "A")  # well-conditioned: silent


def test_linalg_error_is_numpys():
    with pytest.raises(np.linalg.LinAlgError):
        raise LinAlgError("singular")


def test_as_rng():
    assert isinstance(as_rng(3), np.random.Generator)
    g = np.random.default_rng(0)
    assert as_rng(g) is g
    assert as_rng(5).random() == np.random.default_rng(5).random()
    with pytest.raises(TypeError, match="random_state"):
        as_rng("seed")
