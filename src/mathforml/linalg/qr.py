r"""QR factorisation ``A = Q R``: blocked Householder (compact WY) and Gram–Schmidt.

``Q`` has orthonormal columns and ``R`` is upper triangular.  The production
method is Householder QR: reflector ``H_j = I - tau_j v_j v_j^T`` zeroes column
``j`` below the diagonal, so ``H_k ... H_1 A = R`` and ``Q = H_1 H_2 ... H_k``.
Because every ``H_j`` is orthogonal *exactly* (up to rounding in one product),
``||Q^T Q - I|| = O(eps)`` whatever the condition of ``A``.

Classical and modified Gram–Schmidt are kept as teaching methods: they build
``Q`` column by column by projection, and lose orthogonality in proportion to
``cond(A)^2`` (classical) or ``cond(A)`` (modified).

Layout and blocking
-------------------
The working matrix is stored column-major (Fortran order) so that each column
is contiguous.  Columns are processed in blocks of ``_NB``:

1. *Panel*: the ``(m - j) x nb`` panel is factorised by recursive QR
   (Elmroth and Gustavson): split the panel in two halves, factor the left
   half, apply its block reflector to the right half with three matrix
   products, factor the right half, then merge the two ``T`` factors.  Panels
   of at most ``_BASE`` columns are factorised column by column with
   :func:`householder_inplace` (LAPACK's ``dlarfg``), left-looking: each column
   first receives the panel's earlier reflectors as one compact-WY block (two
   matrix-vector products) and ``T`` grows by ``larft``'s recurrence, so the
   narrow panel needs no rank-1 updates.
2. *Trailing update*: the block ``H_j ... H_{j+nb-1} = I - V T V^T`` (compact
   WY) is applied as ``A[j:, j+nb:] <- (I - V T^T V^T) A[j:, j+nb:]``, three
   BLAS-3 products, so almost all flops land in matrix multiplication.

``Q`` is formed (as LAPACK's ``dorgqr``) by backward accumulation: start from
the first columns of the identity and apply the blocks last to first, each to
the trailing part of ``Q`` only, never multiplying the identity and zero
blocks that part still holds (see ``_orgqr``).

Block sizes (``_NB = 128``, ``_BASE = 16``) were chosen by timing at
n = 256, 1024 and 20000 x 200 with one BLAS thread.

References
----------
G. H. Golub and C. F. Van Loan, *Matrix Computations*, 4th ed., sections 5.2.1–5.2.3.
E. Elmroth and F. G. Gustavson, "Applying recursion to serial and parallel QR
factorization leads to better performance", IBM J. Res. Dev. 44 (2000).
N. J. Higham, *Accuracy and Stability of Numerical Algorithms*, 2nd ed., ch. 19.
"""
from __future__ import annotations

from collections import namedtuple

import numpy as np

from mathforml._validation import as_matrix, check_option
from mathforml.exceptions import LinAlgError
from mathforml.explain import active, section, step
from mathforml.linalg._householder import (apply_block_left, apply_block_right,
                                           householder_inplace)

__all__ = ["qr", "QRResult"]

QRResult = namedtuple("QRResult", ["Q", "R"])
QRResult.__doc__ = "Result of :func:`qr`: ``Q`` with orthonormal columns and upper-triangular ``R``."

MODES = ("reduced", "complete", "r", "raw")
METHODS = ("householder", "gram-schmidt", "modified-gram-schmidt")

_NB = 128         # columns per block reflector (outer blocking; tuned at n = 1024)
_BASE = 16        # panels this narrow are factorised column by column
_EXPLAIN_REFLECTORS = 8   # record every reflector when min(m, n) <= this


# ---------------------------------------------------------------------------
# Kernels (Fortran-ordered working arrays)
# ---------------------------------------------------------------------------
def _unit_lower(P: np.ndarray) -> np.ndarray:
    """``V``: the reflector vectors stored below the diagonal of ``P``, unit diagonal."""
    w = P.shape[1]
    V = np.array(P, order="F")
    V[:w, :w] = np.tril(V[:w, :w], -1) + np.eye(w, dtype=P.dtype)
    return V


def _apply_qt(C: np.ndarray, V: np.ndarray, T: np.ndarray) -> None:
    """Overwrite ``C`` with ``(I - V T V^T)^T C`` whatever the memory order of ``C``."""
    if C.strides[0] == C.itemsize and C.shape[1] > 1:
        # column-major C: C^T is row-major, and C^T (I - V T V^T) is the same update
        apply_block_right(C.T, V, T, trans=False)
    else:
        apply_block_left(C, V, T, trans=True)


