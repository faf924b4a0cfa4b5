"""Tests for mathforml.probability.distributions.normal against scipy.stats and mpmath."""
import math

import mpmath as mp
import numpy as np
import pytest
import scipy.special as sc
import scipy.stats as st

from mathforml.calculus.numeric import derivative
from mathforml.explain import explain
from mathforml.probability.distributions.normal import (MultivariateNormal, Normal,
                                                        standard_normal_ppf)

LOG_SQRT_2PI = 0.5 * math.log(2 * math.pi)
mp.mp.dps = 50


def mp_cdf(z):
    return mp.ncdf(mp.mpf(z))


def mp_ppf(q):
    """Phi^{-1}(q) to 50 digits: Newton on mpmath's ncdf from a double start."""
    q = mp.mpf(q)
    z = mp.mpf(sc.ndtri(float(q)))
    for _ in range(6):
        z -= (mp.ncdf(z) - q) / mp.npdf(z)
    return z


# ---------------------------------------------------------------------------
# Normal: densities
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("loc, scale", [(0.0, 1.0), (1.5, 0.25), (-3.0, 7.0), (1e6, 1e-3)])
def test_logpdf_pdf_match_scipy_over_pm40_sigma(loc, scale):
    d = Normal(loc, scale)
    x = loc + scale * np.linspace(-40, 40, 4001)
    ref = st.norm.logpdf(x, loc, scale)
    np.testing.assert_allclose(d.logpdf(x), ref, rtol=2e-14, atol=0)
    assert np.isfinite(d.logpdf(x)).all()
    inner = np.abs(x - loc) <= 37 * scale
    np.testing.assert_allclose(d.pdf(x)[inner], st.norm.pdf(x[inner], loc, scale), rtol=1e-12)


def test_logpdf_exact_at_40_sigma():
    d = Normal()
    assert d.logpdf(40.0) == -800.0 - LOG_SQRT_2PI
    assert d.logpdf(-40.0) == -800.0 - LOG_SQRT_2PI
    ref = float(mp.log(mp.npdf(40)))
    assert abs(d.logpdf(40.0) - ref) <= 1e-15 * abs(ref)
    d2 = Normal(2.0, 3.0)
    ref2 = float(mp.log(mp.npdf(mp.mpf(2) + 120, 2, 3)))
    assert abs(d2.logpdf(122.0) - ref2) <= 2e-15 * abs(ref2)
    assert d.pdf(40.0) == 0.0         # true value 1.5e-348 is below the smallest double


def test_pdf_at_the_mode_is_the_rounded_normaliser():
    for loc, scale in [(1.0, 2.0), (0.0, 7.0), (-3.0, 0.1), (0.0, 1.0)]:
        assert Normal(loc, scale).pdf(loc) == 1 / (scale * (2 * math.pi) ** 0.5)
    np.testing.assert_array_equal(Normal([0.0, 1.0], [7.0, 0.1]).pdf([0.0, 1.0]),
                                  1 / (np.array([7.0, 0.1]) * math.sqrt(2 * math.pi)))


def test_scalars_come_back_as_python_floats():
    d = Normal(1.0, 2.0)
    for v in (d.pdf(0.3), d.logpdf(0.3), d.cdf(0.3), d.sf(0.3), d.ppf(0.3), d.isf(0.3),
              d.logcdf(0.3), d.logsf(0.3), d.mean(), d.var(), d.std(), d.entropy(), d.sample()):
        assert type(v) is float


def test_pdf_is_derivative_of_cdf():
    d = Normal(1.0, 2.0)
    x = np.linspace(-9.0, 11.0, 41)
    np.testing.assert_allclose(derivative(d.cdf, x), d.pdf(x), rtol=1e-8)
    np.testing.assert_allclose(derivative(d.logcdf, x), d.pdf(x) / d.cdf(x), rtol=1e-8)


