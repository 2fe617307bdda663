#!/bin/sh
# ci-range.sh prints the 'credguard scan' arguments that cover the commits a
# CI event brings in: "--range A..B", "--all", or nothing when there is
# nothing to scan. It runs in the repository's checkout; action.yml calls it,
# and it works the same on a laptop with the variables set by hand.
#
#   CREDGUARD_EVENT   push, pull_request (or pull_request_target,
#                     merge_group, merge_request_event); anything else
#                     (schedule, workflow_dispatch, ...) scans everything
#   CREDGUARD_BEFORE  push: the commit the ref pointed at before (all zeros
#                     or empty for a new ref)
#   CREDGUARD_AFTER   push: the commit it points at now (all zeros: deleted)
#   CREDGUARD_REF     push: the ref pushed (refs/heads/NAME or NAME)
#   CREDGUARD_BASE    pull request, merge group: the base commit
#   CREDGUARD_HEAD    pull request, merge group: the head commit
#   CREDGUARD_REMOTE  the remote whose tracking refs hold what CI already
#                     has (default origin)
#
# The checkout needs the history (actions/checkout with fetch-depth: 0,
# GitLab's GIT_DEPTH: 0): a shallow clone stops the range where it stops.
set -eu

remote=${CREDGUARD_REMOTE:-origin}

fail() {
	echo "credguard: error: $1" >&2
	echo "credguard: hint: $2" >&2
	exit 2
}

is_zero() {
	case $1 in
	'' | *[!0]*) return 1 ;;
	*) return 0 ;;
	esac
}

commit_of() {
	git rev-parse --verify --quiet "$1^{commit}"
}

if [ "$(git rev-parse --is-shallow-repository 2>/dev/null || echo false)" = true ]; then
	echo "credguard: warning: shallow clone: commits before its cut-off are not scanned" >&2
	echo "credguard: hint: fetch the whole history (actions/checkout: fetch-depth: 0; GitLab: GIT_DEPTH: 0)" >&2
fi

# new_commits AFTER REF prints the range of commits on AFTER that no other
# remote-tracking ref has: what the push of a new ref brought in. A..B has one
# excluded side, so A is a commit object whose parents are those refs (empty
# tree, no ref points at it). With no other refs, everything is new.
new_commits() {
	after=$1
	ref=${2#refs/heads/}
	parents=
	for r in $(git for-each-ref --format='%(refname)' "refs/remotes/$remote/"); do
		case $r in
		"refs/remotes/$remote/$ref" | "refs/remotes/$remote/HEAD") continue ;;
		esac
		if c=$(commit_of "$r"); then
			parents="$parents$c
"
		fi
	done
	if [ -z "$parents" ]; then
		echo "--all"
		return
	fi
	tree=$(git mktree </dev/null)
	base=$(
		{
			echo "tree $tree"
			printf '%s' "$parents" | sort -u | sed 's/^/parent /'
			echo "author credguard <credguard@invalid> 0 +0000"
			echo "committer credguard <credguard@invalid> 0 +0000"
			echo
			echo "credguard: commits already on $remote"
		} | git hash-object -t commit -w --stdin
	)
	echo "--range $base..$after"
}

event=${CREDGUARD_EVENT:-}
case $event in
pull_request | pull_request_target | merge_group | merge_request_event)
	base=${CREDGUARD_BASE:-}
	head=${CREDGUARD_HEAD:-}
	[ -n "$base" ] && [ -n "$head" ] || fail "$event: CREDGUARD_BASE and CREDGUARD_HEAD must be set" "pass the pull request's base and head commits"
	b=$(commit_of "$base") || fail "base commit $base is not in this clone" "fetch the whole history (fetch-depth: 0)"
	h=$(commit_of "$head") || fail "head commit $head is not in this clone" "fetch the whole history (fetch-depth: 0)"
	echo "--range $b..$h"
	;;
push)
	before=${CREDGUARD_BEFORE:-}
	after=${CREDGUARD_AFTER:-}
	[ -n "$after" ] || fail "push: CREDGUARD_AFTER must be set" "pass the pushed commit (GitHub: github.sha)"
	if is_zero "$after"; then
		exit 0 # a deletion brings nothing in
	fi
	a=$(commit_of "$after") || fail "pushed commit $after is not in this clone" "check out the pushed commit"
	if ! is_zero "$before" && b=$(commit_of "$before"); then
		echo "--range $b..$a"
	else
		if ! is_zero "$before"; then
			# A force push whose old commit this clone never saw.
			echo "credguard: warning: $before is not in this clone; scanning what no other branch has" >&2
		fi
		new_commits "$a" "${CREDGUARD_REF:-}"
	fi
	;;
*)
	# schedule, workflow_dispatch, ...: audit the whole history.
	echo "--all"
	;;
esac
