r"""Tabu search: best-neighbour local search with a short-term memory of forbidden moves.

From the current solution, look at every neighbour and move to the best one —
even if it is worse — so the search can walk out of local minima.  To stop it
walking straight back, the *attribute* of each move made (the bit flipped, the
pair of cities swapped) is tabu for ``tenure`` iterations.  A tabu move is
still allowed when it would give a new best solution (the aspiration
criterion).

Neighbourhoods that ship with the module: :func:`bit_flip_neighbours` and
:func:`flip_swap_neighbours` (binary vectors, e.g. knapsack) and
:func:`two_opt_neighbours` (tours, e.g. the travelling-salesman problem).

>>> values, weights = np.array([6, 5, 4]), np.array([4, 3, 2])
>>> cost = lambda s: -values @ s + 100 * max(0, weights @ s - 5)
>>> res = tabu_search(np.zeros(3, dtype=int), bit_flip_neighbours, cost, maxiter=20)
>>> res.x, res.fun
(array([0, 1, 1]), -9.0)
"""
from __future__ import annotations

from collections import deque

import numpy as np

from .._validation import check_int
from ..explain import active, section
from ..explain import step as record
from ._result import History, OptimizeResult

__all__ = ["tabu_search", "bit_flip_neighbours", "flip_swap_neighbours", "two_opt_neighbours", "tour_length"]


def bit_flip_neighbours(s):
    """Neighbours of a 0/1 vector: flip one bit.  Yields ``(attribute, neighbour)``, attribute = index.

    >>> [(i, n.tolist()) for i, n in bit_flip_neighbours(np.array([0, 1]))]
    [(0, [1, 1]), (1, [0, 0])]
    """
    s = np.asarray(s)
    for i in range(s.size):
        t = s.copy()
        t[i] = 1 - t[i]
        yield i, t


def flip_swap_neighbours(s):
    """Neighbours of a 0/1 vector: flip one bit, or swap a 1 and a 0 (exchange two items).

    The attribute is the set of indices changed, so undoing a move is tabu too.
    The swap moves let a knapsack search trade one item for another without
    passing through an infeasible or a much worse packing.

    >>> [sorted(a) for a, _ in flip_swap_neighbours(np.array([1, 0]))]
    [[0], [1], [0, 1]]
    """
    s = np.asarray(s)
    for i in range(s.size):
        t = s.copy()
        t[i] = 1 - t[i]
        yield frozenset((i,)), t
    ones, zeros = np.flatnonzero(s == 1), np.flatnonzero(s == 0)
    for i in ones:
        for j in zeros:
            t = s.copy()
            t[i], t[j] = 0, 1
            yield frozenset((int(i), int(j))), t


def two_opt_neighbours(tour):
    """Neighbours of a tour by 2-opt: reverse the segment ``tour[i:j+1]``; attribute ``(i, j)``.

    The first city stays fixed (tours are cycles), so a tour of n cities has
    :math:`(n-1)(n-2)/2` neighbours.

    >>> [t.tolist() for _, t in two_opt_neighbours(np.array([0, 1, 2, 3]))]
    [[0, 2, 1, 3], [0, 3, 2, 1], [0, 1, 3, 2]]
    """
    tour = np.asarray(tour)
    n = tour.size
    for i in range(1, n - 1):
        for j in range(i + 1, n):
            t = tour.copy()
            t[i:j + 1] = tour[i:j + 1][::-1]
            yield (int(tour[i]), int(tour[j])), t


def tour_length(tour, D) -> float:
    """Length of the closed tour through the distance matrix ``D``.

    >>> D = np.array([[0, 1, 2], [1, 0, 1], [2, 1, 0]])
    >>> tour_length([0, 1, 2], D)
    4.0
    """
    tour = np.asarray(tour)
    return float(np.asarray(D)[tour, np.roll(tour, -1)].sum())


