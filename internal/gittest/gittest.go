// Package gittest builds real git repositories for tests, with the real git
// binary and an environment isolated from the user's configuration.
package gittest

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// Repo is a git working tree in a temporary folder.
type Repo struct {
	t   testing.TB
	Dir string   // the working tree root, OS path
	Env []string // environment for git commands
}

// Env returns an environment for running git hermetically: no system or
// user configuration, a fixed identity and default branch.
func Env(t testing.TB) []string {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Fatal("these tests need git on PATH")
	}
	home := t.TempDir()
	cfg := "[init]\n\tdefaultBranch = main\n[user]\n\tname = Test\n\temail = test@example.com\n" +
		"[commit]\n\tgpgsign = false\n[core]\n\tautocrlf = false\n\tfsmonitor = false\n[advice]\n\tdetachedHead = false\n"
	if err := os.WriteFile(filepath.Join(home, ".gitconfig"), []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "GIT_") && !strings.HasPrefix(kv, "HOME=") && !strings.HasPrefix(kv, "XDG_CONFIG_HOME=") {
			env = append(env, kv)
		}
	}
	return append(env, "HOME="+home, "USERPROFILE="+home, "XDG_CONFIG_HOME="+home,
		"GIT_CONFIG_NOSYSTEM=1", "GIT_AUTHOR_NAME=Test", "GIT_AUTHOR_EMAIL=test@example.com",
		"GIT_COMMITTER_NAME=Test", "GIT_COMMITTER_EMAIL=test@example.com")
}

// New runs `git init` with args in a new temporary folder.
func New(t testing.TB, initArgs ...string) *Repo {
	t.Helper()
	r := &Repo{t: t, Dir: t.TempDir(), Env: Env(t)}
	r.Git(append([]string{"init", "-q"}, initArgs...)...)
	return r
}

// At returns a Repo for an existing working tree, sharing r's environment.
func (r *Repo) At(dir string) *Repo { return &Repo{t: r.t, Dir: dir, Env: r.Env} }

// Git runs git in the working tree and returns its trimmed stdout. It fails
// the test if git fails.
func (r *Repo) Git(args ...string) string {
	r.t.Helper()
	out, err := r.TryGit(args...)
	if err != nil {
		r.t.Fatalf("git %s: %v", strings.Join(args, " "), err)
	}
	return out
}

// TryGit is Git, returning git's failure (with its stderr) as an error.
func (r *Repo) TryGit(args ...string) (string, error) {
	r.t.Helper()
	return r.GitStdin("", args...)
}

// GitStdin runs git with stdin as its input.
func (r *Repo) GitStdin(stdin string, args ...string) (string, error) {
	r.t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = r.Dir
	cmd.Env = r.Env
	cmd.Stdin = strings.NewReader(stdin)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return "", &gitError{err: err, stderr: strings.TrimSpace(stderr.String())}
	}
	return strings.TrimRight(stdout.String(), "\n"), nil
}

type gitError struct {
	err    error
	stderr string
}

func (e *gitError) Error() string { return e.err.Error() + ": " + e.stderr }

// Write writes content to the slash path name in the working tree, creating
// folders as needed.
func (r *Repo) Write(name, content string) {
	r.t.Helper()
	p := filepath.Join(r.Dir, filepath.FromSlash(name))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		r.t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		r.t.Fatal(err)
	}
}

// Remove deletes the slash path name from the working tree (not the index).
func (r *Repo) Remove(name string) {
	r.t.Helper()
	if err := os.RemoveAll(filepath.Join(r.Dir, filepath.FromSlash(name))); err != nil {
		r.t.Fatal(err)
	}
}

// Path returns the OS path of the slash path name in the working tree.
func (r *Repo) Path(name string) string { return filepath.Join(r.Dir, filepath.FromSlash(name)) }

// Commit stages everything and commits it.
func (r *Repo) Commit(msg string) {
	r.t.Helper()
	r.Git("add", "-A")
	r.Git("commit", "-q", "--allow-empty", "-m", msg)
}

// Synthetic builds a committed repository of n distinct files in 100 top
// folders of 10 subfolders (pkgNNN/modN/fileNNNNN.go) with git fast-import
// (one pack, as after a clone; no working-tree files), reads it into the
// index with a full cache-tree, then stages a change to
// pkg042/mod7/file42742.go as `git add` would: the cache-tree stays valid
// except on that file's folders.
func Synthetic(t testing.TB, n int) *Repo {
	t.Helper()
	r := New(t)
	var in strings.Builder
	in.WriteString("commit refs/heads/main\ncommitter Test <test@example.com> 1700000000 +0000\ndata 9\nsynthetic\n")
	for i := range n {
		body := fmt.Sprintf("package mod\n\n// File %d of the synthetic repository.\nfunc F%d() int { return %d }\n", i, i, i)
		fmt.Fprintf(&in, "M 100644 inline pkg%03d/mod%d/file%05d.go\ndata %d\n%s\n", i/1000%100, i/100%10, i, len(body), body)
	}
	if _, err := r.GitStdin(in.String(), "fast-import", "--quiet"); err != nil {
		t.Fatal(err)
	}
	r.Git("read-tree", "HEAD")
	r.Write("changed", "package mod\n\n// a staged change\n")
	changed := r.Git("hash-object", "-w", "changed")
	r.Remove("changed")
	r.Git("update-index", "--cacheinfo", "100644,"+changed+",pkg042/mod7/file42742.go")
	return r
}
