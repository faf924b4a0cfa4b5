"""Test-function starts shared by the SciPy iteration-count comparisons (Newton, quasi-Newton)."""
import numpy as np

from mathforml.optimize.functions import TEST_FUNCTIONS


def comparison_starts(with_styblinski_tang_5d: bool = False):
    """(name, function record, start): Rosenbrock from three starts, then two random starts
    (seed 5, half the usual domain) for Beale, Booth, Himmelblau, Styblinski-Tang and the
    quadratic; optionally a 5-D Styblinski-Tang start from the same stream."""
    rng = np.random.default_rng(5)
    cases = [("rosenbrock", TEST_FUNCTIONS["rosenbrock"], np.array([-1.2, 1.0])),
             ("rosenbrock", TEST_FUNCTIONS["rosenbrock"], np.array([2.0, -1.0])),
             ("rosenbrock10", TEST_FUNCTIONS["rosenbrock"].for_dim(10), np.zeros(10))]
    for name in ("beale", "booth", "himmelblau", "styblinski_tang", "quadratic"):
        rec = TEST_FUNCTIONS[name]
        for _ in range(2):
            lo, hi = np.array(rec.domain).T
            cases.append((name, rec, rng.uniform(lo, hi) * 0.5))
    if with_styblinski_tang_5d:
        rec5 = TEST_FUNCTIONS["styblinski_tang"].for_dim(5)
        cases.append(("styblinski_tang5", rec5, rng.uniform(-2.5, 2.5, 5)))
    return cases
