"""Tests for mathforml.probability.sampling (inverse transform, Box-Muller, rejection)."""
import math
import warnings

import numpy as np
import pytest
import scipy.special as sc
import scipy.stats as st

from mathforml.exceptions import ConvergenceWarning
from mathforml.explain import explain
from mathforml.probability.distributions.normal import MultivariateNormal, Normal
from mathforml.probability.distributions.simple import Exponential, Uniform
from mathforml.probability.sampling import (box_muller, box_muller_transform,
                                            inverse_transform_sample, rejection_sample)

KS_ALPHA = 1e-3     # fixed seeds: these p-values are deterministic


# ---------------------------------------------------------------------------
# Inverse transform
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("dist, ref", [
    (Normal(1.0, 2.0), st.norm(1.0, 2.0)),
    (Exponential(0.5), st.expon(scale=2.0)),
    (Uniform(-1.0, 3.0), st.uniform(-1.0, 4.0)),
])
@pytest.mark.parametrize("seed", [0, 1])
def test_inverse_transform_passes_ks(dist, ref, seed):
    x = inverse_transform_sample(dist, 20_000, rng=seed)
    assert x.shape == (20_000,)
    assert st.kstest(x, ref.cdf).pvalue > KS_ALPHA


def test_inverse_transform_matches_formulas_on_the_same_uniforms():
    u = np.random.default_rng(3).random(1000)
    x = inverse_transform_sample(Exponential(2.0), 1000, rng=3)
    np.testing.assert_allclose(x, -np.log1p(-u) / 2.0, rtol=1e-15)
    z = inverse_transform_sample(Normal(1.0, 2.0), 1000, rng=3)
    np.testing.assert_allclose(z, 1.0 + 2.0 * sc.ndtri(u), rtol=1e-14, atol=1e-14)
    y = inverse_transform_sample(Uniform(2.0, 6.0), 1000, rng=3)
    np.testing.assert_allclose(y, 2.0 + 4.0 * u, rtol=1e-15)


def test_inverse_transform_hand_values():
    # the exponential ppf at u = 1 - e^-1 is exactly one mean
    d = Exponential(0.25)
    assert d.ppf(1 - math.exp(-1.0)) == pytest.approx(4.0, rel=1e-15)
    assert inverse_transform_sample(Uniform(0.0, 10.0), rng=5) == pytest.approx(
        10 * np.random.default_rng(5).random(), rel=1e-15)


def test_inverse_transform_batch_and_scalar():
    d = Normal(np.array([0.0, 100.0]), np.array([1.0, 0.1]))
    x = inverse_transform_sample(d, (3000, 2), rng=0)
    assert x.shape == (3000, 2)
    assert (np.abs(x.mean(axis=0) - [0.0, 100.0]) <= 5 * np.array([1.0, 0.1]) / math.sqrt(3000)).all()
    assert inverse_transform_sample(d, rng=0).shape == (2,)
    assert type(inverse_transform_sample(Normal(), rng=0)) is float


def test_inverse_transform_explains():
    with explain() as work:
        x = inverse_transform_sample(Exponential(2.0), 50, rng=9)
    u = np.random.default_rng(9).random(50)
    (s1,) = work.find("Uniforms")
    assert s1.values["n"] == 50
    np.testing.assert_array_equal(s1.values["U"], u[:5])
    (s2,) = work.find("Inverse transform")
    np.testing.assert_array_equal(s2.values["X"], x[:5])
    assert "Exponential" in s2.values["distribution"]
    np.testing.assert_array_equal(x, inverse_transform_sample(Exponential(2.0), 50, rng=9))


def test_inverse_transform_bad_input():
    with pytest.raises(TypeError, match="Distribution"):
        inverse_transform_sample(st.norm(), 10)
    with pytest.raises(NotImplementedError, match="quantile"):
        inverse_transform_sample(MultivariateNormal([0.0], [[1.0]]), 3)
    with pytest.raises(ValueError, match="size must not be negative"):
        inverse_transform_sample(Normal(), -1)


