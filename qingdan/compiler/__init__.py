"""The compiler: lowering to the typed model, name resolution, the graph, checks and diagnostics."""
