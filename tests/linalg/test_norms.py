"""Tests for mathforml.linalg.norms against numpy.linalg, scipy.spatial.distance and sklearn."""
import math

import numpy as np
import pytest
import scipy.spatial.distance as ssd
from hypothesis import given, settings, strategies as st
from hypothesis.extra import numpy as hnp
from sklearn.metrics import pairwise_distances as sk_pairwise_distances

import mathforml.linalg.norms as norms_mod
from mathforml.explain import explain
from mathforml.linalg.norms import (
    angle, chebyshev, cosine_distance, cosine_similarity, dot, euclidean, gram_schmidt,
    linearly_independent, mahalanobis, manhattan, minkowski, norm, pairwise_distances, project,
    project_onto_subspace,
)
from tests.linalg import gallery

EPS = np.finfo(np.float64).eps
EPS32 = np.finfo(np.float32).eps
INF = np.inf


def rnd(*shape, seed=0):
    return np.random.default_rng(seed).standard_normal(shape)


def _has(module, name):
    try:
        mod = __import__(f"mathforml.linalg.{module}", fromlist=[name])
        return hasattr(mod, name)
    except ImportError:
        return False


needs_svd = pytest.mark.skipif(not _has("svd", "svdvals"),
                               reason="mathforml.linalg.svd.svdvals not available yet")
needs_cholesky = pytest.mark.skipif(not _has("cholesky", "cholesky"),
                                    reason="mathforml.linalg.cholesky not available yet")
SVD_ORDS = {"nuc", 2, -2}


# ---------------------------------------------------------------------------
# dot
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("sa,sb", [((5,), (5,)), ((1,), (1,)), ((0,), (0,)), ((4, 3), (3,)),
                                   ((3,), (3, 4)), ((5, 3), (3, 7)), ((1, 1), (1, 1)),
                                   ((64, 100), (100, 33)), ((0, 3), (3, 2))])
def test_dot_matches_numpy(sa, sb):
    a, b = rnd(*sa, seed=1), rnd(*sb, seed=2)
    c = dot(a, b)
    ref = np.dot(a, b)
    assert np.shape(c) == np.shape(ref)
    np.testing.assert_allclose(c, ref, rtol=1e-13, atol=1e-13)


def test_dot_house_price_and_layer():
    assert dot([3, 2, 1500], [10, 5, 0.2]) == 340.0
    X = np.array([[1.0, 2.0], [3.0, 4.0]])
    W = np.array([[1.0, 0.0, 2.0], [0.0, 1.0, -1.0]])
    b = np.array([0.5, 0.5, 0.5])
    Z = dot(X, W) + b
    np.testing.assert_array_equal(Z, [[1.5, 2.5, 0.5], [3.5, 4.5, 2.5]])


def test_dot_dtypes():
    a32 = np.arange(3, dtype=np.float32)
    assert dot(a32, a32).dtype == np.float32
    assert dot(np.ones((2, 3), np.float32), a32).dtype == np.float32
    assert dot(a32, np.arange(3.0)).dtype == np.float64
    assert dot([1, 2], [3, 4]) == 11.0 and dot([1, 2], [3, 4]).dtype == np.float64


def test_dot_bad_input():
    with pytest.raises(ValueError, match=r"shapes \(3,\) and \(2,\) not aligned.*3 entries.*2 entries"):
        dot([1, 2, 3], [1, 2])
    with pytest.raises(ValueError, match=r"shapes \(2, 3\) and \(2, 2\) not aligned.*3 columns.*2 rows"):
        dot(np.ones((2, 3)), np.ones((2, 2)))
    with pytest.raises(ValueError, match=r"a must be 1-D or 2-D.*shape \(2, 2, 2\)"):
        dot(np.ones((2, 2, 2)), np.ones(2))
    with pytest.raises(ValueError, match="b contains NaN or infinity"):
        dot([1.0, 2.0], [1.0, np.nan])
    with pytest.raises(TypeError, match="complex"):
        dot([1j, 2], [1, 2])


def test_dot_explain_products_and_sum():
    with explain() as work:
        c = dot([3, 2, 1500], [10, 5, 0.2])
    (s,) = work.steps
    np.testing.assert_array_equal(s.values["products"], [30.0, 10.0, 300.0])
    assert s.values["sum"] == 340.0 == c
    assert "a . b" in s.formula


# ---------------------------------------------------------------------------
# norm: vectors
# ---------------------------------------------------------------------------
VECTOR_ORDS = [None, 2, 1, INF, -INF, 0, 3, 0.5, 1.5, -1, -2, -0.5, 7]


@pytest.mark.parametrize("ord", VECTOR_ORDS)
@pytest.mark.parametrize("n", [1, 2, 5, 17, 300])
def test_vector_norm_matches_numpy(ord, n):
    x = rnd(n, seed=n)
    x[0] = 0.0 if ord == 0 and n > 1 else x[0]
    r = norm(x, ord)
    ref = np.linalg.norm(x, ord)
    assert np.ndim(r) == 0 and r.dtype == np.float64
    np.testing.assert_allclose(r, ref, rtol=4 * n * EPS if ord not in (0, INF, -INF) else 0)


@pytest.mark.filterwarnings("ignore:divide by zero:RuntimeWarning")  # numpy, negative p
@pytest.mark.parametrize("ord", VECTOR_ORDS)
@pytest.mark.parametrize("axis", [0, 1, 2, -1])
@pytest.mark.parametrize("keepdims", [False, True])
def test_vector_norm_along_axis(ord, axis, keepdims):
    x = rnd(4, 5, 6, seed=3)
    x[1, 2, 3] = 0.0
    r = norm(x, ord, axis=axis, keepdims=keepdims)
    ref = np.linalg.norm(x, ord, axis=axis, keepdims=keepdims)
    assert r.shape == ref.shape and r.dtype == ref.dtype
    np.testing.assert_allclose(r, ref, rtol=1e-13)


@pytest.mark.parametrize("ord", [None, 2, 1, INF, 3, -1])
def test_vector_norm_1d_axis_and_keepdims(ord):
    x = rnd(7, seed=4)
    for kw in ({"axis": 0}, {"axis": -1}, {"axis": (0,)}, {"keepdims": True},
               {"axis": 0, "keepdims": True}):
        r = norm(x, ord, **kw)
        ref = np.linalg.norm(x, ord, **kw)
        assert np.shape(r) == np.shape(ref)
        np.testing.assert_allclose(r, ref, rtol=1e-13)


