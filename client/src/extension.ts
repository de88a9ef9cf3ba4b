// The VS Code extension: starts the NetLens language server (dist/server.js, over IPC) for .nn
// files and adds "Show Model Summary" and "Restart Server". Diagnostics, hover, inlay hints, code
// lenses and completion come from the server. Training (training/) runs `netlens train` as a
// child process and shows it in a panel, the status bar, the "NetLens Runs" view and tasks.
import { existsSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import * as vscode from 'vscode';
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';
import { SHOW_SUMMARY_COMMAND, SummaryChangedNotification, SummaryRequest, type SummaryChangedParams, type SummaryResult } from '../../server/src/protocol';
import { activeNnDocument, toUri } from './documents';
import { SummaryPanel } from './summaryPanel';
import { TrainingController, REFRESH_RUNS_COMMAND } from './training/controller';
import { RunsView } from './training/runsView';
import { registerTasks } from './training/tasks';

export const RESTART_COMMAND = 'netlens.restartServer';

let client: LanguageClient | undefined;
let context: vscode.ExtensionContext;
let output: vscode.OutputChannel;
/** One watcher for the life of the extension; every client (after restarts) shares it. */
let watcher: vscode.FileSystemWatcher;
let training: TrainingController | undefined;

export async function activate(ctx: vscode.ExtensionContext): Promise<void> {
  context = ctx;
  output = vscode.window.createOutputChannel('NetLens');
  watcher = vscode.workspace.createFileSystemWatcher('**/*.nn');
  context.subscriptions.push(
    output,
    watcher,
    vscode.commands.registerCommand(SHOW_SUMMARY_COMMAND, (uri?: unknown, model?: unknown) => showSummary(uri, model)),
    vscode.commands.registerCommand(RESTART_COMMAND, restart),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('netlens.server.path')) {
        void vscode.window.showInformationMessage('NetLens: restart the server to use the new server path.', 'Restart').then((choice) => choice && restart());
      }
    }),
    { dispose: () => SummaryPanel.disposeCurrent() },
  );
  activateTraining(ctx);
  await start();
}

function activateTraining(ctx: vscode.ExtensionContext): void {
  training = new TrainingController(ctx);
  const runs = new RunsView();
  ctx.subscriptions.push(
    training,
    runs,
    training.onDidChangeRuns(() => runs.refresh(true)),
    vscode.window.registerTreeDataProvider('netlens.runs', runs),
    vscode.commands.registerCommand(REFRESH_RUNS_COMMAND, () => runs.refresh(true)),
    registerTasks(ctx),
  );
}

export async function deactivate(): Promise<void> {
  // A closing editor asks running trainers to checkpoint and end as cancelled, so their run
  // directories stay consistent and can be resumed.
  await training?.stopAll();
  const old = client;
  client = undefined;
  await old?.dispose();
}

/** The training controller, for tests of the extension. */
export function trainingController(): TrainingController | undefined {
  return training;
}

async function start(): Promise<void> {
  client = createClient(context, output);
  client.onNotification(SummaryChangedNotification, ({ uri }: SummaryChangedParams) => SummaryPanel.changed(uri));
  try {
    await client.start();
  } catch (error) {
    output.appendLine(`NetLens: the language server did not start: ${String(error)}`);
    void vscode.window.showErrorMessage('NetLens: the language server did not start. See the "NetLens" output.');
  }
}

/** Stops the server and starts it again, reading `netlens.server.path` anew. */
async function restart(): Promise<void> {
  const old = client;
  client = undefined;
  try {
    await old?.dispose();
  } catch (error) {
    output.appendLine(`NetLens: stopping the server: ${String(error)}`);
  }
  await start();
  SummaryPanel.refreshCurrent();
}

/** The running client, for the summary panel (it changes when the server restarts). */
export function currentClient(): LanguageClient | undefined {
  return client;
}

function createClient(context: vscode.ExtensionContext, output: vscode.OutputChannel): LanguageClient {
  const module = serverModule(context);
  output.appendLine(`NetLens: server ${module}`);
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc },
    debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6009'] } },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [{ language: 'nn' }],
    synchronize: {
      configurationSection: 'netlens',
      fileEvents: watcher,
    },
    outputChannel: output,
  };
  // The id `netlens` makes vscode-languageclient read the `netlens.trace.server` setting.
  return new LanguageClient('netlens', 'NetLens', serverOptions, clientOptions);
}

/** The bundled dist/server.js, or the `netlens.server.path` setting (relative to the first workspace folder). */
function serverModule(context: vscode.ExtensionContext): string {
  const configured = vscode.workspace.getConfiguration('netlens').get<string>('server.path')?.trim();
  if (configured) {
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
    const path = isAbsolute(configured) || !folder ? configured : join(folder, configured);
    if (existsSync(path)) return path;
    void vscode.window.showWarningMessage(`NetLens: netlens.server.path "${configured}" does not exist; using the bundled server.`);
  }
  return context.asAbsolutePath(join('dist', 'server.js'));
}

/** `netlens.showSummary [uri, model]`: the code lens passes both, the editor title a Uri, the palette nothing. */
async function showSummary(uriArg: unknown, modelArg: unknown): Promise<void> {
  if (!client) return;
  const uri = toUri(uriArg) ?? activeNnDocument()?.uri;
  if (!uri) {
    void vscode.window.showWarningMessage('NetLens: open a .nn file to see its model summary.');
    return;
  }
  let model = typeof modelArg === 'string' ? modelArg : undefined;
  if (model === undefined) {
    const names = await modelNames(client, uri);
    if (names.length > 1) {
      model = await vscode.window.showQuickPick(names, { placeHolder: 'Which model?', title: 'NetLens: Show Model Summary' });
      if (model === undefined) return;
    } else {
      model = names[0];
    }
  }
  SummaryPanel.show(currentClient, uri, model);
}

async function modelNames(client: LanguageClient, uri: vscode.Uri): Promise<string[]> {
  // Opening the document makes the server analyse it, if no editor shows it yet.
  await vscode.workspace.openTextDocument(uri);
  for (let attempt = 0; attempt < 3; attempt++) {
    const result = await client.sendRequest<SummaryResult | null>(SummaryRequest, { uri: client.code2ProtocolConverter.asUri(uri) });
    if (result) return result.json.models.map((m) => m.name);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return [];
}
