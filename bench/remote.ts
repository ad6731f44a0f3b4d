// `npm run bench:remote [-- --max-keystrokes 300] [--interval-ms 40] [--editors 8] [--load-seconds 120]`:
// the same typing replay (bench/typingReplay.ts, the pinned corpus) against the local engine and against
// a real llama.cpp server (scripts/llama-server.sh) serving the same weights as GGUF, F32 and Q8_0
// (quantized here with llama-quantize), through both wire protocols: OpenAI-compatible
// /v1/completions with the engine's own FIM prompt, and llama.cpp's /infill (the server's own FIM
// template and prompt cache). Then a load run: N simulated editors typing at once against one server.
// Figures side by side from one run; nothing passes or fails.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { EngineProcess } from '../src/client/engineProcess';
import { DEFAULTS } from '../src/defaults';
import type { CompleteResult, RemoteApi, RemoteServer } from '../src/protocol';
import { CODE_MODEL_ALIAS, CODE_MODEL_GGUF, llamaServerAvailable, spawnLlamaTool, startLlamaServer, type LlamaServer } from '../test/support/llamaServer';
import { ROOT, benchSettings } from './benchSettings';
import { PINNED_CORPUS, filesAtRevision } from './corpus';
import { row } from './stats';
import { replayTyping, typingSpans, type ReplayResult, type Span } from './typingReplay';

function options() {
  const { values } = parseArgs({
    options: {
      'max-keystrokes': { type: 'string', default: '300' },
      'interval-ms': { type: 'string', default: '40' },
      editors: { type: 'string', default: '8' },
      'load-seconds': { type: 'string', default: '120' },
    },
  });
  return { maxKeystrokes: Number(values['max-keystrokes']), intervalMs: Number(values['interval-ms']), editors: Number(values.editors), loadSeconds: Number(values['load-seconds']) };
}

async function quantized(): Promise<string> {
  const dir = join(ROOT, '.vscode-test', 'bench-gguf');
  mkdirSync(dir, { recursive: true });
  const out = join(dir, 'genai-code-tiny-q8_0.gguf');
  const tool = spawnLlamaTool('llama-quantize', [CODE_MODEL_GGUF, out, 'Q8_0']);
  const code = await new Promise<number | null>((resolve) => tool.once('exit', resolve));
  if (code !== 0) throw new Error(`llama-quantize exited with ${code}`);
  return out;
}

/** Offline mode would keep every request from the server; the models are local, so the hub is not asked either. */
function engineWith(remotes: RemoteServer[], dtypes?: Record<string, string>): EngineProcess {
  const engine = new EngineProcess({ enginePath: join(ROOT, 'dist', 'engine.js'), settings: { ...benchSettings(), offline: false, remotes, dtypes } });
  engine.onLog((entry) => entry.level === 'error' && console.error(`[engine] ${entry.message}`));
  return engine;
}

function lines(label: string, replay: ReplayResult): string[] {
  const answered = replay.answers.map((a) => a.result);
  const sum = (pick: (r: CompleteResult) => number) => answered.reduce((total, r) => total + pick(r), 0);
  const reused = sum((r) => r.reusedPromptTokens);
  const prompt = sum((r) => r.promptTokens);
  return [
    `${label}: ${replay.requests} requests, ${answered.length} answered, ${replay.requests - answered.length} cancelled; prompt reused ${prompt ? ((100 * reused) / prompt).toFixed(1) : '0'}% (${reused} of ${prompt} tokens)`,
    row('  request latency (answered)', replay.answers.map((a) => a.latencyMs)),
    row('  time to first token', answered.map((r) => r.firstTokenMs)),
    row('  latency to suggestion (with cache hits)', replay.suggestionMs),
  ];
}

async function replayOn(remotes: RemoteServer[], model: string, spans: Span[], intervalMs: number, dtypes?: Record<string, string>): Promise<ReplayResult> {
  const engine = engineWith(remotes, dtypes);
  try {
    return await replayTyping(engine, model, spans, intervalMs);
  } finally {
    await engine.dispose();
  }
}

const remote = (name: string, url: string, api: RemoteApi): RemoteServer => ({ name, url, api, model: CODE_MODEL_ALIAS, chat: false });

