// `genai-studio`: drives the same engine as the extension, from scripts and benchmarks.
import { randomUUID } from 'node:crypto';
import { homedir } from 'node:os';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { CancellationTokenSource } from 'vscode-jsonrpc';
import { DEFAULTS, IMAGE_MODEL } from '../defaults';
import { ASK_DEFAULTS, SHIPPED_MODEL_NOTE, TEXT_DEFAULTS } from '../core/generation/defaults';
import { rgbImagePng } from '../core/image/rgbImage';
import { pngMetadata } from '../core/imageStudio/messages';
import { passageLabel } from '../core/retrieval';
import { builtinTemplate, fillTemplate, parseTemplate, type PromptTemplate } from '../core/templates';
import { EngineProcess } from '../client/engineProcess';
import { errorMessage } from '../engine/errors';
import { REMOTE_PREFIX } from '../core/modelRef';
import { checkRemoteServers } from '../core/remote/remoteServers';
import { DEVICE_SETTINGS, SCHEDULERS, type AskParams, type DeviceSetting, type EngineSettings, type RemoteServer, type SchedulerName } from '../protocol';

const USAGE = `Usage:
  genai-studio models [--json]
  genai-studio devices [--json]      try every GPU provider with the shipped code model
  genai-studio generate [--model M] --prompt P [--max-tokens N] [--temperature T] [--top-k K] [--top-p P] [--seed S]
  genai-studio generate --template T --input TEXT [--workspace DIR] [--preview] [--model M] ...
                   T: zero-shot, few-shot, chain-of-thought, a template file, or a name in DIR/.genai/prompts;
                   --preview prints the filled prompt without running it
  genai-studio complete --file F --line L --col C [--model M] [--max-tokens N]   (line and column start at 1)
  genai-studio ask --workspace DIR --question Q [--model M] [--sources N] [--exclude GLOB]... [--max-file-kb K]
                   [--index-dir DIR] [--max-tokens N] [--json]
                   the retrieved sources in rank order (path, lines, score), then the answer
  genai-studio image --prompt P [--negative N] [--steps S] [--guidance G] [--seed K] [--scheduler X]
                   [--model M] [--width W --height H] --out FILE.png
                   X: auto, ${SCHEDULERS.join(', ')}; the PNG keeps the parameters in its text chunks;
                   prints the seed (random unless given) and the timings. Default model ${IMAGE_MODEL}.

Common options:
  --device auto|cpu|cuda|dml|coreml|webgpu   (default auto)
  --gpu-device N            which GPU cuda and dml use (default 0, the first)
  --offline                 never touch the network (also HF_HUB_OFFLINE=1)
  --hub-endpoint URL        hub or mirror (also HF_ENDPOINT; default ${DEFAULTS.hubEndpoint});
                            HF_TOKEN: access token for private and gated repositories
  --cache-dir DIR           hub download cache (default ~/.cache/genai-studio/hub)
  --endpoint URL            generate, complete and ask on an inference server instead of a local model
  --api openai|llama.cpp|ollama   the server's protocol (default openai: vLLM, TGI, llama.cpp, Ollama)
  --remote-model ID         the model id on the server (default: the server's first)
  --api-key-env NAME        the environment variable holding the server's API key
  --verbose                 print the engine's log to stderr

M is a shipped model name (default ${DEFAULTS.model}), an absolute folder, or a hub id org/name[@revision].`;

const OPTIONS = {
  model: { type: 'string' },
  prompt: { type: 'string' },
  'max-tokens': { type: 'string' },
  temperature: { type: 'string' },
  'top-k': { type: 'string' },
  'top-p': { type: 'string' },
  seed: { type: 'string' },
  file: { type: 'string' },
  line: { type: 'string' },
  col: { type: 'string' },
  workspace: { type: 'string' },
  template: { type: 'string' },
  input: { type: 'string' },
  preview: { type: 'boolean' },
  question: { type: 'string' },
  sources: { type: 'string' },
  exclude: { type: 'string', multiple: true },
  'max-file-kb': { type: 'string' },
  'index-dir': { type: 'string' },
  negative: { type: 'string' },
  steps: { type: 'string' },
  guidance: { type: 'string' },
  scheduler: { type: 'string' },
  width: { type: 'string' },
  height: { type: 'string' },
  out: { type: 'string' },
  device: { type: 'string' },
  'gpu-device': { type: 'string' },
  offline: { type: 'boolean' },
  'hub-endpoint': { type: 'string' },
  'cache-dir': { type: 'string' },
  endpoint: { type: 'string' },
  api: { type: 'string' },
  'remote-model': { type: 'string' },
  'api-key-env': { type: 'string' },
  json: { type: 'boolean' },
  verbose: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

type Values = ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>['values'];

class UsageError extends Error {}

function numberOption(values: Values, name: keyof Values, fallback: number): number {
  const raw = values[name];
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value)) throw new UsageError(`--${name} must be a number; got "${raw}".`);
  return value;
}

