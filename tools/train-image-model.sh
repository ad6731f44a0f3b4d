#!/usr/bin/env bash
# Reproduces models/genai-image-tiny end to end on Debian: procedural data + CLIP BPE tokenizer -> VAE ->
# text encoder + UNet -> ONNX export -> evaluation through onnxruntime (Node) -> MODEL_CARD.md.
# Usage: bash tools/train-image-model.sh [--minutes N] [--vae-minutes N] [--snapshot]
#   --minutes N      diffusion (text encoder + UNet) budget in wall-clock minutes (default 40, as shipped)
#   --vae-minutes N  VAE budget (default 10, as shipped)
#   --snapshot       mark the card as an early snapshot
# Stages resume from tools/.work/image/*.pt; delete that folder to start over. Needs node_modules (npm ci).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
MINUTES=40
VAE_MINUTES=10
CARD_FLAGS=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --minutes) MINUTES="$2"; shift 2 ;;
    --vae-minutes) VAE_MINUTES="$2"; shift 2 ;;
    --snapshot) CARD_FLAGS+=(--snapshot); shift ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
PY=/usr/bin/python3   # Debian's interpreter, where python3-torch is installed
export OPENBLAS_NUM_THREADS=1   # one thread, as torch.set_num_threads(1) in the trainers
OUT=models/genai-image-tiny
WORK=tools/.work/image

need=()
for pkg in python3-torch python3-numpy python3-onnx python3-regex libopenblas0-pthread; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || need+=("$pkg")
done
if [[ ${#need[@]} -gt 0 ]]; then apt-get update -q && apt-get install -y --no-install-recommends "${need[@]}"; fi

[[ -s "$WORK/data.npz" ]] || "$PY" tools/image-model/train.py data
"$PY" tools/image-model/train.py vae --minutes "$VAE_MINUTES"
"$PY" tools/image-model/train.py diffusion --minutes "$MINUTES"
"$PY" tools/image-model/export.py "$OUT"
"$PY" tools/image-model/evaluate.py "$OUT"
"$PY" tools/image-model/card.py "$OUT" "${CARD_FLAGS[@]}"
echo "done: $OUT"
