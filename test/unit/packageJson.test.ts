import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import { join } from 'node:path';
import { FIM_FORMAT_NAMES } from '../../src/core/completion';
import { COMPLETION_DEFAULTS, DEFAULTS } from '../../src/defaults';
import { DEVICE_SETTINGS } from '../../src/protocol';
import { REPO_ROOT } from './support/builders';

const manifest = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8'));
const properties = manifest.contributes.configuration.properties as Record<string, { default: unknown; enum?: string[]; scope?: string }>;

describe('package.json manifest', () => {
  it('declares the same setting defaults the engine and CLI use', () => {
    assert.equal(properties['genaiStudio.completion.model'].default, DEFAULTS.model);
    assert.equal(properties['genaiStudio.hubEndpoint'].default, DEFAULTS.hubEndpoint);
    assert.equal(properties['genaiStudio.device'].default, DEFAULTS.device);
    assert.equal(properties['genaiStudio.memoryBudgetMB'].default, DEFAULTS.memoryBudgetMB);
    assert.equal(properties['genaiStudio.idleUnloadSeconds'].default, DEFAULTS.idleUnloadSeconds);
    assert.equal(properties['genaiStudio.offline'].default, DEFAULTS.offline);
    assert.equal(properties['genaiStudio.completion.maxTokens'].default, COMPLETION_DEFAULTS.maxTokens);
    assert.equal(properties['genaiStudio.completion.promptTokens'].default, COMPLETION_DEFAULTS.promptTokens);
    assert.equal(properties['genaiStudio.completion.timeBudgetMs'].default, COMPLETION_DEFAULTS.timeBudgetMs);
  });

  it('lets no workspace choose what runs or where data goes: those settings are machine-scoped', () => {
    // A cloned repository's .vscode/settings.json must not point the engine at its own server
    // (which would receive the hub access token) or its own ONNX files.
    const chooseWhatRuns = ['completion.model', 'text.model', 'image.model', 'hubEndpoint', 'offline', 'device', 'gpuDeviceId'];
    for (const key of chooseWhatRuns) assert.equal(properties[`genaiStudio.${key}`].scope, 'machine', key);
  });

  it('offers exactly the devices and FIM formats the code knows', () => {
    assert.deepEqual(properties['genaiStudio.device'].enum, [...DEVICE_SETTINGS]);
    assert.deepEqual(properties['genaiStudio.completion.fimFormat'].enum, ['auto', ...FIM_FORMAT_NAMES]);
  });

  it('activates without loading anything heavy: the extension bundle requires no ONNX Runtime or Transformers.js', () => {
    const bundle = readFileSync(join(REPO_ROOT, 'dist', 'extension.js'), 'utf8');
    for (const heavy of ['onnxruntime-node', '@huggingface/transformers', 'onnxruntime-web', 'sharp']) {
      assert.ok(!bundle.includes(`require("${heavy}")`), `dist/extension.js requires ${heavy}`);
    }
  });

  it("copies VS Code's API object once at activation, not once per module that imports it", () => {
    const bundle = readFileSync(join(REPO_ROOT, 'dist', 'extension.js'), 'utf8');
    assert.equal(bundle.split('require("vscode")').length - 1, 1);
  });

  it('bundles all but ONNX Runtime: the engine and the extension require no package that the VSIX does not carry', () => {
    for (const [bundle, carried] of [
      ['extension.js', ['vscode']],
      ['engine.js', ['onnxruntime-common', 'onnxruntime-node']],
    ] as const) {
      const code = readFileSync(join(REPO_ROOT, 'dist', bundle), 'utf8');
      const required = new Set([...code.matchAll(/\brequire\("([^".][^"]*)"\)/g)].map((m) => m[1]).filter((name) => !isBuiltin(name)));
      assert.deepEqual([...required].sort(), carried, bundle);
    }
  });

  it('declares what it restricts in untrusted and virtual workspaces', () => {
    const { untrustedWorkspaces, virtualWorkspaces } = manifest.capabilities;
    assert.equal(untrustedWorkspaces.supported, 'limited');
    assert.match(untrustedWorkspaces.description, /does not index the workspace.*prompt templates.*no model from a folder inside it/);
    assert.ok(untrustedWorkspaces.restrictedConfigurations.includes('genaiStudio.templates.folder'));
    for (const key of untrustedWorkspaces.restrictedConfigurations) assert.ok(properties[key], `${key} is a setting`);
    assert.equal(virtualWorkspaces.supported, 'limited');
  });
});
