// The command line's options: what each means, the engine settings they make (a server given by
// --endpoint included), and Ctrl+C as a cancellation token. Shared by every command.
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { CancellationTokenSource, type CancellationToken } from 'vscode-jsonrpc';
import { DEFAULTS } from '../defaults';
import { REMOTE_PREFIX } from '../core/modelRef';
import { checkRemoteServers } from '../core/remote/remoteServers';
import { DEVICE_SETTINGS, type DeviceSetting, type EngineSettings, type RemoteServer } from '../protocol';

export const OPTIONS = {
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

export type Values = ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>['values'];

export class UsageError extends Error {}

export function numberOption(values: Values, name: keyof Values, fallback: number): number {
  const raw = values[name];
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value)) throw new UsageError(`--${name} must be a number; got "${raw}".`);
  return value;
}

export function engineSettings(values: Values): EngineSettings {
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
export function modelOf(values: Values, fallback: string): string {
  if (values.endpoint === undefined) return values.model ?? fallback;
  if (values.model !== undefined) throw new UsageError('Use --model (a local model) or --endpoint (a server), not both.');
  return `${REMOTE_PREFIX}${CLI_SERVER}`;
}

/** An option the engine checks (range, multiples), passed through when given. */
export function optionalNumber(values: Values, name: keyof Values): number | undefined {
  return values[name] === undefined ? undefined : numberOption(values, name, 0);
}

/** Runs `work` with a token that Ctrl+C cancels (a generation then stops and says so). */
export async function interruptible<T>(work: (token: CancellationToken) => Promise<T>): Promise<T> {
  const cancel = new CancellationTokenSource();
  const onInterrupt = () => cancel.cancel();
  process.once('SIGINT', onInterrupt);
  try {
    return await work(cancel.token);
  } finally {
    process.off('SIGINT', onInterrupt);
  }
}
