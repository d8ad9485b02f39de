"""Lists over time: what changed between two versions of a catalog, and what the reform achieved.

- ``revisions``: the two sides of a comparison, each a directory or a git revision read
  with git itself, compiled the same way (``compile_side``);
- ``model_diff``: the changes between two compiled catalogs, entity by entity
  (``diff_catalogs``);
- ``indicators``: the reform indicators computed from the two catalogs (``indicators``);
- ``targets``: the ``[targets]`` of a reform plan checked against them
  (``reform-target-missed`` findings);
- ``report``: one comparison as a whole, and its text, Markdown and JSON forms;
- ``history``: the tagged versions of a project, for the site's change log.

It sits above the compiler and the engine and below the generators (the site's change
log reads it) and the command line (``qingdan diff``, ``qingdan check --targets``).
"""
