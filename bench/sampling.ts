// `npm run bench:sampling`: the time to draw one token with temperature, top-k and top-p over a
// hub-sized vocabulary (151,936 ids, Qwen2.5's), beside a same-run baseline that sorts the whole
// vocabulary for every token (the plain way). Logits are synthetic: peaked like a language model's
// next-token distribution (a few likely ids over a noisy floor) and flat (the worst case).
// Figures only. Last line: `sampling peaked_ms=<n> peaked_ratio=<x> flat_ms=<n> flat_ratio=<x>`.
import { sampleToken, seededRandom, softmax, type SamplingOptions } from '../src/core/sampling';
import { median, row } from './stats';

const VOCAB = 151_936;
const OPTIONS: SamplingOptions = { temperature: 0.8, topK: 0, topP: 0.95 };
const DRAWS = 40;

function fullSortSample(logits: Float32Array, random: () => number): number {
  const probs = softmax(logits, OPTIONS.temperature);
  const order = Array.from(probs.keys()).sort((a, b) => probs[b] - probs[a]);
  let cumulative = 0;
  const nucleus = order.slice(0, order.findIndex((id) => (cumulative += probs[id]) >= OPTIONS.topP) + 1);
  let r = random() * cumulative;
  for (const id of nucleus) if ((r -= probs[id]) <= 0) return id;
  return nucleus[nucleus.length - 1];
}

function timed(draw: () => number): number[] {
  return Array.from({ length: DRAWS }, () => {
    const started = performance.now();
    draw();
    return performance.now() - started;
  });
}

function main(): void {
  const random = seededRandom(9);
  const gaussian = () => Math.sqrt(-2 * Math.log(random() + 1e-12)) * Math.cos(2 * Math.PI * random());
  const cases = {
    peaked: Float32Array.from({ length: VOCAB }, (_, i) => (i % 5000 === 7 ? 12 - (i / 5000) * 0.3 : gaussian())),
    flat: Float32Array.from({ length: VOCAB }, () => (random() - 0.5) * 8),
  };
  const summary: string[] = [];
  console.log(`sampling benchmark: ${VOCAB} ids, temperature ${OPTIONS.temperature}, top-p ${OPTIONS.topP}, ${DRAWS} draws each, Node ${process.version}`);
  for (const [name, logits] of Object.entries(cases)) {
    const ours = timed(() => sampleToken(logits, OPTIONS, random));
    const baseline = timed(() => fullSortSample(logits, random));
    console.log(row(`${name}: sampleToken`, ours));
    console.log(row(`${name}: (baseline) full sort per token`, baseline));
    summary.push(`${name}_ms=${median(ours).toFixed(2)} ${name}_ratio=${(median(ours) / median(baseline)).toFixed(3)}`);
  }
  console.log(`sampling ${summary.join(' ')}`);
}

main();
