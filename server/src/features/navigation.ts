// Go to definition, find references and rename for blocks, models, lets, parameters and labels,
// across imported files. `others` are the analyses of the other known documents: they may import
// this one, so their uses of its names count too. The scoping itself lives in language/symbols.ts.
import { LSPErrorCodes, ResponseError, type Location, type Position, type Range, type TextEdit, type WorkspaceEdit } from 'vscode-languageserver';
import { findOccurrences, renameProblem, symbolAt, symbolIndex, type Analysis, type Occurrence, type SymbolAt, type SymbolDef, type SymbolIndex } from '../language/index';

const FILE_START: Range = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };

function at(analysis: Analysis, position: Position): { index: SymbolIndex; found: SymbolAt | undefined } {
  const index = symbolIndex(analysis);
  return { index, found: symbolAt(index, analysis.uri, analysis.lines.offset(position)) };
}

/** The definition the cursor names, if it names one (a built-in layer or a word does not). */
function definitionAt(analysis: Analysis, position: Position): { index: SymbolIndex; def: SymbolDef; found: SymbolAt } | undefined {
  const { index, found } = at(analysis, position);
  if (!found || found.kind === 'import' || !found.def) return undefined;
  return { index, def: found.def, found };
}

function rangeIn(index: SymbolIndex, uri: string, span: { start: number; end: number }): Range {
  const file = index.analysis.files.get(uri);
  return file ? file.lines.range(span) : FILE_START;
}

function location(occurrence: Occurrence): Location {
  return { uri: occurrence.uri, range: rangeIn(occurrence.index, occurrence.uri, occurrence.span) };
}

export function provideDefinition(analysis: Analysis, position: Position): Location[] {
  const { index, found } = at(analysis, position);
  if (!found) return [];
  // A path that could not be read (NN212) leads nowhere.
  if (found.kind === 'import') return index.analysis.files.has(found.link.target) ? [{ uri: found.link.target, range: FILE_START }] : [];
  const def = found.def;
  return def ? [{ uri: def.uri, range: rangeIn(index, def.uri, def.span) }] : [];
}

export function provideReferences(analysis: Analysis, position: Position, includeDeclaration: boolean, others: Analysis[]): Location[] {
  const target = definitionAt(analysis, position);
  if (!target) return [];
  const occurrences = findOccurrences(target.def, [target.index, ...others.map(symbolIndex)]);
  return occurrences.filter((o) => includeDeclaration || !o.declaration).map(location);
}

export function prepareRename(analysis: Analysis, position: Position): { range: Range; placeholder: string } | null {
  const target = definitionAt(analysis, position);
  if (!target) return null;
  const span = target.found.span;
  return { range: analysis.lines.range(span), placeholder: analysis.text.slice(span.start, span.end) };
}

/** Invalid new names are refused with a ResponseError, whose message the editor shows. */
export function provideRename(analysis: Analysis, position: Position, newName: string, others: Analysis[]): WorkspaceEdit | null {
  const target = definitionAt(analysis, position);
  if (!target) return null;
  const indices = [target.index, ...others.map(symbolIndex)];
  const problem = renameProblem(target.def, newName, indices);
  if (problem) throw new ResponseError(LSPErrorCodes.RequestFailed, `Cannot rename '${target.def.name}': ${problem}`);
  const changes: Record<string, TextEdit[]> = {};
  for (const occurrence of findOccurrences(target.def, indices)) {
    (changes[occurrence.uri] ??= []).push({ range: location(occurrence).range, newText: newName });
  }
  return { changes };
}
