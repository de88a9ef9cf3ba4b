// Where the syntax meets the elaborated models, for hover, inlay hints and code lens: which
// statement holds an offset, and which layers, groups and visits each statement became. One
// statement can become many (a block used six times, a repeat), in several models.
import { bodiesOf, eachStatement } from '../language/walk';
import type { Expr, ModelDecl, Stmt, TrainDecl } from '../language/ast';
import type { Group, Item, LayerNode, ModelResult, Visit } from '../language/elaborate';
import type { Analysis, Position, Span } from '../language/index';
import { formatShape, type Shape } from '../language/shapes';

export interface LayerInstance {
  model: ModelResult;
  node: LayerNode;
}

export interface GroupInstance {
  model: ModelResult;
  group: Group;
}

export interface VisitInstance {
  model: ModelResult;
  visit: Visit;
}

export interface Instances {
  layers: Map<string, LayerInstance[]>;
  groups: Map<string, GroupInstance[]>;
  visits: Map<string, VisitInstance[]>;
}

export function spanKey(uri: string, span: Span): string {
  return `${span.start}:${span.end}:${uri}`;
}

const cache = new WeakMap<Analysis, Instances>();

/** Every layer, group and visit of every model, keyed by the statement (uri and span) that made it. Built once per analysis. */
export function instancesOf(analysis: Analysis): Instances {
  let index = cache.get(analysis);
  if (index) return index;
  index = { layers: new Map(), groups: new Map(), visits: new Map() };
  const add = <T>(map: Map<string, T[]>, key: string, value: T): void => {
    const list = map.get(key);
    if (list) list.push(value);
    else map.set(key, [value]);
  };
  for (const model of analysis.models) {
    for (const node of model.layers) add(index.layers, spanKey(node.uri, node.span), { model, node });
    for (const visit of model.visits ?? []) add(index.visits, spanKey(visit.uri, visit.span), { model, visit });
    const walk = (items: Item[]): void => {
      for (const item of items) {
        if (item.kind !== 'group') continue;
        // Iterations share their repeat's body span; the repeat itself stands for them.
        if (item.type !== 'iteration' && item.type !== 'branch' && item.type !== 'shortcut') add(index.groups, spanKey(item.uri, item.span), { model, group: item });
        walk(item.children);
      }
    };
    walk(model.items);
  }
  cache.set(analysis, index);
  return index;
}

// ── the syntax tree ─────────────────────────────────────────────────────────────

/** An offset for an LSP position; a character past the end of its line counts as the line's end, as LSP says. */
export function offsetIn(analysis: Analysis, position: Position): number {
  const { lines } = analysis;
  if (position.line >= lines.lineCount()) return analysis.text.length;
  const lineEnd = position.line + 1 < lines.lineCount() ? lines.offset({ line: position.line + 1, character: 0 }) - 1 : analysis.text.length;
  return Math.max(0, Math.min(lines.offset(position), lineEnd));
}

export function contains(span: Span, offset: number): boolean {
  return span.start <= offset && offset <= span.end;
}

export { bodiesOf, eachStatement };

export type Located =
  | { kind: 'decl'; decl: ModelDecl }
  | { kind: 'stmt'; decl: ModelDecl; stmt: Stmt }
  | { kind: 'train'; decl: TrainDecl }
  | { kind: 'let'; stmt: Extract<Stmt, { kind: 'let' }> };

/** The innermost declaration or statement of the document that holds `offset`. */
export function locate(analysis: Analysis, offset: number): Located | undefined {
  for (const decl of analysis.file.decls) {
    if (!contains(decl.span, offset)) continue;
    if (decl.kind === 'train') return { kind: 'train', decl };
    if (decl.kind === 'let') return { kind: 'let', stmt: decl };
    if (decl.kind === 'import') return undefined;
    let stmts = decl.body.stmts;
    let found: Stmt | undefined;
    for (;;) {
      const stmt = stmts.find((s) => contains(s.span, offset));
      if (!stmt) break;
      found = stmt;
      const body = bodiesOf(stmt).find((b) => contains(b.span, offset) && b.stmts.some((s) => contains(s.span, offset)));
      if (!body) break;
      stmts = body.stmts;
    }
    return found ? { kind: 'stmt', decl, stmt: found } : { kind: 'decl', decl };
  }
  return undefined;
}

