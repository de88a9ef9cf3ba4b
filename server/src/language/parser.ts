// Hand-written recursive descent parser with error recovery. A statement that cannot be
// parsed is reported once and skipped to its end (newline, `;` or `}`); a body left open at a
// new top-level declaration is closed there, so one broken model never hides the next.
import type { Arg, BinaryOp, Body, Branch, Decl, Expr, IfStmt, ImportDecl, LetStmt, ModelDecl, Name, Param, ParallelStmt, RepeatStmt, ResidualStmt, Setting, SourceFile, Stmt, TrainDecl } from './ast';
import type { Reporter } from './diagnostics';
import { KEYWORDS, scan, type Token } from './scanner';
import type { Span } from './text';

export const MAX_NESTING = 64;
export const MAX_OPERATORS = 1000;

const DECL_KEYWORDS = new Set(['model', 'block', 'train', 'import', 'let']);
const COMPARISONS = new Set(['<', '>', '<=', '>=', '==', '!=']);

export function parse(text: string, uri: string, reporter: Reporter): SourceFile {
  const parser = new Parser(scan(text, reporter), reporter);
  return { uri, text, decls: parser.parseFile() };
}

class Parser {
  private pos = 0;
  /** Inside ( ) or [ ] newlines do not end statements. */
  private bracketDepth = 0;
  /** Bodies inside bodies. */
  private nesting = 0;
  /** Parentheses and lists inside each other; counted apart so deep bodies can still hold expressions. */
  private exprNesting = 0;
  /** Binary operators in the current top-level expression. */
  private operators = 0;
  /** One error per token: the offset of the last token reported. */
  private lastErrorAt = -1;

  constructor(private readonly tokens: Token[], private readonly reporter: Reporter) {}

  // ── tokens ──────────────────────────────────────────────────────────────────

  private peek(offset = 0): Token {
    let i = this.pos;
    let seen = 0;
    for (;;) {
      const token = this.tokens[i]!;
      if (token.kind === 'newline' && this.bracketDepth > 0) {
        i++;
        continue;
      }
      if (seen === offset || token.kind === 'eof') return token;
      seen++;
      i++;
    }
  }

  private next(): Token {
    while (this.bracketDepth > 0 && this.tokens[this.pos]!.kind === 'newline') this.pos++;
    const token = this.tokens[this.pos]!;
    if (token.kind !== 'eof') this.pos++;
    return token;
  }

  private is(text: string, offset = 0): boolean {
    const token = this.peek(offset);
    return (token.kind === 'punct' || token.kind === 'name') && token.text === text;
  }

  private accept(text: string): Token | undefined {
    return this.is(text) ? this.next() : undefined;
  }

  private skipNewlines(): void {
    while (this.peek().kind === 'newline' || this.is(';')) this.next();
  }

  private atStatementEnd(): boolean {
    const token = this.peek();
    return token.kind === 'newline' || token.kind === 'eof' || this.is(';') || this.is('}');
  }

  private error(token: Token, message: string, code: 'NN101' | 'NN102' | 'NN107' = 'NN101'): void {
    if (token.span.start === this.lastErrorAt) return;
    this.lastErrorAt = token.span.start;
    this.reporter.report(code, token.kind === 'eof' ? this.eofSpan(token) : token.span, message);
  }

  /** A zero-width error at the end of the file is invisible; point at the last character instead. */
  private eofSpan(token: Token): Span {
    const start = Math.max(0, token.span.start - 1);
    return { start, end: token.span.start };
  }

  private describe(token: Token): string {
    if (token.kind === 'eof') return 'the end of the file';
    if (token.kind === 'newline') return 'the end of the line';
    return `'${token.text}'`;
  }

  /** Skip the rest of a broken statement, keeping braces balanced and stopping before `}`. */
  private recoverStatement(): void {
    let depth = 0;
    for (;;) {
      const token = this.peek();
      if (token.kind === 'eof') return;
      if (depth === 0 && (token.kind === 'newline' || this.is(';') || this.is('}'))) return;
      if (this.is('{')) depth++;
      if (this.is('}')) depth--;
      this.next();
    }
  }

