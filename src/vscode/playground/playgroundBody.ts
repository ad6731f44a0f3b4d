// The Model Playground's static markup: one section per demo; the page script (src/webviews/playground) drives it.
import { DEMO_LIMITS } from '../../core/playground/demoParams';

const range = (id: string, label: string, min: number, max: number, step: number, value: number) =>
  `<label class="range" for="${id}">${label} <output id="${id}Value">${value}</output></label><input id="${id}" type="range" min="${min}" max="${max}" step="${step}" value="${value}">`;

export function playgroundBody(): string {
  return `
<main>
  <nav class="tabs" aria-label="Demos">
    <vscode-button id="tab-vae" secondary>VAE</vscode-button>
    <vscode-button id="tab-gan" secondary>GAN</vscode-button>
    <vscode-button id="tab-diffusion" secondary>Diffusion</vscode-button>
    <vscode-button id="tab-transformer" secondary>Transformer</vscode-button>
  </nav>
  <section id="demo-vae" aria-labelledby="vaeTitle" hidden>
    <h2 id="vaeTitle">Variational autoencoder: a 2-D latent space</h2>
    <p>Move z1 and z2: the decoder turns the point into an image.</p>
    <div class="row">
      <div class="controls">${range('z1', 'z1', -3, 3, 0.1, 0)}${range('z2', 'z2', -3, 3, 0.1, 0)}</div>
      <canvas id="vaeImage" class="pixelated large" role="img" aria-label="The decoded latent point"></canvas>
    </div>
    <h3>Interpolate between two encoded examples</h3>
    <div class="row">
      <div class="controls">
        <vscode-label for="vaeFrom">From</vscode-label><vscode-single-select id="vaeFrom"></vscode-single-select>
        <vscode-label for="vaeTo">To</vscode-label><vscode-single-select id="vaeTo"></vscode-single-select>
        ${range('vaeT', 't', 0, 1, 0.05, 0.5)}
      </div>
      <canvas id="vaeInterpolated" class="pixelated large" role="img" aria-label="The decoded interpolation"></canvas>
    </div>
    <h3>Sample from the prior N(0, I)</h3>
    <vscode-button id="vaeSample">Sample</vscode-button>
    <ul id="vaeSamples" class="images" aria-label="Prior samples"></ul>
  </section>
  <section id="demo-gan" aria-labelledby="ganTitle" hidden>
    <h2 id="ganTitle">Generative adversarial network: generator and discriminator</h2>
    <p>The generator turns fresh noise into images; the discriminator scores how real each image looks (0 to 1).</p>
    <vscode-button id="ganGenerate">Generate</vscode-button>
    <h3>Generated</h3><ul id="ganGenerated" class="images" aria-label="Generated images and scores"></ul>
    <h3>Real examples</h3><ul id="ganReal" class="images" aria-label="Real images and scores"></ul>
    <h3>Uniform noise</h3><ul id="ganNoise" class="images" aria-label="Noise images and scores"></ul>
  </section>
  <section id="demo-diffusion" aria-labelledby="diffusionTitle" hidden>
    <h2 id="diffusionTitle">Diffusion: forward noising and learned denoising</h2>
    <label for="diffusionPrompt">Prompt</label>
    <vscode-textfield id="diffusionPrompt" maxlength="${DEMO_LIMITS.promptChars}" value="large red circle on a blue background"></vscode-textfield>
    <label for="diffusionSteps">Steps</label>
    <vscode-textfield id="diffusionSteps" type="number" min="${DEMO_LIMITS.steps.min}" max="${DEMO_LIMITS.steps.max}" value="10"></vscode-textfield>
    <vscode-button id="diffusionRun">Run</vscode-button>
    <div id="diffusionView" hidden>
      ${range('diffusionStep', 'Step', 0, 10, 1, 0)}
      <p id="diffusionLabel" aria-live="polite"></p>
      <div class="row">
        <figure><canvas id="diffusionReverse" class="pixelated large" role="img" aria-label="Reverse process at this step"></canvas><figcaption>Reverse: denoising from noise</figcaption></figure>
        <figure><canvas id="diffusionForward" class="pixelated large" role="img" aria-label="Forward process at this step"></canvas><figcaption>Forward: the result noised again</figcaption></figure>
      </div>
    </div>
  </section>
  <section id="demo-transformer" aria-labelledby="transformerTitle" hidden>
    <h2 id="transformerTitle">Transformer: next-token probabilities</h2>
    <label for="tokenPrompt">Prompt</label>
    <vscode-textarea id="tokenPrompt" rows="4" maxlength="${DEMO_LIMITS.promptChars}" value="def add(a, b):&#10;    return"></vscode-textarea>
    ${range('temperature', 'Temperature', DEMO_LIMITS.temperature.min, 2, 0.05, 1)}
    <div class="actions">
      <vscode-button id="tokenShow">Show probabilities</vscode-button>
      <vscode-button id="tokenNext" secondary>Next token</vscode-button>
    </div>
    <ol id="tokenBars" class="bars" aria-label="Most probable next tokens"></ol>
  </section>
  <p id="status" role="status" aria-live="polite"></p>
  <p id="error" class="error" role="alert" hidden></p>
</main>`;
}
