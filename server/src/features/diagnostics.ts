// Core diagnostics → LSP diagnostics: code, source, a link to the code's entry in
// docs/diagnostics.md, and related information in whichever file it points at.
import type { Diagnostic as LspDiagnostic, DiagnosticRelatedInformation } from 'vscode-languageserver';
import { DiagnosticSeverity } from 'vscode-languageserver';
import type { Analysis, Diagnostic, Severity } from '../language/index';

const SEVERITY: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  info: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

/** The diagnostics of `uri` (the document or one of its imports) found while analysing `analysis`. */
export function toLspDiagnostics(analysis: Analysis, uri: string, docsUrl: string): LspDiagnostic[] {
  const lines = analysis.files.get(uri)?.lines;
  if (!lines) return [];
  return analysis.diagnostics.filter((d) => d.uri === uri).map((d) => toLsp(analysis, d, docsUrl));
}

function toLsp(analysis: Analysis, d: Diagnostic, docsUrl: string): LspDiagnostic {
  const lines = analysis.files.get(d.uri)!.lines;
  const diagnostic: LspDiagnostic = {
    range: lines.range(d.span),
    severity: SEVERITY[d.severity],
    code: d.code,
    codeDescription: { href: `${docsUrl}#${d.code.toLowerCase()}` },
    source: 'netlens',
    message: d.message,
  };
  if (d.related?.length) {
    diagnostic.relatedInformation = d.related.map(
      (r): DiagnosticRelatedInformation => ({
        location: { uri: r.uri, range: (analysis.files.get(r.uri)?.lines ?? lines).range(r.span) },
        message: r.message,
      }),
    );
  }
  if (d.data) diagnostic.data = d.data;
  return diagnostic;
}
