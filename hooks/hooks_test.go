package hooks

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// isolate gives the test its own HOME (and so its own global git config)
// and a fixed identity, so the user's config never leaks in or out.
func isolate(t *testing.T) string {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Fatal("these tests need git on PATH")
	}
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("USERPROFILE", home)
	t.Setenv("XDG_CONFIG_HOME", "")
	t.Setenv("GIT_CONFIG_NOSYSTEM", "1")
	t.Setenv("GIT_CONFIG_GLOBAL", "")
	for _, k := range []string{"GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_COMMON_DIR"} {
		t.Setenv(k, "")
		os.Unsetenv(k)
	}
	for _, k := range []string{"GIT_AUTHOR_NAME", "GIT_COMMITTER_NAME"} {
		t.Setenv(k, "Test")
	}
	for _, k := range []string{"GIT_AUTHOR_EMAIL", "GIT_COMMITTER_EMAIL"} {
		t.Setenv(k, "test@example.com")
	}
	os.Unsetenv("GIT_CONFIG_GLOBAL")
	if err := os.WriteFile(filepath.Join(home, ".gitconfig"), []byte("[init]\n\tdefaultBranch = main\n[commit]\n\tgpgsign = false\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	return home
}

// run runs git in dir and fails the test on error.
func run(t *testing.T, dir string, args ...string) string {
	t.Helper()
	out, err := git(context.Background(), dir, args...)
	if err != nil {
		t.Fatalf("git %s: %v", strings.Join(args, " "), err)
	}
	return out
}

// newRepo makes a repository with one commit.
func newRepo(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "repo")
	if err := os.MkdirAll(filepath.Join(dir, "sub", "deeper"), 0o755); err != nil {
		t.Fatal(err)
	}
	run(t, dir, "init", "-q")
	writeFile(t, filepath.Join(dir, "README"), "hello\n", 0o644)
	run(t, dir, "add", "README")
	run(t, dir, "commit", "-q", "-m", "first")
	return dir
}

func writeFile(t *testing.T, path, data string, mode os.FileMode) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(data), mode); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, mode); err != nil {
		t.Fatal(err)
	}
}

func sameDir(t *testing.T, got, want string) {
	t.Helper()
	if !samePath(got, want) {
		t.Errorf("hooks dir = %s, want %s", got, want)
	}
}

func TestLocate(t *testing.T) {
	isolate(t)
	ctx := context.Background()
	repo := newRepo(t)
	gitDir := filepath.Join(repo, ".git")

	for _, dir := range []string{repo, filepath.Join(repo, "sub", "deeper")} {
		loc, err := Locate(ctx, dir)
		if err != nil {
			t.Fatal(err)
		}
		sameDir(t, loc.Dir, filepath.Join(gitDir, "hooks"))
		if loc.HooksPath != "" || loc.Scope != "" || loc.Shared() {
			t.Errorf("from %s: HooksPath %q, Scope %q, want unset", dir, loc.HooksPath, loc.Scope)
		}
	}

	// A relative core.hooksPath is taken from the top of the work tree,
	// whatever the current directory.
	run(t, repo, "config", "core.hooksPath", "githooks")
	loc, err := Locate(ctx, filepath.Join(repo, "sub", "deeper"))
	if err != nil {
		t.Fatal(err)
	}
	sameDir(t, loc.Dir, filepath.Join(repo, "githooks"))
	if loc.HooksPath != "githooks" || loc.Scope != "local" {
		t.Errorf("HooksPath %q, Scope %q, want githooks, local", loc.HooksPath, loc.Scope)
	}

	abs := filepath.Join(t.TempDir(), "abs-hooks")
	run(t, repo, "config", "core.hooksPath", abs)
	loc, err = Locate(ctx, filepath.Join(repo, "sub"))
	if err != nil {
		t.Fatal(err)
	}
	sameDir(t, loc.Dir, abs)
	run(t, repo, "config", "--unset", "core.hooksPath")

	// A linked worktree uses the common git directory's hooks.
	wt := filepath.Join(t.TempDir(), "wt")
	run(t, repo, "worktree", "add", "-q", "-b", "other", wt)
	loc, err = Locate(ctx, wt)
	if err != nil {
		t.Fatal(err)
	}
	sameDir(t, loc.Dir, filepath.Join(gitDir, "hooks"))

	// Set in the global config: shared by every repository.
	run(t, repo, "config", "--global", "core.hooksPath", abs)
	loc, err = Locate(ctx, repo)
	if err != nil {
		t.Fatal(err)
	}
	if !loc.Shared() || loc.Scope != "global" {
		t.Errorf("global core.hooksPath: Shared() = %v, Scope %q", loc.Shared(), loc.Scope)
	}
	sameDir(t, loc.Dir, abs)

	if _, err := Locate(ctx, t.TempDir()); !errors.Is(err, ErrNotRepository) {
		t.Errorf("outside a repository: err = %v, want ErrNotRepository", err)
	}
}

