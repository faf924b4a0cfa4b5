"""Bayes' theorem, discrete updating and conjugate priors.

References: the formulas by hand, the law of total probability, grid posteriors
computed here from scipy.stats densities, and scipy.stats moments and pmfs.
"""
from __future__ import annotations

import math

import numpy as np
import pytest
import scipy.special
import scipy.stats

import mathforml
from mathforml.probability.bayes import (BayesResult, BetaBernoulli, GammaPoisson, NormalNormal,
                                         bayes_theorem, bayes_update)


# ---------------------------------------------------------------------------
# bayes_theorem: the seed's and the worked examples
# ---------------------------------------------------------------------------
def test_smoker_lung_cancer_seed_000():
    # prior P(A) = P(lung cancer) = 0.1, evidence P(B) = P(smoker) = 0.2,
    # likelihood P(B | A) = P(smoker | lung cancer) = 0.8  ->  posterior 0.8 * 0.1 / 0.2
    r = bayes_theorem(0.1, 0.8, evidence=0.2, hypothesis="lung cancer", observation="smoker")
    assert isinstance(r, BayesResult)
    assert r.posterior == pytest.approx(0.4, rel=1e-15)
    assert (r.prior, r.likelihood, r.evidence) == (0.1, 0.8, 0.2)
    assert r.false_positive is None and r.likelihood_complement is None and r.evidence_given
    text = str(r)
    for line in ("A = lung cancer, B = smoker", "prior       P(A)     = 0.1",
                 "likelihood  P(B | A) = 0.8", "evidence    P(B)     = 0.2  (given)",
                 "posterior   P(A | B) = 0.8 * 0.1 / 0.2 = 0.4"):
        assert line in text
    assert float(r) == r.posterior


def test_medical_test_example():
    prevalence, sensitivity, fpr = 0.01, 0.9, 0.09
    evidence = sensitivity * prevalence + fpr * (1 - prevalence)       # 0.009 + 0.0891
    r = bayes_theorem(prevalence, sensitivity, false_positive=fpr)
    assert r.evidence == pytest.approx(0.0981, rel=1e-14)
    assert r.evidence == pytest.approx(evidence, rel=1e-15)
    assert r.posterior == pytest.approx(0.009 / 0.0981, rel=1e-14)
    assert round(r.posterior, 4) == 0.0917
    assert r.false_positive == r.likelihood_complement == 0.09
    assert not r.evidence_given
    assert "0.9 * 0.01 + 0.09 * (1 - 0.01) = 0.0981" in str(r)
    # the same numbers through the evidence route
    r2 = bayes_theorem(prevalence, sensitivity, evidence=evidence)
    assert r2.posterior == pytest.approx(r.posterior, rel=1e-15)


def test_vectorised_sweep_equals_scalar_calls():
    priors = np.linspace(0.0, 1.0, 11)
    r = bayes_theorem(priors, 0.9, false_positive=0.09)
    assert r.posterior.shape == (11,)
    for p, post in zip(priors, r.posterior):
        assert post == bayes_theorem(float(p), 0.9, false_positive=0.09).posterior
    assert r.posterior[0] == 0.0 and r.posterior[-1] == 1.0
    assert np.all(np.diff(r.posterior) > 0)
    # broadcasting likelihoods against priors
    r = bayes_theorem(np.array([[0.1], [0.5]]), np.array([0.2, 0.9]), false_positive=0.3)
    hand = np.array([[0.1 * 0.2 / (0.02 + 0.27), 0.09 / (0.09 + 0.27)],
                     [0.1 / (0.1 + 0.15), 0.45 / (0.45 + 0.15)]])
    np.testing.assert_allclose(r.posterior, hand, rtol=1e-14)
    assert "[" in str(r)                  # arrays print as arrays


def test_edge_cases_stay_in_range():
    assert bayes_theorem(0.2, 0.5, evidence=0.1).posterior == 1.0          # P(B) = P(B and A)
    assert bayes_theorem(0.0, 0.5, evidence=0.3).posterior == 0.0
    assert bayes_theorem(1.0, 0.3, evidence=0.3).posterior == 1.0
    assert bayes_theorem(0.3, 0.1, evidence=0.1 * 0.3 + 0.7).posterior == pytest.approx(
        0.03 / 0.73, rel=1e-15)                                            # P(B | not A) = 1


