r"""The ``mathforml`` command.

``mathforml explain FUNCTION ARGS...`` runs one algorithm under the recorder
and prints every step with its numbers, then the result::

    mathforml explain solve "[[2,1],[1,3]]" "[3,5]"
    mathforml explain lu "4 3; 6 3"
    mathforml explain lstsq "1 1; 1 2; 1 3" "1 2 2" --method svd
    mathforml explain norm "[3, 4]" --ord 1
    mathforml explain derivative "x**2*sin(x)" --at 1.5 --n 2
    mathforml explain grad "x**2 + 3*x*y" --at "x=1, y=2" --hessian
    mathforml explain taylor "exp(x)" --at 0 --order 5

Matrices are given as JSON-style literals (``"[[2,1],[1,3]]"``) or
MATLAB-style (``"2 1; 1 3"``, rows separated by ``;`` or newlines, entries by
spaces or commas).  They are parsed by :func:`parse_array` — never ``eval``.
Expressions (``"x**2*sin(x)"``, ``"(x-3)^2"``) are parsed by
:func:`mathforml.calculus.expression.parse_expression`, which walks Python's
``ast`` over a whitelist of nodes, names and functions — never ``eval`` either;
points (``--at "x=1, y=2"``, ``--at "[1, 2]"``, ``--at pi/4``) by
:func:`parse_point`.  Bad input prints one line (``mathforml: error: ...``)
and exits with status 2.
"""
from __future__ import annotations

import argparse
import importlib
import json
import math
import re
import sys
import textwrap
from dataclasses import dataclass, field
from typing import Any, Callable, NamedTuple, Sequence

import numpy as np

__all__ = ["main", "parse_array", "parse_point", "InputError", "COMMANDS",
           "EXPRESSION_COMMANDS"]


class InputError(ValueError):
    """Malformed command-line input."""


# ---------------------------------------------------------------------------
# Parsing matrices without eval
# ---------------------------------------------------------------------------
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$|^[+-]?(inf|nan)$", re.I)


def _number(tok: str) -> float:
    tok = tok.strip()
    if not _NUMBER.match(tok):
        raise InputError(f"not a number: {tok!r}")
    return float(tok)


def _check_json(obj: Any, depth: int = 0):
    if isinstance(obj, bool) or obj is None or isinstance(obj, (str, dict)):
        raise InputError(f"matrix entries must be numbers, got {json.dumps(obj)}")
    if isinstance(obj, (int, float)):
        return float(obj)
    if isinstance(obj, list):
        if depth >= 2:
            raise InputError("only vectors and matrices (at most 2 levels of brackets) are accepted")
        rows = [_check_json(x, depth + 1) for x in obj]
        if rows and isinstance(rows[0], list):
            if not all(isinstance(r, list) for r in rows):
                raise InputError("mix of numbers and rows in a matrix literal")
            lengths = {len(r) for r in rows}
            if len(lengths) > 1:
                raise InputError(f"rows have different lengths {sorted(lengths)}")
        elif any(isinstance(r, list) for r in rows):
            raise InputError("mix of numbers and rows in a matrix literal")
        return rows
    raise InputError(f"unsupported value {obj!r}")


def parse_array(text: str) -> np.ndarray:
    """Parse a scalar, vector or matrix literal without ``eval``.

    >>> parse_array("[[2,1],[1,3]]")
    array([[2., 1.],
           [1., 3.]])
    >>> parse_array("2 1; 1 3")
    array([[2., 1.],
           [1., 3.]])
    >>> parse_array("3, 5")
    array([3., 5.])
    >>> parse_array("[[1, 2], [3]]")
    Traceback (most recent call last):
    ...
    mathforml.cli.InputError: rows have different lengths [1, 2]
    """
    s = text.strip()
    if not s:
        raise InputError("empty matrix literal")
    if s.startswith("["):
        try:
            obj = json.loads(s)
        except json.JSONDecodeError as exc:
            raise InputError(f"malformed matrix literal {text!r}: {exc.msg} at column {exc.colno}") from None
        return np.array(_check_json(obj), dtype=float)
    rows = [r for r in re.split(r"[;\n]", s)]
    if rows and not rows[-1].strip():
        rows = rows[:-1]
    parsed = []
    for r in rows:
        toks = [t for t in re.split(r"[,\s]+", r.strip()) if t]
        if not toks:
            raise InputError(f"empty row in {text!r}")
        parsed.append([_number(t) for t in toks])
    lengths = {len(r) for r in parsed}
    if len(lengths) > 1:
        raise InputError(f"rows have different lengths {sorted(lengths)} in {text!r}")
    if len(parsed) == 1 and ";" not in s and "\n" not in s:
        arr = np.array(parsed[0], dtype=float)
        return arr[0] if arr.size == 1 and "," not in s and " " not in s.strip() else arr
    return np.array(parsed, dtype=float)


