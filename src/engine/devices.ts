// Which execution providers this machine's ONNX Runtime can try, in which order, and the
// fallback to CPU with a reason a user can act on.
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { InferenceSession } from 'onnxruntime-node';
import type { DeviceChoice, DeviceProbe, DeviceSetting, ExecutionDevice } from '../protocol';
import { errorMessage } from './errors';
import type { ProviderCrashes } from './providerCrashes';

const LABEL: Record<ExecutionDevice, string> = { cpu: 'CPU', cuda: 'CUDA', dml: 'DirectML', coreml: 'CoreML', webgpu: 'WebGPU' };

export function deviceLabel(device: ExecutionDevice): string {
  return LABEL[device];
}

/**
 * What ONNX Runtime is given for `device`: the GPU's index where the provider takes one. Graph
 * capture is not asked for: it needs fixed shapes, and the KV cache grows every step.
 */
export function executionProvider(device: ExecutionDevice, gpuDeviceId = 0): InferenceSession.ExecutionProviderConfig {
  return device === 'cuda' || device === 'dml' ? { name: device, deviceId: gpuDeviceId } : device;
}

export interface Platform {
  os: NodeJS.Platform;
  arch: string;
  /** Folder of onnxruntime-node's native binding, where its provider libraries live. */
  bindingDir: string;
  fileExists: (path: string) => boolean;
  /** Whether the machine shows a GPU at all (Linux: a DRM render node, NVIDIA's device, WSL's GPU). */
  hasGpu: boolean;
}

export function currentPlatform(): Platform {
  const bindingRoot = dirname(require.resolve('onnxruntime-node/package.json'));
  return {
    os: process.platform,
    arch: process.arch,
    bindingDir: join(bindingRoot, 'bin', 'napi-v6', process.platform, process.arch),
    fileExists: existsSync,
    hasGpu: process.platform !== 'linux' || linuxHasGpu(),
  };
}

function linuxHasGpu(): boolean {
  const renderNode = existsSync('/dev/dri') && readdirSync('/dev/dri').some((name) => name.startsWith('renderD'));
  return renderNode || existsSync('/dev/nvidia0') || existsSync('/dev/dxg');
}

const VULKAN_DIRS = ['/usr/lib/x86_64-linux-gnu', '/usr/lib/aarch64-linux-gnu', '/usr/lib64', '/usr/lib'];

/** Where the dynamic loader would find libvulkan.so.1: LD_LIBRARY_PATH first, then the system folders. */
function vulkanLoaderPaths(): string[] {
  const fromEnv = (process.env.LD_LIBRARY_PATH ?? '').split(':').filter(Boolean);
  return [...fromEnv, ...VULKAN_DIRS].map((dir) => join(dir, 'libvulkan.so.1'));
}

/** What each provider needs on this platform; no session is created here. */
export function probeDevices(platform: Platform): DeviceProbe[] {
  const { os, arch } = platform;
  const cudaLib = join(platform.bindingDir, os === 'win32' ? 'onnxruntime_providers_cuda.dll' : 'libonnxruntime_providers_cuda.so');
  const cuda: DeviceProbe =
    (os === 'linux' || os === 'win32') && arch === 'x64'
      ? platform.fileExists(cudaLib)
        ? { device: 'cuda', available: true }
        : {
            device: 'cuda',
            available: false,
            reason: `the CUDA provider library is not installed (${cudaLib} is missing). onnxruntime-node downloads it in its npm install script, which the extension's VSIX never runs and npm 11 runs only when allowed (npm install --allow-scripts=onnxruntime-node, with network access, CUDA 12 and cuDNN 9 on the machine). On an NVIDIA GPU, webgpu works without it`,
          }
      : { device: 'cuda', available: false, reason: `ONNX Runtime has no CUDA build for ${os}-${arch}` };
  const vulkanLoader = os !== 'linux' || vulkanLoaderPaths().some((p) => platform.fileExists(p));
  const webgpu: DeviceProbe = !vulkanLoader
    ? { device: 'webgpu', available: false, reason: 'WebGPU on Linux needs the Vulkan loader (libvulkan.so.1: apt install libvulkan1) and a GPU driver with Vulkan support' }
    : platform.hasGpu
      ? { device: 'webgpu', available: true }
      : // Mesa's software driver (lavapipe) would give WebGPU an adapter that is many times slower than the CPU provider.
        { device: 'webgpu', available: true, autoSkips: 'this machine shows no GPU (no /dev/dri/renderD*, /dev/nvidia0 or /dev/dxg), so WebGPU could only run on a software Vulkan driver, slower than the CPU' };
  return [
    cuda,
    os === 'win32' ? { device: 'dml', available: true } : { device: 'dml', available: false, reason: 'DirectML exists only on Windows' },
    os === 'darwin' ? { device: 'coreml', available: true } : { device: 'coreml', available: false, reason: 'CoreML exists only on macOS' },
    webgpu,
    { device: 'cpu', available: true },
  ];
}