@pytest.mark.parametrize("kwargs, match", [
    (dict(), r"exactly one of evidence .* false_positive"),
    (dict(evidence=0.2, false_positive=0.1), r"exactly one of evidence .* false_positive"),
    (dict(prior=1.2, evidence=0.5), r"prior must be a probability in \[0, 1\], got 1\.2"),
    (dict(prior=-0.1, evidence=0.5), r"prior must be a probability .* -0\.1"),
    (dict(likelihood=2.0, evidence=0.5), r"likelihood must be a probability .* 2\.0"),
    (dict(evidence=1.5), r"evidence must be a probability .* 1\.5"),
    (dict(false_positive=-1.0), r"false_positive must be a probability .* -1\.0"),
    (dict(prior=np.nan, evidence=0.5), r"prior must be a probability .* nan"),
    (dict(evidence=0.0), r"evidence P\(B\) is 0"),
    (dict(likelihood=0.0, false_positive=0.0), r"evidence P\(B\) is 0"),
    (dict(prior=0.5, likelihood=0.9, evidence=0.1),
     r"inconsistent inputs: likelihood \* prior = P\(B and A\) = 0\.45 exceeds the evidence "
     r"P\(B\) = 0\.1, which would give a posterior 4\.5 > 1"),
    (dict(prior=0.9, likelihood=0.1, evidence=0.5), r"inconsistent .* P\(B \| not A\) > 1"),
    (dict(prior=np.array([0.1, 0.5]), likelihood=0.9, evidence=0.3), r"posterior 1\.5 > 1"),
])
def test_bad_input(kwargs, match):
    args = {"prior": 0.3, "likelihood": 0.5, **kwargs}
    with pytest.raises(ValueError, match=match):
        bayes_theorem(args.pop("prior"), args.pop("likelihood"), **args)


def test_type_errors():
    with pytest.raises(TypeError, match="prior must be a probability"):
        bayes_theorem("0.1", 0.5, evidence=0.3)
    with pytest.raises(TypeError, match="likelihood"):
        bayes_theorem(0.1, None, evidence=0.3)


def test_bayes_explains_every_term():
    plain = bayes_theorem(0.01, 0.9, false_positive=0.09)
    with mathforml.explain() as work:
        r = bayes_theorem(0.01, 0.9, false_positive=0.09)
    assert r == plain                                            # bit-identical
    assert [s.title for s in work.steps] == ["Prior", "Likelihood",
                                             "Evidence by the law of total probability",
                                             "Posterior"]
    assert work.values("prior") == [0.01]
    assert work.values("likelihood") == [0.9]
    ev = work.find("Evidence")[0]
    assert ev.values["joint"] == pytest.approx(0.009, rel=1e-15)
    assert ev.values["joint_complement"] == pytest.approx(0.0891, rel=1e-15)
    assert ev.values["evidence"] == pytest.approx(0.0981, rel=1e-15)
    assert "P(B | not A) (1 - P(A))" in ev.formula
    post = work.find("Posterior")[0]
    assert post.formula == "P(A | B) = P(B | A) P(A) / P(B)"
    assert post.values["posterior"] == r.posterior


def test_bayes_with_evidence_explains_the_implied_complement():
    with mathforml.explain() as work:
        bayes_theorem(0.1, 0.8, evidence=0.2)
    ev = work.find("Evidence (given)")[0]
    assert ev.values["evidence"] == 0.2
    # P(B | not A) = (0.2 - 0.08) / 0.9
    assert ev.values["implied_false_positive"] == pytest.approx(0.12 / 0.9, rel=1e-14)


# ---------------------------------------------------------------------------
# bayes_update
# ---------------------------------------------------------------------------
def test_bayes_update_by_hand():
    post = bayes_update([0.5, 0.5], [0.5, 0.9])
    np.testing.assert_allclose(post, [0.25 / 0.7, 0.45 / 0.7], rtol=1e-15)
    post, ev = bayes_update([0.2, 0.3, 0.5], [0.1, 0.0, 0.4], return_evidence=True)
    assert ev == pytest.approx(0.02 + 0.2, rel=1e-15)
    np.testing.assert_allclose(post, [0.02 / 0.22, 0.0, 0.2 / 0.22], rtol=1e-15)