  private expectName(what: string): Name {
    const token = this.peek();
    if (token.kind === 'name' && !KEYWORDS.has(token.text)) {
      this.next();
      return { text: token.text, span: token.span };
    }
    this.error(token, `expected ${what}, found ${this.describe(token)}`, 'NN107');
    return { text: '', span: { start: token.span.start, end: token.span.start }, missing: true };
  }

  private get previousEnd(): number {
    return this.tokens[Math.max(0, this.pos - 1)]!.span.end;
  }

  // ── declarations ────────────────────────────────────────────────────────────

  parseFile(): Decl[] {
    const decls: Decl[] = [];
    for (;;) {
      this.skipNewlines();
      const token = this.peek();
      if (token.kind === 'eof') return decls;
      const decl = this.parseDecl();
      if (decl) decls.push(decl);
      else {
        this.error(token, `expected 'model', 'block', 'train', 'let' or 'import' at the top level, found ${this.describe(token)}`);
        this.next();
        this.recoverStatement();
        if (this.is('}')) this.next();
      }
    }
  }

  private parseDecl(): Decl | undefined {
    const token = this.peek();
    if (token.kind !== 'name') return undefined;
    switch (token.text) {
      case 'model':
      case 'block':
        return this.parseModel(token.text);
      case 'train':
        return this.parseTrain();
      case 'let':
        return this.parseLet();
      case 'import':
        return this.parseImport();
      default:
        return undefined;
    }
  }

  private parseModel(kind: 'model' | 'block'): ModelDecl {
    const keyword = this.next().span;
    const name = this.expectName(`a ${kind} name`);
    const params: Param[] = [];
    if (this.is('(')) {
      this.next();
      this.bracketDepth++;
      while (!this.is(')') && this.peek().kind !== 'eof' && !this.is('{')) {
        const paramName = this.expectName('a parameter name');
        let value: Expr | undefined;
        if (this.accept('=')) value = this.parseExprOrMissing(`a default value for '${paramName.text}'`);
        const param: Param = { name: paramName, span: { start: paramName.span.start, end: this.previousEnd } };
        if (value) param.default = value;
        params.push(param);
        if (!this.accept(',') && !this.is(')')) {
          this.error(this.peek(), `expected ',' or ')' in the parameter list, found ${this.describe(this.peek())}`);
          if (paramName.missing) this.next();
        }
      }
      this.expectClose(')');
    }
    const body = this.parseBody(`${kind} ${name.text}`);
    return { kind, keyword, name, params, body, span: { start: keyword.start, end: body.span.end } };
  }

  /** Take the closer while newlines are still insignificant (a `)` on a line of its own), then leave the brackets. */
  private leaveBrackets(text: ')' | ']'): boolean {
    const closed = this.accept(text) !== undefined;
    this.bracketDepth--;
    return closed;
  }

  /** Leave brackets expecting their closer, unless an error inside them (since `openedAt`) already explains its absence. */
  private expectClose(text: ')' | ']', openedAt = -1): void {
    if (this.leaveBrackets(text)) return;
    if (this.lastErrorAt >= openedAt && openedAt >= 0) return;
    this.error(this.peek(), `expected '${text}', found ${this.describe(this.peek())}`);
  }

