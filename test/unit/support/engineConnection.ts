// The engine's JSON-RPC side in process: the real EngineServer (real models and runtime) and a client
// connection over a pair of streams, for tests of the protocol without a child process.
import { PassThrough } from 'node:stream';
import type { ConnectionOptions, MessageConnection } from 'vscode-jsonrpc';
import { StreamMessageReader, StreamMessageWriter, createMessageConnection } from 'vscode-jsonrpc/node';
import { EngineServer } from '../../../src/engine/engineServer';
import type { EngineSettings } from '../../../src/protocol';
import { settings } from './builders';

export interface Pair {
  client: MessageConnection;
  server: EngineServer;
  dispose(): Promise<void>;
}

export function connectedEngine(options: ConnectionOptions | undefined, engineSettings: EngineSettings = settings()): Pair {
  const toServer = new PassThrough();
  const toClient = new PassThrough();
  const serverConnection = createMessageConnection(new StreamMessageReader(toServer), new StreamMessageWriter(toClient), undefined, options);
  const client = createMessageConnection(new StreamMessageReader(toClient), new StreamMessageWriter(toServer));
  const server = new EngineServer(serverConnection, engineSettings);
  serverConnection.listen();
  client.listen();
  return {
    client,
    server,
    dispose: async () => {
      await server.models.dispose();
      client.dispose();
      serverConnection.dispose();
    },
  };
}
