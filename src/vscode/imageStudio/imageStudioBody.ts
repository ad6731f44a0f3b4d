// The Image Studio's static markup; the page script (src/webviews/imageStudio) fills and drives it.
import { escapeHtml } from '../../core/webview/html';
import { IMAGE_LIMITS, SCHEDULER_CHOICES } from '../../core/imageStudio/messages';

const SIZES = ['32x32', '64x64', '128x128', '256x256', '512x512', '768x768', '1024x1024'];

/** `size` is the configured default; it is offered even when it is not one of the usual sizes. */
export function imageStudioBody(size: string): string {
  const sizes = SIZES.includes(size) ? SIZES : [size, ...SIZES];
  const options = (values: readonly string[]) => values.map((v) => `<vscode-option value="${escapeHtml(v)}">${escapeHtml(v)}</vscode-option>`).join('');
  return `
<main>
  <form id="form" class="form" novalidate>
    <vscode-label for="prompt">Prompt</vscode-label>
    <vscode-textarea id="prompt" rows="3" maxlength="${IMAGE_LIMITS.promptChars}" placeholder="a red circle on a blue background (Ctrl+Enter generates)"></vscode-textarea>
    <vscode-label for="negativePrompt">Negative prompt</vscode-label>
    <vscode-textfield id="negativePrompt" maxlength="${IMAGE_LIMITS.promptChars}" placeholder="what the image should not show"></vscode-textfield>
    <div class="grid">
      <div class="wide">
        <vscode-label for="model">Model</vscode-label>
        <vscode-textfield id="model"></vscode-textfield>
        <vscode-form-helper id="modelHelp">A shipped model name, or the absolute folder of a Stable-Diffusion ONNX export.</vscode-form-helper>
      </div>
      <div><vscode-label for="scheduler">Scheduler</vscode-label><vscode-single-select id="scheduler">${options(SCHEDULER_CHOICES)}</vscode-single-select></div>
      <div><vscode-label for="size">Size</vscode-label><vscode-single-select id="size">${options(sizes)}</vscode-single-select></div>
      <div><vscode-label for="steps">Steps</vscode-label><vscode-textfield id="steps" type="number" min="${IMAGE_LIMITS.steps.min}" max="${IMAGE_LIMITS.steps.max}"></vscode-textfield></div>
      <div><vscode-label for="guidance">Guidance scale</vscode-label><vscode-textfield id="guidance" type="number" min="${IMAGE_LIMITS.guidance.min}" max="${IMAGE_LIMITS.guidance.max}" step="0.5"></vscode-textfield></div>
      <div><vscode-label for="count">Images</vscode-label><vscode-textfield id="count" type="number" min="${IMAGE_LIMITS.count.min}" max="${IMAGE_LIMITS.count.max}" value="1"></vscode-textfield></div>
      <div>
        <vscode-label for="seed">Seed</vscode-label>
        <vscode-textfield id="seed" type="number" min="0" max="${IMAGE_LIMITS.seed.max}" disabled></vscode-textfield>
        <vscode-checkbox id="randomSeed" checked>Random seed</vscode-checkbox>
      </div>
    </div>
    <div class="actions">
      <vscode-button id="generate" icon="sparkle">Generate</vscode-button>
      <vscode-button id="cancel" secondary icon="debug-stop" disabled>Cancel</vscode-button>
    </div>
  </form>
  <div id="error" class="error" role="alert"></div>
  <section class="live" aria-label="Current generation">
    <div id="status" class="muted" role="status" aria-live="polite">Ready.</div>
    <vscode-progress-bar id="progress" max="1" value="0"></vscode-progress-bar>
    <canvas id="preview" class="pixelated" role="img" aria-label="Live preview of the denoising" hidden></canvas>
  </section>
  <section aria-label="Gallery">
    <h2>Gallery <span class="muted">(this session)</span></h2>
    <ul id="gallery" class="gallery"></ul>
  </section>
</main>`;
}
