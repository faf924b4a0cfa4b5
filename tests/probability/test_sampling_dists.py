"""Tests for mathforml.probability.distributions.sampling_dists (StudentT, F).

References: scipy.stats (t, f) on grids that include the centre, the support's
boundary and far tails; mpmath at 40 digits where SciPy itself is off (its
``stdtr`` near 0 for the Cauchy, ``fdtr``/``fdtri`` in far tails, overflow of
``x**2``) and for the far-tail and quantile accuracy claims; closed forms
(Cauchy, t with 2 degrees of freedom, F(2, 2), F(1, m) = t_m^2).
"""
import math
import warnings

import mpmath as mp
import numpy as np
import pytest
import scipy.optimize as so
import scipy.special as sc
import scipy.stats as st

from mathforml.calculus.numeric import derivative
from mathforml.exceptions import ConvergenceWarning
from mathforml.explain import explain
from mathforml.probability.distributions.sampling_dists import F, StudentT

mp.mp.dps = 40
EPS = 2.220446049250313e-16


def assert_matches(ours, ref, exact, args, *, rtol, atol=0.0, max_arbitrated=60):
    """``ours`` equals SciPy's ``ref`` to ``rtol``; where it does not, mpmath
    (``exact(*args at that point)``) decides, and ours must match it to ``rtol``."""
    ours = np.asarray(ours, dtype=float)
    ref = np.asarray(ref, dtype=float)
    shape = np.broadcast_shapes(ours.shape, ref.shape, *(np.shape(a) for a in args))
    ours, ref = np.broadcast_to(ours, shape), np.broadcast_to(ref, shape)
    atol = np.broadcast_to(np.asarray(atol, dtype=float), shape)
    args = [np.broadcast_to(np.asarray(a, dtype=float), shape) for a in args]
    off = ~np.isclose(ours, ref, rtol=rtol, atol=atol, equal_nan=True)
    idx = list(zip(*np.nonzero(off)))
    assert len(idx) <= max_arbitrated, f"{len(idx)} points differ from SciPy"
    for i in idx:
        with mp.workdps(40):
            want = float(exact(*(mp.mpf(float(a[i])) for a in args)))
        assert math.isclose(ours[i], want, rel_tol=rtol, abs_tol=float(atol[i])), \
            (i, [float(a[i]) for a in args], ours[i], ref[i], want)


# ---------------------------------------------------------------------------
# mpmath references
# ---------------------------------------------------------------------------
def _mp_inc_series(a, b, x):
    """I_x(a, b) = x^a (1-x)^b / (a B(a, b)) 2F1(a + b, 1; a + 1; x), for x <= a/(a + b):
    positive terms (mpmath's own betainc cannot do a = b = 5000)."""
    return (mp.exp(a * mp.log(x) + b * mp.log1p(-x) - mp.log(a) - mp.log(mp.beta(a, b)))
            * mp.hyp2f1(a + b, 1, a + 1, x))


def mp_incbeta(a, b, u, w):
    """I_u(a, b) with w = 1 - u, from the end where the series converges."""
    if u == 0:
        return mp.mpf(0)
    if w == 0:
        return mp.mpf(1)
    if u <= a / (a + b):
        return _mp_inc_series(a, b, u)
    return 1 - _mp_inc_series(b, a, w)


def mp_t_logpdf(nu, x):
    if mp.isinf(x):
        return -mp.inf
    return (mp.loggamma((nu + 1) / 2) - mp.loggamma(nu / 2) - mp.log(nu * mp.pi) / 2
            - (nu + 1) / 2 * mp.log1p(x * x / nu))


def mp_t_tail(nu, t):
    """P(T > |t|) = I_x(nu/2, 1/2)/2 with x = nu/(nu + t^2): the series at the end where it
    converges fast, else the integral of the density (large nu, t near sqrt(nu))."""
    if mp.isinf(t):
        return mp.mpf(0)
    a, b = nu / 2, mp.mpf(1) / 2
    x, y = nu / (nu + t * t), t * t / (nu + t * t)
    if (a + b) * x / (a + 1) < 0.9:
        return _mp_inc_series(a, b, x) / 2
    if (a + b) * y / (b + 1) < 0.9:
        return (1 - _mp_inc_series(b, a, y)) / 2
    u = abs(t)
    return mp.quad(lambda s: mp.exp(mp_t_logpdf(nu, s)), [u, u + 1, u + 10, mp.inf])


def mp_t_cdf(nu, x):
    return mp_t_tail(nu, x) if x < 0 else 1 - mp_t_tail(nu, x)


def mp_t_sf(nu, x):
    return mp_t_tail(nu, x) if x > 0 else 1 - mp_t_tail(nu, x)


def mp_f_logpdf(n, m, x):
    if x == 0 or mp.isinf(x):
        raise AssertionError("boundary values are checked by hand")
    return (n / 2 * mp.log(n) + m / 2 * mp.log(m) + (n / 2 - 1) * mp.log(x)
            - (n + m) / 2 * mp.log(m + n * x) - mp.log(mp.beta(n / 2, m / 2)))


def mp_f_cdf(n, m, x):
    if mp.isinf(x):
        return mp.mpf(1)
    return mp_incbeta(n / 2, m / 2, n * x / (n * x + m), m / (n * x + m))


def mp_f_sf(n, m, x):
    if mp.isinf(x):
        return mp.mpf(0)
    return mp_incbeta(m / 2, n / 2, m / (n * x + m), n * x / (n * x + m))


