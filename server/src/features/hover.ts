// Hover: a layer's shape, parameter formula, share, MACs, receptive field and memory; a block use's
// totals; a model's summary table; the value of in.* or a parameter at that point; a training
// setting's documentation. A statement that several block uses or a repeat expand shows each
// distinct instance.
import type { Hover, Position } from 'vscode-languageserver';
import type { Expr, LayerStmt, ModelDecl, Stmt, TrainDecl } from '../language/ast';
import type { Field } from '../language/elaborate';
import { formatBytes, formatCount, LAYERS, renderSummary, SETTINGS, summarize, verdictText, observedText, OBSERVED_CODES, type Observation, type Analysis, type Item, type ModelResult, type Span, type Verdict } from '../language/index';
import { findBlock, lookupFile } from '../language/scope';
import { describeValue, shapeMember, type Value } from '../language/values';
import { contains, distinct, expressionAt, expressionsOf, groupTotals, instancesOf, locate, offsetIn, scaled3, shapeText, spanKey, type GroupInstance, type LayerInstance } from './instances';

/** Rows shown for a statement with several distinct instances before "… and N more". */
const MAX_INSTANCES = 4;
/** A model's summary in a hover folds its deepest groups until it fits in this many lines. */
const MAX_SUMMARY_LINES = 90;
const BREAK = '  \n';

export function provideHover(analysis: Analysis, position: Position, docsUrl = 'docs/diagnostics.md'): Hover | null {
  const offset = offsetIn(analysis, position);
  const located = locate(analysis, offset);
  if (!located) return null;
  let answer: { markdown: string; span: Span } | null = null;
  switch (located.kind) {
    case 'train':
      answer = trainHover(analysis, located.decl, offset, docsUrl);
      break;
    case 'let':
      answer = topLevelLetHover(analysis, located.stmt, offset);
      break;
    case 'decl':
      answer = declHover(analysis, located.decl, offset);
      break;
    case 'stmt':
      answer = statementHover(analysis, located.decl, located.stmt, offset);
      break;
  }
  if (!answer) return null;
  return { contents: { kind: 'markdown', value: answer.markdown }, range: analysis.lines.range(answer.span) };
}

// ── declarations ────────────────────────────────────────────────────────────────

function declHover(analysis: Analysis, decl: ModelDecl, offset: number): { markdown: string; span: Span } | null {
  if (contains(decl.name.span, offset) && !decl.name.missing) {
    if (decl.kind === 'model') {
      const model = analysis.models.find((m) => m.decl === decl);
      return model ? { markdown: modelSummary(analysis, model), span: decl.name.span } : null;
    }
    return { markdown: blockDeclHover(analysis, decl), span: decl.name.span };
  }
  for (const param of decl.params) {
    if (!contains(param.span, offset)) continue;
    if (contains(param.name.span, offset)) {
      const values = (instancesOf(analysis).visits.get(spanKey(analysis.uri, decl.span)) ?? []).map((v) => ({ model: v.model, value: v.visit.scope.lookup(param.name.text) }));
      return { markdown: valueLines(`\`${param.name.text}\``, `parameter of ${decl.kind} ${decl.name.text}`, values, /*what*/ 'uses'), span: param.name.span };
    }
    const chain = param.default ? expressionAt([param.default], offset) : [];
    const ref = chain[0];
    if (ref?.kind === 'ref') {
      const value = lookupFile(analysis.files.get(analysis.uri)!.scope, ref.name);
      if (value !== null) return { markdown: valueLines(`\`${ref.name}\``, 'constant', [{ model: undefined, value }], 'uses'), span: ref.span };
    }
  }
  return null;
}

