r"""Bayes' theorem, discrete Bayesian updating and conjugate priors.

Bayes' theorem turns the probability of the evidence under a hypothesis into
the probability of the hypothesis given the evidence:

.. math::

    P(A \mid B) = \frac{P(B \mid A)\, P(A)}{P(B)}

In the names data science gives the terms (seed article 000): ``P(A)`` is the
**prior** (our assumption before seeing anything), ``P(B)`` is the
**evidence**, ``P(B | A)`` is the **likelihood** and ``P(A | B)`` is the
**posterior**.  When the evidence is not known directly it follows from the
law of total probability,
``P(B) = P(B | A) P(A) + P(B | not A) (1 - P(A))``, so
:func:`bayes_theorem` takes either ``evidence`` or the likelihood under the
complement, ``false_positive = P(B | not A)``.

Worked example 1: the smoker and lung cancer (seed 000)
-------------------------------------------------------
The seed reads Bayes on a clinic's patients: ``A`` = the patient has lung
cancer (the prior ``P(A)``), ``B`` = the evidence, the scan report that the
patient is a chain smoker (``P(B)``), and the likelihood ``P(B | A)`` that
people who suffer from lung cancer are smokers; the posterior ``P(A | B)`` is
the chance that a smoker has lung cancer.  The seed gives no figures, so take
round ones that are easy to check by hand: 10% of the patients have lung
cancer, 20% are chain smokers, and 80% of those with lung cancer smoke.  Then
``P(A | B) = 0.8 * 0.1 / 0.2 = 0.4``:

>>> from mathforml.probability.bayes import bayes_theorem
>>> r = bayes_theorem(0.1, 0.8, evidence=0.2,
...                   hypothesis="lung cancer", observation="smoker")
>>> round(r.posterior, 6)
0.4
>>> print(r)
Bayes' theorem: P(A | B) = P(B | A) P(A) / P(B)
  A = lung cancer, B = smoker
  prior       P(A)     = 0.1
  likelihood  P(B | A) = 0.8
  evidence    P(B)     = 0.2  (given)
  posterior   P(A | B) = 0.8 * 0.1 / 0.2 = 0.4

Being a smoker multiplies the chance of lung cancer by
``P(B | A) / P(B) = 4``, from 10% to 40%.

Worked example 2: a medical test
--------------------------------
A disease has prevalence 1% (prior), the test detects it in 90% of the sick
(sensitivity, the likelihood) and wrongly flags 9% of the healthy (the
false-positive rate ``P(B | not A)``).  The evidence is the probability of a
positive test, ``0.9 * 0.01 + 0.09 * 0.99 = 0.0981``, and the posterior is
``0.009 / 0.0981 = 0.0917...``: a positive result means only a 9% chance of
disease, because the healthy outnumber the sick 99 to 1.

>>> r = bayes_theorem(0.01, 0.9, false_positive=0.09)
>>> round(r.evidence, 6), round(r.posterior, 6)
(0.0981, 0.091743)

Everything is vectorised, so a sweep of priors is one call (for a plot of the
posterior against the prevalence):

>>> import numpy as np
>>> bayes_theorem(np.array([0.01, 0.1, 0.5]), 0.9, false_positive=0.09).posterior.round(6)
array([0.091743, 0.526316, 0.909091])

Discrete hypotheses and conjugate priors
----------------------------------------
:func:`bayes_update` applies the theorem to a finite set of hypotheses
(posterior proportional to prior times likelihood).  :class:`BetaBernoulli`,
:class:`NormalNormal` and :class:`GammaPoisson` are the conjugate pairs whose
posterior stays in the prior's family, so updating is arithmetic on the
hyper-parameters driven by the sufficient statistics of the data.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ..explain import active, format_number, format_value, step
from .._validation import as_float_array, check_real
from .distributions._base import _scalar

__all__ = [
    "BayesResult",
    "bayes_theorem",
    "bayes_update",
    "BetaBernoulli",
    "NormalNormal",
    "GammaPoisson",
]


# ---------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------
def _first(a: np.ndarray, mask: np.ndarray):
    """The first entry of ``a`` where ``mask`` holds (broadcast together), as a float."""
    a, mask = np.broadcast_arrays(a, mask)
    return float(a[mask][0])


def _probability(value, name: str) -> np.ndarray:
    """A probability (scalar or array) in [0, 1], as a float64 array; errors name it."""
    if isinstance(value, str) or value is None:
        raise TypeError(f"{name} must be a probability (a number in [0, 1]), got {value!r}")
    arr = as_float_array(value, name, check_finite=False, dtype=np.float64)
    if arr.size == 0:
        raise ValueError(f"{name} must not be empty")
    bad = ~((arr >= 0) & (arr <= 1))  # also catches NaN
    if bad.any():
        raise ValueError(f"{name} must be a probability in [0, 1], got {float(arr[bad].flat[0])!r}")
    return arr


def _fmt(v) -> str:
    """One number, or an array on one line, for the printed summary."""
    if isinstance(v, np.ndarray) and v.ndim > 0:
        return " ".join(format_value(v))
    return format_number(v)


# ---------------------------------------------------------------------------
# Bayes' theorem
# ---------------------------------------------------------------------------
@dataclass(frozen=True)
class BayesResult:
    """Every term of Bayes' theorem, with a readable ``str``.

    Attributes
    ----------
    posterior : float or ndarray
        ``P(A | B) = P(B | A) P(A) / P(B)``.
    prior : float or ndarray
        ``P(A)``.
    likelihood : float or ndarray
        ``P(B | A)``.
    evidence : float or ndarray
        ``P(B)``, given or computed by the law of total probability.
    false_positive : float, ndarray or None
        ``P(B | not A)`` when it was given (the likelihood under the
        complement); None when the evidence was given.
    evidence_given : bool
        True when ``evidence`` was an input, False when it was computed.
    hypothesis, observation : str
        Labels for ``A`` and ``B`` used when printing.
    """

    posterior: object
    prior: object
    likelihood: object
    evidence: object
    false_positive: object = None
    evidence_given: bool = True
    hypothesis: str = "A"
    observation: str = "B"

    @property
    def likelihood_complement(self):
        """``P(B | not A)``, the same as :attr:`false_positive` (None when not given)."""
        return self.false_positive

    def __float__(self) -> float:
        return float(self.posterior)

    def __str__(self) -> str:
        lines = ["Bayes' theorem: P(A | B) = P(B | A) P(A) / P(B)"]
        if (self.hypothesis, self.observation) != ("A", "B"):
            lines.append(f"  A = {self.hypothesis}, B = {self.observation}")
        rows = [("prior", "P(A)", _fmt(self.prior)),
                ("likelihood", "P(B | A)", _fmt(self.likelihood))]
        if self.false_positive is not None:
            rows.append(("false pos.", "P(B | not A)", _fmt(self.false_positive)))
            ev = (f"P(B | A) P(A) + P(B | not A) (1 - P(A)) = {_fmt(self.evidence)}")
            if np.ndim(self.evidence) == 0:
                ev = (f"{_fmt(self.likelihood)} * {_fmt(self.prior)} + "
                      f"{_fmt(self.false_positive)} * (1 - {_fmt(self.prior)}) = "
                      f"{_fmt(self.evidence)}")
            rows.append(("evidence", "P(B)", ev))
        else:
            rows.append(("evidence", "P(B)", f"{_fmt(self.evidence)}  (given)"))
        post = _fmt(self.posterior)
        if np.ndim(self.posterior) == 0:
            post = (f"{_fmt(self.likelihood)} * {_fmt(self.prior)} / {_fmt(self.evidence)} = "
                    f"{post}")
        rows.append(("posterior", "P(A | B)", post))
        w = max(len(r[1]) for r in rows)
        lines += [f"  {name:<11} {sym:<{w}} = {val}" for name, sym, val in rows]
        return "\n".join(lines)


def bayes_theorem(prior, likelihood, *, evidence=None, false_positive=None,
                  hypothesis: str = "A", observation: str = "B") -> BayesResult:
    r"""Posterior probability of a hypothesis ``A`` after observing ``B``.

    Parameters
    ----------
    prior : float or array_like
        ``P(A)``, the probability of the hypothesis before the observation.
    likelihood : float or array_like
        ``P(B | A)``, the probability of the observation when ``A`` holds.
    evidence : float or array_like, optional
        ``P(B)``, the overall probability of the observation.
    false_positive : float or array_like, optional
        ``P(B | not A)``, the likelihood under the complement (a test's
        false-positive rate).  Give exactly one of ``evidence`` and
        ``false_positive``.
    hypothesis, observation : str, optional
        Labels for ``A`` and ``B`` in the printed summary.

    All probabilities broadcast together (a sweep over priors is one call).

    Returns
    -------
    BayesResult
        ``posterior``, ``prior``, ``likelihood``, ``evidence`` and
        ``false_positive`` (None unless given); Python floats for scalar
        input, arrays of the broadcast shape otherwise.

    Raises
    ------
    ValueError
        Neither or both of ``evidence`` / ``false_positive``; a probability
        outside [0, 1] (the message names it); evidence 0 (``B`` impossible,
        the posterior undefined); given evidence inconsistent with the prior
        and likelihood (``P(B | A) P(A) > P(B)`` would make the posterior
        exceed 1, and ``P(B) > P(B | A) P(A) + 1 - P(A)`` would need
        ``P(B | not A) > 1``).
    TypeError
        A probability that is not a number.

    Notes
    -----
    ``posterior = likelihood * prior / evidence``.  With ``false_positive``
    the evidence comes from the law of total probability,
    ``evidence = likelihood * prior + false_positive * (1 - prior)``; that
    posterior is ``<= 1`` by construction.  Given evidence must lie in
    ``[likelihood * prior, likelihood * prior + 1 - prior]`` (a relative
    slack of ``1e-12`` absorbs rounding; a posterior within it is clipped to 1).

    References
    ----------
    T. Bayes, "An essay towards solving a problem in the doctrine of
    chances", Phil. Trans. 53 (1763).  Gigerenzer & Hoffrage, "How to improve
    Bayesian reasoning without instruction: frequency formats", Psychological
    Review 102 (1995) — the medical-test example.

    Examples
    --------
    >>> round(bayes_theorem(0.01, 0.9, false_positive=0.09).posterior, 4)  # 0.009 / 0.0981
    0.0917
    >>> round(bayes_theorem(0.1, 0.8, evidence=0.2).posterior, 6)          # 0.08 / 0.2
    0.4
    """
    if (evidence is None) == (false_positive is None):
        raise ValueError("give exactly one of evidence (P(B)) and false_positive (P(B | not A)); "
                         f"got evidence={evidence!r}, false_positive={false_positive!r}")
    p_A = _probability(prior, "prior")
    p_B_A = _probability(likelihood, "likelihood")
    joint = p_B_A * p_A                                   # P(B and A) = P(B | A) P(A)
    step("Prior", "P(A)", prior=_scalar(p_A), hypothesis=hypothesis)
    step("Likelihood", "P(B | A)", likelihood=_scalar(p_B_A), observation=observation)

    if false_positive is not None:
        p_B_notA = _probability(false_positive, "false_positive")
        evidence_given = False
        p_B = joint + p_B_notA * (1.0 - p_A)
        step("Evidence by the law of total probability",
             "P(B) = P(B | A) P(A) + P(B | not A) (1 - P(A))",
             false_positive=_scalar(p_B_notA), joint=_scalar(joint),
             joint_complement=_scalar(p_B_notA * (1.0 - p_A)), evidence=_scalar(p_B))
    else:
        p_B_notA = None
        evidence_given = True
        p_B = _probability(evidence, "evidence")
        if active():
            with np.errstate(divide="ignore", invalid="ignore"):
                implied = np.where(p_A < 1, (p_B - joint) / (1.0 - p_A), np.nan)
            step("Evidence (given)",
                 "P(B); implied P(B | not A) = (P(B) - P(B | A) P(A)) / (1 - P(A))",
                 evidence=_scalar(p_B), joint=_scalar(joint),
                 implied_false_positive=_scalar(implied))

    zero = p_B == 0
    if zero.any():
        raise ValueError("evidence P(B) is 0: the observation is impossible, so the posterior "
                         "P(A | B) is undefined" + ("" if evidence_given else
                         " (both P(B | A) P(A) and P(B | not A) (1 - P(A)) are 0)"))
    if evidence_given:
        slack = 1e-12 * np.maximum(p_B, joint)
        over = joint > p_B + slack
        if over.any():
            j, e = _first(joint, over), _first(p_B, over)
            raise ValueError(
                f"inconsistent inputs: likelihood * prior = P(B and A) = {j:.6g} exceeds the "
                f"evidence P(B) = {e:.6g}, which would give a posterior {j / e:.6g} > 1; "
                "P(B) must be at least P(B | A) P(A)")
        ceiling = joint + (1.0 - p_A)
        under = p_B > ceiling + 1e-12 * ceiling
        if under.any():
            e, c = _first(p_B, under), _first(ceiling, under)
            raise ValueError(
                f"inconsistent inputs: the evidence P(B) = {e:.6g} exceeds "
                f"P(B | A) P(A) + (1 - P(A)) = {c:.6g}, which would need P(B | not A) > 1")

    posterior = np.minimum(joint / p_B, 1.0)
    step("Posterior", "P(A | B) = P(B | A) P(A) / P(B)", numerator=_scalar(joint),
         evidence=_scalar(p_B), posterior=_scalar(posterior))
    return BayesResult(
        posterior=_scalar(posterior), prior=_scalar(p_A), likelihood=_scalar(p_B_A),
        evidence=_scalar(p_B),
        false_positive=None if p_B_notA is None else _scalar(p_B_notA),
        evidence_given=evidence_given, hypothesis=str(hypothesis),
        observation=str(observation))


# ---------------------------------------------------------------------------
# Discrete hypotheses
# ---------------------------------------------------------------------------
def _logsumexp(a: np.ndarray, axis: int = -1) -> np.ndarray:
    """log Σ exp(a) along ``axis``, shifted by the finite maximum (no overflow)."""
    m = np.max(a, axis=axis, keepdims=True)
    m = np.where(np.isfinite(m), m, 0.0)
    with np.errstate(divide="ignore"):
        return np.log(np.sum(np.exp(a - m), axis=axis)) + np.squeeze(m, axis=axis)


def bayes_update(prior_probs, likelihoods, *, log_likelihoods: bool = False,
                 return_evidence: bool = False):
    r"""Posterior over a finite set of hypotheses: prior times likelihood, normalised.

    Parameters
    ----------
    prior_probs : (K,) array_like
        Prior probabilities of the ``K`` hypotheses; non-negative, summing to 1.
    likelihoods : (K,) or (n, K) array_like
        ``P(data | H_k)`` for each hypothesis (``log P(data | H_k)`` when
        ``log_likelihoods``).  A 2-D array holds one row per independent
        observation; the rows are applied in turn (sequential updating, each
        posterior the next prior), which is the same as multiplying them.
    log_likelihoods : bool, default False
        The likelihoods are given as logs; the update then runs in log space
        and normalises with log-sum-exp, so products of many small
        likelihoods never underflow.
    return_evidence : bool, default False
        Also return the evidence ``P(data) = Σ_k P(H_k) P(data | H_k)``
        (its log when ``log_likelihoods``).

    Returns
    -------
    posterior : (K,) ndarray
        ``P(H_k | data)``, summing to 1.
    evidence : float
        Only with ``return_evidence``.

    Raises
    ------
    ValueError
        A prior that is negative or does not sum to 1; negative likelihoods;
        a likelihood array whose last axis is not ``K``; zero evidence (the
        data are impossible under every hypothesis with prior mass).

    Notes
    -----
    ``posterior_k = prior_k * L_k / Σ_j prior_j * L_j``.  In log space
    ``log posterior_k = log prior_k + ℓ_k - logsumexp_j(log prior_j + ℓ_j)``
    with ``ℓ = Σ_rows log L``; ``logsumexp`` subtracts the maximum first.

    References
    ----------
    D. J. C. MacKay, *Information Theory, Inference, and Learning
    Algorithms*, CUP 2003, ch. 2-3.

    Examples
    --------
    A coin is fair (``P(heads) = 0.5``) or biased (``P(heads) = 0.9``), 50:50
    a priori; it lands heads.  ``posterior = [0.25, 0.45] / 0.7``:

    >>> bayes_update([0.5, 0.5], [0.5, 0.9]).round(6)
    array([0.357143, 0.642857])
    >>> post, ev = bayes_update([0.5, 0.5], [[0.5, 0.9], [0.5, 0.9]], return_evidence=True)
    >>> post.round(6), round(ev, 6)          # two heads: [0.125, 0.405] / 0.53
    (array([0.235849, 0.764151]), 0.53)
    """
    prior = as_float_array(prior_probs, "prior_probs", ndim=1, dtype=np.float64)
    K = prior.shape[0]
    if K == 0:
        raise ValueError("prior_probs must hold at least one hypothesis, got an empty array")
    if (prior < 0).any():
        raise ValueError(f"prior_probs must be non-negative, got {float(prior[prior < 0][0])!r}")
    total = prior.sum()
    if abs(total - 1.0) > 1e-9 + 4 * np.finfo(float).eps * K:
        raise ValueError(f"prior_probs must sum to 1, got sum {total:.6g}")
    L = as_float_array(likelihoods, "likelihoods", ndim=(1, 2), dtype=np.float64,
                       check_finite=not log_likelihoods)
    if L.shape[-1] != K:
        raise ValueError(f"likelihoods must have {K} entries along its last axis (one per "
                         f"hypothesis in prior_probs), got shape {L.shape}")
    if log_likelihoods:
        if np.isnan(L).any() or (L == np.inf).any():
            raise ValueError("log likelihoods must not be NaN or +inf")
    elif (L < 0).any():
        raise ValueError(f"likelihoods must be non-negative, got {float(L[L < 0][0])!r}")
    rows = L[None, :] if L.ndim == 1 else L

    with np.errstate(divide="ignore"):
        log_post = np.log(prior)
    log_evidence = 0.0
    record = active()
    for k, row in enumerate(rows):
        with np.errstate(divide="ignore"):
            log_L = row if log_likelihoods else np.log(row)
        log_joint = log_post + log_L
        log_norm = float(_logsumexp(log_joint))
        if log_norm == -np.inf:
            raise ValueError(
                "the evidence is 0: the data are impossible under every hypothesis with prior "
                f"mass (observation {k}); the posterior is undefined")
        log_post = log_joint - log_norm
        log_evidence += log_norm
        if record:
            step("Update", "posterior_k = prior_k L_k / Σ_j prior_j L_j", iteration=k,
                 likelihood=np.exp(log_L), joint=np.exp(log_joint),
                 evidence=math.exp(log_norm), posterior=np.exp(log_post))
    posterior = np.exp(log_post)
    step("Posterior", "P(H_k | data) = P(H_k) P(data | H_k) / P(data)", prior=prior,
         posterior=posterior, log_evidence=log_evidence, n_observations=rows.shape[0])
    if return_evidence:
        return posterior, (log_evidence if log_likelihoods else math.exp(log_evidence))
    return posterior


# ---------------------------------------------------------------------------
# Conjugate priors
# ---------------------------------------------------------------------------
def _as_observations(data, name: str = "data") -> np.ndarray:
    """The observations as a flat float64 array (finite; empty allowed)."""
    if isinstance(data, str):
        raise TypeError(f"{name} must be numeric, got {data!r}")
    arr = np.asarray(data)
    if arr.dtype.kind == "b":
        arr = arr.astype(np.float64)
    return as_float_array(arr, name, dtype=np.float64).ravel()


class _Conjugate:
    """Shared plumbing: prior hyper-parameters, counts, repr and equality."""

    _names: tuple = ()          # current (posterior) hyper-parameter attribute names

    @property
    def params(self) -> dict:
        """The current (posterior) hyper-parameters."""
        return {k: getattr(self, k) for k in self._names}

    @property
    def prior_params(self) -> dict:
        """The hyper-parameters before any data."""
        return dict(self._prior)

    def __repr__(self) -> str:
        inner = ", ".join(f"{k}={format_number(v)}" for k, v in self.params.items())
        return f"{type(self).__name__}({inner}; n={self.n})"

    def __eq__(self, other):
        if type(other) is not type(self):
            return NotImplemented
        return (self.params == other.params and self._prior == other._prior
                and self.n == other.n)

    __hash__ = None

    def __str__(self) -> str:
        prior = ", ".join(f"{k}={format_number(v)}" for k, v in self._prior.items())
        post = ", ".join(f"{k}={format_number(getattr(self, k))}" for k in self._names)
        return (f"{type(self).__name__}: prior {self._family}({prior}); after n={self.n} "
                f"observation{'s' if self.n != 1 else ''} ({self._stats_text()}): "
                f"posterior {self._family}({post}), mean {format_number(self.mean())}")


class BetaBernoulli(_Conjugate):
    r"""Beta prior on the success probability ``theta`` of Bernoulli trials.

    Parameters
    ----------
    a, b : float, default 1
        Prior ``Beta(a, b)``: ``a`` acts as prior successes and ``b`` as
        prior failures (``a = b = 1`` is uniform on [0, 1]).

    Attributes
    ----------
    a, b : float
        The current (posterior) hyper-parameters.
    n, successes : int
        Trials and successes seen so far (the sufficient statistics).

    Notes
    -----
    With ``s = Σ x_i`` successes in ``n`` trials the likelihood is
    ``theta^s (1 - theta)^(n - s)``, so ``Beta(a, b)`` becomes
    ``Beta(a + s, b + n - s)``.  Posterior mean ``a / (a + b)``; posterior
    predictive ``P(x_new = 1 | data) = a / (a + b)``, a Bernoulli.
    Updating one batch at a time or all at once gives the same posterior.

    References
    ----------
    A. Gelman et al., *Bayesian Data Analysis*, 3rd ed., CRC 2013, sec. 2.4.

    Examples
    --------
    Seven heads in ten tosses from a uniform prior: ``Beta(1 + 7, 1 + 3)``,
    mean ``8 / 12``.

    >>> m = BetaBernoulli().update([1, 1, 0, 1, 1, 0, 1, 1, 0, 1])
    >>> m.a, m.b, round(m.mean(), 6)
    (8.0, 4.0, 0.666667)
    """

    _names = ("a", "b")
    _family = "Beta"

    def __init__(self, a=1.0, b=1.0):
        self.a = check_real(a, "a", positive=True)
        self.b = check_real(b, "b", positive=True)
        self._prior = {"a": self.a, "b": self.b}
        self.n = 0
        self.successes = 0

    def _stats_text(self):
        return f"{self.successes} successes"

    def update(self, data) -> "BetaBernoulli":
        """The posterior after observing 0/1 outcomes ``data`` (a new object).

        Parameters
        ----------
        data : array_like of {0, 1} or bool
            Bernoulli outcomes (any shape; flattened).  Empty data changes nothing.

        Returns
        -------
        BetaBernoulli
            With ``a + s`` and ``b + n - s``; the prior is remembered.
        """
        x = _as_observations(data)
        bad = (x != 0) & (x != 1)
        if bad.any():
            raise ValueError("data must hold only 0 and 1 (Bernoulli outcomes), "
                             f"got {float(x[bad][0])!r}")
        n = int(x.size)
        s = int(np.count_nonzero(x))
        a_n, b_n = self.a + s, self.b + (n - s)
        step("Sufficient statistics", "n = number of trials, s = Σ x_i (successes)", n=n, s=s)
        step("Posterior hyper-parameters", "a' = a + s,  b' = b + n - s",
             a=self.a, b=self.b, a_post=a_n, b_post=b_n, posterior_mean=a_n / (a_n + b_n))
        out = object.__new__(BetaBernoulli)
        out.a, out.b, out._prior = a_n, b_n, self._prior
        out.n, out.successes = self.n + n, self.successes + s
        return out

    def mean(self) -> float:
        """Posterior mean of ``theta``: ``a / (a + b)``."""
        return self.a / (self.a + self.b)

    @property
    def prior(self):
        """The prior ``Beta(a0, b0)``."""
        from .distributions.gamma_beta import Beta
        return Beta(self._prior["a"], self._prior["b"])

    @property
    def posterior(self):
        """The posterior ``Beta(a, b)``."""
        from .distributions.gamma_beta import Beta
        return Beta(self.a, self.b)

    def posterior_predictive(self):
        """The next outcome's distribution, ``Bernoulli(a / (a + b))``."""
        from .distributions.discrete import Bernoulli
        p = self.mean()
        step("Posterior predictive", "P(x_new = 1 | data) = a / (a + b)", a=self.a, b=self.b, p=p)
        return Bernoulli(p)