Q = np.array([0, 1e-300, 1e-100, 1e-20, 1e-8, 1e-3, 0.1, 0.3, 0.5, 0.7, 0.9, 0.999,
              1 - 1e-8, 1 - 1e-16, 1])
X_T = np.concatenate([-np.logspace(-300, 300, 25), [0.0, -0.0, np.inf, -np.inf],
                      np.logspace(-300, 300, 25), np.linspace(-40, 40, 41)])


# ---------------------------------------------------------------------------
# Student t
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("nu", [0.3, 1.0, 2.0, 3.5, 10.0, 100.0, 1e3, 1e6])
def test_t_matches_scipy(nu):
    d = StudentT(nu)
    ref = st.t(nu)
    x = X_T
    with np.errstate(all="ignore"):
        ref_logpdf = ref.logpdf(x)
    assert_matches(d.logpdf(x), ref_logpdf, mp_t_logpdf, (nu, x), rtol=1e-13)
    for name, exact in (("cdf", mp_t_cdf), ("sf", mp_t_sf)):
        # (values below 1e-305 are subnormal or nearly: compared absolutely)
        assert_matches(getattr(d, name)(x), getattr(ref, name)(x), exact, (nu, x), rtol=1e-12,
                       atol=1e-305, max_arbitrated=25)
    np.testing.assert_allclose(d.pdf(x), np.exp(d.logpdf(x)), rtol=0)


@pytest.mark.parametrize("nu", [1.0, 3.0, 30.0, 1e6])
def test_t_sf_far_tail_is_relatively_accurate(nu):
    """P(T > t) for large t to ~1e-13 relative (times the conditioning of sf in t)."""
    d = StudentT(nu)
    for t in (5.0, 10.0, 40.0, 1e3, 1e10, 1e200):
        got = d.sf(t)
        with mp.workdps(40):
            want = float(mp_t_tail(mp.mpf(nu), mp.mpf(t)))
        if want == 0.0:
            assert got == 0.0
            continue
        cond = t * d.pdf(t) / got              # |d log sf / d log t|: an ulp of t costs this
        assert got == pytest.approx(want, rel=1e-13 + 2 * EPS * cond), (nu, t)
        assert d.cdf(-t) == got                # symmetry, computed the same way


def test_t_closed_forms():
    c = StudentT(1.0)                          # Cauchy
    x = np.array([-1e10, -3.0, -1e-8, 0.0, 1e-8, 1.0, 7.0, 1e10])
    np.testing.assert_allclose(c.cdf(x), np.arctan2(1.0, -x) / np.pi, rtol=1e-15)
    np.testing.assert_allclose(c.sf(x[x > 0]), np.arctan(1 / x[x > 0]) / np.pi, rtol=1e-14)
    # the density is exp(log f): an absolute error of a few ulp of |log f| (47 at 1e10)
    np.testing.assert_allclose(c.pdf(x), 1 / (np.pi * (1 + x * x)), rtol=4e-15)
    q = np.array([1e-300, 1e-20, 0.1, 0.25, 0.5, 0.75, 0.9])
    np.testing.assert_allclose(c.isf(q), 1 / np.tan(np.pi * q), rtol=1e-13, atol=1e-16)
    t2 = StudentT(2.0)                         # cdf = 1/2 + t / (2 sqrt(2 + t^2))
    x = np.array([-50.0, -1.0, 0.3, 1.0, 4.0])
    r = np.sqrt(2 + x * x)                     # for t < 0 without cancellation: 1/(r (r + |t|))
    np.testing.assert_allclose(t2.cdf(x), np.where(x < 0, 1 / (r * (r - x)), 0.5 + x / (2 * r)),
                               rtol=1e-14)
    q = np.array([0.01, 0.3, 0.6, 0.99])       # ppf = (2q - 1) sqrt(2 / (4 q (1 - q)))
    np.testing.assert_allclose(t2.ppf(q), (2 * q - 1) * np.sqrt(2 / (4 * q * (1 - q))), rtol=1e-14)
    assert c.cdf(1.0) == 0.75 and c.ppf(0.5) == 0.0
    assert c.ppf(0.0) == -np.inf and c.ppf(1.0) == np.inf and c.isf(0.0) == np.inf
    assert math.isnan(c.cdf(np.nan)) and math.isnan(c.pdf(np.nan)) and math.isnan(c.ppf(np.nan))
    assert type(c.cdf(1.0)) is float and c.support() == (-np.inf, np.inf)


@pytest.mark.parametrize("nu", [0.5, 1.0, 3.0, 30.0, 1e3, 1e6])
def test_t_quantiles_against_mpmath(nu):
    """isf(q) for q from 1e-300 to 1/2, checked forward: mpmath's tail at our t is q."""
    d = StudentT(nu)
    for q in (1e-300, 1e-100, 1e-20, 1e-8, 1e-3, 0.1, 0.3, 0.49):
        t = d.isf(q)
        assert d.ppf(q) == -t
        if math.isinf(t):                      # beyond the largest float: check it is
            assert nu < 1 and q <= 1e-100      # nu = 0.5: t ~ q^{-2}
            continue
        with mp.workdps(40):
            got = float(mp_t_tail(mp.mpf(nu), mp.mpf(t)))
        cond = t * d.pdf(t) / q                # |d log q / d log t| at the answer
        assert got == pytest.approx(q, rel=4e-15 * cond + 4e-15), (nu, q, t)
    # the upper end: 1 - q is exact for q >= 1/2, so ppf(1 - 1e-16) is isf(1.1e-16)
    assert d.ppf(1 - 1e-16) == d.isf(1 - (1 - 1e-16))


