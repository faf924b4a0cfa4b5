"""Coordinate descent, proximal gradient (ISTA/FISTA), penalties and the convexity check."""

import numpy as np
import pytest
from sklearn.linear_model import ElasticNet as SkElasticNet
from sklearn.linear_model import Lasso as SkLasso

import mathforml
from mathforml.exceptions import ConvergenceWarning
from mathforml.optimize.convexity import check_convexity
from mathforml.optimize.coordinate import coordinate_descent_quadratic, lasso_coordinate_descent
from mathforml.optimize.proximal import (L1, L2, ElasticNet, fista, ista, lasso_fista,
                                         proximal_gradient, soft_threshold)


def _problem(seed, n=80, d=15, sparse=5):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, d)) * rng.uniform(0.5, 2.0, d)
    w = np.zeros(d)
    w[:sparse] = rng.uniform(1, 3, sparse) * rng.choice([-1, 1], sparse)
    y = X @ w + 0.5 * rng.standard_normal(n) + 2.0
    return X, y


# -- lasso against scikit-learn ----------------------------------------------
@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("alpha,l1_ratio", [(0.05, 1.0), (0.3, 1.0), (1.0, 1.0), (0.2, 0.5),
                                            (0.5, 0.1)])
def test_lasso_cd_and_fista_match_sklearn(seed, alpha, l1_ratio):
    X, y = _problem(seed)
    Ref = SkLasso(alpha=alpha, tol=1e-14, max_iter=200_000) if l1_ratio == 1.0 else \
        SkElasticNet(alpha=alpha, l1_ratio=l1_ratio, tol=1e-14, max_iter=200_000)
    ref = Ref.fit(X, y)
    cd = lasso_coordinate_descent(X, y, alpha, l1_ratio=l1_ratio, tol=1e-14, maxiter=200_000)
    assert cd.success
    np.testing.assert_allclose(cd.coef, ref.coef_, atol=1e-6)
    assert abs(cd.intercept - ref.intercept_) < 1e-6
    coef, b, res = lasso_fista(X, y, alpha, l1_ratio=l1_ratio)
    assert res.success
    np.testing.assert_allclose(coef, ref.coef_, atol=1e-6)
    assert abs(b - ref.intercept_) < 1e-6
    # exact zeros where scikit-learn has them (soft-thresholding, not tiny numbers)
    assert np.array_equal(cd.coef == 0, ref.coef_ == 0)


def test_lasso_without_intercept_matches_sklearn():
    X, y = _problem(11)
    ref = SkLasso(alpha=0.2, fit_intercept=False, tol=1e-14, max_iter=100_000).fit(X, y)
    cd = lasso_coordinate_descent(X, y, 0.2, fit_intercept=False, tol=1e-14, maxiter=100_000)
    np.testing.assert_allclose(cd.coef, ref.coef_, atol=1e-7)
    assert cd.intercept == 0.0


def test_lasso_large_alpha_gives_zero_and_alpha_max():
    X, y = _problem(3)
    Xc, yc = X - X.mean(0), y - y.mean()
    alpha_max = np.abs(Xc.T @ yc).max() / len(y)   # smallest alpha with w = 0 (KKT)
    assert not lasso_coordinate_descent(X, y, alpha_max * 1.0001).coef.any()
    assert lasso_coordinate_descent(X, y, alpha_max * 0.99).coef.any()


def test_lasso_kkt_conditions_hold():
    X, y = _problem(5)
    alpha = 0.2
    res = lasso_coordinate_descent(X, y, alpha, tol=1e-14, maxiter=100_000)
    Xc, yc = X - X.mean(0), y - y.mean()
    corr = Xc.T @ (yc - Xc @ res.coef) / len(y)
    on = res.coef != 0
    np.testing.assert_allclose(corr[on], alpha * np.sign(res.coef[on]), atol=1e-9)
    assert (np.abs(corr[~on]) <= alpha + 1e-9).all()


def test_lasso_maxiter_warns():
    X, y = _problem(2)
    with pytest.warns(ConvergenceWarning, match="maxiter=1"):
        res = lasso_coordinate_descent(X, y, 0.01, tol=1e-16, maxiter=1)
    assert not res.success and res.status == 1


@pytest.mark.parametrize("kwargs,match", [
    ({"alpha": -1.0}, "alpha must be >= 0"),
    ({"alpha": 0.1, "l1_ratio": 1.5}, r"l1_ratio must be in \[0, 1\]"),
    ({"alpha": 0.1, "maxiter": 0}, "maxiter must be >= 1"),
])
def test_lasso_bad_input(kwargs, match):
    X, y = _problem(0)
    with pytest.raises(ValueError, match=match):
        lasso_coordinate_descent(X, y, **kwargs)


