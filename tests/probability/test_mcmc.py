"""MCMC: Metropolis–Hastings and HMC against exact posteriors, the leapfrog integrator's
geometry, and the diagnostics (ESS, split R-hat, autocorrelation) against their defining
formulas computed directly here (and ArviZ when it is installed)."""
from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from mathforml.explain import explain
from mathforml.probability.mcmc import (MCMCResult, MCMCSummary, autocorrelation,
                                        effective_sample_size, hmc, leapfrog, mcmc_summary,
                                        metropolis_hastings, split_rhat)

# ---------------------------------------------------------------------------
# Targets written here
# ---------------------------------------------------------------------------
A_PRIOR, B_PRIOR, HEADS, FLIPS = 2.0, 2.0, 7, 20
POST_A, POST_B = A_PRIOR + HEADS, B_PRIOR + FLIPS - HEADS          # Beta(9, 15)
POST_MEAN = POST_A / (POST_A + POST_B)                               # (a + h) / (a + b + n)
POST_SD = np.sqrt(POST_A * POST_B / ((POST_A + POST_B) ** 2 * (POST_A + POST_B + 1)))


def beta_bernoulli_logpdf(theta):
    """log prior Beta(2, 2) + log likelihood of 7 heads in 20 flips, up to a constant."""
    if not 0.0 < theta < 1.0:
        return -np.inf
    return (A_PRIOR + HEADS - 1) * np.log(theta) + (B_PRIOR + FLIPS - HEADS - 1) * np.log1p(-theta)


def beta_bernoulli_logpdf_vec(theta):
    inside = (theta > 0) & (theta < 1)
    t = np.where(inside, theta, 0.5)
    lp = (A_PRIOR + HEADS - 1) * np.log(t) + (B_PRIOR + FLIPS - HEADS - 1) * np.log1p(-t)
    return np.where(inside, lp, -np.inf)


RHO = 0.8
SIGMA = np.array([[1.0, RHO], [RHO, 1.0]])
PREC = np.array([[1.0, -RHO], [-RHO, 1.0]]) / (1 - RHO ** 2)        # Σ⁻¹ by hand


def gauss2_logpdf(x):
    return -0.5 * (x @ PREC @ x)


def gauss2_grad(x):
    return -(PREC @ x)


def gauss2_logpdf_vec(X):
    return -0.5 * np.sum((X @ PREC) * X, axis=1)


def ar1(phi, n_chains, n_draws, seed):
    rng = np.random.default_rng(seed)
    e = rng.standard_normal((n_chains, n_draws))
    x = np.empty((n_chains, n_draws))
    x[:, 0] = e[:, 0] / np.sqrt(1 - phi ** 2)          # start in the stationary law
    for t in range(1, n_draws):
        x[:, t] = phi * x[:, t - 1] + e[:, t]
    return x


# ---------------------------------------------------------------------------
# Reference diagnostics, written from the defining formulas (direct products, no FFT)
# ---------------------------------------------------------------------------
def ref_autocov(x):
    """c_t = (1/n) Σ_{i<n-t} (x_i - x̄)(x_{i+t} - x̄), by direct products."""
    n = len(x)
    xc = x - x.mean()
    return np.correlate(xc, xc, mode="full")[n - 1:] / n


def ref_ess(chains):
    """Stan's compute_effective_sample_size (stan/analyze/mcmc), transcribed loop by loop."""
    chains = np.atleast_2d(chains)
    m, n = chains.shape
    acov = np.array([ref_autocov(c) for c in chains])
    chain_mean = chains.mean(axis=1)
    mean_var = acov[:, 0].mean() * n / (n - 1)
    var_plus = mean_var * (n - 1) / n
    if m > 1:
        var_plus += chain_mean.var(ddof=1)
    rho = np.zeros(n)
    rho[0] = 1.0
    even, odd = 1.0, 1 - (mean_var - acov[:, 1].mean()) / var_plus
    rho[1] = odd
    s = 1
    while s < n - 4 and even + odd > 0:
        even = 1 - (mean_var - acov[:, s + 1].mean()) / var_plus
        odd = 1 - (mean_var - acov[:, s + 2].mean()) / var_plus
        if even + odd >= 0:
            rho[s + 1], rho[s + 2] = even, odd
        s += 2
    max_s = s
    if even > 0:
        rho[max_s + 1] = even
    for s in range(1, max_s - 2, 2):             # s <= max_s - 3
        if rho[s + 1] + rho[s + 2] > rho[s - 1] + rho[s]:
            rho[s + 1] = (rho[s - 1] + rho[s]) / 2
            rho[s + 2] = rho[s + 1]
    tau = -1 + 2 * rho[:max_s].sum() + rho[max_s + 1]
    S = m * n
    return min(S / tau, S * np.log10(S))


def ref_split(chains):
    half = chains.shape[1] // 2
    return np.vstack([chains[:, :half], chains[:, chains.shape[1] - half:]])


