"""The language server over the Language Server Protocol (pygls 2), on standard input and output.

Projects are found from the documents opened (the nearest ``qingdan.toml`` above a file)
and from the workspace folders. After an edit, diagnostics are debounced: a compile
starts when typing pauses for ``debounce`` seconds. Compiling runs in a worker thread,
one compile at a time per server; edits that arrive meanwhile are compiled next, in one
go. When the project's compile takes longer than ``QUICK_AFTER`` seconds (large
catalogs), the edited file is also compiled alone, in a second worker thread, and its
own findings are published at once (with the project-wide findings of the last compile),
without waiting for a project compile under way.

Requests (hover, definition, completion …) never compile: they read the index of the
files and the last compile's catalog.
"""

from __future__ import annotations

import asyncio
import logging
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from lsprotocol import types as lsp
from pygls.exceptions import JsonRpcInvalidParams
from pygls.lsp.server import LanguageServer
from pygls.uris import to_fs_path

from .. import __version__
from ..compiler.sources import CONFIG_NAME
from . import features
from .completion import completion
from .positions import UTF8, UTF16, UTF32
from .project import Project, find_root

log = logging.getLogger(__name__)

DEBOUNCE_SECONDS = 0.15
QUICK_AFTER = 0.3  # a project compile slower than this gets the edited file's findings first


class QingdanServer(LanguageServer):
    def __init__(self, debounce: float = DEBOUNCE_SECONDS) -> None:
        super().__init__("qingdan", __version__, text_document_sync_kind=lsp.TextDocumentSyncKind.Incremental)
        self.debounce = debounce
        self.lang: str | None = None  # the language of messages; None: each project's [project] lang
        self.projects: dict[Path, Project] = {}
        self.compiler = ThreadPoolExecutor(max_workers=1, thread_name_prefix="qingdan-compile")
        self.sleeping: dict[Path, asyncio.Task] = {}
        self.compiling: set[Path] = set()
        self.published: dict[Path, set[str]] = {}  # files of each project that have diagnostics shown
        self.quick_pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="qingdan-quick")
        self.quick_sleeping: dict[tuple[Path, str], asyncio.Task] = {}
        self.quick_published: dict[tuple[Path, str], int] = {}  # generation of the text each file's quick findings are of
        self.compiled_generation: dict[Path, int] = {}
        self.tasks: set[asyncio.Task] = set()

    # ---------------------------------------------------------------- projects
    @property
    def encoding(self) -> str:
        try:
            encoding = self.workspace.position_encoding
        except RuntimeError:  # before initialize
            return UTF16
        value = getattr(encoding, "value", encoding)
        return value if value in (UTF8, UTF16, UTF32) else UTF16

    def project_for(self, uri: str) -> tuple[Project, str] | None:
        """The project of a document and the document's path in it (None for other files)."""
        fs = to_fs_path(uri)
        if fs is None:
            return None
        path = Path(fs)
        if path.suffix != ".qd" and path.name != CONFIG_NAME:
            return None
        root, has_config = find_root(path) if path.name != CONFIG_NAME else (path.parent, True)
        key = root if has_config else path
        project = self.projects.get(key)
        if project is None:
            project = Project(root, has_config, None if has_config else path.name, self.encoding)
            self.projects[key] = project
        rel = project.rel(path)
        if rel is None:
            return None
        project.client_uris[rel] = uri
        return project, rel

    def key(self, project: Project) -> Path:
        return project.root if project.only is None else project.root / project.only

    def lang_of(self, project: Project) -> str:
        if self.lang:
            return self.lang
        return project.result.config.lang if project.result is not None else "zh"

    def open_folder(self, folder: Path) -> None:
        """A workspace folder with ``qingdan.toml``: compile and index it before anything is opened."""
        if (folder / CONFIG_NAME).is_file() and folder not in self.projects:
            project = Project(folder, True, None, self.encoding)
            self.projects[folder] = project
            self.schedule(project, 0.0, index=True)

    # ---------------------------------------------------------------- compiling
    def schedule(self, project: Project, delay: float | None = None, index: bool = False) -> None:
        key = self.key(project)
        sleeping = self.sleeping.pop(key, None)
        if sleeping is not None:
            sleeping.cancel()
        if key in self.compiling:
            return  # the compile under way is followed by another
        task = asyncio.ensure_future(self._after_pause(project, self.debounce if delay is None else delay, index))
        self.sleeping[key] = task
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)

    async def _after_pause(self, project: Project, delay: float, index: bool) -> None:
        key = self.key(project)
        await asyncio.sleep(delay)
        self.sleeping.pop(key, None)
        self.compiling.add(key)
        loop = asyncio.get_running_loop()
        try:
            while True:
                snapshot = project.snapshot()
                result, seconds = await loop.run_in_executor(self.compiler, Project.run_compile, snapshot)
                project.install_result(snapshot, result, seconds)
                self.publish(project, snapshot.generation)
                if index:
                    index = False
                    stale = project.stale_files()
                    for ix in await loop.run_in_executor(self.compiler, Project.build_indexes, stale):
                        project.install_index(ix)
                if project.generation == snapshot.generation:
                    return
                await asyncio.sleep(self.debounce)  # edits came in while compiling
        except Exception:  # a bug must not stop the server: say so in the log, keep serving
            log.exception("qingdan: compile failed")
        finally:
            self.compiling.discard(key)

    def publish(self, project: Project, generation: int) -> None:
        """Publish a project compile of the texts of ``generation``.

        A file whose own findings were published from newer text (``quick``) keeps them:
        this compile saw an older text of it, and the next compile follows.
        """
        assert project.result is not None
        by_file = features.diagnostics_by_file(project, project.result.diagnostics, self.lang_of(project))
        for rel in project.open_docs:  # an open file without findings is told so
            by_file.setdefault(rel, [])
        key = self.key(project)
        newer = {rel for (k, rel), gen in self.quick_published.items() if k == key and gen > generation}
        for rel in sorted(self.published.get(key, set()) - set(by_file) - newer):
            self.text_document_publish_diagnostics(lsp.PublishDiagnosticsParams(uri=project.uri(rel), diagnostics=[]))
        for rel in sorted(set(by_file) - newer):
            self.text_document_publish_diagnostics(lsp.PublishDiagnosticsParams(uri=project.uri(rel), diagnostics=by_file[rel]))
        self.published[key] = set(by_file) | (newer & self.published.get(key, set()))
        self.compiled_generation[key] = generation

    def edited(self, project: Project, rel: str) -> None:
        key = self.key(project)
        self.schedule(project)
        if project.compile_seconds <= QUICK_AFTER:
            return
        sleeping = self.quick_sleeping.pop((key, rel), None)
        if sleeping is not None:
            sleeping.cancel()
        task = asyncio.ensure_future(self._quick(project, rel))
        self.quick_sleeping[(key, rel)] = task
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)

    async def _quick(self, project: Project, rel: str) -> None:
        """The edited file's own findings, at once: beside (not after) a project compile under way."""
        key = self.key(project)
        await asyncio.sleep(self.debounce)
        self.quick_sleeping.pop((key, rel), None)
        generation = project.generation
        ix = project.index(rel)
        try:
            diags = await asyncio.get_running_loop().run_in_executor(self.quick_pool, project.quick_diagnostics, rel, ix)
        except Exception:
            log.exception("qingdan: compiling %s alone failed", rel)
            return
        if self.compiled_generation.get(key, -1) >= generation or self.quick_published.get((key, rel), -1) >= generation:
            return  # a compile of this text or a newer one is already shown
        by_file = features.diagnostics_by_file(project, diags, self.lang_of(project))
        self.text_document_publish_diagnostics(lsp.PublishDiagnosticsParams(uri=project.uri(rel), diagnostics=by_file.get(rel, [])))
        self.published.setdefault(key, set()).add(rel)
        self.quick_published[(key, rel)] = generation


