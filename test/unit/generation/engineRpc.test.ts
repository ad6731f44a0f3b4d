// Ask the Workspace and Generate Text through the real engine process (dist/engine.js), as the
// extension and the CLI use them: sources, streaming, cancellation, errors with their codes.
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { CancellationTokenSource, ResponseError } from 'vscode-jsonrpc';
import { EngineProcess } from '../../../src/client/engineProcess';
import { EngineErrorCode, type IndexProgress } from '../../../src/protocol';
import { CODE_MODEL, DIST_ENGINE, cleanTemps, tempDir } from '../support/builders';
import { writeFixtureWorkspace } from '../retrieval/fixtureWorkspace';
import { textSettings } from './models';

describe('Ask the Workspace and Generate Text over the engine protocol', () => {
  let engine: EngineProcess;
  let folder: string;
  let storageDir: string;
  before(() => {
    engine = new EngineProcess({ enginePath: DIST_ENGINE, settings: textSettings() });
    folder = tempDir('genai-ws-');
    storageDir = tempDir('genai-index-');
    writeFixtureWorkspace(folder);
  });
  after(async () => {
    await engine.dispose();
    cleanTemps();
  });

  it('indexes with progress, then answers with the sources in rank order and streams the answer', async () => {
    const progress: IndexProgress[] = [];
    const subscription = engine.onIndexProgress((p) => progress.push(p));
    const summary = await engine.indexWorkspace({ folder, storageDir });
    subscription.dispose();
    assert.ok(summary.files >= 20 && progress.at(-1)?.done === summary.files);
    const chunks: string[] = [];
    const result = await engine.ask({ jobId: 'q1', model: CODE_MODEL, folder, storageDir, question: 'What port does the HTTP API listen on?', maxTokens: 16 }, (t) => chunks.push(t));
    assert.equal(result.sources[0].path, 'docs/ports.md');
    assert.equal(result.sources.length, 5);
    const where = (s: { path: string; startLine: number }) => `${s.path}:${s.startLine}`;
    assert.deepEqual(result.used.map(where), result.sources.slice(0, result.used.length).map(where), 'the passages in the prompt are the best ones');
    assert.equal(chunks.join(''), result.text);
    assert.equal(result.promptFormat, 'plain');
    assert.equal(result.index.added, 0, 'the index was already up to date');
  });

  it('cancels an answer inside the engine', async () => {
    const source = new CancellationTokenSource();
    let chunks = 0;
    const result = await engine.ask({ jobId: 'q2', model: CODE_MODEL, folder, storageDir, question: 'Which cipher encrypts payloads?', maxTokens: 4000, temperature: 0.9, seed: 1 }, () => {
      if (++chunks === 2) source.cancel();
    }, source.token);
    assert.equal(result.finishReason, 'cancelled');
    // The cancellation crosses the process boundary while tokens keep coming (about 1 ms each):
    // a few more may be generated, never the thousands asked for.
    assert.ok(result.generatedTokens <= 12, `${result.generatedTokens} tokens generated`);
  });

  it('streams Generate Text and names the prompt format', async () => {
    const chunks: string[] = [];
    const result = await engine.generateText({ jobId: 'g1', model: CODE_MODEL, prompt: 'def main():\n', maxTokens: 10, temperature: 0 }, (t) => chunks.push(t));
    assert.equal(result.promptFormat, 'plain');
    assert.equal(chunks.join(''), result.text);
    assert.ok(result.generatedTokens > 0);
  });

  it('answers bad input with BadRequest and a message that says what to do', async () => {
    const empty = tempDir('genai-empty-');
    const emptyStorage = tempDir('genai-index-');
    const error = await engine.ask({ jobId: 'q3', model: CODE_MODEL, folder: empty, storageDir: emptyStorage, question: 'anything?' }).then(() => undefined, (e: unknown) => e);
    assert.ok(error instanceof ResponseError);
    assert.equal(error.code, EngineErrorCode.BadRequest);
    assert.match(error.message, /nothing to search in/);
    assert.deepEqual(readdirSync(emptyStorage), [], 'no index is written');
    await assert.rejects(engine.ask({ jobId: 'q4', model: CODE_MODEL, folder, storageDir, question: 'zzzqqq xxyyzz' }), /Nothing in the workspace matches the question/);
  });
});
