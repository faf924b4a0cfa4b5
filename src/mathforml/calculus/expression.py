r"""Mathematical expressions given as text, parsed safely into differentiable functions.

:func:`parse_expression` turns ``"x**2*sin(x)"`` into an :class:`Expression`:
a callable that evaluates on Python floats, NumPy arrays and autodiff
:class:`~mathforml.calculus.autodiff.Tensor` objects alike, so
:func:`~mathforml.calculus.grad`, :func:`~mathforml.calculus.hessian` and
finite differences all work on it.  The command line (``mathforml explain
derivative "x**2*sin(x)" --at 1.5``) and the optimisation lessons use it.

How the text is read (never ``eval``)
-------------------------------------
The text is parsed by :func:`ast.parse` (which only builds a syntax tree and
runs nothing), then the tree is walked over a **whitelist**:

==================  ===========================================================
allowed             what
==================  ===========================================================
numbers             ``2``, ``0.5``, ``1e-3`` (int and float literals only)
operators           ``+ - * / **`` and unary ``+ -``; ``^`` is read as ``**``
variables           any other plain name (``x``, ``y1``, ``theta``), not
                    starting with ``_``
constants           ``pi``, ``e``, ``tau``
functions           ``exp log ln log1p log2 log10 sqrt abs sin cos tan tanh``
                    ``sigmoid relu softplus`` (one argument), ``maximum
                    minimum`` (two), ``max min`` (two or more), called by
                    plain name with positional arguments
==================  ===========================================================

Everything else — attribute access, indexing, calls of anything else,
keywords, lambdas, comprehensions, comparisons, ``if``/``else``, strings,
``//``, ``%``, ``@`` and bit operators — raises :class:`ExpressionError` (a
:class:`ValueError`) naming the offending piece and its column (1-based, in
the text as given).  Texts longer than :data:`MAX_LENGTH` characters or nested
deeper than :data:`MAX_DEPTH` levels are refused before any work is done.

The tree is then compiled, once, into a tree of Python closures that call the
operations of :mod:`mathforml.calculus.autodiff.ops` (no ``eval``, ``exec``
or ``compile`` anywhere).  Sub-expressions made only of numbers and
constants (``1/3``, ``2*pi``, ``9**9**9``) are folded to one float at parse
time; floating-point arithmetic takes bounded time, and a folded constant that
is not finite (an overflow, ``1/0``, ``log(0)``) is rejected with its column.

Decisions
---------
* ``^`` means power.  People write ``x^2``; in Python syntax ``^`` is a
  bitwise operator with the *wrong precedence* for a power (``x^2+1`` would
  be ``x^(2+1)``), so every ``^`` is turned into ``**`` *before* parsing and
  then has exactly the precedence and right-associativity of ``**``
  (``-x^2 = -(x^2)``, ``2^3^2 = 2^9``).
* Variables are ordered *naturally sorted* (``a, b, x, x2, x10, y``) unless
  ``variables=`` gives the order.  Sorting makes the signature independent of
  how the expression is written (``x + y`` and ``y + x`` take ``(x, y)``),
  the convention of sympy's ``free_symbols``.
* ``inf`` and ``nan`` are not names: an expression stays finite by design.
* ``tan``, ``log2``, ``log10`` are built from the engine's operations
  (``sin/cos``, ``log(x)/log 2``), so they differentiate, to any order, like
  everything else; they may differ from NumPy's by an ulp.

>>> f = parse_expression("x**2 * sin(x)")
>>> f.variables
('x',)
>>> round(float(f(2.0)), 12) == round(4 * math.sin(2.0), 12)
True
>>> from mathforml.calculus.autodiff import grad
>>> g = parse_expression("x^2 + 3*x*y")
>>> [float(d) for d in grad(g, argnums=(0, 1))(1.0, 2.0)]     # (2x + 3y, 3x)
[8.0, 3.0]
"""
from __future__ import annotations

