"""The qingdan rule language: vocabulary, tokens, grammar and parsers, syntax tree and formatter.

Pure: it imports nothing else of qingdan, and no click.
"""
