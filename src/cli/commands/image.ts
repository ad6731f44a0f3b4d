// genai-studio image: text to image through the engine, written as a PNG with its parameters.
import { randomUUID } from 'node:crypto';
import { existsSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { EngineProcess } from '../../client/engineProcess';
import { rgbImagePng } from '../../core/image/rgbImage';
import { pngMetadata } from '../../core/imageStudio/messages';
import { IMAGE_MODEL } from '../../defaults';
import { errorMessage } from '../../engine/errors';
import { SCHEDULERS, type SchedulerName } from '../../protocol';
import { interruptible, optionalNumber, UsageError, type Values } from '../options';

export async function imageCommand(engine: EngineProcess, values: Values): Promise<number> {
  const prompt = values.prompt;
  if (prompt === undefined || values.out === undefined) throw new UsageError('image needs --prompt and --out FILE.png.');
  const scheduler = values.scheduler ?? 'auto';
  if (scheduler !== 'auto' && !SCHEDULERS.includes(scheduler as SchedulerName)) throw new UsageError(`--scheduler must be auto or one of ${SCHEDULERS.join(', ')}; got "${scheduler}".`);
  const out = resolve(values.out);
  // Checked before generating, so a typo costs no image.
  if (!existsSync(dirname(out))) throw new UsageError(`--out ${out}: the folder ${dirname(out)} does not exist. Create it, or choose a path in an existing folder.`);
  return interruptible(async (token) => {
    const result = await engine.generateImage(
      {
        jobId: randomUUID(),
        model: values.model ?? IMAGE_MODEL,
        prompt,
        negativePrompt: values.negative,
        steps: optionalNumber(values, 'steps'),
        guidance: optionalNumber(values, 'guidance'),
        seed: optionalNumber(values, 'seed'),
        width: optionalNumber(values, 'width'),
        height: optionalNumber(values, 'height'),
        scheduler: scheduler as SchedulerName | 'auto',
      },
      (p) => process.stderr.isTTY && process.stderr.write(`\rstep ${p.step}/${p.steps}${p.step === p.steps ? '\n' : ''}`),
      token,
    );
    const { params } = result;
    if (result.finishReason === 'cancelled') {
      process.stderr.write(`Cancelled; nothing written. Seed ${params.seed}.\n`);
      return 130;
    }
    const image = result.images[0];
    try {
      writeFileSync(out, rgbImagePng(image, pngMetadata({ ...params, seed: image.seed })));
    } catch (error) {
      throw new Error(`Could not write ${out} (${(error as NodeJS.ErrnoException).code ?? errorMessage(error)}): choose a path you can write to. Rerun with --seed ${image.seed} for the same image.`);
    }
    process.stdout.write(
      `${out}: ${image.width}x${image.height}, seed ${image.seed}, ${params.scheduler} ${params.steps} steps, guidance ${params.guidance}, ${result.variant} on ${result.device}\n` +
        `${result.totalMs.toFixed(0)} ms in all, ${result.msPerStep.toFixed(2)} ms per step (median), ${result.sessionRunMs.toFixed(0)} ms in session.run\n`,
    );
    return 0;
  });
}
