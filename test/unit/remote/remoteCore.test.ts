// The pure parts of the remote model source: settings entries, stream formats, error wording.
import assert from 'node:assert/strict';
import { parseModelRef, formatModelRef } from '../../../src/core/modelRef';
import { checkRemoteServers, findRemoteServer, remoteFimFormat } from '../../../src/core/remote/remoteServers';
import { describeHttpStatus, describeNetworkError, retryAfterSeconds } from '../../../src/core/remote/serverErrors';
import { streamEvents } from '../../../src/core/remote/streamEvents';

async function* chunks(...parts: string[]): AsyncGenerator<Uint8Array> {
  for (const part of parts) yield new TextEncoder().encode(part);
}

async function collect(iterable: AsyncIterable<unknown>): Promise<unknown[]> {
  const out: unknown[] = [];
  for await (const item of iterable) out.push(item);
  return out;
}

const SERVER = { name: 'box', url: 'http://gpu-box:8000', api: 'openai', model: 'Qwen/Qwen2.5-Coder-7B' };

describe('remote: model references', () => {
  it('parses remote:<name> and formats it back', () => {
    assert.deepEqual(parseModelRef('remote:gpu-box', '/home/u'), { kind: 'remote', name: 'gpu-box' });
    assert.equal(formatModelRef({ kind: 'remote', name: 'gpu-box' }), 'remote:gpu-box');
  });

  it('refuses a remote reference without a usable name, saying what to write', () => {
    assert.throws(() => parseModelRef('remote:', '/'), /remote:<name>/);
    assert.throws(() => parseModelRef('remote:../x', '/'), /remote:<name>/);
  });
});

describe('remote: the genaiStudio.remotes setting', () => {
  it('keeps the good entries, names each bad one with what to fix, and trims the URL', () => {
    const { servers, problems } = checkRemoteServers([
      { name: 'ok', url: 'http://127.0.0.1:8080/', api: 'llama.cpp' },
      { name: 'bad url', url: 'http://x', api: 'openai' },
      { name: 'noapi', url: 'http://x', api: 'grpc' },
      { name: 'ftp', url: 'ftp://x', api: 'openai' },
      { name: 'ok', url: 'http://y', api: 'openai' },
      { name: 'ctx', url: 'http://y', api: 'openai', contextLength: 10 },
      { name: 'creds', url: 'http://user:pw@y', api: 'openai' },
    ]);
    assert.deepEqual(servers, [{ name: 'ok', url: 'http://127.0.0.1:8080', api: 'llama.cpp' }]);
    assert.equal(problems.length, 6);
    assert.match(problems[0], /remotes\[1\]: "name" is required/);
    assert.match(problems[1], /"api" must be one of openai, llama.cpp, ollama; got "grpc"/);
    assert.match(problems[2], /"url" must be an http/);
    assert.match(problems[3], /used twice/);
    assert.match(problems[4], /contextLength/);
    assert.match(problems[5], /"url"/);
    assert.deepEqual(checkRemoteServers({}).problems, ['genaiStudio.remotes must be a list of servers ({ "name", "url", "api", "model" }).']);
  });

  it('finds a server by name, or lists the configured names', () => {
    const servers = checkRemoteServers([{ name: 'a', url: 'http://a', api: 'openai' }]).servers;
    assert.equal(findRemoteServer('a', servers).url, 'http://a');
    assert.throws(() => findRemoteServer('b', servers), /No server named "b".*configured: a/);
    assert.throws(() => findRemoteServer('b', []), /none is configured/);
  });

  it('prompts completions in the family of the model id unless the entry names a format', () => {
    assert.equal(remoteFimFormat({}, 'Qwen/Qwen2.5-Coder-7B-Instruct'), 'qwen');
    assert.equal(remoteFimFormat({}, 'qwen2.5-coder:1.5b-base'), 'qwen');
    assert.equal(remoteFimFormat({}, 'deepseek-coder-6.7b-base'), 'deepseek');
    assert.equal(remoteFimFormat({}, 'bigcode/starcoder2-3b'), 'starcoder2');
    assert.equal(remoteFimFormat({}, 'codellama-7b'), 'plain');
    assert.equal(remoteFimFormat({ fimFormat: 'codestral' }, 'Qwen/Qwen2.5-Coder-7B'), 'codestral');
    assert.equal(remoteFimFormat({ fimFormat: 'auto' }, undefined), 'plain');
  });
});