function modelSummary(analysis: Analysis, model: ModelResult): string {
  const summary = summarize(analysis, model);
  // The table's rows at each folding depth, counted the way renderSummary lays them out, so the
  // table is rendered once at the deepest depth that fits.
  const rows = (items: Item[], depth: number, max: number): number =>
    items.reduce((n, item) => n + (item.kind === 'layer' ? 1 : item.type === 'iteration' ? rows(item.children, depth, max) : 1 + (depth >= max ? 0 : rows(item.children, depth + 1, max))), 0);
  const room = MAX_SUMMARY_LINES - 16;
  if (rows(model.items, 0, Infinity) <= room) return `\`\`\`text\n${renderSummary(summary)}\n\`\`\``;
  let depth = 0;
  while (depth < 64 && rows(model.items, 0, depth + 1) <= room) depth++;
  return `Groups deeper than ${depth} are folded (▸); NetLens: Show Model Summary has every row.\n\n\`\`\`text\n${renderSummary(summary, { depth })}\n\`\`\``;
}

function blockDeclHover(analysis: Analysis, decl: ModelDecl): string {
  const uses: GroupInstance[] = [];
  for (const list of instancesOf(analysis).groups.values()) for (const g of list) if (g.group.type === 'block' && g.group.name === decl.name.text) uses.push(g);
  const lines = [`**block ${decl.name.text}**${signature(analysis, analysis.uri, decl)}`];
  const comment = leadingComment(analysis.text, decl.span.start);
  if (comment) lines.push('', comment);
  if (uses.length === 0) lines.push('', 'Not used by any model in this file.');
  else {
    lines.push('', `Used ${times(uses.length)}${inModels(uses.map((u) => u.model))}.`, '');
    lines.push(...groupTable(uses));
  }
  return lines.join('\n');
}

function signature(analysis: Analysis, uri: string, decl: ModelDecl): string {
  const text = analysis.files.get(uri)?.file.text ?? analysis.text;
  if (decl.params.length === 0) return '';
  return `(${decl.params.map((p) => text.slice(p.span.start, p.span.end)).join(', ')})`;
}