def ref_rank_normalise(chains):
    r = stats.rankdata(chains, method="average").reshape(chains.shape)
    return stats.norm.ppf((r - 3 / 8) / (chains.size + 1 / 4))


def ref_rhat(chains, presplit=False):
    """Stan's split R-hat: split, then sqrt(((n-1)/n W + B/n) / W)."""
    s = chains if presplit else ref_split(np.atleast_2d(chains))
    n = s.shape[1]
    W = s.var(axis=1, ddof=1).mean()
    B = n * s.mean(axis=1).var(ddof=1)
    return np.sqrt(((n - 1) / n * W + B / n) / W)


# ---------------------------------------------------------------------------
# Metropolis–Hastings against exact posteriors
# ---------------------------------------------------------------------------
@pytest.fixture(scope="module")
def beta_mh():
    return metropolis_hastings(beta_bernoulli_logpdf, 0.5, 3000, proposal_scale=0.25,
                               n_chains=4, burn_in=300, rng=20240601)


def test_mh_beta_bernoulli_posterior_mean_within_0_01(beta_mh):
    draws = beta_mh.samples
    assert draws.shape == (4, 3000, 1)
    assert np.all((draws > 0) & (draws < 1))
    s = beta_mh.summary()
    assert abs(s.mean[0] - POST_MEAN) < 0.01
    assert abs(s.mean[0] - POST_MEAN) < 4 * s.mcse_mean[0]           # and within its own error
    assert s.sd[0] == pytest.approx(POST_SD, rel=0.05)
    q = stats.beta(POST_A, POST_B).ppf([0.05, 0.5, 0.95])
    np.testing.assert_allclose(s.quantiles[0], q, atol=0.01)
    assert np.all((beta_mh.acceptance_rate > 0.3) & (beta_mh.acceptance_rate < 0.6))
    assert s.r_hat[0] < 1.01 and s.ess_bulk[0] > 1000


def test_mh_vectorized_logpdf_gives_the_same_chains(beta_mh):
    vec = metropolis_hastings(beta_bernoulli_logpdf_vec, 0.5, 3000, proposal_scale=0.25,
                              n_chains=4, burn_in=300, rng=20240601, vectorized=True)
    np.testing.assert_array_equal(vec.samples, beta_mh.samples)
    np.testing.assert_array_equal(vec.acceptance_rate, beta_mh.acceptance_rate)


def test_mh_scalar_target_passes_scalars_and_vector_target_passes_vectors():
    seen = []

    def lp(x):
        seen.append(np.shape(x))
        return -0.5 * np.sum(np.square(x))
    metropolis_hastings(lp, 0.0, 3, rng=0)
    metropolis_hastings(lp, [0.0, 1.0], 3, rng=0)
    assert set(seen[:4]) == {()} and set(seen[4:]) == {(2,)}


def test_mh_standard_normal_mean_and_variance_within_mcse_and_acceptance_closed_form():
    res = metropolis_hastings(lambda x: -0.5 * x * x, np.zeros((4, 1)), 5000, proposal_scale=2.4,
                              n_chains=4, burn_in=200, rng=7, vectorized=True)
    x = res.samples[:, :, 0]
    s = res.summary()
    assert abs(s.mean[0]) < 4 * s.mcse_mean[0]
    x2 = x ** 2                                   # E x² = 1; its MCSE from its own ESS
    mcse_var = x2.std(ddof=1) / np.sqrt(effective_sample_size(x2, method="mean"))
    assert abs(x2.mean() - 1.0) < 4 * mcse_var
    # random-walk acceptance on N(0, 1) with step σ: (2/π) arctan(2/σ) = 0.4423 for σ = 2.4
    expected = 2 / np.pi * np.arctan(2 / 2.4)
    assert res.acceptance_rate.mean() == pytest.approx(expected, abs=0.015)
    assert np.all(np.abs(res.acceptance_rate - expected) < 0.03)
    np.testing.assert_array_equal(res.step_size, 2.4)


def test_mh_acceptance_falls_as_the_step_grows():
    rates = [metropolis_hastings(lambda x: -0.5 * x * x, 0.0, 2000, proposal_scale=s, rng=1)
             .acceptance_rate[0] for s in (0.2, 2.4, 20.0)]
    assert rates[0] > 0.85 and 0.35 < rates[1] < 0.55 and rates[2] < 0.15


def test_mh_adaptation_reaches_the_target_rate_and_freezes():
    res = metropolis_hastings(lambda x: -0.5 * x * x, 0.0, 4000, proposal_scale=0.05,
                              n_chains=2, burn_in=1500, adapt=True, rng=3)
    assert np.all(np.abs(res.acceptance_rate - 0.44) < 0.05)
    # the frozen λ is near the scale whose closed-form rate is 0.44 (σ ≈ 2.43)
    assert np.all((res.step_size > 1.8) & (res.step_size < 3.2))
    # 5-D: target 0.234
    res5 = metropolis_hastings(lambda x: -0.5 * np.sum(x * x), np.zeros(5), 3000,
                               proposal_scale=5.0, burn_in=1500, adapt=True, rng=4)
    assert abs(res5.acceptance_rate[0] - 0.234) < 0.05


