// The syntax tree. Every node keeps its span; a piece the parser could not find is a real
// node marked `missing`, so later phases never meet `undefined` where the grammar promises a node.
import type { Span } from './text';

export interface Name {
  text: string;
  span: Span;
  missing?: boolean;
}

export type BinaryOp = '+' | '-' | '*' | '/' | '//' | '%' | '<' | '>' | '<=' | '>=' | '==' | '!=' | 'and' | 'or';

export type Expr =
  | { kind: 'number'; value: number; span: Span }
  | { kind: 'dims'; value: number[]; span: Span }
  | { kind: 'string'; value: string; span: Span }
  | { kind: 'bool'; value: boolean; span: Span }
  | { kind: 'ref'; name: string; span: Span }
  | { kind: 'in'; span: Span }
  | { kind: 'member'; object: Expr; member: Name; span: Span }
  | { kind: 'unary'; op: '-' | '+' | 'not'; operand: Expr; span: Span }
  | { kind: 'binary'; op: BinaryOp; left: Expr; right: Expr; span: Span }
  | { kind: 'call'; callee: Name; args: Arg[]; span: Span }
  | { kind: 'list'; items: Expr[]; span: Span }
  | { kind: 'missing'; span: Span };

export interface Arg {
  name?: Name;
  value: Expr;
  span: Span;
}

export interface Body {
  stmts: Stmt[];
  /** The `{`; related information for an unclosed body points here. */
  open: Span;
  closed: boolean;
  span: Span;
}

export interface InputStmt {
  kind: 'input';
  keyword: Span;
  dims: Expr;
  span: Span;
}

export interface LayerStmt {
  kind: 'layer';
  label?: Name;
  op: Name;
  args: Arg[];
  span: Span;
}

export interface Branch {
  label?: Name;
  body: Body;
  keyword: Span;
  span: Span;
}

export interface ParallelStmt {
  kind: 'parallel';
  label?: Name;
  keyword: Span;
  merge?: Name;
  branches: Branch[];
  span: Span;
}

export interface Shortcut {
  keyword: Span;
  condition?: Expr;
  body: Body;
  span: Span;
}

export interface ResidualStmt {
  kind: 'residual';
  label?: Name;
  keyword: Span;
  body: Body;
  shortcut?: Shortcut;
  span: Span;
}

export interface RepeatStmt {
  kind: 'repeat';
  label?: Name;
  keyword: Span;
  index?: Name;
  count: Expr;
  body: Body;
  span: Span;
}

export interface IfStmt {
  kind: 'if';
  keyword: Span;
  condition: Expr;
  then: Body;
  otherwise?: Body;
  span: Span;
}

export interface LetStmt {
  kind: 'let';
  name: Name;
  value: Expr;
  span: Span;
}

export type Stmt = InputStmt | LayerStmt | ParallelStmt | ResidualStmt | RepeatStmt | IfStmt | LetStmt;

export interface Param {
  name: Name;
  default?: Expr;
  span: Span;
}

export interface ModelDecl {
  kind: 'model' | 'block';
  keyword: Span;
  name: Name;
  params: Param[];
  body: Body;
  span: Span;
}

export interface Setting {
  key: Name;
  args: Arg[];
  span: Span;
}

export interface TrainDecl {
  kind: 'train';
  keyword: Span;
  model: Name;
  args: Arg[];
  settings: Setting[];
  open: Span;
  span: Span;
}

export interface ImportDecl {
  kind: 'import';
  keyword: Span;
  path: string;
  pathSpan: Span;
  span: Span;
}

export type Decl = ModelDecl | TrainDecl | LetStmt | ImportDecl;

export interface SourceFile {
  uri: string;
  text: string;
  decls: Decl[];
}
