import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SignatureHelp } from 'vscode-languageserver';
import { LspClient, tempWorkspace } from './client';

// Signature help through the real server over stdio, as the arguments of a line are typed.
describe('signature help over stdio', () => {
  let client: LspClient;
  beforeAll(async () => {
    client = await LspClient.start();
    await client.initialize();
  });
  afterAll(() => client.shutdown());

  it('follows the arguments of a conv line and of a block use', async () => {
    const text = 'block Basic(ch, stride = 1) { conv ch kernel=3 stride=stride }\nmodel M {\n  input 3x32x32\n  \n}\n';
    const ws = tempWorkspace({ 'a.nn': text });
    const uri = ws.uri('a.nn');
    client.open(uri, text);
    await client.waitForDiagnostics(uri);
    const help = async (line: number, character: number): Promise<[string, string] | null> => {
      const result = await client.request<SignatureHelp | null>('textDocument/signatureHelp', { textDocument: { uri }, position: { line, character } });
      if (!result) return null;
      const signature = result.signatures[result.activeSignature ?? 0]!;
      const range = signature.parameters?.[result.activeParameter ?? 0]?.label as [number, number] | undefined;
      return [signature.label, range ? signature.label.slice(...range) : ''];
    };

    client.change(uri, [{ range: { start: { line: 3, character: 2 }, end: { line: 3, character: 2 } }, text: 'conv ' }]);
    await client.waitForDiagnostics(uri);
    expect(await help(3, 7)).toEqual(['conv filters kernel= stride=1 padding=valid dilation=1 groups=1 bias=true connections= activation=none', 'filters']);

    client.change(uri, [{ range: { start: { line: 3, character: 7 }, end: { line: 3, character: 7 } }, text: '64 kernel=3 padding=' }]);
    await client.waitForDiagnostics(uri);
    expect((await help(3, 27))![1]).toBe('padding=valid');

    client.change(uri, [{ range: { start: { line: 3, character: 2 }, end: { line: 3, character: 27 } }, text: 'Basic 64 ' }]);
    await client.waitForDiagnostics(uri);
    expect(await help(3, 11)).toEqual(['Basic ch stride=1', 'stride=1']);
    expect(await help(3, 0)).toBeNull();
  });
});