def _ord(text: str):
    t = text.strip().lower()
    if t in ("fro", "nuc"):
        return t
    if t in ("inf", "+inf"):
        return math.inf
    if t == "-inf":
        return -math.inf
    v = _number(t)
    return int(v) if v.is_integer() else v


# ---------------------------------------------------------------------------
# The explainable functions
# ---------------------------------------------------------------------------
@dataclass
class Command:
    """An explain command on arrays: ``FUNCTION A [b] [--options]`` calls ``module.func``."""

    name: str
    module: str
    func: str
    args: Sequence[tuple[str, str]]          # (name, help) positional array arguments
    options: Sequence[tuple] = field(default_factory=tuple)  # (flag, kwarg, type, default, help)
    help: str = ""

    def resolve(self) -> Callable:
        mod = importlib.import_module(f"mathforml.{self.module}")
        return getattr(mod, self.func)

    def prepare(self, ns: argparse.Namespace) -> Callable[[], Any]:
        """Parse the arguments; return the call to run under the recorder."""
        args = []
        for name, _ in self.args:
            text = getattr(ns, name)
            if name == "k":
                try:
                    args.append(int(text))
                except ValueError:
                    raise InputError(f"k must be an integer, got {text!r}") from None
            else:
                args.append(parse_array(text))
        kwargs = {kw: getattr(ns, kw) for _, kw, *_ in self.options}
        func = self.resolve()
        return lambda: func(*args, **kwargs)


_M = ("A", "matrix, e.g. \"[[2,1],[1,3]]\" or \"2 1; 1 3\"")
_B = ("b", "right-hand side vector or matrix")
_U = ("u", "vector")
_V = ("v", "vector")