export interface DevicePlan {
  /** Devices to try in order; always ends with CPU. */
  tryOrder: ExecutionDevice[];
  /** Why the requested device(s) were skipped without trying, if they were. */
  skipped: string[];
}

const AUTO_ORDER: Record<string, ExecutionDevice[]> = {
  win32: ['cuda', 'dml', 'webgpu'],
  darwin: ['coreml', 'webgpu'],
  linux: ['cuda', 'webgpu'],
};

export function planDevices(
  setting: DeviceSetting,
  os: NodeJS.Platform,
  probes: readonly DeviceProbe[],
  knownBroken: ReadonlyMap<ExecutionDevice, string>,
): DevicePlan {
  const wanted = setting === 'auto' ? (AUTO_ORDER[os] ?? []) : setting === 'cpu' ? [] : [setting];
  const tryOrder: ExecutionDevice[] = [];
  const skipped: string[] = [];
  for (const device of wanted) {
    const probe = probes.find((p) => p.device === device);
    const broken = knownBroken.get(device);
    if (!probe?.available) skipped.push(`${deviceLabel(device)}: ${probe?.reason ?? 'not supported here'}`);
    else if (setting === 'auto' && probe.autoSkips) skipped.push(`${deviceLabel(device)}: ${probe.autoSkips}`);
    else if (broken) skipped.push(`${deviceLabel(device)}: ${broken}`);
    else tryOrder.push(device);
  }
  tryOrder.push('cpu');
  return { tryOrder, skipped };
}

/**
 * Runs `load` on each planned device until one works. A GPU that fails is remembered for this
 * process, so later loads do not pay for the same failure again.
 */
export class DeviceSelector {
  private readonly broken = new Map<ExecutionDevice, string>();
  private readonly probes: DeviceProbe[];

  constructor(
    private readonly platform: Platform = currentPlatform(),
    private readonly crashes?: ProviderCrashes,
  ) {
    this.probes = probeDevices(platform);
    for (const [device, reason] of crashes?.remembered() ?? []) this.broken.set(device, reason);
  }

  /** Starts a GPU provider so that a crash in it is remembered by the next engine (see ProviderCrashes). */
  attempt<T>(device: ExecutionDevice, start: () => Promise<T>): Promise<T> {
    return device === 'cpu' || !this.crashes ? start() : this.crashes.attempt(device, start);
  }

  describe(): DeviceProbe[] {
    return this.probes.map((p) => (this.broken.has(p.device) ? { ...p, available: false, reason: this.broken.get(p.device) } : p));
  }

  async load<T>(setting: DeviceSetting, load: (device: ExecutionDevice) => Promise<T>, log: (message: string) => void): Promise<{ value: T } & DeviceChoice> {
    const plan = planDevices(setting, this.platform.os, this.probes, this.broken);
    const reasons = [...plan.skipped];
    for (const device of plan.tryOrder) {
      try {
        const value = await this.attempt(device, () => load(device));
        const gpuWanted = setting !== 'cpu';
        const fallbackReason = device === 'cpu' && gpuWanted && reasons.length > 0 ? reasons.join('; ') : undefined;
        if (fallbackReason) log(`Running on CPU because ${fallbackReason}`);
        return { value, device, fallbackReason };
      } catch (error) {
        if (device === 'cpu') throw error;
        const reason = `failed to start (${plainReason(errorMessage(error))})`;
        this.broken.set(device, reason);
        reasons.push(`${deviceLabel(device)}: ${reason}`);
        log(`${deviceLabel(device)} could not run the model: ${errorMessage(error)}`);
      }
    }
    throw new Error('unreachable: the device plan always ends with CPU');
  }
}

/** ONNX Runtime's provider errors, in words a user can act on. */
export function plainReason(message: string): string {
  if (/Failed to get a WebGPU adapter/i.test(message)) return 'no WebGPU adapter was found: a GPU driver with Vulkan (Linux), D3D12 (Windows) or Metal (macOS) support is needed';
  if (/libcudnn|libcublas|libcudart|CUDA driver version/i.test(message)) return 'the CUDA runtime libraries could not be loaded: install CUDA 12 and cuDNN 9 and put them on the library path';
  if (/Failed to load shared library|cannot open shared object/i.test(message)) return `a provider library could not be loaded (${message.split('\n')[0].slice(-200)})`;
  // Drop ONNX Runtime's source location prefix; keep the message.
  return message.split('\n')[0].replace(/^\/onnxruntime_src\/\S+ \S+ /, '').slice(0, 300);
}
