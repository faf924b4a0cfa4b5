r"""Vectors and similarity: dot products, norms, distances, angles, projections.

A data point is a vector ``x`` in R^n; how *big* it is (a norm), how *far* it
is from another point (a distance) and how *aligned* two points are (cosine
similarity, angle) are the first questions every ML method asks.

Contents
--------
* :func:`dot` -- vector . vector, matrix . vector, matrix . matrix.
* :func:`norm` -- vector p-norms and matrix norms with ``numpy.linalg.norm``
  semantics, computed without overflow or harmful underflow.
* :func:`euclidean`, :func:`manhattan`, :func:`chebyshev`, :func:`minkowski`,
  :func:`cosine_similarity`, :func:`cosine_distance`, :func:`mahalanobis` --
  distances between two vectors (``scipy.spatial.distance``-like).
* :func:`pairwise_distances` -- all distances between the rows of two
  matrices, vectorised (``sklearn.metrics.pairwise_distances``-like).
* :func:`angle` -- the angle between two vectors by Kahan's formula.
* :func:`project`, :func:`project_onto_subspace` -- orthogonal projections.
* :func:`gram_schmidt`, :func:`linearly_independent` -- modified Gram--Schmidt
  and a linear-independence test built on it.

Stability tricks used throughout
--------------------------------
* 2-norms are *scaled*: when ``sum x_i^2`` would overflow or underflow,
  ``x`` is divided by ``max |x_i|`` first (as LAPACK's ``dnrm2``); general
  p-norms are always computed as ``s (sum (|x_i|/s)^p)^(1/p)``.
* Differences ``u - v`` that overflow are recomputed on ``u/s - v/s``.
* Cosines are formed from unit vectors and clipped to ``[-1, 1]``; angles use
  ``2 atan2(||a - b||, ||a + b||)`` instead of ``arccos`` (which loses half the
  digits near 0 and pi).
"""
from __future__ import annotations

import math
from numbers import Real

import numpy as np

from mathforml._validation import (as_float_array, check_finite, check_option, check_real,
                                   eps_of)
from mathforml.explain import active, section, step
from mathforml.linalg._householder import vector_norm2

__all__ = [
    "dot",
    "norm",
    "euclidean",
    "manhattan",
    "chebyshev",
    "minkowski",
    "cosine_similarity",
    "cosine_distance",
    "mahalanobis",
    "pairwise_distances",
    "angle",
    "project",
    "project_onto_subspace",
    "gram_schmidt",
    "linearly_independent",
]

# Vectors up to this length get element-by-element explanations.
_EXPLAIN_SHORT = 20

# Budget (entries) for the 3-D broadcast block in pairwise_distances.
_CHUNK_ENTRIES = 1 << 18


def _scalar(value, dtype):
    """A numpy scalar of the working dtype (float32 stays float32)."""
    return np.dtype(dtype).type(value)


# ---------------------------------------------------------------------------
# dot
# ---------------------------------------------------------------------------
def dot(a, b):
    r"""Dot product of two vectors, or matrix product with a vector or a matrix.

    Parameters
    ----------
    a : array_like, shape (n,) or (m, n)
        Left operand.
    b : array_like, shape (n,) or (n, p)
        Right operand.

    Returns
    -------
    c : float or ndarray
        ``a . b`` -- a scalar for two vectors, shape ``(m,)`` for a matrix times
        a vector, ``(p,)`` for a vector times a matrix, ``(m, p)`` for two
        matrices.

    Raises
    ------
    ValueError
        If the inner dimensions differ (the message names both shapes), if an
        operand is not 1-D or 2-D, or holds NaN/inf.
    TypeError
        For complex input.

    Notes
    -----
    For vectors ``c = sum_i a_i b_i``; for matrices ``C_ij = sum_k A_ik B_kj``
    (each entry is the dot product of a row of ``A`` with a column of ``B``).
    A dense layer of a neural network is ``Z = X W + b``: one dot product per
    sample and unit.  The products are carried out by ``@`` (BLAS).

    References
    ----------
    G. Strang, *Introduction to Linear Algebra*, 5th ed., section 1.2.

    Examples
    --------
    Price of a house with 3 bedrooms, 2 bathrooms and 1500 square feet when
    the weights are 10, 5 and 0.2 (thousands per unit):

    >>> float(dot([3, 2, 1500], [10, 5, 0.2]))
    340.0
    >>> dot([[1, 2], [3, 4]], [1, 1])
    array([3., 7.])
    """
    a = as_float_array(a, "a", ndim=(1, 2))
    b = as_float_array(b, "b", ndim=(1, 2))
    inner_a = a.shape[-1]
    inner_b = b.shape[0]
    if inner_a != inner_b:
        raise ValueError(
            f"shapes {a.shape} and {b.shape} not aligned: a has {inner_a} "
            f"{'entries' if a.ndim == 1 else 'columns'} but b has {inner_b} "
            f"{'entries' if b.ndim == 1 else 'rows'}"
        )
    c = a @ b
    if active():
        if a.ndim == 1 and b.ndim == 1:
            if a.shape[0] <= _EXPLAIN_SHORT:
                step("Multiply entry by entry, then add", "a . b = sum_i a_i b_i",
                     a=a, b=b, products=a * b, sum=c)
            else:
                step("Dot product", "a . b = sum_i a_i b_i", n=a.shape[0], result=c)
        else:
            step("Matrix product", "C_ij = sum_k A_ik B_kj (row i of a . column j of b)",
                 a=a, b=b, shape_a=str(a.shape), shape_b=str(b.shape), result=c)
    return c


# ---------------------------------------------------------------------------
# norm
# ---------------------------------------------------------------------------
_VECTOR_ORDS = "None, 2, 1, inf, -inf, 0 or any real p"
_MATRIX_ORDS = "None, 'fro', 'nuc', 1, -1, 2, -2, inf, -inf"


def _sumsq_scaled(x: np.ndarray, axis, keepdims: bool = False) -> np.ndarray:
    """sqrt(sum x^2) along ``axis`` (int or tuple), rescaled where it over/underflows."""
    axes = (axis,) if isinstance(axis, (int, np.integer)) else tuple(axis)
    axes = tuple(a % x.ndim for a in axes)
    idx = "abcdefghijklmnopqrstuvwxyz"[:x.ndim]
    keep = "".join(c for i, c in enumerate(idx) if i not in axes)
    with np.errstate(over="ignore", under="ignore", invalid="ignore"):
        s = np.einsum(f"{idx},{idx}->{keep}", x, x)  # sum of squares, no temporary x*x
    if keepdims:
        s = np.expand_dims(s, axes)
    tiny = np.finfo(x.dtype).tiny / np.finfo(x.dtype).eps
    bad = ~np.isfinite(s) | (s < tiny)
    r = np.sqrt(s)
    if np.any(bad):
        # dnrm2-style: divide each lane by its largest magnitude, then rescale
        scale = np.max(np.abs(x), axis=axis, keepdims=True, initial=0.0)
        scale = np.where(np.isfinite(scale), scale, np.nan)  # inf data -> NaN result
        safe = np.where(scale > 0, scale, 1)
        y = x / safe
        with np.errstate(under="ignore", invalid="ignore"):
            rs = np.sqrt(np.sum(y * y, axis=axis, keepdims=keepdims))
        if not keepdims:
            safe = np.squeeze(safe, axis=axis)
        rs = safe * rs
        r = np.where(bad, rs, r)
    return r


