import assert from 'node:assert/strict';
import { assembleAskPrompt, chunkText, linkCitations, looksBinary, normalizeTerm, plainAskPrompt, sourceList, stem, tokenize, type Passage } from '../../../src/core/retrieval';

const passage = (path: string, startLine: number, lines: number, score = 1): Passage => ({
  path,
  startLine,
  endLine: startLine + lines - 1,
  text: Array.from({ length: lines }, (_, i) => `line ${startLine + i} of ${path}`).join('\n'),
  score,
});

describe('retrieval core: chunking', () => {
  it('covers every non-blank line once, with 1-based line numbers that match the text', () => {
    const text = Array.from({ length: 300 }, (_, i) => (i % 17 === 0 ? '' : `statement number ${i} with some words`)).join('\n');
    const chunks = chunkText(text);
    const lines = text.split('\n');
    assert.ok(chunks.length > 5);
    const covered = new Set<number>();
    for (const c of chunks) {
      assert.equal(c.text, lines.slice(c.startLine - 1, c.endLine).join('\n'));
      assert.ok(c.text.length <= 1600);
      for (let l = c.startLine; l <= c.endLine; l++) {
        assert.ok(!covered.has(l), `line ${l} is in two chunks`);
        covered.add(l);
      }
    }
    lines.forEach((line, i) => line.trim() && assert.ok(covered.has(i + 1), `line ${i + 1} is in no chunk`));
  });

  it('starts a new chunk at a Markdown heading', () => {
    const text = `# A\n\n${'alpha words here. '.repeat(20)}\n\n## B\n\nbeta text`;
    const chunks = chunkText(text);
    assert.equal(chunks.length, 2);
    assert.match(chunks[1].text, /^## B/);
    assert.equal(chunks[1].startLine, 5);
  });

  it('truncates minified lines and skips blank files', () => {
    assert.deepEqual(chunkText('\n\n  \n'), []);
    const [chunk] = chunkText('x'.repeat(5000));
    assert.equal(chunk.text.length, 400);
  });
});

describe('retrieval core: terms', () => {
  it('splits identifiers into words and drops stop words', () => {
    assert.deepEqual(tokenize('parseConfigFile(max_file_size)'), ['parseConfigFile', 'parse', 'Config', 'File', 'max_file_size', 'max', 'file', 'size']);
    assert.deepEqual(tokenize('HTTPServer'), ['HTTPServer', 'HTTP', 'Server']);
    assert.equal(normalizeTerm('The'), null);
    assert.equal(normalizeTerm('a'), null);
    assert.equal(normalizeTerm('Indexing'), 'index');
  });

  it('stems plural and -ing/-ed forms to one term, never below three letters', () => {
    assert.equal(stem('indexes'), 'index');
    assert.equal(stem('indexed'), 'index');
    assert.equal(stem('queries'), 'query');
    assert.equal(stem('jobs'), 'job');
    assert.equal(stem('bus'), 'bus');
    assert.equal(stem('class'), 'class');
    assert.equal(stem('http2'), 'http2');
  });

  it('detects binary content by a NUL byte in the first 8000 bytes', () => {
    assert.equal(looksBinary(Buffer.from('plain text\n')), false);
    assert.equal(looksBinary(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0x01])), true);
    const late = Buffer.alloc(9000, 0x61);
    late[8500] = 0;
    assert.equal(looksBinary(late), false);
  });
});

describe('retrieval core: prompt within a token budget', () => {
  const countTokens = (text: string) => text.length;
  const question = 'Where is it?';

  it('keeps the passages that fit, best first, and cuts the next one at a line', () => {
    const passages = [passage('a.md', 1, 5), passage('b.md', 10, 5), passage('c.md', 20, 40)];
    const two = plainAskPrompt(`[1] a.md:1-5\n${passages[0].text}\n\n[2] b.md:10-14\n${passages[1].text}`, question).length;
    const result = assembleAskPrompt(question, passages, { countTokens, budgetTokens: two + 200, render: plainAskPrompt });
    assert.equal(result.used.length, 3);
    assert.ok(result.tokens <= two + 200);
    assert.deepEqual(result.used.slice(0, 2), passages.slice(0, 2));
    const cut = result.used[2];
    assert.ok(cut.endLine < 59 && cut.endLine >= 22, `cut at line ${cut.endLine}`);
    assert.equal(cut.text.split('\n').length, cut.endLine - cut.startLine + 1);
    assert.match(result.prompt, /^\[1\] a\.md:1-5\nline 1 of a\.md/);
    assert.match(result.prompt, /\n\nQuestion: Where is it\?\nAnswer:$/);
  });

  it('drops a passage when fewer than three of its lines would fit', () => {
    const passages = [passage('a.md', 1, 5), passage('b.md', 1, 5)];
    const one = plainAskPrompt(`[1] a.md:1-5\n${passages[0].text}`, question).length;
    const result = assembleAskPrompt(question, passages, { countTokens, budgetTokens: one + 30, render: plainAskPrompt });
    assert.deepEqual(result.used, [passages[0]]);
  });

  it('says so when the question alone is over the budget', () => {
    assert.throws(() => assembleAskPrompt('x'.repeat(500), [], { countTokens, budgetTokens: 100, render: plainAskPrompt }), /Ask a shorter question/);
  });
});

describe('retrieval core: citations', () => {
  it('numbers sources with links to file and line, and links the answer\'s [n]', () => {
    const used = [passage('docs/a b.md', 3, 2, 4.5), passage('src/x.ts', 10, 1, 2)];
    assert.equal(
      sourceList('/ws', used, false),
      '1. [docs/a b.md:3-4](file:///ws/docs/a%20b.md#L3) (score 4.50)\n2. [src/x.ts:10](file:///ws/src/x.ts#L10) (score 2.00)',
    );
    assert.equal(linkCitations('See [2] and [1], not [3] or [1](x).', '/ws', used), 'See [\\[2\\]](file:///ws/src/x.ts#L10) and [\\[1\\]](file:///ws/docs/a%20b.md#L3), not [3] or [1](x).');
  });
});
