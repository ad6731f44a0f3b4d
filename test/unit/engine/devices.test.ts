import assert from 'node:assert/strict';
import { checkDevices } from '../../../src/engine/deviceCheck';
import { DeviceSelector, executionProvider, planDevices, plainReason, probeDevices, type Platform } from '../../../src/engine/devices';
import { CODE_MODEL, cleanTemps, settings } from '../support/builders';

function platform(os: NodeJS.Platform, files: string[] = [], hasGpu = true): Platform {
  return { os, arch: 'x64', bindingDir: '/ort/bin', fileExists: (p) => files.includes(p), hasGpu };
}

describe('execution providers', () => {
  afterEach(cleanTemps);

  it('probes what each platform can try, with what is missing', () => {
    const linux = probeDevices(platform('linux'));
    assert.match(linux.find((p) => p.device === 'cuda')!.reason!, /libonnxruntime_providers_cuda\.so is missing/);
    assert.match(linux.find((p) => p.device === 'webgpu')!.reason!, /libvulkan\.so\.1/);
    assert.equal(probeDevices(platform('linux', ['/usr/lib/x86_64-linux-gnu/libvulkan.so.1'])).find((p) => p.device === 'webgpu')!.available, true);
    assert.equal(probeDevices(platform('linux', ['/ort/bin/libonnxruntime_providers_cuda.so'])).find((p) => p.device === 'cuda')!.available, true);
    const windows = probeDevices(platform('win32'));
    assert.equal(windows.find((p) => p.device === 'dml')!.available, true);
    assert.equal(probeDevices(platform('darwin')).find((p) => p.device === 'coreml')!.available, true);
  });

  it('plans auto as the platform\'s GPUs then CPU, and explains what it skips', () => {
    const probes = probeDevices(platform('win32'));
    assert.deepEqual(planDevices('auto', 'win32', probes, new Map()).tryOrder, ['dml', 'webgpu', 'cpu']);
    assert.deepEqual(planDevices('cpu', 'win32', probes, new Map()), { tryOrder: ['cpu'], skipped: [] });
    const broken = planDevices('dml', 'win32', probes, new Map([['dml', 'failed to start (x)']]));
    assert.deepEqual(broken, { tryOrder: ['cpu'], skipped: ['DirectML: failed to start (x)'] });
  });

  it('lets auto pass over WebGPU on a Linux machine with no GPU, but tries it when asked for by name', () => {
    const noGpu = probeDevices(platform('linux', ['/usr/lib/x86_64-linux-gnu/libvulkan.so.1'], false));
    const webgpu = noGpu.find((p) => p.device === 'webgpu')!;
    assert.equal(webgpu.available, true);
    assert.match(webgpu.autoSkips!, /no GPU .* software Vulkan driver/);
    const auto = planDevices('auto', 'linux', noGpu, new Map());
    assert.deepEqual(auto.tryOrder, ['cpu']);
    assert.match(auto.skipped.join('; '), /WebGPU: this machine shows no GPU/);
    assert.deepEqual(planDevices('webgpu', 'linux', noGpu, new Map()).tryOrder, ['webgpu', 'cpu']);
  });

  it('gives CUDA and DirectML the GPU to use; the other providers take none', () => {
    assert.deepEqual(executionProvider('cuda', 1), { name: 'cuda', deviceId: 1 });
    assert.deepEqual(executionProvider('dml'), { name: 'dml', deviceId: 0 });
    assert.equal(executionProvider('webgpu', 1), 'webgpu');
    assert.equal(executionProvider('cpu', 1), 'cpu');
  });

  it('turns ONNX Runtime provider errors into plain words', () => {
    assert.match(
      plainReason('/onnxruntime_src/onnxruntime/core/providers/webgpu/webgpu_context.cc:136 lambda adapter_result.status == Success was false. Failed to get a WebGPU adapter: No supported adapters'),
      /no WebGPU adapter was found/,
    );
    assert.match(plainReason('Failed to load shared library libonnxruntime_providers_cuda.so: libcudnn.so.9: cannot open'), /install CUDA 12 and cuDNN 9/);
  });

  it('checks every provider with the shipped model: CPU works, the rest say what they need', async () => {
    const checks = await checkDevices(settings(), new DeviceSelector(), CODE_MODEL);
    assert.deepEqual(checks.map((c) => c.device), ['cpu', 'webgpu', 'cuda', 'dml', 'coreml']);
    assert.equal(checks[0].works, true);
    assert.ok(checks[0].ms! > 0);
    for (const check of checks.slice(1)) {
      assert.ok(check.detail.length > 10, `${check.device} explains itself`);
      if (!check.tried) assert.equal(check.works, false);
    }
    assert.match(checks.find((c) => c.device === 'dml')!.detail, /only on Windows/);
  });
});
