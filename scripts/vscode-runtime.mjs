#!/usr/bin/env node
// On-demand "real VS Code" runtime for tests and `npm start`, installed into the ignored folder
// .vscode-test/ (the same convention as @vscode/test-electron's download cache):
//   .vscode-test/node24/       Node 24 from the npm package node-linux-<arch>@NODE_VERSION
//   .vscode-test/code-server/  code-server@CODE_SERVER_VERSION (= VS Code 1.139.1) + playwright-core
//   .vscode-test/runtime.stamp JSON of the installed versions; when it matches, ensureRuntime() is instant
// Chromium comes from Debian (/usr/bin/chromium, see scripts/ensure-system.sh).
//
// Usage as a module:  import { ensureRuntime, runtimePaths } from './vscode-runtime.mjs';
//                     const paths = await ensureRuntime();  // installs when needed, returns the paths
// Usage as a script:  node scripts/vscode-runtime.mjs [--print]
//
// Environment: GENAI_VSCODE_TEST_DIR overrides the .vscode-test folder; CHROMIUM_PATH overrides the browser.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

export const NODE_VERSION = '24.22.3';
export const CODE_SERVER_VERSION = '4.139.1';
export const PLAYWRIGHT_CORE_SPEC = 'playwright-core@^1.65.1';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const vscodeTestDir = process.env.GENAI_VSCODE_TEST_DIR
  ? resolve(process.env.GENAI_VSCODE_TEST_DIR)
  : join(repoRoot, '.vscode-test');

const nodeArch = { x64: 'x64', arm64: 'arm64' }[process.arch];
const nodePackage = `node-linux-${nodeArch ?? process.arch}`;

/** Absolute paths of the runtime pieces (they exist only after ensureRuntime()). */
export const runtimePaths = Object.freeze({
  vscodeTestDir,
  nodeDir: join(vscodeTestDir, 'node24', 'node_modules', nodePackage),
  node24: join(vscodeTestDir, 'node24', 'node_modules', nodePackage, 'bin', 'node'),
  codeServerPrefix: join(vscodeTestDir, 'code-server'),
  codeServerDir: join(vscodeTestDir, 'code-server', 'node_modules', 'code-server'),
  /** code-server's own CLI entry (run it with node24). */
  codeServerEntry: join(vscodeTestDir, 'code-server', 'node_modules', 'code-server', 'out', 'node', 'entry.js'),
  /** The plain VS Code server bundled in code-server (accepts --enable-smoke-test-driver). */
  serverMain: join(vscodeTestDir, 'code-server', 'node_modules', 'code-server', 'lib', 'vscode', 'out', 'server-main.js'),
  playwrightCoreDir: join(vscodeTestDir, 'code-server', 'node_modules', 'playwright-core'),
  chromium: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
  stamp: join(vscodeTestDir, 'runtime.stamp'),
});

/** Chromium flags that keep headless Chromium quiet on a closed network (see shared/docs/real-vscode.md). */
export const chromiumArgs = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

/** User settings that give clean, deterministic screenshots and no network chatter. */
export const cleanUserSettings = Object.freeze({
  'workbench.startupEditor': 'none',
  'chat.disableAIFeatures': true,
  'telemetry.telemetryLevel': 'off',
  'extensions.autoUpdate': false,
  'extensions.autoCheckUpdates': false,
  'security.workspace.trust.enabled': false,
  'update.mode': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'git.enabled': false,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
});

const wantedStamp = { node: NODE_VERSION, nodePackage, codeServer: CODE_SERVER_VERSION, playwrightCore: PLAYWRIGHT_CORE_SPEC };

function log(msg) {
  console.log(`[vscode-runtime] ${msg}`);
}

function stampMatches() {
  try {
    const stamp = JSON.parse(readFileSync(runtimePaths.stamp, 'utf8'));
    return (
      Object.entries(wantedStamp).every(([k, v]) => stamp[k] === v) &&
      existsSync(runtimePaths.node24) &&
      existsSync(runtimePaths.serverMain) &&
      existsSync(runtimePaths.codeServerEntry) &&
      existsSync(join(runtimePaths.playwrightCoreDir, 'package.json'))
    );
  } catch {
    return false;
  }
}

