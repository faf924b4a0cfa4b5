"""Discrete distributions against scipy.stats, mpmath and closed forms."""
from __future__ import annotations

import math
import warnings

import mpmath as mp
import numpy as np
import pytest
import scipy.optimize as so
import scipy.stats as st
from scipy.special import gammaln

import mathforml
from mathforml.exceptions import ConvergenceWarning
from mathforml.probability.distributions.discrete import (Bernoulli, Binomial, Categorical,
                                                          Multinomial, NegativeBinomial, Poisson)

RTOL = 1e-12


def close(ours, ref, rtol=RTOL, atol=0.0):
    np.testing.assert_allclose(ours, ref, rtol=rtol, atol=atol)


def same_logs(ours, ref, rtol=RTOL, atol=1e-13):
    """Log-masses: the -inf pattern agrees and the finite ones are close."""
    ours, ref = np.asarray(ours, float), np.asarray(ref, float)
    assert np.array_equal(np.isneginf(ours), np.isneginf(ref))
    fin = np.isfinite(ref)
    close(ours[fin], ref[fin], rtol=rtol, atol=atol)


# The one-dimensional cases: (ours, scipy reference, grid of points with far tails and
# non-integers).
K_GRID = np.concatenate([np.arange(-3.0, 80.0), [0.5, 2.5, 7.25, -0.5, 150.0, 400.0, 1e4]])
CASES = {
    "bernoulli-0.3": (Bernoulli(0.3), st.bernoulli(0.3)),
    "bernoulli-0": (Bernoulli(0.0), st.bernoulli(0.0)),
    "bernoulli-1": (Bernoulli(1.0), st.bernoulli(1.0)),
    "binom-50-0.3": (Binomial(50, 0.3), st.binom(50, 0.3)),
    "binom-7-0.93": (Binomial(7, 0.93), st.binom(7, 0.93)),
    "binom-60-1e-9": (Binomial(60, 1e-9), st.binom(60, 1e-9)),
    "binom-40-0": (Binomial(40, 0.0), st.binom(40, 0.0)),
    "binom-40-1": (Binomial(40, 1.0), st.binom(40, 1.0)),
    "binom-0-0.4": (Binomial(0, 0.4), st.binom(0, 0.4)),
    "binom-1000-0.02": (Binomial(1000, 0.02), st.binom(1000, 0.02)),
    "poisson-0.1": (Poisson(0.1), st.poisson(0.1)),
    "poisson-3": (Poisson(3.0), st.poisson(3.0)),
    "poisson-45": (Poisson(45.0), st.poisson(45.0)),
    "poisson-1e-8": (Poisson(1e-8), st.poisson(1e-8)),
    "nbinom-2.5-0.4": (NegativeBinomial(2.5, 0.4), st.nbinom(2.5, 0.4)),
    "nbinom-0.3-0.9": (NegativeBinomial(0.3, 0.9), st.nbinom(0.3, 0.9)),
    "nbinom-20-0.2": (NegativeBinomial(20, 0.2), st.nbinom(20, 0.2)),
    "nbinom-1e-3-0.5": (NegativeBinomial(1e-3, 0.5), st.nbinom(1e-3, 0.5)),
    "nbinom-3-1": (NegativeBinomial(3, 1.0), st.nbinom(3, 1.0)),
    "nbinom-400-0.97": (NegativeBinomial(400, 0.97), st.nbinom(400, 0.97)),
}
IDS = list(CASES)


@pytest.fixture(params=IDS)
def case(request):
    return CASES[request.param]


# ---------------------------------------------------------------------------
# Mass and tails against scipy.stats
# ---------------------------------------------------------------------------
def test_logpmf_and_pmf_match_scipy_on_a_grid_with_far_tails(case):
    d, ref = case
    same_logs(d.logpmf(K_GRID), ref.logpmf(K_GRID))
    want = ref.pmf(K_GRID)
    got = d.pmf(K_GRID)
    big = want > 1e-280                          # exp amplifies the log's absolute error
    close(got[big], want[big], rtol=2e-12)
    assert np.all(got[~big] <= 1e-270)


def test_non_integers_and_points_off_the_support_have_no_mass(case):
    d, _ = case
    x = np.array([0.5, 1.5, -1.0, -2.5, 3.000001])
    assert np.all(d.pmf(x) == 0.0)
    assert np.all(np.isneginf(d.logpmf(x)))
    assert d.pmf(0.5) == 0.0 and isinstance(d.pmf(0.5), float)
    assert math.isnan(d.pmf(math.nan)) and math.isnan(d.cdf(math.nan))


def test_cdf_and_sf_match_scipy(case):
    d, ref = case
    close(d.cdf(K_GRID), ref.cdf(K_GRID), rtol=RTOL, atol=1e-300)
    close(d.sf(K_GRID), ref.sf(K_GRID), rtol=RTOL, atol=1e-300)


def test_cdf_at_a_non_integer_is_the_cdf_at_its_floor(case):
    d, _ = case
    x = np.array([0.25, 1.5, 2.999, 4.5])
    np.testing.assert_array_equal(d.cdf(x), d.cdf(np.floor(x)))
    np.testing.assert_array_equal(d.sf(x), d.sf(np.floor(x)))


def _support_grid(d, tail=1e-18):
    low, high = d.support()
    top = high if np.isfinite(high) else d.isf(tail)
    return np.arange(low, top + 1.0)