COMMANDS: list[Command] = [
    Command("solve", "linalg", "solve", [_M, _B], help="solve A x = b by LU with partial pivoting"),
    Command("gauss", "linalg", "gaussian_elimination", [_M, _B],
            help="Gaussian elimination with partial pivoting, every row operation shown"),
    Command("lu", "linalg", "lu", [_M], help="A = P L U with partial pivoting"),
    Command("det", "linalg", "det", [_M], help="determinant from the LU factors"),
    Command("slogdet", "linalg", "slogdet", [_M], help="sign and log|det| from the LU factors"),
    Command("inv", "linalg", "inv", [_M], help="inverse via LU (rarely what you want)"),
    Command("cond", "linalg", "cond", [_M],
            [("--p", "p", _ord, None, "norm: 2 (default), 1, inf, fro, nuc, ...")],
            help="condition number"),
    Command("cholesky", "linalg", "cholesky", [_M], help="A = L L^T for symmetric positive definite A"),
    Command("triangular", "linalg", "solve_triangular", [_M, _B],
            [("--lower", "lower", "flag", False, "A is lower triangular")],
            help="forward or back substitution"),
    Command("qr", "linalg", "qr", [_M],
            [("--mode", "mode", str, "reduced", "reduced, complete or r"),
             ("--method", "method", str, "householder",
              "householder, gram-schmidt or modified-gram-schmidt")],
            help="A = Q R"),
    Command("eigh", "linalg", "eigh", [_M], help="eigen-decomposition of a symmetric matrix"),
    Command("eigvalsh", "linalg", "eigvalsh", [_M], help="eigenvalues of a symmetric matrix"),
    Command("eig", "linalg", "eig", [_M], help="eigenvalues and eigenvectors of a general matrix"),
    Command("eigvals", "linalg", "eigvals", [_M], help="eigenvalues of a general matrix"),
    Command("power", "linalg", "power_iteration", [_M],
            [("--tol", "tol", float, 1e-10, "tolerance"),
             ("--max-iter", "max_iter", int, 1000, "iteration limit"),
             ("--seed", "random_state", int, 0, "seed for the starting vector")],
            help="power iteration for the dominant eigenpair"),
    Command("inverse-iteration", "linalg", "inverse_iteration", [_M],
            [("--shift", "shift", float, 0.0, "shift sigma: finds the eigenvalue nearest to it"),
             ("--tol", "tol", float, 1e-10, "tolerance"),
             ("--max-iter", "max_iter", int, 1000, "iteration limit"),
             ("--seed", "random_state", int, 0, "seed for the starting vector")],
            help="inverse iteration with a shift"),
    Command("svd", "linalg", "svd", [_M],
            [("--economy", "full_matrices", "flag-false", True, "reduced U and Vh")],
            help="A = U S V^T"),
    Command("svdvals", "linalg", "svdvals", [_M], help="singular values"),
    Command("pinv", "linalg", "pinv", [_M], help="Moore-Penrose pseudo-inverse via the SVD"),
    Command("rank", "linalg", "matrix_rank", [_M], help="numerical rank from the singular values"),
    Command("null-space", "linalg", "null_space", [_M], help="orthonormal basis of the null space"),
    Command("lstsq", "linalg", "lstsq", [_M, _B],
            [("--method", "method", str, "qr", "qr, svd or normal")],
            help="least squares min ||A x - b||"),
    Command("low-rank", "linalg", "low_rank_approximation", [_M, ("k", "rank of the approximation")],
            help="best rank-k approximation (Eckart-Young)"),
    Command("norm", "linalg", "norm", [("x", "vector or matrix")],
            [("--ord", "ord", _ord, None, "1, 2, inf, p > 0, fro, nuc, ...")],
            help="vector or matrix norm"),
    Command("dot", "linalg", "dot", [_U, _V], help="dot product"),
    Command("angle", "linalg", "angle", [_U, _V],
            [("--degrees", "degrees", "flag", False, "answer in degrees")],
            help="angle between two vectors"),
    Command("cosine", "linalg", "cosine_similarity", [_U, _V], help="cosine similarity"),
    Command("distance", "linalg", "minkowski", [_U, _V],
            [("--p", "p", float, 2.0, "Minkowski order: 1 manhattan, 2 euclidean")],
            help="Minkowski distance"),
    Command("project", "linalg", "project", [_U, ("onto", "vector to project onto")],
            help="projection of u onto a vector"),
    Command("gram-schmidt", "linalg", "gram_schmidt", [_M],
            help="orthonormal basis of the columns (modified Gram-Schmidt)"),
]


# ---------------------------------------------------------------------------
# Explain commands on expressions given as text: derivative, grad, taylor
# ---------------------------------------------------------------------------
REQUIRED = object()   # an option default meaning "the option must be given"


def _function_names() -> str:
    from .calculus.expression import FUNCTIONS
    return ", ".join(FUNCTIONS)


def _split_top_level(text: str) -> list[str]:
    """Split at commas outside parentheses ("max(1, 2), 3" -> ["max(1, 2)", " 3"])."""
    parts, depth, start = [], 0, 0
    for i, c in enumerate(text):
        if c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
        elif c == "," and depth == 0:
            parts.append(text[start:i])
            start = i + 1
    parts.append(text[start:])
    return parts


