// Ports on 127.0.0.1 for test servers.
import { createServer, type AddressInfo } from 'node:net';

/** A port nothing listens on right now: for a server to start on, or as a server that is not running. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}
