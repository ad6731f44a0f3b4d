// GenAI Studio on a team's inference server, in a real VS Code: a real llama.cpp server (started here on
// 127.0.0.1, serving the shipped code model's weights as GGUF) behind `remote:<name>` models. Ghost
// text, Generate Text over chat completions, Ask, a cancel the server sees, and the failures a user meets:
// a stopped server (with and without a local fallback), a missing API key set through the keychain
// command, a model the server does not serve.
import * as assert from 'node:assert/strict';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { GenAIStudioApi } from '../../src/vscode/container';
import type { AskRun } from '../../src/vscode/generation/askCommands';
import type { GenerationRun } from '../../src/vscode/generation/textCommands';
import { freePort } from '../support/ports';
import { CODE_MODEL_ALIAS, llamaServerAvailable, startLlamaServer, type LlamaServer } from '../support/llamaServer';
import { closeEditorsReverting } from './editors';

const EXTENSION_ID = 'genai-studio.genai-studio';
const KEY = 'sk-integration-key';

describe('inference servers (remote: models) in VS Code', function () {
  let api: GenAIStudioApi;
  let server: LlamaServer;
  let keyed: LlamaServer;
  let document: vscode.TextDocument;
  let position: vscode.Position;
  const config = () => vscode.workspace.getConfiguration('genaiStudio');
  const settings = ['remotes', 'completion.model', 'completion.fallbackModel', 'text.model', 'text.maxTokens'];

  const complete = async () => {
    await api.completion.provideInlineCompletionItems(document, position, { triggerKind: vscode.InlineCompletionTriggerKind.Invoke, selectedCompletionInfo: undefined }, new vscode.CancellationTokenSource().token);
    return api.completion.lastResult;
  };
  before(async function () {
    if (!llamaServerAvailable()) {
      if (process.env.CI) throw new Error('llama-server is missing: npm test fetches it (bash scripts/llama-server.sh).');
      this.skip();
    }
    api = await vscode.extensions.getExtension<GenAIStudioApi>(EXTENSION_ID)!.activate();
    [server, keyed] = await Promise.all([startLlamaServer(), startLlamaServer({ apiKey: KEY })]);
    await config().update(
      'remotes',
      [
        { name: 'team', url: server.url, api: 'openai', model: CODE_MODEL_ALIAS, chat: false },
        { name: 'team-native', url: server.url, api: 'llama.cpp', chat: false },
        { name: 'team-chat', url: server.url, api: 'openai', model: CODE_MODEL_ALIAS },
        { name: 'keyed', url: keyed.url, api: 'openai', model: CODE_MODEL_ALIAS },
        { name: 'wrong-model', url: server.url, api: 'openai', model: 'qwen2.5-coder-32b' },
        { name: 'down', url: `http://127.0.0.1:${await freePort()}`, api: 'openai' },
      ],
      vscode.ConfigurationTarget.Global,
    );
  });

  beforeEach(async () => {
    const workspace = process.env.GENAI_TEST_WORKSPACE ?? vscode.workspace.workspaceFolders![0].uri.fsPath;
    document = await vscode.workspace.openTextDocument(join(workspace, 'src', 'math.ts'));
    await vscode.window.showTextDocument(document);
    const marker = 'return n < 2 ? n : ';
    position = document.positionAt(document.getText().indexOf(marker) + marker.length);
  });

  after(async () => {
    for (const key of settings) await config().update(key, undefined, vscode.ConfigurationTarget.Global);
    await vscode.commands.executeCommand('genaiStudio.setServerApiKey', 'keyed', '');
    await closeEditorsReverting();
    await server?.stop();
    await keyed?.stop();
  });

  afterEach(() => closeEditorsReverting());

  it('shows ghost text from the server chosen with Choose Model, and the status bar names the server', async () => {
    assert.equal(await vscode.commands.executeCommand('genaiStudio.chooseModel', { role: 'completion', model: 'remote:team' }), 'remote:team');
    assert.equal(config().get('completion.model'), 'remote:team');
    const result = await complete();
    assert.ok(result, 'the engine answered');
    assert.equal(result.device, 'server');
    assert.equal(result.fimFormat, 'genai-code-tiny');
    assert.ok(result.generatedTokens > 0);
    assert.match(api.status().text, new RegExp(`remote:team · server 127\\.0\\.0\\.1:${server.port} \\d+ ms`));
    await config().update('completion.model', 'remote:team-native', vscode.ConfigurationTarget.Global);
    const native = await complete();
    assert.equal(native?.device, 'server', 'llama.cpp\'s /infill answers too');
  });

  it('Check GPU Support reports each server: what it serves and its context, or why it cannot be reached', async () => {
    await vscode.commands.executeCommand('genaiStudio.checkGpu');
    const report = vscode.window.activeTextEditor!.document.getText();
    assert.match(report, /## Inference servers \(genaiStudio\.remotes\)/);
    assert.match(report, new RegExp(`\\| team \\| ${server.url.replace(/\./g, '\\.')} \\(openai\\) \\| answers in \\d+ ms \\| genai-code-tiny, 512 tokens of context; serves genai-code-tiny \\|`));
    assert.match(report, /\| down \| .* \| not reachable \| Nothing is listening at .*connection refused/);
  });

  it('streams Generate Text over chat completions into a new editor', async () => {
    await config().update('text.model', 'remote:team-chat', vscode.ConfigurationTarget.Global);
    const run = await vscode.commands.executeCommand<GenerationRun>('genaiStudio.generateText', { prompt: 'Write a function that adds two numbers.', output: 'newEditor' });
    assert.ok(run);
    assert.equal(run.promptFormat, 'chat');
    assert.equal(run.model, 'remote:team-chat');
    assert.equal(vscode.window.activeTextEditor!.document.getText(), run.text, 'the document holds exactly the streamed text');
  });

  it('answers Ask the Workspace from the server, with the sources', async () => {
    await config().update('text.model', 'remote:team', vscode.ConfigurationTarget.Global);
    const run = await vscode.commands.executeCommand<AskRun>('genaiStudio.askWorkspace', { question: 'How is the mean of an empty list handled?' });
    assert.ok(run?.answer !== undefined, 'an answer was written');
    assert.equal(run.sources[0].path, 'py/stats.py');
    assert.ok((run.used ?? []).length > 0);
    assert.match(vscode.window.activeTextEditor!.document.getText(), /## Answer\n/);
  });

  it('closing the document being written aborts the request on the server', async () => {
    await config().update('text.model', 'remote:team', vscode.ConfigurationTarget.Global);
    await config().update('text.maxTokens', 480, vscode.ConfigurationTarget.Global);
    const opened = new Promise<vscode.TextDocument>((resolve) => {
      const watch = vscode.workspace.onDidChangeTextDocument((e) => {
        if (e.document.uri.scheme !== 'untitled' || e.document.getText().length === 0) return;
        watch.dispose();
        resolve(e.document);
      });
    });
    const run = vscode.commands.executeCommand<GenerationRun | undefined>('genaiStudio.generateText', { prompt: 'def fibonacci(n):\n', output: 'newEditor' });
    const written = await opened;
    await vscode.window.showTextDocument(written);
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    await run;
    await server.cancelSeen();
  });

  it('a stopped server: the status bar says why, and the local fallback model completes when one is set', async () => {
    await config().update('completion.model', 'remote:down', vscode.ConfigurationTarget.Global);
    await complete();
    assert.match(api.status().text, /\$\(warning\)|failed/);
    assert.match(api.status().tooltip, /connection refused\. Start the server/);
    await config().update('completion.fallbackModel', 'genai-code-tiny', vscode.ConfigurationTarget.Global);
    const fallback = await complete();
    assert.equal(fallback?.device, 'cpu');
    assert.ok(fallback?.fallback);
    assert.match(api.status().text, /\$\(debug-disconnect\) local \d+ ms/);
    assert.match(api.status().tooltip, /the local fallback model completed/);
  });

  it('a server that wants a key refuses until Set Server API Key stores one', async () => {
    await config().update('completion.fallbackModel', undefined, vscode.ConfigurationTarget.Global);
    await config().update('completion.model', 'remote:keyed', vscode.ConfigurationTarget.Global);
    await complete();
    assert.match(api.status().tooltip, /refused the API key \(HTTP 401\).*Set Server API Key/s);
    assert.equal(await vscode.commands.executeCommand<boolean>('genaiStudio.setServerApiKey', 'keyed', KEY), true);
    const served = await complete();
    assert.equal(served?.device, 'server');
  });

  it('a model the server does not serve: the error lists what it serves', async () => {
    await config().update('completion.model', 'remote:wrong-model', vscode.ConfigurationTarget.Global);
    await complete();
    assert.match(api.status().tooltip, /does not serve the model "qwen2\.5-coder-32b"; it serves: genai-code-tiny/);
  });
});
