// The source files the completion benchmark types through: folders on disk, or by default this
// repository's src/core and tools as committed at one pinned revision. The working tree changes with
// every commit (and during a session of runs), and each change moves which lines are retyped, so
// runs on it are not comparable; the pinned revision is the same files every time.
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

export interface SourceFile {
  /** Relative to its folder, like the provider's `asRelativePath`. */
  path: string;
  text: string;
}

/** The default corpus: 74 TypeScript, Python and Markdown files at the end of 2026-11-29's fourth session. */
export const PINNED_CORPUS = { revision: '85cb981dd1a467903627ca9242da7c9cc463febf', folders: ['src/core', 'tools'] } as const;

/** Every file under each folder on disk, sorted, so that the same folders always give the same files. */
export function filesOnDisk(folders: readonly string[]): SourceFile[] {
  return folders.flatMap((folder) => walk(folder).map((file) => ({ path: relative(folder, file), text: readFileSync(file, 'utf8') })));
}

function walk(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      if (name.startsWith('.') || name === 'node_modules') return [];
      const path = join(dir, name);
      return statSync(path).isDirectory() ? walk(path) : [path];
    });
}

/** Every file under each folder as committed at `revision` in the repository at `root`, read with git. */
export function filesAtRevision(root: string, revision: string, folders: readonly string[]): SourceFile[] {
  // git's own stderr is kept out of the output: a missing commit gets the message below instead.
  const git = (...args: string[]) => execFileSync('git', ['-C', root, ...args], { encoding: 'utf8', maxBuffer: 64 * 1048576, stdio: ['ignore', 'pipe', 'pipe'] });
  try {
    git('cat-file', '-e', `${revision}^{commit}`);
  } catch {
    throw new Error(
      `The default corpus is ${folders.join(' and ')} at commit ${revision.slice(0, 12)}, read with git, and this checkout does not have it (no git, or a shallow clone). ` +
        'Fetch the full history, or pass folders to type through: npm run bench:completion -- DIR.',
    );
  }
  return folders.flatMap((folder) =>
    git('ls-tree', '-r', '--name-only', revision, '--', folder)
      .split('\n')
      .filter(Boolean)
      .sort()
      .map((path) => ({ path: relative(folder, path), text: git('show', `${revision}:${path}`) })),
  );
}
