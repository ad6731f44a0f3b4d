// The HTTP layer and the Ollama protocol against scripted local servers. The answers a real llama.cpp
// server cannot be made to give (429 with Retry-After, 503, an HTML proxy page, silence) are scripted
// here; Ollama cannot run on this machine, so its exchanges are transcribed from Ollama's API
// documentation (docs/api.md: /api/generate, /api/chat, /api/tags, /api/show), labelled as such.
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { ResponseError } from 'vscode-jsonrpc';
import { EngineErrorCode, type RemoteServer } from '../../../src/protocol';
import { Requests } from '../../../src/protocolMessages';
import { ServerHttp } from '../../../src/engine/remote/serverHttp';
import { cleanTemps, settings } from '../support/builders';
import { connectedEngine } from '../support/engineConnection';

interface Exchange {
  method: string;
  path: string;
  body: unknown;
}

/** A server that answers each request with `handler` and records what it was sent. */
async function scripted(handler: (req: IncomingMessage, res: ServerResponse, body: unknown) => void): Promise<{ url: string; seen: Exchange[]; close(): Promise<void> }> {
  const seen: Exchange[] = [];
  const server: Server = createServer((req, res) => {
    let text = '';
    req.on('data', (d: Buffer) => (text += d.toString()));
    req.on('end', () => {
      const body = text ? JSON.parse(text) : undefined;
      seen.push({ method: req.method!, path: req.url!, body });
      handler(req, res, body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    close: () => new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

const box = (url: string, extra: Partial<RemoteServer> = {}): RemoteServer => ({ name: 'box', url, api: 'openai', ...extra });

describe('remote: the HTTP layer', () => {
  it('waits once for a short Retry-After on 429, then succeeds', async () => {
    let calls = 0;
    const s = await scripted((_req, res) => {
      if (calls++ === 0) res.writeHead(429, { 'retry-after': '0' }).end('{"error":"slow down"}');
      else res.writeHead(200, { 'content-type': 'application/json' }).end('{"data":[{"id":"m"}]}');
    });
    try {
      assert.deepEqual(await new ServerHttp(box(s.url)).getJson('/v1/models', new AbortController().signal), { data: [{ id: 'm' }] });
      assert.equal(s.seen.length, 2);
    } finally {
      await s.close();
    }
  });

  it('sends a request again on a fresh connection when the server closed the one it went out on, once', async () => {
    let calls = 0;
    const flaky = await scripted((req, res) => {
      if (calls++ === 0) req.socket.destroy();
      else res.writeHead(200).end('{"data":[]}');
    });
    const dead = await scripted((req) => req.socket.destroy());
    try {
      assert.deepEqual(await new ServerHttp(box(flaky.url)).getJson('/v1/models', new AbortController().signal), { data: [] });
      assert.equal(flaky.seen.length, 2);
      await assert.rejects(new ServerHttp(box(dead.url)).getJson('/v1/models', new AbortController().signal), /closed the connection mid-request \((UND_ERR_SOCKET|ECONNRESET)\)\. Did the server stop or crash\?/);
      assert.equal(dead.seen.length, 2, 'one retry, not more');
    } finally {
      await flaky.close();
      await dead.close();
    }
  });

  it('fails at once when the server asks for a longer wait than is worth it, quoting the wait', async () => {
    const s = await scripted((_req, res) => res.writeHead(503, { 'retry-after': '120' }).end('loading model'));
    try {
      await assert.rejects(new ServerHttp(box(s.url)).getJson('/v1/models', new AbortController().signal), (error: Error & { unreachable?: boolean }) => {
        assert.match(error.message, /failed the request \(HTTP 503\)\. It asks to retry after 120 s\. The server said: loading model\./);
        assert.equal(error.unreachable, true);
        return true;
      });
      assert.equal(s.seen.length, 1);
    } finally {
      await s.close();
    }
  });

  it('says so when something else answers (an HTML page, not JSON)', async () => {
    const s = await scripted((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<html>login</html>'));
    try {
      await assert.rejects(new ServerHttp(box(s.url)).getJson('/v1/models', new AbortController().signal), /does not answer as the "openai" API does: its answer is not JSON/);
    } finally {
      await s.close();
    }
  });

  it('gives up on a server that never answers, after the timeout', async () => {
    const s = await scripted(() => undefined);
    try {
      await assert.rejects(new ServerHttp(box(s.url), { timeoutMs: 300 }).getJson('/v1/models', new AbortController().signal), /did not answer within 300 ms\. Is the server overloaded/);
    } finally {
      await s.close();
    }
  });

  it('stops waiting when the caller cancels, without calling it a server failure', async () => {
    const s = await scripted(() => undefined);
    const abort = new AbortController();
    try {
      const request = new ServerHttp(box(s.url)).getJson('/v1/models', abort.signal);
      while (s.seen.length === 0) await new Promise((r) => setTimeout(r, 10));
      abort.abort();
      await assert.rejects(request, (error: Error) => error.constructor.name === 'CancelledError');
    } finally {
      await s.close();
    }
  });

  it('goes through the proxy VS Code is set to use (http.proxy)', async () => {
    const target = await scripted((_req, res) => res.writeHead(200).end('{"data":[{"id":"m"}]}'));
    const tunnels: string[] = [];
    const proxy = createServer();
    proxy.on('connect', (req: IncomingMessage, client: Socket, head: Buffer) => {
      tunnels.push(req.url!);
      const [host, port] = req.url!.split(':');
      const upstream = connect(Number(port), host, () => {
        client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        upstream.write(head);
        upstream.pipe(client);
        client.pipe(upstream);
      });
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    try {
      const proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
      assert.deepEqual(await new ServerHttp(box(target.url), { proxy: proxyUrl }).getJson('/v1/models', new AbortController().signal), { data: [{ id: 'm' }] });
      assert.deepEqual(tunnels, [new URL(target.url).host]);
    } finally {
      proxy.closeAllConnections();
      proxy.close();
      await target.close();
    }
  });

  it('sends nothing in offline mode: the request fails with what to do, and the fallback model answers', async () => {
    const s = await scripted((_req, res) => res.writeHead(200).end('{"data":[]}'));
    const pair = connectedEngine(undefined, settings({ offline: true, remotes: [box(s.url)] }));
    try {
      const params = { filePath: 'a.py', languageId: 'python', prefix: 'def f(x):\n    return ', suffix: '\n', model: 'remote:box' };
      await assert.rejects(pair.client.sendRequest(Requests.complete, params), /genaiStudio\.offline is on, so remote:box \(http:\/\/127\.0\.0\.1:\d+\) is not asked/);
      const fallback = await pair.client.sendRequest(Requests.complete, { ...params, fallbackModel: 'genai-code-tiny' });
      assert.equal(fallback.device, 'cpu');
      assert.match(fallback.fallback ?? '', /offline is on/);
      const [report] = await pair.client.sendRequest(Requests.checkServers);
      assert.deepEqual([report.reachable, report.error], [false, 'not asked: genaiStudio.offline is on']);
      assert.equal(s.seen.length, 0, 'no request reached the server');
    } finally {
      await pair.dispose();
      await s.close();
    }
  });

  it('sends the API key only as a bearer token to its own server', async () => {
    const headers: (string | undefined)[] = [];
    const s = await scripted((req, res) => {
      headers.push(req.headers.authorization);
      res.writeHead(200).end('{"data":[]}');
    });
    try {
      await new ServerHttp(box(s.url, { apiKey: 'sk-1' })).getJson('/v1/models', new AbortController().signal);
      await new ServerHttp(box(s.url)).getJson('/v1/models', new AbortController().signal);
      assert.deepEqual(headers, ['Bearer sk-1', undefined]);
    } finally {
      await s.close();
    }
  });
});

// Transcribed from Ollama's API documentation (docs/api.md), not recorded from a running Ollama.
const OLLAMA_TAGS = { models: [{ name: 'qwen2.5-coder:1.5b-base', model: 'qwen2.5-coder:1.5b-base', modified_at: '2024-11-12T10:00:00Z', size: 986061892, digest: 'a1b2', details: { family: 'qwen2', parameter_size: '1.5B', quantization_level: 'Q4_K_M' } }] };
const OLLAMA_SHOW = { model_info: { 'general.architecture': 'qwen2', 'qwen2.context_length': 32768 } };
const ollamaGenerate = (pieces: string[]) => [
  ...pieces.map((response) => ({ model: 'qwen2.5-coder:1.5b-base', created_at: '2024-11-12T10:00:01Z', response, done: false })),
  { model: 'qwen2.5-coder:1.5b-base', created_at: '2024-11-12T10:00:02Z', response: '', done: true, done_reason: 'stop', context: [1, 2], total_duration: 10706818083, prompt_eval_count: 26, eval_count: pieces.length },
];
const ollamaChat = (pieces: string[]) => [
  ...pieces.map((content) => ({ model: 'qwen2.5-coder:1.5b-base', created_at: '2024-11-12T10:00:01Z', message: { role: 'assistant', content }, done: false })),
  { model: 'qwen2.5-coder:1.5b-base', created_at: '2024-11-12T10:00:02Z', message: { role: 'assistant', content: '' }, done: true, done_reason: 'stop', prompt_eval_count: 31, eval_count: pieces.length },
];

function ollama(): ReturnType<typeof scripted> {
  return scripted((req, res) => {
    const ndjson = (lines: unknown[]) => res.writeHead(200, { 'content-type': 'application/x-ndjson' }).end(lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
    if (req.url === '/api/tags') return res.writeHead(200).end(JSON.stringify(OLLAMA_TAGS));
    if (req.url === '/api/show') return res.writeHead(200).end(JSON.stringify(OLLAMA_SHOW));
    if (req.url === '/api/generate') return ndjson(ollamaGenerate(['a, b', ' = b, a + b', '\n    return a']));
    if (req.url === '/api/chat') return ndjson(ollamaChat(['Use ', 'a loop.']));
    res.writeHead(404).end('{"error":"not found"}');
  });
}

describe('remote: what completions send (the request bodies)', () => {
  after(() => cleanTemps());
  const sse = (events: unknown[]) => events.map((e) => `data: ${JSON.stringify(e)}\n\n`).join('') + 'data: [DONE]\n\n';
  const params = {
    filePath: 'src/app.py',
    languageId: 'python',
    prefix: 'def total(items):\n    return ',
    suffix: '\n',
    contextFiles: [{ path: 'src/prices.py', text: 'def total_price(items):\n    return sum(i.price for i in items)\n' }],
    maxTokens: 16,
    timeBudgetMs: 900,
  };

  it('llama.cpp /infill: the prefix and suffix apart, snippets of other files as input_extra, the prompt cached, the time budget on the server', async () => {
    const s = await scripted((_req, res) => res.writeHead(200, { 'content-type': 'text/event-stream' }).end(sse([{ content: ' sum(items)', stop: false }, { content: '', stop: true, stop_type: 'eos', tokens_predicted: 3, timings: { cache_n: 10, prompt_n: 5 } }])));
    const pair = connectedEngine(undefined, settings({ remotes: [{ name: 'l', url: s.url, api: 'llama.cpp', model: 'qwen2.5-coder-1.5b', contextLength: 4096 }] }));
    try {
      const result = await pair.client.sendRequest(Requests.complete, { ...params, model: 'remote:l' });
      assert.equal(result.text, 'sum(items)', 'the model wrote the left-out space first');
      assert.deepEqual([result.promptTokens, result.reusedPromptTokens], [15, 10]);
      const body = s.seen.find((e) => e.path === '/infill')!.body as Record<string, any>;
      assert.equal(body.input_prefix, 'def total(items):\n    return', 'the space before the cursor is left out (whitespace healing)');
      assert.equal(body.input_suffix, params.suffix);
      assert.deepEqual(body.input_extra, [{ filename: 'src/prices.py', text: params.contextFiles[0].text }]);
      assert.deepEqual([body.n_predict, body.t_max_predict_ms, body.cache_prompt, body.stream, body.temperature], [16, 900, true, true, 0]);
    } finally {
      await pair.dispose();
      await s.close();
    }
  });

  it('OpenAI /v1/completions: the FIM prompt of the family in the model id, greedy, at most 4 stop strings (a newline first), streamed', async () => {
    const s = await scripted((req, res) => {
      if (req.url === '/v1/models') return res.writeHead(200).end(JSON.stringify({ data: [{ id: 'Qwen/Qwen2.5-Coder-7B', max_model_len: 32768 }] }));
      res.writeHead(200, { 'content-type': 'text/event-stream' }).end(sse([{ choices: [{ text: ' sum(items)' }] }, { choices: [{ text: '\n', finish_reason: 'stop' }] }]));
    });
    const pair = connectedEngine(undefined, settings({ remotes: [{ name: 'v', url: s.url, api: 'openai', model: 'Qwen/Qwen2.5-Coder-7B' }] }));
    try {
      const result = await pair.client.sendRequest(Requests.complete, { ...params, model: 'remote:v' });
      assert.equal(result.text, 'sum(items)');
      const body = s.seen.find((e) => e.path === '/v1/completions')!.body as Record<string, any>;
      assert.equal(body.model, 'Qwen/Qwen2.5-Coder-7B');
      assert.match(body.prompt, /^<\|file_sep\|>src\/prices\.py\n.*<\|fim_prefix\|>def total\(items\):\n    return<\|fim_suffix\|>\n<\|fim_middle\|>$/s);
      assert.deepEqual([body.max_tokens, body.temperature, body.stream], [16, 0, true]);
      assert.equal(body.stop.length, 4);
      assert.equal(body.stop[0], '\n');
    } finally {
      await pair.dispose();
      await s.close();
    }
  });
});

describe('remote: the Ollama protocol (exchanges from Ollama\'s API documentation)', () => {
  after(() => cleanTemps());

  it('completes with /api/generate: the FIM prompt rendered for the family, raw, kept alive; reads its NDJSON stream', async () => {
    const s = await ollama();
    const pair = connectedEngine(undefined, settings({ remotes: [{ name: 'ol', url: s.url, api: 'ollama', model: 'qwen2.5-coder:1.5b-base' }] }));
    try {
      const result = await pair.client.sendRequest(Requests.complete, { filePath: 'fib.py', languageId: 'python', prefix: 'def fib(n):\n    a, b = 0, 1\n    for _ in range(n):\n        ', suffix: '\n', model: 'remote:ol', maxTokens: 32 });
      assert.equal(result.raw, 'a, b = b, a + b\n    return a');
      assert.equal(result.fimFormat, 'qwen');
      assert.equal(result.promptTokens, 26);
      const sent = s.seen.find((e) => e.path === '/api/generate')!.body as Record<string, any>;
      assert.equal(sent.raw, true);
      assert.equal(sent.keep_alive, '30m');
      assert.equal(sent.stream, true);
      assert.match(sent.prompt, /<\|fim_prefix\|>.*def fib\(n\):[\s\S]*<\|fim_suffix\|>\n<\|fim_middle\|>$/s);
      assert.equal(sent.options.num_predict, 32);
      assert.ok(sent.options.stop.includes('<|endoftext|>'));
      assert.equal(s.seen.filter((e) => e.path === '/api/show').length, 1, 'the context length is asked once');
    } finally {
      await pair.dispose();
      await s.close();
    }
  });

  it('streams Generate Text through /api/chat and reports the context from /api/show', async () => {
    const s = await ollama();
    const pair = connectedEngine(undefined, settings({ remotes: [{ name: 'ol', url: s.url, api: 'ollama', model: 'qwen2.5-coder:1.5b-base' }] }));
    try {
      const result = await pair.client.sendRequest(Requests.generateText, { jobId: 'j', model: 'remote:ol', prompt: 'How do I sum a list?', maxTokens: 16 });
      assert.equal(result.text, 'Use a loop.');
      assert.equal(result.promptFormat, 'chat');
      const sent = s.seen.find((e) => e.path === '/api/chat')!.body as Record<string, any>;
      assert.deepEqual(sent.messages, [{ role: 'user', content: 'How do I sum a list?' }]);
      const [report] = await pair.client.sendRequest(Requests.checkServers);
      assert.deepEqual([report.reachable, report.models, report.contextLength], [true, ['qwen2.5-coder:1.5b-base'], 32768]);
    } finally {
      await pair.dispose();
      await s.close();
    }
  });

  it('names a server that does not speak the chosen API', async () => {
    const s = await scripted((_req, res) => res.writeHead(200).end('{"hello":"world"}'));
    const pair = connectedEngine(undefined, settings({ remotes: [{ name: 'odd', url: s.url, api: 'ollama', model: 'm' }] }));
    try {
      await assert.rejects(pair.client.sendRequest(Requests.generateText, { jobId: 'j', model: 'remote:odd', prompt: 'x' }), (error: ResponseError<unknown>) => {
        assert.equal(error.code, EngineErrorCode.ServerFailed);
        assert.match(error.message, /does not answer as the "ollama" API does: GET \/api\/tags has no "models" list\. Check "api"/);
        return true;
      });
    } finally {
      await pair.dispose();
      await s.close();
    }
  });
});