def test_bayes_update_sequential_equals_product_and_agrees_with_bayes_theorem():
    rng = np.random.default_rng(0)
    prior = rng.dirichlet(np.ones(5))
    L = rng.random((8, 5))
    seq, ev = bayes_update(prior, L, return_evidence=True)
    joint = prior * L.prod(axis=0)
    np.testing.assert_allclose(seq, joint / joint.sum(), rtol=1e-13)
    assert ev == pytest.approx(joint.sum(), rel=1e-13)
    # two hypotheses A / not A: the binary theorem
    post = bayes_update([0.01, 0.99], [0.9, 0.09])
    assert post[0] == pytest.approx(bayes_theorem(0.01, 0.9, false_positive=0.09).posterior,
                                    rel=1e-14)


def test_bayes_update_in_log_space_survives_underflow():
    # 2000 observations with likelihoods around e^-3 each: products underflow to 0 in linear space
    rng = np.random.default_rng(1)
    log_L = -3.0 + 0.01 * rng.standard_normal((2000, 3))
    post, log_ev = bayes_update([0.2, 0.3, 0.5], log_L, log_likelihoods=True, return_evidence=True)
    s = np.log([0.2, 0.3, 0.5]) + log_L.sum(axis=0)
    expected = np.exp(s - scipy.special.logsumexp(s))
    np.testing.assert_allclose(post, expected, rtol=1e-9)
    assert log_ev == pytest.approx(scipy.special.logsumexp(s), rel=1e-12)
    assert np.all(np.isfinite(post)) and post.sum() == pytest.approx(1.0, rel=1e-14)
    # -inf log-likelihood rules a hypothesis out
    post = bayes_update([0.5, 0.5], [-np.inf, -1000.0], log_likelihoods=True)
    np.testing.assert_array_equal(post, [0.0, 1.0])


@pytest.mark.parametrize("args, kwargs, match", [
    (([0.5, 0.6], [0.1, 0.1]), {}, r"prior_probs must sum to 1, got sum 1\.1"),
    (([1.5, -0.5], [0.1, 0.1]), {}, r"prior_probs must be non-negative"),
    (([], []), {}, r"prior_probs must hold at least one"),
    (([0.5, 0.5], [0.1, 0.2, 0.3]), {}, r"likelihoods must have 2 entries .* shape \(3,\)"),
    (([0.5, 0.5], [0.1, -0.2]), {}, r"likelihoods must be non-negative"),
    (([0.5, 0.5], [0.0, 0.0]), {}, r"the evidence is 0"),
    (([1.0, 0.0], [0.0, 0.7]), {}, r"the evidence is 0"),
    (([0.5, 0.5], [np.nan, 0.0]), {"log_likelihoods": True}, r"must not be NaN"),
    (([0.5, 0.5], np.ones((2, 2, 2))), {}, r"likelihoods must be 1-D or 2-D"),
])
def test_bayes_update_bad_input(args, kwargs, match):
    with pytest.raises(ValueError, match=match):
        bayes_update(*args, **kwargs)


def test_bayes_update_explains_each_observation():
    with mathforml.explain() as work:
        post = bayes_update([0.5, 0.5], [[0.5, 0.9], [0.5, 0.1]])
    ups = work.find("Update")
    assert [s.iteration for s in ups] == [0, 1]
    np.testing.assert_allclose(ups[0].values["joint"], [0.25, 0.45], rtol=1e-15)
    assert ups[0].values["evidence"] == pytest.approx(0.7, rel=1e-15)
    np.testing.assert_allclose(ups[1].values["posterior"], post, rtol=1e-15)
    np.testing.assert_array_equal(post, bayes_update([0.5, 0.5], [[0.5, 0.9], [0.5, 0.1]]))


