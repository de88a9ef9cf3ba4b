// Prints a syntax tree and its diagnostics as text, so parser recovery is reviewed as golden files.
import type { Arg, Body, Decl, Expr, Stmt } from '../../server/src/language/ast';
import { analyzeDocument } from '../../server/src/language/index';

export function expr(e: Expr): string {
  switch (e.kind) {
    case 'number':
      return String(e.value);
    case 'dims':
      return e.value.length ? e.value.join('x') : '<malformed>';
    case 'string':
      return JSON.stringify(e.value);
    case 'bool':
      return String(e.value);
    case 'ref':
      return e.name;
    case 'in':
      return 'in';
    case 'member':
      return `${expr(e.object)}.${e.member.text}`;
    case 'unary':
      return `(${e.op}${e.op === 'not' ? ' ' : ''}${expr(e.operand)})`;
    case 'binary':
      return `(${expr(e.left)} ${e.op} ${expr(e.right)})`;
    case 'call':
      return `${e.callee.text}(${e.args.map(arg).join(', ')})`;
    case 'list':
      return `[${e.items.map(expr).join(', ')}]`;
    case 'missing':
      return '<missing>';
  }
}

function arg(a: Arg): string {
  return a.name ? `${a.name.text}=${expr(a.value)}` : expr(a.value);
}

function body(b: Body, indent: string, out: string[]): void {
  if (!b.closed) out.push(`${indent}<unclosed>`);
  for (const s of b.stmts) stmt(s, indent, out);
}

function stmt(s: Stmt, indent: string, out: string[]): void {
  const label = 'label' in s && s.label ? `${s.label.text}: ` : '';
  switch (s.kind) {
    case 'input':
      out.push(`${indent}input ${expr(s.dims)}`);
      return;
    case 'layer':
      out.push(`${indent}${label}${s.op.text}${s.args.length ? ` ${s.args.map(arg).join(' ')}` : ''}`);
      return;
    case 'let':
      out.push(`${indent}let ${s.name.text} = ${expr(s.value)}`);
      return;
    case 'parallel':
      out.push(`${indent}${label}parallel ${s.merge?.text ?? '(concat)'}`);
      for (const b of s.branches) {
        out.push(`${indent}  branch${b.label ? ` ${b.label.text}` : ''}`);
        body(b.body, `${indent}    `, out);
      }
      return;
    case 'residual':
      out.push(`${indent}${label}residual`);
      body(s.body, `${indent}  `, out);
      if (s.shortcut) {
        out.push(`${indent}shortcut${s.shortcut.condition ? ` if ${expr(s.shortcut.condition)}` : ''}`);
        body(s.shortcut.body, `${indent}  `, out);
      }
      return;
    case 'repeat':
      out.push(`${indent}${label}repeat ${s.index ? `${s.index.text} in ` : ''}${expr(s.count)}`);
      body(s.body, `${indent}  `, out);
      return;
    case 'if':
      out.push(`${indent}if ${expr(s.condition)}`);
      body(s.then, `${indent}  `, out);
      if (s.otherwise) {
        out.push(`${indent}else`);
        body(s.otherwise, `${indent}  `, out);
      }
      return;
  }
}

function decl(d: Decl, out: string[]): void {
  switch (d.kind) {
    case 'model':
    case 'block': {
      const params = d.params.map((p) => (p.default ? `${p.name.text}=${expr(p.default)}` : p.name.text));
      out.push(`${d.kind} ${d.name.missing ? '<missing>' : d.name.text}${params.length ? `(${params.join(', ')})` : ''}`);
      body(d.body, '  ', out);
      return;
    }
    case 'train':
      out.push(`train ${d.model.text}${d.args.length ? `(${d.args.map(arg).join(', ')})` : ''}`);
      for (const s of d.settings) out.push(`  ${s.key.text}${s.args.length ? ` ${s.args.map(arg).join(' ')}` : ''}`);
      return;
    case 'let':
      out.push(`let ${d.name.text} = ${expr(d.value)}`);
      return;
    case 'import':
      out.push(`import ${JSON.stringify(d.path)}`);
      return;
  }
}

/** The tree, then one `error line:col: message` line per syntax diagnostic (NN1xx). */
export function dumpParse(text: string): string {
  const analysis = analyzeDocument(text, { uri: 'fixture.nn' });
  const out: string[] = [];
  for (const d of analysis.file.decls) decl(d, out);
  for (const d of analysis.diagnostics) {
    if (!d.code.startsWith('NN1')) continue;
    const at = analysis.lines.position(d.span.start);
    out.push(`${d.severity} ${at.line + 1}:${at.character + 1} ${d.code}: ${d.message}`);
  }
  return `${out.join('\n')}\n`;
}
