"""Benchmark the language server ``qingdan lsp`` as an editor uses it, over stdio.

Usage (with the project installed into .venv):
    .venv/bin/python benchmarks/bench_lsp.py                       # 10,000 matters
    .venv/bin/python benchmarks/bench_lsp.py --matters 1000 --edits 10 --requests 50

benchmarks/synth.py writes a synthetic catalog to a temporary directory; a pygls client
starts ``qingdan lsp`` (the console script's code, in this interpreter), opens the
catalog as the workspace folder and one of its rule files, and measures:

- start-up: from ``initialized`` until the first diagnostics of the project are published;
- after an edit (a title changed, as typing does), with the server's default debounce:
  the time until the edited file's diagnostics are published (for a large project these
  are the file's own findings, compiled alone, with the project-wide findings of the last
  compile), and until the whole project's compile is published;
- hover and go-to-definition on names in the open file, once the index is built (the
  first cross-file request, which waits for the index, is timed on its own).

Medians are printed with the spread; the load average is printed first, as other work
on the machine inflates every figure. ``--parts`` measures the same work in this process,
without the protocol, in CPU seconds (steadier than wall time on a busy machine): the
project's compile, indexing every file, the edited file's quick findings, hover and
definition.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

import synth  # benchmarks/synth.py, beside this script
from lsprotocol import types as lsp
from pygls.lsp.client import LanguageClient

SERVER = [sys.executable, "-c", "import sys; from qingdan.cli import console_main; sys.argv = ['qingdan', 'lsp']; console_main()"]


class Client(LanguageClient):
    def __init__(self) -> None:
        super().__init__("bench-lsp", "1")
        self.published: list[tuple[float, str, int]] = []  # (time, uri, number of diagnostics)
        self.event = asyncio.Event()


def make_client() -> Client:
    client = Client()

    @client.feature(lsp.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    def on_diagnostics(params: lsp.PublishDiagnosticsParams) -> None:
        client.published.append((time.perf_counter(), params.uri, len(params.diagnostics)))
        client.event.set()

    return client


async def wait_publish(client: Client, uri: str | None, after: int, timeout: float) -> float | None:
    """The time of the first publication (for ``uri``, or any) after the first ``after`` ones."""
    deadline = time.perf_counter() + timeout
    while True:
        for t, u, _n in client.published[after:]:
            if uri is None or u == uri:
                return t
        left = deadline - time.perf_counter()
        if left <= 0:
            return None
        client.event.clear()
        try:
            await asyncio.wait_for(client.event.wait(), left)
        except TimeoutError:
            return None


async def settle(client: Client, quiet: float) -> None:
    """Wait until no diagnostics have been published for ``quiet`` seconds."""
    while True:
        n = len(client.published)
        await asyncio.sleep(quiet)
        if len(client.published) == n:
            return


def median_ms(values: list[float]) -> str:
    if not values:
        return "—"
    ms = sorted(v * 1000 for v in values)
    return f"{statistics.median(ms):.1f} ms (min {ms[0]:.1f}, max {ms[-1]:.1f}, n={len(ms)})"


async def run(root: Path, edits: int, requests: int) -> dict[str, str]:
    files = sorted(root.rglob("*.qd"), key=lambda p: p.stat().st_size)
    target = files[len(files) // 2]  # a rule file of median size
    text = target.read_text(encoding="utf-8")
    uri = target.as_uri()
    client = make_client()
    await client.start_io(*SERVER)
    figures: dict[str, str] = {"file": f"{target.relative_to(root)} ({len(text) // 1024} KB)"}
    try:
        await client.initialize_async(lsp.InitializeParams(
            capabilities=lsp.ClientCapabilities(), process_id=os.getpid(),
            workspace_folders=[lsp.WorkspaceFolder(uri=root.as_uri(), name="bench")], root_uri=root.as_uri()))
        t0 = time.perf_counter()
        client.initialized(lsp.InitializedParams())
        first = await wait_publish(client, None, 0, 600)
        figures["start-up: first diagnostics"] = f"{(first or t0) - t0:.1f} s"
        client.text_document_did_open(lsp.DidOpenTextDocumentParams(
            text_document=lsp.TextDocumentItem(uri=uri, language_id="qingdan", version=1, text=text)))
        await settle(client, 3.0)

        titles = list(re.finditer(r'(事项 \S+ ")([^"]*)(")', text))
        quick: list[float] = []
        full: list[float] = []
        for i in range(edits):
            mt = titles[i % len(titles)]
            edited = text[: mt.start(2)] + mt.group(2) + f"（{i}）" + text[mt.end(2):]
            n = len(client.published)
            sent = time.perf_counter()
            client.text_document_did_change(lsp.DidChangeTextDocumentParams(
                text_document=lsp.VersionedTextDocumentIdentifier(uri=uri, version=i + 2),
                content_changes=[lsp.TextDocumentContentChangeWholeDocument(text=edited)]))
            t_first = await wait_publish(client, uri, n, 600)
            if t_first is not None:
                quick.append(t_first - sent)
                after = next(j for j, (t, u, _n) in enumerate(client.published) if j >= n and u == uri) + 1
                t_full = await wait_publish(client, uri, after, 600)
                full.append((t_full if t_full is not None else t_first) - sent)
            await settle(client, 1.0)
        figures["edit → the file's diagnostics"] = median_ms(quick)
        figures["edit → the project's diagnostics"] = median_ms(full)

        names = [m.start(1) for m in re.finditer(r"\n\s*部门: (\S)", text)][:requests]
        positions = []
        for at in names:
            line = text.count("\n", 0, at)
            col = at - (text.rfind("\n", 0, at) + 1)
            positions.append(lsp.Position(line=line, character=col + 1))
        doc = lsp.TextDocumentIdentifier(uri=uri)
        t = time.perf_counter()
        await client.text_document_definition_async(lsp.DefinitionParams(text_document=doc, position=positions[0]))
        figures["first definition (builds the index if needed)"] = f"{(time.perf_counter() - t) * 1000:.0f} ms"
        hovers, definitions = [], []
        for pos in (positions * ((requests // max(len(positions), 1)) + 1))[:requests]:
            t = time.perf_counter()
            await client.text_document_hover_async(lsp.HoverParams(text_document=doc, position=pos))
            hovers.append(time.perf_counter() - t)
            t = time.perf_counter()
            await client.text_document_definition_async(lsp.DefinitionParams(text_document=doc, position=pos))
            definitions.append(time.perf_counter() - t)
        figures["hover"] = median_ms(hovers)
        figures["definition"] = median_ms(definitions)
        await client.shutdown_async(None)
        client.exit(None)
    finally:
        await client.stop()
    return figures


def parts(root: Path, requests: int) -> dict[str, str]:
    """The server's work for one edit and for requests, in this process, in CPU time."""
    from qingdan.lsp import features
    from qingdan.lsp.project import Project

    def cpu(fn, *args):
        t = time.process_time()
        value = fn(*args)
        return value, time.process_time() - t

    project = Project(root, True)
    files = sorted(root.rglob("*.qd"), key=lambda p: p.stat().st_size)
    rel = files[len(files) // 2].relative_to(root).as_posix()
    snapshot = project.snapshot()
    (result, _wall), compile_cpu = cpu(Project.run_compile, snapshot)
    project.install_result(snapshot, result, compile_cpu)
    _none, index_cpu = cpu(project.index_all)
    text = project.text(rel) or ""
    quick = []
    for i in range(5):
        project.set_open(rel, text + f"\n# {i}\n")
        ix, index_one = cpu(project.index, rel)
        _diags, seconds = cpu(project.quick_diagnostics, rel, ix)
        quick.append(index_one + seconds)
    project.index_all()
    positions = [lsp.Position(line=text.count("\n", 0, m.start(1)), character=m.start(1) - text.rfind("\n", 0, m.start(1)))
                 for m in re.finditer(r"\n\s*部门: (\S)", text)][:requests]
    hovers, definitions = [], []
    for pos in positions:
        hovers.append(cpu(features.hover, project, rel, pos)[1])
        definitions.append(cpu(features.definition, project, rel, pos)[1])
    return {
        "file": f"{rel} ({len(text) // 1024} KB)",
        "compile of the project (CPU)": f"{compile_cpu:.1f} s, {len(result.diagnostics)} findings",
        "index of every file (CPU)": f"{index_cpu:.1f} s",
        "edited file: index + quick findings (CPU)": median_ms(quick),
        "hover (CPU)": median_ms(hovers),
        "definition (CPU)": median_ms(definitions),
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--matters", type=int, default=10_000)
    ap.add_argument("--edits", type=int, default=10)
    ap.add_argument("--requests", type=int, default=50)
    ap.add_argument("--parts", action="store_true", help="measure the server's parts in this process (CPU time), not over stdio")
    args = ap.parse_args(argv)
    print(f"load average: {os.getloadavg()[0]:.2f}", flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "catalog"
        synth.write_project(root, args.matters)
        figures = parts(root, args.requests) if args.parts else asyncio.run(run(root, args.edits, args.requests))
    print(f"qingdan lsp{' (parts, in process)' if args.parts else ''}, {args.matters:,} matters")
    for k, v in figures.items():
        print(f"  {k}: {v}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
