// The GPU code path on a machine without a GPU: the WebGPU execution provider over Mesa's software
// Vulkan driver, through the real engine process, compared with a CPU engine on the same requests.
// On WebGPU the keys/values stay in GPU buffers between passes and are shortened there (rejected
// prompt-lookup guesses, a prompt that changed mid-way), so equal greedy text checks that path.
import assert from 'node:assert/strict';
import { EngineProcess } from '../../../src/client/engineProcess';
import { pixelDifference, withinTolerance } from '../../../src/core/image/pixelDifference';
import { rgbPixels } from '../../../src/core/image/rgbImage';
import { IMAGE_MODEL } from '../../../src/defaults';
import type { GenerateParams, ImageParams } from '../../../src/protocol';
import { CODE_MODEL, DIST_ENGINE, cleanTemps, settings } from '../support/builders';
import { softwareVulkanEnv } from '../support/softwareVulkan';

const PROMPTS = ['function fibonacci(n) {\n', 'import os\n\ndef main():\n    for name in os.listdir("."):\n', 'fn parse(input: &str) -> Result<'];

describe('WebGPU on a software Vulkan driver, through the engine', function () {
  this.timeout(180_000);
  let gpu: EngineProcess;
  let cpu: EngineProcess;
  let n = 0;
  const greedy = (prompt: string): GenerateParams => ({ jobId: `job-${n++}`, model: CODE_MODEL, prompt, maxTokens: 40, temperature: 0 });

  before(function () {
    const env = softwareVulkanEnv();
    // scripts/software-vulkan.sh installs it on Debian; elsewhere there is nothing to run these on.
    if (!env) this.skip();
    gpu = new EngineProcess({ enginePath: DIST_ENGINE, settings: settings({ device: 'webgpu' }), env });
    cpu = new EngineProcess({ enginePath: DIST_ENGINE, settings: settings({ device: 'cpu' }) });
  });
  after(async () => {
    await gpu?.dispose();
    await cpu?.dispose();
    cleanTemps();
  });

  it('runs the code model on WebGPU and generates the CPU\'s greedy tokens', async () => {
    let guessed = 0;
    for (const prompt of PROMPTS) {
      const [onGpu, onCpu] = [await gpu.generate(greedy(prompt)), await cpu.generate(greedy(prompt))];
      assert.equal(onGpu.device, 'webgpu');
      assert.equal(onGpu.text, onCpu.text, `prompt ${JSON.stringify(prompt)}`);
      assert.equal(onGpu.generatedTokens, onCpu.generatedTokens);
      guessed += onGpu.acceptedDraftTokens;
    }
    assert.ok(guessed > 0, 'prompt-lookup guesses were fed (and rejected ones cut from the GPU cache)');
  });

  it('resumes the keys/values kept on the GPU: a longer prompt reuses them, a changed one shortens them', async () => {
    const base = 'def add(a, b):\n    return a + b\n\n\ndef sub(a, b):\n';
    const steps = [base, `${base}    return a`, `${base.slice(0, -8)}mul(a, b):\n`];
    const reused: number[] = [];
    for (const prompt of steps) {
      const [onGpu, onCpu] = [await gpu.generate(greedy(prompt)), await cpu.generate(greedy(prompt))];
      assert.equal(onGpu.text, onCpu.text, `prompt ${JSON.stringify(prompt)}`);
      assert.equal(onGpu.reusedPromptTokens, onCpu.reusedPromptTokens);
      reused.push(onGpu.reusedPromptTokens);
    }
    assert.ok(reused[1] > 0 && reused[2] > 0 && reused[2] < reused[1], `reused ${reused.join(', ')} prompt tokens`);
  });

  it('completes code on WebGPU as on the CPU', async () => {
    const request = { model: CODE_MODEL, filePath: '/w/sum.ts', languageId: 'typescript', prefix: 'export function sum(values: number[]): number {\n  ', suffix: '\n}\n' };
    const [onGpu, onCpu] = [await gpu.complete(request), await cpu.complete(request)];
    assert.equal(onGpu.device, 'webgpu');
    assert.equal(onGpu.raw, onCpu.raw);
    assert.equal(onGpu.text, onCpu.text);
  });

  it('generates the CPU\'s image on WebGPU, within the tolerance for float rounding', async () => {
    const request = (jobId: string): ImageParams => ({ jobId, model: IMAGE_MODEL, prompt: 'large red circle on a blue background', steps: 12, guidance: 4, scheduler: 'ddim', seed: 7, previewEvery: 0 });
    const [onGpu, onCpu] = [await gpu.generateImage(request('gpu')), await cpu.generateImage(request('cpu'))];
    assert.equal(onGpu.device, 'webgpu');
    const difference = pixelDifference([rgbPixels(onGpu.images[0])], [rgbPixels(onCpu.images[0])]);
    assert.ok(withinTolerance(difference), `mean |diff| ${difference.meanAbs}, max ${difference.maxAbs}`);
  });
});
