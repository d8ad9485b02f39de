"""The language server ``qingdan lsp``: diagnostics, hover, navigation, completion and edits in an editor.

Layers, lowest first: ``positions`` (qingdan spans to LSP positions), ``vocabulary`` (what
keywords mean and which fields name what), ``index`` (the declarations and references of
one file, from its syntax tree), ``project`` (a project's files, its index across files
and its last compile), ``features`` and ``completion`` (each LSP request as a pure
function of a project), ``server`` (pygls: the protocol, debouncing, publishing).
Only ``server`` imports pygls; the command is ``qingdan.cli.lsp``.
"""
