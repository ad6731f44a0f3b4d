// End-to-end: the extension in a real VS Code (code-server) in headless Chromium.
// Run: node esbuild.mjs && npx mocha --config test/e2e/.mocharc.json   (screenshots land in test-results/)
import * as assert from 'node:assert/strict';
import { startWorkbench, type Workbench } from './harness';

describe('workbench (e2e)', function () {
  this.timeout(180_000);
  let wb: Workbench | undefined;

  before(async () => {
    wb = await startWorkbench();
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed' && wb) {
      const file = await wb.screenshot(`failed-${this.currentTest.fullTitle()}`).catch(() => undefined);
      if (file) console.log(`    screenshot of the failure: ${file}`);
    }
  });

  after(async () => {
    await wb?.close();
  });

  it('opens a TypeScript file from the sample workspace', async () => {
    await wb!.openFile('src/math.ts');
    assert.match(await wb!.activeEditorText(), /export function add/);
    await wb!.screenshot('workbench-math-ts');
  });

  it('runs "GenAI Studio: Show Engine Status" from the command palette', async () => {
    await wb!.runCommand('GenAI Studio: Show Engine Status');
    // The command answers with a quick pick titled "GenAI Studio": status, engine, devices and actions.
    const labels = await wb!.waitForQuickPick('GenAI Studio');
    assert.ok(labels.some((l) => /Show Log/.test(l)), `unexpected items: ${labels.join(' | ')}`);
    await wb!.screenshot('workbench-engine-status');
    await wb!.closeQuickInput();
  });
});
