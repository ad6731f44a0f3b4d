// The tabs of a panel (a webview by view type) as the extension host sees them. The tab model reaches
// the extension host after the command that opened the panel returns, so tests wait for it.
import * as vscode from 'vscode';

export function webviewTabs(viewType: string): vscode.Tab[] {
  return vscode.window.tabGroups.all.flatMap((group) => group.tabs).filter((tab) => tab.input instanceof vscode.TabInputWebview && tab.input.viewType.endsWith(viewType));
}

/** Resolves once the tab model satisfies `condition`, or after `timeoutMs` (the test's assertion then says what is wrong). */
export async function whenTabs(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  if (condition()) return;
  await new Promise<void>((resolve) => {
    const done = () => {
      subscription.dispose();
      clearTimeout(timer);
      resolve();
    };
    const subscription = vscode.window.tabGroups.onDidChangeTabs(() => condition() && done());
    const timer = setTimeout(done, timeoutMs);
  });
}
