// The editor snippets of docs/editors.md, run for real where the editor is installed: each
// marked block (`<!-- editors-test: NAME -->` before a fence) is taken from the page as it is,
// the editor is started headless with it, a .nn file with an error is opened, and the server's
// diagnostic must reach the editor. `netlens` is put on PATH as a shim for dist/netlens.js.
//
// CI needs Debian's `neovim` (0.7) and `emacs-nox` with `elpa-eglot`, and python3 ≥ 3.11 (for
// tomllib). A missing editor fails the test: nothing here is skipped.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = join(__dirname, '..');
const DOC = readFileSync(join(ROOT, 'docs', 'editors.md'), 'utf8');
const CLI = join(ROOT, 'dist', 'netlens.js');

const BROKEN = 'model M {\n  input 3x32x32\n  conv 8 kenrel=3\n}\n';
/** Where BROKEN's diagnostic is: line 3 (1-based), `kenrel`. */
const EXPECTED = { code: 'NN202', line: 3, message: "conv has no argument 'kenrel'; did you mean 'kernel'?" };

/** The fenced block after `<!-- editors-test: NAME -->`. */
function snippet(name: string): string {
  const match = new RegExp(`<!-- editors-test: ${name.replace(/\./g, '\\.')} -->\\s*\`\`\`[a-z]*\\n([\\s\\S]*?)\\n\`\`\``).exec(DOC);
  if (!match) throw new Error(`docs/editors.md has no block marked editors-test: ${name}`);
  return match[1]!;
}

/** The absolute path of a program on PATH, or a failure that says which Debian package to install. */
function need(program: string, debianPackages: string): string {
  const found = spawnSync('sh', ['-c', `command -v ${program}`], { encoding: 'utf8' });
  if (found.status !== 0 || !found.stdout.trim()) {
    throw new Error(`'${program}' is not installed; this test runs the docs/editors.md snippet in it. Install it with: apt-get install -y ${debianPackages}`);
  }
  return found.stdout.trim();
}

let dir: string;
let env: NodeJS.ProcessEnv;

