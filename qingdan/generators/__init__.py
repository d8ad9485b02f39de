"""Generators: what ``qingdan build`` writes for portals from a compiled Catalog.

Each artefact writer is a small step ``step(catalog, outdir, ctx)`` listed in
``build.BUILD_STEPS``: service guides, form schemas, decision tables, the three lists,
machine exports and the manifest. Generators read the Catalog only; they never import
the parser.
"""
