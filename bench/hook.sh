#!/usr/bin/env bash
# Benchmark of what a guarded 'git commit' costs: the time of one small
# commit (one file changed and staged) in a repository of FILES files, with
# no hook, with the hook 'credguard hook install' writes, and with gitleaks'
# documented pre-commit hook ('gitleaks git --pre-commit --staged'), side by
# side. Also 'git push' of one commit to a local bare remote, with no hook
# and with credguard's pre-push hook.
#
#   bench/hook.sh              # FILES=10000 RUNS=20
#
# gitleaks is timed if it is on PATH or in /work/peers/bin (install with
# GOBIN=/work/peers/bin go install github.com/zricethezav/gitleaks/v8@v8.30.1).
set -euo pipefail
cd "$(dirname "$0")/.."
files=${FILES:-10000}
runs=${RUNS:-20}
out=$PWD/bench/out
mkdir -p "$out"
export PATH="$PATH:/work/peers/bin"

go build -o "$out/credguard" ./cmd/credguard
cg=$out/credguard

export GIT_CONFIG_NOSYSTEM=1 HOME=$out/hook-home NO_COLOR=1
rm -rf "$HOME"
mkdir -p "$HOME"
git config --global user.name bench
git config --global user.email bench@example.com
git config --global init.defaultBranch main
git config --global gc.auto 0

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
repo=$work/repo
git init -q "$repo"
git init -q --bare "$work/remote.git"
(
  cd "$repo"
  for i in $(seq 1 "$files"); do
    d=dir$((i % 100))
    mkdir -p "$d"
    printf 'file %d\nsome text that is not a secret\n' "$i" >"$d/f$i.txt"
  done
  git add -A
  git commit -q -m init
  git remote add origin "$work/remote.git"
  git push -q origin main
  # Packed, as a clone or any repository after 'git gc' is.
  git gc -q
)

# ms_per_commit LABEL: the mean wall time of RUNS one-file commits.
ms_per_commit() {
  local start end
  start=$(date +%s%N)
  for i in $(seq 1 "$runs"); do
    echo "change $i" >>"$repo/dir1/f1.txt"
    git -C "$repo" add dir1/f1.txt
    git -C "$repo" commit -q -m "change $i"
  done
  end=$(date +%s%N)
  echo $(((end - start) / runs / 1000000))
}

ms_per_push() {
  local start end
  start=$(date +%s%N)
  for i in $(seq 1 "$runs"); do
    git -C "$repo" commit -q --allow-empty --no-verify -m "push $i"
    git -C "$repo" push -q origin main
  done
  end=$(date +%s%N)
  echo $(((end - start) / runs / 1000000))
}

hooks=$repo/.git/hooks
rm -f "$hooks"/*
none=$(ms_per_commit)
push_none=$(ms_per_push)

"$cg" hook install -C "$repo" --pre-push >/dev/null
credguard=$(ms_per_commit)
push_credguard=$(ms_per_push)
"$cg" hook uninstall -C "$repo" >/dev/null

gitleaks_ms=n/a
if command -v gitleaks >/dev/null; then
  printf '#!/bin/sh\nexec %s git --pre-commit --staged --no-banner --log-level error\n' "$(command -v gitleaks)" >"$hooks/pre-commit"
  chmod +x "$hooks/pre-commit"
  gitleaks_ms=$(ms_per_commit)
  rm -f "$hooks/pre-commit"
fi

printf '\n%s files, mean of %s runs (ms)\n' "$files" "$runs"
printf '%-32s %8s\n' "commit, no hook" "$none"
printf '%-32s %8s\n' "commit, credguard pre-commit" "$credguard"
printf '%-32s %8s\n' "commit, gitleaks pre-commit" "$gitleaks_ms"
printf '%-32s %8s\n' "push, no hook" "$push_none"
printf '%-32s %8s\n' "push, credguard pre-push" "$push_credguard"
