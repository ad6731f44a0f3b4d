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

  it('names the weights file that runs, and a server model\'s server', () => {
    const hub = describeStatus('running', { model: 'onnx-community/Qwen2.5-Coder-1.5B', state: 'ready', device: 'webgpu', sizeMB: 1100, weights: 'onnx/model_q4f16.onnx' });
    assert.equal(hub.tooltip, 'onnx-community/Qwen2.5-Coder-1.5B is ready on WebGPU (~1100 MB), running onnx/model_q4f16.onnx.');
    const remote = describeStatus('running', { model: 'remote:gpu-box', state: 'ready', device: 'server', server: 'http://gpu-box:8000 · Qwen/Qwen2.5-Coder-7B (openai)' });
    assert.equal(remote.text, '$(sparkle) remote:gpu-box · server gpu-box:8000');
    const failed = describeStatus('running', { model: 'remote:gpu-box', state: 'failed', device: 'server', server: 'http://gpu-box:8000 · m (openai)', error: 'connection refused' });
    assert.match(failed.tooltip, /^remote:gpu-box \(http:\/\/gpu-box:8000 · m \(openai\)\) failed: connection refused/);
  });
});