# ---------------------------------------------------------------------------
# Normal: tails
# ---------------------------------------------------------------------------
def test_cdf_sf_match_scipy_and_mpmath_in_both_tails():
    d = Normal()
    x = np.linspace(-37.5, 37.5, 751)
    np.testing.assert_allclose(d.cdf(x), st.norm.cdf(x), rtol=1e-13, atol=0)
    np.testing.assert_allclose(d.sf(x), st.norm.sf(x), rtol=1e-13, atol=0)
    for z in (-37.0, -30.0, -20.0, -10.0, -3.0, -1.0, -0.1, 0.0, 0.5, 2.0):
        ref = float(mp_cdf(z))
        # argument rounding gives a relative error ~ z^2 eps in erfc's far tail
        assert abs(d.cdf(z) - ref) <= 1e-15 * (4 + z * z) * ref
        assert abs(d.sf(-z) - ref) <= 1e-15 * (4 + z * z) * ref


def test_sf_10_and_cdf_minus_38():
    d = Normal()
    ref10 = float(mp_cdf(-10))                 # 7.619853024160526e-24
    assert abs(d.sf(10.0) - ref10) <= 1e-13 * ref10
    assert 1.0 - d.cdf(10.0) == 0.0            # why sf is computed directly
    ref38 = float(mp_cdf(-38))                 # 2.885e-316, subnormal (~27 bits)
    assert ref38 > 0
    assert abs(d.cdf(-38.0) - ref38) <= 1e-7 * ref38
    assert abs(d.sf(38.0) - ref38) <= 1e-7 * ref38
    np.testing.assert_allclose(Normal(1.0, 2.0).cdf(np.array([1.0 - 76.0, 0.0])),
                               [ref38, float(mp_cdf(-0.5))], rtol=1e-7)
    assert d.cdf(-40.0) == 0.0 and d.sf(-40.0) == 1.0
    assert d.cdf(-np.inf) == 0.0 and d.cdf(np.inf) == 1.0 and d.sf(np.inf) == 0.0
    assert math.isnan(d.cdf(np.nan)) and math.isnan(d.sf(np.nan))


def test_logcdf_logsf_far_tails():
    d = Normal(0.5, 2.0)
    x = 0.5 + 2.0 * np.linspace(-40, 40, 801)
    np.testing.assert_allclose(d.logcdf(x), st.norm.logcdf(x, 0.5, 2.0), rtol=1e-14, atol=1e-300)
    np.testing.assert_allclose(d.logsf(x), st.norm.logsf(x, 0.5, 2.0), rtol=1e-14, atol=1e-300)
    for z in (-40.0, -25.0, -5.0, -1.0, 0.0, 3.0, 9.0):
        ref = float(mp.log(mp_cdf(z)))
        got = Normal().logcdf(z)
        assert abs(got - ref) <= 1e-14 * abs(ref)
        assert abs(Normal().logsf(-z) - ref) <= 1e-14 * abs(ref)
    assert Normal().logcdf(-np.inf) == -np.inf and Normal().logcdf(np.inf) == 0.0


# ---------------------------------------------------------------------------
# Normal: quantiles (AS 241)
# ---------------------------------------------------------------------------
Q_GRID = np.concatenate([np.logspace(-300, -1, 600), np.linspace(0.01, 0.99, 393),
                         1.0 - np.logspace(-16, -1, 300)])


def test_ppf_matches_ndtri_on_grid():
    z = standard_normal_ppf(Q_GRID)
    np.testing.assert_allclose(z, sc.ndtri(Q_GRID), rtol=1e-15, atol=1e-300)
    np.testing.assert_allclose(Normal(3.0, 0.5).ppf(Q_GRID), st.norm.ppf(Q_GRID, 3.0, 0.5),
                               rtol=2e-15, atol=4e-15)   # cancellation in 3 + 0.5 z


@pytest.mark.parametrize("q", [1e-300, 1e-200, 1e-50, 1e-17, 1e-8, 1e-3, 0.02425, 0.075, 0.2,
                               0.45, 0.5 - 1e-9, 0.5 + 1e-6, 0.6, 0.924, 0.975, 0.999999])
