import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ASK_DEFAULTS, TEXT_DEFAULTS } from '../../../src/core/generation/defaults';
import { REPO_ROOT } from '../support/builders';

const manifest = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8'));
const properties = manifest.contributes.configuration.properties as Record<string, { default: unknown }>;

describe('package.json: generation and Ask the Workspace', () => {
  it('declares the setting defaults the engine and CLI use', () => {
    assert.equal(properties['genaiStudio.text.model'].default, TEXT_DEFAULTS.model);
    assert.equal(properties['genaiStudio.text.maxTokens'].default, TEXT_DEFAULTS.maxTokens);
    assert.equal(properties['genaiStudio.text.temperature'].default, TEXT_DEFAULTS.temperature);
    assert.equal(properties['genaiStudio.text.topK'].default, TEXT_DEFAULTS.topK);
    assert.equal(properties['genaiStudio.text.topP'].default, TEXT_DEFAULTS.topP);
    assert.equal(properties['genaiStudio.ask.sources'].default, ASK_DEFAULTS.sources);
    assert.equal(properties['genaiStudio.ask.maxFileKB'].default, ASK_DEFAULTS.maxFileKB);
  });

  it('contributes the four palette commands', () => {
    const commands = (manifest.contributes.commands as { command: string; title: string }[]).map((c) => `${c.command}: ${c.title}`);
    for (const expected of ['genaiStudio.generateText: Generate Text...', 'genaiStudio.generateWithTemplate: Generate with Template...', 'genaiStudio.askWorkspace: Ask the Workspace...', 'genaiStudio.showSources: Show Sources...']) {
      assert.ok(commands.includes(expected), expected);
    }
  });
});
