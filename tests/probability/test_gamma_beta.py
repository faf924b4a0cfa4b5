"""Tests for mathforml.probability.distributions.gamma_beta (Gamma, ChiSquared, Beta).

References: scipy.stats (gamma, chi2, beta) on grids that include the support's
boundaries and far tails; mpmath at 40 digits where SciPy itself is off (its
``betaln`` cancels when one argument is large, its Beta quantile gives up in
far tails) and for closed forms; hand values.
"""
import math
import warnings

import mpmath as mp
import numpy as np
import pytest
import scipy.special as sc
import scipy.stats as st

from mathforml.calculus.numeric import derivative
from mathforml.exceptions import ConvergenceWarning
from mathforml.explain import explain
from mathforml.probability.distributions.gamma_beta import (Beta, ChiSquared, Gamma, _betaln,
                                                            _beta_inverse_pair)

mp.mp.dps = 40


def assert_matches(ours, ref, exact, args, *, rtol, atol=0.0, max_arbitrated=60):
    """``ours`` equals SciPy's ``ref`` to ``rtol``; where it does not, mpmath
    (``exact(*args at that point)``) decides, and ours must match it to ``rtol``."""
    ours = np.asarray(ours, dtype=float)
    ref = np.asarray(ref, dtype=float)
    shape = np.broadcast_shapes(ours.shape, ref.shape, *(np.shape(a) for a in args))
    ours, ref = np.broadcast_to(ours, shape), np.broadcast_to(ref, shape)
    args = [np.broadcast_to(np.asarray(a, dtype=float), shape) for a in args]
    off = ~np.isclose(ours, ref, rtol=rtol, atol=atol, equal_nan=True)
    idx = list(zip(*np.nonzero(off)))
    assert len(idx) <= max_arbitrated, f"{len(idx)} points differ from SciPy"
    for i in idx:
        with mp.workdps(40):
            want = float(exact(*(mp.mpf(float(a[i])) for a in args)))
        assert math.isclose(ours[i], want, rel_tol=rtol, abs_tol=atol), \
            (i, [float(a[i]) for a in args], ours[i], ref[i], want)


# mpmath references
def mp_gamma_cdf(k, lam, x):
    return mp.gammainc(k, 0, lam * x, regularized=True)


def mp_gamma_sf(k, lam, x):
    return mp.gammainc(k, lam * x, mp.inf, regularized=True)


def mp_xlogy(c, v):
    return mp.mpf(0) if c == 0 else c * mp.log(v)


def mp_beta_logpdf(a, b, x):
    return mp_xlogy(a - 1, x) + mp_xlogy(b - 1, 1 - x) - mp.log(mp.beta(a, b))


def mp_beta_cdf(a, b, x):
    return mp.betainc(a, b, 0, x, regularized=True)


def mp_beta_sf(a, b, x):
    return mp.betainc(a, b, x, 1, regularized=True)


X_GAMMA = np.concatenate([[0.0, 1e-300, 1e-100, 1e-20, 1e-8, 1e-3], np.linspace(0.01, 5, 40),
                          [10, 30, 100, 300, 700, 1e3, 1e5, 1e10, np.inf]])
Q = np.array([0, 1e-300, 1e-100, 1e-20, 1e-8, 1e-3, 0.1, 0.3, 0.5, 0.7, 0.9, 0.999,
              1 - 1e-8, 1 - 1e-16, 1])


# ---------------------------------------------------------------------------
# Gamma
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("k", [0.01, 0.3, 1.0, 1.5, 4.0, 30.0, 250.0])
@pytest.mark.parametrize("rate", [1.0, 2.0, 0.01])
def test_gamma_matches_scipy(k, rate):
    d = Gamma(k, rate=rate)
    ref = st.gamma(k, scale=1 / rate)
    x = X_GAMMA / rate
    with np.errstate(all="ignore"):
        want_logpdf = ref.logpdf(x)
    want_logpdf[np.isinf(x)] = -np.inf          # SciPy gives nan at inf for k > 1
    # log f = (k-1) log y - y - ln Gamma(k) + log lam: its terms of size |(k-1) log y| + y + ...
    # cancel, so the absolute error is a few ulp of the largest term
    with np.errstate(all="ignore"):
        y = rate * x
        terms = (np.abs(sc.xlogy(k - 1, y)) + np.where(np.isinf(y), 0, y) + abs(sc.gammaln(k))
                 + abs(math.log(rate)) + 1)
    ours = d.logpdf(x)
    same = ours == want_logpdf                   # includes the infinities at the boundary
    with np.errstate(invalid="ignore"):
        assert np.all(same | (np.abs(ours - want_logpdf) <= 4e-16 * terms))
    for name in ("cdf", "sf"):
        np.testing.assert_allclose(getattr(d, name)(x), getattr(ref, name)(x), rtol=1e-13,
                                   atol=0, err_msg=name)
    np.testing.assert_allclose(d.pdf(x), np.exp(want_logpdf), rtol=1e-12, atol=0)
    np.testing.assert_allclose(d.ppf(Q), ref.ppf(Q), rtol=1e-13, atol=0)
    np.testing.assert_allclose(d.isf(Q), ref.isf(Q), rtol=1e-13, atol=0)
    assert d.mean() == pytest.approx(k / rate, rel=1e-15)
    assert d.var() == pytest.approx(k / rate ** 2, rel=1e-15)
    assert d.entropy() == pytest.approx(float(ref.entropy()), rel=1e-13, abs=1e-13)