function engineSettings(values: Values): EngineSettings {
  const device = (values.device ?? DEFAULTS.device) as DeviceSetting;
  if (!DEVICE_SETTINGS.includes(device)) throw new UsageError(`--device must be one of ${DEVICE_SETTINGS.join(', ')}; got "${values.device}".`);
  const gpuDeviceId = numberOption(values, 'gpu-device', 0);
  if (!Number.isInteger(gpuDeviceId) || gpuDeviceId < 0) throw new UsageError(`--gpu-device must be a GPU index (0, 1, ...); got "${values['gpu-device']}".`);
  const packageRoot = resolve(__dirname, '..');
  return {
    shippedModelsDir: process.env.GENAI_STUDIO_MODELS_DIR ?? join(packageRoot, 'models'),
    hubCacheDir: values['cache-dir'] ?? process.env.GENAI_STUDIO_CACHE ?? join(homedir(), '.cache', 'genai-studio', 'hub'),
    stateDir: join(homedir(), '.cache', 'genai-studio', 'engine'),
    hubEndpoint: values['hub-endpoint'] ?? process.env.HF_ENDPOINT ?? DEFAULTS.hubEndpoint,
    hubToken: process.env.HF_TOKEN || process.env.HF_ACCESS_TOKEN || undefined,
    offline: values.offline ?? process.env.HF_HUB_OFFLINE === '1',
    device,
    gpuDeviceId,
    memoryBudgetMB: DEFAULTS.memoryBudgetMB,
    idleUnloadSeconds: 0,
    remotes: remoteServers(values),
    httpProxy: process.env.HTTPS_PROXY || process.env.HTTP_PROXY || undefined,
  };
}

/** The server that --endpoint names, as the one entry of genaiStudio.remotes would be. */
const CLI_SERVER = 'cli';

function remoteServers(values: Values): RemoteServer[] {
  if (values.endpoint === undefined) {
    for (const option of ['api', 'remote-model', 'api-key-env'] as const) if (values[option] !== undefined) throw new UsageError(`--${option} needs --endpoint URL.`);
    return [];
  }
  const keyVariable = values['api-key-env'];
  if (keyVariable !== undefined && !process.env[keyVariable]) throw new UsageError(`--api-key-env names ${keyVariable}, which is not set in the environment.`);
  const { servers, problems } = checkRemoteServers([{ name: CLI_SERVER, url: values.endpoint, api: values.api ?? 'openai', model: values['remote-model'] }]);
  if (problems.length) throw new UsageError(problems[0].replace(/^genaiStudio\.remotes\[0\]: /, '').replace('"url"', '--endpoint').replace('"api"', '--api'));
  return servers.map((server) => ({ ...server, apiKey: keyVariable ? process.env[keyVariable] : undefined }));
}

/** --model, or the --endpoint server, or the command's default. */
function modelOf(values: Values, fallback: string): string {
  if (values.endpoint === undefined) return values.model ?? fallback;
  if (values.model !== undefined) throw new UsageError('Use --model (a local model) or --endpoint (a server), not both.');
  return `${REMOTE_PREFIX}${CLI_SERVER}`;
}

async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true });
  const command = positionals[0];
  if (values.help || !command) {
    process.stdout.write(`${USAGE}\n`);
    return command || values.help ? 0 : 2;
  }
  const engine = new EngineProcess({ enginePath: join(__dirname, 'engine.js'), settings: engineSettings(values) });
  engine.onLog((entry) => {
    if (values.verbose || entry.level === 'error') process.stderr.write(`[${entry.level}] ${entry.message}\n`);
  });
  engine.onDownload((d) => {
    const percent = d.totalBytes ? Math.round((100 * d.loadedBytes) / d.totalBytes) : 0;
    process.stderr.write(`\rdownloading ${d.model}: ${d.file} ${percent}%${d.done ? '\n' : ''}`);
  });
  try {
    switch (command) {
      case 'models':
        return await models(engine, values);
      case 'devices':
        return await devices(engine, values);
      case 'generate':
        return await generateCommand(engine, values);
      case 'complete':
        return await completeCommand(engine, values);
      case 'ask':
        return await askCommand(engine, values);
      case 'image':
        return await imageCommand(engine, values);
      default:
        throw new UsageError(`Unknown command "${command}".`);
    }
  } finally {
    await engine.dispose();
  }
}

