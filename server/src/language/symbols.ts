// The symbol index: every definition and every use of a name in an analysis (the document and the
// files it imports), each use resolved by the language's scoping rules. Navigation and rename read
// it; it knows nothing about LSP. Resolution mirrors elaborate.ts and scope.ts without evaluating.
import type { Analysis } from './analyze';
import { resolvePath } from './analyze';
import type { Arg, Body, Expr, ModelDecl, Name, Param, Stmt, TrainDecl } from './ast';
import { LAYERS } from './layers';
import { KEYWORDS } from './scanner';
import type { FileScope } from './scope';
import type { Span } from './text';

export type DefKind = 'model' | 'block' | 'let' | 'param' | 'index' | 'label';

/** The lexical scope of a body: its parameters or repeat index and its lets, in source order. */
export interface Level {
  parent: Level | undefined;
  defs: SymbolDef[];
  byName: Map<string, SymbolDef[]>;
}

function newLevel(parent: Level | undefined): Level {
  return { parent, defs: [], byName: new Map() };
}

function bind(level: Level, def: SymbolDef): void {
  def.level = level;
  level.defs.push(def);
  const list = level.byName.get(def.name);
  if (list) list.push(def);
  else level.byName.set(def.name, [def]);
}

export interface SymbolDef {
  kind: DefKind;
  name: string;
  uri: string;
  /** The name in the declaration. */
  span: Span;
  /** The whole declaration (the model, the let statement, the parameter, the labelled statement). */
  declSpan: Span;
  /** The same definition has the same key in every analysis that reads its file. */
  key: string;
  /** A model, block or constant of the file's top level. */
  topLevel: boolean;
  /** The model or block a parameter, body let, repeat index or label belongs to. */
  container?: string;
  /** Body-level definitions: the scope they are declared in, visible from this offset on. */
  level?: Level;
  visibleFrom: number;
  /** Labels: the labels that must stay distinct from this one (same body, or the same parallel's branches). */
  siblings?: SymbolDef[];
}

/**
 * What a use names: a value (an expression), a block (a layer statement's op), a model (`train M`)
 * or a parameter (a named argument of a block use or a train block).
 */
export type RefRole = 'value' | 'block' | 'model' | 'argument';

export interface SymbolRef {
  role: RefRole;
  name: string;
  uri: string;
  span: Span;
  /** Undefined for a built-in layer, a word (`same`, `relu`) or an unknown name. */
  def: SymbolDef | undefined;
  /** Where the use sits, so it can be resolved again under a different name. */
  scope: FileScope;
  level: Level | undefined;
  at: number;
}

export interface ImportLink {
  uri: string;
  span: Span;
  path: string;
  target: string;
}

export interface SymbolIndex {
  analysis: Analysis;
  defs: SymbolDef[];
  refs: SymbolRef[];
  imports: ImportLink[];
  /** Each file's top-level definitions that are in scope (the first of duplicates), per kind. */
  tops: Map<FileScope, Record<'let' | 'block' | 'model', Map<string, SymbolDef>>>;
}

export type SymbolAt =
  | { kind: 'def'; def: SymbolDef; span: Span }
  | { kind: 'ref'; ref: SymbolRef; def: SymbolDef | undefined; span: Span }
  | { kind: 'import'; link: ImportLink; span: Span };

export interface Occurrence {
  uri: string;
  span: Span;
  declaration: boolean;
  /** The index that holds the occurrence, for its file's line index. */
  index: SymbolIndex;
}

const cache = new WeakMap<Analysis, SymbolIndex>();

/** The index of an analysis, built once: analyses are immutable per document version. */
export function symbolIndex(analysis: Analysis): SymbolIndex {
  let index = cache.get(analysis);
  if (!index) cache.set(analysis, (index = buildIndex(analysis)));
  return index;
}

