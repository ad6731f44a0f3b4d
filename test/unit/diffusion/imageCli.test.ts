// `genai-studio image`, run as a user runs it (the built CLI and engine).
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { decodeRgbPng } from '../../../src/core/image/png';
import { REPO_ROOT, SHIPPED_MODELS, cleanTemps, tempDir } from '../support/builders';

const run = promisify(execFile);
const CLI = join(REPO_ROOT, 'bin', 'genai-studio.js');
const env = { ...process.env, GENAI_STUDIO_MODELS_DIR: SHIPPED_MODELS };

describe('genai-studio image', function () {
  this.timeout(60_000);
  after(cleanTemps);

  it('writes the PNG with its parameters in text chunks and prints the seed and timings', async () => {
    const out = join(tempDir(), 'star.png');
    const { stdout } = await run(process.execPath, [CLI, 'image', '--prompt', 'large pink star on a green background', '--seed', '7', '--steps', '12', '--scheduler', 'euler', '--device', 'cpu', '--out', out], { env });
    assert.match(stdout, /star\.png: 32x32, seed 7, euler 12 steps, guidance 4, sd on cpu\n\d+ ms in all, [\d.]+ ms per step \(median\), \d+ ms in session\.run/);
    const png = decodeRgbPng(readFileSync(out));
    assert.equal(png.width, 32);
    assert.equal(png.text.prompt, 'large pink star on a green background');
    assert.equal(png.text.seed, '7');
    assert.equal(png.text.scheduler, 'euler');
    assert.equal(png.text.steps, '12');
  });

  it('bad parameters exit with code 1, say what to change, and write nothing', async () => {
    const out = join(tempDir(), 'bad.png');
    const error = await run(process.execPath, [CLI, 'image', '--prompt', 'red ring', '--height', '30', '--device', 'cpu', '--out', out], { env }).then(
      () => undefined,
      (e: { code: number; stderr: string }) => e,
    );
    assert.equal(error?.code, 1);
    assert.match(error!.stderr, /The height 30 is not a multiple of 8 .*use 24 or 32/);
    assert.equal(existsSync(out), false);
  });

  it('an --out path it cannot write names the path and what to do', async () => {
    const failure = (out: string) =>
      run(process.execPath, [CLI, 'image', '--prompt', 'red ring', '--steps', '2', '--device', 'cpu', '--out', out], { env }).then(
        () => assert.fail('the command should fail'),
        (e: { code: number; stderr: string }) => e,
      );
    const missing = join(tempDir(), 'no-such-folder', 'ring.png');
    let error = await failure(missing);
    assert.equal(error.code, 2);
    assert.match(error.stderr, /--out .*ring\.png: the folder .*no-such-folder does not exist\. Create it/);

    // A folder where the file should be: the image is made, the write fails, the seed is given to redo it.
    const folder = tempDir();
    error = await failure(folder);
    assert.equal(error.code, 1);
    assert.match(error.stderr, /Could not write .* \(EISDIR\): choose a path you can write to\. Rerun with --seed \d+ for the same image\./);
  });
});
