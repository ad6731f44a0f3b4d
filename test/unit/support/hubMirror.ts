// A local stand-in for the Hugging Face hub: serves model folders in the hub's URL layout
// (`/{org}/{name}/resolve/{revision}/{file}`), with HEAD and Range like the real one, and
// counts requests so tests can tell cache hits from downloads. Like the hub for LFS files, it sends each
// file's SHA-256 as X-Linked-Etag (and as its ETag, which If-Range is checked against), and it names the
// commit every revision points to in X-Repo-Commit. It refuses as the real hub does:
// 401 for a repository it does not have (the hub cannot tell that from a private one) and for a gated
// one without a token, 403 for a gated one with a token that has no access, 404 for a missing file.
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, readFileSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, normalize } from 'node:path';

export interface HubMirror {
  endpoint: string;
  /** GET requests per file path that sent a body (downloads, not probes). */
  downloads: Map<string, number>;
  /** The Authorization header of every request, '' where there was none. */
  authorizations: string[];
  /** Every GET as `org/name/path@revision`, with ` bytes=N-` when it asked for a range. */
  requests: string[];
  /** The commit X-Repo-Commit names for a repository (what a pinned download asks for). */
  commitOf(id: string): string;
  close(): Promise<void>;
}

export interface HubMirrorOptions {
  /** Gated repositories: hub id -> the one token that may read it. */
  gated?: Record<string, string>;
  /** Faults in the transfer of files (`org/name/path`), the way a network or a proxy breaks one. */
  faults?: Record<string, 'corrupt' | 'truncate' | 'truncate-once' | 'stall'>;
}

/** `repos` maps a hub id (`org/name`) to the folder served for it, at every revision. */
export async function startHubMirror(repos: Record<string, string>, options: HubMirrorOptions = {}): Promise<HubMirror> {
  const downloads = new Map<string, number>();
  const authorizations: string[] = [];
  const requests: string[] = [];
  const faultsDone = new Set<string>();
  const commitOf = (id: string) => createHash('sha1').update(`commit of ${id}`).digest('hex');
  const server: Server = createServer((req, res) => {
    authorizations.push(req.headers.authorization ?? '');
    const match = /^\/([^/]+\/[^/]+)\/resolve\/([^/]+)\/(.+)$/.exec(decodeURIComponent((req.url ?? '').split('?')[0]));
    const folder = match ? repos[match[1]] : undefined;
    if (!match || !folder) {
      res.writeHead(401, { 'content-type': 'text/plain', 'x-error-code': 'RepoNotFound' }).end('Repository not found');
      return;
    }
    const token = options.gated?.[match[1]];
    if (token && req.headers.authorization !== `Bearer ${token}`) {
      const status = req.headers.authorization ? 403 : 401;
      res.writeHead(status, { 'content-type': 'text/plain', 'x-error-code': 'GatedRepo' }).end('Access to this model is restricted');
      return;
    }
    const file = normalize(match[3]);
    const path = join(folder, file);
    if (file.startsWith('..') || !existsSync(path) || !statSync(path).isFile()) {
      res.writeHead(404, { 'content-type': 'text/plain', 'x-error-code': 'EntryNotFound' }).end('Entry not found');
      return;
    }
    const size = statSync(path).size;
    const bytes = readFileSync(path);
    const etag = `"${createHash('sha256').update(bytes).digest('hex')}"`;
    const common = { 'accept-ranges': 'bytes', etag, 'x-linked-etag': etag, 'x-repo-commit': commitOf(match[1]) };
    const key = `${match[1]}/${file}`;
    const range = /^bytes=(\d+)-(\d*)$/.exec(req.headers.range ?? '');
    if (req.method === 'HEAD') {
      res.writeHead(200, { ...common, 'content-length': size }).end();
      return;
    }
    requests.push(`${key}@${match[2]}${range ? ` bytes=${range[1]}-` : ''}`);
    const ifRange = req.headers['if-range'];
    if (range && (!ifRange || ifRange === etag)) {
      const start = Number(range[1]);
      const end = range[2] ? Math.min(Number(range[2]), size - 1) : size - 1;
      res.writeHead(206, { ...common, 'content-length': end - start + 1, 'content-range': `bytes ${start}-${end}/${size}` });
      if (end - start + 1 >= size) downloads.set(key, (downloads.get(key) ?? 0) + 1);
      createReadStream(path, { start, end }).pipe(res);
      return;
    }
    downloads.set(key, (downloads.get(key) ?? 0) + 1);
    res.writeHead(200, { ...common, 'content-length': size });
    let fault = options.faults?.[key];
    if (fault === 'truncate-once') fault = faultsDone.has(key) ? undefined : (faultsDone.add(key), 'truncate');
    if (fault === 'corrupt') res.end(Buffer.from(bytes.map((b, i) => (i === bytes.length >> 1 ? b ^ 0xff : b))));
    else if (fault === 'truncate') res.write(bytes.subarray(0, bytes.length >> 1), () => res.socket?.destroy());
    // Half the file, then silence on an open connection.
    else if (fault === 'stall') res.write(bytes.subarray(0, bytes.length >> 1));
    else res.end(bytes);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    downloads,
    authorizations,
    requests,
    commitOf,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
