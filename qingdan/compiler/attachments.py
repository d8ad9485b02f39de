"""The files and addresses a service guide links to: 空白表格, 示例样表, 结果样本, 网上办理地址.

A rule file names such a thing as a quoted text that is either an http(s) address or the
path of a file of the project, relative to the project root with forward slashes
(``forms/食品经营许可申请书.docx``). ``parse_link`` reads the text (pure: the lowering
calls it), ``check_files`` confirms that every named file exists inside the project
(after the files are lowered, when the project root is known), and ``read_attachment``
reads one for the build, which copies it into its output under ``attachments/``.

A file of the project is read only when its real path (symbolic links resolved) lies
inside the project and it is a regular file of at most ``MAX_ATTACHMENT_BYTES``: a link
leading out of the project is refused, never followed. An address must be http or
https, name a host, carry no user name or password (``https://gov.cn@elsewhere``) and
no character that could end a link or an attribute where it lands; the generators still
escape it for each format.
"""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path
from urllib.parse import urlsplit

from . import model as m
from .diagnostics import Diagnostic, Loc, diag
from .sources import read_project_bytes
from .text import Text

MAX_URL = 2000  # characters of an address
MAX_PATH = 260  # characters of a project file's path
MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024  # a scanned sample or a form template; larger files belong on a web server
ATTACHMENT_DIR = "attachments"  # where the build copies the project's files

_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
_URL_FORBIDDEN = re.compile(r"[\s\x00-\x1f\x7f<>\"'`\\{}|^]")
_BAD_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")
_PATH_FORBIDDEN = re.compile(r"[\x00-\x1f\x7f<>:\"|?*\\]")


def parse_url(text: str) -> str | Text:
    """``text`` as an http(s) address, or why it is not one (Chinese and English)."""
    url = text.strip()
    if not url:
        return Text("网址是空的", "the address is empty")
    scheme = _SCHEME.match(url)
    if scheme is None or scheme.group().lower() not in ("http:", "https:"):
        return Text("网址应以 http:// 或 https:// 开头", "an address starts with http:// or https://")
    if len(url) > MAX_URL:
        return Text(f"网址太长（最多 {MAX_URL} 个字符）", f"the address is too long (at most {MAX_URL} characters)")
    bad = _URL_FORBIDDEN.search(url)
    if bad:
        shown = repr(bad.group())[1:-1] if not bad.group().isspace() else "空格"
        return Text(f"网址中不能有“{shown}”；空格等字符请写成 %20 这样的百分号编码",
                    f"an address cannot contain '{repr(bad.group())[1:-1]}'; write spaces and such characters percent-encoded (%20)")
    if _BAD_PERCENT.search(url):
        return Text("网址中的 % 后面应是两位十六进制数（如 %20）", "a % in an address must be followed by two hex digits (such as %20)")
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError on a port out of range
    except ValueError:
        return Text("网址的格式不正确（主机名或端口号有误）", "the address is malformed (its host or port)")
    if not parts.hostname or not url.lower().startswith(("http://", "https://")):
        return Text("网址中没有主机名，应写成 https://主机名/路径", "the address has no host; write https://host/path")
    if "@" in parts.netloc:
        return Text("网址中不能带用户名或密码（@ 之前的部分），它会让人误以为是另一个网站",
                    "an address may not carry a user name or password (before @): it makes it look like another site")
    return url


def parse_link(text: str) -> m.Attachment | Text:
    """A link of a guide: an http(s) address or a project file's path, or why it is neither."""
    value = text.strip()
    if not value:
        return Text("应写出项目中的文件路径或 http(s) 网址", "write the path of a file of the project or an http(s) address")
    if _SCHEME.match(value):
        if value.lower().startswith(("http:", "https:")):
            url = parse_url(value)
            return url if isinstance(url, Text) else m.Attachment(url=url)
        return Text("只能写 http:// 或 https:// 网址，或项目中的文件路径（相对于项目目录，如 forms/申请表.docx）",
                    "write an http:// or https:// address, or the path of a file of the project (relative to it, such as forms/application.docx)")
    if len(value) > MAX_PATH:
        return Text(f"文件路径太长（最多 {MAX_PATH} 个字符）", f"the file path is too long (at most {MAX_PATH} characters)")
    if value.startswith(("/", "~")):
        return Text("文件路径应相对于项目目录（如 forms/申请表.docx），不能以 / 或 ~ 开头",
                    "a file path is relative to the project directory (such as forms/application.docx); it cannot start with / or ~")
    bad = _PATH_FORBIDDEN.search(value)
    if bad:
        ch = bad.group()
        if ch == "\\":
            return Text("文件路径请用 / 分隔目录，不用 \\", "separate directories in a file path with /, not \\")
        return Text(f"文件路径中不能有“{repr(ch)[1:-1]}”", f"a file path cannot contain '{repr(ch)[1:-1]}'")
    parts = value.split("/")
    if any(p in ("", ".", "..") for p in parts):
        return Text("文件路径中不能有空的部分、“.”或“..”：文件必须在项目目录之内，写成 forms/申请表.docx 这样",
                    "a file path cannot have empty parts, '.' or '..': the file must be inside the project, written like forms/application.docx")
    return m.Attachment(path=value)