def test_ppf_matches_mpmath(q):
    ref = float(mp_ppf(q))
    assert abs(standard_normal_ppf(q) - ref) <= 1.5e-15 * abs(ref)


def test_cdf_of_ppf_is_q():
    z = standard_normal_ppf(Q_GRID)
    got = Normal().cdf(z)
    # condition number of q -> z -> q: about (2 + z^2) ulps in the lower tail
    lower = Q_GRID < 0.5
    assert (np.abs(got[lower] - Q_GRID[lower]) <= 1e-15 * (2 + z[lower] ** 2) * Q_GRID[lower]).all()
    assert (np.abs(got[~lower] - Q_GRID[~lower]) <= 3e-16).all()
    s = Normal().sf(-z[lower])         # symmetry: sf(-z) = q too
    assert (np.abs(s - Q_GRID[lower]) <= 1e-15 * (2 + z[lower] ** 2) * Q_GRID[lower]).all()


def test_isf_keeps_upper_tail_accuracy():
    d = Normal(1.0, 2.0)
    q = np.logspace(-300, -1, 300)
    np.testing.assert_allclose(d.isf(q), st.norm.isf(q, 1.0, 2.0), rtol=3e-15)
    assert d.isf(1e-300) == pytest.approx(1.0 + 2.0 * float(-mp_ppf(1e-300)), rel=2e-15)
    back = d.sf(d.isf(q))
    z = (d.isf(q) - 1.0) / 2.0
    assert (np.abs(back - q) <= 1e-15 * (2 + z * z) * q).all()
    # 1 - q would round 1e-20 away entirely: ppf(1 - 1e-20) is inf, isf(1e-20) is not
    assert d.isf(1e-20) == pytest.approx(1.0 + 2.0 * 9.262340089798408, rel=1e-15)


def test_ppf_endpoints_and_bad_q():
    d = Normal(2.0, 3.0)
    assert d.ppf(0.0) == -np.inf and d.ppf(1.0) == np.inf and d.ppf(0.5) == 2.0
    assert d.isf(0.0) == np.inf and d.isf(1.0) == -np.inf
    assert math.isnan(d.ppf(np.nan))
    with pytest.raises(ValueError, match=r"q must be in \[0, 1\], got 1.5"):
        d.ppf(1.5)
    with pytest.raises(ValueError, match=r"q must be in \[0, 1\], got -0.1"):
        d.isf([0.2, -0.1])


# ---------------------------------------------------------------------------
# Normal: moments, sampling, vectorisation
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("loc, scale", [(0.0, 1.0), (-2.0, 0.3), (5.0, 12.0)])
def test_moments_and_entropy(loc, scale):
    d = Normal(loc, scale)
    m, v = st.norm.stats(loc, scale, moments="mv")
    assert d.mean() == m and d.var() == pytest.approx(v, rel=1e-15)
    assert d.std() == pytest.approx(scale, rel=1e-15)
    assert d.entropy() == pytest.approx(st.norm.entropy(loc, scale), rel=1e-14)
    assert d.entropy() == pytest.approx(0.5 * math.log(2 * math.pi * math.e * scale ** 2),
                                        rel=1e-14)
    assert d.support() == (-np.inf, np.inf)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_sample_mean_and_variance_within_5_sigma(seed):
    loc, scale, n = 3.0, 2.0, 200_000
    x = Normal(loc, scale).sample(n, rng=seed)
    assert x.shape == (n,)
    assert abs(x.mean() - loc) <= 5 * scale / math.sqrt(n)
    assert abs(x.var() - scale ** 2) <= 5 * scale ** 2 * math.sqrt(2 / (n - 1))
    np.testing.assert_array_equal(x, loc + scale * np.random.default_rng(seed).standard_normal(n))