def test_norm_none_flattens_nd_and_scalar():
    x = rnd(3, 4, 5, seed=5)
    np.testing.assert_allclose(norm(x), np.linalg.norm(x), rtol=1e-14)
    assert norm(x, keepdims=True).shape == np.linalg.norm(x, keepdims=True).shape == (1, 1, 1)
    assert norm(-3.0) == 3.0
    assert norm(np.ones((2, 2)), keepdims=True).shape == (1, 1)


@pytest.mark.parametrize("scale", [1e-300, 1e300, 1e-170, 1e170, 5e-324 * 2 ** 10])
@pytest.mark.parametrize("ord", [None, 2, 1, INF, 3, 0.5, -1, -2, 1.5])
def test_vector_norm_extreme_values(scale, ord):
    """Scaled norms: no overflow/underflow where the naive formula fails."""
    y = np.array([3.0, 4.0, 1.0, 2.0])
    x = y * scale
    ref = scale * np.linalg.norm(y, ord)  # exact scaling of a benign norm
    np.testing.assert_allclose(norm(x, ord), ref, rtol=1e-13 if scale > 1e-300 else 1e-3)
    # along an axis, mixing an extreme row with an ordinary one
    X = np.vstack([x, y])
    refs = [ref, np.linalg.norm(y, ord)]
    np.testing.assert_allclose(norm(X, ord, axis=1), refs, rtol=1e-13 if scale > 1e-300 else 1e-3)


def test_vector_norm_naive_overflow_is_avoided():
    x = np.array([3e300, 4e300])
    with np.errstate(over="ignore"):
        assert not np.isfinite(np.sqrt(np.sum(x * x)))  # the naive formula overflows
    assert norm(x) == 5e300
    assert norm(np.array([3e-300, 4e-300])) == pytest.approx(5e-300, rel=1e-15)
    np.testing.assert_allclose(norm(np.array([[3e300, 4e300], [3e-300, 4e-300]]), axis=1),
                               [5e300, 5e-300], rtol=1e-15)
    np.testing.assert_allclose(norm(np.array([[3e300, 4e300], [3e-300, 4e-300]]), "fro"), 5e300,
                               rtol=1e-15)
    f = np.array([3e30, 4e30], dtype=np.float32)  # squares overflow float32
    r = norm(f)
    assert r.dtype == np.float32 and r == pytest.approx(5e30, rel=1e-6)
    np.testing.assert_allclose(norm(f[None, :], axis=1), [5e30], rtol=1e-6)
    # p-norms: |x|^p overflows naively
    assert norm([1e300, 1e300], 3) == pytest.approx(2 ** (1 / 3) * 1e300, rel=1e-14)
    assert norm([1e-200, 1.0], -2) == pytest.approx(1e-200, rel=1e-14)


def test_vector_norm_float32():
    x = rnd(50, seed=6).astype(np.float32)
    for ord in VECTOR_ORDS:
        r = norm(x, ord)
        assert r.dtype == np.float32, ord
        np.testing.assert_allclose(r, np.linalg.norm(x.astype(np.float64), ord), rtol=50 * EPS32)
    assert norm(x.reshape(5, 10), axis=1).dtype == np.float32


@pytest.mark.parametrize("ord", [None, 2, 1, INF, 0, 3, 0.5])
def test_vector_norm_empty(ord):
    r = norm(np.array([]), ord)
    assert r == np.linalg.norm(np.array([]), ord) == 0.0
    np.testing.assert_array_equal(norm(np.zeros((0, 3)), ord, axis=0),
                                  np.linalg.norm(np.zeros((0, 3)), ord, axis=0))
    assert norm(np.zeros((0, 3)), ord, axis=1).shape == (0,)


def test_vector_norm_hand_values():
    assert norm([3, 4]) == 5.0
    assert norm([3, -4], 1) == 7.0
    assert norm([3, -4], INF) == 4.0
    assert norm([3, -4], -INF) == 3.0
    assert norm([0, 3, 0, -1], 0) == 2.0
    assert norm([1, 1], 0.5) == 4.0          # (1 + 1)^2
    assert norm([2, 2], -1) == 1.0           # (1/2 + 1/2)^-1
    assert norm([0, 2], -1) == 0.0           # a zero entry makes negative-p norms 0


# ---------------------------------------------------------------------------
# norm: matrices
# ---------------------------------------------------------------------------
MATRIX_ORDS = [None, "fro", "nuc", 1, -1, 2, -2, INF, -INF]


def _matrix_ord_params():
    return [pytest.param(o, marks=needs_svd) if o in SVD_ORDS else o for o in MATRIX_ORDS]


@pytest.mark.parametrize("ord", _matrix_ord_params())
@pytest.mark.parametrize("shape", [(1, 1), (1, 3), (3, 1), (5, 3), (3, 5), (8, 8), (40, 7),
                                   (64, 100)])
def test_matrix_norm_matches_numpy(ord, shape):
    A = rnd(*shape, seed=sum(shape))
    r = norm(A, ord)
    ref = np.linalg.norm(A, ord)
    assert np.ndim(r) == 0 and r.dtype == np.float64
    tol = 50 * max(shape) * EPS if ord in SVD_ORDS else 4 * A.size * EPS
    np.testing.assert_allclose(r, ref, rtol=tol)


@pytest.mark.parametrize("ord", _matrix_ord_params())
@pytest.mark.parametrize("axis", [(0, 1), (1, 0), (0, 2), (2, 1), (-1, -3)])
@pytest.mark.parametrize("keepdims", [False, True])
def test_matrix_norm_axis_pairs(ord, axis, keepdims):
    x = rnd(3, 4, 5, seed=7)
    r = norm(x, ord, axis=axis, keepdims=keepdims)
    ref = np.linalg.norm(x, ord, axis=axis, keepdims=keepdims)
    assert r.shape == ref.shape
    np.testing.assert_allclose(r, ref, rtol=1e-12)


