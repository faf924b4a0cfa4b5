r"""First-order optimisers: gradient descent and its family.

Two layers share one set of update rules.

* **Optimiser objects** — :class:`GradientDescent`, :class:`Momentum`,
  :class:`Nesterov`, :class:`AdaGrad`, :class:`RMSProp`, :class:`Adam` — hold
  the hyper-parameters and the per-parameter state (velocity, squared-gradient
  averages, ...).  ``opt.step(params, grads)`` updates ``params`` *in place*
  and returns them; ``params``/``grads`` are one ndarray or a list/tuple of
  ndarrays (state is kept per position in the list).  The training loop
  :func:`mathforml.optimize.sgd.train` and, later, neural networks drive them.
* **Minimisers** — :func:`gradient_descent`, :func:`momentum`,
  :func:`nesterov`, :func:`adagrad`, :func:`rmsprop`, :func:`adam` — minimise a
  function ``fun(x)`` from ``x0`` with one of those objects in one shared loop:
  gradients from our autodiff unless ``jac`` is given, one :class:`History` row
  per iteration, stop when :math:`\lVert\nabla f(x_k)\rVert \le` ``gtol``, a
  :class:`~mathforml.exceptions.ConvergenceWarning` at ``maxiter``, and a
  divergence check that stops a run whose ``f`` blows up with a message
  suggesting a smaller learning rate.

Update rules (``g`` the gradient at the current parameters, ``lr`` the learning
rate of this step, ``t = 1, 2, ...`` the step number):

=================  ==========================================================================
optimiser          update (all operations element-wise)
=================  ==========================================================================
GradientDescent    ``x <- x - lr g``
Momentum           ``v <- beta v + g;  x <- x - lr v``
Nesterov           ``v <- beta v + g;  x <- x - lr (g + beta v)``
AdaGrad            ``G <- G + g^2;  x <- x - lr g / (sqrt(G) + eps)``
RMSProp            ``s <- rho s + (1 - rho) g^2;  x <- x - lr g / (sqrt(s) + eps)``
Adam               ``m <- b1 m + (1 - b1) g;  v <- b2 v + (1 - b2) g^2;``
                   ``x <- x - lr m_hat / (sqrt(v_hat) + eps)``,
                   ``m_hat = m / (1 - b1^t)``, ``v_hat = v / (1 - b2^t)``
=================  ==========================================================================

These are PyTorch's ``torch.optim`` formulas (``SGD`` with ``momentum`` and
``nesterov``, ``Adagrad``, ``RMSprop`` with ``alpha = rho``, ``Adam``), so a
run matches PyTorch's step for step on the same gradients.

Explain: the minimisers record ``Iteration`` steps — iteration 0 is the start
(``x``, ``f``, ``grad``, ``grad_norm``); iteration ``k >= 1`` adds the rate
``lr`` used and the ``step`` vector :math:`x_k - x_{k-1}` — then a ``Result``.
For :math:`f(x) = (x-3)^2` from 7 with ``lr = 0.1`` the recorded ``x`` are
7, 6.2, 5.56, 5.048, ...

>>> res = gradient_descent(lambda x: (x[0] - 3.0) ** 2, [7.0], lr=0.1)
>>> res.history.x[:4, 0]
array([7.   , 6.2  , 5.56 , 5.048])
>>> bool(res.success), round(float(res.x[0]), 6), res.nit
(True, 3.0, 72)

References
----------
S. Ruder, "An overview of gradient descent optimization algorithms",
arXiv:1609.04747, 2016.  I. Sutskever, J. Martens, G. Dahl and G. Hinton, "On
the importance of initialization and momentum in deep learning", ICML 2013.
J. Duchi, E. Hazan and Y. Singer, "Adaptive subgradient methods for online
learning and stochastic optimization", JMLR 12, 2011.  T. Tieleman and G.
Hinton, Lecture 6.5 (RMSProp), COURSERA: Neural Networks for Machine Learning,
2012.  D. P. Kingma and J. Ba, "Adam: a method for stochastic optimization",
ICLR 2015.  J. Nocedal and S. J. Wright, *Numerical Optimization*, 2nd ed.,
Springer 2006, chapter 3 (line searches).
"""
from __future__ import annotations

import math
import warnings

import numpy as np

from .._validation import check_int, check_option, check_real
from ..exceptions import ConvergenceWarning
from ..explain import active, section, silenced, step
from ._objective import start
from ._result import History, OptimizeResult
from .schedules import Constant, get_schedule

__all__ = [
    "Optimizer", "GradientDescent", "Momentum", "Nesterov", "AdaGrad", "RMSProp", "Adam",
    "get_optimizer", "OPTIMIZERS",
    "gradient_descent", "momentum", "nesterov", "adagrad", "rmsprop", "adam",
]


def _check_unit(value, name: str) -> float:
    """A decay factor in [0, 1)."""
    value = check_real(value, name)
    if not 0.0 <= value < 1.0:
        raise ValueError(f"{name} must be in [0, 1), got {value}")
    return value