  private parseTrain(): TrainDecl {
    const keyword = this.next().span;
    const model = this.expectName('the name of the model to train');
    const args = this.is('(') ? this.parseCallArgs() : [];
    const open = this.peek();
    const settings: Setting[] = [];
    if (!this.accept('{')) {
      this.error(open, `expected '{' to start the training settings, found ${this.describe(open)}`);
      return { kind: 'train', keyword, model, args, settings, open: open.span, span: { start: keyword.start, end: this.previousEnd } };
    }
    for (;;) {
      this.skipNewlines();
      const token = this.peek();
      if (this.is('}')) {
        this.next();
        break;
      }
      if (token.kind === 'eof' || (token.kind === 'name' && DECL_KEYWORDS.has(token.text) && token.text !== 'let')) {
        this.reportUnclosed(open.span, token, `train ${model.text}`);
        break;
      }
      if (token.kind !== 'name' || KEYWORDS.has(token.text)) {
        this.error(token, `expected a training setting such as 'epochs' or 'optimizer', found ${this.describe(token)}`);
        this.next();
        this.recoverStatement();
        continue;
      }
      const key = this.next();
      const keyName: Name = { text: key.text, span: key.span };
      const settingArgs = this.parseArgs(/*settings*/ true);
      settings.push({ key: keyName, args: settingArgs, span: { start: key.span.start, end: this.previousEnd } });
      this.endStatement();
    }
    return { kind: 'train', keyword, model, args, settings, open: open.span, span: { start: keyword.start, end: this.previousEnd } };
  }

  private parseLet(): LetStmt {
    const keyword = this.next().span;
    const name = this.expectName('a name after let');
    let value: Expr;
    if (this.accept('=')) value = this.parseExprOrMissing(`a value for '${name.text}'`);
    else {
      this.error(this.peek(), `expected '=' after 'let ${name.text}', found ${this.describe(this.peek())}`);
      value = { kind: 'missing', span: { start: this.previousEnd, end: this.previousEnd } };
      this.recoverStatement();
    }
    return { kind: 'let', name, value, span: { start: keyword.start, end: this.previousEnd } };
  }

  private parseImport(): ImportDecl {
    const keyword = this.next().span;
    const token = this.peek();
    if (token.kind !== 'string') {
      this.error(token, `expected a quoted path after import, like import "blocks.nn", found ${this.describe(token)}`, 'NN102');
      this.recoverStatement();
      return { kind: 'import', keyword, path: '', pathSpan: token.span, span: { start: keyword.start, end: this.previousEnd } };
    }
    this.next();
    return { kind: 'import', keyword, path: String(token.value), pathSpan: token.span, span: { start: keyword.start, end: token.span.end } };
  }

  // ── bodies and statements ───────────────────────────────────────────────────

  private reportUnclosed(open: Span, at: Token, owner: string): void {
    // Nested bodies left open at one spot: the innermost explains it; one error per token.
    if (this.lastErrorAt === at.span.start) return;
    const where = at.kind === 'eof' ? this.eofSpan(at) : at.span;
    this.lastErrorAt = at.span.start;
    this.reporter.report('NN103', where, `'{' of ${owner} is never closed: add '}' before ${this.describe(at)}`, {
      related: [{ uri: this.reporter.uri, span: open, message: `the '{' of ${owner} opens here` }],
    });
  }

  private parseBody(owner: string): Body {
    const open = this.peek();
    if (!this.is('{')) {
      this.error(open, `expected '{' to start the body of ${owner}, found ${this.describe(open)}`);
      const at = open.span.start;
      return { stmts: [], open: open.span, closed: false, span: { start: at, end: at } };
    }
    this.next();
    const stmts: Stmt[] = [];
    if (++this.nesting > MAX_NESTING) {
      this.reporter.report('NN120', open.span, `nesting deeper than ${MAX_NESTING} levels; the body starting here is skipped`);
      this.skipBalanced();
      this.nesting--;
      return { stmts, open: open.span, closed: true, span: { start: open.span.start, end: this.previousEnd } };
    }
    let closed = false;
    for (;;) {
      this.skipNewlines();
      const token = this.peek();
      if (this.is('}')) {
        this.next();
        closed = true;
        break;
      }
      if (token.kind === 'eof' || (token.kind === 'name' && DECL_KEYWORDS.has(token.text) && token.text !== 'let')) {
        this.reportUnclosed(open.span, token, owner);
        break;
      }
      const stmt = this.parseStatement();
      if (stmt) stmts.push(stmt);
      this.endStatement();
    }
    this.nesting--;
    return { stmts, open: open.span, closed, span: { start: open.span.start, end: this.previousEnd } };
  }

