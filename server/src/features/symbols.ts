// The outline (models, then blocks, then layers) and workspace symbols.
import type { DocumentSymbol, WorkspaceSymbol } from 'vscode-languageserver';
import type { Analysis } from '../language/index';

export function provideDocumentSymbols(_analysis: Analysis): DocumentSymbol[] {
  return [];
}

export function provideWorkspaceSymbols(_analyses: Analysis[], _query: string): WorkspaceSymbol[] {
  return [];
}