# ---------------------------------------------------------------------------
# Optimiser objects
# ---------------------------------------------------------------------------
class Optimizer:
    """Base class of the stateful optimisers.

    Parameters
    ----------
    lr : float, str or Schedule or callable
        The learning rate: a positive number or anything
        :func:`~mathforml.optimize.schedules.get_schedule` accepts; a schedule
        is evaluated at the optimiser's step counter ``t``.

    Attributes
    ----------
    lr : float or Schedule
        As given.
    schedule : Schedule
        ``lr`` as a schedule (:class:`Constant` for a number).
    t : int
        Number of steps taken since construction or :meth:`reset`.

    Notes
    -----
    ``step(params, grads, lr=None)`` updates ``params`` in place with the
    subclass's rule and returns ``params``.  The state (one set of buffers per
    parameter array, allocated on the first step with the parameter's shape
    and dtype) is matched to parameters by position.  The first step checks
    the shapes and dtypes; later steps check nothing (the hot path of the
    training loop), so call :meth:`reset` before using the optimiser on other
    parameters.  A ``None`` gradient leaves its parameter (and state) alone.
    """

    #: How many work arrays per parameter (state + scratch).
    _n_buffers = 1
    #: The update rule, for explanations.
    rule = ""
    _hyper: tuple = ()

    def __init__(self, lr):
        self.lr = lr
        self.schedule = get_schedule(lr)
        self._lr_const = self.schedule.lr if type(self.schedule) is Constant else None
        self.t = 0
        self._state = None

    # -- the public API ------------------------------------------------------
    def learning_rate(self, t: int | None = None) -> float:
        """The rate the schedule gives at step ``t`` (default: the next step, ``self.t``)."""
        if self._lr_const is not None:
            return self._lr_const
        return self.schedule(self.t if t is None else t)

    def step(self, params, grads, lr: float | None = None):
        """Apply one update in place and return ``params``.

        Parameters
        ----------
        params : ndarray or list/tuple of ndarray
            Floating-point, writeable arrays; updated in place.
        grads : ndarray or list/tuple of ndarray
            Gradients with the shapes of ``params`` (``None`` entries skip
            their parameter).
        lr : float, optional
            Use this rate for this step instead of ``schedule(t)`` (the
            training loop passes it when the schedule runs per epoch).

        Returns
        -------
        params
            The same object, updated.
        """
        if lr is None:
            lr = self._lr_const
            if lr is None:
                lr = self.schedule(self.t)
        if type(params) is np.ndarray:
            ps = (params,)
            gs = (grads,)
        else:
            ps = params
            gs = grads
        state = self._state
        if state is None:
            state = self._init_state(ps, gs)
        elif len(ps) != len(state):
            raise ValueError(f"the optimiser holds state for {len(state)} parameter array(s) but "
                             f"step got {len(ps)}; call reset() before optimising new parameters")
        self._update(ps, gs, state, lr)
        self.t += 1
        return params

    def reset(self) -> None:
        """Forget the state and set the step counter to 0."""
        self.t = 0
        self._state = None

    # -- internals -------------------------------------------------------------
    def _init_state(self, ps, gs):
        if not isinstance(ps, (list, tuple)):
            raise TypeError("params must be an ndarray or a list/tuple of ndarrays, got "
                            f"{type(ps).__name__}")
        if not isinstance(gs, (list, tuple)) or len(gs) != len(ps):
            got = f"{len(gs)} gradient(s)" if isinstance(gs, (list, tuple)) else type(gs).__name__
            raise ValueError(f"grads must match params: {len(ps)} parameter array(s), got {got}")
        for i, (p, g) in enumerate(zip(ps, gs)):
            if not isinstance(p, np.ndarray):
                raise TypeError(f"params[{i}] must be an ndarray (updated in place), got "
                                f"{type(p).__name__}")
            if p.dtype.kind != "f":
                raise TypeError(f"params[{i}] must have a floating dtype to be updated in "
                                f"place, got {p.dtype}")
            if not p.flags.writeable:
                raise ValueError(f"params[{i}] is read-only; it is updated in place")
            if g is not None and np.shape(g) != p.shape:
                raise ValueError(f"grads[{i}] has shape {np.shape(g)} but params[{i}] has "
                                 f"shape {p.shape}")
        self._state = [tuple(np.zeros_like(p) for _ in range(self._n_buffers)) for p in ps]
        return self._state

    def _update(self, ps, gs, state, lr):  # pragma: no cover - abstract
        raise NotImplementedError

    def _fields(self):
        return ("lr",) + self._hyper

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={getattr(self, k)!r}" for k in self._fields())
        return f"{type(self).__name__}({args})"


class GradientDescent(Optimizer):
    r"""Plain gradient descent: :math:`x \leftarrow x - \eta_t\, g`.

    Parameters
    ----------
    lr : float or Schedule, default 0.1
        Learning rate :math:`\eta_t` (a number or a schedule).

    Notes
    -----
    ``x <- x - lr * g``, computed as ``buf = g * lr; x -= buf`` in a work array
    allocated once (no allocation per step).  Driven over mini-batches it is
    stochastic gradient descent (PyTorch's ``SGD`` without momentum).

    Examples
    --------
    Seed 004: :math:`f(x) = (x - 3)^2`, :math:`f'(x) = 2 (x - 3)`, from 7 with rate 0.1.

    >>> opt = GradientDescent(lr=0.1)
    >>> x = np.array([7.0])
    >>> for _ in range(2):
    ...     _ = opt.step(x, 2 * (x - 3))
    >>> x, opt.t
    (array([5.56]), 2)
    """

    rule = "x <- x - lr g"

    def __init__(self, lr=0.1):
        super().__init__(lr)

    def _update(self, ps, gs, state, lr):
        multiply, subtract = np.multiply, np.subtract
        for p, g, (buf,) in zip(ps, gs, state):
            if g is None:
                continue
            multiply(g, lr, out=buf)
            subtract(p, buf, out=p)


