// Open documents and their analyses: one parse per document version, imports read from open
// documents first and the disk second, and the reverse dependency map that lets a change to an
// imported file re-publish the diagnostics of the files that import it. A document too large to
// analyse, or one the analyzer fails on, gets a diagnostic that says so instead of an analysis.
import { readFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { DiagnosticSeverity, type Diagnostic } from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { toLspDiagnostics } from './features/diagnostics';
import { dataPaths, readDataFacts } from './dataFacts';
import { analyzeDocument, type Analysis, type DataFactsReader, type ObservedReader } from './language/index';
import { readLatestRun, runsFolder } from './runFacts';

/**
 * Documents longer than this are not analysed: the analysis runs on every keystroke, and real
 * models are a few kilobytes (ResNet-152 written out is 1.3 KB). A 10 MB file is still opened,
 * edited and answered (with empty results) and gets one diagnostic that explains why.
 */
export const MAX_DOCUMENT_CHARS = 1 << 20;

export type Outcome =
  | { kind: 'analysis'; analysis: Analysis }
  | { kind: 'failed'; error: unknown };

interface Entry {
  version: number;
  outcome: Outcome;
  /** Every file the analysis read or tried to read (canonical URIs), so creating a missing import also counts. */
  reads: Set<string>;
}

export class Workspace {
  private readonly open = new Map<string, TextDocument>();
  private readonly cache = new Map<string, Entry>();

  constructor(
    private readonly readDisk: (uri: string) => string | undefined = readFileUri,
    /** Told when the analyzer throws; the document then gets a diagnostic instead of an analysis. */
    private readonly onFailure: (uri: string, error: unknown) => void = () => undefined,
  ) {}

  set(document: TextDocument): void {
    this.open.set(document.uri, document);
  }

  close(uri: string): void {
    this.open.delete(uri);
    this.cache.delete(uri);
  }

  get(uri: string): TextDocument | undefined {
    return this.open.get(uri);
  }

  uris(): string[] {
    return [...this.open.keys()];
  }

  /** The analysis of an open document, computed at most once per version; undefined when there is none (see outcome). */
  analysis(uri: string): Analysis | undefined {
    const outcome = this.outcome(uri);
    return outcome?.kind === 'analysis' ? outcome.analysis : undefined;
  }

  outcome(uri: string): Outcome | undefined {
    const document = this.open.get(uri);
    if (!document) return undefined;
    const cached = this.cache.get(uri);
    if (cached && cached.version === document.version) return cached.outcome;
    const reads = new Set<string>([canonical(uri)]);
    const text = document.getText();
    let outcome: Outcome;
    {
      const load = (target: string): string | undefined => {
        reads.add(canonical(target));
        const source = this.openDocument(target)?.getText() ?? this.readDisk(target);
        // An import as large as a refused document would cost as much to analyse.
        return source !== undefined && source.length > MAX_DOCUMENT_CHARS ? undefined : source;
      };
      // Data files a train block reads count as reads too, so editing them re-judges the block.
      const dataFacts: DataFactsReader = (source, from) => {
        for (const path of dataPaths(source, from)) reads.add(canonical(pathToFileURL(path).href));
        return readDataFacts(source, from);
      };
      // A model's run directories count as a read folder: a run's new events re-judge the block.
      const observed: ObservedReader = (model, from) => {
        reads.add(canonical(pathToFileURL(runsFolder(model, from)).href));
        return readLatestRun(model, from);
      };
      try {
        // Past the limit the core answers with NN322 alone, so every request answers empty, fast.
        outcome = { kind: 'analysis', analysis: analyzeDocument(text, { uri, load, dataFacts, observed, maxChars: MAX_DOCUMENT_CHARS }) };
      } catch (error) {
        outcome = { kind: 'failed', error };
        this.onFailure(uri, error);
      }
    }
    this.cache.set(uri, { version: document.version, outcome, reads });
    return outcome;
  }

  /** Forget analyses that read `uri` (as the document or an import); returns the open documents affected. */
  invalidate(uri: string): string[] {
    const target = canonical(uri);
    const affected: string[] = [];
    for (const [openUri, entry] of this.cache) {
      // A read that ends in '/' is a data folder: any file below it changes what it holds.
      if (entry.reads.has(target) || [...entry.reads].some((read) => read.endsWith('/') && target.startsWith(read))) {
        this.cache.delete(openUri);
        affected.push(openUri);
      }
    }
    if (this.open.has(uri) && !affected.includes(uri)) affected.push(uri);
    return affected;
  }

  /**
   * The open documents whose analysis read `target`, with the key `target` has in that analysis's
   * files: the document itself first when it is open. Diagnostics in a file come from all of them.
   */
  readers(target: string): Array<{ uri: string; outcome: Outcome; key: string }> {
    const wanted = canonical(target);
    const found: Array<{ uri: string; outcome: Outcome; key: string }> = [];
    for (const uri of this.open.keys()) {
      const outcome = this.outcome(uri)!;
      if (canonical(uri) === wanted) found.unshift({ uri, outcome, key: uri });
      else if (outcome.kind === 'analysis' && this.cache.get(uri)?.reads.has(wanted)) {
        const key = [...outcome.analysis.files.keys()].find((k) => canonical(k) === wanted);
        if (key) found.push({ uri, outcome, key });
      }
    }
    return found;
  }

  /**
   * The diagnostics of one file, open or imported: its own analysis's, and those found where open
   * documents that import it expand its blocks (a shape error inside an imported block), each once.
   * A reader whose conversion throws is skipped and reported through `onError`.
   */
  diagnostics(target: string, docsUrl: string, onError: (what: string, error: unknown) => void): Diagnostic[] {
    const seen = new Set<string>();
    const out: Diagnostic[] = [];
    for (const { uri, outcome, key } of this.readers(target)) {
      let found: Diagnostic[];
      try {
        const problem = key === uri ? outcomeDiagnostic(outcome) : undefined;
        found = outcome.kind === 'analysis' ? toLspDiagnostics(outcome.analysis, key, docsUrl) : problem ? [problem] : [];
      } catch (error) {
        onError(`diagnostics of ${target} from ${uri} failed`, error);
        continue;
      }
      for (const d of found) {
        const id = `${d.code}|${d.range.start.line}:${d.range.start.character}-${d.range.end.line}:${d.range.end.character}|${d.message}`;
        if (seen.has(id)) continue;
        seen.add(id);
        out.push(d);
      }
    }
    return out;
  }

  /** The files an open document's analysis read besides itself (its imports, and theirs). */
  importsOf(uri: string): string[] {
    const outcome = this.outcome(uri);
    return outcome?.kind === 'analysis' ? [...outcome.analysis.files.keys()].filter((k) => k !== uri) : [];
  }

  /** An open document by URI, however its file: URI is spelled (%20 or a space, %3A or a colon). */
  private openDocument(uri: string): TextDocument | undefined {
    const exact = this.open.get(uri);
    if (exact) return exact;
    const target = canonical(uri);
    for (const [openUri, document] of this.open) if (canonical(openUri) === target) return document;
    return undefined;
  }
}

/** The diagnostic for a document that has no analysis, or undefined when it has one. */
export function outcomeDiagnostic(outcome: Outcome): Diagnostic | undefined {
  const start = { line: 0, character: 0 };
  if (outcome.kind === 'failed') {
    const error = outcome.error instanceof Error ? outcome.error.message : String(outcome.error);
    return {
      range: { start, end: start },
      severity: DiagnosticSeverity.Error,
      source: 'netlens',
      message: `NetLens could not analyse this file (an internal error: ${error}). The server log has the details; please report it with the file.`,
    };
  }
  return undefined;
}

/** file: URIs compared by the path they name; other URIs as written. */
export function canonical(uri: string): string {
  if (!uri.startsWith('file:')) return uri;
  try {
    return pathToFileURL(fileURLToPath(uri)).href;
  } catch {
    return uri;
  }
}

function readFileUri(uri: string): string | undefined {
  try {
    return readFileSync(uri.startsWith('file:') ? fileURLToPath(uri) : uri, 'utf8');
  } catch {
    return undefined;
  }
}
