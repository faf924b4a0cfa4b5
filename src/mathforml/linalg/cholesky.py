r"""Cholesky factorisation ``A = L L^T`` of a symmetric positive definite matrix, blocked.

Column ``j`` of ``L``:

.. math::  l_{jj} = \sqrt{a_{jj} - \sum_{k<j} l_{jk}^2}, \qquad
           l_{ij} = \Bigl(a_{ij} - \sum_{k<j} l_{ik} l_{jk}\Bigr) / l_{jj} \quad (i > j).

The factor is computed in place on a C-contiguous copy, reading only the
lower triangle.  The algorithm is recursive: split ``A = [[A11, .], [A21, A22]]``,
factor ``A11 = L11 L11^T``, solve ``L21 L11^T = A21`` (triangular solve from
the right), update ``A22 -= L21 @ L21.T`` (NumPy sends a product of an array
with its own transpose to BLAS SYRK) and factor ``A22``.  Blocks of at most ``_CH_T``
columns are factored right-looking in panels of ``_CH_W`` columns, each panel
by a column loop (one square root, one scaling and one rank-1 update per
column).
"""
from __future__ import annotations

import numpy as np

from mathforml.exceptions import LinAlgError
from mathforml.explain import active, section, step
from mathforml._validation import as_square_matrix, check_vector_rhs, result_dtype
from mathforml.linalg.triangular import _trsm

__all__ = ["cholesky", "cho_factor", "cho_solve"]

_CH_T = 256   # blocks this wide or narrower: right-looking panels
_CH_W = 64    # panel width
_EXPLAIN_COLUMNS = 8


def _not_pd(order: int, value) -> LinAlgError:
    return LinAlgError(f"not positive definite: leading minor of order {order} is not positive "
                       f"(pivot {float(value):.6g} at column {order - 1})")


def _panel(W: np.ndarray, c0: int, c1: int, record: bool) -> None:
    """Unblocked lower Cholesky of the diagonal block W[c0:c1, c0:c1] (column loop, lower part read)."""
    D = W[c0:c1, c0:c1].copy()
    w = c1 - c0
    for j in range(w):
        d = D[j, j]
        if not d > 0.0:
            raise _not_pd(c0 + j + 1, d)
        r = np.sqrt(d)
        D[j, j] = r
        if j + 1 < w:
            l = D[j + 1:, j]
            l *= 1.0 / r                           # l_ij = a_ij / l_jj
            D[j + 1:, j + 1:] -= l[:, None] * l    # a_ik -= l_ij l_kj
    W[c0:c1, c0:c1] = D
    if record:
        step(f"Diagonal block: columns {c0}..{c1 - 1}",
             "l_jj = sqrt(a_jj - sum_k l_jk^2), column loop",
             diagonal=np.array(D.diagonal()))


def _trsm_right(L: np.ndarray, B: np.ndarray) -> None:
    """Solve X L^T = B in place in B (L lower, small or large), recursively on columns.

    Base case (at most ``_CH_W`` columns): contiguous copy of B, column
    scaling ``Y = B D^{-1}``, then ``x_j = y_j - X[:, :j] l'_j`` (one GEMV per column).
    """
    k = L.shape[0]
    if k <= _CH_W:
        d = L.diagonal()
        Lu = L / d[:, None]                      # unit lower D^{-1} L
        X = B / d                                # B D^{-1}: L^T = Lu^T D
        for j in range(1, k):
            X[:, j] -= X[:, :j] @ Lu[j, :j]
        B[...] = X
        return
    h = (k // 2 + _CH_W - 1) // _CH_W * _CH_W
    _trsm_right(L[:h, :h], B[:, :h])
    B[:, h:] -= B[:, :h] @ L[h:, :h].T
    _trsm_right(L[h:, h:], B[:, h:])


def _right_looking(W: np.ndarray, c0: int, c1: int, record: bool) -> None:
    for c in range(c0, c1, _CH_W):
        ce = min(c + _CH_W, c1)
        _panel(W, c, ce, record)
        if ce < c1:
            L21 = W[ce:c1, c:ce]
            _trsm_right(W[c:ce, c:ce], L21)               # L21 = A21 L11^{-T}
            W[ce:c1, ce:c1] -= L21 @ L21.T                # SYRK


def _recursive(W: np.ndarray, c0: int, c1: int, record: bool) -> None:
    n = c1 - c0
    if n <= _CH_T:
        _right_looking(W, c0, c1, record)
        return
    h = (n // 2 + _CH_W - 1) // _CH_W * _CH_W
    cm = c0 + h
    _recursive(W, c0, cm, record)
    L21 = W[cm:c1, c0:cm]
    _trsm_right(W[c0:cm, c0:cm], L21)
    W[cm:c1, cm:c1] -= L21 @ L21.T
    if record:
        step(f"Trailing update: columns {cm}..{c1 - 1}",
             "L21 = A21 L11^{-T};  A22 <- A22 - L21 @ L21^T", rows=c1 - cm, rank=h)
    _recursive(W, cm, c1, record)


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
                _recursive(W, 0, n, True)
        else:
            _recursive(W, 0, n, False)
        for r in range(0, n, _CH_W):               # zero the (never read) upper triangle
            re = min(r + _CH_W, n)
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