# ---------------------------------------------------------------------------
# conjugate priors: hyper-parameter arithmetic
# ---------------------------------------------------------------------------
def test_beta_bernoulli_update_formulas():
    m = BetaBernoulli(2.0, 3.0).update([1, 0, 1, 1])
    assert (m.a, m.b, m.n, m.successes) == (5.0, 4.0, 4, 3)
    assert m.mean() == 5.0 / 9.0
    assert m.prior_params == {"a": 2.0, "b": 3.0}
    assert m.params == {"a": 5.0, "b": 4.0}
    assert BetaBernoulli().update(np.array([True, False])).params == {"a": 2.0, "b": 2.0}
    assert BetaBernoulli(2, 3).update([]) == BetaBernoulli(2, 3)
    assert "posterior Beta(a=5, b=4)" in str(m) and "3 successes" in str(m)
    assert repr(m) == "BetaBernoulli(a=5, b=4; n=4)"


def test_normal_normal_update_formulas():
    mu0, tau0, sigma = 1.0, 2.0, 0.5
    x = np.array([0.3, 1.7, 2.2, 0.9])
    m = NormalNormal(mu0, tau0, sigma).update(x)
    prec = 1 / tau0 ** 2 + len(x) / sigma ** 2
    assert m.tau == pytest.approx(math.sqrt(1 / prec), rel=1e-15)
    assert m.mu == pytest.approx((mu0 / tau0 ** 2 + x.sum() / sigma ** 2) / prec, rel=1e-15)
    assert m.sigma == sigma and m.n == 4 and m.sum_x == pytest.approx(5.1, rel=1e-15)
    assert m.mean() == m.mu
    assert m.prior_params == {"mu0": 1.0, "tau0": 2.0}
    # a vague prior gives the sample mean with standard error sigma / sqrt(n)
    v = NormalNormal(0.0, 1e8, sigma).update(x)
    assert v.mu == pytest.approx(x.mean(), rel=1e-12)
    assert v.tau == pytest.approx(sigma / 2, rel=1e-12)


def test_gamma_poisson_update_formulas():
    m = GammaPoisson(2.0, 0.5).update([[3, 0], [4, 1]])
    assert (m.shape, m.rate, m.n, m.total) == (10.0, 4.5, 4, 8)
    assert m.mean() == 10.0 / 4.5
    assert m.prior_params == {"shape": 2.0, "rate": 0.5}


@pytest.mark.parametrize("make, data", [
    (lambda: BetaBernoulli(0.5, 2.0), np.random.default_rng(2).integers(0, 2, 37)),
    (lambda: NormalNormal(-1.0, 3.0, 1.5), np.random.default_rng(3).normal(2.0, 1.5, 41)),
    (lambda: GammaPoisson(3.0, 2.0), np.random.default_rng(4).poisson(4.0, 29)),
])
def test_sequential_updating_equals_batch_updating(make, data):
    batch = make().update(data)
    seq = make()
    for chunk in np.array_split(data, [5, 6, 20]):
        seq = seq.update(chunk)
    one_by_one = make()
    for xi in data:
        one_by_one = one_by_one.update([xi])
    for other in (seq, one_by_one):
        assert other.n == batch.n and other.prior_params == batch.prior_params
        for k, v in batch.params.items():
            assert other.params[k] == pytest.approx(v, rel=1e-13)


def test_update_returns_a_new_object():
    m = BetaBernoulli()
    m2 = m.update([1, 1])
    assert m.params == {"a": 1.0, "b": 1.0} and m.n == 0
    assert m2 is not m and m2.params == {"a": 3.0, "b": 1.0}


