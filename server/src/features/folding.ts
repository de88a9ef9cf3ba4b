// Folding ranges for bodies, train blocks, multi-line lists and comment runs. Read from the
// tokens, not the tree, so an unfinished body still folds by its braces.
import { FoldingRangeKind, type FoldingRange } from 'vscode-languageserver';
import { Reporter } from '../language/diagnostics';
import type { Analysis } from '../language/index';
import { scan, type Token } from '../language/scanner';

const CLOSER: Record<string, string> = { '{': '}', '(': ')', '[': ']' };

export function provideFoldingRanges(analysis: Analysis): FoldingRange[] {
  const { text, lines } = analysis;
  const tokens = scan(text, new Reporter(analysis.uri), { comments: true });
  const ranges: FoldingRange[] = [];
  const lineOf = (offset: number): number => lines.position(offset).line;
  const firstOnLine = (t: Token): boolean => /^[ \t]*$/.test(text.slice(text.lastIndexOf('\n', t.span.start - 1) + 1, t.span.start));

  // Braces and brackets: from the opening line to the line before the closer when the closer
  // starts its line (so `} else {` and `}` stay visible), else to the closer's line.
  const open: Token[] = [];
  for (const token of tokens) {
    if (token.kind !== 'punct') continue;
    if (CLOSER[token.text]) open.push(token);
    else if (token.text === '}' || token.text === ')' || token.text === ']') {
      // An unmatched closer (a typo) drops the openers it would have closed past, never crashes.
      let k = open.length - 1;
      while (k >= 0 && CLOSER[open[k]!.text] !== token.text) k--;
      if (k < 0) continue;
      const opener = open[k]!;
      open.length = k;
      const start = lineOf(opener.span.start);
      const end = lineOf(token.span.start) - (firstOnLine(token) ? 1 : 0);
      if (end > start) ranges.push({ startLine: start, endLine: end });
    }
  }
  // A body left open at the end of the file still folds to the last line.
  for (const opener of open) {
    const start = lineOf(opener.span.start);
    const end = lineOf(text.trimEnd().length);
    if (opener.text === '{' && end > start) ranges.push({ startLine: start, endLine: end });
  }

  // Runs of two or more whole-line comments.
  let run: { start: number; end: number } | undefined;
  const flush = (): void => {
    if (run && run.end > run.start) ranges.push({ startLine: run.start, endLine: run.end, kind: FoldingRangeKind.Comment });
    run = undefined;
  };
  for (const token of tokens) {
    if (token.kind === 'newline') continue;
    if (token.kind !== 'comment' || !firstOnLine(token)) {
      flush();
      continue;
    }
    const line = lineOf(token.span.start);
    if (run && line === run.end + 1) run.end = line;
    else {
      flush();
      run = { start: line, end: line };
    }
  }
  flush();

  // Consecutive imports.
  const imports = analysis.file.decls.filter((d) => d.kind === 'import');
  for (let i = 0; i < imports.length; ) {
    let j = i;
    while (j + 1 < imports.length && lineOf(imports[j + 1]!.span.start) === lineOf(imports[j]!.span.start) + 1) j++;
    if (j > i) ranges.push({ startLine: lineOf(imports[i]!.span.start), endLine: lineOf(imports[j]!.span.start), kind: FoldingRangeKind.Imports });
    i = j + 1;
  }

  // One range per start line (editors keep only one): the longest.
  ranges.sort((a, b) => a.startLine - b.startLine || b.endLine - a.endLine);
  return ranges.filter((r, i) => i === 0 || ranges[i - 1]!.startLine !== r.startLine);
}