def test_pmf_sums_to_one_and_cdf_is_its_cumulative_sum(case):
    d, _ = case
    k = _support_grid(d)
    f = d.pmf(k)
    close(np.sum(f), 1.0, rtol=1e-13)
    cdf = d.cdf(k)
    assert np.all(np.diff(cdf) >= -1e-16)
    big = cdf > 1e-250
    close(cdf[big], np.cumsum(f)[big], rtol=1e-12)


def test_sf_plus_cdf_is_one_where_both_are_not_tiny(case):
    d, _ = case
    k = _support_grid(d)
    cdf, sf = d.cdf(k), d.sf(k)
    both = (cdf > 1e-3) & (sf > 1e-3)
    close(cdf[both] + sf[both], 1.0, rtol=1e-13)
    # sf(k) = sum_{j > k} f(j) with relative accuracy, also where cdf is 1 to rounding
    k = _support_grid(d, tail=1e-300)
    sf = d.sf(k)
    tail = np.cumsum(d.pmf(k)[::-1])[::-1]                 # tail[j] = sum_{i >= j} f(i)
    nonzero = sf[:-1] > 1e-250
    close(sf[:-1][nonzero], tail[1:][nonzero], rtol=1e-11)


def test_moments_and_entropy_match_scipy(case):
    d, ref = case
    m, v = ref.stats(moments="mv")
    close(d.mean(), float(m), rtol=1e-14)
    close(d.var(), float(v), rtol=1e-14)
    close(d.std(), math.sqrt(float(v)), rtol=1e-14)
    # scipy sums entr(pmf) from a rounded pmf (and stops its generic sums at ~1e-10), so
    # it is itself only good to ~1e-11 here; the mpmath test below holds us to 1e-13
    close(d.entropy(), float(ref.entropy()), rtol=1e-10, atol=1e-14)
    assert isinstance(d.mean(), float) and isinstance(d.entropy(), float)


def test_entropy_is_minus_sum_f_log_f_over_the_support(case):
    d, _ = case
    k = _support_grid(d)
    f = d.pmf(k)
    ref = -np.sum(f[f > 0] * np.log(f[f > 0]))
    close(d.entropy(), ref, rtol=1e-12, atol=1e-15)


def test_ppf_and_isf_match_scipy_and_the_definition(case):
    d, ref = case
    q = np.array([0.0, 1e-15, 1e-9, 0.001, 0.1, 0.3, 0.5, 0.77, 0.9, 0.999, 1 - 1e-12, 1.0])
    np.testing.assert_array_equal(d.ppf(q), ref.ppf(q))
    np.testing.assert_array_equal(d.isf(q), ref.isf(q))
    inner = q[(q > 0) & (q < 1)]
    k = d.ppf(inner)
    assert np.all(d.cdf(k) >= inner) and np.all(d.cdf(k - 1) < inner)   # smallest such k
    k = d.isf(inner)
    assert np.all(d.sf(k) <= inner) and np.all(d.sf(k - 1) > inner)


def test_ppf_rejects_q_outside_the_unit_interval():
    with pytest.raises(ValueError, match=r"q must be in \[0, 1\], got 1.5"):
        Binomial(5, 0.5).ppf(1.5)
    with pytest.raises(ValueError, match=r"q must be in \[0, 1\], got -0.1"):
        Poisson(2.0).isf([0.5, -0.1])
    assert math.isnan(Poisson(2.0).ppf(math.nan))


# ---------------------------------------------------------------------------
# Large parameters: log space stays exact
# ---------------------------------------------------------------------------
mp.mp.dps = 40


def _mp_binom_logpmf(k, n, p):
    k, n, p = mp.mpf(int(k)), mp.mpf(int(n)), mp.mpf(p)
    return float(mp.loggamma(n + 1) - mp.loggamma(k + 1) - mp.loggamma(n - k + 1)
                 + k * mp.log(p) + (n - k) * mp.log1p(-p))


def _mp_poisson_logpmf(k, lam):
    k, lam = mp.mpf(int(k)), mp.mpf(lam)
    return float(k * mp.log(lam) - lam - mp.loggamma(k + 1))


def _mp_nbinom_logpmf(k, r, p):
    k, r, p = mp.mpf(int(k)), mp.mpf(r), mp.mpf(p)
    return float(mp.loggamma(k + r) - mp.loggamma(r) - mp.loggamma(k + 1)
                 + r * mp.log(p) + k * mp.log1p(-p))


@pytest.mark.parametrize("p", [0.5, 0.01, 0.999, 1e-5])
def test_binomial_with_a_million_trials_is_exact_in_log_space(p):
    n = 10**6
    d = Binomial(n, p)
    sd = math.sqrt(n * p * (1 - p))
    k = np.unique(np.clip(np.round(n * p + sd * np.linspace(-30, 30, 25)), 0, n))
    ref = np.array([_mp_binom_logpmf(kk, n, p) for kk in k])
    close(d.logpmf(k), ref, rtol=1e-14, atol=1e-14)
    # scipy's pmf (Boost) is accurate; its gammaln-based logpmf loses ~9 digits here
    mid = np.abs(k - n * p) <= 8 * sd
    close(d.logpmf(k[mid]), np.log(st.binom.pmf(k[mid], n, p)), rtol=1e-12, atol=1e-13)
    close(d.cdf(k[mid]), st.binom.cdf(k[mid], n, p), rtol=1e-10)
    close(d.sf(k[mid]), st.binom.sf(k[mid], n, p), rtol=1e-10)


