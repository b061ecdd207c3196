#!/usr/bin/env bash
# Rebuild the front-end assets served at /assets from urbanchallenge/static/.
#
#   scripts/build-assets.sh        (or: npm run build:assets)
#
# Installs the pinned npm packages (npm ci), compiles assets/scss/application.scss
# with GOV.UK Frontend, copies GOV.UK Frontend's ES module bundle, writes the
# neutral (crown-free) icons and manifest, and records the versions used.
# The output is committed: the app needs neither node nor npm at run time.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

static="urbanchallenge/static"
frontend="node_modules/govuk-frontend/dist/govuk"

npm ci --ignore-scripts --no-audit --no-fund

rm -rf "$static/stylesheets" "$static/javascripts" "$static/images"
mkdir -p "$static/stylesheets" "$static/javascripts" "$static/images"

# Stylesheet: compressed, no source map (GOV.UK Frontend's own dist map is not
# meaningful for our build, and the SCSS is in the repository).
node_modules/.bin/sass \
  --no-source-map \
  --style=compressed \
  --pkg-importer=node \
  assets/scss/application.scss "$static/stylesheets/application.css"

if grep -q "GDS Transport" "$static/stylesheets/application.css"; then
  echo "build-assets: GDS Transport found in application.css; check the font settings" >&2
  exit 1
fi

# JavaScript: GOV.UK Frontend's ES module bundle and its source map (the bundle ends with a
# sourceMappingURL comment naming it).
cp "$frontend/govuk-frontend.min.js" "$frontend/govuk-frontend.min.js.map" "$static/javascripts/"
# Our two-line module that calls initAll(), so pages need no inline script.
cp assets/javascripts/application.js "$static/javascripts/application.js"

# Icons and manifest. GOV.UK Frontend's favicons, app icons and mask icon all
# show the crown, so none of its images are copied; its fonts/ folder (GDS
# Transport) is not copied either.
python3 assets/icons/make_icons.py "$static/images"
cp assets/manifest.json "$static/manifest.json"

frontend_version="$(node -p 'require("./node_modules/govuk-frontend/package.json").version')"
sass_version="$(node -p 'require("./node_modules/sass/package.json").version')"
cat > "$static/VERSION" <<VERSION
govuk-frontend ${frontend_version}
sass ${sass_version}
VERSION

echo "build-assets: built $static from govuk-frontend ${frontend_version} (sass ${sass_version})"
