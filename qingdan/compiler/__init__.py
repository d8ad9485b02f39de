"""The compiler: rule files in, an immutable ``Catalog`` and located diagnostics out.

``compile(project, options)`` is the one entry point (``pipeline.py``); ``Catalog`` is
what it builds (``catalog.py``); each semantic check is a pure function in ``checks/``.
"""

from .catalog import Catalog
from .pipeline import CompileOptions, CompileResult, Sources, UsageError, compile

__all__ = ["Catalog", "CompileOptions", "CompileResult", "Sources", "UsageError", "compile"]
