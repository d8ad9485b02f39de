"""The qingdan rule language: grammar, syntax tree, parser and formatter."""
