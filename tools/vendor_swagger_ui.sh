#!/usr/bin/env bash
# Refresh the Swagger UI that /api/v1/docs serves from src/ponte/api/static/swagger-ui (from the npm registry).
set -euo pipefail
version="${1:-5}"
target="$(cd "$(dirname "$0")/.." && pwd)/src/ponte/api/static/swagger-ui"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack "swagger-ui-dist@$version" --silent >/dev/null && tar xzf swagger-ui-dist-*.tgz)
for f in swagger-ui-bundle.js swagger-ui.css LICENSE NOTICE swagger-ui-bundle.js.LICENSE.txt; do
  cp "$work/package/$f" "$target/$f"
done
sed -i 's|//# sourceMappingURL=swagger-ui-bundle.js.map||' "$target/swagger-ui-bundle.js"
sed -i 's|/\*# sourceMappingURL=swagger-ui.css.map\*/||' "$target/swagger-ui.css"
node -p "require('$work/package/package.json').version" > "$target/VERSION"
echo "swagger-ui $(cat "$target/VERSION") in $target"