function buildIndex(analysis: Analysis): SymbolIndex {
  const index: SymbolIndex = { analysis, defs: [], refs: [], imports: [], tops: new Map() };
  const paramDefs = new Map<Param, SymbolDef>();
  const declOf = new Map<SymbolDef, ModelDecl>();

  // Pass 1: the top level of every file, so uses anywhere can resolve into any file.
  for (const { file, scope } of analysis.files.values()) {
    const tops = { let: new Map<string, SymbolDef>(), block: new Map<string, SymbolDef>(), model: new Map<string, SymbolDef>() };
    index.tops.set(scope, tops);
    for (const decl of file.decls) {
      if (decl.kind === 'import') {
        if (decl.path) index.imports.push({ uri: file.uri, span: decl.pathSpan, path: decl.path, target: resolvePath(file.uri, decl.path) });
        continue;
      }
      if (decl.kind === 'train' || decl.name.missing) continue;
      const kind = decl.kind;
      const table = kind === 'let' ? scope.lets : kind === 'block' ? scope.blocks : scope.models;
      const inScope = table.get(decl.name.text) === decl;
      const def: SymbolDef = {
        kind,
        name: decl.name.text,
        uri: file.uri,
        span: decl.name.span,
        declSpan: decl.span,
        key: inScope ? `${file.uri}\0${kind}\0${decl.name.text}` : `${file.uri}\0${kind}@${decl.name.span.start}`,
        topLevel: true,
        visibleFrom: 0,
      };
      index.defs.push(def);
      if (inScope) tops[kind].set(def.name, def);
      if (decl.kind === 'let') continue;
      declOf.set(def, decl);
      const seen = new Set<string>();
      for (const param of decl.params) {
        if (param.name.missing) continue;
        const first = !seen.has(param.name.text);
        seen.add(param.name.text);
        const pdef: SymbolDef = {
          kind: 'param',
          name: param.name.text,
          uri: file.uri,
          span: param.name.span,
          declSpan: param.span,
          key: inScope && first ? `${file.uri}\0param\0${kind}\0${decl.name.text}\0${param.name.text}` : `${file.uri}\0param@${param.name.span.start}`,
          topLevel: false,
          container: decl.name.text,
          visibleFrom: param.span.end,
        };
        index.defs.push(pdef);
        paramDefs.set(param, pdef);
      }
    }
  }

  // Pass 2: bodies, expressions and uses, file by file.
  for (const { file, scope } of analysis.files.values()) {
    const uri = file.uri;
    const addRef = (role: RefRole, name: Name | { text: string; span: Span }, level: Level | undefined, def: SymbolDef | undefined): void => {
      index.refs.push({ role, name: name.text, uri, span: name.span, def, scope, level, at: name.span.start });
    };
    const valueRef = (name: string, span: Span, level: Level | undefined): void => {
      addRef('value', { text: name, span }, level, resolveValue(index, scope, level, span.start, name, undefined));
    };
    // An explicit stack: a long operator chain (`a + b + …`) is a deep left-leaning tree.
    const walkExpr = (root: Expr, level: Level | undefined): void => {
      const stack: Expr[] = [root];
      for (let expr = stack.pop(); expr; expr = stack.pop()) {
        switch (expr.kind) {
          case 'ref':
            valueRef(expr.name, expr.span, level);
            break;
          case 'member':
            stack.push(expr.object);
            break;
          case 'unary':
            stack.push(expr.operand);
            break;
          case 'binary':
            stack.push(expr.right, expr.left);
            break;
          case 'call':
            for (const arg of expr.args) stack.push(arg.value);
            break;
          case 'list':
            for (const item of expr.items) stack.push(item);
            break;
          default:
            break;
        }
      }
    };
    /** Named arguments name the parameters of the block or model they are passed to. */
    const walkArgs = (args: Arg[], level: Level | undefined, target: ModelDecl | undefined): void => {
      for (const arg of args) {
        if (arg.name && !arg.name.missing && target) {
          const param = target.params.find((p) => p.name.text === arg.name!.text);
          addRef('argument', arg.name, level, param && paramDefs.get(param));
        }
        walkExpr(arg.value, level);
      }
    };
    const localDef = (kind: 'let' | 'index' | 'label', name: Name, declSpan: Span, container: string, visibleFrom: number): SymbolDef => {
      const def: SymbolDef = { kind, name: name.text, uri, span: name.span, declSpan, key: `${uri}\0${kind}@${name.span.start}`, topLevel: false, container, visibleFrom };
      index.defs.push(def);
      return def;
    };
    const walkBody = (body: Body, level: Level, container: string): void => {
      const labels: SymbolDef[] = [];
      for (const stmt of body.stmts) walkStmt(stmt, level, container, labels);
    };
    const label = (name: Name | undefined, declSpan: Span, container: string, siblings: SymbolDef[]): void => {
      if (!name || name.missing) return;
      const def = localDef('label', name, declSpan, container, 0);
      def.siblings = siblings;
      siblings.push(def);
    };
    const walkStmt = (stmt: Stmt, level: Level, container: string, labels: SymbolDef[]): void => {
      switch (stmt.kind) {
        case 'let':
          walkExpr(stmt.value, level);
          if (!stmt.name.missing) bind(level, localDef('let', stmt.name, stmt.span, container, stmt.span.end));
          return;
        case 'input':
          return walkExpr(stmt.dims, level);
        case 'layer': {
          label(stmt.label, stmt.span, container, labels);
          let target: ModelDecl | undefined;
          if (!stmt.op.missing && !LAYERS[stmt.op.text]) {
            const def = resolveBlock(index, scope, stmt.op.text, undefined);
            addRef('block', stmt.op, level, def);
            const decl = def && declOf.get(def);
            if (decl?.kind === 'block') target = decl;
          }
          return walkArgs(stmt.args, level, target);
        }
        case 'parallel': {
          label(stmt.label, stmt.span, container, labels);
          const branchLabels: SymbolDef[] = [];
          for (const branch of stmt.branches) {
            label(branch.label, branch.span, container, branchLabels);
            walkBody(branch.body, newLevel(level), container);
          }
          return;
        }
        case 'residual':
          label(stmt.label, stmt.span, container, labels);
          walkBody(stmt.body, newLevel(level), container);
          if (stmt.shortcut) {
            if (stmt.shortcut.condition) walkExpr(stmt.shortcut.condition, level);
            walkBody(stmt.shortcut.body, newLevel(level), container);
          }
          return;
        case 'repeat': {
          label(stmt.label, stmt.span, container, labels);
          walkExpr(stmt.count, level);
          const inner = newLevel(level);
          if (stmt.index && !stmt.index.missing) bind(inner, localDef('index', stmt.index, stmt.index.span, container, stmt.body.span.start));
          return walkBody(stmt.body, inner, container);
        }
        case 'if':
          walkExpr(stmt.condition, level);
          walkBody(stmt.then, newLevel(level), container);
          if (stmt.otherwise) walkBody(stmt.otherwise, newLevel(level), container);
          return;
      }
    };
    const walkTrain = (decl: TrainDecl): void => {
      let target: ModelDecl | undefined;
      if (!decl.model.missing) {
        const def = resolveModel(index, scope, decl.model.text, undefined);
        addRef('model', decl.model, undefined, def);
        target = def && declOf.get(def);
      }
      walkArgs(decl.args, undefined, target);
      // Setting options (lr=…) are names from the settings table, not symbols; their values are.
      for (const setting of decl.settings) for (const arg of setting.args) walkExpr(arg.value, undefined);
    };

    for (const decl of file.decls) {
      if (decl.kind === 'import') continue;
      if (decl.kind === 'train') walkTrain(decl);
      else if (decl.kind === 'let') walkExpr(decl.value, undefined);
      else {
        const level = newLevel(undefined);
        const container = decl.name.text;
        for (const param of decl.params) {
          if (param.default) walkExpr(param.default, level);
          const def = paramDefs.get(param);
          if (def) bind(level, def);
        }
        walkBody(decl.body, level, container);
      }
    }
  }
  return index;
}

