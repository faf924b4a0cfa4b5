r"""A genetic algorithm: selection, crossover and mutation over a population.

Evolution as search: keep a population of candidate solutions, let the fitter
ones (lower objective) reproduce more often, mix parents by crossover, perturb
children by mutation, and carry the best few over unchanged (elitism).  Works
on real vectors inside a box and on bit strings.

>>> res = genetic_algorithm(lambda x: ((x - 1.0) ** 2).sum(), bounds=[(-5, 5)] * 2, rng=0)
>>> np.allclose(res.x, [1.0, 1.0], atol=1e-6)
True
"""
from __future__ import annotations

import numpy as np

from .._validation import as_rng, check_int, check_option, check_real
from ..explain import active, section
from ..explain import step as record
from ._result import History, OptimizeResult

__all__ = ["genetic_algorithm"]

SELECTIONS = ("tournament", "roulette")


def _evaluate(fun, pop, args, vectorized):
    if vectorized:
        f = np.asarray(fun(pop, *args), dtype=float).reshape(len(pop))
    else:
        f = np.fromiter((float(fun(ind, *args)) for ind in pop), dtype=float, count=len(pop))
    return np.where(np.isnan(f), np.inf, f)          # NaN never wins a selection


def _select(f, n, selection, k, rng):
    """Indices of n parents chosen from objective values f (lower is fitter)."""
    if selection == "tournament":
        contenders = rng.integers(0, len(f), size=(n, k))
        return contenders[np.arange(n), np.argmin(f[contenders], axis=1)]
    # roulette: probability proportional to fitness = (worst - f) + a small floor
    finite = np.isfinite(f)
    worst = f[finite].max() if finite.any() else 0.0
    fit = np.where(finite, worst - f, 0.0)
    spread = fit.max()
    fit = fit + (1e-3 * spread if spread > 0 else 1.0)
    cum = np.cumsum(fit)
    return np.minimum(np.searchsorted(cum, rng.random(n) * cum[-1], side="right"), len(f) - 1)


