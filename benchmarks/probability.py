"""Probability benchmark: our distributions and t-test against scipy.stats, one process.

Targets (issue 4): Normal.logpdf and Normal.cdf on 10^6 points <= 1.5x
scipy.stats.norm; sampling 10^6 variates of each distribution <= 1.5x its
scipy.stats ``rvs``; a two-sample t-test on 10^6 points <= 1.5x
scipy.stats.ttest_ind.  Each line is the median over alternating pairs of the
per-pair ratio ours / scipy (CPU time, one BLAS thread).  Both sides draw from
the same kind of generator (PCG64) with the same seed.

    python benchmarks/probability.py               # the table
    python benchmarks/probability.py --markdown    # for benchmarks/README.md
"""
from __future__ import annotations

import argparse

import numpy as np
import scipy.stats as st
from threadpoolctl import threadpool_limits

from _harness import machine_line, time_pair

from mathforml.probability import (Bernoulli, Beta, Binomial, Categorical, ChiSquared,
                                   Exponential, F, Gamma, Multinomial, MultivariateNormal,
                                   NegativeBinomial, Normal, Poisson, StudentT, Uniform)
from mathforml.probability.hypothesis_tests import ttest_ind

N = 1_000_000
TARGET = 1.5


def _gen(seed=0):
    return np.random.Generator(np.random.PCG64(seed))


def sampling_cases():
    """(name, ours, scipy frozen distribution) with the same parameters."""
    p3 = np.array([0.2, 0.5, 0.3])
    cov = np.array([[2.0, 0.6], [0.6, 1.0]])
    return [
        ("Normal(1, 2)", Normal(1.0, 2.0), st.norm(1.0, 2.0), N),
        ("MultivariateNormal (d=2)", MultivariateNormal([0.0, 1.0], cov),
         st.multivariate_normal([0.0, 1.0], cov), N // 2),
        ("Uniform(-1, 3)", Uniform(-1.0, 3.0), st.uniform(-1.0, 4.0), N),
        ("Exponential(rate 2)", Exponential(rate=2.0), st.expon(scale=0.5), N),
        ("Gamma(2.5, rate 2)", Gamma(2.5, rate=2.0), st.gamma(2.5, scale=0.5), N),
        ("Beta(2, 5)", Beta(2.0, 5.0), st.beta(2.0, 5.0), N),
        ("ChiSquared(4)", ChiSquared(4.0), st.chi2(4.0), N),
        ("StudentT(5)", StudentT(5.0), st.t(5.0), N),
        ("F(5, 12)", F(5.0, 12.0), st.f(5.0, 12.0), N),
        ("Bernoulli(0.3)", Bernoulli(0.3), st.bernoulli(0.3), N),
        ("Binomial(20, 0.3)", Binomial(20, 0.3), st.binom(20, 0.3), N),
        ("Poisson(4)", Poisson(4.0), st.poisson(4.0), N),
        ("NegativeBinomial(3, 0.4)", NegativeBinomial(3.0, 0.4), st.nbinom(3.0, 0.4), N),
        ("Multinomial(10, [.2,.5,.3])", Multinomial(10, p3), st.multinomial(10, p3), N // 3),
    ]


def run(repeat: int):
    rows = []
    rng = np.random.default_rng(1)
    x = rng.normal(1.0, 2.0, N)
    ours_n, ref_n = Normal(1.0, 2.0), st.norm(1.0, 2.0)
    for name, f_ours, f_ref in [("Normal.logpdf, 10^6 points", ours_n.logpdf, ref_n.logpdf),
                                ("Normal.cdf, 10^6 points", ours_n.cdf, ref_n.cdf)]:
        to, tr, ratio = time_pair(lambda: f_ours(x), lambda: f_ref(x), repeat)
        rows.append((name, to, tr, ratio, TARGET))
    for name, ours, ref, n in sampling_cases():
        g1, g2 = _gen(), _gen()
        to, tr, ratio = time_pair(lambda: ours.sample(n, rng=g1),
                                  lambda: ref.rvs(size=n, random_state=g2), repeat)
        rows.append((f"sample {name}, {n:,} draws", to, tr, ratio, TARGET))
    # Categorical has no scipy.stats counterpart: the reference is Generator.choice
    p = np.array([0.1, 0.2, 0.3, 0.4])
    cat = Categorical(p)
    g1, g2 = _gen(), _gen()
    to, tr, ratio = time_pair(lambda: cat.sample(N, rng=g1), lambda: g2.choice(4, size=N, p=p),
                              repeat)
    rows.append(("sample Categorical(4) vs Generator.choice", to, tr, ratio, TARGET))
    a = rng.normal(0.0, 1.0, N)
    b = rng.normal(0.01, 1.5, N)
    to, tr, ratio = time_pair(lambda: ttest_ind(a, b, equal_var=False),
                              lambda: st.ttest_ind(a, b, equal_var=False), repeat)
    rows.append(("Welch t-test, 2 x 10^6 points", to, tr, ratio, TARGET))
    return rows


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=21)
    ap.add_argument("--markdown", action="store_true")
    args = ap.parse_args(argv)
    with threadpool_limits(1):
        rows = run(args.repeat)
    print(machine_line())
    if args.markdown:
        print("\n| case | ours (ms) | scipy (ms) | ratio | target |")
        print("|---|---:|---:|---:|---:|")
        for name, to, tr, ratio, target in rows:
            ok = "met" if ratio <= target else "**missed**"
            print(f"| {name} | {to * 1e3:.2f} | {tr * 1e3:.2f} | {ratio:.2f} | <= {target} ({ok}) |")
    else:
        for name, to, tr, ratio, target in rows:
            flag = "" if ratio <= target else "   <-- above target"
            print(f"{name:48s} ours {to * 1e3:8.2f} ms  scipy {tr * 1e3:8.2f} ms  "
                  f"ratio {ratio:5.2f}{flag}")


if __name__ == "__main__":
    main()