// ── resolution ──────────────────────────────────────────────────────────────────

/** A renaming under consideration: the definition with this key, now called `oldName`, is called `name`. */
interface Renaming {
  key: string;
  name: string;
  oldName: string;
}

/** The definitions a scope holds under `name` in source order, with the renaming applied. */
function named(table: Map<string, SymbolDef[]>, name: string, renaming: Renaming | undefined): SymbolDef[] {
  const direct = table.get(name) ?? [];
  if (!renaming) return direct;
  const kept = direct.filter((d) => d.key !== renaming.key);
  const moved = name === renaming.name ? (table.get(renaming.oldName) ?? []).filter((d) => d.key === renaming.key) : [];
  return moved.length ? [...kept, ...moved].sort((a, b) => a.visibleFrom - b.visibleFrom) : kept;
}

/** A file's top-level definition of one kind under `name`, with the renaming applied. */
function topNamed(table: Map<string, SymbolDef> | undefined, name: string, renaming: Renaming | undefined): SymbolDef | undefined {
  const direct = table?.get(name);
  if (!renaming) return direct;
  if (direct && direct.key !== renaming.key) return direct;
  const moved = name === renaming.name ? table?.get(renaming.oldName) : undefined;
  return moved?.key === renaming.key ? moved : undefined;
}