/** The expressions a statement evaluates itself (not those of nested statements). */
export function expressionsOf(stmt: Stmt): Expr[] {
  switch (stmt.kind) {
    case 'layer':
      return stmt.args.map((a) => a.value);
    case 'input':
      return [stmt.dims];
    case 'let':
      return [stmt.value];
    case 'repeat':
      return [stmt.count];
    case 'if':
      return [stmt.condition];
    case 'residual':
      return stmt.shortcut?.condition ? [stmt.shortcut.condition] : [];
    case 'parallel':
      return [];
  }
}

/** The innermost expression at `offset` among `exprs`, and its parent chain (innermost first). */
export function expressionAt(exprs: Expr[], offset: number): Expr[] {
  const chain: Expr[] = [];
  let candidates = exprs;
  for (;;) {
    const expr = candidates.find((e) => contains(e.span, offset));
    if (!expr) return chain.reverse();
    chain.push(expr);
    candidates = childExprs(expr);
  }
}

function childExprs(expr: Expr): Expr[] {
  switch (expr.kind) {
    case 'member':
      return [expr.object];
    case 'unary':
      return [expr.operand];
    case 'binary':
      return [expr.left, expr.right];
    case 'call':
      return expr.args.map((a) => a.value);
    case 'list':
      return expr.items;
    default:
      return [];
  }
}

// ── numbers over instances ──────────────────────────────────────────────────────

export interface Totals {
  layers: number;
  params: number;
  nonTrainable: number;
  macs: number;
  activationBytes: number;
  input: Shape | null;
  output: Shape | null;
}

/** What a group (a block use, a residual, a repeat) expands to. */
export function groupTotals(group: Group): Totals {
  const t: Totals = { layers: 0, params: 0, nonTrainable: 0, macs: 0, activationBytes: 0, input: null, output: group.output };
  let first = true;
  const walk = (items: Item[]): void => {
    for (const item of items) {
      if (item.kind === 'group') {
        walk(item.children);
        continue;
      }
      const n = item.node;
      if (first) {
        t.input = n.input;
        first = false;
      }
      t.layers++;
      t.params += n.params;
      t.nonTrainable += n.nonTrainable;
      t.macs += n.macs;
      t.activationBytes += n.activationBytes;
    }
  };
  walk(group.children);
  return t;
}

/** Instances grouped by what tells them apart, first-seen order, with how often each occurs. */
export function distinct<T>(items: T[], key: (item: T) => string): Array<{ item: T; count: number; all: T[] }> {
  const seen = new Map<string, { item: T; count: number; all: T[] }>();
  for (const item of items) {
    const k = key(item);
    const entry = seen.get(k);
    if (entry) {
      entry.count++;
      entry.all.push(item);
    } else seen.set(k, { item, count: 1, all: [item] });
  }
  return [...seen.values()];
}

export function shapeText(shape: Shape | null): string {
  return shape ? formatShape(shape) : '?';
}

/** 1.81 G, 714 M, 11.5 G: three significant figures, as papers and torchvision quote MACs. */
export function scaled3(n: number): string {
  const units: Array<[number, string]> = [[1e3, 'K'], [1e6, 'M'], [1e9, 'G'], [1e12, 'T']];
  for (let i = units.length - 1; i >= 0; i--) {
    const [scale, unit] = units[i]!;
    if (Math.abs(n) < scale) continue;
    const x = Number((n / scale).toPrecision(3));
    // 999.6 M rounds to 1000 M: say 1 G instead.
    if (Math.abs(x) >= 1000 && i < units.length - 1) return `${Number((n / units[i + 1]![0]).toPrecision(3))} ${units[i + 1]![1]}`;
    return `${x} ${unit}`;
  }
  return String(n);
}
