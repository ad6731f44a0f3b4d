// The environment that points WebGPU at Mesa's software Vulkan driver, which
// scripts/software-vulkan.sh (the `system` test stage) puts in .vscode-test/vulkan/.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from './builders';

const DIR = join(REPO_ROOT, '.vscode-test', 'vulkan');

/** LD_LIBRARY_PATH and VK_ICD_FILENAMES for an engine process, or undefined when the driver is not installed. */
export function softwareVulkanEnv(): Record<string, string> | undefined {
  const icd = join(DIR, 'lvp_icd.json');
  const loaderDir = findDirWith(join(DIR, 'root'), 'libvulkan.so.1');
  if (!existsSync(icd) || !loaderDir) return undefined;
  return { LD_LIBRARY_PATH: [loaderDir, process.env.LD_LIBRARY_PATH].filter(Boolean).join(':'), VK_ICD_FILENAMES: icd };
}

function findDirWith(dir: string, file: string): string | undefined {
  if (!existsSync(dir)) return undefined;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === file) return dir;
    if (entry.isDirectory()) {
      const found = findDirWith(join(dir, entry.name), file);
      if (found) return found;
    }
  }
  return undefined;
}