class NormalNormal(_Conjugate):
    r"""Normal prior on the mean ``mu`` of normal data with known standard deviation.

    Parameters
    ----------
    mu0 : float
        Prior mean of ``mu``.
    tau0 : float
        Prior standard deviation of ``mu`` (> 0): ``mu ~ N(mu0, tau0^2)``.
    sigma : float
        The known standard deviation of each observation (> 0):
        ``x_i | mu ~ N(mu, sigma^2)``.

    Attributes
    ----------
    mu, tau : float
        The current (posterior) mean and standard deviation of ``mu``.
    sigma : float
        The observation noise (unchanged by updating).
    n, sum_x : int, float
        Observations and their sum so far (the sufficient statistics).

    Notes
    -----
    Precisions add: ``1/tau_n^2 = 1/tau0^2 + n/sigma^2``, and the posterior
    mean is the precision-weighted average
    ``mu_n = tau_n^2 (mu0/tau0^2 + Σ x_i / sigma^2)``.  Posterior predictive
    ``x_new ~ N(mu_n, sigma^2 + tau_n^2)``.  Each update starts from the
    current posterior, so updating in batches equals updating at once (up to
    rounding).

    References
    ----------
    A. Gelman et al., *Bayesian Data Analysis*, 3rd ed., CRC 2013, sec. 2.5.
    K. P. Murphy, "Conjugate Bayesian analysis of the Gaussian distribution" (2007).

    Examples
    --------
    Prior ``N(0, 1)``, noise ``sigma = 1``, data ``[1, 2, 3]``: precision
    ``1 + 3 = 4`` so ``tau_n = 0.5``, and ``mu_n = (0 + 6) / 4 = 1.5``.

    >>> m = NormalNormal(0.0, 1.0, 1.0).update([1.0, 2.0, 3.0])
    >>> m.mu, m.tau
    (1.5, 0.5)
    """

    _names = ("mu", "tau")
    _family = "Normal"

    def __init__(self, mu0, tau0, sigma):
        self.mu = check_real(mu0, "mu0")
        self.tau = check_real(tau0, "tau0", positive=True)
        self.sigma = check_real(sigma, "sigma", positive=True)
        self._prior = {"mu0": self.mu, "tau0": self.tau}
        self.n = 0
        self.sum_x = 0.0

    @property
    def params(self) -> dict:
        return {"mu": self.mu, "tau": self.tau, "sigma": self.sigma}

    def _stats_text(self):
        return f"sum {format_number(self.sum_x)}"

    def update(self, data) -> "NormalNormal":
        """The posterior after observing real values ``data`` (a new object).

        Parameters
        ----------
        data : array_like of float
            Observations (any shape; flattened).  Empty data changes nothing.

        Returns
        -------
        NormalNormal
            With ``mu_n``, ``tau_n`` from the precision-weighted update.
        """
        x = _as_observations(data)
        n = int(x.size)
        sum_x = float(np.sum(x))
        sigma2 = self.sigma * self.sigma
        prec0 = 1.0 / (self.tau * self.tau)
        prec_n = prec0 + n / sigma2
        tau2_n = 1.0 / prec_n
        mu_n = tau2_n * (self.mu * prec0 + sum_x / sigma2)
        tau_n = math.sqrt(tau2_n)
        if active():
            step("Sufficient statistics", "n, Σ x_i (and x̄ = Σ x_i / n)", n=n, sum_x=sum_x,
                 xbar=sum_x / n if n else float("nan"))
            step("Posterior precision", "1/tau_n^2 = 1/tau^2 + n/sigma^2",
                 prior_precision=prec0, data_precision=n / sigma2, precision=prec_n,
                 tau_n=tau_n)
            step("Posterior mean", "mu_n = tau_n^2 (mu/tau^2 + Σ x_i/sigma^2)",
                 mu=self.mu, tau=self.tau, sigma=self.sigma, mu_n=mu_n)
        out = object.__new__(NormalNormal)
        out.mu, out.tau, out.sigma, out._prior = mu_n, tau_n, self.sigma, self._prior
        out.n, out.sum_x = self.n + n, self.sum_x + sum_x
        return out

    def mean(self) -> float:
        """Posterior mean of ``mu``: ``mu_n``."""
        return self.mu

    @property
    def prior(self):
        """The prior ``Normal(mu0, tau0)`` of ``mu``."""
        from .distributions.normal import Normal
        return Normal(self._prior["mu0"], self._prior["tau0"])

    @property
    def posterior(self):
        """The posterior ``Normal(mu_n, tau_n)`` of ``mu``."""
        from .distributions.normal import Normal
        return Normal(self.mu, self.tau)

    def posterior_predictive(self):
        """The next observation's distribution, ``Normal(mu_n, sqrt(sigma^2 + tau_n^2))``."""
        from .distributions.normal import Normal
        scale = math.hypot(self.sigma, self.tau)
        step("Posterior predictive", "x_new ~ N(mu_n, sigma^2 + tau_n^2)", mu_n=self.mu,
             sigma=self.sigma, tau_n=self.tau, scale=scale)
        return Normal(self.mu, scale)


