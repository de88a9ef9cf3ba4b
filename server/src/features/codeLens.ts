// Code lens above each model: "11,689,512 params · 1.81 G MACs · output 1000", and above each
// train block "▶ Train", its risk verdict (opens the summary) and the latest run's outcome (opens
// the run).
import type { CodeLens } from 'vscode-languageserver';
import { formatCount, formatShape, observedText, verdictText, type Analysis, type ModelResult } from '../language/index';
import { OPEN_RUN_COMMAND, SHOW_SUMMARY_COMMAND, TRAIN_COMMAND } from '../protocol';
import { scaled3 } from './instances';

export function provideCodeLenses(analysis: Analysis): CodeLens[] {
  const models = analysis.models
    .filter((model) => model.uri === analysis.uri)
    .map((model) => ({
      range: analysis.lines.range(model.decl.name.span),
      command: { title: lensTitle(model), command: SHOW_SUMMARY_COMMAND, arguments: [analysis.uri, model.name] },
    }));
  return [...models, ...trainLenses(analysis)];
}

/** "▶ Train" first, so it sits next to the verdict; then the verdict; then the latest run. */
function trainLenses(analysis: Analysis): CodeLens[] {
  const verdicts = verdictLenses(analysis);
  return analysis.trains.flatMap((train) => {
    if (train.decl.model.missing) return [];
    const range = analysis.lines.range(train.decl.keyword);
    const lenses: CodeLens[] = [{ range, command: { title: '▶ Train', command: TRAIN_COMMAND, arguments: [analysis.uri, train.config.model] } }];
    lenses.push(...verdicts.filter((v) => v.range.start.line === range.start.line && v.range.start.character === range.start.character));
    const observed = train.observed;
    if (observed) {
      const title = `last run: ${observedText(observed.run)}${observed.stale ? ' (model changed since)' : ''}`;
      lenses.push({ range, command: { title, command: OPEN_RUN_COMMAND, arguments: [observed.run.dir] } });
    }
    return lenses;
  });
}

/** Above each train block, its static verdict: "overfitting risk: high · underfitting risk: low". */
function verdictLenses(analysis: Analysis): CodeLens[] {
  return analysis.trains.flatMap((train) => {
    if (!train.verdict) return [];
    const count = train.verdict.findings.length;
    const title = `${verdictText(train.verdict)}${count ? ` · ${count} reason${count === 1 ? '' : 's'}` : ''}`;
    return [{ range: analysis.lines.range(train.decl.keyword), command: { title, command: SHOW_SUMMARY_COMMAND, arguments: [analysis.uri, train.config.model] } }];
  });
}

/** Trainable parameters (as torchvision and the papers count them), MACs, and the output shape. */
export function lensTitle(model: ModelResult): string {
  const counts = `${formatCount(model.params.trainable)} params · ${scaled3(model.macs)} MACs`;
  if (!model.complete) return `incomplete (errors leave shapes unknown) · ${counts} so far`;
  return `${counts} · output ${model.output ? formatShape(model.output) : '?'}`;
}
