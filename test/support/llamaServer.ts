// A real llama.cpp server on 127.0.0.1 for the tests and benchmarks (fetched by scripts/llama-server.sh
// into .vscode-test/llama.cpp; run through Debian unstable's own loader, see ../shared/docs/real-engines.md).
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { freePort } from './ports';

/** The checkout: this file runs from test/support (unit) or bundled into out/test (integration). */
function repoRoot(): string {
  let dir = __dirname;
  while (!existsSync(join(dir, 'scripts', 'llama-server.sh')) && dirname(dir) !== dir) dir = dirname(dir);
  return dir;
}

const ROOT = repoRoot();
const DIR = join(ROOT, '.vscode-test', 'llama.cpp', 'root');
const LIB = join(DIR, 'usr', 'lib', 'x86_64-linux-gnu');
const BIN = join(DIR, 'usr', 'bin');

/** The shipped code model's weights as GGUF F32 (tools/gguf/code_model_gguf.py). */
export const CODE_MODEL_GGUF = join(ROOT, 'test', 'fixtures', 'gguf', 'genai-code-tiny-f32.gguf');
/** The name the test servers give it (`--alias`), which `/v1/models` lists. */
export const CODE_MODEL_ALIAS = 'genai-code-tiny';

export function llamaServerAvailable(): boolean {
  return existsSync(join(BIN, 'llama-server')) && existsSync(join(LIB, 'ld-linux-x86-64.so.2'));
}

/** tools/real-arch's Qwen2 fixture with the real Qwen tokenizer, as GGUF (tools/gguf/qwen2_gguf.py). */
export const QWEN2_GGUF = join(ROOT, 'test', 'fixtures', 'gguf', 'qwen2-tiny-f32.gguf');

export interface LlamaServerOptions {
  model?: string;
  /** The model id the server lists (default genai-code-tiny). */
  alias?: string;
  apiKey?: string;
  /** Context the server allocates (default: the model's). */
  contextSize?: number;
  /** Parallel slots (each with its own prompt cache). */
  slots?: number;
  threads?: number;
}

export interface LlamaServer {
  url: string;
  port: number;
  pid: number;
  /** Everything the server logged (it logs each request, and a cancelled one as such). */
  log(): string;
  /** Resolves once the server has logged a task it cancelled (its client went away) and every slot is idle again. */
  cancelSeen(): Promise<void>;
  stop(): Promise<void>;
}

/** Runs one of the Debian binaries (llama-server, llama-quantize) through the loader. */
export function spawnLlamaTool(tool: string, args: string[]): ChildProcess {
  const loader = join(LIB, 'ld-linux-x86-64.so.2');
  const libraryPath = [LIB, join(LIB, 'llama'), join(LIB, 'ggml', 'backends0')].join(':');
  return spawn(loader, ['--library-path', libraryPath, join(BIN, tool), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Starts a server and resolves once `/health` says the model is loaded. */
export async function startLlamaServer(options: LlamaServerOptions = {}): Promise<LlamaServer> {
  const port = await freePort();
  const args = ['-m', options.model ?? CODE_MODEL_GGUF, '--alias', options.alias ?? CODE_MODEL_ALIAS, '--host', '127.0.0.1', '--port', String(port), '-t', String(options.threads ?? 2), '-np', String(options.slots ?? 1), '--metrics', '--slots'];
  if (options.apiKey) args.push('--api-key', options.apiKey);
  if (options.contextSize) args.push('-c', String(options.contextSize));
  const child = spawnLlamaTool('llama-server', args);
  let log = '';
  child.stdout!.on('data', (d: Buffer) => (log += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (log += d.toString()));
  const exited = new Promise<void>((resolveExit) => child.once('exit', () => resolveExit()));
  const url = `http://127.0.0.1:${port}`;
  const server: LlamaServer = {
    url,
    port,
    pid: child.pid!,
    log: () => log,
    cancelSeen: async () => {
      const slotsIdle = async () => ((await (await fetch(`${url}/slots`)).json()) as { is_processing: boolean }[]).every((slot) => !slot.is_processing);
      // Waits for the state, not for a time.
      while (!/cancel task/.test(log) || !(await slotsIdle())) await new Promise((r) => setTimeout(r, 20));
    },
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
  // Wait for the state (health answers 200 once the model is loaded), not for a time.
  for (;;) {
    if (child.exitCode !== null) throw new Error(`llama-server exited with ${child.exitCode} before it was ready:\n${log.slice(-2000)}`);
    const healthy = await fetch(`${url}/health`).then((r) => r.ok, () => false);
    if (healthy) return server;
    await new Promise((r) => setTimeout(r, 50));
  }
}
