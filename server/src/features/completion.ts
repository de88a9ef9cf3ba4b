// Completion: layer and block names, argument names with docs and defaults, enum values, names in
// scope, in. members, training settings, and snippets (residual block, Inception module, train block).
import type { CompletionItem, Position } from 'vscode-languageserver';
import type { Analysis } from '../language/index';

export function provideCompletion(_analysis: Analysis, _position: Position): CompletionItem[] {
  return [];
}
