"""Expectation, variance, covariance/correlation, describe and the limit-theorem simulations."""
from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
import scipy.stats as st
from scipy.special import factorial

import mathforml
from mathforml.probability.distributions.discrete import (Bernoulli, Binomial, Categorical,
                                                          NegativeBinomial, Poisson)
from mathforml.probability.distributions.gamma_beta import Beta, Gamma
from mathforml.probability.distributions.normal import MultivariateNormal, Normal
from mathforml.probability.distributions.simple import Exponential, Uniform
from mathforml.probability.expectation import (ExpectationResult, central_limit,
                                               correlation_matrix, covariance_matrix, describe,
                                               expectation, law_of_large_numbers, variance)


# ---------------------------------------------------------------------------
# expectation against closed forms
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("mu,sigma", [(0.0, 1.0), (1.0, 2.0), (-3.5, 0.1), (40.0, 7.0),
                                      (1e6, 1.0), (0.0, 1e-4)])
def test_normal_second_moment_by_quadrature(mu, sigma):
    res = expectation(lambda x: x ** 2, Normal(mu, sigma), "quadrature")
    assert res.value == pytest.approx(mu ** 2 + sigma ** 2, rel=1e-10)
    assert res.method == "quadrature" and res.n > 0 and res.stderr is None
    assert 0 <= res.error <= 1e-9 * max(1.0, mu ** 2 + sigma ** 2)


@pytest.mark.parametrize("mu,sigma", [(0.0, 1.0), (0.5, 0.7), (-1.0, 2.0), (2.0, 3.0)])
def test_lognormal_mean_is_e_to_the_x(mu, sigma):
    # E[e^X] for X ~ N(mu, sigma^2) is the lognormal mean; f overflows where p(x) = 0
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        res = expectation(np.exp, Normal(mu, sigma), "quadrature")
    assert float(res) == pytest.approx(math.exp(mu + sigma ** 2 / 2), rel=1e-10)


@pytest.mark.parametrize("k", [1, 2, 3, 5])
@pytest.mark.parametrize("rate", [0.01, 1.0, 30.0])
def test_exponential_raw_moments(k, rate):
    res = expectation(lambda x: x ** k, Exponential(rate), "quadrature")
    assert res.value == pytest.approx(factorial(k) / rate ** k, rel=1e-10)


def test_other_continuous_closed_forms():
    assert float(expectation(np.sin, Uniform(0.0, np.pi), "quadrature")) == pytest.approx(
        2 / np.pi, rel=1e-12)
    # E[log X] for Gamma(a, rate b) = digamma(a) - log b
    from scipy.special import digamma
    res = expectation(np.log, Gamma(2.5, 3.0), "quadrature")
    assert res.value == pytest.approx(digamma(2.5) - math.log(3.0), rel=1e-10)
    # E[X] of Beta(2, 5) and an endpoint singularity (Beta(0.5, 0.5) density ~ x^-1/2)
    assert float(expectation(None, Beta(2.0, 5.0), "quadrature")) == pytest.approx(
        2 / 7, rel=1e-11)
    assert float(expectation(None, Beta(0.5, 0.5), "quadrature")) == pytest.approx(
        0.5, rel=1e-7)
    # E[1/sqrt(X)] for Exp(1) = Gamma(1/2) = sqrt(pi): a singular integrand at 0
    res = expectation(lambda x: 1 / np.sqrt(x), Exponential(1.0), "quadrature")
    assert res.value == pytest.approx(math.sqrt(math.pi), rel=1e-9)


def test_exact_closed_form_mean_for_f_none():
    for d in (Normal(1.5, 2.0), Exponential(4.0), Gamma(3.0, 2.0), Poisson(2.5)):
        res = expectation(dist=d)
        assert res == ExpectationResult(d.mean(), 0.0, "exact", 0)
    assert float(expectation(Normal(2.0, 1.0))) == 2.0          # expectation(dist) shorthand
    # a batch of distributions: the vector of means
    np.testing.assert_array_equal(expectation(dist=Normal([1.0, 2.0], 1.0)).value, [1.0, 2.0])
    np.testing.assert_array_equal(
        expectation(dist=MultivariateNormal([1.0, -1.0], np.eye(2))).value, [1.0, -1.0])


