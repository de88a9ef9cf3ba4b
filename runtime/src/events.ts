// The training event stream, version 1 (docs/events.md): one JSON object per line, written by
// runtime/python/trainer.py (and by any other engine) and relayed by `netlens train`.
// This file is the one typed definition; `parseEvent` validates a line against it.

export const EVENTS_VERSION = 1;

interface Base {
  v: 1;
  /** ISO-8601, UTC. */
  time: string;
}

export interface StartEvent extends Base {
  type: 'start';
  engine: 'torch' | 'tfjs';
  backend: string;
  device: string;
  precision: 'fp32' | 'bf16' | 'fp16';
  why: string;
  model: string;
  params: number;
  samples: number;
  valSamples: number | null;
  testSamples: number | null;
  epochs: number;
  batch: number;
  stepsPerEpoch: number;
  /** The number of epochs completed when the checkpoint resumed from was written; null for a fresh run. */
  resumedFrom: number | null;
}

export interface BatchEvent extends Base {
  type: 'batch';
  /** Optimizer steps done in the whole run, counting from 1. */
  step: number;
  /** 1-based. */
  epoch: number;
  /** Running mean over the epoch so far. */
  loss: number | null;
  accuracy: number;
  samplesPerSec: number;
  /** Seconds to the end of the last epoch. */
  eta: number;
}

export interface EpochEvent extends Base {
  type: 'epoch';
  epoch: number;
  loss: number | null;
  accuracy: number;
  valLoss: number | null;
  valAccuracy: number | null;
  lr: number;
  seconds: number;
}

export type DiagnosisKind = 'overfitting' | 'underfitting' | 'divergence' | 'plateau';
export type DiagnosisSetting = 'epochs' | 'optimizer.lr' | 'dropout' | 'validation';

export interface DiagnosisEvent extends Base {
  type: 'diagnosis';
  kind: DiagnosisKind;
  epoch: number;
  setting: DiagnosisSetting;
  evidence: Record<string, number | null | Array<number | null>>;
  message: string;
}

export interface CheckpointEvent extends Base {
  type: 'checkpoint';
  /** Epochs completed; for a checkpoint written mid-epoch (on cancel), the epoch in progress. */
  epoch: number;
  step: number;
  /** Relative to the run directory, with forward slashes. */
  path: string;
  best: boolean;
}

export type EndStatus = 'completed' | 'cancelled' | 'early-stopped' | 'failed';

export interface EndEvent extends Base {
  type: 'end';
  status: EndStatus;
  /** Epochs completed; null only after a second signal. */
  epochs: number | null;
  bestEpoch: number | null;
  bestValLoss: number | null;
  testLoss: number | null;
  testAccuracy: number | null;
  seconds: number | null;
  reason: string | null;
}

export type ErrorCode = 'no-torch' | 'data' | 'module' | 'job' | 'device' | 'resume' | 'usage' | 'internal' | (string & {});

export interface ErrorEvent extends Base {
  type: 'error';
  code: ErrorCode;
  message: string;
}

export type TrainEvent = StartEvent | BatchEvent | EpochEvent | DiagnosisEvent | CheckpointEvent | EndEvent | ErrorEvent;
export type EventType = TrainEvent['type'];

export interface ParseError {
  error: string;
  line: string;
}

export function isParseError(x: TrainEvent | ParseError): x is ParseError {
  return 'error' in x && !('type' in x);
}

type Kind = 'string' | 'number' | 'boolean' | 'object';
/** A field: its kind, `?` for nullable. */
type Spec = Record<string, `${Kind}` | `${Kind}?` | 'array?' | readonly string[]>;

const PRECISIONS = ['fp32', 'bf16', 'fp16'] as const;
const SPECS: Record<EventType, Spec> = {
  start: {
    engine: ['torch', 'tfjs'],
    backend: 'string',
    device: 'string',
    precision: PRECISIONS,
    why: 'string',
    model: 'string',
    params: 'number',
    samples: 'number',
    valSamples: 'number?',
    testSamples: 'number?',
    epochs: 'number',
    batch: 'number',
    stepsPerEpoch: 'number',
    resumedFrom: 'number?',
  },
  batch: { step: 'number', epoch: 'number', loss: 'number?', accuracy: 'number', samplesPerSec: 'number', eta: 'number' },
  epoch: { epoch: 'number', loss: 'number?', accuracy: 'number', valLoss: 'number?', valAccuracy: 'number?', lr: 'number', seconds: 'number' },
  diagnosis: {
    kind: ['overfitting', 'underfitting', 'divergence', 'plateau'],
    epoch: 'number',
    setting: ['epochs', 'optimizer.lr', 'dropout', 'validation'],
    evidence: 'object',
    message: 'string',
  },
  checkpoint: { epoch: 'number', step: 'number', path: 'string', best: 'boolean' },
  end: {
    status: ['completed', 'cancelled', 'early-stopped', 'failed'],
    epochs: 'number?',
    bestEpoch: 'number?',
    bestValLoss: 'number?',
    testLoss: 'number?',
    testAccuracy: 'number?',
    seconds: 'number?',
    reason: 'string?',
  },
  error: { code: 'string', message: 'string' },
};

function check(value: unknown, spec: Spec[string]): string | null {
  if (Array.isArray(spec)) return typeof value === 'string' && spec.includes(value) ? null : `one of ${spec.join(', ')}`;
  const s = spec as string;
  const nullable = s.endsWith('?');
  const kind = nullable ? s.slice(0, -1) : s;
  if (value === null || value === undefined) return nullable && value === null ? null : nullable ? 'a value or null' : `a ${kind}`;
  if (kind === 'array') return Array.isArray(value) ? null : 'an array';
  if (kind === 'object') return typeof value === 'object' && !Array.isArray(value) ? null : 'an object';
  if (kind === 'number') return typeof value === 'number' && Number.isFinite(value) ? null : 'a finite number';
  return typeof value === kind ? null : `a ${kind}`;
}

/**
 * Parses and validates one line of the stream. Unknown keys are allowed (readers ignore them);
 * a missing key, a wrong type, an unknown `type` or another version is a ParseError.
 */
export function parseEvent(line: string): TrainEvent | ParseError {
  let obj: unknown;
  try {
    obj = JSON.parse(line);
  } catch (e) {
    return { error: `not JSON: ${(e as Error).message}`, line };
  }
  if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) return { error: 'not a JSON object', line };
  const o = obj as Record<string, unknown>;
  if (o.v !== EVENTS_VERSION) return { error: `version ${JSON.stringify(o.v)}; this reader knows version ${EVENTS_VERSION}`, line };
  if (typeof o.type !== 'string' || !(o.type in SPECS)) return { error: `unknown event type ${JSON.stringify(o.type)}`, line };
  if (typeof o.time !== 'string' || Number.isNaN(Date.parse(o.time))) return { error: `'time' must be an ISO-8601 time`, line };
  const spec = SPECS[o.type as EventType];
  for (const [key, want] of Object.entries(spec)) {
    if (!(key in o)) return { error: `${o.type} event: missing '${key}'`, line };
    const problem = check(o[key], want);
    if (problem) return { error: `${o.type} event: '${key}' must be ${problem}, not ${JSON.stringify(o[key])}`, line };
  }
  if (o.type === 'diagnosis') {
    for (const [k, v] of Object.entries(o.evidence as Record<string, unknown>)) {
      const ok = (x: unknown): boolean => x === null || typeof x === 'number';
      if (!(ok(v) || (Array.isArray(v) && v.every(ok)))) return { error: `diagnosis event: evidence '${k}' must be numbers`, line };
    }
  }
  return o as unknown as TrainEvent;
}
