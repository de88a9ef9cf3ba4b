// Semantic tokens for layers, blocks, models, parameters, constants, labels, keywords and
// training settings. Names are classified by walking the tree with scopes (a `ch` in a block
// body is its parameter, `same` after padding= is a word); everything else comes from the tokens.
import type { SemanticTokens, SemanticTokensLegend } from 'vscode-languageserver';
import type { Arg, Body, Expr, ModelDecl, Stmt, TrainDecl } from '../language/ast';
import { Reporter } from '../language/diagnostics';
import { LAYERS, SETTINGS, type Analysis } from '../language/index';
import { WORDS } from '../language/layers';
import { KEYWORDS, scan } from '../language/scanner';
import { findBlock, findModel, type FileScope } from '../language/scope';
import { DATA_SOURCES } from '../language/train';
import { FUNCTION_NAMES } from '../language/values';

const TYPES = ['keyword', 'function', 'class', 'parameter', 'variable', 'property', 'enumMember', 'label', 'number', 'string', 'operator', 'comment'] as const;
const MODIFIERS = ['declaration', 'readonly', 'defaultLibrary'] as const;
type TokenType = (typeof TYPES)[number];
type Modifier = (typeof MODIFIERS)[number];

/**
 * - `function`: built-in layers (defaultLibrary), blocks (declaration at `block Name`), functions
 *   such as max (defaultLibrary) and data sources such as idx(…)
 * - `class`: models; `parameter`: model and block parameters, and argument names (`kernel=`)
 * - `variable` (readonly): `let` constants and repeat indices; `property`: training keys
 *   (defaultLibrary) and `in.` members; `enumMember`: words (same, relu, sgd, concat)
 * - `label`: layer and branch labels; the rest: keyword, number (dimension literals too), string,
 *   operator, comment
 */
export const SEMANTIC_TOKENS_LEGEND: SemanticTokensLegend = { tokenTypes: [...TYPES], tokenModifiers: [...MODIFIERS] };

interface Kind {
  type: TokenType;
  modifiers: Modifier[];
}

const OPERATORS = new Set(['+', '-', '*', '/', '//', '%', '<', '>', '<=', '>=', '==', '!=', '=']);

export function provideSemanticTokens(analysis: Analysis): SemanticTokens {
  const names = classifyNames(analysis);
  const data: number[] = [];
  let line = 0;
  let character = 0;
  const push = (start: number, length: number, kind: Kind): void => {
    if (length <= 0) return;
    const position = analysis.lines.position(start);
    const deltaLine = position.line - line;
    const deltaStart = deltaLine === 0 ? position.character - character : position.character;
    data.push(deltaLine, deltaStart, length, TYPES.indexOf(kind.type), kind.modifiers.reduce((bits, m) => bits | (1 << MODIFIERS.indexOf(m)), 0));
    line = position.line;
    character = position.character;
  };
  for (const token of scan(analysis.text, new Reporter(analysis.uri), { comments: true })) {
    const { start } = token.span;
    const length = token.text.trimEnd().length;
    switch (token.kind) {
      case 'comment':
        push(start, length, { type: 'comment', modifiers: [] });
        break;
      case 'number':
      case 'dims':
        push(start, length, { type: 'number', modifiers: [] });
        break;
      case 'string':
        push(start, length, { type: 'string', modifiers: [] });
        break;
      case 'punct':
        if (OPERATORS.has(token.text)) push(start, length, { type: 'operator', modifiers: [] });
        break;
      case 'name': {
        const kind = names.get(start) ?? (KEYWORDS.has(token.text) ? { type: 'keyword', modifiers: [] } : undefined);
        if (kind) push(start, length, kind);
        break;
      }
      default:
        break;
    }
  }
  return { data };
}

