// The remote model source against a real llama.cpp server (scripts/llama-server.sh fetches it) serving
// the shipped code model's own weights as GGUF: every feature through the engine's protocol, both of
// llama.cpp's wire protocols (OpenAI-compatible and native /infill), cancel, and each failure on a real socket.
import assert from 'node:assert/strict';
import { CancellationTokenSource, ResponseError } from 'vscode-jsonrpc';
import { EngineErrorCode, type ModelStatus, type RemoteServer } from '../../../src/protocol';
import { Notifications, Requests } from '../../../src/protocolMessages';
import { freePort } from '../../support/ports';
import { llamaServerAvailable, startLlamaServer, CODE_MODEL_ALIAS, QWEN2_GGUF, type LlamaServer } from '../../support/llamaServer';
import { CODE_MODEL, cleanTemps, realArchitectureFolder, settings, tempDir } from '../support/builders';
import { connectedEngine, type Pair } from '../support/engineConnection';
import { writeFixtureWorkspace } from '../retrieval/fixtureWorkspace';

// No time budget that a slow machine could reach: the comparisons are of whole answers.
const FIB = { filePath: 'fib.py', languageId: 'python', prefix: 'def fibonacci(n):\n    a, b = 0, 1\n    for _ in range(n):\n        ', suffix: '\n    return a\n', timeBudgetMs: 600_000 };

