r"""Symmetric tridiagonal eigensolver: Cuppen's divide and conquer, vectorised.

``tridiagonal_eigh(d, e)`` returns the eigenvalues (ascending) and orthonormal
eigenvectors of the symmetric tridiagonal matrix ``T`` with diagonal ``d``
and off-diagonal ``e``.  It is the middle stage of :func:`mathforml.linalg.eigh`
and of the SVD (on the Golub--Kahan matrix of a bidiagonal).

Algorithm (LAPACK ``dstedc`` / ``dlaed0``-``dlaed4``)
-----------------------------------------------------
1. Split ``T`` where an off-diagonal entry is negligible,
   ``|e_i| <= eps sqrt(|d_i| |d_{i+1}|)`` (exact zeros always split), and scale
   each block by its largest entry.
2. Tear a block in the middle: ``T = diag(T1, T2) + rho v v^T`` with
   ``rho = |e_m|``, ``v = e_m + sign(e_m) e_{m+1}`` and ``rho`` subtracted from
   the two diagonal entries next to the tear.  Solve ``T1 = Q1 D1 Q1^T`` and
   ``T2 = Q2 D2 Q2^T`` recursively; small blocks go to a batched Jacobi
   solver.  Then ``T = Q (D + rho z z^T) Q^T`` with ``Q = diag(Q1, Q2)`` and
   ``z = Q^T v`` (last row of ``Q1``, first row of ``Q2``).
3. Deflation: entries with ``rho |z_i| <= tol`` and pairs of poles closer than
   ``|t c s| <= tol`` (after a Givens rotation that zeroes one of the ``z``)
   are eigenpairs already; ``tol = 8 eps max(|d|, |z|)``.
4. The remaining eigenvalues are the roots of the secular equation
   ``f(lambda) = 1/rho + sum_k z_k^2 / (d_k - lambda) = 0``, one in each gap
   ``(d_i, d_{i+1})`` and the last in ``(d_K, d_K + rho ||z||^2)``.  All roots
   are found at once: each root is stored as an offset ``tau`` from its nearer
   pole ``d_o`` so that ``d_k - lambda = (d_k - d_o) - tau`` is accurate, and
   is iterated with the "middle way" rational step of Li / LAPACK ``dlaed4``,
   safeguarded by a bracket and bisection.
5. Gu--Eisenstat: ``z`` is recomputed from the computed roots by the Löwner
   formula ``zhat_i^2 = prod_j (lambda_j - d_i) / (rho prod_{j != i} (d_j - d_i))``
   so that the eigenvectors ``u_j = (zhat_k / (d_k - lambda_j))_k / norm`` are
   orthogonal to working precision; the eigenvectors of ``T`` are one matrix
   product ``Q U``.

With ``eigvals_only=True`` only the first and last rows of every ``Q`` are
carried (they are all the merges need), so the cost is ``O(n^2)``.

References
----------
J. J. M. Cuppen, "A divide and conquer method for the symmetric tridiagonal
eigenproblem", Numer. Math. 36 (1981).
M. Gu and S. C. Eisenstat, "A divide-and-conquer algorithm for the symmetric
tridiagonal eigenproblem", SIAM J. Matrix Anal. Appl. 16 (1995).
R.-C. Li, "Solving secular equations stably and efficiently", LAPACK Working
Note 89 (1993).
E. Anderson et al., *LAPACK Users' Guide*, routines dstedc, dlaed0-dlaed4.
"""
from __future__ import annotations

import math

import numpy as np

__all__ = ["tridiagonal_eigh"]

# Blocks of at most this size are solved directly by the batched Jacobi leaf solver.
_LEAF = 32


