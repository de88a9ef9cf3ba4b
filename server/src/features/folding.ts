// Folding ranges for bodies, train blocks, multi-line lists and comment runs.
import type { FoldingRange } from 'vscode-languageserver';
import type { Analysis } from '../language/index';

export function provideFoldingRanges(_analysis: Analysis): FoldingRange[] {
  return [];
}
