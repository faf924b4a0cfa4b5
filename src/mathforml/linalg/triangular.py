r"""Triangular systems: forward and back substitution, blocked.

A triangular system ``T x = b`` is solved one unknown at a time.  For an upper
triangular ``U`` (back substitution, last row first)

.. math::  x_i = \Bigl(b_i - \sum_{j>i} u_{ij} x_j\Bigr) / u_{ii},

and for a lower triangular ``L`` (forward substitution, first row first)

.. math::  x_i = \Bigl(b_i - \sum_{j<i} l_{ij} x_j\Bigr) / l_{ii}.

Speed: the solver is recursive.  ``T`` is split into 2 x 2 blocks; the first
diagonal block is solved, the coupling block updates the rest of the
right-hand side with one matrix product (``B2 -= T21 @ X1``, a GEMM/GEMV), and
the second diagonal block is solved.  Below ``_NB`` rows a column loop does the
work: one vector update per column, never a Python loop over elements.  The
diagonal block is first scaled to unit diagonal (``D^{-1} T`` and ``D^{-1} b``,
one operation per block), so the loop only subtracts.

"""
from __future__ import annotations

import numpy as np

from mathforml.exceptions import LinAlgError
from mathforml.explain import active, section, step
from mathforml._validation import as_square_matrix, check_vector_rhs, result_dtype

__all__ = ["solve_triangular"]

# Rows below which the recursion stops and the column loop takes over.
_NB = 32

# Largest n for which the explanation shows every substitution line.
_EXPLAIN_LINES = 12


def _parse_trans(trans) -> bool:
    """Map scipy's ``trans`` codes to a bool (True: solve with the transpose)."""
    if isinstance(trans, (bool, np.bool_)):
        return bool(trans)
    if isinstance(trans, str):
        if trans in ("N", "n"):
            return False
        if trans in ("T", "t", "C", "c"):  # real input: conjugate transpose == transpose
            return True
    elif isinstance(trans, (int, np.integer)) and int(trans) in (0, 1, 2):
        return int(trans) != 0
    raise ValueError(f"trans must be one of False, True, 0, 1, 2, 'N', 'T', 'C'; got {trans!r}")


def _base_lower(L: np.ndarray, B: np.ndarray, unit: bool) -> None:
    """Forward substitution in place (B <- L^{-1} B) by a row loop; L is small.

    Row ``i``: ``x_i = b_i - l_i,:i x_:i`` on the row-scaled system (one GEMV each).
    """
    n = L.shape[0]
    if not unit:
        d = L.diagonal()[:, None]
        L = L / d          # unit lower triangular D^{-1} L (upper part unused)
        B /= d             # D^{-1} B
    for i in range(1, n):
        B[i] -= L[i, :i] @ B[:i]


def _base_upper(U: np.ndarray, B: np.ndarray, unit: bool) -> None:
    """Back substitution in place (B <- U^{-1} B) by a row loop; U is small."""
    n = U.shape[0]
    if not unit:
        d = U.diagonal()[:, None]
        U = U / d
        B /= d
    for i in range(n - 2, -1, -1):
        B[i] -= U[i, i + 1:] @ B[i + 1:]