  /** Skip to the `}` matching an already consumed `{`. */
  private skipBalanced(): void {
    let depth = 1;
    while (depth > 0 && this.peek().kind !== 'eof') {
      const token = this.next();
      if (token.text === '{' && token.kind === 'punct') depth++;
      if (token.text === '}' && token.kind === 'punct') depth--;
    }
  }

  private endStatement(): void {
    // A statement that ends with a body's `}` needs no separator: `branch { } branch { }`.
    const previous = this.tokens[this.pos - 1];
    if (previous?.kind === 'punct' && previous.text === '}' && !this.atStatementEnd()) return;
    if (this.atStatementEnd()) {
      if (this.is(';') || this.peek().kind === 'newline') this.next();
      return;
    }
    const token = this.peek();
    this.error(token, `expected the end of the statement, found ${this.describe(token)}`);
    this.recoverStatement();
  }

  private parseStatement(): Stmt | undefined {
    const token = this.peek();
    if (token.kind !== 'name') {
      this.error(token, `expected a layer, block or statement, found ${this.describe(token)}`);
      this.recoverStatement();
      return undefined;
    }
    let label: Name | undefined;
    if (!KEYWORDS.has(token.text) && this.is(':', 1)) {
      this.next();
      this.next();
      label = { text: token.text, span: token.span };
    }
    const head = this.peek();
    if (label && head.kind === 'name' && (head.text === 'let' || head.text === 'if')) {
      this.error(head, `a label names a layer, a block use, parallel, residual or repeat; '${head.text}' cannot carry one`);
    }
    switch (head.kind === 'name' ? head.text : '') {
      case 'input':
        return this.parseInput(label);
      case 'let':
        return this.parseLet();
      case 'parallel':
        return this.parseParallel(label);
      case 'residual':
        return this.parseResidual(label);
      case 'repeat':
        return this.parseRepeat(label);
      case 'if':
        return this.parseIf();
      default:
        break;
    }
    if (head.kind !== 'name' || KEYWORDS.has(head.text)) {
      this.error(head, `expected a layer or block name, found ${this.describe(head)}`);
      this.recoverStatement();
      return undefined;
    }
    const op = this.next();
    const args = this.is('(') && !this.peek().spaced ? this.parseCallArgs() : this.parseArgs(/*settings*/ false);
    const start = label ? label.span.start : op.span.start;
    const stmt: Stmt = { kind: 'layer', op: { text: op.text, span: op.span }, args, span: { start, end: this.previousEnd } };
    if (label) stmt.label = label;
    return stmt;
  }

  private parseInput(label: Name | undefined): Stmt {
    const keyword = this.next().span;
    if (label) this.error(this.tokens[this.pos - 1]!, 'input cannot carry a label');
    const dims = this.atStatementEnd() ? this.missingValue('the input shape, like 3x224x224') : this.parseExpr();
    return { kind: 'input', keyword, dims, span: { start: keyword.start, end: this.previousEnd } };
  }

