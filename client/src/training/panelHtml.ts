// The training panel's page: a pure function, so it is tested without VS Code. The page is the
// header, two chart containers and the buttons; the bundled script (dist/webview/trainingPanel.js)
// fills them from the host's messages. The CSP allows that one script by nonce, uPlot's stylesheet
// from the extension, and the nonce'd style element below: no inline scripts, no eval.
import { EMPTY_HEADER, IDS, type Header } from './panelProtocol';

export interface PanelPageOptions {
  /** The webview's CSP source and a fresh nonce per page. */
  cspSource: string;
  nonce: string;
  /** dist/webview/trainingPanel.js and .css as webview URIs. */
  scriptUri: string;
  styleUri: string;
  /** The model and run, for the heading. */
  title: string;
  trusted: boolean;
  /** The header as it stands when the page is made; the script keeps it up to date. */
  header?: Header;
  /** The smoothing weight the slider starts at. */
  smoothing: number;
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** The page's Content-Security-Policy. uPlot draws on canvas and loads nothing, so nothing else is allowed. */
export function panelCsp(cspSource: string, nonce: string): string {
  return `default-src 'none'; script-src 'nonce-${nonce}'; style-src ${cspSource} 'nonce-${nonce}'; img-src ${cspSource};`;
}

/** Why training is off in a restricted workspace, in the panel's words. */
export const UNTRUSTED_TEXT =
  'Training is disabled: this workspace is not trusted. Training runs code — the PyTorch model NetLens generates from the .nn file, ' +
  'the trainer, and the data loaders it reads — so VS Code must trust the workspace first. ' +
  'Grant it with "Workspaces: Manage Workspace Trust"; the runs on disk are shown either way.';

export function renderPanel(options: PanelPageOptions): string {
  const h = options.header ?? EMPTY_HEADER;
  const { nonce } = options;
  const disabled = (enabled: boolean): string => (enabled && options.trusted ? '' : ' disabled');
  const untrusted = options.trusted ? '' : `<p id="${IDS.untrusted}" class="untrusted" role="alert">${escapeHtml(UNTRUSTED_TEXT)}</p>`;
  const weight = options.smoothing.toFixed(2);
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${panelCsp(options.cspSource, nonce)}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>${escapeHtml(options.title)}</title>
<link rel="stylesheet" href="${escapeHtml(options.styleUri)}">
<style nonce="${nonce}">${STYLE}</style>
</head>
<body>
<header>
<h1 id="${IDS.title}">${escapeHtml(options.title)}</h1>
${untrusted}
<dl class="facts">
${fact('Status', `<span id="${IDS.status}" class="status ${h.status}">${h.status}</span>`)}
${fact('Epoch', `<span id="${IDS.epoch}">${escapeHtml(h.epoch)}</span>`)}
${fact('Best epoch', `<span id="${IDS.bestEpoch}">${escapeHtml(h.bestEpoch)}</span> <span id="${IDS.bestDetail}" class="muted">${escapeHtml(h.bestDetail)}</span>`)}
${fact('Test accuracy', `<span id="${IDS.testAccuracy}">${escapeHtml(h.testAccuracy)}</span>`)}
${fact('Throughput', `<span id="${IDS.throughput}">${escapeHtml(h.throughput)}</span>`)}
${fact('ETA', `<span id="${IDS.eta}">${escapeHtml(h.eta)}</span>`)}
${fact('Engine', `<span id="${IDS.engine}">${escapeHtml(h.engine)}</span>`)}
</dl>
<p id="${IDS.reason}" class="reason">${escapeHtml(h.reason)}</p>
<div class="actions">
<button id="${IDS.cancel}" type="button"${disabled(h.canCancel)}>Cancel</button>
<button id="${IDS.resume}" type="button"${disabled(h.canResume)}>Resume</button>
<button id="${IDS.restart}" type="button"${disabled(h.canRestart)}>Train again</button>
<label class="smoothing">Smoothing <input id="${IDS.smoothing}" type="range" min="0" max="0.99" step="0.01" value="${weight}"> <span id="${IDS.smoothingValue}">${weight}</span></label>
</div>
</header>
<section class="chart"><h2>Loss</h2><div id="${IDS.lossChart}" data-points="0"></div></section>
<section class="chart"><h2>Accuracy</h2><div id="${IDS.accChart}" data-points="0"></div></section>
<section><h2>Diagnoses</h2><ul id="${IDS.diagnoses}" class="diagnoses"></ul></section>
<script nonce="${nonce}" src="${escapeHtml(options.scriptUri)}"></script>
</body>
</html>`;
}

function fact(term: string, value: string): string {
  return `<div><dt>${term}</dt><dd>${value}</dd></div>`;
}

const STYLE = `
body { font-family: var(--vscode-font-family); font-size: var(--vscode-font-size); color: var(--vscode-foreground); padding: 0 1em 2em; }
h1 { font-size: 1.3em; font-weight: 600; }
h2 { font-size: 1.05em; font-weight: 600; margin: 1.2em 0 0.4em; }
.facts { display: flex; flex-wrap: wrap; gap: 0.4em 1.6em; margin: 0.6em 0; }
.facts div { display: flex; flex-direction: column; }
.facts dt { opacity: 0.75; font-size: 0.9em; }
.facts dd { margin: 0; font-variant-numeric: tabular-nums; }
.muted { opacity: 0.65; }
.status.running { color: var(--vscode-charts-blue); }
.status.completed { color: var(--vscode-charts-green); }
.status.failed { color: var(--vscode-errorForeground); }
.status.cancelled, .status.early-stopped { color: var(--vscode-charts-yellow); }
.reason:empty { display: none; }
.reason { opacity: 0.85; }
.untrusted { border-left: 3px solid var(--vscode-editorWarning-foreground); padding: 0.4em 0.8em; background: var(--vscode-textBlockQuote-background); }
.actions { display: flex; flex-wrap: wrap; gap: 0.5em; align-items: center; }
button { font-family: inherit; color: var(--vscode-button-foreground); background: var(--vscode-button-background); border: 1px solid var(--vscode-button-border, transparent); padding: 0.25em 0.9em; cursor: pointer; }
button:hover:not(:disabled) { background: var(--vscode-button-hoverBackground); }
button:disabled { opacity: 0.5; cursor: default; }
.smoothing { margin-left: auto; display: flex; align-items: center; gap: 0.4em; }
.chart div[data-points] { min-height: 240px; }
.diagnoses { padding-left: 1.2em; }
.diagnoses li { margin: 0.2em 0; }
.diagnoses .kind { font-weight: 600; }
.uplot, .u-legend { font-family: var(--vscode-font-family); color: var(--vscode-foreground); }
.u-legend .u-marker { border-radius: 2px; }
`;
