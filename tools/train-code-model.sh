#!/usr/bin/env bash
# Reproduces models/genai-code-tiny end to end on Debian:
#   apt packages -> sources (Debian .debs, npm tarballs) -> corpus -> tokenizer -> training (time
#   budget, checkpoints, a rerun resumes) -> ONNX export (fp32 + int8) -> evaluation -> Node
#   validation -> MODEL_CARD.md.
# Usage: bash tools/train-code-model.sh [--minutes N] [--continue] [--skip-train]
#   --minutes N    training wall-clock budget (default 58)
#   --continue     start from the shipped model (weights, tokenizer, training.json) on text it has not
#                  seen yet, at a lower peak learning rate: how each session adds to the model, since
#                  tools/.work does not outlive a machine
#   --skip-train   export/evaluate/validate/write the card from the existing tools/.work/checkpoint.pt
# Needs the repo's node_modules (npm ci) for the Node validation step.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
MINUTES=58
SKIP_TRAIN=0
TRAIN_ARGS=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --minutes) MINUTES="$2"; shift 2 ;;
    --skip-train) SKIP_TRAIN=1; shift ;;
    --continue) TRAIN_ARGS=(--init-from models/genai-code-tiny --data-mb 50 --lr 1e-3); shift ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
WORK=tools/.work
OUT=models/genai-code-tiny
PY=/usr/bin/python3   # Debian's interpreter, where python3-torch is installed
mkdir -p "$WORK/debs" "$WORK/src" "$WORK/npm"

need=()
for pkg in python3-torch python3-numpy python3-onnx python3-regex libopenblas0-pthread; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || need+=("$pkg")
done
if [[ ${#need[@]} -gt 0 ]]; then apt-get update -q && apt-get install -y --no-install-recommends "${need[@]}"; fi

if [[ ! -s "$WORK/corpus/train.jsonl" ]]; then
  (cd "$WORK/debs" && apt-get download golang-1.19-src rust-src)
  for deb in "$WORK"/debs/*.deb; do
    name=$(basename "$deb" | cut -d_ -f1)
    [[ -d "$WORK/src/$name" ]] || dpkg-deb -x "$deb" "$WORK/src/$name"
  done
  grep -v '^#' tools/code-model/npm-packages.txt | (cd "$WORK/npm" && xargs -n 20 npm pack --silent >/dev/null)
  "$PY" tools/code-model/build_corpus.py
fi

if [[ $SKIP_TRAIN == 0 ]]; then "$PY" tools/code-model/train.py "$WORK" --minutes "$MINUTES" "${TRAIN_ARGS[@]}"; fi
echo "$(date -u +%T) export"; "$PY" tools/code-model/export.py "$WORK" "$OUT"
echo "$(date -u +%T) validate"; node tools/code-model/validate.mjs "$OUT" "$WORK"
echo "$(date -u +%T) evaluate"; "$PY" tools/code-model/evaluate.py "$WORK"
"$PY" tools/code-model/card.py "$WORK" "$OUT"
echo "done: $OUT (see $OUT/MODEL_CARD.md)"
