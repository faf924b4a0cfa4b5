"""Simulated annealing: global minima of multimodal functions, schedules, acceptance, explain."""
import math

import numpy as np
import pytest

import mathforml
from mathforml.optimize.annealing import simulated_annealing, temperature_schedule
from mathforml.optimize.functions import ackley, rastrigin


@pytest.mark.parametrize("f,half_width,T0", [(rastrigin, 5.12, 10.0), (ackley, 5.0, 5.0)])
def test_global_minimum_in_at_least_18_of_20_seeds(f, half_width, T0):
    found = 0
    for seed in range(20):
        x0 = np.random.default_rng(100 + seed).uniform(-half_width, half_width, 2)
        res = simulated_annealing(f, x0, T0=T0, maxiter=3000,
                                  bounds=[(-half_width, half_width)] * 2, rng=seed)
        found += bool(np.allclose(res.x, 0.0, atol=1e-4) and res.fun < 1e-6)
    assert found >= 18, found


def test_plain_local_search_fails_where_annealing_succeeds():
    """With T ~ 0 only downhill moves are taken: the walk stays in a local basin."""
    res = simulated_annealing(rastrigin, [3.0, 3.0], T0=1e-12, maxiter=2000, step_size=0.1,
                              bounds=[(-5.12, 5.12)] * 2, rng=0, polish=False)
    assert res.fun > 1.0
    res = simulated_annealing(rastrigin, [3.0, 3.0], T0=10.0, maxiter=3000,
                              bounds=[(-5.12, 5.12)] * 2, rng=0)
    assert res.fun < 1e-8


def test_schedules():
    T = temperature_schedule("geometric", 2.0, 100)
    assert T(0) == 2.0 and T(100) == pytest.approx(2e-4)
    T = temperature_schedule("linear", 2.0, 100)
    assert T(50) == 1.0 and T(100) == 0.0
    T = temperature_schedule("logarithmic", 3.0, 10)
    assert T(5) == pytest.approx(3.0 / math.log(5 + math.e))
    with pytest.raises(ValueError, match="schedule must be one of 'geometric', 'linear', "
                                         "'logarithmic'; got 'fast'"):
        temperature_schedule("fast", 1.0, 10)
    with pytest.raises(ValueError, match="cooling must be in"):
        temperature_schedule("geometric", 1.0, 10, cooling=1.5)


def test_metropolis_acceptance_probability_is_followed():
    """On a flat landscape plus a fixed uphill step, the acceptance rate is exp(-delta/T)."""
    delta, T = 0.7, 1.0
    # f alternates between two levels: every move from the low level goes uphill by delta
    f = lambda x: 0.0 if x[0] < 0.5 else delta

    def neighbour(x, rng):
        return np.array([1.0 if x[0] < 0.5 else 0.0])

    res = simulated_annealing(f, [0.0], schedule=lambda k: T, neighbour=neighbour,
                              maxiter=20_000, rng=3, polish=False)
    acc = np.array(res.history.extra["accepted"][1:])
    low = res.history.x[:-1, 0] < 0.5                   # state before each proposal
    rate_up = acc[low].mean()
    n_up = low.sum()
    p = math.exp(-delta / T)
    assert abs(rate_up - p) < 5 * math.sqrt(p * (1 - p) / n_up)
    assert acc[~low].all()                              # downhill moves always accepted


def test_reproducible_and_explained():
    kw = dict(T0=5.0, maxiter=300, bounds=[(-5, 5)] * 2, rng=7)
    with mathforml.explain(head=5, every=100) as work:
        a = simulated_annealing(ackley, [2.0, 2.0], **kw)
    b = simulated_annealing(ackley, [2.0, 2.0], **kw)
    assert np.array_equal(a.x, b.x) and a.fun == b.fun
    steps = work.find("Step")
    assert steps and {"T", "delta", "u", "decision", "p_accept"} <= set(steps[0].values)
    assert steps[0].values["decision"] in ("accept", "reject")
    assert len(steps) < 300
    for s in steps:   # the decision follows the rule it shows
        v = s.values
        if v["decision"] == "accept":
            assert v["delta"] <= 0 or v["u"] < v["p_accept"]
        else:
            assert v["delta"] > 0 and v["u"] >= v["p_accept"]
    assert work.find("Result")


def test_bounds_respected_and_bad_input():
    seen = []
    res = simulated_annealing(lambda x: -(x ** 2).sum(), [0.0, 0.0], bounds=[(-1, 1), (0, 2)],
                              maxiter=500, rng=0, polish=False,
                              callback=lambda xb: seen.append(xb) and False)
    X = res.history.x
    assert (X[:, 0] >= -1).all() and (X[:, 0] <= 1).all() and (X[:, 1] >= 0).all()
    with pytest.raises(ValueError, match="T0 must be > 0"):
        simulated_annealing(rastrigin, [1.0], T0=0.0)
    with pytest.raises(ValueError, match="step_size must be > 0"):
        simulated_annealing(rastrigin, [1.0], step_size=-1.0)
    with pytest.raises(ValueError, match="outside the bounds"):
        simulated_annealing(rastrigin, [9.0], bounds=[(-1, 1)])
    with pytest.raises(ValueError, match=r"bounds must have shape \(2, 2\)"):
        simulated_annealing(rastrigin, [1.0, 1.0], bounds=[(-1, 1)])
    with pytest.raises(ValueError, match="not finite"):
        simulated_annealing(lambda x: float("nan"), [1.0])