import ast
import functools
import keyword
import math
import re
import unicodedata
import warnings
from types import MappingProxyType
from typing import Callable, Sequence

import numpy as np

from .autodiff import ops
from .autodiff.tensor import Tensor, _as_data

__all__ = ["parse_expression", "Expression", "ExpressionError", "FUNCTIONS", "CONSTANTS",
           "MAX_LENGTH", "MAX_DEPTH"]

#: Longest accepted text, in characters.
MAX_LENGTH = 1000
#: Deepest accepted nesting of sub-expressions (``x+x+...+x`` with n terms has depth n).
MAX_DEPTH = 100


class ExpressionError(ValueError):
    """A text that is not an accepted expression.

    Attributes
    ----------
    text : str
        The text as given.
    column : int or None
        1-based column of the offending piece in ``text`` (None when the whole
        text is at fault, e.g. too long).
    """

    def __init__(self, message: str, text: str = "", column: int | None = None):
        super().__init__(message)
        self.text = text
        self.column = column


# ---------------------------------------------------------------------------
# The whitelist: functions and constants
# ---------------------------------------------------------------------------
class _Function:
    __slots__ = ("name", "min_args", "max_args", "impl", "doc")

    def __init__(self, name, min_args, max_args, impl, doc):
        self.name, self.min_args, self.max_args, self.impl, self.doc = (
            name, min_args, max_args, impl, doc)

    def __repr__(self):
        return f"<expression function {self.name}: {self.doc}>"


_LN2 = math.log(2.0)
_LN10 = math.log(10.0)


def _tan(x):
    return ops.div(ops.sin(x), ops.cos(x))


def _log2(x):
    return ops.div(ops.log(x), _LN2)


def _log10(x):
    return ops.div(ops.log(x), _LN10)


def _fold(op):
    def apply(*xs):
        return functools.reduce(op, xs)
    return apply


_FUNCTION_LIST = [
    _Function("exp", 1, 1, ops.exp, "exp(x)"),
    _Function("log", 1, 1, ops.log, "natural logarithm"),
    _Function("ln", 1, 1, ops.log, "natural logarithm (same as log)"),
    _Function("log1p", 1, 1, ops.log1p, "log(1 + x), accurate for small x"),
    _Function("log2", 1, 1, _log2, "log(x) / log(2)"),
    _Function("log10", 1, 1, _log10, "log(x) / log(10)"),
    _Function("sqrt", 1, 1, ops.sqrt, "square root"),
    _Function("abs", 1, 1, ops.abs, "|x| (abs'(0) = 0)"),
    _Function("sin", 1, 1, ops.sin, "sine"),
    _Function("cos", 1, 1, ops.cos, "cosine"),
    _Function("tan", 1, 1, _tan, "sin(x) / cos(x)"),
    _Function("tanh", 1, 1, ops.tanh, "hyperbolic tangent"),
    _Function("sigmoid", 1, 1, ops.sigmoid, "1 / (1 + exp(-x))"),
    _Function("relu", 1, 1, ops.relu, "max(x, 0) (relu'(0) = 0)"),
    _Function("softplus", 1, 1, ops.softplus, "log(1 + exp(x))"),
    _Function("maximum", 2, 2, ops.maximum, "elementwise max(x, y)"),
    _Function("minimum", 2, 2, ops.minimum, "elementwise min(x, y)"),
    _Function("max", 2, None, _fold(ops.maximum), "elementwise max(x, y, ...)"),
    _Function("min", 2, None, _fold(ops.minimum), "elementwise min(x, y, ...)"),
]

#: The functions an expression may call, by name (read-only).
FUNCTIONS = MappingProxyType({f.name: f for f in _FUNCTION_LIST})
#: The named constants (read-only).
CONSTANTS = MappingProxyType({"pi": math.pi, "e": math.e, "tau": math.tau})