@pytest.mark.parametrize("ord", _matrix_ord_params())
def test_matrix_norm_keepdims_2d_and_float32(ord):
    A = rnd(4, 6, seed=8)
    r = norm(A, ord, keepdims=True)
    ref = np.linalg.norm(A, ord, keepdims=True)
    assert r.shape == ref.shape == (1, 1)
    np.testing.assert_allclose(r, ref, rtol=1e-12)
    A32 = A.astype(np.float32)
    r32 = norm(A32, ord)
    assert r32.dtype == np.float32
    np.testing.assert_allclose(r32, np.linalg.norm(A32.astype(np.float64), ord), rtol=100 * EPS32)


@pytest.mark.parametrize("ord", _matrix_ord_params())
@pytest.mark.parametrize("name", sorted(gallery.HARD_SQUARE))
def test_matrix_norm_gallery(ord, name):
    A = gallery.HARD_SQUARE[name]
    ref = np.linalg.norm(A, ord)
    r = norm(A, ord)
    if ord == -2:  # sigma_min of an ill-conditioned matrix: absolute accuracy eps * sigma_max
        assert abs(r - ref) <= 100 * A.shape[0] * EPS * np.linalg.norm(A, 2)
    else:
        np.testing.assert_allclose(r, ref, rtol=100 * A.shape[0] * EPS)


def test_matrix_norm_extreme_values():
    A = np.array([[3.0, 0.0], [0.0, 4.0]])
    for s in (1e300, 1e-300):
        assert norm(A * s, "fro") == pytest.approx(5 * s, rel=1e-14)
        assert norm(A * s) == pytest.approx(5 * s, rel=1e-14)
        assert norm(A * s, 1) == pytest.approx(4 * s, rel=1e-14)
        assert norm(A * s, INF) == pytest.approx(4 * s, rel=1e-14)


def test_matrix_norm_hand_values():
    A = [[1, -2], [3, 4]]
    assert norm(A, 1) == 6.0        # column sums 4, 6
    assert norm(A, -1) == 4.0
    assert norm(A, INF) == 7.0      # row sums 3, 7
    assert norm(A, -INF) == 3.0
    assert norm(A, "fro") == math.sqrt(30.0)


@pytest.mark.parametrize("ord", [None, "fro", 1, INF, pytest.param("nuc", marks=needs_svd),
                                 pytest.param(2, marks=needs_svd)])
@pytest.mark.parametrize("shape", [(0, 3), (3, 0), (0, 0)])
def test_matrix_norm_empty(ord, shape):
    assert norm(np.zeros(shape), ord) == np.linalg.norm(np.zeros(shape), ord) == 0.0


def test_norm_bad_input():
    with pytest.raises(ValueError, match=r"invalid norm order 'fro' for vectors; valid orders"):
        norm([1.0, 2.0], "fro")
    with pytest.raises(ValueError, match=r"invalid norm order 3 for matrices; valid orders are "
                                         r"None, 'fro', 'nuc', 1, -1, 2, -2, inf, -inf"):
        norm(np.eye(2), 3)
    with pytest.raises(ValueError, match=r"invalid norm order 'abc'"):
        norm(np.eye(2), "abc")
    with pytest.raises(ValueError, match=r"invalid norm order 0 for matrices"):
        norm(np.eye(2), 0)
    with pytest.raises(ValueError, match="Improper number of dimensions.*shape \\(2, 2, 2\\)"):
        norm(np.ones((2, 2, 2)), 1)
    with pytest.raises(ValueError, match="x contains NaN or infinity"):
        norm([1.0, np.inf])
    with pytest.raises(TypeError, match="complex"):
        norm(np.array([1 + 2j]))
    with pytest.raises(ValueError, match="out of bounds"):
        norm(np.ones(3), axis=1)
    with pytest.raises(ValueError, match="duplicate axes"):
        norm(np.ones((2, 2)), axis=(0, 0))
    with pytest.raises(ValueError, match="1 or 2 axes"):
        norm(np.ones((2, 2, 2)), axis=(0, 1, 2))
    with pytest.raises(ValueError, match="invalid norm order"):
        norm([1.0, 2.0], float("nan"))


def test_norm_explain_two_norm():
    with explain() as work:
        r = norm([3, 4])
    first, second = work.steps
    np.testing.assert_array_equal(first.values["squares"], [9.0, 16.0])
    assert first.values["sum_of_squares"] == 25.0
    assert second.values["norm"] == 5.0 == r


def test_norm_explain_p_norm():
    with explain() as work:
        norm([1, 2], 3)
    np.testing.assert_array_equal(work.steps[0].values["powers"], [1.0, 8.0])
    assert work.steps[0].values["sum"] == 9.0
    assert work.steps[1].values["norm"] == pytest.approx(9 ** (1 / 3), rel=1e-15)


# ---------------------------------------------------------------------------
# distances between two vectors
# ---------------------------------------------------------------------------
PAIRS = [(rnd(n, seed=n), rnd(n, seed=n + 100)) for n in (1, 2, 3, 10, 257)]


@pytest.mark.parametrize("u,v", PAIRS)
def test_distances_match_scipy(u, v):
    np.testing.assert_allclose(euclidean(u, v), ssd.euclidean(u, v), rtol=1e-14)
    np.testing.assert_allclose(manhattan(u, v), ssd.cityblock(u, v), rtol=1e-14)
    np.testing.assert_allclose(chebyshev(u, v), ssd.chebyshev(u, v), rtol=0)
    for p in (0.5, 1, 1.5, 2, 3, 10, INF):
        np.testing.assert_allclose(minkowski(u, v, p), ssd.minkowski(u, v, p), rtol=1e-13)
    np.testing.assert_allclose(cosine_distance(u, v), ssd.cosine(u, v), rtol=1e-13, atol=1e-15)
    np.testing.assert_allclose(cosine_similarity(u, v), 1 - ssd.cosine(u, v), rtol=1e-13,
                               atol=1e-15)
    n = u.shape[0]
    B = rnd(n, n, seed=9)
    cov = B @ B.T + n * np.eye(n)
    VI = np.linalg.inv(cov)
    np.testing.assert_allclose(mahalanobis(u, v, VI=VI), ssd.mahalanobis(u, v, VI), rtol=1e-12)


@needs_cholesky
@pytest.mark.parametrize("u,v", PAIRS)
def test_mahalanobis_cov_matches_scipy(u, v):
    n = u.shape[0]
    B = rnd(n, n, seed=9)
    cov = B @ B.T + n * np.eye(n)
    ref = ssd.mahalanobis(u, v, np.linalg.inv(cov))
    np.testing.assert_allclose(mahalanobis(u, v, cov=cov), ref, rtol=1e-11)