def test_binomial_lower_tail_with_a_million_trials_against_mpmath_sums():
    n, p = 10**6, 1e-5                      # scipy's cdf is off by 5e-11 here
    d = Binomial(n, p)
    k = np.arange(0.0, 6.0)
    terms = [mp.exp(mp.loggamma(n + 1) - mp.loggamma(j + 1) - mp.loggamma(n - j + 1)
                    + j * mp.log(mp.mpf(p)) + (n - j) * mp.log1p(-mp.mpf(p))) for j in range(6)]
    cdf = np.array([float(mp.fsum(terms[: j + 1])) for j in range(6)])
    close(d.cdf(k), cdf, rtol=1e-13)
    close(d.pmf(k), np.array([float(t) for t in terms]), rtol=1e-13)


@pytest.mark.parametrize("d, logpmf, top", [
    (Binomial(60, 1e-9), lambda k: _mp_binom_logpmf(k, 60, 1e-9), 8),
    (Binomial(40, 0.3), lambda k: _mp_binom_logpmf(k, 40, 0.3), 41),
    (NegativeBinomial(20, 0.2), lambda k: _mp_nbinom_logpmf(k, 20, 0.2), 500),
    (Poisson(7.5), lambda k: _mp_poisson_logpmf(k, 7.5), 80),
], ids=repr)
def test_entropy_against_mpmath(d, logpmf, top):
    lf = [mp.mpf(logpmf(k)) for k in range(top)]
    ref = float(-mp.fsum(mp.exp(v) * v for v in lf))
    close(d.entropy(), ref, rtol=1e-13)


def test_poisson_with_rate_a_million_is_exact_in_log_space():
    lam = 1e6
    d = Poisson(lam)
    k = np.round(lam + 1e3 * np.linspace(-30, 30, 25))
    ref = np.array([_mp_poisson_logpmf(kk, lam) for kk in k])
    close(d.logpmf(k), ref, rtol=1e-14)
    mid = np.abs(k - lam) <= 8e3
    close(d.cdf(k[mid]), st.poisson.cdf(k[mid], lam), rtol=1e-11)
    close(d.sf(k[mid]), st.poisson.sf(k[mid], lam), rtol=1e-11)
    # entropy: the asymptotic series 1/2 ln(2 pi e lam) - 1/(12 lam) - 1/(24 lam^2) - ...
    close(d.entropy(), 0.5 * math.log(2 * math.pi * math.e * lam) - 1 / (12 * lam)
          - 1 / (24 * lam**2), rtol=1e-13)


@pytest.mark.parametrize("r, p", [(1e6, 0.5), (2.5, 1e-4), (0.01, 0.3), (50.0, 0.999)])
def test_negative_binomial_log_mass_against_mpmath(r, p):
    d = NegativeBinomial(r, p)
    mean, sd = d.mean(), d.std()
    k = np.unique(np.clip(np.round(mean + sd * np.linspace(-8, 30, 20)), 0, None))
    ref = np.array([_mp_nbinom_logpmf(kk, r, p) for kk in k])
    close(d.logpmf(k), ref, rtol=1e-13, atol=1e-13)


def test_poisson_far_tail_and_tiny_rate_against_mpmath():
    for lam, k in ((0.1, np.arange(0.0, 120.0, 7.0)), (1e-300, np.array([0.0, 1.0, 5.0])),
                   (3.0, np.array([500.0, 5000.0]))):
        ref = np.array([_mp_poisson_logpmf(kk, lam) for kk in k])
        close(Poisson(lam).logpmf(k), ref, rtol=1e-14, atol=1e-14)


# ---------------------------------------------------------------------------
# Vectorisation over parameters and points
# ---------------------------------------------------------------------------
def test_array_parameters_broadcast_with_array_points():
    n = np.array([[5.0], [20.0], [100.0]])
    p = np.array([0.1, 0.5, 0.9, 0.0])
    k = np.arange(0.0, 12.0).reshape(12, 1, 1)
    d = Binomial(n, p)
    assert d.batch_shape == (3, 4)
    same_logs(d.logpmf(k), st.binom.logpmf(k, n, p))
    close(d.cdf(k), st.binom.cdf(k, n, p), atol=1e-300)
    close(d.sf(k), st.binom.sf(k, n, p), atol=1e-300)
    close(d.entropy(), st.binom.entropy(n, p), rtol=1e-12, atol=1e-15)
    assert d.pmf(k).shape == (12, 3, 4)

    lam = np.array([0.5, 3.0, 250.0])
    q = np.array([[0.01], [0.5], [0.99]])
    np.testing.assert_array_equal(Poisson(lam).ppf(q), st.poisson.ppf(q, lam))
    close(Poisson(lam).entropy(), st.poisson.entropy(lam), rtol=1e-12)

    r = np.array([0.5, 4.0])
    pp = np.array([[0.2], [0.7]])
    kk = np.arange(0.0, 30.0)[:, None, None]
    same_logs(NegativeBinomial(r, pp).logpmf(kk), st.nbinom.logpmf(kk, r, pp))
    close(NegativeBinomial(r, pp).mean(), st.nbinom.mean(r, pp), rtol=1e-14)

    pb = np.array([0.0, 0.25, 1.0])
    same_logs(Bernoulli(pb).logpmf(np.array([[0.0], [1.0]])),
              st.bernoulli.logpmf(np.array([[0.0], [1.0]]), pb))