_BINARY = {ast.Add: (ops.add, "+"), ast.Sub: (ops.sub, "-"), ast.Mult: (ops.mul, "*"),
           ast.Div: (ops.div, "/"), ast.Pow: (ops.pow, "**")}
_REFUSED_BINARY = {
    ast.FloorDiv: "floor division '//' is not supported (it has no derivative); use '/'",
    ast.Mod: "the remainder operator '%' is not supported",
    ast.MatMult: "matrix product '@' is not supported in scalar expressions",
    ast.BitAnd: "the bitwise operator '&' is not supported",
    ast.BitOr: "the bitwise operator '|' is not supported",
    ast.BitXor: "the bitwise operator '^' is not supported",
    ast.LShift: "the shift operator '<<' is not supported",
    ast.RShift: "the shift operator '>>' is not supported",
}
_REFUSED_NODES = {
    ast.Attribute: "attribute access is not allowed",
    ast.Subscript: "indexing and slicing are not allowed",
    ast.Lambda: "lambda is not allowed",
    ast.ListComp: "comprehensions are not allowed",
    ast.SetComp: "comprehensions are not allowed",
    ast.DictComp: "comprehensions are not allowed",
    ast.GeneratorExp: "generator expressions are not allowed",
    ast.IfExp: "conditional expressions (if/else) are not allowed; use max/min/relu/abs",
    ast.Compare: "comparisons are not allowed",
    ast.BoolOp: "'and'/'or' are not allowed",
    ast.List: "list literals are not allowed",
    ast.Tuple: "tuples are not allowed",
    ast.Set: "set literals are not allowed",
    ast.Dict: "dict literals are not allowed",
    ast.NamedExpr: "assignment ':=' is not allowed",
    ast.Starred: "starred arguments are not allowed",
    ast.JoinedStr: "strings are not allowed",
    ast.FormattedValue: "strings are not allowed",
    ast.Await: "'await' is not allowed",
    ast.Yield: "'yield' is not allowed",
    ast.YieldFrom: "'yield' is not allowed",
}


# ---------------------------------------------------------------------------
# Reading the text
# ---------------------------------------------------------------------------
def _prepare(text: str):
    """The text Python will parse, and for each of its characters the original column.

    Leading whitespace is dropped, line breaks and tabs become spaces and each
    ``^`` becomes ``**``.  ``origin[i]`` is the 0-based index in ``text`` of
    the prepared text's character ``i`` (one extra entry for the end).
    """
    out, origin = [], []
    start = len(text) - len(text.lstrip())
    for j in range(start, len(text)):
        c = text[j]
        if c == "^":
            out.append("**")
            origin += [j, j]
        else:
            out.append(" " if c in "\n\r\t\f\v" else c)
            origin.append(j)
    origin.append(len(text))
    return "".join(out), origin


