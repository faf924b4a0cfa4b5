r"""Learning-rate schedules: small callables ``schedule(t) -> lr``.

A schedule maps the step counter ``t = 0, 1, 2, ...`` (an iteration or an
epoch, whichever the caller counts) to the learning rate used at that step.
Every optimiser in :mod:`mathforml.optimize.gradient` takes ``lr`` as a float
or a schedule, and :func:`mathforml.optimize.sgd.train` evaluates it once per
epoch or once per iteration.

======================  ================================================================================
class                   :math:`\eta_t`
======================  ================================================================================
``Constant``            :math:`\eta`
``StepDecay``           :math:`\eta\,\gamma^{\lfloor t / s \rfloor}`
``ExponentialDecay``    :math:`\eta\,\gamma^{t}`
``InverseTimeDecay``    :math:`\eta / (1 + r\, t / s)`
``CosineDecay``         :math:`\eta_{min} + (\eta - \eta_{min})\,\tfrac12(1 + \cos(\pi\,\min(t, T)/T))`
``WarmupCosine``        linear warm-up :math:`\eta\, t / W` for :math:`t < W`, then the cosine
                        decay from :math:`\eta` to :math:`\eta_{min}` over the remaining
                        :math:`T - W` steps
======================  ================================================================================

A schedule called with a Python or NumPy scalar returns a float (evaluated
with :mod:`math`, about a microsecond); called with an array of steps it
returns the array of rates (for plotting).  :func:`get_schedule` turns a float,
a name with keyword arguments, a schedule or any callable into a schedule.

>>> s = StepDecay(0.1, step_size=2, gamma=0.5)
>>> [s(t) for t in range(5)]
[0.1, 0.1, 0.05, 0.05, 0.025]
>>> s
StepDecay(lr=0.1, step_size=2, gamma=0.5)
>>> get_schedule("cosine", lr=1.0, total_steps=4)(np.arange(5))
array([1.        , 0.85355339, 0.5       , 0.14644661, 0.        ])

References
----------
I. Loshchilov and F. Hutter, "SGDR: Stochastic gradient descent with warm
restarts", ICLR 2017 (cosine annealing).  P. Goyal et al., "Accurate, large
minibatch SGD: training ImageNet in 1 hour", arXiv:1706.02677, 2017 (linear
warm-up).  PyTorch ``torch.optim.lr_scheduler`` (StepLR, ExponentialLR,
CosineAnnealingLR) and Keras ``InverseTimeDecay`` use the same formulas.
"""
from __future__ import annotations

import math
from numbers import Integral, Real

import numpy as np

from .._validation import check_int, check_real

__all__ = [
    "Schedule", "Constant", "StepDecay", "ExponentialDecay", "InverseTimeDecay",
    "CosineDecay", "WarmupCosine", "LambdaSchedule", "get_schedule", "SCHEDULES",
]


def _check_lr(lr, name: str = "lr") -> float:
    lr = check_real(lr, name)
    if lr <= 0:
        raise ValueError(f"{name} must be > 0, got {lr}")
    return lr


def _check_gamma(gamma) -> float:
    gamma = check_real(gamma, "gamma")
    if not 0 < gamma <= 1:
        raise ValueError(f"gamma must be in (0, 1], got {gamma}")
    return gamma


def _check_min_lr(min_lr, lr) -> float:
    min_lr = check_real(min_lr, "min_lr", nonnegative=True)
    if min_lr > lr:
        raise ValueError(f"min_lr must be <= lr, got min_lr={min_lr} > lr={lr}")
    return min_lr


def _steps_array(t) -> np.ndarray:
    t = np.asarray(t, dtype=np.float64)
    if t.size and not (np.isfinite(t).all() and (t >= 0).all()):
        raise ValueError("t must be >= 0 (the step counter), got a negative or non-finite entry")
    return t


class Schedule:
    """Base class: ``schedule(t)`` is the learning rate at step ``t >= 0``.

    Subclasses implement ``_scalar(t)`` (a float ``t``, evaluated with
    :mod:`math`) and ``_array(t)`` (a float array, evaluated with NumPy).
    ``lr`` is the base (peak) rate.
    """

    __slots__ = ("lr",)

    def __call__(self, t):
        if type(t) is int or isinstance(t, (Integral, Real)):
            if t < 0:
                raise ValueError(f"t must be >= 0 (the step counter), got {t}")
            return self._scalar(float(t))
        t = _steps_array(t)
        if t.ndim == 0:
            return self._scalar(float(t))
        return self._array(t)

    def _scalar(self, t: float) -> float:  # pragma: no cover - abstract
        raise NotImplementedError

    def _array(self, t: np.ndarray) -> np.ndarray:  # pragma: no cover - abstract
        raise NotImplementedError

    def _fields(self) -> tuple:
        return ("lr",)

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={getattr(self, k)!r}" for k in self._fields())
        return f"{type(self).__name__}({args})"

    def __eq__(self, other):
        return (type(other) is type(self)
                and all(getattr(self, k) == getattr(other, k) for k in self._fields()))

    def __hash__(self):
        return hash((type(self).__name__,) + tuple(getattr(self, k) for k in self._fields()))


