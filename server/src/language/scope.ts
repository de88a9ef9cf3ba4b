// Name resolution. A body sees its parameters and lets, then its file's top level, then the
// top level of the files that file imports (imports are not re-exported). Top-level lets are
// evaluated lazily, once, so their order in the file does not matter.
import type { LetStmt, ModelDecl, SourceFile } from './ast';
import type { Reporter } from './diagnostics';
import { evaluate, type Value } from './values';

export interface FileScope {
  uri: string;
  file: SourceFile;
  reporter: Reporter;
  blocks: Map<string, ModelDecl>;
  models: Map<string, ModelDecl>;
  lets: Map<string, LetStmt>;
  imports: FileScope[];
  letValues: Map<string, Value | undefined>;
  evaluating: Set<string>;
  /** Blocks some model expanded; the others are checked on their own. */
  expanded: Set<ModelDecl>;
}

export function createFileScope(file: SourceFile, reporter: Reporter): FileScope {
  const scope: FileScope = {
    uri: file.uri,
    file,
    reporter,
    blocks: new Map(),
    models: new Map(),
    lets: new Map(),
    imports: [],
    letValues: new Map(),
    evaluating: new Set(),
    expanded: new Set(),
  };
  const seen = new Map<string, { span: { start: number; end: number }; what: string }>();
  for (const decl of file.decls) {
    if (decl.kind === 'train' || decl.kind === 'import') continue;
    const name = decl.name;
    if (name.missing) continue;
    const what = decl.kind === 'let' ? 'constant' : decl.kind;
    const first = seen.get(name.text);
    if (first) {
      reporter.report('NN206', name.span, `'${name.text}' is already defined as a ${first.what}; rename one of them`, {
        related: [{ uri: file.uri, span: first.span, message: `'${name.text}' is first defined here` }],
      });
      continue;
    }
    seen.set(name.text, { span: name.span, what });
    if (decl.kind !== 'let') checkParams(decl, reporter);
    if (decl.kind === 'let') scope.lets.set(name.text, decl);
    else if (decl.kind === 'block') scope.blocks.set(name.text, decl);
    else scope.models.set(name.text, decl);
  }
  return scope;
}

function checkParams(decl: ModelDecl, reporter: Reporter): void {
  const first = new Map<string, ModelDecl['params'][number]>();
  for (const param of decl.params) {
    const earlier = first.get(param.name.text);
    if (param.name.missing) continue;
    if (earlier) {
      reporter.report('NN206', param.name.span, `parameter '${param.name.text}' of ${decl.kind} ${decl.name.text} is declared twice`, {
        related: [{ uri: reporter.uri, span: earlier.name.span, message: `'${param.name.text}' is first declared here` }],
      });
    } else first.set(param.name.text, param);
  }
}

export function findBlock(scope: FileScope, name: string): { decl: ModelDecl; file: FileScope } | undefined {
  const own = scope.blocks.get(name);
  if (own) return { decl: own, file: scope };
  for (const imported of scope.imports) {
    const decl = imported.blocks.get(name);
    if (decl) return { decl, file: imported };
  }
  return undefined;
}

export function findModel(scope: FileScope, name: string): ModelDecl | undefined {
  return scope.models.get(name) ?? scope.imports.find((f) => f.models.has(name))?.models.get(name);
}

export function blockNames(scope: FileScope): string[] {
  return [...scope.blocks.keys(), ...scope.imports.flatMap((f) => [...f.blocks.keys()])];
}

function topLevelLet(scope: FileScope, name: string): Value | undefined | null {
  const decl = scope.lets.get(name);
  if (!decl) return null;
  if (scope.letValues.has(name)) return scope.letValues.get(name);
  if (scope.evaluating.has(name)) {
    scope.reporter.report('NN218', decl.name.span, `constant '${name}' is defined in terms of itself`);
    return undefined;
  }
  scope.evaluating.add(name);
  const value = evaluate(decl.value, {
    reporter: scope.reporter,
    inShape: undefined,
    lookup: (n) => lookupFile(scope, n),
    names: () => fileNames(scope),
  });
  scope.evaluating.delete(name);
  scope.letValues.set(name, value);
  return value;
}

/** A file-level constant: its value, undefined if it failed, null if there is no such name. */
export function lookupFile(scope: FileScope, name: string): Value | undefined | null {
  const own = topLevelLet(scope, name);
  if (own !== null) return own;
  for (const imported of scope.imports) {
    const value = topLevelLet(imported, name);
    if (value !== null) return value;
  }
  return null;
}

export function fileNames(scope: FileScope): string[] {
  return [...scope.lets.keys(), ...scope.imports.flatMap((f) => [...f.lets.keys()])];
}

/** A lexical scope inside a body. */
export class Scope {
  private readonly vars = new Map<string, Value | undefined>();

  constructor(readonly file: FileScope, private readonly parent?: Scope) {}

  child(): Scope {
    return new Scope(this.file, this);
  }

  has(name: string): boolean {
    return this.vars.has(name);
  }

  /** Bind a name; a value of undefined marks a binding whose value failed (no "unknown name" later). */
  set(name: string, value: Value | undefined): void {
    this.vars.set(name, value);
  }

  lookup(name: string): Value | undefined | null {
    for (let scope: Scope | undefined = this; scope; scope = scope.parent) {
      if (scope.vars.has(name)) return scope.vars.get(name);
    }
    return lookupFile(this.file, name);
  }

  names(): string[] {
    const names: string[] = [];
    for (let scope: Scope | undefined = this; scope; scope = scope.parent) names.push(...scope.vars.keys());
    return [...names, ...fileNames(this.file)];
  }
}
