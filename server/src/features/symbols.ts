// The outline (models, then blocks, train blocks and constants, each with its layers and groups)
// and workspace symbols. A model's layers show their op and output shape from the analysis; a
// block's layers show their op and arguments, since a block has no shape of its own.
import { SymbolKind, type DocumentSymbol, type WorkspaceSymbol } from 'vscode-languageserver';
import { formatShape, LAYERS, type Analysis, type Item, type LineIndex, type Shape, type Span } from '../language/index';
import type { Arg, Body, Decl, ModelDecl, Stmt, TrainDecl } from '../language/ast';

const MAX_DETAIL = 60;

/** Output shapes of what a model expanded, by statement: layers by span, groups by type and span. */
interface Shapes {
  layers: Map<number, Array<Shape | null>>;
  groups: Map<string, Array<Shape | null>>;
}

export function provideDocumentSymbols(analysis: Analysis): DocumentSymbol[] {
  const outline = new Outline(analysis.text, analysis.lines);
  const decls = analysis.file.decls;
  const shapesOf = new Map<ModelDecl, Shapes>();
  for (const model of analysis.models) shapesOf.set(model.decl, collectShapes(model.items, analysis.uri));
  const of = <K extends Decl['kind']>(kind: K) => decls.filter((d): d is Extract<Decl, { kind: K }> => d.kind === kind);
  return [
    ...of('model').map((d) => outline.declaration(d, shapesOf.get(d))),
    ...of('block').map((d) => outline.declaration(d, undefined)),
    ...of('train').map((d) => outline.train(d)),
    ...of('let').map((d) => outline.symbol(name(d.name.text, 'let'), `= ${outline.text(d.value.span)}`, SymbolKind.Constant, d.span, d.name.span)),
  ];
}

function collectShapes(items: Item[], uri: string): Shapes {
  const shapes: Shapes = { layers: new Map(), groups: new Map() };
  const push = <K>(map: Map<K, Array<Shape | null>>, key: K, shape: Shape | null): void => {
    const list = map.get(key);
    if (list) list.push(shape);
    else map.set(key, [shape]);
  };
  const walk = (list: Item[]): void => {
    for (const item of list) {
      if (item.kind === 'layer') {
        if (item.node.uri === uri) push(shapes.layers, item.node.span.start, item.node.output);
        continue;
      }
      if (item.uri === uri) push(shapes.groups, `${item.type}@${item.span.start}`, item.output);
      walk(item.children);
    }
  };
  walk(items);
  return shapes;
}

/** "64×56×56", or the first and last when a repeat gives the statement several. */
function shapeText(list: Array<Shape | null> | undefined): string {
  if (!list?.length) return '';
  const texts = [...new Set(list.map((s) => (s ? formatShape(s) : '?')))];
  return texts.length === 1 ? texts[0]! : `${texts[0]} … ${texts[texts.length - 1]}`;
}

/** DocumentSymbol names must not be empty; a name the parser could not read shows as what it is. */
function name(text: string, fallback: string): string {
  return text.trim() ? text : fallback;
}

class Outline {
  constructor(
    private readonly source: string,
    private readonly lines: LineIndex,
  ) {}

  text(span: Span): string {
    // Only the start can show, so a huge expression is not copied whole.
    const text = this.source.slice(span.start, Math.min(span.end, span.start + 8 * MAX_DETAIL)).replace(/\s+/g, ' ').trim();
    return text.length > MAX_DETAIL || span.end - span.start > 8 * MAX_DETAIL ? `${text.slice(0, MAX_DETAIL - 1)}…` : text;
  }

  symbol(symbolName: string, detail: string, kind: SymbolKind, range: Span, selection: Span, children?: DocumentSymbol[]): DocumentSymbol {
    // The selection must lie inside the range, even in a file the parser recovered from.
    const start = Math.max(range.start, Math.min(selection.start, range.end));
    const end = Math.max(start, Math.min(selection.end, range.end));
    const symbol: DocumentSymbol = { name: symbolName, detail, kind, range: this.lines.range(range), selectionRange: this.lines.range({ start, end }) };
    if (children?.length) symbol.children = children;
    return symbol;
  }

