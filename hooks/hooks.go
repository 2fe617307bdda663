// Package hooks installs, removes and reports the git hooks that run
// credguard, chaining any hook that was already there.
//
// A hook directory is found the way git finds it (core.hooksPath, the common
// git directory of linked worktrees, .git/hooks). Installing never destroys a
// hook: an existing one is renamed to NAME.credguard-chained and the credguard
// hook runs it first, so its exit status still counts; uninstalling renames it
// back, bytes and mode untouched. Installing twice changes nothing.
//
// The package also works out which commits a pre-push hook must scan from the
// lines git writes on the hook's standard input.
package hooks

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os/exec"
	"strings"
)

// Kind names a git hook that credguard can install.
type Kind string

// The hooks credguard installs. PreCommit is the default; the others are
// opt-in defence in depth.
const (
	PreCommit Kind = "pre-commit" // scans the staged change
	PrePush   Kind = "pre-push"   // scans the commits being pushed
	CommitMsg Kind = "commit-msg" // scans the commit message
)

// Kinds lists every hook credguard knows, in install order.
var Kinds = []Kind{PreCommit, PrePush, CommitMsg}

// ChainSuffix is appended to the name of a hook that was there before
// credguard's: "pre-commit" becomes "pre-commit.credguard-chained".
const ChainSuffix = ".credguard-chained"

// marker identifies a hook file written by credguard. The number is the
// script's format version.
const marker = "# credguard-hook: 1"

// GitError is a git command that failed, with what it printed.
type GitError struct {
	Args   []string
	Stderr string
	Err    error
}

func (e *GitError) Error() string {
	msg := strings.TrimSpace(e.Stderr)
	if msg == "" {
		msg = e.Err.Error()
	}
	return fmt.Sprintf("git %s: %s", strings.Join(e.Args, " "), msg)
}

func (e *GitError) Unwrap() error { return e.Err }

// git runs git in dir and returns its standard output without the final
// newline. The git binary is used rather than go-git because hooks are about
// what the git binary itself will do: its config (includes, conditional
// includes, worktree config) and its hook lookup.
func git(ctx context.Context, dir string, args ...string) (string, error) {
	cmd := exec.CommandContext(ctx, "git", args...)
	cmd.Dir = dir
	var stdout, stderr bytes.Buffer
	cmd.Stdout = &stdout
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		if errors.Is(err, exec.ErrNotFound) {
			return "", fmt.Errorf("git is not installed or not on PATH: %w", err)
		}
		return "", &GitError{Args: args, Stderr: stderr.String(), Err: err}
	}
	return strings.TrimRight(stdout.String(), "\r\n"), nil
}

// exitStatus returns the exit code of a failed git command, or -1.
func exitStatus(err error) int {
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return ee.ExitCode()
	}
	return -1
}