def test_exact_sums_over_finite_discrete_supports():
    n, p = 12, 0.3
    res = expectation(lambda k: k ** 2, Binomial(n, p))
    assert res.value == pytest.approx(n * p * (1 - p) + (n * p) ** 2, rel=1e-14)
    assert res.method == "exact" and res.n == n + 1 and res.error == 0.0
    # E[t^X] = (1 - p + p t)^n, the probability generating function
    assert float(expectation(lambda k: 0.7 ** k, Binomial(n, p))) == pytest.approx(
        (1 - p + p * 0.7) ** n, rel=1e-14)
    probs = np.array([0.1, 0.2, 0.3, 0.4])
    assert float(expectation(lambda k: (k - 1.0) ** 3, Categorical(probs))) == pytest.approx(
        float(probs @ (np.arange(4) - 1.0) ** 3), rel=1e-14)
    assert float(expectation(lambda k: 5.0 * k, Bernoulli(0.25))) == 1.25
    # quadrature on a finite discrete support is the same exact sum
    assert expectation(lambda k: k ** 2, Binomial(n, p), "quadrature").value == res.value


@pytest.mark.parametrize("rate", [0.5, 5.0, 80.0, 1e6])
def test_series_over_infinite_discrete_supports(rate):
    res = expectation(lambda k: k ** 2, Poisson(rate), "quadrature")
    assert res.value == pytest.approx(rate + rate ** 2, rel=1e-12)
    t = 0.3 if rate < 100 else 1e-4
    mgf = expectation(lambda k: np.exp(t * k), Poisson(rate), "quadrature")
    assert mgf.value == pytest.approx(math.exp(rate * math.expm1(t)), rel=1e-11)


def test_series_negative_binomial_mean():
    d = NegativeBinomial(2.5, 0.3)
    res = expectation(lambda k: k, d, "quadrature")
    assert res.value == pytest.approx(2.5 * 0.7 / 0.3, rel=1e-12)


def test_exact_without_a_formula_is_a_clear_error():
    with pytest.raises(ValueError, match="method='exact' needs f=None .* or a discrete "
                                         "distribution with finite support.*quadrature"):
        expectation(np.exp, Normal(0.0, 1.0))
    with pytest.raises(ValueError, match="method='exact' needs f=None"):
        expectation(lambda k: k ** 2, Poisson(2.0), "exact")


# ---------------------------------------------------------------------------
# Monte Carlo
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("f,dist", [
    (lambda x: x ** 2, Normal(1.0, 2.0)),
    (np.exp, Normal(0.0, 0.5)),
    (np.sqrt, Exponential(2.0)),
    (lambda k: k ** 2, Poisson(4.0)),
    (np.cos, Uniform(-1.0, 3.0)),
])
def test_quadrature_and_monte_carlo_agree_within_the_mc_error(f, dist):
    q = expectation(f, dist, "quadrature")
    mc = expectation(f, dist, "monte_carlo", n=50_000, rng=42)
    assert mc.method == "monte_carlo" and mc.n == 50_000 and mc.stderr == mc.error > 0
    assert abs(mc.value - q.value) < 4.5 * mc.stderr


def test_monte_carlo_standard_error_is_s_over_sqrt_n():
    d = Normal(1.0, 2.0)
    res = expectation(lambda x: x ** 2, d, "monte_carlo", n=10_000, rng=3)
    X = d.sample(10_000, rng=np.random.default_rng(3))
    assert res.value == pytest.approx(np.mean(X ** 2), rel=1e-14)
    assert res.stderr == pytest.approx(np.std(X ** 2, ddof=1) / 100, rel=1e-12)
    ident = expectation(dist=d, method="monte_carlo", n=10_000, rng=3)
    assert ident.value == pytest.approx(X.mean(), rel=1e-14)
    assert ident.stderr == pytest.approx(X.std(ddof=1) / 100, rel=1e-12)


def test_monte_carlo_multivariate_identity():
    d = MultivariateNormal([1.0, -2.0], [[1.0, 0.5], [0.5, 2.0]])
    res = expectation(dist=d, method="monte_carlo", n=20_000, rng=0)
    assert res.value.shape == (2,) and res.error.shape == (2,)
    assert np.all(np.abs(res.value - [1.0, -2.0]) < 4.5 * res.error)
    r = expectation(lambda X: X[:, 0] * X[:, 1], d, "monte_carlo", n=20_000, rng=0)
    assert abs(r.value - (0.5 + 1.0 * -2.0)) < 4.5 * r.stderr


