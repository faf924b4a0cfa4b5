"""Autodiff benchmark: one training step of a 784-128-10 network, ours against references.

One step = forward pass, cross-entropy loss, backward pass, SGD update, at batch 128
in float64, one BLAS thread.  References, timed alternately with ours in this process:

* a hand-written NumPy backprop of the same network (the derivatives worked out by
  hand: softmax - one-hot, ReLU mask, transposed products), written below;
* PyTorch CPU float64 autograd, when ``torch`` is importable (optional).

Also reported: the engine's per-node overhead in microseconds — the time of a long
chain of tiny operations, forward and backward, minus the same arithmetic done on
bare ndarrays, divided by the number of nodes.

    python benchmarks/autodiff.py               # the table
    python benchmarks/autodiff.py --markdown    # for benchmarks/README.md
"""
from __future__ import annotations

import argparse
import sys
import time

import numpy as np
from threadpoolctl import threadpool_limits

from _harness import machine_line, time_pair

from mathforml.calculus.autodiff import Tensor, cross_entropy, log_softmax, relu

D_IN, D_HIDDEN, D_OUT = 784, 128, 10
LR = 0.01


def make_problem(batch: int, seed: int = 0):
    rng = np.random.default_rng(seed)
    X = rng.random((batch, D_IN))
    y = rng.integers(0, D_OUT, size=batch)
    W1 = rng.standard_normal((D_IN, D_HIDDEN)) * np.sqrt(2.0 / D_IN)
    b1 = np.zeros(D_HIDDEN)
    W2 = rng.standard_normal((D_HIDDEN, D_OUT)) * np.sqrt(2.0 / D_HIDDEN)
    b2 = np.zeros(D_OUT)
    return X, y, [W1, b1, W2, b2]


class OursStep:
    """The network written with mathforml tensors; backward() does the calculus.

    The loss is the fused ``cross_entropy`` op (as PyTorch's reference uses
    ``F.cross_entropy``); ``fused=False`` spells it out as
    ``-mean(log_softmax(logits)[rows, y])``, four nodes instead of one.
    """

    def __init__(self, X, y, params, fused=True):
        self.X, self.y = X, y                       # the batch: no gradient wanted
        self.rows = np.arange(len(y))
        self.fused = fused
        self.params = [Tensor(p.copy(), requires_grad=True) for p in params]

    def loss(self):
        W1, b1, W2, b2 = self.params
        h = relu(self.X @ W1 + b1)
        logits = h @ W2 + b2
        if self.fused:
            return cross_entropy(logits, self.y)
        return -log_softmax(logits, axis=1)[self.rows, self.y].mean()

    def __call__(self):
        loss = self.loss()
        loss.backward()
        for p in self.params:
            p.data -= LR * p.grad
            p.grad = None
        return loss.item()


class NumpyStep:
    """The same network with every derivative written out by hand."""

    def __init__(self, X, y, params):
        self.X, self.y = X, y
        self.rows = np.arange(len(y))
        self.params = [p.copy() for p in params]

    def __call__(self):
        X, y, rows = self.X, self.y, self.rows
        W1, b1, W2, b2 = self.params
        B = X.shape[0]
        Z1 = X @ W1 + b1
        H = np.maximum(Z1, 0)
        logits = H @ W2 + b2
        m = logits.max(axis=1, keepdims=True)
        E = np.exp(logits - m)
        S = E.sum(axis=1, keepdims=True)
        loss = -(logits[rows, y] - m[:, 0] - np.log(S[:, 0])).mean()
        dlogits = E / S                       # softmax
        dlogits[rows, y] -= 1.0               # - one-hot
        dlogits /= B
        dW2 = H.T @ dlogits
        db2 = dlogits.sum(axis=0)
        dZ1 = (dlogits @ W2.T) * (Z1 > 0)
        dW1 = X.T @ dZ1
        db1 = dZ1.sum(axis=0)
        for p, g in zip(self.params, (dW1, db1, dW2, db2)):
            p -= LR * g
        return float(loss)


class TorchStep:
    """PyTorch CPU float64 autograd on the same network."""

    def __init__(self, X, y, params):
        import torch

        self.torch = torch
        self.X = torch.from_numpy(X)
        self.y = torch.from_numpy(y)
        self.params = [torch.tensor(p, requires_grad=True) for p in params]

    def __call__(self):
        torch = self.torch
        W1, b1, W2, b2 = self.params
        h = torch.relu(self.X @ W1 + b1)
        logits = h @ W2 + b2
        loss = torch.nn.functional.cross_entropy(logits, self.y)
        loss.backward()
        with torch.no_grad():
            for p in self.params:
                p -= LR * p.grad
                p.grad = None
        return loss.item()


