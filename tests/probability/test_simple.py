"""Tests for mathforml.probability.distributions.simple (Uniform, Exponential) against scipy.stats."""
import math

import numpy as np
import pytest
import scipy.stats as st

from mathforml.calculus.numeric import derivative
from mathforml.explain import explain
from mathforml.probability.distributions.simple import Exponential, Uniform


# ---------------------------------------------------------------------------
# Uniform
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("low, high", [(0.0, 1.0), (-3.0, 5.0), (1e6, 1e6 + 0.5), (-1e-3, 0.0)])
def test_uniform_matches_scipy(low, high):
    d = Uniform(low, high)
    ref = st.uniform(loc=low, scale=high - low)
    w = high - low
    x = np.concatenate([np.linspace(low - w, high + w, 301), [low, high, -np.inf, np.inf]])
    for name in ("pdf", "logpdf", "cdf", "sf"):
        np.testing.assert_allclose(getattr(d, name)(x), getattr(ref, name)(x), rtol=1e-13,
                                   atol=1e-300, err_msg=name)
    q = np.linspace(0, 1, 101)
    np.testing.assert_allclose(d.ppf(q), ref.ppf(q), rtol=1e-14, atol=1e-15 * abs(high))
    np.testing.assert_allclose(d.isf(q), ref.isf(q), rtol=1e-14, atol=1e-15 * abs(high))
    np.testing.assert_allclose(d.cdf(d.ppf(q)), q, atol=1e-15 * (1 + abs(low) / w))
    assert d.ppf(0.0) == low and d.ppf(1.0) == high
    assert d.isf(0.0) == high and d.isf(1.0) == low
    assert d.mean() == pytest.approx(ref.mean(), rel=1e-15)
    assert d.var() == pytest.approx(ref.var(), rel=1e-14)
    assert d.entropy() == pytest.approx(ref.entropy(), rel=1e-14, abs=1e-15)
    assert d.support() == (low, high)


def test_uniform_hand_values_and_edges():
    d = Uniform(2.0, 6.0)
    assert d.pdf(2.0) == 0.25 and d.pdf(6.0) == 0.25 and d.pdf(1.999) == 0.0
    assert d.logpdf(7.0) == -np.inf and d.logpdf(4.0) == -math.log(4.0)
    assert d.cdf(1.0) == 0.0 and d.cdf(7.0) == 1.0 and d.sf(1.0) == 1.0 and d.sf(7.0) == 0.0
    assert math.isnan(d.pdf(np.nan)) and math.isnan(d.cdf(np.nan))
    assert (d.mean(), d.var(), d.std()) == (4.0, 16 / 12, math.sqrt(16 / 12))
    assert type(d.pdf(3.0)) is float and type(d.sample(rng=0)) is float


def test_uniform_pdf_is_derivative_of_cdf():
    d = Uniform(-1.0, 3.0)
    x = np.linspace(-0.9, 2.9, 20)
    np.testing.assert_allclose(derivative(d.cdf, x, h=1e-3), d.pdf(x), rtol=1e-10)


def test_uniform_vectorised():
    low = np.array([[0.0], [-1.0]])
    high = np.array([1.0, 2.0, 4.0])
    d = Uniform(low, high)
    assert d.batch_shape == (2, 3)
    x = np.array([0.5, -0.5, 3.0])
    ref = st.uniform(loc=low, scale=high - low)
    for name in ("pdf", "logpdf", "cdf", "sf"):
        np.testing.assert_allclose(getattr(d, name)(x), getattr(ref, name)(x), rtol=1e-14)
    np.testing.assert_allclose(d.ppf(0.25), ref.ppf(0.25), rtol=1e-14)
    np.testing.assert_allclose(d.entropy(), ref.entropy(), rtol=1e-14)
    s = d.sample((4000, 2, 3), rng=0)
    assert s.shape == (4000, 2, 3)
    assert ((s >= low) & (s < high)).all()


@pytest.mark.parametrize("seed", [0, 1])
def test_uniform_sample_moments_within_5_sigma(seed):
    low, high, n = -2.0, 6.0, 200_000
    x = Uniform(low, high).sample(n, rng=seed)
    var = (high - low) ** 2 / 12
    assert abs(x.mean() - 2.0) <= 5 * math.sqrt(var / n)
    mu4 = (high - low) ** 4 / 80                    # fourth central moment
    assert abs(x.var() - var) <= 5 * math.sqrt((mu4 - var ** 2) / n)
    assert x.min() >= low and x.max() < high
    np.testing.assert_array_equal(x, low + (high - low) * np.random.default_rng(seed).random(n))