class Constant(Schedule):
    r"""The same rate at every step: :math:`\eta_t = \eta`.

    Parameters
    ----------
    lr : float
        The learning rate :math:`\eta > 0`.

    Examples
    --------
    >>> Constant(0.1)(0), Constant(0.1)(1000)
    (0.1, 0.1)
    """

    __slots__ = ()

    def __init__(self, lr: float):
        self.lr = _check_lr(lr)

    def _scalar(self, t):
        return self.lr

    def _array(self, t):
        return np.full(t.shape, self.lr)


class StepDecay(Schedule):
    r"""Multiply the rate by ``gamma`` every ``step_size`` steps.

    Parameters
    ----------
    lr : float
        Initial rate :math:`\eta > 0`.
    step_size : int
        :math:`s \ge 1`, the number of steps between decays.
    gamma : float, default 0.1
        Decay factor :math:`\gamma \in (0, 1]`.

    Notes
    -----
    :math:`\eta_t = \eta\,\gamma^{\lfloor t / s \rfloor}` (PyTorch's ``StepLR``).

    Examples
    --------
    >>> s = StepDecay(1.0, step_size=10, gamma=0.5)
    >>> s(9), s(10), s(25)
    (1.0, 0.5, 0.25)
    """

    __slots__ = ("step_size", "gamma")

    def __init__(self, lr: float, step_size: int, gamma: float = 0.1):
        self.lr = _check_lr(lr)
        self.step_size = check_int(step_size, "step_size", minimum=1)
        self.gamma = _check_gamma(gamma)

    def _fields(self):
        return ("lr", "step_size", "gamma")

    def _scalar(self, t):
        return self.lr * self.gamma ** math.floor(t / self.step_size)

    def _array(self, t):
        return self.lr * self.gamma ** np.floor(t / self.step_size)


class ExponentialDecay(Schedule):
    r"""Multiply the rate by ``gamma`` at every step.

    Parameters
    ----------
    lr : float
        Initial rate :math:`\eta > 0`.
    gamma : float
        Decay factor per step, :math:`\gamma \in (0, 1]`.

    Notes
    -----
    :math:`\eta_t = \eta\,\gamma^{t}` (PyTorch's ``ExponentialLR``).

    Examples
    --------
    >>> s = ExponentialDecay(1.0, gamma=0.5)
    >>> s(0), s(1), s(3)
    (1.0, 0.5, 0.125)
    """

    __slots__ = ("gamma",)

    def __init__(self, lr: float, gamma: float):
        self.lr = _check_lr(lr)
        self.gamma = _check_gamma(gamma)

    def _fields(self):
        return ("lr", "gamma")

    def _scalar(self, t):
        return self.lr * self.gamma ** t

    def _array(self, t):
        return self.lr * self.gamma ** t


class InverseTimeDecay(Schedule):
    r"""Decay the rate like :math:`1/t`.

    Parameters
    ----------
    lr : float
        Initial rate :math:`\eta > 0`.
    decay_rate : float
        :math:`r \ge 0`.
    decay_steps : float, default 1
        :math:`s > 0`, the time scale of the decay.

    Notes
    -----
    :math:`\eta_t = \eta / (1 + r\,t/s)` (Keras' ``InverseTimeDecay``).  The
    Robbins–Monro conditions :math:`\sum_t \eta_t = \infty`,
    :math:`\sum_t \eta_t^2 < \infty` hold, so stochastic gradient descent with
    this schedule converges on convex problems.

    Examples
    --------
    >>> s = InverseTimeDecay(1.0, decay_rate=1.0)
    >>> s(0), s(1), s(3)
    (1.0, 0.5, 0.25)
    """

    __slots__ = ("decay_rate", "decay_steps")

    def __init__(self, lr: float, decay_rate: float, decay_steps: float = 1):
        self.lr = _check_lr(lr)
        self.decay_rate = check_real(decay_rate, "decay_rate", nonnegative=True)
        self.decay_steps = check_real(decay_steps, "decay_steps", positive=True)

    def _fields(self):
        return ("lr", "decay_rate", "decay_steps")

    def _scalar(self, t):
        return self.lr / (1.0 + self.decay_rate * t / self.decay_steps)

    def _array(self, t):
        return self.lr / (1.0 + self.decay_rate * t / self.decay_steps)


