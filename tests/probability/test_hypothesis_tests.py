"""Hypothesis tests against scipy.stats (statistic, p-value, df, confidence interval)."""
from __future__ import annotations

import pickle
import warnings

import numpy as np
import pytest
import scipy.stats as st

import mathforml
from mathforml.probability.hypothesis_tests import (TestResult, chi2_contingency, chisquare,
                                                    f_oneway, f_test, ttest_1samp, ttest_ind,
                                                    ttest_rel, z_test)

SEEDS = range(20)
ALTERNATIVES = ("two-sided", "less", "greater")
RTOL = 1e-10


def close(ours, ref, rtol=RTOL, atol=0.0):
    np.testing.assert_allclose(ours, ref, rtol=rtol, atol=atol)


def data(seed, n=None, shift=None, scale=None):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(2, 300)) if n is None else n
    shift = rng.normal(0.0, 0.5) if shift is None else shift
    scale = rng.uniform(0.5, 3.0) if scale is None else scale
    return rng, shift + scale * rng.standard_normal(n)


def check_ci(ours, ref_ci):
    low, high = ours.confidence_interval
    for got, want in ((low, ref_ci.low), (high, ref_ci.high)):
        if np.isinf(want):
            assert got == want
        else:
            close(got, want, rtol=1e-10, atol=1e-13)


# ---------------------------------------------------------------------------
# t-tests against scipy
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("alternative", ALTERNATIVES)
@pytest.mark.parametrize("seed", SEEDS)
def test_ttest_1samp_matches_scipy(seed, alternative):
    rng, x = data(seed)
    popmean = float(rng.normal(0.0, 0.3))
    confidence = (0.95, 0.9, 0.99)[seed % 3]
    ours = ttest_1samp(x, popmean, alternative=alternative, confidence=confidence)
    ref = st.ttest_1samp(x, popmean, alternative=alternative)
    close(ours.statistic, ref.statistic)
    close(ours.pvalue, ref.pvalue)
    assert ours.df == ref.df == x.size - 1
    check_ci(ours, ref.confidence_interval(confidence_level=confidence))
    stat, p, df, ci = ours                                     # unpacks as a 4-tuple
    assert (stat, p, df, ci) == (ours.statistic, ours.pvalue, ours.df,
                                 ours.confidence_interval)


@pytest.mark.parametrize("equal_var", [False, True])
@pytest.mark.parametrize("alternative", ALTERNATIVES)
@pytest.mark.parametrize("seed", SEEDS)
def test_ttest_ind_matches_scipy(seed, alternative, equal_var):
    rng, a = data(seed)
    _, b = data(seed + 1000, shift=float(rng.normal(0, 0.5)), scale=float(rng.uniform(0.2, 4)))
    ours = ttest_ind(a, b, equal_var=equal_var, alternative=alternative)
    ref = st.ttest_ind(a, b, equal_var=equal_var, alternative=alternative)
    close(ours.statistic, ref.statistic)
    close(ours.pvalue, ref.pvalue)
    close(ours.df, ref.df)
    check_ci(ours, ref.confidence_interval(confidence_level=0.95))
    assert ours.estimate == pytest.approx(a.mean() - b.mean(), rel=1e-12, abs=1e-14)


def test_ttest_ind_default_is_welch_unlike_scipy():
    _, a = data(3, n=10, scale=1.0)
    _, b = data(4, n=40, scale=5.0)
    ours = ttest_ind(a, b)
    welch = st.ttest_ind(a, b, equal_var=False)
    student = st.ttest_ind(a, b)                               # scipy's default: pooled
    close(ours.pvalue, welch.pvalue)
    assert abs(ours.pvalue - student.pvalue) > 1e-3
    # Welch--Satterthwaite by hand
    w1, w2 = a.var(ddof=1) / a.size, b.var(ddof=1) / b.size
    close(ours.df, (w1 + w2) ** 2 / (w1 ** 2 / (a.size - 1) + w2 ** 2 / (b.size - 1)),
          rtol=1e-12)
    assert "Welch" in ours.name


@pytest.mark.parametrize("alternative", ALTERNATIVES)
@pytest.mark.parametrize("seed", SEEDS)
def test_ttest_rel_matches_scipy(seed, alternative):
    rng, a = data(seed)
    b = a + rng.normal(rng.normal(0, 0.2), rng.uniform(0.1, 2.0), a.size)
    ours = ttest_rel(a, b, alternative=alternative)
    ref = st.ttest_rel(a, b, alternative=alternative)
    close(ours.statistic, ref.statistic)
    close(ours.pvalue, ref.pvalue)
    assert ours.df == ref.df
    check_ci(ours, ref.confidence_interval(confidence_level=0.95))


