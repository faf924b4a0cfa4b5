"""mathforml: the mathematics of machine learning from first principles.

Every algorithm is written on NumPy arrays, verified against the production
library you would otherwise call, and can show its work:

>>> import mathforml as mf
>>> with mf.explain() as work:
...     x = mf.linalg.solve([[2.0, 1.0], [1.0, 3.0]], [3.0, 5.0])
>>> x
array([0.8, 1.4])
>>> len(work.steps) > 0
True
"""
from . import calculus, exceptions, linalg, optimize, probability
from .explain import explain

__version__ = "0.1.0"

__all__ = ["explain", "linalg", "calculus", "probability", "optimize", "exceptions",
           "__version__"]