class Momentum(Optimizer):
    r"""Heavy-ball momentum: a velocity that accumulates past gradients.

    Parameters
    ----------
    lr : float or Schedule, default 0.01
        Learning rate :math:`\eta_t`.
    beta : float, default 0.9
        Momentum coefficient :math:`\beta \in [0, 1)`.

    Notes
    -----
    .. math::

        v \leftarrow \beta v + g, \qquad x \leftarrow x - \eta_t v,
        \qquad v_0 = 0.

    This is PyTorch's ``SGD(momentum=beta)`` form (the rate multiplies the
    velocity, so changing the rate takes effect at once); it equals Polyak's
    :math:`v \leftarrow \beta v - \eta g,\ x \leftarrow x + v` when the rate
    is constant.  On a quadratic with curvatures in :math:`[\mu, L]` the best
    constant choice :math:`\eta = 4/(\sqrt L + \sqrt\mu)^2`,
    :math:`\beta = ((\sqrt\kappa - 1)/(\sqrt\kappa + 1))^2` gives the rate
    :math:`(\sqrt\kappa - 1)/(\sqrt\kappa + 1)` per step.

    Examples
    --------
    >>> opt = Momentum(lr=0.1, beta=0.5)
    >>> x = np.array([1.0])
    >>> _ = opt.step(x, np.array([1.0]))    # v = 1,   x = 1 - 0.1
    >>> _ = opt.step(x, np.array([1.0]))    # v = 1.5, x = 0.9 - 0.15
    >>> round(float(x[0]), 12)
    0.75
    """

    _n_buffers = 2
    rule = "v <- beta v + g;  x <- x - lr v"
    _hyper = ("beta",)

    def __init__(self, lr=0.01, beta: float = 0.9):
        super().__init__(lr)
        self.beta = _check_unit(beta, "beta")

    def _update(self, ps, gs, state, lr):
        beta = self.beta
        multiply, add, subtract = np.multiply, np.add, np.subtract
        for p, g, (v, buf) in zip(ps, gs, state):
            if g is None:
                continue
            multiply(v, beta, out=v)
            add(v, g, out=v)
            multiply(v, lr, out=buf)
            subtract(p, buf, out=p)


class Nesterov(Optimizer):
    r"""Nesterov accelerated gradient in the look-ahead form of Sutskever et al. / PyTorch.

    Parameters
    ----------
    lr : float or Schedule, default 0.01
        Learning rate :math:`\eta_t`.
    beta : float, default 0.9
        Momentum coefficient :math:`\beta \in [0, 1)`.

    Notes
    -----
    .. math::

        v \leftarrow \beta v + g, \qquad x \leftarrow x - \eta_t (g + \beta v).

    Nesterov's method evaluates the gradient at the look-ahead point
    :math:`x + \beta v` (in the velocity convention :math:`x \leftarrow x +
    v`).  Rewriting the iteration in terms of that look-ahead point — the
    reformulation of Bengio et al. (2013) and Sutskever et al. (2013) that
    PyTorch's ``SGD(nesterov=True)`` uses — gives the rule above, in which the
    stored parameters *are* the look-ahead point and the gradient is taken
    there, so ``step(params, grads)`` needs only the gradient at ``params``.
    It differs from :class:`Momentum` by the extra correction
    :math:`\eta\,\beta\,(v_{new} - v_{old}) \approx` a second look at the
    latest gradient.

    Examples
    --------
    >>> opt = Nesterov(lr=0.1, beta=0.5)
    >>> x = np.array([1.0])
    >>> _ = opt.step(x, np.array([1.0]))    # v = 1, x = 1 - 0.1 (1 + 0.5)
    >>> round(float(x[0]), 12)
    0.85
    """

    _n_buffers = 2
    rule = "v <- beta v + g;  x <- x - lr (g + beta v)"
    _hyper = ("beta",)

    def __init__(self, lr=0.01, beta: float = 0.9):
        super().__init__(lr)
        self.beta = _check_unit(beta, "beta")

    def _update(self, ps, gs, state, lr):
        beta = self.beta
        multiply, add, subtract = np.multiply, np.add, np.subtract
        for p, g, (v, buf) in zip(ps, gs, state):
            if g is None:
                continue
            multiply(v, beta, out=v)
            add(v, g, out=v)
            multiply(v, beta, out=buf)
            add(g, buf, out=buf)
            multiply(buf, lr, out=buf)
            subtract(p, buf, out=p)


class AdaGrad(Optimizer):
    r"""AdaGrad: per-coordinate rates shrinking with the accumulated squared gradients.

    Parameters
    ----------
    lr : float or Schedule, default 0.01
        Learning rate :math:`\eta_t`.
    eps : float, default 1e-8
        :math:`\epsilon \ge 0`, added to the root (keeps the division finite
        while :math:`G = 0`).

    Notes
    -----
    .. math::

        G \leftarrow G + g \odot g, \qquad
        x \leftarrow x - \eta_t\, g / (\sqrt{G} + \epsilon), \qquad G_0 = 0.

    PyTorch's ``Adagrad`` (``lr_decay = 0``, ``initial_accumulator_value = 0``):
    ``eps`` outside the square root.  Coordinates with large past gradients
    take small steps; the effective rate decays like :math:`1/\sqrt t`, so
    AdaGrad converges on convex problems without a schedule.

    Examples
    --------
    The first step moves every coordinate by about ``lr`` (``g / |g|``):

    >>> opt = AdaGrad(lr=0.5, eps=0.0)
    >>> x = np.array([1.0, 1.0])
    >>> _ = opt.step(x, np.array([4.0, -0.01]))
    >>> x
    array([0.5, 1.5])
    """

    _n_buffers = 2
    rule = "G <- G + g^2;  x <- x - lr g / (sqrt(G) + eps)"
    _hyper = ("eps",)

    def __init__(self, lr=0.01, eps: float = 1e-8):
        super().__init__(lr)
        self.eps = check_real(eps, "eps", nonnegative=True)

    def _update(self, ps, gs, state, lr):
        eps = self.eps
        multiply, add, divide, subtract, sqrt = (np.multiply, np.add, np.divide, np.subtract,
                                                 np.sqrt)
        for p, g, (G, buf) in zip(ps, gs, state):
            if g is None:
                continue
            multiply(g, g, out=buf)
            add(G, buf, out=G)
            sqrt(G, out=buf)
            add(buf, eps, out=buf)
            divide(g, buf, out=buf)
            multiply(buf, lr, out=buf)
            subtract(p, buf, out=p)