def _vector_norm(x: np.ndarray, ord, axis: int, keepdims: bool) -> np.ndarray:
    """Vector norm of order ``ord`` along one axis."""
    if ord is None or ord == 2:
        return _sumsq_scaled(x, axis, keepdims)
    ax = np.abs(x)
    if ord == np.inf:
        return np.max(ax, axis=axis, keepdims=keepdims, initial=0.0)
    if ord == -np.inf:
        return np.min(ax, axis=axis, keepdims=keepdims)
    if ord == 0:
        return np.sum(x != 0, axis=axis, keepdims=keepdims).astype(x.dtype)
    if ord == 1:
        return np.sum(ax, axis=axis, keepdims=keepdims)
    p = float(ord)
    if x.shape[axis] == 0:
        empty = np.sum(ax, axis=axis, keepdims=keepdims)
        with np.errstate(divide="ignore"):
            return empty ** (1.0 / p)
    # Always scaled: s (sum (|x_i|/s)^p)^(1/p) with s = max|x| for p > 0 (terms
    # <= 1) and s = min|x| for p < 0 (terms <= 1 again), so no term overflows
    # and the sum stays in [1, n] -- the root S^(1/p) then costs only a few ulps
    # (for a sum S far from 1 the rounding of 1/p is amplified by |log S|).
    if p > 0:
        s = np.max(ax, axis=axis, keepdims=True)
    else:
        s = np.min(ax, axis=axis, keepdims=True)
    zero = s == 0
    safe = np.where(zero, 1, s)
    with np.errstate(divide="ignore", over="ignore", under="ignore", invalid="ignore"):
        t = np.sum((ax / safe) ** p, axis=axis, keepdims=True) ** (1.0 / p) * safe
    t = np.where(zero, 0, t)
    t = t.astype(x.dtype, copy=False)
    return t if keepdims else np.squeeze(t, axis=axis)


def _matrix_norm(x: np.ndarray, ord, row_axis: int, col_axis: int, keepdims: bool):
    """Matrix norm of order ``ord`` over the axis pair (row_axis, col_axis)."""
    if ord is None or (isinstance(ord, str) and ord == "fro"):
        return _sumsq_scaled(x, (row_axis, col_axis), keepdims)
    if isinstance(ord, str) and ord == "nuc" or (not isinstance(ord, str) and ord in (2, -2)):
        from mathforml.linalg.svd import svdvals  # local: svd imports from linalg

        A = np.moveaxis(x, (row_axis, col_axis), (-2, -1))
        batch = A.shape[:-2]
        m, n = A.shape[-2:]
        k = min(m, n)
        flat = A.reshape((math.prod(batch), m, n))
        S = np.zeros((flat.shape[0], k), dtype=x.dtype)
        if k:
            for i in range(flat.shape[0]):  # one SVD per matrix of the stack
                S[i] = svdvals(flat[i])
        if isinstance(ord, str):
            r = np.sum(S, axis=-1)
        elif ord == 2:
            r = np.max(S, axis=-1, initial=0.0)
        else:
            r = np.min(S, axis=-1)
        r = r.reshape(batch).astype(x.dtype, copy=False)
        if keepdims:
            for ax in sorted((row_axis, col_axis)):
                r = np.expand_dims(r, ax)
        return r
    if not isinstance(ord, str) and ord in (1, -1, np.inf, -np.inf):
        if ord in (1, -1):          # max/min column sum: sum over rows, then over columns
            sum_axis, red_axis = row_axis, col_axis
        else:                       # max/min row sum
            sum_axis, red_axis = col_axis, row_axis
        sums = np.sum(np.abs(x), axis=sum_axis, keepdims=True)
        if ord > 0:
            r = np.max(sums, axis=red_axis, keepdims=True, initial=0.0)
        else:
            r = np.min(sums, axis=red_axis, keepdims=True)
        return r if keepdims else np.squeeze(r, axis=(row_axis, col_axis))
    raise ValueError(f"invalid norm order {ord!r} for matrices; valid orders are {_MATRIX_ORDS}")


def _check_ord(ord, matrix: bool):
    if ord is None:
        return
    if isinstance(ord, str):
        if matrix and ord in ("fro", "nuc"):
            return
        what = _MATRIX_ORDS if matrix else _VECTOR_ORDS
        raise ValueError(f"invalid norm order {ord!r} for {'matrices' if matrix else 'vectors'}; "
                         f"valid orders are {what}")
    if isinstance(ord, (bool, np.bool_)) or not isinstance(ord, Real) or math.isnan(float(ord)):
        what = _MATRIX_ORDS if matrix else _VECTOR_ORDS
        raise ValueError(f"invalid norm order {ord!r}; valid orders are {what}")
    if matrix and ord not in (1, -1, 2, -2, np.inf, -np.inf):
        raise ValueError(f"invalid norm order {ord!r} for matrices; valid orders are {_MATRIX_ORDS}")


def _normalize_axis(axis, ndim: int) -> tuple:
    if isinstance(axis, (bool, np.bool_)):
        raise TypeError(f"axis must be an int or a tuple of ints, got {axis!r}")
    if isinstance(axis, (int, np.integer)):
        axis = (int(axis),)
    try:
        axis = tuple(int(a) for a in axis)
    except TypeError:
        raise TypeError(f"axis must be an int or a tuple of ints, got {axis!r}") from None
    out = []
    for a in axis:
        if not -ndim <= a < ndim:
            raise ValueError(f"axis {a} is out of bounds for an array of dimension {ndim}")
        out.append(a % ndim)
    if len(set(out)) != len(out):
        raise ValueError(f"duplicate axes given: {axis}")
    return tuple(out)


