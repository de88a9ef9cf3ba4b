// Analyse one layer (or a few lines) on a given input, for one-line shape tests.
import { analyzeDocument, type Analysis, type ModelResult } from '../../server/src/language/index';

export function analyzeModel(body: string, input: string): { analysis: Analysis; model: ModelResult } {
  const analysis = analyzeDocument(`model T {\n  input ${input}\n  ${body.split('\n').join('\n  ')}\n}\n`);
  return { analysis, model: analysis.models[0]! };
}

/** The output shape as 'CxHxW', or the diagnostic codes when there is none. */
export function shapeOf(body: string, input: string): string {
  const { analysis, model } = analyzeModel(body, input);
  const errors = analysis.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length) return errors.map((d) => d.code).join(',');
  return model.output ? model.output.join('x') : '?';
}

export function lastLayer(body: string, input: string) {
  const { model } = analyzeModel(body, input);
  return model.layers[model.layers.length - 1]!;
}
