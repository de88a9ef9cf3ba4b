// The language core's public surface: everything the server, the CLI, the runtime and the
// tests use. Nothing here does I/O or knows about LSP.
export { analyzeDocument, resolvePath, type Analysis, type AnalyzeOptions } from './analyze';
export { CODES, type Code, type Diagnostic, type Severity } from './diagnostics';
export type { Field, Group, Item, LayerNode, ModelResult } from './elaborate';
export { LAYERS, ACTIVATIONS, MERGE_MODES, type LayerSpec, type ArgSpec } from './layers';
export { formatShape, formatCount, formatScaled, formatBytes, type Shape } from './shapes';
export { LineIndex, type Position, type Range, type Span } from './text';
export { SETTINGS, type TrainConfig, type TrainResult, type DataSource } from './train';
export { verdictText, type DataFacts, type DataFactsReader, type Verdict, type Finding } from './risks';
export { THRESHOLDS } from './thresholds';
export { summarize, renderSummary, toJson, type ModelSummary, type SummaryJson } from './summary';
export { symbolIndex, symbolAt, findOccurrences, renameProblem, isName, type SymbolIndex, type SymbolDef, type SymbolRef, type SymbolAt, type DefKind, type RefRole, type Occurrence, type ImportLink, type Level } from './symbols';
export { observedText, OBSERVED_CODES, type ObservedReader, type ObservedRun, type ObservedDiagnosis, type ObservedKind, type ObservedStatus, type Observation } from './observed';