/** The `#` comment lines right above a declaration, as its documentation. */
function leadingComment(text: string, start: number): string {
  const lines: string[] = [];
  let end = text.lastIndexOf('\n', start - 1);
  while (end > 0) {
    const begin = text.lastIndexOf('\n', end - 1) + 1;
    const line = text.slice(begin, end).trim();
    if (!line.startsWith('#')) break;
    lines.unshift(line.replace(/^#\s?/, ''));
    end = begin - 1;
  }
  return lines.join(' ');
}

function topLevelLetHover(analysis: Analysis, stmt: Extract<Stmt, { kind: 'let' }>, offset: number): { markdown: string; span: Span } | null {
  const scope = analysis.files.get(analysis.uri)!.scope;
  if (contains(stmt.name.span, offset)) {
    const value = lookupFile(scope, stmt.name.text);
    return { markdown: valueLines(`\`${stmt.name.text}\``, 'constant', [{ model: undefined, value: value ?? undefined }], 'uses'), span: stmt.name.span };
  }
  const ref = expressionAt([stmt.value], offset)[0];
  if (ref?.kind !== 'ref') return null;
  const value = lookupFile(scope, ref.name);
  return value === null ? null : { markdown: valueLines(`\`${ref.name}\``, 'constant', [{ model: undefined, value }], 'uses'), span: ref.span };
}

// ── statements ──────────────────────────────────────────────────────────────────

function statementHover(analysis: Analysis, decl: ModelDecl, stmt: Stmt, offset: number): { markdown: string; span: Span } | null {
  const value = expressionHover(analysis, stmt, offset);
  if (value) return value;
  const visits = (): Array<{ model: ModelResult; value: Value | undefined }> =>
    (instancesOf(analysis).visits.get(spanKey(analysis.uri, stmt.span)) ?? []).map((v) => ({ model: v.model, value: stmt.kind === 'let' ? v.visit.scope.lookup(stmt.name.text) ?? undefined : undefined }));
  switch (stmt.kind) {
    case 'let':
      return contains(stmt.name.span, offset) ? { markdown: valueLines(`\`${stmt.name.text}\``, `in ${decl.kind} ${decl.name.text}`, visits(), 'passes'), span: stmt.name.span } : null;
    case 'layer': {
      const named = stmt.args.find((a) => a.name && contains(a.name.span, offset));
      const spec = LAYERS[stmt.op.text];
      if (named?.name && spec) {
        const arg = spec.args.find((a) => a.name === named.name!.text);
        if (arg) return { markdown: `**${arg.name}** (${spec.op}): ${arg.doc}${arg.default !== undefined ? ` Default: \`${String(arg.default)}\`.` : arg.required ? ' Required.' : ''}`, span: named.name.span };
      }
      // On the layer's name the hover covers the name; elsewhere on the line, the statement.
      const span = contains(stmt.op.span, offset) ? stmt.op.span : stmt.span;
      if (spec) return { markdown: layerHover(analysis, stmt), span };
      const groups = blockUses(analysis, stmt.span);
      const block = findBlock(analysis.files.get(analysis.uri)!.scope, stmt.op.text);
      if (!block && groups.length === 0) return null;
      return { markdown: groupHover(analysis, `${stmt.label ? `${stmt.label.text}: ` : ''}${stmt.op.text}`, groups, block?.decl, block?.file.uri), span };
    }
    case 'parallel':
    case 'residual':
    case 'repeat': {
      const head = stmt.label ? { start: stmt.label.span.start, end: stmt.keyword.end } : stmt.keyword;
      if (!contains(head, offset)) return null;
      const groups = (instancesOf(analysis).groups.get(spanKey(analysis.uri, stmt.span)) ?? []).filter((g) => g.group.type === stmt.kind);
      return { markdown: groupHover(analysis, `${stmt.label ? `${stmt.label.text}: ` : ''}${stmt.kind}`, groups), span: head };
    }
    case 'input': {
      const model = analysis.models.find((m) => m.decl === decl);
      return model ? { markdown: `**input** \`${shapeText(model.input)}\` (${model.input?.length === 3 ? 'C×H×W' : model.input?.length === 2 ? 'C×L' : 'a vector'}, without the batch)`, span: stmt.span } : null;
    }
    case 'if':
      return null;
  }
}

/** `in`, `in.channels`, or a name: its value at this statement, per instance when they differ. */
function expressionHover(analysis: Analysis, stmt: Stmt, offset: number): { markdown: string; span: Span } | null {
  const chain = expressionAt(expressionsOf(stmt), offset);
  if (chain.length === 0) return null;
  const inner = chain[0]!;
  let target: Expr | undefined;
  if (inner.kind === 'member' && inner.object.kind === 'in') target = inner;
  else if (inner.kind === 'in') target = chain[1]?.kind === 'member' ? chain[1] : inner;
  else if (inner.kind === 'ref') target = inner;
  if (!target) return null;
  const visits = instancesOf(analysis).visits.get(spanKey(analysis.uri, stmt.span)) ?? [];
  if (target.kind === 'ref') {
    const name = target.name;
    const values = visits.map((v) => ({ model: v.model, value: v.visit.scope.lookup(name) }));
    // A bare word the language reads as a value (relu, same) is not a name: let the statement answer.
    if (values.length === 0 || values.every((v) => v.value === null)) {
      const constant = lookupFile(analysis.files.get(analysis.uri)!.scope, name);
      return constant === null ? null : { markdown: valueLines(`\`${name}\``, 'constant', [{ model: undefined, value: constant }], 'uses'), span: target.span };
    }
    return { markdown: valueLines(`\`${name}\``, 'here', values.map((v) => ({ model: v.model, value: v.value ?? undefined })), 'passes'), span: target.span };
  }
  const member = target.kind === 'member' ? target.member.text : undefined;
  const text = member ? `in.${member}` : 'in';
  const values = visits.map((v) => {
    const shape = v.visit.input;
    if (!shape) return { model: v.model, value: undefined };
    if (!member) return { model: v.model, value: { kind: 'shape', shape } as Value };
    const size = shapeMember(shape, member);
    return { model: v.model, value: size === undefined ? undefined : ({ kind: 'number', value: size } as Value) };
  });
  return { markdown: valueLines(`\`${text}\``, 'the shape arriving here', values, 'passes'), span: target.span };
}

/** "`ch` = 64", or one value per distinct instance: "64 (×3) · 128 (×4)". */
function valueLines(name: string, what: string, values: Array<{ model: ModelResult | undefined; value: Value | undefined | null }>, unit: 'uses' | 'passes'): string {
  if (values.length === 0) return `${name} (${what}): no value here; no model reaches this point.`;
  const shown = distinct(values, (v) => (v.value ? describeValue(v.value) : '?'));
  const text = (v: Value | undefined | null): string => (v ? `\`${describeValue(v)}\`` : 'unknown (an error above)');
  if (shown.length === 1) return `${name} = ${text(shown[0]!.item.value)}${values.length > 1 ? ` in all ${values.length} ${unit}` : ''} (${what})`;
  const list = shown.slice(0, 8).map((s) => `${text(s.item.value)}${s.count > 1 ? ` (×${s.count})` : ''}`);
  if (shown.length > 8) list.push(`… ${shown.length - 8} more`);
  return `${name} (${what}) takes ${shown.length} values in ${values.length} ${unit}${inModels(values.map((v) => v.model))}: ${list.join(' · ')}`;
}

// ── layers ──────────────────────────────────────────────────────────────────────

function layerHover(analysis: Analysis, stmt: LayerStmt): string {
  const spec = LAYERS[stmt.op.text]!;
  const instances = instancesOf(analysis).layers.get(spanKey(analysis.uri, stmt.span)) ?? [];
  const title = `**${stmt.label ? `${stmt.label.text}: ` : ''}${spec.op}**`;
  const doc = `---\n${spec.doc}`;
  if (instances.length === 0) return [`${title}: not part of any model here (an unused block, or a branch not taken).`, '', doc].join('\n');
  const kinds = distinct(instances, layerKey);
  const lines: string[] = [];
  if (kinds.length === 1) {
    const { model, node } = kinds[0]!.item;
    const field = fieldRange(kinds[0]!.all.map((i) => i.node.field));
    lines.push(`${title} \`${shapeText(node.input)}\` → \`${shapeText(node.output)}\`${instances.length > 1 ? ` · used ${times(instances.length)}${inModels(instances.map((i) => i.model))}` : ` · in ${model.name}`}`);
    if (!node.output) lines.push('', 'Output unknown: see the error on this line or above it.');
    else {
      const details = [
        `Parameters: ${parameterText(node.formula, node.params)}${shares(node.params, instances)}${node.nonTrainable ? ` + ${formatCount(node.nonTrainable)} non-trainable (running statistics)` : ''}`,
        `MACs: ${macsText(node.macs)}`,
        `Receptive field: ${field}`,
        `Activations: ${formatBytes(node.activationBytes)} per sample (float32)`,
      ];
      lines.push('', details.join(BREAK));
    }
  } else {
    lines.push(`${title} · used ${times(instances.length)}${inModels(instances.map((i) => i.model))}, ${kinds.length} different ways:`, '');
    lines.push('| in → out | parameters | MACs | RF / jump | uses |', '| --- | --- | --- | --- | --- |');
    for (const { item, all } of kinds.slice(0, MAX_INSTANCES)) {
      const { node } = item;
      const params = `${parameterText(node.formula, node.params)}${tableShare(node.params, item, instances)}`;
      lines.push(`| ${shapeText(node.input)} → ${shapeText(node.output)} | ${params} | ${macsText(node.macs)} | ${fieldRange(all.map((i) => i.node.field))} | ${usesText(all, instances)} |`);
    }
    if (kinds.length > MAX_INSTANCES) lines.push('', `… and ${kinds.length - MAX_INSTANCES} more.`);
  }
  lines.push('', doc);
  return lines.join('\n');
}

function layerKey({ node }: LayerInstance): string {
  return `${shapeText(node.input)}|${shapeText(node.output)}|${node.formula}|${node.params}|${node.nonTrainable}|${node.macs}`;
}

/** Instances that differ only in where they sit differ in receptive field: show its range. */
function fieldRange(fields: Array<Field | null>): string {
  const texts = distinct(fields.map(fieldText), (t) => t).map((d) => d.item);
  if (texts.length === 1) return texts[0]!;
  const known = fields.filter((f): f is Field => f !== null);
  if (known.length !== fields.length) return 'varies';
  const sizes = known.map((f) => Math.max(...f.size));
  const jumps = known.map((f) => Math.max(...f.jump));
  const span = (xs: number[]): string => (Math.min(...xs) === Math.max(...xs) ? String(xs[0]) : `${Math.min(...xs)}–${Math.max(...xs)}`);
  return `${span(sizes)}, jump ${span(jumps)}`;
}

/** Where the instances of one distinct kind occur: "×4", or "ResNet18 ×2, ResNet34 ×2" across models. */
function usesText<T extends { model: ModelResult }>(kind: T[], all: T[]): string {
  if (new Set(all.map((i) => i.model)).size === 1) return `×${kind.length}`;
  return distinct(kind, (i) => i.model.name)
    .map((d) => `${d.item.model.name}${d.count > 1 ? ` ×${d.count}` : ''}`)
    .join(', ');
}

/** " (0.5% of 61,100,840)", or per model when the instances span several. */
function shares(params: number, instances: Array<{ model: ModelResult }>): string {
  if (!params) return '';
  const models = distinct(instances.map((i) => i.model), (m) => m.name).map((d) => d.item);
  return ` (${models.map((m) => `${share(params, m)} of ${models.length > 1 ? `${m.name}'s ` : ''}${formatCount(m.params.trainable)}`).join(', ')})`;
}

/** A share of the model's parameters, when every instance is in one model (shares differ between models). */
function tableShare<T extends { model: ModelResult }>(params: number, item: T, all: T[]): string {
  return params && new Set(all.map((i) => i.model)).size === 1 ? ` (${share(params, item.model)})` : '';
}

function parameterText(formula: string, params: number): string {
  if (params === 0) return '0';
  const filled = formula.includes('·') || formula.includes('+') || formula.includes('Σ');
  return filled ? `\`${formula}\` = **${formatCount(params)}**` : `**${formatCount(params)}**`;
}

function macsText(macs: number): string {
  return macs >= 1000 ? `${formatCount(macs)} (${scaled3(macs)})` : formatCount(macs);
}

function share(params: number, model: ModelResult): string {
  const total = model.params.trainable;
  if (total === 0) return '—';
  const p = (100 * params) / total;
  if (p >= 1) return `${p.toFixed(1)}%`;
  if (p >= 0.01) return `${p.toFixed(2)}%`;
  return '<0.01%';
}

function fieldText(field: Field | null): string {
  if (!field) return 'n/a (no spatial axes)';
  const trim = (n: number): string => (Number.isInteger(n) ? String(n) : n.toFixed(3).replace(/\.?0+$/, ''));
  const both = (xs: number[]): string => (xs.every((x) => x === xs[0]) ? trim(xs[0]!) : xs.map(trim).join('×'));
  return `${both(field.size)}, jump ${both(field.jump)}`;
}

function times(n: number): string {
  return n === 1 ? 'once' : n === 2 ? 'twice' : `${n} times`;
}

function inModels(models: Array<ModelResult | undefined>): string {
  const names = distinct(models.filter((m): m is ModelResult => m !== undefined), (m) => m.name);
  if (names.length === 0) return '';
  if (names.length === 1) return ` in ${names[0]!.item.name}`;
  return ` in ${names.map((n) => `${n.item.name}${n.count > 1 ? ` (×${n.count})` : ''}`).join(', ')}`;
}

// ── block uses, residual, parallel, repeat ──────────────────────────────────────

function blockUses(analysis: Analysis, span: Span): GroupInstance[] {
  return (instancesOf(analysis).groups.get(spanKey(analysis.uri, span)) ?? []).filter((g) => g.group.type === 'block');
}

function groupHover(analysis: Analysis, title: string, groups: GroupInstance[], decl?: ModelDecl, declUri?: string): string {
  const lines: string[] = [];
  const sig = decl && declUri ? `block ${decl.name.text}${signature(analysis, declUri, decl)}` : undefined;
  if (groups.length === 0) {
    lines.push(`**${title}**: not part of any model here (an unused block, or a branch not taken).`);
  } else {
    const kinds = distinct(groups, groupKey);
    if (kinds.length === 1) {
      const { model, group } = kinds[0]!.item;
      const t = groupTotals(group);
      lines.push(`**${title}** \`${shapeText(t.input)}\` → \`${shapeText(group.output)}\`${groups.length > 1 ? ` · used ${times(groups.length)}${inModels(groups.map((g) => g.model))}` : ` · in ${model.name}`}`, '');
      lines.push(
        [
          `Expands to ${formatCount(t.layers)} layer${t.layers === 1 ? '' : 's'}: **${formatCount(t.params)}** parameters${shares(t.params, groups)}${t.nonTrainable ? ` + ${formatCount(t.nonTrainable)} non-trainable` : ''}`,
          `MACs: ${macsText(t.macs)}`,
          `Activations: ${formatBytes(t.activationBytes)} per sample (float32)`,
        ].join(BREAK),
      );
    } else {
      lines.push(`**${title}** · used ${times(groups.length)}${inModels(groups.map((g) => g.model))}, ${kinds.length} different ways:`, '');
      lines.push(...groupTable(groups));
    }
  }
  if (sig) {
    const comment = decl && declUri ? leadingComment(analysis.files.get(declUri)?.file.text ?? '', decl.span.start) : '';
    lines.push('', '---', `\`${sig}\`${comment ? ` — ${comment}` : ''}`);
  }
  return lines.join('\n');
}

function groupKey({ group }: GroupInstance): string {
  const t = groupTotals(group);
  return `${shapeText(t.input)}|${shapeText(group.output)}|${t.layers}|${t.params}|${t.nonTrainable}|${t.macs}`;
}

function groupTable(groups: GroupInstance[]): string[] {
  const kinds = distinct(groups, groupKey);
  const lines = ['| in → out | layers | parameters | MACs | uses |', '| --- | --- | --- | --- | --- |'];
  for (const { item, all } of kinds.slice(0, MAX_INSTANCES)) {
    const t = groupTotals(item.group);
    lines.push(`| ${shapeText(t.input)} → ${shapeText(item.group.output)} | ${formatCount(t.layers)} | ${formatCount(t.params)}${tableShare(t.params, item, groups)} | ${macsText(t.macs)} | ${usesText(all, groups)} |`);
  }
  if (kinds.length > MAX_INSTANCES) lines.push('', `… and ${kinds.length - MAX_INSTANCES} more.`);
  return lines;
}

// ── train blocks ────────────────────────────────────────────────────────────────

function trainHover(analysis: Analysis, decl: TrainDecl, offset: number, docsUrl: string): { markdown: string; span: Span } | null {
  const train = analysis.trains.find((t) => t.decl === decl);
  const verdict = train?.verdict;
  if (contains(decl.keyword, offset) && verdict) return { markdown: verdictMarkdown(decl, verdict, docsUrl) + observedMarkdown(train?.observed, docsUrl), span: decl.keyword };
  if (contains(decl.model.span, offset) && !decl.model.missing) {
    const model = analysis.models.find((m) => m.name === decl.model.text);
    const risks = verdict ? `\n\n---\n\n${verdictMarkdown(decl, verdict, docsUrl)}` : '';
    return model ? { markdown: modelSummary(analysis, model) + risks, span: decl.model.span } : null;
  }
  const setting = decl.settings.find((s) => contains(s.span, offset));
  if (!setting) return null;
  const spec = SETTINGS[setting.key.text];
  if (!spec) return null;
  if (contains(setting.key.span, offset)) return { markdown: settingDoc(setting.key.text, spec), span: setting.key.span };
  const word = setting.args.find((a) => !a.name)?.value;
  const kind = word?.kind === 'ref' ? word.name : undefined;
  const named = setting.args.find((a) => a.name && contains(a.name.span, offset));
  if (named?.name) {
    const options = (kind && spec.kinds?.[kind]) || spec.options || {};
    const option = options[named.name.text];
    if (option) return { markdown: `**${named.name.text}** (${setting.key.text}${kind ? ` ${kind}` : ''}): ${option.doc}${option.default !== undefined ? ` Default: \`${String(option.default)}\`.` : ''}`, span: named.name.span };
  }
  if (word && kind && contains(word.span, offset) && spec.kinds?.[kind]) return { markdown: `**${setting.key.text} ${kind}**${optionList(spec.kinds[kind]!)}\n\n${spec.doc}`, span: word.span };
  return null;
}

/** The static risk verdict: the levels, what they rest on, and each reason linked to its docs entry. */
function verdictMarkdown(decl: TrainDecl, verdict: Verdict, docsUrl: string): string {
  const basis = [
    verdict.facts?.name,
    verdict.trainSamples !== undefined ? `${formatCount(verdict.trainSamples)} training samples` : undefined,
    verdict.steps !== undefined ? `${formatCount(verdict.steps)} optimizer steps` : undefined,
    verdict.parametersPerSample !== undefined ? `${formatCount(Number(verdict.parametersPerSample.toPrecision(3)))} parameters per sample` : undefined,
  ].filter(Boolean);
  const lines = [`**train ${decl.model.text}** · ${verdictText(verdict)}`];
  if (basis.length) lines.push('', basis.join(' · '));
  if (verdict.findings.length) {
    lines.push('');
    for (const f of verdict.findings) lines.push(`- [${f.code}](${docsUrl}#${f.code.toLowerCase()}) ${f.risk}${f.risk === 'mismatch' ? '' : ` (${f.level})`}: ${f.reason}`);
  } else lines.push('', 'No risk found in the set-up.');
  return lines.join('\n');
}

/** What the latest run showed, under the static verdict: the two side by side. */
function observedMarkdown(observed: Observation | undefined, docsUrl: string): string {
  if (!observed) return '\n\n---\n\n**Observed:** no run yet (▶ Train above this block).';
  const { run, stale } = observed;
  const lines = ['', '---', '', `**Observed** in run ${run.name}: ${observedText(run)}`];
  if (stale) lines.push('', `Not judged against this file: ${stale}.`);
  else if (run.diagnoses.length === 0) lines.push('', run.status === 'running' ? 'Nothing diagnosed so far.' : 'No overfitting, underfitting, divergence or plateau seen in the curves.');
  for (const d of run.diagnoses) lines.push(`- [${OBSERVED_CODES[d.kind]}](${docsUrl}#${OBSERVED_CODES[d.kind].toLowerCase()}) ${d.kind}, epoch ${d.epoch}: ${d.message}`);
  return lines.join('\n');
}

type SettingSpec = (typeof SETTINGS)[string];
type Options = NonNullable<SettingSpec['options']>;

function settingDoc(key: string, spec: SettingSpec): string {
  const lines = [`**${key}**: ${spec.doc}`];
  if (spec.value) lines.push('', `${spec.value.doc}${spec.value.default !== undefined ? ` Default: \`${String(spec.value.default)}\`.` : ''}`);
  if (spec.kinds) lines.push('', Object.entries(spec.kinds).map(([kind, options]) => `- \`${kind}\`${optionList(options)}`).join('\n'));
  if (spec.options) lines.push('', Object.entries(spec.options).map(([name, o]) => `- \`${name}=\`: ${o.doc}${o.default !== undefined ? ` Default \`${String(o.default)}\`.` : ''}`).join('\n'));
  if (spec.multiple) lines.push('', 'May be given several times.');
  return lines.join('\n');
}

function optionList(options: Options): string {
  const entries = Object.entries(options);
  return entries.length ? ` ${entries.map(([name, o]) => `${name}=${o.default !== undefined ? String(o.default) : '…'}`).join(' ')}` : '';
}