/** The file's own top level first, then each import's, in import order (imports are not re-exported). */
function resolveTop(index: SymbolIndex, scope: FileScope, kind: 'let' | 'block' | 'model', name: string, renaming: Renaming | undefined): SymbolDef | undefined {
  for (const file of [scope, ...scope.imports]) {
    const found = topNamed(index.tops.get(file)?.[kind], name, renaming);
    if (found) return found;
  }
  return undefined;
}

function resolveValue(index: SymbolIndex, scope: FileScope, level: Level | undefined, at: number, name: string, renaming: Renaming | undefined): SymbolDef | undefined {
  for (let l = level; l; l = l.parent) {
    let found: SymbolDef | undefined;
    // A redefinition in the same scope replaces the earlier binding from where it stands.
    for (const def of named(l.byName, name, renaming)) if (def.visibleFrom <= at) found = def;
    if (found) return found;
  }
  return resolveTop(index, scope, 'let', name, renaming);
}

/** As elaborate.ts: built-in layers win, then blocks; a model used as a layer (an error) still points at it. */
function resolveBlock(index: SymbolIndex, scope: FileScope, name: string, renaming: Renaming | undefined): SymbolDef | undefined {
  if (LAYERS[name]) return undefined;
  return resolveTop(index, scope, 'block', name, renaming) ?? topNamed(index.tops.get(scope)?.model, name, renaming);
}

function resolveModel(index: SymbolIndex, scope: FileScope, name: string, renaming: Renaming | undefined): SymbolDef | undefined {
  return resolveTop(index, scope, 'model', name, renaming);
}

/** What a use would name if the renaming were applied. */
function resolveRenamed(index: SymbolIndex, ref: SymbolRef, renaming: Renaming): SymbolDef | undefined {
  const name = ref.def && ref.def.key === renaming.key ? renaming.name : ref.name;
  switch (ref.role) {
    case 'value':
      return resolveValue(index, ref.scope, ref.level, ref.at, name, renaming);
    case 'block':
      return resolveBlock(index, ref.scope, name, renaming);
    case 'model':
      return resolveModel(index, ref.scope, name, renaming);
    case 'argument':
      return ref.def;
  }
}

// ── queries ─────────────────────────────────────────────────────────────────────

/** The definition, use or import path at `offset` in file `uri`; a cursor just after a name counts. */
export function symbolAt(index: SymbolIndex, uri: string, offset: number): SymbolAt | undefined {
  let best: SymbolAt | undefined;
  const consider = (candidate: SymbolAt): void => {
    const { start, end } = candidate.span;
    if (offset < start || offset > end) return;
    // Inside a name beats touching its end (`a+b` with the cursor before `+`).
    if (!best || (offset < end && offset >= best.span.end)) best = candidate;
  };
  for (const def of index.defs) if (def.uri === uri) consider({ kind: 'def', def, span: def.span });
  for (const ref of index.refs) if (ref.uri === uri) consider({ kind: 'ref', ref, def: ref.def, span: ref.span });
  for (const link of index.imports) if (link.uri === uri) consider({ kind: 'import', link, span: link.span });
  return best;
}

