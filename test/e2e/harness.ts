// End-to-end harness: a real code-server (VS Code 1.139 in the browser) with this checkout's extension,
// driven by headless Chromium through playwright-core.
//
//   const wb = await startWorkbench();               // fresh copy of test/fixtures/workspace
//   await wb.openFile('src/math.ts');                // Ctrl+P
//   await wb.runCommand('GenAI Studio: Show Engine Status');   // F1 palette, by title
//   await wb.waitForQuickPick('GenAI Studio');       // or wb.waitForNotification(/text/)
//   await wb.screenshot('status');                   // -> test-results/status.png
//   await wb.close();                                // browser, server process group, run folder
//
// The extension is, by default, the repository folder itself, symlinked into a fresh --extensions-dir as
// genai-studio.genai-studio-<version>, so the checked-out dist/ (and node_modules/) is what runs: build with
// `node esbuild.mjs` first. With GENAI_TEST_VSIX=<file.vsix> (what `npm test` does) it is that VSIX,
// copied out of the checkout and installed once per run with `code-server --install-extension`, as a
// person installs it. Set GENAI_TEST_VERBOSE=1 to echo code-server's output and the browser console,
// GENAI_TEST_KEEP=1 to keep the per-run folder.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { BrowserContext, Page, Locator } from 'playwright-core';

/** Finds the repository root (the folder whose package.json is this extension's) above this file. */
function findRepoRoot(): string {
  let dir = __dirname;
  for (;;) {
    const pkg = path.join(dir, 'package.json');
    if (fs.existsSync(pkg) && JSON.parse(fs.readFileSync(pkg, 'utf8')).name === 'genai-studio') return dir;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`repository root (package.json named genai-studio) not found above ${__dirname}`);
    dir = parent;
  }
}

export const repoRoot = findRepoRoot();
export const resultsDir = path.join(repoRoot, 'test-results');
const verbose = process.env.GENAI_TEST_VERBOSE === '1';

interface RuntimePaths {
  node24: string;
  codeServerEntry: string;
  chromium: string;
}
interface RuntimeModule {
  ensureRuntime(opts?: { quiet?: boolean }): Promise<RuntimePaths>;
  assertChromium(): string;
  loadPlaywright(): typeof import('playwright-core');
  chromiumArgs: string[];
  cleanUserSettings: Record<string, unknown>;
  codeServerArgs(o: { port: number; extensionsDir: string; userDataDir: string; config: string; workspace: string; workspaceTrust?: boolean }): string[];
  installVsix(o: { vsix: string; extensionsDir: string; userDataDir: string; env: NodeJS.ProcessEnv }): string;
}
interface RunDir {
  dir: string;
  id: string;
  env: Record<string, string>;
}
interface Group {
  pgid: number;
  exited: Promise<{ code: number | null; signal: string | null }>;
}
interface ProcsModule {
  makeRunDir(prefix: string): RunDir;
  freePort(): Promise<number>;
  spawnGroup(cmd: string, args: string[], o: { env: NodeJS.ProcessEnv; cwd?: string; logFile?: string; echo?: boolean }): Group;
  killGroup(pgid: number, graceMs?: number): Promise<void>;
  killGroupSync(pgid: number): void;
  killByMarker(id: string): number[];
  waitForHttp(url: string, o: { timeoutMs?: number; isDead?: () => string | null }): Promise<void>;
  writeSettings(file: string, settings: Record<string, unknown>): void;
  removeDir(dir: string): void;
}

// The runtime helpers are plain ES modules under scripts/, shared with the integration runner and
// `npm start`; load them at run time (a computed path, so esbuild leaves the import alone).
async function loadScripts(): Promise<{ runtime: RuntimeModule; procs: ProcsModule }> {
  const url = (rel: string) => pathToFileURL(path.join(repoRoot, 'scripts', rel)).href;
  const [runtime, procs] = await Promise.all([import(url('vscode-runtime.mjs')), import(url('lib/procs.mjs'))]);
  return { runtime: runtime as RuntimeModule, procs: procs as ProcsModule };
}

const installed = new Map<string, string>();

/**
 * The folder of the extension installed from a VSIX, into a run folder of its own (nothing of the
 * checkout on its path) that is removed when the test process exits. Installed once per process
 * unless `fresh`.
 */