  private parseParallel(label: Name | undefined): ParallelStmt {
    const keyword = this.next().span;
    let merge: Name | undefined;
    const token = this.peek();
    if (token.kind === 'name' && !this.is('{')) merge = { text: this.next().text, span: token.span };
    const branches: Branch[] = [];
    const open = this.peek();
    if (!this.accept('{')) {
      this.error(open, `expected '{' after parallel, found ${this.describe(open)}`);
    } else {
      this.nesting++;
      for (;;) {
        this.skipNewlines();
        const next = this.peek();
        if (this.is('}')) {
          this.next();
          break;
        }
        if (next.kind === 'eof' || (next.kind === 'name' && DECL_KEYWORDS.has(next.text) && next.text !== 'let')) {
          this.reportUnclosed(open.span, next, 'parallel');
          break;
        }
        if (!this.is('branch')) {
          this.error(next, `expected 'branch { … }' inside parallel, found ${this.describe(next)}`);
          this.recoverStatement();
          this.endStatement();
          continue;
        }
        const branchKeyword = this.next().span;
        let branchLabel: Name | undefined;
        if (this.peek().kind === 'name' && !this.is('{')) branchLabel = this.expectName('a branch label');
        const body = this.parseBody('branch');
        const branch: Branch = { keyword: branchKeyword, body, span: { start: branchKeyword.start, end: body.span.end } };
        if (branchLabel) branch.label = branchLabel;
        branches.push(branch);
        this.endStatement();
      }
      this.nesting--;
    }
    const stmt: ParallelStmt = { kind: 'parallel', keyword, branches, span: { start: label?.span.start ?? keyword.start, end: this.previousEnd } };
    if (merge) stmt.merge = merge;
    if (label) stmt.label = label;
    return stmt;
  }

  /** Looks past newlines for a continuation keyword such as `shortcut` or `else`. */
  private continuesWith(word: string): boolean {
    let i = this.pos;
    while (this.tokens[i]!.kind === 'newline') i++;
    const token = this.tokens[i]!;
    if (token.kind === 'name' && token.text === word) {
      this.pos = i;
      return true;
    }
    return false;
  }

  private parseResidual(label: Name | undefined): ResidualStmt {
    const keyword = this.next().span;
    const body = this.parseBody('residual');
    const stmt: ResidualStmt = { kind: 'residual', keyword, body, span: { start: label?.span.start ?? keyword.start, end: body.span.end } };
    if (this.continuesWith('shortcut')) {
      const shortcutKeyword = this.next().span;
      let condition: Expr | undefined;
      if (this.accept('if')) condition = this.is('{') ? this.missingValue('a condition after shortcut if') : this.parseExpr();
      const shortcutBody = this.parseBody('shortcut');
      stmt.shortcut = { keyword: shortcutKeyword, body: shortcutBody, span: { start: shortcutKeyword.start, end: shortcutBody.span.end } };
      if (condition) stmt.shortcut.condition = condition;
      stmt.span = { start: stmt.span.start, end: shortcutBody.span.end };
    }
    if (label) stmt.label = label;
    return stmt;
  }

  private parseRepeat(label: Name | undefined): RepeatStmt {
    const keyword = this.next().span;
    let index: Name | undefined;
    if (this.peek().kind === 'name' && !KEYWORDS.has(this.peek().text) && this.is('in', 1)) {
      index = this.expectName('an index name');
      this.next();
    }
    const count = this.is('{') ? this.missingValue('a repeat count') : this.parseExpr();
    const body = this.parseBody('repeat');
    const stmt: RepeatStmt = { kind: 'repeat', keyword, count, body, span: { start: label?.span.start ?? keyword.start, end: body.span.end } };
    if (index) stmt.index = index;
    if (label) stmt.label = label;
    return stmt;
  }

  private parseIf(): IfStmt {
    const keyword = this.next().span;
    const condition = this.is('{') ? this.missingValue('a condition after if') : this.parseExpr();
    const then = this.parseBody('if');
    const stmt: IfStmt = { kind: 'if', keyword, condition, then, span: { start: keyword.start, end: then.span.end } };
    if (this.continuesWith('else')) {
      const elseKeyword = this.next().span;
      if (this.is('if')) {
        // `else if` is an else whose body is one if statement.
        const nested = this.parseIf();
        stmt.otherwise = { stmts: [nested], open: elseKeyword, closed: true, span: { start: elseKeyword.start, end: nested.span.end } };
      } else {
        stmt.otherwise = this.parseBody('else');
      }
      stmt.span = { start: keyword.start, end: stmt.otherwise.span.end };
    }
    return stmt;
  }

