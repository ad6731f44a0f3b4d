// Commands for inline completion: toggle, snooze, ask now, and the local statistics.
import * as vscode from 'vscode';
import { SECTION } from '../settings';
import { ACCEPTED_COMMAND, type CompletionProvider } from './completionProvider';

const SNOOZE_CHOICES = [5, 15, 60];

export function registerCompletionCommands(provider: CompletionProvider): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand(ACCEPTED_COMMAND, () => provider.accepted()),
    vscode.commands.registerCommand('genaiStudio.completion.trigger', () => vscode.commands.executeCommand('editor.action.inlineSuggest.trigger')),
    vscode.commands.registerCommand('genaiStudio.completion.toggle', async () => {
      const config = vscode.workspace.getConfiguration(SECTION);
      const enabled = !config.get<boolean>('completion.enabled', true);
      await config.update('completion.enabled', enabled, vscode.ConfigurationTarget.Global);
      if (enabled) provider.resume();
      void vscode.window.setStatusBarMessage(`GenAI Studio: inline completion ${enabled ? 'enabled' : 'disabled'}`, 3000);
      return enabled;
    }),
    vscode.commands.registerCommand('genaiStudio.completion.snooze', async (minutes?: number) => {
      if (provider.snoozed && minutes === undefined) {
        provider.resume();
        return;
      }
      const chosen =
        minutes ??
        (await vscode.window.showQuickPick(
          SNOOZE_CHOICES.map((m) => ({ label: `${m} minutes`, minutes: m })),
          { title: 'Snooze inline completion for' },
        ))?.minutes;
      if (chosen !== undefined) provider.snooze(chosen);
    }),
    vscode.commands.registerCommand('genaiStudio.completion.showStatistics', async () => {
      const s = provider.stats.snapshot();
      const lines = [
        `Suggestions shown: ${s.shown}`,
        `Accepted: ${s.accepted} (${(s.acceptanceRate * 100).toFixed(0)}%)`,
        `Partially accepted: ${s.partiallyAccepted}`,
        `Mean latency: ${s.meanLatencyMs.toFixed(0)} ms over ${s.latencySamples} requests`,
      ];
      void vscode.window.showInformationMessage(`GenAI Studio completion statistics (this session, local only): ${lines.join(' · ')}`);
      return s;
    }),
  ];
}