@needs_cholesky
def test_mahalanobis_cov_hand_and_errors():
    assert mahalanobis([2, 0], [0, 0], cov=[[4, 0], [0, 1]]) == 1.0
    assert mahalanobis([1, 1], [1, 1], cov=np.eye(2)) == 0.0
    from mathforml.exceptions import LinAlgError
    with pytest.raises(LinAlgError):
        mahalanobis([1, 0], [0, 0], cov=[[1.0, 2.0], [2.0, 1.0]])
    with pytest.raises(ValueError, match=r"cov must have shape \(2, 2\).*got shape \(3, 3\)"):
        mahalanobis([1, 0], [0, 0], cov=np.eye(3))


def test_mahalanobis_errors():
    with pytest.raises(ValueError, match="exactly one of cov"):
        mahalanobis([1, 0], [0, 0])
    with pytest.raises(ValueError, match="exactly one of cov"):
        mahalanobis([1, 0], [0, 0], cov=np.eye(2), VI=np.eye(2))
    with pytest.raises(ValueError, match=r"VI must have shape \(2, 2\)"):
        mahalanobis([1, 0], [0, 0], VI=np.eye(3))
    with pytest.raises(ValueError, match="VI is not positive semi-definite"):
        mahalanobis([1, 0], [0, 0], VI=-np.eye(2))


def test_distance_hand_values():
    assert euclidean([1, 2], [4, 6]) == 5.0
    assert manhattan([1, 2], [4, 6]) == 7.0
    assert chebyshev([1, 2], [4, 6]) == 4.0
    assert minkowski([0, 0], [3, 4], 2) == 5.0
    assert minkowski([0, 0], [3, 4], INF) == 4.0
    assert cosine_similarity([1, 0], [0, 5]) == 0.0
    assert cosine_distance([1, 0], [-2, 0]) == 2.0
    assert cosine_similarity([3, 4], [6, 8]) == 1.0


def test_distances_extreme_values():
    u, v = np.array([1e300, 0.0]), np.array([-1e300, 0.0])
    assert euclidean(u, v) == pytest.approx(2e300, rel=1e-15)   # u - v overflows naively
    assert manhattan(u, v) == pytest.approx(2e300, rel=1e-15)
    assert chebyshev(u, v) == pytest.approx(2e300, rel=1e-15)
    assert minkowski(u, v, 3) == pytest.approx(2e300, rel=1e-14)
    assert euclidean([3e-300, 0], [0, 4e-300]) == pytest.approx(5e-300, rel=1e-15)
    assert cosine_similarity([1e300, 1e300], [1e300, 0]) == pytest.approx(0.5 ** 0.5, rel=1e-15)
    assert cosine_similarity([1e-300, 1e-300], [1e-300, 0]) == pytest.approx(0.5 ** 0.5, rel=1e-15)


def test_distance_dtypes_and_empty():
    u32, v32 = np.array([1, 2], np.float32), np.array([4, 6], np.float32)
    for f in (euclidean, manhattan, chebyshev, minkowski, cosine_similarity, cosine_distance):
        assert f(u32, v32).dtype == np.float32, f.__name__
    assert mahalanobis(u32, v32, VI=np.eye(2, dtype=np.float32)).dtype == np.float32
    assert euclidean(u32, v32.astype(np.float64)).dtype == np.float64
    assert euclidean([], []) == 0.0 and manhattan([], []) == 0.0 and chebyshev([], []) == 0.0
    assert minkowski([], [], 3) == 0.0


def test_distance_bad_input():
    with pytest.raises(ValueError, match=r"u and v must have the same length, got shapes \(2,\) and \(3,\)"):
        euclidean([1, 2], [1, 2, 3])
    with pytest.raises(ValueError, match=r"p must be > 0.*p=0"):
        minkowski([1, 2], [3, 4], p=0)
    with pytest.raises(ValueError, match=r"p must be > 0.*p=-1"):
        minkowski([1, 2], [3, 4], p=-1)
    with pytest.raises(TypeError, match="p must be a real number"):
        minkowski([1, 2], [3, 4], p="2")
    with pytest.raises(ValueError, match="u is the zero vector"):
        cosine_similarity([0, 0], [1, 2])
    with pytest.raises(ValueError, match="v is the zero vector"):
        cosine_distance([1, 2], [0, 0])
    with pytest.raises(ValueError, match="u must be 1-D"):
        manhattan(np.ones((2, 2)), np.ones(2))
    with pytest.raises(ValueError, match="v contains NaN"):
        chebyshev([1.0, 2.0], [np.nan, 1.0])
    with pytest.raises(TypeError, match="complex"):
        euclidean([1j, 0], [0, 0])


def test_cosine_explain_shows_dot_norms_quotient():
    with explain() as work:
        s = cosine_similarity([1, 2, 2], [2, 0, 0])
    vals = {k: v for st_ in work.steps for k, v in st_.values.items()}
    assert vals["dot"] == 2.0
    assert vals["norm_u"] == 3.0 and vals["norm_v"] == 2.0
    assert vals["similarity"] == pytest.approx(2.0 / 6.0, rel=1e-15) and vals["similarity"] == s


def test_minkowski_explain():
    with explain() as work:
        d = minkowski([0, 0], [1, 2], p=3)
    np.testing.assert_array_equal(work.steps[0].values["abs_diff"], [1.0, 2.0])
    assert work.steps[1].values["sum"] == 9.0
    assert work.steps[-1].values["distance"] == d


# ---------------------------------------------------------------------------
# pairwise_distances
# ---------------------------------------------------------------------------
SK_METRICS = {"euclidean": "euclidean", "sqeuclidean": "sqeuclidean", "manhattan": "cityblock",
              "cityblock": "cityblock", "l1": "cityblock", "l2": "euclidean",
              "chebyshev": "chebyshev", "cosine": "cosine"}