def test_gamma_tails_against_mpmath():
    """Far tails (1e-300 and below) keep full relative accuracy in both directions."""
    cases = [(0.5, 1.0, 1e-200), (0.5, 1.0, 300.0), (3.0, 2.0, 400.0), (30.0, 1.0, 1e-3),
             (30.0, 1.0, 200.0), (1e3, 1.0, 1500.0), (1e3, 1.0, 700.0), (0.01, 3.0, 50.0)]
    for k, lam, x in cases:
        d = Gamma(k, rate=lam)
        with mp.workdps(40):
            assert d.cdf(x) == pytest.approx(float(mp_gamma_cdf(k, lam, mp.mpf(x))), rel=1e-12)
            assert d.sf(x) == pytest.approx(float(mp_gamma_sf(k, lam, mp.mpf(x))), rel=1e-12)


def test_gamma_round_trips_and_hand_values():
    d = Gamma(2.0, rate=3.0)
    assert d.pdf(1.0) == pytest.approx(9 * math.exp(-3), rel=1e-15)
    assert d.cdf(1.0) == pytest.approx(1 - 4 * math.exp(-3), rel=1e-15)
    assert d.sf(1.0) == pytest.approx(4 * math.exp(-3), rel=1e-15)
    e = Gamma(1.0, rate=0.5)                    # the exponential: sf = exp(-x/2), ppf exact
    x = np.array([1e-10, 1.0, 50.0, 1000.0])
    # d log sf / d log x = x/2: an ulp in x costs x/2 ulps in sf (for the reference too)
    assert np.all(np.abs(e.sf(x) / np.exp(-0.5 * x) - 1) <= 2.3e-16 * (2 + x / 2))
    np.testing.assert_allclose(e.cdf(x), -np.expm1(-0.5 * x), rtol=1e-14)
    q = np.array([1e-300, 1e-12, 0.3, 0.5, 0.99])
    np.testing.assert_allclose(e.isf(q), -2 * np.log(q), rtol=1e-14)
    for k in (0.05, 0.7, 3.0, 80.0):
        g = Gamma(k, rate=1.7)
        q = np.array([1e-250, 1e-30, 1e-5, 0.2, 0.5, 0.8, 1 - 1e-9])
        x = g.ppf(q)
        # where the quantile is below the smallest float, 0 is its rounding: P(k, y) ~ y^k/k!
        underflows = (np.log(q) + sc.gammaln(k + 1)) / k - math.log(1.7) < -745
        np.testing.assert_array_equal(x == 0, underflows)
        np.testing.assert_allclose(g.cdf(x[~underflows]), q[~underflows], rtol=1e-12)
        np.testing.assert_allclose(g.sf(g.isf(q)), q, rtol=1e-12)


def test_gamma_support_boundary_and_outside():
    for k, at_zero in [(0.5, np.inf), (1.0, 2.5), (2.0, 0.0)]:
        d = Gamma(k, rate=2.5)
        assert d.pdf(0.0) == at_zero == st.gamma.pdf(0.0, k, scale=1 / 2.5)
        assert d.cdf(0.0) == 0.0 and d.sf(0.0) == 1.0
        assert d.pdf(-1.0) == 0.0 and d.logpdf(-1.0) == -np.inf
        assert d.cdf(-1.0) == 0.0 and d.sf(-1.0) == 1.0
        assert d.pdf(np.inf) == 0.0 and d.cdf(np.inf) == 1.0 and d.sf(np.inf) == 0.0
        assert math.isnan(d.pdf(np.nan)) and math.isnan(d.cdf(np.nan)) and math.isnan(d.sf(np.nan))
        assert d.ppf(0.0) == 0.0 and d.ppf(1.0) == np.inf
        assert d.isf(1.0) == 0.0 and d.isf(0.0) == np.inf
        assert d.support() == (0.0, np.inf)
    assert type(Gamma(2.0).pdf(1.0)) is float and type(Gamma(2.0).sample(rng=0)) is float


@pytest.mark.parametrize("k", [0.3, 2.0, 25.0])
def test_gamma_pdf_is_derivative_of_cdf(k):
    d = Gamma(k, rate=1.5)
    mean, sd = k / 1.5, math.sqrt(k) / 1.5
    x = np.linspace(max(mean - 3 * sd, 0.05 * mean), mean + 4 * sd, 15)
    np.testing.assert_allclose(derivative(d.cdf, x, h=1e-3 * x), d.pdf(x), rtol=1e-8)


def test_gamma_scale_keyword_and_defaults():
    np.testing.assert_allclose(Gamma(3.0, scale=2.0).cdf([1.0, 5.0]),
                               Gamma(3.0, rate=0.5).cdf([1.0, 5.0]), rtol=1e-15)
    assert Gamma(3.0).params == {"shape": 3.0, "rate": 1.0}
    assert Gamma(3.0, scale=4.0).scale == 4.0
    assert Gamma(3.0, 2.0).params["rate"] == 2.0
    assert repr(Gamma(3.0, 2.0)) == "Gamma(shape=3, rate=2)"