def test_mh_covariance_and_diagonal_proposals_use_the_cholesky_factor():
    L_ref = np.linalg.cholesky(SIGMA)
    for scale, factor in ((SIGMA, L_ref), (np.array([0.5, 2.0]), np.diag([0.5, 2.0])),
                          (0.7, 0.7 * np.eye(2))):
        x0 = np.array([0.2, -0.1])
        with explain(head=5) as work:
            metropolis_hastings(gauss2_logpdf, x0, 1, proposal_scale=scale, rng=11)
        z = np.random.default_rng(11).standard_normal((1, 2))[0]
        first = work.find("Metropolis step")[0]
        np.testing.assert_allclose(first.values["proposal"], x0 + factor @ z, rtol=1e-14)


def test_mh_correlated_gaussian_with_covariance_proposal():
    res = metropolis_hastings(gauss2_logpdf_vec, np.zeros(2), 4000, proposal_scale=2.4 ** 2 / 2 * SIGMA,
                              n_chains=4, burn_in=300, rng=5, vectorized=True)
    cov = np.cov(res.flat.T)
    assert np.all(np.abs(cov - SIGMA) < 0.1)
    assert np.all((res.acceptance_rate > 0.25) & (res.acceptance_rate < 0.5))


def test_mh_custom_symmetric_proposal():
    def uniform_walk(x, rng):
        return x + rng.uniform(-0.3, 0.3, size=x.shape)
    res = metropolis_hastings(beta_bernoulli_logpdf, 0.5, 3000, proposal=uniform_walk,
                              n_chains=4, burn_in=200, rng=9)
    assert abs(res.samples.mean() - POST_MEAN) < 0.01
    assert np.all(np.isnan(res.step_size))


def test_burn_in_and_thinning_keep_every_thin_th_state_of_the_same_run():
    full = metropolis_hastings(beta_bernoulli_logpdf, 0.5, 30, n_chains=2, burn_in=5,
                               proposal_scale=0.2, rng=2)
    thinned = metropolis_hastings(beta_bernoulli_logpdf, 0.5, 10, n_chains=2, burn_in=5,
                                  thin=3, proposal_scale=0.2, rng=2)
    np.testing.assert_array_equal(thinned.samples, full.samples[:, 2::3])
    np.testing.assert_array_equal(thinned.logpdf_values, full.logpdf_values[:, 2::3])
    np.testing.assert_allclose(full.logpdf_values,
                               np.vectorize(beta_bernoulli_logpdf)(full.samples[..., 0]))


def test_per_chain_starting_points():
    x0 = np.array([[0.1], [0.9]])
    with explain() as work:
        res = metropolis_hastings(beta_bernoulli_logpdf, x0, 5, n_chains=2, rng=0)
    np.testing.assert_array_equal(work.find("Setup")[0].values["x0"], x0)
    assert res.samples.shape == (2, 5, 1)


# ---------------------------------------------------------------------------
# HMC
# ---------------------------------------------------------------------------
def test_hmc_correlated_gaussian_recovers_the_covariance_within_10_percent():
    res = hmc(gauss2_logpdf_vec, np.zeros(2), 1000, step_size=0.3, n_leapfrog=4,
              n_chains=4, burn_in=100, rng=17, vectorized=True)
    cov = np.cov(res.flat.T)
    sd = np.sqrt(np.diag(SIGMA))
    assert np.all(np.abs(cov - SIGMA) / np.outer(sd, sd) < 0.10)
    s = res.summary()
    assert np.all(np.abs(s.mean) < 4 * s.mcse_mean)
    assert np.all(s.r_hat < 1.01)
    assert np.all(res.acceptance_rate > 0.8) and np.all(res.n_divergent == 0)


def test_hmc_one_point_logpdf_with_matmul_uses_autodiff():
    res = hmc(gauss2_logpdf, [1.0, -1.0], 400, step_size=0.3, n_leapfrog=4, burn_in=50, rng=3)
    assert res.samples.shape == (1, 400, 2)
    cov = np.cov(res.flat.T)
    assert np.all(np.abs(cov - SIGMA) < 0.25)
    assert res.acceptance_rate[0] > 0.8


@pytest.mark.parametrize("vectorized", [False, True])
def test_hmc_autodiff_and_hand_written_gradient_give_the_same_chains(vectorized):
    lp = gauss2_logpdf_vec if vectorized else gauss2_logpdf
    g = (lambda X: -(X @ PREC)) if vectorized else gauss2_grad
    kw = dict(step_size=0.25, n_leapfrog=6, n_chains=3, burn_in=10, rng=123, vectorized=vectorized)
    auto = hmc(lp, np.zeros(2), 60, **kw)
    hand = hmc(lp, np.zeros(2), 60, grad_logpdf=g, **kw)
    np.testing.assert_allclose(auto.samples, hand.samples, rtol=0, atol=1e-12)
    np.testing.assert_array_equal(auto.acceptance_rate, hand.acceptance_rate)