def tridiagonal_eigh(d, e, eigvals_only: bool = False):
    r"""Eigen-decomposition of a symmetric tridiagonal matrix.

    Parameters
    ----------
    d : (n,) array_like
        Diagonal of ``T``.
    e : (n-1,) array_like
        Off-diagonal of ``T`` (``T[i, i+1] = T[i+1, i] = e[i]``).
    eigvals_only : bool
        Return only the eigenvalues.

    Returns
    -------
    w : (n,) ndarray
        Eigenvalues in ascending order.
    Z : (n, n) ndarray
        Orthonormal eigenvectors, column ``Z[:, j]`` for ``w[j]`` (not
        returned when ``eigvals_only``).  Signs are as they come out of the
        algorithm (callers normalise them).

    Notes
    -----
    Divide and conquer (module docstring): ``T = Q (D + rho z z^T) Q^T``,
    the secular equation ``1/rho + sum_k z_k^2 / (d_k - lambda) = 0`` is solved
    for all roots at once, and the eigenvectors are ``Q U`` with
    ``U[k, j] = zhat_k / (d_k - lambda_j)`` (normalised), ``zhat`` from the
    Gu--Eisenstat formula.  Backward stable: ``||T Z - Z diag(w)|| = O(n eps ||T||)``
    and ``||Z^T Z - I|| = O(n eps)``.  float32 input is computed in float64 and
    returned as float32.

    References
    ----------
    Cuppen (1981); Gu and Eisenstat (1995); LAPACK ``dstedc``.

    Examples
    --------
    >>> w, Z = tridiagonal_eigh([2.0, 2.0], [1.0])
    >>> w
    array([1., 3.])
    >>> bool(np.allclose(np.abs(Z), np.sqrt(0.5)))
    True
    """
    d = np.asarray(d)
    e = np.asarray(e)
    out_dtype = np.float32 if (d.dtype == np.float32 and (e.dtype == np.float32 or e.size == 0)) \
        else np.float64
    d = np.array(d, dtype=np.float64, copy=True).reshape(-1)
    e = np.array(e, dtype=np.float64, copy=True).reshape(-1)
    n = d.shape[0]
    if e.shape[0] != max(n - 1, 0):
        raise ValueError(f"e must have length n - 1 = {max(n - 1, 0)} for d of length {n}, "
                         f"got shape {e.shape}")
    if not (np.isfinite(d).all() and np.isfinite(e).all()):
        raise ValueError("d and e must be finite (found NaN or infinity)")
    if n == 0:
        w = np.zeros(0, dtype=out_dtype)
        return w if eigvals_only else (w, np.zeros((0, 0), dtype=out_dtype))

    # 1. split at negligible off-diagonal entries
    eps = np.finfo(np.float64).eps
    small = np.abs(e) <= eps * np.sqrt(np.abs(d[:-1])) * np.sqrt(np.abs(d[1:]))
    e[small] = 0.0
    cuts = np.flatnonzero(e == 0.0) + 1
    starts = np.concatenate(([0], cuts))
    stops = np.concatenate((cuts, [n]))

    w = np.empty(n)
    Z = None if eigvals_only else np.zeros((n, n))
    blocks = []
    for a, b in zip(starts.tolist(), stops.tolist()):
        if b - a == 1:
            w[a] = d[a]
            if Z is not None:
                Z[a, a] = 1.0
        else:
            blocks.append((a, b))
    if blocks:
        # scale every unreduced block by its largest entry
        ds = d.copy()
        es = e.copy()
        scales = []
        for a, b in blocks:
            scale = max(float(np.max(np.abs(d[a:b]))), float(np.max(np.abs(e[a:b - 1]))))
            ds[a:b] /= scale
            es[a:b - 1] /= scale
            scales.append(scale)
        # leaves of every block's recursion, torn apart and solved in one batch
        leaves = []
        for a, b in blocks:
            _partition(a, b, leaves)
        leaf_starts = np.array([a for a, _ in leaves])
        cuts = np.setdiff1d(leaf_starts, [a for a, _ in blocks])
        dmod = ds.copy()
        rho_cut = np.abs(es[cuts - 1])
        dmod[cuts - 1] -= rho_cut
        dmod[cuts] -= rho_cut
        leaf_res = _jacobi_batch(dmod, es, leaves, not eigvals_only)
        for (a, b), scale in zip(blocks, scales):
            wb, Qb = _dc(a, b, es, leaf_res, not eigvals_only)
            w[a:b] = wb * scale
            if Z is not None:
                Z[a:b, a:b] = Qb
    order = np.argsort(w, kind="stable")
    w = w[order]
    if eigvals_only:
        return w.astype(out_dtype, copy=False)
    Z = Z[:, order]
    return w.astype(out_dtype, copy=False), Z.astype(out_dtype, copy=False)


