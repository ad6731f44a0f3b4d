// End-to-end: the "Generative AI, step by step" walkthrough in the real workbench. A step completes
// when its action runs (not when it is opened). Screenshots land in test-results/.
import * as assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Frame, Locator, Page } from 'playwright-core';
import { GHOST_TEXT, canvasPicture, useWorkbench } from './harness';

const TITLE = 'Generative AI, step by step';

describe('walkthrough "Generative AI, step by step" (e2e)', function () {
  this.timeout(240_000);
  const workbench = useWorkbench({ settings: { 'editor.inlineSuggest.enabled': true } });

  const container = () => workbench().page.locator('.gettingStartedContainer');
  /** The step's row (its title button); VS Code prefixes the step id with the walkthrough's. */
  const step = (id: string): Locator => container().locator(`button.getting-started-step[data-step-id$="${id}"]`);
  const isDone = async (id: string) => (await step(id).getAttribute('aria-checked')) === 'true';

  /** Opens (or brings back) the walkthrough through the command: the Welcome tab may show its start page. */
  async function openWalkthrough(): Promise<void> {
    const { page } = workbench();
    await workbench().runCommand('Welcome: Open Walkthrough...');
    const quickInput = page.locator('.quick-input-widget');
    await quickInput.locator('input.input').pressSequentially(TITLE, { delay: 10 });
    await quickInput.locator('.quick-input-list .monaco-list-row', { hasText: TITLE }).first().click();
    await container().locator('h2.category-title', { hasText: TITLE }).waitFor({ state: 'visible', timeout: 30_000 });
    // The steps' slide is interactive once its buttons are enabled (the start page's slide disables them).
    await container().locator('button.getting-started-step:not([disabled])').first().waitFor({ state: 'visible', timeout: 15_000 });
  }

  /** Selects a step (expanding its description) and clicks its action button. */
  async function runStepAction(id: string, label: string): Promise<void> {
    await step(id).click();
    const action = step(id).locator('.step-description-container .monaco-button', { hasText: label });
    await action.waitFor({ state: 'visible', timeout: 15_000 });
    await action.click();
  }

  it('opens with every step listed and none completed', async () => {
    await openWalkthrough();
    const steps = container().locator('button.getting-started-step');
    assert.equal(await steps.count(), 14);
    for (const id of ['discriminativeVsGenerative', 'tryTextGeneration', 'responsibleUse']) assert.equal(await isDone(id), false, `${id} is not done yet`);
    // Selecting a step shows its diagram but does not complete it.
    await step('diffusionModels').click();
    await container().locator('.getting-started-media iframe, .getting-started-media webview').first().waitFor({ state: 'attached', timeout: 15_000 });
    await diagramColours(workbench().page); // the diagram's webview has painted
    assert.equal(await isDone('diffusionModels'), false, 'opening a step does not complete it');
    await workbench().screenshot('walkthrough-opened');
  });

  // The SVG is inlined in a webview frame; compare its label colour with the theme's foreground there.
  async function diagramColours(page: Page): Promise<{ label: string; foreground: string }> {
    const deadline = Date.now() + 20_000;
    for (;;) {
      for (const frame of page.frames()) {
        const colours = await frame
          .evaluate(() => {
            const label = document.querySelector('svg text');
            if (!label) return null;
            const probe = document.createElement('span');
            probe.style.color = 'var(--vscode-foreground)';
            document.body.appendChild(probe);
            const foreground = getComputedStyle(probe).color;
            probe.remove();
            return { label: getComputedStyle(label).fill, foreground };
          })
          .catch(() => null);
        if (colours) return colours;
      }
      if (Date.now() > deadline) throw new Error('no diagram frame with an <svg> found');
      await page.waitForTimeout(250);
    }
  }

  it('shows pre-training vs fine-tuning as a rendered table', async () => {
    const { page } = workbench();
    await step('fineTuningVsPreTraining').click();
    const deadline = Date.now() + 20_000;
    let rows: string[] = [];
    while (rows.length === 0 && Date.now() < deadline) {
      for (const frame of page.frames()) {
        const found = await frame.evaluate(() => Array.from(document.querySelectorAll('table tr'), (tr) => (tr as HTMLElement).innerText)).catch(() => []);
        if (found.length) rows = found;
      }
      if (rows.length === 0) await page.waitForTimeout(250);
    }
    const text = rows.join('\n');
    for (const row of ['Goal', 'Data size', 'Cost', 'Use case']) assert.match(text, new RegExp(`^${row}\\b`, 'm'), `the table has a "${row}" row: ${text}`);
    assert.match(rows[0], /Pre-training\s+Fine-tuning/);
    await workbench().screenshot('walkthrough-fine-tuning-table');
  });

  it('draws the diagrams in the colours of the light, dark and high contrast themes', async () => {
    const { page } = workbench();
    const setTheme = (theme: string) => {
      for (const scope of ['User', 'Machine']) {
        const file = join(workbench().runDir, 'data', scope, 'settings.json');
        writeFileSync(file, JSON.stringify({ ...JSON.parse(readFileSync(file, 'utf8')), 'workbench.colorTheme': theme }, null, 2));
      }
    };
    const seen = new Set<string>();
    for (const theme of ['Default Light Modern', 'Default Dark Modern', 'Default High Contrast']) {
      setTheme(theme);
      const themeClass = theme.includes('Dark') ? 'vs-dark' : theme.includes('High') ? 'hc-black' : 'vs';
      await page.locator(`.monaco-workbench.${themeClass}`).waitFor({ state: 'attached', timeout: 20_000 });
      await openWalkthrough();
      await step('variationalAutoencoders').click();
      // Wait for the state: the diagram repainted in this theme's foreground, a colour no earlier theme had.
      let colours = await diagramColours(page);
      while (colours.label !== colours.foreground || seen.has(colours.label)) {
        await page.waitForTimeout(100);
        colours = await diagramColours(page);
      }
      seen.add(colours.label);
      await workbench().screenshot(`walkthrough-${theme.replace(/\W+/g, '-').toLowerCase()}`);
    }
    assert.equal(seen.size, 3, `each theme gives its own label colour: ${[...seen].join(', ')}`);
    setTheme('Default Light Modern');
  });

  it('completes "Try text generation" when its action generates text', async () => {
    const { page } = workbench();
    await runStepAction('tryTextGeneration', 'Generate Text');
    // The action asks for a prompt; running it is what completes the step.
    const input = page.locator('.quick-input-widget input.input');
    await input.waitFor({ state: 'visible', timeout: 15_000 });
    // fill(), not typing: the walkthrough re-renders as the step completes and may take keystrokes.
    await input.fill('function add(a, b) {');
    await input.press('Enter');
    await page.locator('.tabs-container .tab.active', { hasText: /Untitled/ }).waitFor({ state: 'visible', timeout: 60_000 });
    await page.waitForFunction(
      () => (document.querySelector('.editor-group-container.active .monaco-editor .view-lines')?.textContent ?? '').trim().length > 0,
      undefined,
      { timeout: 60_000 },
    );
    await workbench().screenshot('walkthrough-text-generated');
    await openWalkthrough();
    await step('tryTextGeneration').locator('.codicon.complete').waitFor({ state: 'visible', timeout: 15_000 });
    assert.equal(await isDone('tryTextGeneration'), true);
    assert.equal(await isDone('tryInlineCompletion'), false, 'other steps stay open');
    await workbench().screenshot('walkthrough-step-completed');
  });

  it('completes the VAE steps when the Model Playground runs the VAE demo', async () => {
    const { page } = workbench();
    await openWalkthrough();
    assert.equal(await isDone('variationalAutoencoders'), false);
    await runStepAction('variationalAutoencoders', 'Run the VAE Demo');
    await page.locator('.tabs-container .tab.active', { hasText: 'Model Playground' }).waitFor({ state: 'visible', timeout: 30_000 });
    // The panel opens on the VAE and decodes; moving z1 decodes again (the demo runs on the engine).
    const deadline = Date.now() + 60_000;
    let panel: Frame | undefined;
    while (!panel && Date.now() < deadline) {
      for (const frame of page.frames()) {
        const canvas = frame.locator('#vaeImage');
        if ((await canvas.count().catch(() => 0)) && (await canvasPicture(canvas).catch(() => undefined))) panel = frame;
      }
      if (!panel) await page.waitForTimeout(250);
    }
    assert.ok(panel, 'the playground decoded a VAE image');
    for (let i = 0; i < 5; i++) await panel.locator('#z1').press('ArrowRight');
    await workbench().screenshot('walkthrough-playground-vae');
    // Running the VAE demo completes both steps whose action it is.
    await openWalkthrough();
    await step('variationalAutoencoders').locator('.codicon.complete').waitFor({ state: 'visible', timeout: 15_000 });
    assert.equal(await isDone('latentSpace'), true, 'the latent-space step runs the same demo');
    assert.equal(await isDone('generativeAdversarialNetworks'), false, 'the GAN demo has not run');
    await workbench().screenshot('walkthrough-playground-step-completed');
  });

  it('completes "Try inline completion" only once a suggestion is accepted', async () => {
    const { page } = workbench();
    await openWalkthrough();
    await runStepAction('tryInlineCompletion', 'Try Inline Completion');
    // The action opens an unsaved sample with the cursor inside a function and asks for a suggestion.
    await page.locator('.tabs-container .tab.active', { hasText: /Untitled/ }).waitFor({ state: 'visible', timeout: 15_000 });
    assert.match(await workbench().activeEditorText(), /export function distance/);
    const sampleTab = page.locator('.tabs-container .tab', { hasText: (await page.locator('.tabs-container .tab.active .label-name').innerText()).trim() });
    const ghost = page.locator(GHOST_TEXT).first();
    await ghost.waitFor({ state: 'visible', timeout: 60_000 });
    await workbench().screenshot('walkthrough-completion-suggested');
    await openWalkthrough();
    assert.equal(await isDone('tryInlineCompletion'), false, 'showing a suggestion does not complete the step');
    await sampleTab.click();
    await workbench().runCommand('GenAI Studio: Suggest Completion Now');
    await ghost.waitFor({ state: 'visible', timeout: 60_000 });
    await page.keyboard.press('Tab');
    await openWalkthrough();
    await step('tryInlineCompletion').locator('.codicon.complete').waitFor({ state: 'visible', timeout: 15_000 });
    await workbench().screenshot('walkthrough-completion-accepted');
  });
});
