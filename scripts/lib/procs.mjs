// Process and folder hygiene shared by run-integration.mjs, start-server.mjs and the e2e harness.
import { spawn } from 'node:child_process';
import { createWriteStream, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Environment variable every process of one run inherits; cleanup finds stragglers by it. */
export const RUN_MARKER = 'GENAI_TEST_RUN_ID';

/**
 * A per-run folder with a SHORT path (Unix socket paths are limited to ~107 characters), with
 * home/, xdg-config/, xdg-data/, xdg-cache/, tmp/ inside. Returns { dir, id, env } where env points
 * HOME, XDG_* and TMPDIR inside it and carries the run marker.
 */
export function makeRunDir(prefix = 'gs') {
  const base = process.platform === 'win32' ? process.env.TEMP ?? 'C:\\Temp' : '/tmp';
  const dir = mkdtempSync(join(base, `${prefix}-`));
  for (const sub of ['home', 'xdg-config', 'xdg-data', 'xdg-cache', 'xdg-state', 'tmp']) mkdirSync(join(dir, sub));
  const id = `${prefix}-${process.pid}-${randomBytes(4).toString('hex')}`;
  const env = {
    HOME: join(dir, 'home'),
    XDG_CONFIG_HOME: join(dir, 'xdg-config'),
    XDG_DATA_HOME: join(dir, 'xdg-data'),
    XDG_CACHE_HOME: join(dir, 'xdg-cache'),
    XDG_STATE_HOME: join(dir, 'xdg-state'),
    XDG_RUNTIME_DIR: join(dir, 'tmp'),
    TMPDIR: join(dir, 'tmp'),
    TMP: join(dir, 'tmp'),
    TEMP: join(dir, 'tmp'),
    [RUN_MARKER]: id,
  };
  return { dir, id, env };
}

/** A free TCP port on 127.0.0.1 (chosen by the kernel). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/**
 * Starts `cmd args` as the leader of a new session/process group (setsid), its output appended to
 * logFile. Returns { child, pgid, exited } where exited is a promise of { code, signal }.
 */
export function spawnGroup(cmd, args, { env, cwd, logFile, echo = false }) {
  const log = logFile ? createWriteStream(logFile, { flags: 'a' }) : null;
  const child = spawn(cmd, args, { env, cwd, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  for (const stream of [child.stdout, child.stderr]) {
    stream.on('data', (chunk) => {
      log?.write(chunk);
      if (echo) process.stdout.write(chunk);
    });
  }
  const exited = new Promise((resolve) => {
    child.on('exit', (code, signal) => resolve({ code, signal }));
    child.on('error', (err) => {
      log?.write(`spawn error: ${err.message}\n`);
      resolve({ code: -1, signal: null, error: err });
    });
  });
  exited.then(() => log?.end());
  return { child, pgid: child.pid, exited };
}

function groupAlive(pgid) {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

/** SIGTERM the whole process group, then SIGKILL whatever is left after graceMs. */
export async function killGroup(pgid, graceMs = 3000) {
  if (!pgid || !groupAlive(pgid)) return;
  try { process.kill(-pgid, 'SIGTERM'); } catch {}
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline && groupAlive(pgid)) await sleep(100);
  if (groupAlive(pgid)) {
    try { process.kill(-pgid, 'SIGKILL'); } catch {}
  }
}

/** Synchronous last-resort version for process 'exit' handlers. */
export function killGroupSync(pgid) {
  if (!pgid) return;
  try { process.kill(-pgid, 'SIGKILL'); } catch {}
}

/**
 * Kills every process (other than this one) whose environment carries RUN_MARKER=id: catches children
 * that left the process group (setsid, detached spawns), e.g. an engine process started by the extension.
 * Returns the pids it killed. Linux only (/proc); a no-op elsewhere.
 */
export function killByMarker(id, signal = 'SIGKILL') {
  const killed = [];
  if (process.platform !== 'linux' || !id) return killed;
  const needle = Buffer.from(`${RUN_MARKER}=${id}\0`);
  let pids = [];
  try { pids = readdirSync('/proc').filter((n) => /^\d+$/.test(n)).map(Number); } catch { return killed; }
  for (const pid of pids) {
    if (pid === process.pid) continue;
    let environ;
    try { environ = readFileSync(`/proc/${pid}/environ`); } catch { continue; }
    if (environ.includes(needle)) {
      try { process.kill(pid, signal); killed.push(pid); } catch {}
    }
  }
  return killed;
}

/** Polls url until it answers with any HTTP status < 500; fails early when isDead() returns a reason. */
export async function waitForHttp(url, { timeoutMs = 60_000, isDead = () => null } = {}) {
  const deadline = Date.now() + timeoutMs;
  let lastError = 'no answer';
  while (Date.now() < deadline) {
    const dead = isDead();
    if (dead) throw new Error(`server stopped before it listened: ${dead}`);
    try {
      const res = await fetch(url, { redirect: 'manual', signal: AbortSignal.timeout(5000) });
      await res.arrayBuffer().catch(() => {});
      if (res.status < 500) return;
      lastError = `HTTP ${res.status}`;
    } catch (err) {
      lastError = err.cause?.code ?? err.message;
    }
    await sleep(250);
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${url} (${lastError})`);
}

/** Writes a VS Code settings.json (creating its folder). */
export function writeSettings(file, settings) {
  mkdirSync(join(file, '..'), { recursive: true });
  writeFileSync(file, JSON.stringify(settings, null, 2) + '\n');
}

/**
 * Extra settings for tests: GENAI_TEST_SETTINGS (a JSON object) and/or GENAI_TEST_SETTINGS_FILE (path to a
 * JSON object), merged in that order over nothing. String values may use ${runDir} and ${workspace}.
 */
export function testSettingsFromEnv(vars) {
  let settings = {};
  const file = process.env.GENAI_TEST_SETTINGS_FILE;
  if (file) settings = { ...settings, ...JSON.parse(readFileSync(file, 'utf8')) };
  const inline = process.env.GENAI_TEST_SETTINGS;
  if (inline) settings = { ...settings, ...JSON.parse(inline) };
  const expand = (v) =>
    typeof v === 'string'
      ? v.replace(/\$\{(\w+)\}/g, (m, name) => (name in vars ? vars[name] : m))
      : Array.isArray(v)
        ? v.map(expand)
        : v && typeof v === 'object'
          ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, expand(x)]))
          : v;
  return expand(settings);
}

/** rm -rf that never throws. */
export function removeDir(dir) {
  try { rmSync(dir, { recursive: true, force: true, maxRetries: 3 }); } catch {}
}
