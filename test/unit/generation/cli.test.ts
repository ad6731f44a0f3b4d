// The genai-studio CLI's ask and generate --template, run as a user runs them (the built dist/cli.js).
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { CODE_MODEL, REPO_ROOT, cleanTemps, tempDir } from '../support/builders';
import { writeFixtureWorkspace } from '../retrieval/fixtureWorkspace';
import { MODELS_DIR } from './models';

const run = promisify(execFile);
const CLI = join(REPO_ROOT, 'bin', 'genai-studio.js');
const env = { ...process.env, GENAI_STUDIO_MODELS_DIR: MODELS_DIR };

describe('genai-studio ask and generate --template', () => {
  after(cleanTemps);

  it('ask --json prints the sources in rank order with path, lines and score, then the answer', async () => {
    const folder = tempDir('genai-ws-');
    const indexDir = tempDir('genai-index-');
    writeFixtureWorkspace(folder);
    const { stdout } = await run(process.execPath, [CLI, 'ask', '--workspace', folder, '--question', 'What port does the HTTP API listen on?', '--index-dir', indexDir, '--device', 'cpu', '--max-tokens', '8', '--json'], { env });
    const output = JSON.parse(stdout);
    assert.equal(output.model, CODE_MODEL);
    assert.deepEqual(output.sources.map((s: { rank: number }) => s.rank), [1, 2, 3, 4, 5]);
    assert.equal(output.sources[0].path, 'docs/ports.md');
    for (const s of output.sources) assert.ok(s.startLine >= 1 && s.endLine >= s.startLine && s.score > 0);
    assert.ok(output.sources.every((s: { score: number }, i: number, all: { score: number }[]) => i === 0 || all[i - 1].score >= s.score));
    assert.equal(typeof output.answer, 'string');
    assert.match(output.note, /tiny code model.*onnx-community\/Qwen2\.5-0\.5B-Instruct/);
    assert.equal(readdirSync(indexDir).length, 1, 'the index is persisted in --index-dir');
  });

  it('ask on a missing folder fails with exit code 1 and what to do', async () => {
    const error = await run(process.execPath, [CLI, 'ask', '--workspace', '/nonexistent/ws', '--question', 'q', '--index-dir', tempDir()], { env }).then(() => undefined, (e: { code: number; stderr: string }) => e);
    assert.equal(error?.code, 1);
    assert.match(error!.stderr, /\/nonexistent\/ws does not exist or is not a folder/);
  });

  it('generate --template --preview prints the filled prompt exactly; a broken template changes nothing', async () => {
    const fixtures = join(REPO_ROOT, 'test', 'fixtures', 'templates');
    const { stdout } = await run(process.execPath, [CLI, 'generate', '--template', join(fixtures, 'docstring.md'), '--input', readFileSync(join(fixtures, 'docstring.input.txt'), 'utf8'), '--preview'], { env });
    assert.equal(stdout, `${readFileSync(join(fixtures, 'docstring.expected.txt'), 'utf8')}\n`);
    const workspace = tempDir('genai-ws-');
    writeFileSync(join(workspace, 'broken.md'), 'x');
    const error = await run(process.execPath, [CLI, 'generate', '--template', join(workspace, 'broken.md'), '--input', 'y'], { env }).then(() => undefined, (e: { code: number; stderr: string }) => e);
    assert.equal(error?.code, 1);
    assert.match(error!.stderr, /broken\.md:1: the template never uses \{\{input\}\}/);
    assert.deepEqual(readdirSync(workspace), ['broken.md']);
  });
});