@pytest.mark.parametrize("k", [1e3, 1e5, 1e8])
def test_gamma_entropy_large_shape_against_mpmath(k):
    """The Stirling-series branch (k >= 50) against the closed form at 40 digits."""
    with mp.workdps(40):
        kk = mp.mpf(k)
        want = kk - mp.log(3) + mp.loggamma(kk) + (1 - kk) * mp.digamma(kk)
    assert Gamma(k, rate=3.0).entropy() == pytest.approx(float(want), rel=1e-14)


def test_gamma_entropy_near_branch_switch():
    for k in (49.0, 50.0, 51.0):
        with mp.workdps(40):
            kk = mp.mpf(k)
            want = kk + mp.loggamma(kk) + (1 - kk) * mp.digamma(kk)
        assert Gamma(k).entropy() == pytest.approx(float(want), rel=1e-14)


def test_gamma_vectorised():
    k = np.array([[0.5], [2.0], [7.0]])
    lam = np.array([1.0, 3.0])
    d = Gamma(k, rate=lam)
    assert d.batch_shape == (3, 2)
    x = np.array([0.0, 0.4, 2.0, -1.0])
    ours = d.cdf(x[:, None, None])
    assert ours.shape == (4, 3, 2)
    for i in range(3):
        for j in range(2):
            for m, xv in enumerate(x):
                assert ours[m, i, j] == Gamma(float(k[i, 0]), rate=float(lam[j])).cdf(xv)
    np.testing.assert_allclose(d.ppf(0.3), st.gamma.ppf(0.3, k, scale=1 / lam), rtol=1e-14)
    np.testing.assert_allclose(d.mean(), k / lam, rtol=1e-15)
    s = d.sample((5000, 3, 2), rng=1)
    assert s.shape == (5000, 3, 2) and (s > 0).all()
    with pytest.raises(ValueError, match="does not broadcast with the parameters' shape"):
        d.sample(10, rng=0)
    with pytest.raises(ValueError, match="must contain the parameters' shape"):
        d.sample((3, 1), rng=0)


@pytest.mark.parametrize("k, lam, seed", [(0.2, 1.0, 0), (2.5, 4.0, 1), (40.0, 0.5, 2)])
def test_gamma_sample_moments_and_ks(k, lam, seed):
    n = 200_000
    x = Gamma(k, rate=lam).sample(n, rng=seed)
    mean, var = k / lam, k / lam ** 2
    mu4 = 3 * k * (k + 2) / lam ** 4              # fourth central moment of the gamma
    assert abs(x.mean() - mean) <= 5 * math.sqrt(var / n)
    assert abs(x.var() - var) <= 5 * math.sqrt((mu4 - var ** 2) / n)
    assert st.kstest(x[:20_000], st.gamma(k, scale=1 / lam).cdf).pvalue > 1e-3
    np.testing.assert_array_equal(x, np.random.default_rng(seed).standard_gamma(k, n) / lam)


def test_gamma_bad_input():
    with pytest.raises(ValueError, match="shape must be > 0, got -1.0"):
        Gamma(-1.0)
    with pytest.raises(ValueError, match="shape must be > 0, got 0.0"):
        Gamma(0.0)
    with pytest.raises(ValueError, match="rate must be > 0, got -2.0"):
        Gamma(1.0, rate=-2.0)
    with pytest.raises(ValueError, match="scale must be > 0, got 0.0"):
        Gamma(1.0, scale=0.0)
    with pytest.raises(ValueError, match="rate or scale, not both"):
        Gamma(1.0, rate=2.0, scale=0.5)
    with pytest.raises(ValueError, match="shape must be finite"):
        Gamma(np.nan)
    with pytest.raises(ValueError, match="rate must be finite, got inf"):
        Gamma(1.0, rate=np.inf)
    with pytest.raises(ValueError, match="finite reciprocal"):
        Gamma(1.0, scale=1e-320)
    with pytest.raises(TypeError, match="shape must be a number"):
        Gamma("2")
    with pytest.raises(ValueError, match=r"q must be in \[0, 1\], got 1.5"):
        Gamma(2.0).ppf(1.5)
    with pytest.raises(ValueError, match=r"q must be in \[0, 1\], got -0.1"):
        Gamma(2.0).isf([0.5, -0.1])


# ---------------------------------------------------------------------------
# Gamma fit
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("k, theta, n", [(0.05, 1.0, 400), (0.7, 2.0, 500), (3.0, 0.5, 300),
                                         (50.0, 1.0, 1000), (1e4, 1.0, 200)])
def test_gamma_fit_matches_scipy_and_score_equation(k, theta, n):
    x = st.gamma.rvs(k, scale=theta, size=n, random_state=np.random.default_rng(int(k * 7)))
    d = Gamma.fit(x)
    k_hat, lam_hat = d.params["shape"], d.params["rate"]
    a, _, scale = st.gamma.fit(x, floc=0)
    assert k_hat == pytest.approx(a, rel=1e-8)
    assert lam_hat == pytest.approx(1 / scale, rel=1e-8)
    # closed-form conditions of the MLE: lam = k / mean and log k - psi(k) = s
    assert lam_hat == k_hat / x.mean()
    s = math.log(x.mean()) - np.log(x).mean()
    assert math.log(k_hat) - sc.digamma(k_hat) == pytest.approx(s, rel=1e-11)


