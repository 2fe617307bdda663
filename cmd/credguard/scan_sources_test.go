package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/credguard/credguard/internal/awskey"
	"github.com/credguard/credguard/scan"
)

// TestConfigAllowsByFingerprint drives 'credguard scan' on a real repository
// whose .credguard.ini allows one key by fingerprint: that key passes on
// every source, another is still reported.
func TestConfigAllowsByFingerprint(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("HOME", dir)
	t.Setenv("GIT_CONFIG_NOSYSTEM", "1")
	git := func(args ...string) {
		t.Helper()
		cmd := exec.Command("git", append([]string{"-c", "user.name=T", "-c", "user.email=t@example.com"}, args...)...)
		cmd.Dir = dir
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	allowed, other := awskey.FakeID("AKIA", awskey.FakeAccount()), awskey.FakeID("AKIA", awskey.FakeAccount())
	os.WriteFile(filepath.Join(dir, "fixture.txt"), []byte(allowed+"\n"), 0o644)
	os.WriteFile(filepath.Join(dir, ".credguard.ini"), []byte("[allow]\nfingerprint = "+scan.Fingerprint(scan.RuleAccessKeyID, allowed)+" ; docs fixture\n"), 0o644)
	git("init", "-q")
	git("add", "-A")
	git("commit", "-qm", "fixture")

	scanArgs := func(args ...string) (string, int) {
		var out, errb bytes.Buffer
		err := run(context.Background(), append([]string{"scan", "-C", dir}, args...), strings.NewReader(""), &out, &errb)
		return out.String() + errb.String(), exitCode(err, &errb)
	}
	for _, args := range [][]string{{"--all"}, {"--range", "HEAD"}, {filepath.Join(dir, "fixture.txt")}} {
		if out, code := scanArgs(args...); code != 0 {
			t.Errorf("scan %v = %d, want 0 (allowed):\n%s", args, code, out)
		}
	}
	os.WriteFile(filepath.Join(dir, "other.txt"), []byte(other+"\n"), 0o644)
	git("add", "-A")
	git("commit", "-qm", "other")
	out, code := scanArgs("--all")
	if code != 1 || !strings.Contains(out, "other.txt:1:1") || strings.Contains(out, "fixture.txt") {
		t.Errorf("scan --all = %d, want 1 with other.txt only:\n%s", code, out)
	}
}