def test_uniform_fit_and_explain():
    x = np.array([3.0, 5.0, 4.5, 3.25])
    with explain() as work:
        d = Uniform.fit(x)
    assert d.params == {"low": 3.0, "high": 5.0}
    (ss,) = work.find("Sufficient statistics")
    assert ss.values == {"n": 4, "min": 3.0, "max": 5.0}
    (mle,) = work.find("Maximum-likelihood")
    assert mle.values == {"low_hat": 3.0, "high_hat": 5.0}
    # scipy's uniform.fit is also the (min, max) MLE
    y = np.random.default_rng(2).uniform(-1, 2, size=300)
    loc, scale = st.uniform.fit(y)
    e = Uniform.fit(y)
    assert e.params["low"] == pytest.approx(loc, rel=1e-14)
    assert e.params["high"] == pytest.approx(loc + scale, rel=1e-14)
    assert Uniform.fit(y).params == e.params


@pytest.mark.parametrize("data, match", [
    ([], "at least 2 observations"),
    ([1.0], "at least 2 observations"),
    ([2.0, 2.0, 2.0], "constant"),
    ([0.0, np.inf], "NaN or infinity"),
])
def test_uniform_fit_bad_data(data, match):
    with pytest.raises(ValueError, match=match):
        Uniform.fit(data)


@pytest.mark.parametrize("kwargs, match", [
    (dict(low=1.0, high=1.0), r"high must be > low, got low=1.0, high=1.0"),
    (dict(low=2.0, high=1.0), r"high must be > low, got low=2.0, high=1.0"),
    (dict(low=[0.0, 3.0], high=[1.0, 2.0]), r"high must be > low, got low=3.0, high=2.0"),
    (dict(low=np.nan), "low must be finite"),
    (dict(high=np.inf), "high must be finite"),
    (dict(low=-1e308, high=1e308), "too wide"),
    (dict(low=[0.0, 1.0], high=[2.0, 3.0, 4.0]), "do not broadcast"),
])
def test_uniform_bad_parameters(kwargs, match):
    with pytest.raises(ValueError, match=match):
        Uniform(**kwargs)


def test_uniform_bad_q():
    with pytest.raises(ValueError, match=r"q must be in \[0, 1\], got 2.0"):
        Uniform().ppf(2.0)


# ---------------------------------------------------------------------------
# Exponential
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("rate", [1.0, 0.25, 3.0, 1e-5, 1e5])
def test_exponential_matches_scipy_including_tails(rate):
    d = Exponential(rate)
    ref = st.expon(scale=1 / rate)
    x = np.concatenate([[-1.0, 0.0], np.logspace(-12, 2.8, 200) / rate, [np.inf]])
    # exp(-lambda x) with lambda x up to 631 amplifies the argument's rounding ~631-fold
    for name in ("pdf", "logpdf", "cdf", "sf", "logsf", "logcdf"):
        np.testing.assert_allclose(getattr(d, name)(x), getattr(ref, name)(x), rtol=3e-13,
                                   atol=1e-300, err_msg=name)
    assert d.logsf(1e4 / rate) == pytest.approx(-1e4, rel=1e-15)       # sf itself underflows
    assert d.logcdf(1e-200 / rate) == pytest.approx(math.log(1e-200), rel=1e-13)
    # far tail: sf keeps relative accuracy where 1 - cdf is 0
    assert d.sf(700.0 / rate) == pytest.approx(math.exp(-700.0), rel=1e-13)
    assert d.cdf(1e-12 / rate) == pytest.approx(1e-12, rel=1e-12)       # expm1, not 1 - exp
    q = np.concatenate([[0.0], np.logspace(-300, -1, 100), np.linspace(0.1, 0.9, 9),
                        1 - np.logspace(-16, -1, 50), [1.0]])
    np.testing.assert_allclose(d.ppf(q), ref.ppf(q), rtol=1e-14)
    np.testing.assert_allclose(d.isf(q), ref.isf(q), rtol=1e-14)
    inner = (q > 0) & (q < 1)
    np.testing.assert_allclose(d.cdf(d.ppf(q[inner])), q[inner], rtol=2e-15)
    np.testing.assert_allclose(d.sf(d.isf(q[inner])), q[inner], rtol=1e-15 * 700)
    assert d.mean() == pytest.approx(ref.mean(), rel=1e-15)
    assert d.var() == pytest.approx(ref.var(), rel=1e-15)
    assert d.entropy() == pytest.approx(ref.entropy(), rel=1e-14)
    assert d.support() == (0.0, np.inf)


