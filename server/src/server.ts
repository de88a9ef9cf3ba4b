// The language server: connection wiring only. Every request is answered by a pure function in
// features/ from the document's analysis, which documents.ts computes once per version.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  createConnection,
  DidChangeConfigurationNotification,
  ProposedFeatures,
  TextDocuments,
  TextDocumentSyncKind,
  type Connection,
  type InitializeResult,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { Workspace } from './documents';
import { provideCodeLenses } from './features/codeLens';
import { provideCompletion } from './features/completion';
import { toLspDiagnostics } from './features/diagnostics';
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
const DOCS_URL = pathToFileURL(join(__dirname, '..', 'docs', 'diagnostics.md')).href;

export function startServer(connection: Connection): void {
  const documents = new TextDocuments(TextDocument);
  const workspace = new Workspace();
  let settings: Settings = DEFAULT_SETTINGS;
  let configurable = false;

  const analysisOf = (uri: string): Analysis | undefined => workspace.analysis(uri);
  const others = (uri: string): Analysis[] => workspace.uris().filter((u) => u !== uri).flatMap((u) => analysisOf(u) ?? []);

  const publish = (uri: string): void => {
    const analysis = analysisOf(uri);
    if (!analysis) return;
    void connection.sendDiagnostics({ uri, version: workspace.get(uri)?.version, diagnostics: toLspDiagnostics(analysis, uri, DOCS_URL) });
    void connection.sendNotification(SummaryChangedNotification, { uri, version: workspace.get(uri)?.version ?? 0 });
  };

  connection.onInitialize((params): InitializeResult => {
    configurable = params.capabilities.workspace?.configuration === true;
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
        inlayHintProvider: true,
        semanticTokensProvider: { legend: SEMANTIC_TOKENS_LEGEND, full: true },
      },
      serverInfo: { name: 'netlens', version: typeof NETLENS_VERSION === 'string' ? NETLENS_VERSION : 'dev' },
    };
  });

  connection.onInitialized(() => {
    if (configurable) {
      void connection.client.register(DidChangeConfigurationNotification.type, { section: 'netlens' });
      void refreshSettings();
    }
  });

  const refreshSettings = async (): Promise<void> => {
    const value = (await connection.workspace.getConfiguration('netlens')) as Partial<Settings> | null;
    settings = {
      inlayHints: { ...DEFAULT_SETTINGS.inlayHints, ...(value?.inlayHints ?? {}) },
      codeLens: { ...DEFAULT_SETTINGS.codeLens, ...(value?.codeLens ?? {}) },
    };
    void connection.languages.inlayHint.refresh();
  };
  connection.onDidChangeConfiguration(() => void refreshSettings());

  documents.onDidOpen(({ document }) => {
    workspace.set(document);
    publish(document.uri);
  });
  documents.onDidChangeContent(({ document }) => {
    workspace.set(document);
    for (const uri of workspace.invalidate(document.uri)) publish(uri);
  });
  documents.onDidClose(({ document }) => {
    workspace.close(document.uri);
    void connection.sendDiagnostics({ uri: document.uri, diagnostics: [] });
    // The file on disk is what importers read now.
    for (const uri of workspace.invalidate(document.uri)) publish(uri);
  });
  connection.onDidChangeWatchedFiles(({ changes }) => {
    for (const change of changes) for (const uri of workspace.invalidate(change.uri)) publish(uri);
  });

  const withAnalysis = <T>(uri: string, fallback: T, answer: (analysis: Analysis) => T): T => {
    const analysis = analysisOf(uri);
    return analysis ? answer(analysis) : fallback;
  };

  connection.onHover(({ textDocument, position }) => withAnalysis(textDocument.uri, null, (a) => provideHover(a, position)));
  connection.onCompletion(({ textDocument, position }) => withAnalysis(textDocument.uri, [], (a) => provideCompletion(a, position)));
  connection.onSignatureHelp(({ textDocument, position }) => withAnalysis(textDocument.uri, null, (a) => provideSignatureHelp(a, position)));
  connection.onDefinition(({ textDocument, position }) => withAnalysis(textDocument.uri, [], (a) => provideDefinition(a, position)));
  connection.onReferences(({ textDocument, position, context }) => withAnalysis(textDocument.uri, [], (a) => provideReferences(a, position, context.includeDeclaration, others(textDocument.uri))));
  connection.onPrepareRename(({ textDocument, position }) => withAnalysis(textDocument.uri, null, (a) => prepareRename(a, position)));
  connection.onRenameRequest(({ textDocument, position, newName }) => withAnalysis(textDocument.uri, null, (a) => provideRename(a, position, newName, others(textDocument.uri))));
  connection.onDocumentSymbol(({ textDocument }) => withAnalysis(textDocument.uri, [], provideDocumentSymbols));
  connection.onWorkspaceSymbol(({ query }) => provideWorkspaceSymbols(workspace.uris().flatMap((u) => analysisOf(u) ?? []), query));
  connection.onDocumentFormatting(({ textDocument, options }) => {
    const document = workspace.get(textDocument.uri);
    return document ? formatDocument(document.getText(), options) : [];
  });
  connection.onFoldingRanges(({ textDocument }) => withAnalysis(textDocument.uri, [], provideFoldingRanges));
  connection.onCodeLens(({ textDocument }) => (settings.codeLens.enabled ? withAnalysis(textDocument.uri, [], provideCodeLenses) : []));
  connection.languages.inlayHint.on(({ textDocument, range }) => withAnalysis(textDocument.uri, [], (a) => provideInlayHints(a, range, settings)));
  connection.languages.semanticTokens.on(({ textDocument }) => withAnalysis(textDocument.uri, { data: [] }, provideSemanticTokens));

  connection.onRequest(SummaryRequest, ({ uri, model }: SummaryParams): SummaryResult | null =>
    withAnalysis(uri, null, (analysis) => {
      const models = analysis.models.filter((m) => model === undefined || m.name === model);
      return { json: toJson(analysis, models), text: models.map((m) => renderSummary(summarize(analysis, m))) };
    }),
  );

  documents.listen(connection);
  connection.listen();
}

declare const NETLENS_VERSION: string | undefined;

if (require.main === module) startServer(createConnection(ProposedFeatures.all));