/** code-server's command line for one workbench on 127.0.0.1 (npm start and the e2e harness). */
export function codeServerArgs({ port, extensionsDir, userDataDir, config, workspace, workspaceTrust = false }) {
  return [
    runtimePaths.codeServerEntry,
    '--bind-addr', `127.0.0.1:${port}`,
    '--auth', 'none',
    '--disable-telemetry',
    '--disable-update-check',
    ...(workspaceTrust ? [] : ['--disable-workspace-trust']),
    '--extensions-dir', extensionsDir,
    '--user-data-dir', userDataDir,
    '--config', config,
    workspace,
  ];
}

/**
 * Installs a VSIX as a person would (`code-server --install-extension`) into an extensions folder and
 * returns the folder it was unpacked to.
 */
export function installVsix({ vsix, extensionsDir, userDataDir, env }) {
  const before = new Set(existsSync(extensionsDir) ? readdirSync(extensionsDir) : []);
  execFileSync(runtimePaths.node24, [runtimePaths.codeServerEntry, '--extensions-dir', extensionsDir, '--user-data-dir', userDataDir, '--install-extension', vsix], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const added = readdirSync(extensionsDir).filter((name) => !before.has(name) && statSync(join(extensionsDir, name)).isDirectory());
  if (added.length !== 1) throw new Error(`installing ${vsix} added ${added.length} folders to ${extensionsDir}: ${added.join(', ')}`);
  return join(extensionsDir, added[0]);
}

/** The runtime is installed and its stamp matches (no install needed). */
export function isRuntimeReady() {
  return stampMatches();
}

function run(cmd, args, options) {
  return new Promise((resolvePromise, reject) => {
    log(`$ ${cmd} ${args.join(' ')}`);
    const child = spawn(cmd, args, { stdio: 'inherit', ...options });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (code === 0) resolvePromise();
      else reject(new Error(`${cmd} ${args.join(' ')} failed (${signal ?? `exit ${code}`})`));
    });
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** A directory lock so two concurrent test runs do not install into the same folder at once. */
async function withLock(fn) {
  mkdirSync(vscodeTestDir, { recursive: true });
  const lockDir = join(vscodeTestDir, '.install.lock');
  const deadline = Date.now() + 20 * 60_000;
  for (;;) {
    try {
      mkdirSync(lockDir);
      writeFileSync(join(lockDir, 'pid'), String(process.pid));
      break;
    } catch (err) {
      if (err.code !== 'EEXIST') throw err;
      // Stale lock: its owner died.
      let owner = NaN;
      try { owner = Number(readFileSync(join(lockDir, 'pid'), 'utf8')); } catch {}
      let alive = false;
      if (Number.isInteger(owner) && owner > 0) {
        try { process.kill(owner, 0); alive = true; } catch {}
      } else {
        // pid file not written yet, or unreadable: give it a few seconds unless old.
        try { alive = Date.now() - statSync(lockDir).mtimeMs < 10_000; } catch {}
      }
      if (!alive) { rmSync(lockDir, { recursive: true, force: true }); continue; }
      if (Date.now() > deadline) throw new Error(`timed out waiting for the install lock ${lockDir} (pid ${owner})`);
      log(`another install (pid ${owner}) is running; waiting...`);
      await sleep(3000);
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(lockDir, { recursive: true, force: true });
  }
}

/**
 * Installs Node 24, code-server and playwright-core into .vscode-test/ when the stamp is missing or stale.
 * Returns runtimePaths. A second call with a matching stamp returns at once.
 */
export async function ensureRuntime({ quiet = false } = {}) {
  if (stampMatches()) {
    if (!quiet) log(`ready (code-server ${CODE_SERVER_VERSION}, node ${NODE_VERSION}) in ${vscodeTestDir}`);
    return runtimePaths;
  }
  if (process.platform !== 'linux' || !nodeArch) {
    throw new Error(
      `the on-demand code-server runtime supports linux x64/arm64 only (this is ${process.platform}/${process.arch}); ` +
        'on other machines use a desktop VS Code with VSCODE_EXECUTABLE=... (see scripts/run-integration.mjs)',
    );
  }
  return withLock(async () => {
    if (stampMatches()) return runtimePaths; // someone else finished it while we waited
    const started = Date.now();
    rmSync(runtimePaths.stamp, { force: true });
    const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
    // Drop the npm_* variables of an enclosing `npm test`/`npm start`: npm_config_user_agent in particular
    // carries that npm's Node version (20), which code-server's postinstall would read instead of 24's.
    const cleanEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k)));
    const baseEnv = { ...cleanEnv, npm_config_fund: 'false', npm_config_audit: 'false', npm_config_update_notifier: 'false' };

    // 1. Node 24 (code-server 4.139 requires it; it is also the Node of the extension host).
    const nodePrefix = join(vscodeTestDir, 'node24');
    if (!existsSync(runtimePaths.node24)) {
      log(`installing Node ${NODE_VERSION} (${nodePackage}) into ${nodePrefix}`);
      mkdirSync(nodePrefix, { recursive: true });
      await run(npm, ['install', '--prefix', nodePrefix, '--no-save', '--no-package-lock', `${nodePackage}@${NODE_VERSION}`], { env: baseEnv });
    }

    // 2. code-server + playwright-core, built against Node 24 headers with Node 24 first on PATH.
    const prefix = runtimePaths.codeServerPrefix;
    mkdirSync(prefix, { recursive: true });
    // allowScripts: code-server's postinstall installs and builds VS Code's own modules (kerberos, spdlog,
    // node-pty...); it keeps working on npm versions that block dependency install scripts by default.
    const pkgJson = join(prefix, 'package.json');
    const manifest = { name: 'genai-studio-vscode-runtime', private: true, allowScripts: { 'code-server': true, argon2: true } };
    writeFileSync(pkgJson, JSON.stringify(manifest, null, 2) + '\n');
    const env = {
      ...baseEnv,
      PATH: `${dirname(runtimePaths.node24)}:${process.env.PATH ?? ''}`,
      npm_config_nodedir: runtimePaths.nodeDir,
      PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: '1',
    };
    log(`installing code-server@${CODE_SERVER_VERSION} and ${PLAYWRIGHT_CORE_SPEC} into ${prefix} (takes a few minutes)`);
    await run(npm, ['install', '--prefix', prefix, '--no-package-lock', '--no-save', `code-server@${CODE_SERVER_VERSION}`, PLAYWRIGHT_CORE_SPEC], { env });

    const vscodeModules = join(runtimePaths.codeServerDir, 'lib', 'vscode', 'node_modules');
    for (const p of [runtimePaths.serverMain, runtimePaths.codeServerEntry, join(runtimePaths.playwrightCoreDir, 'package.json'), join(vscodeModules, 'kerberos', 'build', 'Release', 'kerberos.node')]) {
      if (!existsSync(p)) throw new Error(`install finished but ${p} is missing`);
    }
    writeFileSync(runtimePaths.stamp, JSON.stringify({ ...wantedStamp, installedAt: new Date().toISOString() }, null, 2) + '\n');
    log(`installed in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    return runtimePaths;
  });
}

/** playwright-core: the repo's devDependency when installed, otherwise the runtime's copy. */
export function loadPlaywright() {
  const require = createRequire(join(repoRoot, 'package.json'));
  try {
    return require('playwright-core');
  } catch {
    return createRequire(join(runtimePaths.codeServerPrefix, 'package.json'))('playwright-core');
  }
}

/** Fails with a clear message when Debian's Chromium is missing. */
export function assertChromium() {
  if (!existsSync(runtimePaths.chromium)) {
    throw new Error(`Chromium not found at ${runtimePaths.chromium}; run scripts/ensure-system.sh (or set CHROMIUM_PATH)`);
  }
  return runtimePaths.chromium;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    const paths = await ensureRuntime();
    if (process.argv.includes('--print')) console.log(JSON.stringify(paths, null, 2));
  } catch (err) {
    console.error(`[vscode-runtime] FAILED: ${err.message}`);
    process.exit(1);
  }
}
