// Which files of a workspace folder the index sees: everything except .git, what .gitignore files
// (the root one and nested ones) and the exclude patterns leave out. Symbolic links are not followed,
// so a link cycle cannot trap the walk.
import { existsSync, readFileSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join, posix, relative, sep } from 'node:path';
import ignore from 'ignore';
import { CancelledError } from '../../core/jobScheduler';

type Ignore = ReturnType<typeof ignore>;

/** Never worth indexing, whatever the ignore files say. */
const ALWAYS_EXCLUDED = ['.git/', '.hg/', '.svn/'];

export class IgnoreRules {
  private readonly base: Ignore;
  /** Folder (relative, '' for the root) -> its .gitignore, or null when it has none. */
  private readonly gitignores = new Map<string, Ignore | null>();

  constructor(
    private readonly folder: string,
    exclude: readonly string[],
  ) {
    this.base = ignore().add([...ALWAYS_EXCLUDED, ...exclude]);
  }

  /** `rel` uses forward slashes; folders are tested with a trailing slash, as gitignore patterns expect. */
  ignores(rel: string, isDirectory: boolean): boolean {
    const path = isDirectory ? `${rel}/` : rel;
    if (this.base.ignores(path)) return true;
    const parts = rel.split('/');
    for (let depth = 0; depth < parts.length; depth++) {
      const dir = parts.slice(0, depth).join('/');
      const rules = this.gitignore(dir);
      if (rules?.ignores(depth === 0 ? path : posix.relative(dir, path) + (isDirectory ? '/' : ''))) return true;
    }
    return false;
  }

  /** Forget the .gitignore files read so far (one of them changed). */
  reset(): void {
    this.gitignores.clear();
  }

  private gitignore(dir: string): Ignore | null {
    let rules = this.gitignores.get(dir);
    if (rules === undefined) {
      const file = join(this.folder, dir, '.gitignore');
      rules = existsSync(file) ? ignore().add(readFileSync(file, 'utf8')) : null;
      this.gitignores.set(dir, rules);
    }
    return rules;
  }
}

export function toRelative(folder: string, path: string): string {
  return relative(folder, path).split(sep).join('/');
}

/** Every file the rules let through, relative to the folder, in a stable order. */
export async function listWorkspaceFiles(folder: string, rules: IgnoreRules, signal: AbortSignal): Promise<string[]> {
  const files: string[] = [];
  const visit = async (dir: string): Promise<void> => {
    if (signal.aborted) throw new CancelledError('Indexing was cancelled.');
    const entries = await readdir(join(folder, dir), { withFileTypes: true });
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      const rel = dir ? `${dir}/${entry.name}` : entry.name;
      if (entry.isDirectory()) {
        if (!rules.ignores(rel, true)) await visit(rel);
      } else if (entry.isFile() && !rules.ignores(rel, false)) {
        files.push(rel);
      }
    }
  };
  await visit('');
  return files;
}