@pytest.mark.parametrize("nu", [0.5, 2.0, 7.0, 100.0, 1e6])
def test_t_quantiles_match_scipy_and_round_trip(nu):
    d = StudentT(nu)
    ref = st.t(nu)

    for name in ("ppf", "isf"):
        ours, want = getattr(d, name)(Q), getattr(ref, name)(Q)
        off = ~np.isclose(ours, want, rtol=1e-12, atol=0, equal_nan=True)
        for j in np.nonzero(off)[0]:       # verify ours forward with mpmath
            t = ours[j]
            q = Q[j] if name == "isf" else 1 - Q[j]
            if math.isinf(t):
                assert nu < 1
                continue
            with mp.workdps(40):
                got = float(mp_t_tail(mp.mpf(nu), mp.mpf(t))) if t > 0 else \
                    float(1 - mp_t_tail(mp.mpf(nu), mp.mpf(t)))
            assert got == pytest.approx(q, rel=1e-12), (name, nu, Q[j], t, want[j])
    q = np.array([1e-200, 1e-9, 0.02, 0.4, 0.5, 0.6, 0.98])
    x = d.ppf(q)
    finite = np.isfinite(x)                    # nu = 0.5: the 1e-200 quantile is -1e400
    assert np.all(finite | (nu < 1))
    np.testing.assert_allclose(d.cdf(x[finite]), q[finite], rtol=1e-13)
    np.testing.assert_allclose(d.sf(d.isf(q[finite])), q[finite], rtol=1e-13)


def test_t_quantile_approaches_normal_for_huge_df():
    """Cornish-Fisher: t_q = z + (z^3 + z)/(4 nu) + (5z^5 + 16z^3 + 3z)/(96 nu^2) + O(nu^-3)."""
    q = np.array([1e-300, 1e-50, 1e-10, 1e-3, 0.05, 0.3, 0.5, 0.8, 0.999])
    z = st.norm.ppf(q)
    for nu in (1e4, 1e6):
        t = StudentT(nu).ppf(q)
        approx = z + (z ** 3 + z) / (4 * nu) + (5 * z ** 5 + 16 * z ** 3 + 3 * z) / (96 * nu ** 2)
        third = (3 * z ** 7 + 19 * z ** 5 + 17 * z ** 3 - 15 * z) / (384 * nu ** 3)
        assert np.all(np.abs(t - approx) <= 3 * np.abs(third) + 1e-13 * np.abs(z)), nu


def test_t_loc_scale():
    d = StudentT(4.0, loc=-2.0, scale=3.0)
    ref = st.t(4.0, loc=-2.0, scale=3.0)
    x = np.array([-1e6, -30.0, -2.0, 0.5, 10.0, 1e8])
    for name in ("logpdf", "pdf", "cdf", "sf"):
        np.testing.assert_allclose(getattr(d, name)(x), getattr(ref, name)(x), rtol=1e-13,
                                   err_msg=name)
    q = np.array([1e-30, 0.01, 0.5, 0.7, 1 - 1e-12])
    np.testing.assert_allclose(d.ppf(q), ref.ppf(q), rtol=1e-13)
    np.testing.assert_allclose(d.isf(q), ref.isf(q), rtol=1e-13)
    assert d.mean() == -2.0 and d.var() == pytest.approx(9 * 2.0, rel=1e-15)
    assert d.entropy() == pytest.approx(float(ref.entropy()), rel=1e-14)
    assert d.params == {"df": 4.0, "loc": -2.0, "scale": 3.0}


@pytest.mark.parametrize("nu", [0.7, 3.0, 40.0])
def test_t_pdf_is_derivative_of_cdf(nu):
    d = StudentT(nu, loc=1.0, scale=2.0)
    x = np.linspace(-8.0, 10.0, 19)
    np.testing.assert_allclose(derivative(d.cdf, x, h=1e-3), d.pdf(x), rtol=1e-7)


def test_t_moments_where_scipy_has_them():
    nu = np.array([0.5, 1.0, 1.5, 2.0, 2.5, 5.0, 1e3])
    d = StudentT(nu, loc=1.5, scale=2.0)
    ref_mean, ref_var = st.t.stats(nu, loc=1.5, scale=2.0, moments="mv")
    np.testing.assert_array_equal(np.isnan(d.mean()), np.isnan(ref_mean))
    np.testing.assert_array_equal(np.isinf(d.mean()), np.isinf(ref_mean))
    np.testing.assert_allclose(d.mean(), ref_mean, rtol=1e-15)
    np.testing.assert_array_equal(np.isnan(d.var()), np.isnan(ref_var))
    np.testing.assert_array_equal(np.isinf(d.var()), np.isinf(ref_var))
    np.testing.assert_allclose(d.var(), ref_var, rtol=1e-15)
    assert StudentT(1.0).mean() == np.inf and math.isnan(StudentT(1.0).var())
    assert StudentT(2.0).var() == np.inf and StudentT(3.0).var() == 3.0
    np.testing.assert_allclose(d.std(), np.sqrt(d.var()), rtol=0)


