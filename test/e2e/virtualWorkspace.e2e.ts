// End-to-end: a virtual workspace (its one folder served by an extension, not on this machine's disk).
// GenAI Studio runs there (`virtualWorkspaces: limited`): completion works in its files, and Ask the
// Workspace, which indexes files on disk, says it does not search a virtual folder instead of failing.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { repoRoot, useWorkbench } from './harness';

describe('a virtual workspace (e2e)', function () {
  this.timeout(180_000);
  const workbench = useWorkbench({
    virtualFolder: 'genai-virtual:/project',
    extensions: [path.join(repoRoot, 'test', 'fixtures', 'virtual-folder-extension')],
  });

  it('does not index a virtual folder for Ask, and says what to do instead', async () => {
    await workbench().runCommand('GenAI Studio: Ask the Workspace...');
    const text = await workbench().waitForNotification(/virtual folder/);
    assert.match(text, /project is a virtual folder \(genai-virtual:\)\. Open a local copy of it/);
    await workbench().screenshot('virtual-ask');
  });

  it('suggests ghost text in a file of the virtual folder', async () => {
    // Quick open searches files on disk only: the file is opened from the explorer, as a person would.
    const { page } = workbench();
    const row = (name: string) => page.locator('.explorer-folders-view .monaco-list-row', { hasText: new RegExp(`^${name}$`) });
    await row('src').click();
    await row('math.ts').click();
    await page.locator('.tabs-container .tab.active', { hasText: 'math.ts' }).waitFor({ state: 'visible', timeout: 15_000 });
    await page.locator('.editor-group-container.active .monaco-editor .view-lines').click();
    await page.keyboard.press('Control+End');
    await page.keyboard.press('Enter');
    const ghost = await workbench().typeUntilSuggestion(['export function square(x: number): number ', '{\nreturn x * ']);
    assert.ok(ghost.trim(), 'ghost text appeared');
    await workbench().screenshot('virtual-completion');
  });
});