# ---------------------------------------------------------------------------
# variance
# ---------------------------------------------------------------------------
def test_variance_closed_form_and_two_pass_quadrature():
    assert variance(dist=Normal(3.0, 2.0)) == ExpectationResult(4.0, 0.0, "exact", 0)
    # a huge mean: E[X^2] - E[X]^2 would return garbage, the two-pass form is exact
    res = variance(dist=Normal(1e8, 1.0), method="quadrature")
    assert res.value == pytest.approx(1.0, rel=1e-8)
    res = variance(dist=Normal(1e8, 1e-3), method="quadrature")
    assert res.value == pytest.approx(1e-6, rel=1e-6)
    # Var[e^X] for X ~ N(mu, s^2): (e^{s^2} - 1) e^{2 mu + s^2}
    mu, s = 0.3, 0.8
    res = variance(np.exp, Normal(mu, s), "quadrature")
    assert res.value == pytest.approx(math.expm1(s * s) * math.exp(2 * mu + s * s), rel=1e-10)
    assert float(variance(dist=Uniform(3.0, 4.0), method="quadrature")) == pytest.approx(
        1 / 12, rel=1e-12)
    assert float(variance(dist=Poisson(1e6), method="quadrature")) == pytest.approx(1e6,
                                                                                   rel=1e-12)


def test_variance_exact_discrete_and_monte_carlo():
    n, p = 10, 0.4
    assert float(variance(lambda k: 3.0 * k + 1.0, Binomial(n, p))) == pytest.approx(
        9 * n * p * (1 - p), rel=1e-13)
    d = Normal(2.0, 3.0)
    mc = variance(dist=d, method="monte_carlo", n=40_000, rng=7)
    assert abs(mc.value - 9.0) < 4.5 * mc.stderr
    X = d.sample(40_000, rng=7)
    assert mc.value == pytest.approx(np.var(X, ddof=1), rel=1e-12)
    mc2 = variance(lambda x: x ** 2, Exponential(1.0), "monte_carlo", n=40_000, rng=1)
    assert abs(mc2.value - 20.0) < 4.5 * mc2.stderr             # E X^4 - (E X^2)^2 = 24 - 4


def test_expectation_result_behaves_like_a_number_and_a_tuple():
    res = expectation(lambda x: x ** 2, Normal(0.0, 1.0), "quadrature")
    value, error, method, n = res
    assert float(res) == value == pytest.approx(1.0, rel=1e-12)
    assert method == "quadrature" and isinstance(n, int)
    assert f"{float(res):.3f}" == "1.000"


# ---------------------------------------------------------------------------
# bad input and explanations
# ---------------------------------------------------------------------------
def test_expectation_bad_input():
    with pytest.raises(ValueError, match="method must be one of 'exact', 'quadrature', "
                                         "'monte_carlo'; got 'mc'"):
        expectation(dist=Normal(), method="mc")
    with pytest.raises(TypeError, match="dist is required"):
        expectation(np.exp)
    with pytest.raises(TypeError, match="dist must be a mathforml Distribution"):
        expectation(np.exp, st.norm())
    with pytest.raises(TypeError, match="f must be callable or None"):
        expectation(3.0, Normal())
    with pytest.raises(ValueError, match="n must be >= 2, got 1"):
        expectation(dist=Normal(), method="monte_carlo", n=1)
    with pytest.raises(ValueError, match="tol must be > 0"):
        expectation(np.exp, Normal(), "quadrature", tol=0.0)
    with pytest.raises(ValueError, match=r"needs a single distribution.*batch shape \(2,\)"):
        expectation(np.exp, Normal([0.0, 1.0], 1.0), "quadrature")
    with pytest.raises(ValueError, match=r"f must return one real value per point"):
        expectation(lambda x: np.ones((x.size, 2)), Normal(), "quadrature")
    with pytest.raises(ValueError, match="not finite at k = 0"):
        expectation(lambda k: 1.0 / k, Binomial(3, 0.5))


def test_divergent_expectation_is_a_clear_error():
    from mathforml.probability.distributions.sampling_dists import StudentT
    with pytest.raises(ValueError, match=r"E\[f\(X\)\] may not exist"):
        expectation(np.abs, StudentT(1.0), "quadrature")              # Cauchy: E|X| = inf
    res = expectation(np.abs, StudentT(3.0), "quadrature")            # 2 sqrt(3) / pi
    assert res.value == pytest.approx(2 * math.sqrt(3) / math.pi, rel=1e-10)


def test_scalar_only_f_still_works():
    res = expectation(lambda x: math.exp(x), Normal(0.0, 1.0), "quadrature")
    assert res.value == pytest.approx(math.exp(0.5), rel=1e-10)
    res = expectation(lambda k: float(k) ** 2 if k > 1 else 0.0, Binomial(4, 0.5))
    assert res.value == pytest.approx((4 * 6 + 9 * 4 + 16) / 16, rel=1e-14)