def test_params_and_repr():
    d = Binomial(10, 0.25)
    assert d.params == {"n": 10.0, "p": 0.25}
    assert repr(d) == "Binomial(n=10, p=0.25)"
    assert NegativeBinomial(2.5, 0.5).params == {"r": 2.5, "p": 0.5}
    assert Poisson(3).params == {"rate": 3.0}
    assert Binomial(3, 0.5).support() == (0.0, 3.0)
    assert Poisson(3).support() == (0.0, math.inf)


# ---------------------------------------------------------------------------
# Categorical
# ---------------------------------------------------------------------------
P3 = np.array([0.2, 0.0, 0.5, 0.3])


def test_categorical_against_hand_sums():
    d = Categorical(P3)
    k = np.arange(-2.0, 6.0)
    want = np.array([0, 0, 0.2, 0.0, 0.5, 0.3, 0, 0])
    close(d.pmf(k), want, rtol=0, atol=0)
    np.testing.assert_array_equal(d.cdf(k), [0, 0, 0.2, 0.2, 0.2 + 0.5, 1.0, 1.0, 1.0])
    # sf sums the upper part directly
    np.testing.assert_array_equal(d.sf(k), [1, 1, 0.0 + 0.5 + 0.3, 0.5 + 0.3, 0.3, 0, 0, 0])
    assert d.mean() == pytest.approx(0.0 * 0.2 + 2 * 0.5 + 3 * 0.3, rel=1e-15)
    mu = 1.9
    assert d.var() == pytest.approx(0.2 * mu**2 + 0.5 * 0.1**2 + 0.3 * 1.1**2, rel=1e-14)
    assert d.entropy() == pytest.approx(-(0.2 * math.log(0.2) + 0.5 * math.log(0.5)
                                          + 0.3 * math.log(0.3)), rel=1e-15)
    assert d.support() == (0.0, 3.0) and d.n_categories == 4
    assert d.pmf(1.5) == 0.0 and np.isneginf(d.logpmf(1))


def test_categorical_matches_rv_discrete_and_multinomial_with_one_trial():
    ref = st.rv_discrete(values=(np.arange(4), P3))
    d = Categorical(P3)
    k = np.arange(-1.0, 5.0)
    close(d.pmf(k), ref.pmf(k), atol=0)
    close(d.cdf(k), ref.cdf(k), rtol=1e-15)
    close(d.sf(k), ref.sf(k), rtol=1e-15, atol=1e-17)
    q = np.array([0.0, 0.1, 0.2, 0.21, 0.69, 0.7, 0.71, 1.0])
    np.testing.assert_array_equal(d.ppf(q), ref.ppf(q))
    np.testing.assert_array_equal(d.isf(q), ref.isf(q))
    close(d.entropy(), ref.entropy(), rtol=1e-14)
    onehot = np.eye(4)
    close(d.pmf(np.arange(4.0)), st.multinomial.pmf(onehot, 1, P3), rtol=1e-14)


def test_categorical_batch():
    p = np.array([[0.1, 0.6, 0.3], [0.5, 0.25, 0.25]])
    d = Categorical(p)
    assert d.batch_shape == (2,)
    k = np.array([[0.0], [1.0], [2.0], [3.0]])
    np.testing.assert_array_equal(d.pmf(k), np.vstack([p.T, np.zeros((1, 2))]))
    close(d.cdf(k), np.vstack([np.cumsum(p, axis=1).T, np.ones((1, 2))]), rtol=1e-15)
    close(d.mean(), p @ np.arange(3.0), rtol=1e-15)
    close(d.entropy(), st.entropy(p, axis=1), rtol=1e-14)
    x = d.sample((20000, 2), rng=4)
    assert x.shape == (20000, 2) and x.dtype.kind == "i"
    close(np.mean(x, axis=0), d.mean(), atol=5 * np.max(d.std()) / math.sqrt(20000))


def test_categorical_sampling_frequencies_pass_a_chi_square_test():
    d = Categorical(P3)
    x = d.sample(200_000, rng=7)
    assert x.dtype.kind == "i" and x.min() >= 0 and x.max() <= 3
    counts = np.bincount(x, minlength=4)
    assert counts[1] == 0                              # zero-probability category never drawn
    keep = P3 > 0
    res = st.chisquare(counts[keep], 200_000 * P3[keep])
    assert res.pvalue > 1e-3


def test_categorical_fit_counts():
    data = np.array([0, 2, 2, 1, 2, 0, 4])
    with mathforml.explain() as work:
        d = Categorical.fit(data)
    np.testing.assert_array_equal(d.p, np.array([2, 1, 3, 0, 1]) / 7)
    np.testing.assert_array_equal(work.values("counts")[0], [2, 1, 3, 0, 1])
    assert work.values("N") == [7]
    d = Categorical.fit(data, n_categories=7)
    assert d.n_categories == 7 and d.p[6] == 0.0
    with pytest.raises(ValueError, match="data holds category 4, but n_categories is 3"):
        Categorical.fit(data, n_categories=3)
    with pytest.raises(ValueError, match="non-negative whole numbers"):
        Categorical.fit([0, 1.5])


