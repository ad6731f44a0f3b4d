// End-to-end: the Model Playground in the real workbench. Opened from the palette, each demo runs on
// the shipped models through the engine and shows its result; a screenshot of each goes to test-results/.
import * as assert from 'node:assert/strict';
import type { FrameLocator } from 'playwright-core';
import { canvasPicture, useWorkbench } from './harness';

describe('Model Playground (e2e)', function () {
  this.timeout(240_000);
  const workbench = useWorkbench();
  const panel = (): FrameLocator => workbench().page.frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame');
  const done = () => panel().locator('#status', { hasText: /Done in \d+ ms/ });
  const picture = (selector: string) => canvasPicture(panel().locator(selector));
  /** Waits until the canvas shows a picture other than `than` (any picture when undefined). */
  const pictureChange = async (selector: string, than?: string) => {
    for (let tries = 0; tries < 300; tries++) {
      const now = await picture(selector);
      if (now !== undefined && now !== than) return now;
      await workbench().page.waitForTimeout(100);
    }
    return than;
  };

  it('opens from the palette on the VAE: moving z1 with the keyboard decodes a different image', async () => {
    const { page } = workbench();
    await workbench().runCommand('GenAI Studio: Open Model Playground');
    await page.locator('.tabs-container .tab', { hasText: 'Model Playground' }).waitFor({ state: 'visible', timeout: 30_000 });
    // The examples are encoded on open; both selects fill and the first decode arrives.
    await panel().locator('#vaeFrom vscode-option').first().waitFor({ state: 'attached', timeout: 60_000 });
    const before = await pictureChange('#vaeImage');
    assert.ok(before, 'the first decode is drawn');
    await panel().locator('#z1').focus();
    for (let i = 0; i < 15; i++) await panel().locator('#z1').press('ArrowRight');
    assert.equal(await panel().locator('#z1Value').innerText(), '1.5');
    assert.notEqual(await pictureChange('#vaeImage', before), before, 'the decoded image follows z1');
    // Interpolation: t = 0 decodes the first example's encoding, t = 1 the second's.
    const middle = await pictureChange('#vaeInterpolated');
    assert.ok(middle, 'the interpolation is drawn');
    await panel().locator('#vaeT').fill('1');
    assert.notEqual(await pictureChange('#vaeInterpolated', middle), middle, `the interpolation follows t (${await panel().locator('#error').innerText()})`);
    await panel().locator('#vaeSample').click();
    await panel().locator('#vaeSamples li canvas').nth(3).waitFor({ state: 'visible', timeout: 30_000 });
    await workbench().screenshot('playground-vae');
  });

  it('GAN: generates samples and shows the discriminator scores of generated, real and noise images', async () => {
    await panel().locator('#tab-gan').click();
    await panel().locator('#ganGenerate').click();
    await panel().locator('#ganNoise li').nth(3).waitFor({ state: 'visible', timeout: 60_000 });
    for (const list of ['#ganGenerated', '#ganReal', '#ganNoise']) assert.match(await panel().locator(list).innerText(), /score 0\.\d{3}|score 1\.000/);
    await workbench().screenshot('playground-gan');
  });

  it('diffusion: the step slider scrubs reverse and forward x_t from noise to the image', async () => {
    await panel().locator('#tab-diffusion').click();
    await panel().locator('#diffusionSteps input').fill('6');
    await panel().locator('#diffusionRun').click();
    await panel().locator('#diffusionView').waitFor({ state: 'visible', timeout: 120_000 });
    assert.match(await panel().locator('#diffusionLabel').innerText(), /Step 0 of 6: t = \d+/);
    const noisy = await picture('#diffusionReverse');
    assert.ok(noisy, 'step 0 is drawn');
    await panel().locator('#diffusionStep').fill('6');
    assert.match(await panel().locator('#diffusionLabel').innerText(), /Step 6 of 6: the final image/);
    assert.notEqual(await picture('#diffusionReverse'), noisy);
    assert.equal(await picture('#diffusionReverse'), await picture('#diffusionForward'), 'both directions end at the same image');
    await panel().locator('#diffusionStep').fill('3');
    await workbench().screenshot('playground-diffusion');
  });

  it('diffusion: bad input gets a clear error in the panel, which keeps working', async () => {
    await panel().locator('#diffusionSteps input').fill('500');
    await panel().locator('#diffusionRun').click();
    await panel().locator('#error', { hasText: /message\.steps must be between 1 and 50, got 500/ }).waitFor({ state: 'visible', timeout: 15_000 });
    await panel().locator('#diffusionPrompt input').fill('  ');
    await panel().locator('#diffusionRun').click();
    await panel().locator('#error', { hasText: /The prompt is empty/ }).waitFor({ state: 'visible', timeout: 15_000 });
    await workbench().screenshot('playground-diffusion-error');
    await panel().locator('#diffusionPrompt input').fill('small yellow star');
    await panel().locator('#diffusionSteps input').fill('4');
    await panel().locator('#diffusionRun').click();
    await panel().locator('#diffusionLabel', { hasText: /of 4/ }).waitFor({ state: 'visible', timeout: 60_000 });
    assert.ok(await panel().locator('#error').isHidden());
  });

  it('transformer: bars for the next token, and Next token appends a sampled token', async () => {
    await panel().locator('#tab-transformer').click();
    await panel().locator('#tokenShow').click();
    await panel().locator('#tokenBars li').nth(10).waitFor({ state: 'visible', timeout: 60_000 });
    assert.match(await panel().locator('#tokenBars li').last().innerText(), /all other tokens/);
    const prompt = await panel().locator('#tokenPrompt textarea').inputValue();
    await panel().locator('#tokenNext').click();
    for (let tries = 0; tries < 100 && (await panel().locator('#tokenPrompt textarea').inputValue()) === prompt; tries++) await workbench().page.waitForTimeout(100);
    const longer = await panel().locator('#tokenPrompt textarea').inputValue();
    assert.ok(longer.startsWith(prompt) && longer.length > prompt.length, `the prompt grew: ${JSON.stringify(longer)}`);
    await done().waitFor({ state: 'visible', timeout: 30_000 });
    await workbench().screenshot('playground-transformer');
  });
});
