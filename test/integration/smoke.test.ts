// The first integration test: the extension under development is loaded in a real VS Code.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';

const EXTENSION_ID = 'genai-studio.genai-studio';

describe('smoke', () => {
  it('runs inside a real VS Code', () => {
    assert.match(vscode.version, /^\d+\.\d+\.\d+/);
  });

  it(`has the extension ${EXTENSION_ID} installed`, () => {
    const ids = vscode.extensions.all.map((e) => e.id.toLowerCase());
    assert.ok(ids.includes(EXTENSION_ID), `${EXTENSION_ID} not among ${ids.length} extensions`);
    assert.ok(vscode.extensions.getExtension(EXTENSION_ID), 'getExtension() found nothing');
  });
});