# ---------------------------------------------------------------------------
# Multinomial
# ---------------------------------------------------------------------------
def test_multinomial_pmf_matches_scipy():
    p = np.array([0.2, 0.3, 0.5])
    d = Multinomial(6, p)
    x = np.array([[1, 2, 3], [6, 0, 0], [0, 0, 6], [2, 2, 2], [1, 1, 1], [-1, 3, 4],
                  [1.5, 1.5, 3]])
    same_logs(d.logpmf(x), st.multinomial.logpmf(x, 6, p))
    close(d.pmf(x), st.multinomial.pmf(x, 6, p), rtol=1e-13)
    assert d.pmf([1, 1, 1]) == 0.0 and d.pmf([1.5, 1.5, 3]) == 0.0
    assert isinstance(d.pmf([1, 2, 3]), float)
    # zero probability: mass only on vectors with x_i = 0 there
    z = Multinomial(4, [0.5, 0.0, 0.5])
    assert z.pmf([2, 0, 2]) == pytest.approx(6 / 16, rel=1e-14)
    assert z.pmf([1, 1, 2]) == 0.0
    # all vectors with total 6 sum to one
    grid = np.array([(a, b, 6 - a - b) for a in range(7) for b in range(7 - a)])
    close(np.sum(d.pmf(grid)), 1.0, rtol=1e-14)


def test_multinomial_moments_cov_entropy():
    p = np.array([0.1, 0.2, 0.3, 0.4])
    d = Multinomial(12, p)
    close(d.mean(), st.multinomial.mean(12, p), rtol=1e-15)
    close(d.var(), 12 * p * (1 - p), rtol=1e-15)
    close(d.cov(), st.multinomial.cov(12, p), rtol=1e-14, atol=1e-15)
    close(d.entropy(), st.multinomial.entropy(12, p), rtol=1e-12)
    assert d.batch_shape == ()
    b = Multinomial(np.array([3, 7]), p)
    assert b.batch_shape == (2,)
    close(b.entropy(), [st.multinomial.entropy(3, p), st.multinomial.entropy(7, p)], rtol=1e-12)
    close(b.cov()[1], st.multinomial.cov(7, p), rtol=1e-14, atol=1e-15)
    with pytest.raises(NotImplementedError, match="no cdf"):
        d.cdf([1, 2, 3, 6])


def test_multinomial_sampling_conditional_binomials():
    p = np.array([0.1, 0.0, 0.3, 0.6])
    d = Multinomial(10, p)
    N = 100_000
    x = d.sample(N, rng=3)
    assert x.shape == (N, 4) and x.dtype.kind == "i"
    assert np.all(x.sum(axis=1) == 10) and np.all(x[:, 1] == 0)
    se = np.sqrt(d.var() / N)
    assert np.all(np.abs(x.mean(axis=0) - d.mean()) <= 5 * se + 1e-15)
    close(np.cov(x[:, [0, 2, 3]].T), d.cov()[np.ix_([0, 2, 3], [0, 2, 3])], atol=0.05)
    # frequencies of the first count against Binomial(10, 0.1)
    obs = np.bincount(x[:, 0], minlength=11)[:5]
    exp_ = N * st.binom.pmf(np.arange(5), 10, 0.1)
    obs = np.append(obs, N - obs.sum())
    exp_ = np.append(exp_, N - exp_.sum())
    assert st.chisquare(obs, exp_).pvalue > 1e-3
    batch = Multinomial(np.array([2, 5]), p).sample((3, 2), rng=0)
    assert batch.shape == (3, 2, 4) and np.all(batch.sum(axis=-1) == [2, 5])


def test_multinomial_fit():
    X = np.array([[1, 2, 3], [0, 4, 2], [2, 2, 2]])
    with mathforml.explain() as work:
        d = Multinomial.fit(X)
    assert d.params["n"] == 6.0
    close(d.p, np.array([3, 8, 7]) / 18, rtol=1e-15)
    np.testing.assert_array_equal(work.values("T")[0], [3, 8, 7])
    with pytest.raises(ValueError, match="same total n, got totals 6 and 5"):
        Multinomial.fit([[1, 2, 3], [1, 2, 2]])
    with pytest.raises(ValueError, match="all zero"):
        Multinomial.fit([[0, 0], [0, 0]])
    with pytest.raises(ValueError, match="counts must be 2-D"):
        Multinomial.fit([1, 2, 3])


def test_multinomial_bad_input():
    with pytest.raises(ValueError, match="p must sum to 1"):
        Multinomial(3, [0.5, 0.6])
    with pytest.raises(ValueError, match="n must be a whole number, got 2.5"):
        Multinomial(2.5, [0.5, 0.5])
    with pytest.raises(ValueError, match="last axis of length K = 2"):
        Multinomial(3, [0.5, 0.5]).pmf([1, 1, 1])


# ---------------------------------------------------------------------------
# Sampling: dtype, shape, moments within 5 sigma, chi-square goodness of fit
# ---------------------------------------------------------------------------
SAMPLING = [
    (Bernoulli(0.3), st.bernoulli(0.3)),
    (Binomial(20, 0.35), st.binom(20, 0.35)),
    (Poisson(4.5), st.poisson(4.5)),
    (Poisson(0.2), st.poisson(0.2)),
    (NegativeBinomial(2.5, 0.4), st.nbinom(2.5, 0.4)),
    (NegativeBinomial(0.7, 0.15), st.nbinom(0.7, 0.15)),
]


