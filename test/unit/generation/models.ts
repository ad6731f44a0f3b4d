// The text models the generation tests load: the shipped code model (a base model, plain prompts) and
// a copy of it given a chat template, which makes it an "instruct" model as far as prompting goes.
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EngineSettings } from '../../../src/protocol';
import { CODE_MODEL, SHIPPED_MODELS, settings, tempDir } from '../support/builders';

/** GENAI_STUDIO_MODELS_DIR (as for the CLI) points the tests at another models folder. */
export const MODELS_DIR = process.env.GENAI_STUDIO_MODELS_DIR ?? SHIPPED_MODELS;

export function textSettings(overrides: Partial<EngineSettings> = {}): EngineSettings {
  return settings({ shippedModelsDir: MODELS_DIR, ...overrides });
}

export const CHAT_TEMPLATE = "{% for m in messages %}<|{{ m.role }}|>{{ m.content }}\n{% endfor %}{% if add_generation_prompt %}<|assistant|>{% endif %}";

/** A copy of the shipped model whose tokenizer has CHAT_TEMPLATE; returns its folder (a model reference). */
export function chatCopyOfCodeModel(): string {
  const dir = join(tempDir('genai-chat-model-'), `${CODE_MODEL}-chat`);
  cpSync(join(MODELS_DIR, CODE_MODEL), dir, { recursive: true });
  const configFile = join(dir, 'tokenizer_config.json');
  writeFileSync(configFile, JSON.stringify({ ...JSON.parse(readFileSync(configFile, 'utf8')), chat_template: CHAT_TEMPLATE }));
  return dir;
}
