package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/credguard/credguard/internal/awskey"
)

// TestPreCommitFramework runs the real pre-commit tool against this
// repository's .pre-commit-hooks.yaml: 'pre-commit try-repo' builds
// credguard with go (language: golang) from a clone of this repository and
// runs the hook in a scratch repository. Committed files are what it
// clones; try-repo adds uncommitted changes to tracked files through a
// temporary commit, but not untracked files.
func TestPreCommitFramework(t *testing.T) {
	preCommit, err := exec.LookPath("pre-commit")
	if err != nil {
		t.Fatal("the pre-commit framework is not on PATH: install it (Debian: apt-get install -y pre-commit; .ci/run does)")
	}
	root := moduleRoot(t)
	tmp := t.TempDir()
	env := scratchGitEnv(t, tmp)
	// pre-commit points GOPATH at its own environment; keep the module and
	// build caches of this machine so the build needs no network.
	for _, k := range []string{"GOMODCACHE", "GOCACHE"} {
		out, err := exec.Command("go", "env", k).Output()
		if err != nil {
			t.Fatalf("go env %s: %v", k, err)
		}
		env = append(env, k+"="+strings.TrimSpace(string(out)))
	}
	env = append(env, "PRE_COMMIT_HOME="+filepath.Join(tmp, "pre-commit-home"), "PRE_COMMIT_COLOR=never")

	repo := filepath.Join(tmp, "repo")
	if err := os.Mkdir(repo, 0o755); err != nil {
		t.Fatal(err)
	}
	gitIn(t, repo, env, "init", "-q")
	writeTestFile(t, filepath.Join(repo, "app.py"), "print('hello')\n")
	gitIn(t, repo, env, "add", "app.py")

	tryRepo := func(hook string) (string, error) {
		cmd := exec.Command(preCommit, "try-repo", root, hook)
		cmd.Dir = repo
		cmd.Env = env
		var out bytes.Buffer
		cmd.Stdout = &out
		cmd.Stderr = &out
		err := cmd.Run()
		return out.String(), err
	}

	out, err := tryRepo("credguard")
	if err != nil {
		t.Fatalf("clean change: pre-commit try-repo failed: %v\n%s", err, out)
	}
	if !regexpMatch(`credguard \(AWS credentials in the staged change\)\.+Passed`, out) {
		t.Errorf("clean change: want the credguard hook to pass, got:\n%s", out)
	}

	id, secret := awskey.FakeID("AKIA", awskey.FakeAccount()), awskey.FakeSecret()
	writeTestFile(t, filepath.Join(repo, "settings.ini"), fmt.Sprintf("[aws]\naws_access_key_id = %s\naws_secret_access_key = %s\n", id, secret))
	gitIn(t, repo, env, "add", "settings.ini")
	out, err = tryRepo("credguard")
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 1 {
		t.Fatalf("staged leak: pre-commit try-repo: %v, want exit status 1\n%s", err, out)
	}
	if !regexpMatch(`credguard \(AWS credentials in the staged change\)\.+Failed`, out) ||
		!regexpMatch(`settings\.ini:2:\d+: aws-access-key-id: `, out) {
		t.Errorf("staged leak: want the hook to fail with a finding, got:\n%s", out)
	}
	if strings.Contains(out, id) || strings.Contains(out, secret) {
		t.Errorf("the output holds the key in clear:\n%s", out)
	}

	// credguard-lint runs with no files staged at all.
	gitIn(t, repo, env, "rm", "-q", "--cached", "settings.ini", "app.py")
	out, _ = tryRepo("credguard-lint")
	if !regexpMatch(`credguard lint \(AWS credentials and config files\)\.+(Passed|Failed)`, out) {
		t.Errorf("credguard-lint did not run with nothing staged:\n%s", out)
	}
}

// moduleRoot is the top of this repository's work tree.
func moduleRoot(t *testing.T) string {
	t.Helper()
	out, err := exec.Command("git", "rev-parse", "--show-toplevel").Output()
	if err != nil {
		t.Fatalf("this test needs the credguard source as a git checkout: %v", err)
	}
	root := strings.TrimSpace(string(out))
	if _, err := os.Stat(filepath.Join(root, ".pre-commit-hooks.yaml")); err != nil {
		t.Fatalf("no .pre-commit-hooks.yaml at %s: %v", root, err)
	}
	return root
}

// scratchGitEnv is the environment with its own HOME and git identity.
func scratchGitEnv(t *testing.T, tmp string) []string {
	t.Helper()
	home := filepath.Join(tmp, "home")
	if err := os.MkdirAll(home, 0o755); err != nil {
		t.Fatal(err)
	}
	writeTestFile(t, filepath.Join(home, ".gitconfig"), "[init]\n\tdefaultBranch = main\n[user]\n\tname = Test\n\temail = test@example.com\n[commit]\n\tgpgsign = false\n")
	var env []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		switch {
		case k == "HOME", k == "USERPROFILE", k == "XDG_CONFIG_HOME", strings.HasPrefix(k, "GIT_"),
			strings.HasPrefix(k, "AWS_"), strings.HasPrefix(k, "PRE_COMMIT"):
			continue
		}
		env = append(env, kv)
	}
	return append(env, "HOME="+home, "USERPROFILE="+home, "GIT_CONFIG_NOSYSTEM=1")
}

func gitIn(t *testing.T, dir string, env []string, args ...string) string {
	t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Env = env
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return strings.TrimSpace(string(out))
}

func writeTestFile(t *testing.T, path, data string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(data), 0o600); err != nil {
		t.Fatal(err)
	}
}

func regexpMatch(pattern, s string) bool {
	return regexp.MustCompile(pattern).MatchString(s)
}
