// The Image Studio page: reads the form, asks the extension to generate, shows the denoising live and
// keeps a gallery of this session's images. It only posts messages the extension validates again.
import type { GalleryImage, HostMessage, ImageRequest, ImageStudioState, PanelMessage, SchedulerChoice } from '../../core/imageStudio/messages';
import type { RejectedMessage } from '../../core/webview/messageSchema';
import { byId, connectToHost } from '../shared/host';
import { drawRgb, rgbCanvas } from '../shared/rgbCanvas';

type Field = HTMLElement & { value: string; disabled: boolean };
type Checkbox = HTMLElement & { checked: boolean };
type ProgressBar = HTMLElement & { value: number; max: number };

const host = connectToHost<PanelMessage, HostMessage | RejectedMessage>();
const field = (id: string) => byId<Field>(id);
const [prompt, negativePrompt, model, scheduler, size, steps, guidance, count, seed] = [
  'prompt', 'negativePrompt', 'model', 'scheduler', 'size', 'steps', 'guidance', 'count', 'seed',
].map(field);
const randomSeed = byId<Checkbox>('randomSeed');
const generateButton = field('generate');
const cancelButton = field('cancel');
const status = byId('status');
const errorBox = byId('error');
const progress = byId<ProgressBar>('progress');
const preview = byId<HTMLCanvasElement>('preview');
const gallery = byId<HTMLUListElement>('gallery');
/** A generate was posted and not yet started: a rejection of it must re-enable Generate. */
let awaitingStart = false;

/** Selects a size, adding it to the list when a setting names one the list lacks. */
function selectSize(width: number, height: number): void {
  const value = `${width}x${height}`;
  if (!Array.from(size.querySelectorAll('vscode-option')).some((option) => option.getAttribute('value') === value)) {
    const option = document.createElement('vscode-option');
    option.setAttribute('value', value);
    option.textContent = value;
    size.prepend(option);
  }
  size.value = value;
}

/** The fields a request and the settings' defaults share. */
function applyDefaults(defaults: Pick<ImageRequest, 'model' | 'scheduler' | 'width' | 'height' | 'steps' | 'guidance' | 'count'>): void {
  model.value = defaults.model;
  scheduler.value = defaults.scheduler;
  selectSize(defaults.width, defaults.height);
  steps.value = String(defaults.steps);
  guidance.value = String(defaults.guidance);
  count.value = String(defaults.count);
}

/** Numbers are sent as typed; the extension's validation explains anything out of range. */
function readForm(): ImageRequest {
  const [width, height] = size.value.split('x').map(Number);
  return {
    prompt: prompt.value.trim(),
    negativePrompt: negativePrompt.value.trim(),
    model: model.value.trim(),
    steps: Number(steps.value),
    guidance: Number(guidance.value),
    seed: randomSeed.checked ? undefined : Number(seed.value),
    width,
    height,
    scheduler: scheduler.value as SchedulerChoice,
    count: Number(count.value),
  };
}

function fillForm(request: ImageRequest): void {
  prompt.value = request.prompt;
  negativePrompt.value = request.negativePrompt;
  applyDefaults(request);
  randomSeed.checked = request.seed === undefined;
  if (request.seed !== undefined) seed.value = String(request.seed);
  seed.disabled = randomSeed.checked;
}

function setBusy(busy: boolean): void {
  generateButton.disabled = busy;
  cancelButton.disabled = !busy;
}

function showError(message: string): void {
  errorBox.textContent = message;
}

function generate(): void {
  showError('');
  const request = readForm();
  if (!request.prompt) {
    showError('Type a prompt first: describe the image (for example "a red circle on a blue background").');
    prompt.focus();
    return;
  }
  if (request.seed !== undefined && !seed.value.trim()) {
    showError('Type a seed (a whole number from 0 to 4294967295) or tick Random seed.');
    seed.focus();
    return;
  }
  setBusy(true);
  status.textContent = 'Starting...';
  progress.value = 0;
  awaitingStart = true;
  host.post({ type: 'generate', request });
}

function describe(image: GalleryImage): string {
  const p = image.params;
  return `seed ${p.seed} · ${p.steps} steps · guidance ${p.guidance} · ${p.scheduler} · ${p.width}x${p.height} · ${p.model} · ${image.device}, ${Math.round(image.totalMs)} ms`;
}