class _Reader:
    """Validates the syntax tree and compiles it into closures."""

    def __init__(self, text: str, source: str, origin: list, variables: tuple):
        self.text = text
        self.source_bytes = source.encode("utf-8")
        self.origin = origin
        self.names = variables
        self.index = {name: i for i, name in enumerate(variables)}

    # -- errors ---------------------------------------------------------------
    def where(self, col_offset: int) -> int:
        """0-based index in the original text of a byte offset in the prepared one."""
        i = len(self.source_bytes[:col_offset].decode("utf-8", errors="replace"))
        return self.origin[min(i, len(self.origin) - 1)]

    def fail(self, node, message: str, col_offset: int | None = None, hint: str = "",
             show: bool = True):
        """Raise ExpressionError for ``node``, with its column and (``show``) its text."""
        col = self.where(node.col_offset if col_offset is None else col_offset) + 1
        end = getattr(node, "end_col_offset", None)
        piece = ""
        if show and end is not None and end > node.col_offset:
            seg = self.text[self.where(node.col_offset):self.where(end)]
            if len(seg) > 40:
                seg = seg[:37] + "..."
            piece = f" in {seg!r}"
        raise ExpressionError(f"{message} at column {col}{piece}" + (f"; {hint}" if hint else ""),
                              self.text, col)

    # -- the walk -------------------------------------------------------------
    def read(self, node):
        """``(kind, payload)``: ``("const", float)``, ``("var", index)`` or ``("fn", closure)``."""
        t = type(node)
        if t is ast.Constant:
            return self.constant(node)
        if t is ast.Name:
            return self.name(node)
        if t is ast.BinOp:
            return self.binop(node)
        if t is ast.UnaryOp:
            return self.unaryop(node)
        if t is ast.Call:
            return self.call(node)
        message = _REFUSED_NODES.get(t, f"{t.__name__} is not allowed in an expression")
        if t is ast.Attribute:
            return self.fail(node, f"attribute access '.{node.attr}' is not allowed",
                             node.end_col_offset - len(node.attr.encode("utf-8")))
        return self.fail(node, message)

    def constant(self, node):
        v = node.value
        if type(v) not in (int, float):
            what = {str: "strings are", bytes: "bytes are", complex: "complex numbers are",
                    bool: f"{v} is"}.get(type(v), f"{v!r} is")
            return self.fail(node, f"{what} not allowed; only real numbers")
        try:
            return "const", float(v)
        except OverflowError:
            return self.fail(node, "number too large for a float")

    def name(self, node):
        n = node.id
        if n in CONSTANTS:
            return "const", CONSTANTS[n]
        if n in FUNCTIONS:
            return self.fail(node, f"'{n}' is a function; call it as {n}(...)")
        if n.startswith("_"):
            return self.fail(node, f"names starting with '_' are not allowed ({n!r})")
        i = self.index.get(n)
        if i is None:        # only with variables= given: every other name was collected
            return self.fail(node, f"unknown name {n!r}",
                             hint=f"the variables are: {', '.join(self.names) or 'none'}")
        return "var", i

    def binop(self, node):
        t = type(node.op)
        if t not in _BINARY:
            # point at the operator: the first non-space character after the left operand
            gap = self.source_bytes[node.left.end_col_offset:node.right.col_offset]
            stripped = gap.decode("utf-8", "replace")
            lead = len(stripped) - len(stripped.lstrip(" ()"))
            return self.fail(node, _REFUSED_BINARY.get(t, f"operator {t.__name__} is not allowed"),
                             node.left.end_col_offset + lead)
        fn, symbol = _BINARY[t]
        left, right = self.read(node.left), self.read(node.right)
        if left[0] == "const" and right[0] == "const":
            return self.folded(node, fn, left[1], right[1])
        a, b = self.closure(left), self.closure(right)
        return "fn", lambda env: fn(a(env), b(env))

    def unaryop(self, node):
        t = type(node.op)
        if t not in (ast.USub, ast.UAdd):
            what = {ast.Not: "'not'", ast.Invert: "'~'"}.get(t, t.__name__)
            return self.fail(node, f"{what} is not allowed")
        operand = self.read(node.operand)
        if t is ast.UAdd:
            return operand
        if operand[0] == "const":
            return "const", -operand[1]
        a = self.closure(operand)
        return "fn", lambda env: ops.neg(a(env))

    def call(self, node):
        func = node.func
        if type(func) is not ast.Name:
            self.read(func)    # an attribute, a subscript, ...: reported by its own message
            return self.fail(node, "only the whitelisted functions can be called, by plain name")
        f = FUNCTIONS.get(func.id)
        if f is None:
            return self.fail(func, f"unknown function {func.id!r}",
                             hint="allowed: " + ", ".join(sorted(FUNCTIONS)))
        if node.keywords:
            kw = node.keywords[0]
            return self.fail(kw.value if kw.arg is None else kw,
                             f"keyword arguments are not allowed in {f.name}(...)")
        for a in node.args:
            if type(a) is ast.Starred:
                return self.fail(a, "starred arguments are not allowed")
        n = len(node.args)
        if n < f.min_args or (f.max_args is not None and n > f.max_args):
            want = (str(f.min_args) if f.min_args == f.max_args else
                    f"at least {f.min_args}" if f.max_args is None else
                    f"{f.min_args} to {f.max_args}")
            return self.fail(node, f"{f.name}() takes {want} argument(s), got {n}")
        args = [self.read(a) for a in node.args]
        impl = f.impl
        if all(k == "const" for k, _ in args):
            return self.folded(node, impl, *[v for _, v in args])
        cs = [self.closure(a) for a in args]
        if n == 1:
            (a,) = cs
            return "fn", lambda env: impl(a(env))
        if n == 2:
            a, b = cs
            return "fn", lambda env: impl(a(env), b(env))
        return "fn", lambda env: impl(*[c(env) for c in cs])

    def folded(self, node, fn, *constants):
        """Fold ``fn(*constants)`` into one float (bounded-time float arithmetic)."""
        with np.errstate(all="ignore"):
            v = float(fn(*constants))
        if not math.isfinite(v):
            return self.fail(node, f"this constant part evaluates to {v} (overflow, division "
                                   "by zero or outside a function's domain)")
        return "const", v

    @staticmethod
    def closure(item) -> Callable:
        kind, payload = item
        if kind == "fn":
            return payload
        if kind == "var":
            i = payload
            return lambda env: env[i]
        c = payload
        return lambda env: c