def test_gamma_fit_explains_itself_and_is_bit_identical():
    x = np.array([0.5, 1.0, 1.5, 3.0, 0.2, 2.2])
    plain = Gamma.fit(x)
    with explain() as work:
        shown = Gamma.fit(x)
    assert shown.params == plain.params
    stats = work.find("Sufficient statistics")[0].values
    assert stats["xbar"] == x.mean() and stats["mean_log_x"] == np.log(x).mean()
    assert stats["s"] == pytest.approx(math.log(x.mean()) - np.log(x).mean(), rel=1e-15)
    s = stats["s"]
    k0 = work.find("Minka")[0].values["k0"]
    assert k0 == pytest.approx((3 - s + math.sqrt((s - 3) ** 2 + 24 * s)) / (12 * s), rel=1e-15)
    ks = work.values("k")
    assert 2 <= len(ks) <= 8 and ks[-1] == plain.params["shape"]
    assert abs(work.values("residual")[-1]) < 1e-12
    assert work.find("Result")[0].values["rate"] == plain.params["rate"]


def test_gamma_fit_bad_data_and_warning():
    with pytest.raises(ValueError, match="at least 2 observations"):
        Gamma.fit([1.0])
    with pytest.raises(ValueError, match=r"open support \(0, inf\).*-1.0"):
        Gamma.fit([1.0, 2.0, -1.0])
    with pytest.raises(ValueError, match=r"open support \(0, inf\).*0.0"):
        Gamma.fit([1.0, 0.0])
    with pytest.raises(ValueError, match="NaN or infinity"):
        Gamma.fit([1.0, np.nan])
    with pytest.raises(ValueError, match="all equal"):
        Gamma.fit([2.0, 2.0, 2.0])
    with pytest.raises(ValueError, match="1-D"):
        Gamma.fit([[1.0, 2.0]])
    with pytest.warns(ConvergenceWarning, match="Gamma.fit: no convergence in maxiter=1"):
        Gamma.fit([0.1, 1.0, 10.0, 3.0], maxiter=1)


# ---------------------------------------------------------------------------
# ChiSquared
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("df", [0.02, 0.6, 1.0, 2.0, 3.0, 10.0, 500.0])
def test_chi2_matches_scipy(df):
    d = ChiSquared(df)
    ref = st.chi2(df)
    x = X_GAMMA * 2
    with np.errstate(all="ignore"):
        want = ref.logpdf(x)
    want[np.isinf(x)] = -np.inf
    np.testing.assert_allclose(d.logpdf(x), want, rtol=1e-13, atol=1e-13 * (1 + df))
    for name in ("cdf", "sf"):
        np.testing.assert_allclose(getattr(d, name)(x), getattr(ref, name)(x), rtol=1e-13,
                                   atol=0, err_msg=name)
    np.testing.assert_allclose(d.ppf(Q), ref.ppf(Q), rtol=1e-13, atol=0)
    np.testing.assert_allclose(d.isf(Q), ref.isf(Q), rtol=1e-13, atol=0)
    assert d.mean() == df and d.var() == 2 * df
    assert d.entropy() == pytest.approx(float(ref.entropy()), rel=1e-13, abs=1e-14)


def test_chi2_is_gamma_half():
    x = np.array([0.0, 1e-5, 0.5, 3.0, 40.0])
    q = np.array([1e-20, 0.05, 0.5, 0.95])
    for df in (0.5, 4.0, 33.0):
        c, g = ChiSquared(df), Gamma(df / 2, rate=0.5)
        for name in ("logpdf", "cdf", "sf"):
            np.testing.assert_array_equal(getattr(c, name)(x), getattr(g, name)(x))
        np.testing.assert_array_equal(c.ppf(q), g.ppf(q))
        np.testing.assert_array_equal(c.isf(q), g.isf(q))
        assert c.entropy() == g.entropy() and c.mean() == g.mean()
        np.testing.assert_array_equal(c.sample(50, rng=3), g.sample(50, rng=3))
    assert ChiSquared(1).isf(0.05) == pytest.approx(1.959963984540054 ** 2, rel=1e-14)
    assert ChiSquared(2).cdf(2.0) == pytest.approx(1 - math.exp(-1), rel=1e-15)
    assert ChiSquared(3.0).params == {"df": 3.0}


@pytest.mark.parametrize("df, seed", [(0.5, 0), (3.0, 1), (80.0, 2)])
def test_chi2_sample_moments_and_ks(df, seed):
    n = 200_000
    x = ChiSquared(df).sample(n, rng=seed)
    assert abs(x.mean() - df) <= 5 * math.sqrt(2 * df / n)
    mu4 = 12 * df * (df + 4)                           # fourth central moment of chi2(df)
    assert abs(x.var() - 2 * df) <= 5 * math.sqrt((mu4 - 4 * df ** 2) / n)
    assert st.kstest(x[:20_000], st.chi2(df).cdf).pvalue > 1e-3


