// Python source fragments: literals and identifiers for the generated PyTorch module.

const KEYWORDS = new Set([
  'False', 'None', 'True', 'and', 'as', 'assert', 'async', 'await', 'break', 'class', 'continue', 'def', 'del', 'elif', 'else', 'except',
  'finally', 'for', 'from', 'global', 'if', 'import', 'in', 'is', 'lambda', 'nonlocal', 'not', 'or', 'pass', 'raise', 'return', 'try',
  'while', 'with', 'yield', 'match', 'case', 'type',
]);

/** Attributes and methods of nn.Module that a layer attribute must not shadow. */
const MODULE_MEMBERS = new Set([
  'add_module', 'apply', 'bfloat16', 'buffers', 'children', 'cpu', 'cuda', 'double', 'dump_patches', 'eval', 'extra_repr', 'float',
  'forward', 'get_buffer', 'get_extra_state', 'get_parameter', 'get_submodule', 'half', 'ipu', 'load_state_dict', 'modules',
  'named_buffers', 'named_children', 'named_modules', 'named_parameters', 'parameters', 'register_backward_hook', 'register_buffer',
  'register_forward_hook', 'register_forward_pre_hook', 'register_full_backward_hook', 'register_load_state_dict_post_hook',
  'register_module', 'register_parameter', 'requires_grad_', 'set_extra_state', 'share_memory', 'state_dict', 'to', 'to_empty',
  'train', 'training', 'type', 'xpu', 'zero_grad', 'call_super_init',
]);

/** Names the generated file defines at module level or imports, and the builtins it calls. */
export const MODULE_LEVEL: ReadonlySet<string> = new Set([
  'torch', 'nn', 'F', 'build', 'INPUT_SHAPE', 'OUTPUT_SHAPE', 'TRAINABLE_PARAMS', 'NON_TRAINABLE_PARAMS', 'NODES', 'IR_VERSION',
  'float', 'int', 'len', 'list', 'tuple', 'type', 'super', 'range', 'repr', 'enumerate', 'isinstance', 'object',
]);

/** A Python identifier from any text: other characters become `_`, keywords get a trailing `_`. */
export function identifier(text: string): string {
  let name = text.replace(/[^A-Za-z0-9_]/g, '_');
  if (!/^[A-Za-z_]/.test(name)) name = `l_${name}`;
  if (KEYWORDS.has(name)) name = `${name}_`;
  return name;
}

/** A layer attribute name: an identifier that is not an nn.Module member and not taken yet. */
export function attributeName(path: string, taken: Set<string>): string {
  let name = identifier(path);
  if (MODULE_MEMBERS.has(name) || name.startsWith('_')) name = `layer_${name.replace(/^_+/, '')}`;
  let unique = name;
  for (let i = 2; taken.has(unique); i++) unique = `${name}_${i}`;
  taken.add(unique);
  return unique;
}

/** The model's class name: its .nn name, unless that clashes with a name the file already uses. */
export function className(model: string, reserved: ReadonlySet<string>): string {
  const name = identifier(model);
  return reserved.has(name) || MODULE_LEVEL.has(name) ? `${name}Model` : name;
}

/** A Python number: integers as they are, floats with a decimal point or exponent. */
export function pyNumber(n: number, float = false): string {
  if (!Number.isFinite(n)) return n > 0 ? "float('inf')" : n < 0 ? "float('-inf')" : "float('nan')";
  const text = String(Number(n.toPrecision(12)));
  if (!float || /[.e]/.test(text)) return text;
  return `${text}.0`;
}

export function pyBool(b: boolean): string {
  return b ? 'True' : 'False';
}

export function pyString(s: string): string {
  return `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n')}'`;
}

export function pyTuple(values: number[], float = false): string {
  const items = values.map((v) => pyNumber(v, float));
  return items.length === 1 ? `(${items[0]},)` : `(${items.join(', ')})`;
}

/** One value when every axis agrees (`5`), else a tuple (`(1, 7)`), as PyTorch's layers accept. */
export function pyAxes(values: number[], float = false): string {
  return values.every((v) => v === values[0]) ? pyNumber(values[0]!, float) : pyTuple(values, float);
}

export function pyList(rows: number[][]): string {
  return `[${rows.map((row) => `[${row.join(', ')}]`).join(', ')}]`;
}

/** Thousands separators for comments: 1,516. */
export function grouped(n: number): string {
  return n.toLocaleString('en-US');
}

/** 6x28x28 */
export function shapeText(shape: number[]): string {
  return shape.join('x');
}

/** A source line safe inside a # comment (no line breaks). */
export function commentText(text: string): string {
  return text.replace(/[\r\n]+/g, ' ');
}