/** What each name token means, by its start offset. */
function classifyNames(analysis: Analysis): Map<number, Kind> {
  const out = new Map<number, Kind>();
  const file = analysis.files.get(analysis.uri)?.scope;
  if (!file) return out;
  const set = (start: number, type: TokenType, ...modifiers: Modifier[]): void => void out.set(start, { type, modifiers });

  const expr = (e: Expr, scope: Scopes, words: boolean): void => {
    switch (e.kind) {
      case 'ref': {
        const local = scope.lookup(e.name);
        if (local === 'parameter') set(e.span.start, 'parameter');
        else if (local === 'variable') set(e.span.start, 'variable', 'readonly');
        else if (isConstant(file, e.name)) set(e.span.start, 'variable', 'readonly');
        else if (words || WORDS.has(e.name)) set(e.span.start, 'enumMember', 'defaultLibrary');
        return;
      }
      case 'member':
        expr(e.object, scope, words);
        if (!e.member.missing) set(e.member.span.start, 'property', 'readonly', 'defaultLibrary');
        return;
      case 'unary':
        expr(e.operand, scope, words);
        return;
      case 'binary':
        expr(e.left, scope, words);
        expr(e.right, scope, words);
        return;
      case 'call':
        if (FUNCTION_NAMES.includes(e.callee.text) || (DATA_SOURCES as readonly string[]).includes(e.callee.text)) set(e.callee.span.start, 'function', 'defaultLibrary');
        args(e.args, scope, words);
        return;
      case 'list':
        e.items.forEach((item) => expr(item, scope, words));
        return;
      default:
        return;
    }
  };
  const args = (list: Arg[], scope: Scopes, words: boolean): void => {
    for (const arg of list) {
      if (arg.name) set(arg.name.span.start, 'parameter');
      expr(arg.value, scope, words);
    }
  };
  const label = (name: { text: string; span: { start: number } } | undefined): void => {
    if (name) set(name.span.start, 'label', 'declaration');
  };

  const body = (b: Body, scope: Scopes): void => {
    const inner = scope.child();
    for (const stmt of b.stmts) statement(stmt, inner);
  };
  const statement = (s: Stmt, scope: Scopes): void => {
    switch (s.kind) {
      case 'input':
        expr(s.dims, scope, false);
        return;
      case 'let':
        expr(s.value, scope, false);
        if (!s.name.missing) set(s.name.span.start, 'variable', 'declaration', 'readonly');
        scope.bind(s.name.text, 'variable');
        return;
      case 'layer': {
        label(s.label);
        const op = s.op.text;
        if (LAYERS[op]) set(s.op.span.start, 'function', 'defaultLibrary');
        else if (findBlock(file, op)) set(s.op.span.start, 'function');
        else if (findModel(file, op)) set(s.op.span.start, 'class');
        args(s.args, scope, false);
        return;
      }
      case 'parallel':
        label(s.label);
        if (s.merge) set(s.merge.span.start, 'enumMember', 'defaultLibrary');
        for (const branch of s.branches) {
          label(branch.label);
          body(branch.body, scope);
        }
        return;
      case 'residual':
        label(s.label);
        body(s.body, scope);
        if (s.shortcut?.condition) expr(s.shortcut.condition, scope, false);
        if (s.shortcut) body(s.shortcut.body, scope);
        return;
      case 'repeat': {
        label(s.label);
        expr(s.count, scope, false);
        const inner = scope.child();
        if (s.index && !s.index.missing) {
          set(s.index.span.start, 'variable', 'declaration', 'readonly');
          inner.bind(s.index.text, 'variable');
        }
        body(s.body, inner);
        return;
      }
      case 'if':
        expr(s.condition, scope, false);
        body(s.then, scope);
        if (s.otherwise) body(s.otherwise, scope);
        return;
    }
  };
  const declaration = (d: ModelDecl): void => {
    if (!d.name.missing) set(d.name.span.start, d.kind === 'model' ? 'class' : 'function', 'declaration');
    const scope = new Scopes();
    for (const param of d.params) {
      if (param.default) expr(param.default, scope, false);
      if (!param.name.missing) set(param.name.span.start, 'parameter', 'declaration', 'readonly');
      scope.bind(param.name.text, 'parameter');
    }
    body(d.body, scope);
  };
  const train = (d: TrainDecl): void => {
    if (!d.model.missing) set(d.model.span.start, 'class');
    args(d.args, new Scopes(), false);
    for (const setting of d.settings) {
      set(setting.key.span.start, 'property', ...(SETTINGS[setting.key.text] ? (['defaultLibrary'] as Modifier[]) : []));
      // Words in a train body need no quotes: an unbound name there is a word (sgd, mnist, val_loss).
      args(setting.args, new Scopes(), true);
    }
  };
  for (const decl of analysis.file.decls) {
    switch (decl.kind) {
      case 'model':
      case 'block':
        declaration(decl);
        break;
      case 'train':
        train(decl);
        break;
      case 'let':
        expr(decl.value, new Scopes(), false);
        if (!decl.name.missing) set(decl.name.span.start, 'variable', 'declaration', 'readonly');
        break;
      case 'import':
        break;
    }
  }
  return out;
}

function isConstant(file: FileScope, name: string): boolean {
  return file.lets.has(name) || file.imports.some((f) => f.lets.has(name));
}

/** Lexical scopes: what a local name is. */
class Scopes {
  private readonly names = new Map<string, 'parameter' | 'variable'>();

  constructor(private readonly parent?: Scopes) {}

  child(): Scopes {
    return new Scopes(this);
  }

  bind(name: string, kind: 'parameter' | 'variable'): void {
    this.names.set(name, kind);
  }

  lookup(name: string): 'parameter' | 'variable' | undefined {
    for (let s: Scopes | undefined = this; s; s = s.parent) {
      const kind = s.names.get(name);
      if (kind) return kind;
    }
    return undefined;
  }
}
