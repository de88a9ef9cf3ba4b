import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LspClient, tempWorkspace } from './client';

// The handshake and the first publication, over stdio against dist/server.js.
describe('initialize', () => {
  let client: LspClient;
  beforeAll(async () => {
    client = await LspClient.start();
  });
  afterAll(() => client.shutdown());

  it('advertises every feature the server wires', async () => {
    const { capabilities, serverInfo } = await client.initialize();
    expect(serverInfo?.name).toBe('netlens');
    expect(capabilities).toMatchObject({
      textDocumentSync: 2,
      hoverProvider: true,
      definitionProvider: true,
      referencesProvider: true,
      renameProvider: { prepareProvider: true },
      documentSymbolProvider: true,
      workspaceSymbolProvider: true,
      documentFormattingProvider: true,
      foldingRangeProvider: true,
      inlayHintProvider: true,
      codeLensProvider: { resolveProvider: false },
      codeActionProvider: { codeActionKinds: ['quickfix'] },
    });
    expect(capabilities.completionProvider?.triggerCharacters).toContain('.');
    expect(capabilities.signatureHelpProvider).toBeDefined();
    expect(capabilities.semanticTokensProvider?.legend).toBeDefined();
  });

  it('publishes diagnostics on open', async () => {
    const ws = tempWorkspace({ 'a.nn': 'model M {\n  input 1x28x28\n  conv 6 kenrel=5\n}\n' });
    client.open(ws.uri('a.nn'), ws.text('a.nn'));
    const published = await client.waitForDiagnostics(ws.uri('a.nn'));
    expect(published.diagnostics.map((d) => d.code)).toContain('NN202');
  });
});
