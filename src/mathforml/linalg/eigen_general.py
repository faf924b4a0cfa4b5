r"""Eigenvalues and eigenvectors of general (non-symmetric) real square matrices.

Four stages, as in LAPACK's ``dgeev``:

0. Balancing (``dgebal``, job 'B'): a permutation isolates eigenvalues that
   can be read off the diagonal, and a power-of-2 diagonal similarity
   equalises row and column norms of the remaining block ``ilo..ihi``.
1. :func:`hessenberg` reduces ``A`` to upper Hessenberg form ``H = Q^T A Q`` by
   Householder reflectors (blocked, ``dgehrd``-style, for larger ``n``).
2. The Francis implicit double-shift QR algorithm (``dlahqr``) drives ``H`` to
   real Schur form ``T = Z^T A Z``: quasi upper triangular, with 1x1 blocks for
   real eigenvalues and standardised 2x2 blocks ``[[a, b], [c, a]]`` (``b c < 0``)
   for complex conjugate pairs ``a +- i sqrt(-b c)``.
3. Eigenvectors of ``T`` by back-substitution (``dtrevc``-style), transformed
   back by the Schur vectors ``Z`` and normalised to unit 2-norm.

Design notes
------------
* Every bulge-chasing step applies one 3x3 reflector to whole row and column
  slices with vector operations; the Python loop runs over bulge positions,
  never over matrix elements.  When only eigenvalues are wanted, reflectors
  touch only the active window ``H[l:i+1, l:i+1]``; when the Schur form is
  wanted they update full rows/columns and ``Z``.
* For :func:`eig` on active windows of at least ``_MS_NMIN = 60`` rows a
  small-bulge multishift sweep (Braman-Byers-Mathias 2002, ``dlaqr5``-style)
  chases up to 8 bulges 3 rows apart, with shifts from the eigenvalues of the
  trailing 16x16 block: one Python step advances all bulges, their 3x3
  reflectors are generated in one batch (:func:`_householder3_batch`) and
  applied as one block-diagonal matrix product on each side.  After 3 such
  sweeps without deflation the double-shift iteration (with its exceptional
  shifts) takes over.  Measured at one thread this makes ``eig`` at n = 256
  about 1.4x faster; windowed ``eigvals`` sweeps were faster one bulge at a
  time, so they keep the double-shift path.  Aggressive early deflation and
  accumulating off-window updates into one GEMM per chase segment are not
  done.
* The deflation scan over the subdiagonal and the search for a starting row
  of the bulge are vectorised.
* The eigenvector back-substitution is vectorised across eigenvectors: one
  Python step per (1x1 or 2x2) diagonal block of ``T`` computes that row of
  every eigenvector at once.  ``T`` is scaled to ``max|t_ij| = 1`` first and
  columns are rescaled whenever an entry would exceed ``big = max_float/(8 n^2)``,
  so nothing overflows; tiny divisors are perturbed to
  ``smin = max(eps |lambda|, smlnum)`` as in ``dtrevc``.
* Balancing is on by default (as ``numpy.linalg.eig``); ``balance=False``
  skips it.  Eigenvectors are back-transformed (``dgebak``) with per-column
  power-of-2 rescaling, so ``D x`` cannot overflow even when ``D`` spans
  hundreds of binary orders of magnitude.  :func:`hessenberg` itself does not
  balance (as ``scipy.linalg.hessenberg``).
"""
from __future__ import annotations

import math
from collections import namedtuple

import numpy as np

from .._validation import as_square_matrix
from ..exceptions import LinAlgError
from ..explain import active, section, step
from ._householder import apply_block_left, householder_inplace, larft, vector_norm2

__all__ = ["hessenberg", "eig", "eigvals", "EigResult"]

EigResult = namedtuple("EigResult", ["eigenvalues", "eigenvectors"])
EigResult.__doc__ = """Result of :func:`eig`: ``eigenvalues`` (n,) and ``eigenvectors`` (n, n), columns."""

_SMALL_N = 10          # record whole matrices in explanations up to this size
_BLOCK = 32            # panel width of the blocked Hessenberg reduction
_BLOCK_MIN_N = 96      # use the blocked reduction from this size on
_KEXSH = 10            # exceptional shift every _KEXSH iterations without deflation
_ITMAX_FACTOR = 30     # at most 30 max(10, n) QR sweeps per deflation


def _reflector(x: np.ndarray, guard: float):
    """``householder_inplace(x)``, treating a column of norm below ``guard`` as zero.

    ``householder_inplace`` divides by ``alpha - beta``; when ``|beta|`` is near
    the underflow threshold that overflows (LAPACK's ``dlarfg`` rescales
    instead).  After :func:`_scale_into_range`, ``guard = tiny / eps`` is far below
    ``eps ||A||``, so dropping such a column is a backward-stable perturbation.
    """
    t, beta = householder_inplace(x)
    if abs(beta) < guard:
        x[1:] = 0.0
        x[0] = 1.0
        return 0.0, beta
    return t, beta


# ---------------------------------------------------------------------------
# Scaling into the safe range
# ---------------------------------------------------------------------------
def _guard(dtype) -> float:
    finfo = np.finfo(dtype)
    return float(finfo.tiny) / float(finfo.eps)


def _scale_into_range(A: np.ndarray) -> int:
    """Scale A in place by a power of two so ``max|a_ij|`` lies in a safe range.

    As ``dgeev``: when ``max|a_ij|`` is below ``sqrt(safmin)/eps`` or above its
    reciprocal the QR iteration would lose accuracy to underflow or overflow.
    Returns the exponent ``e`` with ``A_original = 2^e A_scaled`` (exact).
    """
    if A.size == 0:
        return 0
    amax = float(np.max(np.abs(A)))
    finfo = np.finfo(A.dtype)
    small = math.sqrt(float(finfo.tiny)) / float(finfo.eps)
    if amax == 0.0 or small <= amax <= 1.0 / small:
        return 0
    e = math.frexp(amax)[1]               # amax = f 2^e, 0.5 <= f < 1
    A[...] = np.ldexp(A, -e)              # exact unless entries fall below tiny
    return e


# ---------------------------------------------------------------------------
# Balancing (dgebal job 'B') and its back-transformation (dgebak)
# ---------------------------------------------------------------------------
def _swap_sym(A: np.ndarray, perm: np.ndarray, i: int, j: int) -> None:
    """Symmetric permutation exchanging indices i and j: rows, columns and ``perm``."""
    A[[i, j], :] = A[[j, i], :]
    A[:, [i, j]] = A[:, [j, i]]
    perm[[i, j]] = perm[[j, i]]


def _gebal(A: np.ndarray):
    r"""Balance A in place by a permutation and a power-of-2 diagonal scaling (dgebal 'B').

    Returns ``(ilo, ihi, perm, scale)`` with, entrywise,
    ``A_bal[a, b] = A[perm[a], perm[b]] * scale[b] / scale[a]``, i.e.
    ``A_bal = D^{-1} P^T A P D`` with ``P = I[:, perm]`` and ``D = diag(scale)``.
    ``A_bal`` is block upper triangular: rows/columns outside ``ilo..ihi`` are
    upper triangular and carry eigenvalues on their diagonal exactly.

    *Permutation.*  A row whose off-diagonal entries in the active window
    ``[k, l]`` are all zero isolates its diagonal entry as an eigenvalue: it is
    swapped (symmetrically) to position ``l`` and the window shrinks from below;
    a column with zero off-diagonal entries in the window goes to position
    ``k``.  Per-row/column counts of nonzeros are kept up to date in O(n) per
    isolated index, so a triangular matrix costs O(n^2) in all.

    *Scaling* (Parlett-Reinsch with LAPACK's test).  For each ``i`` in the
    window, with ``c``/``r`` the 2-norms of column/row ``i`` inside the window,
    find the power of two ``f`` bringing ``c f`` and ``r / f`` closest, and apply
    it only if ``(c f + r / f) < 0.95 (c + r)``; repeat sweeps until nothing
    changes.  Powers of 2 make the similarity exact.  Norms of a whole sweep are
    computed at once; once an index has been rescaled in that sweep, the
    following indices recompute theirs (Gauss-Seidel order, which converges;
    simultaneous Jacobi-style updates can oscillate).
    """
    n = A.shape[0]
    perm = np.arange(n)
    scale = np.ones(n, dtype=A.dtype)
    k, l = 0, n - 1
    changed = True
    while changed and l > k:
        changed = False
        # rows with no off-diagonal nonzero in the window go to the bottom
        W = A[k:l + 1, k:l + 1] != 0
        cnt = W.sum(axis=1) - W.diagonal()
        while l > k:
            cand = np.flatnonzero(cnt == 0)
            if cand.size == 0:
                break
            i = k + int(cand[-1])
            if i != l:
                _swap_sym(A, perm, i, l)
                cnt[[i - k, l - k]] = cnt[[l - k, i - k]]
            cnt = cnt[:l - k] - (A[k:l, l] != 0)
            l -= 1
            changed = True
        if l <= k:
            break
        # columns with no off-diagonal nonzero in the window go to the top
        W = A[k:l + 1, k:l + 1] != 0
        cnt = W.sum(axis=0) - W.diagonal()
        while l > k:
            cand = np.flatnonzero(cnt == 0)
            if cand.size == 0:
                break
            j = k + int(cand[0])
            if j != k:
                _swap_sym(A, perm, j, k)
                cnt[[j - k, 0]] = cnt[[0, j - k]]
            cnt = cnt[1:] - (A[k, k + 1:l + 1] != 0)
            k += 1
            changed = True
    ilo, ihi = k, max(l, k)
    if ihi > ilo:
        _balance_scaling(A, scale, ilo, ihi)
    return ilo, ihi, perm, scale


