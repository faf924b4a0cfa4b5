r"""``mathforml explain`` commands of the optimisation pillar: gd, newton, anneal.

::

    mathforml explain gd --f "(x-3)**2" --x0 7 --lr 0.1 --steps 20
    mathforml explain newton --f "(1-x)^2 + 100*(y-x^2)^2" --x0 "x=-1.2, y=1"
    mathforml explain anneal --f "x^2 + 10 - 10*cos(2*pi*x)" --x0 3 --seed 0

The objective is parsed by the ``ast``-whitelist expression parser (never
``eval``); gradients and Hessians come from our autodiff.  Each command prints
every iteration under the recorder, then the trace as a table.
"""
from __future__ import annotations

from typing import NamedTuple

import numpy as np

from .cli import REQUIRED, ExpressionCommand, InputError, _choice, _parse_expr, parse_point

__all__ = ["OPTIMIZE_COMMANDS"]

_TABLE_ROWS = 60


def _objective(text: str, x0_text: str):
    """The expression as a function of one vector, and x0 in its variable order."""
    names, values = parse_point(x0_text, "--x0")
    f = _parse_expr(text, names)
    if not f.variables:
        if len(values) != 1:
            raise InputError("the expression has no variable; give one value in --x0")
        f = _parse_expr(text, ("x",))
    if len(values) != len(f.variables):
        raise InputError(f"--x0 has {len(values)} value(s) but the expression has "
                         f"{len(f.variables)} variable(s) ({', '.join(f.variables)}); give them "
                         "in this order or by name (x=1, y=2)")
    x0 = np.array(values, dtype=float)
    with np.errstate(all="ignore"):
        f0 = float(f.of_vector(x0))
    if not np.isfinite(f0):
        raise InputError(f"f = {f} is not finite at the starting point --x0 ({f0})")
    return f, x0


def _table(names, history, with_grad: bool = True) -> str:
    """The trace as text: one row per iterate (long runs keep the head and the tail)."""
    from .explain import format_number
    X, F, G = history.x, history.f, history.grad_norm
    header = ["k", *names, "f(x)"] + (["|grad f|"] if with_grad else [])
    rows = []
    n = len(F)
    keep = (list(range(n)) if n <= _TABLE_ROWS
            else list(range(_TABLE_ROWS - 10)) + [None] + list(range(n - 9, n)))
    for k in keep:
        if k is None:
            rows.append(["..."] * len(header))
            continue
        row = [str(k), *(format_number(v, 8) for v in X[k]), format_number(F[k], 8)]
        if with_grad:
            row.append(format_number(G[k], 8))
        rows.append(row)
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    lines = ["  ".join(h.rjust(w) for h, w in zip(header, widths))]
    lines += ["  ".join(c.rjust(w) for c, w in zip(r, widths)) for r in rows]
    return "\n".join(lines)


class MinimizeOutput(NamedTuple):
    method: str
    x: np.ndarray
    fun: float
    nit: int
    success: bool
    message: str
    trace: str


def _output(method, f, res, with_grad=True) -> MinimizeOutput:
    return MinimizeOutput(method, np.asarray(res.x), float(res.fun), int(res.nit),
                          bool(res.success), str(res.message),
                          _table(f.variables, res.history, with_grad))


def _check_steps(steps: int, limit: int = 100_000) -> int:
    if not 1 <= steps <= limit:
        raise InputError(f"--steps must be between 1 and {limit}, got {steps}")
    return steps


def _positive(value: float, what: str) -> float:
    if not (np.isfinite(value) and value > 0):
        raise InputError(f"{what} must be > 0, got {value:g}")
    return value


def _prepare_gd(ns):
    f, x0 = _objective(ns.f, ns.x0)
    steps = _check_steps(ns.steps)
    lr = _positive(ns.lr, "--lr")

    def run():
        from .optimize.gradient import gradient_descent
        res = gradient_descent(f.of_vector, x0, lr=lr, maxiter=steps, gtol=ns.gtol,
                               line_search=ns.line_search)
        return _output("gradient descent: x_{k+1} = x_k - lr * grad f(x_k)", f, res)

    return run


