// The engine's workspace index on real files: retrieval quality, incremental updates, persistence,
// ignore rules and bad input.
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { CancelledError } from '../../../src/core/jobScheduler';
import { RetrievalService } from '../../../src/engine/retrieval/retrievalService';
import type { IndexProgress, RetrievedSource } from '../../../src/protocol';
import { cleanTemps, tempDir } from '../support/builders';
import { FILES, QUESTIONS, writeFixtureWorkspace } from './fixtureWorkspace';

const never = new AbortController().signal;

function service(progress: IndexProgress[] = []): RetrievalService {
  return new RetrievalService((p) => progress.push(p), () => undefined);
}

function hits(sources: RetrievedSource[], path: string, text: string): boolean {
  return sources.some((s) => s.path === path && s.text.includes(text));
}

describe('workspace retrieval (BM25 index in the engine)', () => {
  let folder: string;
  let storageDir: string;
  beforeEach(() => {
    folder = tempDir('genai-ws-');
    storageDir = tempDir('genai-index-');
    writeFixtureWorkspace(folder);
  });
  after(cleanTemps);

  it(`finds the passage with the answer in the top 5 for at least 90% of ${QUESTIONS.length} questions`, async () => {
    const retrieval = service();
    let found = 0;
    const misses: string[] = [];
    for (const q of QUESTIONS) {
      const { sources } = await retrieval.search({ folder, storageDir, question: q.question, limit: 5 }, never);
      if (hits(sources, q.path, q.answer)) found++;
      else misses.push(`${q.question} -> ${sources.map((s) => s.path).join(', ')}`);
    }
    const recall = found / QUESTIONS.length;
    console.log(`      recall@5 = ${recall.toFixed(3)} (${found}/${QUESTIONS.length})${misses.length ? `; missed: ${misses.join(' | ')}` : ''}`);
    assert.ok(QUESTIONS.length >= 20);
    assert.ok(recall >= 0.9, `recall@5 ${recall}`);
  });

  it('returns sources best first with their path, lines and score', async () => {
    const { sources, index } = await service().search({ folder, storageDir, question: 'What port does the HTTP API listen on?', limit: 3 }, never);
    assert.equal(sources.length, 3);
    assert.equal(sources[0].path, 'docs/ports.md');
    assert.ok(sources[0].score >= sources[1].score && sources[1].score >= sources[2].score);
    assert.ok(sources[0].startLine >= 1 && sources[0].endLine >= sources[0].startLine);
    assert.equal(index.files, Object.keys(FILES).length);
    assert.ok(index.chunks > index.files);
  });

  it('persists the index and, in a new engine, reads only what changed since', async () => {
    const progress: IndexProgress[] = [];
    const first = await service(progress).index({ folder, storageDir }, never);
    assert.equal(first.added, first.files);
    assert.ok(progress.length > 0 && progress.at(-1)!.done === progress.at(-1)!.total, 'progress reaches the total');
    assert.equal(readdirSync(storageDir).filter((f) => f.endsWith('.json')).length, 1);
    writeFileSync(join(folder, 'docs/ports.md'), '# Network\n\nThe HTTP API now listens on port 8088.\n');
    const retrieval = service();
    const again = await retrieval.index({ folder, storageDir }, never);
    assert.deepEqual({ added: again.added, updated: again.updated, removed: again.removed }, { added: 0, updated: 1, removed: 0 });
    assert.ok(hits((await retrieval.search({ folder, storageDir, question: 'HTTP API port' }, never)).sources, 'docs/ports.md', '8088'));
  });

  it('reads nothing outside the folder: not through "..", not through a symbolic link, not through a linked folder', async () => {
    const outside = tempDir('genai-outside-');
    writeFileSync(join(outside, 'secret.md'), '# Secret\n\nThe launch code is zebra-quartz-77.\n');
    mkdirSync(join(outside, 'dir'));
    writeFileSync(join(outside, 'dir', 'notes.md'), '# Notes\n\nThe vault combination is 31-41-59.\n');
    symlinkSync(join(outside, 'secret.md'), join(folder, 'docs', 'linked.md'));
    symlinkSync(join(outside, 'dir'), join(folder, 'linked-dir'));
    const retrieval = service();
    await retrieval.index({ folder, storageDir }, never);
    const escape = relative(folder, join(outside, 'secret.md'));
    await assert.rejects(retrieval.update({ folder, storageDir, paths: [`docs/../${escape}`] }, never), /is outside the workspace folder .*: the index reads files inside it only, so nothing was read/);
    const summary = await retrieval.update({ folder, storageDir, paths: [join(folder, 'docs', 'linked.md'), 'linked-dir/notes.md', join(folder, 'linked-dir', 'notes.md')] }, never);
    assert.equal(summary.added, 0, 'nothing outside the folder was added');
    for (const question of ['launch code zebra quartz', 'vault combination']) {
      const { sources } = await retrieval.search({ folder, storageDir, question }, never);
      assert.ok(!sources.some((s) => /zebra-quartz|31-41-59/.test(s.text)), `"${question}" found ${sources.map((s) => s.path).join(', ')}`);
    }
  });

  it('drops the index of a folder that left the workspace from memory, and opens it from disk when it comes back', async () => {
    const other = tempDir('genai-ws-');
    writeFixtureWorkspace(other);
    const retrieval = service();
    await retrieval.index({ folder, storageDir }, never);
    await retrieval.index({ folder: other, storageDir }, never);
    assert.deepEqual(retrieval.openFolders.sort(), [folder, other].sort());
    await retrieval.close({ folder: other, storageDir });
    assert.deepEqual(retrieval.openFolders, [folder]);
    const back = await retrieval.search({ folder: other, storageDir, question: 'HTTP API port' }, never);
    assert.equal(back.index.added, 0, 'read from the index file, not indexed again');
    assert.ok(hits(back.sources, 'docs/ports.md', '7420'));
  });

  it('saves updates after they stop, not on every save in the editor; closing the folder saves at once', async () => {
    // Saved only after a minute of quiet, so within this test only close() can save the updates.
    const retrieval = new RetrievalService(() => undefined, () => undefined, 60_000);
    await retrieval.index({ folder, storageDir }, never);
    const [indexFile] = readdirSync(storageDir).filter((f) => f.endsWith('.json')).map((f) => join(storageDir, f));
    const savedAfterWalk = readFileSync(indexFile, 'utf8');
    for (let i = 0; i < 5; i++) {
      writeFileSync(join(folder, 'docs/ports.md'), `# Network\n\nThe HTTP API listens on port ${9000 + i}.\n`);
      await retrieval.update({ folder, storageDir, paths: ['docs/ports.md'] }, never);
    }
    assert.equal(readFileSync(indexFile, 'utf8'), savedAfterWalk, 'no update wrote the index');
    assert.ok(hits((await retrieval.search({ folder, storageDir, question: 'HTTP API port' }, never)).sources, 'docs/ports.md', '9004'), 'the index in memory is current');
    await retrieval.close({ folder, storageDir });
    assert.notEqual(readFileSync(indexFile, 'utf8'), savedAfterWalk);
    const reopened = await service().search({ folder, storageDir, question: 'HTTP API port' }, never);
    assert.ok(hits(reopened.sources, 'docs/ports.md', '9004'), 'the saved index holds the last update');
  });

  it('updates incrementally after an edit, a delete and a rename', async () => {
    const retrieval = service();
    const ask = async (question: string) => (await retrieval.search({ folder, storageDir, question }, never)).sources;
    await retrieval.index({ folder, storageDir }, never);

    writeFileSync(join(folder, 'docs/ports.md'), '# Network\n\nThe gRPC gateway listens on port 50051.\n');
    let summary = await retrieval.update({ folder, storageDir, paths: [join(folder, 'docs/ports.md')] }, never);
    assert.equal(summary.updated, 1);
    assert.ok(hits(await ask('Which port does the gRPC gateway use?'), 'docs/ports.md', '50051'));
    assert.ok(!(await ask('HTTP API port 7420')).some((s) => s.text.includes('7420')), 'the old text is gone');

    rmSync(join(folder, 'docs/encryption.md'));
    summary = await retrieval.update({ folder, storageDir, paths: ['docs/encryption.md'] }, never);
    assert.equal(summary.removed, 1);
    assert.ok(!(await ask('Which cipher encrypts payloads at rest?')).some((s) => s.path === 'docs/encryption.md'));

    renameSync(join(folder, 'docs/webhooks.md'), join(folder, 'docs/hooks.md'));
    summary = await retrieval.update({ folder, storageDir, paths: [join(folder, 'docs/webhooks.md'), join(folder, 'docs/hooks.md')] }, never);
    assert.deepEqual({ added: summary.added, removed: summary.removed }, { added: 1, removed: 1 });
    const renamed = await ask('How do I verify a webhook signature?');
    assert.equal(renamed[0].path, 'docs/hooks.md');
    assert.ok(!renamed.some((s) => s.path === 'docs/webhooks.md'));

    // Once saved (here by closing the folder), the index has all three changes: a new engine starts from it and reads nothing.
    await retrieval.close({ folder, storageDir });
    const fresh = await service().index({ folder, storageDir }, never);
    assert.deepEqual({ added: fresh.added, updated: fresh.updated, removed: fresh.removed }, { added: 0, updated: 0, removed: 0 });
  });

  it('respects .gitignore (root and nested), the exclude patterns and a changed .gitignore', async () => {
    mkdirSync(join(folder, 'build'));
    writeFileSync(join(folder, 'build/out.js'), 'const zebraquokka = 1;\n');
    writeFileSync(join(folder, 'docs/secret.md'), 'zebraquokka in docs\n');
    writeFileSync(join(folder, 'notes.tmp'), 'zebraquokka temp\n');
    writeFileSync(join(folder, 'kept.md'), 'zebraquokka kept\n');
    writeFileSync(join(folder, '.gitignore'), 'build/\n');
    writeFileSync(join(folder, 'docs/.gitignore'), 'secret.md\n');
    const retrieval = service();
    const paths = async () => (await retrieval.search({ folder, storageDir, question: 'zebraquokka', exclude: ['*.tmp'] }, never)).sources.map((s) => s.path).sort();
    assert.deepEqual(await paths(), ['kept.md']);
    writeFileSync(join(folder, '.gitignore'), '');
    await retrieval.update({ folder, storageDir, exclude: ['*.tmp'], paths: [join(folder, '.gitignore')] }, never);
    assert.deepEqual(await paths(), ['build/out.js', 'kept.md']);
  });

  it('skips binary and huge (50 MB) files with the reason, without reading the huge one', async () => {
    writeFileSync(join(folder, 'logo.png'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]));
    writeFileSync(join(folder, 'huge.log'), '');
    truncateSync(join(folder, 'huge.log'), 50 * 1024 * 1024);
    const summary = await service().index({ folder, storageDir }, never);
    const reasons = Object.fromEntries(summary.skipped.map((s) => [s.path, s.reason]));
    assert.equal(reasons['logo.png'], 'binary');
    assert.match(reasons['huge.log'], /larger than 1\.0 MB \(50\.0 MB\); raise genaiStudio\.ask\.maxFileKB/);
    assert.equal(summary.skippedCount, 2);
    assert.ok(summary.files >= 20, 'the text files are indexed');
  });

  it('an empty workspace, or one with only binary files, is a clear error and writes no index', async () => {
    const empty = tempDir('genai-empty-');
    await assert.rejects(service().search({ folder: empty, storageDir, question: 'anything' }, never), /nothing to search in .*no text files to index.*check \.gitignore, files\.exclude/);
    writeFileSync(join(empty, 'photo.jpg'), Buffer.from([0xff, 0xd8, 0, 0]));
    await assert.rejects(service().search({ folder: empty, storageDir, question: 'anything' }, never), /1 file skipped, e\.g\. photo\.jpg: binary/);
    assert.deepEqual(readdirSync(storageDir), []);
  });

  it('rejects a missing folder, an empty question and an out-of-range limit with what to do', async () => {
    await assert.rejects(service().search({ folder: join(folder, 'nope'), storageDir, question: 'q' }, never), /does not exist or is not a folder\. Open an existing folder/);
    await assert.rejects(service().search({ folder: 'relative/path', storageDir, question: 'q' }, never), /must be an absolute path/);
    await assert.rejects(service().search({ folder, storageDir, question: '  ' }, never), /The question is empty/);
    await assert.rejects(service().search({ folder, storageDir, question: 'q', limit: 0 }, never), /from 1 to 50/);
  });

  it('stops indexing when cancelled and writes nothing', async () => {
    const controller = new AbortController();
    controller.abort();
    await assert.rejects(service().index({ folder, storageDir }, controller.signal), CancelledError);
    assert.deepEqual(readdirSync(storageDir), []);
  });
});