@pytest.mark.parametrize("seed", [0, 11])
@pytest.mark.parametrize("d, ref", SAMPLING, ids=lambda v: repr(v) if hasattr(v, "params") else "")
def test_samples_have_the_right_mean_and_frequencies(d, ref, seed):
    N = 100_000
    x = d.sample(N, rng=seed)
    assert x.shape == (N,) and x.dtype.kind == "i"
    assert abs(x.mean() - d.mean()) <= 5 * d.std() / math.sqrt(N)
    # sample variance within 5 standard errors (fourth central moment from scipy)
    mu4 = ref.moment(4) - 4 * ref.moment(3) * d.mean() + 6 * ref.moment(2) * d.mean() ** 2 \
        - 3 * d.mean() ** 4
    assert abs(x.var() - d.var()) <= 5 * math.sqrt((mu4 - d.var() ** 2) / N)
    # chi-square goodness of fit on the cells with expected count >= 5, tails pooled
    k = np.arange(0, int(d.isf(1e-6)) + 1)
    expected = N * d.pmf(k)
    cells = k[expected >= 5]
    lo, hi = cells.min(), cells.max()
    obs = np.array([np.sum(x <= lo)] + [np.sum(x == c) for c in range(lo + 1, hi)]
                   + [np.sum(x >= hi)])
    exp_ = N * np.concatenate([[d.cdf(lo)], d.pmf(np.arange(lo + 1, hi)), [d.sf(hi - 1)]])
    assert st.chisquare(obs, exp_).pvalue > 1e-4


def test_sample_shapes_batches_and_seeds():
    d = Binomial(np.array([5, 50]), np.array([[0.1], [0.9]]))
    x = d.sample(rng=1)
    assert x.shape == (2, 2) and np.all(x <= [5, 50])
    x = d.sample((1000, 2, 2), rng=1)
    assert x.shape == (1000, 2, 2)
    close(x.mean(axis=0), d.mean(), atol=5 * np.max(d.std()) / math.sqrt(1000))
    np.testing.assert_array_equal(Poisson(3.0).sample(10, rng=5), Poisson(3.0).sample(10, rng=5))
    assert isinstance(Poisson(3.0).sample(rng=0), int)
    with pytest.raises(ValueError, match="does not broadcast with the parameters' shape"):
        d.sample(3)
    assert np.all(Bernoulli(0.0).sample(100, rng=0) == 0)
    assert np.all(Bernoulli(1.0).sample(100, rng=0) == 1)
    assert np.all(NegativeBinomial(3.0, 1.0).sample(100, rng=0) == 0)
    nb = NegativeBinomial(np.array([0.5, 8.0]), 0.3).sample((50_000, 2), rng=2)
    close(nb.mean(axis=0), NegativeBinomial(np.array([0.5, 8.0]), 0.3).mean(), rtol=0.05)


# ---------------------------------------------------------------------------
# Maximum likelihood
# ---------------------------------------------------------------------------
def test_bernoulli_binomial_poisson_fits_are_the_closed_forms():
    with mathforml.explain() as work:
        b = Bernoulli.fit([1, 0, 0, 1, 1])
    assert b.p == pytest.approx(0.6, rel=1e-15)
    assert work.values("S") == [3.0] and work.values("N") == [5]
    with mathforml.explain() as work:
        d = Binomial.fit([3, 5, 10, 0], n=10)
    assert d.params == {"n": 10.0, "p": 18 / 40}
    assert work.values("S") == [18.0] and work.values("p") == [18 / 40]
    with mathforml.explain() as work:
        po = Poisson.fit([0, 2, 3, 7])
    assert po.rate == 3.0
    assert [s.title for s in work.steps] == ["Sufficient statistics", "Maximum-likelihood estimate"]
    x = np.random.default_rng(9).poisson(2.5, 1000)
    assert Poisson.fit(x).rate == pytest.approx(x.mean(), rel=1e-15)


def test_fit_bad_input():
    with pytest.raises(ValueError, match="only 0 and 1 .* got 2"):
        Bernoulli.fit([0, 1, 2])
    with pytest.raises(ValueError, match="at least 1 observation"):
        Bernoulli.fit([])
    with pytest.raises(ValueError, match=r"data must lie in \[0, n\] = \[0, 4\], got 5"):
        Binomial.fit([1, 5], n=4)
    with pytest.raises(ValueError, match="non-negative whole numbers .* got 1.5"):
        Binomial.fit([1, 1.5], n=4)
    with pytest.raises(ValueError, match="n must be >= 1"):
        Binomial.fit([0, 0], n=0)
    with pytest.raises(ValueError, match="every observation is 0"):
        Poisson.fit([0, 0, 0])
    with pytest.raises(ValueError, match="non-negative whole numbers .* got -1"):
        Poisson.fit([1, -1])
    with pytest.raises(ValueError, match="contains NaN"):
        Poisson.fit([1, np.nan])


def _nbinom_data(r, p, n, seed):
    return np.random.default_rng(seed).negative_binomial(r, p, n)


def test_negative_binomial_fit_with_r_known_is_closed_form():
    x = _nbinom_data(3.0, 0.4, 500, 1)
    d = NegativeBinomial.fit(x, r=3.0)
    assert d.params == {"r": 3.0, "p": 3.0 / (3.0 + x.mean())}


