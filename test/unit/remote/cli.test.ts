// genai-studio on an inference server: --endpoint, --api, --remote-model and --api-key-env, run as a user
// runs them (the built CLI) against a real llama.cpp server.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { llamaServerAvailable, startLlamaServer, type LlamaServer } from '../../support/llamaServer';
import { REPO_ROOT, cleanTemps, tempDir } from '../support/builders';

const run = promisify(execFile);
const CLI = join(REPO_ROOT, 'bin', 'genai-studio.js');
const failure = (promise: Promise<unknown>) => promise.then(() => undefined, (e: { code: number; stderr: string }) => e);

describe('genai-studio --endpoint (a real llama.cpp server)', function () {
  let server: LlamaServer;

  before(async function () {
    if (!llamaServerAvailable()) {
      if (process.env.CI) throw new Error('llama-server is missing: npm test fetches it (bash scripts/llama-server.sh).');
      this.skip();
    }
    server = await startLlamaServer({ apiKey: 'sk-cli' });
  });
  after(async () => {
    await server?.stop();
    cleanTemps();
  });

  it('complete and generate run on the server with the key from the named variable', async () => {
    const file = join(tempDir(), 'fib.py');
    writeFileSync(file, 'def fibonacci(n):\n    a, b = 0, 1\n    for _ in range(n):\n        \n    return a\n');
    const env = { ...process.env, TEAM_KEY: 'sk-cli' };
    for (const api of ['openai', 'llama.cpp']) {
      const { stderr } = await run(process.execPath, [CLI, 'complete', '--endpoint', server.url, '--api', api, '--api-key-env', 'TEAM_KEY', '--file', file, '--line', '4', '--col', '9', '--verbose'], { env });
      assert.match(stderr, /^\[server\] genai-code-tiny (single|multi)-line/m, api);
    }
    const { stdout, stderr } = await run(process.execPath, [CLI, 'generate', '--endpoint', server.url, '--api-key-env', 'TEAM_KEY', '--prompt', 'def add(a, b):\n', '--max-tokens', '8', '--verbose'], { env });
    assert.ok(stdout.trim().length > 0);
    assert.match(stderr, /^\[server\] \d+ prompt \+ \d+ generated tokens/m);
  });

  it('says what is wrong: no key, a variable that is not set, a model the server lacks, options without --endpoint', async () => {
    const noKey = await failure(run(process.execPath, [CLI, 'generate', '--endpoint', server.url, '--prompt', 'x']));
    assert.equal(noKey?.code, 1);
    assert.match(noKey!.stderr, /refused the API key \(HTTP 401\)/);
    const unset = await failure(run(process.execPath, [CLI, 'generate', '--endpoint', server.url, '--api-key-env', 'GENAI_UNSET_KEY', '--prompt', 'x']));
    assert.match(unset!.stderr, /--api-key-env names GENAI_UNSET_KEY, which is not set in the environment/);
    const model = await failure(run(process.execPath, [CLI, 'generate', '--endpoint', server.url, '--api-key-env', 'TEAM_KEY', '--remote-model', 'nope', '--prompt', 'x'], { env: { ...process.env, TEAM_KEY: 'sk-cli' } }));
    assert.match(model!.stderr, /does not serve the model "nope"; it serves: genai-code-tiny/);
    const orphan = await failure(run(process.execPath, [CLI, 'generate', '--api', 'ollama', '--prompt', 'x']));
    assert.equal(orphan?.code, 2);
    assert.match(orphan!.stderr, /--api needs --endpoint URL/);
    const both = await failure(run(process.execPath, [CLI, 'generate', '--endpoint', server.url, '--model', 'genai-code-tiny', '--prompt', 'x']));
    assert.match(both!.stderr, /Use --model \(a local model\) or --endpoint \(a server\), not both/);
  });
});
