"""Test functions: known minima, analytic derivatives vs SciPy / autodiff / differences."""
import math

import numpy as np
import pytest
from scipy.optimize import approx_fprime, rosen, rosen_der, rosen_hess, rosen_hess_prod

from mathforml.calculus import grad as ad_grad
from mathforml.calculus import hessian as ad_hessian
from mathforml.exceptions import LinAlgError
from mathforml.optimize.functions import (HIMMELBLAU_MINIMA, STYBLINSKI_TANG_FMIN,
                                          STYBLINSKI_TANG_XMIN, TEST_FUNCTIONS, TestFunction,
                                          ackley, ackley_grad, beale, booth, himmelblau,
                                          make_quadratic, quadratic, quadratic_grad, rastrigin,
                                          rosenbrock, rosenbrock_grad, rosenbrock_hess,
                                          rosenbrock_hessp, styblinski_tang)

RNG = np.random.default_rng(20240611)


def _records():
    """Every registry entry, plus the n-D ones in 5 dimensions."""
    out = []
    for name, rec in TEST_FUNCTIONS.items():
        out.append(pytest.param(rec, id=f"{name}-{rec.dim}d"))
        if rec.any_dim:
            out.append(pytest.param(rec.for_dim(5), id=f"{name}-5d"))
    return out


RECORDS = _records()


def test_registry_names_and_pytest_does_not_collect_the_record_class():
    assert set(TEST_FUNCTIONS) == {"quadratic", "rosenbrock", "beale", "booth", "himmelblau",
                                   "rastrigin", "ackley", "styblinski_tang"}
    assert TestFunction.__test__ is False


@pytest.mark.parametrize("rec", RECORDS)
def test_value_at_every_known_minimiser_is_f_min(rec):
    assert len(rec.minima) >= 1 and len(rec.domain) == rec.dim
    for x_star in rec.minima:
        assert x_star.shape == (rec.dim,)
        assert rec.f(x_star) == pytest.approx(rec.f_min, abs=1e-12 * max(1.0, abs(rec.f_min)))
        lo, hi = np.array(rec.domain).T
        assert np.all(lo <= x_star) and np.all(x_star <= hi)


@pytest.mark.parametrize("rec", RECORDS)
def test_minimisers_are_stationary_and_local_minima(rec):
    for x_star in rec.minima:
        g = rec.grad(x_star)
        assert np.abs(g).max() < 1e-11 * max(1.0, abs(rec.f_min)) + 1e-12
        if not rec.smooth_at_min:
            continue                     # Ackley: a kink, f grows in every direction
        # f does not decrease in any direction nearby (second-order check on random rays)
        for _ in range(20):
            u = RNG.standard_normal(rec.dim)
            u /= np.linalg.norm(u)
            assert rec.f(x_star + 1e-4 * u) >= rec.f_min - 1e-12


def test_ackley_minimum_is_a_kink_f_grows_linearly():
    for _ in range(10):
        u = RNG.standard_normal(3)
        u *= 1e-6 / np.linalg.norm(u)
        # f(h u) ≈ 20 * 0.2 * |h| / sqrt(n) near 0
        assert ackley(u) == pytest.approx(4.0 * 1e-6 / math.sqrt(3), rel=1e-3)


def test_himmelblau_has_four_minima_solving_the_gradient_equations():
    assert len(HIMMELBLAU_MINIMA) == 4
    for x, y in HIMMELBLAU_MINIMA:
        # both squared terms vanish: x^2 + y - 11 = 0 and x + y^2 - 7 = 0
        assert abs(x * x + y - 11.0) < 1e-13 and abs(x + y * y - 7.0) < 1e-13
    pts = np.array(HIMMELBLAU_MINIMA)
    assert len({tuple(np.round(p, 6)) for p in pts}) == 4


def test_styblinski_tang_constants_from_the_cubic():
    roots = np.roots([4.0, 0.0, -32.0, 5.0])
    x = float(min(r.real for r in roots if abs(r.imag) < 1e-12))
    assert x == pytest.approx(STYBLINSKI_TANG_XMIN, abs=1e-14)
    assert 0.5 * (x ** 4 - 16 * x ** 2 + 5 * x) == pytest.approx(STYBLINSKI_TANG_FMIN, abs=1e-12)
    assert STYBLINSKI_TANG_FMIN == pytest.approx(-39.16617, abs=1e-5)
    for n in (1, 2, 7):
        rec = TEST_FUNCTIONS["styblinski_tang"].for_dim(n)
        assert rec.f_min == pytest.approx(-39.16616570377142 * n, rel=1e-15)
        assert styblinski_tang(np.full(n, x)) == pytest.approx(rec.f_min, rel=1e-14)


def test_hand_checked_values():
    assert beale([0.0, 0.0]) == 1.5 ** 2 + 2.25 ** 2 + 2.625 ** 2
    assert booth([0.0, 0.0]) == 49.0 + 25.0
    assert himmelblau([0.0, 0.0]) == 121.0 + 49.0
    assert rastrigin([1.0, 0.0]) == pytest.approx(1.0, abs=1e-12)
    assert rastrigin([0.5, 0.5]) == pytest.approx(20.0 + 2 * (0.25 + 10.0), abs=1e-12)
    x = np.array([1.0, -2.0, 0.5])
    expected = (-20 * math.exp(-0.2 * math.sqrt(np.mean(x ** 2)))
                - math.exp(np.mean(np.cos(2 * math.pi * x))) + 20 + math.e)
    assert ackley(x) == pytest.approx(expected, rel=1e-15)
    assert rosenbrock([-1.2, 1.0]) == pytest.approx(100 * (1 - 1.44) ** 2 + 2.2 ** 2, rel=1e-15)


