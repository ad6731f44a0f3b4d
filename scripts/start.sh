#!/usr/bin/env bash
# What `npm start` runs: sets everything up on a fresh clone (system packages, npm ci, build, the VS Code
# runtime), then opens this checkout's extension in a real VS Code (code-server) on 127.0.0.1 and stays in
# the foreground until Ctrl+C. The sample workspace is a persistent copy in .vscode-test/sample-workspace.
#   PORT=8080 npm start        fixed port (default: a free one)
#   npm start -- /some/folder  open another folder instead of the sample workspace
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
cd "$REPO_ROOT"

stage system  bash scripts/ensure-system.sh
stage deps    ensure_node_modules
stage build   node esbuild.mjs
stage runtime node scripts/vscode-runtime.mjs
exec node scripts/start-server.mjs "$@"