def norm(x, ord=None, axis=None, keepdims=False):
    r"""Vector or matrix norm, with the semantics of ``numpy.linalg.norm``.

    Parameters
    ----------
    x : array_like
        Input.  With ``axis=None`` it must be 1-D or 2-D unless ``ord`` is None
        (then the flattened array's 2-norm is returned).
    ord : {None, 'fro', 'nuc', inf, -inf, 0, 1, -1, 2, -2} or real, optional
        Order of the norm (table below).
    axis : None, int or 2-tuple of ints, optional
        An int computes vector norms along that axis; a pair computes matrix
        norms of the 2-D slices spanned by those axes.
    keepdims : bool, optional
        Keep the normed axes as size-one dimensions.

    Returns
    -------
    n : float or ndarray
        The norm(s), float32 for float32 input and float64 otherwise.

    Raises
    ------
    ValueError
        For an invalid ``ord`` (the message lists the valid orders), NaN/inf
        input, or too many dimensions.
    TypeError
        For complex input.

    Notes
    -----
    ========  ==============================  ===============================
    ord       vector ``x``                     matrix ``A``
    ========  ==============================  ===============================
    None      ``sqrt(sum x_i^2)``              ``sqrt(sum_ij A_ij^2)`` ('fro')
    'fro'     --                               ``sqrt(sum_ij A_ij^2)``
    'nuc'     --                               ``sum_i sigma_i``
    inf       ``max |x_i|``                    ``max_i sum_j |A_ij|``
    -inf      ``min |x_i|``                    ``min_i sum_j |A_ij|``
    0         ``#{i : x_i != 0}``              --
    1         ``sum |x_i|``                    ``max_j sum_i |A_ij|``
    -1        ``(sum |x_i|^-1)^-1``            ``min_j sum_i |A_ij|``
    2         ``sqrt(sum x_i^2)``              ``sigma_max``
    -2        ``(sum |x_i|^-2)^(-1/2)``        ``sigma_min``
    p         ``(sum |x_i|^p)^(1/p)``          --
    ========  ==============================  ===============================

    Stability: the 2-norm first tries ``sqrt(sum x_i^2)``; where that sum
    overflows or falls below ``tiny/eps`` it is recomputed as
    ``s sqrt(sum (x_i/s)^2)`` with ``s = max |x_i|`` (LAPACK ``dnrm2``'s idea;
    1-D input uses :func:`~mathforml.linalg._householder.vector_norm2`).  A
    general p-norm is always computed scaled, ``s (sum (|x_i|/s)^p)^(1/p)``
    with ``s = max |x_i|`` for ``p > 0`` and ``s = min |x_i|`` for ``p < 0``:
    every term is at most 1, nothing overflows, and the sum lies in
    ``[1, n]`` so the root ``S^(1/p)`` is accurate (the rounding of ``1/p``
    is amplified by ``|log S|``, which is large for an unscaled sum).  The singular values for 'nuc', 2 and -2 come
    from :func:`mathforml.linalg.svd.svdvals`.

    References
    ----------
    G. H. Golub and C. F. Van Loan, *Matrix Computations*, 4th ed., section 2.3.
    J. L. Blue, "A portable Fortran program to find the Euclidean norm of a
    vector", ACM TOMS 4 (1978).

    Examples
    --------
    >>> float(norm([3, 4])), float(norm([3, 4], 1)), float(norm([3, -4], np.inf))
    (5.0, 7.0, 4.0)
    >>> float(norm([3e200, 4e200]))            # sum of squares would overflow
    5e+200
    >>> float(norm([[1, 2], [3, 4]], 1))        # largest column sum: 2 + 4
    6.0
    >>> norm([[3, 4], [6, 8]], axis=1)
    array([ 5., 10.])
    """
    # Finiteness is checked *after* the cheap norms: a finite 2-, 1-, inf- or
    # positive-p-norm (or Frobenius / max column or row sum) implies finite input,
    # so the extra pass over x is only paid when the result is not finite.
    x = as_float_array(x, "x", check_finite=False)
    nd = x.ndim
    if axis is None:
        if ord is None and nd != 2:
            flat = x if nd == 1 else x.ravel()
            r = _scalar(vector_norm2(flat), x.dtype)
            _post_check(r, x)
            if nd == 1:
                _explain_vector(x, None, r)
            if keepdims:
                return np.full((1,) * max(nd, 1), r, dtype=x.dtype) if nd else r
            return r
        if nd not in (1, 2):
            raise ValueError(f"Improper number of dimensions to norm: x has shape {x.shape}; "
                             "with axis=None and ord given, x must be 1-D or 2-D")
        axis = tuple(range(nd))
    else:
        axis = _normalize_axis(axis, nd)
    if len(axis) == 1:
        _check_ord(ord, matrix=False)
        deferred = ord is None or (ord > 0 if ord != 0 else False)
        if not deferred:
            check_finite(x, "x")
        if nd == 1 and (ord is None or ord == 2):
            r = _scalar(vector_norm2(x), x.dtype)
            r_out = np.full((1,), r, dtype=x.dtype) if keepdims else r
        else:
            r_out = _vector_norm(x, ord, axis[0], keepdims)
            r = r_out
        if deferred:
            _post_check(r_out, x)
        if nd == 1:
            _explain_vector(x, ord, r if np.ndim(r) == 0 else r.reshape(()))
            if not keepdims:
                return _scalar(r, x.dtype)
        elif active():
            step(f"Vector norm of order {ord if ord is not None else 2} along axis {axis[0]}",
                 _vector_formula(ord), result=r_out)
        return r_out
    if len(axis) == 2:
        _check_ord(ord, matrix=True)
        deferred = ord is None or (isinstance(ord, str) and ord == "fro") or (
            not isinstance(ord, str) and ord in (1, np.inf))
        if not deferred:
            check_finite(x, "x")
        if (ord is None or ord == "fro") and nd == 2 and not keepdims:
            r = vector_norm2(x.ravel())  # a view for contiguous x: one BLAS dot
        else:
            r = _matrix_norm(x, ord, axis[0], axis[1], keepdims)
        if deferred:
            _post_check(r, x)
        if active():
            step(f"Matrix norm of order {ord!r}", _matrix_formula(ord), x=x, result=r)
        if np.ndim(r) == 0:
            return _scalar(r, x.dtype)
        return r
    raise ValueError(f"axis must name 1 or 2 axes, got {axis}")


def _post_check(r, x: np.ndarray) -> None:
    """Raise the usual NaN/inf ValueError if a norm came out non-finite."""
    if not np.all(np.isfinite(r)):
        check_finite(x, "x")


def _vector_formula(ord) -> str:
    if ord is None or ord == 2:
        return "||x||_2 = sqrt(sum_i x_i^2)"
    if ord == np.inf:
        return "||x||_inf = max_i |x_i|"
    if ord == -np.inf:
        return "min_i |x_i|"
    if ord == 0:
        return "||x||_0 = #{i : x_i != 0}"
    if ord == 1:
        return "||x||_1 = sum_i |x_i|"
    return f"||x||_p = (sum_i |x_i|^p)^(1/p), p = {ord}"


def _matrix_formula(ord) -> str:
    return {
        None: "||A||_F = sqrt(sum_ij A_ij^2)",
        "fro": "||A||_F = sqrt(sum_ij A_ij^2)",
        "nuc": "||A||_* = sum_i sigma_i",
        1: "||A||_1 = max_j sum_i |A_ij| (largest column sum)",
        -1: "min_j sum_i |A_ij| (smallest column sum)",
        2: "||A||_2 = sigma_max",
        -2: "sigma_min",
        np.inf: "||A||_inf = max_i sum_j |A_ij| (largest row sum)",
        -np.inf: "min_i sum_j |A_ij| (smallest row sum)",
    }[ord]


def _explain_vector(x: np.ndarray, ord, r) -> None:
    """Record the steps of a 1-D vector norm (only when a recorder listens)."""
    if not active():
        return
    formula = _vector_formula(ord)
    if x.shape[0] > _EXPLAIN_SHORT:
        step(f"Vector norm of order {ord if ord is not None else 2}", formula,
             n=x.shape[0], norm=r)
        return
    if ord is None or ord == 2:
        squares = x.astype(np.float64) ** 2
        step("Square each entry and add", "sum_i x_i^2", x=x, squares=squares,
             sum_of_squares=float(np.sum(squares)))
        step("Take the square root", formula, norm=r)
    elif ord in (1, np.inf, -np.inf):
        step("Absolute values", "|x_i|", x=x, abs_x=np.abs(x))
        step({1: "Add them", np.inf: "Take the largest", -np.inf: "Take the smallest"}[ord],
             formula, norm=r)
    elif ord == 0:
        step("Count the non-zero entries", formula, x=x, nonzero=(x != 0), norm=r)
    else:
        powers = np.abs(x.astype(np.float64)) ** float(ord)
        step("Raise |x_i| to the power p and add", "sum_i |x_i|^p", x=x, p=float(ord),
             powers=powers, sum=float(np.sum(powers)))
        step("Take the p-th root", formula, norm=r)


