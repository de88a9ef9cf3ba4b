// Canonical, idempotent formatting that keeps every comment. The printer re-spaces the token
// stream (so expressions keep exactly the text the user wrote) and lays out lines from braces,
// brackets and statement ends; the syntax tree only tells it what each `=`, `:` and operator is.
// A file with syntax errors is left alone, and so is any output that would parse differently.
//
// The canonical style:
// - Indentation: one step (options.tabSize spaces, or a tab) per body level.
// - One statement per line: `;` becomes a line break, and a statement after a `}` starts a new
//   line. A body whose `{` and `}` the author wrote on one line stays on one line
//   (`branch { conv 8 kernel=1; relu }`, `block Stem { conv 16 kernel=3; relu }`), written
//   `{ a; b }`; an empty body is `{ }`. Any other body opens with `{` at the end of its line
//   and closes with `}` on a line of its own, which `else` and `shortcut` join: `} else {`,
//   `} shortcut if … {` (unless a comment sits between them).
// - Spaces: one between arguments, none around the `=` of `key=value`, one around the `=` of
//   `let` and of parameter defaults, one around binary operators, none after a unary minus,
//   `, ` in lists and calls, `label: op`, no space inside brackets, before `(` of a parameter
//   list, or around `.`. Where white space changes the meaning (`B (4)` against `B(4)`,
//   `gpu:0`), what was written is kept.
// - Tables: consecutive uses of one layer or block with two or more plain-number positional
//   arguments, lined up by the author with extra spaces, stay lined up, right-aligned.
// - Brackets: the author's line breaks inside ( ) and [ ] stay; continuation lines align after
//   the opening bracket, or indent one step when the bracket ends its line.
// - Blank lines: at most one in a row, none at the start or end of a body; exactly one around
//   every model, block and train declaration (comments directly above a declaration belong to
//   it); between lets and imports, as written (at most one). No trailing white space, and
//   exactly one newline at the end.
// - Comments: full-line comments take the indentation of their place; a trailing comment
//   keeps its column relative to its line's indentation (hand-aligned columns survive), moves
//   right when the code reaches it, and consecutive comments that shared a column keep one.
import type { FormattingOptions, TextEdit } from 'vscode-languageserver';
import type { Decl, Expr, SourceFile, Stmt } from '../language/ast';
import { Reporter } from '../language/diagnostics';
import { parse } from '../language/parser';
import { scan, type Token } from '../language/scanner';
import { LineIndex } from '../language/text';

export function formatDocument(text: string, options: FormattingOptions): TextEdit[] {
  const formatted = formatText(text, options);
  if (formatted === null || formatted === text) return [];
  return [minimalEdit(text, formatted)];
}

/**
 * The canonical text, or null when the file has syntax errors (or the result would not parse to
 * the same tree with the same comments, which would be a formatter bug: better no edit than a wrong one).
 */
export function formatText(text: string, options: FormattingOptions): string | null {
  // A lone CR is white space to the scanner but a line break to an editor: positions would disagree.
  if (/\r(?!\n)/.test(text)) return null;
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const source = eol === '\n' ? text : text.replace(/\r\n/g, '\n');
  const parsed = parseClean(source);
  if (!parsed) return null;
  const tokens = scan(source, new Reporter('format'), { comments: true });
  const lines = new Printer(source, tokens, parsed, options).print();
  const output = lines.length ? lines.join('\n') + '\n' : '';
  const check = parseClean(output);
  if (!check || !sameTree(check.decls, parsed.decls) || commentKey(scan(output, new Reporter('format'), { comments: true })) !== commentKey(tokens)) return null;
  return eol === '\n' ? output : output.replace(/\n/g, eol);
}

function parseClean(text: string): SourceFile | null {
  const reporter = new Reporter('format');
  const file = parse(text, 'format', reporter);
  return reporter.diagnostics.some((d) => d.code.startsWith('NN1')) ? null : file;
}

const POSITIONAL = new Set(['span', 'open', 'keyword', 'pathSpan']);