function installedFromVsix(vsix: string, fresh: boolean, runtime: RuntimeModule, procs: ProcsModule, node24: string): string {
  const done = installed.get(vsix);
  if (done && !fresh) return done;
  if (!fs.existsSync(vsix)) throw new Error(`${vsix} does not exist; run \`npm run package linux-x64\` first`);
  const run = procs.makeRunDir('gv');
  process.on('exit', () => procs.removeDir(run.dir));
  const copy = path.join(run.dir, path.basename(vsix));
  fs.copyFileSync(vsix, copy);
  const env = { ...process.env, ...run.env, PATH: `${path.dirname(node24)}:${process.env.PATH ?? ''}` };
  const folder = runtime.installVsix({ vsix: copy, extensionsDir: path.join(run.dir, 'ext'), userDataDir: path.join(run.dir, 'data'), env });
  installed.set(vsix, folder);
  return folder;
}

export interface StartOptions {
  /** Folder to open; default: a fresh copy of test/fixtures/workspace inside the run folder. */
  workspace?: string;
  /** Extra user settings (merged over the clean-screenshot defaults). */
  settings?: Record<string, unknown>;
  /** The VSIX to install and run; default GENAI_TEST_VSIX, and without either, this checkout. */
  vsix?: string;
  /** Install the VSIX anew for this workbench instead of once per process. */
  freshInstall?: boolean;
  /** Open the workspace in Restricted Mode, as VS Code opens a folder the user has not trusted. */
  untrusted?: boolean;
  /** Open a workspace whose one folder is this URI instead (a virtual folder, served by an extension in `extensions`). */
  virtualFolder?: string;
  /** Extension folders installed beside GenAI Studio (test fixtures). */
  extensions?: string[];
  /** Browser viewport; default 1440x900. */
  viewport?: { width: number; height: number };
  /** How long to wait for the workbench to appear (ms); default 90 s. */
  startTimeoutMs?: number;
}

export interface Workbench {
  page: Page;
  context: BrowserContext;
  /** URL of the running code-server (127.0.0.1). */
  url: string;
  /** The opened workspace folder. */
  workspace: string;
  /** The per-run folder (HOME, TMPDIR, user data, logs). */
  runDir: string;
  openFile(relativePath: string, timeoutMs?: number): Promise<void>;
  runCommand(title: string, timeoutMs?: number): Promise<void>;
  /** Waits for a quick pick whose title matches, returns the labels of its visible rows. */
  waitForQuickPick(title: string | RegExp, timeoutMs?: number): Promise<string[]>;
  closeQuickInput(): Promise<void>;
  /** Waits for a notification toast containing text; returns its text. */
  waitForNotification(text: string | RegExp, timeoutMs?: number): Promise<string>;
  /** Text of the active editor's visible lines (rendered text: non-breaking spaces become spaces). */
  activeEditorText(): Promise<string>;
  /**
   * Types each text at the cursor in turn until ghost text appears after one (waiting up to 20 s for
   * each); returns the suggestion, or '' if none came.
   */
  typeUntilSuggestion(texts: string[]): Promise<string>;
  screenshot(name: string): Promise<string>;
  /** Every http(s) or WebSocket request the page and its webviews made to a host other than 127.0.0.1. */
  requestsLeavingLocalhost: string[];
  /** Every request the engine made to the hub endpoint, its only use of the network (a counting server here). */
  hubRequests: string[];
  close(opts?: { keep?: boolean }): Promise<void>;
}

