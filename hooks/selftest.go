package hooks

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/credguard/credguard/internal/awskey"
)

// SelfTestResult is what SelfTest saw.
type SelfTestResult struct {
	CleanPassed bool   // a commit without credentials went through
	CleanOutput string // what the hook printed for it
	Blocked     bool   // the commit of a fresh fake key was refused
	Fired       bool   // ... because credguard reported it
	Output      string // what git and the hook printed for it
}

// OK reports whether the guard works: clean commits pass and the fake key
// is blocked by a credguard finding.
func (r *SelfTestResult) OK() bool { return r.CleanPassed && r.Blocked && r.Fired }

// SelfTest shows the guard fire, since AWS's documentation example keys never
// block. In a throwaway repository it installs script as the pre-commit
// hook, commits a clean file (which must pass), then stages a credentials
// file holding a freshly generated fake key and secret and commits again
// (which must be blocked). The repository is removed afterwards.
func SelfTest(ctx context.Context, script []byte) (*SelfTestResult, error) {
	tmp, err := os.MkdirTemp("", "credguard-hook-test-*")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)
	repo := filepath.Join(tmp, "repo")
	hooksDir := filepath.Join(tmp, "hooks")
	if _, err := Install(hooksDir, PreCommit, script); err != nil {
		return nil, err
	}
	// The user's own config stays in force (it is what their commits run
	// with), except what would make this test measure something else.
	gitc := func(args ...string) (string, error) {
		full := append([]string{
			"-c", "core.hooksPath=" + filepath.ToSlash(hooksDir),
			"-c", "user.name=credguard hook test", "-c", "user.email=credguard@invalid",
			"-c", "commit.gpgsign=false", "-c", "init.templateDir=",
		}, args...)
		cmd := exec.CommandContext(ctx, "git", full...)
		cmd.Dir = repo
		cmd.Env = cleanGitEnv(os.Environ())
		var out bytes.Buffer
		cmd.Stdout = &out
		cmd.Stderr = &out
		err := cmd.Run()
		return out.String(), err
	}
	if err := os.Mkdir(repo, 0o700); err != nil {
		return nil, err
	}
	if out, err := gitc("init", "-q"); err != nil {
		return nil, fmt.Errorf("git init: %v: %s", err, strings.TrimSpace(out))
	}
	r := &SelfTestResult{}

	if err := os.WriteFile(filepath.Join(repo, "README"), []byte("nothing secret here\n"), 0o600); err != nil {
		return nil, err
	}
	if out, err := gitc("add", "README"); err != nil {
		return nil, fmt.Errorf("git add: %v: %s", err, strings.TrimSpace(out))
	}
	out, err := gitc("commit", "-q", "-m", "clean commit")
	r.CleanOutput = out
	if err != nil {
		if _, ok := err.(*exec.ExitError); !ok {
			return nil, err
		}
		return r, nil // a guard that blocks everything is not working
	}
	r.CleanPassed = true

	// A credentials file as AWS's guides describe it, with a key that has
	// the exact shape of a real one. Mode 0600: it looks like a secret.
	creds := fmt.Sprintf("[default]\naws_access_key_id = %s\naws_secret_access_key = %s\n",
		awskey.FakeID("AKIA", awskey.FakeAccount()), awskey.FakeSecret())
	if err := os.WriteFile(filepath.Join(repo, "credentials"), []byte(creds), 0o600); err != nil {
		return nil, err
	}
	if out, err := gitc("add", "credentials"); err != nil {
		return nil, fmt.Errorf("git add: %v: %s", err, strings.TrimSpace(out))
	}
	out, err = gitc("commit", "-q", "-m", "commit a fake key")
	r.Output = out
	if err != nil {
		if _, ok := err.(*exec.ExitError); !ok {
			return nil, err
		}
		r.Blocked = true
		r.Fired = strings.Contains(out, "aws-access-key-id") || strings.Contains(out, "aws-secret-access-key")
	}
	return r, nil
}

// cleanGitEnv drops the variables that would point git at another
// repository (set when this runs from inside a hook).
func cleanGitEnv(env []string) []string {
	out := env[:0:0]
	for _, kv := range env {
		k, _, _ := strings.Cut(kv, "=")
		switch strings.ToUpper(k) {
		case "GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_COMMON_DIR", "GIT_OBJECT_DIRECTORY",
			"GIT_ALTERNATE_OBJECT_DIRECTORIES", "GIT_PREFIX":
			continue
		}
		out = append(out, kv)
	}
	return out
}
