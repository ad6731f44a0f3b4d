import assert from 'node:assert/strict';
import {
  identifiers,
  jaccard,
  rankSnippets,
  selectSnippets,
  type Snippet,
} from '../../../src/core/completion/snippetRanker';
import { countChars } from './countChars';

function filler(count: number, word: string): string {
  return Array.from({ length: count }, (_, i) => `${word}${i} = ${word}${i + 1}`).join('\n');
}

describe('snippetRanker', () => {
  it('collects identifiers of two characters or more', () => {
    assert.deepEqual([...identifiers('const x = user.name + $el_2; 42')].sort(), ['$el_2', 'const', 'name', 'user']);
  });

  it('measures Jaccard similarity', () => {
    assert.equal(jaccard(new Set(['a', 'b', 'c']), new Set(['b', 'c', 'd'])), 0.5);
    assert.equal(jaccard(new Set(), new Set()), 0);
  });

  it('slides a window over each file and ranks the most similar first', () => {
    const relevant = 'function totalPrice(cart) {\n  return cart.items.reduce(sumPrices, 0);\n}';
    const file = { path: 'src/cart.js', text: `${filler(30, 'noise')}\n${relevant}\n${filler(30, 'other')}` };
    const ranked = rankSnippets('const price = totalPrice(cart.items)', [file], { windowLines: 10, stepLines: 5 });
    assert.ok(ranked[0].text.includes('function totalPrice(cart)'));
    assert.ok(ranked.every((snippet, i) => i === 0 || snippet.score <= ranked[i - 1].score));
    assert.ok(ranked.every((snippet) => snippet.score > 0));
  });

  it('selects within budget, trims the last one, skips overlaps and returns file order', () => {
    const snippet = (path: string, startLine: number, lines: number, score: number): Snippet => ({
      path,
      startLine,
      score,
      text: Array.from({ length: lines }, () => 'xxxx').join('\n'),
    });
    const ranked = [
      snippet('b.ts', 0, 4, 0.9), // 19 characters
      snippet('b.ts', 2, 4, 0.8), // overlaps the first
      snippet('a.ts', 10, 4, 0.7), // only 2 lines fit the 10 left
      snippet('c.ts', 0, 1, 0.6), // nothing left for it
    ];
    const chosen = selectSnippets(ranked, 29, (s) => countChars(s.text));
    assert.deepEqual(
      chosen.map((s) => [s.path, s.startLine, s.text]),
      [
        ['a.ts', 10, 'xxxx\nxxxx'],
        ['b.ts', 0, 'xxxx\nxxxx\nxxxx\nxxxx'],
      ],
    );
  });

  it('selects nothing without budget', () => {
    assert.deepEqual(selectSnippets(rankSnippets('area', [{ path: 'a', text: 'area' }]), 0, () => 1), []);
  });
});