@pytest.mark.parametrize("call, exc, match", [
    (lambda: BetaBernoulli(0.0, 1.0), ValueError, r"a must be > 0, got 0\.0"),
    (lambda: BetaBernoulli(1.0, -2.0), ValueError, r"b must be > 0, got -2\.0"),
    (lambda: BetaBernoulli("1", 1.0), TypeError, r"a must be a real number"),
    (lambda: BetaBernoulli().update([0, 1, 2]), ValueError, r"only 0 and 1 .* got 2\.0"),
    (lambda: BetaBernoulli().update([0, np.nan]), ValueError, r"data contains NaN"),
    (lambda: NormalNormal(0.0, 0.0, 1.0), ValueError, r"tau0 must be > 0"),
    (lambda: NormalNormal(0.0, 1.0, -1.0), ValueError, r"sigma must be > 0"),
    (lambda: NormalNormal(np.inf, 1.0, 1.0), ValueError, r"mu0 must be finite"),
    (lambda: NormalNormal(0.0, 1.0, 1.0).update("abc"), TypeError, r"data must be numeric"),
    (lambda: GammaPoisson(0.0, 1.0), ValueError, r"shape must be > 0"),
    (lambda: GammaPoisson(1.0, -1.0), ValueError, r"rate must be > 0"),
    (lambda: GammaPoisson(1.0, 1.0).update([1, -1]), ValueError, r"non-negative integer .* -1\.0"),
    (lambda: GammaPoisson(1.0, 1.0).update([1.5]), ValueError, r"non-negative integer .* 1\.5"),
])
def test_conjugate_bad_input(call, exc, match):
    with pytest.raises(exc, match=match):
        call()


def test_conjugate_updates_explain_sufficient_statistics_and_formulas():
    with mathforml.explain() as work:
        m = BetaBernoulli(2.0, 3.0).update([1, 0, 1, 1])
    assert work.find("Sufficient statistics")[0].values == {"n": 4, "s": 3}
    hp = work.find("Posterior hyper-parameters")[0]
    assert hp.formula == "a' = a + s,  b' = b + n - s"
    assert (hp.values["a_post"], hp.values["b_post"]) == (5.0, 4.0)
    assert m == BetaBernoulli(2.0, 3.0).update([1, 0, 1, 1])

    with mathforml.explain() as work:
        m = NormalNormal(0.0, 1.0, 1.0).update([1.0, 2.0, 3.0])
    assert work.find("Sufficient statistics")[0].values["sum_x"] == 6.0
    prec = work.find("Posterior precision")[0]
    assert (prec.values["precision"], prec.values["tau_n"]) == (4.0, 0.5)
    assert work.find("Posterior mean")[0].values["mu_n"] == 1.5
    assert (m.mu, m.tau) == (1.5, 0.5)

    with mathforml.explain() as work:
        GammaPoisson(2.0, 1.0).update([3, 5, 4])
    assert work.find("Sufficient statistics")[0].values == {"n": 3, "total": 12}
    hp = work.find("Posterior hyper-parameters")[0]
    assert (hp.values["shape_post"], hp.values["rate_post"]) == (14.0, 4.0)


# ---------------------------------------------------------------------------
# conjugate posteriors against a grid posterior computed here
# ---------------------------------------------------------------------------
def _grid_moments(grid, log_post):
    w = np.exp(log_post - log_post.max())
    w /= w.sum()
    mean = np.sum(w * grid)
    return mean, np.sum(w * (grid - mean) ** 2), w


def test_beta_bernoulli_posterior_matches_a_grid_posterior():
    a0, b0 = 2.0, 5.0
    x = np.random.default_rng(5).binomial(1, 0.35, size=60)
    theta = (np.arange(200_000) + 0.5) / 200_000
    s, n = x.sum(), x.size
    log_post = (scipy.stats.beta(a0, b0).logpdf(theta) + s * np.log(theta)
                + (n - s) * np.log1p(-theta))
    mean, var, w = _grid_moments(theta, log_post)
    m = BetaBernoulli(a0, b0).update(x)
    assert m.mean() == pytest.approx(mean, rel=1e-8)
    post = m.posterior
    assert post.mean() == pytest.approx(mean, rel=1e-8)
    assert post.var() == pytest.approx(var, rel=1e-6)
    # predictive P(x_new = 1 | data) = E[theta | data]
    pred = m.posterior_predictive()
    assert pred.pmf(1) == pytest.approx(np.sum(w * theta), rel=1e-8)
    assert pred.mean() == pytest.approx(m.mean(), rel=1e-15)
    assert pred.var() == pytest.approx(m.mean() * (1 - m.mean()), rel=1e-14)
    assert m.prior.mean() == pytest.approx(a0 / (a0 + b0), rel=1e-15)
    ref = scipy.stats.beta(m.a, m.b)
    assert post.var() == pytest.approx(ref.var(), rel=1e-13)