def test_lasso_shape_mismatch():
    with pytest.raises(ValueError, match="X has 3 rows but y has 2"):
        lasso_coordinate_descent(np.ones((3, 2)), np.ones(2), 0.1)


def test_lasso_explains_sweeps():
    X, y = _problem(1)
    with mathforml.explain() as work:
        a = lasso_coordinate_descent(X, y, 0.1, tol=1e-10)
    b = lasso_coordinate_descent(X, y, 0.1, tol=1e-10)
    assert np.array_equal(a.coef, b.coef)
    assert work.find("Sweep") and work.find("Result")
    assert work.find("Setup")[0].values["threshold"] == pytest.approx(0.1 * len(y))


# -- coordinate descent on quadratics -----------------------------------------
@pytest.mark.parametrize("seed", range(5))
def test_quadratic_cd_solves_spd_system(seed):
    rng = np.random.default_rng(seed)
    M = rng.standard_normal((8, 8))
    A = M @ M.T + 8 * np.eye(8)
    b = rng.standard_normal(8)
    res = coordinate_descent_quadratic(A, b, tol=1e-13)
    assert res.success
    np.testing.assert_allclose(res.x, np.linalg.solve(A, b), rtol=1e-11, atol=1e-12)
    # objective decreases monotonically (exact line search along each axis)
    assert (np.diff(res.history.f) <= 1e-12).all()


def test_quadratic_cd_diagonal_is_one_sweep():
    res = coordinate_descent_quadratic(np.diag([2.0, 5.0, 0.5]), [1.0, 1.0, 1.0])
    assert res.nit == 1
    np.testing.assert_array_equal(res.x, [0.5, 0.2, 2.0])


def test_quadratic_cd_bad_input():
    with pytest.raises(ValueError, match="positive definite"):
        coordinate_descent_quadratic([[1.0, 0.0], [0.0, -1.0]], [1.0, 1.0])
    with pytest.raises(ValueError, match="symmetric"):
        coordinate_descent_quadratic([[1.0, 2.0], [0.0, 1.0]], [1.0, 1.0])
    with pytest.raises(ValueError, match="b has 3 entries"):
        coordinate_descent_quadratic(np.eye(2), [1.0, 1.0, 1.0])


def test_quadratic_cd_maxiter_warns():
    A = np.array([[1.0, 0.99], [0.99, 1.0]])
    with pytest.warns(ConvergenceWarning):
        res = coordinate_descent_quadratic(A, [1.0, 0.0], maxiter=3)
    assert res.status == 1


# -- penalties and proximal maps ------------------------------------------------
def _prox_brute(g, v, t):
    """argmin_x g(x) + |x - v|^2 / (2t) on a fine 1-D grid (the definition of prox)."""
    grid = np.linspace(v - 5, v + 5, 200_001)
    vals = np.array([g.value(np.array([x])) for x in grid[::100]])
    coarse = grid[::100][np.argmin(vals + (grid[::100] - v) ** 2 / (2 * t))]
    fine = np.linspace(coarse - 0.01, coarse + 0.01, 20_001)
    vals = np.abs(fine) * 0 + np.array([g.value(np.array([x])) for x in fine])
    return fine[np.argmin(vals + (fine - v) ** 2 / (2 * t))]


@pytest.mark.parametrize("g", [L1(0.7), L2(1.3), ElasticNet(0.8, 0.3)])
@pytest.mark.parametrize("v", [-2.5, -0.3, 0.0, 0.4, 3.0])
def test_prox_is_the_argmin_of_its_definition(g, v):
    t = 0.9
    assert g.prox(np.array([v]), t)[0] == pytest.approx(_prox_brute(g, v, t), abs=2e-6)


def test_penalty_values_and_gradients():
    x = np.array([1.0, -2.0, 0.0])
    assert L1(0.5).value(x) == 1.5
    assert L2(2.0).value(x) == 5.0
    assert ElasticNet(1.0, 0.25).value(x) == pytest.approx(0.25 * 3 + 0.375 * 5)
    np.testing.assert_array_equal(L1(0.5).gradient(x), [0.5, -0.5, 0.0])
    np.testing.assert_array_equal(L2(2.0).gradient(x), [2.0, -4.0, 0.0])
    np.testing.assert_array_equal(soft_threshold([3.0, -0.5, 1.0], 1.0), [2.0, 0.0, 0.0])
    with pytest.raises(ValueError, match="alpha must be >= 0"):
        L1(-1)
    with pytest.raises(ValueError, match="l1_ratio"):
        ElasticNet(1.0, 2.0)


