// Generate Text and Ask in the engine with the real runtime: plain prompts for the base model, the
// tokenizer's chat template for an instruct model, streaming, cancellation, the context budget.
import assert from 'node:assert/strict';
import type { CausalLM } from '../../../src/engine/causalLM';
import { endsInLoop } from '../../../src/core/completion';
import { askMessages, plainAskPrompt } from '../../../src/core/retrieval';
import { answerQuestion } from '../../../src/engine/retrieval/answer';
import { generateFromPrompt } from '../../../src/engine/generation/textFromPrompt';
import type { AskParams, RetrievedSource } from '../../../src/protocol';
import { CODE_MODEL, cleanTemps } from '../support/builders';
import { disposeManagers, harness } from '../engine/harness';
import { chatCopyOfCodeModel, textSettings } from './models';

const never = () => new AbortController().signal;

const SOURCES: RetrievedSource[] = [
  { path: 'docs/ports.md', startLine: 1, endLine: 3, text: '# Network\n\nThe HTTP API listens on port 7420.', score: 9 },
  { path: 'docs/auth.md', startLine: 4, endLine: 6, text: 'Tokens expire after 45 minutes.\nRefresh them at /auth/refresh.\nThey are signed.', score: 4 },
];

function askParams(model: string, overrides: Partial<AskParams> = {}): AskParams {
  return { jobId: 'a', model, folder: '/ws', storageDir: '/tmp', question: 'Which port?', maxTokens: 16, temperature: 0, ...overrides };
}

describe('text generation prompts: plain for base models, the chat template for instruct models', () => {
  let base: CausalLM;
  let chat: CausalLM;
  before(async () => {
    const { manager, loader } = harness(textSettings());
    base = await manager.use(CODE_MODEL, loader, async (m) => m);
    chat = await manager.use(chatCopyOfCodeModel(), loader, async (m) => m);
  });
  after(async () => {
    await disposeManagers();
    cleanTemps();
  });

  it('sends a base model the prompt as it is and streams exactly the returned text', async () => {
    const chunks: string[] = [];
    const out = await generateFromPrompt(base, { jobId: 'g', model: CODE_MODEL, prompt: 'def add(a, b):', maxTokens: 12, temperature: 0 }, never(), (t) => chunks.push(t));
    assert.equal(out.promptFormat, 'plain');
    assert.equal(out.promptTokens, base.tokenizer.encode('def add(a, b):', { add_special_tokens: false }).length);
    assert.ok(out.generatedTokens > 0);
    assert.equal(chunks.join(''), out.text);
  });

  it('renders an instruct model\'s prompt through its chat template as a user message', async () => {
    const out = await generateFromPrompt(chat, { jobId: 'g', model: 'chat', prompt: 'Say hi', maxTokens: 4, temperature: 0 }, never(), () => undefined);
    assert.equal(out.promptFormat, 'chat');
    const rendered = '<|user|>Say hi\n<|assistant|>';
    assert.equal(out.promptTokens, chat.tokenizer.encode(rendered, { add_special_tokens: false }).length);
    const plain = await generateFromPrompt(chat, { jobId: 'g', model: 'chat', prompt: 'Say hi', maxTokens: 4, temperature: 0, promptFormat: 'plain' }, never(), () => undefined);
    assert.equal(plain.promptFormat, 'plain');
    assert.equal(plain.promptTokens, chat.tokenizer.encode('Say hi', { add_special_tokens: false }).length);
  });

  it('stops as soon as the text loops within a line, and cuts the repeats it had streamed', async () => {
    // Greedy decoding of the shipped model continues "x = 1 + 1 + 1" with " + 1" until the token limit.
    const chunks: string[] = [];
    const out = await generateFromPrompt(base, { jobId: 'g', model: CODE_MODEL, prompt: 'x = 1 + 1 + 1', maxTokens: 60, temperature: 0 }, never(), (t) => chunks.push(t));
    assert.equal(out.finishReason, 'loop');
    assert.ok(out.generatedTokens < 30, `stopped after ${out.generatedTokens} of 60 tokens`);
    assert.ok(!endsInLoop(out.text), `no loop left: ${JSON.stringify(out.text)}`);
    assert.ok(chunks.join('').startsWith(out.text), 'the result is the start of what was streamed');
  });

  it('refuses the chat format for a model without a chat template, saying what to do', async () => {
    await assert.rejects(
      generateFromPrompt(base, { jobId: 'g', model: CODE_MODEL, prompt: 'x', promptFormat: 'chat' }, never(), () => undefined),
      /has no chat template \(tokenizer_config\.json has no chat_template\): use the plain prompt format, or an instruct model/,
    );
  });

  it('stops a generation within a token of a cancel', async () => {
    const controller = new AbortController();
    let chunks = 0;
    const out = await generateFromPrompt(base, { jobId: 'g', model: CODE_MODEL, prompt: 'import os\n', maxTokens: 300, temperature: 0.8, topK: 40, seed: 3 }, controller.signal, () => {
      if (++chunks === 3) controller.abort();
    });
    assert.equal(out.finishReason, 'cancelled');
    assert.ok(out.generatedTokens <= 4, `${out.generatedTokens} tokens`);
  });

  it('answers within the model\'s context: passages best first, the answer gets at most a quarter', async () => {
    const chunks: string[] = [];
    const quarter = Math.floor(base.config.maxPositions / 4);
    const out = await answerQuestion(base, askParams(CODE_MODEL, { maxTokens: 1000 }), SOURCES, never(), (t) => chunks.push(t));
    assert.equal(chunks.join(''), out.text);
    assert.equal(out.promptFormat, 'plain');
    assert.ok(out.generatedTokens <= quarter);
    assert.ok(out.promptTokens + quarter <= base.config.maxPositions, `prompt ${out.promptTokens} tokens`);
    assert.deepEqual(
      out.used.map((u) => u.path),
      SOURCES.slice(0, out.used.length).map((s) => s.path),
      'the passages that fit are a prefix of the ranking',
    );
  });

  it('a question longer than the context is a clear error that counts the prompt as each model gets it', async () => {
    const question = 'why '.repeat(2000);
    const count = (model: CausalLM, text: string) => model.tokenizer.encode(text, { add_special_tokens: false }).length;
    const chatPrompt = askMessages('', question).map((m) => `<|${m.role}|>${m.content}\n`).join('') + '<|assistant|>';
    for (const [model, tokens] of [
      [base, count(base, plainAskPrompt('', question))],
      [chat, count(chat, chatPrompt)],
    ] as const) {
      await assert.rejects(answerQuestion(model, askParams(model.name, { question }), SOURCES, never(), () => undefined), new RegExp(`The question alone takes ${tokens} tokens.*Ask a shorter question`));
    }
  });
});
