// End-to-end: typing in a file shows ghost text from the shipped model; Tab inserts it.
// Screenshots land in test-results/.
import * as assert from 'node:assert/strict';
import { useWorkbench } from './harness';

const GHOST = '.ghost-text-decoration, .ghost-text-decoration-preview, .ghost-text';

describe('inline completion (e2e)', function () {
  this.timeout(240_000);
  const workbench = useWorkbench({ settings: { 'editor.inlineSuggest.enabled': true } });

  it('shows ghost text while typing and inserts it with Tab', async () => {
    const { page } = workbench();
    await workbench().openFile('src/math.ts');
    await page.keyboard.press('Control+End');
    await page.keyboard.press('Enter');
    // The first suggestion also loads the model; later keystrokes answer from the warm engine.
    let ghost = '';
    for (const text of ['export function square(x: number): number ', '{', '\n', 'return x * ']) {
      await page.keyboard.type(text, { delay: 30 });
      ghost = await page
        .locator(GHOST)
        .first()
        .textContent({ timeout: 20_000 })
        .then((t) => (t ?? '').replace(/\u00a0/g, ' '))
        .catch(() => '');
      if (ghost.trim()) break;
    }
    assert.ok(ghost.trim(), 'ghost text appeared');
    await workbench().screenshot('completion-ghost-text');
    await page.keyboard.press('Tab');
    await page.waitForTimeout(300);
    assert.equal(await page.locator(GHOST).count(), 0, 'the suggestion was accepted');
    const editorText = await workbench().activeEditorText();
    assert.ok(editorText.includes(ghost.trim().split('\n')[0]), `the editor contains the accepted text ${JSON.stringify(ghost)}`);
    await workbench().screenshot('completion-accepted');
  });
});
