"""Information theory: entropy, cross-entropy, KL, Jensen-Shannon, mutual information.

References: scipy.stats.entropy, scipy.spatial.distance.jensenshannon,
sklearn.metrics.mutual_info_score, scipy.integrate.quad (Normal KL),
numpy.linalg (the MVN KL formula), mpmath (KL for nearly equal p and q).
"""
from __future__ import annotations

import math

import mpmath
import numpy as np
import pytest
import scipy.integrate
import scipy.spatial.distance
import scipy.stats
from sklearn.metrics import mutual_info_score

import mathforml
from mathforml.probability.distributions.normal import MultivariateNormal, Normal
from mathforml.probability.information import (conditional_entropy, cross_entropy, entropy,
                                                jensen_shannon, jensen_shannon_distance,
                                                joint_entropy, kl_divergence,
                                                mutual_information)

RNG = np.random.default_rng(20240404)


def dirichlet(k, size=None, zeros=0, rng=RNG):
    """Random probability vectors, optionally with some exact zeros."""
    p = rng.dirichlet(np.ones(k), size=size)
    if zeros:
        p[..., :zeros] = 0.0
        p = p / p.sum(axis=-1, keepdims=True)
    return p


# ---------------------------------------------------------------------------
# entropy
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("k", [1, 2, 3, 10, 257])
@pytest.mark.parametrize("base", [None, 2, 10, 3.5])
def test_entropy_matches_scipy(k, base):
    for zeros in (0, k // 3):
        p = dirichlet(k, zeros=zeros)
        assert entropy(p, base=base) == pytest.approx(scipy.stats.entropy(p, base=base),
                                                      rel=1e-13, abs=1e-15)


def test_entropy_along_an_axis_matches_scipy():
    P = dirichlet(5, size=7)              # rows are distributions
    np.testing.assert_allclose(entropy(P), scipy.stats.entropy(P, axis=1), rtol=1e-13)
    np.testing.assert_allclose(entropy(P.T, axis=0, base=2),
                               scipy.stats.entropy(P.T, axis=0, base=2), rtol=1e-13)
    assert entropy(P).shape == (7,)


def test_entropy_hand_values():
    assert entropy([0.5, 0.5], base=2) == 1.0                       # a fair coin: one bit
    assert entropy([0.25] * 4, base=2) == pytest.approx(2.0, rel=1e-15)
    assert entropy(np.full(6, 1 / 6)) == pytest.approx(math.log(6), rel=1e-15)
    assert entropy([1.0, 0.0, 0.0]) == 0.0                          # 0 log 0 = 0
    # -0.9 ln 0.9 - 0.1 ln 0.1
    assert entropy([0.9, 0.1]) == pytest.approx(-0.9 * math.log(0.9) - 0.1 * math.log(0.1),
                                                rel=1e-15)


def test_entropy_of_distribution_objects_is_differential_entropy_in_the_base():
    d = Normal(1.0, 3.0)
    h = 0.5 * math.log(2 * math.pi * math.e * 9.0)
    assert entropy(d) == pytest.approx(h, rel=1e-14)
    assert entropy(d, base=2) == pytest.approx(h / math.log(2), rel=1e-14)
    assert entropy(d) == pytest.approx(scipy.stats.norm(1.0, 3.0).entropy(), rel=1e-14)
    S = np.array([[2.0, 0.3, 0.1], [0.3, 1.0, -0.2], [0.1, -0.2, 0.5]])
    mvn = MultivariateNormal([0.0, 1.0, 2.0], S)
    ref = scipy.stats.multivariate_normal([0.0, 1.0, 2.0], S).entropy()
    assert entropy(mvn) == pytest.approx(ref, rel=1e-13)
    assert entropy(mvn, base=10) == pytest.approx(ref / math.log(10), rel=1e-13)
    batch = Normal([0.0, 0.0], [1.0, 2.0])
    np.testing.assert_allclose(entropy(batch),
                               0.5 * np.log(2 * np.pi * np.e * np.array([1.0, 4.0])),
                               rtol=1e-14)


# ---------------------------------------------------------------------------
# KL divergence and cross-entropy (discrete)
# ---------------------------------------------------------------------------
def test_kl_issue_value():
    # 0.5 ln(0.5/0.9) + 0.5 ln(0.5/0.1) = 0.5108256...
    expected = 0.5 * math.log(0.5 / 0.9) + 0.5 * math.log(0.5 / 0.1)
    assert kl_divergence([0.5, 0.5], [0.9, 0.1]) == pytest.approx(expected, rel=1e-15)
    assert round(kl_divergence([0.5, 0.5], [0.9, 0.1]), 4) == 0.5108
    assert kl_divergence([0.5, 0.5], [0.9, 0.1], base=2) == pytest.approx(
        expected / math.log(2), rel=1e-15)


@pytest.mark.parametrize("k", [2, 3, 10, 100])
@pytest.mark.parametrize("base", [None, 2])
def test_kl_matches_scipy(k, base):
    for _ in range(5):
        p, q = dirichlet(k), dirichlet(k)
        assert kl_divergence(p, q, base=base) == pytest.approx(
            scipy.stats.entropy(p, q, base=base), rel=1e-12)
    p = dirichlet(k, zeros=1)           # p = 0 where q > 0: those terms are 0
    q = dirichlet(k)
    assert kl_divergence(p, q) == pytest.approx(scipy.stats.entropy(p, q), rel=1e-12)


def test_kl_along_an_axis_matches_scipy():
    P, Q = dirichlet(4, size=6), dirichlet(4, size=6)
    np.testing.assert_allclose(kl_divergence(P, Q), scipy.stats.entropy(P, Q, axis=1),
                               rtol=1e-12)
    np.testing.assert_allclose(kl_divergence(P.T, Q.T, axis=0), scipy.stats.entropy(P, Q, axis=1),
                               rtol=1e-12)


def test_kl_zero_conventions():
    assert kl_divergence([0.5, 0.5], [1.0, 0.0]) == math.inf      # p > 0 where q = 0
    assert kl_divergence([1.0, 0.0], [0.5, 0.5]) == pytest.approx(math.log(2), rel=1e-15)
    assert kl_divergence([0.0, 1.0, 0.0], [0.0, 1.0, 0.0]) == 0.0
    p = dirichlet(7)
    assert kl_divergence(p, p) == 0.0


def test_kl_accurate_for_nearly_equal_distributions():
    """The log1p branch: for p ~ q each term p_i log(p_i/q_i) keeps its relative accuracy,
    so the error of the sum is a few ulps of sum |terms| (the naive log(p/q) loses ~|log r|/eps)."""
    mpmath.mp.dps = 60
    rng = np.random.default_rng(3)
    for delta, _ in [(d, i) for d in (1e-4, 1e-7, 1e-10) for i in range(3)]:
        q = rng.dirichlet(np.ones(4))
        p = q + delta * np.array([1.0, -1.0, 0.5, -0.5])
        terms = [mpmath.mpf(pi) * mpmath.log(mpmath.mpf(pi) / mpmath.mpf(qi))
                 for pi, qi in zip(p, q)]
        exact = sum(terms)
        scale = float(sum(abs(t) for t in terms))
        assert abs(kl_divergence(p, q) - float(exact)) <= 4 * np.finfo(float).eps * scale


def test_kl_extreme_ratios_do_not_overflow():
    p = np.array([1.0 - 1e-300, 1e-300])
    q = np.array([1e-310, 1.0 - 1e-310])        # p/q overflows float64 for the first entry
    mpmath.mp.dps = 50
    exact = sum(mpmath.mpf(pi) * mpmath.log(mpmath.mpf(pi) / mpmath.mpf(qi))
                for pi, qi in zip(p, q))
    assert kl_divergence(p, q) == pytest.approx(float(exact), rel=1e-13)


def test_cross_entropy_is_entropy_plus_kl_and_matches_hand():
    for k in (2, 5, 50):
        p, q = dirichlet(k), dirichlet(k)
        assert cross_entropy(p, q) == pytest.approx(-np.sum(p * np.log(q)), rel=1e-13)
        assert cross_entropy(p, q) == pytest.approx(
            scipy.stats.entropy(p) + scipy.stats.entropy(p, q), rel=1e-12)
        assert cross_entropy(p, q, base=2) == pytest.approx(-np.sum(p * np.log2(q)), rel=1e-13)
    assert cross_entropy([0.5, 0.5], [1.0, 0.0]) == math.inf
    assert cross_entropy([1.0, 0.0], [1.0, 0.0]) == 0.0
    # -0.5 log2 0.25 - 0.5 log2 0.75
    assert cross_entropy([0.5, 0.5], [0.25, 0.75], base=2) == pytest.approx(
        1 - 0.5 * math.log2(0.75), rel=1e-15)


# ---------------------------------------------------------------------------
# closed forms: Normal and MultivariateNormal
# ---------------------------------------------------------------------------
def _kl_quad(mu1, s1, mu2, s2):
    p, q = scipy.stats.norm(mu1, s1), scipy.stats.norm(mu2, s2)
    f = lambda x: p.pdf(x) * (p.logpdf(x) - q.logpdf(x))  # noqa: E731
    val, _ = scipy.integrate.quad(f, mu1 - 40 * s1, mu1 + 40 * s1, epsabs=1e-14, epsrel=1e-12,
                                  limit=200, points=[mu1, mu2])
    return val


@pytest.mark.parametrize("mu1, s1, mu2, s2", [(0.0, 1.0, 0.0, 1.0), (0.0, 1.0, 1.0, 1.0),
                                              (1.0, 0.5, -2.0, 3.0), (3.0, 2.0, 2.5, 0.7),
                                              (-1.0, 1e-2, 0.0, 10.0)])
def test_normal_kl_matches_quadrature(mu1, s1, mu2, s2):
    D = kl_divergence(Normal(mu1, s1), Normal(mu2, s2))
    assert D == pytest.approx(_kl_quad(mu1, s1, mu2, s2), rel=1e-8, abs=1e-13)
    # and the textbook formula, evaluated here by hand
    assert D == pytest.approx(math.log(s2 / s1) + (s1 ** 2 + (mu1 - mu2) ** 2) / (2 * s2 ** 2)
                              - 0.5, rel=1e-14, abs=1e-15)


def test_normal_kl_batch_and_base():
    D = kl_divergence(Normal([0.0, 1.0], [1.0, 2.0]), Normal(0.0, 1.0), base=2)
    expected = np.array([0.0, (math.log(0.5) + (4 + 1) / 2 - 0.5) / math.log(2)])
    np.testing.assert_allclose(D, expected, rtol=1e-14, atol=1e-16)


def test_normal_cross_entropy_is_entropy_plus_kl():
    p, q = Normal(1.0, 0.5), Normal(-2.0, 3.0)
    ref, _ = scipy.integrate.quad(lambda x: -scipy.stats.norm(1.0, 0.5).pdf(x)
                                  * scipy.stats.norm(-2.0, 3.0).logpdf(x), -30, 30,
                                  epsabs=1e-13, epsrel=1e-12, limit=200)
    assert cross_entropy(p, q) == pytest.approx(ref, rel=1e-9)
    assert cross_entropy(p, q) == pytest.approx(entropy(p) + kl_divergence(p, q), rel=1e-14)


def _mvn_kl_numpy(m1, S1, m2, S2):
    d = len(m1)
    S2inv = np.linalg.inv(S2)
    dm = m2 - m1
    return 0.5 * (np.trace(S2inv @ S1) + dm @ S2inv @ dm - d
                  + np.linalg.slogdet(S2)[1] - np.linalg.slogdet(S1)[1])


def _random_spd(d, rng):
    A = rng.standard_normal((d, d))
    return A @ A.T + d * np.eye(d) * 0.5


@pytest.mark.parametrize("d", [1, 2, 5, 12])
def test_mvn_kl_matches_the_formula_with_numpy_linalg(d):
    rng = np.random.default_rng(d)
    for _ in range(3):
        m1, m2 = rng.standard_normal(d), rng.standard_normal(d)
        S1, S2 = _random_spd(d, rng), _random_spd(d, rng)
        D = kl_divergence(MultivariateNormal(m1, S1), MultivariateNormal(m2, S2))
        assert D == pytest.approx(_mvn_kl_numpy(m1, S1, m2, S2), rel=1e-11, abs=1e-13)
        H = cross_entropy(MultivariateNormal(m1, S1), MultivariateNormal(m2, S2))
        ref_H = scipy.stats.multivariate_normal(m1, S1).entropy() + _mvn_kl_numpy(m1, S1, m2, S2)
        assert H == pytest.approx(ref_H, rel=1e-11)


def test_mvn_kl_monte_carlo_and_identities():
    m1, m2 = np.array([0.0, 1.0]), np.array([0.5, -0.5])
    S1 = np.array([[1.0, 0.6], [0.6, 2.0]])
    S2 = np.array([[1.5, -0.3], [-0.3, 0.8]])
    p, q = MultivariateNormal(m1, S1), MultivariateNormal(m2, S2)
    x = scipy.stats.multivariate_normal(m1, S1).rvs(200_000, random_state=1)
    llr = (scipy.stats.multivariate_normal(m1, S1).logpdf(x)
           - scipy.stats.multivariate_normal(m2, S2).logpdf(x))
    D = kl_divergence(p, q)
    assert abs(D - llr.mean()) < 4 * llr.std() / math.sqrt(len(llr))
    assert kl_divergence(p, p) == pytest.approx(0.0, abs=1e-14)
    # a 1-D MVN is a Normal
    assert kl_divergence(MultivariateNormal([1.0], [[4.0]]), MultivariateNormal([0.0], [[1.0]])) \
        == pytest.approx(kl_divergence(Normal(1.0, 2.0), Normal(0.0, 1.0)), rel=1e-14)


# ---------------------------------------------------------------------------
# Jensen-Shannon
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("k", [2, 4, 30])
@pytest.mark.parametrize("base", [None, 2])
def test_jensen_shannon_matches_scipy(k, base):
    for zeros in (0, 1):
        p, q = dirichlet(k, zeros=zeros), dirichlet(k)
        ref = scipy.spatial.distance.jensenshannon(p, q, base=base)
        assert jensen_shannon_distance(p, q, base=base) == pytest.approx(ref, rel=1e-12)
        assert jensen_shannon(p, q, base=base) == pytest.approx(ref ** 2, rel=1e-12)
        assert jensen_shannon(p, q) == pytest.approx(jensen_shannon(q, p), rel=1e-14)


def test_jensen_shannon_bounds_and_identities():
    assert jensen_shannon([1.0, 0.0], [0.0, 1.0]) == pytest.approx(math.log(2), rel=1e-15)
    assert jensen_shannon([1.0, 0.0], [0.0, 1.0], base=2) == 1.0
    p = dirichlet(5)
    assert jensen_shannon(p, p) == 0.0
    assert jensen_shannon_distance(p, p) == 0.0
    P, Q = dirichlet(3, size=4), dirichlet(3, size=4)
    np.testing.assert_allclose(jensen_shannon_distance(P, Q),
                               scipy.spatial.distance.jensenshannon(P, Q, axis=1), rtol=1e-12)
    m = 0.5 * (P[0] + Q[0])
    assert jensen_shannon(P[0], Q[0]) == pytest.approx(
        0.5 * kl_divergence(P[0], m) + 0.5 * kl_divergence(Q[0], m), rel=1e-14)


# ---------------------------------------------------------------------------
# mutual information, conditional and joint entropy
# ---------------------------------------------------------------------------
def test_mutual_information_matches_sklearn_on_labels_and_contingency():
    for seed in range(4):
        rng = np.random.default_rng(seed)
        x = rng.integers(0, 4, size=500)
        y = (x + rng.integers(0, 3, size=500)) % 5          # dependent on x
        counts = np.zeros((4, 5))
        np.add.at(counts, (x, y), 1)
        ref = mutual_info_score(x, y)
        assert mutual_information(counts / counts.sum()) == pytest.approx(ref, rel=1e-12)
        assert mutual_information(counts / counts.sum()) == pytest.approx(
            mutual_info_score(None, None, contingency=counts), rel=1e-12)
        assert mutual_information(counts / counts.sum(), base=2) == pytest.approx(
            ref / math.log(2), rel=1e-12)


def test_mutual_information_identities_with_zero_cells():
    J = np.array([[0.2, 0.0, 0.1], [0.0, 0.3, 0.05], [0.15, 0.0, 0.2]])
    px, py = J.sum(1), J.sum(0)
    HX, HY = scipy.stats.entropy(px), scipy.stats.entropy(py)
    HXY = scipy.stats.entropy(J.ravel())
    assert joint_entropy(J) == pytest.approx(HXY, rel=1e-14)
    assert mutual_information(J) == pytest.approx(HX + HY - HXY, rel=1e-12)
    assert conditional_entropy(J) == pytest.approx(HXY - HX, rel=1e-12)            # H(Y | X)
    assert conditional_entropy(J, given=1) == pytest.approx(HXY - HY, rel=1e-12)   # H(X | Y)
    assert conditional_entropy(J, base=2) == pytest.approx((HXY - HX) / math.log(2), rel=1e-12)
    # independent variables share nothing; Y = X shares H(X)
    independent = np.outer([0.3, 0.7], [0.1, 0.5, 0.4])
    assert mutual_information(independent) == pytest.approx(0.0, abs=1e-15)
    D = np.diag([0.2, 0.3, 0.5])
    assert mutual_information(D) == pytest.approx(scipy.stats.entropy([0.2, 0.3, 0.5]), rel=1e-14)
    assert conditional_entropy(D) == 0.0


# ---------------------------------------------------------------------------
# bad input
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("call, exc, match", [
    (lambda: entropy([0.5, 0.6]), ValueError, r"p must sum to 1 .* got sum 1\.1"),
    (lambda: entropy([2.0, 3.0]), ValueError, r"p / p\.sum\(\)"),
    (lambda: entropy([-0.1, 1.1]), ValueError, r"p must be non-negative .* -0\.1"),
    (lambda: entropy(0.5), ValueError, r"p must be a vector"),
    (lambda: entropy([]), ValueError, r"p must not be empty"),
    (lambda: entropy([0.5, np.nan]), ValueError, r"p contains NaN"),
    (lambda: entropy([0.5, 0.5], base=1), ValueError, r"base must be > 0 and != 1"),
    (lambda: entropy([0.5, 0.5], base=-2), ValueError, r"base must be > 0, got -2"),
    (lambda: entropy([0.5, 0.5], axis=3), ValueError, r"axis 3 is out of bounds"),
    (lambda: entropy("0.5 0.5"), TypeError, r"p must be an array"),
    (lambda: kl_divergence([0.5, 0.5], [0.2, 0.3, 0.5]), ValueError,
     r"p and q must have the same shape, got \(2,\) and \(3,\)"),
    (lambda: kl_divergence([0.5, 0.5], [0.9, 0.2]), ValueError, r"q must sum to 1"),
    (lambda: kl_divergence([0.5, 0.5], [1.5, -0.5]), ValueError, r"q must be non-negative"),
    (lambda: cross_entropy([0.5, 0.5], [0.2, 0.3, 0.5]), ValueError, r"same shape"),
    (lambda: jensen_shannon([1.0], [0.5, 0.5]), ValueError, r"same shape"),
    (lambda: mutual_information([0.5, 0.5]), ValueError, r"joint must be a 2-D table"),
    (lambda: mutual_information([[0.5, 0.5], [0.5, 0.5]]), ValueError, r"joint must sum to 1"),
    (lambda: mutual_information([[1.5, -0.5], [0.0, 0.0]]), ValueError, r"joint must be non-neg"),
    (lambda: conditional_entropy([[0.5, 0.5]], given=2), ValueError, r"given must be 0 .* or 1"),
    (lambda: kl_divergence(Normal(0, 1), [0.5, 0.5]), TypeError, r"p is a distribution object"),
    (lambda: kl_divergence(Normal(0, 1), MultivariateNormal([0.0], [[1.0]])), TypeError,
     r"closed forms for two Normal or two MultivariateNormal"),
    (lambda: kl_divergence(MultivariateNormal([0.0], [[1.0]]),
                           MultivariateNormal([0.0, 0.0], np.eye(2))), ValueError,
     r"same dimension, got 1 and 2"),
])
def test_bad_input(call, exc, match):
    with pytest.raises(exc, match=match):
        call()


# ---------------------------------------------------------------------------
# show your work
# ---------------------------------------------------------------------------
def test_kl_explains_itself_term_by_term():
    p, q = [0.5, 0.5], [0.9, 0.1]
    plain = kl_divergence(p, q)
    with mathforml.explain() as work:
        explained = kl_divergence(p, q)
    assert explained == plain                       # bit-identical
    terms = work.find("KL terms")[0].values["terms"]
    np.testing.assert_allclose(terms, [0.5 * math.log(0.5 / 0.9), 0.5 * math.log(0.5 / 0.1)],
                               rtol=1e-15)
    assert "0.5 ln(0.5/0.9) = -0.293893" in work.find("KL terms")[0].values["detail"]
    (final,) = work.find("KL divergence")
    assert final.values["D"] == pytest.approx(0.5108256237659907, rel=1e-15)
    assert final.values["unit"] == "nats"
    assert "Σ_i p_i ln(p_i / q_i)" in final.formula


def test_entropy_and_mutual_information_explain_themselves():
    with mathforml.explain() as work:
        H = entropy([0.5, 0.25, 0.25], base=2)
        mi = mutual_information([[0.3, 0.1], [0.1, 0.5]])
    assert H == entropy([0.5, 0.25, 0.25], base=2) == 1.5
    np.testing.assert_allclose(work.find("Entropy terms")[0].values["terms"],
                               [0.5 * math.log(2), 0.25 * math.log(4), 0.25 * math.log(4)],
                               rtol=1e-15)
    assert work.find("Entropy")[-1].values["unit"] == "bits"
    np.testing.assert_allclose(work.find("Marginals")[0].values["p_x"], [0.4, 0.6])
    (step_mi,) = work.find("Mutual information")
    assert step_mi.values["I"] == mi
    np.testing.assert_allclose(step_mi.values["independent"], [[0.16, 0.24], [0.24, 0.36]],
                               rtol=1e-15)


def test_normal_kl_explains_its_terms():
    with mathforml.explain() as work:
        D = kl_divergence(Normal(1.0, 0.5), Normal(-2.0, 3.0))
    (s,) = work.find("KL divergence (Normal")
    assert s.values["log_term"] == pytest.approx(math.log(3.0 / 0.5), rel=1e-15)
    assert s.values["quad_term"] == pytest.approx((0.25 + 9.0) / 18.0, rel=1e-15)
    assert s.values["D"] == D == kl_divergence(Normal(1.0, 0.5), Normal(-2.0, 3.0))


def test_import_is_light():
    import subprocess
    import sys
    code = ("import sys, mathforml.probability.information, mathforml.probability.bayes; "
            "print(','.join(m for m in ('scipy', 'sklearn', 'matplotlib') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