# ---------------------------------------------------------------------------
# Distances between two vectors
# ---------------------------------------------------------------------------
def _pair(u, v, name_u: str = "u", name_v: str = "v"):
    """Validate two 1-D vectors of equal length; return them in a common dtype."""
    u = as_float_array(u, name_u, ndim=1)
    v = as_float_array(v, name_v, ndim=1)
    if u.shape != v.shape:
        raise ValueError(f"{name_u} and {name_v} must have the same length, got shapes "
                         f"{u.shape} and {v.shape}")
    dt = np.result_type(u.dtype, v.dtype)
    return u.astype(dt, copy=False), v.astype(dt, copy=False)


def _difference(u: np.ndarray, v: np.ndarray):
    """``(d, s)`` with ``u - v = s d``; s = 1 unless the plain difference overflows."""
    d = u - v
    if d.size and not np.isfinite(d).all():
        s = max(float(np.max(np.abs(u))), float(np.max(np.abs(v))))
        return u / s - v / s, s
    return d, 1.0


def _explain_distance(title, formula, u, v, d, r):
    if active():
        if u.shape[0] <= _EXPLAIN_SHORT:
            step("Difference", "d = u - v", u=u, v=v, d=d)
        step(title, formula, distance=r)


def euclidean(u, v):
    r"""Euclidean (L2) distance between two vectors.

    Parameters
    ----------
    u, v : array_like, shape (n,)
        The two points.

    Returns
    -------
    d : float
        ``||u - v||_2``.

    Notes
    -----
    ``d = sqrt(sum_i (u_i - v_i)^2)``, computed by the scaled 2-norm of
    ``u - v`` (no overflow for entries near 1e300; if ``u - v`` itself
    overflows the difference is formed on ``u/s - v/s``).

    References
    ----------
    scipy.spatial.distance.euclidean.

    Examples
    --------
    >>> float(euclidean([1, 2], [4, 6]))     # sqrt(3^2 + 4^2)
    5.0
    """
    u, v = _pair(u, v)
    d, s = _difference(u, v)
    r = _scalar(s * vector_norm2(d), u.dtype)
    _explain_distance("Euclidean distance", "||u - v||_2 = sqrt(sum_i (u_i - v_i)^2)",
                      u, v, d * s, r)
    return r


def manhattan(u, v):
    r"""Manhattan (city-block, L1) distance between two vectors.

    Parameters
    ----------
    u, v : array_like, shape (n,)

    Returns
    -------
    d : float
        ``sum_i |u_i - v_i|``.

    Notes
    -----
    ``d = ||u - v||_1``; scipy calls it ``cityblock``.

    References
    ----------
    scipy.spatial.distance.cityblock.

    Examples
    --------
    >>> float(manhattan([1, 2], [4, 6]))     # 3 + 4
    7.0
    """
    u, v = _pair(u, v)
    d, s = _difference(u, v)
    r = _scalar(s * np.sum(np.abs(d)), u.dtype)
    _explain_distance("Manhattan distance", "||u - v||_1 = sum_i |u_i - v_i|", u, v, d * s, r)
    return r


def chebyshev(u, v):
    r"""Chebyshev (L-infinity) distance between two vectors.

    Parameters
    ----------
    u, v : array_like, shape (n,)

    Returns
    -------
    d : float
        ``max_i |u_i - v_i|`` (0 for empty vectors).

    Notes
    -----
    ``d = ||u - v||_inf``, the limit of the Minkowski distance as p -> inf.

    References
    ----------
    scipy.spatial.distance.chebyshev.

    Examples
    --------
    >>> float(chebyshev([1, 2], [4, 6]))     # max(3, 4)
    4.0
    """
    u, v = _pair(u, v)
    d, s = _difference(u, v)
    r = _scalar(s * np.max(np.abs(d), initial=0.0), u.dtype)
    _explain_distance("Chebyshev distance", "||u - v||_inf = max_i |u_i - v_i|",
                      u, v, d * s, r)
    return r


def _check_p(p) -> float:
    if isinstance(p, (bool, np.bool_)) or not isinstance(p, Real):
        raise TypeError(f"p must be a real number, got {p!r}")
    p = float(p)
    if math.isnan(p) or p <= 0:
        raise ValueError(f"p must be > 0 for the Minkowski distance, got p={p}")
    return p


def minkowski(u, v, p=2):
    r"""Minkowski (Lp) distance between two vectors.

    Parameters
    ----------
    u, v : array_like, shape (n,)
    p : float, default 2
        Order, ``p > 0`` (``p = inf`` gives the Chebyshev distance).  For
        ``0 < p < 1`` the result is not a metric (no triangle inequality).

    Returns
    -------
    d : float
        ``(sum_i |u_i - v_i|^p)^(1/p)``.

    Raises
    ------
    ValueError
        If ``p <= 0`` or the lengths differ.

    Notes
    -----
    Computed scaled, ``s (sum_i (|u_i - v_i|/s)^p)^(1/p)`` with
    ``s = max_i |u_i - v_i|``, so ``|u_i - v_i|^p`` never overflows.

    References
    ----------
    scipy.spatial.distance.minkowski.

    Examples
    --------
    >>> float(minkowski([0, 0], [3, 4], p=2)), float(minkowski([0, 0], [3, 4], p=1))
    (5.0, 7.0)
    >>> float(minkowski([0, 0], [1, 1], p=3) ** 3)       # 1^3 + 1^3
    2.0
    """
    p = _check_p(p)
    u, v = _pair(u, v)
    d, s = _difference(u, v)
    if p == np.inf:
        r = s * np.max(np.abs(d), initial=0.0)
    elif p == 2:
        r = s * vector_norm2(d)
    elif p == 1:
        r = s * np.sum(np.abs(d))
    elif d.size == 0:
        r = 0.0
    else:
        r = s * _vector_norm(d, p, 0, False)
    r = _scalar(r, u.dtype)
    if active():
        if u.shape[0] <= _EXPLAIN_SHORT:
            ad = np.abs(d * s).astype(np.float64)
            step("Absolute differences", "|u_i - v_i|", u=u, v=v, abs_diff=ad)
            if p != np.inf:
                step("Raise to the power p and add", "sum_i |u_i - v_i|^p", p=p,
                     powers=ad ** p, sum=float(np.sum(ad ** p)))
        step("Minkowski distance", "(sum_i |u_i - v_i|^p)^(1/p)", p=p, distance=r)
    return r


def _unit(x: np.ndarray, name: str, what: str):
    """``(x/||x||, ||x||)``; ValueError naming ``name`` for the zero vector."""
    nx = vector_norm2(x)
    if nx == 0.0:
        raise ValueError(f"{name} is the zero vector (or empty); {what} is undefined")
    return x / nx, nx


def cosine_similarity(u, v):
    r"""Cosine of the angle between two vectors.

    Parameters
    ----------
    u, v : array_like, shape (n,)
        Non-zero vectors.

    Returns
    -------
    s : float
        ``u . v / (||u|| ||v||)`` in ``[-1, 1]``.

    Raises
    ------
    ValueError
        If either vector is zero (the message names it) or the lengths differ.

    Notes
    -----
    ``cos(theta) = u . v / (||u||_2 ||v||_2)``.  It is computed as the dot
    product of the unit vectors ``u/||u||`` and ``v/||v||`` (so nothing
    overflows for large entries) and clipped to ``[-1, 1]``.

    References
    ----------
    scipy.spatial.distance.cosine (which returns ``1 - s``).

    Examples
    --------
    >>> float(cosine_similarity([1, 0], [1, 1]) ** 2)    # (1 / sqrt 2)^2
    0.5
    >>> float(cosine_similarity([3, 4], [-6, -8]))
    -1.0
    """
    u, v = _pair(u, v)
    uh, nu = _unit(u, "u", "cosine similarity")
    vh, nv = _unit(v, "v", "cosine similarity")
    s = _scalar(min(1.0, max(-1.0, float(uh @ vh))), u.dtype)
    if active():
        step("Dot product", "u . v = sum_i u_i v_i", u=u, v=v, dot=float(u @ v))
        step("Norms", "||u||_2, ||v||_2", norm_u=nu, norm_v=nv)
        step("Quotient", "cos(theta) = u . v / (||u|| ||v||)", similarity=s)
    return s


