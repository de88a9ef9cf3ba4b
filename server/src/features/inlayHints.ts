// Inlay hints: each layer line ends with its output shape (→ 64×56×56), optionally its parameters.
// Block uses, residuals, parallels and repeats end with the shape they produce. A statement that
// several uses expand shows each distinct result (at most three, then …).
import { InlayHintKind, type InlayHint, type Range } from 'vscode-languageserver';
import type { Stmt } from '../language/ast';
import { formatCount, LAYERS, type Analysis, type Item } from '../language/index';
import type { Settings } from '../protocol';
import { distinct, eachStatement, instancesOf, offsetIn, shapeText, spanKey } from './instances';

const MAX_SHOWN = 3;

export function provideInlayHints(analysis: Analysis, range: Range, settings: Settings): InlayHint[] {
  const { shapes, parameters } = settings.inlayHints;
  if (!shapes && !parameters) return [];
  const from = offsetIn(analysis, range.start);
  const to = offsetIn(analysis, range.end);
  const index = instancesOf(analysis);
  const hints: InlayHint[] = [];
  const add = (stmt: Stmt, results: Array<{ output: readonly number[] | null; params: number }>): void => {
    if (results.length === 0 || results.every((r) => r.output === null)) return;
    const shown = distinct(results, (r) => `${shapes ? shapeText(r.output) : ''}|${parameters ? r.params : ''}`);
    const text = (r: { output: readonly number[] | null; params: number }): string =>
      [shapes ? shapeText(r.output) : '', parameters ? `${formatCount(r.params)} params` : ''].filter(Boolean).join(' · ');
    let label = shown.slice(0, MAX_SHOWN).map((s) => text(s.item)).join(' | ');
    if (shown.length > MAX_SHOWN) label += ' | …';
    hints.push({
      position: analysis.lines.position(stmt.span.end),
      label: shapes ? `→ ${label}` : label,
      kind: InlayHintKind.Type,
      paddingLeft: true,
      ...(results.length > 1 ? { tooltip: `${results.length} instances${shown.length > 1 ? `, ${shown.length} different` : ''}` } : {}),
    });
  };
  for (const decl of analysis.file.decls) {
    if ((decl.kind !== 'model' && decl.kind !== 'block') || decl.span.end < from || decl.span.start > to) continue;
    eachStatement(decl.body.stmts, (stmt) => {
      if (stmt.span.end < from || stmt.span.end > to) return;
      const key = spanKey(analysis.uri, stmt.span);
      if (stmt.kind === 'layer' && LAYERS[stmt.op.text]) {
        add(stmt, (index.layers.get(key) ?? []).map(({ node }) => ({ output: node.output, params: node.params })));
      } else if (stmt.kind === 'layer' || stmt.kind === 'residual' || stmt.kind === 'parallel' || stmt.kind === 'repeat') {
        const type = stmt.kind === 'layer' ? 'block' : stmt.kind;
        const groups = (index.groups.get(key) ?? []).filter((g) => g.group.type === type);
        add(stmt, groups.map(({ group }) => ({ output: group.output, params: paramsOf(group.children) })));
      }
    });
  }
  return hints.sort((a, b) => a.position.line - b.position.line || a.position.character - b.position.character);
}

function paramsOf(items: Item[]): number {
  let total = 0;
  for (const item of items) total += item.kind === 'layer' ? item.node.params : paramsOf(item.children);
  return total;
}