@pytest.mark.parametrize("n", [2, 3, 5, 1000, 20000])
def test_t_tests_at_extreme_sizes(n):
    _, a = data(n, n=n, shift=0.3)
    _, b = data(n + 1, n=n, shift=0.0)
    for ours, ref in ((ttest_1samp(a, 0.0), st.ttest_1samp(a, 0.0)),
                      (ttest_ind(a, b), st.ttest_ind(a, b, equal_var=False)),
                      (ttest_rel(a, b), st.ttest_rel(a, b))):
        close(ours.statistic, ref.statistic)
        close(ours.pvalue, ref.pvalue)


def test_tiny_pvalues_keep_relative_accuracy():
    """A survival function, not 1 - cdf: p far below machine epsilon is still exact."""
    _, x = data(7, n=50, shift=3.0, scale=1.0)
    ours = ttest_1samp(x, 0.0)
    ref = st.ttest_1samp(x, 0.0)
    assert ref.pvalue < 1e-20
    close(ours.pvalue, ref.pvalue, rtol=1e-9)
    ours = ttest_1samp(x, 0.0, alternative="less")             # the other tail: p near 1
    close(ours.pvalue, st.ttest_1samp(x, 0.0, alternative="less").pvalue)
    z = z_test(x, 0.0, sigma=1.0)
    close(z.pvalue, 2 * st.norm.sf(abs(z.statistic)), rtol=1e-9)


def test_large_samples_match_scipy():
    rng = np.random.default_rng(11)
    a = rng.normal(0.0, 1.0, 200_000)
    b = rng.normal(0.005, 1.5, 150_000)
    for equal_var in (False, True):
        ours = ttest_ind(a, b, equal_var=equal_var)
        ref = st.ttest_ind(a, b, equal_var=equal_var)
        close(ours.statistic, ref.statistic, rtol=1e-9)
        close(ours.pvalue, ref.pvalue, rtol=1e-9)


# ---------------------------------------------------------------------------
# z-test by hand
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("alternative", ALTERNATIVES)
@pytest.mark.parametrize("seed", range(8))
def test_z_test_by_hand(seed, alternative):
    rng, x = data(seed)
    mu0, sigma = float(rng.normal(0, 0.3)), float(rng.uniform(0.5, 3.0))
    n = x.size
    se = sigma / np.sqrt(n)
    z = (x.mean() - mu0) / se
    p = {"two-sided": 2 * st.norm.sf(abs(z)), "less": st.norm.cdf(z),
         "greater": st.norm.sf(z)}[alternative]
    ours = z_test(x, mu0, sigma=sigma, alternative=alternative, confidence=0.9)
    close(ours.statistic, z, rtol=1e-12)
    close(ours.pvalue, p)
    assert ours.df is None
    if alternative == "two-sided":
        q = st.norm.ppf(0.95)
        want = (x.mean() - q * se, x.mean() + q * se)
    elif alternative == "greater":
        want = (x.mean() - st.norm.ppf(0.9) * se, np.inf)
    else:
        want = (-np.inf, x.mean() + st.norm.ppf(0.9) * se)
    np.testing.assert_allclose(ours.confidence_interval, want, rtol=1e-10)


def test_z_test_without_sigma_uses_the_sample_sd():
    x = np.array([1.0, 2.0, 4.0, 7.0])
    s = x.std(ddof=1)
    r = z_test(x, 1.0)
    close(r.statistic, (x.mean() - 1.0) / (s / 2.0), rtol=1e-14)
    close(r.pvalue, 2 * st.norm.sf(abs(r.statistic)))
    assert r.details["sigma"] == pytest.approx(s, rel=1e-14)
    assert z_test([3.0], 1.0, sigma=2.0).statistic == 1.0   # one point is enough with sigma


# ---------------------------------------------------------------------------
# chi-square tests
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("seed", SEEDS)
def test_chisquare_matches_scipy(seed):
    rng = np.random.default_rng(seed)
    k = int(rng.integers(2, 12))
    probs = rng.dirichlet(np.ones(k))
    f_obs = rng.multinomial(int(rng.integers(20, 2000)), probs)
    ours, ref = chisquare(f_obs), st.chisquare(f_obs)
    close(ours.statistic, ref.statistic)
    close(ours.pvalue, ref.pvalue)
    assert ours.df == k - 1 and ours.confidence_interval is None
    f_exp = probs * f_obs.sum()
    ddof = int(rng.integers(0, k - 1))
    ours, ref = chisquare(f_obs, f_exp, ddof=ddof), st.chisquare(f_obs, f_exp, ddof=ddof)
    close(ours.statistic, ref.statistic)
    close(ours.pvalue, ref.pvalue)
    assert ours.df == k - 1 - ddof
    np.testing.assert_array_equal(ours.expected, f_exp)


