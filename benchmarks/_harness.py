"""Timing helpers shared by the benchmark scripts (alternating pairs, one process)."""
from __future__ import annotations

import platform
import statistics
import time
from typing import Callable

import numpy as np
from threadpoolctl import threadpool_info


def time_pair(ours: Callable[[], object], ref: Callable[[], object], repeat: int,
              clock=time.process_time) -> tuple[float, float, float]:
    """Median time of ours, of the reference, and the median of per-pair ratios ours / ref.

    Both are run once to warm up, then alternately ``repeat`` times.
    """
    ours()
    ref()
    t_ours, t_ref, ratios = [], [], []
    for _ in range(repeat):
        t0 = clock()
        ours()
        t1 = clock()
        ref()
        t2 = clock()
        t_ours.append(t1 - t0)
        t_ref.append(t2 - t1)
        ratios.append((t1 - t0) / (t2 - t1))
    return statistics.median(t_ours), statistics.median(t_ref), statistics.median(ratios)


def machine_line(extra: str = "") -> str:
    """CPU model, Python/NumPy/SciPy versions and the BLAS, for the README tables."""
    import scipy

    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as fh:
            for line in fh:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    blas = ", ".join(f"{i.get('internal_api')} {i.get('version')}" for i in threadpool_info()
                     if i.get("user_api") == "blas") or "unknown BLAS"
    return (f"{cpu}; Python {platform.python_version()}; NumPy {np.__version__}; "
            f"SciPy {scipy.__version__}{extra}; {blas}; 1 BLAS thread")