def test_sample_batch_shapes():
    d = Normal(np.array([0.0, 10.0, 100.0]), 1.0)
    assert d.batch_shape == (3,)
    s = d.sample((5000, 3), rng=7)
    assert s.shape == (5000, 3)
    np.testing.assert_allclose(s.mean(axis=0), [0.0, 10.0, 100.0], atol=5 / math.sqrt(5000))
    assert d.sample(rng=1).shape == (3,)
    with pytest.raises(ValueError, match="does not broadcast with the parameters' shape"):
        d.sample(4)
    with pytest.raises(ValueError, match="must contain the parameters' shape"):
        d.sample(1)


def test_vectorised_over_params_and_points():
    loc = np.array([[0.0], [1.0], [-2.0]])          # (3, 1)
    scale = np.array([0.5, 1.0, 2.0, 4.0])         # (4,)
    x = np.linspace(-3, 3, 12).reshape(3, 4)
    d = Normal(loc, scale)
    assert d.batch_shape == (3, 4)
    for name in ("logpdf", "pdf", "cdf", "sf", "logcdf", "logsf"):
        np.testing.assert_allclose(getattr(d, name)(x), getattr(st.norm, name)(x, loc, scale),
                                   rtol=1e-13, err_msg=name)
    q = np.full((3, 4), 0.3)
    np.testing.assert_allclose(d.ppf(q), st.norm.ppf(q, loc, scale), rtol=1e-14)
    np.testing.assert_allclose(d.isf(q), st.norm.isf(q, loc, scale), rtol=1e-14)
    np.testing.assert_allclose(d.mean(), np.broadcast_to(loc, (3, 4)))
    np.testing.assert_allclose(d.entropy(), st.norm.entropy(loc, scale), rtol=1e-14)
    # scalar x against a batch, and a batch of x against one distribution
    np.testing.assert_allclose(d.cdf(0.25), st.norm.cdf(0.25, loc, scale), rtol=1e-14)
    assert d.cdf(-80.0).shape == (3, 4)
    np.testing.assert_allclose(Normal(1.0, 2.0).logpdf(np.arange(6).reshape(2, 3)),
                               st.norm.logpdf(np.arange(6).reshape(2, 3), 1.0, 2.0), rtol=1e-15)


def test_float32_and_integer_points():
    d = Normal()
    assert d.pdf(np.array([0, 1])).dtype == np.float64
    np.testing.assert_allclose(d.cdf(np.array([0.5], dtype=np.float32)), st.norm.cdf(0.5),
                               rtol=1e-7)


# ---------------------------------------------------------------------------
# Normal: fit and explain
# ---------------------------------------------------------------------------
def test_fit_matches_closed_form_and_scipy():
    x = np.random.default_rng(3).normal(4.0, 1.5, size=500)
    d = Normal.fit(x)
    assert d.params["loc"] == pytest.approx(x.mean(), rel=1e-15)
    assert d.params["scale"] == pytest.approx(x.std(ddof=0), rel=1e-14)
    loc, scale = st.norm.fit(x)
    assert d.params["loc"] == pytest.approx(loc, rel=1e-14)
    assert d.params["scale"] == pytest.approx(scale, rel=1e-13)
    # stable when |mu| >> sigma (the one-pass S2/n - mu^2 would cancel)
    y = 1e9 + np.array([-1.0, 0.0, 1.0])
    assert Normal.fit(y).params["scale"] == pytest.approx(math.sqrt(2 / 3), rel=1e-12)


def test_fit_explains_sufficient_statistics():
    x = [1.0, 2.0, 3.0, 6.0]
    with explain() as work:
        d = Normal.fit(x)
    (ss,) = work.find("Sufficient statistics")
    assert ss.values["n"] == 4 and ss.values["S1"] == 12.0 and ss.values["S2"] == 50.0
    (mle,) = work.find("Maximum-likelihood")
    assert mle.values["mu_hat"] == 3.0 and mle.values["sigma2_hat"] == 3.5
    assert mle.values["sigma_hat"] == math.sqrt(3.5)
    assert d.params == Normal.fit(x).params           # identical without a recorder


