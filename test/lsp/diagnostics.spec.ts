import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LspClient, tempWorkspace } from './client';

// Diagnostics over stdio: codes with links into docs/diagnostics.md, related information, updates
// on incremental edits, and importers following the files they import (open or on disk).
describe('diagnostics', () => {
  let client: LspClient;
  beforeAll(async () => {
    client = await LspClient.start();
    await client.initialize();
  });
  afterAll(() => client.shutdown());

  it('publishes each diagnostic with its code, source, a link to its docs entry, and its range', async () => {
    const ws = tempWorkspace({ 'a.nn': 'model M {\n  input 1x28x28\n  conv 6 kenrel=5\n}\n' });
    const uri = ws.uri('a.nn');
    client.open(uri, ws.text('a.nn'));
    const { diagnostics, version } = await client.waitForDiagnostics(uri);
    expect(version).toBe(1);
    const nn202 = diagnostics.find((d) => d.code === 'NN202')!;
    expect(nn202).toMatchObject({ source: 'netlens', severity: 1, range: { start: { line: 2, character: 9 }, end: { line: 2, character: 15 } } });
    expect(nn202.message).toContain("did you mean 'kernel'");
    expect(nn202.codeDescription?.href).toMatch(/^file:.*\/docs\/diagnostics\.md#nn202$/);
  });

  it('offers the quick fix a diagnostic carries, from its code and data', async () => {
    const ws = tempWorkspace({ 'fix.nn': 'model M {\n  input 1x28x28\n  conv 6 kenrel=5\n}\n' });
    const uri = ws.uri('fix.nn');
    client.open(uri, ws.text('fix.nn'));
    const { diagnostics } = await client.waitForDiagnostics(uri);
    const nn202 = diagnostics.find((d) => d.code === 'NN202')!;
    const actions = await client.request<Array<{ kind: string; edit: { changes: Record<string, Array<{ newText: string }>> } }>>('textDocument/codeAction', { textDocument: { uri }, range: nn202.range, context: { diagnostics: [nn202] } });
    expect(actions.some((a) => a.kind === 'quickfix' && a.edit.changes[uri]?.some((e) => e.newText === 'kernel'))).toBe(true);
  });

  it('points a residual mismatch at the other side with related information', async () => {
    const text = 'model M {\n  input 64x56x56\n  residual {\n    conv 128 kernel=3 padding=1\n  }\n}\n';
    const ws = tempWorkspace({ 'r.nn': text });
    const uri = ws.uri('r.nn');
    client.open(uri, text);
    const { diagnostics } = await client.waitForDiagnostics(uri, (p) => p.diagnostics.length > 0);
    const nn303 = diagnostics.find((d) => d.code === 'NN303')!;
    expect(nn303.message).toContain('128×56×56');
    expect(nn303.relatedInformation?.map((r) => r.message)).toEqual(expect.arrayContaining([expect.stringContaining('128×56×56'), expect.stringContaining('64×56×56')]));
    expect(nn303.relatedInformation?.[0]?.location).toEqual({ uri, range: { start: { line: 3, character: 4 }, end: { line: 3, character: 31 } } });
  });

  it('updates after an incremental edit, for that version', async () => {
    const ws = tempWorkspace({ 'b.nn': 'model M {\n  input 1x28x28\n  conv 6 kenrel=5\n}\n' });
    const uri = ws.uri('b.nn');
    client.open(uri, ws.text('b.nn'));
    await client.waitForDiagnostics(uri, (p) => p.diagnostics.some((d) => d.code === 'NN202'));
    // kenrel → kernel: replace "nr" (line 2, characters 11–13) with "rn".
    const version = client.change(uri, [{ range: { start: { line: 2, character: 11 }, end: { line: 2, character: 13 } }, text: 'rn' }]);
    expect(client.text(uri)).toContain('conv 6 kernel=5');
    const published = await client.waitForDiagnostics(uri);
    expect(published.version).toBe(version);
    expect(published.diagnostics).toEqual([]);
    // Two edits in one change, applied in order: a replacement, then an insertion on another line.
    client.change(uri, [
      { range: { start: { line: 2, character: 9 }, end: { line: 2, character: 15 } }, text: 'strid' },
      { range: { start: { line: 3, character: 0 }, end: { line: 3, character: 0 } }, text: '  dense 10\n' },
    ]);
    expect(client.text(uri)).toBe('model M {\n  input 1x28x28\n  conv 6 strid=5\n  dense 10\n}\n');
    const after = await client.waitForDiagnostics(uri);
    expect(after.diagnostics.find((d) => d.code === 'NN202')?.message).toContain("'strid'");
    expect(after.diagnostics.map((d) => d.range.start.line)).not.toContain(3);
  });

  it('re-publishes an importer when the open file it imports changes', async () => {
    const ws = tempWorkspace({
      'blocks.nn': 'block Pair(ch) {\n  conv ch kernel=3 padding=1\n  relu\n}\n',
      'main.nn': 'import "blocks.nn"\nmodel M {\n  input 3x8x8\n  Pair ch=16\n  flatten\n  dense 10\n}\n',
    });
    const main = ws.uri('main.nn');
    const blocks = ws.uri('blocks.nn');
    client.open(main, ws.text('main.nn'));
    client.open(blocks, ws.text('blocks.nn'));
    expect((await client.waitForDiagnostics(main)).diagnostics).toEqual([]);
    const summaries = client.summaryChanged.length;
    // Rename the parameter in the imported file: the importer's call now passes an unknown name.
    client.change(blocks, 'block Pair(width) {\n  conv width kernel=3 padding=1\n  relu\n}\n');
    const updated = await client.waitForDiagnostics(main, (p) => p.diagnostics.length > 0);
    expect(updated.version).toBe(1);
    expect(updated.diagnostics.find((d) => d.code === 'NN202')?.message).toContain("block Pair has no argument 'ch'");
    expect(client.summaryChanged.slice(summaries).map((s) => s.uri)).toContain(main);
    // Put it back: the importer is clean again.
    client.change(blocks, ws.text('blocks.nn'));
    expect((await client.waitForDiagnostics(main, (p) => p.diagnostics.length === 0)).diagnostics).toEqual([]);
  });

  it('shows an error found inside an imported block in the imported file, pointing back at the use', async () => {
    const ws = tempWorkspace({
      'blocks.nn': 'block Big(ch) {\n  conv ch kernel=9\n}\n',
      'main.nn': 'import "blocks.nn"\nmodel M {\n  input 3x8x8\n  Big 16\n}\n',
    });
    const main = ws.uri('main.nn');
    const blocks = ws.uri('blocks.nn');
    client.open(main, ws.text('main.nn'));
    const inBlock = await client.waitForDiagnostics(blocks, (p) => p.diagnostics.some((d) => d.code === 'NN301'));
    const nn301 = inBlock.diagnostics.find((d) => d.code === 'NN301')!;
    expect(nn301.range.start.line).toBe(1);
    expect(nn301.relatedInformation?.some((r) => r.location.uri === main && r.message.includes('3×8×8'))).toBe(true);
    // Closing the importer clears what it found in the other file.
    client.close(main);
    expect((await client.nextDiagnostics(blocks)).diagnostics).toEqual([]);
  });

  it('registers a watcher for .nn files and re-publishes importers when an imported file changes on disk', async () => {
    expect(client.registrations.some((r) => r.method === 'workspace/didChangeWatchedFiles' && JSON.stringify(r.registerOptions).includes('**/*.nn'))).toBe(true);
    const ws = tempWorkspace({
      'main.nn': 'import "lib.nn"\nmodel M {\n  input 3x8x8\n  Widen 8\n}\n',
    });
    const main = ws.uri('main.nn');
    client.open(main, ws.text('main.nn'));
    // lib.nn does not exist yet: the import cannot be read and Widen is unknown.
    const missing = await client.waitForDiagnostics(main);
    expect(missing.diagnostics.map((d) => d.code)).toEqual(expect.arrayContaining(['NN212', 'NN201']));
    const lib = ws.write('lib.nn', 'block Widen(ch) { conv ch kernel=1 }\n');
    await client.notify('workspace/didChangeWatchedFiles', { changes: [{ uri: lib, type: 1 }] });
    expect((await client.nextDiagnostics(main)).diagnostics).toEqual([]);
    writeFileSync(fileURLToPath(lib), 'block Widen(ch) { conv ch kernel=9 }\n');
    await client.notify('workspace/didChangeWatchedFiles', { changes: [{ uri: lib, type: 2 }] });
    const broken = await client.nextDiagnostics(lib, (p) => p.diagnostics.length > 0);
    expect(broken.diagnostics.map((d) => d.code)).toEqual(['NN301']);
  });

  it('sends netlens/summaryChanged after each analysis of an open document', async () => {
    const ws = tempWorkspace({ 's.nn': 'model M {\n  input 4\n  dense 2\n}\n' });
    const uri = ws.uri('s.nn');
    client.open(uri, ws.text('s.nn'));
    await client.waitForDiagnostics(uri);
    const version = client.change(uri, 'model M {\n  input 4\n  dense 3\n}\n');
    await client.waitForDiagnostics(uri);
    await expect.poll(() => client.summaryChanged.some((s) => s.uri === uri && s.version === version)).toBe(true);
  });
});