def test_normal_normal_posterior_matches_a_grid_posterior():
    mu0, tau0, sigma = 0.5, 2.0, 1.3
    x = np.random.default_rng(6).normal(1.8, sigma, size=25)
    mu = np.linspace(-10.0, 10.0, 40_001)
    # Σ_i log N(x_i | mu, sigma) up to a constant: -(n mu² - 2 mu Σx) / (2 sigma²)
    log_lik = -(x.size * mu ** 2 - 2 * mu * x.sum()) / (2 * sigma ** 2)
    log_post = scipy.stats.norm(mu0, tau0).logpdf(mu) + log_lik
    mean, var, w = _grid_moments(mu, log_post)
    m = NormalNormal(mu0, tau0, sigma).update(x)
    assert m.mu == pytest.approx(mean, rel=1e-9)
    assert m.tau ** 2 == pytest.approx(var, rel=1e-7)
    assert m.posterior.mean() == pytest.approx(mean, rel=1e-9)
    assert m.posterior.std() == pytest.approx(m.tau, rel=1e-15)
    assert m.prior.mean() == mu0 and m.prior.std() == tau0
    pred = m.posterior_predictive()
    # predictive mean E[mu], variance sigma^2 + Var[mu | data]
    assert pred.mean() == pytest.approx(mean, rel=1e-9)
    assert pred.var() == pytest.approx(sigma ** 2 + var, rel=1e-7)
    # predictive density at a point = ∫ N(x | mu, sigma) p(mu | data) dmu
    x_new = 2.4
    assert pred.pdf(x_new) == pytest.approx(np.sum(w * scipy.stats.norm.pdf(x_new, mu, sigma)),
                                            rel=1e-8)


def test_gamma_poisson_posterior_matches_a_grid_posterior():
    shape0, rate0 = 2.0, 0.5
    x = np.random.default_rng(7).poisson(3.2, size=30)
    lam = np.linspace(1e-6, 20.0, 100_001)
    log_post = (scipy.stats.gamma(shape0, scale=1 / rate0).logpdf(lam)
                + x.sum() * np.log(lam) - x.size * lam)
    mean, var, w = _grid_moments(lam, log_post)
    m = GammaPoisson(shape0, rate0).update(x)
    assert m.mean() == pytest.approx(mean, rel=1e-9)
    assert m.posterior.mean() == pytest.approx(mean, rel=1e-9)
    assert m.posterior.var() == pytest.approx(var, rel=1e-7)
    assert m.prior.mean() == pytest.approx(shape0 / rate0, rel=1e-15)
    pred = m.posterior_predictive()
    # mixture of Poissons over the grid vs the negative binomial
    ks = np.arange(0, 15)
    mix = np.array([np.sum(w * scipy.stats.poisson.pmf(k, lam)) for k in ks])
    np.testing.assert_allclose(pred.pmf(ks), mix, rtol=1e-7)
    ref = scipy.stats.nbinom(m.shape, m.rate / (m.rate + 1))
    np.testing.assert_allclose(pred.pmf(ks), ref.pmf(ks), rtol=1e-12)
    assert pred.mean() == pytest.approx(m.shape / m.rate, rel=1e-13)
    assert pred.var() == pytest.approx(m.shape * (m.rate + 1) / m.rate ** 2, rel=1e-13)


def test_posterior_predictive_explains_itself():
    m = GammaPoisson(2.0, 1.0).update([3, 5, 4])
    with mathforml.explain() as work:
        m.posterior_predictive()
    s = work.find("Posterior predictive")[0]
    assert (s.values["r"], s.values["p"]) == (14.0, 0.8)
    assert s.values["var"] == pytest.approx(14.0 * 5.0 / 16.0, rel=1e-15)
    with mathforml.explain() as work:
        NormalNormal(0.0, 1.0, 1.0).update([1.0, 2.0, 3.0]).posterior_predictive()
    assert work.find("Posterior predictive")[0].values["scale"] == pytest.approx(
        math.sqrt(1.25), rel=1e-15)
