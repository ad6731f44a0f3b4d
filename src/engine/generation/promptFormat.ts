// Instruct and chat models are prompted through their own chat template (Transformers.js renders the
// tokenizer's Jinja template); base models, such as the shipped code model, get the plain text.
import type { ChatMessage } from '../../core/retrieval';
import { EngineErrorCode, type PromptFormat } from '../../protocol';
import type { CausalLM } from '../causalLM';
import { EngineError } from '../errors';

/** What the engine's tokenizer is at run time (a Transformers.js tokenizer) beyond the `Tokenizer` subset. */
interface ChatTokenizer {
  chat_template?: unknown;
  apply_chat_template(messages: ChatMessage[], options: { tokenize: false; add_generation_prompt: true }): string;
}

export type RenderMessages = (messages: ChatMessage[]) => string;

/** The model's chat template as a function, or undefined for a base model. */
export function chatTemplateOf(model: CausalLM): RenderMessages | undefined {
  const tokenizer = model.tokenizer as unknown as Partial<ChatTokenizer>;
  if (!tokenizer.chat_template || typeof tokenizer.apply_chat_template !== 'function') return undefined;
  return (messages) => tokenizer.apply_chat_template!(messages, { tokenize: false, add_generation_prompt: true });
}

/** `auto` follows the model; asking for `chat` from a model without a template is a clear error. */
export function resolveRenderer(model: CausalLM, requested: PromptFormat | 'auto' = 'auto'): { format: PromptFormat; chat?: RenderMessages } {
  const chat = chatTemplateOf(model);
  if (requested === 'chat' && !chat) {
    throw new EngineError(EngineErrorCode.BadRequest, `${model.name} has no chat template (tokenizer_config.json has no chat_template): use the plain prompt format, or an instruct model.`);
  }
  return chat && requested !== 'plain' ? { format: 'chat', chat } : { format: 'plain' };
}
