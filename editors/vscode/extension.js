// The qingdan (清单) extension: the language client that starts `qingdan lsp` over stdio.
// Highlighting, comments and brackets come from package.json (grammar, language configuration);
// diagnostics and everything else from the language server.
"use strict";

const vscode = require("vscode");
const { LanguageClient, TransportKind } = require("vscode-languageclient/node");

let client;

/** The language server's command line: the `qingdan.path` setting (default `qingdan`) with `lsp`. */
function serverOptions() {
  const configured = vscode.workspace.getConfiguration("qingdan").get("path");
  const command = typeof configured === "string" && configured.trim() ? configured.trim() : "qingdan";
  return { command, args: ["lsp"], transport: TransportKind.stdio };
}

async function start() {
  const server = serverOptions();
  client = new LanguageClient("qingdan", "qingdan 清单", server, {
    documentSelector: [{ scheme: "file", language: "qd" }, { scheme: "untitled", language: "qd" }],
    synchronize: {
      fileEvents: vscode.workspace.createFileSystemWatcher("**/{*.qd,qingdan.toml,*.test.yaml}"),
    },
  });
  try {
    await client.start();
  } catch (err) {
    client = undefined;
    const message = err && err.message ? err.message : String(err);
    vscode.window.showErrorMessage(
      `无法启动 qingdan 语言服务器（${server.command} lsp）；请安装 qingdan 或在设置 qingdan.path 中填写它的路径。` +
        ` / Cannot start the qingdan language server (${server.command} lsp): install qingdan or set qingdan.path. ${message}`
    );
  }
}

async function restart() {
  if (client) {
    const running = client;
    client = undefined;
    await running.stop();
  }
  await start();
}

async function activate(context) {
  context.subscriptions.push(
    vscode.commands.registerCommand("qingdan.restartServer", restart),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration("qingdan.path")) {
        return restart();
      }
      return undefined;
    })
  );
  await start();
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate, serverOptions };
