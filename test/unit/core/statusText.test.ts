import assert from 'node:assert/strict';
import { describe as describeStatus, describeOthers } from '../../../src/core/statusText';
import type { ModelStatus } from '../../../src/protocol';

describe('status bar text', () => {
  const models: ModelStatus[] = [
    { model: 'genai-code-tiny', state: 'ready', device: 'cpu' },
    { model: 'genai-vae-tiny', state: 'busy', device: 'cpu' },
    { model: 'org/big-image-model', state: 'loading', progress: 40 },
    { model: '/models/broken', state: 'failed', error: 'config.json is missing' },
    { model: 'genai-gan-tiny', state: 'ready', device: 'cpu' },
  ];

  it('lists the other models that are loading, working or failed, not the shown one or the idle ones', () => {
    assert.equal(
      describeOthers(models, 'genai-code-tiny'),
      '\nAlso: genai-vae-tiny: working on CPU; org/big-image-model: loading 40%; /models/broken: failed: config.json is missing.',
    );
    assert.equal(describeOthers([models[0], models[4]], 'genai-code-tiny'), '');
  });

  it('describes the shown model by its short name and device, and says when nothing is loaded', () => {
    assert.equal(describeStatus('running', models[0]).text, '$(sparkle) genai-code-tiny · CPU');
    assert.equal(describeStatus('running', undefined).text, '$(sparkle) GenAI');
    assert.equal(describeStatus('running', { model: 'onnx-community/Qwen2.5-Coder-1.5B@main', state: 'loading', progress: 12 }).text, '$(loading~spin) Qwen2.5-Coder-1.5B 12%');
  });
});