def parse_point(text: str, what: str = "--at") -> tuple[tuple[str, ...] | None, list[float]]:
    """Parse a point: ``"1.5"``, ``"pi/4"``, ``"[1, 2]"``, ``"1, 2"`` or ``"x=1, y=2"``.

    Each value is a constant expression read by the safe expression parser
    (numbers, ``pi``, ``e``, ``tau``, arithmetic and the whitelisted
    functions; never ``eval``).  Returns ``(names, values)``, ``names`` None
    when the values are not named.

    >>> parse_point("x=1, y=pi/2")
    (('x', 'y'), [1.0, 1.5707963267948966])
    >>> parse_point("[1, -2.5]")
    (None, [1.0, -2.5])
    >>> parse_point("x=1, 2")
    Traceback (most recent call last):
    ...
    mathforml.cli.InputError: --at: name every value (x=1, y=2) or none of them ([1, 2])
    """
    from .calculus.expression import ExpressionError, parse_expression

    s = text.strip()
    if s.startswith("[") and s.endswith("]"):
        s = s[1:-1]
    if not s.strip():
        raise InputError(f"{what}: no value given")
    names, values = [], []
    for part in _split_top_level(s):
        name, eq, value = part.partition("=")
        if eq:
            name = name.strip()
            if not name.isidentifier():
                raise InputError(f"{what}: {name!r} is not a variable name")
            names.append(name)
        else:
            value = part
        if not value.strip():
            raise InputError(f"{what}: empty value in {text!r}")
        try:
            values.append(float(parse_expression(value, variables=())()))
        except ExpressionError as exc:
            raise InputError(f"{what}: {exc}") from None
    if names and len(names) != len(values):
        raise InputError(f"{what}: name every value (x=1, y=2) or none of them ([1, 2])")
    if len(set(names)) != len(names):
        raise InputError(f"{what}: a variable is given twice in {text!r}")
    return (tuple(names) if names else None), values


def _parse_expr(text: str, variables=None):
    """The expression; with ``variables`` (names from --at) each of its names needs a value."""
    from .calculus.expression import ExpressionError, parse_expression
    try:
        f = parse_expression(text)
        if variables is None:
            return f
        missing = [v for v in f.variables if v not in variables]
        if missing:
            raise InputError(f"--at gives no value for {', '.join(missing)}")
        return parse_expression(text, variables)
    except ExpressionError as exc:
        raise InputError(f"expression {text!r}: {exc}") from None


def _one_variable(text: str, at: str):
    """The expression of one variable and the point x0, from the text and --at."""
    names, values = parse_point(at)
    if len(values) != 1:
        raise InputError(f"--at: one value expected for a function of one variable, "
                         f"got {len(values)}")
    if names:
        return _parse_expr(text, names), values[0]
    f = _parse_expr(text)
    if len(f.variables) > 1:
        raise InputError(f"the expression has {len(f.variables)} variables "
                         f"({', '.join(f.variables)}); this command needs one "
                         "(use 'explain grad' for several)")
    if not f.variables:
        f = _parse_expr(text, ("x",))
    return f, values[0]


def _several_variables(text: str, at: str):
    """The expression and the point as a float vector in the order of its variables."""
    names, values = parse_point(at)
    f = _parse_expr(text, names)
    if not f.variables:
        raise InputError("the expression has no variable to differentiate with respect to")
    if not names:
        if len(values) != len(f.variables):
            raise InputError(
                f"--at has {len(values)} value(s) but the expression has {len(f.variables)} "
                f"variable(s) ({', '.join(f.variables)}); give them in this order "
                "or by name (x=1, y=2)")
    return f, np.array(values, dtype=float)


def _point_text(f, x) -> str:
    from .explain import format_number
    return ", ".join(f"{n} = {format_number(v, 17)}" for n, v in zip(f.variables, np.atleast_1d(x)))


def _check_finite_at(f, x) -> float:
    with np.errstate(all="ignore"):
        value = float(f(*np.atleast_1d(x)))
    if not math.isfinite(value):
        raise InputError(f"f({', '.join(f.variables)}) = {f} is not finite at "
                         f"{_point_text(f, x)} ({value})")
    return value


class DerivativeOutput(NamedTuple):
    derivative: str
    method: str
    value: float


class DerivativeFDOutput(NamedTuple):
    derivative: str
    method: str
    value: float
    error_estimate: float
    h: float