def test_explain_expectation_and_bit_identical_results():
    f, d = (lambda x: x ** 2), Normal(1.0, 2.0)
    plain = expectation(f, d, "quadrature")
    with mathforml.explain() as work:
        shown = expectation(f, d, "quadrature")
    assert shown == plain
    (setup,) = work.find("Set up")
    assert setup.values["method"] == "quadrature"
    assert work.find("Shift and scale")
    assert any("Adaptive Gauss-Kronrod" in " ".join(s.section) for s in work.steps)
    (result,) = [s for s in work.steps if s.title == "Result"
                 and s.section == ("Expectation E[f(X)] by quadrature",)]
    assert result.values["value"] == plain.value and result.values["error"] == plain.error
    mc_plain = expectation(f, d, "monte_carlo", n=1000, rng=5)
    with mathforml.explain() as work:
        mc = expectation(f, d, "monte_carlo", n=1000, rng=5)
    assert mc == mc_plain
    assert work.values("stderr")[0] == mc.stderr
    with mathforml.explain() as work:
        ex = expectation(lambda k: k ** 2, Binomial(3, 0.5))
    (s,) = work.find("Exact sum")
    np.testing.assert_array_equal(s.values["k"], [0, 1, 2, 3])
    np.testing.assert_allclose(s.values["terms"], np.array([0, 3, 12, 9]) / 8)
    assert s.values["value"] == ex.value == pytest.approx(3.0, rel=1e-14)
    with mathforml.explain() as work:
        variance(dist=Normal(5.0, 1.0), method="quadrature")
    assert work.find("First pass") and work.find("Second pass")


