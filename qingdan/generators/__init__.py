"""Generators: what ``qingdan build`` writes for portals from a compiled Catalog.

``build.BUILD_STEPS`` is the one, immutable list of build steps: service guides
(``guides.py``), form schemas (``forms.py``), decision tables (``decisions.py`` and
``dmn.py``), the three lists (``qingdan.lists``), machine exports (``exports.py``) and
the reviewers' site (``site/``); ``steps.py`` wraps each artefact writer as a step and
``build.py`` runs them and writes the manifest. What the steps share (``BuildContext``,
``BuildError``, the ``Step`` type) is in ``context.py``. Generators read the Catalog
only; they never import the parser.
"""
