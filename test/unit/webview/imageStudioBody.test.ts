import * as assert from 'node:assert/strict';
import { imageStudioBody } from '../../../src/vscode/imageStudio/imageStudioBody';

describe('Image Studio markup', () => {
  const body = imageStudioBody('48x48');

  it('labels every control, so screen readers and keyboard users know each field', () => {
    const labels = [...body.matchAll(/<vscode-label for="([^"]+)">/g)].map((m) => m[1]);
    assert.deepEqual(labels, ['prompt', 'negativePrompt', 'model', 'scheduler', 'size', 'steps', 'guidance', 'count', 'seed']);
    for (const id of labels) assert.ok(new RegExp(`<vscode-[a-z-]+ id="${id}"`).test(body), `a control has id ${id}`);
  });

  it('has no scripts, inline handlers or inline styles (the CSP would block them)', () => {
    assert.doesNotMatch(body, /<script|\son[a-z]+=|\sstyle=/i);
  });

  it('offers the configured size even when it is not a usual one', () => {
    assert.match(body, /<vscode-option value="48x48">48x48<\/vscode-option><vscode-option value="32x32">/);
    assert.equal(imageStudioBody('32x32').match(/value="32x32"/g)?.length, 1);
  });

  it('announces progress and errors to assistive technology', () => {
    assert.match(body, /id="error" class="error" role="alert"/);
    assert.match(body, /id="status" class="muted" role="status" aria-live="polite"/);
  });
});