@pytest.mark.parametrize("nu", [0.5, 1.0, 3.0, 30.0, 99.9, 100.0, 1e3, 1e6])
def test_t_entropy_against_mpmath_and_scipy(nu):
    with mp.workdps(40):
        n = mp.mpf(nu)
        want = ((n + 1) / 2 * (mp.digamma((n + 1) / 2) - mp.digamma(n / 2))
                + mp.log(mp.sqrt(n) * mp.beta(n / 2, mp.mpf(1) / 2)) + mp.log(3))
    got = StudentT(nu, scale=3.0).entropy()
    assert got == pytest.approx(float(want), rel=2e-15)
    assert got == pytest.approx(float(st.t(nu, scale=3.0).entropy()), rel=1e-13)


def test_t_vectorised():
    nu = np.array([[1.0], [4.0], [50.0]])
    d = StudentT(nu, loc=[0.0, 1.0], scale=2.0)
    assert d.batch_shape == (3, 2)
    x = np.array([-3.0, 0.0, 2.5])
    ours = d.sf(x[:, None, None])
    assert ours.shape == (3, 3, 2)
    np.testing.assert_allclose(ours, st.t.sf(x[:, None, None], nu, loc=[0.0, 1.0], scale=2.0),
                               rtol=1e-13)
    for i in range(3):
        for j in range(2):
            single = StudentT(float(nu[i, 0]), loc=[0.0, 1.0][j], scale=2.0)
            assert single.sf(x[2]) == ours[2, i, j]
            assert single.ppf(0.2) == d.ppf(0.2)[i, j]
    np.testing.assert_allclose(d.ppf([[0.1], [0.5], [0.99]]),
                               st.t.ppf([[0.1], [0.5], [0.99]], nu, loc=[0.0, 1.0], scale=2.0),
                               rtol=1e-13)
    s = d.sample((1000, 3, 2), rng=0)
    assert s.shape == (1000, 3, 2)


@pytest.mark.parametrize("nu, loc, scale, seed", [(3.0, 0.0, 1.0, 0), (10.0, -1.0, 2.0, 1),
                                                  (30.0, 5.0, 0.5, 2)])
def test_t_sample_moments_ks_and_composition(nu, loc, scale, seed):
    n = 200_000
    x = StudentT(nu, loc=loc, scale=scale).sample(n, rng=seed)
    var = scale ** 2 * nu / (nu - 2)
    assert abs(x.mean() - loc) <= 5 * math.sqrt(var / n)
    if nu > 8:                                   # the sample variance's spread needs mu_4
        mu4 = (6 / (nu - 4) + 3) * var ** 2
        assert abs(x.var() - var) <= 5 * math.sqrt((mu4 - var ** 2) / n)
    assert st.kstest(x[:20_000], st.t(nu, loc=loc, scale=scale).cdf).pvalue > 1e-3
    rng = np.random.default_rng(seed)            # loc + scale Z / sqrt(V/nu), V = 2 G(nu/2)
    g = rng.standard_gamma(nu / 2, n)
    z = rng.standard_normal(n)
    np.testing.assert_allclose(x, loc + scale * z / np.sqrt(2 * g / nu), rtol=1e-14, atol=1e-14)


def test_t_heavy_tail_samples_ks():
    for nu, seed in ((0.5, 3), (1.0, 4)):
        x = StudentT(nu).sample(20_000, rng=seed)
        assert st.kstest(x, st.t(nu).cdf).pvalue > 1e-3


def test_t_bad_input():
    with pytest.raises(ValueError, match="df must be > 0, got 0.0"):
        StudentT(0.0)
    with pytest.raises(ValueError, match="scale must be > 0, got -1.0"):
        StudentT(3.0, scale=-1.0)
    with pytest.raises(ValueError, match="loc must be finite"):
        StudentT(3.0, loc=np.inf)
    with pytest.raises(ValueError, match="df must be finite"):
        StudentT(np.nan)
    with pytest.raises(ValueError, match=r"q must be in \[0, 1\], got 1.2"):
        StudentT(3.0).ppf(1.2)
    with pytest.raises(ValueError, match=r"q must be in \[0, 1\], got -1e-09"):
        StudentT(3.0).isf([0.1, -1e-9])
    with pytest.raises(TypeError, match="must be numeric"):
        StudentT(3.0).cdf("1")


# ---------------------------------------------------------------------------
# Student t fit
# ---------------------------------------------------------------------------
def _t_nll(p, x):
    return -st.t.logpdf(x, np.exp(p[0]), p[1], np.exp(p[2])).sum()


@pytest.mark.parametrize("nu, mu, sigma, seed", [(1.0, 0.0, 1.0, 0), (3.0, 2.0, 0.5, 1),
                                                 (10.0, -1.0, 3.0, 2), (0.7, 0.0, 1.0, 3)])
def test_t_fit_matches_polished_scipy(nu, mu, sigma, seed):
    x = st.t.rvs(nu, loc=mu, scale=sigma, size=1000, random_state=np.random.default_rng(seed))
    d = StudentT.fit(x)
    p = d.params
    ours = np.array([math.log(p["df"]), p["loc"], math.log(p["scale"])])
    r = st.t.fit(x)                                  # SciPy: Nelder-Mead from moments
    polished = so.minimize(_t_nll, [math.log(r[0]), r[1], math.log(r[2])], args=(x,),
                           method="Nelder-Mead", options=dict(xatol=1e-10, fatol=1e-11, maxfev=4000))
    assert _t_nll(ours, x) <= _t_nll(np.array([math.log(r[0]), r[1], math.log(r[2])]), x) + 1e-9
    assert _t_nll(ours, x) <= polished.fun + 1e-9
    # the polished reference is good to ~1e-6 in flat directions (log df mostly)
    np.testing.assert_allclose(ours, polished.x, rtol=0, atol=5e-6)
    # the score vanishes: central differences of SciPy's log-likelihood in (log df, loc, log scale)
    h = 1e-5
    grad = [(_t_nll(ours + h * e, x) - _t_nll(ours - h * e, x)) / (2 * h) for e in np.eye(3)]
    assert np.max(np.abs(grad)) < 1e-4 * len(x) ** 0.5


