// The one table of diagnostic codes. Phases report through `Reporter`, which fixes the
// severity from this table, so a code means the same thing everywhere. docs/diagnostics.md
// has one entry per code; a test keeps the two in step.
import type { Span } from './text';

export type Severity = 'error' | 'warning' | 'info' | 'hint';

export interface CodeInfo {
  severity: Severity;
  title: string;
}

export const CODES = {
  // NN1xx: syntax
  NN101: { severity: 'error', title: 'Unexpected token' },
  NN102: { severity: 'error', title: 'Missing value' },
  NN103: { severity: 'error', title: 'Unclosed brace or bracket' },
  NN104: { severity: 'error', title: 'Malformed dimension literal' },
  NN105: { severity: 'error', title: 'Unterminated string' },
  NN106: { severity: 'error', title: 'Malformed number' },
  NN107: { severity: 'error', title: 'Missing name' },
  NN108: { severity: 'error', title: 'Unexpected character' },
  NN120: { severity: 'error', title: 'Nesting deeper than 64' },
  // NN2xx: names and values
  NN201: { severity: 'error', title: 'Unknown layer or block' },
  NN202: { severity: 'error', title: 'Unknown argument' },
  NN203: { severity: 'error', title: 'Unknown name' },
  NN204: { severity: 'error', title: 'Missing required argument' },
  NN205: { severity: 'error', title: 'Wrong type' },
  NN206: { severity: 'error', title: 'Duplicate definition' },
  NN207: { severity: 'error', title: 'Block cycle' },
  NN208: { severity: 'error', title: 'Too many arguments' },
  NN209: { severity: 'error', title: 'Model without input' },
  NN210: { severity: 'error', title: 'Input not first' },
  NN211: { severity: 'error', title: 'Input inside a block' },
  NN212: { severity: 'error', title: 'Import cannot be read' },
  NN213: { severity: 'error', title: 'Argument given twice' },
  NN214: { severity: 'error', title: 'Unknown model in train' },
  NN215: { severity: 'error', title: 'Unknown training setting' },
  NN216: { severity: 'error', title: 'Bad training value' },
  NN217: { severity: 'error', title: 'Unknown function' },
  NN218: { severity: 'error', title: 'Invalid arithmetic' },
  NN219: { severity: 'error', title: 'Whole number expected' },
  NN220: { severity: 'error', title: 'Repeat count over 10,000' },
  NN221: { severity: 'error', title: 'Blocks nested deeper than 64' },
  NN222: { severity: 'error', title: 'Value out of range' },
  NN223: { severity: 'warning', title: 'Training setting given twice' },
  NN224: { severity: 'warning', title: 'Duplicate label' },
  // NN3xx: shapes
  NN301: { severity: 'error', title: 'Size becomes zero or negative' },
  NN302: { severity: 'error', title: 'Dense on more than one axis' },
  NN303: { severity: 'error', title: 'Merged shapes differ' },
  NN304: { severity: 'error', title: 'Concatenated sizes differ' },
  NN305: { severity: 'error', title: 'Groups do not divide the channels' },
  NN306: { severity: 'error', title: 'Connection index out of range' },
  NN307: { severity: 'error', title: 'Connection table has the wrong number of rows' },
  NN308: { severity: 'error', title: 'output_padding not smaller than stride' },
  NN309: { severity: 'error', title: 'Layer needs another input rank' },
  NN310: { severity: 'warning', title: 'Strided window drops input pixels' },
  NN311: { severity: 'warning', title: 'Uneven same padding' },
  NN312: { severity: 'error', title: 'Reshape changes the element count' },
  NN313: { severity: 'error', title: 'Padding larger than half the window' },
  NN314: { severity: 'error', title: 'Parallel without branches' },
  NN320: { severity: 'error', title: 'Element count beyond 2^53' },
  NN321: { severity: 'error', title: 'Model expands to too many layers' },
  NN322: { severity: 'warning', title: 'File too large to analyse' },
  // NN4xx: architecture advice
  NN401: { severity: 'warning', title: 'Dense layer dominates the parameters' },
  NN402: { severity: 'info', title: 'Large kernel past the stem' },
  NN403: { severity: 'info', title: 'Expensive conv on many input channels' },
  NN404: { severity: 'warning', title: 'Deep plain stack' },
  NN405: { severity: 'hint', title: 'Saturating activations' },
  NN406: { severity: 'warning', title: 'Receptive field too small' },
  NN407: { severity: 'warning', title: 'Early collapse' },
  // NN5xx: training and hyperparameters
  NN501: { severity: 'error', title: 'Input shape does not match the data' },
  NN502: { severity: 'error', title: 'Output units do not match the classes' },
  NN503: { severity: 'error', title: 'Loss does not fit the output' },
  NN504: { severity: 'warning', title: 'Too many parameters for the data' },
  NN505: { severity: 'warning', title: 'Training length' },
  NN506: { severity: 'warning', title: 'Learning rate out of range' },
  NN507: { severity: 'warning', title: 'Batch size and learning rate disagree' },
  NN508: { severity: 'warning', title: 'Dropout too strong for the model' },
  NN509: { severity: 'info', title: 'Weight decay with adam' },
  NN510: { severity: 'warning', title: 'No validation' },
  // NN6xx: what the latest training run observed (observed.ts), shown while its settings stand.
  NN601: { severity: 'warning', title: 'Observed overfitting' },
  NN602: { severity: 'warning', title: 'Observed underfitting' },
  NN603: { severity: 'error', title: 'Observed divergence' },
  NN604: { severity: 'info', title: 'Observed plateau' },
} as const satisfies Record<string, CodeInfo>;

