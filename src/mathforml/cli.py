r"""The ``mathforml`` command.

``mathforml explain FUNCTION ARGS...`` runs one algorithm under the recorder
and prints every step with its numbers, then the result::

    mathforml explain solve "[[2,1],[1,3]]" "[3,5]"
    mathforml explain lu "4 3; 6 3"
    mathforml explain lstsq "1 1; 1 2; 1 3" "1 2 2" --method svd
    mathforml explain norm "[3, 4]" --ord 1

Matrices are given as JSON-style literals (``"[[2,1],[1,3]]"``) or
MATLAB-style (``"2 1; 1 3"``, rows separated by ``;`` or newlines, entries by
spaces or commas).  They are parsed by :func:`parse_array` — never ``eval``.
Bad input prints one line (``mathforml: error: ...``) and exits with status 2.
"""
from __future__ import annotations

import argparse
import importlib
import json
import math
import re
import sys
from dataclasses import dataclass, field
from typing import Any, Callable, Sequence

import numpy as np

__all__ = ["main", "parse_array", "InputError"]


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
    name: str
    module: str
    func: str
    args: Sequence[tuple[str, str]]          # (name, help) positional array arguments
    options: Sequence[tuple] = field(default_factory=tuple)  # (flag, kwarg, type, default, help)
    help: str = ""

    def resolve(self) -> Callable:
        mod = importlib.import_module(f"mathforml.{self.module}")
        return getattr(mod, self.func)


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
# Output
# ---------------------------------------------------------------------------
def _format_result(result: Any) -> str:
    from .explain import format_value

    def block(name, value):
        lines = format_value(np.asarray(value) if isinstance(value, (list, tuple)) else value,
                             max_rows=12, max_cols=12)
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


def build_parser() -> argparse.ArgumentParser:
    from . import __version__

    parser = _Parser(prog="mathforml",
                     description="The mathematics of machine learning, step by step.")
    parser.add_argument("--version", action="version", version=f"mathforml {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    ex = sub.add_parser(
        "explain", help="run one algorithm and show every step",
        description="Run one algorithm under the recorder and print every step with its numbers.",
        epilog=('matrices are JSON-style "[[2,1],[1,3]]" or MATLAB-style "2 1; 1 3"; '
                'vectors "[3,5]" or "3 5".  example: mathforml explain solve "[[2,1],[1,3]]" "[3,5]"'))
    ex.add_argument("--format", choices=("text", "markdown", "json"), default="text",
                    help="how to print the steps (default: text)")
    ex.add_argument("--digits", type=int, default=6, help="significant digits (default 6)")
    fsub = ex.add_subparsers(dest="function", metavar="FUNCTION", parser_class=_Parser)
    for cmd in COMMANDS:
        p = fsub.add_parser(cmd.name, help=cmd.help, description=cmd.help)
        for name, hlp in cmd.args:
            p.add_argument(name, help=hlp)
        for flag, kw, typ, default, hlp in cmd.options:
            if typ == "flag":
                p.add_argument(flag, dest=kw, action="store_true", help=hlp)
            elif typ == "flag-false":
                p.add_argument(flag, dest=kw, action="store_false", help=hlp)
            else:
                p.add_argument(flag, dest=kw, type=typ, default=default, help=hlp)
        p.set_defaults(_command=cmd)
    return parser


def run_explain(ns: argparse.Namespace, out=None) -> int:
    from .explain import explain

    out = out or sys.stdout
    cmd: Command = ns._command
    args = []
    for name, _ in cmd.args:
        text = getattr(ns, name)
        if name == "k":
            try:
                args.append(int(text))
            except ValueError:
                raise InputError(f"k must be an integer, got {text!r}") from None
        else:
            args.append(parse_array(text))
    kwargs = {kw: getattr(ns, kw) for _, kw, *_ in cmd.options}
    func = cmd.resolve()
    with explain(digits=ns.digits) as work:
        result = func(*args, **kwargs)
    if ns.format == "json":
        payload = work.to_dict()
        payload["result"] = _format_result(result)
        print(json.dumps(payload, indent=2), file=out)
    elif ns.format == "markdown":
        print(work.to_markdown(), file=out)
        print("```\n" + _format_result(result) + "\n```", file=out)
    else:
        text = str(work)
        if text:
            print(text, file=out)
            print("", file=out)
        print("Result", file=out)
        print(_format_result(result), file=out)
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


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