# ---------------------------------------------------------------------------
# Divide and conquer
# ---------------------------------------------------------------------------
def _partition(a: int, b: int, leaves: list) -> None:
    """Append the leaves ``(start, stop)`` of the halving recursion on ``[a, b)``."""
    if b - a <= _LEAF:
        leaves.append((a, b))
        return
    m = a + (b - a) // 2
    _partition(a, m, leaves)
    _partition(m, b, leaves)


def _dc(a: int, b: int, e: np.ndarray, leaf_res: dict, full: bool):
    """Eigenpairs of the unreduced block ``[a, b)`` (scaled, torn at the leaves).

    Returns ``(w, Q)``, ``w`` sorted, with ``Q`` the full eigenvector matrix when
    ``full``, else the ``2 x n`` matrix of its first and last rows.
    """
    n = b - a
    if n <= _LEAF:
        return leaf_res[a]
    m = a + n // 2
    beta = float(e[m - 1])
    rho = abs(beta)
    sgn = 1.0 if beta >= 0 else -1.0
    w1, Q1 = _dc(a, m, e, leaf_res, full)
    w2, Q2 = _dc(m, b, e, leaf_res, full)
    n1 = m - a
    z = np.concatenate((Q1[-1], sgn * Q2[0]))
    if full:
        Q = np.zeros((n, n))
        Q[:n1, :n1] = Q1
        Q[n1:, n1:] = Q2
    else:
        Q = np.zeros((2, n))
        Q[0, :n1] = Q1[0]
        Q[1, n1:] = Q2[-1]
    return _merge(np.concatenate((w1, w2)), Q, z, rho)