/** The same tree, positions aside: the text means the same. */
function sameTree(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a === 'number' && typeof b === 'number') return Number.isNaN(a) && Number.isNaN(b);
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null || Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) return a.length === (b as unknown[]).length && a.every((item, i) => sameTree(item, (b as unknown[])[i]));
  const x = a as Record<string, unknown>;
  const y = b as Record<string, unknown>;
  const keys = Object.keys(x).filter((k) => !POSITIONAL.has(k) && x[k] !== undefined);
  if (keys.length !== Object.keys(y).filter((k) => !POSITIONAL.has(k) && y[k] !== undefined).length) return false;
  return keys.every((k) => sameTree(x[k], y[k]));
}

function commentKey(tokens: Token[]): string {
  return tokens
    .filter((t) => t.kind === 'comment')
    .map((t) => t.text.trimEnd())
    .join('\n');
}

/** One edit replacing only the lines that changed, so the editor keeps folds and the cursor elsewhere. */
function minimalEdit(before: string, after: string): TextEdit {
  const a = before.match(/[^\n]*\n|[^\n]+$/g) ?? [];
  const b = after.match(/[^\n]*\n|[^\n]+$/g) ?? [];
  let prefix = 0;
  while (prefix < a.length && prefix < b.length && a[prefix] === b[prefix]) prefix++;
  let suffix = 0;
  while (suffix < a.length - prefix && suffix < b.length - prefix && a[a.length - 1 - suffix] === b[b.length - 1 - suffix]) suffix++;
  const start = a.slice(0, prefix).join('').length;
  const end = before.length - a.slice(a.length - suffix).join('').length;
  const lines = new LineIndex(before);
  return { range: { start: lines.position(start), end: lines.position(end) }, newText: b.slice(prefix, b.length - suffix).join('') };
}

// ── what the tree says about tokens ─────────────────────────────────────────────

interface Roles {
  /** `=` of `let` and of parameter defaults: spaced. Every other `=` names an argument: tight. */
  spacedEquals: Set<number>;
  labelColons: Set<number>;
  binary: Set<number>;
  unary: Set<number>;
  /** `(` of a declaration's parameter list (`model M(`): tight whatever was written. */
  declParens: Set<number>;
  /** Top-level declarations by start offset: braced ones get a blank line around them. */
  decls: Map<number, 'braced' | 'plain'>;
}