def test_hmc_beta_bernoulli_posterior_and_divergences_at_the_boundary():
    res = hmc(beta_bernoulli_logpdf_vec, np.full((4, 1), 0.5), 500, step_size=0.05,
              n_leapfrog=8, n_chains=4, burn_in=100, rng=8, vectorized=True)
    assert abs(res.samples.mean() - POST_MEAN) < 0.01
    assert np.all((res.samples > 0) & (res.samples < 1))
    # a huge step leaves (0, 1): log π = -inf there is a divergence, rejected and counted
    wild = hmc(beta_bernoulli_logpdf, 0.5, 200, step_size=2.0, n_leapfrog=2, rng=8)
    assert wild.n_divergent[0] > 100
    assert np.all((wild.samples > 0) & (wild.samples < 1))
    assert wild.acceptance_rate[0] <= 1 - wild.n_divergent[0] / 200


def test_hmc_energy_blow_up_is_a_divergence():
    # N(0, 0.01²): ε = 1 is far beyond the stability limit 2 σ, the energy explodes
    res = hmc(lambda x: -0.5 * (x / 0.01) ** 2, 0.0, 50, step_size=1.0, n_leapfrog=10, rng=0)
    assert res.n_divergent[0] == 50 and res.acceptance_rate[0] == 0.0
    assert np.all(res.samples == 0.0)


def test_hmc_step_size_adaptation_follows_the_target_acceptance():
    runs = {delta: hmc(gauss2_logpdf_vec, np.zeros(2), 300, step_size=1e-3, n_leapfrog=5,
                       n_chains=2, burn_in=300, rng=21, vectorized=True, adapt_step_size=True,
                       target_accept=delta) for delta in (0.65, 0.95)}
    lo, hi = runs[0.65], runs[0.95]
    assert np.all(lo.step_size > 0.1) and np.all(hi.step_size > 0.1)     # grew from 0.001
    assert np.all(hi.step_size < lo.step_size)                           # higher target, smaller ε
    # ε̄ (the averaged iterate) lands at or a little below the ε whose mean acceptance is δ
    assert np.all(lo.acceptance_rate > 0.6) and np.all(hi.acceptance_rate > 0.9)
    assert np.all(lo.acceptance_rate < hi.acceptance_rate)
    assert np.all(lo.n_divergent == 0)


def test_hmc_diagonal_mass_for_badly_scaled_target():
    sd = np.array([1.0, 20.0])

    def lp(X):
        return -0.5 * np.sum((X / sd) ** 2, axis=1)
    res = hmc(lp, np.zeros(2), 600, step_size=0.5, n_leapfrog=4, mass=1 / sd ** 2, n_chains=2,
              burn_in=50, rng=6, vectorized=True)
    np.testing.assert_allclose(res.flat.std(axis=0), sd, rtol=0.1)


# ---------------------------------------------------------------------------
# The leapfrog integrator
# ---------------------------------------------------------------------------
A_QUAD = np.array([[2.0, 0.5], [0.5, 1.0]])


def quad_energy(q, p, m=1.0):
    return 0.5 * q @ A_QUAD @ q + 0.5 * np.sum(p * p / m)


@pytest.mark.parametrize("mass", [None, np.array([1.0, 3.0])])
def test_leapfrog_energy_error_is_second_order(mass):
    q0, p0 = np.array([0.0, 1.0]), np.array([1.0, 0.5])
    m = 1.0 if mass is None else mass
    H0 = quad_energy(q0, p0, m)
    errors = []
    for eps in (0.1, 0.05, 0.025):
        n = int(round(1.5 / eps))                       # the same trajectory length 1.5
        q, p = leapfrog(lambda q: -A_QUAD @ q, q0, p0, eps, n, mass=mass)
        errors.append(abs(quad_energy(q, p, m) - H0))
    r1, r2 = errors[0] / errors[1], errors[1] / errors[2]
    assert r1 == pytest.approx(4.0, rel=0.1) and r2 == pytest.approx(4.0, rel=0.05)


def test_leapfrog_is_reversible():
    grad = lambda q: -A_QUAD @ q - 0.1 * q ** 3                # non-quadratic on purpose
    q0, p0 = np.array([0.7, -0.3]), np.array([0.2, 1.1])
    q1, p1 = leapfrog(grad, q0, p0, 0.1, 25, mass=np.array([1.0, 2.0]))
    q2, p2 = leapfrog(grad, q1, -p1, 0.1, 25, mass=np.array([1.0, 2.0]))
    np.testing.assert_allclose(q2, q0, atol=1e-12)
    np.testing.assert_allclose(-p2, p0, atol=1e-12)


def test_leapfrog_matches_its_hand_written_recursion():
    eps, q, p = 0.2, 1.0, 0.5
    qa, pa = leapfrog(lambda x: -x, q, p, eps, 3)
    for _ in range(3):
        p = p + eps / 2 * -q
        q = q + eps * p
        p = p + eps / 2 * -q
    assert float(qa) == pytest.approx(q, abs=1e-15) and float(pa) == pytest.approx(p, abs=1e-15)