def cosine_distance(u, v):
    r"""Cosine distance ``1 - cos(theta)`` between two vectors.

    Parameters
    ----------
    u, v : array_like, shape (n,)
        Non-zero vectors.

    Returns
    -------
    d : float
        ``1 - u . v / (||u|| ||v||)`` in ``[0, 2]``.

    Raises
    ------
    ValueError
        If either vector is zero (named in the message) or the lengths differ.

    Notes
    -----
    ``d = 1 - cosine_similarity(u, v)``; it is 0 for parallel vectors, 1 for
    orthogonal and 2 for opposite ones.  Not a metric (no triangle inequality).

    References
    ----------
    scipy.spatial.distance.cosine.

    Examples
    --------
    >>> float(cosine_distance([1, 0], [0, 2])), float(cosine_distance([1, 0], [-1, 0]))
    (1.0, 2.0)
    """
    s = cosine_similarity(u, v)
    d = _scalar(1 - s, s.dtype)
    step("Cosine distance", "1 - cos(theta)", distance=d)
    return d


def _cholesky_lower(C: np.ndarray) -> np.ndarray:
    """Lower Cholesky factor from mathforml.linalg.cholesky."""
    from mathforml.linalg.cholesky import cholesky

    return cholesky(C)  # numpy convention: lower L with C = L L^T


def _check_cov(M, n: int, name: str) -> np.ndarray:
    M = as_float_array(M, name, ndim=2)
    if M.shape != (n, n):
        raise ValueError(f"{name} must have shape ({n}, {n}) to match vectors of length {n}, "
                         f"got shape {M.shape}")
    return M


def mahalanobis(u, v, cov=None, VI=None):
    r"""Mahalanobis distance between two vectors.

    Parameters
    ----------
    u, v : array_like, shape (n,)
    cov : array_like, shape (n, n), optional
        Covariance matrix (symmetric positive definite).  Preferred.
    VI : array_like, shape (n, n), optional
        Inverse covariance (scipy's signature).  Give exactly one of ``cov``
        and ``VI``.

    Returns
    -------
    d : float
        ``sqrt((u - v)^T cov^{-1} (u - v))``.

    Raises
    ------
    ValueError
        If neither or both of ``cov`` and ``VI`` are given, shapes mismatch,
        or ``d^T VI d < 0`` (``VI`` not positive semi-definite).
    LinAlgError
        If ``cov`` is not positive definite (from the Cholesky factorisation).

    Notes
    -----
    With ``cov = L L^T`` (Cholesky) and ``d = u - v``,
    ``d^T cov^{-1} d = d^T L^{-T} L^{-1} d = ||z||^2`` where ``L z = d`` is one
    forward substitution -- the inverse is never formed.  With ``VI`` the
    quadratic form ``d^T VI d`` is evaluated directly (as scipy does).

    References
    ----------
    P. C. Mahalanobis, "On the generalised distance in statistics" (1936);
    scipy.spatial.distance.mahalanobis.

    Examples
    --------
    >>> float(mahalanobis([2, 0], [0, 0], cov=[[4, 0], [0, 1]]))   # 2 / sqrt(4)
    1.0
    >>> float(mahalanobis([2, 0], [0, 0], VI=[[0.25, 0], [0, 1]]))
    1.0
    """
    u, v = _pair(u, v)
    n = u.shape[0]
    if (cov is None) == (VI is None):
        raise ValueError("give exactly one of cov (covariance) and VI (inverse covariance)")
    d = u - v
    if cov is not None:
        C = _check_cov(cov, n, "cov")
        from mathforml.linalg.triangular import solve_triangular

        L = _cholesky_lower(C)
        z = solve_triangular(L, d.astype(L.dtype, copy=False), lower=True)
        r = vector_norm2(z)
        if active():
            step("Difference", "d = u - v", d=d)
            step("Cholesky factor of the covariance", "cov = L L^T", L=L)
            step("Forward substitution", "L z = d", z=z)
            step("Mahalanobis distance", "sqrt(d^T cov^{-1} d) = ||z||_2", distance=r)
    else:
        M = _check_cov(VI, n, "VI")
        q = float(d @ (M @ d))
        scale = float(np.abs(d) @ (np.abs(M) @ np.abs(d)))
        if q < 0:
            if q < -(n + 1) * eps_of(M.dtype) * scale:
                raise ValueError(f"VI is not positive semi-definite: d^T VI d = {q:.6g} < 0")
            q = 0.0
        r = math.sqrt(q)
        if active():
            step("Difference", "d = u - v", d=d)
            step("Quadratic form", "d^T VI d", quadratic_form=q)
            step("Mahalanobis distance", "sqrt(d^T VI d)", distance=r)
    return _scalar(r, np.result_type(u.dtype, (C if cov is not None else M).dtype))


# ---------------------------------------------------------------------------
# pairwise_distances
# ---------------------------------------------------------------------------
_METRICS = ("euclidean", "sqeuclidean", "manhattan", "cityblock", "l1", "l2", "chebyshev",
            "minkowski", "cosine", "mahalanobis")
_ALIASES = {"cityblock": "manhattan", "l1": "manhattan", "l2": "euclidean"}


def _row_norms_sq(X: np.ndarray) -> np.ndarray:
    return np.einsum("ij,ij->i", X, X)


def _euclidean_matrix(X: np.ndarray, Y: np.ndarray, same: bool, squared: bool) -> np.ndarray:
    """||x||^2 + ||y||^2 - 2 x.y, clipped at 0 (float32 computed in float64)."""
    out_dtype = X.dtype
    if X.dtype == np.float32:
        X = X.astype(np.float64)
        Y = X if same else Y.astype(np.float64)
    # Rescale extreme data so the squared norms neither overflow nor underflow.
    s = 1.0
    big = max(float(np.max(np.abs(X), initial=0.0)), float(np.max(np.abs(Y), initial=0.0)))
    if big > 1e150 or 0 < big < 1e-150:
        s = big
        X = X / s
        Y = X if same else Y / s
    XX = _row_norms_sq(X)
    YY = XX if same else _row_norms_sq(Y)
    D = X @ Y.T
    D *= -2
    D += XX[:, None]
    D += YY[None, :]
    np.maximum(D, 0, out=D)
    if same:
        np.fill_diagonal(D, 0)
    if not squared:
        np.sqrt(D, out=D)
        if s != 1.0:
            D *= s
    elif s != 1.0:
        D *= s * s
    return D.astype(out_dtype, copy=False)


