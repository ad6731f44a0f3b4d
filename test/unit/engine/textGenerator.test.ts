import assert from 'node:assert/strict';
import type { CausalLM } from '../../../src/engine/causalLM';
import { argmax } from '../../../src/core/sampling';
import { emptyPast, tokenFeeds } from '../../../src/engine/decoderFeeds';
import { EngineError } from '../../../src/engine/errors';
import { generate, PREFILL_CHUNK_TOKENS, type GenerationRequest } from '../../../src/engine/textGenerator';

import { withCodeModel } from './harness';

const PROMPT = 'function add(a, b) {\n  return';

function request(overrides: Partial<GenerationRequest> = {}): GenerationRequest {
  return { prompt: PROMPT, maxTokens: 24, temperature: 0, topK: 0, topP: 1, seed: 0, stop: [], ...overrides };
}

describe('text generation on the shipped code model', () => {
  const loaded = withCodeModel();
  let model: CausalLM;
  before(() => {
    model = loaded();
  });

  it('streams exactly the text it returns, and greedy decoding is deterministic', async () => {
    const chunks: string[] = [];
    const first = await generate(model, request(), new AbortController().signal, (t) => chunks.push(t));
    assert.ok(first.generatedTokens > 0 && first.text.length > 0);
    assert.equal(chunks.join(''), first.text);
    assert.equal(first.promptTokens, model.tokenizer.encode(PROMPT, { add_special_tokens: false }).length);
    const second = await generate(model, request(), new AbortController().signal, () => undefined);
    assert.equal(second.text, first.text);
  });

  it('the KV-cached decode matches a full forward pass at every step', async () => {
    const out = await generate(model, request({ maxTokens: 8 }), new AbortController().signal, () => undefined);
    const ids = model.tokenizer.encode(PROMPT + out.text, { add_special_tokens: false });
    const promptIds = model.tokenizer.encode(PROMPT, { add_special_tokens: false });
    // Re-run greedy without a cache, one full pass per token, and compare the text.
    const seq = [...promptIds];
    for (let step = 0; step < out.generatedTokens; step++) {
      const n = seq.length;
      const result = await model.session.run({ ...tokenFeeds(model.session, seq, 0), ...emptyPast(model.session) });
      const vocab = result.logits.dims[2];
      seq.push(argmax((result.logits.data as Float32Array).subarray((n - 1) * vocab, n * vocab)));
    }
    assert.equal(model.tokenizer.decode(seq.slice(promptIds.length), { skip_special_tokens: false }), out.text);
    assert.ok(ids.length > 0);
  });

  it('greedy decoding with prompt-lookup guesses gives the tokens of one full pass per token', async () => {
    // Repetitive code: the model continues the pattern, so guesses copied from the prompt are confirmed.
    const prompt = Array.from({ length: 6 }, (_, i) => `  const value${i} = read(input, ${i});\n`).join('') + '  const value6 = read(';
    model.decoder.clear();
    const out = await generate(model, request({ prompt, maxTokens: 16 }), new AbortController().signal, () => undefined);
    assert.ok(out.acceptedDraftTokens > 0, `no guess confirmed in ${JSON.stringify(out.text)}`);
    const promptIds = model.tokenizer.encode(prompt, { add_special_tokens: false });
    const seq = [...promptIds];
    for (let step = 0; step < out.generatedTokens; step++) {
      const result = await model.session.run({ ...tokenFeeds(model.session, seq, 0), ...emptyPast(model.session) });
      const vocab = result.logits.dims[2];
      seq.push(argmax((result.logits.data as Float32Array).subarray((seq.length - 1) * vocab, seq.length * vocab)));
    }
    assert.equal(out.text, model.tokenizer.decode(seq.slice(promptIds.length), { skip_special_tokens: false }));
  });

  it('resumes from the previous prompt\'s KV cache and gives exactly the tokens of a cold run', async () => {
    const signal = new AbortController().signal;
    model.decoder.clear();
    const cold = await generate(model, request({ prompt: `${PROMPT} a`, maxTokens: 20 }), signal, () => undefined);
    assert.equal(cold.reusedPromptTokens, 0);
    model.decoder.clear();
    await generate(model, request({ prompt: PROMPT, maxTokens: 5 }), signal, () => undefined);
    const warm = await generate(model, request({ prompt: `${PROMPT} a`, maxTokens: 20 }), signal, () => undefined);
    const shared = model.tokenizer.encode(PROMPT, { add_special_tokens: false }).length;
    assert.ok(warm.reusedPromptTokens >= shared - 1, `reused ${warm.reusedPromptTokens} of ${warm.promptTokens} prompt tokens`);
    assert.equal(warm.text, cold.text);
    const again = await generate(model, request({ prompt: `${PROMPT} a`, maxTokens: 20 }), signal, () => undefined);
    assert.equal(again.reusedPromptTokens, again.promptTokens - 1, 'the same prompt reuses all but its last token');
    assert.equal(again.text, cold.text);
  });

  it('returns an empty answer when the model ends it at once', async () => {
    const signal = new AbortController().signal;
    const first = await generate(model, request({ maxTokens: 1 }), signal, () => undefined);
    const firstToken = model.tokenizer.encode(first.text, { add_special_tokens: false })[0];
    // The same model, with its first greedy token for this prompt taken as the end of the answer.
    const ending = { ...model, eosTokenIds: new Set([firstToken]) };
    const out = await generate(ending, request(), signal, () => undefined);
    assert.deepEqual([out.text, out.generatedTokens, out.finishReason], ['', 0, 'stop']);
  });

  it('stops within one token of a cancellation', async () => {
    const controller = new AbortController();
    let tokensAtAbort = -1;
    const out = await generate(model, request({ maxTokens: 200 }), controller.signal, (_text, tokens) => {
      if (tokens >= 3 && tokensAtAbort < 0) {
        tokensAtAbort = tokens;
        controller.abort();
      }
    });
    assert.equal(out.finishReason, 'cancelled');
    assert.ok(tokensAtAbort >= 3);
    assert.ok(out.generatedTokens - tokensAtAbort <= 1, `generated ${out.generatedTokens} tokens after the abort at ${tokensAtAbort}`);
  });

  it('reads a long prompt in chunks: a cancel stops it between two, and the next request resumes from the chunks read', async () => {
    const prompt = Array.from({ length: 40 }, (_, i) => `export function f${i}(x: number): number {\n  return x * ${i};\n}\n`).join('') + 'export function g(';
    const promptTokens = model.tokenizer.encode(prompt, { add_special_tokens: false }).length;
    assert.ok(promptTokens > 3 * PREFILL_CHUNK_TOKENS, `${promptTokens} prompt tokens`);
    model.decoder.clear();
    const controller = new AbortController();
    let passes = 0;
    const cancelled = await generate(
      model,
      request({ prompt, maxTokens: 8, runPass: async (pass) => {
        const result = await pass();
        if (++passes === 2) controller.abort();
        return result;
      } }),
      controller.signal,
      () => undefined,
    );
    assert.equal(cancelled.finishReason, 'cancelled');
    assert.equal(passes, 2, 'no pass ran after the cancel');
    assert.equal(model.decoder.tokens.length, 2 * PREFILL_CHUNK_TOKENS, 'the decoder holds the two chunks read');

    const resumed = await generate(model, request({ prompt, maxTokens: 8 }), new AbortController().signal, () => undefined);
    assert.equal(resumed.reusedPromptTokens, 2 * PREFILL_CHUNK_TOKENS);
    model.decoder.clear();
    const cold = await generate(model, request({ prompt, maxTokens: 8 }), new AbortController().signal, () => undefined);
    assert.equal(cold.reusedPromptTokens, 0);
    assert.equal(resumed.text, cold.text, 'resuming from the chunks gives the tokens of a cold run');
  });

  it('reads the whole prompt before the time budget applies: a request always ends with a suggestion', async () => {
    const prompt = Array.from({ length: 20 }, (_, i) => `const v${i} = ${i};\n`).join('') + 'const v20 =';
    model.decoder.clear();
    const out = await generate(model, request({ prompt, maxTokens: 8, timeBudgetMs: 0 }), new AbortController().signal, () => undefined);
    assert.ok(out.promptTokens > PREFILL_CHUNK_TOKENS, `${out.promptTokens} prompt tokens`);
    assert.equal(out.finishReason, 'time');
    assert.ok(out.generatedTokens >= 1);
  });

  it('cuts at a stop string and never streams it', async () => {
    const full = await generate(model, request({ maxTokens: 60 }), new AbortController().signal, () => undefined);
    assert.ok(full.text.length >= 3, `the model produced text to stop on: ${JSON.stringify(full.text)}`);
    const stop = full.text.slice(1, 3);
    const streamed: string[] = [];
    const out = await generate(model, request({ maxTokens: 60, stop: [stop] }), new AbortController().signal, (t) => streamed.push(t));
    assert.equal(out.finishReason, 'stop');
    assert.ok(!out.text.includes(stop));
    assert.equal(streamed.join(''), out.text);
  });

  it('ends where stopWhen first holds, with the text it saw', async () => {
    const full = await generate(model, request(), new AbortController().signal, () => undefined);
    assert.ok(full.generatedTokens >= 6, `the model produced tokens to stop in: ${full.generatedTokens}`);
    const seen: string[] = [];
    const out = await generate(model, request({ stopWhen: (text) => (seen.push(text), text.length >= 3) }), new AbortController().signal, () => undefined);
    assert.equal(out.finishReason, 'stop');
    assert.ok(full.text.startsWith(out.text) && out.text.length >= 3, `${JSON.stringify(out.text)} begins ${JSON.stringify(full.text)}`);
    assert.ok(out.generatedTokens < full.generatedTokens);
    assert.equal(seen.filter((text) => text.length >= 3).length, 1, 'no pass after the one where it held');
  });

  it('returns what it has when the time budget runs out', async () => {
    const out = await generate(model, request({ maxTokens: 200, timeBudgetMs: 0 }), new AbortController().signal, () => undefined);
    assert.equal(out.finishReason, 'time');
    assert.equal(out.generatedTokens, 1);
  });

  it('keeps the end of a prompt longer than the context', async () => {
    const long = 'const x = 1;\n'.repeat(2000) + PROMPT;
    const out = await generate(model, request({ prompt: long, maxTokens: 16 }), new AbortController().signal, () => undefined);
    assert.ok(out.promptTokens + 16 <= model.config.maxPositions, `${out.promptTokens} prompt tokens fit ${model.config.maxPositions}`);
    assert.ok(out.generatedTokens > 0);
  });

  it('rejects out-of-range requests with a clear error', async () => {
    for (const maxTokens of [0, -1, 1.5, 100000]) {
      await assert.rejects(generate(model, request({ maxTokens }), new AbortController().signal, () => undefined), (e: unknown) => e instanceof EngineError && /maxTokens must be/.test(e.message));
    }
    await assert.rejects(generate(model, request({ prompt: '' }), new AbortController().signal, () => undefined), /prompt is empty/);
  });
});
