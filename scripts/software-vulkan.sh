#!/usr/bin/env bash
# A Vulkan loader and Mesa's software Vulkan driver (lavapipe) in .vscode-test/vulkan/, without
# installing them system-wide: they let the WebGPU execution provider run on a machine with no
# GPU, so the tests check the GPU code path (keys/values kept in GPU buffers, outputs equal to the
# CPU's) on every run. Bookworm's Mesa 22.3 lacks a feature Dawn requires; bookworm-backports' Mesa
# 25 has it, so the driver comes from there through a private apt configuration.
# Also used by `bench/gpu-check.sh --prepare` for the loader. Idempotent: a second run is instant.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
DIR="$REPO_ROOT/.vscode-test/vulkan"
ICD="$DIR/lvp_icd.json"
# The driver's path is absolute: a moved checkout makes it again.
grep -qs "\"$DIR/" "$ICD" && { echo "[software-vulkan] present: $ICD"; exit 0; }
rm -rf "$DIR"
command -v apt-get >/dev/null || { echo "[software-vulkan] not a Debian-family system: the WebGPU tests will be skipped"; exit 0; }

. /etc/os-release
APT="$DIR/apt"
mkdir -p "$APT/lists/partial" "$APT/cache/archives/partial" "$DIR/debs"
keyring=/usr/share/keyrings/debian-archive-keyring.gpg
cat > "$APT/sources.list" <<LIST
deb [signed-by=$keyring] http://deb.debian.org/debian $VERSION_CODENAME main
deb [signed-by=$keyring] http://deb.debian.org/debian $VERSION_CODENAME-backports main
LIST
opts=(-o Dir::Etc::SourceList="$APT/sources.list" -o Dir::Etc::SourceParts=/dev/null -o Dir::State::Lists="$APT/lists" -o Dir::Cache="$APT/cache" -o APT::Sandbox::User=root)
apt-get "${opts[@]}" update -q >/dev/null || { sleep 5; apt-get "${opts[@]}" update -q >/dev/null; }
(cd "$DIR/debs" && apt-get "${opts[@]}" download libvulkan1 "mesa-vulkan-drivers/$VERSION_CODENAME-backports")
for deb in "$DIR"/debs/*.deb; do dpkg-deb -x "$deb" "$DIR/root"; done
driver=$(find "$DIR/root" -name libvulkan_lvp.so | head -1)
missing=$(ldd "$driver" | awk '/not found/ {print $1}')
[[ -z "$missing" ]] || { echo "[software-vulkan] lavapipe needs libraries this machine lacks: $missing" >&2; exit 1; }
printf '{"file_format_version":"1.0.0","ICD":{"library_path":"%s","api_version":"1.3.0"}}\n' "$driver" > "$ICD"
rm -rf "$APT" "$DIR/debs"
echo "[software-vulkan] ready: loader $(find "$DIR/root" -name 'libvulkan.so.1' | head -1), driver $ICD"
