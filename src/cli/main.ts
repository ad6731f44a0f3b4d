// `genai-studio`: drives the same engine as the extension, from scripts and benchmarks. This file is the
// usage text and the dispatch; each command lives in commands/, the options they share in options.ts.
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { EngineProcess } from '../client/engineProcess';
import { DEFAULTS, IMAGE_MODEL } from '../defaults';
import { SCHEDULERS } from '../protocol';
import { askCommand } from './commands/ask';
import { completeCommand } from './commands/complete';
import { generateCommand } from './commands/generate';
import { imageCommand } from './commands/image';
import { devices, models } from './commands/info';
import { engineSettings, OPTIONS, UsageError } from './options';

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
