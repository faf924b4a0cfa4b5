r"""``mathforml explain`` commands of the probability pillar: bayes, ttest, entropy, kl.

::

    mathforml explain bayes --prior 0.01 --likelihood 0.9 --false-positive 0.09
    mathforml explain bayes --prior 0.1 --likelihood 0.5 --evidence 0.25
    mathforml explain ttest "5.1 4.9 5.6 5.8 6.0" --mu 5
    mathforml explain ttest "1 2 3 4 5" "2 4 5 6 9" [--paired | --equal-var]
    mathforml explain entropy "0.5 0.25 0.25" --base 2
    mathforml explain kl "0.5 0.5" "0.9 0.1"

Numbers and vectors are parsed without ``eval`` (:func:`mathforml.cli.parse_array`
and the safe expression parser for single values such as ``1/3``).
"""
from __future__ import annotations

from typing import NamedTuple

import numpy as np

from .cli import REQUIRED, ExpressionCommand, InputError, _choice, _one_value, parse_array

__all__ = ["PROBABILITY_COMMANDS"]


def _probability(text, what: str) -> float:
    value = _one_value(text, what)
    if not 0.0 <= value <= 1.0:
        raise InputError(f"{what} must be a probability in [0, 1], got {value:g}")
    return value


def _vector(text: str, what: str) -> np.ndarray:
    try:
        v = np.atleast_1d(parse_array(text))
    except InputError as exc:
        raise InputError(f"{what}: {exc}") from None
    if v.ndim != 1:
        raise InputError(f"{what} must be a vector, got shape {v.shape}")
    if not np.isfinite(v).all():
        raise InputError(f"{what} contains NaN or infinity")
    return v


# -- bayes ------------------------------------------------------------------
class BayesOutput(NamedTuple):
    prior: float
    likelihood: float
    evidence: float
    posterior: float


def _prepare_bayes(ns):
    prior = _probability(ns.prior, "--prior")
    likelihood = _probability(ns.likelihood, "--likelihood")
    given = [o for o in ("evidence", "false_positive") if getattr(ns, o) is not None]
    if len(given) != 1:
        raise InputError("give exactly one of --evidence (P(B)) and --false-positive "
                         "(P(B | not A)), got " + ("both" if given else "neither"))
    if ns.evidence is not None:
        kwargs = {"evidence": _probability(ns.evidence, "--evidence")}
    else:
        kwargs = {"false_positive": _probability(ns.false_positive, "--false-positive")}

    def run():
        from .probability.bayes import bayes_theorem
        r = bayes_theorem(prior, likelihood, **kwargs)
        return BayesOutput(prior, likelihood, float(r.evidence), float(r.posterior))

    return run


# -- ttest ------------------------------------------------------------------
class TTestOutput(NamedTuple):
    test: str
    statistic: float
    df: float
    pvalue: float
    confidence_interval: tuple


def _prepare_ttest(ns):
    a = _vector(ns.a, "sample a")
    b = None if ns.b is None else _vector(ns.b, "sample b")
    mu = _one_value(ns.mu, "--mu")
    if b is None and (ns.paired or ns.equal_var):
        raise InputError("--paired and --equal-var need a second sample b")
    if ns.paired and ns.equal_var:
        raise InputError("--paired and --equal-var cannot be combined")
    if not 0 < ns.confidence < 1:
        raise InputError(f"--confidence must be in (0, 1), got {ns.confidence:g}")

    def run():
        from .probability import hypothesis_tests as ht
        opts = {"alternative": ns.alternative, "confidence": ns.confidence}
        if b is None:
            r, name = ht.ttest_1samp(a, mu, **opts), f"one-sample t-test (H0: mean = {mu:g})"
        elif ns.paired:
            r, name = ht.ttest_rel(a, b, **opts), "paired t-test (H0: mean difference = 0)"
        else:
            r = ht.ttest_ind(a, b, equal_var=ns.equal_var, **opts)
            name = ("Student's two-sample t-test (pooled variance)" if ns.equal_var
                    else "Welch's two-sample t-test")
        ci = r.confidence_interval
        return TTestOutput(name, float(r.statistic), float(r.df), float(r.pvalue),
                           tuple(float(c) for c in ci) if ci is not None else ())

    return run