def _balance_scaling(A: np.ndarray, scale: np.ndarray, k: int, l: int) -> None:
    """Scaling part of dgebal on the window ``[k, l]`` (in place; see :func:`_gebal`)."""
    finfo = np.finfo(A.dtype)
    sclfac, factor = 2.0, 0.95
    sfmin1 = float(finfo.tiny) / float(finfo.eps)
    sfmax1 = 1.0 / sfmin1
    sfmin2 = sfmin1 * sclfac
    sfmax2 = 1.0 / sfmin2

    def norms(M, axis):
        # overflow-safe 2-norms along an axis: max * sqrt(sum((x / max)^2))
        mx = np.max(M, axis=axis)
        safe = np.where(mx == 0, 1.0, mx)
        q = M / (safe[None, :] if axis == 0 else safe[:, None])
        return mx * np.sqrt(np.sum(q * q, axis=axis))

    for _ in range(1000):                     # LAPACK loops until no change (it converges)
        noconv = False
        Aw = np.abs(A[k:l + 1, k:l + 1])
        c_all = norms(Aw, 0)
        r_all = norms(Aw, 1)
        ca_all = np.max(np.abs(A[:l + 1, k:l + 1]), axis=0)
        ra_all = np.max(np.abs(A[k:l + 1, k:]), axis=1)
        dirty = False
        for i in range(k, l + 1):
            if dirty:
                c = vector_norm2(A[k:l + 1, i])
                r = vector_norm2(A[i, k:l + 1])
                ca = float(np.max(np.abs(A[:l + 1, i])))
                ra = float(np.max(np.abs(A[i, k:])))
            else:
                j = i - k
                c, r, ca, ra = float(c_all[j]), float(r_all[j]), float(ca_all[j]), float(ra_all[j])
            if c == 0.0 or r == 0.0:
                continue
            g = r / sclfac
            f = 1.0
            s = c + r
            while c < g and max(f, c, ca) < sfmax2 and min(r, g, ra) > sfmin2:
                f *= sclfac; c *= sclfac; ca *= sclfac
                r /= sclfac; g /= sclfac; ra /= sclfac
            g = c / sclfac
            while g >= r and max(r, ra) < sfmax2 and min(f, c, g, ca) > sfmin2:
                f /= sclfac; c /= sclfac; g /= sclfac; ca /= sclfac
                r *= sclfac; ra *= sclfac
            if c + r >= factor * s:
                continue
            si = float(scale[i])
            if f < 1.0 and si < 1.0 and f * si <= sfmin1:
                continue
            if f > 1.0 and si > 1.0 and si >= sfmax1 / f:
                continue
            scale[i] = si * f
            A[i, k:] *= 1.0 / f                # exact: f is a power of 2
            A[:l + 1, i] *= f
            noconv = dirty = True
        if not noconv:
            break


def _gebak(X: np.ndarray, perm: np.ndarray, scale: np.ndarray) -> np.ndarray:
    """Eigenvectors of A from those of ``A_bal`` (dgebak): ``V[perm] = D X``, columns rescaled.

    ``D = diag(2^p)`` may span hundreds of binary orders of magnitude, so
    ``D X`` could overflow; each column ``j`` is instead multiplied by
    ``2^(p_i - E_j)`` with ``E_j`` the largest binary exponent of ``2^p_i x_ij``
    (exact, entries at most 1; a column scale does not matter as columns are
    normalised afterwards).
    """
    p = (np.frexp(scale)[1] - 1).astype(np.int64)          # scale_i = 2^p_i exactly
    aX = np.abs(X)
    ex = np.frexp(aX)[1].astype(np.int64) + p[:, None]
    ex = np.where(aX > 0, ex, np.iinfo(np.int64).min)
    E = ex.max(axis=0) if X.shape[0] else np.zeros(0, dtype=np.int64)
    E = np.where(E == np.iinfo(np.int64).min, 0, E)
    shift = p[:, None] - E[None, :]
    if np.iscomplexobj(X):
        Y = np.ldexp(X.real, shift) + 1j * np.ldexp(X.imag, shift)
    else:
        Y = np.ldexp(X, shift)
    V = np.empty_like(Y)
    V[perm] = Y
    return V


# ---------------------------------------------------------------------------
# Hessenberg reduction
# ---------------------------------------------------------------------------
def _gehd2(A: np.ndarray, tau: np.ndarray, k0: int = 0) -> None:
    """Unblocked reduction of columns k0..n-3 of A (in place, dgehd2).

    The reflector vector of column k (without its unit entry) is left in
    ``A[k+2:, k]``, ``beta`` in ``A[k+1, k]``.
    """
    n = A.shape[0]
    guard = _guard(A.dtype)
    for k in range(k0, n - 2):
        x = A[k + 1:, k]
        t, beta = _reflector(x, guard)             # x <- v, v[0] = 1
        tau[k] = t
        v = x.copy()
        if t != 0.0:
            tv = t * v
            # right: A[:, k+1:] <- A[:, k+1:] (I - tau v v^T)
            C = A[:, k + 1:]
            C -= np.outer(C @ v, tv)
            # left: A[k+1:, k+1:] <- (I - tau v v^T) A[k+1:, k+1:]
            C = A[k + 1:, k + 1:]
            C -= np.outer(tv, v @ C)
        x[0] = beta
        if n <= _SMALL_N and active():
            step(f"Reflector {k + 1}: zero column {k + 1} below the subdiagonal",
                 "A <- (I - tau v v^T) A (I - tau v v^T)", iteration=k,
                 v=v, tau=t, beta=beta, H=np.triu(A, -1))


def _lahr2(A: np.ndarray, k: int, nb: int, tau: np.ndarray):
    """Reduce the panel A[:, k:k+nb] (dlahr2); return V, T, Y with Y = A V T.

    Only rows ``k+1:`` of the panel columns are updated here; the caller applies
    ``A <- (I - V T^T V^T) (A - Y V^T)`` to the rest with matrix products.
    """
    n = A.shape[0]
    m = n - k - 1                       # rows k+1 .. n-1
    dt = A.dtype
    guard = _guard(dt)
    V = np.zeros((m, nb), dtype=dt)
    T = np.zeros((nb, nb), dtype=dt)
    Y = np.zeros((n, nb), dtype=dt)
    for j in range(nb):
        c = k + j
        b = A[k + 1:, c]
        if j > 0:
            # right update with the previous reflectors: b -= Y V[c-row]^T
            b -= Y[k + 1:, :j] @ V[j - 1, :j]
            # left update: b <- (I - V T^T V^T) b
            w = V[:, :j].T @ b
            w = T[:j, :j].T @ w
            b -= V[:, :j] @ w
        x = A[c + 1:, c]
        t, beta = _reflector(x, guard)
        tau[c] = t
        V[j:, j] = x
        x[0] = beta
        # Y[:, j] = tau (A v_j - Y_j (V_j^T v_j)), rows k+1: here (top rows later)
        vj = V[j:, j]
        y = A[k + 1:, c + 1:] @ vj
        if j > 0:
            tcol = V[j:, :j].T @ vj
            y -= Y[k + 1:, :j] @ tcol
            T[:j, j] = (-t) * (T[:j, :j] @ tcol)
        Y[k + 1:, j] = t * y
        T[j, j] = t
    # top rows of Y: Y[:k+1] = A[:k+1, k+1:] V T
    Y[:k + 1] = (A[:k + 1, k + 1:] @ V) @ T
    return V, T, Y