  // ── arguments ───────────────────────────────────────────────────────────────

  /** White-space separated arguments: `conv ch * 2 kernel=3` is two, `ch * 2` and `kernel=3`. */
  private parseArgs(settings: boolean): Arg[] {
    const args: Arg[] = [];
    while (!this.atStatementEnd() && !this.is('{')) {
      const token = this.peek();
      const before = this.pos;
      if (token.kind === 'name' && !KEYWORDS.has(token.text) && this.is('=', 1)) {
        this.next();
        this.next();
        const name: Name = { text: token.text, span: token.span };
        const value = this.atStatementEnd() || this.peekStartsNamedArg() ? this.missingValue(`a value for '${token.text}'`) : this.parseExpr();
        args.push({ name, value, span: { start: token.span.start, end: this.previousEnd } });
      } else if (settings && token.kind === 'name' && this.is(':', 1) && this.peek(2).kind === 'number' && !this.peek(1).spaced) {
        // `device gpu:1` names one device.
        this.next();
        this.next();
        const number = this.next();
        args.push({ value: { kind: 'ref', name: `${token.text}:${number.text}`, span: { start: token.span.start, end: number.span.end } }, span: { start: token.span.start, end: number.span.end } });
      } else if (!this.startsExpression(token)) {
        this.error(token, `unexpected ${this.describe(token)}: arguments are separated by spaces, like 'conv 64 kernel=3'`);
        this.next();
      } else {
        const value = this.parseExpr();
        args.push({ value, span: value.span });
      }
      if (this.pos === before) {
        this.error(this.peek(), `unexpected ${this.describe(this.peek())} in the arguments`);
        this.next();
      }
    }
    return args;
  }

  private startsExpression(token: Token): boolean {
    if (token.kind !== 'punct') return token.kind !== 'newline' && token.kind !== 'eof';
    return ['(', '[', '-', '+'].includes(token.text);
  }

  private peekStartsNamedArg(): boolean {
    return this.peek().kind === 'name' && this.is('=', 1);
  }

  private reportUnclosedParen(open: Token): void {
    const at = this.peek();
    // An unterminated string swallowed the ')': its own error says enough.
    if (this.lastErrorAt >= open.span.start || this.tokens[this.pos - 1]?.broken) return;
    this.lastErrorAt = at.span.start;
    this.reporter.report('NN103', at.kind === 'eof' ? this.eofSpan(at) : at.span, `'(' is never closed: add ')' before ${this.describe(at)}`, {
      related: [{ uri: this.reporter.uri, span: open.span, message: "the '(' opens here" }],
    });
  }

  /** `(a, b, name=c)` */
  private parseCallArgs(): Arg[] {
    const args: Arg[] = [];
    const open = this.next();
    this.bracketDepth++;
    while (!this.is(')') && this.peek().kind !== 'eof' && !this.is('}') && !this.is('{')) {
      const token = this.peek();
      const before = this.pos;
      if (token.kind === 'name' && !KEYWORDS.has(token.text) && this.is('=', 1)) {
        this.next();
        this.next();
        const value = this.is(',') || this.is(')') ? this.missingValue(`a value for '${token.text}'`) : this.parseExpr();
        args.push({ name: { text: token.text, span: token.span }, value, span: { start: token.span.start, end: this.previousEnd } });
      } else {
        const value = this.parseExpr();
        args.push({ value, span: value.span });
      }
      if (!this.accept(',') && !this.is(')')) {
        if (this.tokens[this.pos]!.kind === 'newline') {
          // The line ended inside the parentheses: they were never closed.
          this.bracketDepth--;
          this.reportUnclosedParen(open);
          return args;
        }
        this.error(this.peek(), `expected ',' or ')', found ${this.describe(this.peek())}`);
        if (this.pos === before) this.next();
        else break;
      }
    }
    this.expectClose(')', open.span.start);
    return args;
  }

  // ── expressions ─────────────────────────────────────────────────────────────

