import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LspClient, ROOT, tempWorkspace } from './client';
import { fuzzSteps, incremental, type FuzzStep } from './mutate';

// 10,000 mutated versions of the examples (deleted, duplicated and swapped tokens, random bytes,
// unclosed braces) go through didChange to one server. Every version is followed by one request
// at a random position, so the server analyses each version; every response must be valid, no
// feature may throw (the server logs it), and the server must stay up. Seeded: a failure names
// the seed and version, and FUZZ_SEED=... FUZZ_VERSIONS=... reproduce it.
const SEED = Number(process.env.FUZZ_SEED ?? 20_251_128);
const VERSIONS = Number(process.env.FUZZ_VERSIONS ?? 10_000);
const BATCH = 200;
const REQUEST_CANCELLED = -32800;

type Check = (result: unknown) => string | undefined;
const isPosition = (p: unknown): boolean => typeof p === 'object' && p !== null && Number.isInteger((p as { line: number }).line) && Number.isInteger((p as { character: number }).character);
const isRange = (r: unknown): boolean => typeof r === 'object' && r !== null && isPosition((r as { start: unknown }).start) && isPosition((r as { end: unknown }).end);
const arrayOf =
  (item: (x: unknown) => boolean): Check =>
  (result) =>
    Array.isArray(result) && result.every(item) ? undefined : `not an array of valid items: ${JSON.stringify(result).slice(0, 300)}`;

const REQUESTS: Array<{ method: string; params: (uri: string, position: { line: number; character: number }, lines: number) => object; check: Check }> = [
  {
    method: 'textDocument/hover',
    params: (uri, position) => ({ textDocument: { uri }, position }),
    check: (r) => (r === null || (typeof r === 'object' && typeof (r as { contents: { value: string } }).contents?.value === 'string') ? undefined : `bad hover ${JSON.stringify(r).slice(0, 300)}`),
  },
  {
    method: 'textDocument/inlayHint',
    params: (uri, _position, lines) => ({ textDocument: { uri }, range: { start: { line: 0, character: 0 }, end: { line: lines, character: 0 } } }),
    check: arrayOf((h) => isPosition((h as { position: unknown }).position) && typeof (h as { label: unknown }).label === 'string'),
  },
  {
    method: 'textDocument/completion',
    params: (uri, position) => ({ textDocument: { uri }, position }),
    check: (r) => {
      const items = Array.isArray(r) ? r : (r as { items?: unknown[] } | null)?.items;
      return Array.isArray(items) && items.every((i) => typeof (i as { label: unknown }).label === 'string') ? undefined : `bad completion ${JSON.stringify(r).slice(0, 300)}`;
    },
  },
  {
    method: 'textDocument/documentSymbol',
    params: (uri) => ({ textDocument: { uri } }),
    check: arrayOf((s) => typeof (s as { name: unknown }).name === 'string' && isRange((s as { range: unknown }).range)),
  },
  {
    method: 'textDocument/codeLens',
    params: (uri) => ({ textDocument: { uri } }),
    check: arrayOf((l) => isRange((l as { range: unknown }).range) && typeof (l as { command?: { title: unknown } }).command?.title === 'string'),
  },
  {
    method: 'textDocument/signatureHelp',
    params: (uri, position) => ({ textDocument: { uri }, position }),
    check: (r) => (r === null || Array.isArray((r as { signatures: unknown }).signatures) ? undefined : `bad signature help ${JSON.stringify(r).slice(0, 300)}`),
  },
  {
    method: 'textDocument/definition',
    params: (uri, position) => ({ textDocument: { uri }, position }),
    check: (r) => (r === null || Array.isArray(r) || isRange((r as { range: unknown }).range) ? undefined : `bad definition ${JSON.stringify(r).slice(0, 300)}`),
  },
  {
    method: 'textDocument/foldingRange',
    params: (uri) => ({ textDocument: { uri } }),
    check: arrayOf((f) => Number.isInteger((f as { startLine: unknown }).startLine)),
  },
  {
    method: 'textDocument/semanticTokens/full',
    params: (uri) => ({ textDocument: { uri } }),
    check: (r) => (Array.isArray((r as { data: unknown }).data) && (r as { data: number[] }).data.length % 5 === 0 ? undefined : `bad semantic tokens ${JSON.stringify(r).slice(0, 300)}`),
  },
];

