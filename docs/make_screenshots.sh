#!/usr/bin/env bash
# Screenshots of the demo reports for the README: run `make demo` first, then this (needs Debian chromium).
# first_screen_<sample>.png is what a reader sees on opening each sample report (1200 x 900, nothing expanded).
set -euo pipefail
cd "$(dirname "$0")/.."
out=docs/screenshots
mkdir -p "$out"
shot() {  # html png height
  local tmp
  tmp=$(mktemp -d)
  timeout 60 chromium --headless --no-sandbox --disable-gpu --disable-background-networking --no-first-run \
    --disable-component-update --disable-sync --hide-scrollbars --user-data-dir="$tmp" \
    --window-size=1200,"$3" --screenshot="$2" "file://$PWD/$1" 2>/dev/null
  rm -rf "$tmp"
}
shot results/P001_T2/P001_T2.report.html "$out/sample_tissue.png" 2300
shot results/P002_plasma/P002_plasma.report.html "$out/sample_plasma.png" 2600
shot results/patients/P001.html "$out/patient_timeline.png" 1500
shot results/cohort/summary.html "$out/cohort.png" 1100
for html in results/*/*.report.html; do
  s=$(basename "$html" .report.html)
  shot "$html" "$out/first_screen_$s.png" 900
done
ls -la "$out"