function addToGallery(image: GalleryImage): void {
  const item = document.createElement('li');
  item.className = 'card';
  item.dataset.id = image.id;
  const picture = rgbCanvas(image, image.params.prompt);
  const caption = document.createElement('div');
  const title = document.createElement('strong');
  title.textContent = image.params.prompt;
  const details = document.createElement('div');
  details.className = 'muted params';
  details.textContent = describe(image);
  if (image.params.negativePrompt) details.textContent += ` · not: ${image.params.negativePrompt}`;
  caption.append(title, details);
  const buttons = document.createElement('div');
  buttons.className = 'actions';
  const button = (label: string, icon: string, onClick: () => void) => {
    const b = document.createElement('vscode-button');
    b.setAttribute('secondary', '');
    b.setAttribute('icon', icon);
    b.textContent = label;
    b.addEventListener('click', onClick);
    return b;
  };
  buttons.append(
    button('Save', 'save', () => host.post({ type: 'save', id: image.id })),
    button('Copy Prompt', 'copy', () => host.post({ type: 'copyPrompt', id: image.id })),
    button('Reuse', 'debug-restart', () => fillForm({ ...image.params, seed: image.params.seed, count: 1 })),
  );
  item.append(picture, caption, buttons);
  gallery.prepend(item);
}

host.onMessage((message) => {
  switch (message.type) {
    case 'defaults':
      applyDefaults(message.request);
      break;
    case 'start':
      // The command already started this generation: show it, do not ask again.
      fillForm(message.request);
      showError('');
      setBusy(true);
      status.textContent = 'Starting...';
      break;
    case 'started':
      awaitingStart = false;
      status.textContent = 'Loading the model...';
      break;
    case 'progress': {
      const done = message.image * message.steps + message.step;
      progress.max = message.steps * message.count;
      progress.value = done;
      status.textContent = `Step ${message.step}/${message.steps}${message.count > 1 ? ` · image ${message.image + 1}/${message.count}` : ''}`;
      if (message.preview) {
        drawRgb(preview, message.preview);
        preview.hidden = false;
      }
      break;
    }
    case 'images':
      for (const image of message.images) addToGallery(image);
      if (message.images.length) {
        drawRgb(preview, message.images[message.images.length - 1]);
        preview.hidden = false;
        // The seed is always shown, so a random result can be reproduced.
        seed.value = String(message.images[0].params.seed);
      }
      break;
    case 'dropped':
      for (const id of message.ids) gallery.querySelector(`li[data-id="${CSS.escape(id)}"]`)?.remove();
      break;
    case 'finished':
      setBusy(false);
      // Progress is paced, so a fast generation may send its result without a message for the last step.
      if (message.finishReason === 'done') progress.value = progress.max;
      status.textContent = { done: 'Done.', cancelled: 'Cancelled.', failed: 'Failed.' }[message.finishReason];
      break;
    case 'error':
      showError(message.message);
      break;
    case 'rejected':
      if (awaitingStart) {
        setBusy(false);
        status.textContent = 'Not started: correct the form and press Generate.';
        progress.value = 0;
      }
      awaitingStart = false;
      showError(`Not accepted: ${message.reason.replace(/^message\.(request\.)?/, '')}`);
      break;
    case 'notice':
      status.textContent = message.message;
      break;
    case 'models':
      if (message.shipped.length) byId('modelHelp').textContent = `Shipped: ${message.shipped.join(', ')}; or the folder of a Stable-Diffusion ONNX export.`;
      break;
  }
});

generateButton.addEventListener('click', generate);
cancelButton.addEventListener('click', () => {
  status.textContent = 'Cancelling...';
  host.post({ type: 'cancel' });
});
randomSeed.addEventListener('change', () => {
  seed.disabled = randomSeed.checked;
});
byId('form').addEventListener('keydown', (event) => {
  if (event.key === 'Enter' && (event.ctrlKey || event.metaKey) && !generateButton.disabled) {
    event.preventDefault();
    generate();
  }
});

const state = host.initialState<ImageStudioState>();
applyDefaults(state.defaults);
for (const image of state.gallery) addToGallery(image);
host.post({ type: 'ready' });
