import * as assert from 'node:assert/strict';
import { contentSecurityPolicy, INITIAL_STATE_ID, webviewHtml } from '../../../src/core/webview/html';

const cspSource = 'vscode-webview://abc123';
const nonce = 'c2VjcmV0LW5vbmNlLTEyMzQ1';

function directives(policy: string): Map<string, string[]> {
  return new Map(policy.split(';').map((d) => d.trim().split(/\s+/)).map(([name, ...values]) => [name, values]));
}

describe('webview HTML shell and CSP', () => {
  const html = webviewHtml({
    title: 'Image <Studio>',
    cspSource,
    nonce,
    styles: [{ href: `${cspSource}/codicon.css`, id: 'vscode-codicon-stylesheet' }, { href: `${cspSource}/panel.css` }],
    scripts: [`${cspSource}/elements.js`, `${cspSource}/panel.js`],
    body: '<main id="root"></main>',
    state: { prompt: '</script><script>alert(1)</script>' },
  });

  it('denies everything by default and allows scripts only with the nonce', () => {
    const policy = directives(contentSecurityPolicy(cspSource, nonce));
    assert.deepEqual(policy.get('default-src'), ["'none'"]);
    assert.deepEqual(policy.get('script-src'), [`'nonce-${nonce}'`]);
    assert.deepEqual(policy.get('style-src'), [cspSource, `'nonce-${nonce}'`]);
    assert.deepEqual(policy.get('img-src'), [cspSource, 'data:']);
    assert.deepEqual(policy.get('font-src'), [cspSource]);
    for (const values of policy.values()) {
      for (const value of values) {
        assert.doesNotMatch(value, /^(https?:|\*|'unsafe-inline'|'unsafe-eval')/, `source ${value} is not allowed`);
      }
    }
  });

  it('puts the policy in the page before anything loads', () => {
    const meta = html.indexOf('http-equiv="Content-Security-Policy"');
    assert.ok(meta > 0 && meta < html.indexOf('<link'), 'the CSP meta comes before the first style sheet');
    const content = /http-equiv="Content-Security-Policy" content="([^"]*)"/.exec(html)?.[1].replace(/&#39;/g, "'");
    assert.equal(content, contentSecurityPolicy(cspSource, nonce));
  });

  it('gives every script and style element the nonce', () => {
    const scripts = [...html.matchAll(/<script\b[^>]*>/g)].map((m) => m[0]);
    assert.equal(scripts.length, 3, 'two script files and the initial state');
    for (const tag of scripts) assert.ok(tag.includes(`nonce="${nonce}"`), tag);
    const links = [...html.matchAll(/<link\b[^>]*>/g)].map((m) => m[0]);
    assert.equal(links.length, 2);
    for (const tag of links) assert.ok(tag.includes(`nonce="${nonce}"`), tag);
    assert.ok(links[0].includes('id="vscode-codicon-stylesheet"'));
  });

  it('loads nothing from http(s) and has no inline event handlers', () => {
    assert.doesNotMatch(html, /(src|href)="https?:/);
    assert.doesNotMatch(html, /\son[a-z]+=/i);
  });

  it('escapes the title and embeds the state so it cannot close its script element', () => {
    assert.ok(html.includes('<title>Image &lt;Studio&gt;</title>'));
    const state = new RegExp(`<script[^>]*id="${INITIAL_STATE_ID}"[^>]*>(.*?)</script>`).exec(html);
    assert.ok(state);
    assert.doesNotMatch(state[1], /<\/script>/i);
    assert.deepEqual(JSON.parse(state[1]), { prompt: '</script><script>alert(1)</script>' });
  });
});
