"""Reading the data files people write next to the rules: facts (JSON or YAML) and tests (YAML).

Every problem is a located ``DataError`` (file, line, column) with a Chinese and an
English message, never a traceback. YAML is read with PyYAML's safe loader; the node
tree is kept so that later problems (an unknown fact, a misspelt matter) can point at
the exact key or value.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any, TypeGuard

import yaml

from ..compiler.text import Text

MAX_DATA_BYTES = 20 * 1024 * 1024


@dataclass
class DataError(Exception):
    """A problem in a data file, at a line and column (1-based)."""

    file: str
    line: int
    col: int
    message: Text

    def located(self, lang: str) -> str:
        return f"{self.file}:{self.line}:{self.col}: {self.message(lang)}"

    def __str__(self) -> str:
        return self.located("en")


def read_text(path: Path, rel: str) -> str:
    """A data file's text as UTF-8 (a BOM is dropped), or a located ``DataError``."""
    try:
        if path.stat().st_size > MAX_DATA_BYTES:
            raise DataError(rel, 1, 1, Text("文件太大（上限 20 MB）", "file too large (limit 20 MB)"))
        data = path.read_bytes()
    except OSError as e:
        raise DataError(rel, 1, 1, Text(f"无法读取文件：{e.strerror or e}", f"cannot read file: {e.strerror or e}")) from None
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8").replace("\r\n", "\n")
    except UnicodeDecodeError as e:
        before = data[: e.start]
        line = before.count(b"\n") + 1
        col = len(before[before.rfind(b"\n") + 1:].decode("utf-8", "replace")) + 1
        raise DataError(rel, line, col, Text("文件不是 UTF-8 编码；请用 UTF-8 保存", "file is not UTF-8; save it as UTF-8")) from None


# ---------------------------------------------------------------- YAML with locations
class _Loader(yaml.SafeLoader):
    pass


def _mark(node_or_mark: yaml.Node | yaml.Mark | None) -> tuple[int, int]:
    """1-based line and column of a node or a mark ((1, 1) when there is none)."""
    mark = node_or_mark.start_mark if isinstance(node_or_mark, yaml.Node) else node_or_mark
    return (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)


class YamlDoc:
    """A parsed YAML document: its node tree, for values and for locations."""

    def __init__(self, text: str, rel: str) -> None:
        self.rel = rel
        loader = _Loader(text)
        try:
            self.root: yaml.Node | None = loader.get_single_node()
        except yaml.MarkedYAMLError as e:
            mark = e.problem_mark or e.context_mark
            line, col = _mark(mark)
            problem = " ".join(x for x in (e.context, e.problem) if x)
            raise DataError(rel, line, col, Text(f"YAML 语法错误：{problem}", f"YAML syntax error: {problem}")) from None
        except yaml.YAMLError as e:
            raise DataError(rel, 1, 1, Text(f"YAML 语法错误：{e}", f"YAML syntax error: {e}")) from None
        finally:
            loader.dispose()
        self.loader = loader
        if self.root is not None:
            self._check_keys(self.root)

    def _check_keys(self, node: yaml.Node) -> None:
        """Raise at the first key written twice in a mapping (PyYAML keeps the last silently)."""
        stack = [node]
        while stack:
            n = stack.pop()
            if isinstance(n, yaml.MappingNode):
                seen: dict[str, int] = {}  # key -> its first line
                for k, v in n.value:
                    if isinstance(k, yaml.ScalarNode):
                        if k.value in seen:
                            line, col = _mark(k)
                            first = seen[k.value]
                            raise DataError(self.rel, line, col, Text(f"键“{k.value}”重复（第一次在第 {first} 行）",
                                                                      f"key '{k.value}' appears twice (first on line {first})"))
                        seen[k.value] = _mark(k)[0]
                    stack.append(v)
            elif isinstance(n, yaml.SequenceNode):
                stack.extend(n.value)

    def value(self, node: yaml.Node) -> Any:
        """The Python value of a node (safe types only)."""
        try:
            return self.loader.construct_object(node, deep=True)
        except yaml.constructor.ConstructorError as e:
            line, col = _mark(e.problem_mark or node)
            raise DataError(self.rel, line, col, Text(f"无法读取这个值：{e.problem}", f"cannot read this value: {e.problem}")) from None
        except (ValueError, TypeError) as e:
            line, col = _mark(node)
            raise DataError(self.rel, line, col, Text(f"无法读取这个值：{e}", f"cannot read this value: {e}")) from None

    def error(self, node: yaml.Node | None, message: Text) -> DataError:
        """A problem at ``node``."""
        line, col = _mark(node)
        return DataError(self.rel, line, col, message)

    @staticmethod
    def pairs(node: yaml.Node | None) -> list[tuple[yaml.Node, yaml.Node]]:
        """(key node, value node) of a mapping node (none for any other node)."""
        return list(node.value) if isinstance(node, yaml.MappingNode) else []

    @staticmethod
    def is_mapping(node: yaml.Node | None) -> TypeGuard[yaml.MappingNode]:
        return isinstance(node, yaml.MappingNode)

    @staticmethod
    def is_sequence(node: yaml.Node | None) -> TypeGuard[yaml.SequenceNode]:
        return isinstance(node, yaml.SequenceNode)

    @staticmethod
    def key_text(node: yaml.Node) -> str | None:
        """The text of a scalar key (None for a key that is a list or a mapping)."""
        return node.value if isinstance(node, yaml.ScalarNode) else None


# ---------------------------------------------------------------- facts files
@dataclass(frozen=True)
class FactsFile:
    """A facts file (JSON or YAML): the facts, and where each fact is written."""

    facts: dict[str, Any]
    locate: Callable[[str], tuple[int, int]]  # fact name -> (line, col)


def read_facts_file(path: Path, rel: str) -> FactsFile:
    """The facts of a ``.json`` file (numbers as Decimal) or a YAML file, or a located ``DataError``."""
    text = read_text(path, rel)
    if path.suffix.lower() == ".json":
        try:
            data = json.loads(text, parse_float=Decimal, parse_int=int)
        except json.JSONDecodeError as e:
            raise DataError(rel, e.lineno, e.colno, Text(f"JSON 语法错误：{e.msg}", f"JSON syntax error: {e.msg}")) from None
        if data is None:
            data = {}
        if not isinstance(data, dict):
            raise DataError(rel, 1, 1, Text("事实文件应为一个对象：{\"事实名\": 值, …}", "a facts file must hold one object: {\"fact\": value, ...}"))

        def locate(name: str) -> tuple[int, int]:
            mt = re.search(re.escape(json.dumps(name, ensure_ascii=False)) + r"\s*:", text)
            if mt is None:
                mt = re.search(re.escape(json.dumps(name)) + r"\s*:", text)
            if mt is None:
                return 1, 1
            line = text.count("\n", 0, mt.start()) + 1
            return line, mt.start() - (text.rfind("\n", 0, mt.start()) + 1) + 1

        return FactsFile(data, locate)
    doc = YamlDoc(text, rel)
    if doc.root is None:
        return FactsFile({}, lambda name: (1, 1))
    if not doc.is_mapping(doc.root):
        raise doc.error(doc.root, Text("事实文件应为“事实名: 值”的映射", "a facts file must be a mapping of fact: value"))
    facts: dict[str, Any] = {}
    where: dict[str, tuple[int, int]] = {}
    for k, v in doc.pairs(doc.root):
        key = doc.value(k)
        facts[str(key)] = doc.value(v)
        where[str(key)] = _mark(k)
    return FactsFile(facts, lambda name: where.get(name, (1, 1)))