# ---------------------------------------------------------------------------
# Box-Muller
# ---------------------------------------------------------------------------
def test_box_muller_transform_hand_values():
    z0, z1 = box_muller_transform(math.exp(-2.0), 0.0)          # R = 2, theta = 0
    assert z0 == pytest.approx(2.0, rel=1e-15) and z1 == 0.0
    z0, z1 = box_muller_transform(math.exp(-0.5), 0.125)        # R = 1, theta = pi/4
    assert z0 == pytest.approx(math.sqrt(0.5), rel=1e-15)
    assert z1 == pytest.approx(math.sqrt(0.5), rel=1e-15)
    z0, z1 = box_muller_transform(1.0, 0.3)                      # R = 0
    assert z0 == 0.0 and z1 == 0.0
    z0, z1 = box_muller_transform([math.exp(-8.0), math.exp(-2.0)], [0.5, 0.75])
    np.testing.assert_allclose(z0, [-4.0, 0.0], atol=1e-15)
    np.testing.assert_allclose(z1, [0.0, -2.0], atol=1e-15)


def test_box_muller_transform_bad_uniforms():
    with pytest.raises(ValueError, match=r"u1 must be in \(0, 1\].*got 0.0"):
        box_muller_transform(0.0, 0.5)
    with pytest.raises(ValueError, match=r"u1 must be in \(0, 1\].*got 1.5"):
        box_muller_transform([0.5, 1.5], 0.5)
    with pytest.raises(ValueError, match=r"u2 must be in \[0, 1\], got -0.25"):
        box_muller_transform(0.5, [0.1, -0.25])


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_box_muller_is_standard_normal(seed):
    n = 40_000
    z = box_muller(n, rng=seed)
    assert z.shape == (n,)
    assert st.kstest(z, st.norm.cdf).pvalue > KS_ALPHA
    assert abs(z.mean()) <= 5 / math.sqrt(n)
    assert abs(z.var() - 1.0) <= 5 * math.sqrt(2 / n)
    # the two outputs of a pair are independent (uncorrelated; R^2 and theta separate)
    pairs = z.reshape(-1, 2)
    assert abs(np.corrcoef(pairs.T)[0, 1]) <= 5 / math.sqrt(n / 2)
    assert st.kstest(pairs[:, 0] ** 2 + pairs[:, 1] ** 2, st.expon(scale=2).cdf).pvalue > KS_ALPHA


def test_box_muller_matches_formulas_on_the_same_uniforms():
    z = box_muller(7, rng=4)                      # odd: 4 pairs, the last sine dropped
    g = np.random.default_rng(4)
    u1, u2 = 1.0 - g.random(4), g.random(4)
    R, theta = np.sqrt(-2 * np.log(u1)), 2 * np.pi * u2
    want = np.column_stack([R * np.cos(theta), R * np.sin(theta)]).ravel()[:7]
    np.testing.assert_allclose(z, want, rtol=1e-15, atol=1e-16)
    z0, z1 = box_muller_transform(u1, u2)
    np.testing.assert_array_equal(z[0::2], z0)
    np.testing.assert_array_equal(z[1::2], z1[:3])


def test_box_muller_shapes():
    assert type(box_muller(None, rng=0)) is float
    assert box_muller((3, 5), rng=0).shape == (3, 5)
    assert box_muller(0, rng=0).shape == (0,)
    with pytest.raises(TypeError, match="size"):
        box_muller(2.5)
    with pytest.raises(TypeError, match="random_state"):
        box_muller(3, rng="seed")


def test_box_muller_explains():
    with explain() as work:
        z = box_muller(6, rng=2)
    g = np.random.default_rng(2)
    u1, u2 = 1.0 - g.random(3), g.random(3)
    (s,) = work.find("Uniforms")
    assert s.values["pairs"] == 3
    np.testing.assert_array_equal(s.values["U1"], u1)
    np.testing.assert_array_equal(s.values["U2"], u2)
    (p,) = work.find("Polar")
    np.testing.assert_allclose(p.values["R"], np.sqrt(-2 * np.log(u1)), rtol=1e-15)
    np.testing.assert_allclose(p.values["theta"], 2 * np.pi * u2, rtol=1e-15)
    (o,) = work.find("Normals")
    np.testing.assert_array_equal(o.values["Z"], z[:5])
    np.testing.assert_array_equal(z, box_muller(6, rng=2))