/**
 * One view per file: each document as its own analysis read it, then the imports as the first
 * analysis that read them. The server reads imports from open documents, so views agree.
 */
function views(indices: SymbolIndex[]): Map<string, SymbolIndex> {
  const chosen = new Map<string, SymbolIndex>();
  for (const index of indices) if (!chosen.has(index.analysis.uri)) chosen.set(index.analysis.uri, index);
  for (const index of indices) for (const uri of index.analysis.files.keys()) if (!chosen.has(uri)) chosen.set(uri, index);
  return chosen;
}

/** Every declaration and use of `def` across the given indices (the one `def` came from first). */
export function findOccurrences(def: SymbolDef, indices: SymbolIndex[]): Occurrence[] {
  const out: Occurrence[] = [];
  for (const [uri, index] of views(indices)) {
    for (const d of index.defs) if (d.uri === uri && d.key === def.key) out.push({ uri, span: d.span, declaration: true, index });
    for (const r of index.refs) if (r.uri === uri && r.def?.key === def.key) out.push({ uri, span: r.span, declaration: false, index });
  }
  return out.sort((a, b) => (a.uri === b.uri ? a.span.start - b.span.start : a.uri < b.uri ? -1 : 1));
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Why `def` cannot be renamed to `name`, in words a person reads; undefined when it can. */
export function renameProblem(def: SymbolDef, name: string, indices: SymbolIndex[]): string | undefined {
  if (!IDENTIFIER.test(name)) return `'${name}' is not a name: names start with a letter or _ and go on with letters, digits and _`;
  if (KEYWORDS.has(name)) return `'${name}' is a keyword of the language and cannot be a name`;
  if (def.kind === 'block' && LAYERS[name]) return `'${name}' is a built-in layer; a block named so could never be used, because the layer wins`;
  if (name === def.name) return undefined;
  const seen = views(indices);
  const where = (d: { uri: string; span: Span }): string => {
    const file = seen.get(d.uri)?.analysis.files.get(d.uri);
    const line = file ? file.lines.position(d.span.start).line + 1 : 0;
    return d.uri === def.uri ? `line ${line}` : `${d.uri.slice(d.uri.lastIndexOf('/') + 1)}:${line}`;
  };
  const home = indices[0]!;
  const describe = (d: SymbolDef): string => `${d.kind === 'let' && d.topLevel ? 'constant' : d.kind === 'index' ? 'repeat index' : d.kind === 'param' ? 'parameter' : d.kind} at ${where(d)}`;

  // Names in the same scope must stay distinct.
  let clash: SymbolDef | undefined;
  if (def.topLevel) clash = home.defs.find((d) => d.topLevel && d.uri === def.uri && d.name === name);
  else if (def.kind === 'label') clash = def.siblings?.find((d) => d !== def && d.name === name);
  else clash = def.level?.defs.find((d) => d !== def && d.name === name);
  if (clash) return `'${name}' is already the ${describe(clash)} in the same scope`;

  // No use may change what it names: the renamed one's uses must still reach it, and other uses
  // of the new name must not be captured by it.
  const renaming: Renaming = { key: def.key, name, oldName: def.name };
  for (const [uri, index] of seen) {
    for (const ref of index.refs) {
      if (ref.uri !== uri || ref.role === 'argument') continue;
      const mine = ref.def?.key === def.key;
      if (!mine && ref.name !== name) continue;
      const after = resolveRenamed(index, ref, renaming);
      if (mine && after?.key !== def.key) {
        return `renaming to '${name}' would make the use at ${where(ref)} name the ${after ? describe(after) : 'built-in'} instead`;
      }
      if (!mine && after?.key !== ref.def?.key) {
        const meant = ref.def ? `the ${describe(ref.def)}` : `the word '${name}'`;
        return `renaming to '${name}' would change the use of '${name}' at ${where(ref)}: it names ${meant} now`;
      }
    }
  }
  return undefined;
}

/** A plain identifier that is not a keyword: what a new name must be. */
export function isName(text: string): boolean {
  return IDENTIFIER.test(text) && !KEYWORDS.has(text);
}
