#!/usr/bin/env bash
# Renders an example `lockstep verify` HTML report and its screenshot (docs/verify-report.png) in
# headless Chromium (apt-get install -y chromium). The example: the churn model (examples/churn)
# with a profile of its own events, against the retrained candidate of the golden lr fixture,
# both scored on the golden lr input.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
WORK="${WORK:-$(mktemp -d)}"
cd "$ROOT"
LOCKSTEP=bin/lockstep
GOLDEN=common/src/test/resources/golden
B=examples/churn/bundle

"$LOCKSTEP" profile --bundle "$B" --input examples/churn/events.csv --out "$WORK/profile.json" >/dev/null
"$LOCKSTEP" bundle --spec "$B/features.yaml" --schema "$B/input.avsc" --model "$B/model.onnx" --profile "$WORK/profile.json" \
  --name churn --version 1 --out "$WORK/churn-profiled" >/dev/null
set +e
"$LOCKSTEP" verify --bundle "$WORK/churn-profiled" --candidate "$GOLDEN/lr/candidate/bundle" --input "$GOLDEN/lr/input.csv" \
  --key customer_id --tolerance 0.05 --max-flip-rate 0.05 --report "$WORK/report.html" --json "$WORK/report.json"
echo "lockstep verify exit code: $? (2 = beyond thresholds, expected here)"
set -e
CHROME="$(command -v chromium || command -v chromium-browser || command -v google-chrome)"
"$CHROME" --headless --no-sandbox --disable-gpu --hide-scrollbars --window-size=1100,1600 \
  --screenshot="$ROOT/docs/verify-report.png" "file://$WORK/report.html" 2>/dev/null
cp "$WORK/report.html" "$ROOT/docs/verify-report-example.html"
echo "report: $WORK/report.html, screenshot: docs/verify-report.png"
