"""Probability distributions, each a frozen object with its parameters validated.

Continuous: :class:`Normal`, :class:`MultivariateNormal`, :class:`Uniform`,
:class:`Exponential`, :class:`Gamma`, :class:`Beta`, :class:`ChiSquared`,
:class:`StudentT`, :class:`F`.  Discrete: :class:`Bernoulli`,
:class:`Binomial`, :class:`Poisson`, :class:`Categorical`,
:class:`Multinomial`, :class:`NegativeBinomial`.

Every one has ``pdf``/``logpdf`` (``pmf``/``logpmf``), ``cdf``, ``sf`` (the
upper tail computed directly), ``ppf``/``isf`` where defined, ``sample``,
``mean``, ``var``, ``std``, ``entropy``, ``support`` and the maximum-likelihood
constructor ``fit``; all are vectorised over array parameters and arguments.
The contract lives in :mod:`~mathforml.probability.distributions._base`.
"""
from ._base import ContinuousDistribution, DiscreteDistribution, Distribution
from .discrete import Bernoulli, Binomial, Categorical, Multinomial, NegativeBinomial, Poisson
from .gamma_beta import Beta, ChiSquared, Gamma
from .normal import MultivariateNormal, Normal, standard_normal_ppf
from .sampling_dists import F, StudentT
from .simple import Exponential, Uniform

__all__ = [
    "Distribution", "ContinuousDistribution", "DiscreteDistribution",
    "Normal", "MultivariateNormal", "standard_normal_ppf", "Uniform", "Exponential",
    "Gamma", "Beta", "ChiSquared", "StudentT", "F",
    "Bernoulli", "Binomial", "Poisson", "Categorical", "Multinomial", "NegativeBinomial",
]
