#!/usr/bin/env bash
# Benchmark of the pre-commit scan: a synthetic repository of 100,000 files
# (committed and packed, then one file changed and staged), timed side by
# side with gitleaks' staged scan and with git's own `git diff --cached`.
#
#   bench/staged.sh            # build, create /tmp/credguard-bench-100k once, time
#   FILES=20000 bench/staged.sh
#
# gitleaks is timed if it is on PATH or in /work/peers/bin (install with
# GOBIN=/work/peers/bin go install github.com/zricethezav/gitleaks/v8@v8.30.1).
# hyperfine is used when installed (apt-get install hyperfine), else a loop.
set -euo pipefail
cd "$(dirname "$0")/.."
files=${FILES:-100000}
repo=${REPO:-/tmp/credguard-bench-$((files / 1000))k}
runs=${RUNS:-30}
out=$PWD/bench/out
mkdir -p "$out"
export PATH="$PATH:/work/peers/bin"

echo "== build"
go build -o "$out/credguard" ./cmd/credguard
cg=$out/credguard

# A clean git configuration, so the user's settings do not change the figures.
export GIT_CONFIG_NOSYSTEM=1 HOME=$out/home NO_COLOR=1
mkdir -p "$HOME"
git config --global user.name bench
git config --global user.email bench@example.com
git config --global init.defaultBranch main
git config --global gc.auto 0

if [ ! -f "$repo/.bench-ready" ]; then
  echo "== create $repo ($files files)"
  rm -rf "$repo"
  mkdir -p "$repo"
  git -C "$repo" init -q
  # 100 top folders of 10 subfolders of up to 100 files: 1,100 trees for
  # 100k files, written with fast-import, then checked out and packed.
  awk -v n="$files" 'BEGIN {
    print "commit refs/heads/main"
    print "committer bench <bench@example.com> 1700000000 +0000"
    print "data 21"; print "synthetic repository"
    for (i = 0; i < n; i++) {
      body = sprintf("package mod\n\n// File %d of the synthetic repository.\nfunc F%d() int { return %d }\n", i, i, i)
      for (k = 0; k < 8; k++) body = body "// padding line\n"
      printf "M 100644 inline pkg%03d/mod%d/file%05d.go\ndata %d\n%s\n", int(i / 1000) % 100, int(i / 100) % 10, i, length(body), body
    }
  }' | git -C "$repo" fast-import --quiet
  git -C "$repo" reset -q --hard
  git -C "$repo" gc -q
  touch "$repo/.bench-ready"
fi
# One staged change (the same every run).
i=$((files * 427 / 1000))
changed=$(printf 'pkg%03d/mod%d/file%05d.go' $((i / 1000 % 100)) $((i / 100 % 10)) "$i")
git -C "$repo" reset -q --hard
echo "// staged change $(date +%s)" >> "$repo/$changed"
git -C "$repo" add "$changed"
echo "index: $(stat -c %s "$repo/.git/index") bytes, $(git -C "$repo" ls-files | wc -l) entries; staged: $(git -C "$repo" diff --cached --name-only)"

cmds=("$cg scan -C $repo" "git -C $repo diff --cached --name-only")
names=("credguard scan" "git diff --cached --name-only")
if command -v gitleaks >/dev/null; then
  cmds+=("gitleaks git --pre-commit --staged --no-banner --log-level error $repo")
  names+=("gitleaks git --pre-commit --staged")
fi
# Every command must succeed (exit 0) before it is timed.
for c in "${cmds[@]}"; do $c >/dev/null; done

echo "== time ($runs runs each)"
if command -v hyperfine >/dev/null; then
  args=()
  for i in "${!cmds[@]}"; do args+=(-n "${names[$i]}" "${cmds[$i]}"); done
  hyperfine -N -w 3 -r "$runs" --export-markdown "$out/staged.md" "${args[@]}"
  cat "$out/staged.md"
else
  printf '%-40s %10s %10s\n' command "mean ms" "min ms"
  for i in "${!cmds[@]}"; do
    total=0 best=
    for _ in $(seq "$runs"); do
      t0=$(date +%s%N); ${cmds[$i]} >/dev/null; t1=$(date +%s%N)
      d=$(( (t1 - t0) / 1000 )); total=$((total + d))
      if [ -z "$best" ] || [ "$d" -lt "$best" ]; then best=$d; fi
    done
    printf '%-40s %10.1f %10.1f\n' "${names[$i]}" "$(echo "$total / $runs / 1000" | bc -l)" "$(echo "$best / 1000" | bc -l)"
  done
fi