@pytest.mark.parametrize("metric", sorted(SK_METRICS))
@pytest.mark.parametrize("nx,ny,d", [(1, 1, 1), (5, 3, 2), (40, 30, 7), (17, 65, 33)])
def test_pairwise_matches_cdist_and_sklearn(metric, nx, ny, d):
    X, Y = rnd(nx, d, seed=nx), rnd(ny, d, seed=ny + 1)
    D = pairwise_distances(X, Y, metric=metric)
    ref = ssd.cdist(X, Y, SK_METRICS[metric])
    assert D.shape == (nx, ny) and D.dtype == np.float64
    np.testing.assert_allclose(D, ref, rtol=1e-12, atol=1e-13)
    np.testing.assert_allclose(D, sk_pairwise_distances(X, Y, metric=metric), rtol=1e-12,
                               atol=1e-13)
    DX = pairwise_distances(X, metric=metric)
    np.testing.assert_allclose(DX, ssd.cdist(X, X, SK_METRICS[metric]), rtol=1e-12, atol=1e-7
                               if metric == "euclidean" else 1e-13)
    assert np.all(np.diag(DX) == 0)


@pytest.mark.parametrize("p", [0.5, 1, 1.5, 2, 3, INF])
def test_pairwise_minkowski(p):
    X, Y = rnd(20, 6, seed=1), rnd(9, 6, seed=2)
    D = pairwise_distances(X, Y, metric="minkowski", p=p)
    np.testing.assert_allclose(D, ssd.cdist(X, Y, "minkowski", p=p), rtol=1e-13)
    D2 = pairwise_distances(X, metric="minkowski", p=p)
    np.testing.assert_allclose(D2, ssd.cdist(X, X, "minkowski", p=p), rtol=1e-13, atol=1e-15)


def test_pairwise_mahalanobis_vi():
    X, Y = rnd(20, 4, seed=1), rnd(9, 4, seed=2)
    B = rnd(4, 4, seed=3)
    VI = np.linalg.inv(B @ B.T + np.eye(4))
    D = pairwise_distances(X, Y, metric="mahalanobis", VI=VI)
    np.testing.assert_allclose(D, ssd.cdist(X, Y, "mahalanobis", VI=VI), rtol=1e-12)


@needs_cholesky
def test_pairwise_mahalanobis_cov_and_default():
    X, Y = rnd(20, 4, seed=1), rnd(9, 4, seed=2)
    B = rnd(4, 4, seed=3)
    cov = B @ B.T + np.eye(4)
    D = pairwise_distances(X, Y, metric="mahalanobis", cov=cov)
    ref = ssd.cdist(X, Y, "mahalanobis", VI=np.linalg.inv(cov))
    np.testing.assert_allclose(D, ref, rtol=1e-11)
    # default: the sample covariance of the stacked rows, as cdist
    np.testing.assert_allclose(pairwise_distances(X, Y, metric="mahalanobis"),
                               ssd.cdist(X, Y, "mahalanobis"), rtol=1e-11)
    # Y None: the covariance of X alone, as pdist and scikit-learn
    DX = pairwise_distances(X, metric="mahalanobis")
    np.testing.assert_allclose(DX, ssd.squareform(ssd.pdist(X, "mahalanobis")), rtol=1e-11,
                               atol=1e-14)
    np.testing.assert_allclose(DX, sk_pairwise_distances(X, metric="mahalanobis"), rtol=1e-11,
                               atol=1e-14)


@pytest.mark.parametrize("metric", ["manhattan", "chebyshev", "minkowski", "euclidean", "cosine"])
def test_pairwise_chunking(metric, monkeypatch):
    """Tiny chunk budget: every chunk boundary case gives the same answer."""
    X, Y = rnd(23, 5, seed=4), rnd(11, 5, seed=5)
    ref = pairwise_distances(X, Y, metric=metric)
    monkeypatch.setattr(norms_mod, "_CHUNK_ENTRIES", 7)
    np.testing.assert_allclose(pairwise_distances(X, Y, metric=metric), ref, rtol=1e-14)


def test_pairwise_float32_and_extremes():
    X = rnd(30, 8, seed=6).astype(np.float32)
    for metric in ("euclidean", "manhattan", "cosine", "chebyshev"):
        D = pairwise_distances(X, metric=metric)
        assert D.dtype == np.float32, metric
        np.testing.assert_allclose(D, ssd.cdist(X.astype(np.float64), X.astype(np.float64),
                                                SK_METRICS[metric]), rtol=1e-5, atol=1e-5)
    Xb = np.array([[3e300, 0.0], [0.0, 4e300]])
    np.testing.assert_allclose(pairwise_distances(Xb), [[0, 5e300], [5e300, 0]], rtol=1e-14)
    Xs = np.array([[3e-300, 0.0], [0.0, 4e-300]])
    np.testing.assert_allclose(pairwise_distances(Xs), [[0, 5e-300], [5e-300, 0]], rtol=1e-14)


def test_pairwise_euclidean_clips_and_zero_diagonal():
    # duplicated rows: the expanded formula could give tiny negatives / non-zeros
    X = np.repeat(rnd(3, 10, seed=7) * 1e3, 2, axis=0)
    D = pairwise_distances(X)
    assert np.all(D >= 0) and np.all(np.diag(D) == 0)
    Dsq = pairwise_distances(X, X, metric="sqeuclidean")
    assert np.all(Dsq >= 0)


def test_pairwise_empty():
    assert pairwise_distances(np.zeros((0, 3))).shape == (0, 0)
    assert pairwise_distances(np.zeros((0, 3)), np.ones((2, 3)), metric="manhattan").shape == (0, 2)
    np.testing.assert_array_equal(pairwise_distances(np.zeros((2, 0)), np.zeros((3, 0)),
                                                     metric="chebyshev"), np.zeros((2, 3)))


def test_pairwise_bad_input():
    X = np.ones((3, 2))
    with pytest.raises(ValueError, match=r"metric must be one of 'euclidean', 'sqeuclidean'.*got 'hamming'"):
        pairwise_distances(X, metric="hamming")
    with pytest.raises(ValueError, match=r"same number of columns.*\(3, 2\) and \(2, 3\)"):
        pairwise_distances(X, np.ones((2, 3)))
    with pytest.raises(ValueError, match=r"unexpected keyword argument\(s\) \['q'\]"):
        pairwise_distances(X, metric="minkowski", q=3)
    with pytest.raises(ValueError, match="p must be > 0"):
        pairwise_distances(X, metric="minkowski", p=0)
    with pytest.raises(ValueError, match="Y row 1 is the zero vector"):
        pairwise_distances(X, np.array([[1.0, 0.0], [0.0, 0.0]]), metric="cosine")
    with pytest.raises(ValueError, match="X must be 2-D"):
        pairwise_distances(np.ones(3))
    with pytest.raises(ValueError, match="X contains NaN"):
        pairwise_distances(np.array([[np.nan, 1.0]]))
    with pytest.raises(ValueError, match="metric must be a string"):
        pairwise_distances(X, metric=len)


