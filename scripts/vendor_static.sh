#!/usr/bin/env bash
# Vendor the browser libraries the UI serves itself (no CDN, nothing downloaded at run time).
#
# Each library is fetched from the npm registry with `npm pack NAME@VERSION` into a temporary
# directory; the files the pages load, and the licence texts, are copied under static/vendor/NAME/,
# and static/vendor/README.md records name, version, licence, source and the SHA-256 of every file.
# Re-run after changing a version below, then commit static/vendor/.
#
#   bash scripts/vendor_static.sh
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

ECHARTS_VERSION="6.1.0"

VENDOR=static/vendor
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT

command -v npm >/dev/null || { echo "需要 npm（仅用于下载，运行时不需要）" >&2; exit 1; }

# fetch NAME VERSION → prints the unpacked package directory
fetch() {
    local name="$1" version="$2" dir="$TMP/$1"
    mkdir -p "$dir"
    (cd "$dir" && npm pack --silent "$name@$version" >/dev/null)
    tar -xzf "$dir"/*.tgz -C "$dir"
    local got
    got="$(node -p "require('$dir/package/package.json').version" 2>/dev/null || sed -n 's/^ *"version": *"\([^"]*\)".*/\1/p' "$dir/package/package.json" | head -1)"
    [ "$got" = "$version" ] || { echo "$name: 期望版本 $version，得到 $got" >&2; exit 1; }
    echo "$dir/package"
}

licence_of() {
    sed -n 's/^ *"license": *"\([^"]*\)".*/\1/p' "$1/package.json" | head -1
}

# --- ECharts (Apache-2.0): charts of the 驾驶舱 ---
pkg="$(fetch echarts "$ECHARTS_VERSION")"
rm -rf "$VENDOR/echarts"
mkdir -p "$VENDOR/echarts"
cp "$pkg/dist/echarts.min.js" "$VENDOR/echarts/echarts.min.js"
cp "$pkg/LICENSE" "$VENDOR/echarts/LICENSE"
[ -f "$pkg/NOTICE" ] && cp "$pkg/NOTICE" "$VENDOR/echarts/NOTICE"
ECHARTS_LICENCE="$(licence_of "$pkg")"

# --- The record ---
{
    echo "# Vendored browser libraries"
    echo
    echo "Written by \`scripts/vendor_static.sh\` — do not edit by hand; change the version in the script and re-run it."
    echo "Fetched from the npm registry with \`npm pack\`; served from here by Django's static files (no CDN)."
    echo
    echo "| Library | Version | Licence | Source |"
    echo "|---|---|---|---|"
    echo "| echarts | $ECHARTS_VERSION | $ECHARTS_LICENCE | https://www.npmjs.com/package/echarts/v/$ECHARTS_VERSION (\`dist/echarts.min.js\`) |"
    echo
    echo "## Files (SHA-256)"
    echo
    echo '```'
    (cd "$VENDOR" && find . -type f ! -name README.md | sort | sed 's|^\./||' | xargs sha256sum)
    echo '```'
} > "$VENDOR/README.md"

echo "已更新 $VENDOR："
cat "$VENDOR/README.md"