def _trsm(T: np.ndarray, B: np.ndarray, lower: bool, unit: bool) -> None:
    """Solve T X = B in place in B (2-D), recursively: most flops in one GEMM per level."""
    n = T.shape[0]
    if n <= _NB:
        if lower:
            _base_lower(T, B, unit)
        else:
            _base_upper(T, B, unit)
        return
    h = (n // 2 + _NB - 1) // _NB * _NB  # split on a block boundary
    if lower:
        _trsm(T[:h, :h], B[:h], True, unit)
        B[h:] -= T[h:, :h] @ B[:h]
        _trsm(T[h:, h:], B[h:], True, unit)
    else:
        _trsm(T[h:, h:], B[h:], False, unit)
        B[:h] -= T[:h, h:] @ B[h:]
        _trsm(T[:h, :h], B[:h], False, unit)


def _check_diagonal(T: np.ndarray) -> None:
    d = T.diagonal()
    if not d.all():
        i = int(np.flatnonzero(d == 0)[0])
        raise LinAlgError(f"singular: zero diagonal entry at index {i}")


def _explain_substitution(T: np.ndarray, b: np.ndarray, x: np.ndarray, lower: bool,
                          unit: bool, var: str = "x", rhs: str = "b") -> None:
    """Record each substitution line with its numbers (small n) or a summary."""
    n = T.shape[0]
    name = "Forward substitution" if lower else "Back substitution"
    if n > _EXPLAIN_LINES or b.shape[1] != 1:
        r = T @ x - b
        step(f"{name} (blocked, {n} unknowns, {b.shape[1]} right-hand side(s))",
             "x_i = (b_i - sum_j t_ij x_j) / t_ii, with B2 -= T21 @ X1 on each block",
             n=n, block_size=_NB, x=x,
             residual_norm=float(np.sqrt(np.sum(r * r))))
        return
    order = range(n) if lower else range(n - 1, -1, -1)
    sym = "l" if lower else "u"
    with section(name):
        for i in order:
            js = list(range(i)) if lower else list(range(i + 1, n))
            s = float(T[i, js] @ x[js, 0]) if js else 0.0
            t_ii = 1.0 if unit else float(T[i, i])
            terms = " + ".join(f"{sym}_{i}{j} {var}_{j}" for j in js) or "0"
            step(f"{var}_{i}",
                 f"{var}_{i} = ({rhs}_{i} - ({terms})) / {sym}_{i}{i}",
                 **{f"{rhs}_i": float(b[i, 0]), "sum": s, "pivot": t_ii, f"{var}_i": float(x[i, 0])})


def solve_triangular(A, b, lower=False, trans=False, unit_diagonal=False, check_finite=True):
    r"""Solve ``A x = b`` (or ``A^T x = b``) for triangular ``A``.

    Parameters
    ----------
    A : (n, n) array_like
        Triangular matrix; only the triangle named by ``lower`` is read.
    b : (n,) or (n, k) array_like
        Right-hand side(s).
    lower : bool, default False
        Use the lower triangle of ``A`` (otherwise the upper triangle).
    trans : {False, True, 0, 1, 2, 'N', 'T', 'C'}, default False
        Solve ``A x = b`` (False, 0, 'N') or ``A^T x = b`` (True, 1, 2, 'T', 'C').
    unit_diagonal : bool, default False
        Assume ``a_ii = 1`` and do not read the diagonal.
    check_finite : bool, default True
        Reject NaN and infinity in ``A`` and ``b``.

    Returns
    -------
    x : (n,) or (n, k) ndarray
        The solution, shaped like ``b``; float32 if both inputs are float32.

    Raises
    ------
    LinAlgError
        If a diagonal entry is exactly zero (the message names its index).
    ValueError
        If ``A`` is not square, ``b`` does not match, or an input is not finite.

    Notes
    -----
    Back substitution (upper ``A``) computes, for ``i = n-1, ..., 0``,
    ``x_i = (b_i - sum_{j>i} a_ij x_j) / a_ii``; forward substitution (lower
    ``A``) runs ``i = 0, ..., n-1`` with ``j < i``.  Both cost ``n^2`` flops
    per right-hand side and are backward stable: the computed ``x`` solves
    ``(A + dA) x = b`` with ``|dA| <= n eps |A|`` (Higham, Thm 8.5).

    The implementation is recursive: with ``A = [[T11, 0], [T21, T22]]``
    it solves ``T11 X1 = B1``, updates ``B2 <- B2 - T21 X1`` with one matrix
    product, then solves ``T22 X2 = B2``, so most flops run in BLAS.  Blocks
    of at most 32 rows are solved by a row loop (one GEMV per row) on the row-scaled system
    ``(D^{-1} T) x = D^{-1} b`` with ``D = diag(T)``.  ``trans`` solves with
    the transposed view, whose triangle is the other one.

    References
    ----------
    N. J. Higham, *Accuracy and Stability of Numerical Algorithms*, 2nd ed.,
    SIAM 2002, ch. 8.  E. Elmroth, F. Gustavson, I. Jonsson, B. Kagstrom,
    "Recursive blocked algorithms and hybrid data structures for dense matrix
    library software", SIAM Review 46 (2004).

    Examples
    --------
    >>> import numpy as np
    >>> U = np.array([[2.0, 1.0], [0.0, 4.0]])
    >>> solve_triangular(U, [4.0, 8.0])          # x_1 = 8/4 = 2, x_0 = (4 - 1*2)/2 = 1
    array([1., 2.])
    >>> solve_triangular(U, [2.0, 9.0], trans='T')  # U^T is lower: x_0 = 1, x_1 = (9 - 1)/4
    array([1., 2.])
    """
    A = as_square_matrix(A, "A", check_finite=check_finite)
    b = check_vector_rhs(A, b, "A", "b", check_finite=check_finite)
    lower = bool(lower)
    transposed = _parse_trans(trans)
    unit = bool(unit_diagonal)
    dtype = result_dtype(A, b)
    n = A.shape[0]
    B = np.array(b[:, None] if b.ndim == 1 else b, dtype=dtype, order="C", copy=True)
    if n == 0:
        return B.reshape(b.shape)
    if not unit:
        _check_diagonal(A)
    T = A.astype(dtype, copy=False)
    if transposed:
        T, lower = T.T, not lower
    _trsm(T, B, lower, unit)
    if active():
        _explain_substitution(T, (b[:, None] if b.ndim == 1 else b).astype(dtype), B, lower, unit)
    return B.reshape(b.shape)