  private missingValue(what: string): Expr {
    const token = this.peek();
    this.error(token, `missing value: expected ${what}`, 'NN102');
    const at = this.previousEnd;
    return { kind: 'missing', span: { start: at, end: at } };
  }

  private parseExprOrMissing(what: string): Expr {
    if (this.atStatementEnd() || this.is(',') || this.is(')')) return this.missingValue(what);
    return this.parseExpr();
  }

  parseExpr(): Expr {
    if (++this.exprNesting > MAX_NESTING) {
      const token = this.peek();
      this.reporter.report('NN120', token.span, `expression nested deeper than ${MAX_NESTING} levels`);
      this.lastErrorAt = token.span.start;
      this.skipNested();
      this.exprNesting--;
      return { kind: 'missing', span: { start: token.span.start, end: this.previousEnd } };
    }
    if (this.exprNesting === 1) this.operators = 0;
    const expr = this.parseOr();
    this.exprNesting--;
    return expr;
  }

  /** Skip an over-deep expression: balanced ( ) and [ ], stopping before the closer of an enclosing one. */
  private skipNested(): void {
    let depth = 0;
    for (;;) {
      const token = this.peek();
      if (token.kind === 'eof' || (depth === 0 && this.bracketDepth === 0 && (token.kind === 'newline' || this.is(';') || this.is('}')))) return;
      if (this.is('(') || this.is('[')) depth++;
      else if (this.is(')') || this.is(']')) {
        if (depth === 0) return;
        depth--;
      } else if (depth === 0 && this.is(',')) return;
      this.next();
    }
  }

  private binary(left: Expr, op: BinaryOp, right: Expr): Expr {
    // A chain of thousands of operators would make a tree too deep to evaluate recursively.
    if (++this.operators === MAX_OPERATORS) {
      this.reporter.report('NN120', right.span, `expression with more than ${MAX_OPERATORS} operators; the rest of it is ignored`);
      this.lastErrorAt = right.span.start;
    }
    if (this.operators >= MAX_OPERATORS) return left;
    return { kind: 'binary', op, left, right, span: { start: left.span.start, end: right.span.end } };
  }

  private parseOr(): Expr {
    let left = this.parseAnd();
    while (this.is('or')) {
      this.next();
      left = this.binary(left, 'or', this.parseAnd());
    }
    return left;
  }

  private parseAnd(): Expr {
    let left = this.parseNot();
    while (this.is('and')) {
      this.next();
      left = this.binary(left, 'and', this.parseNot());
    }
    return left;
  }

  private parseNot(): Expr {
    if (this.is('not')) {
      const keyword = this.next();
      const operand = this.parseNot();
      return { kind: 'unary', op: 'not', operand, span: { start: keyword.span.start, end: operand.span.end } };
    }
    const left = this.parseAdditive();
    const token = this.peek();
    if (token.kind === 'punct' && COMPARISONS.has(token.text)) {
      this.next();
      return this.binary(left, token.text as BinaryOp, this.parseAdditive());
    }
    return left;
  }

  private parseAdditive(): Expr {
    let left = this.parseMultiplicative();
    while (this.is('+') || this.is('-')) {
      const op = this.next().text as BinaryOp;
      left = this.binary(left, op, this.parseMultiplicative());
    }
    return left;
  }

  private parseMultiplicative(): Expr {
    let left = this.parseUnary();
    while (this.is('*') || this.is('/') || this.is('//') || this.is('%')) {
      const op = this.next().text as BinaryOp;
      left = this.binary(left, op, this.parseUnary());
    }
    return left;
  }

  private parseUnary(): Expr {
    if (this.is('-') || this.is('+')) {
      const token = this.next();
      const operand = this.parseUnary();
      return { kind: 'unary', op: token.text as '-' | '+', operand, span: { start: token.span.start, end: operand.span.end } };
    }
    return this.parsePostfix();
  }