/** The elements VS Code draws an inline suggestion with. */
export const GHOST_TEXT = '.ghost-text-decoration, .ghost-text-decoration-preview, .ghost-text';

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function startWorkbench(options: StartOptions = {}): Promise<Workbench> {
  const { runtime, procs } = await loadScripts();
  const paths = await runtime.ensureRuntime({ quiet: true });
  runtime.assertChromium();
  const { chromium } = runtime.loadPlaywright();

  const pkg = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8'));
  const vsix = options.vsix ?? process.env.GENAI_TEST_VSIX;
  const extension = vsix ? installedFromVsix(path.resolve(vsix), options.freshInstall ?? false, runtime, procs, paths.node24) : repoRoot;
  const mainFile = path.join(extension, pkg.main ?? 'dist/extension.js');
  if (!fs.existsSync(mainFile)) throw new Error(`${mainFile} is missing; run \`node esbuild.mjs\` first`);

  const run = procs.makeRunDir('ge');
  const workspace = options.workspace ?? path.join(run.dir, 'ws');
  if (!options.workspace) fs.cpSync(path.join(repoRoot, 'test', 'fixtures', 'workspace'), workspace, { recursive: true });

  // The extension (the installed VSIX, or this checkout), linked into a fresh extensions folder.
  const extensionsDir = path.join(run.dir, 'ext');
  fs.mkdirSync(extensionsDir);
  fs.symlinkSync(extension, path.join(extensionsDir, vsix ? path.basename(extension) : `${pkg.publisher}.${pkg.name}-${pkg.version}`), 'dir');
  for (const other of options.extensions ?? []) {
    const manifest = JSON.parse(fs.readFileSync(path.join(other, 'package.json'), 'utf8'));
    fs.symlinkSync(other, path.join(extensionsDir, `${manifest.publisher}.${manifest.name}-${manifest.version}`), 'dir');
  }
  // A virtual folder opens through a workspace file that names it.
  const workspaceFile = options.virtualFolder && path.join(run.dir, 'virtual.code-workspace');
  if (workspaceFile) fs.writeFileSync(workspaceFile, JSON.stringify({ folders: [{ uri: options.virtualFolder }] }));

  const userDataDir = path.join(run.dir, 'data');
  const trust = options.untrusted ? { 'security.workspace.trust.enabled': true, 'security.workspace.trust.startupPrompt': 'never' } : {};
  const hubRequests: string[] = [];
  const hub = http.createServer((request, response) => {
    hubRequests.push(request.url ?? '');
    response.writeHead(404).end();
  });
  await new Promise<void>((resolve) => hub.listen(0, '127.0.0.1', resolve));
  const hubEndpoint = `http://127.0.0.1:${(hub.address() as AddressInfo).port}`;
  const settings = { ...runtime.cleanUserSettings, ...trust, 'genaiStudio.hubEndpoint': hubEndpoint, ...options.settings };
  procs.writeSettings(path.join(userDataDir, 'User', 'settings.json'), settings);
  procs.writeSettings(path.join(userDataDir, 'Machine', 'settings.json'), settings);

  const port = await procs.freePort();
  const config = path.join(run.dir, 'config.yaml');
  fs.writeFileSync(config, `bind-addr: 127.0.0.1:${port}\nauth: none\ncert: false\n`);
  const serverLog = path.join(run.dir, 'code-server.log');
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ...run.env,
    GENAI_TEST_RUN_DIR: run.dir,
    GENAI_TEST_WORKSPACE: workspace,
    PATH: `${path.dirname(paths.node24)}:${process.env.PATH ?? ''}`,
    // No extension gallery, as in an offline installation: otherwise the workbench itself asks
    // open-vsx.org about the installed extensions, which the requests check below would count.
    EXTENSIONS_GALLERY: '{}',
  };
  delete env.ELECTRON_RUN_AS_NODE;
  delete env.VSCODE_IPC_HOOK_CLI;

  const server = procs.spawnGroup(
    paths.node24,
    runtime.codeServerArgs({ port, extensionsDir, userDataDir, config, workspace: workspaceFile ?? workspace, workspaceTrust: options.untrusted }),
    { env, cwd: run.dir, logFile: serverLog, echo: verbose },
  );
  const onExit = () => {
    procs.killGroupSync(server.pgid);
    procs.killByMarker(run.id);
  };
  process.on('exit', onExit);

  let context: BrowserContext | undefined;
  let closed = false;
  const close = async ({ keep = process.env.GENAI_TEST_KEEP === '1' } = {}) => {
    if (closed) return;
    closed = true;
    try {
      await context?.close();
    } catch {
      /* already gone */
    }
    await procs.killGroup(server.pgid);
    procs.killByMarker(run.id);
    hub.close();
    process.off('exit', onExit);
    if (keep) console.log(`[e2e] run folder kept: ${run.dir}`);
    else procs.removeDir(run.dir);
  };

  try {
    let serverExit: { code: number | null; signal: string | null } | null = null;
    void server.exited.then((r) => (serverExit = r));
    const url = `http://127.0.0.1:${port}`;
    await procs.waitForHttp(`${url}/healthz`, {
      timeoutMs: 90_000,
      isDead: () => (serverExit ? `exit ${serverExit.code ?? serverExit.signal}; see ${serverLog}` : null),
    });

    context = await chromium.launchPersistentContext(path.join(run.dir, 'chromium'), {
      executablePath: paths.chromium,
      headless: true,
      args: runtime.chromiumArgs,
      viewport: options.viewport ?? { width: 1440, height: 900 },
    });
    // Webview resources (https://*.vscode-resource.vscode-cdn.net/...) are answered by the webview's
    // service worker from the extension's folder; a request a Content-Security-Policy blocks never starts.
    const requestsLeavingLocalhost: string[] = [];
    const leavesLocalhost = (url: string) => {
      const target = new URL(url);
      return /^(https?|wss?):$/.test(target.protocol) && target.hostname !== '127.0.0.1';
    };
    context.on('requestfinished', (request) => {
      if (!leavesLocalhost(request.url())) return;
      void request.response().then((response) => {
        if (!response?.fromServiceWorker()) requestsLeavingLocalhost.push(request.url());
      });
    });
    context.on('requestfailed', (request) => {
      if (leavesLocalhost(request.url()) && !/^csp$|ERR_BLOCKED_BY_CSP/.test(request.failure()?.errorText ?? '')) requestsLeavingLocalhost.push(`${request.url()} (${request.failure()?.errorText})`);
    });
    const page = context.pages()[0] ?? (await context.newPage());
    if (verbose) {
      page.on('console', (m) => console.log(`[browser:${m.type()}] ${m.text()}`));
      page.on('pageerror', (e) => console.log(`[browser:pageerror] ${e.message}`));
    }
    await page.goto(workspaceFile ? `${url}/?workspace=${encodeURIComponent(workspaceFile)}` : `${url}/?folder=${encodeURIComponent(workspace)}`, { waitUntil: 'domcontentloaded' });
    const startTimeout = options.startTimeoutMs ?? 90_000;
    await page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout: startTimeout });
    await page.locator('.part.statusbar').waitFor({ state: 'visible', timeout: startTimeout });
    // The explorer shows the workspace once the remote file system is connected.
    await page.locator('.explorer-folders-view .monaco-list-row').first().waitFor({ state: 'visible', timeout: startTimeout });

    const quickInput = page.locator('.quick-input-widget');
    const quickInputBox = quickInput.locator('input.input');

    /** Opens the quick input with a key, types text, clicks the row picked by match, retrying until timeout. */
    async function pickFromQuickInput(key: string, text: string, match: (row: Locator) => Locator, what: string, timeoutMs: number) {
      const deadline = Date.now() + timeoutMs;
      let attempt = 0;
      for (;;) {
        attempt++;
        await page.keyboard.press('Escape');
        await page.keyboard.press(key);
        await quickInput.waitFor({ state: 'visible', timeout: 10_000 });
        await quickInputBox.pressSequentially(text, { delay: 10 });
        const row = match(quickInput.locator('.quick-input-list .monaco-list-row')).first();
        try {
          await row.waitFor({ state: 'visible', timeout: Math.min(10_000, Math.max(1000, deadline - Date.now())) });
        } catch (err) {
          if (Date.now() > deadline) {
            await page.keyboard.press('Escape');
            throw new Error(`${what} not found after ${attempt} attempt(s) in ${timeoutMs} ms: ${(err as Error).message}`);
          }
          await sleep(1000); // e.g. the extension is still activating, or file search is indexing
          continue;
        }
        // Enter on the matching row (it may open another quick pick, so do not wait for this one to close).
        await row.click();
        return;
      }
    }

    const wb: Workbench = {
      page,
      context,
      url,
      workspace,
      runDir: run.dir,
      requestsLeavingLocalhost,
      hubRequests,

      async openFile(relativePath, timeoutMs = 30_000) {
        const name = path.basename(relativePath);
        const dir = path.dirname(relativePath);
        await pickFromQuickInput(
          'Control+P',
          relativePath,
          (rows) =>
            rows.filter({ has: page.locator('.label-name', { hasText: new RegExp(`^${escapeRegExp(name)}$`) }) }).filter(
              dir === '.' ? {} : { hasText: dir },
            ),
          `file ${relativePath} in quick open`,
          timeoutMs,
        );
        await page
          .locator('.tabs-container .tab.active', { hasText: name })
          .waitFor({ state: 'visible', timeout: 15_000 });
        await page.locator('.editor-group-container.active .monaco-editor .view-lines').waitFor({ state: 'visible', timeout: 15_000 });
      },

      async runCommand(title, timeoutMs = 60_000) {
        const exact = new RegExp(`^\\s*${escapeRegExp(title)}\\s*$`);
        await pickFromQuickInput(
          'F1',
          title,
          (rows) => rows.filter({ has: page.locator('.label-name', { hasText: exact }) }),
          `command "${title}" in the command palette`,
          timeoutMs,
        );
      },

      async waitForQuickPick(title, timeoutMs = 30_000) {
        const widget = page.locator('.quick-input-widget', { has: page.locator('.quick-input-title', { hasText: title }) });
        await widget.waitFor({ state: 'visible', timeout: timeoutMs });
        const rows = widget.locator('.quick-input-list .monaco-list-row');
        await rows.first().waitFor({ state: 'visible', timeout: timeoutMs });
        const labels = await rows.locator('.label-name').allInnerTexts();
        return labels.map((l) => l.replace(/\u00a0/g, ' ').trim());
      },

      async closeQuickInput() {
        await page.keyboard.press('Escape');
        await quickInput.waitFor({ state: 'hidden', timeout: 10_000 });
      },

      async waitForNotification(text, timeoutMs = 60_000) {
        const toast = page.locator('.notifications-toasts .notification-toast', { hasText: text }).first();
        await toast.waitFor({ state: 'visible', timeout: timeoutMs });
        return (await toast.innerText()).trim();
      },

      async activeEditorText() {
        const text = await page.locator('.editor-group-container.active .monaco-editor .view-lines').first().innerText();
        return text.replace(/\u00a0/g, ' ');
      },

      async typeUntilSuggestion(texts) {
        for (const text of texts) {
          await page.keyboard.type(text, { delay: 30 });
          const ghost = await page
            .locator(GHOST_TEXT)
            .first()
            .textContent({ timeout: 20_000 })
            .then((t) => (t ?? '').replace(/\u00a0/g, ' '))
            .catch(() => '');
          if (ghost.trim()) return ghost;
        }
        return '';
      },

      async screenshot(name) {
        fs.mkdirSync(resultsDir, { recursive: true });
        const file = path.join(resultsDir, `${name.replace(/[^\w.-]+/g, '_')}.png`);
        await page.screenshot({ path: file });
        return file;
      },

      close,
    };
    return wb;
  } catch (err) {
    // Leave evidence behind, then clean up.
    try {
      const page = context?.pages()[0];
      if (page) {
        fs.mkdirSync(resultsDir, { recursive: true });
        await page.screenshot({ path: path.join(resultsDir, 'startup-failure.png') });
      }
    } catch {
      /* ignore */
    }
    let tail = '';
    try {
      tail = fs.readFileSync(serverLog, 'utf8').split('\n').slice(-30).join('\n');
    } catch {
      /* ignore */
    }
    await close({ keep: true });
    throw new Error(`workbench did not start: ${(err as Error).message}\n--- ${serverLog} (last lines) ---\n${tail}`);
  }
}

