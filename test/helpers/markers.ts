// Fixtures with inline range markers, as in docs/style: `conv 6 ‹kenrel›=5` marks the range a
// diagnostic should cover. The markers are removed and each range is given as offsets into the
// clean text, in the order its `‹` appears; ranges may nest or touch.
import type { Span } from '../../server/src/language/index';

export const OPEN = '‹';
export const CLOSE = '›';

export interface Marked {
  /** The fixture with every marker removed: what the analyzer sees. */
  text: string;
  /** One range per `‹…›` pair, ordered by where each opens. */
  ranges: Span[];
}

export function markers(fixture: string): Marked {
  let text = '';
  const ranges: Span[] = [];
  const open: number[] = [];
  for (const char of fixture) {
    if (char === OPEN) {
      open.push(ranges.length);
      ranges.push({ start: text.length, end: -1 });
    } else if (char === CLOSE) {
      const index = open.pop();
      if (index === undefined) throw new Error(`'${CLOSE}' at offset ${text.length} of the clean text has no '${OPEN}' before it`);
      ranges[index]!.end = text.length;
    } else {
      text += char;
    }
  }
  if (open.length > 0) throw new Error(`'${OPEN}' at offset ${ranges[open[0]!]!.start} of the clean text is never closed`);
  return { text, ranges };
}

/** The text a range covers, for failure messages that show what was marked. */
export function slice(text: string, range: Span): string {
  return text.slice(range.start, range.end);
}