def test_pairwise_explain():
    with explain() as work:
        D = pairwise_distances([[0, 0], [3, 4]])
    (s,) = work.steps
    np.testing.assert_array_equal(s.values["D"], [[0.0, 5.0], [5.0, 0.0]])
    assert np.array_equal(s.values["D"], D)


# ---------------------------------------------------------------------------
# angle
# ---------------------------------------------------------------------------
def test_angle_exact_cases():
    assert angle([1, 0], [0, 1]) == math.pi / 2
    assert angle([1, 2, 3], [-2, 1, 0]) == math.pi / 2
    assert angle([1, 2], [-2, 1], degrees=True) == 90.0
    u = np.array([0.3, -1.7, 2.9])
    assert angle(u, u) == 0.0
    assert angle(u, 2 * u) == 0.0
    assert angle(u, -u) == math.pi
    assert angle(u, -4 * u, degrees=True) == 180.0
    assert angle(u, 3 * u) <= 2 * EPS
    assert abs(angle(u, -3 * u) - math.pi) <= 4 * EPS
    assert angle([1, 0], [1, 1], degrees=True) == pytest.approx(45.0, rel=1e-15)
    assert angle([1, 0], [-1, 1]) == pytest.approx(3 * math.pi / 4, rel=1e-15)


def _angle_highprec(u, v):
    """The angle between two float vectors to ~40 digits (inputs taken as exact)."""
    import mpmath

    mpmath.mp.dps = 60
    U = [mpmath.mpf(float(x)) for x in u]
    V = [mpmath.mpf(float(x)) for x in v]
    dot_ = mpmath.fsum(a * b for a, b in zip(U, V))
    nu = mpmath.sqrt(mpmath.fsum(a * a for a in U))
    nv = mpmath.sqrt(mpmath.fsum(b * b for b in V))
    c = dot_ / (nu * nv)
    return float(mpmath.acos(min(mpmath.mpf(1), max(mpmath.mpf(-1), c))))


@pytest.mark.parametrize("delta", [1e-4, 1e-8, 1e-10, 1e-12])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_angle_nearly_parallel_high_precision(delta, seed):
    u = rnd(5, seed=seed)
    v = u + delta * rnd(5, seed=seed + 10)
    ref = _angle_highprec(u, v)
    ours = angle(u, v)
    assert abs(ours - ref) <= 4 * EPS, (ours, ref)
    # near pi as well (antiparallel)
    assert abs(angle(u, -v) - (math.pi - ref)) <= 8 * EPS
    # the textbook arccos of the cosine loses about half the digits here
    if delta <= 1e-8:
        naive = math.acos(min(1.0, float(u @ v / (np.linalg.norm(u) * np.linalg.norm(v)))))
        assert abs(naive - ref) > 1000 * max(abs(ours - ref), EPS)


@settings(max_examples=30, deadline=None)
@given(hnp.arrays(np.float64, 4, elements=st.floats(-1e3, 1e3)),
       hnp.arrays(np.float64, 4, elements=st.floats(-1e3, 1e3)))
def test_angle_property_vs_high_precision(u, v):
    if not (np.linalg.norm(u) > 1e-3 and np.linalg.norm(v) > 1e-3):
        return
    ref = _angle_highprec(u, v)
    assert abs(angle(u, v) - ref) <= 8 * EPS * max(1.0, ref)
    assert angle(u, v) == angle(v, u)


def test_angle_bad_input_and_dtype():
    with pytest.raises(ValueError, match="u is the zero vector"):
        angle([0, 0], [1, 0])
    with pytest.raises(ValueError, match="v is the zero vector"):
        angle([1, 0], [0, 0])
    with pytest.raises(ValueError, match="same length"):
        angle([1, 0], [1, 0, 0])
    assert angle(np.array([1, 0], np.float32), np.array([0, 1], np.float32)).dtype == np.float32


def test_angle_explain():
    with explain() as work:
        t = angle([1, 0], [1, 1])
    kahan = work.steps[1].values
    assert kahan["norm_a_minus_b"] == pytest.approx(math.sqrt(2 - math.sqrt(2)), rel=1e-15)
    assert kahan["norm_a_plus_b"] == pytest.approx(math.sqrt(2 + math.sqrt(2)), rel=1e-15)
    assert kahan["theta"] == t


# ---------------------------------------------------------------------------
# projections
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("n", [1, 2, 5, 50])
def test_project_onto_vector(n):
    u, v = rnd(n, seed=n), rnd(n, seed=n + 1)
    p = project(u, v)
    np.testing.assert_allclose(p, (u @ v) / (v @ v) * v, rtol=1e-13, atol=1e-15)
    r = u - p
    assert abs(r @ v) <= 10 * n * EPS * np.linalg.norm(u) * np.linalg.norm(v)
    np.testing.assert_allclose(project(p, v), p, rtol=1e-13, atol=1e-15)  # idempotent
    np.testing.assert_allclose(project(u, 7.5 * v), p, rtol=1e-13, atol=1e-15)


def test_project_hand_and_errors():
    np.testing.assert_array_equal(project([2, 3], [1, 0]), [2.0, 0.0])
    np.testing.assert_allclose(project([1, 2], [1, 1]), [1.5, 1.5], rtol=1e-15)
    np.testing.assert_allclose(project([1e300, 1e300], [1e300, 0]), [1e300, 0], rtol=1e-15)
    with pytest.raises(ValueError, match="onto is the zero vector"):
        project([1, 2], [0, 0])
    with pytest.raises(ValueError, match=r"u and onto must have the same length"):
        project([1, 2], [1, 2, 3])


def test_project_explain_residual_orthogonal():
    with explain() as work:
        project([1, 2], [1, 1])
    vals = {k: v for s in work.steps for k, v in s.values.items()}
    assert vals["coefficient"] == pytest.approx(1.5, rel=1e-15)
    np.testing.assert_allclose(vals["residual"], [-0.5, 0.5], rtol=1e-15)
    assert abs(vals["residual_dot_v"]) <= 4 * EPS


