//go:build !windows

package hooks

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// standIn writes an executable that records its arguments and standard
// input in log and exits with code. It plays the credguard binary so the
// hook script's own logic (chaining, stdin, fallback) can be checked; the
// end-to-end tests in cmd/credguard run the real binary.
func standIn(t *testing.T, path, log string, code int) {
	t.Helper()
	writeFile(t, path, "#!/bin/sh\n{ echo \"$(basename \"$0\") $*\"; cat; } >> '"+log+"'\nexit "+string(rune('0'+code))+"\n", 0o755)
}

func runHook(t *testing.T, hook string, stdin string, path string, args ...string) (string, int) {
	t.Helper()
	cmd := exec.Command(hook, args...)
	cmd.Stdin = strings.NewReader(stdin)
	cmd.Env = append(os.Environ(), "PATH="+path)
	out, err := cmd.CombinedOutput()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return string(out), code
}

func readLog(t *testing.T, log string) string {
	data, _ := os.ReadFile(log)
	os.Remove(log)
	return string(data)
}

func TestScriptChainsWithStdin(t *testing.T) {
	dir := t.TempDir()
	log := filepath.Join(dir, "log")
	bin := filepath.Join(dir, "bin", "credguard")
	standIn(t, bin, log, 0)
	hooks := filepath.Join(dir, "hooks")
	standIn(t, filepath.Join(hooks, "pre-push"), log, 0)
	if _, err := Install(hooks, PrePush, Script(PrePush, ScriptOptions{Binary: bin})); err != nil {
		t.Fatal(err)
	}
	sysPath := "/usr/bin:/bin"
	input := "refs/heads/main 1111111111111111111111111111111111111111 refs/heads/main 0000000000000000000000000000000000000000\n"
	out, code := runHook(t, filepath.Join(hooks, "pre-push"), input, sysPath, "origin", "/srv/r.git")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, out)
	}
	want := "pre-push.credguard-chained origin /srv/r.git\n" + input + "credguard hook run pre-push origin /srv/r.git\n" + input
	if got := readLog(t, log); got != want {
		t.Errorf("log:\n%s\nwant:\n%s", got, want)
	}

	// The chained hook's failure blocks, and credguard does not run.
	standIn(t, filepath.Join(hooks, "pre-push"+ChainSuffix), log, 3)
	out, code = runHook(t, filepath.Join(hooks, "pre-push"), input, sysPath, "origin", "u")
	if code != 3 {
		t.Errorf("exit %d, want the chained hook's 3: %s", code, out)
	}
	if got := readLog(t, log); strings.Contains(got, "credguard hook run") {
		t.Errorf("credguard ran after the chained hook failed:\n%s", got)
	}

	// credguard's own verdict counts.
	standIn(t, filepath.Join(hooks, "pre-push"+ChainSuffix), log, 0)
	standIn(t, bin, log, 1)
	if out, code = runHook(t, filepath.Join(hooks, "pre-push"), input, sysPath, "origin", "u"); code != 1 {
		t.Errorf("exit %d, want credguard's 1: %s", code, out)
	}
}

func TestScriptMissingBinary(t *testing.T) {
	dir := t.TempDir()
	log := filepath.Join(dir, "log")
	hooks := filepath.Join(dir, "hooks")
	gone := filepath.Join(dir, "gone", "credguard")
	if _, err := Install(hooks, PreCommit, Script(PreCommit, ScriptOptions{Binary: gone})); err != nil {
		t.Fatal(err)
	}
	// Not on PATH either: fail closed, with the fix.
	out, code := runHook(t, filepath.Join(hooks, "pre-commit"), "", "/usr/bin:/bin")
	if code == 0 {
		t.Fatalf("hook passed without credguard: %s", out)
	}
	for _, want := range []string{"credguard binary is missing: " + gone, InstallHint, "credguard hook install"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	// On PATH: used, with a warning.
	pathDir := filepath.Join(dir, "path")
	standIn(t, filepath.Join(pathDir, "credguard"), log, 0)
	out, code = runHook(t, filepath.Join(hooks, "pre-commit"), "", pathDir+":/usr/bin:/bin")
	if code != 0 || !strings.Contains(out, "is gone; using "+filepath.Join(pathDir, "credguard")) {
		t.Errorf("exit %d, output:\n%s", code, out)
	}
	if got := readLog(t, log); got != "credguard scan --staged\n" {
		t.Errorf("PATH credguard got %q", got)
	}
}

func TestGlobalScriptRunsRepositoryHook(t *testing.T) {
	isolate(t)
	repo := newRepo(t)
	dir := t.TempDir()
	log := filepath.Join(dir, "log")
	bin := filepath.Join(dir, "credguard")
	standIn(t, bin, log, 0)
	global := filepath.Join(dir, "global")
	if _, err := Install(global, CommitMsg, Script(CommitMsg, ScriptOptions{Binary: bin, Global: true})); err != nil {
		t.Fatal(err)
	}
	standIn(t, filepath.Join(repo, ".git", "hooks", "commit-msg"), log, 0)
	run(t, repo, "config", "--global", "core.hooksPath", global)
	run(t, repo, "commit", "-q", "--allow-empty", "-m", "through the global hook")
	got := readLog(t, log)
	if !strings.Contains(got, "commit-msg .git/COMMIT_EDITMSG") || !strings.Contains(got, "credguard hook run commit-msg .git/COMMIT_EDITMSG") {
		t.Errorf("log:\n%s\nwant the repository's hook and credguard", got)
	}
	// The repository hook's failure still blocks.
	standIn(t, filepath.Join(repo, ".git", "hooks", "commit-msg"), log, 1)
	if _, err := git(t.Context(), repo, "commit", "-q", "--allow-empty", "-m", "blocked"); err == nil {
		t.Error("commit went through although the repository's commit-msg hook failed")
	}
}
