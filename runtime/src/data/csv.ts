// csv("file.csv", label="column"): a header row, then one sample per row. Every column but the
// label is a numeric feature (shape [F], values as written, not scaled). Label values become class
// indices: as numbers when every one is a whole number ≥ 0, otherwise by their sorted order.
import { basename } from 'node:path';
import { type Dataset, type LoadOptions } from './dataset';
import { DataError } from './errors';
import { readFile } from './files';
import { checkLabels, classCount } from './labels';

/** Splits one line on commas outside double quotes; "" inside quotes is a quote. */
export function splitRow(line: string): string[] {
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quoted && ch === '"' && line[i + 1] === '"') {
      field += '"';
      i++;
    } else if (ch === '"') quoted = !quoted;
    else if (ch === ',' && !quoted) {
      fields.push(field.trim());
      field = '';
    } else field += ch;
  }
  fields.push(field.trim());
  return fields;
}

interface Rows {
  header: string[];
  rows: string[][];
  /** The file line (1-based) of each row. */
  lines: number[];
}

function readRows(file: string): Rows {
  const text = readFile(file, 'CSV file').toString('utf8').replace(/^\uFEFF/, '');
  const all = text.split(/\r?\n/);
  const first = all.findIndex((l) => l.trim() !== '');
  if (first < 0) throw new DataError('format', `CSV file ${file} is empty`, file);
  const header = splitRow(all[first]!);
  const rows: string[][] = [];
  const lines: number[] = [];
  for (let i = first + 1; i < all.length; i++) {
    if (all[i]!.trim() === '') continue;
    const row = splitRow(all[i]!);
    if (row.length !== header.length) throw new DataError('format', `line ${i + 1} of ${file} has ${row.length} fields but the header has ${header.length}`, file);
    rows.push(row);
    lines.push(i + 1);
  }
  if (rows.length === 0) throw new DataError('format', `CSV file ${file} has a header but no rows`, file);
  return { header, rows, lines };
}

function labelIndices(values: string[]): { y: Int32Array; classNames?: string[] } {
  if (values.every((v) => /^\d+$/.test(v))) return { y: Int32Array.from(values, (v) => Number(v)) };
  const classNames = [...new Set(values)].sort();
  const index = new Map(classNames.map((name, i) => [name, i]));
  return { y: Int32Array.from(values, (v) => index.get(v)!), classNames };
}

export function loadCsv(file: string, label: string, options: LoadOptions): Dataset {
  const { header, rows, lines } = readRows(file);
  const column = header.indexOf(label);
  if (column < 0) throw new DataError('format', `CSV file ${file} has no column '${label}'; its columns are ${header.join(', ')}`, file);
  const features = header.length - 1;
  const x = new Float32Array(rows.length * features);
  rows.forEach((row, r) => {
    let f = 0;
    row.forEach((value, c) => {
      if (c === column) return;
      const n = value === '' ? NaN : Number(value);
      if (!Number.isFinite(n)) throw new DataError('value', `line ${lines[r]} of ${file}: column '${header[c]}' is '${value}', not a number`, file);
      x[r * features + f++] = n;
    });
  });
  const { y, classNames } = labelIndices(rows.map((row) => row[column]!));
  checkLabels(y, options.classes, (i) => `line ${lines[i]} of ${file}`, file);
  const classes = classNames ? classNames.length : classCount(y);
  return { x, y, shape: [features], classes, name: `${basename(file)} (label column '${label}')`, ...(classNames ? { classNames } : {}) };
}