  private parsePostfix(): Expr {
    let expr = this.parsePrimary();
    while (this.is('.') && !this.peek().spaced) {
      this.next();
      const member = this.expectName('a member name after "."');
      expr = { kind: 'member', object: expr, member, span: { start: expr.span.start, end: member.span.end } };
    }
    return expr;
  }

  private parsePrimary(): Expr {
    const token = this.peek();
    switch (token.kind) {
      case 'number':
        this.next();
        return { kind: 'number', value: token.value as number, span: token.span };
      case 'dims':
        this.next();
        return { kind: 'dims', value: token.value as number[], span: token.span };
      case 'string':
        this.next();
        return { kind: 'string', value: token.value as string, span: token.span };
      case 'name':
        return this.parseNamePrimary(token);
      default:
        break;
    }
    if (this.is('(')) return this.parseParenthesised();
    if (this.is('[')) return this.parseList();
    this.error(token, `missing value: expected an expression, found ${this.describe(token)}`, 'NN102');
    const at = this.previousEnd;
    return { kind: 'missing', span: { start: at, end: at } };
  }

  private parseNamePrimary(token: Token): Expr {
    if (token.text === 'true' || token.text === 'false') {
      this.next();
      return { kind: 'bool', value: token.text === 'true', span: token.span };
    }
    if (token.text === 'in') {
      this.next();
      return { kind: 'in', span: token.span };
    }
    if (KEYWORDS.has(token.text)) {
      this.error(token, `missing value: expected an expression, found the keyword '${token.text}'`, 'NN102');
      return { kind: 'missing', span: { start: token.span.start, end: token.span.start } };
    }
    this.next();
    if (this.is('(') && !this.peek().spaced) {
      const args = this.parseCallArgs();
      return { kind: 'call', callee: { text: token.text, span: token.span }, args, span: { start: token.span.start, end: this.previousEnd } };
    }
    return { kind: 'ref', name: token.text, span: token.span };
  }

  private parseParenthesised(): Expr {
    const open = this.next();
    this.bracketDepth++;
    const inner = this.parseExprOrMissing('an expression inside ( )');
    this.expectClose(')', open.span.start);
    // Keep the inner node; widen its span so errors cover the parentheses the user wrote.
    return { ...inner, span: { start: open.span.start, end: this.previousEnd } };
  }

  private parseList(): Expr {
    const open = this.next();
    this.bracketDepth++;
    const items: Expr[] = [];
    if (++this.exprNesting > MAX_NESTING) {
      this.reporter.report('NN120', open.span, `list nested deeper than ${MAX_NESTING} levels`);
      this.lastErrorAt = open.span.start;
      this.skipNested();
      this.accept(']');
      this.bracketDepth--;
      this.exprNesting--;
      return { kind: 'missing', span: { start: open.span.start, end: this.previousEnd } };
    }
    while (!this.is(']') && this.peek().kind !== 'eof' && !this.is('}')) {
      const before = this.pos;
      items.push(this.parseExpr());
      if (this.accept(',') || this.is(']')) continue;
      if (this.lastErrorAt >= open.span.start) break;
      const next = this.peek();
      // A name after an item usually means the list ran into the next statement: it is unclosed.
      if (next.kind === 'name' || this.pos === before) break;
      this.error(next, `expected ',' or ']' in the list, found ${this.describe(next)}`);
      break;
    }
    this.exprNesting--;
    if (!this.leaveBrackets(']') && this.lastErrorAt < open.span.start) {
      this.lastErrorAt = this.peek().span.start;
      const at = this.peek();
      this.reporter.report('NN103', at.kind === 'eof' ? this.eofSpan(at) : at.span, `'[' is never closed: add ']' before ${this.describe(at)}`, {
        related: [{ uri: this.reporter.uri, span: open.span, message: "the '[' opens here" }],
      });
    }
    return { kind: 'list', items, span: { start: open.span.start, end: this.previousEnd } };
  }
}