@pytest.mark.parametrize("df", [0.2, 1.0, 5.0, 100.0])
def test_chi2_fit_solves_score_equation_and_beats_scipy(df):
    x = st.chi2.rvs(df, size=300, random_state=np.random.default_rng(int(df * 10)))
    d = ChiSquared.fit(x)
    nu = d.params["df"]
    # closed form of the MLE: psi(df/2) = mean(log(x/2))
    assert sc.digamma(nu / 2) == pytest.approx(np.log(x / 2).mean(), rel=1e-12, abs=1e-13)
    ref = st.chi2.fit(x, floc=0, fscale=1)[0]         # SciPy: Nelder-Mead, about 1e-4
    assert nu == pytest.approx(ref, rel=1e-3)
    assert st.chi2.logpdf(x, nu).sum() >= st.chi2.logpdf(x, ref).sum() - 1e-10


def test_chi2_fit_hand_value_explain_and_errors():
    # one point at 2 exp(psi(1)) = 2 e^{-gamma}: psi(df/2) = psi(1), df = 2
    c = 2 * math.exp(-np.euler_gamma)
    assert ChiSquared.fit([c]).params["df"] == pytest.approx(2.0, rel=1e-14)
    with explain() as work:
        d = ChiSquared.fit([c, c])
    assert d.params["df"] == ChiSquared.fit([c, c]).params["df"]
    assert work.find("Sufficient statistic")[0].values["c"] == pytest.approx(-np.euler_gamma,
                                                                            rel=1e-15)
    assert len(work.find("Newton step")) >= 1 and work.find("Result")
    with pytest.raises(ValueError, match="at least 1 observation"):
        ChiSquared.fit([])
    with pytest.raises(ValueError, match="open support"):
        ChiSquared.fit([1.0, -2.0])
    with pytest.raises(ValueError, match="df must be > 0, got -3.0"):
        ChiSquared(-3.0)
    with pytest.warns(ConvergenceWarning, match="ChiSquared.fit"):
        ChiSquared.fit([0.01, 5.0, 30.0], maxiter=1)


# ---------------------------------------------------------------------------
# Beta
# ---------------------------------------------------------------------------
X_BETA = np.concatenate([[0.0, 1e-300, 1e-100, 1e-20, 1e-8, 1e-3], np.linspace(0.01, 0.99, 25),
                         [1 - 1e-3, 1 - 1e-8, 1 - 1e-12, 1 - 2 ** -53, 1.0]])
AB = [0.01, 0.3, 1.0, 2.5, 30.0, 1e3, 1e5]


@pytest.mark.parametrize("a", AB)
def test_beta_matches_scipy(a):
    b = np.array(AB)[:, None]
    d = Beta(a, b)
    ref = st.beta(a, b)
    x = X_BETA
    with np.errstate(all="ignore"):
        want = ref.logpdf(x)
    # SciPy's betaln loses up to 3e-11 relative when one argument is large; the log-density's
    # own terms (a-1) log x etc. cancel, so the absolute error scales with the largest term
    terms = (np.abs(sc.xlogy(a - 1, x)) + np.abs(sc.xlog1py(b - 1, -x))
             + np.abs(sc.betaln(a, b)) + 1)
    ours = d.logpdf(x)
    off = ~np.isclose(ours, want, rtol=0, atol=0, equal_nan=True)
    with np.errstate(invalid="ignore"):
        off &= ~(np.abs(ours - want) <= 4e-16 * terms)
    for i, j in zip(*np.nonzero(off)):          # SciPy off: mpmath decides
        want_mp = float(mp_beta_logpdf(mp.mpf(a), mp.mpf(float(b[i, 0])), mp.mpf(float(x[j]))))
        assert abs(ours[i, j] - want_mp) <= 4e-16 * terms[i, j], (a, b[i, 0], x[j])
    for name, exact in (("cdf", mp_beta_cdf), ("sf", mp_beta_sf)):
        assert_matches(getattr(d, name)(x), getattr(ref, name)(x), exact, (a, b, x),
                       rtol=1e-12, atol=0)
    assert d.pdf(0.5).shape == (len(AB), 1)
    np.testing.assert_allclose(d.mean(), ref.mean(), rtol=1e-15)
    np.testing.assert_allclose(d.var(), ref.var(), rtol=1e-14)


