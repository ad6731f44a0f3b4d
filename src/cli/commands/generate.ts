// genai-studio generate: a prompt continued, or a prompt template filled and run (--template).
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import type { EngineProcess } from '../../client/engineProcess';
import { SHIPPED_MODEL_NOTE, TEXT_DEFAULTS } from '../../core/generation/defaults';
import { builtinTemplate, fillTemplate, parseTemplate, type PromptTemplate } from '../../core/templates';
import { DEFAULTS } from '../../defaults';
import { interruptible, modelOf, numberOption, UsageError, type Values } from '../options';

export async function generateCommand(engine: EngineProcess, values: Values): Promise<number> {
  if (values.template !== undefined) return templateCommand(engine, values);
  const prompt = values.prompt;
  if (prompt === undefined) throw new UsageError('generate needs --prompt (or --template and --input).');
  return interruptible(async (token) => {
    const result = await engine.generate(
      {
        jobId: randomUUID(),
        model: modelOf(values, DEFAULTS.model),
        prompt,
        maxTokens: numberOption(values, 'max-tokens', 128),
        temperature: numberOption(values, 'temperature', 0),
        topK: numberOption(values, 'top-k', 0),
        topP: numberOption(values, 'top-p', 1),
        seed: numberOption(values, 'seed', 0),
        priority: 'background',
      },
      (text) => process.stdout.write(text),
      token,
    );
    process.stdout.write('\n');
    if (values.verbose) {
      process.stderr.write(
        `[${result.device}] ${result.promptTokens} prompt + ${result.generatedTokens} generated tokens, first token ${result.firstTokenMs.toFixed(0)} ms, total ${result.totalMs.toFixed(0)} ms, finish: ${result.finishReason}\n`,
      );
    }
    return result.finishReason === 'cancelled' ? 130 : 0;
  });
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
  return interruptible(async (token) => {
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
      token,
    );
    process.stdout.write('\n');
    if (model === TEXT_DEFAULTS.model) process.stderr.write(`Note: ${SHIPPED_MODEL_NOTE.replace(/`/g, '')}\n`);
    return result.finishReason === 'cancelled' ? 130 : 0;
  });
}
