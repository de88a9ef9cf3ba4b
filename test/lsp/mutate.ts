// Mutations for the fuzz test (fuzz.spec.ts): a seeded PRNG and the token-level edits it makes,
// kept apart so a failing version can be replayed in process (see replayFuzz below).
import type { TextDocumentContentChangeEvent } from 'vscode-languageserver';

/** mulberry32: small, fast, and the same sequence everywhere. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const TOKEN = /\s+|[A-Za-z_][A-Za-z0-9_]*|\d[\w.]*|"(?:[^"\\\n]|\\.)*"?|#[^\n]*|\/\/|<=|>=|==|!=|./gsu;
const WORDS = ['model', 'block', 'train', 'let', 'input', 'parallel', 'branch', 'residual', 'shortcut', 'repeat', 'in', 'if', 'else', 'import', 'conv', 'dense', 'maxpool', 'flatten', 'in.channels', 'kernel=', 'stride=2', 'padding=same', '3x224x224', '0x0', '1e999', '-1', '99999999999999999999', '"', '(', ')', '[', ']', '{', '}', ':', ';', '=', '.', '\n', 'x', 'optimizer', 'adam', 'lr=', 'repeat 10000 {', 'repeat 10001 {'];
const BYTES = ['\u0000', '\u0007', '\t', '\r', '\r\n', '\u00a0', '\u2028', '\ufeff', '\ufffd', '\ud800', '\udc00', '😀', 'é', '×', '‹', '\\', '`', '$', '@'];

export function mutate(text: string, random: () => number): string {
  const tokens = text.match(TOKEN) ?? [''];
  const pick = (n: number): number => Math.floor(random() * n);
  const mutations = 1 + pick(3);
  for (let m = 0; m < mutations; m++) {
    const i = pick(tokens.length);
    switch (pick(8)) {
      case 0: // delete a token
        tokens.splice(i, 1);
        break;
      case 1: // duplicate a token
        tokens.splice(i, 0, tokens[i] ?? '');
        break;
      case 2: {
        // swap two tokens
        const j = pick(tokens.length);
        [tokens[i], tokens[j]] = [tokens[j] ?? '', tokens[i] ?? ''];
        break;
      }
      case 3: // random bytes
        tokens.splice(i, 0, Array.from({ length: 1 + pick(4) }, () => BYTES[pick(BYTES.length)]).join(''));
        break;
      case 4: {
        // unclose a brace, or open one that never closes
        const brace = tokens.findIndex((t, k) => k >= i && t === '}');
        if (brace >= 0 && random() < 0.7) tokens.splice(brace, 1);
        else tokens.splice(i, 0, '{');
        break;
      }
      case 5: // a keyword, layer, argument or operator where it may not belong
        tokens.splice(i, 0, ` ${WORDS[pick(WORDS.length)]} `);
        break;
      case 6: // cut the file short
        tokens.length = Math.max(1, i);
        break;
      default: {
        // replace a number by another
        const k = tokens.findIndex((t, n) => n >= i && /^\d/.test(t));
        if (k >= 0) tokens[k] = ['0', '1', '7', '-3', '1.5', '65536', '1x1', '2x0x3'][pick(8)]!;
      }
    }
  }
  return tokens.join('');
}

/** The one edit that turns `before` into `after` (common prefix and suffix kept), as an editor sends it. */
export function incremental(before: string, after: string): TextDocumentContentChangeEvent[] {
  let start = 0;
  while (start < before.length && start < after.length && before[start] === after[start]) start++;
  let end = 0;
  while (end < before.length - start && end < after.length - start && before[before.length - 1 - end] === after[after.length - 1 - end]) end++;
  const position = (offset: number) => {
    const lines = before.slice(0, offset).split('\n');
    return { line: lines.length - 1, character: lines[lines.length - 1]!.length };
  };
  return [{ range: { start: position(start), end: position(before.length - end) }, text: after.slice(start, after.length - end) }];
}

export interface FuzzStep {
  /** The document version this text becomes (the first text sent is version 2). */
  version: number;
  text: string;
  /** Sent as the whole text (true) or as one incremental edit. */
  whole: boolean;
  /** Where the request after it points, which of the requests (an index), and whether it is cancelled. */
  position: { line: number; character: number };
  request: number;
  cancel: boolean;
}

/**
 * The versions the fuzz test sends: a random walk over the examples, mostly mutating the last
 * version further and sometimes starting again from an example. Replay a failure in process with
 * `for (const step of fuzzSteps(examples, seed, count, requests)) analyzeDocument(step.text)`.
 */
export function* fuzzSteps(examples: string[], seed: number, count: number, requests: number): Generator<FuzzStep> {
  const random = prng(seed);
  const pick = (n: number): number => Math.floor(random() * n);
  let text = examples[0]!;
  for (let done = 0; done < count; done++) {
    const base = random() < 0.15 || text.length > 60_000 ? examples[pick(examples.length)]! : text;
    text = mutate(base, random);
    const whole = random() >= 0.5;
    const lines = text.split('\n');
    const line = pick(lines.length + 1);
    const position = { line, character: pick((lines[line]?.length ?? 0) + 2) };
    yield { version: done + 2, text, whole, position, request: pick(requests), cancel: random() < 0.02 };
  }
}
