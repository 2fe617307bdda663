package history

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/credguard/credguard/internal/awskey"
	"github.com/credguard/credguard/scan"
)

// syntheticRepo builds, with git fast-import, a repository of commits that
// each edit a few of files lines (a key ID now and then), and packs it.
func syntheticRepo(b *testing.B, commits, files int) string {
	b.Helper()
	dir := b.TempDir()
	git := func(stdin []byte, args ...string) {
		cmd := exec.Command("git", args...)
		cmd.Dir = dir
		cmd.Stdin = bytes.NewReader(stdin)
		if out, err := cmd.CombinedOutput(); err != nil {
			b.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	git(nil, "init", "-q", "-b", "main")
	rng := rand.New(rand.NewPCG(5, 6))
	content := make([][]string, files)
	for f := range content {
		for i := 0; i < 200; i++ {
			content[f] = append(content[f], fmt.Sprintf("file %d line %d: some ordinary configuration text", f, i))
		}
	}
	var s bytes.Buffer
	for c := 1; c <= commits; c++ {
		fmt.Fprintf(&s, "commit refs/heads/main\ncommitter Bench <bench@example.com> %d +0000\ndata 6\ncommit\n", 1700000000+c)
		for k := 0; k < 3; k++ {
			f := rng.IntN(files)
			line := fmt.Sprintf("edited in commit %d", c)
			if rng.IntN(50) == 0 {
				line = "aws_access_key_id = " + awskey.FakeID("AKIA", -1)
			}
			content[f][rng.IntN(len(content[f]))] = line
			data := strings.Join(content[f], "\n") + "\n"
			fmt.Fprintf(&s, "M 644 inline dir%d/file%d.txt\ndata %d\n%s\n", f%10, f, len(data), data)
		}
	}
	git(s.Bytes(), "fast-import", "--quiet")
	git(nil, "repack", "-adq")
	return dir
}

// BenchmarkScanAll measures a whole-history scan of a synthetic repository
// (2,000 commits, 50 files). bench/history.sh measures real ones against
// gitleaks.
func BenchmarkScanAll(b *testing.B) {
	dir := syntheticRepo(b, 2000, 50)
	det := scan.New(scan.Options{})
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		res, err := Scan(context.Background(), dir, det, Options{All: true})
		if err != nil || len(res.Findings) == 0 || len(res.Skipped) != 0 {
			b.Fatalf("res %d findings, %v skipped, err %v", len(res.Findings), res.Skipped, err)
		}
	}
}

// BenchmarkObjectPass measures the pack pass alone.
func BenchmarkObjectPass(b *testing.B) {
	dir := syntheticRepo(b, 2000, 50)
	pf := newPrefilter(nil)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := objectPass(context.Background(), filepath.Join(dir, ".git", "objects"), pf, 2, 1<<28); err != nil {
			b.Fatal(err)
		}
	}
}
