// Code lens above each model: "11,689,512 params · 1.81 G MACs · output 1000", opening the summary.
import type { CodeLens } from 'vscode-languageserver';
import { formatCount, formatShape, type Analysis, type ModelResult } from '../language/index';
import { SHOW_SUMMARY_COMMAND } from '../protocol';
import { scaled3 } from './instances';

export function provideCodeLenses(analysis: Analysis): CodeLens[] {
  return analysis.models
    .filter((model) => model.uri === analysis.uri)
    .map((model) => ({
      range: analysis.lines.range(model.decl.name.span),
      command: { title: lensTitle(model), command: SHOW_SUMMARY_COMMAND, arguments: [analysis.uri, model.name] },
    }));
}

/** Trainable parameters (as torchvision and the papers count them), MACs, and the output shape. */
export function lensTitle(model: ModelResult): string {
  const counts = `${formatCount(model.params.trainable)} params · ${scaled3(model.macs)} MACs`;
  if (!model.complete) return `incomplete (errors leave shapes unknown) · ${counts} so far`;
  return `${counts} · output ${model.output ? formatShape(model.output) : '?'}`;
}
