// The language server: connection wiring only. Every request is answered by a pure function in
// features/ from the document's analysis, which documents.ts computes once per version. Each
// handler answers a request cancelled before it ran as cancelled, and turns an exception into a
// logged error and an empty result, so one bug in one feature never takes the server down.
import { basename, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  CodeActionKind,
  createConnection,
  DidChangeConfigurationNotification,
  DidChangeWatchedFilesNotification,
  LSPErrorCodes,
  ProposedFeatures,
  ResponseError,
  TextDocuments,
  TextDocumentSyncKind,
  type CancellationToken,
  type ClientCapabilities,
  type Connection,
  type InitializeResult,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { MAX_DOCUMENT_CHARS, Workspace } from './documents';
import { runChanged, runDirOfFile } from './runFacts';
import { provideCodeActions } from './features/codeActions';
import { provideCodeLenses } from './features/codeLens';
import { provideCompletion } from './features/completion';
import { provideFoldingRanges } from './features/folding';
import { formatDocument } from './features/formatting';
import { provideHover } from './features/hover';
import { provideInlayHints } from './features/inlayHints';
import { prepareRename, provideDefinition, provideReferences, provideRename } from './features/navigation';
import { provideSemanticTokens, SEMANTIC_TOKENS_LEGEND } from './features/semanticTokens';
import { provideSignatureHelp } from './features/signatureHelp';
import { provideDocumentSymbols, provideWorkspaceSymbols } from './features/symbols';
import { renderSummary, summarize, toJson, type Analysis } from './language/index';
import { DEFAULT_SETTINGS, SummaryChangedNotification, SummaryRequest, type Settings, type SummaryParams, type SummaryResult } from './protocol';

/** docs/diagnostics.md as shipped beside the bundle (dist/../docs). */
/** Files a train block's data may read (IDX, CSV, images): a change re-judges the block. */
const DATA_FILES = '**/*.{csv,idx,ubyte,idx1-ubyte,idx3-ubyte,png,jpg,jpeg}';
/** A run's event stream and job: what the observed diagnostics (NN6xx) and the hover on `train` read. */
const RUN_FILES = '**/runs/*/*/{events.ndjson,job.json}';

/** A live run's batch events change nothing the editor shows: they re-analyse no document. */
function quietRunChange(uri: string): boolean {
  if (!uri.startsWith('file:')) return false;
  const dir = runDirOfFile(fileURLToPath(uri));
  return dir !== undefined && !runChanged(dir);
}

const DOCS_URL = pathToFileURL(join(__dirname, '..', 'docs', 'diagnostics.md')).href;

export function startServer(connection: Connection): void {
  const documents = new TextDocuments(TextDocument);
  const logError = (what: string, error: unknown): void => connection.console.error(`netlens: ${what}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  const workspace = new Workspace(undefined, (uri, error) => logError(`analysing ${uri} failed`, error));
  let settings: Settings = DEFAULT_SETTINGS;
  let client: ClientCapabilities = {};

  // A language server outlives its bugs: log what escapes instead of exiting.
  process.on('uncaughtException', (error) => logError('uncaught exception', error));
  process.on('unhandledRejection', (error) => logError('unhandled rejection', error));

  /** Runs a feature; an exception is logged and answered with `fallback`. A ResponseError is the feature's answer. */
  const guard = <T>(what: string, fallback: T, run: () => T): T | ResponseError<void> => {
    try {
      return run();
    } catch (error) {
      if (error instanceof ResponseError) return error as ResponseError<void>;
      logError(`${what} failed`, error);
      return fallback;
    }
  };

  /** A request on one document: cancelled if cancelled before it ran, else the feature on its analysis. */
  const request =
    <P extends { textDocument: { uri: string } }, T>(what: string, fallback: T, answer: (analysis: Analysis, params: P) => T) =>
    (params: P, token: CancellationToken): T | ResponseError<void> => {
      if (token.isCancellationRequested) return new ResponseError(LSPErrorCodes.RequestCancelled, `${what} cancelled`);
      return guard(what, fallback, () => {
        const analysis = workspace.analysis(params.textDocument.uri);
        return analysis ? answer(analysis, params) : fallback;
      });
    };

  const others = (uri: string): Analysis[] => workspace.uris().filter((u) => u !== uri).flatMap((u) => workspace.analysis(u) ?? []);

  /** Publishes one file's diagnostics (see Workspace.diagnostics); true when it has any. */
  const publishFile = (target: string): boolean => {
    const diagnostics = guard('diagnostics', [], () => workspace.diagnostics(target, DOCS_URL, (what, error) => logError(what, error)));
    const list = diagnostics instanceof ResponseError ? [] : diagnostics;
    void connection.sendDiagnostics({ uri: target, version: workspace.get(target)?.version, diagnostics: list }).catch(() => undefined);
    return list.length > 0;
  };

  // Publishing waits for the messages already read: a burst of changes (a paste, a fast typist, a
  // client replaying edits) is analysed once, at its last version.
  const pending = new Set<string>();
  /** Files not open in the editor that have diagnostics published (from their importers), to clear later. */
  const external = new Set<string>();
  let flush: NodeJS.Timeout | undefined;
  const publishPending = (): void => {
    flush = undefined;
    const changed = [...pending];
    pending.clear();
    const targets = new Set<string>([...changed, ...external]);
    for (const uri of changed) for (const imported of workspace.importsOf(uri)) targets.add(imported);
    for (const target of targets) {
      const any = publishFile(target);
      if (any && !workspace.get(target)) external.add(target);
      else external.delete(target);
    }
    for (const uri of changed) {
      const document = workspace.get(uri);
      if (document) void connection.sendNotification(SummaryChangedNotification, { uri, version: document.version }).catch(() => undefined);
    }
  };
  const schedule = (uris: string[]): void => {
    for (const uri of uris) pending.add(uri);
    flush ??= setTimeout(publishPending, 0);
  };

  connection.onInitialize((params): InitializeResult => {
    client = params.capabilities;
    return {
      capabilities: {
        textDocumentSync: TextDocumentSyncKind.Incremental,
        hoverProvider: true,
        completionProvider: { triggerCharacters: ['.', '=', ' ', ':'] },
        signatureHelpProvider: { triggerCharacters: [' ', '(', ','], retriggerCharacters: ['='] },
        definitionProvider: true,
        referencesProvider: true,
        renameProvider: { prepareProvider: true },
        documentSymbolProvider: true,
        workspaceSymbolProvider: true,
        documentFormattingProvider: true,
        foldingRangeProvider: true,
        codeLensProvider: { resolveProvider: false },
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix] },
        inlayHintProvider: true,
        semanticTokensProvider: { legend: SEMANTIC_TOKENS_LEGEND, full: true },
      },
      serverInfo: { name: 'netlens', version: typeof NETLENS_VERSION === 'string' ? NETLENS_VERSION : 'dev' },
    };
  });

  connection.onInitialized(() => {
    if (client.workspace?.didChangeConfiguration?.dynamicRegistration) {
      connection.client.register(DidChangeConfigurationNotification.type, { section: 'netlens' }).catch((e: unknown) => logError('registering for configuration changes', e));
    }
    // Imports that are not open are read from the disk: their changes re-publish their importers.
    if (client.workspace?.didChangeWatchedFiles?.dynamicRegistration) {
      connection.client.register(DidChangeWatchedFilesNotification.type, { watchers: [{ globPattern: '**/*.nn' }, { globPattern: DATA_FILES }, { globPattern: RUN_FILES }] }).catch((e: unknown) => logError('registering the file watcher', e));
    }
    if (client.workspace?.configuration) void refreshSettings();
  });

  const refreshSettings = async (): Promise<void> => {
    try {
      const value = (await connection.workspace.getConfiguration('netlens')) as Partial<Settings> | null;
      settings = {
        inlayHints: { ...DEFAULT_SETTINGS.inlayHints, ...(value?.inlayHints ?? {}) },
        codeLens: { ...DEFAULT_SETTINGS.codeLens, ...(value?.codeLens ?? {}) },
      };
      if (client.workspace?.inlayHint?.refreshSupport) await connection.languages.inlayHint.refresh();
      if (client.workspace?.codeLens?.refreshSupport) await connection.sendRequest('workspace/codeLens/refresh');
    } catch (error) {
      logError('reading the netlens settings', error);
    }
  };
  connection.onDidChangeConfiguration(() => void refreshSettings());

  documents.onDidOpen(({ document }) => {
    workspace.set(document);
    // Importers that read this file from the disk now read the editor's text.
    schedule(workspace.invalidate(document.uri));
  });
  documents.onDidChangeContent(({ document }) => {
    workspace.set(document);
    schedule(workspace.invalidate(document.uri));
  });
  documents.onDidClose(({ document }) => {
    // The file on disk is what importers read now; its own diagnostics go, unless an importer finds some.
    const importers = workspace.invalidate(document.uri);
    workspace.close(document.uri);
    external.add(document.uri);
    schedule(importers.filter((uri) => uri !== document.uri));
  });
  connection.onDidChangeWatchedFiles(({ changes }) => schedule(changes.filter((change) => !quietRunChange(change.uri)).flatMap((change) => workspace.invalidate(change.uri))));

  connection.onHover(request('hover', null, (a, { position }) => provideHover(a, position, DOCS_URL)));
  connection.onCompletion(request('completion', [], (a, { position }) => provideCompletion(a, position)));
  connection.onSignatureHelp(request('signature help', null, (a, { position }) => provideSignatureHelp(a, position)));
  connection.onDefinition(request('definition', [], (a, { position }) => provideDefinition(a, position)));
  connection.onReferences(request('references', [], (a, { position, context }) => provideReferences(a, position, context.includeDeclaration, others(a.uri))));
  connection.onPrepareRename(request('prepare rename', null, (a, { position }) => prepareRename(a, position)));
  connection.onRenameRequest(request('rename', null, (a, { position, newName }) => provideRename(a, position, newName, others(a.uri))));
  connection.onDocumentSymbol(request('document symbols', [], (a) => provideDocumentSymbols(a)));
  connection.onWorkspaceSymbol(({ query }, token) =>
    token.isCancellationRequested ? new ResponseError(LSPErrorCodes.RequestCancelled, 'workspace symbols cancelled') : guard('workspace symbols', [], () => provideWorkspaceSymbols(workspace.uris().flatMap((u) => workspace.analysis(u) ?? []), query)),
  );
  connection.onDocumentFormatting(({ textDocument, options }, token) => {
    if (token.isCancellationRequested) return new ResponseError(LSPErrorCodes.RequestCancelled, 'formatting cancelled');
    const document = workspace.get(textDocument.uri);
    if (!document || document.getText().length > MAX_DOCUMENT_CHARS) return [];
    return guard('formatting', [], () => formatDocument(document.getText(), options));
  });
  connection.onCodeAction(request('code actions', [], (a, { textDocument, context }) => provideCodeActions(a, textDocument.uri, context.diagnostics)));
  connection.onFoldingRanges(request('folding', [], (a) => provideFoldingRanges(a)));
  connection.onCodeLens(request('code lens', [], (a) => (settings.codeLens.enabled ? provideCodeLenses(a) : [])));
  connection.languages.inlayHint.on(request('inlay hints', [], (a, { range }) => provideInlayHints(a, range, settings)));
  connection.languages.semanticTokens.on(request('semantic tokens', { data: [] }, (a) => provideSemanticTokens(a)));

  connection.onRequest(SummaryRequest, (params: SummaryParams, token: CancellationToken): SummaryResult | null | ResponseError<void> =>
    request('summary', null, (analysis) => {
      const models = analysis.models.filter((m) => params.model === undefined || m.name === params.model);
      return { json: toJson(analysis, models), text: models.map((m) => renderSummary(summarize(analysis, m))) };
    })({ textDocument: { uri: params.uri } }, token),
  );

  documents.listen(connection);
  connection.listen();
}

declare const NETLENS_VERSION: string | undefined;

// Started as dist/server.js. The CLI bundles this module too (`netlens lsp`), and in a bundle
// `require.main === module` holds for every module in it, so the file name decides.
if (require.main === module && /^server\.[cm]?[jt]s$/.test(basename(__filename))) startServer(createConnection(ProposedFeatures.all));