def test_t_loglik_derivatives_match_finite_differences():
    x = st.t.rvs(4.0, loc=1.0, scale=2.0, size=300, random_state=np.random.default_rng(9))
    for theta in ([math.log(4.0), 1.0, math.log(2.0)], [math.log(0.8), 0.5, 0.1],
                  [math.log(300.0), 1.2, 0.6], [math.log(1e7), 1.0, 0.7]):
        theta = np.array(theta)
        ll, g, H = StudentT._loglik_derivatives(x, *theta)
        assert ll == pytest.approx(-_t_nll(theta, x), rel=1e-13)
        h = 1e-4
        g_fd = np.array([(-_t_nll(theta + h * e, x) + _t_nll(theta - h * e, x)) / (2 * h)
                         for e in np.eye(3)])
        np.testing.assert_allclose(g, g_fd, rtol=1e-6, atol=1e-7 * len(x))
        H_fd = np.array([(StudentT._loglik_derivatives(x, *(theta + h * e))[1]
                          - StudentT._loglik_derivatives(x, *(theta - h * e))[1]) / (2 * h)
                         for e in np.eye(3)])
        np.testing.assert_allclose(H, H_fd, rtol=1e-6, atol=1e-7 * len(x))


def test_t_fit_light_tails_cap_df_and_warn():
    x = np.random.default_rng(5).uniform(-1, 1, 300)     # lighter-tailed than any t
    with pytest.warns(ConvergenceWarning, match="df -> inf"):
        d = StudentT.fit(x)
    assert d.params["df"] == 1e10
    # at df = inf the t is normal: loc and scale are the normal MLE
    assert d.params["loc"] == pytest.approx(x.mean(), abs=1e-6)
    assert d.params["scale"] == pytest.approx(x.std(), rel=1e-6)


def test_t_fit_explain_bit_identical_and_errors():
    x = st.t.rvs(3.0, size=200, random_state=np.random.default_rng(4))
    plain = StudentT.fit(x)
    with explain() as work:
        shown = StudentT.fit(x)
    assert shown.params == plain.params
    start = work.find("Starting point")[0].values
    assert start["loc0"] == np.median(x) and start["n"] == 200
    its = work.find("Iteration")
    assert 1 <= len(its) <= 40
    assert {s.values["kind"] for s in its} <= {"newton", "fallback"}
    assert its[-1].values["df"] == plain.params["df"]
    assert np.max(np.abs(its[-1].values["grad"])) < 1e-6
    assert work.find("Result")[0].values["loc"] == plain.params["loc"]
    with pytest.raises(ValueError, match="at least 3 observations"):
        StudentT.fit([1.0, 2.0])
    with pytest.raises(ValueError, match="all equal"):
        StudentT.fit([1.0, 1.0, 1.0])
    with pytest.raises(ValueError, match="NaN or infinity"):
        StudentT.fit([1.0, np.inf, 2.0])
    with pytest.warns(ConvergenceWarning, match="StudentT.fit: no convergence in maxiter=1"):
        StudentT.fit(x, maxiter=1)


# ---------------------------------------------------------------------------
# F
# ---------------------------------------------------------------------------
X_F = np.concatenate([[0.0, 1e-300, 1e-100, 1e-20, 1e-8, 1e-3], np.linspace(0.01, 5, 25),
                      [10, 30, 100, 1e3, 1e5, 1e10, 1e100, 1e300, np.inf]])
DFS = [0.5, 1.0, 2.0, 3.0, 10.0, 100.0, 1e4]


@pytest.mark.parametrize("dfn", DFS)
def test_f_matches_scipy(dfn):
    m = np.array(DFS)[:, None]
    d = F(dfn, m)
    ref = st.f(dfn, m)
    x = X_F
    inner = (x > 0) & np.isfinite(x)
    with np.errstate(all="ignore"):
        ref_logpdf = ref.logpdf(x)
    # SciPy's (m/2) log m + ... form cancels for large dfs and overflows n x: mpmath decides
    # what cancels in log f when both dfs are large: a few ulp of its largest terms
    xi = x[inner]
    terms = (np.abs((dfn / 2 - 1) * np.log(xi)) + (dfn + m) / 2 * np.log1p(dfn / m * xi)
             + np.abs(sc.betaln(dfn / 2, m / 2)) + 1)
    assert_matches(d.logpdf(xi), ref_logpdf[:, inner], mp_f_logpdf, (dfn, m, xi),
                   rtol=1e-12, atol=4 * EPS * terms, max_arbitrated=150)
    for name, exact in (("cdf", mp_f_cdf), ("sf", mp_f_sf)):
        assert_matches(getattr(d, name)(x), getattr(ref, name)(x), exact, (dfn, m, x),
                       rtol=1e-12, atol=1e-305, max_arbitrated=40)
    assert d.pdf(np.inf).shape == (len(DFS), 1) and np.all(d.pdf(np.inf) == 0)
    at_zero = {True: np.inf, False: 0.0}[dfn < 2] if dfn != 2 else None
    if at_zero is not None:
        assert np.all(d.pdf(0.0) == at_zero)
    else:                                        # f(0) = (n/m) / B(1, m/2) = 1
        np.testing.assert_allclose(d.pdf(0.0), 1.0, rtol=1e-14)


