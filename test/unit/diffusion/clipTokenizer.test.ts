import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadClipTokenizer, padIds } from '../../../src/engine/diffusion/clipTokenizer';
import { EngineError } from '../../../src/engine/errors';
import { loadTransformers } from '../../../src/engine/transformers';
import { REPO_ROOT, SHIPPED_MODELS, tempDir, cleanTemps } from '../support/builders';

describe('CLIP tokenizer converted in memory from vocab.json + merges.txt', () => {
  after(cleanTemps);

  it('gives the ids of the reference tokenizer the model was trained with (tools/image-model/clip_bpe.py)', async () => {
    const reference = JSON.parse(readFileSync(join(REPO_ROOT, 'test', 'fixtures', 'diffusion', 'clip-token-ids.json'), 'utf8')) as { cases: { prompt: string; ids: number[] }[] };
    const tokenizer = loadClipTokenizer(await loadTransformers(), join(SHIPPED_MODELS, 'genai-image-tiny'), 32);
    assert.equal(tokenizer.maxLength, 32);
    assert.ok(reference.cases.length >= 5);
    for (const { prompt, ids } of reference.cases) assert.deepEqual(padIds(tokenizer, tokenizer.encode(prompt)), ids, prompt);
  });

  it('a tokenizer folder without tokenizer.json or vocab.json + merges.txt is a clear error', async () => {
    const error = await loadTransformers().then((lib) => {
      try {
        loadClipTokenizer(lib, tempDir(), 77);
      } catch (e) {
        return e;
      }
      return undefined;
    });
    assert.ok(error instanceof EngineError);
    assert.match(error.message, /tokenizer is missing: .* needs tokenizer\.json, or vocab\.json and merges\.txt/);
  });
});