class CosineDecay(Schedule):
    r"""Half a cosine from ``lr`` down to ``min_lr`` over ``total_steps`` steps.

    Parameters
    ----------
    lr : float
        Initial rate :math:`\eta > 0`.
    total_steps : int
        :math:`T \ge 1`; the rate reaches ``min_lr`` at ``t = T`` and stays there.
    min_lr : float, default 0
        :math:`\eta_{min} \in [0, \eta]`.

    Notes
    -----
    :math:`\eta_t = \eta_{min} + (\eta - \eta_{min})\,\tfrac12\,(1 + \cos(\pi\,\min(t, T)/T))`.
    For :math:`t \le T` this is PyTorch's ``CosineAnnealingLR`` (``T_max = T``,
    ``eta_min`` = ``min_lr``); past ``T`` PyTorch's rate climbs back up while
    this one stays at :math:`\eta_{min}` (as Keras' and Optax's cosine decays do).

    Examples
    --------
    >>> s = CosineDecay(1.0, total_steps=2)
    >>> s(0), round(s(1), 12), s(2), s(5)
    (1.0, 0.5, 0.0, 0.0)
    """

    __slots__ = ("total_steps", "min_lr")

    def __init__(self, lr: float, total_steps: int, min_lr: float = 0.0):
        self.lr = _check_lr(lr)
        self.total_steps = check_int(total_steps, "total_steps", minimum=1)
        self.min_lr = _check_min_lr(min_lr, self.lr)

    def _fields(self):
        return ("lr", "total_steps", "min_lr")

    def _scalar(self, t):
        T = self.total_steps
        if t >= T:
            return self.min_lr
        return self.min_lr + (self.lr - self.min_lr) * 0.5 * (1.0 + math.cos(math.pi * t / T))

    def _array(self, t):
        T = self.total_steps
        tc = np.minimum(t, T)
        return self.min_lr + (self.lr - self.min_lr) * 0.5 * (1.0 + np.cos(np.pi * tc / T))


class WarmupCosine(Schedule):
    r"""Linear warm-up from 0 to ``lr``, then a cosine decay to ``min_lr``.

    Parameters
    ----------
    lr : float
        Peak rate :math:`\eta > 0`, reached at ``t = warmup_steps``.
    warmup_steps : int
        :math:`W \ge 0` steps of linear warm-up.
    total_steps : int
        :math:`T > W`; the rate reaches ``min_lr`` at ``t = T`` and stays there.
    min_lr : float, default 0
        :math:`\eta_{min} \in [0, \eta]`.

    Notes
    -----
    .. math::

        \eta_t = \begin{cases}
            \eta\, t / W & t < W \\
            \eta_{min} + (\eta - \eta_{min})\,\tfrac12\,(1 + \cos(\pi\,(t - W)/(T - W))) & W \le t \le T \\
            \eta_{min} & t > T
        \end{cases}

    As in Hugging Face's ``get_cosine_schedule_with_warmup``, the rate at
    ``t = 0`` is 0 when ``W > 0`` (the first update is a no-op); the warm-up
    keeps the first steps of Adam-like methods small while their moment
    estimates are still noisy (Goyal et al. 2017).

    Examples
    --------
    >>> s = WarmupCosine(1.0, warmup_steps=2, total_steps=4)
    >>> [round(s(t), 12) for t in range(6)]
    [0.0, 0.5, 1.0, 0.5, 0.0, 0.0]
    """

    __slots__ = ("warmup_steps", "total_steps", "min_lr")

    def __init__(self, lr: float, warmup_steps: int, total_steps: int, min_lr: float = 0.0):
        self.lr = _check_lr(lr)
        self.warmup_steps = check_int(warmup_steps, "warmup_steps", minimum=0)
        self.total_steps = check_int(total_steps, "total_steps", minimum=1)
        if self.total_steps <= self.warmup_steps:
            raise ValueError("total_steps must be > warmup_steps, got "
                             f"total_steps={self.total_steps}, warmup_steps={self.warmup_steps}")
        self.min_lr = _check_min_lr(min_lr, self.lr)

    def _fields(self):
        return ("lr", "warmup_steps", "total_steps", "min_lr")

    def _scalar(self, t):
        W, T = self.warmup_steps, self.total_steps
        if t < W:
            return self.lr * t / W
        if t >= T:
            return self.min_lr
        return self.min_lr + (self.lr - self.min_lr) * 0.5 * (
            1.0 + math.cos(math.pi * (t - W) / (T - W)))

    def _array(self, t):
        W, T = self.warmup_steps, self.total_steps
        progress = np.clip(t - W, 0, T - W) / (T - W)
        cosine = self.min_lr + (self.lr - self.min_lr) * 0.5 * (1.0 + np.cos(np.pi * progress))
        if W == 0:
            return cosine
        return np.where(t < W, self.lr * t / W, cosine)


