#!/usr/bin/env bash
# Trains and exports the Model Playground's models: models/genai-vae-tiny and models/genai-gan-tiny
# (procedural 32x32 greyscale shapes, one CPU thread each, a few minutes each), measured through
# onnxruntime-node (needs node_modules: npm ci).
# Usage: bash tools/train-playground-models.sh [--vae-minutes N] [--gan-minutes N]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
VAE_MINUTES=4
GAN_MINUTES=5
while [[ $# -gt 0 ]]; do
  case "$1" in
    --vae-minutes) VAE_MINUTES="$2"; shift 2 ;;
    --gan-minutes) GAN_MINUTES="$2"; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
PY=/usr/bin/python3   # Debian's interpreter, where python3-torch is installed
export OPENBLAS_NUM_THREADS=1
"$PY" tools/playground-models/vae.py --minutes "$VAE_MINUTES"
"$PY" tools/playground-models/gan.py --minutes "$GAN_MINUTES"
