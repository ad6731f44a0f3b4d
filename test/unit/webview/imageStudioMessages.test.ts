import * as assert from 'node:assert/strict';
import { IMAGE_DEFAULTS, imageDefaults } from '../../../src/core/imageStudio/imageDefaults';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { IMAGE_LIMITS, parseSize, pngMetadata, SCHEDULER_CHOICES, validatePanelMessage, type ImageRequest } from '../../../src/core/imageStudio/messages';

const request: ImageRequest = {
  prompt: 'a red circle on a blue background',
  negativePrompt: '',
  model: 'genai-image-tiny',
  steps: 20,
  guidance: 7.5,
  width: 32,
  height: 32,
  scheduler: 'auto',
  count: 1,
};

function rejected(message: unknown): string {
  const checked = validatePanelMessage(message);
  assert.equal(checked.ok, false, `expected ${JSON.stringify(message)} to be rejected`);
  return checked.ok ? '' : checked.reason;
}

describe('Image Studio panel messages', () => {
  it('accepts every well-formed message and returns exactly its fields', () => {
    for (const message of [{ type: 'ready' }, { type: 'cancel' }, { type: 'save', id: 'img-1' }, { type: 'copyPrompt', id: 'img-1' }]) {
      assert.deepEqual(validatePanelMessage(message), { ok: true, value: message });
    }
    const generate = validatePanelMessage({ type: 'generate', request });
    assert.deepEqual(generate, { ok: true, value: { type: 'generate', request } });
    const seeded = validatePanelMessage({ type: 'generate', request: { ...request, seed: 4294967295, scheduler: 'euler-ancestral', count: 16 } });
    assert.ok(seeded.ok && seeded.value.type === 'generate' && seeded.value.request.seed === 4294967295);
  });

  it('rejects what is not a message at all', () => {
    for (const value of [null, undefined, 42, 'generate', [], [{ type: 'ready' }]]) assert.match(rejected(value), /message must be an object/);
  });

  it('rejects unknown or missing types, naming the known ones', () => {
    assert.match(rejected({ type: 'deleteEverything' }), /message\.type must be one of ready, generate, cancel, save, copyPrompt, got a string/);
    assert.match(rejected({}), /message\.type must be one of/);
    assert.match(rejected({ type: 7 }), /message\.type must be one of .* got number 7/);
    assert.match(rejected({ type: '__proto__' }), /message\.type must be one of/);
  });

  it('rejects wrong types field by field, naming the field', () => {
    assert.match(rejected({ type: 'generate', request: { ...request, steps: '20' } }), /message\.request\.steps must be an integer, got a string/);
    assert.match(rejected({ type: 'generate', request: { ...request, steps: 2.5 } }), /steps must be an integer/);
    assert.match(rejected({ type: 'generate', request: { ...request, guidance: Number.NaN } }), /guidance must be a finite number/);
    assert.match(rejected({ type: 'generate', request: { ...request, prompt: 5 } }), /prompt must be a string/);
    assert.match(rejected({ type: 'generate', request: { ...request, scheduler: 'pndm' } }), /scheduler must be one of auto, ddim, euler, euler-ancestral, lcm/);
    assert.match(rejected({ type: 'save', id: 3 }), /message\.id must be a string/);
    assert.match(rejected({ type: 'generate', request: 'a cat' }), /message\.request must be an object, got a string/);
    assert.match(rejected({ type: 'generate' }), /message\.request must be an object, got undefined/);
  });

  it('rejects values out of range', () => {
    assert.match(rejected({ type: 'generate', request: { ...request, steps: 0 } }), /steps must be between 1 and 150, got 0/);
    assert.match(rejected({ type: 'generate', request: { ...request, steps: 10000 } }), /steps must be between 1 and 150, got 10000/);
    assert.match(rejected({ type: 'generate', request: { ...request, guidance: -1 } }), /guidance must be between 0 and 30/);
    assert.match(rejected({ type: 'generate', request: { ...request, seed: -1 } }), /seed must be between 0 and 4294967295/);
    assert.match(rejected({ type: 'generate', request: { ...request, width: 4096 } }), /width must be between 8 and 2048/);
    assert.match(rejected({ type: 'generate', request: { ...request, count: 17 } }), /count must be between 1 and 16/);
    assert.match(rejected({ type: 'generate', request: { ...request, prompt: '' } }), /prompt must have at least 1 characters/);
    assert.match(rejected({ type: 'generate', request: { ...request, prompt: 'x'.repeat(2001) } }), /prompt must have at most 2000 characters, got 2001/);
    assert.match(rejected({ type: 'save', id: 'x'.repeat(65) } ), /id must have at most 64/);
  });

  it('rejects extra fields and extra nesting instead of ignoring them', () => {
    assert.match(rejected({ type: 'cancel', force: true }), /message has unknown field force/);
    assert.match(rejected({ type: 'generate', request, extra: { nested: { deeper: 1 } } }), /message has unknown field extra/);
    assert.match(rejected({ type: 'generate', request: { ...request, options: { steps: 5 } } }), /message\.request has unknown field options/);
    assert.match(rejected({ type: 'generate', request: { ...request, steps: { value: 20 } } }), /steps must be an integer, got object/);
    assert.match(rejected({ type: 'generate', request: { ...request, prompt: ['a', 'b'] } }), /prompt must be a string, got an array/);
  });
});

