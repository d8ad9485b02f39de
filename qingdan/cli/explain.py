"""``qingdan explain``: print a check rule's documentation, or the list of every rule.

In the language of ``--lang``, else ``QINGDAN_LANG``, else the ``lang`` of the qingdan.toml in
the working directory, else Chinese.
"""

from __future__ import annotations

import click

from ..compiler.checks import all_rules
from ..compiler.diagnostics import RULES, did_you_mean
from ..compiler.rule_docs import rule_markdown
from ..compiler.text import did_you_mean_suffix
from .common import fail_usage, lang_option
from .helptext import project_language, zh_help


@zh_help("打印一条检查规则的说明（不给规则名时列出全部规则）。")
@click.command("explain")
@click.argument("rule", required=False)
@lang_option
def explain_command(rule: str | None, lang: str | None) -> None:
    """Print a check rule's documentation (or list all rules)."""
    lang = lang or project_language() or "zh"
    if rule is None:
        for r in all_rules():
            click.echo(f"{r.code}  {r.name:<30} {r.severity.value:<8} {r.summary(lang)}")
        return
    found = RULES.get(rule) or next((r for r in RULES.values() if r.code == rule.upper()), None)
    if found is None:
        suffix = did_you_mean_suffix(did_you_mean(rule, RULES))
        fail_usage(f"没有规则“{rule}”{suffix.zh} / no rule '{rule}'{suffix.en}")
    click.echo(rule_markdown(found, lang))