class RMSProp(Optimizer):
    r"""RMSProp: divide by a running root-mean-square of recent gradients.

    Parameters
    ----------
    lr : float or Schedule, default 0.001
        Learning rate :math:`\eta_t`.
    rho : float, default 0.9
        Decay of the squared-gradient average, :math:`\rho \in [0, 1)`
        (Hinton's 0.9; PyTorch calls it ``alpha`` and defaults to 0.99).
    eps : float, default 1e-8
        :math:`\epsilon \ge 0`, added to the root.

    Notes
    -----
    .. math::

        s \leftarrow \rho s + (1 - \rho)\, g \odot g, \qquad
        x \leftarrow x - \eta_t\, g / (\sqrt{s} + \epsilon), \qquad s_0 = 0.

    PyTorch's ``RMSprop`` (not centred, no momentum): ``eps`` outside the
    square root (Keras puts it inside).  Unlike AdaGrad the average forgets,
    so the step does not decay to zero; with a constant rate the iterates
    settle in a band of width about ``lr`` around a minimum — use a decaying
    schedule for a precise answer.

    Examples
    --------
    >>> opt = RMSProp(lr=0.1, rho=0.75, eps=0.0)
    >>> x = np.array([1.0])
    >>> _ = opt.step(x, np.array([2.0]))    # s = 0.25 * 4 = 1, x = 1 - 0.1 * 2 / 1
    >>> round(float(x[0]), 12)
    0.8
    """

    _n_buffers = 2
    rule = "s <- rho s + (1 - rho) g^2;  x <- x - lr g / (sqrt(s) + eps)"
    _hyper = ("rho", "eps")

    def __init__(self, lr=0.001, rho: float = 0.9, eps: float = 1e-8):
        super().__init__(lr)
        self.rho = _check_unit(rho, "rho")
        self.eps = check_real(eps, "eps", nonnegative=True)

    def _update(self, ps, gs, state, lr):
        rho, one_minus_rho, eps = self.rho, 1.0 - self.rho, self.eps
        multiply, add, divide, subtract, sqrt = (np.multiply, np.add, np.divide, np.subtract,
                                                 np.sqrt)
        for p, g, (s, buf) in zip(ps, gs, state):
            if g is None:
                continue
            multiply(s, rho, out=s)
            multiply(g, g, out=buf)
            multiply(buf, one_minus_rho, out=buf)
            add(s, buf, out=s)
            sqrt(s, out=buf)
            add(buf, eps, out=buf)
            divide(g, buf, out=buf)
            multiply(buf, lr, out=buf)
            subtract(p, buf, out=p)


class Adam(Optimizer):
    r"""Adam: momentum on the gradient and on its square, with bias correction.

    Parameters
    ----------
    lr : float or Schedule, default 0.001
        Learning rate :math:`\eta_t`.
    beta1, beta2 : float, default 0.9 and 0.999
        Decays of the first and second moment estimates, in [0, 1).
    eps : float, default 1e-8
        :math:`\epsilon \ge 0`, added to the root of the corrected second moment.

    Notes
    -----
    At step :math:`t = 1, 2, \dots`

    .. math::

        m \leftarrow \beta_1 m + (1 - \beta_1) g, \qquad
        v \leftarrow \beta_2 v + (1 - \beta_2) g \odot g, \\
        \hat m = m / (1 - \beta_1^t), \qquad \hat v = v / (1 - \beta_2^t), \qquad
        x \leftarrow x - \eta_t\, \hat m / (\sqrt{\hat v} + \epsilon),

    with :math:`m_0 = v_0 = 0`.  The bias corrections undo the pull of the
    zero initial moments towards 0 during the first steps.  Computed as
    PyTorch's ``Adam`` does (``denom = sqrt(v) / sqrt(1 - b2^t) + eps``,
    ``x -= (lr / (1 - b1^t)) * m / denom``), which is algorithm 1 of Kingma &
    Ba with ``eps`` outside the root.

    Examples
    --------
    The first step has :math:`\hat m = g`, :math:`\hat v = g^2`, so every
    coordinate moves by ``lr`` against the sign of its gradient:

    >>> opt = Adam(lr=0.1, eps=0.0)
    >>> x = np.array([1.0, 1.0])
    >>> _ = opt.step(x, np.array([3.0, -0.5]))
    >>> x
    array([0.9, 1.1])
    """

    _n_buffers = 3
    rule = ("m <- b1 m + (1 - b1) g;  v <- b2 v + (1 - b2) g^2;  "
            "x <- x - lr m_hat / (sqrt(v_hat) + eps),  m_hat = m / (1 - b1^t), "
            "v_hat = v / (1 - b2^t)")
    _hyper = ("beta1", "beta2", "eps")

    def __init__(self, lr=0.001, beta1: float = 0.9, beta2: float = 0.999, eps: float = 1e-8):
        super().__init__(lr)
        self.beta1 = _check_unit(beta1, "beta1")
        self.beta2 = _check_unit(beta2, "beta2")
        self.eps = check_real(eps, "eps", nonnegative=True)

    def _update(self, ps, gs, state, lr):
        b1, b2, eps = self.beta1, self.beta2, self.eps
        t = self.t + 1
        step_size = lr / (1.0 - b1 ** t)
        sqrt_bc2 = math.sqrt(1.0 - b2 ** t)
        c1, c2 = 1.0 - b1, 1.0 - b2
        multiply, add, divide, subtract, sqrt = (np.multiply, np.add, np.divide, np.subtract,
                                                 np.sqrt)
        for p, g, (m, v, buf) in zip(ps, gs, state):
            if g is None:
                continue
            multiply(m, b1, out=m)
            multiply(g, c1, out=buf)
            add(m, buf, out=m)
            multiply(v, b2, out=v)
            multiply(g, g, out=buf)
            multiply(buf, c2, out=buf)
            add(v, buf, out=v)
            sqrt(v, out=buf)
            divide(buf, sqrt_bc2, out=buf)
            add(buf, eps, out=buf)
            divide(m, buf, out=buf)
            multiply(buf, step_size, out=buf)
            subtract(p, buf, out=p)


