"""Shared test configuration.

Hypothesis explores with fresh random examples on a developer's machine (that is how it
finds the cases worth pinning with ``@example``), but under CI (``CI`` set, as in
``.ci/run``'s environment) it is derandomized: the same examples every run, so a
submission's CI result depends only on its code (DESIGN.md section 7: fixed seeds).
"""
from __future__ import annotations

import os

from hypothesis import settings

settings.register_profile("ci", derandomize=True, deadline=None, print_blob=True)
settings.register_profile("dev", deadline=None, print_blob=True)
settings.load_profile("ci" if os.environ.get("CI") else "dev")
