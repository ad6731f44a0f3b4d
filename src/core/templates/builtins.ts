// The templates every workspace has, written in the same format as `.genai/prompts/*.md` so they
// double as examples of it.
import { parseTemplate, type PromptTemplate } from './promptTemplate';

const ZERO_SHOT = `---
name: Zero-shot
description: The task alone, no examples
strategy: zero-shot
---
Task: {{input}}

Response:`;

const FEW_SHOT = `---
name: Few-shot
description: Learns the pattern from worked examples (copy it to .genai/prompts/ and put your own)
strategy: few-shot
---
Rewrite each request as a short imperative commit message.
{{#examples}}

Request: {{input}}
Message: {{output}}
{{/examples}}

Request: {{input}}
Message:
--- example
I fixed the off-by-one error in the pagination code
--- output
Fix off-by-one error in pagination
--- example
added a retry when the download fails
--- output
Retry failed downloads`;

const CHAIN_OF_THOUGHT = `---
name: Chain-of-thought
description: Asks the model to reason step by step before answering
strategy: chain-of-thought
---
Question: {{input}}

Let's think step by step, then give the final answer on a line starting with "Answer:".`;

let parsed: readonly PromptTemplate[] | undefined;

/** The built-in templates, parsed on first use (not while the extension activates). */
export function builtinTemplates(): readonly PromptTemplate[] {
  parsed ??= [parseTemplate(ZERO_SHOT, 'built-in', 'zero-shot'), parseTemplate(FEW_SHOT, 'built-in', 'few-shot'), parseTemplate(CHAIN_OF_THOUGHT, 'built-in', 'chain-of-thought')];
  return parsed;
}

/** A built-in template by its strategy name (`zero-shot`, `few-shot`, `chain-of-thought`). */
export function builtinTemplate(strategy: string): PromptTemplate | undefined {
  return builtinTemplates().find((t) => t.strategy === strategy);
}