def check_same_training(batch: int) -> float:
    """Ten steps of ours and of the hand-written reference give the same weights."""
    X, y, params = make_problem(batch, seed=1)
    drift = 0.0
    for fused in (True, False):
        ours, ref = OursStep(X, y, params, fused), NumpyStep(X, y, params)
        for _ in range(10):
            lo, lr = ours(), ref()
            assert abs(lo - lr) <= 1e-12 * max(1.0, abs(lr)), (lo, lr)
        drift = max(drift, *(float(np.max(np.abs(p.data - q)))
                             for p, q in zip(ours.params, ref.params)))
    return drift


def node_overhead(n_nodes: int = 20000, repeat: int = 7, clock=time.process_time):
    """Per-node overhead (µs) of the engine: forward record, and backward sweep.

    A chain ``v <- v * c + c`` of tiny (4-element) tensors, two nodes per link,
    against the same ufunc calls on bare ndarrays (forward: the products and sums;
    backward: one product per link, what a hand-written chain rule would do).
    """
    c = np.full(4, 1.0000001)
    links = n_nodes // 2
    fwd, bwd = [], []
    for _ in range(repeat):
        x = Tensor(np.ones(4), requires_grad=True)
        t0 = clock()
        v = x
        for _ in range(links):
            v = v * c + c
        t1 = clock()
        v.sum().backward()
        t2 = clock()
        a = np.ones(4)
        for _ in range(links):
            a = a * c + c
        t3 = clock()
        g = np.ones(4)
        for _ in range(links):
            g = g * c
        t4 = clock()
        fwd.append(((t1 - t0) - (t3 - t2)) / n_nodes)
        bwd.append(((t2 - t1) - (t4 - t3)) / n_nodes)
    return float(np.median(fwd)) * 1e6, float(np.median(bwd)) * 1e6


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--batch", type=int, default=128)
    ap.add_argument("--repeat", type=int, default=51, help="timed pairs (default 51, at least 5)")
    ap.add_argument("--clock", choices=("cpu", "wall"), default="cpu")
    ap.add_argument("--markdown", action="store_true")
    args = ap.parse_args(argv)
    repeat = max(5, args.repeat)
    clock = time.process_time if args.clock == "cpu" else time.perf_counter
    rows = []
    with threadpool_limits(1):
        try:
            import torch
            torch.set_num_threads(1)
            torch_version = f"; torch {torch.__version__}"
        except ImportError:
            torch = None
            torch_version = "; torch not installed"
        drift = check_same_training(args.batch)
        X, y, params = make_problem(args.batch)
        ours = OursStep(X, y, params)
        t_o, t_r, ratio = time_pair(ours, NumpyStep(X, y, params), repeat, clock)
        rows.append(("training step vs hand-written NumPy", t_o, t_r, ratio, 1.15))
        t_o, t_r, ratio = time_pair(OursStep(X, y, params, fused=False), NumpyStep(X, y, params),
                                    repeat, clock)
        rows.append(("  same, loss as log_softmax/index/mean", t_o, t_r, ratio, None))
        if torch is not None:
            t_o, t_r, ratio = time_pair(ours, TorchStep(X, y, params), repeat, clock)
            rows.append(("training step vs PyTorch autograd", t_o, t_r, ratio, 1.0))
        fwd_us, bwd_us = node_overhead(clock=clock)
    size = f"784-128-10, batch {args.batch}, float64"
    if args.markdown:
        print(f"Machine: {machine_line(torch_version)}; median of {repeat} alternating pairs; "
              f"{args.clock} time.\n")
        print("| case | size | ours (ms) | reference (ms) | ratio | target | |")
        print("|---|---|---:|---:|---:|---:|---|")
        for name, t_o, t_r, ratio, target in rows:
            verdict = "" if target is None else ("met" if ratio <= target else "MISSED")
            tgt = "" if target is None else f"<= {target:g}x"
            print(f"| {name.strip()} | {size} | {t_o * 1e3:.3f} | {t_r * 1e3:.3f} | {ratio:.3f} | "
                  f"{tgt} | {verdict} |")
        print(f"\nPer-node overhead (tiny tensors, beyond the NumPy arithmetic): "
              f"{fwd_us:.2f} µs to record a node, {bwd_us:.2f} µs to sweep it backwards.")
        print(f"Ours and the hand-written reference agree after 10 steps to {drift:.1e}.")
    else:
        for name, t_o, t_r, ratio, target in rows:
            verdict = "" if target is None else ("met" if ratio <= target else "MISSED")
            tgt = "" if target is None else f"<= {target:g}x"
            print(f"{name:40s} {size}  ours {t_o * 1e3:7.3f} ms  ref {t_r * 1e3:7.3f} ms  "
                  f"ratio {ratio:5.3f}  {tgt} {verdict}")
        print(f"per-node overhead: forward {fwd_us:.2f} µs, backward {bwd_us:.2f} µs")
        print(f"weights after 10 steps, ours vs hand-written: max difference {drift:.1e}")
        print(f"\n{machine_line(torch_version)}; median of {repeat} alternating pairs; "
              f"{args.clock} time")
    return 0 if all(r[4] is None or r[3] <= r[4] for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
