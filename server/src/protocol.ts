// Messages between the NetLens server and its clients beyond standard LSP. The client imports
// these types; nothing here imports vscode or the server.
import type { SummaryJson } from './language/summary';

/** `netlens/summary`: the summary of one document's models, for the webview and other clients. */
export const SummaryRequest = 'netlens/summary';
export interface SummaryParams {
  uri: string;
  model?: string;
}
export interface SummaryResult {
  json: SummaryJson;
  /** The same summaries as text tables, one per model, as `netlens summary` prints them. */
  text: string[];
}

/** `netlens/summaryChanged`: sent after a document's analysis changes, so open summaries follow edits. */
export const SummaryChangedNotification = 'netlens/summaryChanged';
export interface SummaryChangedParams {
  uri: string;
  version: number;
}

/** The settings the server reads (section `netlens`). */
export interface Settings {
  inlayHints: { shapes: boolean; parameters: boolean };
  codeLens: { enabled: boolean };
}

export const DEFAULT_SETTINGS: Settings = {
  inlayHints: { shapes: true, parameters: false },
  codeLens: { enabled: true },
};

/** The command a code lens runs to show the summary (the client implements it). */
export const SHOW_SUMMARY_COMMAND = 'netlens.showSummary';

/** The "▶ Train" code lens above a train block: arguments [uri, model] (the client implements it). */
export const TRAIN_COMMAND = 'netlens.train';

/** The lens with the latest run's outcome: arguments [runDir] (the client opens the run). */
export const OPEN_RUN_COMMAND = 'netlens.openRun';
