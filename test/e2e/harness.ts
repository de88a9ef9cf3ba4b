// The pieces the end-to-end test drives: the .vsix, code-server (VS Code 1.100 in a browser,
// installed by test/e2e/setup.sh into test/e2e/.tools) and headless Chromium through
// playwright-core. Everything runs on 127.0.0.1 in a fresh temporary directory, and every
// process started here is stopped by process group.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { chromium, type Browser, type BrowserServer, type Page } from 'playwright-core';

export const root = join(__dirname, '../..');
export const tools = join(__dirname, '.tools');
export const codeServerBin = join(tools, 'node_modules/.bin/code-server');
export const chromiumPath = process.env.NETLENS_E2E_CHROMIUM ?? '/usr/bin/chromium';

/** Fails with what to run when the set-up has not been done. */
export function requireSetup(): void {
  const missing = [codeServerBin, chromiumPath].filter((p) => !existsSync(p));
  if (missing.length > 0) {
    throw new Error(`end-to-end set-up missing (${missing.join(', ')}): run \`bash test/e2e/setup.sh\` (CI's .ci/run does)`);
  }
}

export interface Vsix { path: string; bytes: number; buildMs: number; /** the temporary copy it was built in */ copy?: string }

/**
 * Builds netlens-<version>.vsix with `npm run package` (or takes NETLENS_E2E_VSIX, for harness
 * work). It runs in a copy of the repository (its node_modules linked), so that the build does not
 * rewrite dist/ under the other test files that spawn dist/server.js and dist/netlens.js meanwhile.
 */
export function buildVsix(): Vsix {
  const t0 = Date.now();
  const given = process.env.NETLENS_E2E_VSIX;
  if (given) return { path: given, bytes: statSync(given).size, buildMs: 0 };
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string; scripts?: Record<string, string> };
  if (!pkg.scripts?.package) throw new Error('package.json has no "package" script: `npm run package` must build netlens-<version>.vsix');
  const copy = mkdtempSync(join(tmpdir(), 'netlens-package-'));
  // Everything the build may read, less what is big or generated (dist/ is rebuilt in the copy).
  const skip = new Set(['node_modules', '.git', 'dist', 'runs', '.device', '.vitest-results.json', 'tsconfig.tsbuildinfo', 'test/e2e/.tools']
    .map((p) => join(root, p)));
  cpSync(root, copy, { recursive: true, filter: (src) => !skip.has(src) && !(dirname(src) === root && src.endsWith('.vsix')) });
  try {
    symlinkSync(join(root, 'node_modules'), join(copy, 'node_modules'), 'dir');
    const result = spawnSync('npm', ['run', 'package'], { cwd: copy, encoding: 'utf8', timeout: 150_000 });
    if (result.status !== 0) throw new Error(`npm run package failed (${result.status ?? result.signal}):\n${result.stdout}\n${result.stderr}`);
    const path = join(copy, `netlens-${pkg.version}.vsix`);
    if (!existsSync(path)) throw new Error(`npm run package did not write netlens-${pkg.version}.vsix:\n${result.stdout}`);
    return { path, bytes: statSync(path).size, buildMs: Date.now() - t0, copy };
  } catch (error) {
    rmSync(copy, { recursive: true, force: true });
    throw error;
  }
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Polls `probe` until it returns a value that is not undefined, or throws after `timeoutMs`. */
export async function waitFor<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>, everyMs = 250): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await sleep(everyMs);
  }
}

export interface Sandbox {
  dir: string;
  userDataDir: string;
  extensionsDir: string;
  workspace: string;
  env: NodeJS.ProcessEnv;
  log: string;
}

/** A fresh temporary home for one code-server: user data, extensions, XDG directories and a copy of examples/. */
export function makeSandbox(settings: Record<string, unknown>): Sandbox {
  // Outside the test run's temporary directory: a failed test's sandbox is kept for a look.
  const dir = mkdtempSync(join(process.env.NETLENS_OUTER_TMPDIR ?? tmpdir(), 'netlens-e2e-'));
  const userDataDir = join(dir, 'user-data');
  const extensionsDir = join(dir, 'extensions');
  const workspace = join(dir, 'examples');
  const xdg = (name: string) => { const p = join(dir, 'xdg', name); mkdirSync(p, { recursive: true }); return p; };
  mkdirSync(join(userDataDir, 'User'), { recursive: true });
  mkdirSync(extensionsDir, { recursive: true });
  writeFileSync(join(userDataDir, 'User', 'settings.json'), JSON.stringify(settings, null, 2));
  cpSync(join(root, 'examples'), workspace, { recursive: true });
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    XDG_CONFIG_HOME: xdg('config'),
    XDG_DATA_HOME: xdg('data'),
    XDG_CACHE_HOME: xdg('cache'),
    XDG_STATE_HOME: xdg('state'),
    XDG_RUNTIME_DIR: xdg('runtime'),
  };
  // code-server reads these; none must leak in from the developer's shell.
  for (const name of ['PASSWORD', 'HASHED_PASSWORD', 'PORT', 'CODE_SERVER_CONFIG', 'VSCODE_PROXY_URI', 'NODE_OPTIONS']) delete env[name];
  return { dir, userDataDir, extensionsDir, workspace, env, log: join(dir, 'code-server.log') };
}

