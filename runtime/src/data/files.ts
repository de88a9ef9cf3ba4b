// Reading a file a data source names, with errors that say which file and why.
import { readFileSync, statSync, type Stats } from 'node:fs';
import { DataError } from './errors';

function stat(path: string, what: string): Stats {
  try {
    return statSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') throw new DataError('missing', `${what} not found: ${path}`, path);
    throw new DataError('unreadable', `cannot read ${what} ${path}: ${code ?? String(error)}`, path);
  }
}

export function readFile(path: string, what: string): Buffer {
  if (stat(path, what).isDirectory()) throw new DataError('format', `${what} ${path} is a folder, not a file`, path);
  try {
    return readFileSync(path);
  } catch (error) {
    throw new DataError('unreadable', `cannot read ${what} ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, path);
  }
}

export function requireFolder(path: string, what: string): void {
  if (!stat(path, what).isDirectory()) throw new DataError('format', `${what} ${path} is a file, not a folder`, path);
}