@pytest.mark.parametrize("n", [2, 3, 10, 100])
def test_rosenbrock_matches_scipy(n):
    for _ in range(5):
        x = RNG.uniform(-2, 2, n)
        p = RNG.standard_normal(n)
        assert rosenbrock(x) == pytest.approx(rosen(x), rel=1e-14)
        np.testing.assert_allclose(rosenbrock_grad(x), rosen_der(x), rtol=1e-13, atol=1e-11)
        np.testing.assert_allclose(rosenbrock_hess(x), rosen_hess(x), rtol=1e-13, atol=1e-11)
        np.testing.assert_allclose(rosenbrock_hessp(x, p), rosen_hess_prod(x, p), rtol=1e-12,
                                   atol=1e-10)


def test_rosenbrock_hessian_vs_autodiff():
    x = RNG.uniform(-2, 2, 6)
    np.testing.assert_allclose(np.asarray(ad_hessian(rosenbrock)(x)), rosenbrock_hess(x),
                               rtol=1e-12, atol=1e-10)


@pytest.mark.parametrize("rec", RECORDS)
def test_analytic_gradients_match_autodiff_and_central_differences(rec):
    lo, hi = np.array(rec.domain).T
    for _ in range(5):
        x = RNG.uniform(lo, hi) * 0.3 + 0.01      # away from Ackley's kink at 0
        g = rec.grad(x)
        g_ad = np.asarray(ad_grad(rec.f)(x))
        scale = max(1.0, np.abs(g).max())
        np.testing.assert_allclose(g, g_ad, rtol=1e-12, atol=1e-12 * scale)
        g_fd = approx_fprime(x, rec.f, 1e-6)
        np.testing.assert_allclose(g, g_fd, rtol=1e-4, atol=1e-4 * scale)


@pytest.mark.parametrize("rec", RECORDS)
def test_multi_point_evaluation_along_axis_0(rec):
    lo, hi = np.array(rec.domain).T
    pts = RNG.uniform(lo, hi, size=(4, 3, rec.dim))            # (4, 3) grid of points
    X = np.moveaxis(pts, -1, 0)                                 # (dim, 4, 3)
    F = rec.f(X)
    assert F.shape == (4, 3)
    for i in range(4):
        for j in range(3):
            assert F[i, j] == pytest.approx(rec.f(pts[i, j]), rel=1e-13, abs=1e-13)
    G = rec.grad(X)
    assert G.shape == X.shape
    np.testing.assert_allclose(G[:, 2, 1], rec.grad(pts[2, 1]), rtol=1e-13, atol=1e-13)


def test_scalars_are_python_floats_and_lists_accepted():
    assert type(rosenbrock([1.0, 2.0])) is float
    assert type(himmelblau((1.0, 2.0))) is float
    assert type(quadratic([1.0, 2.0])) is float


def test_quadratic_and_make_quadratic_against_numpy():
    M = RNG.standard_normal((5, 5))
    A = M @ M.T + 5 * np.eye(5)
    b = RNG.standard_normal(5)
    q = make_quadratic(A, b)
    x_star = np.linalg.solve(A, b)
    np.testing.assert_allclose(q.minima[0], x_star, rtol=1e-12)
    assert q.f_min == pytest.approx(-0.5 * b @ x_star, rel=1e-12)
    x = RNG.standard_normal(5)
    assert q.f(x) == pytest.approx(0.5 * x @ A @ x - b @ x, rel=1e-13)
    np.testing.assert_allclose(q.grad(x), A @ x - b, rtol=1e-13)
    np.testing.assert_allclose(quadratic_grad(x, A, b), np.asarray(ad_grad(q.f)(x)), rtol=1e-12)
    np.testing.assert_array_equal(q.hess(x), A)
    assert quadratic([3.0, 4.0]) == 12.5                       # default A = I, b = 0


def test_bad_input():
    with pytest.raises(ValueError, match="n >= 2"):
        rosenbrock([1.0])
    with pytest.raises(ValueError, match="defined for n = 2"):
        beale([1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match="defined for n = 2"):
        himmelblau(np.zeros(3))
    with pytest.raises(ValueError, match="symmetric"):
        make_quadratic([[1.0, 2.0], [0.0, 1.0]])
    with pytest.raises(LinAlgError, match="not positive definite"):
        make_quadratic([[1.0, 0.0], [0.0, -1.0]])
    with pytest.raises(ValueError, match="shape"):
        quadratic([1.0, 2.0], A=np.eye(3))
    with pytest.raises(ValueError, match="only for n = 2"):
        TEST_FUNCTIONS["beale"].for_dim(3)
    with pytest.raises(ValueError, match="n must be >= 2"):
        TEST_FUNCTIONS["rosenbrock"].for_dim(1)


def test_ackley_grad_is_the_zero_subgradient_at_the_origin():
    np.testing.assert_array_equal(ackley_grad(np.zeros(4)), np.zeros(4))