beforeAll(() => {
  if (!existsSync(CLI)) throw new Error('dist/netlens.js is missing: run `npm run build` first');
  dir = mkdtempSync(join(tmpdir(), 'netlens-editors-'));
  const bin = join(dir, 'bin');
  mkdirSync(bin);
  // `netlens` as an installed package would have it: a command on PATH.
  writeFileSync(join(bin, 'netlens'), `#!/bin/sh\nexec "${process.execPath}" "${CLI}" "$@"\n`);
  chmodSync(join(bin, 'netlens'), 0o755);
  writeFileSync(join(dir, 'broken.nn'), BROKEN);
  // Editors keep state under HOME and XDG directories: keep them inside the temporary folder.
  env = {
    ...process.env,
    PATH: `${bin}${delimiter}${process.env.PATH ?? ''}`,
    HOME: dir,
    XDG_CONFIG_HOME: join(dir, 'config'),
    XDG_DATA_HOME: join(dir, 'data'),
    XDG_STATE_HOME: join(dir, 'state'),
    XDG_CACHE_HOME: join(dir, 'cache'),
  };
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('docs/editors.md', () => {
  it('marks a block for every editor it tests', () => {
    for (const name of ['neovim-0.7', 'neovim-0.8', 'neovim-0.11', 'emacs', 'helix']) expect(snippet(name)).not.toBe('');
  });

  it('`netlens lsp` needs a transport', () => {
    const run = spawnSync(process.execPath, [CLI, 'lsp'], { encoding: 'utf8' });
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('--stdio');
  });
});

describe('Neovim', () => {
  // Runs after the documented init.lua: waits for the diagnostic and writes what it found.
  const WAIT = `
local ok = vim.wait(20000, function() return #vim.diagnostic.get(0) > 0 end, 50)
local out = { filetype = vim.bo.filetype, clients = #vim.lsp.get_active_clients(), diagnostics = {} }
for _, d in ipairs(vim.diagnostic.get(0)) do
  table.insert(out.diagnostics, { line = d.lnum + 1, code = d.code, message = d.message, source = d.source })
end
local f = io.open(vim.env.NETLENS_RESULT, 'w')
f:write(vim.fn.json_encode(out))
f:close()
vim.cmd('qa!')
`;

  it('the Neovim 0.7 snippet brings the diagnostic into vim.diagnostic', () => {
    const nvim = need('nvim', 'neovim');
    const version = execFileSync(nvim, ['--version'], { encoding: 'utf8' }).split('\n')[0]!;
    const init = join(dir, 'init.lua');
    writeFileSync(init, snippet('neovim-0.7'));
    writeFileSync(join(dir, 'wait.lua'), WAIT);
    const result = join(dir, 'nvim.json');
    const run = spawnSync(nvim, ['--headless', '-i', 'NONE', '-u', init, 'broken.nn', '-c', `luafile ${join(dir, 'wait.lua')}`], { cwd: dir, env: { ...env, NETLENS_RESULT: result }, encoding: 'utf8', timeout: 60_000 });
    expect(existsSync(result), `${version} wrote no result (exit ${run.status}): ${run.stderr}${run.stdout}`).toBe(true);
    const out = JSON.parse(readFileSync(result, 'utf8')) as { filetype: string; clients: number; diagnostics: Array<{ line: number; code: string; message: string }> };
    expect(out.filetype).toBe('nn');
    expect(out.clients).toBe(1);
    expect(out.diagnostics).toContainEqual(expect.objectContaining({ line: EXPECTED.line, code: EXPECTED.code, message: expect.stringContaining(EXPECTED.message) }));
  });

  it('the snippets for newer Neovims are valid Lua', () => {
    const nvim = need('nvim', 'neovim');
    for (const name of ['neovim-0.11', 'neovim-0.8']) {
      const file = join(dir, `${name}.lua`);
      writeFileSync(file, snippet(name));
      const result = join(dir, `${name}.syntax`);
      // Compile without running: these APIs are not in Neovim 0.7.
      const check = `local f, err = loadfile(${JSON.stringify(file)}); local out = io.open(${JSON.stringify(result)}, 'w'); out:write(f and 'ok' or err); out:close()`;
      spawnSync(nvim, ['--headless', '-i', 'NONE', '-u', 'NONE', '-c', `lua ${check}`, '-c', 'qa!'], { cwd: dir, env, encoding: 'utf8', timeout: 30_000 });
      expect(readFileSync(result, 'utf8'), name).toBe('ok');
    }
  });
});

describe('Emacs', () => {
  // Runs after the documented init: opens the file, does what the command loop would do after
  // a command (eglot-ensure connects from post-command-hook), and waits for Flymake.
  const WAIT = `
(find-file (getenv "NETLENS_FILE"))
(run-hooks 'post-command-hook)
(let ((deadline (+ (float-time) 20)) diags lines)
  (while (and (null (setq diags (flymake-diagnostics))) (< (float-time) deadline))
    (accept-process-output nil 0.1))
  (setq lines (mapcar (lambda (d) (format "%d\\t%s\\t%s" (line-number-at-pos (flymake-diagnostic-beg d)) (flymake-diagnostic-type d) (flymake-diagnostic-text d))) diags))
  (let ((mode major-mode) (server (eglot-current-server)))
    (with-temp-file (getenv "NETLENS_RESULT")
      (insert (format "mode\\t%s\\neglot\\t%s\\n" mode (if server "connected" "none")))
      (dolist (l lines) (insert l "\\n")))))
(kill-emacs 0)
`;

  it('the eglot snippet brings the diagnostic into Flymake', () => {
    const emacs = need('emacs', 'emacs-nox elpa-eglot');
    const init = join(dir, 'init.el');
    writeFileSync(init, snippet('emacs'));
    writeFileSync(join(dir, 'wait.el'), WAIT);
    const result = join(dir, 'emacs.txt');
    // --batch reads no user init but does load Debian's site-start, which activates elpa-eglot.
    const run = spawnSync(emacs, ['--batch', '-l', init, '-l', join(dir, 'wait.el')], { cwd: dir, env: { ...env, NETLENS_FILE: join(dir, 'broken.nn'), NETLENS_RESULT: result }, encoding: 'utf8', timeout: 60_000 });
    if (/Cannot open load file.*eglot/.test(run.stderr)) throw new Error('Emacs has no eglot: install it with apt-get install -y elpa-eglot (Emacs 29 and later have it built in)');
    expect(existsSync(result), `emacs wrote no result (exit ${run.status}): ${run.stderr}`).toBe(true);
    const lines = readFileSync(result, 'utf8').trim().split('\n').map((l) => l.split('\t'));
    expect(lines[0]).toEqual(['mode', 'nn-mode']);
    expect(lines[1]).toEqual(['eglot', 'connected']);
    const diagnostic = lines.slice(2).find((l) => l[0] === String(EXPECTED.line));
    expect(diagnostic, readFileSync(result, 'utf8')).toBeDefined();
    expect(diagnostic![1]).toBe('eglot-error');
    expect(diagnostic![2]).toContain(EXPECTED.code);
    expect(diagnostic![2]).toContain(EXPECTED.message);
  });
});

describe('Helix (not installable here: the snippet is parsed and its command run)', () => {
  interface HelixConfig {
    'language-server': Record<string, { command: string; args?: string[] }>;
    language: Array<Record<string, unknown>>;
  }

  /** Parses TOML with Python's tomllib (3.11+): there is no TOML parser among our dependencies. */
  function parseToml(text: string): HelixConfig {
    const python = need('python3', 'python3');
    const run = spawnSync(python, ['-c', 'import json, sys, tomllib; print(json.dumps(tomllib.loads(sys.stdin.read())))'], { input: text, encoding: 'utf8' });
    if (run.status !== 0) throw new Error(`the Helix snippet is not valid TOML (or python3 is older than 3.11): ${run.stderr}`);
    return JSON.parse(run.stdout) as HelixConfig;
  }

  // The keys of a [[language]] section and of a [language-server.NAME] section that Helix's
  // documentation (book/src/languages.md) lists.
  const LANGUAGE_KEYS = ['name', 'language-id', 'scope', 'injection-regex', 'file-types', 'shebangs', 'roots', 'auto-format', 'diagnostic-severity', 'comment-token', 'comment-tokens', 'block-comment-tokens', 'indent', 'grammar', 'formatter', 'soft-wrap', 'text-width', 'workspace-lsp-roots', 'persistent-diagnostic-sources', 'language-servers', 'debugger', 'auto-pairs', 'rulers', 'path-completion', 'word-completion'];
  const SERVER_KEYS = ['command', 'args', 'config', 'timeout', 'environment', 'required-root-patterns'];

  it('is valid TOML with the keys Helix documents', () => {
    const config = parseToml(snippet('helix'));
    const server = config['language-server'].netlens!;
    expect(server).toEqual({ command: 'netlens', args: ['lsp', '--stdio'] });
    for (const key of Object.keys(server)) expect(SERVER_KEYS).toContain(key);
    const language = config.language.find((l) => l.name === 'nn')!;
    expect(language).toMatchObject({ scope: 'source.nn', 'file-types': ['nn'], 'language-servers': ['netlens'], 'comment-token': '#' });
    for (const key of Object.keys(language)) expect(LANGUAGE_KEYS).toContain(key);
  });

  it('its command runs the language server, which publishes the diagnostic', async () => {
    const server = parseToml(snippet('helix'))['language-server'].netlens!;
    const diagnostics = await diagnosticsOver(server.command, server.args ?? []);
    expect(diagnostics).toContainEqual(expect.objectContaining({ code: EXPECTED.code, range: expect.objectContaining({ start: expect.objectContaining({ line: EXPECTED.line - 1 }) }) }));
  });
});

interface LspDiagnostic {
  code: string;
  message: string;
  range: { start: { line: number; character: number } };
}

/** Starts `command args` as an LSP server over stdio, opens BROKEN, and returns its first diagnostics. */
function diagnosticsOver(command: string, args: string[]): Promise<LspDiagnostic[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: dir, env, stdio: ['pipe', 'pipe', 'pipe'] });
    let buffer = Buffer.alloc(0);
    let stderr = '';
    const timer = setTimeout(() => finish(new Error(`no diagnostics within 20 s; stderr: ${stderr}`)), 20_000);
    const send = (message: object): void => {
      const body = Buffer.from(JSON.stringify({ jsonrpc: '2.0', ...message }), 'utf8');
      child.stdin.write(`Content-Length: ${body.length}\r\n\r\n`);
      child.stdin.write(body);
    };
    const finish = (result: LspDiagnostic[] | Error): void => {
      clearTimeout(timer);
      child.kill();
      if (result instanceof Error) reject(result);
      else resolve(result);
    };
    child.on('error', (error) => finish(error));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout.on('data', (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk]);
      for (;;) {
        const end = buffer.indexOf('\r\n\r\n');
        if (end < 0) return;
        const length = Number(/Content-Length: (\d+)/i.exec(buffer.subarray(0, end).toString())?.[1]);
        if (buffer.length < end + 4 + length) return;
        const message = JSON.parse(buffer.subarray(end + 4, end + 4 + length).toString('utf8')) as { id?: number; method?: string; params?: { diagnostics?: LspDiagnostic[] } };
        buffer = buffer.subarray(end + 4 + length);
        if (message.id === 1 && message.method === undefined) {
          send({ method: 'initialized', params: {} });
          send({ method: 'textDocument/didOpen', params: { textDocument: { uri: `file://${join(dir, 'broken.nn')}`, languageId: 'nn', version: 1, text: BROKEN } } });
        } else if (message.method === 'textDocument/publishDiagnostics' && message.params?.diagnostics?.length) {
          finish(message.params.diagnostics);
        } else if (message.method !== undefined && message.id !== undefined) {
          // A request from the server (configuration, registration): answer with nothing.
          send({ id: message.id, result: message.method === 'workspace/configuration' ? [null] : null });
        }
      }
    });
    send({ id: 1, method: 'initialize', params: { processId: process.pid, rootUri: `file://${dir}`, capabilities: {} } });
  });
}
