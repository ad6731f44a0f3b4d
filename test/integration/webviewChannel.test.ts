// The webview channel in a real VS Code, with a page that never says it is ready (its script does not
// exist): what is posted meanwhile is held within a bound, and posting after the panel closed is harmless.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { messages } from '../../src/core/webview/messageSchema';
import { MAX_PENDING_MESSAGES, WebviewChannel } from '../../src/vscode/webview/webviewPanel';
import { webviewTabs, whenTabs } from './webviewTabs';

const EXTENSION_ID = 'genai-studio.genai-studio';

describe('WebviewChannel', () => {
  it('keeps only the newest messages for a page that never says ready, says so once, and ignores posts after close', async () => {
    const output = vscode.window.createOutputChannel('GenAI Studio channel test', { log: true });
    const warnings: string[] = [];
    // The real output channel, with its warnings also kept here to read back.
    const log: vscode.LogOutputChannel = Object.assign(Object.create(output) as vscode.LogOutputChannel, {
      warn: (message: string) => {
        warnings.push(message);
        output.warn(message);
      },
    });
    const channel = new WebviewChannel<{ type: 'ready' }, { type: 'n'; i: number }>({
      viewType: 'genaiStudio.channelTest',
      title: 'Channel test',
      extensionUri: vscode.extensions.getExtension(EXTENSION_ID)!.extensionUri,
      mediaFolder: 'media/webview',
      script: 'no-such-page',
      body: '',
      state: {},
      validate: messages({ ready: {} }),
      log,
    });
    try {
      for (let i = 0; i < MAX_PENDING_MESSAGES * 4; i++) channel.post({ type: 'n', i });
      assert.equal(warnings.length, 1, warnings.join('\n'));
      assert.match(warnings[0], new RegExp(`has not said it is ready; keeping only its newest ${MAX_PENDING_MESSAGES} messages`));
      // Closing a panel the workbench is still opening logs an error there: let it open first.
      await whenTabs(() => webviewTabs('genaiStudio.channelTest').length === 1);
    } finally {
      // The output channel stays: disposing one before VS Code has finished creating it logs leak errors.
      channel.dispose();
    }
    channel.post({ type: 'n', i: -1 });
  });
});