def _prepare_derivative(ns):
    from .explain import step
    f, x0 = _one_variable(ns.expression, ns.at)
    name = f.variables[0]
    method = ns.method
    n_max = 10 if method == "autodiff" else 6
    if not 1 <= ns.n <= n_max:
        raise InputError(f"--n must be between 1 and {n_max} for method {method}, got {ns.n}")
    if ns.h is not None and method == "autodiff":
        raise InputError("--h applies to the finite-difference methods (central, forward, "
                         "backward), not to autodiff")
    f0 = _check_finite_at(f, x0)
    n = ns.n
    d_dx = f"d/d{name}" if n == 1 else f"d^{n}/d{name}^{n}"
    label = f"{d_dx} [{f}] at {_point_text(f, x0)}"

    def run():
        from .calculus import autodiff
        from .calculus.autodiff import Tensor
        from .explain import silenced
        step("The function", f"f({name}) = {f}", **{name: x0, f"f({name})": f0})
        if method != "autodiff":
            from .calculus.numeric import derivative
            res = derivative(f, x0, n=n, method=method, h=ns.h, full_output=True)
            return DerivativeFDOutput(label, method, float(res.value), float(res.error),
                                      float(res.h))
        d = f
        for k in range(1, n + 1):
            d = autodiff.grad(d)
            if k < n:                     # lower orders: the values only
                with silenced():
                    dk = float(d(Tensor(x0, name=name)))
                step(f"Derivative of order {k}", f"d^{k}f/d{name}^{k}", iteration=k,
                     value=dk)
        if n > 1:
            step(f"Order {n}: reverse mode through the tape of order {n - 1}",
                 "grad applied to the recorded gradient graph (create_graph), so the "
                 "walk-through below runs over the derivative's own tape")
        value = float(d(Tensor(x0, name=name)))
        return DerivativeOutput(label, method, value)

    return run


class GradOutput(NamedTuple):
    variables: tuple
    point: np.ndarray
    value: float
    gradient: np.ndarray


class GradHessianOutput(NamedTuple):
    variables: tuple
    point: np.ndarray
    value: float
    gradient: np.ndarray
    hessian: np.ndarray


def _prepare_grad(ns):
    from .explain import step
    f, x = _several_variables(ns.expression, ns.at)
    _check_finite_at(f, x)
    names = f.variables

    def run():
        from .calculus.autodiff import Tensor, hessian, value_and_grad
        step("The function", f"f({', '.join(names)}) = {f}", point=_point_text(f, x))
        leaves = [Tensor(v, name=n) for n, v in zip(names, x)]
        value, gs = value_and_grad(f, argnums=tuple(range(len(names))))(*leaves)
        g = np.array([float(gi) for gi in gs])
        step("Gradient", "∇f = (" + ", ".join(f"∂f/∂{n}" for n in names) + ")",
             **{f"∂f/∂{n}": gi for n, gi in zip(names, g)}, gradient=g)
        if not ns.hessian:
            return GradOutput(names, x, float(value), g)
        H = hessian(f.of_vector)(x)
        return GradHessianOutput(names, x, float(value), g, H)

    return run


class TaylorOutput(NamedTuple):
    function: str
    x0: float
    order: int
    coefficients: np.ndarray
    polynomial: str


class TaylorEvalOutput(NamedTuple):
    function: str
    x0: float
    order: int
    coefficients: np.ndarray
    polynomial: str
    x: float
    f_x: float
    p_x: float
    error: float


def _prepare_taylor(ns):
    from .explain import step
    f, x0 = _one_variable(ns.expression, ns.at)
    name = f.variables[0]
    if ns.order < 0 or ns.order > 30:
        raise InputError(f"--order must be between 0 and 30, got {ns.order}")
    _check_finite_at(f, x0)
    x_eval = None
    if ns.eval is not None:
        x_eval = _one_value(ns.eval, "--eval")
        _check_finite_at(f, x_eval)

    def run():
        from .calculus.taylor import taylor_polynomial      # imported when needed
        step("The function", f"f({name}) = {f}", x0=x0, order=ns.order)
        p = taylor_polynomial(f, x0, ns.order)
        text = p.to_string(var=name)
        out = (f"{f}", x0, ns.order, np.asarray(p.coefficients), text)
        if x_eval is None:
            return TaylorOutput(*out)
        fx, px = float(f(x_eval)), float(p(x_eval))
        step("Compare at a point", f"f({name}) - p({name})", **{name: x_eval},
             f=fx, p=px, error=fx - px)
        return TaylorEvalOutput(*out, x_eval, fx, px, fx - px)

    return run


def _one_value(text: str, what: str) -> float:
    names, values = parse_point(text, what)
    if len(values) != 1:
        raise InputError(f"{what}: one value expected, got {len(values)}")
    return values[0]


def _choice(*options: str) -> Callable[[str], str]:
    """An argparse type accepting one of ``options`` (argparse reports the rest on one line)."""
    def check(value: str) -> str:
        if value not in options:
            raise argparse.ArgumentTypeError(f"must be one of {', '.join(options)}, got {value!r}")
        return value
    check.__name__ = "choice"
    return check


