package gitindex

import (
	"bytes"
	"os"
	"testing"

	goindex "github.com/go-git/go-git/v5/plumbing/format/index"

	"github.com/credguard/credguard/internal/gittest"
)

// BenchmarkIndexRead reads a 100,000-entry index (version 2, with a
// cache-tree) from disk and parses it, checksum included.
func BenchmarkIndexRead(b *testing.B) {
	r := gittest.Synthetic(b, 100_000)
	path := r.Path(".git/index")
	b.ResetTimer()
	for b.Loop() {
		idx, err := ReadFile(path)
		if err != nil || len(idx.Entries) != 100_000 {
			b.Fatal(err)
		}
	}
}

// BenchmarkIndexReadGoGit is go-git's decoder on the same index, for
// comparison.
func BenchmarkIndexReadGoGit(b *testing.B) {
	r := gittest.Synthetic(b, 100_000)
	path := r.Path(".git/index")
	b.ResetTimer()
	for b.Loop() {
		data, err := os.ReadFile(path)
		if err != nil {
			b.Fatal(err)
		}
		var idx goindex.Index
		if err := goindex.NewDecoder(bytes.NewReader(data)).Decode(&idx); err != nil {
			b.Fatal(err)
		}
	}
}
