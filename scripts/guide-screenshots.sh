#!/usr/bin/env bash
# The User Guide's pictures (resources/guide/images), made by the app itself so they show what it
# does now. Run after a build and commit the result:  scripts/guide-screenshots.sh
set -euo pipefail
cd "$(dirname "$0")/.."
B=build/release/app
OUT=resources/guide/images
mkdir -p "$OUT"
X=(xvfb-run -a -s "-screen 0 1400x900x24")
"${X[@]}" "$B/lpm-studio" --preset fig3a --set R=8 --size 1100x680 --screenshot "$OUT/window.png" >/dev/null
"${X[@]}" "$B/lpm-studio" --lesson minority-collapse --step 3 --size 1100x680 --screenshot "$OUT/lesson.png" >/dev/null
"$B/lpm" phase --K 10 --KA 5 --y EWEH --y-min 1 --y-max 100 --nx 120 --ny 80 --plot "$OUT/phase.png" >/dev/null
"$B/lpm" figure --preset fig3a --plot "$OUT/plot.png" >/dev/null 2>&1 || "${X[@]}" "$B/lpm" figure --preset fig3a --plot "$OUT/plot.png" >/dev/null
ls -l "$OUT"
