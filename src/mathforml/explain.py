r"""Show your work: the one step recorder every algorithm reports to.

An algorithm calls :func:`step` at the end of each phase (or iteration) with a
title, an optional formula and the numbers involved.  Nothing happens unless
somebody is listening: :func:`step` returns at once when no recorder is
active, and :func:`section` hands back one shared no-op context object.  A
reader turns the recorder on with :func:`explain`::

    >>> import numpy as np
    >>> from mathforml.explain import explain, step
    >>> def double(x):
    ...     y = 2 * x
    ...     step("Double the input", "y = 2 x", x=x, y=y)
    ...     return y
    >>> with explain() as work:
    ...     _ = double(np.array([1.0, 2.5]))
    >>> print(work)
    Double the input
      y = 2 x
      x = [1  2.5]
      y = [2  5]
    >>> work.steps[0].values["y"]
    array([2., 5.])

Design
------
* A module-level :class:`contextvars.ContextVar` holds the active
  :class:`Work`, so recorders nest and are safe across threads and asyncio
  tasks.
* The recorder keeps *copies* of arrays (algorithms update in place).  Arrays
  with more than ``max_elements`` entries are stored as an
  :class:`ArrayPreview` (shape, dtype, leading corner, norm) to keep memory
  bounded.
* Iteration logs are bounded: a step recorded with ``iteration=k`` is kept if
  ``k < head`` or ``k % every == 0``; the most recent dropped iteration is held
  back and flushed when the loop's section closes, so the last iterate is
  always shown.
* Recording never changes results: values computed only for the explanation
  should be guarded by :func:`active` in the algorithm.
"""
from __future__ import annotations

import contextvars
import json
import math
from dataclasses import dataclass, field
from typing import Any, Iterator

import numpy as np

__all__ = [
    "explain",
    "step",
    "section",
    "silenced",
    "active",
    "Work",
    "Step",
    "ArrayPreview",
    "format_number",
    "format_value",
]

_ACTIVE: contextvars.ContextVar["Work | None"] = contextvars.ContextVar(
    "mathforml_explain", default=None
)


# ---------------------------------------------------------------------------
# The hot path: free when nobody listens
# ---------------------------------------------------------------------------
def active() -> bool:
    """Return True when a recorder is listening.

    Algorithms use it to skip work done only for the explanation:

    >>> active()
    False
    >>> with explain():
    ...     active()
    True
    """
    return _ACTIVE.get() is not None


def step(title: str, formula: str | None = None, /, *, iteration: int | None = None,
         **values: Any) -> None:
    """Record one step of an algorithm (a no-op when no recorder is active).

    Parameters
    ----------
    title : str
        What happened, in words ("Eliminate below pivot 1").
    formula : str, optional
        The formula in the code's own symbols ("row_i <- row_i - m_i1 row_1").
    iteration : int, optional
        Iteration counter of a loop; iteration steps are thinned by the
        recorder's ``head``/``every`` policy so long runs stay readable.
    **values
        The numbers: scalars, arrays, strings.  Arrays are copied.
    """
    work = _ACTIVE.get()
    if work is None:
        return
    work._record(title, formula, values, iteration)


class _NullSection:
    """Shared no-op context manager returned by :func:`section` when off."""

    __slots__ = ()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


_NULL_SECTION = _NullSection()


class _Section:
    __slots__ = ("work", "title", "token")

    def __init__(self, work: "Work", title: str):
        self.work = work
        self.title = title

    def __enter__(self):
        self.work._open_section(self.title)
        return self

    def __exit__(self, *exc):
        self.work._close_section()
        return False


def section(title: str):
    """Group the following steps under a heading (a shared no-op when off).

    >>> with explain() as work:
    ...     with section("Forward elimination"):
    ...         step("pivot", pivot=2.0)
    >>> work.steps[0].section
    ('Forward elimination',)
    """
    work = _ACTIVE.get()
    if work is None:
        return _NULL_SECTION
    return _Section(work, title)


