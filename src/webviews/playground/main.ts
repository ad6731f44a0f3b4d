// The Model Playground page: four demo sections; every control posts a message the extension validates
// and runs on the engine; results and errors come back as typed messages.
import type { HostMessage, PanelMessage, PlaygroundState } from '../../core/playground/playgroundMessages';
import type { RejectedMessage } from '../../core/webview/messageSchema';
import type { DemoName, RgbImage, ScoredImage } from '../../protocol';
import { byId, connectToHost } from '../shared/host';
import { drawRgb, rgbCanvas } from '../shared/rgbCanvas';

type Field = HTMLElement & { value: string };
const DEMOS: DemoName[] = ['vae', 'gan', 'diffusion', 'transformer'];
const host = connectToHost<PanelMessage, HostMessage | RejectedMessage>();
const status = byId('status');
const errorBox = byId('error');
const range = (id: string) => byId<HTMLInputElement>(id);
let seed = 1;

function showError(message: string): void {
  errorBox.textContent = message;
  errorBox.hidden = false;
}

function send(message: PanelMessage, what: string): void {
  errorBox.hidden = true;
  status.textContent = `${what}…`;
  host.post(message);
}

function show(demo: DemoName): void {
  for (const name of DEMOS) {
    byId(`demo-${name}`).hidden = name !== demo;
    byId(`tab-${name}`).setAttribute('aria-pressed', String(name === demo));
  }
  if (demo === 'vae' && !byId('vaeFrom').querySelector('vscode-option')) send({ type: 'vaeExamples' }, 'Encoding the examples');
}

for (const name of DEMOS) byId(`tab-${name}`).addEventListener('click', () => show(name));

/** Sliders post only the latest value, one request at a time, so dragging never queues up work. */
function latestOnly(post: () => void): { trigger(): void; done(): void } {
  let busy = false;
  let again = false;
  return {
    trigger() {
      if (busy) again = true;
      else {
        busy = true;
        post();
      }
    },
    done() {
      busy = false;
      if (again) {
        again = false;
        this.trigger();
      }
    },
  };
}

function bindOutput(id: string): void {
  const input = range(id);
  input.addEventListener('input', () => (byId(`${id}Value`).textContent = input.value));
}
['z1', 'z2', 'vaeT', 'temperature', 'diffusionStep'].forEach(bindOutput);

// VAE
const decode = latestOnly(() => send({ type: 'vaeDecode', z1: Number(range('z1').value), z2: Number(range('z2').value) }, 'Decoding'));
/** The examples to interpolate between (the selects' values lag their options while they render). */
const pair = { from: '', to: '' };
const interpolate = latestOnly(() => send({ type: 'vaeInterpolate', ...pair, t: Number(range('vaeT').value) }, 'Interpolating'));
range('z1').addEventListener('input', () => decode.trigger());
range('z2').addEventListener('input', () => decode.trigger());
range('vaeT').addEventListener('input', () => interpolate.trigger());
for (const end of ['from', 'to'] as const) {
  const select = byId<Field>(end === 'from' ? 'vaeFrom' : 'vaeTo');
  select.addEventListener('change', () => {
    pair[end] = select.value;
    interpolate.trigger();
  });
}
byId('vaeSample').addEventListener('click', () => send({ type: 'vaeSample', seed: seed++ }, 'Sampling the prior'));

function fillImages(listId: string, images: { image: RgbImage; caption: string }[]): void {
  const list = byId<HTMLUListElement>(listId);
  list.replaceChildren(
    ...images.map(({ image, caption }) => {
      const item = document.createElement('li');
      const text = document.createElement('span');
      text.textContent = caption;
      item.append(rgbCanvas(image, caption), text);
      return item;
    }),
  );
}

// GAN
byId('ganGenerate').addEventListener('click', () => send({ type: 'gan', seed: seed++ }, 'Generating'));
const scored = (images: ScoredImage[]) => images.map((s) => ({ image: s.image, caption: `score ${s.score.toFixed(3)}` }));