#: Optimiser names accepted by :func:`get_optimizer` (and by ``train``).
OPTIMIZERS = {
    "gd": GradientDescent,
    "sgd": GradientDescent,
    "momentum": Momentum,
    "nesterov": Nesterov,
    "adagrad": AdaGrad,
    "rmsprop": RMSProp,
    "adam": Adam,
}


def get_optimizer(spec, **kwargs) -> Optimizer:
    """An optimiser from an object, a name with keyword arguments, or a learning rate.

    Parameters
    ----------
    spec : Optimizer, str or float
        An :class:`Optimizer` (returned as it is); a name in :data:`OPTIMIZERS`
        (``"gd"``/``"sgd"``, ``"momentum"``, ``"nesterov"``, ``"adagrad"``,
        ``"rmsprop"``, ``"adam"``; case-insensitive) built with ``**kwargs``;
        or a positive number, meaning ``GradientDescent(lr=spec)``.

    Returns
    -------
    Optimizer

    Examples
    --------
    >>> get_optimizer("adam", lr=0.01)
    Adam(lr=0.01, beta1=0.9, beta2=0.999, eps=1e-08)
    >>> get_optimizer(0.1)
    GradientDescent(lr=0.1)
    """
    if isinstance(spec, Optimizer):
        if kwargs:
            raise TypeError("keyword arguments are only accepted with an optimiser name")
        return spec
    if isinstance(spec, str):
        key = spec.strip().lower()
        check_option(key, "optimizer", tuple(OPTIMIZERS))
        return OPTIMIZERS[key](**kwargs)
    if isinstance(spec, (int, float, np.floating, np.integer)) and not isinstance(spec, bool):
        if kwargs:
            raise TypeError("keyword arguments are only accepted with an optimiser name")
        return GradientDescent(lr=spec)
    raise TypeError("optimizer must be an Optimizer, a name "
                    f"({', '.join(map(repr, OPTIMIZERS))}) or a learning rate; got "
                    f"{type(spec).__name__}")


# ---------------------------------------------------------------------------
# Minimisers: one shared loop
# ---------------------------------------------------------------------------
_LINE_SEARCHES = ("armijo", "wolfe")


def _norm(v: np.ndarray) -> float:
    return math.sqrt(float(np.dot(v, v)))


