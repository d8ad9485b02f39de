"""The three lists (power, responsibility, negative) as tables: rows, CSV, XLSX and JSON.

``columns.py`` holds the standard Chinese column headings (the importer reads the same
constants), ``tables.py`` turns a Catalog into rows, ``export.py`` writes the files, and
``cells.py`` keeps CSV cells from being read as spreadsheet formulas (``csv_text``, and
``csv_plain`` for readers).
"""