func TestGlobalLocation(t *testing.T) {
	home := isolate(t)
	ctx := context.Background()
	loc, err := GlobalLocation(ctx)
	if err != nil {
		t.Fatal(err)
	}
	sameDir(t, loc.Dir, filepath.Join(home, ".config", "credguard", "hooks"))
	if loc.HooksPath != "" {
		t.Errorf("HooksPath = %q, want unset", loc.HooksPath)
	}
	if err := SetGlobalHooksPath(ctx, loc.Dir); err != nil {
		t.Fatal(err)
	}
	loc2, err := GlobalLocation(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if loc2.HooksPath == "" {
		t.Fatal("core.hooksPath not set")
	}
	sameDir(t, loc2.Dir, loc.Dir)
	if ok, err := UnsetGlobalHooksPath(ctx, filepath.Join(home, "elsewhere")); ok || err != nil {
		t.Errorf("unset for another dir: %v, %v; want false, nil", ok, err)
	}
	if ok, err := UnsetGlobalHooksPath(ctx, loc.Dir); !ok || err != nil {
		t.Errorf("unset: %v, %v; want true, nil", ok, err)
	}
	if loc3, _ := GlobalLocation(ctx); loc3.HooksPath != "" {
		t.Errorf("core.hooksPath still %q", loc3.HooksPath)
	}
}

func TestInstallChainsAndUninstallRestores(t *testing.T) {
	dir := t.TempDir()
	script := Script(PreCommit, ScriptOptions{Binary: "/opt/credguard"})
	old := "#!/bin/sh\necho the old hook\nexit 3\n"
	writeFile(t, filepath.Join(dir, "pre-commit"), old, 0o750)
	before, _ := os.Stat(filepath.Join(dir, "pre-commit"))

	c, err := Install(dir, PreCommit, script)
	if err != nil {
		t.Fatal(err)
	}
	if c.Action != Chained || c.Chained != filepath.Join(dir, "pre-commit"+ChainSuffix) {
		t.Fatalf("first install: %+v", c)
	}
	got, _ := os.ReadFile(filepath.Join(dir, "pre-commit"))
	if !bytes.Equal(got, script) {
		t.Errorf("hook content differs from Script()")
	}
	chained, _ := os.ReadFile(c.Chained)
	if string(chained) != old {
		t.Errorf("chained hook = %q, want %q", chained, old)
	}

	c, err = Install(dir, PreCommit, script)
	if err != nil || c.Action != Unchanged {
		t.Fatalf("second install: %+v, %v; want unchanged", c, err)
	}
	if _, err := os.Stat(filepath.Join(dir, "pre-commit"+ChainSuffix+ChainSuffix)); err == nil {
		t.Error("second install chained our own hook")
	}

	// A new binary path rewrites the hook in place, keeping the chain.
	c, err = Install(dir, PreCommit, Script(PreCommit, ScriptOptions{Binary: "/usr/bin/credguard"}))
	if err != nil || c.Action != Updated || c.Chained == "" {
		t.Fatalf("update: %+v, %v", c, err)
	}

	st, err := Inspect(dir, PreCommit)
	if err != nil {
		t.Fatal(err)
	}
	if !st.Ours || st.Binary != filepath.FromSlash("/usr/bin/credguard") || st.Chained == "" {
		t.Errorf("Inspect = %+v", st)
	}

	c, err = Uninstall(dir, PreCommit)
	if err != nil || c.Action != Restored {
		t.Fatalf("uninstall: %+v, %v; want restored", c, err)
	}
	got, _ = os.ReadFile(filepath.Join(dir, "pre-commit"))
	if string(got) != old {
		t.Errorf("restored hook = %q, want %q", got, old)
	}
	after, _ := os.Stat(filepath.Join(dir, "pre-commit"))
	if after.Mode() != before.Mode() {
		t.Errorf("restored mode = %v, want %v", after.Mode(), before.Mode())
	}
	if _, err := os.Lstat(filepath.Join(dir, "pre-commit"+ChainSuffix)); err == nil {
		t.Error("chained file left behind")
	}

	// Uninstalling again touches nothing that is not ours.
	c, err = Uninstall(dir, PreCommit)
	if err != nil || c.Action != Foreign {
		t.Errorf("uninstall of a foreign hook: %+v, %v", c, err)
	}
	got, _ = os.ReadFile(filepath.Join(dir, "pre-commit"))
	if string(got) != old {
		t.Errorf("foreign hook changed to %q", got)
	}
	if c, err := Uninstall(dir, PrePush); err != nil || c.Action != Absent {
		t.Errorf("uninstall of nothing: %+v, %v", c, err)
	}
}

func TestInstallFresh(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "made", "by", "install")
	script := Script(CommitMsg, ScriptOptions{Binary: "/x/credguard"})
	c, err := Install(dir, CommitMsg, script)
	if err != nil || c.Action != Installed || c.Chained != "" {
		t.Fatalf("install: %+v, %v", c, err)
	}
	if st, _ := Inspect(dir, CommitMsg); !st.Executable || !st.Ours {
		t.Errorf("Inspect = %+v, want ours and executable", st)
	}
	ents, _ := os.ReadDir(dir)
	if len(ents) != 1 {
		t.Errorf("hooks dir holds %d files, want 1 (no temporary files left)", len(ents))
	}
	c, err = Uninstall(dir, CommitMsg)
	if err != nil || c.Action != Removed {
		t.Fatalf("uninstall: %+v, %v", c, err)
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 0 {
		t.Errorf("hooks dir not empty after uninstall: %v", ents)
	}
}

func TestInstallRefusesOccupiedChain(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "pre-push"), "#!/bin/sh\nexit 0\n", 0o755)
	writeFile(t, filepath.Join(dir, "pre-push"+ChainSuffix), "#!/bin/sh\nexit 1\n", 0o755)
	_, err := Install(dir, PrePush, Script(PrePush, ScriptOptions{Binary: "/x"}))
	if !errors.Is(err, ErrChainOccupied) {
		t.Fatalf("err = %v, want ErrChainOccupied", err)
	}
	for name, want := range map[string]string{"pre-push": "exit 0", "pre-push" + ChainSuffix: "exit 1"} {
		got, _ := os.ReadFile(filepath.Join(dir, name))
		if !strings.Contains(string(got), want) {
			t.Errorf("%s changed: %q", name, got)
		}
	}
}