@pytest.mark.parametrize("dfn", [0.5, 1.0, 3.0, 10.0, 100.0, 1e4])
def test_f_quantiles(dfn):
    m = np.array([0.5, 1.0, 3.0, 10.0, 100.0, 1e4])[:, None]
    d = F(dfn, m)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        refs = {"ppf": st.f.ppf(Q, dfn, m), "isf": st.f.isf(Q, dfn, m)}
    for name in ("ppf", "isf"):
        ours = getattr(d, name)(Q)
        off = ~np.isclose(ours, refs[name], rtol=1e-12, atol=0, equal_nan=True)
        assert off.sum() <= 30
        for i, j in zip(*np.nonzero(off)):      # where SciPy differs: mpmath at ours is q
            x, mm = ours[i, j], m[i, 0]
            q_low = Q[j] if name == "ppf" else 1 - Q[j]
            if x == 0.0:                           # underflow: u = n x/m below 1e-308
                with mp.workdps(40):
                    log_u = (mp.log(q_low) + mp.log(dfn / 2)
                             + mp.log(mp.beta(dfn / 2, mm / 2))) / (dfn / 2)
                assert q_low == 0 or float(log_u) + math.log(mm / dfn) < -744
                continue
            if math.isinf(x):
                with mp.workdps(40):
                    q_up = 1 - mp.mpf(q_low)
                    log_w = (mp.log(q_up) + mp.log(mm / 2)
                             + mp.log(mp.beta(mm / 2, dfn / 2))) / (mm / 2)
                assert q_up == 0 or float(log_w) - math.log(mm / dfn) < -709
                continue
            with mp.workdps(40):
                got = mp_f_cdf(mp.mpf(dfn), mp.mpf(mm), mp.mpf(x)) if name == "ppf" else \
                    mp_f_sf(mp.mpf(dfn), mp.mpf(mm), mp.mpf(x))
            want = Q[j]
            cond = x * float(d.pdf(x)[i, 0]) / want   # |d log q / d log x|
            assert float(got) == pytest.approx(want, rel=1e-12 + 4 * EPS * cond), \
                (name, dfn, mm, Q[j], x, refs[name][i, j])
    q = np.array([1e-200, 1e-9, 0.02, 0.5, 0.98, 1 - 1e-9])
    dd = F(dfn, 7.0)
    x = dd.ppf(q)
    # dfn < 2: the 1e-200 quantile (1e-400 or less) underflows to 0, its rounding
    assert np.all((x > 0) | (dfn < 2))
    np.testing.assert_allclose(dd.cdf(x[x > 0]), q[x > 0], rtol=1e-12)
    np.testing.assert_allclose(dd.sf(dd.isf(q)), q, rtol=1e-12)


def test_f_closed_forms_and_relations():
    d = F(2.0, 2.0)                  # cdf = x/(1+x), sf = 1/(1+x), pdf = 1/(1+x)^2
    x = np.array([1e-200, 1e-9, 0.5, 1.0, 3.0, 1e9, 1e200])
    np.testing.assert_allclose(d.cdf(x), x / (1 + x), rtol=1e-15)
    np.testing.assert_allclose(d.sf(x), 1 / (1 + x), rtol=1e-15)
    np.testing.assert_allclose(d.pdf(x), (1 / (1 + x)) ** 2, rtol=1e-14)
    q = np.array([1e-300, 1e-9, 0.25, 0.5, 0.75, 1 - 1e-12])
    np.testing.assert_allclose(d.ppf(q), q / (1 - q), rtol=1e-14)
    np.testing.assert_allclose(d.isf(q), (1 - q) / q, rtol=1e-14)
    # F(1, m) is t_m squared: the two-sided t p-value
    t = np.array([0.1, 1.0, 2.5, 10.0, 1e3])
    for m in (1.0, 5.0, 40.0):
        np.testing.assert_allclose(F(1.0, m).sf(t ** 2), 2 * StudentT(m).sf(t), rtol=1e-13)
        np.testing.assert_allclose(F(1.0, m).isf([1e-10, 0.05]),
                                   StudentT(m).isf([0.5e-10, 0.025]) ** 2, rtol=1e-13)
    assert F(3.0, 6.0).mean() == 1.5
    assert d.support() == (0.0, np.inf)
    assert d.cdf(-1.0) == 0.0 and d.sf(-1.0) == 1.0 and d.logpdf(-1.0) == -np.inf
    assert math.isnan(d.cdf(np.nan))


def test_f_far_tails_against_mpmath():
    cases = [(0.5, 1e4, 1e-300, "cdf"), (3.0, 1.0, 1e300, "sf"), (1.0, 0.5, 1e200, "sf"),
             (10.0, 30.0, 50.0, "sf"), (100.0, 100.0, 5.0, "sf"), (100.0, 100.0, 0.2, "cdf"),
             (1e4, 10.0, 0.354, "cdf"), (0.5, 0.5, 1e-300, "cdf")]
    for n, m, x, name in cases:
        got = getattr(F(n, m), name)(x)
        with mp.workdps(40):
            want = (mp_f_cdf if name == "cdf" else mp_f_sf)(mp.mpf(n), mp.mpf(m), mp.mpf(x))
        assert got == pytest.approx(float(want), rel=1e-12), (n, m, x, name)


