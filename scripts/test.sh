#!/usr/bin/env bash
# What `npm test` runs. Works on a fresh clone on a fresh machine: installs what it needs, then runs
#   system -> vulkan -> llama -> deps -> build -> typecheck -> unit -> package -> runtime -> integration -> e2e
# (vulkan: Mesa's software Vulkan driver, so the unit tests run the WebGPU path without a GPU)
# (llama: llama.cpp's server, so the remote-server tests run against a real inference server)
# (package: a VSIX per platform, checked file by file; e2e runs this platform's VSIX installed into
# the real VS Code, as a person installs it) and stops at the first failing stage, naming it.
# Run a subset by naming stages:  bash scripts/test.sh build integration e2e
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
cd "$REPO_ROOT"

ALL_STAGES=(system vulkan llama deps build typecheck unit package runtime integration e2e)
if [[ $# -gt 0 ]]; then STAGES=("$@"); else STAGES=("${ALL_STAGES[@]}"); fi
for s in "${STAGES[@]}"; do
  [[ " ${ALL_STAGES[*]} " == *" $s "* ]] || { echo "unknown stage '$s' (stages: ${ALL_STAGES[*]})" >&2; exit 2; }
done

started=$SECONDS
for s in "${STAGES[@]}"; do
  case "$s" in
    system)      stage system      bash scripts/ensure-system.sh ;;
    vulkan)      stage vulkan      bash scripts/software-vulkan.sh ;;
    llama)       stage llama       bash scripts/llama-server.sh ;;
    deps)        stage deps        ensure_node_modules ;;
    build)       stage build       node esbuild.mjs ;;
    typecheck)   stage typecheck   npx --no-install tsc -p . --noEmit ;;
    unit)        stage unit        npx --no-install mocha --config test/unit/.mocharc.json ;;
    package)     stage package     package_and_check ;;
    runtime)     stage runtime     node scripts/vscode-runtime.mjs ;;
    integration) stage integration node scripts/run-integration.mjs ;;
    e2e)         stage e2e         env GENAI_TEST_VSIX="$(host_vsix)" npx --no-install mocha --config test/e2e/.mocharc.json ;;
  esac
done
printf '\n==> all stages passed in %ds (%s)\n' "$((SECONDS - started))" "${STAGE_TIMES[*]}"