func TestInstallChainsSymlink(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("symlinks need privileges on Windows")
	}
	dir := t.TempDir()
	if err := os.Symlink("../elsewhere/hook", filepath.Join(dir, "pre-commit")); err != nil {
		t.Fatal(err)
	}
	c, err := Install(dir, PreCommit, Script(PreCommit, ScriptOptions{Binary: "/x"}))
	if err != nil || c.Action != Chained {
		t.Fatalf("install over a dangling symlink: %+v, %v", c, err)
	}
	if _, err := Uninstall(dir, PreCommit); err != nil {
		t.Fatal(err)
	}
	if target, err := os.Readlink(filepath.Join(dir, "pre-commit")); err != nil || target != "../elsewhere/hook" {
		t.Errorf("symlink not restored: %q, %v", target, err)
	}
}

func TestShellQuote(t *testing.T) {
	for _, s := range []string{"", "/usr/bin/credguard", "/tmp/it's here/cg", "C:/Program Files/cg.exe", `a'b'c`, "''", `$HOME "x" \n`} {
		q := shellQuote(s)
		got, ok := shellUnquote(q)
		if !ok || got != s {
			t.Errorf("shellUnquote(shellQuote(%q)) = %q, %v", s, got, ok)
		}
		if runtime.GOOS != "windows" {
			out, err := exec.Command("sh", "-c", "printf '%s' "+q).Output()
			if err != nil || string(out) != s {
				t.Errorf("sh reads %s as %q (%v), want %q", q, out, err, s)
			}
		}
	}
}

func FuzzShellQuote(f *testing.F) {
	for _, s := range []string{"/usr/bin/credguard", "it's", "'''", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, ok := shellUnquote(shellQuote(s))
		if !ok || got != s {
			t.Errorf("round trip of %q = %q, %v", s, got, ok)
		}
	})
}

func TestScriptInfo(t *testing.T) {
	for _, global := range []bool{false, true} {
		for _, k := range Kinds {
			bin := "/home/o'neil/go/bin/credguard"
			ours, gotBin, gotGlobal := scriptInfo(Script(k, ScriptOptions{Binary: bin, Global: global}))
			if !ours || gotBin != filepath.FromSlash(bin) || gotGlobal != global {
				t.Errorf("%s global=%v: scriptInfo = %v, %q, %v", k, global, ours, gotBin, gotGlobal)
			}
		}
	}
	if ours, _, _ := scriptInfo([]byte("#!/bin/sh\nexec credguard scan\n")); ours {
		t.Error("a hand-written hook was taken for credguard's")
	}
}