async function models(engine: EngineProcess, values: Values): Promise<number> {
  const info = await engine.models();
  if (values.json) {
    process.stdout.write(`${JSON.stringify(info, null, 2)}\n`);
    return 0;
  }
  const lines = ['Shipped models:', ...info.shipped.map((m) => `  ${m.name}  (${m.path})`)];
  lines.push('Loaded models:', ...(info.loaded.length ? info.loaded.map((m) => `  ${m.model}  ${m.state}${m.device ? ` on ${m.device}` : ''}`) : ['  none']));
  lines.push('Devices:', ...info.devices.map((d) => `  ${d.device.padEnd(7)} ${!d.available ? `unavailable: ${d.reason}` : d.autoSkips ? `only when asked for by name: ${d.autoSkips}` : 'available'}`));
  lines.push(`Hub: ${info.settings.hubEndpoint}${info.settings.offline ? ' (offline)' : ''}, cache ${info.settings.hubCacheDir}`);
  process.stdout.write(`${lines.join('\n')}\n`);
  return 0;
}

async function devices(engine: EngineProcess, values: Values): Promise<number> {
  const checks = await engine.checkDevices();
  if (values.json) process.stdout.write(`${JSON.stringify(checks, null, 2)}\n`);
  else {
    for (const c of checks) {
      const result = !c.tried ? 'not tried' : c.works ? 'works' : 'failed';
      process.stdout.write(`${c.device.padEnd(7)} ${result.padEnd(9)} ${c.ms === undefined ? ''.padEnd(10) : `${c.ms.toFixed(1)} ms`.padEnd(10)} ${c.detail}\n`);
    }
  }
  return 0;
}

async function generateCommand(engine: EngineProcess, values: Values): Promise<number> {
  if (values.template !== undefined) return templateCommand(engine, values);
  if (values.prompt === undefined) throw new UsageError('generate needs --prompt (or --template and --input).');
  const cancel = new CancellationTokenSource();
  const onInterrupt = () => cancel.cancel();
  process.once('SIGINT', onInterrupt);
  try {
    const result = await engine.generate(
      {
        jobId: randomUUID(),
        model: modelOf(values, DEFAULTS.model),
        prompt: values.prompt,
        maxTokens: numberOption(values, 'max-tokens', 128),
        temperature: numberOption(values, 'temperature', 0),
        topK: numberOption(values, 'top-k', 0),
        topP: numberOption(values, 'top-p', 1),
        seed: numberOption(values, 'seed', 0),
        priority: 'background',
      },
      (text) => process.stdout.write(text),
      cancel.token,
    );
    process.stdout.write('\n');
    if (values.verbose) {
      process.stderr.write(
        `[${result.device}] ${result.promptTokens} prompt + ${result.generatedTokens} generated tokens, first token ${result.firstTokenMs.toFixed(0)} ms, total ${result.totalMs.toFixed(0)} ms, finish: ${result.finishReason}\n`,
      );
    }
    return result.finishReason === 'cancelled' ? 130 : 0;
  } finally {
    process.off('SIGINT', onInterrupt);
  }
}

async function completeCommand(engine: EngineProcess, values: Values): Promise<number> {
  if (!values.file || values.line === undefined || values.col === undefined) throw new UsageError('complete needs --file, --line and --col.');
  const file = resolve(values.file);
  let text: string;
  try {
    text = readFileSync(file, 'utf8').replace(/\r\n/g, '\n');
  } catch (error) {
    throw new UsageError(`Cannot read ${file}: ${(error as Error).message}`);
  }
  const offset = offsetOf(text, numberOption(values, 'line', 1), numberOption(values, 'col', 1));
  const result = await engine.complete({
    model: modelOf(values, DEFAULTS.model),
    filePath: file,
    languageId: languageOf(file),
    prefix: text.slice(0, offset),
    suffix: text.slice(offset),
    maxTokens: numberOption(values, 'max-tokens', 64),
  });
  process.stdout.write(`${result.text}\n`);
  if (values.verbose) {
    process.stderr.write(
      `[${result.device}] ${result.fimFormat} ${result.shape}-line, ${result.promptTokens} prompt tokens (${result.reusedPromptTokens} reused), ${result.generatedTokens} generated, ${result.totalMs.toFixed(0)} ms; raw: ${JSON.stringify(result.raw)}\n`,
    );
  }
  return 0;
}

