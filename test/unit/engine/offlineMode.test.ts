// Offline mode makes no request, whatever the feature: the engine's hub endpoint and a configured
// inference server are local servers that count every request they get, and every feature runs.
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ResponseError } from 'vscode-jsonrpc';
import { EngineErrorCode } from '../../../src/protocol';
import { Requests } from '../../../src/protocolMessages';
import { writeFixtureWorkspace } from '../retrieval/fixtureWorkspace';
import { CODE_MODEL, CODE_MODEL_DIR, cleanTemps, settings, tempDir } from '../support/builders';
import { connectedEngine, type Pair } from '../support/engineConnection';
import { startHubMirror, type HubMirror } from '../support/hubMirror';

describe('offline mode: 0 requests across every feature', () => {
  let hub: HubMirror;
  let serverRequests = 0;
  const server = createServer((_req, res) => {
    serverRequests++;
    res.writeHead(200).end('{"data":[{"id":"m"}]}');
  });
  let pair: Pair;

  before(async () => {
    hub = await startHubMirror({ 'genai/code-tiny': CODE_MODEL_DIR });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    pair = connectedEngine(undefined, settings({ offline: true, hubEndpoint: hub.endpoint, remotes: [{ name: 'team', url, api: 'openai', model: 'm' }] }));
  });

  after(async () => {
    await pair.dispose();
    await hub.close();
    server.close();
    cleanTemps();
  });

  it('completion, text, Ask, images, the playground demos, model lists and server checks run without one request', async () => {
    const c = pair.client;
    const folder = tempDir();
    writeFixtureWorkspace(folder);
    await c.sendRequest(Requests.complete, { model: CODE_MODEL, filePath: 'a.py', languageId: 'python', prefix: 'def add(a, b):\n    return ', suffix: '\n' });
    await c.sendRequest(Requests.generateText, { jobId: 't', model: CODE_MODEL, prompt: 'def add(a, b):\n', maxTokens: 8 });
    await c.sendRequest(Requests.ask, { jobId: 'a', model: CODE_MODEL, folder, storageDir: tempDir(), question: 'What port does the HTTP API listen on?', maxTokens: 8 });
    await c.sendRequest(Requests.generateImage, { jobId: 'i', model: 'genai-image-tiny', prompt: 'large red circle', steps: 2, seed: 1 });
    await c.sendRequest(Requests.demoVae, { action: 'examples' });
    await c.sendRequest(Requests.demoGan, { seed: 1, count: 2 });
    await c.sendRequest(Requests.demoDiffusion, { prompt: 'large red circle', seed: 1, steps: 2 });
    await c.sendRequest(Requests.demoNextToken, { prompt: 'def', temperature: 1, topK: 5, seed: 1 });
    await c.sendRequest(Requests.models);
    const [report] = await c.sendRequest(Requests.checkServers);
    assert.equal(report.reachable, false);
    assert.equal(hub.authorizations.length + serverRequests, 0, 'no request left the engine');
  });

  it('a hub model that is not cached and a server model fail with what to do, still without a request', async () => {
    await assert.rejects(pair.client.sendRequest(Requests.load, { model: 'genai/code-tiny' }), (error: ResponseError<unknown>) => {
      assert.equal(error.code, EngineErrorCode.Offline);
      assert.match(error.message, /offline/i);
      return true;
    });
    await assert.rejects(pair.client.sendRequest(Requests.generateText, { jobId: 'r', model: 'remote:team', prompt: 'x' }), /genaiStudio\.offline is on/);
    assert.equal(hub.authorizations.length + serverRequests, 0);
  });
});