class GammaPoisson(_Conjugate):
    r"""Gamma prior on the rate ``lam`` of Poisson counts.

    Parameters
    ----------
    shape : float
        Prior shape ``alpha > 0`` (acts as prior total count).
    rate : float
        Prior rate ``beta > 0`` (acts as prior number of intervals):
        ``lam ~ Gamma(alpha, rate=beta)``, mean ``alpha / beta``.

    Attributes
    ----------
    shape, rate : float
        The current (posterior) hyper-parameters.
    n, total : int
        Observations and their total count so far (the sufficient statistics).

    Notes
    -----
    The likelihood of counts ``x_i`` is proportional to
    ``lam^(Σ x_i) exp(-n lam)``, so ``Gamma(alpha, beta)`` becomes
    ``Gamma(alpha + Σ x_i, beta + n)``; posterior mean ``alpha / beta``.
    The posterior predictive of a new count is negative binomial,
    ``NegativeBinomial(r = alpha, p = beta / (beta + 1))`` (failures before
    the r-th success), with mean ``alpha / beta`` and variance
    ``alpha (beta + 1) / beta^2``.

    References
    ----------
    A. Gelman et al., *Bayesian Data Analysis*, 3rd ed., CRC 2013, sec. 2.6.

    Examples
    --------
    Prior ``Gamma(2, rate=1)``, counts ``[3, 5, 4]``: ``Gamma(2 + 12, 1 + 3)``.

    >>> m = GammaPoisson(2.0, 1.0).update([3, 5, 4])
    >>> m.shape, m.rate, m.mean()
    (14.0, 4.0, 3.5)
    """

    _names = ("shape", "rate")
    _family = "Gamma"

    def __init__(self, shape, rate):
        self.shape = check_real(shape, "shape", positive=True)
        self.rate = check_real(rate, "rate", positive=True)
        self._prior = {"shape": self.shape, "rate": self.rate}
        self.n = 0
        self.total = 0

    def _stats_text(self):
        return f"total count {self.total}"

    def update(self, data) -> "GammaPoisson":
        """The posterior after observing counts ``data`` (a new object).

        Parameters
        ----------
        data : array_like of non-negative integers
            Poisson counts (any shape; flattened).  Empty data changes nothing.

        Returns
        -------
        GammaPoisson
            With ``shape + Σ x_i`` and ``rate + n``.
        """
        x = _as_observations(data)
        bad = (x < 0) | (x != np.floor(x))
        if bad.any():
            raise ValueError("data must hold non-negative integer counts, "
                             f"got {float(x[bad][0])!r}")
        n = int(x.size)
        total = int(np.sum(x))
        shape_n, rate_n = self.shape + total, self.rate + n
        step("Sufficient statistics", "n = number of observations, Σ x_i = total count",
             n=n, total=total)
        step("Posterior hyper-parameters", "alpha' = alpha + Σ x_i,  beta' = beta + n",
             shape=self.shape, rate=self.rate, shape_post=shape_n, rate_post=rate_n,
             posterior_mean=shape_n / rate_n)
        out = object.__new__(GammaPoisson)
        out.shape, out.rate, out._prior = shape_n, rate_n, self._prior
        out.n, out.total = self.n + n, self.total + total
        return out

    def mean(self) -> float:
        """Posterior mean of the rate: ``shape / rate``."""
        return self.shape / self.rate

    @property
    def prior(self):
        """The prior ``Gamma(shape0, rate=rate0)``."""
        from .distributions.gamma_beta import Gamma
        return Gamma(self._prior["shape"], rate=self._prior["rate"])

    @property
    def posterior(self):
        """The posterior ``Gamma(shape, rate=rate)``."""
        from .distributions.gamma_beta import Gamma
        return Gamma(self.shape, rate=self.rate)

    def posterior_predictive(self):
        """The next count's distribution, ``NegativeBinomial(r=shape, p=rate/(rate+1))``."""
        from .distributions.discrete import NegativeBinomial
        p = self.rate / (self.rate + 1.0)
        step("Posterior predictive", "x_new ~ NegativeBinomial(r = alpha, p = beta / (beta + 1))",
             r=self.shape, p=p, mean=self.shape / self.rate,
             var=self.shape * (self.rate + 1.0) / (self.rate * self.rate))
        return NegativeBinomial(self.shape, p)