# ---------------------------------------------------------------------------
# Diagnostics
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("method", ["basic", "mean", "bulk", "tail"])
def test_ess_of_iid_draws_is_about_n(method):
    x = np.random.default_rng(0).standard_normal((4, 2500))
    assert effective_sample_size(x, method=method) == pytest.approx(10_000, rel=0.12)


@pytest.mark.parametrize("phi", [0.5, 0.7, 0.9])
def test_ess_of_ar1_is_n_times_1_minus_phi_over_1_plus_phi(phi):
    x = ar1(phi, 4, 5000, seed=int(phi * 10))
    expected = x.size * (1 - phi) / (1 + phi)
    for method in ("basic", "mean", "bulk"):
        assert effective_sample_size(x, method=method) == pytest.approx(expected, rel=0.15)


def test_ess_matches_the_formula_computed_directly():
    rng = np.random.default_rng(5)
    cases = [ar1(0.6, 3, 400, seed=1), ar1(-0.4, 2, 301, seed=2),        # antithetic, odd n
             rng.standard_normal(500),                                    # one chain
             np.round(ar1(0.8, 4, 300, seed=3), 1)]                       # many ties
    for x in cases:
        x2 = np.atleast_2d(x)
        assert effective_sample_size(x, method="basic") == pytest.approx(ref_ess(x2), rel=1e-10)
        assert effective_sample_size(x, method="mean") == pytest.approx(ref_ess(ref_split(x2)),
                                                                          rel=1e-10)
        bulk = ref_ess(ref_rank_normalise(ref_split(x2)))
        assert effective_sample_size(x, method="bulk") == pytest.approx(bulk, rel=1e-9)
        lo, hi = np.quantile(x2, [0.05, 0.95])
        tail = min(ref_ess(ref_split((x2 <= lo).astype(float))),
                   ref_ess(ref_split((x2 >= hi).astype(float))))
        assert effective_sample_size(x, method="tail") == pytest.approx(tail, rel=1e-10)


def test_ess_is_capped_for_antithetic_chains():
    # alternating draws: τ̂ would be ~0, so ESS stops at the cap S log10 S
    x = np.tile([1.0, -1.0], 50) + 1e-3 * np.random.default_rng(0).standard_normal(100)
    assert effective_sample_size(x, method="basic") == pytest.approx(100 * np.log10(100), rel=1e-12)
    # AR(1) with φ = -0.9: n (1 - φ)/(1 + φ) = 19 n exceeds the cap n log10 n = 3 n
    y = ar1(-0.9, 1, 1000, seed=0)
    assert effective_sample_size(y, method="basic") == pytest.approx(3000.0, rel=1e-12)


def test_split_rhat_well_mixed_and_different_means():
    good = np.random.default_rng(1).standard_normal((4, 2000))
    assert split_rhat(good) < 1.01 and split_rhat(good, method="rank") < 1.01
    bad = good + np.array([[0.0], [0.0], [0.0], [2.0]])
    assert split_rhat(bad) > 1.1 and split_rhat(bad, method="rank") > 1.1
    # one chain drifting: its two halves disagree, which only the split catches
    drift = np.random.default_rng(2).standard_normal(2000) + np.linspace(0, 3, 2000)
    assert split_rhat(drift) > 1.1
    # different scales, same mean: the folded rank version sees it
    scales = good * np.array([[1.0], [1.0], [1.0], [4.0]])
    assert split_rhat(scales, method="rank") > split_rhat(scales) and split_rhat(scales, method="rank") > 1.1


def test_split_rhat_matches_the_formula_computed_directly():
    for seed, shape in ((1, (4, 100)), (2, (3, 101)), (3, (1, 50))):
        x = np.random.default_rng(seed).standard_normal(shape) + np.arange(shape[0])[:, None] * 0.3
        assert split_rhat(x) == pytest.approx(ref_rhat(x), rel=1e-12)
        # rank version (Vehtari et al. 2021): max over rank-normalised draws and folded draws
        folded = np.abs(x - np.median(x))
        rank = max(ref_rhat(ref_rank_normalise(ref_split(x)), presplit=True),
                   ref_rhat(ref_rank_normalise(ref_split(folded)), presplit=True))
        assert split_rhat(x, method="rank") == pytest.approx(rank, rel=1e-10)
    assert split_rhat([[1.0, 2, 3, 4], [5, 6, 7, 8]]) == pytest.approx(np.sqrt(0.25 + 20 / 3) / np.sqrt(0.5),
                                                                       rel=1e-14)


def test_diagnostics_agree_with_arviz_when_installed():
    az = pytest.importorskip("arviz")
    for x in (ar1(0.7, 4, 800, seed=9), np.round(ar1(0.3, 3, 301, seed=10), 1)):  # odd n, ties
        for method in ("bulk", "tail", "mean"):
            assert effective_sample_size(x, method=method) == pytest.approx(
                float(az.ess(x, method=method)), rel=1e-8)
        assert split_rhat(x) == pytest.approx(float(az.rhat(x, method="split")), rel=1e-10)
        assert split_rhat(x, method="rank") == pytest.approx(float(az.rhat(x, method="rank")),
                                                             rel=1e-8)