@dataclass
class ExpressionCommand:
    """An explain command on an expression given as text (parsed safely, never eval'd).

    ``prepare(ns)`` parses the expression and the options and returns the
    call to run under the recorder; the options use :class:`Command`'s format.
    """

    name: str
    runner: Callable[[argparse.Namespace], Callable[[], Any]]
    options: Sequence[tuple] = field(default_factory=tuple)
    help: str = ""
    epilog: str | None = None
    args: Sequence[tuple] = (
        ("expression", 'expression in the variables, e.g. "x**2*sin(x)" or "(x-3)^2"'),)
    #: ``ns -> dict`` of recorder settings (head, every) for this command
    explain_options: Callable[[argparse.Namespace], dict] | None = None

    def prepare(self, ns: argparse.Namespace) -> Callable[[], Any]:
        return self.runner(ns)


_AT_ONE = ("--at", "at", str, REQUIRED, 'the point: 1.5, pi/4 or "t=1.5"')

EXPRESSION_COMMANDS: list[ExpressionCommand] = [
    ExpressionCommand(
        "derivative", _prepare_derivative,
        [_AT_ONE,
         ("--n", "n", int, 1, "order of the derivative (default 1)"),
         ("--method", "method", _choice("autodiff", "central", "forward", "backward"), "autodiff",
          "autodiff (default; chain-rule walk-through), central, forward or backward "
          "(finite differences with Richardson extrapolation)"),
         ("--h", "h", float, None, "first finite-difference step (default: automatic)")],
        help="n-th derivative of an expression of one variable at a point",
        epilog='example: mathforml explain derivative "x**2*sin(x)" --at 1.5 --n 2'),
    ExpressionCommand(
        "grad", _prepare_grad,
        [("--at", "at", str, REQUIRED, 'the point: "x=1, y=2", or "[1, 2]" in the order of '
                                       'the variables (sorted: a, b, x, x2, x10, y)'),
         ("--hessian", "hessian", "flag", False, "also the Hessian matrix")],
        help="gradient (and Hessian) of an expression of several variables by reverse mode",
        epilog='example: mathforml explain grad "x**2 + 3*x*y" --at "x=1, y=2" --hessian'),
    ExpressionCommand(
        "taylor", _prepare_taylor,
        [("--at", "at", str, "0", "the expansion point x0 (default 0)"),
         ("--order", "order", int, 5, "the degree of the polynomial (default 5)"),
         ("--eval", "eval", str, None, "also compare f and the polynomial at this point")],
        help="Taylor polynomial of an expression of one variable, term by term",
        epilog='example: mathforml explain taylor "exp(x)" --at 0 --order 5 --eval 0.5'),
]


# ---------------------------------------------------------------------------
# Output
# ---------------------------------------------------------------------------
def _format_result(result: Any, digits: int = 6) -> str:
    from .explain import format_value

    def block(name, value):
        if isinstance(value, str) and "\n" in value:
            return [f"{name}:"] + ["  " + ln for ln in value.splitlines()]
        if isinstance(value, (list, tuple)) and not all(isinstance(v, str) for v in value):
            value = np.asarray(value)
        elif isinstance(value, tuple):
            value = ", ".join(value)
        lines = format_value(value, digits=digits, max_rows=12, max_cols=12)
        if len(lines) == 1:
            return [f"{name} = {lines[0]}"]
        return [f"{name} ="] + ["  " + ln for ln in lines]

    out: list[str] = []
    if hasattr(result, "_fields"):
        for name in result._fields:
            out += block(name, getattr(result, name))
    elif isinstance(result, tuple):
        for i, value in enumerate(result):
            out += block(f"[{i}]", value)
    else:
        out += block("result", result)
    return "\n".join(out)


class _Parser(argparse.ArgumentParser):
    """argparse that reports usage errors on one line and exits 2."""

    def error(self, message):  # pragma: no cover - exercised through main()
        self.exit(2, f"mathforml: error: {message}\n")


def all_commands() -> list:
    """Every explain command: linear algebra, calculus, probability, optimisation."""
    from ._cli_optimize import OPTIMIZE_COMMANDS
    from ._cli_probability import PROBABILITY_COMMANDS
    return [*COMMANDS, *EXPRESSION_COMMANDS, *PROBABILITY_COMMANDS, *OPTIMIZE_COMMANDS]