// Diffusion
let diffusion: Extract<HostMessage, { type: 'diffusion' }>['result'] | undefined;
byId('diffusionRun').addEventListener('click', () => {
  const prompt = byId<Field>('diffusionPrompt').value.trim();
  if (!prompt) return showError('The prompt is empty: describe the image, e.g. "large red circle on a blue background".');
  send({ type: 'diffusion', prompt, seed: seed++, steps: Number(byId<Field>('diffusionSteps').value) }, 'Denoising');
});
function showDiffusionStep(): void {
  if (!diffusion) return;
  const i = Number(range('diffusionStep').value);
  const n = diffusion.timesteps.length;
  const done = i >= n;
  drawRgb(byId<HTMLCanvasElement>('diffusionReverse'), done ? diffusion.image : diffusion.reverse[i]);
  drawRgb(byId<HTMLCanvasElement>('diffusionForward'), done ? diffusion.image : diffusion.forward[i]);
  byId('diffusionLabel').textContent = done
    ? `Step ${n} of ${n}: the final image x0`
    : `Step ${i} of ${n}: t = ${diffusion.timesteps[i]}, signal sqrt(acp) = ${Math.sqrt(diffusion.alphasCumprod[i]).toFixed(3)}, noise sqrt(1 - acp) = ${Math.sqrt(1 - diffusion.alphasCumprod[i]).toFixed(3)}`;
}
range('diffusionStep').addEventListener('input', showDiffusionStep);

// Transformer
const tokenPrompt = byId<Field>('tokenPrompt');
let appendNext = false;
function askNextToken(append: boolean): void {
  if (!tokenPrompt.value) return showError('The prompt is empty: type some code for the model to continue.');
  appendNext = append;
  send({ type: 'nextToken', prompt: tokenPrompt.value, temperature: Number(range('temperature').value), seed: seed++ }, 'Predicting the next token');
}
byId('tokenShow').addEventListener('click', () => askNextToken(false));
byId('tokenNext').addEventListener('click', () => askNextToken(true));
range('temperature').addEventListener('change', () => askNextToken(false));

function showBars(result: Extract<HostMessage, { type: 'nextToken' }>['result']): void {
  const rows = [...result.top.map((t) => ({ label: JSON.stringify(t.text), p: t.probability })), { label: 'all other tokens', p: result.other }];
  byId('tokenBars').replaceChildren(
    ...rows.map(({ label, p }) => {
      const item = document.createElement('li');
      const code = document.createElement('code');
      code.textContent = label;
      const meter = document.createElement('meter');
      meter.min = 0;
      meter.max = 1;
      meter.value = p;
      meter.setAttribute('aria-label', label);
      const value = document.createElement('span');
      value.textContent = `${(100 * p).toFixed(1)}%`;
      item.append(code, meter, value);
      return item;
    }),
  );
}

/** A failed request: say why, and let the sliders send again. */
function fail(text: string): void {
  status.textContent = '';
  showError(text);
  decode.done();
  interpolate.done();
}

host.onMessage((message) => {
  switch (message.type) {
    case 'show':
      show(message.demo);
      return;
    case 'rejected':
      fail(`The extension refused that request: ${message.reason}`);
      return;
    case 'error':
      fail(`The ${message.demo} demo failed: ${message.message}`);
      return;
  }
  status.textContent = `Done in ${Math.round(message.result.ms)} ms.`;
  switch (message.type) {
    case 'vae': {
      const { result } = message;
      if (message.request === 'decode') {
        drawRgb(byId<HTMLCanvasElement>('vaeImage'), result.images[0]);
        decode.done();
      } else if (message.request === 'interpolate') {
        drawRgb(byId<HTMLCanvasElement>('vaeInterpolated'), result.images[0]);
        interpolate.done();
      } else if (message.request === 'sample') {
        fillImages('vaeSamples', result.images.map((image, i) => ({ image, caption: `z = (${result.latents[i].map((v) => v.toFixed(2)).join(', ')})` })));
      } else {
        const names = (result.examples ?? []).map((e) => e.name);
        [pair.from, pair.to] = [names[0], names[1]];
        for (const [id, selected] of [['vaeFrom', 0], ['vaeTo', 1]] as const) {
          const select = byId<Field>(id);
          select.replaceChildren(
            ...names.map((name, i) => {
              const option = document.createElement('vscode-option');
              option.setAttribute('value', name);
              option.toggleAttribute('selected', i === selected);
              option.textContent = name;
              return option;
            }),
          );
        }
        decode.trigger();
        interpolate.trigger();
      }
      return;
    }
    case 'gan':
      fillImages('ganGenerated', scored(message.result.generated));
      fillImages('ganReal', scored(message.result.real));
      fillImages('ganNoise', scored(message.result.noise));
      return;
    case 'diffusion':
      diffusion = message.result;
      range('diffusionStep').max = String(diffusion.timesteps.length);
      range('diffusionStep').value = '0';
      byId('diffusionStepValue').textContent = '0';
      byId('diffusionView').hidden = false;
      showDiffusionStep();
      return;
    case 'nextToken':
      if (appendNext && tokenPrompt.value === message.prompt) {
        tokenPrompt.value = message.prompt + message.result.sampled.text;
        appendNext = false;
        askNextToken(false);
        return;
      }
      showBars(message.result);
      return;
  }
});

host.post({ type: 'ready' });
show(host.initialState<PlaygroundState>().demo);
