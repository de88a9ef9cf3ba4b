import { readFileSync } from 'node:fs';
import { dumpParse } from './dump';
console.log(dumpParse(readFileSync(process.argv[2]!, 'utf8')));