@pytest.mark.parametrize("r, p, n, seed", [(3.0, 0.4, 2000, 1), (0.5, 0.1, 500, 2),
                                           (20.0, 0.7, 3000, 3), (1.2, 0.02, 200, 4)])
def test_negative_binomial_fit_maximises_the_likelihood(r, p, n, seed):
    x = _nbinom_data(r, p, n, seed)
    with mathforml.explain() as work:
        d = NegativeBinomial.fit(x)
    xbar = x.mean()

    def nll(log_r):
        rr = math.exp(log_r)
        return -np.sum(st.nbinom.logpmf(x, rr, rr / (rr + xbar)))

    ref = so.minimize_scalar(nll, bracket=(-3.0, 3.0), tol=1e-12)
    close(d.r, math.exp(ref.x), rtol=1e-5)
    close(d.p, d.r / (d.r + xbar), rtol=1e-15)
    # the profile score vanishes: a central difference of scipy's log-likelihood
    h = 1e-5
    slope = (nll(math.log(d.r) + h) - nll(math.log(d.r) - h)) / (2 * h)
    assert abs(slope) < 1e-4 * max(1.0, abs(nll(math.log(d.r))))
    assert nll(math.log(d.r)) <= ref.fun + 1e-9 * abs(ref.fun)
    # explanation: statistics, start, iterations, result
    assert work.values("N") == [n] and work.values("xbar")[0] == pytest.approx(xbar, rel=1e-15)
    assert len(work.find("Iteration")) >= 2
    assert work.find("Maximum-likelihood estimate")[0].values["converged"] is True
    r0 = xbar**2 / (np.var(x) - xbar)
    assert work.values("r0")[0] == pytest.approx(r0, rel=1e-12)


def test_negative_binomial_fit_is_the_same_with_and_without_a_recorder():
    x = _nbinom_data(2.0, 0.3, 300, 5)
    plain = NegativeBinomial.fit(x)
    with mathforml.explain():
        recorded = NegativeBinomial.fit(x)
    assert plain.params == recorded.params


def test_negative_binomial_fit_warns_and_rejects():
    x = _nbinom_data(2.0, 0.3, 300, 5)
    with pytest.warns(ConvergenceWarning, match="did not converge in 1 iterations"):
        NegativeBinomial.fit(x, maxiter=1)
    with pytest.raises(ValueError, match=r"not overdispersed \(variance .* <= mean"):
        NegativeBinomial.fit([1, 2, 1, 2, 1, 2])
    with pytest.raises(ValueError, match="not overdispersed"):
        NegativeBinomial.fit([0, 0, 0])
    poisson_like = np.random.default_rng(0).poisson(3.0, 50)
    if poisson_like.var() <= poisson_like.mean():
        with pytest.raises(ValueError, match="fit a Poisson, or pass r"):
            NegativeBinomial.fit(poisson_like)
    with pytest.raises(ValueError, match="r must be > 0, got -1"):
        NegativeBinomial.fit([1, 2], r=-1)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert NegativeBinomial.fit([0, 0, 0], r=2.0).p == 1.0


def test_fits_are_bit_identical_with_and_without_recorder():
    data = [3, 0, 4, 4, 1]
    for fit in (lambda: Poisson.fit(data), lambda: Binomial.fit(data, 5),
                lambda: Categorical.fit(data)):
        plain = fit()
        with mathforml.explain():
            rec = fit()
        for a, b in zip(plain.params.values(), rec.params.values()):
            np.testing.assert_array_equal(a, b)


# ---------------------------------------------------------------------------
# Bad parameters
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("make, match", [
    (lambda: Bernoulli(1.5), r"p must be in \[0, 1\], got 1.5"),
    (lambda: Bernoulli(-0.1), r"p must be in \[0, 1\], got -0.1"),
    (lambda: Binomial(2.5, 0.5), "n must be a whole number, got 2.5"),
    (lambda: Binomial(-1, 0.5), "n must be >= 0, got -1"),
    (lambda: Binomial(10, [0.5, 1.2]), r"p must be in \[0, 1\], got 1.2"),
    (lambda: Binomial(np.inf, 0.5), "n must be finite"),
    (lambda: Poisson(0.0), "rate must be > 0, got 0.0"),
    (lambda: Poisson(-2), "rate must be > 0, got -2"),
    (lambda: Poisson(np.nan), "rate must be finite"),
    (lambda: NegativeBinomial(0.0, 0.5), "r must be > 0, got 0.0"),
    (lambda: NegativeBinomial(2.0, 0.0), "p must be > 0, got 0.0"),
    (lambda: NegativeBinomial(2.0, 1.1), r"p must be in \[0, 1\], got 1.1"),
    (lambda: Categorical([0.5, 0.6]), "p must sum to 1 along its last axis, got sum 1.1"),
    (lambda: Categorical([1.2, -0.2]), r"p must be in \[0, 1\]"),
    (lambda: Categorical(0.5), "p must be a vector of probabilities"),
    (lambda: Multinomial(-3, [0.5, 0.5]), "n must be >= 0, got -3"),
])
def test_bad_parameters_raise_value_error_naming_them(make, match):
    with pytest.raises(ValueError, match=match):
        make()