server = QingdanServer()


def _doc(ls: QingdanServer, uri: str) -> tuple[Project, str] | None:
    return ls.project_for(uri)


@server.feature(lsp.INITIALIZE)
def initialize(ls: QingdanServer, params: lsp.InitializeParams) -> None:
    options = params.initialization_options
    if isinstance(options, dict) and options.get("lang") in ("zh", "en"):
        ls.lang = options["lang"]
    if isinstance(options, dict) and isinstance(options.get("debounceMs"), int | float):
        ls.debounce = max(0.0, float(options["debounceMs"]) / 1000)


@server.feature(lsp.INITIALIZED)
def initialized(ls: QingdanServer, params: lsp.InitializedParams) -> None:
    folders = [f.uri for f in ls.workspace.folders.values()] if ls.workspace.folders else []
    if not folders and ls.workspace.root_uri:
        folders = [ls.workspace.root_uri]
    for uri in folders:
        fs = to_fs_path(uri)
        if fs:
            ls.open_folder(Path(fs))


@server.feature(lsp.TEXT_DOCUMENT_DID_OPEN)
def did_open(ls: QingdanServer, params: lsp.DidOpenTextDocumentParams) -> None:
    found = _doc(ls, params.text_document.uri)
    if found is not None:
        project, rel = found
        project.set_open(rel, params.text_document.text)
        ls.schedule(project, 0.0 if project.result is None else None)


