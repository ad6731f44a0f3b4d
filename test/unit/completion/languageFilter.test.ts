import assert from 'node:assert/strict';
import { isLanguageEnabled } from '../../../src/core/completion/languageFilter';

describe('isLanguageEnabled', () => {
  const settings = { '*': true, markdown: false };

  it('uses the language entry first', () => {
    assert.equal(isLanguageEnabled(settings, 'markdown'), false);
    assert.equal(isLanguageEnabled({ '*': false, python: true }, 'python'), true);
  });

  it('falls back to "*"', () => {
    assert.equal(isLanguageEnabled(settings, 'typescript'), true);
    assert.equal(isLanguageEnabled({ '*': false }, 'typescript'), false);
  });

  it('enables languages an empty setting does not mention', () => {
    assert.equal(isLanguageEnabled({}, 'go'), true);
  });
});