@pytest.mark.parametrize("data, match", [
    ([], "at least 2 observations"),
    ([1.0], "at least 2 observations"),
    ([0.1, 0.1, 0.1], "constant"),
    ([1.0, np.nan], "NaN or infinity"),
    ([[1.0, 2.0]], "1-D"),
])
def test_fit_bad_data(data, match):
    with pytest.raises(ValueError, match=match):
        Normal.fit(data)


@pytest.mark.parametrize("kwargs, match", [
    (dict(scale=0.0), r"scale must be > 0, got 0.0"),
    (dict(scale=-1.0), r"scale must be > 0, got -1.0"),
    (dict(scale=[1.0, -2.0]), r"scale must be > 0, got -2.0"),
    (dict(loc=np.nan), "loc must be finite"),
    (dict(scale=np.inf), "scale must be finite"),
    (dict(loc=[0.0, 1.0], scale=[1.0, 2.0, 3.0]), "do not broadcast"),
])
def test_bad_parameters(kwargs, match):
    with pytest.raises(ValueError, match=match):
        Normal(**kwargs)


def test_bad_types():
    with pytest.raises(TypeError, match="loc must be a number"):
        Normal(loc="a")
    with pytest.raises(TypeError, match="x must be numeric"):
        Normal().pdf("a")
    with pytest.raises(TypeError, match="complex"):
        Normal().cdf(np.array([1j]))


def test_repr_and_params():
    d = Normal(1.0, 2.0)
    assert repr(d) == "Normal(loc=1, scale=2)"
    assert d.params == {"loc": 1.0, "scale": 2.0}


# ---------------------------------------------------------------------------
# MultivariateNormal
# ---------------------------------------------------------------------------
def random_spd(d, seed):
    rng = np.random.default_rng(seed)
    A = rng.standard_normal((d, d))
    return A @ A.T + d * np.eye(d) * 0.5


@pytest.mark.parametrize("d", [1, 2, 5])
def test_mvn_logpdf_pdf_match_scipy(d):
    rng = np.random.default_rng(d)
    mu = rng.standard_normal(d)
    S = random_spd(d, d + 10)
    mvn = MultivariateNormal(mu, S)
    ref = st.multivariate_normal(mu, S)
    X = mu + 3 * rng.standard_normal((200, d))
    np.testing.assert_allclose(mvn.logpdf(X), ref.logpdf(X), rtol=1e-12)
    np.testing.assert_allclose(mvn.pdf(X), ref.pdf(X), rtol=1e-11)
    # batch shapes (..., d)
    X3 = X[:12].reshape(3, 4, d)
    assert mvn.logpdf(X3).shape == (3, 4)
    np.testing.assert_allclose(mvn.logpdf(X3), ref.logpdf(X[:12]).reshape(3, 4), rtol=1e-12)
    one = mvn.logpdf(X[0])
    assert type(one) is float and one == pytest.approx(float(ref.logpdf(X[0])), rel=1e-12)
    assert mvn.entropy() == pytest.approx(ref.entropy(), rel=1e-13)
    np.testing.assert_array_equal(mvn.mean(), mu)
    np.testing.assert_allclose(mvn.var(), np.diag(S))
    np.testing.assert_allclose(mvn.std(), np.sqrt(np.diag(S)))
    assert mvn.cov.shape == (d, d) and mvn.event_shape == (d,) and mvn.batch_shape == ()


def test_mvn_far_tail_is_finite_and_exact():
    mvn = MultivariateNormal([0.0, 0.0], [[1.0, 0.0], [0.0, 4.0]])
    # r^T Sigma^{-1} r = 40^2 + 40^2, log det = log 4
    assert mvn.logpdf([40.0, 80.0]) == pytest.approx(-1600.0 - 0.5 * math.log(4)
                                                     - math.log(2 * math.pi), rel=1e-15)
    assert mvn.mahalanobis2([40.0, 80.0]) == pytest.approx(3200.0, rel=1e-15)


