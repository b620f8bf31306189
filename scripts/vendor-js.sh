#!/bin/sh
# Copy the JavaScript that peacetalks vendors from node_modules into the package.
#
# The versions are pinned in package.json (and package-lock.json); node_modules stays out
# of git. To update plotly.js: change the version in package.json, then run
#   npm install --ignore-scripts && scripts/vendor-js.sh
# and commit package.json, package-lock.json and src/peacetalks/report/assets/vendor/.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
source="$root/node_modules/plotly.js-basic-dist-min"
target="$root/src/peacetalks/report/assets/vendor"
if [ ! -f "$source/plotly-basic.min.js" ]; then
    echo "error: $source/plotly-basic.min.js not found. Run 'npm ci --ignore-scripts' in $root first." >&2
    exit 1
fi
mkdir -p "$target"
cp "$source/plotly-basic.min.js" "$target/plotly-basic.min.js"
cp "$source/LICENSE" "$target/LICENSE"
# plotly.js injects its stylesheet with inline <style> rules, which a Content-Security-Policy
# of style-src 'self' refuses. Write the same rules to plotly.css: a page that links it as
# <link rel="stylesheet" id="plotly.js-style-global" class="no-inline-styles" href=...>
# before loading plotly.js gets them without any inline style.
node - "$source/plotly-basic.min.js" "$target/plotly.css" <<'JS'
const fs = require("fs");
const [source, target] = process.argv.slice(2);
const text = fs.readFileSync(source, "utf8");
const start = text.indexOf('{"X,X div"');
if (start < 0) throw new Error("plotly.js's style rules were not found in " + source);
let depth = 0, quote = null, end = -1;
for (let i = start; i < text.length && end < 0; i += 1) {
  const c = text[i];
  if (quote) {
    if (c === "\\") i += 1;
    else if (c === quote) quote = null;
  } else if (c === '"' || c === "'") quote = c;
  else if (c === "{") depth += 1;
  else if (c === "}" && --depth === 0) end = i + 1;
}
const rules = Function("return " + text.slice(start, end))();
// plotly.js inserts every rule at the top of its sheet: the last rule comes first.
const lines = Object.keys(rules).reverse().map((selector) => {
  const name = selector.replace(/^,/, " ,").replace(/X/g, ".js-plotly-plot .plotly").replace(/Y/g, ".plotly-notifier");
  return name + " {" + rules[selector] + "}";
});
fs.writeFileSync(target, "/* plotly.js's own style rules, extracted by scripts/vendor-js.sh (MIT, Plotly, Inc.) */\n" + lines.join("\n") + "\n");
JS
version=$(node -p "require('$source/package.json').version")
echo "vendored plotly.js-basic-dist-min $version into $target"