def attachments_of(matter: m.Matter) -> list[tuple[str, m.Attachment, m.Node]]:
    """(field, attachment, the node that names it) for every attachment of ``matter``, in guide order."""
    out: list[tuple[str, m.Attachment, m.Node]] = []
    for mat in matter.materials:
        if mat.blank_form is not None:
            out.append(("blank_form", mat.blank_form, mat))
        if mat.sample is not None:
            out.append(("sample", mat.sample, mat))
    if matter.result is not None and matter.result.sample is not None:
        out.append(("sample", matter.result.sample, matter.result))
    return out


def project_files(catalog: m.CatalogModel) -> list[str]:
    """Every project file the matters' guides link to, each once, in order."""
    return sorted({a.path for mt in catalog.matters.values() for _f, a, _n in attachments_of(mt) if a.path})


def read_attachment(root: Path, path: str) -> bytes | Text:
    """The bytes of the project file ``path`` (relative to ``root``), or why it cannot be read."""
    found: list[Text] = []

    def problem(zh: str, en: str, line: int = 1, col: int = 1) -> Diagnostic:
        found.append(Text(zh, en))
        return diag("unreadable-file", zh, en, None)

    data = read_project_bytes(root / path, path, problem, limit=MAX_ATTACHMENT_BYTES)
    if isinstance(data, Diagnostic):
        return Text(f"文件 {path}：{found[0].zh}", f"file {path}: {found[0].en}") if found else Text(path, path)
    return data


def check_files(catalog: m.CatalogModel, root: Path | None) -> list[Diagnostic]:
    """An ``unreadable-file`` diagnostic at each attachment whose project file is missing,
    not a regular file, too large, or a link leading outside the project."""
    if root is None:  # sources in memory: there are no files to find
        return []
    out: list[Diagnostic] = []
    verdicts: dict[str, Text | None] = {}
    for mt in catalog.matters.values():
        for field, att, node in attachments_of(mt):
            if att.path is None:
                continue
            if att.path not in verdicts:
                verdicts[att.path] = _file_problem(root, att.path)
            why = verdicts[att.path]
            if why is not None:
                loc: Loc | None = node.locs.get(field + "@") or node.at(field)
                out.append(diag("unreadable-file", f"{why.zh}；请把文件放进项目目录，或改写为 http(s) 网址",
                                f"{why.en}; put the file in the project directory, or give an http(s) address instead", loc))
    return out


def _file_problem(root: Path, path: str) -> Text | None:
    """Why the project file ``path`` cannot be linked (found by its real path and status, not read), or None."""
    target = root / path
    if not os.path.lexists(target):
        return Text(f"项目中没有文件 {path}", f"the project has no file {path}")
    try:
        real = Path(os.path.realpath(target, strict=True))
        home = Path(os.path.realpath(root))
        info = os.stat(real)
    except (OSError, RuntimeError):
        return Text(f"文件 {path} 是断开或循环的链接，无法读取", f"the file {path} is a broken or looping link and cannot be read")
    if home not in real.parents:
        return Text(f"文件 {path} 是指向项目之外的链接，不会读取", f"the file {path} is a link to outside the project and is not read")
    if not stat.S_ISREG(info.st_mode):
        return Text(f"{path} 不是普通文件（而是目录、管道或设备）", f"{path} is not a regular file (it is a directory, a pipe or a device)")
    if info.st_size > MAX_ATTACHMENT_BYTES:
        return Text(f"文件 {path} 太大（{info.st_size / 1024 / 1024:.1f} MB，最多 {MAX_ATTACHMENT_BYTES // 1024 // 1024} MB），请放到网站上并写出网址",
                    f"the file {path} is too large ({info.st_size / 1024 / 1024:.1f} MB, at most {MAX_ATTACHMENT_BYTES // 1024 // 1024} MB); "
                    "publish it on a web server and give its address")
    return None
