// End-to-end: the Image Studio in the real workbench. Generate Image from the palette opens the panel
// and generates; then the panel itself generates with a fixed seed, refuses an out-of-range request
// without breaking, and Save writes a PNG whose text metadata reproduces the image.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { FrameLocator } from 'playwright-core';
import { decodeRgbPng } from '../../src/core/image/png';
import { canvasPicture, useWorkbench } from './harness';

describe('Image Studio (e2e)', function () {
  this.timeout(240_000);
  const workbench = useWorkbench();

  /** The panel's page: VS Code nests the extension's document in an inner frame of the webview. */
  const panel = (): FrameLocator => workbench().page.frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame');
  const cards = () => panel().locator('#gallery li.card');
  /** Changes settings the way a user does, by editing settings.json; VS Code applies them at once. */
  function writeUserSettings(settings: Record<string, unknown>): void {
    for (const scope of ['User', 'Machine']) {
      const file = path.join(workbench().runDir, 'data', scope, 'settings.json');
      fs.writeFileSync(file, JSON.stringify({ ...JSON.parse(fs.readFileSync(file, 'utf8')), ...settings }, null, 2));
    }
  }

  it('Generate Image asks for a prompt, opens the panel and shows the result in the gallery', async () => {
    const { page } = workbench();
    await workbench().runCommand('GenAI Studio: Generate Image...');
    const input = page.locator('.quick-input-widget input.input');
    await input.waitFor({ state: 'visible', timeout: 15_000 });
    await input.fill('a red circle on a blue background');
    await input.press('Enter');
    await page.locator('.tabs-container .tab', { hasText: 'Image Studio' }).waitFor({ state: 'visible', timeout: 30_000 });
    await cards().first().waitFor({ state: 'visible', timeout: 120_000 });
    assert.match(await cards().first().innerText(), /a red circle on a blue background/);
    assert.ok(await canvasPicture(cards().first().locator('canvas')), 'the gallery card shows the image');
    // The command's request reached the page although it was posted before the page had loaded.
    assert.equal(await panel().locator('#prompt textarea').inputValue(), 'a red circle on a blue background');
    assert.match(await panel().locator('#status').innerText(), /Done/);
    await panel().locator('#modelHelp', { hasText: 'Shipped: genai-image-tiny' }).waitFor({ state: 'visible', timeout: 15_000 });
  });

  it('generates from the panel with a fixed seed, shown with the image', async () => {
    await panel().locator('#prompt textarea').fill('a yellow triangle on a black background');
    await panel().locator('#randomSeed').click();
    await panel().locator('#seed input').fill('123');
    await panel().locator('#generate').click();
    await cards().nth(1).waitFor({ state: 'visible', timeout: 120_000 });
    const newest = await cards().first().innerText();
    assert.match(newest, /a yellow triangle on a black background/);
    assert.match(newest, /seed 123\b/);
    assert.match(await panel().locator('#status').innerText(), /Done/);
    await workbench().screenshot('image-studio');
  });

  it('an out-of-range request is refused with a clear error and the panel keeps working', async () => {
    await panel().locator('#steps input').fill('0');
    await panel().locator('#generate').click();
    await panel().locator('#error', { hasText: /steps must be between 1 and 150, got 0/ }).waitFor({ state: 'visible', timeout: 15_000 });
    await workbench().screenshot('image-studio-rejected');
    await panel().locator('#steps input').fill('10');
    await panel().locator('#generate').click();
    await cards().nth(2).waitFor({ state: 'visible', timeout: 120_000 });
    assert.equal(await panel().locator('#error').innerText(), '', 'the error is cleared by the next generation');
  });

  it('Cancel stops a long generation and the panel is ready for the next one', async () => {
    const before = await cards().count();
    await panel().locator('#steps input').fill('150');
    await panel().locator('#count input').fill('8');
    await panel().locator('#generate').click();
    await panel().locator('#status', { hasText: /Step \d+\/150 · image 1\/8/ }).waitFor({ state: 'visible', timeout: 60_000 });
    // The live preview follows the denoising: it changes from one step to the next.
    const preview = panel().locator('#preview');
    const shown = await canvasPicture(preview);
    for (const until = Date.now() + 10_000; (await canvasPicture(preview)) === shown && Date.now() < until; ) await workbench().page.waitForTimeout(50);
    const later = await canvasPicture(preview);
    assert.ok(later, 'the preview shows the denoising');
    assert.notEqual(later, shown, 'the preview changes while the image denoises');
    await panel().locator('#cancel').click();
    await panel().locator('#status', { hasText: 'Cancelled.' }).waitFor({ state: 'visible', timeout: 15_000 });
    assert.ok((await cards().count()) < before + 8, 'not every image was made');
    assert.equal(await panel().locator('#generate').getAttribute('disabled'), null, 'Generate is enabled again');
    await panel().locator('#steps input').fill('20');
    await panel().locator('#count input').fill('1');
  });

  it('Ctrl+Enter in the prompt generates, without the mouse; a batch uses consecutive seeds', async () => {
    const before = await cards().count();
    await panel().locator('#negativePrompt input').fill('circle');
    await panel().locator('#count input').fill('2');
    await panel().locator('#prompt textarea').fill('a blue square on a yellow background');
    await panel().locator('#prompt textarea').press('Control+Enter');
    await cards().nth(before + 1).waitFor({ state: 'visible', timeout: 120_000 });
    const [second, first] = [await cards().nth(0).innerText(), await cards().nth(1).innerText()];
    for (const text of [first, second]) {
      assert.match(text, /a blue square on a yellow background/);
      assert.match(text, /not: circle/);
    }
    assert.match(first, /seed 123\b/);
    assert.match(second, /seed 124\b/);
    await panel().locator('#count input').fill('1');
    await panel().locator('#negativePrompt input').fill('');
  });

  it('Save writes a PNG whose text metadata holds the prompt and seed', async () => {
    const { page } = workbench();
    // The seed-123 image (the gallery shows the newest first).
    const card = cards().filter({ hasText: 'a yellow triangle on a black background' }).filter({ hasText: 'seed 123 · 20 steps' });
    await card.locator('vscode-button', { hasText: 'Save' }).click();
    // code-server's save dialog is a quick input holding the proposed path in the workspace.
    const input = page.locator('.quick-input-widget input.input');
    await input.waitFor({ state: 'visible', timeout: 15_000 });
    let proposed = '';
    for (const until = Date.now() + 15_000; !proposed.endsWith('.png') && Date.now() < until; ) {
      await page.waitForTimeout(200);
      proposed = await input.inputValue();
    }
    await workbench().screenshot('image-studio-save-dialog');
    assert.match(proposed, /a-yellow-triangle-on-a-black-background-123\.png$/);
    await input.press('Enter');
    const file = path.join(workbench().workspace, 'a-yellow-triangle-on-a-black-background-123.png');
    const deadline = Date.now() + 30_000;
    while (!fs.existsSync(file) && Date.now() < deadline) await page.waitForTimeout(250);
    assert.ok(fs.existsSync(file), `${file} was written`);
    const png = decodeRgbPng(fs.readFileSync(file));
    assert.deepEqual([png.width, png.height], [32, 32]);
    assert.equal(png.text.prompt, 'a yellow triangle on a black background');
    assert.equal(png.text.seed, '123');
    assert.equal(png.text.steps, '20');
    assert.equal(png.text.size, '32x32');
    await panel().locator('#status', { hasText: /Saved/ }).waitFor({ state: 'visible', timeout: 15_000 });
  });

  it('Copy Prompt puts the prompt of the image on the clipboard', async () => {
    const { page, context } = workbench();
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: workbench().url });
    await cards().filter({ hasText: 'a red circle on a blue background' }).locator('vscode-button', { hasText: 'Copy Prompt' }).click();
    await panel().locator('#status', { hasText: 'Prompt copied' }).waitFor({ state: 'visible', timeout: 15_000 });
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), 'a red circle on a blue background');
  });

  it('its Content-Security-Policy blocks injected inline scripts and remote images in the real webview', async () => {
    const outcome = await panel()
      .locator('body')
      .evaluate(async (body) => {
        const violations: string[] = [];
        document.addEventListener('securitypolicyviolation', (event) => violations.push(`${event.effectiveDirective} ${event.blockedURI}`));
        const script = document.createElement('script');
        script.textContent = 'document.body.dataset.injected = "ran"';
        body.appendChild(script);
        const image = document.createElement('img');
        image.src = 'https://example.com/remote.png';
        body.appendChild(image);
        await new Promise((resolve) => setTimeout(resolve, 1000));
        script.remove();
        image.remove();
        return { ran: body.dataset.injected ?? 'no', violations };
      });
    assert.equal(outcome.ran, 'no', 'the injected inline script did not run');
    assert.ok(outcome.violations.some((v) => v.startsWith('script-src')), `a script-src violation: ${outcome.violations.join('; ')}`);
    assert.ok(outcome.violations.some((v) => v.startsWith('img-src https://example.com')), `an img-src violation: ${outcome.violations.join('; ')}`);
  });

  it('takes new starting values from the settings without a reload', async () => {
    writeUserSettings({ 'genaiStudio.image.steps': 7, 'genaiStudio.image.scheduler': 'euler' });
    for (const until = Date.now() + 20_000; (await panel().locator('#steps input').inputValue()) !== '7' && Date.now() < until; ) await workbench().page.waitForTimeout(250);
    assert.equal(await panel().locator('#steps input').inputValue(), '7');
    assert.equal(await panel().locator('#scheduler').evaluate((select) => (select as HTMLElement & { value: string }).value), 'euler');
  });

  it('follows the colour theme', async () => {
    const { page } = workbench();
    /** The panel's background and text colours, with the theme's own values read through its CSS variables. */
    const colours = () =>
      panel()
        .locator('body')
        .evaluate((body) => {
          const probe = document.createElement('span');
          probe.style.color = 'var(--vscode-foreground)';
          probe.style.backgroundColor = 'var(--vscode-editor-background)';
          body.appendChild(probe);
          const theme = { foreground: getComputedStyle(probe).color, background: getComputedStyle(probe).backgroundColor };
          probe.remove();
          return { body: { foreground: getComputedStyle(body).color, background: getComputedStyle(body).backgroundColor }, theme };
        });
    const light = await colours();
    assert.deepEqual(light.body, light.theme);
    writeUserSettings({ 'workbench.colorTheme': 'Default Dark Modern' });
    await page.locator('.monaco-workbench.vs-dark').waitFor({ state: 'attached', timeout: 20_000 });
    let dark = await colours();
    for (const until = Date.now() + 10_000; dark.body.background === light.body.background && Date.now() < until; ) {
      await page.waitForTimeout(250);
      dark = await colours();
    }
    assert.deepEqual(dark.body, dark.theme);
    assert.notEqual(dark.body.background, light.body.background, 'the background changes with the theme');
    await workbench().screenshot('image-studio-dark');
  });
});
