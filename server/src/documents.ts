// Open documents and their analyses: one parse per document version, imports read from open
// documents first and the disk second, and the reverse dependency map that lets a change to an
// imported file re-publish the diagnostics of the files that import it.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { analyzeDocument, type Analysis } from './language/index';

export class Workspace {
  private readonly open = new Map<string, TextDocument>();
  private readonly cache = new Map<string, { version: number; analysis: Analysis }>();

  constructor(private readonly readDisk: (uri: string) => string | undefined = readFileUri) {}

  set(document: TextDocument): void {
    this.open.set(document.uri, document);
    this.invalidate(document.uri);
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

  /** The analysis of an open document, computed at most once per version. */
  analysis(uri: string): Analysis | undefined {
    const document = this.open.get(uri);
    if (!document) return undefined;
    const cached = this.cache.get(uri);
    if (cached && cached.version === document.version) return cached.analysis;
    const analysis = analyzeDocument(document.getText(), { uri, load: (target) => this.open.get(target)?.getText() ?? this.readDisk(target) });
    this.cache.set(uri, { version: document.version, analysis });
    return analysis;
  }

  /** Forget analyses that read `uri` (as the document or an import); returns the open documents affected. */
  invalidate(uri: string): string[] {
    const affected: string[] = [];
    for (const [openUri, entry] of this.cache) {
      if (openUri === uri || entry.analysis.files.has(uri)) {
        this.cache.delete(openUri);
        affected.push(openUri);
      }
    }
    if (this.open.has(uri) && !affected.includes(uri)) affected.push(uri);
    return affected;
  }
}

function readFileUri(uri: string): string | undefined {
  try {
    return readFileSync(uri.startsWith('file:') ? fileURLToPath(uri) : uri, 'utf8');
  } catch {
    return undefined;
  }
}
