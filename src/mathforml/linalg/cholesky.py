r"""Cholesky factorisation ``A = L L^T`` of a symmetric positive definite matrix, blocked.

Column ``j`` of ``L``:

.. math::  l_{jj} = \sqrt{a_{jj} - \sum_{k<j} l_{jk}^2}, \qquad
           l_{ij} = \Bigl(a_{ij} - \sum_{k<j} l_{ik} l_{jk}\Bigr) / l_{jj} \quad (i > j).

The factor is computed in place on a C-contiguous copy, reading only the
lower triangle, by the blocked *left-looking* algorithm.  For each block
column ``c:ce`` (``_NB`` columns wide):

1. bring it up to date with every column already factored, in one matrix
   product: ``A[c:, c:ce] -= L[c:, :c] @ L[c:ce, :c]^T`` (most of the flops,
   in BLAS GEMM with a long inner dimension);
2. factor the tall block column by a column loop (one vector-matrix product,
   one square root and one scaling per column), which also performs the
   triangular solve for the rows below the diagonal block.

Measured here this beats the recursive right-looking variant (which spends
its time in the Python loops of many small triangular solves) and is on par
with LAPACK's ``dpotrf`` at n = 1024; see benchmarks/README.md.

References
----------
G. H. Golub and C. F. Van Loan, *Matrix Computations*, 4th ed., section 4.2
(gaxpy Cholesky and its block version).
"""
from __future__ import annotations

import math

import numpy as np

from mathforml.exceptions import LinAlgError
from mathforml.explain import active, section, step
from mathforml._validation import as_square_matrix, check_vector_rhs, result_dtype
from mathforml.linalg.triangular import _trsm

__all__ = ["cholesky", "cho_factor", "cho_solve"]

_NB = 64      # block-column width (chosen by measurement at n = 256 and 1024, one BLAS thread)
_EXPLAIN_COLUMNS = 8


def _not_pd(order: int, value) -> LinAlgError:
    return LinAlgError(f"not positive definite: leading minor of order {order} is not positive "
                       f"(pivot {float(value):.6g} at column {order - 1})")


def _tall_panel(W: np.ndarray, c: int, ce: int, record: bool) -> None:
    """Factor the block column ``W[c:, c:ce]`` (its lower part) by a left-looking column loop.

    Works on a contiguous transposed copy ``D = W[c:, c:ce]^T``, so column ``j`` of ``L``
    (from the diagonal down) is the contiguous row ``D[j, j:]``: one vector-matrix
    product, one square root and one scaling per column.  Because the loop runs over the
    whole height of the block column, it also does the triangular solve
    ``L21 = A21 L11^{-T}`` that a right-looking code would call separately.
    """
    D = W[c:, c:ce].T.copy()
    for j in range(ce - c):
        row = D[j, j:]
        if j:
            row -= D[:j, j] @ D[:j, j:]         # a_ij - sum_k l_ik l_jk, i >= j
        d = float(row[0])
        if not d > 0.0:
            raise _not_pd(c + j + 1, d)
        row *= 1.0 / math.sqrt(d)               # l_jj = sqrt(d), l_ij = (...) / l_jj
    W[c:, c:ce] = D.T
    if record:
        step(f"Panel: columns {c}..{ce - 1}",
             "A[c:, c:ce] -= L[c:, :c] @ L[c:ce, :c]^T (one GEMM), then the column loop",
             diagonal=np.array(D.diagonal()))


def _left_looking(W: np.ndarray, record: bool) -> None:
    """Blocked left-looking Cholesky in place on the lower triangle of ``W``."""
    n = W.shape[0]
    for c in range(0, n, _NB):
        ce = min(c + _NB, n)
        if c:
            W[c:, c:ce] -= W[c:, :c] @ W[c:ce, :c].T   # all earlier columns at once (GEMM)
        _tall_panel(W, c, ce, record)


def _potrf(A: np.ndarray, dtype, lower: bool) -> np.ndarray:
    """Lower factor L (A = L L^T) reading the lower (``lower``) or upper triangle of A.

    Returns a C-contiguous array holding L with zeros above the diagonal.
    """
    W = np.array(A if lower else A.T, dtype=dtype, order="C", copy=True)
    n = W.shape[0]
    if n:
        record = active()
        if record:
            with section("Blocked Cholesky"):
                _left_looking(W, True)
        else:
            _left_looking(W, False)
        for r in range(0, n, _NB):                 # zero the (never read) upper triangle
            re = min(r + _NB, n)
            W[r:re, re:] = 0.0
            W[r:re, r:re] = np.tril(W[r:re, r:re])
    return W


def _explain_columns(A: np.ndarray, L: np.ndarray) -> None:
    """Per-column trace for small n: the diagonal square root and the column below."""
    n = A.shape[0]
    with section("Cholesky, column by column"):
        for j in range(n):
            s = float(L[j, :j] @ L[j, :j])
            step(f"Column {j}",
                 f"l_{j}{j} = sqrt(a_{j}{j} - sum_k l_{j}k^2);  "
                 f"l_i{j} = (a_i{j} - sum_k l_ik l_{j}k) / l_{j}{j}",
                 a_jj=float(A[j, j]), sum_sq=s, l_jj=float(L[j, j]), column=L[j + 1:, j].copy())