def _round_robin(b: int) -> tuple[np.ndarray, np.ndarray]:
    """Pairings of ``b`` (even) indices into ``b - 1`` rounds of ``b / 2`` disjoint pairs."""
    players = list(range(b))
    P, R = [], []
    for _ in range(b - 1):
        P.append([players[i] for i in range(b // 2)])
        R.append([players[b - 1 - i] for i in range(b // 2)])
        players = [players[0], players[-1]] + players[1:-1]
    return np.array(P), np.array(R)


def _jacobi_batch(d: np.ndarray, e: np.ndarray, leaves: list, full: bool) -> dict:
    """Eigenpairs of many small tridiagonal blocks at once by parallel cyclic Jacobi.

    Every block is embedded in a ``bb x bb`` matrix (``bb`` even, padding
    decoupled and left untouched since its rotations have ``a_pq = 0``).  A
    round applies ``bb / 2`` disjoint rotations ``J`` (chosen so that
    ``(J^T A J)_pq = 0``) to every block with batched matrix products; sweeps
    of ``bb - 1`` rounds repeat until ``max |a_pq| <= eps ||A||_F`` per block.
    Returns ``{start: (w, Q)}`` with ``w`` ascending.
    """
    eps = np.finfo(np.float64).eps
    starts = np.array([a for a, _ in leaves])
    sizes = np.array([b - a for a, b in leaves])
    nb = len(leaves)
    bmax = int(sizes.max())
    bb = bmax + (bmax % 2)
    kk = np.repeat(np.arange(nb), sizes)
    offs = np.repeat(np.cumsum(sizes) - sizes, sizes)
    loc = np.arange(kk.shape[0]) - offs
    glob = np.repeat(starts, sizes) + loc
    A = np.zeros((nb, bb, bb))
    A[kk, loc, loc] = d[glob]
    inner = loc < np.repeat(sizes - 1, sizes)
    ki, li, gi = kk[inner], loc[inner], glob[inner]
    A[ki, li, li + 1] = e[gi]
    A[ki, li + 1, li] = e[gi]
    V = np.broadcast_to(np.eye(bb), (nb, bb, bb)).copy()
    tol = eps * np.sqrt(np.einsum("kij,kij->k", A, A))
    P, R = _round_robin(bb)
    offmask = ~np.eye(bb, dtype=bool)
    act = np.flatnonzero(np.max(np.abs(A[:, offmask]), axis=1) > tol) if bb > 1 else np.arange(0)
    for _sweep in range(60):
        if act.shape[0] == 0:
            break
        Aa = A[act]
        Va = V[act]
        J = np.zeros_like(Aa)
        for p, q in zip(P, R):
            app = Aa[:, p, p]
            aqq = Aa[:, q, q]
            apq = 0.5 * (Aa[:, p, q] + Aa[:, q, p])
            with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
                theta = (aqq - app) / (2.0 * apq)
                t = np.where(theta >= 0, 1.0, -1.0) / (np.abs(theta) + np.sqrt(1.0 + theta * theta))
            t = np.where((apq == 0.0) | ~np.isfinite(t), 0.0, t)
            c = 1.0 / np.sqrt(1.0 + t * t)
            s = t * c
            J[:] = 0.0
            J[:, p, p] = c
            J[:, q, q] = c
            J[:, p, q] = s
            J[:, q, p] = -s
            Aa = np.matmul(np.matmul(J.transpose(0, 2, 1), Aa), J)
            Va = np.matmul(Va, J)
        A[act] = Aa
        V[act] = Va
        off = np.max(np.abs(Aa[:, offmask]), axis=1)
        act = act[off > tol[act]]
    res = {}
    w_all = np.diagonal(A, axis1=1, axis2=2)
    for k, (a, b) in enumerate(leaves):
        s_ = b - a
        wk = w_all[k, :s_]
        order = np.argsort(wk, kind="stable")
        Qk = V[k, :s_, :s_][:, order]
        res[a] = (wk[order].copy(), Qk if full else Qk[[0, -1], :])
    return res


def _merge(d: np.ndarray, Q: np.ndarray, z: np.ndarray, rho: float):
    """Eigenpairs of ``Q (diag(d) + rho z z^T) Q^T`` (``Q`` may be a row subset)."""
    n = d.shape[0]
    eps = np.finfo(np.float64).eps
    znorm = math.sqrt(float(z @ z))
    z = z / znorm
    rho = rho * znorm * znorm
    perm = np.argsort(d, kind="stable")
    d = d[perm]
    z = z[perm]
    Q = Q[:, perm]
    tol = 8.0 * eps * max(float(np.max(np.abs(d))), float(np.max(np.abs(z))))
    if rho * float(np.max(np.abs(z))) <= tol:
        return d, Q

    # deflation by Givens rotations of nearly equal poles (sequential, scalar)
    keep = rho * np.abs(z) > tol
    idx = np.flatnonzero(keep).tolist()
    if len(idx) > 1:
        dl = d.tolist()
        zl = z.tolist()
        prev = idx[0]
        rotated = False
        for j in idx[1:]:
            s = zl[prev]
            c = zl[j]
            tau = math.hypot(c, s)
            t = dl[j] - dl[prev]
            c /= tau
            s = -s / tau
            if abs(t * c * s) <= tol:
                zl[j] = tau
                zl[prev] = 0.0
                qp = Q[:, prev].copy()
                qj = Q[:, j]
                Q[:, prev] = c * qp + s * qj
                Q[:, j] = c * qj - s * qp
                dp, dj = dl[prev], dl[j]
                dl[prev] = dp * c * c + dj * s * s
                dl[j] = dp * s * s + dj * c * c
                keep[prev] = False
                rotated = True
            prev = j
        if rotated:
            d = np.array(dl)
            z = np.array(zl)
    kept = np.flatnonzero(keep)
    defl = np.flatnonzero(~keep)
    dk = d[kept]
    zk = z[kept]
    lam, Delta = _secular(dk, zk, rho)
    # Gu-Eisenstat: zhat_i^2 = (d_i - lam_i) prod_{j != i} (d_i - lam_j) / (d_i - d_j) / (-rho)
    K = dk.shape[0]
    if K > 1:
        R = Delta.T / (dk[:, None] - dk[None, :] + np.eye(K))  # R[i, j] = (d_i - lam_j)/(d_i - d_j)
        np.fill_diagonal(R, -np.diagonal(Delta) / rho)
        zhat2 = np.prod(R, axis=1)
    else:
        zhat2 = np.array([-Delta[0, 0] / rho])
    zhat = np.copysign(np.sqrt(np.abs(zhat2)), zk)
    U = zhat[:, None] / Delta.T  # U[k, j] = zhat_k / (d_k - lam_j)
    U /= np.sqrt(np.einsum("ij,ij->j", U, U))
    Qk = Q[:, kept] @ U
    w = np.concatenate((lam, d[defl]))
    V = np.concatenate((Qk, Q[:, defl]), axis=1)
    order = np.argsort(w, kind="stable")
    return w[order], V[:, order]


def _secular(d: np.ndarray, z: np.ndarray, rho: float):
    """All roots of ``1/rho + sum z_k^2/(d_k - lam) = 0`` (``d`` strictly increasing).

    Returns ``lam`` (K,) and ``Delta`` (K, K) with ``Delta[j, k] = d_k - lam_j``
    computed accurately as ``(d_k - d_origin_j) - tau_j``.
    """
    K = d.shape[0]
    eps = np.finfo(np.float64).eps
    z2 = z * z
    if K == 1:
        tau = rho * z2[0]
        return d + tau, np.array([[-tau]])
    rhoinv = 1.0 / rho
    ar = np.arange(K)
    # --- initial guesses (LAPACK dlaed4): freeze all but the two nearest poles at the
    # midpoint of the bracket and solve the resulting quadratic.
    gap = d[1:] - d[:-1]
    mid = 0.5 * gap
    tm = z2 / ((d[None, :] - d[:-1, None]) - mid[:, None])
    fmid = rhoinv + tm.sum(axis=1)
    i_int = ar[:-1]
    Cm = fmid - tm[i_int, i_int] - tm[i_int, i_int + 1]
    zi2 = z2[:-1]
    zj2 = z2[1:]
    left = fmid >= 0.0  # root in the left half of its gap: origin at d_i
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        A_l = Cm * gap + zi2 + zj2
        B_l = zi2 * gap
        s_l = np.sqrt(np.abs(A_l * A_l - 4.0 * B_l * Cm))
        t_l = np.where(A_l > 0.0, 2.0 * B_l / (A_l + s_l), (A_l - s_l) / (2.0 * Cm))
        A_r = Cm * gap - zi2 - zj2
        B_r = zj2 * gap
        s_r = np.sqrt(np.abs(A_r * A_r + 4.0 * B_r * Cm))
        t_r = np.where(A_r < 0.0, 2.0 * B_r / (A_r - s_r), -(A_r + s_r) / (2.0 * Cm))
    origin = np.empty(K, dtype=np.intp)
    origin[:-1] = np.where(left, i_int, i_int + 1)
    origin[-1] = K - 1
    lo = np.empty(K)
    hi = np.empty(K)
    tau = np.empty(K)
    lo[:-1] = np.where(left, 0.0, -mid)
    hi[:-1] = np.where(left, mid, 0.0)
    tau[:-1] = np.where(left, t_l, t_r)
    # the last root lies in (d_K, d_K + rho ||z||^2]
    top = rho * float(np.sum(z2))
    midpt = 0.5 * top
    tml = z2 / ((d - d[-1]) - midpt)
    C_last = rhoinv + float(np.sum(tml[:-2]))
    W_last = C_last + float(tml[-2]) + float(tml[-1])
    DEL = float(gap[-1])
    A_ = -C_last * DEL + float(z2[-2]) + float(z2[-1])
    B_ = float(z2[-1]) * DEL
    sq = math.sqrt(abs(A_ * A_ + 4.0 * B_ * C_last))
    if W_last <= 0.0:
        lo[-1], hi[-1] = midpt, top
        temp = float(z2[-2]) / (DEL + top) + float(z2[-1]) / top
        if C_last <= temp:
            tau[-1] = top
        else:
            tau[-1] = 2.0 * B_ / (sq - A_) if A_ < 0.0 else (A_ + sq) / (2.0 * C_last)
    else:
        lo[-1], hi[-1] = 0.0, midpt
        if C_last == 0.0:
            tau[-1] = midpt
        else:
            tau[-1] = 2.0 * B_ / (sq - A_) if A_ < 0.0 else (A_ + sq) / (2.0 * C_last)
    badinit = ~((tau > lo) & (tau <= hi)) | ~np.isfinite(tau)
    tau[badinit] = 0.5 * (lo[badinit] + hi[badinit])

    ilo = np.minimum(ar, K - 2)  # the root's pair of poles is (ilo, ilo + 1)
    orgati = origin == ilo  # origin at the left pole of the pair
    DD = d[None, :] - d[origin][:, None]
    ones_err = 2.0 * rhoinv

    act = ar
    for _ in range(100):
        tau_a = tau[act]
        Dl = (DD if act.shape[0] == K else DD[act]) - tau_a[:, None]
        Dinv = 1.0 / Dl
        w = rhoinv + Dinv @ z2
        Dinv_abs = np.abs(Dinv)
        sabs = Dinv_abs @ z2  # sum_k |z_k^2 / delta_k|
        Dinv *= Dinv
        dw = Dinv @ z2  # f'(lambda) = sum_k z_k^2 / delta_k^2
        err = 8.0 * sabs + ones_err + 3.0 * np.abs(tau_a) * dw
        conv = np.abs(w) <= eps * err
        lo_a = np.where(w < 0.0, tau_a, lo[act])
        hi_a = np.where(w > 0.0, tau_a, hi[act])
        lo[act] = lo_a
        hi[act] = hi_a
        conv |= (hi_a - lo_a) <= 4.0 * eps * np.maximum(np.abs(lo_a), np.abs(hi_a))
        rows = np.arange(act.shape[0])
        i0 = ilo[act]
        del_i = Dl[rows, i0]
        del_j = Dl[rows, i0 + 1]
        ti2 = z2[i0] / (del_i * del_i)
        tj2 = z2[i0 + 1] / (del_j * del_j)
        last = act == K - 1
        og = orgati[act]
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            # "middle way": keep the coefficient of the nearer pole exact
            C_int = np.where(og, w - del_j * dw - (del_i - del_j) * ti2,
                             w - del_i * dw - (del_j - del_i) * tj2)
            C_lst = np.abs(w - del_i * (dw - tj2) - del_j * tj2)
            C = np.where(last, C_lst, C_int)
            A = (del_i + del_j) * w - del_i * del_j * dw
            B = del_i * del_j * w
            disc = np.sqrt(np.abs(A * A - 4.0 * B * C))
            eta_int = np.where(A <= 0.0, (A - disc) / (2.0 * C), 2.0 * B / (A + disc))
            eta_last = np.where(A >= 0.0, (A + disc) / (2.0 * C), 2.0 * B / (A - disc))
            eta = np.where(last, eta_last, eta_int)
            eta = np.where(C == 0.0, B / A, eta)
            eta = np.where((w * eta >= 0.0) | ~np.isfinite(eta), -w / dw, eta)
            tnew = tau_a + eta
        bad = ~((tnew > lo_a) & (tnew < hi_a)) | ~np.isfinite(tnew)
        tnew = np.where(bad, 0.5 * (lo_a + hi_a), tnew)
        tau[act] = np.where(conv, tau_a, tnew)
        act = act[~conv]
        if act.shape[0] == 0:
            break
    lam = d[origin] + tau
    Delta = DD - tau[:, None]
    return lam, Delta