def test_constant_chains():
    assert np.isnan(effective_sample_size(np.ones((2, 10))))
    assert np.isnan(split_rhat(np.ones((2, 10))))
    assert split_rhat(np.array([[1.0] * 10, [2.0] * 10])) == np.inf
    assert np.isnan(autocorrelation(np.ones(5))).all()


def test_autocorrelation_against_direct_products_and_ar1():
    x = np.random.default_rng(4).standard_normal((3, 257))
    acf = autocorrelation(x, max_lag=20)
    assert acf.shape == (3, 21)
    for c in range(3):
        ref = ref_autocov(x[c])
        np.testing.assert_allclose(acf[c], ref[:21] / ref[0], rtol=1e-10, atol=1e-13)
    y = ar1(0.8, 1, 20000, seed=4)[0]
    np.testing.assert_allclose(autocorrelation(y, max_lag=5), 0.8 ** np.arange(6), atol=0.03)
    assert autocorrelation(y).shape == (20000,)


def test_summary_table_and_shapes():
    x = np.random.default_rng(3).normal([0.0, 5.0], [1.0, 2.0], size=(4, 400, 2))
    s = mcmc_summary(x, names=["alpha", "beta"])
    assert isinstance(s, MCMCSummary)
    np.testing.assert_allclose(s.mean, x.reshape(-1, 2).mean(axis=0))
    np.testing.assert_allclose(s.sd, x.reshape(-1, 2).std(axis=0, ddof=1))
    np.testing.assert_allclose(s.quantiles, np.quantile(x.reshape(-1, 2), [0.05, 0.5, 0.95], axis=0).T)
    for i in range(2):
        xi = x[:, :, i]
        assert s.ess_bulk[i] == effective_sample_size(xi)
        assert s.ess_tail[i] == effective_sample_size(xi, method="tail")
        assert s.r_hat[i] == split_rhat(xi)
        assert s.mcse_mean[i] == pytest.approx(
            xi.std(ddof=1) / np.sqrt(effective_sample_size(xi, method="mean")), rel=1e-14)
    text = str(s)
    for word in ("mean", "sd", "q5%", "q95%", "ess_bulk", "r_hat", "alpha", "beta"):
        assert word in text
    assert set(s.to_dict()) >= {"mean", "sd", "q50%", "mcse_mean", "ess_bulk", "ess_tail", "r_hat"}
    # (n_chains, n_draws) and (n_draws,) inputs are one scalar quantity
    assert mcmc_summary(x[:, :, 0]).mean.shape == (1,)
    assert mcmc_summary(x[0, :, 0]).r_hat.shape == (1,)
    short = mcmc_summary(np.ones((2, 3, 1)) + np.arange(3)[None, :, None])
    assert np.isnan(short.ess_bulk[0]) and np.isnan(short.r_hat[0])


def test_result_accessors_and_repr(beta_mh):
    assert isinstance(beta_mh, MCMCResult)
    assert beta_mh.flat.shape == (12000, 1)
    np.testing.assert_array_equal(beta_mh.chain(2), beta_mh.samples[2])
    np.testing.assert_array_equal(beta_mh.chain(-1), beta_mh.samples[3])
    assert (beta_mh.n_chains, beta_mh.n_draws, beta_mh.dim) == (4, 3000, 1)
    assert beta_mh.n_divergent is None and beta_mh.method == "metropolis_hastings"
    text = repr(beta_mh)
    assert "metropolis_hastings" in text and "acceptance_rate" in text and "n_draws=3000" in text
    h = hmc(gauss2_logpdf_vec, np.zeros(2), 5, vectorized=True, rng=0)
    assert "n_divergent" in repr(h) and h.n_divergent.shape == (1,)
    with pytest.raises(ValueError, match="i must be <= 3"):
        beta_mh.chain(4)


# ---------------------------------------------------------------------------
# Show your work
# ---------------------------------------------------------------------------
def test_mh_explain_shows_each_decision_and_is_bit_identical():
    kw = dict(proposal_scale=0.3, burn_in=20, rng=31)
    plain = metropolis_hastings(beta_bernoulli_logpdf, 0.5, 200, **kw)
    with explain(head=100, every=1000) as work:
        rec = metropolis_hastings(beta_bernoulli_logpdf, 0.5, 200, **kw)
    np.testing.assert_array_equal(plain.samples, rec.samples)
    steps = [s for s in work.find("Metropolis step") if s.section == ("Sampling",)]
    assert [s.iteration for s in steps[:100]] == list(range(100))
    for a, b in zip(steps, steps[1:100]):
        lp_x, lp_prop = (beta_bernoulli_logpdf(a.values["x"][0]),
                         beta_bernoulli_logpdf(a.values["proposal"][0]))
        assert a.values["log_alpha"] == pytest.approx(lp_prop - lp_x, abs=1e-12)
        assert bool(a.values["accepted"]) == (np.log(a.values["u"]) < a.values["log_alpha"])
        nxt = a.values["proposal"] if a.values["accepted"] else a.values["x"]
        np.testing.assert_array_equal(b.values["x"], nxt)
    assert steps[0].values["phase"] == "sampling"
    burn = [s for s in work.find("Metropolis step") if s.section == ("Burn-in",)]
    assert len(burn) == 20 and burn[0].values["phase"] == "burn-in"
    result = work.find("Result")[-1]
    assert result.values["acceptance_rate"] == plain.acceptance_rate[0]
    assert "log α" in str(work) and "accepted" in str(work)


