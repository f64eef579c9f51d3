#!/bin/sh
# Vendor Apache ECharts into the console's static files from the npm registry (never a CDN).
# Usage: scripts/vendor_echarts.sh [version]   (needs npm; writes src/ponte/web/static/vendor/echarts/)
set -eu
VERSION="${1:-6.1.0}"
DEST="$(cd "$(dirname "$0")/.." && pwd)/src/ponte/web/static/vendor/echarts"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
cd "$WORK"
npm pack "echarts@$VERSION" --silent >/dev/null
tar xzf "echarts-$VERSION.tgz"
mkdir -p "$DEST"
cp package/dist/echarts.min.js package/LICENSE package/NOTICE "$DEST/"
{
  echo "Apache ECharts $VERSION (Apache-2.0), from the npm registry: npm pack echarts@$VERSION"
  echo "tarball sha256: $(sha256sum "echarts-$VERSION.tgz" | cut -d' ' -f1)"
  echo "echarts.min.js sha256: $(sha256sum package/dist/echarts.min.js | cut -d' ' -f1)"
  echo "Made by scripts/vendor_echarts.sh; LICENSE and NOTICE are the package's own."
} > "$DEST/VERSION"
echo "vendored ECharts $VERSION into $DEST"