def build_parser() -> argparse.ArgumentParser:
    from . import __version__

    parser = _Parser(prog="mathforml",
                     description="The mathematics of machine learning, step by step.")
    parser.add_argument("--version", action="version", version=f"mathforml {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    ex = sub.add_parser(
        "explain", help="run one algorithm and show every step",
        description="Run one algorithm under the recorder and print every step with its numbers.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=('matrices are JSON-style "[[2,1],[1,3]]" or MATLAB-style "2 1; 1 3";\n'
                'vectors "[3,5]" or "3 5".\n'
                'example: mathforml explain solve "[[2,1],[1,3]]" "[3,5]"\n\n'
                + textwrap.fill('expressions (derivative, grad, taylor, and --f of gd, newton, '
                                'anneal) use + - * / ** (or ^), '
                                'the constants pi, e, tau and the functions '
                                + _function_names() + '; points: --at 1.5, --at pi/4, '
                                '--at "x=1, y=2" or --at "[1, 2]".', 78)
                + '\nexample: mathforml explain derivative "x**2*sin(x)" --at 1.5'
                + '\nexample: mathforml explain gd --f "(x-3)**2" --x0 7 --lr 0.1 --steps 20'
                + '\nexample: mathforml explain kl "0.5 0.5" "0.9 0.1"'))
    ex.add_argument("--format", choices=("text", "markdown", "json"), default="text",
                    help="how to print the steps (default: text)")
    ex.add_argument("--digits", type=int, default=6, help="significant digits (default 6)")
    fsub = ex.add_subparsers(dest="function", metavar="FUNCTION", parser_class=_Parser)
    for cmd in all_commands():
        p = fsub.add_parser(cmd.name, help=cmd.help, description=cmd.help,
                            epilog=getattr(cmd, "epilog", None))
        for name, hlp, *nargs in cmd.args:
            p.add_argument(name, help=hlp, **({"nargs": nargs[0]} if nargs else {}))
        for flag, kw, typ, default, hlp in cmd.options:
            if typ == "flag":
                p.add_argument(flag, dest=kw, action="store_true", help=hlp)
            elif typ == "flag-false":
                p.add_argument(flag, dest=kw, action="store_false", help=hlp)
            elif default is REQUIRED:
                p.add_argument(flag, dest=kw, type=typ, required=True, help=hlp)
            else:
                p.add_argument(flag, dest=kw, type=typ, default=default, help=hlp)
        p.set_defaults(_command=cmd)
    return parser


def run_explain(ns: argparse.Namespace, out=None) -> int:
    from .explain import explain

    out = out or sys.stdout
    cmd = ns._command
    run = cmd.prepare(ns)                 # parse everything before the recorder starts
    options = cmd.explain_options(ns) if getattr(cmd, "explain_options", None) else {}
    with explain(digits=ns.digits, **options) as work:
        result = run()
    formatted = _format_result(result, digits=ns.digits)
    if ns.format == "json":
        payload = work.to_dict()
        payload["result"] = formatted
        print(json.dumps(payload, indent=2), file=out)
    elif ns.format == "markdown":
        print(work.to_markdown(), file=out)
        print("```\n" + formatted + "\n```", file=out)
    else:
        text = str(work)
        if text:
            print(text, file=out)
            print("", file=out)
        print("Result", file=out)
        print(formatted, file=out)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``mathforml`` console script; returns the exit status."""
    import warnings

    from .exceptions import LinAlgError

    parser = build_parser()
    ns = parser.parse_args(argv)
    if ns.command is None:
        parser.print_help()
        return 0
    if ns.command == "explain" and getattr(ns, "function", None) is None:
        parser.exit(2, "mathforml: error: explain needs a FUNCTION; try 'mathforml explain --help'\n")
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            status = run_explain(ns)
        for w in caught:
            print(f"mathforml: warning: {w.message}", file=sys.stderr)
        return status
    except (InputError, ValueError, TypeError, LinAlgError) as exc:
        msg = " ".join(str(exc).split())
        print(f"mathforml: error: {msg}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        # the reader (e.g. `| head`) closed the pipe: stop quietly, as Unix tools do
        import os
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
