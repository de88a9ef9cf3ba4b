// Which .nn document a command is about: the Uri it was given (a code lens passes a string, the
// editor title a Uri), else the active .nn editor, else a visible one.
import * as vscode from 'vscode';

export function toUri(value: unknown): vscode.Uri | undefined {
  if (value instanceof vscode.Uri) return value;
  if (typeof value === 'string' && value !== '') return vscode.Uri.parse(value);
  return undefined;
}

export function activeNnDocument(): vscode.TextDocument | undefined {
  const active = vscode.window.activeTextEditor?.document;
  if (active?.languageId === 'nn') return active;
  return vscode.window.visibleTextEditors.map((e) => e.document).find((d) => d.languageId === 'nn');
}
