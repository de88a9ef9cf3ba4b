// Hover: a layer's shape, parameter formula, share, MACs, receptive field and memory; a block use's
// totals; a model's summary table; the value of in.* or a parameter at that point.
import type { Hover, Position } from 'vscode-languageserver';
import type { Analysis } from '../language/index';

export function provideHover(_analysis: Analysis, _position: Position): Hover | null {
  return null;
}