def tabu_search(initial, neighbours, cost, *, tenure: int = 7, maxiter: int = 200,
                aspiration: bool = True, patience: int | None = None,
                callback=None) -> OptimizeResult:
    r"""Minimise ``cost`` over a discrete space by tabu search.

    Parameters
    ----------
    initial : object
        The starting solution (usually an ndarray).
    neighbours : callable
        ``neighbours(s)`` yields ``(attribute, neighbour)`` pairs; the
        attribute (hashable) identifies the move for the tabu list.
    cost : callable
        ``cost(s) -> float`` to minimise.
    tenure : int, default 7
        How many iterations a move attribute stays tabu.
    maxiter : int, default 200
    aspiration : bool, default True
        Allow a tabu move if it beats the best cost found so far.
    patience : int, optional
        Stop after this many iterations without a new best.
    callback : callable, optional
        ``callback(best)`` after each iteration; a truthy return stops.

    Returns
    -------
    OptimizeResult
        ``x`` the best solution, ``fun`` its cost, ``nit``, ``nfev``;
        ``history`` of the current cost per iteration with ``extra["best"]``.

    Notes
    -----
    Iteration: among the neighbours whose move is not tabu (or that satisfy
    aspiration), move to the one of least cost — uphill if need be — then
    append its attribute to the tabu list, a queue of length ``tenure``.

    References
    ----------
    F. Glover, "Tabu search — part I", ORSA Journal on Computing 1(3), 1989.

    Examples
    --------
    >>> D = np.array([[0, 2, 9, 10], [1, 0, 6, 4], [15, 7, 0, 8], [6, 3, 12, 0]])
    >>> res = tabu_search(np.arange(4), two_opt_neighbours, lambda t: tour_length(t, D))
    >>> res.fun
    21.0
    """
    if not callable(neighbours) or not callable(cost):
        raise TypeError("neighbours and cost must be callable")
    tenure = check_int(tenure, "tenure", minimum=0)
    maxiter = check_int(maxiter, "maxiter", minimum=1)
    if patience is not None:
        patience = check_int(patience, "patience", minimum=1)
    current = initial
    f_current = float(cost(current))
    if not np.isfinite(f_current):
        raise ValueError(f"cost(initial) is not finite: {f_current}")
    nfev = 1
    best, f_best = current, f_current
    tabu: deque = deque(maxlen=tenure) if tenure else deque(maxlen=0)
    hist = History()
    hist.append(np.atleast_1d(np.asarray(current, dtype=float)), f_current, np.nan, 0.0,
                best=f_best, move=None)
    since_best = 0
    message = f"tabu search finished its {maxiter} iterations"
    k = 0
    with section(f"Tabu search (tenure {tenure})"):
        for k in range(1, maxiter + 1):
            choice = None
            n_tabu = 0
            for attr, cand in neighbours(current):
                f_cand = float(cost(cand))
                nfev += 1
                is_tabu = attr in tabu
                if is_tabu:
                    n_tabu += 1
                    if not (aspiration and f_cand < f_best):
                        continue
                if choice is None or f_cand < choice[2]:
                    choice = (attr, cand, f_cand, is_tabu)
            if choice is None:
                message = "every neighbour is tabu and none satisfies aspiration"
                break
            attr, current, f_current, was_tabu = choice
            tabu.append(attr)
            improved = f_current < f_best
            if improved:
                best, f_best = current, f_current
                since_best = 0
            else:
                since_best += 1
            hist.append(np.atleast_1d(np.asarray(current, dtype=float)), f_current, np.nan, 1.0,
                        best=f_best, move=attr)
            record("Iteration", "move to the best non-tabu neighbour (aspiration: a tabu move "
                   "that beats the best)", iteration=k, move=str(attr), cost=f_current,
                   best=f_best, aspiration_used=bool(was_tabu), tabu_skipped=n_tabu,
                   tabu_list=str(list(tabu)) if active() else None)
            if callback is not None and callback(best):
                message = "stopped by callback"
                break
            if patience is not None and since_best >= patience:
                message = f"no improvement in {patience} iterations"
                break
    if active():
        record("Result", "the best solution seen", x=np.asarray(best), cost=f_best, nit=k)
    return OptimizeResult(x=best, fun=f_best, jac=None, nit=k, nfev=nfev, njev=0, nhev=0,
                          success=True, status=0, message=message, history=hist)