def _chunked(X: np.ndarray, Y: np.ndarray, reduce) -> np.ndarray:
    """Apply ``reduce(diff_block)`` on row chunks of |X[:, None] - Y[None]|."""
    n, m = X.shape[0], Y.shape[0]
    k = max(X.shape[1], 1)
    D = np.empty((n, m), dtype=np.result_type(X.dtype, Y.dtype))
    rows = max(1, _CHUNK_ENTRIES // max(m * k, 1))
    for i0 in range(0, n, rows):
        diff = X[i0:i0 + rows, None, :] - Y[None, :, :]
        D[i0:i0 + rows] = reduce(diff)
    return D


def _minkowski_block(p: float):
    def reduce(diff):
        np.abs(diff, out=diff)
        if p == 1:
            return np.sum(diff, axis=-1)
        if p == np.inf:
            return np.max(diff, axis=-1, initial=0.0)
        if p == 2:
            return _sumsq_scaled(diff, -1)
        if diff.shape[-1] == 0:
            return np.zeros(diff.shape[:-1], diff.dtype)
        return _vector_norm(diff, p, diff.ndim - 1, False)
    return reduce


def pairwise_distances(X, Y=None, metric="euclidean", **kwds):
    r"""Distances between every row of ``X`` and every row of ``Y``.

    Parameters
    ----------
    X : array_like, shape (n_x, d)
    Y : array_like, shape (n_y, d), optional
        Defaults to ``X`` (then the diagonal is exactly zero).
    metric : str, default 'euclidean'
        One of 'euclidean' ('l2'), 'sqeuclidean', 'manhattan' ('cityblock',
        'l1'), 'chebyshev', 'minkowski', 'cosine', 'mahalanobis'.
    **kwds
        ``p`` for 'minkowski' (default 2); ``cov`` or ``VI`` for
        'mahalanobis' (default: the sample covariance of the stacked rows of
        ``X`` and ``Y``, as scipy's ``cdist``; of ``X`` alone when ``Y`` is
        None, as ``pdist`` and scikit-learn).

    Returns
    -------
    D : ndarray, shape (n_x, n_y)
        ``D[i, j] = dist(X[i], Y[j])``.

    Raises
    ------
    ValueError
        Unknown metric (the message lists the valid names), mismatched column
        counts, bad keyword arguments, a zero row with 'cosine'.

    Notes
    -----
    * euclidean: ``D_ij^2 = ||x_i||^2 + ||y_j||^2 - 2 x_i . y_j`` -- one matrix
      product, as scikit-learn.  Rounding can make the expression slightly
      negative for nearly equal rows, so it is clipped at 0, and the diagonal
      is set to exactly 0 when ``Y`` is None.  The formula cancels for close
      points (absolute error about ``eps (||x||^2 + ||y||^2)``); float32 input
      is computed in float64, and data with entries beyond 1e150 (or below
      1e-150) is rescaled first.
    * cosine: ``1 - (x_i/||x_i||) . (y_j/||y_j||)``, clipped to ``[0, 2]``.
    * manhattan, chebyshev, minkowski: ``|x_i - y_j|`` by broadcasting over row
      chunks of at most ~2^18 entries (cache-sized), so memory stays bounded.
    * mahalanobis: with ``cov = L L^T`` the rows are whitened by one
      triangular solve (``L Z^T = X^T``) and the euclidean distance of the
      whitened rows is taken by broadcasting; with ``VI`` the quadratic form
      ``d^T VI d`` is evaluated per chunk.

    References
    ----------
    sklearn.metrics.pairwise_distances; scipy.spatial.distance.cdist.

    Examples
    --------
    >>> X = [[0, 0], [3, 4]]
    >>> pairwise_distances(X)
    array([[0., 5.],
           [5., 0.]])
    >>> pairwise_distances(X, [[0, 1]], metric="manhattan")
    array([[1.],
           [6.]])
    """
    if not isinstance(metric, str):
        raise ValueError(f"metric must be a string, one of {', '.join(map(repr, _METRICS))}; "
                         f"got {metric!r}")
    check_option(metric, "metric", _METRICS)
    metric = _ALIASES.get(metric, metric)
    X = as_float_array(X, "X", ndim=2)
    same = Y is None
    if same:
        Y = X
    else:
        Y = as_float_array(Y, "Y", ndim=2)
        if Y.shape[1] != X.shape[1]:
            raise ValueError(f"X and Y must have the same number of columns, got shapes "
                             f"{X.shape} and {Y.shape}")
        dt = np.result_type(X.dtype, Y.dtype)
        X, Y = X.astype(dt, copy=False), Y.astype(dt, copy=False)
    allowed = {"minkowski": {"p"}, "mahalanobis": {"cov", "VI"}}.get(metric, set())
    extra = set(kwds) - allowed
    if extra:
        raise ValueError(f"unexpected keyword argument(s) {sorted(extra)} for metric "
                         f"{metric!r}; allowed: {sorted(allowed) or 'none'}")

    if metric in ("euclidean", "sqeuclidean"):
        D = _euclidean_matrix(X, Y, same, squared=metric == "sqeuclidean")
        formula = "D_ij^2 = ||x_i||^2 + ||y_j||^2 - 2 x_i . y_j"
    elif metric == "manhattan":
        D = _chunked(X, Y, _minkowski_block(1.0))
        formula = "D_ij = sum_k |x_ik - y_jk|"
    elif metric == "chebyshev":
        D = _chunked(X, Y, _minkowski_block(np.inf))
        formula = "D_ij = max_k |x_ik - y_jk|"
    elif metric == "minkowski":
        p = _check_p(kwds.get("p", 2))
        D = _chunked(X, Y, _minkowski_block(p))
        formula = f"D_ij = (sum_k |x_ik - y_jk|^p)^(1/p), p = {p}"
    elif metric == "cosine":
        D = _cosine_matrix(X, Y, same)
        formula = "D_ij = 1 - x_i . y_j / (||x_i|| ||y_j||)"
    else:
        D = _mahalanobis_matrix(X, Y, same, kwds.get("cov"), kwds.get("VI"))
        formula = "D_ij = sqrt((x_i - y_j)^T cov^{-1} (x_i - y_j))"
    if same and metric != "sqeuclidean" and D.size:
        np.fill_diagonal(D, 0)
    if active():
        step(f"Pairwise {metric} distances", formula, X=X, Y=Y, D=D)
    return D


def _cosine_matrix(X, Y, same):
    def units(Z, name):
        nz = _sumsq_scaled(Z, 1)
        zero = np.flatnonzero(nz == 0)
        if zero.size:
            raise ValueError(f"{name} row {int(zero[0])} is the zero vector; cosine distance "
                             "is undefined")
        return Z / nz[:, None]
    Xh = units(X, "X")
    Yh = Xh if same else units(Y, "Y")
    S = Xh @ Yh.T
    np.clip(S, -1.0, 1.0, out=S)
    D = 1.0 - S
    return D


def _mahalanobis_matrix(X, Y, same, cov, VI):
    k = X.shape[1]
    if cov is not None and VI is not None:
        raise ValueError("give at most one of cov (covariance) and VI (inverse covariance)")
    if VI is not None:
        M = _check_cov(VI, k, "VI")

        def reduce(diff):
            q = np.einsum("ijk,ijk->ij", diff @ M, diff)
            np.maximum(q, 0, out=q)
            return np.sqrt(q)
        return _chunked(X, Y, reduce)
    if cov is None:
        Z = X if same else np.vstack([X, Y])
        if Z.shape[0] < 2:
            raise ValueError("need at least 2 rows in X and Y to estimate the covariance "
                             "for metric='mahalanobis'; pass cov or VI")
        Zc = Z - Z.mean(axis=0)
        C = (Zc.T @ Zc) / (Z.shape[0] - 1)
    else:
        C = _check_cov(cov, k, "cov")
    from mathforml.linalg.triangular import solve_triangular

    L = _cholesky_lower(C)
    Xw = solve_triangular(L, X.T.astype(L.dtype, copy=False), lower=True).T
    Yw = Xw if same else solve_triangular(L, Y.T.astype(L.dtype, copy=False), lower=True).T
    return _chunked(np.ascontiguousarray(Xw), np.ascontiguousarray(Yw), _minkowski_block(2.0))


# ---------------------------------------------------------------------------
# Angles and projections
# ---------------------------------------------------------------------------
def angle(u, v, degrees=False):
    r"""Angle between two non-zero vectors, accurate for every angle.

    Parameters
    ----------
    u, v : array_like, shape (n,)
        Non-zero vectors of equal length.
    degrees : bool, default False
        Return degrees instead of radians.

    Returns
    -------
    theta : float
        The angle in ``[0, pi]`` (or ``[0, 180]``).

    Raises
    ------
    ValueError
        If a vector is zero (named in the message) or the lengths differ.

    Notes
    -----
    Kahan's formula: with unit vectors ``a = u/||u||`` and ``b = v/||v||``,
    ``theta = 2 atan2(||a - b||, ||a + b||)``.  ``arccos(a . b)`` loses about
    half the digits near 0 and pi (there ``cos`` is flat: ``cos(1e-9)``
    rounds to 1); Kahan's formula keeps full accuracy everywhere.  It is exact
    for parallel vectors (``a - b = 0``) and antiparallel ones (``a + b = 0``);
    when the dot product ``u . v`` is exactly zero the result is exactly
    ``pi/2``.

    References
    ----------
    W. Kahan, "How futile are mindless assessments of roundoff in
    floating-point computation?" (2006), section 12.

    Examples
    --------
    >>> float(angle([1, 0], [0, 3], degrees=True))
    90.0
    >>> float(angle([1, 1], [2, 2])), float(angle([1, 2], [-1, -2], degrees=True))
    (0.0, 180.0)
    >>> round(float(angle([1, 0], [1, 1], degrees=True)), 12)
    45.0
    """
    u, v = _pair(u, v)
    a, nu = _unit(u, "u", "the angle")
    b, nv = _unit(v, "v", "the angle")
    uv = float(u @ v) if math.isfinite(float(u @ v)) else float(a @ b)
    if uv == 0.0:
        theta = math.pi / 2
        n_minus = n_plus = None
    else:
        n_minus = vector_norm2(a - b)
        n_plus = vector_norm2(a + b)
        theta = 2.0 * math.atan2(n_minus, n_plus)
    result = math.degrees(theta) if degrees else theta
    result = _scalar(result, u.dtype)
    if active():
        step("Unit vectors", "a = u/||u||, b = v/||v||", norm_u=nu, norm_v=nv, a=a, b=b)
        if n_minus is None:
            step("Dot product is exactly zero: orthogonal", "u . v = 0", theta=theta)
        else:
            step("Kahan's formula", "theta = 2 atan2(||a - b||, ||a + b||)",
                 norm_a_minus_b=n_minus, norm_a_plus_b=n_plus, theta=theta)
        if degrees:
            step("In degrees", "theta * 180 / pi", degrees=result)
    return result


def project(u, onto):
    r"""Orthogonal projection of ``u`` onto the line spanned by the vector ``onto``.

    Parameters
    ----------
    u : array_like, shape (n,)
    onto : array_like, shape (n,)
        Non-zero direction vector ``v``.

    Returns
    -------
    p : ndarray, shape (n,)
        ``(u . v / v . v) v``; ``u - p`` is orthogonal to ``v``.

    Raises
    ------
    ValueError
        If ``onto`` is the zero vector or the lengths differ.

    Notes
    -----
    ``p = (u . v / v . v) v``, evaluated as ``(u . vh) vh`` with the unit
    vector ``vh = v/||v||`` so nothing overflows.  The residual ``r = u - p``
    satisfies ``r . v = 0`` up to rounding.

    References
    ----------
    G. Strang, *Introduction to Linear Algebra*, 5th ed., section 4.2.

    Examples
    --------
    >>> project([2, 3], [1, 0])
    array([2., 0.])
    >>> project([1, 2], [1, 1])              # (3 / 2) [1, 1]
    array([1.5, 1.5])
    """
    u, v = _pair(u, onto, "u", "onto")
    vh, nv = _unit(v, "onto", "the projection")
    c = u @ vh
    p = c * vh
    if active():
        r = u - p
        step("Coefficient", "c = u . v / v . v", u=u, v=v, dot_uv=float(u @ v),
             dot_vv=float(v @ v), coefficient=float(c) / nv)
        step("Projection and residual", "p = c v, r = u - p (r . v = 0)", p=p, residual=r,
             residual_dot_v=float(r @ v))
    return p


def _orthonormal_basis(A: np.ndarray) -> np.ndarray:
    """Orthonormal basis of col(A): Householder QR, or MGS for rank-deficient A."""
    m, k = A.shape
    if k == 0 or m == 0:
        return np.zeros((m, 0), dtype=A.dtype)
    try:
        from mathforml.linalg.qr import qr
    except ImportError:  # qr not available: modified Gram-Schmidt twice
        return gram_schmidt(A, reorthogonalize=True)
    if k <= m:
        Q, R = qr(A, mode="reduced")
        d = np.abs(np.diagonal(R))
        if np.min(d) > max(m, k) * eps_of(A.dtype) * np.max(d):
            return Q
    # rank-deficient (or more columns than rows): MGS with column dropping
    return gram_schmidt(A, reorthogonalize=True)


def project_onto_subspace(b, A):
    r"""Orthogonal projection of ``b`` onto the column space of ``A``.

    Parameters
    ----------
    b : array_like, shape (m,) or (m, k)
        Vector (or columns of vectors) to project.
    A : array_like, shape (m, n)
        Its columns span the subspace (they need not be independent).

    Returns
    -------
    p : ndarray, same shape as ``b``
        The point of ``col(A)`` closest to ``b``; the residual ``b - p`` is
        orthogonal to every column of ``A``.

    Raises
    ------
    ValueError
        If the row counts of ``A`` and ``b`` differ.

    Notes
    -----
    With an orthonormal basis ``Q`` of ``col(A)``, ``p = Q (Q^T b)`` -- the
    same as ``A (A^T A)^{-1} A^T b`` for independent columns, without forming
    ``A^T A`` (which squares the condition number).  ``Q`` comes from
    Householder QR (:func:`mathforml.linalg.qr.qr`); if ``R`` has a diagonal
    entry below ``max(m, n) eps max|R_ii|`` (dependent columns) the basis is
    built instead by :func:`gram_schmidt` with reorthogonalisation, which drops
    dependent columns.

    References
    ----------
    G. Strang, *Introduction to Linear Algebra*, 5th ed., section 4.2;
    Golub and Van Loan, *Matrix Computations*, 4th ed., section 5.3.

    Examples
    --------
    Project onto the xy-plane in R^3:

    >>> project_onto_subspace([1, 2, 3], [[1, 0], [0, 1], [0, 0]])
    array([1., 2., 0.])
    """
    A = as_float_array(A, "A", ndim=2)
    b = as_float_array(b, "b", ndim=(1, 2))
    if b.shape[0] != A.shape[0]:
        raise ValueError(f"shapes do not match: A has shape {A.shape} but b has shape "
                         f"{b.shape}; b needs {A.shape[0]} rows")
    dt = np.result_type(A.dtype, b.dtype)
    A, b = A.astype(dt, copy=False), b.astype(dt, copy=False)
    Q = _orthonormal_basis(A)
    c = Q.T @ b
    p = Q @ c
    if active():
        r = b - p
        step("Orthonormal basis of col(A)", "A = Q R (Q^T Q = I)", A=A, Q=Q, rank=Q.shape[1])
        step("Coordinates in the basis", "c = Q^T b", b=b, c=c)
        step("Projection and residual", "p = Q c, r = b - p", p=p, residual=r)
        step("The residual is orthogonal to the columns", "A^T r = 0", A_T_r=A.T @ r)
    return p


# ---------------------------------------------------------------------------
# Gram-Schmidt and linear independence
# ---------------------------------------------------------------------------
def _as_columns(vectors, name: str) -> np.ndarray:
    if isinstance(vectors, (list, tuple)) and len(vectors) and all(
            np.ndim(v) == 1 for v in vectors):
        lengths = {len(v) for v in vectors}
        if len(lengths) != 1:
            raise ValueError(f"{name}: all vectors must have the same length, got lengths "
                             f"{sorted(lengths)}")
        return as_float_array(np.column_stack([as_float_array(v, name) for v in vectors]),
                              name, ndim=2)
    return as_float_array(vectors, name, ndim=2)


def _mgs(A: np.ndarray, tol, reorthogonalize: bool):
    """Right-looking modified Gram-Schmidt; returns (Q, kept column indices)."""
    m, n = A.shape
    tol = max(m, n, 1) * eps_of(A.dtype) * 10 if tol is None else check_real(
        tol, "tol", nonnegative=True)
    V = np.array(A, dtype=A.dtype, copy=True, order="F")
    col_norms = _sumsq_scaled(A, 0) if n else np.zeros(0, A.dtype)
    Q = np.empty((m, min(m, n)), dtype=A.dtype)
    R = np.zeros((min(m, n), n), dtype=A.dtype)
    kept = []
    explain = active()
    for j in range(n):
        r = len(kept)
        v = V[:, j]
        if reorthogonalize and r:
            # second pass ("twice is enough"): v -= Q (Q^T v)
            c = Q[:, :r].T @ v
            v -= Q[:, :r] @ c
            R[:r, j] += c
        rjj = vector_norm2(v)
        drop = rjj <= tol * col_norms[j] or r == m
        if explain:
            step(f"Column {j}", "v_j = a_j - sum_i (q_i . v) q_i; keep if ||v_j|| > tol ||a_j||",
                 iteration=j, coefficients=R[:r, j].copy(), residual_norm=rjj,
                 column_norm=float(col_norms[j]), kept=not drop)
        if drop:
            continue
        q = v / rjj
        Q[:, r] = q
        R[r, j] = rjj
        kept.append(j)
        if j + 1 < n:
            # modified GS: orthogonalise every later column against q right away
            coef = q @ V[:, j + 1:]
            R[r, j + 1:] = coef
            V[:, j + 1:] -= np.outer(q, coef)
    return Q[:, :len(kept)], kept, tol


def gram_schmidt(A, tol=None, reorthogonalize=False):
    r"""Orthonormal basis of the span of the columns of ``A`` by modified Gram--Schmidt.

    Parameters
    ----------
    A : array_like, shape (m, n)
        Columns ``a_0, ..., a_{n-1}``.
    tol : float, optional
        Relative drop tolerance: column ``j`` is dropped when its residual
        norm after orthogonalisation is ``<= tol ||a_j||`` (so zero columns and
        columns in the span of the earlier ones are dropped).  Default
        ``10 max(m, n) eps``.
    reorthogonalize : bool, default False
        Orthogonalise each column a second time against the basis so far
        ("twice is enough"); keeps ``Q`` orthonormal to working precision
        even for ill-conditioned ``A``.

    Returns
    -------
    Q : ndarray, shape (m, r)
        Orthonormal columns (``Q^T Q = I``) spanning the kept columns of
        ``A``; ``r <= min(m, n)``.

    Raises
    ------
    ValueError
        For ``A`` that is not 2-D, NaN/inf, or a negative ``tol``.

    Notes
    -----
    For ``j = 0, 1, ...``: ``q_j = v_j / ||v_j||`` and then, *modified*
    Gram--Schmidt, every later column is updated at once,
    ``v_k <- v_k - (q_j . v_k) q_j`` for ``k > j`` (one vector-matrix
    product per column).  Mathematically this equals classical GS
    (``r_ij = q_i . a_j``) but the loss of orthogonality is about
    ``eps cond(A)`` instead of ``eps cond(A)^2``.  The coefficients
    ``r_ij`` form the ``R`` of ``A = Q R``.

    References
    ----------
    Å. Björck, *Numerical Methods for Least Squares Problems* (1996), 2.4.
    L. Giraud et al., "Rounding error analysis of the classical Gram-Schmidt
    orthogonalization process", Numer. Math. 101 (2005).

    Examples
    --------
    >>> Q = gram_schmidt([[3, 1], [4, 7]])
    >>> Q[:, 0]                              # [3, 4] / 5
    array([0.6, 0.8])
    >>> bool(np.allclose(Q[:, 1], [-0.8, 0.6]))
    True
    >>> gram_schmidt([[1, 2], [1, 2]]).shape  # second column dependent
    (2, 1)
    """
    A = as_float_array(A, "A", ndim=2)
    with section("Modified Gram-Schmidt"):
        Q, kept, tol = _mgs(A, tol, reorthogonalize)
        step("Orthonormal basis", "Q^T Q = I", Q=Q, kept_columns=kept, tol=tol)
    return Q


def linearly_independent(vectors, tol=None):
    r"""Whether the given vectors are linearly independent.

    Parameters
    ----------
    vectors : ndarray of shape (m, n), or a list/tuple of n vectors of length m
        A 2-D ndarray is read column by column (its columns are the
        vectors); a list or tuple is read item by item (each item is one
        vector, so ``[[1, 2, 3], [2, 4, 6]]`` is two vectors of length 3).
    tol : float, optional
        Relative tolerance, as in :func:`gram_schmidt`.

    Returns
    -------
    independent : bool
        True when no vector lies (numerically) in the span of the others.

    Notes
    -----
    Runs :func:`gram_schmidt` with reorthogonalisation; the vectors are
    independent when no column is dropped, i.e. every residual
    ``||a_j - sum_{i<j} r_ij q_i||`` exceeds ``tol ||a_j||``.  More than ``m``
    vectors in R^m are always dependent.  The empty set is independent.

    References
    ----------
    G. Strang, *Introduction to Linear Algebra*, 5th ed., section 3.4.

    Examples
    --------
    >>> linearly_independent([[1, 0, 0], [0, 1, 0]])
    True
    >>> linearly_independent([[1, 2, 3], [2, 4, 6]])
    False
    """
    A = _as_columns(vectors, "vectors")
    with section("Linear independence by modified Gram-Schmidt"):
        Q, kept, tol = _mgs(A, tol, True)
        result = len(kept) == A.shape[1]
        step("Verdict", "independent <=> every residual ||v_j|| > tol ||a_j||",
             n_vectors=A.shape[1], n_kept=len(kept), independent=result)
    return result
