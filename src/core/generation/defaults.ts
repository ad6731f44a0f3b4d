// Defaults of text generation and workspace questions, shared by the engine, the extension's settings
// (package.json repeats them; test/unit/generation keeps the two equal) and the CLI.

export const TEXT_DEFAULTS = {
  model: 'genai-code-tiny',
  maxTokens: 256,
  temperature: 0.7,
  topK: 40,
  topP: 0.95,
};

export const ASK_DEFAULTS = {
  /** Passages retrieved per question. */
  sources: 5,
  maxFileKB: 1024,
  /** Answers are factual: greedy decoding. */
  temperature: 0,
};

/** Said wherever the shipped model answers, so nobody mistakes it for a capable assistant. */
export const SHIPPED_MODEL_NOTE =
  '`genai-code-tiny` is a tiny code model shipped for offline demos: expect rough text. For real answers set `genaiStudio.text.model` to a hub model such as `onnx-community/Qwen2.5-0.5B-Instruct` (~500 MB, uses its chat template).';