def test_explain_iterations_are_bounded():
    with explain(head=3, every=100) as work:
        metropolis_hastings(lambda x: -0.5 * x * x, 0.0, 1000, burn_in=300, rng=0)
    sampling = [s for s in work.find("Metropolis step") if s.section == ("Sampling",)]
    burn = [s for s in work.find("Metropolis step") if s.section == ("Burn-in",)]
    assert len(sampling) == 3 + 9 + 1 and sampling[-1].iteration == 999     # 0-2, 100..900, 999
    assert len(burn) == 3 + 2 + 1 and burn[-1].iteration == 299
    assert work.omitted > 1000


def test_hmc_explain_shows_energy_error_and_decision():
    kw = dict(step_size=0.3, n_leapfrog=5, burn_in=5, rng=4, n_chains=2, vectorized=True)
    plain = hmc(gauss2_logpdf_vec, np.zeros(2), 30, **kw)
    with explain(head=50) as work:
        rec = hmc(gauss2_logpdf_vec, np.zeros(2), 30, **kw)
    np.testing.assert_array_equal(plain.samples, rec.samples)
    steps = [s for s in work.find("HMC step") if s.section == ("Sampling",)]
    assert len(steps) == 30
    for st in steps:
        v = st.values
        dH = v["energy_error"]
        assert v["x"].shape == (2, 2) and dH.shape == (2,)
        np.testing.assert_array_equal(v["accepted"], (np.log(v["u"]) < -dH) & ~v["divergent"])
    assert work.find("Setup")[0].values["gradient"] == "autodiff"
    assert work.find("Result")[-1].values["n_divergent"].tolist() == [0, 0]
    assert "ΔH" in str(work)


def test_summary_and_diagnostics_explain_ess_and_rhat():
    x = ar1(0.5, 2, 200, seed=0)
    with explain() as work:
        s = mcmc_summary(x)
        ess = effective_sample_size(x, method="basic")
        r = split_rhat(x)
    summ = work.find("Posterior summary")[0].values
    assert summ["ess_bulk"][0] == s.ess_bulk[0] and summ["r_hat"][0] == s.r_hat[0]
    assert len(work.find("Posterior summary")) == 1            # inner diagnostics silenced
    e = work.find("Effective sample size")[0].values
    assert e["ess"] == ess and e["tau_hat"] == pytest.approx(x.size / ess)
    assert e["rho_hat"][0] == 1.0
    rh = work.find("Split R-hat")[0].values
    assert rh["r_hat"] == r and np.sqrt(rh["var_plus"] / rh["W"]) == pytest.approx(r)


