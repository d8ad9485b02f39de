"""Imports every module that registers a semantic check."""

from . import authority, identity, materials_checks, time_limits  # noqa: F401
from . import constant_conditions  # noqa: F401,E402
