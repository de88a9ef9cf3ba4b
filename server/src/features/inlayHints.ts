// Inlay hints: each layer line ends with its output shape (→ 64×56×56), optionally its parameters.
import type { InlayHint, Range } from 'vscode-languageserver';
import type { Analysis } from '../language/index';
import type { Settings } from '../protocol';

export function provideInlayHints(_analysis: Analysis, _range: Range, _settings: Settings): InlayHint[] {
  return [];
}
