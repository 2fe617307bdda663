package files

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"testing"

	"github.com/credguard/credguard/internal/awskey"
	"github.com/credguard/credguard/scan"
)

func write(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func files(res *scan.Result) []string {
	var out []string
	for _, f := range res.Findings {
		out = append(out, f.File)
	}
	sort.Strings(out)
	return out
}

func TestWalk(t *testing.T) {
	root := t.TempDir()
	outside := t.TempDir()
	k := awskey.FakeID("AKIA", awskey.FakeAccount())
	write(t, filepath.Join(root, "a.txt"), "key "+k+"\n")
	write(t, filepath.Join(root, "sub/deep/b.env"), "X="+k+"\n")
	write(t, filepath.Join(root, "clean.txt"), "nothing here\n")
	write(t, filepath.Join(root, ".git/config"), k+"\n")        // skipped: git's own folder
	write(t, filepath.Join(root, "wt/.git"), "gitdir: "+k+"\n") // a worktree's pointer file
	write(t, filepath.Join(outside, "secret.txt"), k+"\n")
	if runtime.GOOS != "windows" {
		if err := os.Symlink(outside, filepath.Join(root, "link-out")); err != nil {
			t.Fatal(err)
		}
		if err := os.Symlink(filepath.Join(outside, "secret.txt"), filepath.Join(root, "file-link")); err != nil {
			t.Fatal(err)
		}
	}
	res, err := Scan(context.Background(), []string{root}, scan.New(scan.Options{}), Options{})
	if err != nil {
		t.Fatal(err)
	}
	got := strings.Join(files(res), "\n")
	want := strings.Join([]string{filepath.ToSlash(root) + "/a.txt", filepath.ToSlash(root) + "/sub/deep/b.env"}, "\n")
	if got != want {
		t.Errorf("findings in\n%s\nwant\n%s", got, want)
	}
	if len(res.Skipped) != 0 {
		t.Errorf("skipped %v", res.Skipped)
	}
}

func TestNamedFileAndMissingPath(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "x.txt")
	write(t, p, awskey.FakeID("ASIA", -1)+"\n")
	res, err := Scan(context.Background(), []string{p}, scan.New(scan.Options{}), Options{})
	if err != nil || len(res.Findings) != 1 {
		t.Fatalf("res %+v, err %v", res, err)
	}
	if _, err := Scan(context.Background(), []string{filepath.Join(dir, "nope")}, scan.New(scan.Options{}), Options{}); !os.IsNotExist(err) {
		t.Errorf("missing path: err = %v, want not-exist", err)
	}
}
