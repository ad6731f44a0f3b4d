// genai-studio ask: the workspace's passages for a question in rank order, then the answer from them.
import { randomUUID } from 'node:crypto';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import type { EngineProcess } from '../../client/engineProcess';
import { ASK_DEFAULTS, SHIPPED_MODEL_NOTE, TEXT_DEFAULTS } from '../../core/generation/defaults';
import { passageLabel } from '../../core/retrieval';
import type { AskParams } from '../../protocol';
import { interruptible, modelOf, numberOption, UsageError, type Values } from '../options';

export async function askCommand(engine: EngineProcess, values: Values): Promise<number> {
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
  return interruptible(async (token) => {
    if (values.json) {
      const result = await engine.ask(params, undefined, token);
      const sources = result.sources.map(({ path, startLine, endLine, score }, i) => ({ rank: i + 1, path, startLine, endLine, score }));
      const output = { question: params.question, model, sources, usedSources: result.used.length, answer: result.text, promptFormat: result.promptFormat, finishReason: result.finishReason, index: result.index, note };
      process.stdout.write(`${JSON.stringify(output, null, 2)}\n`);
      return result.finishReason === 'cancelled' ? 130 : 0;
    }
    // Sources first (the engine indexes while searching), then the answer as it streams.
    const { sources } = await engine.search(params, token);
    process.stdout.write(`Sources:\n${sources.map((s, i) => `  ${i + 1}. ${passageLabel(s)}  (score ${s.score.toFixed(2)})`).join('\n')}\n\nAnswer (${model}):\n`);
    const result = await engine.ask(params, (text) => process.stdout.write(text), token);
    process.stdout.write(`\n\n(${result.used.length} of ${result.sources.length} sources fit the model's context; ${result.promptFormat} prompt)\n`);
    if (note) process.stderr.write(`Note: ${note}\n`);
    return result.finishReason === 'cancelled' ? 130 : 0;
  });
}
