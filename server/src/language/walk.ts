// Walking statements: the bodies a statement holds, and every statement of a body with the
// nested ones after their parent. One definition for the core and every feature that walks.
import type { Body, Stmt } from './ast';

/** The bodies directly inside a statement. */
export function bodiesOf(stmt: Stmt): Body[] {
  switch (stmt.kind) {
    case 'parallel':
      return stmt.branches.map((b) => b.body);
    case 'residual':
      return stmt.shortcut ? [stmt.body, stmt.shortcut.body] : [stmt.body];
    case 'repeat':
      return [stmt.body];
    case 'if':
      return stmt.otherwise ? [stmt.then, stmt.otherwise] : [stmt.then];
    default:
      return [];
  }
}

/** Calls `visit` for every statement of a body, nested ones after their parent. */
export function eachStatement(stmts: Stmt[], visit: (stmt: Stmt) => void): void {
  for (const stmt of stmts) {
    visit(stmt);
    for (const body of bodiesOf(stmt)) eachStatement(body.stmts, visit);
  }
}