  declaration(decl: ModelDecl, shapes: Shapes | undefined): DocumentSymbol {
    const params = decl.params.map((p) => this.text(p.span)).join(', ');
    const detail = `${decl.kind}${params ? `(${params})` : ''}`;
    const kind = decl.kind === 'model' ? SymbolKind.Class : SymbolKind.Function;
    const selection = decl.name.missing ? decl.keyword : decl.name.span;
    return this.symbol(name(decl.name.text, decl.kind), detail, kind, decl.span, selection, this.body(decl.body, shapes));
  }

  train(decl: TrainDecl): DocumentSymbol {
    const args = decl.args.length ? `(${decl.args.map((a) => this.text(a.span)).join(', ')})` : '';
    const settings = decl.settings.map((s) => this.symbol(name(s.key.text, 'setting'), this.args(s.args), SymbolKind.Property, s.span, s.key.span));
    const selection = decl.model.missing ? decl.keyword : decl.model.span;
    return this.symbol(`train ${name(decl.model.text, '?')}`, args, SymbolKind.Event, decl.span, selection, settings);
  }

  private args(args: Arg[]): string {
    return args.length ? this.text({ start: args[0]!.span.start, end: args[args.length - 1]!.span.end }) : '';
  }

  private body(body: Body, shapes: Shapes | undefined): DocumentSymbol[] {
    return body.stmts.flatMap((stmt) => this.statement(stmt, shapes));
  }

  private shaped(detail: string, shape: string): string {
    return shape ? `${detail}${detail ? ' ' : ''}→ ${shape}` : detail;
  }

  private statement(stmt: Stmt, shapes: Shapes | undefined): DocumentSymbol[] {
    const group = (type: string): string => shapeText(shapes?.groups.get(`${type}@${stmt.span.start}`));
    switch (stmt.kind) {
      case 'input':
        return [this.symbol('input', this.text(stmt.dims.span), SymbolKind.Property, stmt.span, stmt.keyword)];
      case 'let':
        return [this.symbol(name(stmt.name.text, 'let'), `= ${this.text(stmt.value.span)}`, SymbolKind.Variable, stmt.span, stmt.name.span)];
      case 'layer': {
        const args = this.args(stmt.args);
        const detail = stmt.label ? `${stmt.op.text}${args ? ` ${args}` : ''}` : args;
        const blockUse = !LAYERS[stmt.op.text];
        const shape = blockUse ? group('block') : shapeText(shapes?.layers.get(stmt.span.start));
        const kind = blockUse ? SymbolKind.Module : SymbolKind.Field;
        return [this.symbol(name(stmt.label?.text ?? stmt.op.text, 'layer'), this.shaped(detail, shape), kind, stmt.span, stmt.label?.span ?? stmt.op.span)];
      }
      case 'parallel': {
        const branches = stmt.branches.map((branch, i) =>
          this.symbol(branch.label?.text ?? `branch${i + 1}`, '', SymbolKind.Namespace, branch.span, branch.label?.span ?? branch.keyword, this.body(branch.body, shapes)),
        );
        const detail = stmt.label ? `parallel ${stmt.merge?.text ?? 'concat'}` : stmt.merge?.text ?? 'concat';
        return [this.symbol(stmt.label?.text ?? 'parallel', this.shaped(detail, group('parallel')), SymbolKind.Struct, stmt.span, stmt.label?.span ?? stmt.keyword, branches)];
      }
      case 'residual': {
        const children = this.body(stmt.body, shapes);
        if (stmt.shortcut) {
          const condition = stmt.shortcut.condition ? `if ${this.text(stmt.shortcut.condition.span)}` : '';
          children.push(this.symbol('shortcut', condition, SymbolKind.Namespace, stmt.shortcut.span, stmt.shortcut.keyword, this.body(stmt.shortcut.body, shapes)));
        }
        return [this.symbol(stmt.label?.text ?? 'residual', this.shaped(stmt.label ? 'residual' : '', group('residual')), SymbolKind.Struct, stmt.span, stmt.label?.span ?? stmt.keyword, children)];
      }
      case 'repeat': {
        const count = `${stmt.index ? `${stmt.index.text} in ` : ''}${this.text(stmt.count.span)}`;
        const detail = stmt.label ? `repeat ${count}` : count;
        return [this.symbol(stmt.label?.text ?? 'repeat', this.shaped(detail, group('repeat')), SymbolKind.Array, stmt.span, stmt.label?.span ?? stmt.keyword, this.body(stmt.body, shapes))];
      }
      case 'if': {
        // `if` makes no group; its branches show as symbols so their layers stay findable.
        const out = [this.symbol('if', this.text(stmt.condition.span), SymbolKind.Boolean, { start: stmt.keyword.start, end: stmt.then.span.end }, stmt.keyword, this.body(stmt.then, shapes))];
        if (stmt.otherwise) out.push(this.symbol('else', '', SymbolKind.Boolean, stmt.otherwise.span, { start: stmt.otherwise.span.start, end: stmt.otherwise.span.start }, this.body(stmt.otherwise, shapes)));
        return out;
      }
    }
  }
}