def genetic_algorithm(fun, bounds=None, *, n_bits: int | None = None, args=(),
                      population_size: int = 60, generations: int = 150,
                      selection: str = "tournament", tournament_size: int = 3,
                      crossover_rate: float = 0.9, mutation_rate: float | None = None,
                      mutation_scale: float = 0.1, elitism: int = 2, vectorized: bool = False,
                      polish: bool = True, rng=None, callback=None) -> OptimizeResult:
    r"""Minimise ``fun`` with a generational genetic algorithm.

    Parameters
    ----------
    fun : callable
        ``fun(individual, *args) -> float`` to minimise; with
        ``vectorized=True``, ``fun(population) -> (population_size,)``.
    bounds : sequence of (low, high)
        Real encoding: the box the genes live in (one pair per variable).
    n_bits : int
        Binary encoding instead: individuals are 0/1 integer arrays of this length.
    population_size : int, default 60
    generations : int, default 150
    selection : {"tournament", "roulette"}
        Tournament: the best of ``tournament_size`` random individuals.
        Roulette: probability proportional to the fitness
        :math:`(f_{\max} - f_i) + \epsilon` (objective values turned into
        fitness so lower is better).
    crossover_rate : float in [0, 1]
        Probability that a pair of parents is recombined (else copied).
        Real vectors: blend crossover BLX-0.5 per gene; bit strings:
        single-point crossover.
    mutation_rate : float, optional
        Per-gene mutation probability (default ``1 / n_genes``).  Real genes
        get Gaussian noise of standard deviation ``mutation_scale * (high -
        low)`` (clipped into the box); bits are flipped.
    elitism : int, default 2
        The best individuals copied unchanged into the next generation.
    polish : bool, default True
        Real encoding: refine the best individual with Nelder–Mead at the end.
    rng : None, int or Generator
    callback : callable, optional
        ``callback(best_x)`` after each generation; a truthy return stops.

    Returns
    -------
    OptimizeResult
        ``x``, ``fun``, ``nit`` (generations), ``nfev``; ``history`` holds the
        best individual and value per generation, with ``extra["mean"]`` the
        population's mean objective.

    Notes
    -----
    One generation: evaluate :math:`f` on the population; keep the
    ``elitism`` best; fill the rest with children: select two parents,
    with probability ``crossover_rate`` recombine them
    (BLX-α: child gene uniform on :math:`[\min - \alpha d, \max + \alpha d]`,
    :math:`d = |p_1 - p_2|`, α = 0.5), then mutate each gene with probability
    ``mutation_rate``.  All of it is vectorised over the population.

    References
    ----------
    J. H. Holland, *Adaptation in Natural and Artificial Systems*, 1975;
    L. J. Eshelman and J. D. Schaffer, "Real-coded genetic algorithms and
    interval-schemata" (BLX-α), 1993.

    Examples
    --------
    OneMax: the bit string with the most ones.

    >>> res = genetic_algorithm(lambda b: -b.sum(), n_bits=20, rng=1)
    >>> int(-res.fun)
    20
    """
    if not callable(fun):
        raise TypeError(f"fun must be callable, got {type(fun).__name__}")
    if (bounds is None) == (n_bits is None):
        raise ValueError("give exactly one of bounds (real vectors) and n_bits (bit strings)")
    binary = n_bits is not None
    if binary:
        n = check_int(n_bits, "n_bits", minimum=1)
    else:
        b = np.asarray(bounds, dtype=float)
        if b.ndim != 2 or b.shape[1] != 2 or b.shape[0] == 0:
            raise ValueError(f"bounds must be a sequence of (low, high) pairs, got shape {b.shape}")
        if not np.isfinite(b).all() or not (b[:, 0] < b[:, 1]).all():
            raise ValueError("bounds need finite low < high in every coordinate")
        lo, hi = b[:, 0], b[:, 1]
        n = b.shape[0]
    P = check_int(population_size, "population_size", minimum=2)
    G = check_int(generations, "generations", minimum=1)
    check_option(selection, "selection", SELECTIONS)
    k = check_int(tournament_size, "tournament_size", minimum=1)
    cx = check_real(crossover_rate, "crossover_rate")
    if not 0 <= cx <= 1:
        raise ValueError(f"crossover_rate must be in [0, 1], got {cx}")
    pm = 1.0 / n if mutation_rate is None else check_real(mutation_rate, "mutation_rate")
    if not 0 <= pm <= 1:
        raise ValueError(f"mutation_rate must be in [0, 1], got {pm}")
    scale = check_real(mutation_scale, "mutation_scale", positive=True)
    elite = check_int(elitism, "elitism", minimum=0, maximum=P - 1)
    rng = as_rng(rng)

    pop = (rng.integers(0, 2, size=(P, n)) if binary
           else lo + (hi - lo) * rng.random((P, n)))
    f = _evaluate(fun, pop, args, vectorized)
    nfev = P
    hist = History()
    best = int(np.argmin(f))
    hist.append(pop[best], f[best], np.nan, 0.0, mean=float(np.mean(f[np.isfinite(f)]))
                if np.isfinite(f).any() else np.inf)
    n_children = P - elite
    n_pairs = (n_children + 1) // 2
    message = f"finished {G} generations"
    gen = 0
    with section(f"Genetic algorithm ({'bit strings' if binary else 'real vectors'}, "
                 f"{selection} selection, population {P})"):
        for gen in range(1, G + 1):
            order = np.argsort(f, kind="stable")
            elites = pop[order[:elite]]
            parents = _select(f, 2 * n_pairs, selection, k, rng)
            p1, p2 = pop[parents[:n_pairs]], pop[parents[n_pairs:]]
            do_cx = rng.random(n_pairs) < cx
            if binary:
                cut = rng.integers(1, n, size=n_pairs) if n > 1 else np.ones(n_pairs, int)
                left = np.arange(n) < cut[:, None]
                c1 = np.where(left, p1, p2)
                c2 = np.where(left, p2, p1)
                c1 = np.where(do_cx[:, None], c1, p1)
                c2 = np.where(do_cx[:, None], c2, p2)
                children = np.concatenate([c1, c2])[:n_children]
                flip = rng.random(children.shape) < pm
                children = np.where(flip, 1 - children, children)
            else:
                lo_p, hi_p = np.minimum(p1, p2), np.maximum(p1, p2)
                d = hi_p - lo_p
                a, bb = lo_p - 0.5 * d, hi_p + 0.5 * d
                c1 = a + (bb - a) * rng.random(p1.shape)
                c2 = a + (bb - a) * rng.random(p1.shape)
                c1 = np.where(do_cx[:, None], c1, p1)
                c2 = np.where(do_cx[:, None], c2, p2)
                children = np.concatenate([c1, c2])[:n_children]
                mutate = rng.random(children.shape) < pm
                noise = rng.standard_normal(children.shape) * (scale * (hi - lo))
                children = np.clip(np.where(mutate, children + noise, children), lo, hi)
            f_children = _evaluate(fun, children, args, vectorized)
            nfev += len(children)
            pop = np.concatenate([elites, children])
            f = np.concatenate([f[order[:elite]], f_children])
            best = int(np.argmin(f))
            finite = np.isfinite(f)
            mean = float(f[finite].mean()) if finite.any() else np.inf
            prev = hist._x[-1]
            hist.append(pop[best], f[best], np.nan,
                        float(np.sqrt(((pop[best] - prev) ** 2).sum())), mean=mean)
            record("Generation", "elites + mutate(crossover(select(parents)))", iteration=gen,
                   best_f=f[best], mean_f=mean, best_x=pop[best] if active() else None)
            if callback is not None and callback(pop[best].copy()):
                message = "stopped by callback"
                break
    x_best, f_best = pop[best].copy(), float(f[best])
    if polish and not binary and np.isfinite(f_best):
        import warnings

        from ..explain import silenced
        from .nelder_mead import nelder_mead
        with silenced(), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            local = nelder_mead(lambda v: float(fun(v, *args)) if not vectorized
                                else float(np.asarray(fun(v[None, :], *args)).reshape(-1)[0]),
                                x_best, xatol=1e-10, fatol=1e-14, maxiter=2000 * n, maxfev=4000 * n)
        nfev += local.nfev
        if local.fun < f_best and ((local.x >= lo) & (local.x <= hi)).all():
            if active():
                record("Polish", "Nelder-Mead from the best individual", x_before=x_best,
                       f_before=f_best, x=local.x, f=local.fun)
            x_best, f_best = local.x.copy(), float(local.fun)
    if active():
        record("Result", "the best individual", x=x_best, f=f_best, generations=gen, nfev=nfev)
    return OptimizeResult(x=x_best, fun=f_best, jac=None, nit=gen, nfev=nfev, njev=0, nhev=0,
                          success=bool(np.isfinite(f_best)), status=0 if np.isfinite(f_best) else 3,
                          message=message if np.isfinite(f_best) else
                          "no individual had a finite objective value", history=hist)