describe('remote: a real llama.cpp server', function () {
  let server: LlamaServer;
  let pair: Pair;
  const statuses: ModelStatus[] = [];

  const remotes = (url: string, stopped: string): RemoteServer[] => [
    { name: 'oa', url, api: 'openai', model: CODE_MODEL_ALIAS, chat: false },
    { name: 'native', url, api: 'llama.cpp', chat: false },
    { name: 'chat', url, api: 'openai' },
    { name: 'wrong-model', url, api: 'openai', model: 'qwen2.5-coder-32b' },
    { name: 'down', url: stopped, api: 'openai' },
  ];

  before(async function () {
    if (!llamaServerAvailable()) {
      if (process.env.CI) throw new Error('llama-server is missing: npm test fetches it (bash scripts/llama-server.sh).');
      this.skip();
    }
    server = await startLlamaServer();
    pair = connectedEngine(undefined, settings({ remotes: remotes(server.url, `http://127.0.0.1:${await freePort()}`) }));
    pair.client.onNotification(Notifications.status, (s) => {
      statuses.push(s);
    });
  });

  after(async () => {
    await pair?.dispose();
    await server?.stop();
    cleanTemps();
  });

  it('completes through /v1/completions with the prompt the engine renders: the same tokens as the local engine', async () => {
    const local = await pair.client.sendRequest(Requests.complete, { ...FIB, model: CODE_MODEL });
    const remote = await pair.client.sendRequest(Requests.complete, { ...FIB, model: 'remote:oa' });
    assert.ok(local.raw.length > 10, `the local model wrote "${local.raw}"`);
    assert.equal(remote.raw, local.raw);
    assert.equal(remote.text, local.text);
    assert.equal(remote.fimFormat, 'genai-code-tiny', 'the FIM format comes from the model id the server lists');
    assert.equal(remote.device, 'server');
    assert.equal(local.device, 'cpu');
    const ready = statuses.find((s) => s.model === 'remote:oa');
    assert.equal(ready?.state, 'ready');
    assert.match(ready?.server ?? '', new RegExp(`^${server.url} · ${CODE_MODEL_ALIAS} \\(openai\\)$`));
  });

  it('completes through llama.cpp\'s /infill, whose prompt cache serves the next keystroke', async () => {
    const first = await pair.client.sendRequest(Requests.complete, { ...FIB, model: 'remote:native', maxTokens: 8 });
    const next = await pair.client.sendRequest(Requests.complete, { ...FIB, prefix: `${FIB.prefix}a`, model: 'remote:native', maxTokens: 8 });
    assert.ok(first.raw.length > 0);
    assert.ok(first.promptTokens > 20, `prompt tokens ${first.promptTokens}`);
    assert.ok(next.reusedPromptTokens >= first.promptTokens - 12, `reused ${next.reusedPromptTokens} of ${next.promptTokens} (first prompt ${first.promptTokens})`);
  });

  it('streams Generate Text over chat completions, and plain text over the native /completion', async () => {
    const chunks: string[] = [];
    const sub = pair.client.onNotification(Notifications.generateChunk, (c) => {
      if (c.jobId === 'chat-1') chunks.push(c.text);
    });
    const chat = await pair.client.sendRequest(Requests.generateText, { jobId: 'chat-1', model: 'remote:chat', prompt: 'Write a Python function that adds two numbers.', maxTokens: 24 });
    sub.dispose();
    assert.equal(chat.promptFormat, 'chat');
    assert.ok(chat.text.length > 0);
    assert.equal(chunks.join(''), chat.text);
    assert.ok(chunks.length > 1, 'streamed in pieces');
    const plain = await pair.client.sendRequest(Requests.generateText, { jobId: 'plain-1', model: 'remote:native', prompt: 'def fibonacci(n):\n', maxTokens: 16, temperature: 0 });
    const local = await pair.client.sendRequest(Requests.generateText, { jobId: 'plain-2', model: CODE_MODEL, prompt: 'def fibonacci(n):\n', maxTokens: 16, temperature: 0 });
    assert.equal(plain.promptFormat, 'plain');
    assert.equal(plain.text, local.text);
  });

  it('answers Ask from the workspace with the passages that fit the server\'s context', async () => {
    const folder = tempDir();
    writeFixtureWorkspace(folder);
    const result = await pair.client.sendRequest(Requests.ask, { jobId: 'ask-1', model: 'remote:oa', folder, storageDir: tempDir(), question: 'How is the retry delay computed?', maxTokens: 24 });
    assert.ok(result.sources.length > 0);
    assert.ok(result.used.length > 0 && result.used.length <= result.sources.length);
    assert.equal(result.device, 'server');
    assert.equal(result.promptFormat, 'plain');
  });

  it('aborts the HTTP request when the request is cancelled, and the server frees its slot', async () => {
    const cancel = new CancellationTokenSource();
    let firstChunk!: () => void;
    const started = new Promise<void>((resolve) => (firstChunk = resolve));
    const sub = pair.client.onNotification(Notifications.generateChunk, (c) => {
      if (c.jobId === 'long') firstChunk();
    });
    const request = pair.client.sendRequest(Requests.generate, { jobId: 'long', model: 'remote:oa', prompt: 'def fibonacci(n):\n', maxTokens: 480, temperature: 0 }, cancel.token);
    await started;
    cancel.cancel();
    const result = await request.catch((error: ResponseError<unknown>) => error);
    sub.dispose();
    if (!(result instanceof ResponseError)) assert.equal(result.finishReason, 'cancelled');
    await server.cancelSeen();
  });

  it('checks every server: what it serves and its context, or why it cannot be reached', async () => {
    const reports = await pair.client.sendRequest(Requests.checkServers);
    const oa = reports.find((r) => r.name === 'oa')!;
    assert.deepEqual([oa.reachable, oa.models, oa.contextLength], [true, [CODE_MODEL_ALIAS], 512]);
    const down = reports.find((r) => r.name === 'down')!;
    assert.equal(down.reachable, false);
    assert.match(down.error ?? '', /Nothing is listening at http:\/\/127\.0\.0\.1:\d+ \(down\): connection refused/);
  });

  it('says which models a server serves when the setting names another', async () => {
    await assert.rejects(pair.client.sendRequest(Requests.complete, { ...FIB, model: 'remote:wrong-model' }), (error: ResponseError<unknown>) => {
      assert.equal(error.code, EngineErrorCode.ServerFailed);
      assert.match(error.message, /does not serve the model "qwen2.5-coder-32b"; it serves: genai-code-tiny\. Fix "model"/);
      return true;
    });
    assert.equal(statuses.filter((s) => s.model === 'remote:wrong-model').pop()?.state, 'failed');
  });

  it('names a server missing from the settings', async () => {
    await assert.rejects(pair.client.sendRequest(Requests.complete, { ...FIB, model: 'remote:nowhere' }), /No server named "nowhere" in genaiStudio.remotes \(configured: oa, native, chat, wrong-model, down\)/);
  });
});

