// Package hooks installs, removes and reports the git hooks that run
// credguard, chaining any hook that was already there.
package hooks