# ---------------------------------------------------------------------------
# Bad input
# ---------------------------------------------------------------------------
def test_bad_input_messages_name_the_parameter():
    lp = lambda x: -0.5 * x * x
    with pytest.raises(TypeError, match="logpdf must be callable"):
        metropolis_hastings(3.0, 0.0, 10)
    with pytest.raises(TypeError, match="logpdf must be callable"):
        hmc("x", 0.0, 10)
    with pytest.raises(ValueError, match="n_samples must be >= 1, got 0"):
        metropolis_hastings(lp, 0.0, 0)
    with pytest.raises(TypeError, match="n_samples must be an integer"):
        hmc(lp, 0.0, 2.5)
    with pytest.raises(ValueError, match="step_size must be > 0, got 0.0"):
        hmc(lp, 0.0, 10, step_size=0.0)
    with pytest.raises(ValueError, match="n_leapfrog must be >= 1, got 0"):
        hmc(lp, 0.0, 10, n_leapfrog=0)
    with pytest.raises(ValueError, match="proposal_scale must be > 0, got -1.0"):
        metropolis_hastings(lp, 0.0, 10, proposal_scale=-1.0)
    with pytest.raises(ValueError, match="proposal_scale must be > 0 in every dimension"):
        metropolis_hastings(gauss2_logpdf, [0.0, 0.0], 10, proposal_scale=[1.0, 0.0])
    with pytest.raises(ValueError, match="positive definite"):
        metropolis_hastings(gauss2_logpdf, [0.0, 0.0], 10, proposal_scale=[[1.0, 2.0], [2.0, 1.0]])
    with pytest.raises(ValueError, match=r"proposal_scale as a vector .* \(shape \(2,\)\), got shape \(3,\)"):
        metropolis_hastings(gauss2_logpdf, [0.0, 0.0], 10, proposal_scale=[1.0, 1.0, 1.0])
    with pytest.raises(ValueError, match="burn_in must be >= 0"):
        metropolis_hastings(lp, 0.0, 10, burn_in=-1)
    with pytest.raises(ValueError, match="thin must be >= 1"):
        hmc(lp, 0.0, 10, thin=0)
    with pytest.raises(ValueError, match="n_chains must be >= 1"):
        hmc(lp, 0.0, 10, n_chains=0)
    with pytest.raises(ValueError, match=r"x0 of shape \(3, 1\) must be \(n_chains, d\)"):
        metropolis_hastings(lp, np.zeros((3, 1)), 10, n_chains=2)
    with pytest.raises(ValueError, match="burn_in must be > 0"):
        metropolis_hastings(lp, 0.0, 10, adapt=True)
    with pytest.raises(ValueError, match="burn_in must be > 0"):
        hmc(lp, 0.0, 10, adapt_step_size=True)
    with pytest.raises(ValueError, match=r"target_accept must be in \(0, 1\)"):
        hmc(lp, 0.0, 10, target_accept=1.5)
    with pytest.raises(ValueError, match="mass must be > 0"):
        hmc(gauss2_logpdf, [0.0, 0.0], 10, mass=[1.0, -1.0])
    with pytest.raises(TypeError, match="grad_logpdf must be callable"):
        hmc(lp, 0.0, 10, grad_logpdf=1.0)
    with pytest.raises(TypeError, match="proposal must be callable"):
        metropolis_hastings(lp, 0.0, 10, proposal="walk")
    with pytest.raises(ValueError, match="x0 contains NaN"):
        metropolis_hastings(lp, np.nan, 10)


def test_start_outside_support_and_nan_logpdf():
    with pytest.raises(ValueError, match=r"logpdf\(x0\) is -inf at x0 = .*1\.5.*outside the target's support"):
        metropolis_hastings(beta_bernoulli_logpdf, 1.5, 10)
    with pytest.raises(ValueError, match=r"logpdf\(x0\) is -inf"):
        hmc(beta_bernoulli_logpdf, -0.5, 10)
    nan_lp = lambda t: np.log(t) + np.log1p(-t)            # NaN (not -inf) outside (0, 1)
    with np.errstate(invalid="ignore"), pytest.raises(ValueError,
                                                      match=r"logpdf returned nan at the proposed point x = "):
        metropolis_hastings(nan_lp, 0.5, 500, proposal_scale=1.0, rng=0)
    with pytest.raises(ValueError, match="logpdf returned nan at the starting point"):
        metropolis_hastings(lambda x: np.nan, 0.0, 10)


def test_bad_callables_output():
    with pytest.raises(ValueError, match="one value per chain"):
        metropolis_hastings(lambda X: np.zeros(5), np.zeros(2), 5, n_chains=3, vectorized=True)
    with pytest.raises(ValueError, match="single number per point"):
        metropolis_hastings(lambda x: np.zeros(3), np.zeros(2), 5)
    with pytest.raises(ValueError, match="proposal must return an array of shape"):
        metropolis_hastings(lambda x: 0.0, 0.0, 5, proposal=lambda x, rng: np.zeros(3))
    with pytest.raises(TypeError, match="logpdf must return a number, got NoneType"):
        metropolis_hastings(lambda x: None, 0.0, 5)
    with pytest.raises(ValueError, match="grad_logpdf must return the gradient"):
        hmc(gauss2_logpdf, np.zeros(2), 5, grad_logpdf=lambda x: np.zeros(3))


def test_diagnostics_bad_input():
    with pytest.raises(ValueError, match="at least 4 draws per chain, got 3"):
        effective_sample_size([1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match="at least 4 draws per chain"):
        split_rhat(np.ones((2, 3)))
    with pytest.raises(ValueError, match="method must be one of 'bulk', 'tail', 'mean', 'basic'"):
        effective_sample_size(np.ones(10), method="fast")
    with pytest.raises(ValueError, match="method must be one of 'split', 'rank'"):
        split_rhat(np.ones(10), method="folded")
    with pytest.raises(ValueError, match="chains must be 1-D or 2-D"):
        effective_sample_size(np.ones((2, 3, 4)))
    with pytest.raises(ValueError, match="chains contains NaN"):
        split_rhat([1.0, np.nan, 2.0, 3.0])
    with pytest.raises(ValueError, match="max_lag must be <= 4"):
        autocorrelation(np.arange(5.0), max_lag=5)
    with pytest.raises(ValueError, match="quantiles must lie in"):
        mcmc_summary(np.ones((2, 10)), quantiles=[1.5])
    with pytest.raises(ValueError, match="names must have one label per dimension"):
        mcmc_summary(np.ones((2, 10, 2)), names=["a"])
