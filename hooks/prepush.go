package hooks

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os/exec"
	"strings"
)

// PushUpdate is one line git writes on a pre-push hook's standard input:
// the ref being pushed and what the remote has for it.
type PushUpdate struct {
	LocalRef, LocalOID, RemoteRef, RemoteOID string
}

// Deletion reports whether the update deletes the remote ref.
func (u PushUpdate) Deletion() bool { return isZeroOID(u.LocalOID) }

// NewRef reports whether the remote has no such ref yet.
func (u PushUpdate) NewRef() bool { return isZeroOID(u.RemoteOID) }

// ParsePush reads the "<local ref> <local oid> <remote ref> <remote oid>"
// lines of a pre-push hook's standard input.
func ParsePush(r io.Reader) ([]PushUpdate, error) {
	var out []PushUpdate
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimRight(sc.Text(), "\r")
		if strings.TrimSpace(line) == "" {
			continue
		}
		f := strings.Fields(line)
		if len(f) != 4 || !isOID(f[1]) || !isOID(f[3]) {
			return nil, fmt.Errorf("pre-push input line %d: want '<local ref> <local oid> <remote ref> <remote oid>', got %q", n, line)
		}
		out = append(out, PushUpdate{LocalRef: f[0], LocalOID: f[1], RemoteRef: f[2], RemoteOID: f[3]})
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("reading the pre-push input: %w", err)
	}
	return out, nil
}

// PushRange is a set of commits to scan, as an A..B range for
// 'credguard scan --range'.
type PushRange struct {
	Ref  string // the local ref being pushed
	Spec string // A..B
}

// PushRanges returns the ranges that hold exactly the commits a push sends
// to remote (a remote name, or a URL when the push has none):
//   - a deletion sends nothing;
//   - an update of a ref whose remote commit is known locally sends
//     REMOTE..LOCAL;
//   - a new ref (or one whose remote commit is unknown here, as after
//     someone else's push) sends what 'git rev-list LOCAL --not
//     --remotes=REMOTE' lists.
//
// A..B has one excluded side, so for the last case PushRanges writes a
// commit object whose parents are the remote's tracking refs (an empty tree,
// no ref points at it; git gc collects it) and uses it as A. Without any
// tracking refs A is a parentless commit and the whole history of LOCAL is
// scanned.
func PushRanges(ctx context.Context, dir, remote string, updates []PushUpdate) ([]PushRange, error) {
	var out []PushRange
	seen := map[string]bool{}
	base := "" // the exclusion commit, written once
	for _, u := range updates {
		if u.Deletion() {
			continue
		}
		local, err := git(ctx, dir, "rev-parse", "--verify", "--quiet", u.LocalOID+"^{commit}")
		if err != nil {
			// A tag of a tree or blob: no commits to scan.
			if exitStatus(err) == 1 {
				continue
			}
			return nil, err
		}
		from := ""
		if !u.NewRef() {
			if c, err := git(ctx, dir, "rev-parse", "--verify", "--quiet", u.RemoteOID+"^{commit}"); err == nil {
				from = c
			}
		}
		if from == "" {
			if base == "" {
				if base, err = exclusionBase(ctx, dir, remote); err != nil {
					return nil, err
				}
			}
			from = base
		}
		spec := from + ".." + local
		if !seen[spec] {
			seen[spec] = true
			out = append(out, PushRange{Ref: u.LocalRef, Spec: spec})
		}
	}
	return out, nil
}

// exclusionBase writes a commit whose ancestors are exactly the commits on
// remote's tracking refs.
func exclusionBase(ctx context.Context, dir, remote string) (string, error) {
	refs, err := git(ctx, dir, "for-each-ref", "--format=%(objectname)", "refs/remotes/"+remote+"/")
	if err != nil {
		return "", err
	}
	tree, err := gitStdin(ctx, dir, "", "mktree")
	if err != nil {
		return "", err
	}
	var obj strings.Builder
	fmt.Fprintf(&obj, "tree %s\n", tree)
	seen := map[string]bool{}
	for _, ref := range strings.Fields(refs) {
		c, err := git(ctx, dir, "rev-parse", "--verify", "--quiet", ref+"^{commit}")
		if err != nil || seen[c] {
			continue // a tracking ref that is not a commit excludes nothing
		}
		seen[c] = true
		fmt.Fprintf(&obj, "parent %s\n", c)
	}
	// Fixed identity and date: the same parents give the same object.
	const who = "credguard <credguard@invalid> 0 +0000"
	fmt.Fprintf(&obj, "author %s\ncommitter %s\n\ncredguard pre-push: commits already on %s\n", who, who, remote)
	return gitStdin(ctx, dir, obj.String(), "hash-object", "-t", "commit", "-w", "--stdin")
}

// gitStdin is git with input on standard input.
func gitStdin(ctx context.Context, dir, input string, args ...string) (string, error) {
	cmd := exec.CommandContext(ctx, "git", args...)
	cmd.Dir = dir
	cmd.Stdin = strings.NewReader(input)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return "", &GitError{Args: args, Stderr: stderr.String(), Err: err}
	}
	return strings.TrimSpace(string(out)), nil
}

func isOID(s string) bool {
	if len(s) != 40 && len(s) != 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}

func isZeroOID(s string) bool { return strings.Trim(s, "0") == "" }