@pytest.mark.parametrize("a", [0.01, 0.3, 1.0, 2.5, 30.0, 1e3])
def test_beta_quantiles(a):
    b = np.array([0.01, 0.3, 1.0, 2.5, 30.0, 1e3])[:, None]
    d = Beta(a, b)
    ours_ppf, ours_isf = d.ppf(Q), d.isf(Q)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)    # boost gives up on some far tails
        ref_ppf, ref_isf = st.beta.ppf(Q, a, b), st.beta.isf(Q, a, b)

    def cdf_at(value, q, upper):
        # where SciPy disagrees, ours is right if mpmath's cdf (sf) of it is q
        x = mp.mpf(float(value))
        return mp.betainc(a, float(b_now), x, 1, regularized=True) if upper else \
            mp.betainc(a, float(b_now), 0, x, regularized=True)

    for i in range(b.shape[0]):
        b_now = b[i, 0]
        for ours, ref, upper in ((ours_ppf, ref_ppf, False), (ours_isf, ref_isf, True)):
            off = ~np.isclose(ours[i], ref[i], rtol=1e-12, atol=0, equal_nan=True)
            for j in np.nonzero(off)[0]:
                x = ours[i, j]
                if 0.0 < x < 1.0:
                    with mp.workdps(40):
                        got = float(cdf_at(x, Q[j], upper))
                    assert got == pytest.approx(Q[j], rel=1e-9), (a, b_now, Q[j], x, ref[i, j])
                else:   # a boundary: the exact quantile must round to it
                    lower_q = 1 - Q[j] if upper else Q[j]      # I_x(a, b) = lower_q
                    upper_q = Q[j] if upper else 1 - Q[j]      # I_{1-x}(b, a) = upper_q
                    lb = float(sc.betaln(a, b_now))
                    if x == 0.0:    # the series at 0: log x = (log q + log a + ln B)/a
                        assert lower_q == 0 or (math.log(lower_q) + math.log(a) + lb) / a < -744
                    else:
                        assert upper_q == 0 or \
                            (math.log(upper_q) + math.log(b_now) + lb) / b_now < -36.7
    q = np.array([1e-30, 1e-6, 0.2, 0.5, 0.8, 1 - 1e-6])
    dd = Beta(a, 2.5)
    x = dd.ppf(q)
    # a float x carries relative error eps (1 - x near 1: eps/(1 - x)); the cdf turns that into
    # a times (b times) as much; x = 0 or 1 are roundings (checked on the grid above)
    rt = 1e-13 + 2.3e-16 * (a + 2.5 / np.maximum(1 - x, 1e-300))
    np.testing.assert_array_less(np.abs(dd.cdf(x) / q - 1), np.where((x > 0) & (x < 1), rt, np.inf))
    x = dd.isf(q)
    rt = 1e-13 + 2.3e-16 * (a + 2.5 / np.maximum(1 - x, 1e-300))
    np.testing.assert_array_less(np.abs(dd.sf(x) / q - 1), np.where((x > 0) & (x < 1), rt, np.inf))


def test_beta_boundaries_match_scipy():
    for a in (0.5, 1.0, 2.0):
        for b in (0.5, 1.0, 2.0):
            d = Beta(a, b)
            for x in (0.0, 1.0):
                assert d.logpdf(x) == pytest.approx(st.beta.logpdf(x, a, b), rel=1e-14,
                                                    abs=1e-15), (a, b, x)
            assert d.cdf(0.0) == 0.0 and d.cdf(1.0) == 1.0 and d.sf(0.0) == 1.0 and d.sf(1.0) == 0.0
            assert d.pdf(-0.1) == 0.0 and d.pdf(1.1) == 0.0 and d.logpdf(1.1) == -np.inf
            assert d.cdf(-0.1) == 0.0 and d.sf(1.1) == 0.0
            assert d.ppf(0.0) == 0.0 and d.ppf(1.0) == 1.0 and d.isf(0.0) == 1.0
    assert Beta(0.5, 2.0).pdf(0.0) == np.inf and Beta(1.0, 2.0).pdf(0.0) == 2.0
    assert Beta(2.0, 2.0).pdf(0.0) == 0.0 and Beta(2.0, 1.0).pdf(1.0) == 2.0
    assert Beta(2.0, 0.5).pdf(1.0) == np.inf
    assert math.isnan(Beta(2.0, 3.0).pdf(np.nan))
    assert Beta(2.0, 3.0).support() == (0.0, 1.0)


def test_beta_hand_values_and_closed_form_tails():
    d = Beta(2.0, 3.0)
    assert d.pdf(0.5) == pytest.approx(1.5, rel=1e-15)
    assert d.cdf(0.5) == pytest.approx(11 / 16, rel=1e-15)
    assert d.sf(0.5) == pytest.approx(5 / 16, rel=1e-15)
    # Beta(1, b): sf(x) = (1 - x)^b, and Beta(a, 1): cdf(x) = x^a, to the last bits in the tails
    x = np.array([1e-300, 1e-10, 0.3, 0.9, 1 - 1e-8, 1 - 1e-14])
    np.testing.assert_allclose(Beta(1.0, 7.0).sf(x), (1 - x) ** 7, rtol=1e-13)
    np.testing.assert_allclose(Beta(0.3, 1.0).cdf(x), x ** 0.3, rtol=1e-13)
    np.testing.assert_allclose(Beta(1.0, 7.0).isf([1e-100, 1e-8]),
                               [1 - 1e-100 ** (1 / 7), 1 - 1e-8 ** (1 / 7)], rtol=1e-14)
    u = np.array([1e-12, 0.25, 0.75])
    np.testing.assert_allclose(Beta(1.0, 1.0).ppf(u), u, rtol=1e-15)


def test_beta_entropy_matches_scipy_and_mpmath():
    for a, b in [(0.01, 0.3), (0.5, 0.5), (1.0, 1.0), (2.0, 3.0), (30.0, 1e3), (1e3, 1e5)]:
        want = float(st.beta(a, b).entropy())
        with mp.workdps(40):
            A, B = mp.mpf(a), mp.mpf(b)
            exact = float(mp.log(mp.beta(A, B)) - (A - 1) * mp.digamma(A) - (B - 1) * mp.digamma(B)
                          + (A + B - 2) * mp.digamma(A + B))
        got = Beta(a, b).entropy()
        # the closed form cancels for large a, b: absolute error ~ (a + b) eps
        assert got == pytest.approx(exact, abs=4e-16 * (a + b) * 20 + 1e-14), (a, b)
        assert got == pytest.approx(want, abs=1e-9 * (a + b) * 1e-2 + 1e-13), (a, b)
    assert Beta(1.0, 1.0).entropy() == 0.0


