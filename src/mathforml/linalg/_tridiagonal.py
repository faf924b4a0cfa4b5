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
   the two diagonal entries next to the tear, recursively down to leaves of at
   most ``_LEAF`` (8) rows.  All leaves of all blocks are solved at once by a
   batched parallel-order Jacobi method.  The merges then run level by level
   (bottom up); every merge of a level is set up, solved and finished
   together: with ``T1 = Q1 D1 Q1^T`` and ``T2 = Q2 D2 Q2^T`` known,
   ``T = Q (D + rho z z^T) Q^T`` with ``Q = diag(Q1, Q2)`` and ``z = Q^T v``
   (last row of ``Q1``, first row of ``Q2``).
3. Deflation: entries with ``rho |z_i| <= tol`` and pairs of poles closer than
   ``|t c s| <= tol`` (after a Givens rotation that zeroes one of the ``z``)
   are eigenpairs already; ``tol = 8 eps max(|d|, |z|)``.
4. The remaining eigenvalues are the roots of the secular equation
   ``f(lambda) = 1/rho + sum_k z_k^2 / (d_k - lambda) = 0``, one in each gap
   ``(d_i, d_{i+1})`` and the last in ``(d_K, d_K + rho ||z||^2)``.  All roots
   of all merges of a level are found at once (one row per root): each root
   is stored as an offset ``tau`` from its nearer pole ``d_o`` so that
   ``d_k - lambda = (d_k - d_o) - tau`` is accurate, started from dlaed4's
   two-pole quadratic guess and iterated with the "middle way" rational step
   of Li / LAPACK ``dlaed4``, safeguarded by a bracket and bisection.
