#!/usr/bin/env node
// Starts code-server (a real VS Code in the browser) on 127.0.0.1 with this checkout's extension and the
// persistent sample workspace, prints the URL and stays in the foreground until Ctrl+C, then stops the
// whole process group. Normally run through `npm start` (scripts/start.sh), which builds first.
//
//   node scripts/start-server.mjs [folder]     default folder: .vscode-test/sample-workspace
//   PORT=8080                                  fixed port (default: a free one)
//
// Persistent (kept between runs, ignored by git): .vscode-test/sample-workspace (your edits),
// .vscode-test/start/data (user settings, state). Per run: HOME/XDG/TMPDIR in /tmp/gstart-*, removed at exit.
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { repoRoot, vscodeTestDir, ensureRuntime, cleanUserSettings, codeServerArgs, CODE_SERVER_VERSION } from './vscode-runtime.mjs';
import { makeRunDir, freePort, spawnGroup, killGroup, killGroupSync, killByMarker, waitForHttp, writeSettings, removeDir } from './lib/procs.mjs';

const paths = await ensureRuntime({ quiet: true });
const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8'));
if (!existsSync(join(repoRoot, pkg.main ?? 'dist/extension.js'))) {
  console.error(`[start] ${pkg.main} is missing: run \`npm run build\` (or \`npm start\`, which builds)`);
  process.exit(1);
}

// The folder to open: the persistent copy of the sample workspace unless one is given.
const workspace = process.argv[2] ? resolve(process.argv[2]) : join(vscodeTestDir, 'sample-workspace');
if (!process.argv[2] && !existsSync(workspace)) {
  cpSync(join(repoRoot, 'test', 'fixtures', 'workspace'), workspace, { recursive: true });
  console.log(`[start] created the sample workspace ${workspace} (a copy of test/fixtures/workspace; edits are kept)`);
}

// Persistent user data; a fresh extensions dir each run holding this checkout as the one extension.
const startDir = join(vscodeTestDir, 'start');
const userDataDir = join(startDir, 'data');
const extensionsDir = join(startDir, 'ext');
rmSync(extensionsDir, { recursive: true, force: true });
mkdirSync(extensionsDir, { recursive: true });
symlinkSync(repoRoot, join(extensionsDir, `${pkg.publisher}.${pkg.name}-${pkg.version}`), 'dir');
const settingsFile = join(userDataDir, 'User', 'settings.json');
if (!existsSync(settingsFile)) writeSettings(settingsFile, cleanUserSettings);

const run = makeRunDir('gstart');
const port = process.env.PORT ? Number(process.env.PORT) : await freePort();
if (!Number.isInteger(port) || port <= 0 || port > 65535) {
  console.error(`[start] invalid PORT=${process.env.PORT}`);
  process.exit(1);
}
const config = join(run.dir, 'config.yaml');
writeFileSync(config, `bind-addr: 127.0.0.1:${port}\nauth: none\ncert: false\n`);

const env = { ...process.env, ...run.env, PATH: `${dirname(paths.node24)}:${process.env.PATH ?? ''}` };
delete env.ELECTRON_RUN_AS_NODE;
delete env.VSCODE_IPC_HOOK_CLI;
delete env.PORT; // code-server would read it as well; the bind address is explicit

const logFile = join(startDir, 'code-server.log');
writeFileSync(logFile, '');
const server = spawnGroup(
  paths.node24,
  codeServerArgs({ port, extensionsDir, userDataDir, config, workspace }),
  { env, cwd: run.dir, logFile, echo: process.env.GENAI_VERBOSE === '1' },
);

let stopping = false;
async function stop(code) {
  if (stopping) return;
  stopping = true;
  console.log('\n[start] stopping code-server...');
  await killGroup(server.pgid);
  killByMarker(run.id);
  removeDir(run.dir);
  process.exit(code);
}
process.on('exit', () => { killGroupSync(server.pgid); killByMarker(run.id); });
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(sig, () => stop(0));

let exited = null;
server.exited.then(async (r) => {
  exited = r;
  if (!stopping) {
    console.error(`[start] code-server exited (${r.code ?? r.signal}); see ${logFile}`);
    await stop(1);
  }
});

const base = `http://127.0.0.1:${port}`;
try {
  await waitForHttp(`${base}/healthz`, { timeoutMs: 90_000, isDead: () => exited && `exit ${exited.code ?? exited.signal}` });
} catch (err) {
  console.error(`[start] ${err.message}\n${readFileSync(logFile, 'utf8').split('\n').slice(-30).join('\n')}`);
  await stop(1);
}
// Readable when the path is plain, encoded otherwise.
const url = `${base}/?folder=${/^[\w./-]+$/.test(workspace) ? workspace : encodeURIComponent(workspace)}`;
console.log(`
  GenAI Studio is running in VS Code (code-server ${CODE_SERVER_VERSION}):

      ${url}

  Extension: ${repoRoot} (rebuild with \`npm run build\`, then reload the window)
  Workspace: ${workspace}
  Log:       ${logFile}
  Press Ctrl+C to stop.
`);
