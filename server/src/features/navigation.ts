// Go to definition, find references and rename for blocks, models, lets, parameters and labels,
// across imported files. `others` are the analyses of the other known documents.
import type { Location, Position, Range, WorkspaceEdit } from 'vscode-languageserver';
import type { Analysis } from '../language/index';

export function provideDefinition(_analysis: Analysis, _position: Position): Location[] {
  return [];
}

export function provideReferences(_analysis: Analysis, _position: Position, _includeDeclaration: boolean, _others: Analysis[]): Location[] {
  return [];
}

export function prepareRename(_analysis: Analysis, _position: Position): { range: Range; placeholder: string } | null {
  return null;
}

export function provideRename(_analysis: Analysis, _position: Position, _newName: string, _others: Analysis[]): WorkspaceEdit | null {
  return null;
}
