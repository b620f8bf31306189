#!/bin/sh
# Bundle CodeMirror 6 into one ES module for the scenario editor's code editor.
#
# The versions are pinned in tools/codemirror/package.json (and its package-lock.json);
# tools/codemirror/node_modules stays out of git. To update: change the versions there,
# then run
#   tools/build_codemirror.sh
# and commit tools/codemirror/ and src/peacetalks/web/static/js/vendor/.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
work="$root/tools/codemirror"
target="$root/src/peacetalks/web/static/js/vendor"
cd "$work"
npm ci --ignore-scripts --no-audit --no-fund
mkdir -p "$target"
./node_modules/.bin/esbuild entry.js --bundle --format=esm --minify --legal-comments=none \
    --target=es2020 --outfile="$target/codemirror.js"
# The licences of everything in the bundle (all MIT), one after another.
{
    for package in $(node -e '
        const lock = require("./package-lock.json");
        const names = Object.keys(lock.packages)
          .filter((p) => p.startsWith("node_modules/") && !p.includes("esbuild"))
          .map((p) => p.slice("node_modules/".length));
        console.log(names.sort().join("\n"));
    '); do
        version=$(node -p "require('./node_modules/$package/package.json').version")
        licence=$(node -p "require('./node_modules/$package/package.json').license")
        echo "== $package $version ($licence) =="
        echo
        cat "node_modules/$package/LICENSE"* 2>/dev/null || echo "(no licence file in the package)"
        echo
    done
} > "$target/LICENSE-codemirror.txt"
echo "wrote $target/codemirror.js and $target/LICENSE-codemirror.txt"
