r"""The linear-algebra pillar, from first principles on NumPy arrays.

A dataset is a matrix, a layer is ``Z = X W + b``, and least squares, PCA,
eigenfaces and spectral clustering all rest on the factorisations here.
Signatures follow :mod:`numpy.linalg` (and :mod:`scipy.linalg` where NumPy has
no equivalent); every function can explain itself through
:func:`mathforml.explain`.

Families
--------
Vectors and similarity (:mod:`.norms`)
    ``dot``, ``norm``, ``euclidean``, ``manhattan``, ``chebyshev``, ``minkowski``,
    ``cosine_similarity``, ``cosine_distance``, ``mahalanobis``,
    ``pairwise_distances``, ``angle``, ``project``, ``project_onto_subspace``,
    ``gram_schmidt``, ``linearly_independent``.
Linear systems (:mod:`.elimination`, :mod:`.triangular`, :mod:`.cholesky`)
    ``gaussian_elimination``, ``lu``, ``lu_factor``, ``lu_solve``, ``solve``,
    ``solve_triangular``, ``inv``, ``det``, ``slogdet``, ``cond``,
    ``cholesky``, ``cho_factor``, ``cho_solve``.
Orthogonal factorisations (:mod:`.qr`)
    ``qr`` (blocked Householder; Gram–Schmidt teaching methods).
Eigenvalues (:mod:`.eigen`, :mod:`.eigen_general`)
    ``eigh``, ``eigvalsh``, ``power_iteration``, ``inverse_iteration``,
    ``eig``, ``eigvals``, ``hessenberg``.
Singular values and least squares (:mod:`.svd`, :mod:`.lstsq`)
    ``svd``, ``svdvals``, ``pinv``, ``matrix_rank``, ``null_space``,
    ``low_rank_approximation``, ``lstsq``.

Examples
--------
>>> import mathforml.linalg as la
>>> la.solve([[2.0, 1.0], [1.0, 3.0]], [3.0, 5.0])
array([0.8, 1.4])
>>> float(la.det([[1.0, 2.0], [3.0, 4.0]]))
-2.0
"""
from .cholesky import cho_factor, cho_solve, cholesky
from .eigen import EighResult, IterationResult, eigh, eigvalsh, inverse_iteration, power_iteration
from .eigen_general import EigResult, eig, eigvals, hessenberg
from .elimination import (SlogdetResult, cond, det, gaussian_elimination, inv, lu, lu_factor,
                          lu_solve, slogdet, solve)
from .lstsq import (LowRankApproximation, LstsqResult, low_rank_approximation, lstsq,
                    matrix_rank, null_space, pinv)
from .norms import (angle, chebyshev, cosine_distance, cosine_similarity, dot, euclidean,
                    gram_schmidt, linearly_independent, mahalanobis, manhattan, minkowski, norm,
                    pairwise_distances, project, project_onto_subspace)
from .qr import QRResult, qr
from .svd import SVDResult, svd, svdvals
from .triangular import solve_triangular

__all__ = [
    # vectors and similarity
    "dot", "norm", "euclidean", "manhattan", "chebyshev", "minkowski", "cosine_similarity",
    "cosine_distance", "mahalanobis", "pairwise_distances", "angle", "project",
    "project_onto_subspace", "gram_schmidt", "linearly_independent",
    # systems
    "gaussian_elimination", "lu", "lu_factor", "lu_solve", "solve", "solve_triangular", "inv",
    "det", "slogdet", "cond", "cholesky", "cho_factor", "cho_solve",
    # QR
    "qr",
    # eigen
    "eigh", "eigvalsh", "power_iteration", "inverse_iteration", "eig", "eigvals", "hessenberg",
    # SVD and least squares
    "svd", "svdvals", "pinv", "matrix_rank", "null_space", "low_rank_approximation", "lstsq",
    # result types
    "EighResult", "EigResult", "IterationResult", "SlogdetResult", "LstsqResult",
    "LowRankApproximation", "QRResult", "SVDResult",
]
