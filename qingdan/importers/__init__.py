"""Import existing catalogs: platform exports and spreadsheets become a rule project.

``gov_json`` reads JSON Lines exported by a provincial service platform, ``table`` reads
power, responsibility, negative and matter lists from XLSX or CSV, reading code cells
(事项类型 ``01``, 行使层级 ``2,3``, department codes) through ``codes``. Both fill the same
intermediate records (``records``), which ``writer`` turns into ``qingdan.toml``, one
rule file per department and ``laws.qd``, written through the formatter into a fresh
directory that replaces the target only when everything succeeded. ``report`` renders
what could not be mapped, row by row, as text and JSON. The ``qingdan import`` command
that drives them is ``qingdan.cli.import_``; nothing here reads the environment or the
command line (``write_project`` takes ``workers``).
"""

from __future__ import annotations