# -- entropy / kl ------------------------------------------------------------
def _base(text):
    if text is None:
        return None
    if text == "e":
        return None
    value = _one_value(text, "--base")
    if value <= 0 or value == 1:
        raise InputError(f"--base must be > 0 and != 1, got {value:g}")
    return value


class EntropyOutput(NamedTuple):
    p: np.ndarray
    entropy: float
    unit: str


def _unit(base) -> str:
    names = {None: "nats", 2.0: "bits", 10.0: "hartleys"}
    return names[base] if base in names else f"log base {base:g}"


def _prepare_entropy(ns):
    p = _vector(ns.p, "p")
    base = _base(ns.base)

    def run():
        from .probability.information import entropy
        return EntropyOutput(p, float(entropy(p, base=base)), _unit(base))

    return run


class KLOutput(NamedTuple):
    p: np.ndarray
    q: np.ndarray
    kl_divergence: float
    unit: str


def _prepare_kl(ns):
    p = _vector(ns.p, "p")
    q = _vector(ns.q, "q")
    if p.shape != q.shape:
        raise InputError(f"p and q must have the same length, got {p.size} and {q.size}")
    base = _base(ns.base)

    def run():
        from .probability.information import kl_divergence
        return KLOutput(p, q, float(kl_divergence(p, q, base=base)), _unit(base))

    return run


_BASE = ("--base", "base", str, None, "logarithm base: e (nats, default), 2 (bits) or 10")

PROBABILITY_COMMANDS: list[ExpressionCommand] = [
    ExpressionCommand(
        "bayes", _prepare_bayes,
        [("--prior", "prior", str, REQUIRED, "P(A), the prior probability of the hypothesis"),
         ("--likelihood", "likelihood", str, REQUIRED, "P(B | A), the probability of the "
                                                       "evidence when A holds"),
         ("--evidence", "evidence", str, None, "P(B), the probability of the evidence"),
         ("--false-positive", "false_positive", str, None,
          "P(B | not A); then P(B) comes from the law of total probability")],
        help="Bayes' theorem P(A | B) = P(B | A) P(A) / P(B), every term with its number",
        epilog="example: mathforml explain bayes --prior 0.01 --likelihood 0.9 "
               "--false-positive 0.09",
        args=()),
    ExpressionCommand(
        "ttest", _prepare_ttest,
        [("--mu", "mu", str, "0", "the mean under H0 for a one-sample test (default 0)"),
         ("--paired", "paired", "flag", False, "paired test on the differences a - b"),
         ("--equal-var", "equal_var", "flag", False,
          "pooled-variance (Student) test instead of Welch's"),
         ("--alternative", "alternative", _choice("two-sided", "less", "greater"), "two-sided",
          "two-sided (default), less or greater"),
         ("--confidence", "confidence", float, 0.95, "confidence level of the interval")],
        help="t-test: one sample, Welch two-sample (default), pooled or paired",
        epilog='example: mathforml explain ttest "5.1 4.9 5.6 5.8 6.0" --mu 5',
        args=(("a", 'the sample, e.g. "5.1 4.9 5.6" or "[5.1, 4.9, 5.6]"'),
              ("b", "a second sample (two-sample or paired test)", "?"))),
    ExpressionCommand(
        "entropy", _prepare_entropy, [_BASE],
        help="Shannon entropy H(p) = -sum p_i log p_i of a discrete distribution",
        epilog='example: mathforml explain entropy "0.5 0.25 0.25" --base 2',
        args=(("p", 'probabilities summing to 1, e.g. "0.5 0.25 0.25"'),)),
    ExpressionCommand(
        "kl", _prepare_kl, [_BASE],
        help="Kullback-Leibler divergence KL(p || q) = sum p_i log(p_i / q_i), term by term",
        epilog='example: mathforml explain kl "0.5 0.5" "0.9 0.1"',
        args=(("p", "the first distribution"), ("q", "the second distribution"))),
]