def _minimize(opt: Optimizer, title: str, fun, x0, jac, args, maxiter, gtol, callback,
              line_search=None, c1=1e-4, c2=0.9) -> OptimizeResult:
    r"""Minimise ``fun`` with the optimiser ``opt`` (the loop every minimiser shares)."""
    maxiter = check_int(maxiter, "maxiter", minimum=0)
    gtol = check_real(gtol, "gtol", nonnegative=True)
    if callback is not None and not callable(callback):
        raise TypeError(f"callback must be callable or None, got {type(callback).__name__}")
    if line_search is not None:
        if not isinstance(line_search, str):
            raise TypeError(f"line_search must be None or a string, got {line_search!r}")
        line_search = check_option(line_search.lower().replace("strong-wolfe", "wolfe")
                                   .replace("strong_wolfe", "wolfe"),
                                   "line_search", _LINE_SEARCHES)
        from .line_search import armijo, strong_wolfe  # noqa: F401 (both used below)
        c1 = check_real(c1, "c1")
        c2 = check_real(c2, "c2")
    obj, x, f, g = start(fun, x0, jac, None, args)
    explaining = active()
    f0 = f
    f_limit = 1e12 * (1.0 + abs(f0))
    gnorm = _norm(g)
    hist = History()
    hist.append(x, f, gnorm, 0.0, lr=math.nan)
    opt.reset()
    if line_search is None:
        rule = "x_{k+1} = x_k - lr * grad f(x_k)" if type(opt) is GradientDescent else opt.rule
    else:
        name = "Armijo backtracking" if line_search == "armijo" else "strong-Wolfe"
        rule = f"x_{{k+1}} = x_k - alpha_k grad f(x_k), alpha_k from the {name} line search"
    k = 0
    status = None
    message = ""
    lr = math.nan
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"), section(title):
        if explaining:
            step("Iteration", rule, iteration=0, x=x, f=f, grad=g, grad_norm=gnorm)
        while True:
            if gnorm <= gtol:
                status = 0
                message = (f"converged: ||grad f(x)|| = {gnorm:.3g} <= gtol = {gtol:g} after "
                           f"{k} iteration(s)")
                break
            if k >= maxiter:
                status = 1
                message = (f"{title} reached the iteration limit maxiter={maxiter} with "
                           f"||grad f(x)|| = {gnorm:.3g} > gtol = {gtol:g}; raise maxiter or "
                           "tune the learning rate")
                break
            x_prev = x.copy()
            extra = {}
            if line_search is None:
                lr = opt.learning_rate(k)
                opt.step(x, g, lr)
                k += 1
                with silenced():
                    f, g = obj.value_and_grad(x)
            else:
                alpha0 = opt.learning_rate(k)
                d = -g
                dphi0 = -gnorm * gnorm
                if not dphi0 < 0.0:     # gnorm underflowed; nothing more to gain
                    status = 2
                    message = "line search impossible: the gradient norm underflows to 0"
                    break
                with silenced():
                    if line_search == "armijo":
                        res = armijo(lambda a: obj.value(x + a * d), f, dphi0, alpha0, c1=c1)
                        ok = res.success
                    else:
                        def phi_dphi(a):
                            fa, ga = obj.value_and_grad(x + a * d)
                            return fa, float(np.dot(ga, d)), ga
                        res = strong_wolfe(phi_dphi, f, dphi0, alpha0, c1=c1, c2=c2)
                        # on failure the search hands back its best Armijo point, if any
                        ok = res.success or (res.alpha > 0.0 and res.phi < f)
                if not ok:
                    status = 2
                    message = (f"line search failed at iteration {k}: {res.message} "
                               f"(||grad f(x)|| = {gnorm:.3g}; the iterate may already be as "
                               "accurate as rounding allows, or the gradient is wrong)")
                    break
                lr = res.alpha
                extra = {"alpha": lr, "ls_nfev": res.nfev}
                opt.step(x, g, lr)       # x - alpha g, bit for bit the trial point x + alpha d
                k += 1
                with silenced():
                    if res.extra is not None:
                        f, g = float(res.phi), res.extra
                    else:
                        f, g = obj.value_and_grad(x)
            dx = x - x_prev
            snorm = _norm(dx)
            gnorm = _norm(g)
            hist.append(x, f, gnorm, snorm, lr=lr)
            if explaining:
                step("Iteration", rule, iteration=k, x=x, f=f, grad=g, grad_norm=gnorm, lr=lr,
                     step=dx, **extra)
            if not (math.isfinite(f) and math.isfinite(gnorm)) or f > f_limit:
                status = 2
                base = opt.schedule.lr if opt.schedule.lr is not None else lr
                message = (f"{title} diverged at iteration {k}: f(x) = {f:.6g} grew without "
                           f"bound from f(x0) = {f0:.6g}; the learning rate is too large for "
                           f"this function — try a smaller learning rate (e.g. lr={base / 10:g})")
                break
            if callback is not None and callback(x.copy()):
                status = 0
                message = "stopped by callback"
                break
        if explaining:
            step("Result", x=x, f=f, grad_norm=gnorm, nit=k, success=status == 0,
                 message=message)
    if status == 1:
        warnings.warn(message, ConvergenceWarning, stacklevel=3)
    return OptimizeResult(x=x, fun=float(f), jac=g, nit=k, success=status == 0, status=status,
                          message=message, history=hist, **obj.counts())


_COMMON_DOC = r"""
    fun : callable
        ``fun(x, *args) -> float`` for a 1-D array ``x`` (``x0`` is flattened).
        Written with NumPy ufuncs / ``@`` it runs on autodiff tensors, so
        ``jac`` may be left out.
    x0 : array_like
        Starting point (finite, with finite ``f(x0)``).
    jac : None, True, callable or {"2-point", "3-point"}
        The gradient: None uses autodiff; True means ``fun`` returns
        ``(f, gradient)``; a callable ``jac(x, *args)``; or finite differences.
    args : tuple
        Extra positional arguments for ``fun`` and ``jac``.
    maxiter : int, default 1000
        Iteration limit (reaching it: ``status`` 1 and a ConvergenceWarning).
    gtol : float, default 1e-6
        Stop when :math:`\lVert \nabla f(x_k) \rVert_2 \le` ``gtol``.
    callback : callable, optional
        ``callback(xk)`` after each iteration (a copy of ``x_k``); a truthy
        return stops the run (``success`` True, "stopped by callback")."""

_RETURNS_DOC = r"""
    Returns
    -------
    OptimizeResult
        ``x`` (n,), ``fun``, ``jac`` (n,), ``nit``, ``nfev``, ``njev``,
        ``success``, ``status`` (0 converged or stopped by callback, 1
        iteration limit, 2 diverged or line search failed), ``message`` and
        ``history`` (x, f, gradient norm, step length and the rate ``lr`` per
        iteration, row 0 at ``x0``).

    Raises
    ------
    ValueError
        Non-finite ``f(x0)`` or gradient at ``x0``; ``lr <= 0``; an unknown
        schedule or line-search name (the message lists the valid ones).

    Notes
    -----"""