# ---------------------------------------------------------------------------
# covariance, correlation, describe
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("seed", range(6))
def test_covariance_and_correlation_match_numpy(seed):
    rng = np.random.default_rng(seed)
    n, d = int(rng.integers(2, 200)), int(rng.integers(1, 8))
    A = rng.normal(size=(d, d))
    X = 100.0 + rng.normal(size=(n, d)) @ A
    for ddof in (0, 1):
        np.testing.assert_allclose(covariance_matrix(X, ddof=ddof),
                                   np.cov(X, rowvar=False, ddof=ddof), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(covariance_matrix(X.T, rowvar=True), np.cov(X.T), rtol=1e-10,
                               atol=1e-12)
    C = covariance_matrix(X)
    assert np.array_equal(C, C.T)
    np.testing.assert_allclose(correlation_matrix(X), np.corrcoef(X, rowvar=False),
                               rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(correlation_matrix(X.T, rowvar=True), np.corrcoef(X.T),
                               rtol=1e-10, atol=1e-12)
    R = correlation_matrix(X)
    assert np.all(np.abs(R) <= 1.0)


def test_covariance_one_variable_and_bad_input():
    x = np.array([1.0, 2.0, 4.0])
    c = covariance_matrix(x)
    assert c.shape == () and float(c) == pytest.approx(np.cov(x), rel=1e-14)
    with pytest.raises(ValueError, match=r"more than ddof = 1 observations, got n = 1"):
        covariance_matrix([[1.0, 2.0]])
    with pytest.raises(ValueError, match="X contains NaN"):
        covariance_matrix([[1.0, np.nan], [2.0, 3.0]])
    with pytest.raises(ValueError, match="X must be 1-D or 2-D"):
        covariance_matrix(np.ones((2, 2, 2)))
    with pytest.raises(ValueError, match="at least 2 observations"):
        correlation_matrix([[1.0, 2.0]])


def test_correlation_of_a_constant_column_is_nan_with_a_warning():
    X = np.array([[1.0, 5.0, 2.0], [2.0, 5.0, 1.0], [3.0, 5.0, 7.0]])
    with pytest.warns(RuntimeWarning, match=r"constant variable\(s\) \[1\]"):
        R = correlation_matrix(X)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref = np.corrcoef(X, rowvar=False)
    np.testing.assert_array_equal(np.isnan(R), np.isnan(ref))
    np.testing.assert_allclose(R[[0, 2]][:, [0, 2]], ref[[0, 2]][:, [0, 2]], rtol=1e-12)


def _check_describe(ours, ref):
    assert ours.nobs == ref.nobs
    np.testing.assert_allclose(ours.minmax, ref.minmax, rtol=0)
    for name in ("mean", "variance", "skewness", "kurtosis"):
        np.testing.assert_allclose(getattr(ours, name), getattr(ref, name), rtol=1e-10,
                                   atol=1e-13, err_msg=name)


@pytest.mark.parametrize("seed", range(5))
def test_describe_matches_scipy(seed):
    rng = np.random.default_rng(seed)
    x = rng.gamma(2.0, 3.0, size=int(rng.integers(5, 500)))
    _check_describe(describe(x), st.describe(x))
    _check_describe(describe(x, ddof=0, bias=False), st.describe(x, ddof=0, bias=False))
    X = rng.normal(size=(40, 3)) ** 3
    for axis in (0, 1, None):
        _check_describe(describe(X, axis=axis), st.describe(X, axis=axis))


def test_describe_by_hand_and_constant_data():
    r = describe([1.0, 2.0, 3.0, 4.0, 10.0])
    d = np.array([-3.0, -2.0, -1.0, 0.0, 6.0])
    m2, m3, m4 = (d ** 2).mean(), (d ** 3).mean(), (d ** 4).mean()
    assert r.variance == 12.5 and r.skewness == pytest.approx(m3 / m2 ** 1.5, rel=1e-14)
    assert r.kurtosis == pytest.approx(m4 / m2 ** 2 - 3, rel=1e-14)
    with pytest.warns(RuntimeWarning, match="constant"):
        r = describe(np.full(5, 0.1))
    assert r.variance == 0.0 and np.isnan(r.skewness) and np.isnan(r.kurtosis)
    with pytest.raises(ValueError, match="data must not be empty"):
        describe([])
    with pytest.raises(ValueError, match="data contains NaN"):
        describe([1.0, np.nan])
    with pytest.raises(ValueError, match="bias=False needs at least 4 observations"):
        describe([1.0, 2.0, 3.0], bias=False)


# ---------------------------------------------------------------------------
# law of large numbers, central limit theorem
# ---------------------------------------------------------------------------
def test_law_of_large_numbers_running_means():
    d = Exponential(0.5)                                     # mean 2, sd 2
    r = law_of_large_numbers(d, 20_000, rng=11, n_paths=4)
    assert r.running_means.shape == (4, 20_000) and r.true_mean == 2.0
    np.testing.assert_array_equal(r.counts, np.arange(1, 20_001))
    assert np.all(np.abs(r.running_means[:, -1] - 2.0) < 5 * 2.0 / math.sqrt(20_000))
    # the running mean is the mean of the first m draws of the same stream
    X = d.sample((4, 20_000), rng=11)
    np.testing.assert_allclose(r.running_means[:, 99], X[:, :100].mean(axis=1), rtol=1e-12)
    np.testing.assert_array_equal(r.running_means[:, 0], X[:, 0])
    with pytest.raises(ValueError, match="n_paths must be >= 1"):
        law_of_large_numbers(d, 10, n_paths=0)


def test_central_limit_standardised_means_are_standard_normal():
    d = Exponential(1.0)                                     # skewed, but the means are not
    r = central_limit(d, 200, 4000, rng=2024)
    assert r.standardized.shape == (4000,) and (r.mu, r.sigma, r.sample_size) == (1.0, 1.0, 200)
    np.testing.assert_allclose(r.standardized, math.sqrt(200) * (r.sample_means - 1.0),
                               rtol=1e-12)
    assert st.kstest(r.standardized, "norm").pvalue > 0.01
    # with sample size 1 they are just standardised exponentials: far from normal
    r1 = central_limit(d, 1, 4000, rng=2024)
    assert st.kstest(r1.standardized, "norm").pvalue < 1e-6
    r2 = central_limit(Bernoulli(0.3), 400, 3000, rng=1)
    assert abs(r2.standardized.mean()) < 0.1 and abs(r2.standardized.std() - 1) < 0.06


def test_central_limit_needs_a_finite_variance():
    from mathforml.probability.distributions.simple import Uniform as U
    with pytest.raises(ValueError, match="finite positive variance"):
        central_limit(Bernoulli(0.0), 10, 10)
    with pytest.raises(ValueError, match="sample_size must be >= 1"):
        central_limit(U(0.0, 1.0), 0, 10)


def test_explain_limit_theorems():
    with mathforml.explain() as work:
        r = law_of_large_numbers(Normal(3.0, 1.0), 100, rng=0, n_paths=2)
    (s,) = work.find("Law of large numbers")
    np.testing.assert_array_equal(s.values["final_means"], r.running_means[:, -1])
    with mathforml.explain() as work:
        c = central_limit(Normal(3.0, 2.0), 10, 50, rng=0)
    (s,) = work.find("Central limit")
    assert s.values["mean_of_Z"] == float(c.standardized.mean())
