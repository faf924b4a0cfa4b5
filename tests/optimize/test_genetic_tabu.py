"""Genetic algorithm and tabu search: global minima, a knapsack and a 10-city tour."""
import itertools

import numpy as np
import pytest

import mathforml
from mathforml.optimize.functions import ackley, rastrigin
from mathforml.optimize.genetic import genetic_algorithm
from mathforml.optimize.tabu import (bit_flip_neighbours, flip_swap_neighbours, tabu_search,
                                     tour_length, two_opt_neighbours)


# -- genetic algorithm -----------------------------------------------------------
@pytest.mark.parametrize("f,half_width", [(rastrigin, 5.12), (ackley, 5.0)])
@pytest.mark.parametrize("selection", ["tournament", "roulette"])
def test_ga_global_minimum_in_at_least_18_of_20_seeds(f, half_width, selection):
    found = 0
    for seed in range(20):
        res = genetic_algorithm(f, bounds=[(-half_width, half_width)] * 2, selection=selection,
                                generations=100, rng=seed)
        found += bool(np.allclose(res.x, 0.0, atol=1e-4) and res.fun < 1e-6)
    assert found >= 18, found


def test_ga_bit_strings_knapsack_and_onemax():
    res = genetic_algorithm(lambda b: -float(b.sum()), n_bits=30, rng=0, generations=200)
    assert res.fun == -30
    v, w, cap = _knapsack()
    best = _knapsack_optimum(v, w, cap)
    res = genetic_algorithm(lambda b: -(v @ b) + 1000 * max(0, w @ b - cap), n_bits=len(v),
                            rng=2, generations=200, population_size=80)
    assert -res.fun == best


def test_ga_elitism_keeps_best_monotone_and_explains():
    with mathforml.explain(head=3, every=20) as work:
        res = genetic_algorithm(rastrigin, bounds=[(-5.12, 5.12)] * 3, rng=4, generations=60,
                                polish=False)
    assert (np.diff(res.history.f) <= 0).all()           # elites carry the best over
    gens = work.find("Generation")
    assert gens and {"best_f", "mean_f"} <= set(gens[0].values)
    assert gens[0].values["mean_f"] >= gens[0].values["best_f"]
    assert len(gens) < 60
    again = genetic_algorithm(rastrigin, bounds=[(-5.12, 5.12)] * 3, rng=4, generations=60,
                              polish=False)
    assert np.array_equal(res.x, again.x)


def test_ga_vectorized_matches_loop():
    kw = dict(bounds=[(-3, 3)] * 2, rng=5, generations=20, polish=False)
    a = genetic_algorithm(lambda x: (x ** 2).sum(), **kw)
    b = genetic_algorithm(lambda P: (P ** 2).sum(axis=1), vectorized=True, **kw)
    assert np.array_equal(a.x, b.x)


@pytest.mark.parametrize("kwargs,err,match", [
    ({}, ValueError, "exactly one of bounds"),
    ({"bounds": [(1, 0)]}, ValueError, "low < high"),
    ({"bounds": [(0, 1)], "selection": "rank"}, ValueError, "selection must be one of"),
    ({"bounds": [(0, 1)], "crossover_rate": 2.0}, ValueError, "crossover_rate must be in"),
    ({"bounds": [(0, 1)], "population_size": 1}, ValueError, "population_size must be >= 2"),
    ({"bounds": [(0, 1)], "elitism": 60}, ValueError, "elitism must be <= 59"),
])
def test_ga_bad_input(kwargs, err, match):
    with pytest.raises(err, match=match):
        genetic_algorithm(lambda x: 0.0, **kwargs)


# -- tabu search ------------------------------------------------------------------
def _knapsack():
    v = np.array([60, 100, 120, 80, 30, 70, 90, 40, 55, 65, 25, 85])
    w = np.array([10, 20, 30, 15, 5, 12, 22, 8, 11, 14, 4, 18])
    return v, w, 70


def _knapsack_optimum(v, w, cap):
    """Dynamic programming over capacities: the exact optimum."""
    best = np.zeros(cap + 1, dtype=int)
    for vi, wi in zip(v, w):
        best[wi:] = np.maximum(best[wi:], best[:cap + 1 - wi] + vi)
    return int(best[cap])


@pytest.mark.parametrize("seed", [None, 1, 2, 3])
def test_tabu_knapsack_optimum(seed):
    if seed is None:
        v, w, cap = _knapsack()
    else:
        rng = np.random.default_rng(seed)
        v, w = rng.integers(10, 100, 12), rng.integers(3, 30, 12)
        cap = int(w.sum() // 2)
    cost = lambda s: -(v @ s) + 1000 * max(0, w @ s - cap)
    res = tabu_search(np.zeros(len(v), dtype=int), flip_swap_neighbours, cost, tenure=5,
                      maxiter=100)
    assert -res.fun == _knapsack_optimum(v, w, cap)
    assert w @ res.x <= cap


def _held_karp(D):
    """Exact TSP by dynamic programming over subsets (Held–Karp)."""
    n = len(D)
    C = {(1 << k, k): (D[0, k], 0) for k in range(1, n)}
    for size in range(2, n):
        for subset in itertools.combinations(range(1, n), size):
            bits = sum(1 << k for k in subset)
            for k in subset:
                prev = bits & ~(1 << k)
                C[(bits, k)] = min((C[(prev, m)][0] + D[m, k], m) for m in subset if m != k)
    full = (1 << n) - 2
    return min(C[(full, k)][0] + D[k, 0] for k in range(1, n))


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_tabu_ten_city_tour_is_optimal(seed):
    rng = np.random.default_rng(seed)
    P = rng.random((10, 2))
    D = np.sqrt(((P[:, None] - P[None]) ** 2).sum(-1))
    res = tabu_search(np.arange(10), two_opt_neighbours, lambda t: tour_length(t, D),
                      tenure=10, maxiter=150)
    assert res.fun == pytest.approx(_held_karp(D), rel=1e-12)
    assert sorted(res.x.tolist()) == list(range(10))


def test_tabu_walks_uphill_and_aspiration():
    """With a local minimum next to the start, plain descent stops; tabu search moves on."""
    landscape = np.array([1.0, 2.0, 4.0, 0.5, 5.0, -1.0])

    def neighbours(i):            # walk on a line; the move's attribute is the edge used
        for j in (i - 1, i + 1):
            if 0 <= j < len(landscape):
                yield ("edge", min(i, j)), j

    res = tabu_search(0, neighbours, lambda i: landscape[i], tenure=2, maxiter=20)
    assert res.x == 5 and res.fun == -1.0
    assert max(res.history.f[1:]) > 1.0                # it accepted worse positions on the way
    # without memory it oscillates between the local minimum 0 and its neighbour
    res = tabu_search(0, neighbours, lambda i: landscape[i], tenure=0, maxiter=20)
    assert res.x == 0 and res.fun == 1.0
    with mathforml.explain() as work:
        tabu_search(0, neighbours, lambda i: landscape[i], tenure=2, maxiter=5)
    assert work.find("Iteration")[0].values["move"] == "('edge', 0)"


def test_tabu_bad_input():
    with pytest.raises(TypeError, match="callable"):
        tabu_search(0, None, lambda s: 0.0)
    with pytest.raises(ValueError, match="tenure must be >= 0"):
        tabu_search(0, bit_flip_neighbours, lambda s: 0.0, tenure=-1)
    with pytest.raises(ValueError, match="not finite"):
        tabu_search(np.zeros(2), bit_flip_neighbours, lambda s: float("inf"))