def _doc(text: str) -> str:
    return (text.replace("%(common)s", _COMMON_DOC.strip("\n"))
            .replace("%(returns)s", _RETURNS_DOC.strip("\n")))


def gradient_descent(fun, x0, *, lr=0.1, jac=None, args=(), line_search=None, c1=1e-4,
                     c2=0.9, maxiter=1000, gtol=1e-6, callback=None) -> OptimizeResult:
    return _minimize(GradientDescent(lr), "Gradient descent", fun, x0, jac, args, maxiter,
                     gtol, callback, line_search, c1, c2)


gradient_descent.__doc__ = _doc(r"""Minimise ``fun`` by gradient descent with a fixed rate, a schedule or a line search.

    Parameters
    ----------
%(common)s
    lr : float, str or Schedule, default 0.1
        The rate :math:`\eta_k` (a number or a schedule of the iteration
        number ``k = 0, 1, ...``).  With a line search it is the first trial
        step :math:`\alpha_0` of every search.
    line_search : None, "armijo" or "wolfe"
        Choose the step by backtracking until the Armijo condition holds, or
        by a strong-Wolfe search (:mod:`mathforml.optimize.line_search`).
    c1, c2 : float, default 1e-4 and 0.9
        The line search's sufficient-decrease and curvature constants.

%(returns)s
    .. math:: x_{k+1} = x_k - \eta_k \nabla f(x_k)

    With a line search :math:`\eta_k` is replaced by the step
    :math:`\alpha_k` that satisfies :math:`f(x_k - \alpha_k g_k) \le f(x_k) -
    c_1 \alpha_k \lVert g_k\rVert^2` (and, for ``"wolfe"``,
    :math:`|\nabla f(x_{k+1})^T g_k| \le c_2 \lVert g_k\rVert^2`).  On a
    quadratic with Hessian eigenvalues in :math:`[\mu, L]` a fixed rate
    converges when :math:`0 < \eta < 2/L`, fastest at :math:`\eta = 2/(L +
    \mu)`; a larger rate makes :math:`f` grow without bound, which is
    detected (``f`` not finite or above :math:`10^{12}(1 + |f(x_0)|)`) and
    reported with ``success`` False and a message suggesting a smaller rate.

    References
    ----------
    A. Cauchy, "Méthode générale pour la résolution des systèmes d'équations
    simultanées", C. R. Acad. Sci. Paris 25, 1847.  J. Nocedal and S. J.
    Wright, *Numerical Optimization*, 2nd ed., Springer 2006, sections 3.1-3.3.

    Examples
    --------
    Seed 004: :math:`f(x) = (x - 3)^2` from 7 with rate 0.1 — each step
    multiplies the distance to 3 by :math:`1 - 2 \cdot 0.1 = 0.8`:

    >>> res = gradient_descent(lambda x: (x[0] - 3.0) ** 2, [7.0], lr=0.1)
    >>> [round(float(v), 6) for v in res.history.x[:4, 0]]
    [7.0, 6.2, 5.56, 5.048]
    >>> round(float(res.x[0]), 6), res.status
    (3.0, 0)
    """)


def momentum(fun, x0, *, lr=0.01, beta=0.9, jac=None, args=(), maxiter=1000, gtol=1e-6,
             callback=None) -> OptimizeResult:
    return _minimize(Momentum(lr, beta), "Momentum", fun, x0, jac, args, maxiter, gtol,
                     callback)


momentum.__doc__ = _doc(r"""Minimise ``fun`` by gradient descent with heavy-ball momentum.

    Parameters
    ----------
%(common)s
    lr : float, str or Schedule, default 0.01
        The rate :math:`\eta_k`.
    beta : float, default 0.9
        Momentum coefficient in [0, 1).

%(returns)s
    .. math:: v_{k+1} = \beta v_k + \nabla f(x_k), \qquad x_{k+1} = x_k - \eta_k v_{k+1}

    (:class:`Momentum`, PyTorch's ``SGD(momentum=beta)``).

    References
    ----------
    B. T. Polyak, "Some methods of speeding up the convergence of iteration
    methods", USSR Comput. Math. Math. Phys. 4(5), 1964.

    Examples
    --------
    >>> res = momentum(lambda x: (x[0] - 3.0) ** 2 + 10 * x[1] ** 2, [7.0, 1.0], lr=0.02)
    >>> bool(res.success), np.round(res.x, 6) + 0.0
    (True, array([3., 0.]))
    """)


def nesterov(fun, x0, *, lr=0.01, beta=0.9, jac=None, args=(), maxiter=1000, gtol=1e-6,
             callback=None) -> OptimizeResult:
    return _minimize(Nesterov(lr, beta), "Nesterov", fun, x0, jac, args, maxiter, gtol,
                     callback)


nesterov.__doc__ = _doc(r"""Minimise ``fun`` by Nesterov's accelerated gradient.

    Parameters
    ----------
%(common)s
    lr : float, str or Schedule, default 0.01
        The rate :math:`\eta_k`.
    beta : float, default 0.9
        Momentum coefficient in [0, 1).

%(returns)s
    .. math:: v_{k+1} = \beta v_k + \nabla f(x_k), \qquad
              x_{k+1} = x_k - \eta_k (\nabla f(x_k) + \beta v_{k+1})

    — the look-ahead form of Sutskever et al. (2013) used by PyTorch's
    ``SGD(nesterov=True)``, in which the iterate is the look-ahead point (see
    :class:`Nesterov`).

    References
    ----------
    Y. Nesterov, "A method for solving the convex programming problem with
    convergence rate O(1/k^2)", Soviet Math. Dokl. 27, 1983.  I. Sutskever et
    al., ICML 2013.

    Examples
    --------
    >>> res = nesterov(lambda x: (x[0] - 3.0) ** 2 + 10 * x[1] ** 2, [7.0, 1.0], lr=0.02)
    >>> bool(res.success), np.round(res.x, 6) + 0.0
    (True, array([3., 0.]))
    """)


