"""Rule projects on disk and the compiled Catalog with its queries."""

from .project import CompileResult, compile_path  # noqa: F401
