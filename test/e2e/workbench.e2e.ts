// End-to-end: the extension in a real VS Code (code-server) in headless Chromium.
// Run: node esbuild.mjs && npx mocha --config test/e2e/.mocharc.json   (screenshots land in test-results/)
import * as assert from 'node:assert/strict';
import { useWorkbench } from './harness';

describe('workbench (e2e)', function () {
  this.timeout(180_000);
  const workbench = useWorkbench();

  it('opens a TypeScript file from the sample workspace', async () => {
    await workbench().openFile('src/math.ts');
    assert.match(await workbench().activeEditorText(), /export function add/);
    await workbench().screenshot('workbench-math-ts');
  });

  it('runs "GenAI Studio: Show Engine Status" from the command palette', async () => {
    await workbench().runCommand('GenAI Studio: Show Engine Status');
    // The command answers with a quick pick titled "GenAI Studio": status, engine, devices and actions.
    const labels = await workbench().waitForQuickPick('GenAI Studio');
    assert.ok(labels.some((l) => /Show Log/.test(l)), `unexpected items: ${labels.join(' | ')}`);
    await workbench().screenshot('workbench-engine-status');
    await workbench().closeQuickInput();
  });
});