def _gehrd(A: np.ndarray) -> np.ndarray:
    """Reduce A (in place) to upper Hessenberg form; return the reflector taus."""
    n = A.shape[0]
    tau = np.zeros(max(n - 1, 0), dtype=A.dtype)
    k = 0
    if n >= _BLOCK_MIN_N:
        nb = _BLOCK
        while n - 2 - k > 2 * nb:
            V, T, Y = _lahr2(A, k, nb, tau)
            kb = k + nb
            # the last reflector's unit entry sits at A[kb, kb-1]; V holds it
            A[:, kb:] -= Y @ V[nb - 1:, :].T
            A[:k + 1, k + 1:kb] -= Y[:k + 1] @ V[:nb - 1, :].T
            apply_block_left(A[k + 1:, kb:], V, T, trans=True)
            if active():
                step(f"Panel of columns {k + 1}..{kb}: blocked update",
                     "A <- (I - V T^T V^T)(A - Y V^T),  Y = A V T", iteration=k // nb,
                     columns=(k, kb - 1))
            k = kb
    _gehd2(A, tau, k)
    return tau


def _form_q(A: np.ndarray, tau: np.ndarray) -> np.ndarray:
    """Q = H_1 ... H_{n-2} from the reflectors stored below the subdiagonal of A (dorghr)."""
    n = A.shape[0]
    Q = np.eye(n, dtype=A.dtype)
    nref = n - 2
    if nref <= 0:
        return Q
    nb = _BLOCK
    starts = list(range(0, nref, nb))
    for j0 in reversed(starts):
        j1 = min(j0 + nb, nref)
        V = np.tril(A[j0 + 1:, j0:j1], -1)
        V[np.arange(j1 - j0), np.arange(j1 - j0)] = 1.0
        T = larft(V, tau[j0:j1])
        apply_block_left(Q[j0 + 1:, j0 + 1:], V, T)
    return Q


def hessenberg(A, calc_q: bool = False):
    r"""Reduce a square matrix to upper Hessenberg form, ``H = Q^T A Q``.

    Parameters
    ----------
    A : array_like, shape (n, n)
        Real square matrix (int/bool promoted to float64, float32 kept).
    calc_q : bool, default False
        Also return the orthogonal ``Q``.

    Returns
    -------
    H : ndarray, shape (n, n)
        Upper Hessenberg (``H[i, j] = 0`` for ``i > j + 1``), orthogonally similar to ``A``.
    Q : ndarray, shape (n, n)
        Orthogonal, with ``A = Q H Q^T``; only if ``calc_q``.

    Notes
    -----
    Step ``k`` picks a Householder reflector ``P_k = I - tau v v^T`` acting on rows
    ``k+1..n-1`` with ``P_k A[k+1:, k] = beta e_1`` and applies it on both sides,
    ``A <- P_k A P_k``, so eigenvalues are preserved; ``Q = P_0 P_1 ... P_{n-3}``.
    For ``n >= 96`` panels of 32 columns are reduced as in LAPACK's ``dlahr2``:
    the right-hand updates are deferred into ``Y = A V T`` and the trailing
    matrix is updated by ``A <- (I - V T^T V^T)(A - Y V^T)`` with matrix
    products.  ``Q`` is accumulated backwards in compact-WY blocks (``dorghr``).
    Cost ``10/3 n^3`` flops (plus ``4/3 n^3`` for ``Q``); backward stable.

    References
    ----------
    G. H. Golub and C. F. Van Loan, *Matrix Computations*, 4th ed., section 7.4.3.
    G. Quintana-Orti and R. van de Geijn, "Improving the performance of reduction
    to Hessenberg form", ACM TOMS 32 (2006).

    Examples
    --------
    >>> import numpy as np
    >>> A = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0], [0.0, 3.0, 4.0]])
    >>> H, Q = hessenberg(A, calc_q=True)
    >>> float(H[2, 0]), bool(np.allclose(Q @ H @ Q.T, A))
    (0.0, True)
    """
    A = as_square_matrix(A, "A", copy=True)
    n = A.shape[0]
    with section("Hessenberg reduction"):
        e = _scale_into_range(A)
        tau = _gehrd(A)
        H = np.triu(A, -1)
        Q = _form_q(A, tau) if calc_q else None
        if e:
            H = np.ldexp(H, e)
        if active():
            if n <= _SMALL_N:
                step("Upper Hessenberg form", "H = Q^T A Q", H=H, Q=Q if calc_q else "not computed")
            else:
                step("Upper Hessenberg form (summary)", "H = Q^T A Q", n=n,
                     subdiagonal=np.diag(H, -1))
    return (H, Q) if calc_q else H


# ---------------------------------------------------------------------------
# Francis double-shift QR
# ---------------------------------------------------------------------------
def _lanv2(a: float, b: float, c: float, d: float, eps: float):
    """Schur factorisation of a real 2x2 block (LAPACK dlanv2).

    Returns ``(a, b, c, d, rt1r, rt1i, rt2r, rt2i, cs, sn)`` with
    ``[[a, b], [c, d]]_new = [[cs, sn], [-sn, cs]] [[a, b], [c, d]] [[cs, -sn], [sn, cs]]``
    either upper triangular or with ``a = d`` and ``b c < 0``.
    """
    if c == 0.0:
        cs, sn = 1.0, 0.0
    elif b == 0.0:
        cs, sn = 0.0, 1.0
        a, d = d, a
        b, c = -c, 0.0
    elif (a - d) == 0.0 and math.copysign(1.0, b) != math.copysign(1.0, c):
        cs, sn = 1.0, 0.0
    else:
        temp = a - d
        p = 0.5 * temp
        bcmax = max(abs(b), abs(c))
        bcmis = min(abs(b), abs(c)) * math.copysign(1.0, b) * math.copysign(1.0, c)
        scale = max(abs(p), bcmax)
        z = (p / scale) * p + (bcmax / scale) * bcmis
        if z >= 4.0 * eps:
            # real eigenvalues
            z = p + math.copysign(math.sqrt(scale) * math.sqrt(z), p)
            a = d + z
            d = d - (bcmax / z) * bcmis
            tau = math.hypot(c, z)
            cs = z / tau
            sn = c / tau
            b = b - c
            c = 0.0
        else:
            # complex or nearly equal real eigenvalues: make the diagonal equal
            sigma = b + c
            for _ in range(20):
                scale = max(abs(temp), abs(sigma))
                if scale >= 2.0 ** 511:
                    sigma *= 2.0 ** -511
                    temp *= 2.0 ** -511
                elif scale <= 2.0 ** -511 and scale > 0.0:
                    sigma *= 2.0 ** 511
                    temp *= 2.0 ** 511
                else:
                    break
            p = 0.5 * temp
            tau = math.hypot(sigma, temp)
            cs = math.sqrt(0.5 * (1.0 + abs(sigma) / tau))
            sn = -(p / (tau * cs)) * math.copysign(1.0, sigma)
            aa = a * cs + b * sn
            bb = -a * sn + b * cs
            cc = c * cs + d * sn
            dd = -c * sn + d * cs
            a = aa * cs + cc * sn
            b = bb * cs + dd * sn
            c = -aa * sn + cc * cs
            d = -bb * sn + dd * cs
            temp = 0.5 * (a + d)
            a = d = temp
            if c != 0.0:
                if b != 0.0:
                    if math.copysign(1.0, b) == math.copysign(1.0, c):
                        # real eigenvalues after all: make it upper triangular
                        sab = math.sqrt(abs(b))
                        sac = math.sqrt(abs(c))
                        p = math.copysign(sab * sac, c)
                        tau = 1.0 / math.sqrt(abs(b + c))
                        a = temp + p
                        d = temp - p
                        b = b - c
                        c = 0.0
                        cs1 = sab * tau
                        sn1 = sac * tau
                        temp = cs * cs1 - sn * sn1
                        sn = cs * sn1 + sn * cs1
                        cs = temp
                else:
                    b = -c
                    c = 0.0
                    cs, sn = -sn, cs
    rt1r, rt2r = a, d
    if c == 0.0:
        rt1i = rt2i = 0.0
    else:
        rt1i = math.sqrt(abs(b)) * math.sqrt(abs(c))
        rt2i = -rt1i
    return a, b, c, d, rt1r, rt1i, rt2r, rt2i, cs, sn