def _prepare_newton(ns):
    f, x0 = _objective(ns.f, ns.x0)
    steps = _check_steps(ns.steps, 10_000)

    def run():
        from .optimize.newton import newton
        line_search = None if ns.line_search == "none" else ns.line_search
        res = newton(f.of_vector, x0, maxiter=steps, gtol=ns.gtol, line_search=line_search)
        return _output("Newton: solve H(x_k) d = -grad f(x_k), x_{k+1} = x_k + alpha d", f, res)

    return run


def _prepare_anneal(ns):
    f, x0 = _objective(ns.f, ns.x0)
    steps = _check_steps(ns.steps, 1_000_000)
    T0 = _positive(ns.T0, "--T0")
    step_size = _positive(ns.step_size, "--step-size")

    def run():
        from .optimize.annealing import simulated_annealing
        res = simulated_annealing(f.of_vector, x0, T0=T0, schedule=ns.schedule,
                                  step_size=step_size, maxiter=steps, rng=ns.seed)
        return _output("simulated annealing: accept worse moves with probability "
                       "exp(-delta / T)", f, res, with_grad=False)

    return run


def _recorder_gd(ns):
    return {"head": min(ns.steps + 1, 50), "every": max(1, ns.steps // 20)}


_F = ("--f", "f", str, REQUIRED, 'the objective, e.g. "(x-3)**2" or "(1-x)^2 + 100*(y-x^2)^2"')
_X0 = ("--x0", "x0", str, REQUIRED, 'the starting point: 7, "[1, 2]" or "x=1, y=2"')
_LS = ("--line-search", "line_search", _choice("armijo", "wolfe"), None,
       "choose the step by a line search (armijo or wolfe) instead of a fixed rate")

OPTIMIZE_COMMANDS: list[ExpressionCommand] = [
    ExpressionCommand(
        "gd", _prepare_gd,
        [_F, _X0,
         ("--lr", "lr", float, 0.1, "learning rate (default 0.1)"),
         ("--steps", "steps", int, 20, "number of iterations (default 20)"),
         ("--gtol", "gtol", float, 0.0, "stop early when |grad f| <= gtol (default 0: run "
                                        "every step)"),
         _LS],
        help="gradient descent x_{k+1} = x_k - lr * grad f(x_k), every iterate",
        epilog='example: mathforml explain gd --f "(x-3)**2" --x0 7 --lr 0.1 --steps 20',
        args=(), explain_options=_recorder_gd),
    ExpressionCommand(
        "newton", _prepare_newton,
        [_F, _X0,
         ("--steps", "steps", int, 50, "iteration limit (default 50)"),
         ("--gtol", "gtol", float, 1e-10, "stop when |grad f| <= gtol (default 1e-10)"),
         ("--line-search", "line_search", _choice("armijo", "wolfe", "none"), "armijo",
          "damping: armijo (default), wolfe or none (full Newton steps)")],
        help="Newton's method with the Hessian solve shown at every iteration",
        epilog='example: mathforml explain newton --f "(1-x)^2 + 100*(y-x^2)^2" '
               '--x0 "x=-1.2, y=1"',
        args=(), explain_options=_recorder_gd),
    ExpressionCommand(
        "anneal", _prepare_anneal,
        [_F, _X0,
         ("--steps", "steps", int, 2000, "number of proposals (default 2000)"),
         ("--T0", "T0", float, 1.0, "initial temperature (default 1)"),
         ("--schedule", "schedule", _choice("geometric", "linear", "logarithmic"), "geometric",
          "cooling schedule (default geometric)"),
         ("--step-size", "step_size", float, 1.0, "proposal standard deviation (default 1)"),
         ("--seed", "seed", int, 0, "random seed (default 0)")],
        help="simulated annealing: temperature, proposals and accept/reject decisions",
        epilog='example: mathforml explain anneal --f "x^2 + 10 - 10*cos(2*pi*x)" --x0 3',
        args=(), explain_options=lambda ns: {"head": 20, "every": max(1, ns.steps // 20)}),
]
