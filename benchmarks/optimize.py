"""Optimisation benchmark: L-BFGS against SciPy's L-BFGS-B, and an SGD epoch against NumPy.

Targets (issue 5):

* L-BFGS on the 1000-dimensional Rosenbrock function, analytic gradient, from the
  same start: function evaluations <= 1.5x scipy.optimize.minimize(method="L-BFGS-B"),
  and the per-iteration overhead beyond the function evaluations <= 50 µs.  The
  overhead is (CPU time of the run - CPU time spent inside the f-and-gradient calls,
  timed around each call) / nit; L-BFGS-B's is measured the same way.
* One epoch of mini-batch SGD on a 100000 x 50 least-squares problem with a
  user-supplied gradient: <= 1.2x a hand-written NumPy loop (permute once, slice
  contiguous batches, w -= lr * g), median of alternating pairs.

    python benchmarks/optimize.py               # the table
    python benchmarks/optimize.py --markdown    # for benchmarks/README.md
"""
from __future__ import annotations

import argparse
import statistics
import time

import numpy as np
from scipy.optimize import minimize as sp_minimize
from threadpoolctl import threadpool_limits

from _harness import machine_line, time_pair

from mathforml.optimize.gradient import GradientDescent
from mathforml.optimize.quasi_newton import lbfgs
from mathforml.optimize.sgd import train

N_DIM = 1000


def rosen_fg(x):
    """Rosenbrock value and gradient in one pass (shared by both sides)."""
    a, b = x[:-1], x[1:]
    t = b - a * a
    u = 1.0 - a
    f = float(100.0 * (t @ t) + u @ u)
    g = np.zeros_like(x)
    g[:-1] = -400.0 * a * t - 2.0 * u
    g[1:] += 200.0 * t
    return f, g


class Timed:
    """rosen_fg with the CPU time spent inside it accumulated (the evaluations' own cost)."""

    def __init__(self):
        self.t = 0.0

    def __call__(self, x):
        t0 = time.process_time()
        out = rosen_fg(x)
        self.t += time.process_time() - t0
        return out