@pytest.mark.parametrize("shape", [(3, 1), (5, 3), (40, 7), (100, 64), (8, 8)])
@pytest.mark.parametrize("bdim", [1, 2])
def test_project_onto_subspace(shape, bdim):
    m, n = shape
    A = rnd(m, n, seed=m)
    b = rnd(m, seed=1) if bdim == 1 else rnd(m, 3, seed=1)
    p = project_onto_subspace(b, A)
    assert p.shape == b.shape
    ref = A @ np.linalg.lstsq(A, b, rcond=None)[0]
    np.testing.assert_allclose(p, ref, atol=1e3 * EPS * np.abs(b).max())
    r = b - p
    assert np.abs(A.T @ r).max() <= 50 * m * EPS * np.abs(A).max() * np.abs(b).max()
    np.testing.assert_allclose(project_onto_subspace(p, A), p, atol=1e3 * EPS)  # idempotent


@pytest.mark.parametrize("name", sorted(gallery.RANK_DEFICIENT))
def test_project_onto_subspace_rank_deficient(name):
    A = gallery.RANK_DEFICIENT[name]
    b = rnd(A.shape[0], seed=2)
    p = project_onto_subspace(b, A)
    ref = A @ (np.linalg.pinv(A) @ b)
    scale = max(1.0, np.abs(b).max())
    np.testing.assert_allclose(p, ref, atol=1e-10 * scale)
    r = b - p
    assert np.abs(A.T @ r).max() <= 1e-10 * max(1.0, np.abs(A).max()) * scale


def test_project_onto_subspace_hand_and_errors():
    np.testing.assert_allclose(project_onto_subspace([1, 2, 3], [[1, 0], [0, 1], [0, 0]]),
                               [1, 2, 0], atol=1e-15)
    # two equal columns: still the line through [1, 1]
    np.testing.assert_allclose(project_onto_subspace([1, 0], [[1, 1], [1, 1]]), [0.5, 0.5],
                               rtol=1e-14)
    with pytest.raises(ValueError, match=r"A has shape \(3, 2\) but b has shape \(2,\)"):
        project_onto_subspace([1, 2], np.ones((3, 2)))
    np.testing.assert_array_equal(project_onto_subspace([1.0, 2.0], np.zeros((2, 0))), [0, 0])


# ---------------------------------------------------------------------------
# Gram-Schmidt and linear independence
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("shape", [(1, 1), (3, 1), (5, 3), (8, 8), (40, 7), (100, 64), (300, 33)])
@pytest.mark.parametrize("reorth", [False, True])
def test_gram_schmidt_orthonormal_and_span(shape, reorth):
    m, n = shape
    A = rnd(m, n, seed=m + n)
    Q = gram_schmidt(A, reorthogonalize=reorth)
    assert Q.shape == (m, n)
    k = np.linalg.cond(A)
    assert np.linalg.norm(Q.T @ Q - np.eye(n)) <= 20 * m * EPS * (1 if reorth else k)
    assert np.linalg.norm(Q @ (Q.T @ A) - A) <= 20 * m * EPS * np.linalg.norm(A)
    # same basis as Householder QR up to the signs of the columns
    Qn = np.linalg.qr(A)[0]
    np.testing.assert_allclose(np.abs(Q.T @ Qn), np.eye(n), atol=1e3 * n * EPS * k)


def test_gram_schmidt_wide_keeps_a_basis_of_R_m():
    A = rnd(3, 7, seed=1)
    Q = gram_schmidt(A)
    assert Q.shape == (3, 3)
    np.testing.assert_allclose(Q.T @ Q, np.eye(3), atol=1e-14)


@pytest.mark.parametrize("name", sorted(gallery.RANK_DEFICIENT))
def test_gram_schmidt_rank_deficient(name):
    A = gallery.RANK_DEFICIENT[name]
    Q = gram_schmidt(A, reorthogonalize=True)
    assert Q.shape[1] == np.linalg.matrix_rank(A)
    np.testing.assert_allclose(Q.T @ Q, np.eye(Q.shape[1]), atol=100 * EPS * A.shape[0])
    np.testing.assert_allclose(Q @ (Q.T @ A), A, atol=1e-12 * max(1.0, np.abs(A).max()))


def test_gram_schmidt_ill_conditioned_reorthogonalization():
    H = gallery.hilbert(8)                       # cond ~ 1.5e10
    Q1 = gram_schmidt(H)
    Q2 = gram_schmidt(H, reorthogonalize=True)
    loss1 = np.linalg.norm(Q1.T @ Q1 - np.eye(8))
    loss2 = np.linalg.norm(Q2.T @ Q2 - np.eye(8))
    assert loss2 <= 50 * 8 * EPS
    assert loss1 <= 50 * EPS * np.linalg.cond(H)   # MGS: loss ~ eps cond(A)
    assert loss1 > 100 * loss2                      # and reorthogonalisation cures it


def test_gram_schmidt_tol_and_hand_values():
    Q = gram_schmidt([[3, 1], [4, 7]])
    np.testing.assert_allclose(Q, [[0.6, -0.8], [0.8, 0.6]], rtol=1e-15, atol=1e-15)
    assert gram_schmidt([[1, 2], [1, 2]]).shape == (2, 1)
    assert gram_schmidt(np.zeros((3, 2))).shape == (3, 0)
    assert gram_schmidt(np.zeros((3, 0))).shape == (3, 0)
    assert gram_schmidt(np.zeros((0, 2))).shape == (0, 0)
    A = np.array([[1.0, 1.0], [0.0, 1e-6]])      # nearly dependent
    assert gram_schmidt(A).shape == (2, 2)
    assert gram_schmidt(A, tol=1e-3).shape == (2, 1)
    assert gram_schmidt(np.eye(2, dtype=np.float32)).dtype == np.float32
    with pytest.raises(ValueError, match="tol must be >= 0"):
        gram_schmidt(np.eye(2), tol=-1)
    with pytest.raises(ValueError, match="A must be 2-D"):
        gram_schmidt([1, 2, 3])