// ── workspace symbols ───────────────────────────────────────────────────────────

export function provideWorkspaceSymbols(analyses: Analysis[], query: string): WorkspaceSymbol[] {
  const seen = new Set<string>();
  const scored: Array<{ symbol: WorkspaceSymbol; score: number }> = [];
  for (const analysis of analyses) {
    for (const [uri, { file, lines }] of analysis.files) {
      if (seen.has(uri)) continue;
      seen.add(uri);
      const container = uri.slice(uri.lastIndexOf('/') + 1);
      for (const decl of file.decls) {
        const entry = workspaceEntry(decl);
        if (!entry) continue;
        const score = fuzzyScore(query, entry.name);
        if (score === undefined) continue;
        scored.push({ score, symbol: { name: entry.name, kind: entry.kind, containerName: container, location: { uri, range: lines.range(entry.span) } } });
      }
    }
  }
  return scored.sort((a, b) => b.score - a.score || a.symbol.name.localeCompare(b.symbol.name)).map((s) => s.symbol);
}

function workspaceEntry(decl: Decl): { name: string; kind: SymbolKind; span: Span } | undefined {
  switch (decl.kind) {
    case 'model':
    case 'block':
      return decl.name.missing ? undefined : { name: decl.name.text, kind: decl.kind === 'model' ? SymbolKind.Class : SymbolKind.Function, span: decl.name.span };
    case 'let':
      return decl.name.missing ? undefined : { name: decl.name.text, kind: SymbolKind.Constant, span: decl.name.span };
    case 'train':
      return decl.model.missing ? undefined : { name: `train ${decl.model.text}`, kind: SymbolKind.Event, span: decl.model.span };
    case 'import':
      return undefined;
  }
}

/**
 * Case-insensitive subsequence match: undefined when `query` is not a subsequence of `text`;
 * otherwise higher for an exact name, then a prefix, then a substring, then a scattered match.
 */
export function fuzzyScore(query: string, text: string): number | undefined {
  const q = query.toLowerCase().replace(/\s+/g, '');
  const t = text.toLowerCase();
  if (!q) return 0;
  let i = 0;
  for (let j = 0; j < t.length && i < q.length; j++) if (t[j] === q[i]) i++;
  if (i < q.length) return undefined;
  if (t === q) return 4;
  if (t.startsWith(q)) return 3;
  if (t.includes(q)) return 2;
  return 1;
}
