// Values and the expression evaluator. An expression that fails reports once and yields
// `undefined`, which every caller treats as "unknown, already reported", so one mistake never
// cascades into a dozen follow-on errors.
import type { Expr } from './ast';
import { suggestion, type Reporter } from './diagnostics';
import { formatShape, type Shape } from './shapes';
import type { Span } from './text';

export type Value =
  | { kind: 'number'; value: number }
  | { kind: 'bool'; value: boolean }
  | { kind: 'string'; value: string }
  | { kind: 'dims'; value: number[] }
  | { kind: 'list'; items: Value[] }
  | { kind: 'symbol'; name: string }
  | { kind: 'shape'; shape: Shape }
  | { kind: 'call'; name: string; args: CallArg[] };

export interface CallArg {
  name?: string;
  value: Value | undefined;
  span: Span;
}

export interface EvalEnv {
  reporter: Reporter;
  /** A bound value; undefined when bound but unknown after an error; null when not bound. */
  lookup(name: string): Value | undefined | null;
  /** Names in scope, for "did you mean". */
  names(): Iterable<string>;
  /** The shape arriving at the statement; null when it is unknown after an earlier error; undefined where `in` has no meaning. */
  inShape: Shape | null | undefined;
  /** Words that are values wherever they are not bound (same, relu), so blocks can pass them on. */
  words?: ReadonlySet<string>;
}

export interface EvalOptions {
  /** Bare words accepted as symbols in this position (padding=same, activation=relu). */
  symbols?: ReadonlySet<string>;
  /** Accept any unbound bare word as a symbol (training settings: `optimizer adam`). */
  anySymbol?: boolean;
  /** Accept calls to names that are not functions, as data (`idx("a", "b")`). */
  dataCalls?: boolean;
}

export function num(value: number): Value {
  return { kind: 'number', value };
}

export function describeValue(value: Value): string {
  switch (value.kind) {
    case 'number':
      return String(value.value);
    case 'bool':
      return String(value.value);
    case 'string':
      return JSON.stringify(value.value);
    case 'dims':
      return value.value.join('x');
    case 'list':
      return `[${value.items.map(describeValue).join(', ')}]`;
    case 'symbol':
      return value.name;
    case 'shape':
      return formatShape(value.shape);
    case 'call':
      return `${value.name}(…)`;
  }
}

export function typeName(value: Value): string {
  switch (value.kind) {
    case 'number':
      return Number.isInteger(value.value) ? 'a whole number' : 'a number';
    case 'bool':
      return 'true/false';
    case 'string':
      return 'a string';
    case 'dims':
      return 'a dimension literal';
    case 'list':
      return 'a list';
    case 'symbol':
      return `the word '${value.name}'`;
    case 'shape':
      return 'a shape';
    case 'call':
      return `${value.name}(…)`;
  }
}

const FUNCTIONS: Record<string, { arity: [number, number]; apply: (args: number[]) => number }> = {
  min: { arity: [1, Infinity], apply: (a) => Math.min(...a) },
  max: { arity: [1, Infinity], apply: (a) => Math.max(...a) },
  floor: { arity: [1, 1], apply: (a) => Math.floor(a[0]!) },
  ceil: { arity: [1, 1], apply: (a) => Math.ceil(a[0]!) },
  round: { arity: [1, 1], apply: (a) => Math.round(a[0]!) },
  abs: { arity: [1, 1], apply: (a) => Math.abs(a[0]!) },
};

export const FUNCTION_NAMES = Object.keys(FUNCTIONS);

const SHAPE_MEMBERS = ['channels', 'height', 'width', 'length', 'size'];