# ---------------------------------------------------------------------------
# Rejection sampling
# ---------------------------------------------------------------------------
def log_beta22(x):
    with np.errstate(divide="ignore"):
        return np.log(6.0 * x * (1.0 - x))


def test_rejection_beta22_passes_ks_and_acceptance_is_one_over_m():
    with explain() as work:
        x = rejection_sample(log_beta22, Uniform(), math.log(1.5), 20_000, rng=3)
    assert x.shape == (20_000,)
    assert st.kstest(x, st.beta(2, 2).cdf).pvalue > KS_ALPHA
    (res,) = work.find("Result")
    rate, n = res.values["acceptance_rate"], res.values["proposed"]
    assert abs(rate - 1 / 1.5) <= 5 * math.sqrt((1 / 1.5) * (1 - 1 / 1.5) / n)
    assert res.values["accepted"] >= 20_000
    rounds = work.find("Round")
    assert rounds and rounds[0].values["proposed"] >= rounds[0].values["accepted"]
    np.testing.assert_array_equal(x, rejection_sample(log_beta22, Uniform(), math.log(1.5),
                                                      20_000, rng=3))


def test_rejection_half_normal_from_exponential():
    # f = half-normal sqrt(2/pi) exp(-x^2/2) under M g, g = Exponential(1), M = sqrt(2e/pi)
    def logf(x):
        return 0.5 * math.log(2 / math.pi) - 0.5 * x * x
    x = rejection_sample(logf, Exponential(1.0), 0.5 * math.log(2 * math.e / math.pi), (100, 50),
                         rng=0)
    assert x.shape == (100, 50)
    assert st.kstest(x.ravel(), st.halfnorm.cdf).pvalue > KS_ALPHA


def test_rejection_matches_the_accept_rule_by_hand():
    # one round, replayed: proposals from g, then the uniforms, same generator
    x = rejection_sample(log_beta22, Uniform(), math.log(1.5), 10, rng=12)
    g = np.random.default_rng(12)
    cand = g.random(64)                              # the first batch has 64 proposals
    u = g.random(64)
    keep = cand[np.log(u) <= log_beta22(cand) - math.log(1.5)]
    np.testing.assert_array_equal(x, keep[:10])


def test_rejection_bad_envelope_and_inputs():
    with pytest.raises(ValueError, match="not an envelope"):
        rejection_sample(log_beta22, Uniform(), math.log(1.2), 100, rng=0)
    with pytest.raises(TypeError, match="callable"):
        rejection_sample(3.0, Uniform(), 0.0, 10)
    with pytest.raises(TypeError, match="Distribution"):
        rejection_sample(log_beta22, st.uniform(), 0.0, 10)
    with pytest.raises(ValueError, match="log_m must be a finite"):
        rejection_sample(log_beta22, Uniform(), np.inf, 10)
    with pytest.raises(ValueError, match="single distribution"):
        rejection_sample(log_beta22, Uniform([0.0, 0.0], 1.0), 1.0, 10)
    with pytest.raises(ValueError, match="one value per point"):
        rejection_sample(lambda x: 0.0, Uniform(), 1.0, 10)


def test_rejection_warns_when_rounds_run_out():
    def tiny(x):                     # accepts with probability e^-12 per proposal
        return np.full_like(x, -12.0)
    with pytest.warns(ConvergenceWarning, match="max_rounds=2"):
        x = rejection_sample(tiny, Uniform(), 0.0, 5, rng=0, max_rounds=2)
    assert x.ndim == 1 and x.size < 5
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        rejection_sample(log_beta22, Uniform(), math.log(1.5), 5, rng=0)
