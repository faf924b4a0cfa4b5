r"""The probability and statistics pillar.

* :mod:`~mathforml.probability.distributions` — fourteen distributions (and the
  negative binomial) with densities in log space, both tails computed directly,
  quantiles, sampling from base NumPy variates, moments, entropy and
  maximum-likelihood ``fit``;
* :mod:`~mathforml.probability.sampling` — teaching paths: inverse-transform
  sampling, Box–Muller, rejection sampling;
* :mod:`~mathforml.probability.bayes` — Bayes' theorem with every term named,
  discrete Bayesian updating, conjugate priors (Beta–Bernoulli, Normal–Normal,
  Gamma–Poisson) with posterior predictives;
* :mod:`~mathforml.probability.expectation` — E[f(X)] exactly, by quadrature or
  by Monte Carlo; variance, covariance and correlation matrices, ``describe``;
  law-of-large-numbers and central-limit simulations;
* :mod:`~mathforml.probability.mcmc` — random-walk Metropolis–Hastings and
  Hamiltonian Monte Carlo (gradients by our autodiff), ESS and split R-hat;
* :mod:`~mathforml.probability.hypothesis_tests` — z, t (one-sample, Welch,
  paired), chi-square, F and ANOVA tests with p-values from survival functions;
* :mod:`~mathforml.probability.information` — entropy, cross-entropy, KL,
  Jensen–Shannon, mutual information.

>>> from mathforml import probability as prob
>>> round(prob.bayes_theorem(0.01, 0.9, false_positive=0.09).posterior, 4)
0.0917
>>> round(prob.kl_divergence([0.5, 0.5], [0.9, 0.1]), 4)
0.5108
>>> prob.Normal(0.0, 1.0).cdf(1.96) > 0.975
True
"""
from . import bayes, distributions, expectation, hypothesis_tests, information, mcmc, sampling
from .bayes import BayesResult, BetaBernoulli, GammaPoisson, NormalNormal, bayes_theorem, bayes_update
from .distributions import (Bernoulli, Beta, Binomial, Categorical, ChiSquared,
                            ContinuousDistribution, DiscreteDistribution, Distribution, Exponential,
                            F, Gamma, Multinomial, MultivariateNormal, NegativeBinomial, Normal,
                            Poisson, StudentT, Uniform)
from .expectation import (CentralLimitResult, DescribeResult, ExpectationResult,
                          LawOfLargeNumbersResult, central_limit, correlation_matrix,
                          covariance_matrix, describe, expectation, law_of_large_numbers, variance)
from .hypothesis_tests import (TestResult, chi2_contingency, chisquare, f_oneway, f_test,
                               ttest_1samp, ttest_ind, ttest_rel, z_test)
from .information import (conditional_entropy, cross_entropy, entropy, jensen_shannon,
                          jensen_shannon_distance, joint_entropy, kl_divergence,
                          mutual_information)
from .mcmc import (MCMCResult, MCMCSummary, autocorrelation, effective_sample_size, hmc, leapfrog,
                   mcmc_summary, metropolis_hastings, split_rhat)
from .sampling import box_muller, box_muller_transform, inverse_transform_sample, rejection_sample

__all__ = [
    "distributions", "sampling", "bayes", "expectation", "mcmc", "hypothesis_tests", "information",
    "Distribution", "ContinuousDistribution", "DiscreteDistribution",
    "Normal", "MultivariateNormal", "Uniform", "Exponential", "Gamma", "Beta", "ChiSquared",
    "StudentT", "F", "Bernoulli", "Binomial", "Poisson", "Categorical", "Multinomial",
    "NegativeBinomial",
    "inverse_transform_sample", "box_muller", "box_muller_transform", "rejection_sample",
    "bayes_theorem", "BayesResult", "bayes_update", "BetaBernoulli", "NormalNormal", "GammaPoisson",
    "expectation", "ExpectationResult", "variance", "covariance_matrix", "correlation_matrix",
    "describe", "DescribeResult", "law_of_large_numbers", "LawOfLargeNumbersResult",
    "central_limit", "CentralLimitResult",
    "metropolis_hastings", "hmc", "leapfrog", "MCMCResult", "MCMCSummary", "autocorrelation",
    "effective_sample_size", "split_rhat", "mcmc_summary",
    "TestResult", "z_test", "ttest_1samp", "ttest_ind", "ttest_rel", "chisquare",
    "chi2_contingency", "f_test", "f_oneway",
    "entropy", "cross_entropy", "kl_divergence", "jensen_shannon", "jensen_shannon_distance",
    "mutual_information", "conditional_entropy", "joint_entropy",
]