5. Gu--Eisenstat: ``z`` is recomputed from the computed roots by the Löwner
   formula ``zhat_i^2 = prod_j (lambda_j - d_i) / (rho prod_{j != i} (d_j - d_i))``
   so that the eigenvectors ``u_j = (zhat_k / (d_k - lambda_j))_k / norm`` are
   orthogonal to working precision; the eigenvectors of ``T`` are one matrix
   product ``Q U`` (split by the block structure of ``Q``, as ``dlaed3``).

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
_LEAF = 8


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
        full = not eigvals_only
        # the recursion trees of all blocks: nodes [a, b, left, right, height]
        nodes: list = []
        roots = [_build(a, b, nodes) for a, b in blocks]
        leaves = [(k, nd[0], nd[1]) for k, nd in enumerate(nodes) if nd[2] < 0]
        # tear: subtract |e| from the two diagonal entries next to every cut
        leaf_starts = np.array([lo for _, lo, _ in leaves])
        cuts = np.setdiff1d(leaf_starts, [a for a, _ in blocks])
        dmod = ds.copy()
        rho_cut = np.abs(es[cuts - 1])
        dmod[cuts - 1] -= rho_cut
        dmod[cuts] -= rho_cut
        res = _jacobi_batch(dmod, es, leaves, full)
        height = max(nd[4] for nd in nodes)
        for h in range(1, height + 1):
            group = [k for k, nd in enumerate(nodes) if nd[4] == h]
            pending = []
            for k in group:
                lo_, hi_, left, right, _ = nodes[k]
                out = _merge_pre(res.pop(left), res.pop(right), float(es[nodes[left][1] - 1]),
                                 full)
                if out[0] == "done":
                    res[k] = out[1]
                else:
                    pending.append((k, out))
            if pending:
                sols = _secular_batch([(o[1], o[2], o[3]) for _, o in pending])
                for (k, out), (lam, Delta) in zip(pending, sols):
                    res[k] = _merge_post(out, lam, Delta)
        for (a, b), scale, r in zip(blocks, scales, roots):
            wb, Qb = res.pop(r)
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
def _build(a: int, b: int, nodes: list) -> int:
    """Append the halving recursion tree of ``[a, b)`` to ``nodes``; return the root id.

    A node is ``[a, b, left, right, height]``; leaves (``b - a <= _LEAF``)
    have ``left = right = -1`` and height 0.  The tear of an internal node is
    between its children, at ``m = a + (b - a) // 2``.
    """
    if b - a <= _LEAF:
        nodes.append([a, b, -1, -1, 0])
        return len(nodes) - 1
    m = a + (b - a) // 2
    left = _build(a, m, nodes)
    right = _build(m, b, nodes)
    nodes.append([a, b, left, right, 1 + max(nodes[left][4], nodes[right][4])])
    return len(nodes) - 1


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
    Returns ``{node: (w, Q)}`` with ``w`` ascending.
    """
    eps = np.finfo(np.float64).eps
    starts = np.array([a for _, a, _ in leaves])
    sizes = np.array([b - a for _, a, b in leaves])
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
    # A and V stacked as M = [A; V] (nb, 2 bb, bb): a column rotation updates both at once
    M = np.concatenate((A, V), axis=1)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        for _sweep in range(60):
            if act.shape[0] == 0:
                break
            Ma = M[act]
            diag = np.diagonal(Ma[:, :bb], axis1=1, axis2=2)
            for p, q in zip(P, R):
                app = diag[:, p]
                aqq = diag[:, q]
                apq = Ma[:, p, q]
                # t = tan(angle) zeroing a_pq: the smaller root of t^2 + 2 theta t - 1 = 0
                theta = (aqq - app) / (2.0 * apq)
                t = np.copysign(1.0 / (np.abs(theta) + np.sqrt(1.0 + theta * theta)), theta)
                np.nan_to_num(t, copy=False)  # a_pq = 0 (theta = nan or inf): no rotation
                c = 1.0 / np.sqrt(1.0 + t * t)
                s = t * c
                # A <- J^T A J, V <- V J with J = rotation by (c, s) in the planes (p, q)
                c3 = c[:, :, None]
                s3 = s[:, :, None]
                Mp = Ma[:, p, :]
                Mq = Ma[:, q, :]
                Ma[:, p, :bb] = c3 * Mp - s3 * Mq
                Ma[:, q, :bb] = s3 * Mp + c3 * Mq
                c3 = c[:, None, :]
                s3 = s[:, None, :]
                Mp = Ma[:, :, p]
                Mq = Ma[:, :, q]
                Ma[:, :, p] = Mp * c3 - Mq * s3
                Ma[:, :, q] = Mp * s3 + Mq * c3
            M[act] = Ma
            off = np.max(np.abs(Ma[:, :bb][:, offmask]), axis=1)
            act = act[off > tol[act]]
    A = M[:, :bb]
    V = M[:, bb:]
    res = {}
    w_all = np.diagonal(A, axis1=1, axis2=2)
    for k, (node, a, b) in enumerate(leaves):
        s_ = b - a
        wk = w_all[k, :s_]
        order = np.argsort(wk, kind="stable")
        Qk = V[k, :s_, :s_][:, order]
        res[node] = (wk[order].copy(), Qk if full else Qk[[0, -1], :])
    return res


def _merge_pre(left, right, beta: float, full: bool):
    """Set up the merge of two solved children torn at an off-diagonal ``beta``.

    ``T = diag(T1, T2) + rho v v^T = Q (D + rho z z^T) Q^T``; sorts the poles,
    deflates, and returns ``("done", (w, Q))`` when everything deflated, else
    ``("secular", d_kept, z_kept, rho, d, Q, kept, defl)``.
    """
    w1, Q1 = left
    w2, Q2 = right
    n1 = w1.shape[0]
    n = n1 + w2.shape[0]
    rho = abs(beta)
    sgn = 1.0 if beta >= 0 else -1.0
    z = np.concatenate((Q1[-1], sgn * Q2[0]))
    d = np.concatenate((w1, w2))
    perm = np.argsort(d, kind="stable")
    if full:
        Q = np.zeros((n, n))
        Q[:n1, :n1] = Q1
        Q[n1:, n1:] = Q2
    else:
        Q = np.zeros((2, n))
        Q[0, :n1] = Q1[0]
        Q[1, n1:] = Q2[-1]
    eps = np.finfo(np.float64).eps
    znorm2 = float(z @ z)
    z = z[perm] * (1.0 / math.sqrt(znorm2))
    rho = rho * znorm2
    d = d[perm]
    # Q's columns stay in the children's order; sorted column j is Q[:, perm[j]].
    # ctype: 1 = nonzero only in the top n1 rows, 2 = only in the bottom rows, 3 = both
    ctype = np.where(perm < n1, 1, 2)
    zabs = np.abs(z)
    tol = 8.0 * eps * max(float(np.max(np.abs(d))), float(np.max(zabs)))
    keep = rho * zabs > tol
    if not keep.any():
        return ("done", (d, Q[:, perm]))
    # deflation by Givens rotations of nearly equal poles (sequential, scalar)
    idx = np.flatnonzero(keep).tolist()
    if len(idx) > 1:
        dl = d.tolist()
        zl = z.tolist()
        pl = perm.tolist()
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
                cp, cj = pl[prev], pl[j]
                qp = Q[:, cp].copy()
                qj = Q[:, cj]
                Q[:, cp] = c * qp + s * qj
                Q[:, cj] = c * qj - s * qp
                ctype[prev] = ctype[j] = ctype[prev] | ctype[j]
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
    return ("secular", d[kept], z[kept], rho, d, Q, perm, ctype, n1, kept, defl, full)


def _merge_post(out, lam: np.ndarray, Delta: np.ndarray):
    """Eigenvectors of the merge from the secular roots (Gu--Eisenstat ``zhat``).

    The product ``Q[:, kept] U`` uses the block structure of ``Q = diag(Q1, Q2)``:
    columns that live only in the top (bottom) rows multiply only there, which
    halves the flops when few deflation rotations mixed the two halves (as
    LAPACK's ``dlaed3``).
    """
    _, dk, zk, rho, d, Q, perm, ctype, n1, kept, defl, full = out
    K = dk.shape[0]
    # zhat_i^2 = (d_i - lam_i) prod_{j != i} (d_i - lam_j) / (d_i - d_j) / (-rho)
    if K > 1:
        R = Delta.T / (dk[:, None] - dk[None, :] + np.eye(K))  # (d_i - lam_j)/(d_i - d_j)
        np.fill_diagonal(R, -np.diagonal(Delta) / rho)
        zhat2 = np.prod(R, axis=1)
    else:
        zhat2 = np.array([-Delta[0, 0] / rho])
    zhat = np.copysign(np.sqrt(np.abs(zhat2)), zk)
    U = zhat[:, None] / Delta.T  # U[k, j] = zhat_k / (d_k - lam_j)
    U /= np.sqrt(np.einsum("ij,ij->j", U, U))
    cols = perm[kept]
    if full:
        n = Q.shape[0]
        tk = ctype[kept]
        top = np.flatnonzero(tk & 1)
        bot = np.flatnonzero(tk & 2)
        Qk = np.empty((n, K))
        np.matmul(Q[:n1, cols[top]], U[top], out=Qk[:n1])
        np.matmul(Q[n1:, cols[bot]], U[bot], out=Qk[n1:])
    else:
        Qk = Q[:, cols] @ U
    if defl.shape[0] == 0:
        return lam, Qk  # the roots are already ascending
    w = np.concatenate((lam, d[defl]))
    V = np.concatenate((Qk, Q[:, perm[defl]]), axis=1)
    order = np.argsort(w, kind="stable")
    return w[order], V[:, order]


_TAIL = 4  # roots left when the vectorised secular iteration hands over to the scalar one


def _secular_scalar(DDq, z2, rhoinv, i0, zi2, zj2, last, orgati, tau, lo, hi):
    """One root of the secular equation by the iteration of :func:`_secular_batch`."""
    eps = np.finfo(np.float64).eps
    for _ in range(100):
        Dl = DDq - tau
        Dinv = 1.0 / Dl
        w = rhoinv + float(Dinv @ z2)
        sabs = float(np.abs(Dinv) @ z2)
        dw = float((Dinv * Dinv) @ z2)
        err = 8.0 * sabs + 2.0 * rhoinv + 3.0 * abs(tau) * dw
        if abs(w) <= eps * err:
            break
        if w < 0.0:
            lo = tau
        elif w > 0.0:
            hi = tau
        if hi - lo <= 4.0 * eps * max(abs(lo), abs(hi)):
            break
        del_i = float(Dl[i0])
        del_j = float(Dl[i0 + 1])
        ti2 = zi2 / (del_i * del_i)
        tj2 = zj2 / (del_j * del_j)
        if last:
            C = abs(w - del_i * (dw - tj2) - del_j * tj2)
        elif orgati:
            C = w - del_j * dw - (del_i - del_j) * ti2
        else:
            C = w - del_i * dw - (del_j - del_i) * tj2
        A = (del_i + del_j) * w - del_i * del_j * dw
        B = del_i * del_j * w
        disc = math.sqrt(abs(A * A - 4.0 * B * C))
        try:
            if C == 0.0:
                eta = B / A
            elif last:
                eta = (A + disc) / (2.0 * C) if A >= 0.0 else 2.0 * B / (A - disc)
            else:
                eta = (A - disc) / (2.0 * C) if A <= 0.0 else 2.0 * B / (A + disc)
        except ZeroDivisionError:
            eta = math.nan
        if w * eta >= 0.0 or not math.isfinite(eta):
            eta = -w / dw
        tnew = tau + eta
        if not (lo < tnew < hi) or not math.isfinite(tnew):
            tnew = 0.5 * (lo + hi)
        tau = tnew
    return tau, lo, hi


def _secular_batch(items: list) -> list:
    """All roots of several secular equations at once.

    ``items`` holds ``(d, z, rho)`` with ``d`` strictly increasing; the roots of
    ``f(lam) = 1/rho + sum_k z_k^2/(d_k - lam) = 0`` are returned per item as
    ``(lam, Delta)`` with ``Delta[j, k] = d_k - lam_j`` computed accurately as
    ``(d_k - d_origin_j) - tau_j``.  The equations are stacked row-wise (one
    row per root, padded with poles far to the right that carry ``z = 0``),
    so every iteration is a handful of array operations for all roots.
    """
    eps = np.finfo(np.float64).eps
    results: list = [None] * len(items)
    batch = []
    for idx, (d, z, rho) in enumerate(items):
        if d.shape[0] == 1:
            tau = rho * float(z[0]) ** 2
            results[idx] = (d + tau, np.array([[-tau]]))
        else:
            batch.append(idx)
    if not batch:
        return results
    Ks = np.array([items[i][0].shape[0] for i in batch])
    M = len(batch)
    Kmax = int(Ks.max())
    rho_m = np.array([items[i][2] for i in batch])
    Z2 = np.zeros((M, Kmax))
    tops = np.empty(M)
    for m, i in enumerate(batch):
        d, z, rho = items[i]
        Z2[m, :d.shape[0]] = z * z
        tops[m] = d[-1] + rho * float(z @ z)
    pad = float(tops.max()) + 1.0
    D = np.full((M, Kmax), pad) + np.arange(Kmax)
    for m, i in enumerate(batch):
        D[m, :Ks[m]] = items[i][0]
    N = int(Ks.sum())
    offs = np.cumsum(Ks) - Ks
    mi = np.repeat(np.arange(M), Ks)
    li = np.arange(N) - np.repeat(offs, Ks)
    Km = Ks[mi]
    rho_r = rho_m[mi]
    rhoinv = 1.0 / rho_r
    last = li == Km - 1
    ilo = np.where(last, Km - 2, li)  # the root's pair of poles is (ilo, ilo + 1)
    single = M == 1
    Drow = D[mi] if not single else np.broadcast_to(D[0], (N, Kmax))
    Z2R = Z2[mi] if not single else None
    z2v = Z2[0]

    def rowsum(X, rows=None):
        if single:
            return X @ z2v
        return np.einsum("ij,ij->i", X, Z2R if rows is None else Z2R[rows])

    r = np.arange(N)
    d_lo = D[mi, ilo]
    d_hi = D[mi, ilo + 1]
    gap = d_hi - d_lo
    zi2 = Z2[mi, ilo]
    zj2 = Z2[mi, ilo + 1]
    top = rho_r * Z2[mi].sum(axis=1) if not single else rho_r * float(z2v.sum())
    # --- initial guesses (LAPACK dlaed4): freeze all but the two nearest poles at the
    # midpoint of the bracket and solve the resulting quadratic.
    x0 = np.where(last, 0.5 * top, 0.5 * gap)
    base = np.where(last, d_hi, d_lo)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        tm = 1.0 / ((Drow - base[:, None]) - x0[:, None])
        f0 = rhoinv + rowsum(tm)
        Cm = f0 - zi2 * tm[r, ilo] - zj2 * tm[r, ilo + 1]
        # interior roots
        A_l = Cm * gap + zi2 + zj2
        B_l = zi2 * gap
        s_l = np.sqrt(np.abs(A_l * A_l - 4.0 * B_l * Cm))
        t_l = np.where(A_l > 0.0, 2.0 * B_l / (A_l + s_l), (A_l - s_l) / (2.0 * Cm))
        A_r = Cm * gap - zi2 - zj2
        B_r = zj2 * gap
        s_r = np.sqrt(np.abs(A_r * A_r + 4.0 * B_r * Cm))
        t_r = np.where(A_r < 0.0, 2.0 * B_r / (A_r - s_r), -(A_r + s_r) / (2.0 * Cm))
        # last root, in (d_K, d_K + rho ||z||^2]
        A_t = -Cm * gap + zi2 + zj2
        B_t = zj2 * gap
        s_t = np.sqrt(np.abs(A_t * A_t + 4.0 * B_t * Cm))
        q_t = np.where(A_t < 0.0, 2.0 * B_t / (s_t - A_t), (A_t + s_t) / (2.0 * Cm))
        temp = zi2 / (gap + top) + zj2 / top
    left = f0 >= 0.0
    neg = f0 <= 0.0
    t_last = np.where(neg, np.where(Cm <= temp, top, q_t), np.where(Cm == 0.0, 0.5 * top, q_t))
    tau = np.where(last, t_last, np.where(left, t_l, t_r))
    lo = np.where(last, np.where(neg, 0.5 * top, 0.0), np.where(left, 0.0, -0.5 * gap))
    hi = np.where(last, np.where(neg, top, 0.5 * top), np.where(left, 0.5 * gap, 0.0))
    badinit = ~((tau > lo) & (tau <= hi)) | ~np.isfinite(tau)
    tau = np.where(badinit, 0.5 * (lo + hi), tau)
    orgati = ~last & left  # origin at the left pole of the pair
    origin = np.where(last | ~left, ilo + 1, ilo)
    d_org = D[mi, origin]
    DD = Drow - d_org[:, None]

    act = r
    for _ in range(100):
        full_act = act.shape[0] == N
        tau_a = tau[act]
        Dl = (DD if full_act else DD[act]) - tau_a[:, None]
        Dinv = 1.0 / Dl
        rows = None if full_act else act
        w = rhoinv[act] + rowsum(Dinv, rows)
        sabs = rowsum(np.abs(Dinv), rows)  # sum_k |z_k^2 / delta_k|
        Dinv *= Dinv
        dw = rowsum(Dinv, rows)  # f'(lam) = sum_k z_k^2 / delta_k^2
        err = 8.0 * sabs + 2.0 * rhoinv[act] + 3.0 * np.abs(tau_a) * dw
        conv = np.abs(w) <= eps * err
        lo_a = np.where(w < 0.0, tau_a, lo[act])
        hi_a = np.where(w > 0.0, tau_a, hi[act])
        lo[act] = lo_a
        hi[act] = hi_a
        conv |= (hi_a - lo_a) <= 4.0 * eps * np.maximum(np.abs(lo_a), np.abs(hi_a))
        ra = np.arange(act.shape[0])
        i0 = ilo[act]
        del_i = Dl[ra, i0]
        del_j = Dl[ra, i0 + 1]
        ti2 = zi2[act] / (del_i * del_i)
        tj2 = zj2[act] / (del_j * del_j)
        la = last[act]
        og = orgati[act]
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            # "middle way": keep the coefficient of the nearer pole exact
            C_int = np.where(og, w - del_j * dw - (del_i - del_j) * ti2,
                             w - del_i * dw - (del_j - del_i) * tj2)
            C_lst = np.abs(w - del_i * (dw - tj2) - del_j * tj2)
            C = np.where(la, C_lst, C_int)
            A = (del_i + del_j) * w - del_i * del_j * dw
            B = del_i * del_j * w
            disc = np.sqrt(np.abs(A * A - 4.0 * B * C))
            eta_int = np.where(A <= 0.0, (A - disc) / (2.0 * C), 2.0 * B / (A + disc))
            eta_last = np.where(A >= 0.0, (A + disc) / (2.0 * C), 2.0 * B / (A - disc))
            eta = np.where(la, eta_last, eta_int)
            eta = np.where(C == 0.0, B / A, eta)
            eta = np.where((w * eta >= 0.0) | ~np.isfinite(eta), -w / dw, eta)
            tnew = tau_a + eta
        bad = ~((tnew > lo_a) & (tnew < hi_a)) | ~np.isfinite(tnew)
        tnew = np.where(bad, 0.5 * (lo_a + hi_a), tnew)
        tau[act] = np.where(conv, tau_a, tnew)
        act = act[~conv]
        if act.shape[0] <= _TAIL:
            break
    # the few slow roots left: the same iteration in scalar arithmetic (cheaper per step)
    for q in act.tolist():
        z2row = z2v if single else Z2R[q]
        tau[q], lo[q], hi[q] = _secular_scalar(DD[q], z2row, float(rhoinv[q]), int(ilo[q]),
                                               float(zi2[q]), float(zj2[q]), bool(last[q]),
                                               bool(orgati[q]), float(tau[q]), float(lo[q]),
                                               float(hi[q]))
    lam_all = d_org + tau
    Delta_all = DD - tau[:, None]
    for m, i in enumerate(batch):
        o, K = int(offs[m]), int(Ks[m])
        results[i] = (lam_all[o:o + K], Delta_all[o:o + K, :K])
    return results