export function installExtension(box: Sandbox, vsix: string): { ms: number; output: string } {
  const t0 = Date.now();
  const result = spawnSync(codeServerBin, [
    '--install-extension', vsix, '--force',
    '--extensions-dir', box.extensionsDir, '--user-data-dir', box.userDataDir,
    '--config', join(box.dir, 'config.yaml'),
  ], { env: box.env, encoding: 'utf8', timeout: 120_000 });
  const output = `${result.stdout}\n${result.stderr}`;
  if (result.status !== 0 || !/successfully installed/i.test(output)) {
    throw new Error(`code-server --install-extension ${vsix} failed (${result.status ?? result.signal}):\n${output}`);
  }
  return { ms: Date.now() - t0, output };
}

export interface CodeServer { process: ChildProcess; port: number; url: string }

/**
 * Starts code-server in its own process group (detached: setsid), and waits until it answers.
 * Workspace trust is off unless `trust` is set (then the user's settings decide).
 */
export async function startCodeServer(box: Sandbox, options: { trust?: boolean } = {}): Promise<CodeServer> {
  const port = await freePort();
  const out = openSync(box.log, 'a');
  const child = spawn(codeServerBin, [
    '--bind-addr', `127.0.0.1:${port}`, '--auth', 'none',
    '--disable-telemetry', '--disable-update-check', ...(options.trust ? [] : ['--disable-workspace-trust']),
    '--disable-getting-started-override', '--ignore-last-opened',
    '--user-data-dir', box.userDataDir, '--extensions-dir', box.extensionsDir,
    '--config', join(box.dir, 'config.yaml'),
  ], { env: box.env, detached: true, stdio: ['ignore', out, out] });
  groups.add(child);
  child.once('exit', () => groups.delete(child));
  const url = `http://127.0.0.1:${port}`;
  await waitFor('code-server to answer /healthz', 60_000, async () => {
    if (child.exitCode !== null) throw new Error(`code-server exited ${child.exitCode}:\n${readFileSync(box.log, 'utf8')}`);
    const res = await fetch(`${url}/healthz`);
    return res.ok ? true : undefined;
  }, 200);
  return { process: child, port, url };
}

// Process groups still running, killed on exit even if afterAll never ran.
const groups = new Set<ChildProcess>();
process.once('exit', () => { for (const child of groups) killGroup(child, 'SIGKILL'); });

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try { process.kill(-child.pid, signal); } catch { /* already gone */ }
}

/**
 * SIGTERM to the whole group, SIGKILL after a grace period; resolves when the leader has exited.
 * `sweep` (default) then SIGKILLs whatever of the group outlived its leader; without it, they are
 * left to finish, as after a real editor quits (a training run writing its last checkpoint).
 */
export async function stopGroup(child: ChildProcess | undefined, graceMs = 5_000, sweep = true): Promise<void> {
  if (!child || child.pid === undefined) return;
  const exited = child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve()
    : new Promise<void>((r) => child.once('exit', () => r()));
  killGroup(child, 'SIGTERM');
  const timer = setTimeout(() => killGroup(child, 'SIGKILL'), graceMs);
  await Promise.race([exited, sleep(graceMs + 2_000)]);
  clearTimeout(timer);
  if (!sweep) return;
  killGroup(child, 'SIGKILL'); // whatever of the group outlived its leader
  groups.delete(child);
}

export const chromiumArgs = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
  '--disable-dev-shm-usage',
];

export interface Chromium { server: BrowserServer; browser: Browser; page: Page }

export async function launchChromium(): Promise<Chromium> {
  const server = await chromium.launchServer({ executablePath: chromiumPath, headless: true, args: chromiumArgs, timeout: 60_000 });
  const browser = await chromium.connect(server.wsEndpoint(), { timeout: 60_000 });
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, deviceScaleFactor: 2 });
  const page = await context.newPage();
  return { server, browser, page };
}