def test_chisquare_sums_must_agree():
    with pytest.raises(ValueError, match=r"sum\(f_obs\) = 60 and sum\(f_exp\) = 61"):
        chisquare([10, 20, 30], [20, 20, 21])
    # within sqrt(eps) relative is accepted, as scipy
    r = chisquare([10, 20, 30], [20, 20, 20 * (1 + 1e-9)])
    assert np.isfinite(r.statistic)


@pytest.mark.parametrize("shape", [(2, 2), (2, 3), (3, 4), (5, 2), (2, 3, 2)])
@pytest.mark.parametrize("correction", [True, False])
@pytest.mark.parametrize("seed", range(6))
def test_chi2_contingency_matches_scipy(seed, shape, correction):
    rng = np.random.default_rng(seed)
    table = rng.integers(1, 60, size=shape)
    ours = chi2_contingency(table, correction=correction)
    ref = st.chi2_contingency(table, correction=correction)
    close(ours.statistic, ref.statistic)
    close(ours.pvalue, ref.pvalue)
    assert ours.df == ref.dof
    close(ours.expected, ref.expected_freq, rtol=1e-13)


def test_chi2_contingency_yates_by_hand():
    table = np.array([[12.0, 5.0], [7.0, 9.0]])
    E = np.outer(table.sum(1), table.sum(0)) / table.sum()
    corrected = ((np.abs(table - E) - 0.5) ** 2 / E).sum()
    r = chi2_contingency(table)
    close(r.statistic, corrected, rtol=1e-13)
    close(r.pvalue, st.chi2.sf(corrected, 1))
    assert r.details["yates"]
    # df = 0 (a single row): nothing to test
    r = chi2_contingency([[3, 4, 5]])
    assert (r.statistic, r.pvalue, r.df) == (0.0, 1.0, 0)


# ---------------------------------------------------------------------------
# F tests
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("alternative", ALTERNATIVES)
@pytest.mark.parametrize("seed", SEEDS)
def test_f_test_by_hand_with_scipy_f(seed, alternative):
    rng, a = data(seed)
    _, b = data(seed + 500, scale=float(rng.uniform(0.3, 3.0)))
    dfn, dfd = a.size - 1, b.size - 1
    F = a.var(ddof=1) / b.var(ddof=1)
    law = st.f(dfn, dfd)
    p = {"greater": law.sf(F), "less": law.cdf(F),
         "two-sided": min(1.0, 2 * min(law.cdf(F), law.sf(F)))}[alternative]
    ours = f_test(a, b, alternative=alternative, confidence=0.9)
    close(ours.statistic, F, rtol=1e-12)
    close(ours.pvalue, p)
    assert ours.df == (dfn, dfd)
    want = {"two-sided": (F / law.ppf(0.95), F / law.ppf(0.05)),
            "greater": (F / law.ppf(0.9), np.inf),
            "less": (0.0, F / law.ppf(0.1))}[alternative]
    np.testing.assert_allclose(ours.confidence_interval, want, rtol=1e-9)


@pytest.mark.parametrize("seed", SEEDS)
def test_f_oneway_matches_scipy(seed):
    rng = np.random.default_rng(seed)
    k = int(rng.integers(2, 7))
    groups = [rng.normal(rng.normal(0, 0.5), rng.uniform(0.5, 2.0), int(rng.integers(2, 80)))
              for _ in range(k)]
    ours, ref = f_oneway(*groups), st.f_oneway(*groups)
    close(ours.statistic, ref.statistic)
    close(ours.pvalue, ref.pvalue)
    N = sum(g.size for g in groups)
    assert ours.df == (k - 1, N - k)
    assert ours.confidence_interval is None
    grand = np.concatenate(groups).mean()
    ssb = sum(g.size * (g.mean() - grand) ** 2 for g in groups)
    close(ours.details["SSB"], ssb, rtol=1e-10)


def test_f_oneway_constant_groups_like_scipy():
    with pytest.warns(RuntimeWarning, match="constant"):
        r = f_oneway([1.0, 1.0, 1.0], [2.0, 2.0, 2.0])
    assert r.statistic == np.inf and r.pvalue == 0.0
    with pytest.warns(RuntimeWarning, match="constant"):
        r = f_oneway([1.0, 1.0, 1.0], [1.0, 1.0])
    assert np.isnan(r.statistic) and np.isnan(r.pvalue)


