#!/usr/bin/env node
// Runs the mocha integration suite (out/test/integration/index.js, see test/integration/index.ts) inside a
// real VS Code extension host.
//
// Default (works on this Linux machine, no desktop VS Code needed): the VS Code server bundled in
// code-server (scripts/vscode-runtime.mjs) + headless Chromium (playwright-core). The extension host only
// starts when a web client connects; the smoke-test driver forwards the test output to codeAutomationLog
// and the result to codeAutomationExit.
//
// With VSCODE_EXECUTABLE=/path/to/code (a desktop VS Code build): @vscode/test-electron runTests().
//
// Usage: node scripts/run-integration.mjs [--grep REGEX] [--keep] [--timeout SECONDS]
// Environment:
//   GENAI_TEST_SETTINGS        JSON object of extra settings (e.g. {"genaiStudio.storagePath":"${runDir}/storage"})
//   GENAI_TEST_SETTINGS_FILE   path to a JSON file of extra settings (merged before GENAI_TEST_SETTINGS)
//                              string values may use ${runDir} (the per-run folder) and ${workspace}
//   GENAI_TEST_GREP            same as --grep
//   GENAI_INTEGRATION_TIMEOUT  global timeout in seconds (default 600)
//   GENAI_TEST_KEEP=1          keep the per-run folder (it is always kept when the run fails)
//   GENAI_TEST_VERBOSE=1       also echo the server's output and the browser console
// Every process started for the run gets GENAI_TEST_RUN_DIR, GENAI_TEST_WORKSPACE and GENAI_TEST_RUN_ID in
// its environment (so the extension host and the tests can read them from process.env).
import { cpSync, existsSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { createRequire } from 'node:module';
import { repoRoot, ensureRuntime, assertChromium, loadPlaywright, chromiumArgs, cleanUserSettings } from './vscode-runtime.mjs';
import {
  makeRunDir, freePort, spawnGroup, killGroup, killGroupSync, killByMarker, waitForHttp,
  writeSettings, testSettingsFromEnv, removeDir,
} from './lib/procs.mjs';

const { values: opts } = parseArgs({
  options: {
    grep: { type: 'string' },
    keep: { type: 'boolean', default: false },
    timeout: { type: 'string' },
  },
});
const timeoutS = Number(opts.timeout ?? process.env.GENAI_INTEGRATION_TIMEOUT ?? 600);
const verbose = process.env.GENAI_TEST_VERBOSE === '1';
const keep = opts.keep || process.env.GENAI_TEST_KEEP === '1';
const grep = opts.grep ?? process.env.GENAI_TEST_GREP ?? '';

const extensionDevelopmentPath = repoRoot;
const extensionTestsPath = join(repoRoot, 'out', 'test', 'integration', 'index.js');
const fixtureWorkspace = join(repoRoot, 'test', 'fixtures', 'workspace');

function log(msg) {
  console.log(`[integration] ${msg}`);
}

function fail(msg) {
  console.error(`[integration] FAILED: ${msg}`);
  process.exit(1);
}

for (const [what, path] of [
  ['the built extension', join(repoRoot, JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')).main ?? 'dist/extension.js')],
  ['the compiled integration runner', extensionTestsPath],
]) {
  if (!existsSync(path)) fail(`${what} is missing (${path}); run \`node esbuild.mjs\` first`);
}

/** Per-run folder with the workspace copy and settings; shared by both modes. */
function prepareRun() {
  const run = makeRunDir('gs');
  const workspace = join(run.dir, 'ws');
  cpSync(fixtureWorkspace, workspace, { recursive: true });
  const vars = { runDir: run.dir, workspace };
  const settings = { ...cleanUserSettings, ...testSettingsFromEnv(vars) };
  run.env.GENAI_TEST_RUN_DIR = run.dir;
  run.env.GENAI_TEST_WORKSPACE = workspace;
  if (grep) run.env.GENAI_TEST_GREP = grep;
  return { ...run, workspace, settings };
}

// ---------------------------------------------------------------------------------------------------
// Desktop VS Code (another machine): @vscode/test-electron with an existing executable, no download.
// ---------------------------------------------------------------------------------------------------
async function runWithTestElectron(vscodeExecutablePath) {
  const { runTests } = createRequire(join(repoRoot, 'package.json'))('@vscode/test-electron');
  const run = prepareRun();
  const userDataDir = join(run.dir, 'data');
  const extensionsDir = join(run.dir, 'ext');
  writeSettings(join(userDataDir, 'User', 'settings.json'), run.settings);
  log(`desktop VS Code ${vscodeExecutablePath}; run folder ${run.dir}`);
  let code = 1;
  try {
    code = await runTests({
      vscodeExecutablePath,
      extensionDevelopmentPath,
      extensionTestsPath,
      // Only the run's own variables: desktop VS Code keeps the user's HOME (keychain, display...).
      extensionTestsEnv: Object.fromEntries(Object.entries(run.env).filter(([k]) => k.startsWith('GENAI_'))),
      launchArgs: [
        run.workspace,
        '--user-data-dir', userDataDir,
        '--extensions-dir', extensionsDir,
        '--disable-extensions', // other extensions; the one under development stays enabled
        '--disable-workspace-trust',
        '--skip-welcome',
        '--skip-release-notes',
        '--disable-telemetry',
        '--disable-updates',
        '--no-sandbox',
        '--disable-gpu',
      ],
    });
  } catch (err) {
    console.error(`[integration] test-electron: ${err?.message ?? err}`);
    code = typeof err === 'number' ? err : 1;
  } finally {
    killByMarker(run.id);
    if (code === 0 && !keep) removeDir(run.dir);
    else log(`run folder kept: ${run.dir}`);
  }
  return code;
}

// ---------------------------------------------------------------------------------------------------
// This machine: VS Code server (from code-server) + headless Chromium.
// ---------------------------------------------------------------------------------------------------
async function runWithServer() {
  const paths = await ensureRuntime({ quiet: true });
  assertChromium();
  const { chromium } = loadPlaywright();
  const run = prepareRun();
  const serverLog = join(run.dir, 'server.log');
  log(`run folder ${run.dir}`);

  // User settings: the server's user-data-dir (read by code-server's web client) and, for settings scoped
  // to the machine, the server's Machine settings too.
  writeSettings(join(run.dir, 'data', 'User', 'settings.json'), run.settings);
  writeSettings(join(run.dir, 'server', 'data', 'Machine', 'settings.json'), run.settings);

  const port = await freePort();
  const env = {
    ...process.env,
    ...run.env,
    PATH: `${dirname(paths.node24)}:${process.env.PATH ?? ''}`,
    VSCODE_CLI_DISABLE_KEYCHAIN_ENCRYPT: '1',
  };
  delete env.ELECTRON_RUN_AS_NODE;
  delete env.VSCODE_IPC_HOOK_CLI;

  let server = null;
  let browser = null;
  let finished = false;
  const cleanup = async () => {
    if (finished) return;
    finished = true;
    try { await browser?.close(); } catch {}
    if (server) await killGroup(server.pgid);
    const stragglers = killByMarker(run.id);
    if (stragglers.length) log(`killed ${stragglers.length} leftover process(es) that had left the group: ${stragglers.join(' ')}`);
  };
  // Last resort if the process dies abruptly.
  process.on('exit', () => { if (server) killGroupSync(server.pgid); killByMarker(run.id); });
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.on(sig, async () => {
      log(`${sig}: stopping`);
      await cleanup();
      process.exit(130);
    });
  }

  let exitCode = 1;
  const started = Date.now();
  try {
    server = spawnGroup(
      paths.node24,
      [
        paths.serverMain,
        '--host', '127.0.0.1',
        '--port', String(port),
        '--without-connection-token',
        '--accept-server-license-terms',
        '--enable-smoke-test-driver',
        '--disable-telemetry',
        '--disable-workspace-trust',
        '--extensions-dir', join(run.dir, 'ext'),
        '--user-data-dir', join(run.dir, 'data'),
        '--server-data-dir', join(run.dir, 'server'),
      ],
      { env, cwd: run.dir, logFile: serverLog, echo: verbose },
    );
    let serverExit = null;
    server.exited.then((r) => { serverExit = r; });

    const base = `http://127.0.0.1:${port}`;
    await waitForHttp(`${base}/version`, {
      timeoutMs: 90_000,
      isDead: () => serverExit && `exit ${serverExit.code ?? serverExit.signal}`,
    });
    log(`VS Code server listening on ${base} (${((Date.now() - started) / 1000).toFixed(1)} s)`);

    const remote = (p) => `vscode-remote://127.0.0.1:${port}${p}`;
    const payload = [
      ['extensionDevelopmentPath', remote(extensionDevelopmentPath)],
      ['extensionTestsPath', remote(extensionTestsPath)],
      ['skipWelcome', 'true'],
    ];
    const url = `${base}/?folder=${encodeURIComponent(run.workspace)}&payload=${encodeURIComponent(JSON.stringify(payload))}`;

    const context = await chromium.launchPersistentContext(join(run.dir, 'chromium'), {
      executablePath: paths.chromium,
      headless: true,
      args: chromiumArgs,
      viewport: { width: 1280, height: 800 },
    });
    browser = context;
    const page = context.pages()[0] ?? (await context.newPage());
    if (verbose) {
      page.on('console', (m) => console.log(`[browser:${m.type()}] ${m.text()}`));
      page.on('pageerror', (e) => console.log(`[browser:pageerror] ${e.message}`));
    }

    let resolveExit;
    const testsExited = new Promise((r) => { resolveExit = r; });
    // Workbench chatter that says nothing about the tests (shown with GENAI_TEST_VERBOSE=1).
    const noise = /^(Resolving connection token|Resolved connection token|Creating a socket|\[reconnection-grace-time\]|Updating additional builtin extensions cache|\[AgentHost|\[AccountPolicyGate\]|Creation of workbench contribution|\[Service Worker\]|getaddrinfo ENOTFOUND|Canceled: Canceled|.*ENOTFOUND (open-vsx\.org|marketplace|update\.code|default\.exp-tas))/;
    await page.exposeFunction('codeAutomationLog', (type, message) => {
      const text = Array.isArray(message) ? message.join(' ') : String(message);
      if (!verbose && noise.test(text)) return;
      if (type === 'error' || type === 'warn') process.stderr.write(text.endsWith('\n') ? text : `${text}\n`);
      else process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
    });
    await page.exposeFunction('codeAutomationExit', (code, logs) => {
      if (Array.isArray(logs)) {
        // The workbench hands over its log files: keep them in the run folder for post-mortems.
        for (const { relativePath, contents } of logs) {
          try {
            const file = join(run.dir, 'logs', String(relativePath).replace(/\.\.+/g, '_'));
            mkdirSync(dirname(file), { recursive: true });
            writeFileSync(file, contents);
          } catch {}
        }
      }
      resolveExit(Number(code));
    });

    const timeout = new Promise((r) => setTimeout(() => r('timeout'), timeoutS * 1000).unref());
    const serverDied = server.exited.then((r) => ({ serverDied: r }));
    await page.goto(url, { waitUntil: 'domcontentloaded', timeout: 60_000 });
    log('workbench loading; waiting for the extension host to run the tests');

    const outcome = await Promise.race([testsExited, timeout, serverDied]);
    if (outcome === 'timeout') {
      console.error(`[integration] FAILED: global timeout of ${timeoutS} s reached before the tests finished`);
      exitCode = 124;
    } else if (typeof outcome === 'object') {
      console.error(`[integration] FAILED: the VS Code server exited early (${outcome.serverDied.code ?? outcome.serverDied.signal})`);
      exitCode = 1;
    } else {
      exitCode = outcome;
      log(`tests finished with exit code ${exitCode} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    }
  } catch (err) {
    console.error(`[integration] FAILED: ${err?.stack ?? err}`);
    exitCode = 1;
  } finally {
    await cleanup();
    if (exitCode !== 0) {
      try {
        const tail = readFileSync(serverLog, 'utf8').split('\n').slice(-40).join('\n');
        console.error(`[integration] last lines of ${serverLog}:\n${tail}`);
      } catch {}
    }
    if (exitCode === 0 && !keep) removeDir(run.dir);
    else log(`run folder kept: ${run.dir} (server.log, logs/, ws/)`);
  }
  return exitCode;
}

const executable = process.env.VSCODE_EXECUTABLE;
const code = executable ? await runWithTestElectron(executable) : await runWithServer();
process.exit(code);