def lbfgs_rows(repeat: int):
    rows = []
    starts = {"x0 = (-1.2, 1, -1.2, 1, ...)": np.tile([-1.2, 1.0], N_DIM // 2),
              "x0 = 0": np.zeros(N_DIM),
              "x0 = U(-2, 2), seed 0": np.random.default_rng(0).uniform(-2, 2, N_DIM)}
    x = starts["x0 = 0"].copy()
    reps = 2000
    t0 = time.process_time()
    for _ in range(reps):
        rosen_fg(x)
    t_eval = (time.process_time() - t0) / reps

    def overhead(run):
        """Median over repeats of (run time - time inside the evaluations) / iterations."""
        per_it = []
        for _ in range(repeat):
            fg = Timed()
            t0 = time.process_time()
            res = run(fg)
            total = time.process_time() - t0
            per_it.append((total - fg.t) / max(res.nit, 1))
        return statistics.median(per_it)

    for name, x0 in starts.items():
        ours = lbfgs(rosen_fg, x0, jac=True, m=10, gtol=1e-5)
        ref = sp_minimize(rosen_fg, x0, jac=True, method="L-BFGS-B",
                          options={"maxcor": 10, "gtol": 1e-5})
        o_ours = overhead(lambda fg: lbfgs(fg, x0, jac=True, m=10, gtol=1e-5))
        o_ref = overhead(lambda fg: sp_minimize(fg, x0, jac=True, method="L-BFGS-B",
                                                options={"maxcor": 10, "gtol": 1e-5}))
        rows.append({"start": name, "nfev": ours.nfev, "nfev_ref": ref.nfev, "nit": ours.nit,
                     "nit_ref": ref.nit, "ratio": ours.nfev / ref.nfev,
                     "overhead_us": o_ours * 1e6, "overhead_ref_us": o_ref * 1e6,
                     "err": float(np.abs(ours.x - 1).max()),
                     "err_ref": float(np.abs(ref.x - 1).max())})
    return rows, t_eval


def sgd_rows(repeat: int, batch_sizes=(64, 256, 1024)):
    rng = np.random.default_rng(0)
    n, d = 100_000, 50
    X = rng.standard_normal((n, d))
    y = X @ rng.standard_normal(d) + 0.1 * rng.standard_normal(n)
    lr = 0.01

    def grad_fn(w, Xb, yb):
        return Xb.T @ (Xb @ w - yb) * (1.0 / len(yb))

    rows = []
    for b in batch_sizes:
        w_ours = np.zeros(d)
        opt = GradientDescent(lr=lr)
        g_ours = np.random.default_rng(1)

        def ours():
            train(grad_fn, w_ours, X, y, optimizer=opt, epochs=1, batch_size=b, rng=g_ours)

        w_ref = np.zeros(d)
        g_ref = np.random.default_rng(1)

        def reference():
            perm = g_ref.permutation(n)
            Xs, ys = X[perm], y[perm]
            for i in range(0, n, b):
                Xb, yb = Xs[i:i + b], ys[i:i + b]
                g = Xb.T @ (Xb @ w_ref - yb) * (1.0 / len(yb))
                w_ref[...] -= lr * g

        to, tr, ratio = time_pair(ours, reference, repeat)
        rows.append((b, to, tr, ratio))
    # both loops saw the same permutations and the same updates
    same = np.allclose(w_ours, w_ref, rtol=1e-10, atol=1e-12)
    return rows, same


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=11)
    ap.add_argument("--markdown", action="store_true")
    args = ap.parse_args(argv)
    with threadpool_limits(1):
        lrows, t_eval = lbfgs_rows(max(3, args.repeat // 2))
        srows, same = sgd_rows(args.repeat)
    print(machine_line())
    if args.markdown:
        print(f"\nL-BFGS (m = 10, gtol = 1e-5) on {N_DIM}-D Rosenbrock; one f+g evaluation "
              f"= {t_eval * 1e6:.1f} µs\n")
        print("| start | nfev ours | nfev L-BFGS-B | ratio (target <= 1.5) | nit ours / L-BFGS-B "
              "| overhead per iteration, ours (target <= 50 µs) | L-BFGS-B's | max abs error ours / L-BFGS-B |")
        print("|---|---:|---:|---:|---:|---:|---:|---:|")
        for r in lrows:
            print(f"| {r['start']} | {r['nfev']} | {r['nfev_ref']} | {r['ratio']:.2f} | "
                  f"{r['nit']} / {r['nit_ref']} | {r['overhead_us']:.1f} µs | "
                  f"{r['overhead_ref_us']:.1f} µs | {r['err']:.1e} / {r['err_ref']:.1e} |")
        print("\nOne epoch of mini-batch SGD, 100000 x 50 least squares, user-supplied gradient\n")
        print("| batch size | ours (ms) | hand-written NumPy (ms) | ratio (target <= 1.2) |")
        print("|---:|---:|---:|---:|")
        for b, to, tr, ratio in srows:
            print(f"| {b} | {to * 1e3:.1f} | {tr * 1e3:.1f} | {ratio:.3f} |")
        print(f"\nSame weights after the timed epochs: {same}")
    else:
        print(f"one Rosenbrock f+g evaluation: {t_eval * 1e6:.1f} µs")
        for r in lrows:
            print(f"L-BFGS {r['start']:32s} nfev {r['nfev']:5d} vs {r['nfev_ref']:5d} "
                  f"(ratio {r['ratio']:.2f}); nit {r['nit']} vs {r['nit_ref']}; overhead "
                  f"{r['overhead_us']:.1f} µs/it (L-BFGS-B {r['overhead_ref_us']:.1f})")
        for b, to, tr, ratio in srows:
            print(f"SGD epoch, batch {b:5d}: ours {to * 1e3:7.1f} ms, NumPy {tr * 1e3:7.1f} ms, "
                  f"ratio {ratio:.3f}")
        print(f"same weights: {same}")


if __name__ == "__main__":
    main()