def cholesky(A, upper=False):
    r"""Cholesky factor of a symmetric positive definite matrix, like :func:`numpy.linalg.cholesky`.

    Parameters
    ----------
    A : (n, n) array_like
        Symmetric positive definite.  Only the lower triangle is read
        (the upper one when ``upper=True``), as LAPACK's xPOTRF does.
    upper : bool, default False
        Return the upper factor ``U = L^T`` (``A = U^T U``) instead.

    Returns
    -------
    L : (n, n) ndarray
        Lower triangular with positive diagonal and ``A = L @ L.T``
        (upper ``U`` with ``A = U.T @ U`` when ``upper``).

    Raises
    ------
    LinAlgError
        If ``A`` is not positive definite; the message names the leading minor
        (and column) where the square root argument is not positive.
    ValueError
        Non-square input, NaN or infinity.

    Notes
    -----
    ``l_jj = sqrt(a_jj - sum_{k<j} l_jk^2)`` and
    ``l_ij = (a_ij - sum_{k<j} l_ik l_jk) / l_jj``.  No pivoting is needed:
    Cholesky is backward stable for SPD matrices, ``L L^T = A + dA`` with
    ``||dA|| <= c n eps ||A||``.  Blocked: a column-loop diagonal block, a
    triangular solve for ``L21 = A21 L11^{-T}`` and a SYRK trailing update
    ``A22 -= L21 @ L21^T``, recursively; ``n^3/3`` flops.

    References
    ----------
    Golub & Van Loan, *Matrix Computations*, 4th ed., sec. 4.2.  Higham,
    *Accuracy and Stability of Numerical Algorithms*, ch. 10.

    Examples
    --------
    >>> cholesky([[4.0, 2.0], [2.0, 5.0]])       # l00 = 2, l10 = 2/2, l11 = sqrt(5 - 1)
    array([[2., 0.],
           [1., 2.]])
    """
    A = as_square_matrix(A, "A")
    dtype = result_dtype(A)
    upper = bool(upper)
    L = _potrf(A, dtype, lower=not upper)
    if active() and A.shape[0] <= _EXPLAIN_COLUMNS:
        As = np.tril(A) + np.tril(A, -1).T if not upper else np.triu(A) + np.triu(A, 1).T
        _explain_columns(As, L)
    return L.T if upper else L


def cho_factor(A, lower=False, overwrite_a=False, check_finite=True):
    r"""Cholesky factorisation for :func:`cho_solve`, like :func:`scipy.linalg.cho_factor`.

    Parameters
    ----------
    A : (n, n) array_like
        Symmetric positive definite; only the triangle named by ``lower`` is read.
    lower : bool, default False
        Compute the lower factor ``L`` (``A = L L^T``) instead of the upper
        ``U`` (``A = U^T U``).
    overwrite_a : bool, default False
        Accepted for scipy compatibility; ``A`` is never modified.
    check_finite : bool, default True
        Reject NaN and infinity.

    Returns
    -------
    c : (n, n) ndarray
        The factor in the requested triangle; the other triangle holds the
        entries of ``A`` (scipy: "arbitrary data").
    lower : bool
        The flag, to pass on to :func:`cho_solve`.

    Notes
    -----
    Same algorithm as :func:`cholesky`.

    References
    ----------
    G. H. Golub and C. F. Van Loan, *Matrix Computations*, 4th ed., section 4.2.

    Examples
    --------
    >>> c, low = cho_factor([[4.0, 2.0], [2.0, 5.0]])
    >>> c                                        # U = [[2, 1], [0, 2]]; below: A's entry
    array([[2., 1.],
           [2., 2.]])
    """
    A = as_square_matrix(A, "A", check_finite=check_finite)
    dtype = result_dtype(A)
    lower = bool(lower)
    L = _potrf(A, dtype, lower=lower)
    c = np.array(A, dtype=dtype, copy=True)
    il = np.tril_indices(A.shape[0])
    if lower:
        c[il] = L[il]
    else:
        c.T[il] = L[il]
    return c, lower


def cho_solve(c_and_lower, b, overwrite_b=False, check_finite=True):
    r"""Solve ``A x = b`` from :func:`cho_factor`'s output, like :func:`scipy.linalg.cho_solve`.

    Parameters
    ----------
    c_and_lower : tuple (c, lower)
        Output of :func:`cho_factor`.
    b : (n,) or (n, k) array_like
        Right-hand side(s).
    overwrite_b : bool, default False
        Accepted for scipy compatibility; ``b`` is never modified.
    check_finite : bool, default True
        Reject NaN and infinity.

    Returns
    -------
    x : (n,) or (n, k) ndarray

    Notes
    -----
    ``A = L L^T``: forward substitution ``L y = b``, then back substitution
    ``L^T x = y`` (``2 n^2`` flops per right-hand side).

    References
    ----------
    G. H. Golub and C. F. Van Loan, *Matrix Computations*, 4th ed., section 4.2.

    Examples
    --------
    >>> cho_solve(cho_factor([[4.0, 2.0], [2.0, 5.0]]), [6.0, 7.0])   # x = y = 1
    array([1., 1.])
    """
    c, lower = c_and_lower
    c = as_square_matrix(c, "c", check_finite=check_finite)
    b = check_vector_rhs(c, b, "c", "b", check_finite=check_finite)
    dtype = result_dtype(c, b)
    n = c.shape[0]
    if n == 0:
        return np.zeros(b.shape, dtype=dtype)
    d = c.diagonal()
    if not d.all():
        i = int(np.flatnonzero(d == 0)[0])
        raise LinAlgError(f"singular factor: zero diagonal entry at index {i}")
    B = np.array(b[:, None] if b.ndim == 1 else b, dtype=dtype, order="C", copy=True)
    T = c.astype(dtype, copy=False)
    Lf = T if lower else T.T               # L (lower triangle read)
    _trsm(Lf, B, True, False)              # L y = b
    _trsm(Lf.T, B, False, False)           # L^T x = y
    if active():
        step("Solve from Cholesky factor", "L y = b;  L^T x = y", x=B.reshape(b.shape))
    return B.reshape(b.shape)