class LambdaSchedule(Schedule):
    """Any callable ``fn(t) -> lr`` as a schedule.

    Parameters
    ----------
    fn : callable
        ``fn(t)`` for an integer ``t >= 0``; its value is returned as a float
        (not checked per step: the caller owns positivity).

    Examples
    --------
    >>> s = LambdaSchedule(lambda t: 0.5 / (t + 1))
    >>> s(0), s(1)
    (0.5, 0.25)
    """

    __slots__ = ("fn",)

    def __init__(self, fn):
        if not callable(fn):
            raise TypeError(f"fn must be callable, got {type(fn).__name__}")
        self.fn = fn
        self.lr = None

    def _scalar(self, t):
        return float(self.fn(int(t)) if t.is_integer() else self.fn(t))

    def _array(self, t):
        flat = [float(self.fn(int(v) if float(v).is_integer() else v)) for v in t.ravel()]
        return np.array(flat, dtype=np.float64).reshape(t.shape)

    def _fields(self):
        return ("fn",)

    def __repr__(self):
        name = getattr(self.fn, "__qualname__", None) or repr(self.fn)
        return f"LambdaSchedule({name})"


#: Schedule names accepted by :func:`get_schedule`.
SCHEDULES = {
    "constant": Constant,
    "step": StepDecay,
    "exponential": ExponentialDecay,
    "inverse_time": InverseTimeDecay,
    "cosine": CosineDecay,
    "warmup_cosine": WarmupCosine,
}


def get_schedule(spec, **kwargs) -> Schedule:
    """Turn a learning-rate specification into a :class:`Schedule`.

    Parameters
    ----------
    spec : float, str, Schedule or callable
        * a positive number: :class:`Constant` (``lr <= 0`` raises ValueError);
        * a name — ``"constant"``, ``"step"``, ``"exponential"``,
          ``"inverse_time"``, ``"cosine"``, ``"warmup_cosine"`` (case-insensitive,
          ``-`` or ``_``) — built with ``**kwargs``;
        * a :class:`Schedule`: returned as it is;
        * any other callable ``fn(t) -> lr``: wrapped in :class:`LambdaSchedule`.
    **kwargs
        Constructor arguments for a named schedule (only with a name).

    Returns
    -------
    Schedule

    Raises
    ------
    ValueError
        Unknown name (the message lists the valid ones); ``lr <= 0``.
    TypeError
        ``spec`` of another type; keyword arguments with a non-name ``spec``.

    Examples
    --------
    >>> get_schedule(0.1)
    Constant(lr=0.1)
    >>> get_schedule("exponential", lr=0.1, gamma=0.9)
    ExponentialDecay(lr=0.1, gamma=0.9)
    >>> get_schedule("linear", lr=0.1)
    Traceback (most recent call last):
    ...
    ValueError: schedule must be one of 'constant', 'step', 'exponential', 'inverse_time', 'cosine', 'warmup_cosine'; got 'linear'
    """
    if isinstance(spec, str):
        key = spec.strip().lower().replace("-", "_")
        if key not in SCHEDULES:
            valid = ", ".join(repr(k) for k in SCHEDULES)
            raise ValueError(f"schedule must be one of {valid}; got {spec!r}")
        return SCHEDULES[key](**kwargs)
    if kwargs:
        raise TypeError("keyword arguments are only accepted with a schedule name, got "
                        f"{sorted(kwargs)} with {spec!r}")
    if isinstance(spec, Schedule):
        return spec
    if isinstance(spec, (bool, np.bool_)):
        raise TypeError(f"lr must be a positive number, a schedule name or a callable, got {spec!r}")
    if isinstance(spec, Real):
        return Constant(spec)
    if callable(spec):
        return LambdaSchedule(spec)
    raise TypeError("lr must be a positive number, a schedule name, a Schedule or a callable "
                    f"t -> lr; got {type(spec).__name__}")
