import assert from 'node:assert/strict';
import { demoOf, isDemoName, validatePanelMessage } from '../../../src/core/playground/playgroundMessages';
import { playgroundBody } from '../../../src/vscode/playground/playgroundBody';

describe('Model Playground panel messages and markup', () => {
  it('accepts each demo request and maps it to its demo', () => {
    const good = [
      [{ type: 'vaeDecode', z1: 0.5, z2: -1 }, 'vae'],
      [{ type: 'vaeInterpolate', from: 'circle', to: 'star', t: 0.3 }, 'vae'],
      [{ type: 'gan', seed: 4 }, 'gan'],
      [{ type: 'diffusion', prompt: 'red circle', seed: 1, steps: 8 }, 'diffusion'],
      [{ type: 'nextToken', prompt: 'def', temperature: 0.7, seed: 2 }, 'transformer'],
    ] as const;
    for (const [message, demo] of good) {
      const checked = validatePanelMessage(message);
      assert.ok(checked.ok, JSON.stringify(message));
      assert.equal(demoOf(checked.value as Exclude<typeof checked.value, { type: 'ready' }>), demo);
    }
  });

  it('refuses malformed messages with the field named', () => {
    const bad: [unknown, RegExp][] = [
      [{ type: 'vaeDecode', z1: 99, z2: 0 }, /message\.z1/],
      [{ type: 'vaeDecode', z1: 0 }, /message\.z2/],
      [{ type: 'gan', seed: -1 }, /message\.seed/],
      [{ type: 'diffusion', prompt: '', seed: 1, steps: 8 }, /message\.prompt/],
      [{ type: 'diffusion', prompt: 'x', seed: 1, steps: 500 }, /message\.steps/],
      [{ type: 'nextToken', prompt: 'x', temperature: 0, seed: 1 }, /message\.temperature/],
      [{ type: 'nextToken', prompt: 'x', temperature: 1, seed: 1, script: 'alert(1)' }, /unknown field script/],
      [{ type: 'runShell' }, /message\.type/],
      ['gan', /must be an object/],
    ];
    for (const [message, reason] of bad) {
      const checked = validatePanelMessage(message);
      assert.ok(!checked.ok, JSON.stringify(message));
      assert.match(checked.reason, reason);
    }
    assert.ok(isDemoName('gan') && !isDemoName('music'));
  });

  it('labels every control and has a section per demo, with nothing the CSP would block', () => {
    const body = playgroundBody();
    for (const demo of ['vae', 'gan', 'diffusion', 'transformer']) assert.match(body, new RegExp(`id="demo-${demo}"`));
    for (const [, id] of body.matchAll(/<(?:input|vscode-single-select|vscode-textfield|vscode-textarea)[^>]* id="([^"]+)"/g)) assert.match(body, new RegExp(`for="${id}"`), `#${id} has a label`);
    assert.doesNotMatch(body, /style=|<script|<style|\son[a-z]+=|https?:/);
  });
});