def test_wrong_types_raise_type_error():
    with pytest.raises(TypeError, match="p must be a number"):
        Bernoulli("0.5")
    with pytest.raises(TypeError, match="complex"):
        Poisson(2.0).pmf(1 + 2j)
    with pytest.raises(TypeError, match="n_categories must be an integer"):
        Categorical.fit([0, 1], n_categories=2.0)


def test_large_binomial_entropy_against_scipy():
    d = Binomial(10**5, 0.3)
    close(d.entropy(), st.binom.entropy(10**5, 0.3), rtol=1e-12)
    nb = NegativeBinomial(0.5, 0.001)                 # heavy tail: a window of ~40 000 terms
    k = np.arange(0.0, 80_000.0)                      # (scipy's own entropy() fails to converge)
    f = st.nbinom.pmf(k, 0.5, 0.001)
    close(nb.entropy(), -np.sum(f[f > 0] * np.log(f[f > 0])), rtol=1e-12)


def test_gammaln_form_agrees_at_small_parameters():
    """Loader's form equals the literal lnC + k ln p + (n-k) log1p(-p) where the latter is exact."""
    n, p = 30.0, 0.37
    k = np.arange(0.0, 31.0)
    literal = (gammaln(n + 1) - gammaln(k + 1) - gammaln(n - k + 1) + k * np.log(p)
               + (n - k) * np.log1p(-p))
    close(Binomial(n, p).logpmf(k), literal, rtol=1e-13, atol=1e-14)


@pytest.mark.parametrize("r, p", [(2.5, 0.01), (40.0, 0.3), (0.5, 0.7)])
def test_negative_binomial_upper_tail_against_mpmath(r, p):
    """S(k) = I_{1-p}(k+1, r), computed without rounding 1 - p, into the far tail."""
    d = NegativeBinomial(r, p)
    k = np.unique(np.round(d.mean() + d.std() * np.array([-1.0, 0.0, 1.0, 3.0, 10.0, 30.0])))
    k = k[k >= 0]
    one_minus_p = 1 - mp.mpf(p)
    ref = np.array([float(mp.betainc(kk + 1, r, 0, one_minus_p, regularized=True)) for kk in k])
    close(d.sf(k), ref, rtol=1e-13)
    ref_cdf = np.array([float(mp.betainc(r, kk + 1, 0, mp.mpf(p), regularized=True)) for kk in k])
    close(d.cdf(k), ref_cdf, rtol=1e-13)


@pytest.mark.parametrize("n, p", [(2000, 0.37), (10**5, 0.001), (300, 0.9)])
def test_binomial_tails_against_mpmath(n, p):
    d = Binomial(n, p)
    k = np.unique(np.clip(np.round(d.mean() + d.std() * np.array([-20, -8, -3, 0, 3, 8, 20.0])),
                          0, n - 1))
    cdf = np.array([float(mp.betainc(n - kk, kk + 1, 0, 1 - mp.mpf(p), regularized=True))
                    for kk in k])
    sf = np.array([float(mp.betainc(kk + 1, n - kk, 0, mp.mpf(p), regularized=True)) for kk in k])
    close(d.cdf(k), cdf, rtol=1e-13)
    close(d.sf(k), sf, rtol=1e-13)


@pytest.mark.parametrize("seed", range(8))
def test_random_parameters_against_scipy(seed):
    """Random (n, p), rate and (r, p) over wide ranges, random points in and beyond the bulk."""
    rng = np.random.default_rng(seed)
    n = float(rng.integers(1, 20_000))
    p = float(10 ** rng.uniform(-6, 0)) if seed % 2 else float(rng.uniform(0, 1))
    lam = float(10 ** rng.uniform(-3, 4))
    r = float(10 ** rng.uniform(-2, 3))
    pn = float(rng.uniform(0.02, 1.0))
    # scipy's logpmf is gammaln-based and loses digits at large parameters: mpmath is the
    # reference for the mass, scipy for the tails and quantiles
    for d, ref, exact in ((Binomial(n, p), st.binom(n, p), lambda k: _mp_binom_logpmf(k, n, p)),
                          (Poisson(lam), st.poisson(lam), lambda k: _mp_poisson_logpmf(k, lam)),
                          (NegativeBinomial(r, pn), st.nbinom(r, pn),
                           lambda k: _mp_nbinom_logpmf(k, r, pn))):
        k = np.unique(np.round(np.clip(d.mean() + d.std() * rng.uniform(-12, 12, 40), 0, None)))
        if d.discrete and "n" in d.params:
            k = k[k <= n]
        want = np.array([exact(kk) for kk in k])
        close(d.logpmf(k), want, rtol=1e-13, atol=1e-13)
        close(d.pmf(k), np.exp(want), rtol=1e-12, atol=1e-300)
        for ours, want in ((d.cdf(k), ref.cdf(k)), (d.sf(k), ref.sf(k))):
            keep = want > 1e-280
            close(ours[keep], want[keep], rtol=1e-10)        # scipy's own tails: ~1e-11
        q = rng.uniform(0, 1, 20)
        np.testing.assert_array_equal(d.ppf(q), ref.ppf(q))


def test_float32_parameters_and_points():
    d = Binomial(10, np.float32(0.5))
    assert d.pmf(np.float32(5.0)) == pytest.approx(252 / 1024, rel=1e-6)
    assert Poisson(np.float32(2.0)).cdf(np.float32(1.0)) == pytest.approx(3 * math.exp(-2), rel=1e-6)