def test_betaln_is_accurate_where_scipy_cancels():
    vals = [0.001, 0.5, 2.5, 9.99, 10.0, 30.0, 1e3, 5e5, 1e8, 1e12]
    for a in vals:
        for b in vals:
            with mp.workdps(40):
                want = float(mp.log(mp.beta(a, b)))
            assert float(_betaln(a, b)) == pytest.approx(want, rel=4e-15, abs=1e-15), (a, b)
    assert abs(sc.betaln(0.5, 5e5) - float(mp.log(mp.beta(0.5, 5e5)))) > 1e-11  # why it exists


def test_beta_inverse_pair_small_side_is_direct():
    x, y, log_x = _beta_inverse_pair(500.0, 0.5, 0.3)     # x close to 1: y from its own inverse
    with mp.workdps(40):
        assert float(mp.betainc(0.5, 500.0, 0, mp.mpf(float(y)), regularized=True)) == \
            pytest.approx(0.7, rel=1e-13)
    x, y, log_x = _beta_inverse_pair(0.25, 0.5, 1e-200)   # x underflows: log x from the series
    assert x == 0.0 and y == 1.0                          # (SciPy says 2.2e-308)
    with mp.workdps(40):
        got = mp.betainc(0.25, 0.5, 0, mp.exp(mp.mpf(float(log_x))), regularized=True)
    assert float(got) == pytest.approx(1e-200, rel=2e-13)   # |log x| = 1841: its ulp x a
    x, y, log_x = _beta_inverse_pair(2.5, 30.0, 1e-300)   # SciPy's inverse gives NaN here
    with mp.workdps(40):
        got = mp.betainc(2.5, 30.0, 0, mp.mpf(float(x)), regularized=True)
    assert float(got) == pytest.approx(1e-300, rel=1e-12)
    assert np.isnan(sc.betaincinv(2.5, 30.0, 1e-300))


@pytest.mark.parametrize("a, b", [(0.4, 3.0), (2.0, 5.0), (30.0, 0.7)])
def test_beta_pdf_is_derivative_of_cdf(a, b):
    d = Beta(a, b)
    x = np.linspace(0.05, 0.95, 13)
    np.testing.assert_allclose(derivative(d.cdf, x, h=1e-4), d.pdf(x), rtol=1e-7)


@pytest.mark.parametrize("a, b, seed", [(2.0, 5.0, 0), (0.5, 0.3, 1), (0.05, 0.5, 2),
                                        (0.7, 9.0, 3), (300.0, 0.9, 4)])
def test_beta_sample_moments_and_ks(a, b, seed):
    n = 200_000
    x = Beta(a, b).sample(n, rng=seed)
    assert not np.isnan(x).any() and (x >= 0).all() and (x <= 1).all()
    ref = st.beta(a, b)
    mean, var = ref.stats("mv")
    mu4 = (float(ref.stats("k")) + 3) * var ** 2
    assert abs(x.mean() - mean) <= 5 * math.sqrt(var / n)
    assert abs(x.var() - var) <= 5 * math.sqrt((mu4 - var ** 2) / n)
    assert st.kstest(x[:20_000], ref.cdf).pvalue > 1e-3


def test_beta_sampling_tiny_shapes_and_mixed_batches():
    x = Beta(0.005, 0.01).sample(300_000, rng=5)      # log-space Johnk: no 0/0
    assert not np.isnan(x).any()
    mean, var = 1 / 3, 0.005 * 0.01 / (0.015 ** 2 * 1.015)
    assert abs(x.mean() - mean) <= 5 * math.sqrt(var / x.size)
    a = np.array([0.3, 2.0, 0.01, 5.0])
    b = np.array([0.4, 0.5, 3.0, 0.02])
    s = Beta(a, b).sample((100_000, 4), rng=6)
    assert s.shape == (100_000, 4) and not np.isnan(s).any()
    mean, var = a / (a + b), a * b / ((a + b) ** 2 * (a + b + 1))
    assert np.all(np.abs(s.mean(axis=0) - mean) <= 5 * np.sqrt(var / 100_000))
    one = Beta([0.5, 2.0], [0.5, 2.0]).sample(rng=1)
    assert one.shape == (2,)
    assert type(Beta(0.5, 0.5).sample(rng=1)) is float


def test_beta_bad_input():
    with pytest.raises(ValueError, match="a must be > 0, got 0.0"):
        Beta(0.0, 1.0)
    with pytest.raises(ValueError, match="b must be > 0, got -1.0"):
        Beta(1.0, [2.0, -1.0])
    with pytest.raises(ValueError, match="b must be finite"):
        Beta(1.0, np.inf)
    with pytest.raises(ValueError, match=r"q must be in \[0, 1\]"):
        Beta(1.0, 2.0).ppf(2.0)
    with pytest.raises(TypeError, match="complex"):
        Beta(1.0, 2.0).cdf(1j)


# ---------------------------------------------------------------------------
# Beta fit
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("a, b", [(0.05, 0.1), (0.5, 0.5), (2.0, 5.0), (50.0, 3.0),
                                  (1e3, 2e3)])