@pytest.mark.parametrize("n, m", [(5.0, 2e10), (3.0, 1e6), (1e6, 4.0), (1e4, 1e4), (1e8, 0.5)])
def test_f_logpdf_large_dfs_against_mpmath(n, m):
    """No (m/2) log m terms: large degrees of freedom keep the log-density's digits."""
    for x in (1e-3, 0.7, 1.01, 2.0, 1e3):
        with mp.workdps(40):
            want = float(mp_f_logpdf(mp.mpf(n), mp.mpf(m), mp.mpf(x)))
        # what cancellation remains scales with the smaller df (both large: 1e4 x ulp)
        assert F(n, m).logpdf(x) == pytest.approx(want, rel=1e-13, abs=4 * EPS * min(n, m) * 10)


def test_f_moments_and_entropy():
    n = np.array([1.0, 3.0, 10.0])[:, None]
    m = np.array([1.0, 2.0, 3.0, 4.0, 5.0, 30.0])
    d = F(n, m)
    ref_mean, ref_var = st.f.stats(n, m, moments="mv")
    np.testing.assert_array_equal(np.isinf(d.mean()), np.isinf(ref_mean))
    np.testing.assert_allclose(d.mean(), ref_mean, rtol=1e-15)
    np.testing.assert_array_equal(np.isinf(d.var()), np.isinf(ref_var))
    np.testing.assert_allclose(d.var(), ref_var, rtol=1e-14)
    np.testing.assert_allclose(d.entropy(), st.f.entropy(n, m), rtol=1e-13, atol=1e-14)
    for a, b in [(2.0, 3.0), (0.5, 40.0)]:   # the entropy against numerical integration
        def integrand(s):                    # x = s^4 removes the x^(a/2 - 1) singularity
            lp = mp_f_logpdf(mp.mpf(a), mp.mpf(b), s ** 4)
            return -mp.exp(lp) * lp * 4 * s ** 3
        with mp.workdps(30):
            h = mp.quad(integrand, [0, 0.5, 1, 2, mp.inf])
        assert F(a, b).entropy() == pytest.approx(float(h), rel=1e-13)


@pytest.mark.parametrize("n, m", [(0.5, 3.0), (4.0, 9.0), (30.0, 12.0)])
def test_f_pdf_is_derivative_of_cdf(n, m):
    d = F(n, m)
    x = np.linspace(0.1, 4.0, 14)
    np.testing.assert_allclose(derivative(d.cdf, x, h=1e-4), d.pdf(x), rtol=1e-7)


@pytest.mark.parametrize("n, m, seed", [(3.0, 20.0, 0), (10.0, 12.0, 1), (0.5, 50.0, 2)])
def test_f_sample_moments_ks_and_composition(n, m, seed):
    size = 200_000
    x = F(n, m).sample(size, rng=seed)
    ref = st.f(n, m)
    mean, var = (float(v) for v in ref.stats("mv"))
    assert abs(x.mean() - mean) <= 5 * math.sqrt(var / size)
    mu4 = (float(ref.stats("k")) + 3) * var ** 2
    assert abs(x.var() - var) <= 5 * math.sqrt((mu4 - var ** 2) / size)
    assert st.kstest(x[:20_000], ref.cdf).pvalue > 1e-3
    rng = np.random.default_rng(seed)           # (V1/n)/(V2/m) with V = 2 G(df/2)
    g1 = rng.standard_gamma(n / 2, size)
    g2 = rng.standard_gamma(m / 2, size)
    np.testing.assert_allclose(x, (2 * g1 / n) / (2 * g2 / m), rtol=1e-14)


def test_f_vectorised_and_bad_input():
    d = F([[1.0], [5.0]], [2.0, 8.0, 40.0])
    assert d.batch_shape == (2, 3)
    np.testing.assert_allclose(d.sf(2.0), st.f.sf(2.0, [[1.0], [5.0]], [2.0, 8.0, 40.0]),
                               rtol=1e-13)
    np.testing.assert_allclose(d.isf(0.05), st.f.isf(0.05, [[1.0], [5.0]], [2.0, 8.0, 40.0]),
                               rtol=1e-12)
    assert d.sample((10, 2, 3), rng=0).shape == (10, 2, 3)
    with pytest.raises(ValueError, match="dfn must be > 0, got -1.0"):
        F(-1.0, 2.0)
    with pytest.raises(ValueError, match="dfd must be > 0, got 0.0"):
        F(1.0, [2.0, 0.0])
    with pytest.raises(ValueError, match=r"q must be in \[0, 1\], got 2.0"):
        F(1.0, 2.0).isf(2.0)


# ---------------------------------------------------------------------------
# F fit
# ---------------------------------------------------------------------------
def _f_nll(p, x):
    return -st.f.logpdf(x, np.exp(p[0]), np.exp(p[1])).sum()


@pytest.mark.parametrize("n, m, seed", [(1.0, 1.0, 0), (3.0, 10.0, 1), (10.0, 30.0, 2),
                                        (0.5, 50.0, 3), (50.0, 5.0, 4)])
