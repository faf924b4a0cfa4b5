"""Linear-algebra benchmarks: mathforml against NumPy/SciPy (LAPACK) at one BLAS thread.

Each case times ours and the reference alternately in this one process, takes the
median of the per-pair ratios (ours / reference) over ``--repeat`` pairs, and prints
a table with the issue's targets.  Machines here are shared and noisy: read the
ratios, not the absolute times.

    python benchmarks/linalg.py                 # the whole table (n = 256 and 1024)
    python benchmarks/linalg.py --only lu,qr    # some rows
    python benchmarks/linalg.py --markdown      # table as Markdown (for benchmarks/README.md)
"""
from __future__ import annotations

import argparse
import sys
import time
from dataclasses import dataclass
from typing import Callable

import numpy as np
import scipy.linalg
import scipy.spatial.distance
from threadpoolctl import threadpool_limits

from _harness import machine_line, time_pair

import mathforml.linalg as mla


@dataclass
class Case:
    name: str
    size: str
    ours: Callable[[], object]
    ref: Callable[[], object]
    ref_name: str
    target: float | None


def _rng(seed=0):
    return np.random.default_rng(seed)


def cases(sizes: list[int], lstsq_shape=(20000, 200)) -> list[Case]:
    out: list[Case] = []
    targets_1024 = {"lu": 2.2, "qr (raw)": 1.2, "qr (reduced Q, R)": 1.1, "cholesky": 1.25,
                    "solve": 2.5, "eigh": 3.0, "svd": 5.0}
    for n in sizes:
        g = _rng(n)
        A = g.standard_normal((n, n))
        S = (A + A.T) / 2
        SPD = A @ A.T + n * np.eye(n)
        b = g.standard_normal(n)

        def target(name):
            if n >= 1024:
                return targets_1024.get(name)
            return 6.0 if n == 256 and name in targets_1024 else None

        size = f"{n}x{n}"
        out += [
            Case("lu", size, lambda A=A: mla.lu_factor(A), lambda A=A: scipy.linalg.lu_factor(A),
                 "scipy.linalg.lu_factor", target("lu")),
            Case("qr (raw)", size, lambda A=A: mla.qr(A, mode="raw"),
                 lambda A=A: np.linalg.qr(A, mode="raw"), "numpy.linalg.qr(mode='raw')", target("qr (raw)")),
            Case("qr (reduced Q, R)", size, lambda A=A: mla.qr(A), lambda A=A: np.linalg.qr(A),
                 "numpy.linalg.qr", target("qr (reduced Q, R)")),
            Case("cholesky", size, lambda M=SPD: mla.cholesky(M), lambda M=SPD: np.linalg.cholesky(M),
                 "numpy.linalg.cholesky", target("cholesky")),
            Case("solve", size, lambda A=A, b=b: mla.solve(A, b), lambda A=A, b=b: np.linalg.solve(A, b),
                 "numpy.linalg.solve", target("solve")),
            Case("slogdet", size, lambda A=A: mla.slogdet(A), lambda A=A: np.linalg.slogdet(A),
                 "numpy.linalg.slogdet", None),  # det of a random 1024 x 1024 overflows
            Case("inv", size, lambda A=A: mla.inv(A), lambda A=A: np.linalg.inv(A),
                 "numpy.linalg.inv", None),
            Case("eigh", size, lambda S=S: mla.eigh(S), lambda S=S: np.linalg.eigh(S),
                 "numpy.linalg.eigh", target("eigh")),
            Case("eigvalsh", size, lambda S=S: mla.eigvalsh(S), lambda S=S: np.linalg.eigvalsh(S),
                 "numpy.linalg.eigvalsh", None),
            Case("svd", size, lambda A=A: mla.svd(A), lambda A=A: np.linalg.svd(A),
                 "numpy.linalg.svd", target("svd")),
            Case("svdvals", size, lambda A=A: mla.svdvals(A),
                 lambda A=A: np.linalg.svd(A, compute_uv=False),
                 "numpy.linalg.svd(compute_uv=False)", None),
        ]
        if n <= 256:
            out.append(Case("eig", size, lambda A=A: mla.eig(A), lambda A=A: np.linalg.eig(A),
                            "numpy.linalg.eig", None))
    m, n = lstsq_shape
    g = _rng(1)
    A = g.standard_normal((m, n))
    b = g.standard_normal(m)
    out.append(Case("lstsq", f"{m}x{n}", lambda: mla.lstsq(A, b), lambda: np.linalg.lstsq(A, b, rcond=None),
                    "numpy.linalg.lstsq", 1.0))
    X = g.standard_normal((2000, 50))
    out.append(Case("pairwise_distances", "2000x50", lambda: mla.pairwise_distances(X),
                    lambda: scipy.spatial.distance.cdist(X, X), "scipy.spatial.distance.cdist", None))
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="256,1024", help="square sizes (default 256,1024)")
    ap.add_argument("--repeat", type=int, default=11, help="timed pairs per case (default 11, at least 5)")
    ap.add_argument("--only", default="", help="comma-separated case names")
    ap.add_argument("--markdown", action="store_true", help="print a Markdown table")
    ap.add_argument("--clock", choices=("cpu", "wall"), default="cpu",
                    help="cpu: this process's CPU time (default; both sides run single-threaded "
                         "here, and CPU time leaves out the time a shared machine lends to others); "
                         "wall: elapsed time")
    args = ap.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",") if s]
    only = {s.strip() for s in args.only.split(",") if s.strip()}
    repeat = max(5, args.repeat)
    clock = time.process_time if args.clock == "cpu" else time.perf_counter
    rows = []
    with threadpool_limits(1):
        for case in cases(sizes):
            if only and case.name not in only and case.name.split(" ")[0] not in only:
                continue
            t_ours, t_ref, ratio = time_pair(case.ours, case.ref, repeat, clock)
            verdict = "" if case.target is None else ("met" if ratio <= case.target else "MISSED")
            rows.append((case, t_ours, t_ref, ratio, verdict))
            if not args.markdown:
                tgt = "" if case.target is None else f"<= {case.target:g}x"
                print(f"{case.name:20s} {case.size:>11s}  ours {t_ours * 1e3:9.2f} ms  "
                      f"ref {t_ref * 1e3:9.2f} ms  ratio {ratio:6.2f}  {tgt:>8s} {verdict}",
                      flush=True)
    if args.markdown:
        print(f"Machine: {machine_line()}; median of {repeat} alternating pairs; {args.clock} time.\n")
        print("| case | size | reference | ours (ms) | reference (ms) | ratio | target | |")
        print("|---|---|---|---:|---:|---:|---:|---|")
        for case, t_ours, t_ref, ratio, verdict in rows:
            tgt = "" if case.target is None else f"<= {case.target:g}x"
            print(f"| {case.name} | {case.size} | `{case.ref_name}` | {t_ours * 1e3:.2f} | "
                  f"{t_ref * 1e3:.2f} | {ratio:.2f} | {tgt} | {verdict} |")
    else:
        print(f"\n{machine_line()}; median of {repeat} alternating pairs; {args.clock} time")
    missed = [r for r in rows if r[4] == "MISSED"]
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
