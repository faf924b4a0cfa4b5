r"""The optimisation pillar: find the parameters that minimise a loss.

* :func:`minimize` — one dispatcher over every method below, returning an
  :class:`OptimizeResult` with the history of every iterate;
* first-order methods (:mod:`~mathforml.optimize.gradient`): gradient descent
  (fixed rate, schedule or line search), momentum, Nesterov, AdaGrad, RMSProp,
  Adam — as minimisers and as stateful optimiser objects reused by
  :func:`train` (batch, mini-batch and stochastic gradient descent over data)
  and by neural networks; learning-rate schedules
  (:mod:`~mathforml.optimize.schedules`);
* line searches (Armijo backtracking, strong Wolfe), Newton's method (damped,
  regularised), Newton-CG, BFGS, L-BFGS, linear and nonlinear conjugate gradient;
* convex and sparse methods: coordinate descent (quadratics, lasso, elastic
  net), proximal gradient (ISTA, FISTA) with L1/L2/elastic-net penalties, and
  :func:`check_convexity`;
* derivative-free search: Nelder–Mead, simulated annealing, a genetic algorithm,
  tabu search;
* :mod:`~mathforml.optimize.functions` — test functions with known minima.

>>> from mathforml import optimize as opt
>>> res = opt.minimize(lambda x: (x[0] - 3.0) ** 2, [7.0], method="gd",
...                    options={"lr": 0.1, "maxiter": 200})
>>> res.history.x[:3, 0], round(float(res.x[0]), 6)
(array([7.  , 6.2 , 5.56]), 3.0)
"""
from . import functions, schedules
from ._objective import Objective
from ._result import History, OptimizeResult
from .annealing import simulated_annealing, temperature_schedule
from .conjugate_gradient import CGResult, conjugate_gradient, nonlinear_cg
from .convexity import ConvexityResult, check_convexity
from .coordinate import LassoResult, coordinate_descent_quadratic, lasso_coordinate_descent
from .genetic import genetic_algorithm
from .gradient import (OPTIMIZERS, AdaGrad, Adam, GradientDescent, Momentum, Nesterov, Optimizer,
                       RMSProp, adagrad, adam, get_optimizer, gradient_descent, momentum, nesterov,
                       rmsprop)
from .line_search import LineSearchResult, armijo, strong_wolfe
from .minimize import METHODS, minimize
from .nelder_mead import nelder_mead
from .newton import newton, newton_cg
from .proximal import (L1, L2, ElasticNet, Penalty, fista, ista, lasso_fista, proximal_gradient,
                       soft_threshold)
from .quasi_newton import bfgs, lbfgs
from .schedules import (SCHEDULES, Constant, CosineDecay, ExponentialDecay, InverseTimeDecay,
                        LambdaSchedule, Schedule, StepDecay, WarmupCosine, get_schedule)
from .sgd import TrainResult, train
from .tabu import (bit_flip_neighbours, flip_swap_neighbours, tabu_search, tour_length,
                   two_opt_neighbours)

__all__ = [
    "functions", "schedules", "minimize", "METHODS", "OptimizeResult", "History", "Objective",
    "Optimizer", "GradientDescent", "Momentum", "Nesterov", "AdaGrad", "RMSProp", "Adam",
    "get_optimizer", "OPTIMIZERS", "gradient_descent", "momentum", "nesterov", "adagrad",
    "rmsprop", "adam",
    "Schedule", "Constant", "StepDecay", "ExponentialDecay", "InverseTimeDecay", "CosineDecay",
    "WarmupCosine", "LambdaSchedule", "get_schedule", "SCHEDULES",
    "train", "TrainResult",
    "LineSearchResult", "armijo", "strong_wolfe",
    "newton", "newton_cg", "bfgs", "lbfgs", "conjugate_gradient", "CGResult", "nonlinear_cg",
    "coordinate_descent_quadratic", "lasso_coordinate_descent", "LassoResult",
    "Penalty", "L1", "L2", "ElasticNet", "soft_threshold", "proximal_gradient", "ista", "fista",
    "lasso_fista", "check_convexity", "ConvexityResult",
    "nelder_mead", "simulated_annealing", "temperature_schedule", "genetic_algorithm",
    "tabu_search", "bit_flip_neighbours", "flip_swap_neighbours", "two_opt_neighbours",
    "tour_length",
]
