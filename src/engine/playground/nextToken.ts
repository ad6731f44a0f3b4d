// The transformer demo: the causal LM's distribution over the next token for a prompt (one forward
// pass), its top tokens and the rest, and one token drawn from it.
import { sampleToken, seededRandom, softmax } from '../../core/sampling';
import { topEntries } from '../../core/playground/demoMath';
import { EngineErrorCode, type NextTokenParams, type NextTokenResult, type TokenProbability } from '../../protocol';
import type { CausalLM } from '../causalLM';
import { emptyPast, tokenFeeds } from '../decoderFeeds';
import { EngineError } from '../errors';
import { presentToPast, releasePast } from '../presentKvDecoder';
import { lastRow } from '../textGenerator';

export async function nextTokenDistribution(model: CausalLM, params: NextTokenParams): Promise<Omit<NextTokenResult, 'ms'>> {
  let ids = model.tokenizer.encode(params.prompt, { add_special_tokens: false });
  if (ids.length === 0) throw new EngineError(EngineErrorCode.BadRequest, 'The prompt is empty: type some code for the model to continue.');
  // The end of an over-long prompt is what predicts the next token.
  ids = ids.slice(-model.config.maxPositions);
  const outputs = await model.session.run({ ...tokenFeeds(model.session, ids, 0), ...emptyPast(model.session) });
  // Only the logits are wanted: the keys/values may sit in GPU buffers that nothing else frees.
  releasePast(presentToPast(outputs));
  const logits = lastRow(outputs.logits);
  const probabilities = softmax(logits, params.temperature);
  const token = (id: number): TokenProbability => ({ id, text: model.tokenizer.decode([id], { skip_special_tokens: false }), probability: probabilities[id] });
  const { top, other } = topEntries(probabilities, params.topK);
  const sampled = sampleToken(logits, { temperature: params.temperature, topK: 0, topP: 1 }, seededRandom(params.seed));
  return { top: top.map((entry) => token(entry.index)), other, sampled: token(sampled) };
}