export function evaluate(expr: Expr, env: EvalEnv, options: EvalOptions = {}): Value | undefined {
  switch (expr.kind) {
    case 'number':
      return Number.isNaN(expr.value) ? undefined : num(expr.value);
    case 'dims':
      // A malformed literal was reported by the scanner and has no sizes: unknown, not wrong.
      return expr.value.length ? { kind: 'dims', value: expr.value } : undefined;
    case 'string':
      return { kind: 'string', value: expr.value };
    case 'bool':
      return { kind: 'bool', value: expr.value };
    case 'missing':
      return undefined;
    case 'in':
      if (env.inShape === undefined) {
        env.reporter.report('NN203', expr.span, "'in' is the shape arriving at a statement, so it only has a value inside a model or block body");
        return undefined;
      }
      return env.inShape === null ? undefined : { kind: 'shape', shape: env.inShape };
    case 'ref':
      return evaluateRef(expr.name, expr.span, env, options);
    case 'member':
      return evaluateMember(expr, env);
    case 'list': {
      const items: Value[] = [];
      for (const item of expr.items) {
        const value = evaluate(item, env, options);
        if (value === undefined) return undefined;
        items.push(value);
      }
      return { kind: 'list', items };
    }
    case 'unary':
      return evaluateUnary(expr, env);
    case 'binary':
      return evaluateBinary(expr, env, options);
    case 'call':
      return evaluateCall(expr, env, options);
  }
}

function evaluateRef(name: string, span: Span, env: EvalEnv, options: EvalOptions): Value | undefined {
  const bound = env.lookup(name);
  if (bound !== null) return bound;
  // Where a word is expected (activation=…), an unknown word is the argument's error to explain.
  if (options.anySymbol || options.symbols || env.words?.has(name)) return { kind: 'symbol', name };
  const candidates = [...env.names(), ...(options.symbols ?? [])];
  env.reporter.report('NN203', span, `unknown name '${name}'${suggestion(name, candidates)}`, { data: { name, suggestion: candidates } });
  return undefined;
}

function evaluateMember(expr: Extract<Expr, { kind: 'member' }>, env: EvalEnv): Value | undefined {
  const object = evaluate(expr.object, env);
  if (object === undefined) return undefined;
  const member = expr.member.text;
  if (object.kind !== 'shape') {
    env.reporter.report('NN205', expr.member.span, `'.${member}' needs a shape such as 'in', but this is ${typeName(object)}`);
    return undefined;
  }
  const shape = object.shape;
  if (!SHAPE_MEMBERS.includes(member)) {
    env.reporter.report('NN203', expr.member.span, `a shape has no member '${member}'${suggestion(member, SHAPE_MEMBERS)}; it has ${SHAPE_MEMBERS.join(', ')}`);
    return undefined;
  }
  const size = shapeMember(shape, member);
  if (size === undefined) {
    env.reporter.report('NN205', expr.member.span, `the ${formatShape(shape)} input has no ${member}: ${memberHelp(shape)}`);
    return undefined;
  }
  return num(size);
}

function memberHelp(shape: Shape): string {
  if (shape.length === 1) return 'a vector has channels (its length) and size';
  if (shape.length === 2) return 'a sequence (C×L) has channels, length and size';
  return 'an image (C×H×W) has channels, height, width and size';
}

export function shapeMember(shape: Shape, member: string): number | undefined {
  switch (member) {
    case 'channels':
      return shape[0];
    case 'height':
      return shape.length === 3 ? shape[1] : undefined;
    case 'width':
      return shape.length === 3 ? shape[2] : undefined;
    case 'length':
      return shape.length === 2 ? shape[1] : undefined;
    case 'size':
      return shape.reduce((a, b) => a * b, 1);
    default:
      return undefined;
  }
}

function expectNumber(value: Value | undefined, span: Span, env: EvalEnv, what: string): number | undefined {
  if (value === undefined) return undefined;
  if (value.kind === 'number') return value.value;
  env.reporter.report('NN205', span, `${what} needs a number, but this is ${typeName(value)} (${describeValue(value)})`);
  return undefined;
}

function expectBool(value: Value | undefined, span: Span, env: EvalEnv, what: string): boolean | undefined {
  if (value === undefined) return undefined;
  if (value.kind === 'bool') return value.value;
  env.reporter.report('NN205', span, `${what} needs true or false, but this is ${typeName(value)} (${describeValue(value)})`);
  return undefined;
}

function evaluateUnary(expr: Extract<Expr, { kind: 'unary' }>, env: EvalEnv): Value | undefined {
  const operand = evaluate(expr.operand, env);
  if (expr.op === 'not') {
    const b = expectBool(operand, expr.operand.span, env, "'not'");
    return b === undefined ? undefined : { kind: 'bool', value: !b };
  }
  const n = expectNumber(operand, expr.operand.span, env, `'${expr.op}'`);
  return n === undefined ? undefined : num(expr.op === '-' ? -n : n);
}