def test_fista_faster_than_ista_and_same_answer():
    rng = np.random.default_rng(7)
    X = rng.standard_normal((100, 30))
    y = X[:, :5] @ np.arange(1.0, 6.0) + rng.standard_normal(100)
    n = len(y)

    def f(w):
        r = y - X @ w
        return 0.5 * (r @ r) / n, -(X.T @ r) / n

    a = ista(f, L1(0.1), np.zeros(30), jac=True, tol=1e-12, maxiter=200_000)
    b = fista(f, L1(0.1), np.zeros(30), jac=True, tol=1e-12, maxiter=200_000)
    ref = SkLasso(alpha=0.1, fit_intercept=False, tol=1e-14, max_iter=100_000).fit(X, y)
    np.testing.assert_allclose(a.x, ref.coef_, atol=1e-6)
    np.testing.assert_allclose(b.x, ref.coef_, atol=1e-6)
    assert b.nit <= a.nit


def test_fista_beats_ista_on_an_ill_conditioned_lasso():
    X, y = _problem(7, n=60, d=30)
    n = len(y)
    yc = y - y.mean()

    def f(w):
        r = yc - X @ w
        return 0.5 * (r @ r) / n, -(X.T @ r) / n

    a = ista(f, L1(0.1), np.zeros(30), jac=True, tol=1e-10, maxiter=300_000)
    b = fista(f, L1(0.1), np.zeros(30), jac=True, tol=1e-10, maxiter=300_000)
    c = fista(f, L1(0.1), np.zeros(30), jac=True, tol=1e-10, maxiter=300_000, restart=False)
    ref = SkLasso(alpha=0.1, fit_intercept=False, tol=1e-15, max_iter=500_000).fit(X, yc)
    np.testing.assert_allclose(b.x, ref.coef_, atol=1e-6)
    assert b.nit < a.nit / 2 and b.nit <= c.nit


def test_proximal_gradient_with_autodiff_and_backtracking():
    res = proximal_gradient(lambda x: 2.0 * ((x - 1.0) ** 2).sum(), L1(1.0), [5.0, -5.0])
    # minimiser of 2(x-1)^2 + |x| is x = 1 - 1/4
    np.testing.assert_allclose(res.x, [0.75, 0.75], atol=1e-9)
    assert res.success and res.nfev > 0


def test_proximal_gradient_bad_input_and_warning():
    with pytest.raises(TypeError, match="penalty"):
        proximal_gradient(lambda x: (x ** 2).sum(), object(), [1.0])
    with pytest.raises(ValueError, match="step must be > 0"):
        proximal_gradient(lambda x: (x ** 2).sum(), L1(1.0), [1.0], step=0.0)
    with pytest.warns(ConvergenceWarning, match="maxiter=2"):
        res = ista(lambda x: ((x - 3.0) ** 2).sum(), L1(0.01), [100.0], step=0.01, maxiter=2)
    assert res.status == 1


# -- convexity ---------------------------------------------------------------------
def test_convexity_verdicts():
    rng = np.random.default_rng(0)
    pts = rng.uniform(-3, 3, (25, 2))
    r = check_convexity(lambda x: np.exp(x[0]) + (x @ x), pts)
    assert r.is_convex and r.min_eigenvalue > 2 - 1e-9 and "does not prove" in r.verdict
    r = check_convexity(lambda x: (1 - x[0]) ** 2 + 100 * (x[1] - x[0] ** 2) ** 2, pts)
    assert not r.is_convex
    ce = r.counterexample
    x = ce["x"]
    H = np.array([[1200 * x[0] ** 2 - 400 * x[1] + 2, -400 * x[0]], [-400 * x[0], 200.0]])
    assert ce["eigenvalue"] == pytest.approx(np.linalg.eigvalsh(H)[0], rel=1e-9)
    # without Hessians the midpoint test finds a chord below the graph
    r = check_convexity(lambda x: np.cos(x).sum(), np.linspace(-1, 1, 11), hessian=False, rng=1)
    assert not r.is_convex and r.counterexample["kind"] == "midpoint"
    assert r.counterexample["f_mid"] > r.counterexample["chord_mid"]


@pytest.mark.filterwarnings("ignore:invalid value encountered")
def test_convexity_bad_input():
    with pytest.raises(TypeError, match="callable"):
        check_convexity(3.0, [[1.0]])
    with pytest.raises(ValueError, match="not finite at sample point 1"):
        check_convexity(lambda x: np.log(x).sum(), [[1.0], [-1.0]])
