// End-to-end: a workspace the user has not trusted (Restricted Mode) is not indexed, its prompt templates
// do not run, and no model loads from a folder inside it, even one the user's own settings name.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { repoRoot, useWorkbench } from './harness';

describe('Restricted Mode (e2e)', function () {
  this.timeout(180_000);
  const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'genai-untrusted-'));
  const modelInWorkspace = path.join(workspace, 'models', 'code');
  fs.cpSync(path.join(repoRoot, 'test', 'fixtures', 'workspace'), workspace, { recursive: true });
  fs.cpSync(path.join(repoRoot, 'models', 'genai-code-tiny'), modelInWorkspace, { recursive: true });
  fs.mkdirSync(path.join(workspace, '.genai', 'prompts'), { recursive: true });
  fs.writeFileSync(path.join(workspace, '.genai', 'prompts', 'team-review.md'), '---\nname: Team review\ndescription: The team review prompt\nstrategy: zero-shot\n---\nReview: {{input}}\n');
  const workbench = useWorkbench({ workspace, untrusted: true, settings: { 'genaiStudio.completion.model': modelInWorkspace } });
  after(() => fs.rmSync(workspace, { recursive: true, force: true }));

  it('does not index the workspace for Ask, and says how to trust it', async () => {
    await workbench().runCommand('GenAI Studio: Ask the Workspace...');
    const text = await workbench().waitForNotification(/Restricted Mode/);
    assert.match(text, /Trust the workspace first/);
    await workbench().screenshot('restricted-ask');
  });

  it('lists no workspace template, and says why', async () => {
    await workbench().runCommand('GenAI Studio: Generate with Template...');
    const labels = await workbench().waitForQuickPick('GenAI Studio: Generate with Template');
    assert.ok(labels.includes('Zero-shot'), `built-in templates are offered: ${labels.join(' | ')}`);
    assert.ok(!labels.some((l) => /Team review/.test(l)), 'the workspace template is not offered');
    assert.ok(labels.some((l) => /Workspace templates are off/.test(l)), 'the list says why');
    await workbench().closeQuickInput();
  });

  it('loads no model from a folder inside the workspace, even when the user settings name it', async () => {
    await workbench().runCommand('GenAI Studio: Load the Completion Model');
    const text = await workbench().waitForNotification(/not trusted/);
    assert.ok(text.includes(modelInWorkspace), text);
    assert.match(text, /Trust the workspace/);
  });
});