export type Code = keyof typeof CODES;

export interface RelatedInfo {
  uri: string;
  span: Span;
  message: string;
}

export interface Diagnostic {
  code: Code;
  severity: Severity;
  uri: string;
  span: Span;
  message: string;
  related?: RelatedInfo[];
  /** What a quick fix needs; code actions switch on `code` and read this, never the message. */
  data?: Record<string, unknown>;
}

export class Reporter {
  readonly diagnostics: Diagnostic[];
  private readonly seen: Set<string>;

  constructor(readonly uri: string, shared?: Reporter) {
    this.diagnostics = shared ? shared.diagnostics : [];
    this.seen = shared ? shared.seen : new Set();
  }

  /** A reporter for another file that adds to the same list. */
  forFile(uri: string): Reporter {
    return uri === this.uri ? this : new Reporter(uri, this);
  }

  report(code: Code, span: Span, message: string, extra?: { related?: RelatedInfo[]; data?: Record<string, unknown>; uri?: string; severity?: Severity }): void {
    const uri = extra?.uri ?? this.uri;
    // A block used many times reports the same problem once per distinct message.
    const key = `${uri}|${code}|${span.start}|${span.end}|${message}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    // A rule may raise its table severity for a worse case (NN405: a hint, a warning when deep).
    const diagnostic: Diagnostic = { code, severity: extra?.severity ?? CODES[code].severity, uri, span, message };
    if (extra?.related?.length) diagnostic.related = extra.related;
    if (extra?.data) diagnostic.data = extra.data;
    this.diagnostics.push(diagnostic);
  }

  hasErrors(): boolean {
    return this.diagnostics.some((d) => d.severity === 'error');
  }
}

/** The closest candidate within an edit distance that scales with the word, for "did you mean". */
export function didYouMean(word: string, candidates: Iterable<string>): string | undefined {
  const limit = Math.max(1, Math.floor(word.length / 3));
  let best: string | undefined;
  let bestDistance = limit + 1;
  const lower = word.toLowerCase();
  // An abbreviation ("val_acc" for "val_accuracy") is as good a guess as a typo.
  const extended = word.length >= 3 ? [...candidates].filter((c) => c.toLowerCase().startsWith(lower) && c !== word) : [];
  if (extended.length === 1) return extended[0];
  for (const candidate of candidates) {
    if (candidate === word) continue;
    const d = candidate.toLowerCase() === lower ? 0 : editDistance(lower, candidate.toLowerCase(), bestDistance);
    if (d < bestDistance) {
      bestDistance = d;
      best = candidate;
    }
  }
  return best;
}

export function suggestion(word: string, candidates: Iterable<string>): string {
  const best = didYouMean(word, candidates);
  return best ? `; did you mean '${best}'?` : '';
}

function editDistance(a: string, b: string, cap: number): number {
  if (Math.abs(a.length - b.length) >= cap) return cap;
  let before: number[] = [];
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let value = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
      // A swap of neighbours counts as one edit ("kenrel" → "kernel").
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) value = Math.min(value, before[j - 2]! + 1);
      current.push(value);
      rowMin = Math.min(rowMin, value);
    }
    if (rowMin >= cap) return cap;
    before = previous;
    previous = current;
  }
  return previous[b.length]!;
}
