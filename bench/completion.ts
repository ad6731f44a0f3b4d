// `npm run bench:completion [-- DIR...] [--model M] [--dtype auto] [--interval-ms 40] [--samples 400] [--max-keystrokes 600] [--read-ahead]`:
// typing replayed through the source files under each DIR (default: this repository's src/core and
// tools as committed at a pinned revision, bench/corpus.ts: real TypeScript and Python files of the
// length the model's context is made for, the same every run; the test workspace's files are a few
// hundred bytes) with a completion asked
// after every keystroke as the editor asks, through the engine; then, on the answered positions (an
// even sample when there are more than --samples), the same prompts through a plain Transformers.js
// pipeline and through raw ONNX Runtime forward passes in this process, each call after the same
// pause as a keystroke's. All three run the weights file the engine chose (--dtype auto, as the product:
// 8-bit on the CPU, fp32 for a folder with the append-KV graph) or the one --dtype names.
// Figures only: nothing here passes or fails.
// GENAI_BENCH_MODELS_DIR replaces <repo>/models as the folder of shipped models.
import { existsSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { EngineProcess } from '../src/client/engineProcess';
import { COMPLETION_DEFAULTS, DEFAULTS } from '../src/defaults';
import { PREFILL_CHUNK_TOKENS } from '../src/engine/textGenerator';
import { loadTransformers } from '../src/engine/transformers';
import { DTYPE_FILES, DTYPES, isDtype, type Dtype } from '../src/core/weightsChoice';
import type { CompleteResult } from '../src/protocol';
import { ROOT, benchSettings } from './benchSettings';
import { promptRebuilder, timePipeline, timeRawDecoding, type Pacing, type PromptRun } from './baselines';
import { PINNED_CORPUS, filesAtRevision, filesOnDisk, type SourceFile } from './corpus';
import { evenlySpaced, median, percentile, row } from './stats';
import { replayTyping, typingSpans, type Answer, type ReplayResult } from './typingReplay';

const MODELS_DIR = process.env.GENAI_BENCH_MODELS_DIR ?? join(ROOT, 'models');

interface Options {
  /** Folders on disk; none: the pinned corpus. */
  dirs: string[];
  model: string;
  /** The weights the engine runs (`auto`: its own choice), and both baselines with it. */
  dtype: Dtype | 'auto';
  intervalMs: number;
  samples: number;
  maxKeystrokes: number;
  /** Read each line's prompt ahead before typing it, as the editor does where a click puts the cursor. */
  readAhead: boolean;
}

function parseOptions(): Options {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      model: { type: 'string', default: DEFAULTS.model },
      dtype: { type: 'string', default: 'auto' },
      'interval-ms': { type: 'string', default: '40' },
      samples: { type: 'string', default: '400' },
      'max-keystrokes': { type: 'string', default: '600' },
      'read-ahead': { type: 'boolean', default: false },
    },
  });
  const count = (name: string, value: string) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a whole number of at least 1; got ${value}.`);
    return n;
  };
  if (values.dtype !== 'auto' && !isDtype(values.dtype)) throw new Error(`--dtype must be auto or one of ${DTYPES.join(', ')}; got ${values.dtype}.`);
  return {
    dirs: positionals.map((dir) => resolve(dir)),
    model: values.model,
    dtype: values.dtype,
    intervalMs: count('interval-ms', values['interval-ms']),
    samples: count('samples', values.samples),
    maxKeystrokes: count('max-keystrokes', values['max-keystrokes']),
    readAhead: values['read-ahead'],
  };
}

/** The baselines run in this process from the model's folder: a shipped name or an absolute folder, not a hub id. */
function modelFolder(model: string): string {
  const folder = isAbsolute(model) ? model : join(MODELS_DIR, model);
  if (!existsSync(join(folder, 'config.json'))) {
    throw new Error(`${folder} is not a model folder: pass a shipped model name or an absolute model folder (GENAI_BENCH_MODELS_DIR sets the shipped models folder).`);
  }
  return folder;
}

/** The precision of the weights file the engine loaded (`onnx/model_quantized.onnx`: q8). */
function dtypeOf(weights: string | undefined): Dtype {
  const dtype = DTYPES.find((d) => weights === `onnx/${DTYPE_FILES[d]}`);
  if (!dtype) throw new Error(`The engine ran ${weights ?? 'no weights file'}, which the baselines cannot run.`);
  return dtype;
}

/** The engine's decode time per generated token; needs at least 2 generated tokens. */
function perTokenMs(result: CompleteResult): number {
  return result.decodeMs / (result.generatedTokens - 1);
}

/** The engine's resident memory before the model loaded and after the replay. */
interface EngineRss {
  beforeLoadMB: number;
  afterReplayMB: number;
}

function replayLines(replay: ReplayResult, rss: EngineRss): string[] {
  const answered = replay.answers.map((a) => a.result);
  const sum = (pick: (r: CompleteResult) => number) => answered.reduce((total, r) => total + pick(r), 0);
  const decoding = answered.filter((r) => r.generatedTokens >= 2);
  const pct = (part: number, whole: number) => `${((100 * part) / whole).toFixed(1)}%`;
  const endings = new Map<string, number>();
  for (const r of answered) endings.set(r.finishReason, (endings.get(r.finishReason) ?? 0) + 1);
  return [
    `replay: ${replay.keystrokes} keystrokes, ${replay.cacheHits} cache hits (${pct(replay.cacheHits, replay.keystrokes)}), ${replay.requests} requests sent, ${answered.length} answered, ${replay.requests - answered.length} cancelled`,
    row('latency to suggestion (cache hit or answer)', replay.suggestionMs),
    row('engine request latency (answered requests)', replay.answers.map((a) => a.latencyMs)),
    // Requests that end on the time budget take the budget whatever the model: the ratio to the pipeline cannot go below budget / pipeline.
    `  answered requests by what ended them: ${[...endings].map(([reason, n]) => `${reason} ${n}`).join(', ')} (time budget ${COMPLETION_DEFAULTS.timeBudgetMs} ms)`,
    row('  engine time to first token', answered.map((r) => r.firstTokenMs)),
    row('  engine decode speed (>= 2 tokens)', decoding.map((r) => 1000 / perTokenMs(r)), 'tok/s'),
    row('stale work per cancelled request (cancel to let go)', replay.staleMs),
    `KV-cache reuse: ${pct(sum((r) => r.reusedPromptTokens), sum((r) => r.promptTokens))} of prompt tokens (${sum((r) => r.reusedPromptTokens)} of ${sum((r) => r.promptTokens)}, answered requests)`,
    `engine RSS after the replay: ${rss.afterReplayMB.toFixed(0)} MB, ${(rss.afterReplayMB - rss.beforeLoadMB).toFixed(0)} MB more than before the model loaded`,
    `prompt-lookup guesses confirmed by the model: ${pct(sum((r) => r.acceptedDraftTokens), sum((r) => r.generatedTokens))} of generated tokens (${sum((r) => r.acceptedDraftTokens)} of ${sum((r) => r.generatedTokens)})`,
  ];
}

/** The engine's answers at an even sample of the replayed positions beside the two baselines on the same prompts. */
interface Comparison {
  dtype: Dtype;
  sampled: Answer[];
  /** Rebuilt prompts whose token count is the engine's. */
  tokenCountsMatch: number;
  /** Pipeline outputs that start with the engine's raw text (both greedy on the same prompt). */
  sameText: number;
  pipelineMs: number[];
  pipelineRssGrowthMB: number;
  rawPrefillMs: number[];
  rawPerTokenMs: number[];
  /** Ours over the same prompts as the raw per-token figures: those with a decode phase. */
  oursPerTokenMs: number[];
}

async function compareOnSampledPrompts(replay: ReplayResult, folder: string, dtype: Dtype, samples: number, pacing: Pacing): Promise<Comparison> {
  // The baselines generate as many tokens as the engine did, so answers without a token cannot be replayed.
  const sampled = evenlySpaced(replay.answers.filter((a) => a.result.generatedTokens >= 1), samples);
  if (sampled.length === 0) throw new Error('No answered request generated a token: nothing to compare.');
  const lib = await loadTransformers();
  lib.env.allowRemoteModels = false;
  const rebuild = await promptRebuilder(lib, folder);
  const runs: PromptRun[] = sampled.map((a) => ({ ...rebuild(a.params), newTokens: a.result.generatedTokens }));
  const pipeline = await timePipeline(lib, folder, dtype, runs, pacing);
  const raw = await timeRawDecoding(folder, dtype, runs, pacing);
  return {
    dtype,
    sampled,
    tokenCountsMatch: runs.filter((run, i) => run.ids.length === sampled[i].result.promptTokens).length,
    sameText: pipeline.texts.filter((text, i) => text.startsWith(sampled[i].result.raw)).length,
    pipelineMs: pipeline.ms,
    pipelineRssGrowthMB: pipeline.rssGrowthMB,
    rawPrefillMs: raw.prefillMs,
    rawPerTokenMs: raw.perTokenMs,
    oursPerTokenMs: sampled.filter((a) => a.result.generatedTokens >= 2).map((a) => perTokenMs(a.result)),
  };
}

function comparisonLines(c: Comparison): string[] {
  const n = c.sampled.length;
  return [
    `sampled prompts: ${n} answered requests that generated tokens (${c.oursPerTokenMs.length} of them 2 or more, for the per-token figures); rebuilt prompts with the engine's token count: ${c.tokenCountsMatch}/${n}; pipeline output starting with the engine's raw text: ${c.sameText}/${n}`,
    ...(c.dtype === 'q8' || c.dtype === 'int8' ? ['    (8-bit: each pass quantizes its activations with a scale of its own, so a prompt read in chunks or resumed from the cache can pick other tokens than one read whole)'] : []),
    row('ours: request latency (replay, same prompts)', c.sampled.map((a) => a.latencyMs)),
    row('(a) Transformers.js pipeline per request', c.pipelineMs),
    '    (each baseline call after a pause of one keystroke interval, as every replayed request)',
    `(a) Transformers.js pipeline: this process's resident memory grew ${c.pipelineRssGrowthMB.toFixed(0)} MB from loading it to its last call (the engine's growth is above)`,
    row('ours: per generated token', c.oursPerTokenMs),
    row('(b) raw onnxruntime: per generated token', c.rawPerTokenMs),
    row('ours: time to first token (KV-cache reuse)', c.sampled.map((a) => a.result.firstTokenMs)),
    row('(b) raw onnxruntime: prefill (whole prompt)', c.rawPrefillMs),
    row(`(b) raw onnxruntime: one ${PREFILL_CHUNK_TOKENS}-token prompt pass (prefill per token x ${PREFILL_CHUNK_TOKENS})`, c.rawPrefillMs.map((ms, i) => (ms / c.sampled[i].result.promptTokens) * PREFILL_CHUNK_TOKENS)),
    '    (the target for stale work: at most one pass per cancelled request)',
    'targets: ratio_vs_pipeline <= 0.30 and ratio_vs_raw <= 1.15 on the shipped model; <= 0.35 and <= 1.10 at real size',
  ];
}

function summaryLine(replay: ReplayResult, c: Comparison): string {
  const ratioVsPipeline = median(c.sampled.map((a) => a.latencyMs)) / median(c.pipelineMs);
  const ratioVsRaw = median(c.oursPerTokenMs) / median(c.rawPerTokenMs);
  return `completion p50_ms=${median(replay.suggestionMs).toFixed(1)} p95_ms=${percentile(replay.suggestionMs, 95).toFixed(1)} ratio_vs_pipeline=${ratioVsPipeline.toFixed(2)} ratio_vs_raw=${ratioVsRaw.toFixed(2)}`;
}

function corpus(dirs: readonly string[]): { files: SourceFile[]; label: string } {
  if (dirs.length > 0) return { files: filesOnDisk(dirs), label: dirs.join(', ') };
  const { revision, folders } = PINNED_CORPUS;
  return { files: filesAtRevision(ROOT, revision, folders), label: `${folders.join(' and ')} at commit ${revision.slice(0, 7)}` };
}

async function main(): Promise<void> {
  const options = parseOptions();
  const folder = modelFolder(options.model);
  const { files: sources, label } = corpus(options.dirs);
  const spans = typingSpans(sources, options.maxKeystrokes);
  if (spans.length === 0) throw new Error(`No .ts, .py, .go or .md file with a non-blank line in ${label}.`);

  const settings = { ...benchSettings(MODELS_DIR), ...(options.dtype === 'auto' ? {} : { dtypes: { [options.model]: options.dtype } }) };
  const engine = new EngineProcess({ enginePath: join(ROOT, 'dist', 'engine.js'), settings });
  engine.onLog((entry) => entry.level === 'error' && console.error(`[engine] ${entry.message}`));
  let replay: ReplayResult;
  let dtype: Dtype;
  let rss: EngineRss;
  try {
    const beforeLoadMB = (await engine.info()).rssMB;
    dtype = dtypeOf((await engine.load(options.model)).weights);
    replay = await replayTyping(engine, options.model, spans, options.intervalMs, options.readAhead);
    rss = { beforeLoadMB, afterReplayMB: (await engine.info()).rssMB };
  } finally {
    // The baselines get the CPU to themselves.
    await engine.dispose();
  }
  const comparison = await compareOnSampledPrompts(replay, folder, dtype, options.samples, { pauseMs: options.intervalMs });

  const files = new Set(spans.map((s) => s.filePath)).size;
  console.log(
    [
      `completion benchmark: model ${options.model} (${folder}, onnx/${DTYPE_FILES[dtype]}, ${replay.answers[0]?.result.device}), ${files} files of ${label}, ${spans.length} lines retyped${options.readAhead ? ' (each prompt read ahead first, as after a click)' : ''}, one keystroke every ${options.intervalMs} ms, ${process.platform}-${process.arch}, Node ${process.version}`,
      ...replayLines(replay, rss),
      ...comparisonLines(comparison),
      summaryLine(replay, comparison),
    ].join('\n'),
  );
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exitCode = 1;
});