# ---------------------------------------------------------------------------
# zero variance: inf/NaN with a RuntimeWarning
# ---------------------------------------------------------------------------
def test_zero_variance_gives_inf_or_nan_with_a_warning():
    with pytest.warns(RuntimeWarning, match="x has zero variance"):
        r = ttest_1samp([2.0, 2.0, 2.0], 1.0)
    assert r.statistic == np.inf and r.pvalue == 0.0
    with pytest.warns(RuntimeWarning, match="zero variance.*NaN"):
        r = ttest_1samp([0.1] * 7, 0.1)
    assert np.isnan(r.statistic) and np.isnan(r.pvalue)
    with pytest.warns(RuntimeWarning, match="zero variance"):
        r = ttest_1samp([2.0, 2.0, 2.0], 3.0, alternative="greater")
    assert r.statistic == -np.inf and r.pvalue == 1.0
    with pytest.warns(RuntimeWarning, match="zero variance"):
        r = ttest_ind([1.0, 1.0], [2.0, 2.0, 2.0])
    assert r.statistic == -np.inf and r.pvalue == 0.0
    with pytest.warns(RuntimeWarning, match="a - b has zero variance"):
        r = ttest_rel([1.0, 2.0, 3.0], [0.0, 1.0, 2.0])
    assert r.statistic == np.inf
    with pytest.warns(RuntimeWarning, match="b has zero variance"):
        r = f_test([1.0, 2.0, 3.0], [5.0, 5.0])
    assert r.statistic == np.inf and r.pvalue == 0.0
    with warnings.catch_warnings():                   # one constant sample is fine for Welch
        warnings.simplefilter("error")
        r = ttest_ind([1.0, 1.0, 1.0], [1.0, 2.0, 4.0])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")               # scipy warns about precision loss
        ref = st.ttest_ind([1.0, 1.0, 1.0], [1.0, 2.0, 4.0], equal_var=False)
    close(r.statistic, ref.statistic)
    close(r.pvalue, ref.pvalue)


# ---------------------------------------------------------------------------
# bad input
# ---------------------------------------------------------------------------
def test_too_few_observations_name_the_argument():
    with pytest.raises(ValueError, match="x needs at least 2 observations, got 1"):
        ttest_1samp([1.0], 0.0)
    with pytest.raises(ValueError, match="b needs at least 2 observations, got 1"):
        ttest_ind([1.0, 2.0], [3.0])
    with pytest.raises(ValueError, match="a needs at least 2 observations, got 0"):
        f_test([], [1.0, 2.0])
    with pytest.raises(ValueError, match="x needs at least 2 observations"):
        z_test([1.0])
    with pytest.raises(ValueError, match="a needs at least 2 observations"):
        ttest_rel([1.0], [2.0])
    with pytest.raises(ValueError, match=r"groups\[1\] needs at least 1 observation, got 0"):
        f_oneway([1.0, 2.0], [])
    with pytest.raises(ValueError, match="at least 2 groups"):
        f_oneway([1.0, 2.0])
    with pytest.raises(ValueError, match="N > k"):
        f_oneway([1.0], [2.0])


def test_paired_lengths_must_match():
    with pytest.raises(ValueError, match=r"same shape.*\(3,\) and \(4,\)"):
        ttest_rel([1.0, 2.0, 3.0], [1.0, 2.0, 3.0, 4.0])


@pytest.mark.parametrize("fn,args", [(ttest_1samp, ([1.0, 2.0, 3.0], 0.0)),
                                     (ttest_ind, ([1.0, 2.0], [3.0, 4.0])),
                                     (ttest_rel, ([1.0, 2.0], [3.0, 5.0])),
                                     (z_test, ([1.0, 2.0],)),
                                     (f_test, ([1.0, 2.0], [3.0, 5.0]))])
def test_unknown_alternative_lists_the_valid_names(fn, args):
    with pytest.raises(ValueError, match="alternative must be one of 'two-sided', 'less', "
                                         "'greater'; got 'two_sided'"):
        fn(*args, alternative="two_sided")


