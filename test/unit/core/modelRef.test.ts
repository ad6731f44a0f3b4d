import assert from 'node:assert/strict';
import { formatModelRef, parseModelRef } from '../../../src/core/modelRef';

describe('parseModelRef', () => {
  it('reads shipped names, folders and hub ids with revisions', () => {
    assert.deepEqual(parseModelRef('genai-code-tiny', '/home/u'), { kind: 'shipped', name: 'genai-code-tiny' });
    assert.deepEqual(parseModelRef('/opt/models/x', '/home/u'), { kind: 'folder', path: '/opt/models/x' });
    assert.deepEqual(parseModelRef('~/models/x', '/home/u'), { kind: 'folder', path: '/home/u/models/x' });
    assert.deepEqual(parseModelRef('C:\\models\\x', '/home/u'), { kind: 'folder', path: 'C:\\models\\x' });
    assert.deepEqual(parseModelRef('onnx-community/Qwen2.5-Coder-0.5B-Instruct', '/h'), { kind: 'hub', id: 'onnx-community/Qwen2.5-Coder-0.5B-Instruct', revision: 'main' });
    assert.deepEqual(parseModelRef(' org/name@v1.2 ', '/h'), { kind: 'hub', id: 'org/name', revision: 'v1.2' });
  });

  it('round-trips through formatModelRef', () => {
    for (const ref of ['genai-code-tiny', '/abs/folder', 'org/name', 'org/name@abc123']) assert.equal(formatModelRef(parseModelRef(ref, '/h')), ref);
  });

  it('rejects what is none of the three, saying what is accepted', () => {
    assert.throws(() => parseModelRef('', '/h'), /No model is set/);
    assert.throws(() => parseModelRef('relative/path/to/model', '/h'), /not a model reference.*absolute folder/);
    assert.throws(() => parseModelRef('org/name@', '/h'), /not a model reference/);
  });

  it('accepts no hub id or revision that could name a folder outside the hub cache, on any platform', () => {
    for (const ref of ['org/..', 'org/.', '../name', 'org/name@..', 'org/name@.', 'org/name@..\\..\\x', 'org/name@a\\b', 'org\\..\\x/name', 'org/name@/etc', 'org/na/me']) {
      assert.throws(() => parseModelRef(ref, '/h'), /not a model reference/, ref);
    }
    assert.deepEqual(parseModelRef('org/name@refs-pr-1', '/h'), { kind: 'hub', id: 'org/name', revision: 'refs-pr-1' });
  });
});