def test_beta_fit_matches_scipy_and_score_equations(a, b):
    x = st.beta.rvs(a, b, size=400, random_state=np.random.default_rng(int(a * 100 + b)))
    x = x[(x > 0) & (x < 1)]
    d = Beta.fit(x)
    ah, bh = d.params["a"], d.params["b"]
    L1, L2 = np.log(x).mean(), np.log1p(-x).mean()
    assert sc.digamma(ah) - sc.digamma(ah + bh) == pytest.approx(L1, rel=1e-11, abs=1e-12)
    assert sc.digamma(bh) - sc.digamma(ah + bh) == pytest.approx(L2, rel=1e-11, abs=1e-12)
    ra, rb = st.beta.fit(x, floc=0, fscale=1)[:2]
    assert ah == pytest.approx(ra, rel=1e-7) and bh == pytest.approx(rb, rel=1e-7)


def test_beta_fit_explain_warning_and_errors():
    x = np.array([0.2, 0.4, 0.5, 0.7, 0.33])
    plain = Beta.fit(x)
    with explain() as work:
        shown = Beta.fit(x)
    assert shown.params == plain.params
    st_ = work.find("Sufficient statistics")[0].values
    assert st_["L1"] == np.log(x).mean() and st_["L2"] == np.log1p(-x).mean()
    m, v = x.mean(), x.var()
    c = m * (1 - m) / v - 1
    start = work.find("Method-of-moments")[0].values
    assert start["a0"] == pytest.approx(m * c, rel=1e-15)
    assert start["b0"] == pytest.approx((1 - m) * c, rel=1e-15)
    assert work.values("a")[-1] == plain.params["a"]
    assert np.max(np.abs(work.values("grad")[-1])) < 1e-10
    with pytest.warns(ConvergenceWarning, match="Beta.fit"):
        Beta.fit(x, maxiter=1)
    with pytest.raises(ValueError, match=r"open support \(0, 1\).*1.0"):
        Beta.fit([0.2, 1.0])
    with pytest.raises(ValueError, match=r"open support \(0, 1\).*0.0"):
        Beta.fit([0.0, 0.5])
    with pytest.raises(ValueError, match="at least 2"):
        Beta.fit([0.5])
    with pytest.raises(ValueError, match="all equal"):
        Beta.fit([0.3, 0.3, 0.3])


# ---------------------------------------------------------------------------
# Random sweeps against mpmath
# ---------------------------------------------------------------------------
def _mp_inc_series(a, b, x):
    """I_x(a, b) = x^a (1-x)^b / (a B(a, b)) 2F1(a + b, 1; a + 1; x) for x <= a/(a + b)."""
    return (mp.exp(a * mp.log(x) + b * mp.log1p(-x) - mp.log(a) - mp.log(mp.beta(a, b)))
            * mp.hyp2f1(a + b, 1, a + 1, x))


def test_beta_random_sweep_against_mpmath():
    """cdf and sf at random (a, b, x), tiny x and x next to 1 included, against 40 digits;
    the tolerance grows with the conditioning x f(x)/F(x) (an ulp of x moves F that much)."""
    rng = np.random.default_rng(2024)
    for _ in range(60):
        a, b = 10 ** rng.uniform(-2, 4, size=2)
        kind = rng.integers(3)
        x = [10 ** rng.uniform(-300, -1), 1 - 10 ** rng.uniform(-15, -1), rng.random()][kind]
        d = Beta(a, b)
        with mp.workdps(40):
            A, B, X = mp.mpf(a), mp.mpf(b), mp.mpf(x)
            if X <= A / (A + B):
                lower = _mp_inc_series(A, B, X)
                upper = 1 - lower
            else:
                upper = _mp_inc_series(B, A, 1 - X)
                lower = 1 - upper
            pdf = mp.exp(mp_beta_logpdf(A, B, X))
            cond_l = float(X * pdf / lower) if lower > 0 else 0.0
            cond_u = float(X * pdf / upper) if upper > 0 else 0.0
            lower, upper = float(lower), float(upper)
        for got, want, cond in ((d.cdf(x), lower, cond_l), (d.sf(x), upper, cond_u)):
            if want < 1e-300:
                assert got < 1e-290
                continue
            assert got == pytest.approx(want, rel=1e-13 + 8 * 2.2e-16 * cond), (a, b, x)


def test_gamma_random_sweep_against_mpmath():
    rng = np.random.default_rng(77)
    for _ in range(60):
        k = 10 ** rng.uniform(-2, 4)
        y = k * 10 ** rng.uniform(-3, 1) if rng.random() < 0.7 else 10 ** rng.uniform(-300, 3)
        d = Gamma(k)
        with mp.workdps(40):
            K, Y = mp.mpf(k), mp.mpf(y)
            lower = mp.gammainc(K, 0, Y, regularized=True)
            upper = mp.gammainc(K, Y, mp.inf, regularized=True)
            pdf = mp.exp((K - 1) * mp.log(Y) - Y - mp.loggamma(K))
            cond_l = float(Y * pdf / lower) if lower > 0 else 0.0
            cond_u = float(Y * pdf / upper) if upper > 0 else 0.0
            lower, upper = float(lower), float(upper)
        for got, want, cond in ((d.cdf(y), lower, cond_l), (d.sf(y), upper, cond_u)):
            if want < 1e-300:
                assert got < 1e-290
                continue
            assert got == pytest.approx(want, rel=1e-13 + 8 * 2.2e-16 * cond), (k, y)