def test_mvn_nonfinite_points_and_quiet_explain():
    mvn = MultivariateNormal([0.0, 1.0, 2.0], np.eye(3) + 0.5)
    X = np.array([[np.nan, 0.0, 0.0], [np.inf, 0.0, 0.0], [0.0, -np.inf, np.nan], [0.0, 0.0, 0.0]])
    out = mvn.logpdf(X)
    assert np.isnan(out[0]) and out[1] == -np.inf and np.isnan(out[2])
    assert out[3] == pytest.approx(st.multivariate_normal([0.0, 1.0, 2.0], np.eye(3) + 0.5)
                                   .logpdf([0.0, 0.0, 0.0]), rel=1e-13)
    assert mvn.pdf(X[1]) == 0.0
    assert mvn.logpdf(np.empty((0, 3))).shape == (0,)
    with explain() as work:
        mvn.logpdf(X[3])
        mvn.conditional([0], [1.0])
    assert [s.title for s in work.steps] == ["Condition on the observed coordinates"]


def test_mvn_matches_normal_in_1d():
    mvn = MultivariateNormal([1.0], [[4.0]])
    x = np.linspace(-5, 5, 11)[:, None]
    np.testing.assert_allclose(mvn.logpdf(x), Normal(1.0, 2.0).logpdf(x[:, 0]), rtol=1e-15)
    assert mvn.entropy() == pytest.approx(Normal(1.0, 2.0).entropy(), rel=1e-15)


def test_mvn_sample_moments_within_5_sigma():
    mu = np.array([1.0, -2.0, 0.5])
    S = np.array([[2.0, 0.6, 0.0], [0.6, 1.0, -0.3], [0.0, -0.3, 0.5]])
    n = 100_000
    X = MultivariateNormal(mu, S).sample(n, rng=11)
    assert X.shape == (n, 3)
    se_mean = np.sqrt(np.diag(S) / n)
    assert (np.abs(X.mean(axis=0) - mu) <= 5 * se_mean).all()
    C = np.cov(X.T)
    # Var(sample cov_ij) ~ (S_ij^2 + S_ii S_jj) / n
    se_cov = np.sqrt((S ** 2 + np.outer(np.diag(S), np.diag(S))) / n)
    assert (np.abs(C - S) <= 5 * se_cov).all()
    assert MultivariateNormal(mu, S).sample(rng=0).shape == (3,)
    assert MultivariateNormal(mu, S).sample((2, 4), rng=0).shape == (2, 4, 3)


def test_mvn_fit_closed_form_and_explain():
    X = np.random.default_rng(5).multivariate_normal([0.0, 1.0, 2.0], random_spd(3, 1), size=400)
    with explain() as work:
        d = MultivariateNormal.fit(X)
    np.testing.assert_allclose(d.mean(), X.mean(axis=0), rtol=1e-14)
    np.testing.assert_allclose(d.cov, np.cov(X.T, bias=True), rtol=1e-12, atol=1e-14)
    (ss,) = work.find("Sufficient statistics")
    assert ss.values["n"] == 400
    np.testing.assert_allclose(ss.values["S1"], X.sum(axis=0))
    np.testing.assert_allclose(ss.values["S2"], X.T @ X)
    (mle,) = work.find("Maximum-likelihood")
    np.testing.assert_allclose(mle.values["Sigma_hat"], d.cov)
    d2 = MultivariateNormal.fit(X)
    np.testing.assert_array_equal(d2.cov, d.cov)
    np.testing.assert_array_equal(d2.mean(), d.mean())
    assert [s.title for s in work.steps] == ["Sufficient statistics",
                                             "Maximum-likelihood estimates"]


