// Code lens above each model: "11,689,512 params · 1.81 G MACs · output 1000", and above each
// train block its risk verdict; both open the summary.
import type { CodeLens } from 'vscode-languageserver';
import { formatCount, formatShape, verdictText, type Analysis, type ModelResult } from '../language/index';
import { SHOW_SUMMARY_COMMAND } from '../protocol';
import { scaled3 } from './instances';

export function provideCodeLenses(analysis: Analysis): CodeLens[] {
  const models = analysis.models
    .filter((model) => model.uri === analysis.uri)
    .map((model) => ({
      range: analysis.lines.range(model.decl.name.span),
      command: { title: lensTitle(model), command: SHOW_SUMMARY_COMMAND, arguments: [analysis.uri, model.name] },
    }));
  return [...models, ...verdictLenses(analysis)];
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