/** A built-in strategy, a template file, or a template's file name in the workspace's .genai/prompts. */
function loadTemplate(name: string, workspace: string | undefined): PromptTemplate {
  const builtin = builtinTemplate(name);
  if (builtin) return builtin;
  const candidates = [resolve(name), ...(workspace ? [join(resolve(workspace), '.genai', 'prompts', `${name.replace(/\.md$/, '')}.md`)] : [])];
  const file = candidates.find((path) => existsSync(path));
  if (!file) throw new UsageError(`No template "${name}": use zero-shot, few-shot, chain-of-thought, a template file, or a name in --workspace DIR's .genai/prompts.`);
  return parseTemplate(readFileSync(file, 'utf8'), file, basename(file, '.md'));
}

async function templateCommand(engine: EngineProcess, values: Values): Promise<number> {
  if (values.input === undefined) throw new UsageError('generate --template needs --input (the text the template works on).');
  const prompt = fillTemplate(loadTemplate(values.template!, values.workspace), values.input);
  if (values.preview) {
    process.stdout.write(`${prompt}\n`);
    return 0;
  }
  const model = modelOf(values, TEXT_DEFAULTS.model);
  const cancel = new CancellationTokenSource();
  const onInterrupt = () => cancel.cancel();
  process.once('SIGINT', onInterrupt);
  try {
    const result = await engine.generateText(
      {
        jobId: randomUUID(),
        model,
        prompt,
        maxTokens: numberOption(values, 'max-tokens', TEXT_DEFAULTS.maxTokens),
        temperature: numberOption(values, 'temperature', TEXT_DEFAULTS.temperature),
        topK: numberOption(values, 'top-k', TEXT_DEFAULTS.topK),
        topP: numberOption(values, 'top-p', TEXT_DEFAULTS.topP),
        seed: numberOption(values, 'seed', 0),
      },
      (text) => process.stdout.write(text),
      cancel.token,
    );
    process.stdout.write('\n');
    if (model === TEXT_DEFAULTS.model) process.stderr.write(`Note: ${SHIPPED_MODEL_NOTE.replace(/`/g, '')}\n`);
    return result.finishReason === 'cancelled' ? 130 : 0;
  } finally {
    process.off('SIGINT', onInterrupt);
  }
}

async function askCommand(engine: EngineProcess, values: Values): Promise<number> {
  if (!values.workspace || values.question === undefined) throw new UsageError('ask needs --workspace and --question.');
  const model = modelOf(values, TEXT_DEFAULTS.model);
  const params: AskParams = {
    jobId: randomUUID(),
    model,
    folder: resolve(values.workspace),
    storageDir: resolve(values['index-dir'] ?? join(homedir(), '.cache', 'genai-studio', 'index')),
    exclude: values.exclude,
    maxFileBytes: numberOption(values, 'max-file-kb', ASK_DEFAULTS.maxFileKB) * 1024,
    question: values.question,
    limit: numberOption(values, 'sources', ASK_DEFAULTS.sources),
    maxTokens: numberOption(values, 'max-tokens', TEXT_DEFAULTS.maxTokens),
    temperature: numberOption(values, 'temperature', ASK_DEFAULTS.temperature),
    seed: numberOption(values, 'seed', 0),
  };
  const note = model === TEXT_DEFAULTS.model ? SHIPPED_MODEL_NOTE.replace(/`/g, '') : undefined;
  const cancel = new CancellationTokenSource();
  const onInterrupt = () => cancel.cancel();
  process.once('SIGINT', onInterrupt);
  try {
    if (values.json) {
      const result = await engine.ask(params, undefined, cancel.token);
      const sources = result.sources.map(({ path, startLine, endLine, score }, i) => ({ rank: i + 1, path, startLine, endLine, score }));
      const output = { question: params.question, model, sources, usedSources: result.used.length, answer: result.text, promptFormat: result.promptFormat, finishReason: result.finishReason, index: result.index, note };
      process.stdout.write(`${JSON.stringify(output, null, 2)}\n`);
      return result.finishReason === 'cancelled' ? 130 : 0;
    }
    // Sources first (the engine indexes while searching), then the answer as it streams.
    const { sources } = await engine.search(params, cancel.token);
    process.stdout.write(`Sources:\n${sources.map((s, i) => `  ${i + 1}. ${passageLabel(s)}  (score ${s.score.toFixed(2)})`).join('\n')}\n\nAnswer (${model}):\n`);
    const result = await engine.ask(params, (text) => process.stdout.write(text), cancel.token);
    process.stdout.write(`\n\n(${result.used.length} of ${result.sources.length} sources fit the model's context; ${result.promptFormat} prompt)\n`);
    if (note) process.stderr.write(`Note: ${note}\n`);
    return result.finishReason === 'cancelled' ? 130 : 0;
  } finally {
    process.off('SIGINT', onInterrupt);
  }
}

