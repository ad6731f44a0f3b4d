// genai-studio models and devices: what the engine has and what each GPU provider does here.
import type { EngineProcess } from '../../client/engineProcess';
import type { Values } from '../options';

export async function models(engine: EngineProcess, values: Values): Promise<number> {
  const info = await engine.models();
  if (values.json) {
    process.stdout.write(`${JSON.stringify(info, null, 2)}\n`);
    return 0;
  }
  const lines = ['Shipped models:', ...info.shipped.map((m) => `  ${m.name}  (${m.path})`)];
  lines.push('Loaded models:', ...(info.loaded.length ? info.loaded.map((m) => `  ${m.model}  ${m.state}${m.device ? ` on ${m.device}` : ''}`) : ['  none']));
  lines.push('Devices:', ...info.devices.map((d) => `  ${d.device.padEnd(7)} ${!d.available ? `unavailable: ${d.reason}` : d.autoSkips ? `only when asked for by name: ${d.autoSkips}` : 'available'}`));
  lines.push(`Hub: ${info.settings.hubEndpoint}${info.settings.offline ? ' (offline)' : ''}, cache ${info.settings.hubCacheDir}`);
  process.stdout.write(`${lines.join('\n')}\n`);
  return 0;
}

export async function devices(engine: EngineProcess, values: Values): Promise<number> {
  const checks = await engine.checkDevices();
  if (values.json) process.stdout.write(`${JSON.stringify(checks, null, 2)}\n`);
  else {
    for (const c of checks) {
      const result = !c.tried ? 'not tried' : c.works ? 'works' : 'failed';
      process.stdout.write(`${c.device.padEnd(7)} ${result.padEnd(9)} ${c.ms === undefined ? ''.padEnd(10) : `${c.ms.toFixed(1)} ms`.padEnd(10)} ${c.detail}\n`);
    }
  }
  return 0;
}