def adagrad(fun, x0, *, lr=0.01, eps=1e-8, jac=None, args=(), maxiter=1000, gtol=1e-6,
            callback=None) -> OptimizeResult:
    return _minimize(AdaGrad(lr, eps), "AdaGrad", fun, x0, jac, args, maxiter, gtol, callback)


adagrad.__doc__ = _doc(r"""Minimise ``fun`` with AdaGrad's per-coordinate rates.

    Parameters
    ----------
%(common)s
    lr : float, str or Schedule, default 0.01
        The rate :math:`\eta_k`.
    eps : float, default 1e-8
        Added to :math:`\sqrt{G}`.

%(returns)s
    .. math:: G_{k+1} = G_k + g_k \odot g_k, \qquad
              x_{k+1} = x_k - \eta_k\, g_k / (\sqrt{G_{k+1}} + \epsilon)

    with :math:`g_k = \nabla f(x_k)` (:class:`AdaGrad`).

    References
    ----------
    J. Duchi, E. Hazan and Y. Singer, JMLR 12, 2011.

    Examples
    --------
    >>> res = adagrad(lambda x: (x[0] - 3.0) ** 2 + 10 * x[1] ** 2, [7.0, 1.0], lr=1.0)
    >>> bool(res.success), np.round(res.x, 6) + 0.0
    (True, array([3., 0.]))
    """)


def rmsprop(fun, x0, *, lr=0.001, rho=0.9, eps=1e-8, jac=None, args=(), maxiter=1000,
            gtol=1e-6, callback=None) -> OptimizeResult:
    return _minimize(RMSProp(lr, rho, eps), "RMSProp", fun, x0, jac, args, maxiter, gtol,
                     callback)


rmsprop.__doc__ = _doc(r"""Minimise ``fun`` with RMSProp.

    Parameters
    ----------
%(common)s
    lr : float, str or Schedule, default 0.001
        The rate :math:`\eta_k`; a decaying schedule is needed to converge
        tightly (with a constant rate the iterates hover within about ``lr``).
    rho : float, default 0.9
        Decay of the squared-gradient average, in [0, 1).
    eps : float, default 1e-8
        Added to :math:`\sqrt{s}`.

%(returns)s
    .. math:: s_{k+1} = \rho s_k + (1 - \rho)\, g_k \odot g_k, \qquad
              x_{k+1} = x_k - \eta_k\, g_k / (\sqrt{s_{k+1}} + \epsilon)

    (:class:`RMSProp`).

    References
    ----------
    T. Tieleman and G. Hinton, Lecture 6.5, COURSERA: Neural Networks for
    Machine Learning, 2012.

    Examples
    --------
    >>> from mathforml.optimize.schedules import ExponentialDecay
    >>> res = rmsprop(lambda x: (x[0] - 3.0) ** 2 + 10 * x[1] ** 2, [7.0, 1.0],
    ...               lr=ExponentialDecay(0.1, gamma=0.99), maxiter=3000)
    >>> bool(res.success), np.round(res.x, 6) + 0.0
    (True, array([3., 0.]))
    """)


def adam(fun, x0, *, lr=0.001, beta1=0.9, beta2=0.999, eps=1e-8, jac=None, args=(),
         maxiter=1000, gtol=1e-6, callback=None) -> OptimizeResult:
    return _minimize(Adam(lr, beta1, beta2, eps), "Adam", fun, x0, jac, args, maxiter, gtol,
                     callback)


adam.__doc__ = _doc(r"""Minimise ``fun`` with Adam.

    Parameters
    ----------
%(common)s
    lr : float, str or Schedule, default 0.001
        The rate :math:`\eta_k`; a decaying schedule helps to converge tightly.
    beta1, beta2 : float, default 0.9 and 0.999
        Decays of the moment estimates, in [0, 1).
    eps : float, default 1e-8
        Added to :math:`\sqrt{\hat v}`.

%(returns)s
    .. math:: m_{k+1} = \beta_1 m_k + (1 - \beta_1) g_k, \qquad
              v_{k+1} = \beta_2 v_k + (1 - \beta_2) g_k \odot g_k, \\
              x_{k+1} = x_k - \eta_k\, \frac{m_{k+1} / (1 - \beta_1^{k+1})}
              {\sqrt{v_{k+1} / (1 - \beta_2^{k+1})} + \epsilon}

    (:class:`Adam`).

    References
    ----------
    D. P. Kingma and J. Ba, "Adam: a method for stochastic optimization",
    ICLR 2015.

    Examples
    --------
    >>> from mathforml.optimize.schedules import ExponentialDecay
    >>> res = adam(lambda x: (x[0] - 3.0) ** 2 + 10 * x[1] ** 2, [7.0, 1.0],
    ...            lr=ExponentialDecay(0.5, gamma=0.995), maxiter=5000)
    >>> bool(res.success), np.round(res.x, 6) + 0.0
    (True, array([3., 0.]))
    """)
