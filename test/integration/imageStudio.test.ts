// The Image Studio in a real VS Code: the command opens the panel (one, reused) and a generation with
// the shipped genai-image-tiny completes through the engine; a bad model is a clear error and the
// panel keeps working.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { rgbPixels } from '../../src/core/image/rgbImage';
import type { ImageRun } from '../../src/vscode/imageStudio/imageGeneration';
import { webviewTabs, whenTabs } from './webviewTabs';
import type { GenAIStudioApi } from '../../src/vscode/container';

const EXTENSION_ID = 'genai-studio.genai-studio';

const imageStudioTabs = () => webviewTabs('genaiStudio.imageStudio');

function succeeded(run: ImageRun | undefined): Extract<ImageRun, { result: unknown }> {
  assert.ok(run, 'the command returns its run');
  assert.ok(!('error' in run), `the generation failed: ${'error' in run ? run.error : ''}`);
  return run;
}

describe('Image Studio', () => {
  before(async () => {
    await vscode.extensions.getExtension(EXTENSION_ID)!.activate();
  });
  after(async () => {
    const config = vscode.workspace.getConfiguration('genaiStudio.image');
    for (const key of ['model', 'steps', 'scheduler']) await config.update(key, undefined, vscode.ConfigurationTarget.Global);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('Generate Image opens the panel and a generation completes', async () => {
    const run = succeeded(await vscode.commands.executeCommand<ImageRun>('genaiStudio.generateImage', { prompt: 'a red circle on a blue background', seed: 42 }));
    await whenTabs(() => imageStudioTabs().length > 0);
    assert.equal(imageStudioTabs().length, 1, 'one Image Studio panel is open');
    assert.equal(run.result.finishReason, 'done');
    assert.equal(run.result.params.seed, 42);
    assert.equal(run.result.params.model, 'genai-image-tiny');
    assert.equal(run.images.length, 1);
    const [image] = run.images;
    assert.deepEqual([image.width, image.height], [32, 32]);
    assert.equal(image.params.prompt, 'a red circle on a blue background');
    assert.deepEqual([image.width, image.height], [32, 32]);
    assert.ok(new Set(rgbPixels(image)).size > 2, 'the image is not a flat colour');
    // The engine's status notifications for the image model came before its answer.
    const status = vscode.extensions.getExtension<GenAIStudioApi>(EXTENSION_ID)!.exports.status();
    assert.doesNotMatch(status.text, /genai-image-tiny/, 'the status bar follows the completion model, not the last model used');
  });

  it('reuses the open panel, and the same seed gives the same image', async () => {
    const first = succeeded(await vscode.commands.executeCommand<ImageRun>('genaiStudio.generateImage', { prompt: 'a green square on a white background', seed: 7 }));
    const second = succeeded(await vscode.commands.executeCommand<ImageRun>('genaiStudio.generateImage', { prompt: 'a green square on a white background', seed: 7 }));
    await whenTabs(() => imageStudioTabs().length > 0);
    assert.equal(imageStudioTabs().length, 1, 'still one Image Studio panel');
    assert.equal(second.images[0].rgbBase64, first.images[0].rgbBase64);
    assert.notEqual(second.images[0].id, first.images[0].id, 'each image gets its own gallery entry');
  });

  it('uses the image settings of the moment, without a reload', async () => {
    const config = vscode.workspace.getConfiguration('genaiStudio.image');
    await config.update('steps', 5, vscode.ConfigurationTarget.Global);
    await config.update('scheduler', 'euler', vscode.ConfigurationTarget.Global);
    try {
      const run = succeeded(await vscode.commands.executeCommand<ImageRun>('genaiStudio.generateImage', { prompt: 'a red circle', seed: 3 }));
      assert.equal(run.result.params.steps, 5);
      assert.equal(run.result.params.scheduler, 'euler');
    } finally {
      await config.update('steps', undefined, vscode.ConfigurationTarget.Global);
      await config.update('scheduler', undefined, vscode.ConfigurationTarget.Global);
    }
  });

  it('a model that does not exist is a clear error, and the panel stays usable', async () => {
    const config = vscode.workspace.getConfiguration('genaiStudio.image');
    await config.update('model', '/nonexistent/image-model', vscode.ConfigurationTarget.Global);
    const failed = await vscode.commands.executeCommand<ImageRun>('genaiStudio.generateImage', { prompt: 'a red circle' });
    assert.ok(failed && 'error' in failed, 'the run reports an error');
    assert.match(failed.error, /nonexistent/);
    await config.update('model', undefined, vscode.ConfigurationTarget.Global);
    const run = succeeded(await vscode.commands.executeCommand<ImageRun>('genaiStudio.generateImage', { prompt: 'a red circle', seed: 1 }));
    assert.equal(run.result.finishReason, 'done');
    await whenTabs(() => imageStudioTabs().length > 0);
    assert.equal(imageStudioTabs().length, 1);
  });
});