def test_mvn_fit_bad_data():
    with pytest.raises(ValueError, match=r"n > d.*n=2, d=2"):
        MultivariateNormal.fit([[0.0, 1.0], [1.0, 0.0]])
    with pytest.raises(ValueError, match="2-D"):
        MultivariateNormal.fit([1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match="positive definite"):
        MultivariateNormal.fit([[0.0, 0.0], [1.0, 1.0], [2.0, 2.0], [3.0, 3.0]])   # on a line
    with pytest.raises(ValueError, match="at least 1 observation"):
        MultivariateNormal.fit(np.empty((0, 2)))


@pytest.mark.parametrize("mean, cov, match", [
    ([0.0, 0.0], [[1.0, 0.5], [0.4, 1.0]], "symmetric"),
    ([0.0, 0.0], [[1.0, 2.0], [2.0, 1.0]], "positive definite"),
    ([0.0, 0.0], [[1.0, 0.0], [0.0, 0.0]], "positive definite"),
    ([0.0, 0.0], [[1.0, 0.0, 0.0]] * 3, r"shape \(2, 2\)"),
    ([[0.0, 0.0]], np.eye(2), "1-D"),
    ([0.0, np.inf], np.eye(2), "mean must be finite"),
    ([0.0, 0.0], [[1.0, np.nan], [np.nan, 1.0]], "cov must be finite"),
])
def test_mvn_bad_parameters(mean, cov, match):
    with pytest.raises(ValueError, match=match):
        MultivariateNormal(mean, cov)


def test_mvn_bad_points_and_cdf():
    mvn = MultivariateNormal([0.0, 0.0], np.eye(2))
    with pytest.raises(ValueError, match=r"x must have shape \(\.\.\., 2\)"):
        mvn.logpdf([1.0, 2.0, 3.0])
    with pytest.raises(NotImplementedError, match="no closed form"):
        mvn.cdf([0.0, 0.0])
    with pytest.raises(NotImplementedError):
        mvn.ppf(0.5)


def test_mvn_marginal_and_conditional():
    mu = np.array([1.0, -1.0, 2.0])
    S = np.array([[4.0, 1.2, 0.4], [1.2, 2.0, -0.5], [0.4, -0.5, 1.0]])
    mvn = MultivariateNormal(mu, S)
    m = mvn.marginal([0, 2])
    np.testing.assert_array_equal(m.mean(), mu[[0, 2]])
    np.testing.assert_array_equal(m.cov, S[np.ix_([0, 2], [0, 2])])
    # conditional on x_1 = 0.5: closed form with an explicit solve (numpy in the test only)
    A, B, xB = [0, 2], [1], np.array([0.5])
    SAB, SBB = S[np.ix_(A, B)], S[np.ix_(B, B)]
    mu_ref = mu[A] + SAB @ np.linalg.solve(SBB, xB - mu[B])
    S_ref = S[np.ix_(A, A)] - SAB @ np.linalg.solve(SBB, SAB.T)
    with explain() as work:
        c = mvn.conditional([1], xB)
    np.testing.assert_allclose(c.mean(), mu_ref, rtol=1e-14)
    np.testing.assert_allclose(c.cov, S_ref, rtol=1e-14)
    (stp,) = work.find("Condition")
    np.testing.assert_allclose(stp.values["mu_cond"], mu_ref, rtol=1e-14)
    # the conditional density is the joint over the marginal
    xA = np.array([0.3, 1.7])
    joint = mvn.logpdf([xA[0], 0.5, xA[1]])
    assert c.logpdf(xA) == pytest.approx(joint - mvn.marginal([1]).logpdf([0.5]), rel=1e-13)
    with pytest.raises(ValueError, match="nothing is left"):
        mvn.conditional([0, 1, 2], [0.0, 0.0, 0.0])
    with pytest.raises(ValueError, match="must not repeat"):
        mvn.marginal([0, 0])
    with pytest.raises(ValueError, match=r"must lie in \[0, 3\)"):
        mvn.marginal([3])
    with pytest.raises(ValueError, match=r"values must have shape \(2,\)"):
        mvn.conditional([0, 1], [1.0])
    with pytest.raises(TypeError, match="integer"):
        mvn.marginal([0.5])
