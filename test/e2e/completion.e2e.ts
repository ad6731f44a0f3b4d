// End-to-end: typing in a file shows ghost text from the shipped model; Tab inserts it.
// Screenshots land in test-results/.
import * as assert from 'node:assert/strict';
import { GHOST_TEXT, useWorkbench } from './harness';

describe('inline completion (e2e)', function () {
  this.timeout(240_000);
  const workbench = useWorkbench({ settings: { 'editor.inlineSuggest.enabled': true } });

  /** The editor's lines as rendered, without ghost text (which the view draws among the document's lines). */
  async function documentText(): Promise<string> {
    const lines = await workbench()
      .page.locator('.editor-group-container.active .monaco-editor .view-lines')
      .first()
      .evaluate((root, ghost) => {
        const rendered = Array.from(root.querySelectorAll<HTMLElement>('.view-line')).sort((a, b) => parseFloat(a.style.top) - parseFloat(b.style.top));
        return rendered.map((line) => {
          const copy = line.cloneNode(true) as HTMLElement;
          copy.querySelectorAll(ghost).forEach((g) => g.remove());
          return copy.textContent ?? '';
        });
      }, GHOST_TEXT);
    return lines.join('\n').replace(/\u00a0/g, ' ');
  }

  it('shows ghost text while typing and inserts it with Tab', async () => {
    const { page } = workbench();
    await workbench().openFile('src/math.ts');
    await page.keyboard.press('Control+End');
    await page.keyboard.press('Enter');
    // The first suggestion also loads the model; later keystrokes answer from the warm engine. No wait
    // after the brace and the new line: the shipped model loops there ("square(x + 1 + 1 + ..."), and a
    // loop is not shown. After "return x * " it answers "2;".
    const ghost = await workbench().typeUntilSuggestion(['export function square(x: number): number ', '{\nreturn x * ']);
    assert.ok(ghost.trim(), 'ghost text appeared');
    await workbench().screenshot('completion-ghost-text');
    const before = await documentText();
    await page.keyboard.press('Tab');
    // After the insert VS Code may already show the next suggestion, so acceptance is judged by the text:
    // the test waits until the editor holds the accepted line (and fails by its timeout if it never does).
    const firstLine = ghost.trim().split('\n')[0];
    const inserted = (text: string) => text.includes(firstLine) && text.length - before.length >= firstLine.length;
    while (!inserted(await documentText())) await page.waitForTimeout(50);
    await workbench().screenshot('completion-accepted');
  });
});