def _rot_rows(M: np.ndarray, r: int, cols: slice, cs: float, sn: float) -> None:
    """Rows r, r+1 of M[:, cols] <- [[cs, sn], [-sn, cs]] @ rows (drot)."""
    x = M[r, cols].copy()
    y = M[r + 1, cols]
    M[r, cols] = cs * x + sn * y
    M[r + 1, cols] = cs * y - sn * x


def _rot_cols(M: np.ndarray, c: int, rows: slice, cs: float, sn: float) -> None:
    """Columns c, c+1 of M[rows] <- cols @ [[cs, -sn], [sn, cs]] (drot)."""
    x = M[rows, c].copy()
    y = M[rows, c + 1]
    M[rows, c] = cs * x + sn * y
    M[rows, c + 1] = cs * y - sn * x


def _hqr(H: np.ndarray, Z: np.ndarray | None, wantt: bool, G: np.ndarray | None = None,
         ilo: int = 0, ihi: int | None = None):
    """Francis double-shift QR on upper Hessenberg H (in place, LAPACK dlahqr).

    Returns ``(wr, wi, info)`` with float64 arrays of real and imaginary parts
    and ``info`` a dict of counts for the explanation.  With ``wantt`` the full
    matrix is updated and ends in standardised real Schur form; with ``Z`` the
    transformations are accumulated, ``Z <- Z P``.  Only the window
    ``ilo..ihi`` is iterated on (``H`` must already be triangular outside it,
    as after balancing); eigenvalues outside are read off the diagonal.
    """
    n = H.shape[0]
    dt = H.dtype
    finfo = np.finfo(dt)
    ulp = float(finfo.eps)
    safmin = float(finfo.tiny)
    smlnum = safmin * (max(n, 1) / ulp)
    wr = np.zeros(n)
    wi = np.zeros(n)
    itmax = _ITMAX_FACTOR * max(10, n)
    wantz = Z is not None
    if wantz and (G is None or not wantt):
        raise ValueError("_hqr: Schur vectors need wantt and the stacked G = [Z; H]")
    rec = active()
    log = []                            # per-deflation records (only when explaining)
    total_sweeps = 0
    n_exceptional = 0
    if n == 0:
        return wr, wi, dict(sweeps=0, exceptional=0, log=log)
    if ihi is None:
        ihi = n - 1
    diag = H.diagonal()                 # views: reflect in-place updates
    sub = H.diagonal(-1)
    sup = H.diagonal(1)
    wr[:ilo] = diag[:ilo]
    wr[ihi + 1:] = diag[ihi + 1:]
    kdefl = 0
    i = ihi
    ndefl = 0
    n_ms = 0
    ms_stall = 0
    ms_last = None
    while i >= ilo:
        l = ilo
        converged = False
        sweeps_here = 0
        shifts_here = [] if rec else None
        for its in range(itmax + 1):
            # --- look for a negligible subdiagonal entry in rows l+1..i (vectorised)
            if i > l:
                ks = _find_split(diag, sub, sup, l, i, ulp, smlnum)
            else:
                ks = l
            l = ks
            if l > 0:
                H[l, l - 1] = 0.0
            if l >= i - 1:
                converged = True
                break
            if its == itmax:
                break
            if wantt:
                i1, i2 = 0, n - 1
            else:
                i1, i2 = l, i
            if wantz and i - l + 1 >= _MS_NMIN and ms_stall < _MS_MAX_STALL:
                # multishift sweep: many bulges chased together (only with full
                # updates, where it measured faster; windowed eigvals sweeps are
                # cheaper one bulge at a time)
                if (l, i) == ms_last:
                    ms_stall += 1
                ms_last = (l, i)
                ns = min(_MS_NS, 2 * ((i - l + 1) // 8))
                pairs = _ms_shifts(H, l, i, ns)
                if pairs:
                    _ms_sweep(H, G, l, i, i1, i2, pairs)
                    n_ms += 1
                    continue
            kdefl += 1
            # --- shifts
            if kdefl % (2 * _KEXSH) == 0:
                s = abs(H[i, i - 1]) + abs(H[i - 1, i - 2])
                h11 = 0.75 * s + float(H[i, i])
                h12, h21, h22 = -0.4375 * s, s, h11
                n_exceptional += 1
            elif kdefl % _KEXSH == 0:
                s = abs(H[l + 1, l]) + abs(H[l + 2, l + 1])
                h11 = 0.75 * s + float(H[l, l])
                h12, h21, h22 = -0.4375 * s, s, h11
                n_exceptional += 1
            else:
                h11 = float(H[i - 1, i - 1]); h21 = float(H[i, i - 1])
                h12 = float(H[i - 1, i]); h22 = float(H[i, i])
            s = abs(h11) + abs(h12) + abs(h21) + abs(h22)
            if s == 0.0:
                rt1r = rt1i = rt2r = rt2i = 0.0
            else:
                h11 /= s; h21 /= s; h12 /= s; h22 /= s
                tr = (h11 + h22) / 2.0
                det = (h11 - tr) * (h22 - tr) - h12 * h21
                rtdisc = math.sqrt(abs(det))
                if det >= 0.0:
                    rt1r = tr * s; rt2r = rt1r; rt1i = rtdisc * s; rt2i = -rt1i
                else:
                    rt1r = tr + rtdisc; rt2r = tr - rtdisc
                    if abs(rt1r - h22) <= abs(rt2r - h22):
                        rt1r *= s; rt2r = rt1r
                    else:
                        rt2r *= s; rt1r = rt2r
                    rt1i = rt2i = 0.0
            if rec:
                shifts_here.append((complex(rt1r, rt1i), complex(rt2r, rt2i)))
            # --- look for two consecutive small subdiagonals; first column of the shift polynomial
            m, v = _start_row(H, l, i, rt1r, rt1i, rt2r, rt2i, ulp)
            # --- double-shift QR sweep: chase the bulge from row m to row i
            _sweep(H, G, m, l, i, i1, i2, v)
            sweeps_here += 1
            total_sweeps += 1
        if not converged:
            raise LinAlgError(
                f"eig: the QR algorithm failed to converge for eigenvalue index {i} "
                f"after {itmax} iterations")
        if l == i:
            wr[i] = H[i, i]
            wi[i] = 0.0
        else:  # l == i - 1: a 2x2 block
            a, b, c, d, rt1r, rt1i, rt2r, rt2i, cs, sn = _lanv2(
                float(H[i - 1, i - 1]), float(H[i - 1, i]), float(H[i, i - 1]),
                float(H[i, i]), ulp)
            H[i - 1, i - 1] = a; H[i - 1, i] = b; H[i, i - 1] = c; H[i, i] = d
            wr[i - 1], wi[i - 1], wr[i], wi[i] = rt1r, rt1i, rt2r, rt2i
            if wantt:
                if i < n - 1:
                    _rot_rows(H, i - 1, slice(i + 1, n), cs, sn)
                _rot_cols(H, i - 1, slice(0, i - 1), cs, sn)
            if wantz:
                _rot_cols(Z, i - 1, slice(None), cs, sn)
        kdefl = 0
        ms_stall = 0
        if rec:
            idx = list(range(l, i + 1))
            log.append(dict(indices=idx, eigenvalues=[complex(wr[j], wi[j]) for j in idx],
                            sweeps=sweeps_here, shifts=shifts_here))
            step("Deflation" + (" of a 2x2 block" if l < i else ""),
                 "|h_{k+1,k}| <= eps (|h_kk| + |h_{k+1,k+1}|)  =>  split",
                 iteration=ndefl, rows=(l, i),
                 eigenvalues=np.array([complex(wr[j], wi[j]) for j in idx]),
                 sweeps=sweeps_here,
                 shifts=np.array([s for pair in shifts_here for s in pair]))
        ndefl += 1
        i = l - 1
    return wr, wi, dict(sweeps=total_sweeps, exceptional=n_exceptional, log=log,
                        multishift_sweeps=n_ms)


def _find_split(diag, sub, sup, l, i, ulp, smlnum) -> int:
    """Largest k in (l, i] whose subdiagonal h_{k,k-1} is negligible, else l (vectorised).

    Test: ``|h_{k,k-1}| <= eps (|h_{k-1,k-1}| + |h_kk|)`` confirmed by the
    Ahues-Tisseur criterion (as LAPACK dlahqr), or ``|h_{k,k-1}| <= smlnum``.
    """
    # rows k = l+1..i : subdiagonal sub[k-1], diagonals diag[k-1], diag[k]
    if i - l <= 2:
        # tiny window: plain scalar test is cheaper than array calls
        for k in range(i, l, -1):
            if _negligible(diag, sub, sup, k, l, ulp, smlnum):
                return k
        return l
    hk = np.abs(sub[l:i])
    dprev = np.abs(diag[l:i])
    dcur = np.abs(diag[l + 1:i + 1])
    tst = dprev + dcur
    # candidates: the standard test, tiny entries, or zero diagonals (whose test
    # uses the neighbouring subdiagonals); each is confirmed by the scalar test
    idx = np.nonzero((hk <= ulp * tst) | (hk <= smlnum) | (tst == 0.0))[0]
    for j in idx[::-1]:
        k = l + 1 + int(j)
        if _negligible(diag, sub, sup, k, l, ulp, smlnum):
            return k
    return l


def _negligible(diag, sub, sup, k, l, ulp, smlnum) -> bool:
    """Scalar dlahqr deflation test for h_{k,k-1}."""
    hk = abs(float(sub[k - 1]))
    if hk <= smlnum:
        return True
    tst = abs(float(diag[k - 1])) + abs(float(diag[k]))
    if tst == 0.0:
        if k - 2 >= l:
            tst += abs(float(sub[k - 2]))
        if k < diag.shape[0] - 1:
            tst += abs(float(sub[k]))
    if hk <= ulp * tst:
        hkk1 = abs(float(sup[k - 1]))
        ab = max(hk, hkk1)
        ba = min(hk, hkk1)
        dk = float(diag[k])
        dkm = float(diag[k - 1])
        aa = max(abs(dk), abs(dkm - dk))
        bb = min(abs(dk), abs(dkm - dk))
        s = aa + ab
        if ba * (ab / s) <= max(smlnum, ulp * (bb * (aa / s))):
            return True
    return False


def _start_row(H, l, i, rt1r, rt1i, rt2r, rt2i, ulp):
    """Row m where the bulge starts, and v = first column of (H - s1)(H - s2) there.

    m is the largest index in [l, i-2] whose ``h_{m,m-1}`` is small enough that
    starting the bulge at m does not disturb the matrix (two consecutive small
    subdiagonals); vectorised over candidates.
    """
    def vec(m):
        h21s = float(H[m + 1, m])
        hmm = float(H[m, m])
        s = abs(hmm - rt2r) + abs(rt2i) + abs(h21s)
        h21s = h21s / s
        v0 = h21s * float(H[m, m + 1]) + (hmm - rt1r) * ((hmm - rt2r) / s) - rt1i * (rt2i / s)
        v1 = h21s * (hmm + float(H[m + 1, m + 1]) - rt1r - rt2r)
        v2 = h21s * float(H[m + 2, m + 1])
        s = abs(v0) + abs(v1) + abs(v2)
        return v0 / s, v1 / s, v2 / s

    if i - 2 > l:
        # candidates m = l+1 .. i-2
        d0 = H.diagonal()[l + 1:i - 1]                 # h_mm
        d1 = H.diagonal()[l + 2:i]                     # h_{m+1,m+1}
        dm1 = H.diagonal()[l:i - 2]                    # h_{m-1,m-1}
        h21 = H.diagonal(-1)[l + 1:i - 1]              # h_{m+1,m}
        h12 = H.diagonal(1)[l + 1:i - 1]               # h_{m,m+1}
        h32 = H.diagonal(-1)[l + 2:i]                  # h_{m+2,m+1}
        hm = H.diagonal(-1)[l:i - 2]                   # h_{m,m-1}
        with np.errstate(divide="ignore", invalid="ignore"):
            s = np.abs(d0 - rt2r) + abs(rt2i) + np.abs(h21)
            h21s = h21 / s
            v0 = h21s * h12 + (d0 - rt1r) * ((d0 - rt2r) / s) - rt1i * (rt2i / s)
            v1 = h21s * (d0 + d1 - rt1r - rt2r)
            v2 = h21s * h32
            sv = np.abs(v0) + np.abs(v1) + np.abs(v2)
            # normalise v first (as dlahqr): |hm| (|v1| + |v2|) can underflow to 0 when the
            # matrix is tiny, which would wrongly accept the split (found by Hypothesis)
            h00 = np.abs(hm) * ((np.abs(v1) + np.abs(v2)) / sv)
            h01 = np.abs(v0) / sv * (np.abs(dm1) + np.abs(d0) + np.abs(d1))
            ok = h00 <= ulp * h01
        hits = np.nonzero(ok)[0]
        if hits.size:
            m = l + 1 + int(hits[-1])
            return m, vec(m)
    return l, vec(l)


def _sweep(H, G, m, l, i, i1, i2, v0) -> None:
    """One implicit double-shift QR sweep: introduce the bulge at row m, chase it to row i.

    ``G`` is None (no Schur vectors) or the stacked array ``[Z; H]`` of shape
    (2n, n) whose bottom half is ``H``: then one slice ``G[:n + r, k:k+3]``
    applies a reflector from the right to ``Z`` and to rows ``0..r-1`` of ``H``
    in a single vector operation.

    The reflectors have length 3 (2 at the last step), so ``dlarfg`` is
    written out on Python floats (``beta = -sign(alpha) hypot(alpha, sigma)``,
    ``tau = (beta - alpha) / beta``, ``v = [1, x_1, x_2] / (alpha - beta)``);
    the rare case ``|beta| < tiny/eps`` at the first step falls back to
    :func:`householder_inplace`, which rescales.  Each step then costs two
    small matrix-vector products and two rank-1 updates.
    """
    dt = H.dtype
    n = H.shape[0]
    guard = _guard(dt)
    hypot = math.hypot
    outer = np.multiply.outer
    x0, x1, x2 = (float(t) for t in v0)
    for k in range(m, i):
        nr = 3 if k < i - 1 else 2
        if k > m:
            if nr == 3:
                x0, x1, x2 = H[k:k + 3, k - 1].tolist()
            else:
                x0, x1 = H[k:k + 2, k - 1].tolist()
                x2 = 0.0
        elif nr == 2:
            x2 = 0.0
        sigma = hypot(x1, x2)
        if sigma == 0.0:
            t, beta = 0.0, x0
        else:
            r_ = hypot(x0, sigma)
            beta = -r_ if x0 >= 0 else r_
            if abs(beta) < guard:
                if k > m:
                    t = 0.0                   # negligible bulge (see _reflector)
                else:
                    vv = np.array([x0, x1, x2][:nr], dtype=dt)
                    t, beta = householder_inplace(vv)
                    x1 = float(vv[1])
                    x2 = float(vv[2]) if nr == 3 else 0.0
            else:
                t = (beta - x0) / beta
                d_ = x0 - beta
                x1 = x1 / d_
                x2 = x2 / d_
        if k > m:
            H[k, k - 1] = beta
            H[k + 1:k + nr, k - 1] = 0.0
            if t == 0.0:
                continue
        elif m > l:
            # avoids a bug when v[1], v[2] underflow (LAPACK's comment)
            H[k, k - 1] *= (1.0 - t)
        if t == 0.0:
            continue
        v = np.array((1.0, x1, x2)[:nr], dtype=dt)
        tv = t * v
        # left: rows k..k+nr-1, columns k..i2
        B = H[k:k + nr, k:i2 + 1]
        B -= outer(tv, v @ B)
        # right: columns k..k+nr-1, rows i1..min(k+3, i) (and all of Z)
        r = min(k + 3, i) + 1
        B = H[i1:r, k:k + nr] if G is None else G[:n + r, k:k + nr]
        B -= outer(B @ v, tv)


# ---------------------------------------------------------------------------
# Small-bulge multishift QR (Braman-Byers-Mathias 2002, dlaqr5-style)
# ---------------------------------------------------------------------------
_MS_NMIN = 60          # windows at least this large use multishift sweeps
_MS_MAX_STALL = 3      # multishift sweeps without deflation before falling back
_MS_NS = 16            # at most this many shifts (NS / 2 bulges) per multishift sweep


def _householder3_batch(X: np.ndarray, guard: float):
    """Vectorised ``dlarfg`` for a batch of length-3 vectors (rows of ``X``).

    Returns ``(tau, V, beta)`` with ``V[:, 0] = 1`` and
    ``(I - tau_j v_j v_j^T) x_j = beta_j e_1`` for each row ``j``:
    ``beta = -sign(alpha) hypot(alpha, sigma)``, ``sigma = hypot(x_1, x_2)``,
    ``tau = (beta - alpha) / beta``, ``v = [1, x_1, x_2] / (alpha - beta)``.
    Rows with ``sigma = 0`` (nothing to annihilate) or ``|beta|`` below
    ``guard = tiny/eps`` (a negligible bulge, dropped as in :func:`_reflector`)
    get ``tau = 0``, ``v = e_1``.  The shared :mod:`._householder` generator
    works on one vector at a time; this one generates all reflectors of a
    multishift chase step with a handful of array operations.
    """
    alpha = X[:, 0]
    sigma = np.hypot(X[:, 1], X[:, 2])
    r = np.hypot(alpha, sigma)
    beta = np.where(alpha >= 0, -r, r)
    ok = (sigma != 0) & (np.abs(beta) >= guard)
    beta = np.where(sigma == 0, alpha, beta)
    d = np.where(ok, alpha - beta, 1.0)
    tau = np.where(ok, (beta - alpha) / np.where(ok, beta, 1.0), 0.0)
    V = np.empty_like(X)
    V[:, 0] = 1.0
    V[:, 1] = np.where(ok, X[:, 1] / d, 0.0)
    V[:, 2] = np.where(ok, X[:, 2] / d, 0.0)
    return tau, V, beta


def _shift_vector(H, l, rt1r, rt1i, rt2r, rt2i):
    """First column of ``(H - s1 I)(H - s2 I)`` at row l, scaled (dlaqr1)."""
    h21s = float(H[l + 1, l])
    hmm = float(H[l, l])
    s = abs(hmm - rt2r) + abs(rt2i) + abs(h21s)
    if s == 0.0:
        return 0.0, 0.0, 0.0
    h21s = h21s / s
    v0 = h21s * float(H[l, l + 1]) + (hmm - rt1r) * ((hmm - rt2r) / s) - rt1i * (rt2i / s)
    v1 = h21s * (hmm + float(H[l + 1, l + 1]) - rt1r - rt2r)
    v2 = h21s * float(H[l + 2, l + 1])
    s = abs(v0) + abs(v1) + abs(v2)
    if s == 0.0:
        return 0.0, 0.0, 0.0
    return v0 / s, v1 / s, v2 / s


def _ms_sweep(H, G, l, i, i1, i2, pairs) -> None:
    """One multishift sweep on the window ``[l, i]``: a chain of bulges 3 rows apart.

    Bulge ``j`` (shift pair ``pairs[j]``) is introduced at row ``l`` at step
    ``3 j`` and moves one row per step, so one Python step advances every
    bulge.  Bulges occupy disjoint index triples ``K_j..K_j+2`` whose union is
    one contiguous range, so their reflectors commute; all are generated from
    the current ``H`` (leading bulge first in the equivalent sequential order),
    then applied from the left to the row block ``H[Kmin:Kmax+3, Kmin:i2+1]``
    and from the right to ``H[i1:rmax, Kmin:Kmax+3]`` (and ``Z``) as batched
    3x3 products on reshaped views.  Entries a reflector sees outside its own
    band are exact zeros, which stay exactly zero.  The last step of each
    bulge (a 2-element reflector at row ``i - 1``) is done by scalar code.
    """
    n = H.shape[0]
    dt = H.dtype
    guard = _guard(dt)
    nb = len(pairs)
    offs = 3 * np.arange(nb)
    eye3 = np.eye(3, dtype=dt)
    blk = np.arange(nb)[:, None, None] * 3
    bidx = (np.broadcast_to(blk + np.arange(3)[None, :, None], (nb, 3, 3)),
            np.broadcast_to(blk + np.arange(3)[None, None, :], (nb, 3, 3)))
    for t in range(i - l + 3 * (nb - 1)):
        K = l + t - offs                                   # positions, leading first
        # final 2-element reflector of the bulge at row i - 1 (at most one)
        last = np.flatnonzero(K == i - 1)
        if last.size:
            k = i - 1
            x0, x1 = H[k:k + 2, k - 1].tolist()
            if x1 != 0.0:
                r_ = math.hypot(x0, x1)
                beta = -r_ if x0 >= 0 else r_
                if abs(beta) >= guard:
                    tt = (beta - x0) / beta
                    v = np.array((1.0, x1 / (x0 - beta)), dtype=dt)
                    tv = tt * v
                    H[k, k - 1] = beta
                    H[k + 1, k - 1] = 0.0
                    B = H[k:k + 2, k:i2 + 1]
                    B -= np.multiply.outer(tv, v @ B)
                    B = H[i1:i + 1, k:k + 2] if G is None else G[:n + i + 1, k:k + 2]
                    B -= np.multiply.outer(B @ v, tv)
                else:
                    H[k, k - 1] = beta
                    H[k + 1, k - 1] = 0.0
        act = (K >= l) & (K <= i - 2)
        if not act.any():
            continue
        js = np.flatnonzero(act)[::-1]                     # ascending K
        Ka = K[js]
        kmin, kmax = int(Ka[0]), int(Ka[-1])
        m = Ka.shape[0]
        X = np.empty((m, 3), dtype=dt)
        intro = kmin == l
        reg = slice(1, None) if intro else slice(None)
        Kr = Ka[reg]
        if Kr.size:
            X[reg] = H[Kr[:, None] + np.arange(3), (Kr - 1)[:, None]]
        if intro:
            X[0] = _shift_vector(H, l, *pairs[int(js[0])])
        tau, V, beta = _householder3_batch(X, guard)
        # the m reflectors as one block-diagonal 3m x 3m orthogonal matrix, so
        # both updates are single matrix products (BLAS) instead of strided
        # batched operations with an inner dimension of 3
        P = np.zeros((3 * m, 3 * m), dtype=dt)
        P[bidx[0][:m], bidx[1][:m]] = eye3 - (tau[:, None] * V)[:, :, None] * V[:, None, :]
        # left: rows kmin..kmax+2 (m blocks of 3), columns kmin..i2
        B = H[kmin:kmax + 3, kmin:i2 + 1]
        B[...] = P @ B
        if Kr.size:
            H[Kr, Kr - 1] = beta[reg]
            H[Kr + 1, Kr - 1] = 0.0
            H[Kr + 2, Kr - 1] = 0.0
        # right: columns kmin..kmax+2, rows i1..min(kmax+3, i) (and Z)
        rmax = min(kmax + 3, i) + 1
        C = H[i1:rmax, kmin:kmax + 3] if G is None else G[:n + rmax, kmin:kmax + 3]
        C[...] = C @ P


def _ms_shifts(H, l, i, ns):
    """Shift pairs from the eigenvalues of the trailing ns x ns block (double-shift QR on a copy)."""
    lo = max(l, i - ns + 1)
    Hs = np.triu(H[lo:i + 1, lo:i + 1], -1).copy()
    wr, wi, _ = _hqr(Hs, None, False)
    # complex conjugate pairs stay together; real ones are paired in order of
    # closeness to the bottom (the last ones converge best)
    pairs = []
    reals = []
    j = Hs.shape[0] - 1
    while j >= 0:
        if wi[j] != 0.0 and j > 0 and wi[j - 1] == -wi[j]:
            pairs.append((float(wr[j - 1]), float(wi[j - 1]), float(wr[j]), float(wi[j])))
            j -= 2
        else:
            reals.append(float(wr[j]))
            j -= 1
    for a in range(0, len(reals) - 1, 2):
        pairs.append((reals[a], 0.0, reals[a + 1], 0.0))
    return pairs[::-1]        # last introduced = first in list reversed: best shifts lead


# ---------------------------------------------------------------------------
# Eigenvectors of the real Schur form
# ---------------------------------------------------------------------------
def _trevc(T: np.ndarray, wr: np.ndarray, wi: np.ndarray) -> np.ndarray:
    """Right eigenvectors of quasi-triangular T by back-substitution (dtrevc-style).

    Column j of the result solves ``(T - lambda_j I) x = 0`` with ``x`` zero below
    ``lambda_j``'s diagonal block; conjugate pairs get conjugate columns.  The
    result is complex when any ``wi != 0`` and real otherwise.  Vectorised
    across eigenvectors: one Python step per diagonal block of T.
    """
    n = T.shape[0]
    dt = np.float64
    cplx = bool(np.any(wi != 0.0))
    tmax = float(np.max(np.abs(T))) if n else 0.0
    if tmax == 0.0:
        return np.eye(n, dtype=np.complex128 if cplx else dt)
    finfo = np.finfo(T.dtype)
    ulp = float(finfo.eps)
    smlnum = float(finfo.tiny) * (n / ulp)
    big = float(np.finfo(dt).max) / (8.0 * n * n)
    Ts = np.asarray(T, dtype=dt) / tmax
    lam = (wr + 1j * wi) / tmax if cplx else wr / tmax
    smin = np.maximum(ulp * np.abs(lam), smlnum)
    X = np.zeros((n, n), dtype=np.complex128 if cplx else dt)
    # block structure: start rows of 2x2 blocks have wi > 0
    starts = []
    k = 0
    while k < n:
        if wi[k] > 0.0 and k + 1 < n:
            starts.append((k, 2))
            k += 2
        else:
            starts.append((k, 1))
            k += 1
    for k, sz in starts:
        if sz == 1:
            X[k, k] = 1.0
        else:
            b, c = Ts[k, k + 1], Ts[k + 1, k]
            wis = wi[k] / tmax
            if abs(b) >= abs(c):
                X[k, k] = 1.0
                X[k + 1, k] = 1j * wis / b
            else:
                X[k, k] = -wis / c
                X[k + 1, k] = 1j
            X[k:k + 2, k + 1] = np.conj(X[k:k + 2, k])
    for k, sz in reversed(starts):
        r1 = k + sz                      # first row below this block
        if r1 >= n:
            continue
        lj = lam[r1:]
        rhs = -(Ts[k:r1, r1:] @ X[r1:, r1:])      # (sz, n - r1)
        if sz == 1:
            den = Ts[k, k] - lj
            aden = np.abs(den)
            small = aden < smin[r1:]
            if small.any():
                den = np.where(small, smin[r1:], den)
                aden = np.abs(den)
            r = rhs[0]
            ar = np.abs(r)
            over = ar > big * aden
            if over.any():
                s = np.where(over, 0.5 * big * aden / np.where(over, ar, 1.0), 1.0)
                X[:, r1:] *= s
                r = r * s
            X[k, r1:] = r / den
        else:
            a = Ts[k, k] - lj
            b = Ts[k, k + 1]
            c = Ts[k + 1, k]
            d = Ts[k + 1, k + 1] - lj
            scale = np.maximum(np.maximum(np.abs(a), np.abs(d)), max(abs(b), abs(c)))
            scale = np.where(scale > 0, scale, smin[r1:])
            # Cramer's rule on the block divided by its own scale, so that the
            # determinant (of order scale^2) cannot underflow for a tiny block
            # (real and imaginary parts separately: complex division by a
            # subnormal real can give NaN)
            a, d = _rdiv(a, scale), _rdiv(d, scale)
            b, c = b / scale, c / scale
            det = a * d - b * c
            detmin = smin[r1:] / scale          # |det scale^2| >= smin scale
            adet = np.abs(det)
            small = adet < detmin
            if small.any():
                det = np.where(small, detmin, det)
                adet = np.abs(det)
            dets = det * scale
            adets = adet * scale
            r0, rr1 = rhs[0], rhs[1]
            mag = np.maximum(np.abs(r0), np.abs(rr1)) * 2.0
            over = mag > big * adets
            if over.any():
                s = np.where(over, 0.5 * big * adets / np.where(over, mag, 1.0), 1.0)
                X[:, r1:] *= s
                r0 = r0 * s
                rr1 = rr1 * s
            X[k, r1:] = (d * r0 - b * rr1) / dets
            X[k + 1, r1:] = (a * rr1 - c * r0) / dets
    if cplx:
        for k, sz in starts:
            if sz == 2:
                X[:, k + 1] = np.conj(X[:, k])
    return X


def _rdiv(z: np.ndarray, s: np.ndarray) -> np.ndarray:
    """``z / s`` for real ``s``, dividing real and imaginary parts separately."""
    if np.iscomplexobj(z):
        return z.real / s + 1j * (z.imag / s)
    return z / s


def _normalise_columns(V: np.ndarray) -> np.ndarray:
    """Scale each column to unit 2-norm with its largest-|.| entry real and positive."""
    n = V.shape[0]
    if n == 0:
        return V
    A = np.abs(V)
    idx = np.argmax(A, axis=0)
    cols = np.arange(V.shape[1])
    amax = A[idx, cols]
    amax = np.where(amax == 0, 1.0, amax)
    W = V / amax                                # entries <= 1: the norm cannot overflow
    nrm = np.sqrt(np.sum((W * np.conj(W)).real if np.iscomplexobj(W) else W * W, axis=0))
    phase = W[idx, cols]                        # |phase| == 1
    W = W * (np.conj(phase) / nrm)
    if np.iscomplexobj(W):
        W[idx, cols] = W[idx, cols].real        # exactly real
    return W


# ---------------------------------------------------------------------------
# Public drivers
# ---------------------------------------------------------------------------
def _eig_driver(A, want_vectors: bool, name: str, balance: bool = True):
    A = as_square_matrix(A, "A", copy=True)
    n = A.shape[0]
    dt = A.dtype
    cdt = np.complex64 if dt == np.float32 else np.complex128
    rec = active()
    small = n <= _SMALL_N
    if n == 0:
        w = np.zeros(0, dtype=dt)
        return (w, np.zeros((0, 0), dtype=dt)) if want_vectors else w
    e = _scale_into_range(A)
    with section("Balancing"):
        if balance:
            ilo, ihi, perm, scale = _gebal(A)
        else:
            ilo, ihi, perm, scale = 0, n - 1, np.arange(n), np.ones(n, dtype=dt)
        if rec and balance:
            step("Balance: isolate eigenvalues by permutation, then scale by powers of 2",
                 "A_bal = D^{-1} P^T A P D,  A_bal[a, b] = A[perm[a], perm[b]] d_b / d_a",
                 ilo=ilo, ihi=ihi, permutation=perm, scaling=scale,
                 isolated=int(n - (ihi - ilo + 1)),
                 **({"A_bal": A} if small else {}))
    win = slice(ilo, ihi + 1)
    with section("Hessenberg reduction"):
        B = np.ascontiguousarray(A[win, win])
        tau = _gehrd(B)
        if want_vectors:
            # stacked [Z; H] so one slice updates both from the right (see _sweep);
            # H = Q^T A_bal Q with Q = diag(I, Q_B, I) acting on the window only
            G = np.zeros((2 * n, n), dtype=dt)
            Z, H = G[:n], G[n:]
            Z[...] = np.eye(n, dtype=dt)
            QB = _form_q(B, tau)
            Z[win, win] = QB
            H[...] = A
            H[win, win] = np.triu(B, -1)
            if ilo > 0:
                H[:ilo, win] = H[:ilo, win] @ QB
            if ihi < n - 1:
                H[win, ihi + 1:] = QB.T @ H[win, ihi + 1:]
        else:
            # eigenvalues only: iterate on the window alone
            G = Z = None
            H = np.triu(B, -1)
        if rec:
            if small:
                step("Upper Hessenberg form", "H = Q^T A_bal Q", H=H)
            else:
                step("Upper Hessenberg form (summary)", "H = Q^T A_bal Q", n=n,
                     norm_subdiagonal=float(np.sqrt(np.sum(np.diag(H, -1) ** 2))))
    with section("Francis double-shift QR"):
        if want_vectors:
            wr, wi, info = _hqr(H, Z, want_vectors, G, ilo, ihi)
        else:
            wr = np.asarray(A.diagonal(), dtype=np.float64).copy()
            wi = np.zeros(n)
            wr_w, wi_w, info = _hqr(H, None, False, None)
            wr[win] = wr_w
            wi[win] = wi_w
        if rec:
            step("QR iterations", "H <- P^T H P (3x3 reflectors chase the bulge)",
                 sweeps=info["sweeps"], exceptional_shifts=info["exceptional"],
                 deflations=len(info["log"]), window=(ilo, ihi))
            if want_vectors:
                if small:
                    step("Real Schur form", "T = Z^T A_bal Z (quasi upper triangular)",
                         T=H, Z=Z)
                else:
                    step("Real Schur form (summary)", "T = Z^T A_bal Z", n=n,
                         blocks_2x2=int(np.sum(wi > 0)))
    wr_out, wi_out = (np.ldexp(wr, e), np.ldexp(wi, e)) if e else (wr, wi)
    w = (wr_out + 1j * wi_out) if np.any(wi != 0.0) else wr_out
    if rec:
        step("Eigenvalues", "diagonal blocks of T", eigenvalues=w)
    if not want_vectors:
        return w.astype(cdt if np.iscomplexobj(w) else dt)
    with section("Eigenvectors"):
        X = _trevc(H, wr, wi)
        if rec and small:
            step("Eigenvectors of T by back-substitution",
                 "(T - lambda_j I) x_j = 0,  x_j upper (quasi) triangular", X=X)
        if np.iscomplexobj(X):
            Zd = Z.astype(np.float64, copy=False)
            V = Zd @ X.real + 1j * (Zd @ X.imag)
        else:
            V = Z.astype(np.float64, copy=False) @ X
        V = _gebak(V, perm, scale.astype(np.float64))
        V = _normalise_columns(V)
        if rec:
            step("Back-transform and normalise",
                 "v = P D Z x (undo scaling, then permutation);  v_j <- v_j / ||v_j||_2, "
                 "largest |entry| real and positive",
                 V=V if small else f"{n}x{n} matrix")
    if np.iscomplexobj(w):
        return EigResult(w.astype(cdt), V.astype(cdt))
    return EigResult(w.astype(dt), V.astype(dt))


def eig(A, balance: bool = True) -> EigResult:
    r"""Eigenvalues and right eigenvectors of a general real square matrix.

    Parameters
    ----------
    A : array_like, shape (n, n)
        Real square matrix (int/bool promoted to float64, float32 kept).
    balance : bool, default True
        Balance first (permutation and power-of-2 scaling, LAPACK ``dgebal``
        job 'B', as ``numpy.linalg.eig``).  ``False`` skips it: then the
        residual ``||A V - V diag(w)||`` is small relative to ``||A||`` itself,
        while with balancing it is small relative to the balanced matrix.

    Returns
    -------
    EigResult
        Named tuple ``(eigenvalues, eigenvectors)``: ``eigenvalues`` of shape
        (n,) and ``eigenvectors`` of shape (n, n) whose column ``j`` satisfies
        ``A @ v_j = eigenvalues[j] * v_j``.  Both are real when every eigenvalue
        is real and complex otherwise (complex64 for float32 input); complex
        conjugate pairs are adjacent, positive imaginary part first.  Columns
        have unit 2-norm and their largest-magnitude entry real and positive.

    Raises
    ------
    LinAlgError
        If the QR algorithm does not converge (names the eigenvalue index).

    Notes
    -----
    ``H = Q^T A Q`` (Householder, :func:`hessenberg`), then Francis double-shift
    QR steps ``H <- P^T H P`` with shifts ``s1, s2`` the eigenvalues of the
    trailing 2x2 block: the first column of ``(H - s1 I)(H - s2 I)`` (real even
    for complex shifts) defines a 3x3 reflector whose bulge is chased down the
    subdiagonal by further 3x3 reflectors.  An entry is deflated when
    ``|h_{k+1,k}| <= eps (|h_kk| + |h_{k+1,k+1}|)`` (refined by Ahues-Tisseur);
    after 10 sweeps without deflation an exceptional shift breaks cycles.  2x2
    blocks are standardised (``dlanv2``) into two real eigenvalues or
    ``[[a, b], [c, a]]`` with eigenvalues ``a +- i sqrt(-b c)``.  This gives
    ``T = Z^T A Z``.  Eigenvectors ``x`` of ``T`` come from back-substitution of
    ``(T - lambda I) x = 0`` (complex arithmetic for pairs, scaling against
    overflow, tiny pivots perturbed to ``eps |lambda|``), then ``v = Z x / ||Z x||``.

    Balancing comes first: ``A_bal = D^{-1} P^T A P D``.  The permutation ``P``
    moves rows (columns) whose off-diagonal entries are zero to the bottom
    (top), isolating eigenvalues that are then read off the diagonal exactly
    (a triangular matrix needs no QR step at all); only the block
    ``ilo..ihi`` is reduced and iterated on.  ``D = diag(2^p)`` equalises row
    and column norms of that block (Parlett-Reinsch), which is exact and often
    makes eigenvalues of badly scaled matrices much more accurate.  The
    eigenvectors are transformed back as ``v = P D x`` before normalising.

    References
    ----------
    J. G. F. Francis, "The QR transformation, parts I and II", Comput. J. 4 (1961).
    G. H. Golub and C. F. Van Loan, *Matrix Computations*, 4th ed., section 7.5.
    LAPACK ``dgeev``, ``dlahqr``, ``dlanv2``, ``dtrevc``.

    Examples
    --------
    >>> import numpy as np
    >>> w, V = eig(np.array([[2.0, 1.0], [0.0, 3.0]]))
    >>> sorted(w.tolist())
    [2.0, 3.0]
    >>> w, V = eig(np.array([[0.0, -1.0], [1.0, 0.0]]))   # rotation by 90 degrees
    >>> w
    array([0.+1.j, 0.-1.j])
    >>> bool(np.allclose(np.array([[0.0, -1.0], [1.0, 0.0]]) @ V, V * w))
    True
    """
    return _eig_driver(A, True, "eig", balance)


def eigvals(A, balance: bool = True) -> np.ndarray:
    r"""Eigenvalues of a general real square matrix.

    Parameters
    ----------
    A : array_like, shape (n, n)
        Real square matrix.
    balance : bool, default True
        Balance first (see :func:`eig`).

    Returns
    -------
    w : ndarray, shape (n,)
        Eigenvalues, real if all are real, otherwise complex with conjugate
        pairs adjacent (positive imaginary part first).  Order is that of the
        diagonal of the real Schur form, not sorted.

    Notes
    -----
    As :func:`eig` without eigenvectors: balancing, Hessenberg reduction of
    the block ``ilo..ihi`` left by the permutation, and Francis double-shift
    QR, where each sweep only updates the active window ``H[l:i+1, l:i+1]``
    (the Schur form itself is not needed).  Isolated eigenvalues are diagonal
    entries of the permuted matrix, exact.

    References
    ----------
    G. H. Golub and C. F. Van Loan, *Matrix Computations*, 4th ed., section 7.5.

    Examples
    --------
    >>> import numpy as np
    >>> sorted(eigvals(np.array([[4.0, 1.0], [2.0, 3.0]])).tolist())
    [2.0, 5.0]
    """
    return _eig_driver(A, False, "eigvals", balance)
