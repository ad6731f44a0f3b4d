// The engine's JSON-RPC side in process (the real EngineServer, the real shipped model) over a pair of
// streams: requests superseded before the engine reads them never run.
import assert from 'node:assert/strict';
import { CancellationTokenSource, ResponseError } from 'vscode-jsonrpc';
import { ENGINE_CONNECTION_OPTIONS } from '../../../src/engine/requests';
import { REQUEST_CANCELLED, type CompleteParams, type GenerateParams } from '../../../src/protocol';
import { Notifications, Requests } from '../../../src/protocolMessages';
import { CODE_MODEL, cleanTemps } from '../support/builders';
import { connectedEngine } from '../support/engineConnection';

const KEYSTROKE: CompleteParams = { model: CODE_MODEL, filePath: 'a.py', languageId: 'python', prefix: 'def add(a, b):\n    return ', suffix: '\n', maxTokens: 64 };

describe('EngineServer cancellation', () => {
  after(cleanTemps);

  // Typing sends a request per keystroke and cancels the one before; at real size a pass takes ~100 ms,
  // so the cancel often arrives while the request still waits to be read. Both ways of meeting it:
  // the engine's connection answers it unread, and a handler given an already-cancelled token stops.
  for (const [how, options] of [['the engine connection', ENGINE_CONNECTION_OPTIONS], ['a handler whose token is already cancelled', undefined]] as const) {
    it(`never runs a request cancelled before it is dispatched (${how})`, async () => {
      const pair = connectedEngine(options);
      try {
        // Load first, so the superseded requests would otherwise finish in a few ms each.
        await pair.client.sendRequest(Requests.load, { model: CODE_MODEL });
        const superseded: Promise<unknown>[] = [];
        for (let i = 0; i < 5; i++) {
          const source = new CancellationTokenSource();
          superseded.push(pair.client.sendRequest(Requests.complete, { ...KEYSTROKE, prefix: `${KEYSTROKE.prefix}${'a'.repeat(i)}` }, source.token).then(() => 'completed', (e: unknown) => e));
          source.cancel();
        }
        const last = await pair.client.sendRequest(Requests.complete, KEYSTROKE);
        assert.ok(last.generatedTokens > 0, 'the request that was not cancelled runs');
        for (const outcome of await Promise.all(superseded)) {
          assert.ok(outcome instanceof ResponseError, `a superseded request ${String(outcome)}`);
          assert.equal(outcome.code, REQUEST_CANCELLED);
        }
      } finally {
        await pair.dispose();
      }
    });
  }
});

describe('EngineServer scheduling of long generations', () => {
  after(cleanTemps);

  it('runs a completion between two passes of a long generation, which gives the same text as alone', async () => {
    const pair = connectedEngine(ENGINE_CONNECTION_OPTIONS);
    try {
      await pair.client.sendRequest(Requests.load, { model: CODE_MODEL });
      // Sampled (one token per pass: no prompt-lookup guesses) and seeded, so both runs draw the same tokens.
      const long: GenerateParams = { jobId: 'long', model: CODE_MODEL, prompt: 'def parse(text):\n', maxTokens: 400, temperature: 0.8, topK: 40, seed: 7 };
      const alone = await pair.client.sendRequest(Requests.generate, { ...long, jobId: 'alone' });
      assert.ok(alone.generatedTokens >= 100, `a long generation (${alone.generatedTokens} tokens)`);

      let firstChunk!: () => void;
      const started = new Promise<void>((resolve) => (firstChunk = resolve));
      pair.client.onNotification(Notifications.generateChunk, (chunk) => {
        if (chunk.jobId === 'long') firstChunk();
      });
      let generationDone = false;
      const generation = pair.client.sendRequest(Requests.generate, long).then((result) => {
        generationDone = true;
        return result;
      });
      await started;
      const completion = await pair.client.sendRequest(Requests.complete, KEYSTROKE);
      assert.ok(completion.generatedTokens > 0);
      assert.equal(generationDone, false, 'the completion did not wait for the whole generation');
      const interleaved = await generation;
      assert.equal(interleaved.text, alone.text, 'the generation picked up its own tokens again after the completion');
    } finally {
      await pair.dispose();
    }
  });
});