function roles(file: SourceFile, tokens: Token[]): Roles {
  const r: Roles = { spacedEquals: new Set(), labelColons: new Set(), binary: new Set(), unary: new Set(), declParens: new Set(), decls: new Map() };
  const starts = tokens.map((t) => t.span.start);
  /** Index of the first token starting at or after an offset. */
  const firstAt = (offset: number): number => {
    let lo = 0;
    let hi = starts.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (starts[mid]! < offset) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  const isCode = (t: Token): boolean => t.kind !== 'newline' && t.kind !== 'comment';
  /** The first code token at or after an offset. */
  const tokenFrom = (offset: number): Token | undefined => {
    for (let i = firstAt(offset); i < tokens.length; i++) if (isCode(tokens[i]!)) return tokens[i];
    return undefined;
  };
  /** The last code token before an offset. */
  const tokenBefore = (offset: number): Token | undefined => {
    for (let i = firstAt(offset) - 1; i >= 0; i--) if (isCode(tokens[i]!)) return tokens[i];
    return undefined;
  };
  const mark = (set: Set<number>, token: Token | undefined, text: string): void => {
    if (token && token.text === text) set.add(token.span.start);
  };
  const expr = (e: Expr): void => {
    switch (e.kind) {
      case 'member':
        expr(e.object);
        return;
      case 'unary':
        mark(r.unary, tokenBefore(e.operand.span.start), e.op);
        expr(e.operand);
        return;
      case 'binary':
        mark(r.binary, tokenFrom(e.left.span.end), e.op);
        expr(e.left);
        expr(e.right);
        return;
      case 'call':
        e.args.forEach((a) => expr(a.value));
        return;
      case 'list':
        e.items.forEach(expr);
        return;
      default:
        return;
    }
  };
  const body = (stmts: Stmt[]): void => stmts.forEach(stmt);
  const stmt = (s: Stmt): void => {
    if ('label' in s && s.label) mark(r.labelColons, tokenFrom(s.label.span.end), ':');
    switch (s.kind) {
      case 'input':
        expr(s.dims);
        return;
      case 'let':
        mark(r.spacedEquals, tokenFrom(s.name.span.end), '=');
        expr(s.value);
        return;
      case 'layer':
        s.args.forEach((a) => expr(a.value));
        return;
      case 'parallel':
        s.branches.forEach((b) => body(b.body.stmts));
        return;
      case 'residual':
        body(s.body.stmts);
        if (s.shortcut?.condition) expr(s.shortcut.condition);
        if (s.shortcut) body(s.shortcut.body.stmts);
        return;
      case 'repeat':
        expr(s.count);
        body(s.body.stmts);
        return;
      case 'if':
        expr(s.condition);
        body(s.then.stmts);
        if (s.otherwise) body(s.otherwise.stmts);
        return;
    }
  };
  const decl = (d: Decl): void => {
    r.decls.set(d.span.start, d.kind === 'let' || d.kind === 'import' ? 'plain' : 'braced');
    switch (d.kind) {
      case 'let':
        stmt(d);
        return;
      case 'import':
        return;
      case 'train':
        mark(r.declParens, tokenFrom(d.model.span.end), '(');
        d.args.forEach((a) => expr(a.value));
        d.settings.forEach((s) => s.args.forEach((a) => expr(a.value)));
        return;
      default:
        mark(r.declParens, tokenFrom(d.name.span.end), '(');
        for (const p of d.params) {
          if (!p.default) continue;
          mark(r.spacedEquals, tokenFrom(p.name.span.end), '=');
          expr(p.default);
        }
        body(d.body.stmts);
    }
  };
  file.decls.forEach(decl);
  return r;
}

// ── the printer ─────────────────────────────────────────────────────────────────

interface OutLine {
  indent: string;
  code: string;
  /** The tokens of `code` with the white space printed before each. */
  parts: Array<{ token: Token; separator: string }>;
  comment?: string;
  /** The comment's column in the source (tabs expanded), so hand-aligned comments stay aligned. */
  commentColumn?: number;
  /** The indentation of the comment's source line: a re-indented line takes its comment along. */
  commentIndent?: number;
  /** For a line split off a longer one (`model M { input 4  # c`): the gap to keep before the comment. */
  commentGap?: number;
  /** The line's first token did not start its line in the source. */
  split: boolean;
  /** Blank lines above this line in the source (0 for a line the printer split off). */
  blanksBefore: number;
  kind: 'code' | 'comment' | 'continuation';
  depth: number;
  /** The first line of a top-level declaration. */
  decl?: 'braced' | 'plain';
  /** Ends with the `{` of a body laid out over several lines. */
  opens: boolean;
  /** Starts with the `}` of such a body. */
  closes: boolean;
}

interface OpenBracket {
  /** Indentation of continuation lines inside it. */
  inner: string;
  /** Indentation of its closer when that starts a line. */
  closer: string;
}

const CONTINUES = new Set(['else', 'shortcut']);

interface TableRow {
  line: OutLine;
  signature: string;
  /** Where the op ends: the first column starts after it. */
  prefix: number;
  /** Indices in `line.parts` of the positional numbers. */
  numbers: number[];
  /** The spaces before each number in the source, and where each would end with them. */
  gaps: number[];
  ends: number[];
}

class Printer {
  private readonly out: OutLine[] = [];
  private current: OutLine | null = null;
  private previous: Token | null = null;
  private readonly roles: Roles;
  private readonly unit: string;
  private readonly tabSize: number;
  private readonly match = new Map<number, number>();
  private readonly sourceLines: string[];
  private readonly lineOf: LineIndex;
  private readonly blankAbove: number[];
  private depth = 0;
  private inline = 0;
  private readonly braces: boolean[] = [];
  private readonly brackets: OpenBracket[] = [];
  private mustBreak = false;

  constructor(
    text: string,
    private readonly tokens: Token[],
    file: SourceFile,
    options: FormattingOptions,
  ) {
    this.roles = roles(file, tokens);
    this.tabSize = Math.max(1, options.tabSize || 2);
    this.unit = options.insertSpaces === false ? '\t' : ' '.repeat(this.tabSize);
    const stack: number[] = [];
    tokens.forEach((t, i) => {
      if (t.kind !== 'punct') return;
      if (t.text === '{' || t.text === '(' || t.text === '[') stack.push(i);
      else if (t.text === '}' || t.text === ')' || t.text === ']') {
        const open = stack.pop();
        if (open !== undefined) this.match.set(open, i);
      }
    });
    this.sourceLines = text.split('\n');
    this.lineOf = new LineIndex(text);
    this.blankAbove = [];
    let blanks = 0;
    for (const line of this.sourceLines) {
      this.blankAbove.push(blanks);
      blanks = line.trim() === '' ? blanks + 1 : 0;
    }
  }

  print(): string[] {
    const tokens = this.tokens;
    for (let i = 0; i < tokens.length; i++) {
      const t = tokens[i]!;
      switch (t.kind) {
        case 'eof':
          break;
        case 'newline':
          // Inside ( ) and [ ] a line break is the author's wrapping; elsewhere it ends a statement.
          this.endLine();
          if (!this.brackets.length) this.mustBreak = false;
          break;
        case 'comment':
          this.comment(t);
          break;
        default:
          i = this.code(i);
      }
    }
    this.endLine();
    return this.layout();
  }

  /** Emits the code token at i (and whatever it decides to skip); returns the last index consumed. */
  private code(i: number): number {
    const t = this.tokens[i]!;
    const p = t.kind === 'punct' ? t.text : '';
    if (p === ';') {
      if (this.inline > 0) {
        const next = this.nextCode(i);
        const prev = this.previous?.text;
        if (prev !== '{' && prev !== ';' && next?.text !== '}' && next?.text !== ';') this.emit(t);
      } else if (this.current) this.mustBreak = true;
      return i;
    }
    if (p === '{') return this.open(i);
    if (p === '}') return this.close(i);
    if (this.brackets.length === 0 && this.inline === 0) {
      if (this.mustBreak || (this.depth === 0 && this.roles.decls.has(t.span.start))) this.endLine();
      this.mustBreak = false;
    }
    if (p === ')' || p === ']') {
      const bracket = this.brackets.pop();
      if (!this.current && bracket) this.startLine(t, bracket.closer, 'continuation');
      this.emit(t);
      return i;
    }
    this.emit(t);
    if (p === '(' || p === '[') this.openBracket(i);
    return i;
  }

  private open(i: number): number {
    const t = this.tokens[i]!;
    const close = this.match.get(i) ?? i;
    this.emit(t);
    // An empty body is `{ }`, however it was written.
    let empty = true;
    for (let j = i + 1; j < close; j++) if (this.tokens[j]!.kind !== 'newline' && this.tokens[j]!.text !== ';') empty = false;
    if (empty) {
      this.emitText(this.tokens[close]!, ' ');
      this.previous = this.tokens[close]!;
      return this.afterClose(close);
    }
    const inline = this.inline > 0 || this.lineOf.position(t.span.start).line === this.lineOf.position(this.tokens[close]!.span.start).line;
    this.braces.push(inline);
    if (inline) this.inline++;
    else {
      this.current!.opens = true;
      this.depth++;
      this.mustBreak = true;
    }
    return i;
  }

  private close(i: number): number {
    const t = this.tokens[i]!;
    const inline = this.braces.pop() ?? false;
    if (inline) {
      this.inline--;
      this.emit(t);
    } else {
      this.endLine();
      this.depth = Math.max(0, this.depth - 1);
      this.startLine(t, this.unit.repeat(this.depth), 'code');
      this.current!.closes = true;
      this.emit(t);
    }
    return this.afterClose(i);
  }

  /** After a `}`: `} else` and `} shortcut` stay on the closing line; any other statement starts a new one. */
  private afterClose(i: number): number {
    if (this.inline > 0) return i;
    let j = i + 1;
    while (this.tokens[j]!.kind === 'newline') j++;
    if (this.tokens[j]!.kind === 'name' && CONTINUES.has(this.tokens[j]!.text)) {
      this.mustBreak = false;
      return j - 1;
    }
    this.mustBreak = true;
    return i;
  }

  private openBracket(i: number): void {
    const line = this.current!;
    const next = this.tokens[i + 1]!;
    const hanging = next.kind === 'newline' || next.kind === 'comment';
    const column = line.indent + line.code;
    const open = column.slice(0, -1);
    this.brackets.push({
      inner: hanging ? line.indent + this.unit : line.indent + ' '.repeat(Math.max(0, this.width(column) - this.width(line.indent))),
      closer: hanging ? line.indent : line.indent + ' '.repeat(Math.max(0, this.width(open) - this.width(line.indent))),
    });
  }

  private comment(t: Token): void {
    const text = t.text.trimEnd();
    if (this.current && this.current.code) {
      this.current.comment = text;
      const line = this.lineOf.position(t.span.start);
      const source = this.sourceLines[line.line]!;
      this.current.commentColumn = this.width(source.slice(0, line.character));
      this.current.commentIndent = this.width(/^[ \t]*/.exec(source)![0]);
      if (this.current.split && this.previous) this.current.commentGap = Math.max(1, t.span.start - this.previous.span.end);
      return;
    }
    const bracket = this.brackets[this.brackets.length - 1];
    this.startLine(t, bracket ? bracket.inner : this.unit.repeat(this.depth), bracket ? 'continuation' : 'comment');
    this.current!.comment = text;
    this.endLine();
  }

  private emit(t: Token): void {
    if (!this.current) {
      const bracket = this.brackets[this.brackets.length - 1];
      this.startLine(t, bracket ? bracket.inner : this.unit.repeat(this.depth), bracket ? 'continuation' : 'code');
      if (!bracket && this.depth === 0) {
        const decl = this.roles.decls.get(t.span.start);
        if (decl) this.current!.decl = decl;
      }
      this.current!.code = t.text;
      this.current!.parts.push({ token: t, separator: '' });
    } else {
      this.emitText(t, this.separator(this.previous, t));
    }
    this.previous = t;
  }

  private emitText(t: Token, separator: string): void {
    const line = this.current!;
    if (!line.code) separator = '';
    line.code += separator + t.text;
    line.parts.push({ token: t, separator });
  }

  private startLine(t: Token, indent: string, kind: OutLine['kind']): void {
    this.endLine();
    const position = this.lineOf.position(t.span.start);
    const first = this.sourceLines[position.line]!.slice(0, position.character).trim() === '';
    this.current = { indent, code: '', parts: [], blanksBefore: first ? this.blankAbove[position.line]! : 0, kind, depth: this.depth, opens: false, closes: false, split: !first };
    this.previous = null;
  }

  private endLine(): void {
    if (this.current) this.out.push(this.current);
    this.current = null;
    this.previous = null;
  }

  private nextCode(i: number): Token | undefined {
    for (let j = i + 1; j < this.tokens.length; j++) {
      const t = this.tokens[j]!;
      if (t.kind !== 'newline' && t.kind !== 'comment') return t;
    }
    return undefined;
  }

  private width(s: string): number {
    let column = 0;
    for (const c of s) column = c === '\t' ? column - (column % this.tabSize) + this.tabSize : column + 1;
    return column;
  }

  /** The white space between two tokens on one line. Only `(` after a name, `.` and `gpu:0` care, and those keep what was written. */
  private separator(prev: Token | null, t: Token): string {
    if (!prev) return '';
    const a = prev.kind === 'punct' ? prev.text : '';
    const b = t.kind === 'punct' ? t.text : '';
    const r = this.roles;
    if (b === ',' || b === ';') return '';
    if (a === ',' || a === ';') return ' ';
    if (a === '(' || a === '[') return '';
    if (b === ')' || b === ']') return '';
    if (a === '.' || b === '.') return '';
    if (b === '=') return r.spacedEquals.has(t.span.start) ? ' ' : '';
    if (a === '=') return r.spacedEquals.has(prev.span.start) ? ' ' : '';
    if (b === ':') return r.labelColons.has(t.span.start) ? '' : t.spaced ? ' ' : '';
    if (a === ':') return r.labelColons.has(prev.span.start) ? ' ' : t.spaced ? ' ' : '';
    if (b === '{' || b === '}' || a === '{' || a === '}') return ' ';
    if (r.binary.has(t.span.start) || r.binary.has(prev.span.start)) return ' ';
    if (r.unary.has(prev.span.start)) return prev.kind === 'name' ? ' ' : '';
    if (b === '(' && r.declParens.has(t.span.start)) return '';
    return t.spaced ? ' ' : '';
  }

  // ── blank lines and comment columns ───────────────────────────────────────────

  private layout(): string[] {
    const lines = this.out;
    const blanks = lines.map((_, k) => this.blankLinesBefore(lines, k));
    this.alignTables(lines, blanks);
    this.alignComments(lines, blanks);
    const text: string[] = [];
    lines.forEach((line, k) => {
      if (blanks[k]) text.push('');
      let s = line.code ? line.indent + line.code : line.indent;
      if (line.comment !== undefined) {
        if (line.code) s += ' '.repeat(Math.max(1, (line.commentColumn ?? 0) - this.width(s))) + line.comment;
        else s += line.comment;
      }
      text.push(s.trimEnd());
    });
    return text;
  }

  private blankLinesBefore(lines: OutLine[], k: number): number {
    const line = lines[k]!;
    if (k === 0 || line.kind === 'continuation' || line.closes) return 0;
    const before = lines[k - 1]!;
    if (before.opens) return 0;
    const own = Math.min(1, line.blanksBefore);
    if (line.depth > 0 || !(line.decl || line.kind === 'comment')) return own;
    // Top level: comments directly above a declaration belong to it; a braced declaration is set
    // apart from its neighbours by exactly one blank line.
    if (line.kind === 'comment' && before.kind === 'comment' && own === 0) return 0;
    if (line.decl && before.kind === 'comment' && before.depth === 0 && own === 0) return 0;
    let next: OutLine = line;
    for (let j = k; line.kind === 'comment' && j < lines.length; j++) {
      next = lines[j]!;
      if (next.kind !== 'comment' || (j > k && next.blanksBefore > 0)) break;
    }
    const attached = next.decl !== undefined && next.blanksBefore === 0 ? next.decl : undefined;
    const self = line.decl ?? attached;
    const previous = this.previousItem(lines, k);
    if (self === 'braced' || previous === 'braced') return 1;
    return own;
  }

  /** The kind of the top-level declaration before line k, through its closing line. */
  private previousItem(lines: OutLine[], k: number): 'braced' | 'plain' | 'comment' | undefined {
    for (let j = k - 1; j >= 0; j--) {
      const line = lines[j]!;
      if (line.depth > 0 || line.kind === 'continuation' || line.closes) continue;
      if (line.decl) return line.decl;
      if (line.kind === 'comment') return 'comment';
    }
    return undefined;
  }

  /**
   * Rows of numbers that the author lined up, like GoogLeNet's Inception table, stay a table:
   * consecutive uses of the same layer or block with two or more plain-number positional
   * arguments, one of them set apart by more than one space, are right-aligned in columns. A
   * column ends where it ended in the source, or further right when a row needs the room.
   */
  private alignTables(lines: OutLine[], blanks: number[]): void {
    const rows = lines.map((line) => this.tableRow(line));
    let k = 0;
    while (k < lines.length) {
      const first = rows[k];
      let end = k + 1;
      while (first && end < lines.length && !blanks[end] && rows[end]?.signature === first.signature) end++;
      if (!first || end - k < 2 || !rows.slice(k, end).some((row) => row!.gaps.some((g) => g > 1))) {
        k = end;
        continue;
      }
      const run = rows.slice(k, end) as TableRow[];
      const ends: number[] = [];
      for (let j = 0; j < first.numbers.length; j++) {
        let column = 0;
        for (const row of run) {
          const before = j === 0 ? row.prefix : ends[j - 1]!;
          const length = row.line.parts[row.numbers[j]!]!.token.text.length;
          column = Math.max(column, row.ends[j]!, before + 1 + length);
        }
        ends.push(column);
      }
      for (const row of run) {
        row.numbers.forEach((index, j) => {
          const part = row.line.parts[index]!;
          const before = j === 0 ? row.prefix : ends[j - 1]!;
          part.separator = ' '.repeat(ends[j]! - part.token.text.length - before);
        });
        row.line.code = row.line.parts.map((part) => part.separator + part.token.text).join('');
      }
      k = end;
    }
  }

  private tableRow(line: OutLine): TableRow | undefined {
    if (line.kind !== 'code' || line.depth === 0 || line.opens || line.closes) return undefined;
    const parts = line.parts;
    let p = parts[1]?.token.text === ':' && this.roles.labelColons.has(parts[1].token.span.start) ? 2 : 0;
    const op = parts[p];
    if (!op || op.token.kind !== 'name') return undefined;
    const numbers: number[] = [];
    for (p++; parts[p]?.token.kind === 'number'; p++) numbers.push(p);
    const after = parts[p];
    if (numbers.length < 2 || (after && !(after.token.kind === 'name' && parts[p + 1]?.token.text === '='))) return undefined;
    const gaps: number[] = [];
    const ends: number[] = [];
    const opIndex = numbers[0]! - 1;
    let column = this.width(line.indent + parts.slice(0, opIndex + 1).map((part) => part.separator + part.token.text).join(''));
    const prefix = column;
    for (const index of numbers) {
      const token = parts[index]!.token;
      // Only spaces and tabs can separate two arguments on one line; a tab counts as one column.
      const gap = token.span.start - parts[index - 1]!.token.span.end;
      gaps.push(gap);
      column += gap + token.text.length;
      ends.push(column);
    }
    return { line, signature: `${line.indent}|${op.token.text}|${numbers.length}`, prefix, numbers, gaps, ends };
  }

  /**
   * A trailing comment keeps its place relative to its line's indentation, so re-indenting
   * takes it along and hand-aligned comments stay aligned; it moves right when the code now
   * reaches it (one space at least). Consecutive lines whose comments shared a column keep
   * sharing one.
   */
  private alignComments(lines: OutLine[], blanks: number[]): void {
    let k = 0;
    while (k < lines.length) {
      if (!(lines[k]!.code && lines[k]!.comment !== undefined)) {
        k++;
        continue;
      }
      let end = k + 1;
      while (end < lines.length && !blanks[end] && lines[end]!.code && lines[end]!.comment !== undefined) end++;
      const run = lines.slice(k, end);
      const columns = run.map((line) => line.commentColumn ?? 0);
      const targets = run.map((line) => {
        const end = this.width(line.indent + line.code);
        if (line.commentGap !== undefined) return end + line.commentGap;
        return Math.max(this.width(line.indent) + (line.commentColumn ?? 0) - (line.commentIndent ?? 0), end + 1);
      });
      if (run.length > 1 && columns.every((c) => c === columns[0])) {
        const column = Math.max(...targets);
        run.forEach((line) => (line.commentColumn = column));
      } else run.forEach((line, n) => (line.commentColumn = targets[n]!));
      k = end;
    }
  }
}
