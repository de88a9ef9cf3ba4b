// A .nn file on disk analysed as the CLI and the trainer see it: imports and data facts read
// from the disk next to it. Throws the read error of the file itself.
import { readFileSync } from 'node:fs';
import { readDataFacts } from '../../server/src/dataFacts';
import { analyzeDocument, type Analysis } from '../../server/src/language/index';

export function analyzePath(path: string): Analysis {
  return analyzeDocument(readFileSync(path, 'utf8'), { uri: path, dataFacts: readDataFacts, load: readOrUndefined });
}

function readOrUndefined(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}
