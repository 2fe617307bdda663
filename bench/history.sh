#!/usr/bin/env bash
# bench/history.sh: credguard's whole-history scan side by side with gitleaks
# and git's own patch output, on real repositories.
#
#   bench/history.sh [REPO...]     (default: /tmp/bench-repos/boto3 /tmp/bench-repos/botocore)
#
# Prints wall time and peak RSS (GNU time -v) for:
#   credguard scan --all            (this tree, built with go build)
#   gitleaks git                    ($GITLEAKS, default /work/peers/bin/gitleaks or PATH)
#   git log -p -U0 --all            (the patch stream gitleaks reads)
# Each is run $RUNS times (default 3); the fastest run is shown.
# Get the repositories with e.g. 'git clone https://github.com/boto/boto3'.
# gitleaks: GOBIN=/work/peers/bin go install -tags gore2regex github.com/zricethezav/gitleaks/v8@v8.30.1
set -euo pipefail
cd "$(dirname "$0")/.."

runs=${RUNS:-3}
if [ $# -eq 0 ]; then set -- /tmp/bench-repos/boto3 /tmp/bench-repos/botocore; fi
gitleaks=${GITLEAKS:-}
if [ -z "$gitleaks" ]; then
  if [ -x /work/peers/bin/gitleaks ]; then gitleaks=/work/peers/bin/gitleaks; else gitleaks=$(command -v gitleaks || true); fi
fi
timebin=/usr/bin/time
[ -x "$timebin" ] || { echo "bench: needs GNU time (apt-get install time)" >&2; exit 2; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
go build -o "$tmp/credguard" ./cmd/credguard

# measure NAME CMD...: best wall time of $runs runs, with that run's peak RSS.
measure() {
  local name=$1; shift
  local best="" rss=""
  for _ in $(seq "$runs"); do
    "$timebin" -v -o "$tmp/time" "$@" >/dev/null 2>"$tmp/err" || true
    local secs kb
    secs=$(awk -F': ' '/Elapsed \(wall clock\)/ {n=split($2,p,":"); s=0; for(i=1;i<=n;i++) s=s*60+p[i]; print s}' "$tmp/time")
    kb=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$tmp/time")
    if [ -z "$best" ] || awk -v a="$secs" -v b="$best" 'BEGIN{exit !(a<b)}'; then best=$secs; rss=$kb; fi
  done
  printf '  %-34s %8.2f s %8.0f MB\n' "$name" "$best" "$(awk -v k="$rss" 'BEGIN{print k/1024}')"
}

printf 'cpus: %s, runs: %s (best shown)\n' "$(nproc)" "$runs"
for repo in "$@"; do
  [ -d "$repo/.git" ] || { echo "bench: $repo is not a git work tree" >&2; exit 2; }
  printf '\n%s: %s commits on all refs, %s objects\n' "$(basename "$repo")" \
    "$(git -C "$repo" rev-list --all | wc -l)" "$(git -C "$repo" count-objects -v | awk '/^(count|in-pack):/ {s+=$2} END {print s}')"
  measure "credguard scan --all" "$tmp/credguard" scan --all -C "$repo" --format json -o "$tmp/credguard.json"
  if [ -n "$gitleaks" ]; then
    measure "gitleaks git" "$gitleaks" git --no-banner --redact --log-level error --report-format json --report-path "$tmp/gitleaks.json" "$repo"
  else
    echo "  gitleaks: not found (set GITLEAKS)"
  fi
  measure "git log -p -U0 --all" git -C "$repo" log -p -U0 --all
  printf '  findings: credguard %s, gitleaks %s\n' \
    "$(grep -c '"fingerprint"' "$tmp/credguard.json" || true)" \
    "$(grep -c '"RuleID"' "$tmp/gitleaks.json" 2>/dev/null || true)"
done
