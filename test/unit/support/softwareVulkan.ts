// The environment that points WebGPU at Mesa's software Vulkan driver, which
// scripts/software-vulkan.sh (the `vulkan` test stage) puts in .vscode-test/vulkan/.
import { existsSync, readdirSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { REPO_ROOT } from './builders';

const DIR = join(REPO_ROOT, '.vscode-test', 'vulkan');

/** LD_LIBRARY_PATH and VK_ICD_FILENAMES for an engine process, or undefined when the driver is not installed. */
export function softwareVulkanEnv(): Record<string, string> | undefined {
  const icd = join(DIR, 'lvp_icd.json');
  const root = join(DIR, 'root');
  if (!existsSync(icd) || !existsSync(root)) return undefined;
  const loader = readdirSync(root, { recursive: true, encoding: 'utf8' }).find((path) => basename(path) === 'libvulkan.so.1');
  if (!loader) return undefined;
  return { LD_LIBRARY_PATH: [join(root, dirname(loader)), process.env.LD_LIBRARY_PATH].filter(Boolean).join(':'), VK_ICD_FILENAMES: icd };
}