/** N editors typing at once against one server for `seconds`, each through its own engine. */
async function loadRun(server: LlamaServer, spans: Span[], editors: number, seconds: number, intervalMs: number): Promise<string[]> {
  const until = performance.now() + seconds * 1000;
  const results: ReplayResult[] = [];
  const failures: string[] = [];
  await Promise.all(
    Array.from({ length: editors }, async (_, i) => {
      const engine = engineWith([remote('load', server.url, 'openai')]);
      try {
        // Each editor starts at its own place in the corpus.
        const own = [...spans.slice((i * spans.length) / editors), ...spans.slice(0, (i * spans.length) / editors)];
        while (performance.now() < until) {
          for (const span of own) {
            if (performance.now() >= until) break;
            // A failed request is counted and typing goes on, as an editor would.
            await replayTyping(engine, 'remote:load', [span], intervalMs).then(
              (result) => results.push(result),
              (error: Error) => failures.push(error.message),
            );
          }
        }
      } finally {
        await engine.dispose();
      }
    }),
  );
  const answers = results.flatMap((r) => r.answers);
  const requests = results.reduce((n, r) => n + r.requests, 0);
  const slots = (await (await fetch(`${server.url}/slots`)).json()) as { is_processing: boolean }[];
  const metrics = await (await fetch(`${server.url}/metrics`)).text();
  const processing = /llamacpp:requests_processing\s+([\d.]+)/.exec(metrics)?.[1];
  return [
    `load: ${editors} editors typing at once for ${seconds} s against one server (${slots.length} slots, /v1/completions): ${requests} requests, ${answers.length} answered, ${requests - answers.length} cancelled or failed, ${failures.length} failed spans${failures.length ? ` (first: ${failures[0]})` : ''}, 0 hung (every replay settled)`,
    row('  request latency (answered)', answers.map((a) => a.latencyMs)),
    row('  latency to suggestion (with cache hits)', results.flatMap((r) => r.suggestionMs)),
    `  after the run: ${slots.filter((s) => s.is_processing).length} of ${slots.length} slots processing; /metrics requests_processing=${processing}`,
  ];
}

async function main(): Promise<void> {
  if (!llamaServerAvailable()) throw new Error('llama-server is missing: run bash scripts/llama-server.sh first.');
  const o = options();
  const spans = typingSpans(filesAtRevision(ROOT, PINNED_CORPUS.revision, PINNED_CORPUS.folders), o.maxKeystrokes);
  const out: string[] = [
    `remote benchmark: ${spans.length} lines retyped (${spans.reduce((n, s) => n + s.typed.length, 0)} keystrokes, one every ${o.intervalMs} ms) from the pinned corpus; model genai-code-tiny; ${process.platform}-${process.arch}, Node ${process.version}; llama.cpp server 0.7.0 (Debian build 11669, 2 threads, 1 slot)`,
  ];
  out.push(...lines('local engine (ONNX Runtime, fp32, append-KV graph)', await replayOn([], DEFAULTS.model, spans, o.intervalMs)));
  // The shipped model's 8-bit export (in the repository, not in the VSIX) against llama.cpp's Q8_0.
  out.push(...lines('local engine (ONNX Runtime, 8-bit, KV reuse)', await replayOn([], DEFAULTS.model, spans, o.intervalMs, { [DEFAULTS.model]: 'q8' })));
  for (const [label, model] of [['F32', CODE_MODEL_GGUF], ['Q8_0', await quantized()]] as const) {
    const server = await startLlamaServer({ model });
    try {
      const remotes = [remote('openai', server.url, 'openai'), remote('infill', server.url, 'llama.cpp')];
      out.push(...lines(`llama.cpp ${label} /v1/completions (engine's FIM prompt, cache_prompt)`, await replayOn(remotes, 'remote:openai', spans, o.intervalMs)));
      out.push(...lines(`llama.cpp ${label} /infill (server's FIM template)`, await replayOn(remotes, 'remote:infill', spans, o.intervalMs)));
    } finally {
      await server.stop();
    }
  }
  const shared = await startLlamaServer({ model: CODE_MODEL_GGUF, slots: o.editors, contextSize: 512 * o.editors });
  try {
    out.push(...(await loadRun(shared, spans, o.editors, o.loadSeconds, o.intervalMs)));
  } finally {
    await shared.stop();
  }
  console.log(out.join('\n'));
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exitCode = 1;
});