def _apply_q(C: np.ndarray, V: np.ndarray, T: np.ndarray) -> None:
    """Overwrite ``C`` with ``(I - V T V^T) C`` whatever the memory order of ``C``."""
    if C.strides[0] == C.itemsize and C.shape[1] > 1:
        apply_block_right(C.T, V, T, trans=True)
    else:
        apply_block_left(C, V, T, trans=False)


def _panel_unblocked(P: np.ndarray, tau: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Column-by-column Householder QR of a narrow panel, in place; returns its (V, T).

    Left-looking (the level-2 counterpart of LAPACK ``dgeqr2``): before column
    ``i`` is reduced, the reflectors found so far are applied to it alone as
    the compact-WY block ``I - V T^T V^T`` (two matrix-vector products), and
    ``T`` grows by ``larft``'s recurrence ``T[:i, i] = -tau_i T[:i, :i] (V^T v_i)``.
    Per column this is three matrix-vector products and no rank-1 update.
    """
    m, w = P.shape
    V = np.zeros((m, w), dtype=P.dtype, order="F")
    T = np.zeros((w, w), dtype=P.dtype)
    for i in range(w):
        if i:
            Vi = V[:, :i]
            y = P[:, i]
            z = T[:i, :i].T @ (y @ Vi)                  # z = T^T V^T y
            y -= Vi @ z                                 # y <- (I - V T^T V^T) y
        x = P[i:, i]
        tau_i, beta = householder_inplace(x)          # x <- v with v[0] = 1
        tau[i] = tau_i
        V[i:, i] = x
        T[i, i] = tau_i
        if i and tau_i != 0.0:
            T[:i, i] = (-tau_i) * (T[:i, :i] @ (x @ V[i:, :i]))
        x[0] = beta
    return V, T


def _panel_recursive(P: np.ndarray, tau: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Recursive QR of the panel ``P`` (m x w, m >= w) in place; returns its (V, T)."""
    w = P.shape[1]
    if w <= _BASE:
        return _panel_unblocked(P, tau)
    w1 = w // 2
    V1, T1 = _panel_recursive(P[:, :w1], tau[:w1])
    _apply_qt(P[:, w1:], V1, T1)
    V2, T2 = _panel_recursive(P[w1:, w1:], tau[w1:])
    # H(V1,T1) H(V2,T2) = I - V T V^T with V = [V1, [0; V2]] and
    # T = [[T1, -T1 (V1^T [0; V2]) T2], [0, T2]]
    T = np.zeros((w, w), dtype=P.dtype)
    T[:w1, :w1] = T1
    T[w1:, w1:] = T2
    T[:w1, w1:] = -((T1 @ (V1[w1:].T @ V2)) @ T2)
    V = np.empty((P.shape[0], w), dtype=P.dtype, order="F")
    V[:, :w1] = V1
    V[:w1, w1:] = 0.0
    V[w1:, w1:] = V2
    return V, T


def _geqrf(A: np.ndarray, record: bool = False, nfactor: int | None = None):
    """Blocked Householder QR of the Fortran-ordered ``A`` in place.

    On return ``A`` holds ``R`` in its upper triangle and the reflector vectors
    below the diagonal (implicit unit diagonal).  Returns ``tau`` and the list of
    blocks ``(j, jb, T)`` so that ``H_j ... H_{j+jb-1} = I - V T V^T``.
    With ``nfactor``, only the first ``nfactor`` columns are reduced and the
    reflectors are applied to the rest (least squares factors ``[A, b]`` so
    that the last columns become ``Q^T b``).
    """
    m, n = A.shape
    k = min(m, n if nfactor is None else nfactor)
    tau = np.zeros(k, dtype=A.dtype)
    blocks = []
    for j in range(0, k, _NB):
        jb = min(_NB, k - j)
        V, T = _panel_recursive(A[j:, j:j + jb], tau[j:j + jb])
        blocks.append((j, jb, T))
        if j + jb < n:
            _apply_qt(A[j:, j + jb:], V, T)
        if record:
            trailing = A[j + jb:, j + jb:]
            step(f"Block reflector for columns {j}..{j + jb - 1}",
                 "A[j:, j+nb:] <- (I - V T V^T)^T A[j:, j+nb:],  H_j...H_{j+nb-1} = I - V T V^T",
                 iteration=len(blocks) - 1,
                 columns=(j, j + jb - 1), R_diagonal=A[j:j + jb, j:j + jb].diagonal().copy(),
                 tau=tau[j:j + jb].copy(), T=T,
                 trailing_norm=float(np.sqrt(np.sum(trailing * trailing))))
    return tau, blocks


def _matmul_f(X: np.ndarray, Y: np.ndarray) -> np.ndarray:
    """``X @ Y`` returned in Fortran order (so updates of Fortran-ordered blocks stream)."""
    return (Y.T @ X.T).T


def _orgqr(H: np.ndarray, blocks, ncols: int) -> np.ndarray:
    """Form the first ``ncols`` columns of ``Q = H_1 ... H_k`` by backward accumulation.

    Before block ``(j, jb)`` is applied, ``Q[j:, j:] = [[I, 0], [0, Q22]]`` with
    ``Q22 = Q[j+jb:, j+jb:]`` already accumulated.  With ``V = [V1; V2]``
    (``V1`` the unit-lower top ``jb x jb``) and ``Y = T (V2^T Q22)``,
    ``(I - V T V^T) Q[j:, j:]`` is, blockwise,
    ``[[I - V1 T V1^T, -V1 Y], [-V2 T V1^T, Q22 - V2 Y]]``: the zero blocks and
    the identity are never multiplied (unlike a plain block-reflector apply).
    """
    m = H.shape[0]
    Q = np.zeros((m, ncols), dtype=H.dtype, order="F")
    kq = min(m, ncols)
    done = max((j + jb for j, jb, _ in blocks), default=0)
    idx = np.arange(done, kq)
    Q[idx, idx] = 1.0
    for j, jb, T in reversed(blocks):
        V = _unit_lower(H[j:, j:j + jb])
        V1, V2 = V[:jb], V[jb:]
        e = j + jb
        if e < ncols:
            Q22 = Q[e:, e:]
            Y = T @ (V2.T @ Q22)
            Q[j:e, e:] = -(V1 @ Y)
            if V2.size:
                Q22 -= _matmul_f(V2, Y)
        Z = T @ V1.T
        Q[j:e, j:e] = np.eye(jb, dtype=H.dtype) - V1 @ Z
        Q[e:, j:e] = -_matmul_f(V2, Z)
    return Q


def _householder_factor(A: np.ndarray, record: bool = False, B: np.ndarray | None = None):
    """Copy ``A`` to Fortran order and factor it: returns ``(H, tau, blocks)``.

    With ``B`` (m x p), the working array is ``[A, B]`` and its last ``p``
    columns come back as ``Q^T B``.
    """
    if B is None:
        H = np.array(A, order="F", copy=True)
        tau, blocks = _geqrf(H, record)
        return H, tau, blocks
    m, n = A.shape
    H = np.empty((m, n + B.shape[1]), dtype=A.dtype, order="F")
    H[:, :n] = A
    H[:, n:] = B
    tau, blocks = _geqrf(H, record, n)
    return H, tau, blocks


def _apply_qt_blocks(H: np.ndarray, blocks, B: np.ndarray) -> None:
    """``B <- Q^T B`` for ``Q`` held as compact-WY blocks of ``H`` (never forms ``Q``)."""
    for j, jb, T in blocks:
        _apply_qt(B[j:], _unit_lower(H[j:, j:j + jb]), T)


def _apply_q_blocks(H: np.ndarray, blocks, B: np.ndarray) -> None:
    """``B <- Q B`` for ``Q`` held as compact-WY blocks of ``H``."""
    for j, jb, T in reversed(blocks):
        _apply_q(B[j:], _unit_lower(H[j:, j:j + jb]), T)


# ---------------------------------------------------------------------------
# Gram–Schmidt (teaching methods)
# ---------------------------------------------------------------------------
def _gram_schmidt(A: np.ndarray, modified: bool, record: bool):
    m, n = A.shape
    k = min(m, n)
    Q = np.zeros((m, k), dtype=A.dtype)
    R = np.zeros((k, n), dtype=A.dtype)
    name = "modified Gram-Schmidt" if modified else "classical Gram-Schmidt"
    small = n <= _EXPLAIN_REFLECTORS
    # a column whose remainder is at rounding level of its norm (or zero) is dependent
    norms = np.sqrt(np.sum(A * A, axis=0, dtype=np.float64))
    tiny = m * float(np.finfo(A.dtype).eps)
    if modified:
        # Row-oriented MGS: as soon as q_j exists, remove its component from every
        # later column, so each projection uses the already-updated vector.
        W = np.array(A[:, :k], copy=True)
        for j in range(k):
            r_jj = float(np.sqrt(W[:, j] @ W[:, j]))
            if r_jj <= tiny * norms[j]:
                raise LinAlgError(f"{name}: column {j} is linearly dependent on the previous "
                                  "columns (r_jj = 0 to working precision); use method='householder'")
            R[j, j] = r_jj
            Q[:, j] = W[:, j] / r_jj
            if j + 1 < k:
                R[j, j + 1:k] = Q[:, j] @ W[:, j + 1:]
                W[:, j + 1:] -= np.multiply.outer(Q[:, j], R[j, j + 1:k])
            if record and small:
                step(f"Column {j}: normalise, then remove q_{j} from the later columns",
                     "r_jj = ||w_j||, q_j = w_j / r_jj, r_ji = q_j^T w_i, w_i <- w_i - r_ji q_j (i > j)",
                     iteration=j, r_jj=r_jj, q_j=Q[:, j], r_row=R[j, :k])
    else:
        for j in range(k):
            a_j = A[:, j]
            r = Q[:, :j].T @ a_j                       # r_ij = q_i^T a_j (original column)
            w = a_j - Q[:, :j] @ r
            r_jj = float(np.sqrt(w @ w))
            if r_jj <= tiny * norms[j]:
                raise LinAlgError(f"{name}: column {j} is linearly dependent on the previous "
                                  "columns (r_jj = 0 to working precision); use method='householder'")
            R[:j, j] = r
            R[j, j] = r_jj
            Q[:, j] = w / r_jj
            if record and small:
                step(f"Column {j}: subtract projections on q_0..q_{j - 1}, normalise",
                     "r_ij = q_i^T a_j, w = a_j - sum_i r_ij q_i, r_jj = ||w||, q_j = w / r_jj",
                     iteration=j, a_j=a_j, r=R[:j + 1, j], q_j=Q[:, j])
    if n > k:                                           # wide: the rest of R is Q^T A
        R[:, k:] = Q.T @ A[:, k:]
    if record:
        E = Q.T @ Q - np.eye(k, dtype=A.dtype)
        step(f"Result of {name}", "A = Q R, loss of orthogonality ||Q^T Q - I||_F",
             Q=Q, R=R, orthogonality_loss=float(np.sqrt(np.sum(E * E))))
    return Q, R


# ---------------------------------------------------------------------------
# Explanation of Householder QR
# ---------------------------------------------------------------------------
def _explain_reflectors(A0: np.ndarray, H: np.ndarray, tau: np.ndarray) -> None:
    """Replay the reflectors of ``H`` on a copy of ``A0`` to show each one (small inputs)."""
    m, n = A0.shape
    Ak = np.array(A0, dtype=H.dtype, copy=True)
    for j in range(tau.shape[0]):
        x = Ak[j:, j].copy()
        v = H[j:, j].copy()
        v[0] = 1.0
        tau_j = float(tau[j])
        Ak[j:, :] -= np.multiply.outer(tau_j * v, v @ Ak[j:, :])
        step(f"Reflector {j + 1}: zero column {j} below the diagonal",
             "H_j = I - tau v v^T,  H_j x = beta e_1,  beta = -sign(x_0) ||x||,  "
             "tau = (beta - x_0) / beta,  v = [1, x[1:] / (x_0 - beta)]",
             iteration=j, x=x, beta=float(H[j, j]), tau=tau_j, v=v, A_after=Ak)


# ---------------------------------------------------------------------------
# Public function
# ---------------------------------------------------------------------------
def qr(A, mode="reduced", method="householder"):
    r"""QR factorisation ``A = Q R`` with orthonormal ``Q`` and upper-triangular ``R``.

    Parameters
    ----------
    A : (m, n) array_like
        Real matrix (integer input is promoted to float64; float32 stays float32).
    mode : {'reduced', 'complete', 'r', 'raw'}, default 'reduced'
        With ``k = min(m, n)``:

        * ``'reduced'``: ``Q`` is (m, k), ``R`` is (k, n).
        * ``'complete'``: ``Q`` is (m, m), ``R`` is (m, n).
        * ``'r'``: only ``R``, (k, n).
        * ``'raw'``: the compact factored form ``(H, tau)``: ``H`` is (m, n) with
          ``R`` in its upper triangle and the reflector vectors ``v_j`` below the
          diagonal (their unit first entries not stored); ``tau`` is (k,).  Unlike
          ``numpy.linalg.qr``, ``H`` is *not* transposed: ``H[i, j]`` for ``i > j``
          is entry ``i`` of ``v_j`` (it is the same memory as numpy's ``h.T``, since
          ``H`` is returned in Fortran order).  Householder only.
    method : {'householder', 'gram-schmidt', 'modified-gram-schmidt'}, default 'householder'
        ``'householder'`` is blocked Householder QR (compact WY), backward stable.
        The Gram–Schmidt methods are teaching methods that support only modes
        ``'reduced'`` and ``'r'``, need the first ``min(m, n)`` columns to be
        independent, and *lose orthogonality* on ill-conditioned input:
        ``||Q^T Q - I||`` grows like ``eps cond(A)^2`` for classical and
        ``eps cond(A)`` for modified Gram–Schmidt, against ``O(eps)`` for
        Householder.

    Returns
    -------
    QRResult(Q, R) for modes 'reduced' and 'complete'; R for mode 'r';
    (H, tau) for mode 'raw'.

    Raises
    ------
    ValueError
        Unknown mode or method (the message lists the valid ones), a mode the
        method does not support, input not 2-D, NaN or infinity.
    TypeError
        Complex input.
    LinAlgError
        Gram–Schmidt met a column that is exactly dependent on the earlier ones.

    Notes
    -----
    Householder: for ``j = 0, ..., k-1`` the reflector ``H_j = I - tau_j v_j v_j^T``
    with ``H_j x = beta_j e_1`` for ``x = A[j:, j]`` (LAPACK ``dlarfg``:
    ``beta_j = -sign(x_0) ||x||``, so the diagonal of ``R`` may be negative and
    ``Q``, ``R`` agree with ``numpy.linalg.qr``).  The sign choice avoids
    cancellation in ``v = x - beta e_1``.  Blocks of reflectors are merged into
    ``I - V T V^T`` and applied with three matrix products; see the module
    docstring for the blocking.  Backward error ``||A - Q R|| / ||A|| = O(n eps)``.

    Classical Gram–Schmidt: ``r_ij = q_i^T a_j``, ``w = a_j - sum_i r_ij q_i``,
    ``r_jj = ||w||``, ``q_j = w / r_jj`` (``r_jj >= 0``).  Modified Gram–Schmidt
    subtracts each projection from the *updated* vector, mathematically equal,
    numerically better, still not orthogonal to working precision.

    References
    ----------
    G. H. Golub and C. F. Van Loan, *Matrix Computations*, 4th ed., 5.2.
    A. Björck, "Solving linear least squares problems by Gram–Schmidt
    orthogonalization", BIT 7 (1967).

    Examples
    --------
    >>> import numpy as np
    >>> A = np.array([[3.0, 1.0], [4.0, 2.0]])
    >>> Q, R = qr(A)
    >>> R.round(6)
    array([[-5. , -2.2],
           [ 0. ,  0.4]])
    >>> bool(np.allclose(Q @ R, A)), bool(np.allclose(Q.T @ Q, np.eye(2)))
    (True, True)
    >>> qr(A, method="gram-schmidt").R.round(6)
    array([[5. , 2.2],
           [0. , 0.4]])
    """
    mode = check_option(mode, "mode", MODES)
    method = check_option(method, "method", METHODS)
    A = as_matrix(A, "A")
    m, n = A.shape
    k = min(m, n)
    record = active()

    if method != "householder":
        if mode not in ("reduced", "r"):
            raise ValueError(f"mode {mode!r} is not available with method {method!r}; "
                             "use mode 'reduced' or 'r', or method='householder'")
        with section(f"QR by {method} ({m} x {n})"):
            Q, R = _gram_schmidt(A, method == "modified-gram-schmidt", record)
        return R if mode == "r" else QRResult(Q, R)

    small = k <= _EXPLAIN_REFLECTORS
    with section(f"Householder QR ({m} x {n})"):
        H, tau, blocks = _householder_factor(A, record and not small)
        if record and small:
            _explain_reflectors(A, H, tau)
        if mode == "raw":
            if record:
                step("Compact form", "R = triu(H); v_j = [1, H[j+1:, j]]; Q = H_0 H_1 ... H_{k-1}",
                     H=H, tau=tau)
            return H, tau
        R = np.triu(H[:k] if mode != "complete" else H)
        if mode == "r":
            if record:
                step("Result", "R = H_{k-1} ... H_0 A", R=R)
            return R
        Q = _orgqr(H, blocks, k if mode == "reduced" else m)
        if record:
            E = Q @ R - A
            norm_A = float(np.sqrt(np.sum(A * A)))
            step("Result: Q by backward accumulation Q = H_0 (H_1 (... H_{k-1} I))",
                 "A = Q R,  relative backward error ||A - Q R||_F / ||A||_F",
                 Q=Q, R=R, relative_error=float(np.sqrt(np.sum(E * E))) / norm_A if norm_A else 0.0)
        return QRResult(Q, R)
