"""The distribution contract: parameter validation, support masking, sample shapes."""
import numpy as np
import pytest

from mathforml.probability import Binomial, Exponential, Normal, Uniform
from mathforml.probability.distributions._base import (as_data, param, probability_vector,
                                                       sample_shape)


@pytest.mark.parametrize("kwargs,match", [
    ({"positive": True, "value": 0.0}, "scale must be > 0, got 0.0"),
    ({"nonnegative": True, "value": [1.0, -2.0]}, "scale must be >= 0, got -2.0"),
    ({"unit": True, "value": 1.5}, r"scale must be in \[0, 1\], got 1.5"),
    ({"integer": True, "value": 2.5}, "scale must be a whole number, got 2.5"),
    ({"value": np.inf}, "scale must be finite, got inf"),
    ({"value": []}, "scale must not be empty"),
])
def test_param_errors_name_the_parameter_and_value(kwargs, match):
    value = kwargs.pop("value")
    with pytest.raises(ValueError, match=match):
        param(value, "scale", **kwargs)


def test_param_types():
    assert param(3, "n").dtype == np.float64
    assert param(np.float32(2), "x").dtype == np.float32
    for bad in ("3", None, 1 + 2j):
        with pytest.raises(TypeError):
            param(bad, "x")


def test_probability_vector():
    np.testing.assert_array_equal(probability_vector([[0.5, 0.5], [0.2, 0.8]]),
                                  [[0.5, 0.5], [0.2, 0.8]])
    with pytest.raises(ValueError, match="must sum to 1"):
        probability_vector([[0.5, 0.5], [0.2, 0.7]])
    with pytest.raises(ValueError, match="vector of probabilities"):
        probability_vector(0.5)


def test_sample_shape_rules():
    assert sample_shape(None, (3,)) == (3,)
    assert sample_shape(4, ()) == (4,)
    assert sample_shape((5, 3), (3,)) == (5, 3)
    with pytest.raises(ValueError, match="must contain the parameters' shape"):
        sample_shape(3, (2, 3))
    with pytest.raises(ValueError, match="does not broadcast"):
        sample_shape((4,), (3,))
    with pytest.raises(ValueError, match="must not be negative"):
        sample_shape(-1, ())
    for bad in (2.5, "ten", (2, "a"), (True, 2)):
        with pytest.raises(TypeError, match="size must be None, an int or a tuple of ints"):
            sample_shape(bad, ())


def test_support_masking_and_nan():
    u = Uniform(0.0, 2.0)
    np.testing.assert_array_equal(u.pdf([-1.0, 0.5, 3.0]), [0.0, 0.5, 0.0])
    assert u.logpdf(5.0) == -np.inf
    assert np.isnan(u.pdf(np.nan)) and np.isnan(Normal().cdf(np.nan))
    np.testing.assert_array_equal(Exponential(rate=2.0).cdf([-1.0, np.inf]), [0.0, 1.0])
    np.testing.assert_array_equal(Exponential(rate=2.0).sf([-1.0, np.inf]), [1.0, 0.0])
    b = Binomial(4, 0.5)
    assert b.pmf(1.5) == 0.0 and b.logpmf(1.5) == -np.inf and b.pmf(-1) == 0.0
    assert b.cdf(1.5) == b.cdf(1.0)                      # a step function
    assert b.support() == (0.0, 4.0)


def test_vectorised_over_parameters_and_points():
    d = Normal(loc=np.array([0.0, 1.0, 2.0]), scale=2.0)
    assert d.batch_shape == (3,)
    np.testing.assert_allclose(d.cdf([0.0, 1.0, 2.0]), 0.5)
    assert d.cdf(np.zeros((4, 3))).shape == (4, 3)
    assert d.sample(rng=0).shape == (3,) and d.sample((10, 3), rng=0).shape == (10, 3)
    assert d.params["scale"] == 2.0 and repr(Normal(1.0, 2.0)) == "Normal(loc=1, scale=2)"


def test_as_data():
    with pytest.raises(ValueError, match="needs at least 2 observations to fit, got 1"):
        as_data([1.0], min_size=2)
    with pytest.raises(ValueError, match="must be 1-D"):
        as_data([[1.0]])
    with pytest.raises(ValueError, match="NaN"):
        as_data([1.0, np.nan])
    with pytest.raises(TypeError, match="numeric"):
        as_data(["a"])