describe('fuzz over stdio', () => {
  let client: LspClient;
  const examples = readdirSync(join(ROOT, 'examples'))
    .filter((f) => f.endsWith('.nn'))
    .sort()
    .map((f) => readFileSync(join(ROOT, 'examples', f), 'utf8'));

  beforeAll(async () => {
    client = await LspClient.start();
    await client.initialize();
  });
  afterAll(() => client.shutdown());

  it(`survives ${VERSIONS.toLocaleString('en-US')} mutated versions of the examples (seed ${SEED})`, async () => {
    const ws = tempWorkspace();
    const uri = ws.write('fuzz.nn', '');
    let text = examples[0]!;
    client.open(uri, text);
    const problems: string[] = [];
    const started = Date.now();
    const counts = new Map<string, number>();
    const steps = fuzzSteps(examples, SEED, VERSIONS, REQUESTS.length);
    for (let done = 0; done < VERSIONS; ) {
      const pendingRequests: Array<Promise<void>> = [];
      for (let b = 0; b < BATCH && done < VERSIONS; b++, done++) {
        const step = steps.next().value as FuzzStep;
        client.change(uri, step.whole ? step.text : incremental(text, step.text));
        text = step.text;
        const lines = text.split('\n');
        const kind = REQUESTS[step.request]!;
        counts.set(kind.method, (counts.get(kind.method) ?? 0) + 1);
        const ask = client.cancellable(kind.method, kind.params(uri, step.position, lines.length));
        if (step.cancel) ask.cancel();
        const where = `version ${step.version} ${kind.method} at ${JSON.stringify(step.position)}`;
        pendingRequests.push(
          ask.result.then(
            (result) => {
              const problem = kind.check(result);
              if (problem) problems.push(`${where}: ${problem}`);
            },
            (error: { code?: number; message?: string }) => {
              if (step.cancel && error.code === REQUEST_CANCELLED) return;
              problems.push(`${where}: error ${error.code} ${error.message}`);
            },
          ),
        );
      }
      await Promise.all(pendingRequests);
      expect(client.alive, `server exited after version ${done + 1}: ${client.stderr.slice(-2000)}`).toBe(true);
      const failures = client.logs.filter((l) => l.type === 1);
      if (failures.length || problems.length) {
        // Name the failing batch so it can be replayed in process with fuzzSteps (mutate.ts).
        problems.push(...failures.map((l) => l.message.split('\n').slice(0, 4).join(' | ')));
        problems.push(`in versions ${done + 2 - BATCH}–${done + 1} (seed ${SEED}); the last text sent:\n${text.slice(0, 4000)}`);
        break;
      }
    }
    expect(problems).toEqual([]);
    // The last version's diagnostics arrive: the server has caught up and is still answering.
    const published = await client.waitForDiagnostics(uri, undefined, 20_000);
    expect(published.version).toBe(VERSIONS + 1);
    const [utime, stime] = readFileSync(`/proc/${client.pid}/stat`, 'utf8').split(') ')[1]!.split(' ').slice(11, 13).map(Number);
    console.log(`fuzz: server CPU ${((utime! + stime!) / 100).toFixed(1)} s`);
    console.log(`fuzz: ${VERSIONS} versions in ${((Date.now() - started) / 1000).toFixed(1)} s; requests ${[...counts].map(([m, n]) => `${m.replace('textDocument/', '')} ${n}`).join(', ')}`);
  }, 300_000);
});