/** An option the engine checks (range, multiples), passed through when given. */
function optionalNumber(values: Values, name: keyof Values): number | undefined {
  return values[name] === undefined ? undefined : numberOption(values, name, 0);
}

async function imageCommand(engine: EngineProcess, values: Values): Promise<number> {
  if (values.prompt === undefined || values.out === undefined) throw new UsageError('image needs --prompt and --out FILE.png.');
  const scheduler = values.scheduler ?? 'auto';
  if (scheduler !== 'auto' && !SCHEDULERS.includes(scheduler as SchedulerName)) throw new UsageError(`--scheduler must be auto or one of ${SCHEDULERS.join(', ')}; got "${scheduler}".`);
  const out = resolve(values.out);
  // Checked before generating, so a typo costs no image.
  if (!existsSync(dirname(out))) throw new UsageError(`--out ${out}: the folder ${dirname(out)} does not exist. Create it, or choose a path in an existing folder.`);
  const cancel = new CancellationTokenSource();
  const onInterrupt = () => cancel.cancel();
  process.once('SIGINT', onInterrupt);
  try {
    const result = await engine.generateImage(
      {
        jobId: randomUUID(),
        model: values.model ?? IMAGE_MODEL,
        prompt: values.prompt,
        negativePrompt: values.negative,
        steps: optionalNumber(values, 'steps'),
        guidance: optionalNumber(values, 'guidance'),
        seed: optionalNumber(values, 'seed'),
        width: optionalNumber(values, 'width'),
        height: optionalNumber(values, 'height'),
        scheduler: scheduler as SchedulerName | 'auto',
      },
      (p) => process.stderr.isTTY && process.stderr.write(`\rstep ${p.step}/${p.steps}${p.step === p.steps ? '\n' : ''}`),
      cancel.token,
    );
    const { params } = result;
    if (result.finishReason === 'cancelled') {
      process.stderr.write(`Cancelled; nothing written. Seed ${params.seed}.\n`);
      return 130;
    }
    const image = result.images[0];
    try {
      writeFileSync(out, rgbImagePng(image, pngMetadata({ ...params, seed: image.seed })));
    } catch (error) {
      throw new Error(`Could not write ${out} (${(error as NodeJS.ErrnoException).code ?? errorMessage(error)}): choose a path you can write to. Rerun with --seed ${image.seed} for the same image.`);
    }
    process.stdout.write(
      `${out}: ${image.width}x${image.height}, seed ${image.seed}, ${params.scheduler} ${params.steps} steps, guidance ${params.guidance}, ${result.variant} on ${result.device}\n` +
        `${result.totalMs.toFixed(0)} ms in all, ${result.msPerStep.toFixed(2)} ms per step (median), ${result.sessionRunMs.toFixed(0)} ms in session.run\n`,
    );
    return 0;
  } finally {
    process.off('SIGINT', onInterrupt);
  }
}

/** 1-based line and column to a string offset; out-of-range positions are a usage error. */
function offsetOf(text: string, line: number, col: number): number {
  const lines = text.split('\n');
  if (!Number.isInteger(line) || line < 1 || line > lines.length) throw new UsageError(`--line must be from 1 to ${lines.length}; got ${line}.`);
  if (!Number.isInteger(col) || col < 1 || col > lines[line - 1].length + 1) throw new UsageError(`--col must be from 1 to ${lines[line - 1].length + 1} on line ${line}; got ${col}.`);
  return lines.slice(0, line - 1).reduce((sum, l) => sum + l.length + 1, 0) + col - 1;
}

const LANGUAGES: Record<string, string> = {
  '.ts': 'typescript', '.tsx': 'typescriptreact', '.js': 'javascript', '.jsx': 'javascriptreact', '.mjs': 'javascript', '.cjs': 'javascript',
  '.py': 'python', '.go': 'go', '.rs': 'rust', '.json': 'json', '.md': 'markdown', '.java': 'java', '.c': 'c', '.h': 'c', '.cpp': 'cpp', '.cs': 'csharp', '.rb': 'ruby', '.sh': 'shellscript',
};

function languageOf(file: string): string {
  return LANGUAGES[extname(file).toLowerCase()] ?? 'plaintext';
}

// A closed pipe (`genai-studio models | head`) is not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

run(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: Error) => {
    process.stderr.write(`genai-studio: ${error.message}\n`);
    if (error instanceof UsageError) process.stderr.write(`\n${USAGE}\n`);
    process.exit(error instanceof UsageError ? 2 : 1);
  },
);