describe('remote: the Qwen2 architecture with the real Qwen tokenizer on a real llama.cpp server', function () {
  let server: LlamaServer;
  let pair: Pair;
  let local: string;
  const PROMPT = 'def fibonacci(n):\n    # the n-th Fibonacci number\n    ';

  before(async function () {
    if (!llamaServerAvailable()) {
      if (process.env.CI) throw new Error('llama-server is missing: npm test fetches it (bash scripts/llama-server.sh).');
      this.skip();
    }
    server = await startLlamaServer({ model: QWEN2_GGUF, alias: 'qwen2-tiny' });
    local = realArchitectureFolder('qwen2-tiny', 'tokenizer-qwen3');
    pair = connectedEngine(undefined, settings({ remotes: [{ name: 'qwen', url: server.url, api: 'openai', model: 'qwen2-tiny', chat: false }, { name: 'qwen-infill', url: server.url, api: 'llama.cpp', chat: false }] }));
  });

  after(async () => {
    await pair?.dispose();
    await server?.stop();
    cleanTemps();
  });

  it('continues a prompt with the tokens PyTorch chose, as the engine does', async () => {
    const onServer = await pair.client.sendRequest(Requests.generate, { jobId: 'q1', model: 'remote:qwen', prompt: PROMPT, maxTokens: 24, temperature: 0 });
    const inEngine = await pair.client.sendRequest(Requests.generate, { jobId: 'q2', model: local, prompt: PROMPT, maxTokens: 24, temperature: 0 });
    assert.equal(inEngine.generatedTokens, 24);
    assert.equal(onServer.text, inEngine.text);
  });

  it('prompts completions in Qwen\'s FIM format, read from the model id, with the suggestion the engine makes', async () => {
    const onServer = await pair.client.sendRequest(Requests.complete, { ...FIB, model: 'remote:qwen', maxTokens: 12 });
    const inEngine = await pair.client.sendRequest(Requests.complete, { ...FIB, model: local, maxTokens: 12 });
    assert.equal(inEngine.fimFormat, 'qwen', 'the engine detects it from the tokenizer');
    assert.equal(onServer.fimFormat, 'qwen');
    assert.equal(onServer.raw, inEngine.raw);
    const infill = await pair.client.sendRequest(Requests.complete, { ...FIB, model: 'remote:qwen-infill', maxTokens: 12 });
    assert.ok(infill.promptTokens > 0, 'llama.cpp built the FIM prompt from the GGUF\'s Qwen tokens');
  });
});

describe('remote: failures on real sockets', function () {
  before(function () {
    if (!llamaServerAvailable()) {
      if (process.env.CI) throw new Error('llama-server is missing: npm test fetches it (bash scripts/llama-server.sh).');
      this.skip();
    }
  });
  after(() => cleanTemps());

  it('a stopped server: connection refused, and the local fallback model completes instead when one is set', async () => {
    const server = await startLlamaServer();
    const url = server.url;
    await server.stop();
    const pair = connectedEngine(undefined, settings({ remotes: [{ name: 'stopped', url, api: 'llama.cpp' }] }));
    try {
      await assert.rejects(pair.client.sendRequest(Requests.complete, { ...FIB, model: 'remote:stopped' }), (error: ResponseError<unknown>) => {
        assert.equal(error.code, EngineErrorCode.ServerFailed);
        assert.match(error.message, new RegExp(`Nothing is listening at ${url} \\(stopped\\): connection refused\\. Start the server`));
        return true;
      });
      const fallback = await pair.client.sendRequest(Requests.complete, { ...FIB, model: 'remote:stopped', fallbackModel: CODE_MODEL });
      assert.equal(fallback.device, 'cpu');
      assert.match(fallback.fallback ?? '', /connection refused/);
    } finally {
      await pair.dispose();
    }
  });

  it('a server with an API key: refused without it (with what to do), served with it', async () => {
    const server = await startLlamaServer({ apiKey: 'sk-team-key' });
    const pair = connectedEngine(undefined, settings({ remotes: [{ name: 'keyed', url: server.url, api: 'openai' }, { name: 'keyed-ok', url: server.url, api: 'openai', apiKey: 'sk-team-key' }] }));
    try {
      await assert.rejects(pair.client.sendRequest(Requests.complete, { ...FIB, model: 'remote:keyed', fallbackModel: CODE_MODEL }), (error: ResponseError<unknown>) => {
        assert.match(error.message, /refused the API key \(HTTP 401\)\. The server said: Invalid API Key\. Set the key with "GenAI Studio: Set Server API Key\.\.\."/);
        return true;
      });
      const ok = await pair.client.sendRequest(Requests.complete, { ...FIB, model: 'remote:keyed-ok' });
      assert.equal(ok.device, 'server');
      const info = await pair.client.sendRequest(Requests.models);
      assert.equal(JSON.stringify(info).includes('sk-team-key'), false, 'the key never leaves the engine');
    } finally {
      await pair.dispose();
      await server.stop();
    }
  });
});
