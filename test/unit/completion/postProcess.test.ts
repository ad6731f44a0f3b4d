import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { getFimFormat, isFimFormatName } from '../../../src/core/completion/fimFormats';
import { postProcess } from '../../../src/core/completion/postProcess';

interface Fixture {
  readonly why: string;
  /** A format name whose stop strings apply. */
  readonly format?: string;
  readonly prefix: string;
  readonly suffix: string;
  readonly completion: string;
  /** null: nothing worth showing. */
  readonly expected: string | null;
}

const FIXTURES = join(__dirname, 'fixtures', 'postprocess');

function stopStringsOf(format: string | undefined): readonly string[] {
  if (format === undefined) return [];
  assert.ok(isFimFormatName(format), `unknown format ${format}`);
  return getFimFormat(format).stopStrings;
}

const SUITES = readdirSync(FIXTURES)
  .filter((name) => name.endsWith('.json'))
  .map((name) => JSON.parse(readFileSync(join(FIXTURES, name), 'utf8')) as { languageId: string; cases: Fixture[] });

describe('postProcess golden fixtures', () => {
  it('cover at least 40 cases over six languages', () => {
    assert.ok(SUITES.reduce((total, suite) => total + suite.cases.length, 0) >= 40);
    assert.deepEqual(SUITES.map((suite) => suite.languageId).sort(), ['go', 'json', 'markdown', 'python', 'rust', 'typescript']);
  });

  for (const { languageId, cases } of SUITES) {
    describe(languageId, () => {
      for (const fixture of cases) {
        it(fixture.why, () => {
          const actual = postProcess({
            prefix: fixture.prefix,
            suffix: fixture.suffix,
            languageId,
            completion: fixture.completion,
            stopStrings: stopStringsOf(fixture.format),
          });
          assert.equal(actual ?? null, fixture.expected);
        });
      }
    });
  }
});
