// Run as its own process by the orphan test: starts an engine, prints its pid, then waits to be killed.
import { EngineProcess } from '../../../src/client/engineProcess';
import { DIST_ENGINE, settings } from './builders';

const engine = new EngineProcess({ enginePath: DIST_ENGINE, settings: settings() });
void engine.info().then((info) => process.stdout.write(`${info.pid}\n`));
setInterval(() => undefined, 1000);