@server.feature(lsp.TEXT_DOCUMENT_DID_CHANGE)
def did_change(ls: QingdanServer, params: lsp.DidChangeTextDocumentParams) -> None:
    found = _doc(ls, params.text_document.uri)
    if found is not None:
        project, rel = found
        project.set_open(rel, ls.workspace.get_text_document(params.text_document.uri).source)
        ls.edited(project, rel)


@server.feature(lsp.TEXT_DOCUMENT_DID_CLOSE)
def did_close(ls: QingdanServer, params: lsp.DidCloseTextDocumentParams) -> None:
    found = _doc(ls, params.text_document.uri)
    if found is not None:
        project, rel = found
        project.close(rel)
        ls.schedule(project)


@server.feature(lsp.WORKSPACE_DID_CHANGE_WATCHED_FILES)
def did_change_watched_files(ls: QingdanServer, params: lsp.DidChangeWatchedFilesParams) -> None:
    touched = {id(p): p for c in params.changes if (found := _doc(ls, c.uri)) is not None for p in [found[0]]}
    for project in touched.values():
        project.disk_changed()
        ls.schedule(project)


@server.feature(lsp.TEXT_DOCUMENT_HOVER)
def hover(ls: QingdanServer, params: lsp.HoverParams) -> lsp.Hover | None:
    found = _doc(ls, params.text_document.uri)
    return features.hover(found[0], found[1], params.position) if found else None


@server.feature(lsp.TEXT_DOCUMENT_DEFINITION)
def definition(ls: QingdanServer, params: lsp.DefinitionParams) -> list[lsp.Location]:
    found = _doc(ls, params.text_document.uri)
    if found is None:
        return []
    found[0].index_all()
    return features.definition(found[0], found[1], params.position)


@server.feature(lsp.TEXT_DOCUMENT_REFERENCES)
def references(ls: QingdanServer, params: lsp.ReferenceParams) -> list[lsp.Location]:
    found = _doc(ls, params.text_document.uri)
    if found is None:
        return []
    found[0].index_all()
    return features.references(found[0], found[1], params.position, params.context.include_declaration)


@server.feature(lsp.TEXT_DOCUMENT_DOCUMENT_SYMBOL)
def document_symbol(ls: QingdanServer, params: lsp.DocumentSymbolParams) -> list[lsp.DocumentSymbol]:
    found = _doc(ls, params.text_document.uri)
    return features.document_symbols(found[0], found[1]) if found else []


@server.feature(lsp.WORKSPACE_SYMBOL)
def workspace_symbol(ls: QingdanServer, params: lsp.WorkspaceSymbolParams) -> list[lsp.WorkspaceSymbol]:
    out: list[lsp.WorkspaceSymbol] = []
    for project in list(ls.projects.values()):
        project.index_all()
        out.extend(features.workspace_symbols(project, params.query))
    return out[: features.MAX_WORKSPACE_SYMBOLS]


@server.feature(lsp.TEXT_DOCUMENT_COMPLETION, lsp.CompletionOptions(trigger_characters=[":", ".", "(", " "]))
def complete(ls: QingdanServer, params: lsp.CompletionParams) -> lsp.CompletionList | None:
    found = _doc(ls, params.text_document.uri)
    return completion(found[0], found[1], params.position) if found else None


@server.feature(lsp.TEXT_DOCUMENT_FORMATTING)
def formatting(ls: QingdanServer, params: lsp.DocumentFormattingParams) -> list[lsp.TextEdit] | None:
    found = _doc(ls, params.text_document.uri)
    return features.formatting(found[0], found[1]) if found else None


@server.feature(lsp.TEXT_DOCUMENT_CODE_ACTION, lsp.CodeActionOptions(code_action_kinds=[lsp.CodeActionKind.QuickFix]))
def code_action(ls: QingdanServer, params: lsp.CodeActionParams) -> list[lsp.CodeAction]:
    found = _doc(ls, params.text_document.uri)
    return features.code_actions(found[0], found[1], params) if found else []


@server.feature(lsp.TEXT_DOCUMENT_PREPARE_RENAME)
def prepare_rename(ls: QingdanServer, params: lsp.PrepareRenameParams) -> lsp.PrepareRenamePlaceholder | None:
    found = _doc(ls, params.text_document.uri)
    return features.prepare_rename(found[0], found[1], params.position) if found else None


@server.feature(lsp.TEXT_DOCUMENT_RENAME)
def rename(ls: QingdanServer, params: lsp.RenameParams) -> lsp.WorkspaceEdit | None:
    found = _doc(ls, params.text_document.uri)
    if found is None:
        return None
    try:
        return features.rename(found[0], found[1], params.position, params.new_name)
    except features.RenameError as e:
        raise JsonRpcInvalidParams(str(e)) from e


def run(debounce: float | None = None) -> None:
    """Serve on standard input and output until the client says exit."""
    if debounce is not None:
        server.debounce = debounce
    server.start_io()