describe('remote: stream formats', () => {
  it('reads server-sent events cut at any byte, skipping comments and ending at [DONE]', async () => {
    const body = 'data: {"a":1}\n\n: ping\nevent: x\ndata: {"a"' + ':2}\n\ndata: [DONE]\n\ndata: {"a":3}\n';
    const whole = await collect(streamEvents(chunks(body), 'sse'));
    assert.deepEqual(whole, [{ a: 1 }, { a: 2 }]);
    // Every split point, including inside a multi-byte character.
    const text = 'data: {"t":"é→"}\n';
    const bytes = new TextEncoder().encode(text);
    for (let cut = 1; cut < bytes.length; cut++) {
      async function* split(): AsyncGenerator<Uint8Array> {
        yield bytes.slice(0, cut);
        yield bytes.slice(cut);
      }
      assert.deepEqual(await collect(streamEvents(split(), 'sse')), [{ t: 'é→' }], `cut at ${cut}`);
    }
  });

  it('reads newline-delimited JSON, the last line without a newline too', async () => {
    assert.deepEqual(await collect(streamEvents(chunks('{"r":"a"}\n{"r"', ':"b"}\n{"done":true}'), 'ndjson')), [{ r: 'a' }, { r: 'b' }, { done: true }]);
  });

  it('names a line that is not JSON', async () => {
    await assert.rejects(collect(streamEvents(chunks('<html>oops</html>\n'), 'ndjson')), /not JSON: "<html>oops<\/html>"/);
  });
});

describe('remote: what a failure means', () => {
  it('says what to do for each HTTP status, keeping the server\'s own words', () => {
    assert.match(describeHttpStatus(SERVER, 401, '{"error":{"message":"Invalid API Key"}}').message, /refused the API key \(HTTP 401\)\. The server said: Invalid API Key\. Set the key with "GenAI Studio: Set Server API Key\.\.\."/);
    assert.match(describeHttpStatus(SERVER, 404, '{"detail":"Not Found"}').message, /"not found" \(HTTP 404\): it does not serve the model "Qwen\/Qwen2.5-Coder-7B", or it does not speak the "openai" API\. The server said: Not Found\. Check "model"/);
    assert.match(describeHttpStatus(SERVER, 429, '', 30).message, /busy: too many requests \(HTTP 429\)\. It asks to wait 30 s\./);
    const failing = describeHttpStatus(SERVER, 503, 'overloaded', 2);
    assert.equal(failing.unreachable, true);
    assert.match(failing.message, /HTTP 503\)\. It asks to retry after 2 s\. The server said: overloaded/);
    assert.match(describeHttpStatus(SERVER, 400, '<!DOCTYPE html><p>no</p>').message, /an HTML page.*Check that "api" \(openai\)/);
    assert.equal(describeHttpStatus(SERVER, 401, '').unreachable, false);
  });

  it('names refused connections, unknown hosts and timeouts', () => {
    const refused = Object.assign(new TypeError('fetch failed'), { cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }) });
    assert.match(describeNetworkError(SERVER, refused).message, /Nothing is listening at http:\/\/gpu-box:8000 \(box\): connection refused\. Start the server/);
    const unknown = Object.assign(new TypeError('fetch failed'), { cause: Object.assign(new Error('getaddrinfo'), { code: 'ENOTFOUND' }) });
    assert.match(describeNetworkError(SERVER, unknown).message, /host .* is not known \(ENOTFOUND\)/);
    assert.match(describeNetworkError(SERVER, new Error('x'), 30_000).message, /did not answer within 30 s/);
    assert.match(describeNetworkError(SERVER, Object.assign(new TypeError('fetch failed'), { cause: new Error('bad port') })).message, /uses a port that fetch refuses to connect to/);
    assert.match(describeNetworkError(SERVER, Object.assign(new TypeError('fetch failed'), { cause: new Error('other side closed') })).message, /could not be reached: other side closed/);
  });

  it('reads Retry-After as seconds or as a date', () => {
    assert.equal(retryAfterSeconds('7', 0), 7);
    assert.equal(retryAfterSeconds(new Date(10_000).toUTCString(), 1_000), 9);
    assert.equal(retryAfterSeconds('soon', 0), undefined);
    assert.equal(retryAfterSeconds(null, 0), undefined);
  });
});