class _Silenced:
    __slots__ = ("token",)

    def __enter__(self):
        self.token = _ACTIVE.set(None)
        return self

    def __exit__(self, *exc):
        _ACTIVE.reset(self.token)
        return False


def silenced():
    """Pause the active recorder inside the block (a shared no-op when none is active).

    For an algorithm that calls another explained function inside its own loop
    and records the loop itself: the inner function's steps would otherwise
    escape the iteration bounding.

    >>> with explain() as work:
    ...     step("outer")
    ...     with silenced():
    ...         step("inner")
    >>> [s.title for s in work.steps]
    ['outer']
    """
    if _ACTIVE.get() is None:
        return _NULL_SECTION
    return _Silenced()


# ---------------------------------------------------------------------------
# Values
# ---------------------------------------------------------------------------
@dataclass(frozen=True)
class ArrayPreview:
    """A bounded stand-in for an array too large to keep whole."""

    shape: tuple
    dtype: str
    corner: np.ndarray
    norm: float

    def to_dict(self) -> dict:
        return {
            "shape": list(self.shape),
            "dtype": self.dtype,
            "corner": self.corner.tolist(),
            "frobenius_norm": self.norm,
        }


def _capture(value: Any, max_elements: int, corner: int) -> Any:
    """Copy a value so later in-place updates by the algorithm cannot change it."""
    if isinstance(value, np.ndarray):
        if value.size <= max_elements:
            return value.copy()
        idx = tuple(slice(0, corner) for _ in range(value.ndim))
        finite = value[np.isfinite(value)] if value.dtype.kind in "fc" else value
        return ArrayPreview(
            shape=value.shape,
            dtype=str(value.dtype),
            corner=np.array(value[idx], copy=True),
            norm=float(np.sqrt(np.sum(np.abs(finite) ** 2))) if finite.size else float("nan"),
        )
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, (list, tuple)) and value and all(
        isinstance(v, np.ndarray) for v in value
    ):
        return type(value)(_capture(v, max_elements, corner) for v in value)
    return value


@dataclass
class Step:
    """One recorded step: a title, an optional formula and named values."""

    title: str
    formula: str | None = None
    values: dict = field(default_factory=dict)
    section: tuple = ()
    iteration: int | None = None
    note: str | None = None

    def to_dict(self) -> dict:
        return {
            "title": self.title,
            "formula": self.formula,
            "section": list(self.section),
            "iteration": self.iteration,
            "note": self.note,
            "values": {k: _jsonable(v) for k, v in self.values.items()},
        }


def _jsonable(v: Any) -> Any:
    if isinstance(v, np.ndarray):
        if v.dtype.kind == "c":
            return {"real": v.real.tolist(), "imag": v.imag.tolist()}
        return v.tolist()
    if isinstance(v, ArrayPreview):
        return v.to_dict()
    if isinstance(v, complex):
        return {"real": v.real, "imag": v.imag}
    if isinstance(v, float) and not math.isfinite(v):
        return str(v)
    if isinstance(v, (list, tuple)):
        return [_jsonable(x) for x in v]
    if isinstance(v, (int, float, str, bool)) or v is None:
        return v
    return repr(v)


