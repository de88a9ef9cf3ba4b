// Observed behaviour (NN6xx): what the latest training run of a model showed, read by the caller
// from its run directory, becomes a diagnostic on the line of the train block it concerns. A
// diagnosis is shown only while the setting it blames still has the value the run trained with:
// once the person changes `epochs` or `lr`, the old evidence no longer describes the file.
import type { Code, Reporter } from './diagnostics';
import type { ModelResult } from './elaborate';
import type { Span } from './text';
import type { TrainConfig, TrainResult } from './train';

export type ObservedKind = 'overfitting' | 'underfitting' | 'divergence' | 'plateau';
export type ObservedStatus = 'running' | 'completed' | 'cancelled' | 'early-stopped' | 'failed' | 'interrupted';

export interface ObservedDiagnosis {
  kind: ObservedKind;
  epoch: number;
  /** The setting the trainer blames: epochs, optimizer.lr, dropout or validation. */
  setting: string;
  message: string;
}

/** One run directory, as the editor needs it (docs/events.md has the stream it comes from). */
export interface ObservedRun {
  /** The run directory's name, its timestamp: how messages name the run. */
  name: string;
  /** The run directory (a path), for links. */
  dir: string;
  status: ObservedStatus;
  /** The settings the run trained with (job.json), to tell whether the file still has them. */
  settings: { epochs?: number; optimizer?: string; lr?: number; validation?: boolean };
  /** Trainable parameters of the model it trained (the start event). */
  params?: number;
  epochs: number;
  totalEpochs?: number;
  bestEpoch: number | null;
  bestValAccuracy: number | null;
  lastAccuracy: number | null;
  testAccuracy: number | null;
  diagnoses: ObservedDiagnosis[];
}

/** The latest run of `model` trained from the file `fromUri`, or undefined when it has none. */
export type ObservedReader = (model: string, fromUri: string) => ObservedRun | undefined;

export interface Observation {
  run: ObservedRun;
  /** Why the run no longer describes the file (the model changed), or undefined. */
  stale?: string;
}

/** The diagnostic code of each kind of observed behaviour. */
export const OBSERVED_CODES: Record<ObservedKind, Code> = { overfitting: 'NN601', underfitting: 'NN602', divergence: 'NN603', plateau: 'NN604' };

export function judgeObserved(train: TrainResult, model: ModelResult | undefined, uri: string, reporter: Reporter, read?: ObservedReader): Observation | undefined {
  if (!read || train.decl.model.missing) return undefined;
  const run = read(train.config.model, uri);
  if (!run) return undefined;
  const stale = model && run.params !== undefined && model.complete && run.params !== model.params.trainable
    ? `the model now has ${model.params.trainable.toLocaleString('en-US')} parameters; run ${run.name} trained ${run.params.toLocaleString('en-US')}`
    : undefined;
  if (stale) return { run, stale };
  for (const diagnosis of run.diagnoses) {
    if (!stillApplies(diagnosis.setting, run, train.config)) continue;
    reporter.report(OBSERVED_CODES[diagnosis.kind], spanFor(diagnosis.setting, train), `run ${run.name}, epoch ${diagnosis.epoch}: ${diagnosis.message}`, {
      data: { train: train.config.model, kind: diagnosis.kind, setting: diagnosis.setting, bestEpoch: run.bestEpoch, epochs: train.config.epochs, lr: train.config.optimizer.lr, run: run.dir },
    });
  }
  return { run };
}

/** False once the setting the diagnosis blames differs from what the run trained with. */
function stillApplies(setting: string, run: ObservedRun, config: TrainConfig): boolean {
  const was = run.settings;
  switch (setting) {
    case 'epochs':
      return was.epochs === undefined || was.epochs === config.epochs;
    case 'optimizer.lr':
      return (was.lr === undefined || was.lr === config.optimizer.lr) && (was.optimizer === undefined || was.optimizer === config.optimizer.name);
    case 'validation':
      return was.validation === undefined || was.validation === (config.validation !== undefined);
    default:
      return true;
  }
}

/** The value the diagnosis is about; the `train` keyword when that setting is not written. */
function spanFor(setting: string, train: TrainResult): Span {
  const spans = train.config.spans;
  switch (setting) {
    case 'epochs':
      return spans['epochs.value'] ?? spans.epochs ?? train.decl.keyword;
    case 'optimizer.lr':
      return spans['optimizer.lr'] ?? spans.optimizer ?? train.decl.keyword;
    default:
      return train.decl.keyword;
  }
}

/** "completed · best val acc 98.6% (epoch 4) · test acc 98.4%": one line for lenses and hovers. */
export function observedText(run: ObservedRun): string {
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
  const parts: string[] = [run.status === 'running' ? `running, epoch ${run.epochs + 1}${run.totalEpochs ? `/${run.totalEpochs}` : ''}` : `${run.status} after ${run.epochs} epoch${run.epochs === 1 ? '' : 's'}`];
  if (run.bestValAccuracy !== null) parts.push(`best val acc ${pct(run.bestValAccuracy)}${run.bestEpoch !== null ? ` (epoch ${run.bestEpoch})` : ''}`);
  else if (run.lastAccuracy !== null) parts.push(`train acc ${pct(run.lastAccuracy)}`);
  if (run.testAccuracy !== null) parts.push(`test acc ${pct(run.testAccuracy)}`);
  return parts.join(' · ');
}
