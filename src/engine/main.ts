// Entry point of the engine process. The parent (extension host or CLI) talks to it over the
// Node IPC channel; when the parent goes away, the engine exits so no process is left behind.
import * as ort from 'onnxruntime-node';
import { IPCMessageReader, IPCMessageWriter, createMessageConnection } from 'vscode-jsonrpc/node';
import type { EngineSettings } from '../protocol';
import { DeviceSelector, currentPlatform } from './devices';
import { EngineServer } from './engineServer';
import { ENGINE_CONNECTION_OPTIONS } from './requests';
import { ProviderCrashes } from './providerCrashes';

function main(): void {
  if (!process.send) {
    process.stderr.write('The GenAI Studio engine must be started by the extension or the genai-studio CLI (it talks over an IPC channel).\n');
    process.exit(2);
  }
  const settings = JSON.parse(process.env.GENAI_STUDIO_ENGINE_SETTINGS ?? 'null') as EngineSettings | null;
  if (!settings) {
    process.stderr.write('GENAI_STUDIO_ENGINE_SETTINGS is not set.\n');
    process.exit(2);
  }
  const connection = createMessageConnection(new IPCMessageReader(process), new IPCMessageWriter(process), undefined, ENGINE_CONNECTION_OPTIONS);
  const devices = new DeviceSelector(currentPlatform(), new ProviderCrashes(settings.stateDir, ort.env.versions.node ?? ort.env.versions.common));
  const server = new EngineServer(connection, settings, devices);
  const shutdown = (why: string) => {
    void server.models.dispose().finally(() => {
      process.stderr.write(`engine exiting: ${why}\n`);
      process.exit(0);
    });
  };
  process.on('disconnect', () => shutdown('parent disconnected'));
  connection.onClose(() => shutdown('connection closed'));
  process.on('uncaughtException', (error) => {
    server.log({ level: 'error', message: `Engine error: ${error.stack ?? error.message}` });
  });
  connection.listen();
  server.log({ level: 'info', message: `Engine started (pid ${process.pid}, Node ${process.version}, device setting ${settings.device})` });
}

main();
