#!/usr/bin/env bash
# llama.cpp's server in .vscode-test/llama.cpp/, without installing anything system-wide: the tests
# and `npm run bench:remote` run GenAI Studio against a real inference server. Bookworm has no
# llama.cpp; Debian unstable's binaries need its newer glibc, so they run through unstable's own
# loader with its libraries beside them (../shared/docs/real-engines.md). Prints nothing else to do:
# scripts/lib/llamaServer.mjs starts it. Idempotent: a second run is instant.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
DIR="$REPO_ROOT/.vscode-test/llama.cpp"
LIB="$DIR/root/usr/lib/x86_64-linux-gnu"
[[ -x "$DIR/root/usr/bin/llama-server" && -e "$LIB/ld-linux-x86-64.so.2" ]] && { echo "[llama-server] present: $DIR"; exit 0; }
[[ "$(uname -m)" == x86_64 ]] || { echo "[llama-server] only x86_64 is prepared: the remote-server tests will be skipped"; exit 0; }
command -v apt-get >/dev/null || { echo "[llama-server] not a Debian-family system: the remote-server tests will be skipped"; exit 0; }
rm -rf "$DIR"
APT="$DIR/apt"
mkdir -p "$APT/lists/partial" "$APT/cache/archives/partial" "$DIR/debs"
keyring=/usr/share/keyrings/debian-archive-keyring.gpg
echo "deb [signed-by=$keyring] http://deb.debian.org/debian unstable main" > "$APT/sources.list"
opts=(-o Dir::Etc::SourceList="$APT/sources.list" -o Dir::Etc::SourceParts=/dev/null -o Dir::State::Lists="$APT/lists" -o Dir::Cache="$APT/cache" -o APT::Sandbox::User=root)
apt-get "${opts[@]}" update -q >/dev/null || { sleep 5; apt-get "${opts[@]}" update -q >/dev/null; }
(cd "$DIR/debs" && apt-get "${opts[@]}" download llama.cpp-tools libllama0 libggml0 libc6 libstdc++6 libgcc-s1 libgomp1 libssl3t64 ${LLAMA_EXTRA_DEBS:-})
for deb in "$DIR"/debs/*.deb; do dpkg-deb -x "$deb" "$DIR/root"; done
# Run through the loader, "the executable" is ld-linux: ggml looks for its CPU backends beside it.
for cpu in "$LIB"/ggml/backends0/libggml-cpu-*.so; do ln -sf "$cpu" "$LIB/"; done
rm -rf "$APT" "$DIR/debs"
"$LIB/ld-linux-x86-64.so.2" --library-path "$LIB:$LIB/llama:$LIB/ggml/backends0" "$DIR/root/usr/bin/llama-server" --version 2>&1 | tail -2
echo "[llama-server] ready: $DIR"
