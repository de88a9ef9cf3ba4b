// Turns .nn text into tokens. Newlines are tokens (they end statements); the parser decides
// where they are insignificant (inside ( ) and [ ]). Lexical errors are reported and the scan
// goes on, so one bad character never hides the rest of the file.
import type { Reporter } from './diagnostics';
import type { Span } from './text';

export type TokenKind = 'name' | 'number' | 'dims' | 'string' | 'punct' | 'newline' | 'comment' | 'eof';

export interface Token {
  kind: TokenKind;
  text: string;
  span: Span;
  /** number: its value; dims: the sizes; string: the unescaped text. */
  value?: number | number[] | string;
  /** True when white space or a comment separates this token from the previous one. */
  spaced: boolean;
  /** The scanner already reported this token as malformed (an unterminated string). */
  broken?: boolean;
}

export const KEYWORDS = new Set([
  'model', 'block', 'train', 'let', 'import', 'input', 'parallel', 'branch', 'residual', 'shortcut',
  'repeat', 'in', 'if', 'else', 'and', 'or', 'not', 'true', 'false',
]);

const PUNCT_2 = new Set(['//', '<=', '>=', '==', '!=']);
const PUNCT_1 = new Set(['{', '}', '(', ')', '[', ']', ',', '=', ':', '.', '+', '-', '*', '/', '%', '<', '>', ';']);

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}
function isNameStart(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
}
function isNamePart(c: number): boolean {
  return isNameStart(c) || isDigit(c);
}

export interface ScanOptions {
  /** Also emit `#` comments as 'comment' tokens (for the editor: formatting, folding, highlighting). The parser never asks for them. */
  comments?: boolean;
}

export function scan(text: string, reporter: Reporter, options: ScanOptions = {}): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  let spaced = true;
  const push = (kind: TokenKind, start: number, end: number, value?: Token['value'], broken?: boolean): void => {
    const token: Token = { kind, text: text.slice(start, end), span: { start, end }, spaced };
    if (value !== undefined) token.value = value;
    if (broken) token.broken = true;
    tokens.push(token);
    spaced = false;
  };
  while (i < text.length) {
    const c = text.charCodeAt(i);
    const start = i;
    if (c === 32 || c === 9 || c === 13) {
      i++;
      spaced = true;
    } else if (c === 35 /* # */) {
      while (i < text.length && text.charCodeAt(i) !== 10) i++;
      if (options.comments) push('comment', start, i);
      spaced = true;
    } else if (c === 10) {
      i++;
      push('newline', start, i);
      spaced = true;
    } else if (isNameStart(c)) {
      while (i < text.length && isNamePart(text.charCodeAt(i))) i++;
      push('name', start, i);
    } else if (isDigit(c) || (c === 46 && isDigit(text.charCodeAt(i + 1)))) {
      i = scanNumber(text, i, reporter, push);
    } else if (c === 34 /* " */) {
      i = scanString(text, i, reporter, push);
    } else {
      const two = text.slice(i, i + 2);
      if (PUNCT_2.has(two)) {
        i += 2;
        push('punct', start, i);
      } else if (PUNCT_1.has(text[i]!)) {
        i++;
        push('punct', start, i);
      } else {
        const width = text.codePointAt(i)! > 0xffff ? 2 : 1;
        i += width;
        reporter.report('NN108', { start, end: i }, `unexpected character '${text.slice(start, i)}'`);
        spaced = true;
      }
    }
  }
  const end = text.length;
  tokens.push({ kind: 'eof', text: '', span: { start: end, end }, spaced: true });
  return tokens;
}

type Push = (kind: TokenKind, start: number, end: number, value?: Token['value'], broken?: boolean) => void;

/** Numbers (64, 0.01, 1e-3, 1_000) and dimension literals (3x224x224). Returns the new offset. */
function scanNumber(text: string, start: number, reporter: Reporter, push: Push): number {
  let i = start;
  const digits = (): void => {
    while (i < text.length && (isDigit(text.charCodeAt(i)) || (text[i] === '_' && isDigit(text.charCodeAt(i + 1))))) i++;
  };
  digits();
  let isFloat = false;
  if (text[i] === '.' && isDigit(text.charCodeAt(i + 1))) {
    isFloat = true;
    i++;
    digits();
  }
  if ((text[i] === 'e' || text[i] === 'E') && (isDigit(text.charCodeAt(i + 1)) || ((text[i + 1] === '-' || text[i + 1] === '+') && isDigit(text.charCodeAt(i + 2))))) {
    isFloat = true;
    i += text[i + 1] === '-' || text[i + 1] === '+' ? 2 : 1;
    digits();
  }
  if (!isFloat && (text[i] === 'x' || (text[i] === '\u00d7' && isDigit(text.charCodeAt(i + 1))))) return scanDims(text, start, i, reporter, push);
  if (isNamePart(text.charCodeAt(i)) || text[i] === '.') {
    // "3kernel", "1.2.3": one malformed token, reported once, so the parse can go on.
    while (i < text.length && (isNamePart(text.charCodeAt(i)) || text[i] === '.')) i++;
    reporter.report('NN106', { start, end: i }, `malformed number '${text.slice(start, i)}'`);
    push('number', start, i, Number.NaN);
    return i;
  }
  const value = Number(text.slice(start, i).replace(/_/g, ''));
  push('number', start, i, value);
  return i;
}

/** `5x5`, `3x224x224`: whole numbers joined by x with no spaces. */
function scanDims(text: string, start: number, afterFirst: number, reporter: Reporter, push: Push): number {
  let i = afterFirst;
  const sizes = [Number(text.slice(start, afterFirst).replace(/_/g, ''))];
  let malformed = false;
  let timesSign = false;
  while (text[i] === 'x' || (text[i] === '\u00d7' && isDigit(text.charCodeAt(i + 1)))) {
    if (text[i] !== 'x') timesSign = true;
    i++;
    const partStart = i;
    while (i < text.length && isDigit(text.charCodeAt(i))) i++;
    if (i === partStart) malformed = true;
    else sizes.push(Number(text.slice(partStart, i)));
  }
  if (isNamePart(text.charCodeAt(i)) || text[i] === '.') {
    while (i < text.length && (isNamePart(text.charCodeAt(i)) || text[i] === '.')) i++;
    malformed = true;
  }
  if (malformed) {
    const literal = text.slice(start, i);
    reporter.report('NN104', { start, end: i }, `malformed dimension literal '${literal}': write whole numbers joined by 'x' with no spaces, like 3x224x224`);
  } else if (timesSign) {
    // Pasted from a paper: understood, but flagged so the file stays plain ASCII.
    reporter.report('NN104', { start, end: i }, `write '${sizes.join('x')}' with the letter x, not the multiplication sign ×`);
  }
  push('dims', start, i, malformed ? [] : sizes);
  return i;
}

function scanString(text: string, start: number, reporter: Reporter, push: Push): number {
  let i = start + 1;
  let value = '';
  while (i < text.length && text[i] !== '"' && text[i] !== '\n') {
    if (text[i] === '\\' && (text[i + 1] === '"' || text[i + 1] === '\\')) {
      value += text[i + 1];
      i += 2;
    } else {
      value += text[i];
      i++;
    }
  }
  const closed = text[i] === '"';
  if (closed) i++;
  else reporter.report('NN105', { start, end: i }, 'unterminated string: add the closing \'"\' on the same line');
  push('string', start, i, value, !closed);
  return i;
}