def test_exponential_hand_values():
    d = Exponential(rate=2.0)
    assert d.pdf(0.0) == 2.0 and d.pdf(-0.1) == 0.0 and d.logpdf(-1.0) == -np.inf
    assert d.cdf(-1.0) == 0.0 and d.sf(-1.0) == 1.0 and d.cdf(np.inf) == 1.0
    assert d.ppf(0.0) == 0.0 and d.ppf(1.0) == np.inf and d.isf(0.0) == np.inf
    assert d.ppf(0.5) == pytest.approx(math.log(2) / 2, rel=1e-15)
    assert (d.mean(), d.var(), d.std()) == (0.5, 0.25, 0.5)
    assert d.entropy() == pytest.approx(1 - math.log(2), rel=1e-15)
    assert float(d.scale) == 0.5


def test_exponential_rate_scale_and_default():
    assert Exponential().params == {"rate": 1.0}
    assert Exponential(scale=4.0).params == {"rate": 0.25}
    np.testing.assert_array_equal(Exponential(scale=[2.0, 0.5]).rate, [0.5, 2.0])
    np.testing.assert_array_equal(Exponential([2.0, 4.0]).scale, [0.5, 0.25])
    assert repr(Exponential(2.0)) == "Exponential(rate=2)"


def test_exponential_pdf_is_derivative_of_cdf():
    d = Exponential(1.5)
    x = np.linspace(0.1, 8.0, 30)
    np.testing.assert_allclose(derivative(d.cdf, x), d.pdf(x), rtol=1e-8)


def test_exponential_vectorised():
    rate = np.array([[0.5], [2.0]])
    x = np.array([0.0, 0.3, 1.0, 5.0])
    d = Exponential(rate)
    ref = st.expon(scale=1 / rate)
    for name in ("pdf", "logpdf", "cdf", "sf"):
        np.testing.assert_allclose(getattr(d, name)(x), getattr(ref, name)(x), rtol=1e-14)
    np.testing.assert_allclose(d.ppf(np.array([0.1, 0.5])), ref.ppf(np.array([0.1, 0.5])),
                               rtol=1e-14)
    assert d.sample((10, 2, 3), rng=0).shape == (10, 2, 3)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_exponential_sample_moments_within_5_sigma(seed):
    rate, n = 2.5, 200_000
    x = Exponential(rate).sample(n, rng=seed)
    mean, var = 1 / rate, 1 / rate ** 2
    assert abs(x.mean() - mean) <= 5 * math.sqrt(var / n)
    mu4 = 9 / rate ** 4                               # fourth central moment
    assert abs(x.var() - var) <= 5 * math.sqrt((mu4 - var ** 2) / n)
    assert (x >= 0).all()
    np.testing.assert_array_equal(x, np.random.default_rng(seed).standard_exponential(n) / rate)


def test_exponential_fit_closed_form_scipy_and_explain():
    x = np.random.default_rng(4).exponential(scale=3.0, size=1000)
    with explain() as work:
        d = Exponential.fit(x)
    assert d.params["rate"] == pytest.approx(1 / x.mean(), rel=1e-14)
    loc, scale = st.expon.fit(x, floc=0)
    assert d.params["rate"] == pytest.approx(1 / scale, rel=1e-13)
    (ss,) = work.find("Sufficient statistics")
    assert ss.values["n"] == 1000 and ss.values["S"] == pytest.approx(x.sum(), rel=1e-14)
    (mle,) = work.find("Maximum-likelihood")
    assert mle.values["lambda_hat"] == d.params["rate"]
    assert Exponential.fit(x).params == d.params
    assert Exponential.fit([1.0, 2.0, 3.0]).params == {"rate": 0.5}
    assert Exponential.fit([2.0]).params == {"rate": 0.5}          # one point is enough


@pytest.mark.parametrize("data, match", [
    ([], "at least 1 observation"),
    ([0.0, 0.0], "all 0"),
    ([1.0, -0.5], r"data must be >= 0 for an Exponential, got -0.5"),
    ([1.0, np.nan], "NaN or infinity"),
])
def test_exponential_fit_bad_data(data, match):
    with pytest.raises(ValueError, match=match):
        Exponential.fit(data)


@pytest.mark.parametrize("kwargs, match", [
    (dict(rate=0.0), r"rate must be > 0, got 0.0"),
    (dict(rate=-2.0), r"rate must be > 0, got -2.0"),
    (dict(scale=-1.0), r"scale must be > 0, got -1.0"),
    (dict(rate=np.inf), "rate must be finite"),
    (dict(rate=1.0, scale=1.0), "not both"),
    (dict(scale=1e-320), "too small"),
])
def test_exponential_bad_parameters(kwargs, match):
    with pytest.raises(ValueError, match=match):
        Exponential(**kwargs)


def test_exponential_bad_types():
    with pytest.raises(TypeError, match="rate must be a number"):
        Exponential("fast")