/**
 * Mocha hooks for a suite that drives one workbench: started before the tests, a screenshot of
 * every failed test, closed after. Returns a getter for the running workbench.
 */
export function useWorkbench(options: StartOptions = {}): () => Workbench {
  let wb: Workbench | undefined;
  before(async () => {
    wb = await startWorkbench(options);
  });
  afterEach(async function () {
    if (this.currentTest?.state === 'failed' && wb) {
      const file = await wb.screenshot(`failed-${this.currentTest.fullTitle()}`).catch(() => undefined);
      if (file) console.log(`    screenshot of the failure: ${file}`);
    }
  });
  after(async () => {
    const leaving = wb?.requestsLeavingLocalhost ?? [];
    const hub = wb?.hubRequests ?? [];
    await wb?.close();
    // Nothing the workbench, the extension's webviews or their pages load may leave the machine, and
    // the engine downloads nothing for the shipped models.
    assert.deepEqual(leaving, [], 'requests that left 127.0.0.1');
    assert.deepEqual(hub, [], 'requests the engine made to the hub');
  });
  return () => wb!;
}

/**
 * What a panel's canvas shows, as a data URL of its pixels, or undefined while nothing is drawn on it
 * (panels draw images as opaque pixels, so a transparent first pixel means not drawn yet).
 */
export function canvasPicture(canvas: Locator): Promise<string | undefined> {
  return canvas.evaluate((element: HTMLCanvasElement) => {
    const context = element.getContext('2d');
    return context && context.getImageData(0, 0, 1, 1).data[3] === 255 ? element.toDataURL() : undefined;
  });
}