def test_gram_schmidt_explain_coefficients_and_residuals():
    with explain() as work:
        gram_schmidt([[3, 1], [4, 7]])
    col0, col1, final = work.steps
    assert col0.values["residual_norm"] == 5.0 and col0.values["kept"]
    np.testing.assert_allclose(col1.values["coefficients"], [6.2], rtol=1e-15)  # q0 . a1
    assert col1.values["residual_norm"] == pytest.approx(3.4, rel=1e-15)        # |[-2.72, 2.04]|
    assert final.values["kept_columns"] == [0, 1]


def test_linearly_independent():
    assert linearly_independent([[1, 0, 0], [0, 1, 0]])
    assert not linearly_independent([[1, 2, 3], [2, 4, 6]])
    assert not linearly_independent([[1, 0], [0, 1], [1, 1]])      # 3 vectors in R^2
    assert not linearly_independent([np.zeros(3)])
    assert linearly_independent(np.eye(4))
    assert not linearly_independent(np.array([[1.0, 2.0], [2.0, 4.0]]))  # columns of a matrix
    assert linearly_independent(np.zeros((3, 0)))
    A = rnd(6, 4, seed=3)
    assert linearly_independent(A)
    assert not linearly_independent(np.column_stack([A, A @ [1.0, -2.0, 0.5, 3.0]]))
    assert not linearly_independent(gallery.rank_deficient(60, 40, 7))
    with pytest.raises(ValueError, match="same length"):
        linearly_independent([[1, 2], [1, 2, 3]])


def test_linearly_independent_explain():
    with explain() as work:
        linearly_independent([[1, 2], [2, 4]])
    cols = [s for s in work.steps if s.iteration is not None]
    assert cols[1].values["coefficients"][0] == pytest.approx(2 * math.sqrt(5), rel=1e-15)
    assert cols[1].values["residual_norm"] <= 1e-15 and not cols[1].values["kept"]
    assert work.steps[-1].values["independent"] is False


# ---------------------------------------------------------------------------
# Hypothesis properties
# ---------------------------------------------------------------------------
vec3 = hnp.arrays(np.float64, 3, elements=st.floats(-1e6, 1e6))


@settings(max_examples=40, deadline=None)
@given(vec3, vec3, vec3)
def test_triangle_inequality(x, y, z):
    for f in (euclidean, manhattan, chebyshev, lambda a, b: minkowski(a, b, 3)):
        assert f(x, z) <= (f(x, y) + f(y, z)) * (1 + 8 * EPS) + 1e-300


@settings(max_examples=40, deadline=None)
@given(vec3, vec3)
def test_cauchy_schwarz_and_symmetry(u, v):
    assert abs(dot(u, v)) <= norm(u) * norm(v) * (1 + 8 * EPS)
    assert euclidean(u, v) == euclidean(v, u)
    assert manhattan(u, v) == manhattan(v, u)


@settings(max_examples=40, deadline=None)
@given(vec3, st.floats(-1e3, 1e3), st.sampled_from([None, 1, 2, 3, 0.5, INF]))
def test_homogeneity(x, c, ord):
    lhs = norm(c * x, ord)
    rhs = abs(c) * norm(x, ord)
    assert lhs == pytest.approx(rhs, rel=16 * EPS, abs=1e-300)


# ---------------------------------------------------------------------------
# Recording never changes results
# ---------------------------------------------------------------------------
def _calls():
    u, v = rnd(6, seed=1), rnd(6, seed=2)
    A, X = rnd(6, 3, seed=3), rnd(10, 6, seed=4)
    calls = [
        lambda: dot(u, v), lambda: dot(A.T, u), lambda: norm(u), lambda: norm(u, 3),
        lambda: norm(A, 1), lambda: norm(X, axis=1), lambda: norm(A, "fro"),
        lambda: euclidean(u, v), lambda: manhattan(u, v), lambda: chebyshev(u, v),
        lambda: minkowski(u, v, 1.5), lambda: cosine_similarity(u, v),
        lambda: cosine_distance(u, v), lambda: mahalanobis(u, v, VI=np.eye(6)),
        lambda: angle(u, v), lambda: project(u, v), lambda: project_onto_subspace(u, A),
        lambda: gram_schmidt(A), lambda: gram_schmidt(A, reorthogonalize=True),
        lambda: linearly_independent(A), lambda: pairwise_distances(X),
        lambda: pairwise_distances(X, X[:3], metric="cosine"),
        lambda: pairwise_distances(X, metric="minkowski", p=3),
    ]
    if _has("svd", "svdvals"):
        calls.append(lambda: norm(A, "nuc"))
    if _has("cholesky", "cholesky"):
        calls.append(lambda: mahalanobis(u, v, cov=X.T @ X + np.eye(6)))
    return calls


@pytest.mark.parametrize("i", range(len(_calls())))
def test_bit_identical_with_recorder(i):
    f = _calls()[i]
    plain = f()
    with explain() as work:
        recorded = f()
    assert len(work.steps) >= 1
    assert np.array_equal(np.asarray(plain), np.asarray(recorded))
    assert np.asarray(plain).dtype == np.asarray(recorded).dtype


# ---------------------------------------------------------------------------
# NaN / inf are rejected on every path (the cheap norms check finiteness lazily)
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
@pytest.mark.parametrize("ord", VECTOR_ORDS)
def test_norm_rejects_nonfinite_vectors(bad, ord):
    x = np.array([1.0, bad, 0.0, 2.0])
    with pytest.raises(ValueError, match="x contains NaN or infinity"):
        norm(x, ord)
    X = np.array([[1.0, 2.0, 3.0], [4.0, bad, 0.5]])
    with pytest.raises(ValueError, match="x contains NaN or infinity"):
        norm(X, ord, axis=1)
    big = np.full(4, 1e300)
    big[2] = bad                      # overflow path plus a non-finite entry
    with pytest.raises(ValueError, match="x contains NaN or infinity"):
        norm(big, ord)


@pytest.mark.parametrize("bad", [np.nan, np.inf])
@pytest.mark.parametrize("ord", _matrix_ord_params())
def test_norm_rejects_nonfinite_matrices(bad, ord):
    A = np.array([[1.0, 2.0], [bad, 4.0]])
    with pytest.raises(ValueError, match="x contains NaN or infinity"):
        norm(A, ord)
    with pytest.raises(ValueError, match="x contains NaN or infinity"):
        norm(np.stack([A, A]), ord, axis=(1, 2))
    with pytest.raises(ValueError, match="x contains NaN or infinity"):
        norm(np.ones((2, 2, 2)) * bad)