# ---------------------------------------------------------------------------
# Number and matrix formatting
# ---------------------------------------------------------------------------
def format_number(x: Any, digits: int = 6) -> str:
    """Format a scalar with up to ``digits`` significant digits, trailing zeros trimmed.

    >>> format_number(7 - 0.1 * 2 * (7 - 3))
    '6.2'
    >>> format_number(1e-12), format_number(-0.0), format_number(3)
    ('1e-12', '0', '3')
    >>> format_number(2 + 3j)
    '2+3j'
    """
    if isinstance(x, (bool, np.bool_)):
        return str(bool(x))
    if isinstance(x, (int, np.integer)):
        return str(int(x))
    if isinstance(x, (complex, np.complexfloating)):
        x = complex(x)
        re, im = format_number(x.real, digits), format_number(abs(x.imag), digits)
        sign = "-" if x.imag < 0 else "+"
        return f"{re}{sign}{im}j"
    try:
        x = float(x)
    except (TypeError, ValueError):
        return str(x)
    if not math.isfinite(x):
        return str(x)
    if x == 0:
        return "0"
    ax = abs(x)
    if 1e-4 <= ax < 10 ** digits:
        s = np.format_float_positional(x, precision=digits, unique=True,
                                       fractional=False, trim="-")
        return s
    s = np.format_float_scientific(x, precision=digits - 1, unique=True, trim="-")
    mant, exp = s.split("e")
    return f"{mant}e{int(exp)}"


def _matrix_lines(a: np.ndarray, digits: int, max_rows: int, max_cols: int) -> list[str]:
    """Right-aligned rows of a 1-D or 2-D array, shortened with ellipses."""
    if a.ndim == 1:
        a2 = a[None, :]
    elif a.ndim == 2:
        a2 = a
    else:
        return [f"<array shape={a.shape} dtype={a.dtype}>"]
    m, n = a2.shape
    if m == 0 or n == 0:
        return [f"[] (shape {a.shape})"]
    rows = list(range(m)) if m <= max_rows else list(range(max_rows - 1)) + [None, m - 1]
    cols = list(range(n)) if n <= max_cols else list(range(max_cols - 1)) + [None, n - 1]
    cells = [[("..." if (i is None or j is None) else format_number(a2[i, j], digits))
              for j in cols] for i in rows]
    widths = [max(len(r[c]) for r in cells) for c in range(len(cols))]
    lines = []
    for r in cells:
        lines.append("[" + "  ".join(s.rjust(w) for s, w in zip(r, widths)) + "]")
    return lines


def format_value(v: Any, digits: int = 6, max_rows: int = 8, max_cols: int = 8) -> list[str]:
    """Render a recorded value as text lines (matrices as matrices)."""
    if isinstance(v, ArrayPreview):
        head = f"<{v.dtype} array of shape {v.shape}, ||.||_F = {format_number(v.norm, digits)}; corner:>"
        return [head] + _matrix_lines(v.corner, digits, max_rows, max_cols)
    if isinstance(v, np.ndarray):
        if v.ndim == 0:
            return [format_number(v.item(), digits)]
        return _matrix_lines(v, digits, max_rows, max_cols)
    if isinstance(v, (list, tuple)) and v and all(isinstance(x, (ArrayPreview, np.ndarray)) for x in v):
        out = []
        for x in v:
            out.extend(format_value(x, digits, max_rows, max_cols))
        return out
    if isinstance(v, (list, tuple)) and all(isinstance(x, (int, float, np.number)) for x in v):
        return ["[" + ", ".join(format_number(x, digits) for x in v) + "]"]
    if isinstance(v, (int, float, complex, np.number)):
        return [format_number(v, digits)]
    return [str(v)]


def _latex_value(v: Any, digits: int, max_rows: int, max_cols: int) -> str:
    if isinstance(v, ArrayPreview):
        return (rf"\text{{{v.dtype} array of shape {v.shape}}},\ "
                rf"\lVert\cdot\rVert_F = {format_number(v.norm, digits)}")
    if isinstance(v, np.ndarray) and v.ndim in (1, 2) and v.size:
        a2 = v[:, None] if v.ndim == 1 else v
        m, n = a2.shape
        rows = list(range(m)) if m <= max_rows else list(range(max_rows - 1)) + [None, m - 1]
        cols = list(range(n)) if n <= max_cols else list(range(max_cols - 1)) + [None, n - 1]
        body = []
        for i in rows:
            cells = []
            for j in cols:
                if i is None:
                    cells.append(r"\vdots" if j is not None else r"\ddots")
                elif j is None:
                    cells.append(r"\cdots")
                else:
                    cells.append(format_number(a2[i, j], digits))
            body.append(" & ".join(cells))
        return r"\begin{bmatrix}" + r" \\ ".join(body) + r"\end{bmatrix}"
    if isinstance(v, np.ndarray):
        return format_number(v.item(), digits) if v.ndim == 0 else r"\text{(empty)}"
    if isinstance(v, (int, float, complex, np.number)):
        return format_number(v, digits)
    return r"\text{" + str(v).replace("_", r"\_") + "}"