export async function closeChromium(c: Chromium | undefined): Promise<void> {
  if (!c) return;
  await Promise.race([c.browser.close().catch(() => {}), sleep(10_000)]);
  await Promise.race([c.server.close().catch(() => {}), sleep(10_000)]);
  await c.server.kill().catch(() => {});
}

/**
 * Opens `box`'s workspace in the browser at 1600×900 and `file` in it: waits for the explorer to
 * list the file (the remote side is connected), opens it with Quick Open and waits for its tab.
 */
export async function openWorkspaceFile(page: Page, server: CodeServer, box: Sandbox, file: string): Promise<void> {
  await page.setViewportSize({ width: 1600, height: 900 });
  await page.goto(`${server.url}/?folder=${encodeURIComponent(box.workspace)}`, { waitUntil: 'domcontentloaded', timeout: 60_000 });
  await page.locator('.monaco-workbench').waitFor({ timeout: 90_000 });
  await page.locator('.explorer-folders-view .monaco-list-row', { hasText: file }).first().waitFor({ timeout: 90_000 });
  await quickOpen(page, file);
  await page.locator('.part.editor .tab.active', { hasText: file }).waitFor({ timeout: 30_000 });
}

/** Closes the browser and stops code-server; removes the sandbox unless `keep` (then says where it is). */
export async function tearDown(chrome: Chromium | undefined, server: CodeServer | undefined, box: Sandbox | undefined, keep: boolean): Promise<void> {
  await closeChromium(chrome);
  await stopGroup(server?.process);
  if (box && keep) console.log(`e2e sandbox kept: ${box.dir}`);
  else if (box) rmSync(box.dir, { recursive: true, force: true });
}

/** User settings every end-to-end test starts from: no tips, telemetry, updates, trust prompts or git. */
export const quietSettings = {
  'editor.minimap.enabled': false,
  'editor.stickyScroll.enabled': false,
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'extensions.ignoreRecommendations': true,
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'security.workspace.trust.enabled': false,
  'chat.commandCenter.enabled': false,
  'git.enabled': false,
  'files.autoSave': 'off',
};

/**
 * Opens `file` with Quick Open (Ctrl+P, its name, Enter); file search may lag the first time, so
 * it retries. Resolves with the moment Enter was pressed.
 */
export async function quickOpen(page: Page, file: string): Promise<number> {
  return waitFor(`Quick Open to offer ${file}`, 60_000, async () => {
    await page.keyboard.press('Escape');
    await page.keyboard.press('Control+P');
    const input = page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible', timeout: 5_000 });
    await input.fill('');
    await page.keyboard.type(file);
    const row = page.locator('.quick-input-list .monaco-list-row', { hasText: file }).first();
    try { await row.waitFor({ timeout: 5_000 }); } catch { return undefined; }
    const at = Date.now();
    await page.keyboard.press('Enter');
    return at;
  }, 0);
}


/**
 * Installs a stand-in for the Python extension (ms-python.python) whose public API, as the
 * @vscode/python-extension package reads it, selects `python` as the interpreter. The real
 * extension cannot be installed offline; what NetLens relies on is only this API's shape.
 */
export function installPythonExtensionStub(box: Sandbox, python: string): void {
  const dir = join(box.dir, 'python-extension-stub');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({
    name: 'python', publisher: 'ms-python', displayName: 'Python (test stand-in)', version: '9999.0.0',
    engines: { vscode: '^1.80.0' }, main: './extension.js', activationEvents: ['onStartupFinished'],
  }, null, 2));
  writeFileSync(join(dir, 'README.md'), 'A stand-in for the Python extension in the NetLens end-to-end test.\n');
  // The API's environments.getActiveEnvironmentPath and resolveEnvironment, as the package types them.
  writeFileSync(join(dir, 'extension.js'), `const vscode = require('vscode');
const python = ${JSON.stringify(python)};
exports.activate = () => ({
  ready: Promise.resolve(),
  environments: {
    getActiveEnvironmentPath: () => ({ id: python, path: python }),
    resolveEnvironment: async () => ({ id: python, path: python, executable: { uri: vscode.Uri.file(python), bitness: '64-bit', sysPrefix: '' } }),
  },
});
`);
  const vsce = join(root, 'node_modules/.bin/vsce');
  const packed = spawnSync(vsce, ['package', '--allow-missing-repository', '--skip-license', '--no-dependencies', '--out', 'stub.vsix'], { cwd: dir, encoding: 'utf8', timeout: 60_000 });
  if (packed.status !== 0) throw new Error(`vsce package (the Python extension stand-in) failed:\n${packed.stdout}\n${packed.stderr}`);
  installExtension(box, join(dir, 'stub.vsix'));
}
