#!/usr/bin/env bash
# Compares credguard's detector with gitleaks on scan/testdata/corpus (fresh
# fake keys planted at run time), then prints the detector's throughput.
#
#   GITLEAKS=/path/to/gitleaks bench/compare-detectors.sh
#
# gitleaks: go install github.com/zricethezav/gitleaks/v8@v8.30.1
set -euo pipefail
cd "$(dirname "$0")/.."
GITLEAKS=${GITLEAKS:-$(command -v gitleaks || true)}
if [ -z "$GITLEAKS" ]; then
  echo "bench: set GITLEAKS to a gitleaks binary" >&2
  exit 2
fi
echo "== detection on the corpus (planted credentials found, false alarms, time)"
GITLEAKS=$GITLEAKS go test -tags peers -count=1 -run '^TestComparePeers$' -v ./scan | grep -E 'found|missed|false alarm' | sed 's/^ *peers_test.go:[0-9]*: //'
echo "== detector throughput"
go test -run '^$' -bench '^BenchmarkScan$|^BenchmarkMayContain$' -benchtime 20x ./scan | grep -E '^Benchmark'