# ---------------------------------------------------------------------------
# The recorder
# ---------------------------------------------------------------------------
class Work:
    """The record of one explained computation.

    Attributes
    ----------
    steps : list of Step
        Every kept step, in order.
    omitted : int
        How many iteration steps the bounding policy dropped.
    """

    def __init__(self, *, head: int = 10, every: int = 10, max_elements: int = 10_000,
                 corner: int = 6, digits: int = 6, max_rows: int = 8, max_cols: int = 8,
                 max_steps: int = 5_000):
        if head < 0 or every < 1:
            raise ValueError(f"explain(): need head >= 0 and every >= 1, got head={head}, every={every}")
        self.head, self.every = head, every
        self.max_elements, self.corner = max_elements, corner
        self.digits, self.max_rows, self.max_cols = digits, max_rows, max_cols
        self.max_steps = max_steps
        self.steps: list[Step] = []
        self.omitted = 0
        self._sections: list[str] = []
        self._held: dict[tuple, tuple[Step, int]] = {}  # last dropped iteration per loop

    # -- recording ---------------------------------------------------------
    def _record(self, title, formula, values, iteration):
        path = tuple(self._sections)
        if iteration is not None:
            key = (path, title)
            if not (iteration < self.head or iteration % self.every == 0):
                captured = {k: _capture(v, self.max_elements, self.corner) for k, v in values.items()}
                prev = self._held.get(key)
                skipped = (prev[1] if prev else 0) + 1
                self._held[key] = (Step(title, formula, captured, path, iteration), skipped)
                self.omitted += 1
                return
            self._flush(key, keep_last=False)
        else:
            # a plain step closes any loop logged at this level: show its last iterate first
            self._flush_section(path)
        if len(self.steps) >= self.max_steps:
            self.omitted += 1
            return
        captured = {k: _capture(v, self.max_elements, self.corner) for k, v in values.items()}
        self.steps.append(Step(title, formula, captured, path, iteration))

    def _flush(self, key, keep_last=True):
        held = self._held.pop(key, None)
        if held is None:
            return
        st, skipped = held
        if keep_last:
            self.omitted -= 1
            skipped -= 1
            if skipped:
                st.note = f"{skipped} earlier iteration(s) not shown"
            self.steps.append(st)

    def _flush_section(self, path):
        for key in [k for k in self._held if k[0][: len(path)] == path]:
            self._flush(key)

    def _open_section(self, title):
        self._sections.append(title)

    def _close_section(self):
        path = tuple(self._sections)
        self._flush_section(path)
        self._sections.pop()

    def _finish(self):
        self._flush_section(())

    # -- access --------------------------------------------------------------
    def __len__(self) -> int:
        return len(self.steps)

    def __iter__(self) -> Iterator[Step]:
        return iter(self.steps)

    def __getitem__(self, i):
        return self.steps[i]

    def find(self, title_contains: str) -> list[Step]:
        """All steps whose title contains the given text (case-insensitive)."""
        t = title_contains.lower()
        return [s for s in self.steps if t in s.title.lower()]

    def values(self, name: str) -> list:
        """Every recorded value with this name, in order."""
        return [s.values[name] for s in self.steps if name in s.values]

    # -- rendering -------------------------------------------------------------
    def __str__(self) -> str:
        out: list[str] = []
        current: tuple = ()
        last_formula: dict = {}  # title -> formula last printed, so loops state it once
        for st in self.steps:
            if st.section != current:
                common = 0
                while (common < min(len(current), len(st.section))
                       and current[common] == st.section[common]):
                    common += 1
                for depth in range(common, len(st.section)):
                    if out:
                        out.append("")
                    out.append("  " * depth + "== " + st.section[depth] + " ==")
                current = st.section
            ind = "  " * len(st.section)
            title = st.title if st.iteration is None else f"[{st.iteration}] {st.title}"
            out.append(ind + title)
            if st.note:
                out.append(ind + f"  ({st.note})")
            if st.formula and last_formula.get((st.section, st.title)) != st.formula:
                out.append(ind + "  " + st.formula)
            last_formula[(st.section, st.title)] = st.formula
            if st.values:
                width = max(len(k) for k in st.values)
                for k, v in st.values.items():
                    lines = format_value(v, self.digits, self.max_rows, self.max_cols)
                    lead = ind + "  " + k.ljust(width) + " = "
                    out.append(lead + lines[0])
                    pad = " " * len(lead)
                    out.extend(pad + ln for ln in lines[1:])
        if self.omitted:
            out.append(f"({self.omitted} iteration step(s) omitted for brevity)")
        return "\n".join(out)

    def __repr__(self) -> str:
        return f"<Work: {len(self.steps)} steps, {self.omitted} omitted>"

    def to_markdown(self) -> str:
        """Markdown with LaTeX matrices, for notebooks and HTML reports."""
        out: list[str] = []
        current: tuple = ()
        last_formula: dict = {}
        for st in self.steps:
            if st.section != current:
                for depth in range(len(st.section)):
                    if depth >= len(current) or current[depth] != st.section[depth]:
                        out.append("#" * min(depth + 2, 6) + " " + st.section[depth])
                        out.append("")
                current = st.section
            title = st.title if st.iteration is None else f"[{st.iteration}] {st.title}"
            out.append(f"**{title}**" + (f" *({st.note})*" if st.note else ""))
            out.append("")
            if st.formula and last_formula.get((st.section, st.title)) != st.formula:
                out.append(f"`{st.formula}`")
                out.append("")
            last_formula[(st.section, st.title)] = st.formula
            for k, v in st.values.items():
                name = k.replace("_", r"\_")
                out.append(rf"$$\mathrm{{{name}}} = "
                           + _latex_value(v, self.digits, self.max_rows, self.max_cols) + "$$")
                out.append("")
        if self.omitted:
            out.append(f"*({self.omitted} iteration step(s) omitted for brevity)*")
        return "\n".join(out).rstrip() + "\n"

    def to_dict(self) -> dict:
        """A JSON-serialisable record: ``{"steps": [...], "omitted": n}``."""
        return {"steps": [s.to_dict() for s in self.steps], "omitted": self.omitted}

    def to_json(self, **kwargs) -> str:
        return json.dumps(self.to_dict(), **kwargs)


class explain:
    """Context manager that turns the recorder on and yields a :class:`Work`.

    Parameters
    ----------
    head, every : int
        Iteration policy: keep iterations ``k < head`` and every ``every``-th,
        plus the last one of each loop.
    max_elements : int
        Arrays larger than this are kept as an :class:`ArrayPreview`.
    digits, max_rows, max_cols : int
        Rendering: significant digits and the largest matrix printed whole.

    Examples
    --------
    >>> with explain(head=2, every=100) as work:
    ...     for k in range(1000):
    ...         step("iterate", iteration=k, x=k)
    >>> [s.iteration for s in work.steps]
    [0, 1, 100, 200, 300, 400, 500, 600, 700, 800, 900, 999]
    """

    def __init__(self, **options):
        self._work = Work(**options)
        self._token = None

    def __enter__(self) -> Work:
        self._token = _ACTIVE.set(self._work)
        return self._work

    def __exit__(self, *exc):
        try:
            self._work._finish()
        finally:
            _ACTIVE.reset(self._token)
        return False