def test_f_fit_matches_polished_scipy(n, m, seed):
    x = st.f.rvs(n, m, size=1000, random_state=np.random.default_rng(seed))
    d = F.fit(x)
    ours = np.log([d.params["dfn"], d.params["dfd"]])
    r = st.f.fit(x, floc=0, fscale=1)
    polished = so.minimize(_f_nll, np.log(r[:2]), args=(x,), method="Nelder-Mead",
                           options=dict(xatol=1e-10, fatol=1e-11, maxfev=4000))
    assert _f_nll(ours, x) <= _f_nll(np.log(r[:2]), x) + 1e-9
    assert _f_nll(ours, x) <= polished.fun + 1e-9
    # the polished reference is good to ~1e-6 in flat directions (a large dfd mostly)
    np.testing.assert_allclose(ours, polished.x, rtol=0, atol=5e-6)


def test_f_loglik_derivatives_match_finite_differences():
    x = st.f.rvs(4.0, 9.0, size=300, random_state=np.random.default_rng(8))
    M = np.log(x).mean()
    for theta in ([math.log(2.0), math.log(4.5)], [math.log(0.3), math.log(1.0)],
                  [math.log(40.0), math.log(3.0)]):
        theta = np.array(theta)
        ll, g, H = F._loglik_derivatives(x, *theta, M)
        assert ll * x.size == pytest.approx(-_f_nll(theta + math.log(2), x), rel=1e-12)
        h = 1e-5
        g_fd = np.array([(F._loglik_derivatives(x, *(theta + h * e), M)[0]
                          - F._loglik_derivatives(x, *(theta - h * e), M)[0]) / (2 * h)
                         for e in np.eye(2)])
        np.testing.assert_allclose(g, g_fd, rtol=1e-7, atol=1e-9)
        H_fd = np.array([(F._loglik_derivatives(x, *(theta + h * e), M)[1]
                          - F._loglik_derivatives(x, *(theta - h * e), M)[1]) / (2 * h)
                         for e in np.eye(2)])
        np.testing.assert_allclose(H, H_fd, rtol=1e-6, atol=1e-8)


def test_f_fit_explain_bit_identical_warning_and_errors():
    x = st.f.rvs(5.0, 12.0, size=300, random_state=np.random.default_rng(6))
    plain = F.fit(x)
    with explain() as work:
        shown = F.fit(x)
    assert shown.params == plain.params
    stats = work.find("Sufficient statistics")[0].values
    assert stats["mean_log_x"] == np.log(x).mean() and stats["xbar"] == x.mean()
    mm = 2 * x.mean() / (x.mean() - 1)
    assert work.find("Method-of-moments")[0].values["dfd0"] == pytest.approx(mm, rel=1e-14)
    its = work.find("Iteration")
    assert its and its[-1].values["dfn"] == plain.params["dfn"]
    assert np.max(np.abs(its[-1].values["grad"])) < 1e-8
    with pytest.warns(ConvergenceWarning, match="F.fit: no convergence in maxiter=1"):
        F.fit(x, maxiter=1)
    with pytest.raises(ValueError, match="at least 3"):
        F.fit([1.0, 2.0])
    with pytest.raises(ValueError, match=r"open support \(0, inf\)"):
        F.fit([1.0, 2.0, 0.0])
    with pytest.raises(ValueError, match="all equal"):
        F.fit([2.0, 2.0, 2.0])


# ---------------------------------------------------------------------------
# Random sweeps against mpmath
# ---------------------------------------------------------------------------
def test_t_random_sweep_against_mpmath():
    rng = np.random.default_rng(31)
    for _ in range(60):
        nu = 10 ** rng.uniform(-0.3, 6)
        t = (1 if rng.random() < 0.5 else -1) * 10 ** rng.uniform(-10, 3)
        d = StudentT(nu)
        with mp.workdps(40):
            N, T = mp.mpf(nu), mp.mpf(t)
            tail = mp_t_tail(N, T)
            cdf = tail if T < 0 else 1 - tail
            sf = tail if T > 0 else 1 - tail
            dens = mp.exp(mp_t_logpdf(N, T))
            conds = [float(abs(T) * dens / v) if v > 0 else 0.0 for v in (cdf, sf)]
            cdf, sf = float(cdf), float(sf)
        for got, want, cond in ((d.cdf(t), cdf, conds[0]), (d.sf(t), sf, conds[1])):
            if want < 1e-300:
                assert got < 1e-290
                continue
            assert got == pytest.approx(want, rel=1e-13 + 8 * EPS * cond), (nu, t)


def test_f_random_sweep_against_mpmath():
    rng = np.random.default_rng(47)
    for _ in range(60):
        n, m = 10 ** rng.uniform(-0.3, 4, size=2)
        x = 10 ** rng.uniform(-5, 5) if rng.random() < 0.8 else 10 ** rng.uniform(-300, 300)
        d = F(n, m)
        with mp.workdps(40):
            N, M, X = mp.mpf(n), mp.mpf(m), mp.mpf(x)
            cdf, sf = mp_f_cdf(N, M, X), mp_f_sf(N, M, X)
            dens = mp.exp(mp_f_logpdf(N, M, X))
            conds = [float(X * dens / v) if v > 0 else 0.0 for v in (cdf, sf)]
            cdf, sf = float(cdf), float(sf)
        for got, want, cond in ((d.cdf(x), cdf, conds[0]), (d.sf(x), sf, conds[1])):
            if want < 1e-300:
                assert got < 1e-290
                continue
            assert got == pytest.approx(want, rel=1e-13 + 8 * EPS * cond), (n, m, x)