function evaluateBinary(expr: Extract<Expr, { kind: 'binary' }>, env: EvalEnv, options: EvalOptions): Value | undefined {
  const { op } = expr;
  if (op === 'and' || op === 'or') {
    const left = expectBool(evaluate(expr.left, env), expr.left.span, env, `'${op}'`);
    if (left === undefined) return undefined;
    // Short-circuit, as in Python: `stride != 1 or in.channels != ch` never reads the right side needlessly.
    if (op === 'and' && !left) return { kind: 'bool', value: false };
    if (op === 'or' && left) return { kind: 'bool', value: true };
    const right = expectBool(evaluate(expr.right, env), expr.right.span, env, `'${op}'`);
    return right === undefined ? undefined : { kind: 'bool', value: right };
  }
  const left = evaluate(expr.left, env, options);
  const right = evaluate(expr.right, env, options);
  if (left === undefined || right === undefined) return undefined;
  if (op === '==' || op === '!=') {
    const equal = valuesEqual(left, right);
    return { kind: 'bool', value: op === '==' ? equal : !equal };
  }
  const a = expectNumber(left, expr.left.span, env, `'${op}'`);
  const b = expectNumber(right, expr.right.span, env, `'${op}'`);
  if (a === undefined || b === undefined) return undefined;
  switch (op) {
    case '<':
      return { kind: 'bool', value: a < b };
    case '>':
      return { kind: 'bool', value: a > b };
    case '<=':
      return { kind: 'bool', value: a <= b };
    case '>=':
      return { kind: 'bool', value: a >= b };
    case '+':
      return num(a + b);
    case '-':
      return num(a - b);
    case '*':
      return num(a * b);
    default:
      break;
  }
  if (b === 0) {
    env.reporter.report('NN218', expr.right.span, `division by zero: ${a} ${op} 0`);
    return undefined;
  }
  if (op === '/') return num(a / b);
  if (op === '//') return num(Math.floor(a / b));
  // Python's modulo: the result takes the divisor's sign.
  return num(((a % b) + b) % b);
}

export function valuesEqual(a: Value, b: Value): boolean {
  if (a.kind === 'number' && b.kind === 'number') return a.value === b.value;
  if (a.kind === 'bool' && b.kind === 'bool') return a.value === b.value;
  if (a.kind === 'string' && b.kind === 'string') return a.value === b.value;
  // A word and a string with the same text are the same value: act == relu and act == "relu" agree.
  const word = (v: Value): string | undefined => (v.kind === 'symbol' ? v.name : v.kind === 'string' ? v.value : undefined);
  if (word(a) !== undefined && word(b) !== undefined) return word(a) === word(b);
  return describeValue(a) === describeValue(b) && a.kind === b.kind;
}

function evaluateCall(expr: Extract<Expr, { kind: 'call' }>, env: EvalEnv, options: EvalOptions): Value | undefined {
  const name = expr.callee.text;
  const fn = FUNCTIONS[name];
  if (!fn) {
    if (options.dataCalls) {
      const args: CallArg[] = expr.args.map((arg) => {
        const callArg: CallArg = { value: evaluate(arg.value, env, { anySymbol: true }), span: arg.span };
        if (arg.name) callArg.name = arg.name.text;
        return callArg;
      });
      return { kind: 'call', name, args };
    }
    env.reporter.report('NN217', expr.callee.span, `unknown function '${name}'${suggestion(name, FUNCTION_NAMES)}; the functions are ${FUNCTION_NAMES.join(', ')}`);
    return undefined;
  }
  const [lo, hi] = fn.arity;
  if (expr.args.length < lo || expr.args.length > hi) {
    const expected = lo === hi ? `${lo}` : `at least ${lo}`;
    env.reporter.report('NN208', expr.span, `${name}() takes ${expected} argument${lo === 1 ? '' : 's'}, got ${expr.args.length}`);
    return undefined;
  }
  const numbers: number[] = [];
  for (const arg of expr.args) {
    if (arg.name) {
      env.reporter.report('NN202', arg.name.span, `${name}() takes no named arguments`);
      return undefined;
    }
    const n = expectNumber(evaluate(arg.value, env), arg.value.span, env, `${name}()`);
    if (n === undefined) return undefined;
    numbers.push(n);
  }
  return num(fn.apply(numbers));
}