def _depth_check(tree, reader: _Reader) -> None:
    """Refuse trees nested deeper than MAX_DEPTH (iteratively: no recursion on user input)."""
    stack = [(tree.body, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_DEPTH:
            reader.fail(node, f"expression nested too deeply (more than {MAX_DEPTH} levels)",
                        show=False)
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.expr):
                stack.append((child, depth + 1))


def _check_variable_names(variables) -> tuple:
    if isinstance(variables, str):
        variables = [v for v in re.split(r"[,\s]+", variables) if v]
    for v in variables:
        if not isinstance(v, str) or not v.isidentifier():
            raise ExpressionError(f"variables must be identifiers, got {v!r}")
    # Python reads identifiers in NFKC form (a full-width 'ｘ' is 'x'): so do we
    names = tuple(unicodedata.normalize("NFKC", v) for v in variables)
    for v in names:
        if v.startswith("_"):
            raise ExpressionError(f"variable names may not start with '_', got {v!r}")
        if v in FUNCTIONS or v in CONSTANTS:
            raise ExpressionError(f"{v!r} is a function or constant name and cannot be a variable")
        if keyword.iskeyword(v):
            raise ExpressionError(f"{v!r} is a Python keyword and cannot be a variable")
    if len(set(names)) != len(names):
        raise ExpressionError(f"variables contain a repeated name: {names}")
    return names


def _natural_key(name: str):
    return [int(t) if t.isdecimal() else t for t in re.split(r"(\d+)", name)], name


def parse_expression(text: str, variables: Sequence[str] | str | None = None) -> "Expression":
    r"""Parse a mathematical expression into a differentiable function, safely.

    Parameters
    ----------
    text : str
        The expression, e.g. ``"x**2*sin(x)"``, ``"(x-3)^2"``,
        ``"log(1 + exp(-y*w*x))"``.  Syntax and allowed names: see
        :mod:`mathforml.calculus.expression`.
    variables : sequence of str or str, optional
        The variable names in the order of the function's positional
        arguments (``("x", "y")`` or ``"x, y"``); any other name in the text
        is an error.  Default: every name that is not a constant or function,
        naturally sorted (``a, b, x, x2, x10, y``).

    Returns
    -------
    Expression
        Callable ``f(*values)`` in the order of ``f.variables`` (or with
        keyword arguments).

    Raises
    ------
    ExpressionError
        (a :class:`ValueError`) for anything outside the whitelist, bad
        syntax, a text over :data:`MAX_LENGTH` characters or deeper than
        :data:`MAX_DEPTH`, or a constant part that is not finite; the message
        gives the 1-based column.
    TypeError
        If ``text`` is not a string.

    Notes
    -----
    Pipeline: ``text → ^ replaced by ** → ast.parse (builds a tree, runs
    nothing) → whitelist walk → closures``.  Every node becomes one closure
    ``env ↦ op(child₁(env), child₂(env))`` over the operations of
    :mod:`mathforml.calculus.autodiff.ops`, which compute with NumPy on arrays
    and record a tape on tensors.  Constant sub-expressions are folded to one
    Python float at parse time (so ``2*pi*x`` records one multiplication, and a
    float32 input stays float32).

    References
    ----------
    Python Language Reference, "Abstract Syntax Trees" (the :mod:`ast` module).

    Examples
    --------
    >>> f = parse_expression("x^2 + 3*x*y")
    >>> f.variables, float(f(1.0, 2.0)), float(f(y=2.0, x=1.0))
    (('x', 'y'), 7.0, 7.0)
    >>> parse_expression("y * x").variables
    ('x', 'y')
    >>> parse_expression("__import__('os')")
    Traceback (most recent call last):
    ...
    mathforml.calculus.expression.ExpressionError: unknown function '__import__' at column 1 in '__import__'; allowed: abs, cos, exp, ...
    """
    if not isinstance(text, str):
        raise TypeError(f"text must be a str, got {type(text).__name__}")
    if len(text) > MAX_LENGTH:
        raise ExpressionError(f"expression too long ({len(text)} characters; at most "
                              f"{MAX_LENGTH})", text)
    names = None if variables is None else _check_variable_names(variables)
    source, origin = _prepare(text)
    if not source.strip():
        raise ExpressionError("empty expression", text)
    try:
        with warnings.catch_warnings():     # "invalid decimal literal" and the like
            warnings.simplefilter("ignore", SyntaxWarning)
            warnings.simplefilter("ignore", DeprecationWarning)
            tree = ast.parse(source, mode="eval")
    except SyntaxError as exc:
        off = (exc.offset or 1) - 1
        col = origin[max(0, min(off, len(origin) - 1))] + 1
        msg = exc.msg
        if msg.startswith("invalid syntax") or msg == "invalid character":
            msg = f"{msg.split('.')[0]}"
        raise ExpressionError(f"{msg} at column {col}", text, col) from None
    except (RecursionError, MemoryError):
        raise ExpressionError(f"expression nested too deeply (more than {MAX_DEPTH} levels)",
                              text) from None
    body = tree.body
    if names is None:
        names = tuple(sorted(_variable_names(body), key=_natural_key))
    reader = _Reader(text, source, origin, names)
    _depth_check(tree, reader)
    item = reader.read(body)
    return Expression(text, names, reader.closure(item), ast.unparse(body))


def _variable_names(body) -> set:
    """Names used as values (not called) that are not constants, functions or private."""
    called = {id(n.func) for n in ast.walk(body) if type(n) is ast.Call}
    return {n.id for n in ast.walk(body)
            if type(n) is ast.Name and id(n) not in called and n.id not in CONSTANTS
            and n.id not in FUNCTIONS and not n.id.startswith("_")}


# ---------------------------------------------------------------------------
# The function object
# ---------------------------------------------------------------------------
def _as_input(v, name: str):
    """A value for a variable: tensors as they are, numbers as floats, arrays as float arrays."""
    if type(v) is Tensor:
        return v
    if isinstance(v, (bool, int, float)) and type(v) in (bool, int, float):
        return float(v)
    return _as_data(v, name=f"variable {name}")


class Expression:
    r"""A parsed expression: a function of its variables (made by :func:`parse_expression`).

    Calling it evaluates the compiled closures on whatever the arguments are:
    Python floats (result: a NumPy float), ndarrays (elementwise, with
    broadcasting between the variables) or autodiff tensors (the result is a
    tensor on the tape, so ``grad``/``hessian``/``jacobian`` differentiate
    through it).

    Attributes
    ----------
    text : str
        The text as given.
    variables : tuple of str
        The names of the positional arguments, in order.

    Notes
    -----
    The result always has the broadcast shape of the arguments: an expression
    that does not use one of its variables (``"2"``, or ``"x"`` with
    ``variables=("x", "y")``) is broadcast against it, so ``f(X)`` has the
    shape of ``X`` as finite differences expect.

    Examples
    --------
    >>> f = parse_expression("exp(-x) * cos(2*pi*x)")
    >>> np.round(f(np.array([0.0, 0.5, 1.0])), 6)
    array([ 1.      , -0.606531,  0.367879])
    >>> f
    Expression('exp(-x) * cos(2*pi*x)', variables=('x',))
    >>> print(f)
    exp(-x) * cos(2 * pi * x)
    """

    __slots__ = ("text", "variables", "_fn", "_canonical", "__weakref__")

    def __init__(self, text: str, variables: tuple, fn: Callable, canonical: str):
        self.text = text
        self.variables = tuple(variables)
        self._fn = fn
        self._canonical = canonical

    def __call__(self, *args, **kwargs):
        env = self._bind(args, kwargs)
        result = self._fn(env)
        if env:
            shapes = [np.shape(v.data if type(v) is Tensor else v) for v in env]
            shape = np.broadcast_shapes(*shapes)
            rshape = np.shape(result.data if type(result) is Tensor else result)
            if rshape != shape:
                if type(result) is Tensor:
                    result = ops.broadcast_to(result, shape)
                else:
                    dtype = np.result_type(*[v.data if type(v) is Tensor else v for v in env],
                                           result)
                    result = np.array(np.broadcast_to(np.asarray(result, dtype=dtype), shape))
        return result

    def _bind(self, args, kwargs) -> tuple:
        names = self.variables
        n = len(names)
        if len(args) > n:
            raise TypeError(f"{self!r} takes {n} argument(s), got {len(args)}")
        values = list(args) + [None] * (n - len(args))
        given = [True] * len(args) + [False] * (n - len(args))
        for key, v in kwargs.items():
            try:
                i = names.index(key)
            except ValueError:
                raise TypeError(f"unknown variable {key!r}; the variables are "
                                f"{', '.join(names) or 'none'}") from None
            if given[i]:
                raise TypeError(f"variable {key!r} given twice")
            values[i], given[i] = v, True
        missing = [names[i] for i in range(n) if not given[i]]
        if missing:
            raise TypeError(f"missing value for variable(s) {', '.join(missing)}")
        return tuple(_as_input(v, name) for v, name in zip(values, names))

    def of_vector(self, v):
        """Evaluate with the variables taken along the first axis of ``v``: ``f(v[0], v[1], ...)``.

        The form optimisers and :func:`~mathforml.calculus.hessian` want: a
        function of one vector.  ``v`` has shape ``(len(variables),)`` (or
        ``(len(variables), ...)`` to evaluate at many points).

        >>> f = parse_expression("x**2 + 3*x*y")
        >>> float(f.of_vector(np.array([1.0, 2.0])))
        7.0
        """
        n = len(self.variables)
        if type(v) is not Tensor:
            v = np.asarray(v)
            if v.dtype.kind in "biu":
                v = v.astype(np.float64)
        shape = v.shape
        if not shape or shape[0] != n:
            raise ValueError(f"of_vector needs a vector of {n} value(s) "
                             f"({', '.join(self.variables)}), got shape {shape}")
        return self(*[v[i] for i in range(n)])

    def __repr__(self) -> str:
        return f"Expression({self.text!r}, variables={self.variables!r})"

    def __str__(self) -> str:
        return self._canonical
