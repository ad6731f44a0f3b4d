// Parses the model references users write in settings and on the command line.
import { isAbsolute } from 'node:path';

export type ModelRef =
  | { kind: 'shipped'; name: string }
  | { kind: 'folder'; path: string }
  | { kind: 'hub'; id: string; revision: string }
  | { kind: 'remote'; name: string };

/** `remote:<name>` names a server in `genaiStudio.remotes`. */
export const REMOTE_PREFIX = 'remote:';
const REMOTE_NAME = /^[A-Za-z0-9][\w.-]*$/;

export function isRemoteRef(raw: string): boolean {
  return raw.trim().startsWith(REMOTE_PREFIX);
}

// Each part starts with a letter or digit, so none is `.` or `..`; no part holds a slash or backslash:
// an id or revision names a folder inside the hub cache and can never lead out of it.
const HUB_ID = /^[A-Za-z0-9][\w.-]*\/[A-Za-z0-9][\w.-]*$/;
const REVISION = /^[A-Za-z0-9][\w.-]*$/;
const SHIPPED_NAME = /^[\w.-]+$/;

/**
 * `genai-code-tiny` -> shipped model; `/abs/folder` or `~/folder` -> folder;
 * `org/name` or `org/name@revision` -> hub; `remote:<name>` -> an inference server. Anything else is an error that says what is accepted.
 */
export function parseModelRef(raw: string, homeDir: string): ModelRef {
  const ref = raw.trim();
  if (ref === '') throw new Error('No model is set. Use a shipped model name (e.g. genai-code-tiny), an absolute folder, or a hub id like org/name.');
  if (ref.startsWith(REMOTE_PREFIX)) {
    const name = ref.slice(REMOTE_PREFIX.length);
    if (REMOTE_NAME.test(name)) return { kind: 'remote', name };
    throw new Error(`"${raw}" names no server: write remote:<name> with the name of an entry in genaiStudio.remotes (letters, digits, ".", "-", "_").`);
  }
  if (ref === '~' || ref.startsWith('~/')) return { kind: 'folder', path: homeDir + ref.slice(1) };
  if (isAbsolute(ref) || /^[A-Za-z]:[\\/]/.test(ref)) return { kind: 'folder', path: ref };
  const at = ref.lastIndexOf('@');
  const id = at > 0 ? ref.slice(0, at) : ref;
  const revision = at > 0 ? ref.slice(at + 1) : 'main';
  if (HUB_ID.test(id) && REVISION.test(revision)) return { kind: 'hub', id, revision };
  if (SHIPPED_NAME.test(ref)) return { kind: 'shipped', name: ref };
  throw new Error(
    `"${raw}" is not a model reference. Use a shipped model name (e.g. genai-code-tiny), an absolute folder path, or a hub id like org/name or org/name@revision.`,
  );
}

export function formatModelRef(ref: ModelRef): string {
  switch (ref.kind) {
    case 'shipped':
      return ref.name;
    case 'folder':
      return ref.path;
    case 'hub':
      return ref.revision === 'main' ? ref.id : `${ref.id}@${ref.revision}`;
    case 'remote':
      return `${REMOTE_PREFIX}${ref.name}`;
  }
}