describe('Image Studio settings and metadata', () => {
  it('parses sizes like 32x32 and refuses the rest', () => {
    assert.deepEqual(parseSize('32x32'), { width: 32, height: 32 });
    assert.deepEqual(parseSize(' 64 X 128 '), { width: 64, height: 128 });
    for (const bad of ['', '32', '32x', 'x32', '4x4', '4096x4096', '32x32x3', '-32x32']) assert.equal(parseSize(bad), undefined, bad);
  });

  it('writes every parameter needed to reproduce an image', () => {
    const text = pngMetadata({ model: 'm', prompt: 'p', negativePrompt: 'n', steps: 4, guidance: 1.5, seed: 7, width: 32, height: 16, scheduler: 'lcm', count: 2 });
    assert.deepEqual(text, { prompt: 'p', negative_prompt: 'n', seed: '7', steps: '4', guidance: '1.5', scheduler: 'lcm', size: '32x16', model: 'm', Software: 'GenAI Studio' });
  });
});

describe('Image Studio defaults from settings', () => {
  it('uses the settings when they are valid', () => {
    assert.deepEqual(imageDefaults({ model: ' /models/sd-turbo ', steps: 4, guidance: 0, scheduler: 'euler', size: '512x512' }), {
      model: '/models/sd-turbo', steps: 4, guidance: 0, scheduler: 'euler', width: 512, height: 512, count: 1,
    });
  });

  it('falls back or clamps when a setting is unusable', () => {
    assert.deepEqual(imageDefaults({}), IMAGE_DEFAULTS);
    assert.deepEqual(imageDefaults({ model: '', steps: 0, guidance: 99, scheduler: 'pndm', size: 'big' }), { ...IMAGE_DEFAULTS, steps: 1, guidance: 30 });
    assert.equal(imageDefaults({ steps: 10000 }).steps, 150);
    assert.equal(imageDefaults({ steps: '20' }).steps, IMAGE_DEFAULTS.steps);
    assert.equal(imageDefaults({ steps: 7.6 }).steps, 8);
  });
});

describe('Image Studio manifest', () => {
  const manifest = JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'package.json'), 'utf8'));
  const properties = manifest.contributes.configuration.properties;

  it('declares the settings with the defaults and choices the panel uses', () => {
    assert.equal(properties['genaiStudio.image.model'].default, IMAGE_DEFAULTS.model);
    assert.equal(properties['genaiStudio.image.steps'].default, IMAGE_DEFAULTS.steps);
    assert.equal(properties['genaiStudio.image.steps'].maximum, IMAGE_LIMITS.steps.max);
    assert.equal(properties['genaiStudio.image.guidance'].default, IMAGE_DEFAULTS.guidance);
    assert.deepEqual(properties['genaiStudio.image.scheduler'].enum, [...SCHEDULER_CHOICES]);
    assert.deepEqual(parseSize(properties['genaiStudio.image.size'].default), { width: IMAGE_DEFAULTS.width, height: IMAGE_DEFAULTS.height });
  });

  it('contributes the Generate Image command', () => {
    assert.ok(manifest.contributes.commands.some((c: { command: string; title: string }) => c.command === 'genaiStudio.generateImage' && c.title === 'Generate Image...'));
  });
});