def test_nan_is_rejected_without_nan_policy():
    with pytest.raises(ValueError, match=r"x contains NaN or infinity \(1 non-finite of 3.*"
                                         "no nan_policy"):
        ttest_1samp([1.0, np.nan, 2.0], 0.0)
    with pytest.raises(ValueError, match="b contains NaN or infinity"):
        ttest_ind([1.0, 2.0], [np.inf, 1.0, 2.0])
    with pytest.raises(ValueError, match="b contains NaN"):
        ttest_rel([1.0, 2.0], [np.nan, 1.0])
    with pytest.raises(ValueError, match=r"groups\[0\] contains NaN"):
        f_oneway([np.nan, 1.0], [1.0, 2.0])
    with pytest.raises(ValueError, match="f_obs contains NaN"):
        chisquare([1.0, np.nan])
    with pytest.raises(ValueError, match="a overflows"):
        ttest_ind([1e308, 1e308, 1e308], [1.0, 2.0])


def test_other_bad_input():
    with pytest.raises(ValueError, match=r"confidence must be in \(0, 1\), got 1.5"):
        ttest_1samp([1.0, 2.0], 0.0, confidence=1.5)
    with pytest.raises(ValueError, match="sigma must be > 0, got -1.0"):
        z_test([1.0, 2.0], sigma=-1.0)
    with pytest.raises(ValueError, match="x must be 1-D"):
        ttest_1samp([[1.0, 2.0], [3.0, 4.0]], 0.0)
    with pytest.raises(TypeError, match="popmean must be a real number"):
        ttest_1samp([1.0, 2.0], "zero")
    with pytest.raises(ValueError, match="f_obs must be non-negative"):
        chisquare([1, -2, 3])
    with pytest.raises(ValueError, match="f_exp must be positive"):
        chisquare([1, 2, 3], [3, 3, 0])
    with pytest.raises(ValueError, match=r"df = k - 1 - ddof = 3 - 1 - 2 = 0 must be >= 1"):
        chisquare([1, 2, 3], ddof=2)
    with pytest.raises(ValueError, match="f_exp must have the shape of f_obs"):
        chisquare([1, 2, 3], [3, 3])
    with pytest.raises(ValueError, match="table must have at least 2 dimensions"):
        chi2_contingency([1, 2, 3])
    with pytest.raises(ValueError, match=r"zero at \(1, 0\)"):
        chi2_contingency([[1, 2], [0, 0]])
    with pytest.raises(ValueError, match="table must be non-negative"):
        chi2_contingency([[1, -2], [3, 4]])


# ---------------------------------------------------------------------------
# the result object and the explanation
# ---------------------------------------------------------------------------
def test_result_report_repr_and_pickle():
    r = ttest_ind([1.0, 2.0, 3.0, 4.0], [2.0, 3.0, 5.0, 7.0, 9.0])
    text = str(r)
    assert text.startswith("Welch two-sample t-test (alternative: two-sided)")
    for piece in ("mean1 = 2.5", "mean2 = 5.2", "statistic = -1.8827", "df = 5.7922",
                  "p-value = 0.11049", "95% confidence interval: (-6.2398"):
        assert piece in text, (piece, text)
    assert repr(r).startswith("TestResult(statistic=-1.88270297775")
    r2 = pickle.loads(pickle.dumps(r))
    assert tuple(r2) == tuple(r) and r2.name == r.name and r2.details == r.details
    assert isinstance(r, TestResult) and isinstance(r, tuple) and len(r) == 4
    assert TestResult.__test__ is False


def test_explain_records_the_statistic_df_pvalue_and_interval():
    a = [1.0, 2.0, 3.0, 4.0]
    b = [2.0, 3.0, 5.0, 7.0, 9.0]
    plain = ttest_ind(a, b)
    with mathforml.explain() as work:
        shown = ttest_ind(a, b)
    assert tuple(shown) == tuple(plain)                        # bit-identical
    (samples,) = work.find("Samples")
    assert samples.values["mean1"] == 2.5 and samples.values["var2"] == pytest.approx(8.2)
    (stat,) = work.find("Test statistic")
    assert stat.values["t"] == plain.statistic and "xbar1 - xbar2" in stat.formula
    (pv,) = work.find("p-value")
    assert pv.values["pvalue"] == plain.pvalue and pv.values["df"] == plain.df
    (ci,) = work.find("Confidence interval")
    assert (ci.values["low"], ci.values["high"]) == plain.confidence_interval


def test_explain_anova_and_chi_square():
    groups = ([1.0, 2.0, 3.0], [3.0, 4.0, 5.0])
    with mathforml.explain() as work:
        r = f_oneway(*groups)
    assert work.values("SSB") == [6.0] and work.values("SSW") == [4.0]
    assert work.values("F") == [r.statistic] == [6.0]
    with mathforml.explain() as work:
        r = chi2_contingency([[12, 5], [7, 9]])
    assert work.find("Yates")
    assert work.values("chi2") == [r.statistic]
    assert work.values("pvalue") == [r.pvalue]
