package staged

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/format/idxfile"

	"github.com/credguard/credguard/internal/gittest"
)

// TestLazyIndexMatchesGoGit checks every lookup of the lazy pack index
// against go-git's decoded index: by name, by offset (both the linear
// search and the sorted table that replaces it), CRC-32, and misses.
func TestLazyIndexMatchesGoGit(t *testing.T) {
	r := gittest.New(t)
	for i := range 120 {
		r.Write(fmt.Sprintf("d%d/f%03d.txt", i%7, i), strings.Repeat(fmt.Sprintf("line of file %d\n", i%10), 40+i))
	}
	r.Commit("one")
	r.Git("gc", "-q")
	idxs, err := filepath.Glob(r.Path(".git/objects/pack/*.idx"))
	if err != nil || len(idxs) != 1 {
		t.Fatalf("packs: %v %v", idxs, err)
	}
	f, err := os.Open(idxs[0])
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	want := idxfile.NewMemoryIndex()
	if err := idxfile.NewDecoder(f).Decode(want); err != nil {
		t.Fatal(err)
	}
	got, err := openLazyIndex(idxs[0])
	if err != nil {
		t.Fatal(err)
	}
	defer got.f.Close()
	if n, _ := want.Count(); n != got.n || n < 100 {
		t.Fatalf("count = %d, go-git %d", got.n, n)
	}
	iter, err := want.Entries()
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; ; i++ {
		e, err := iter.Next()
		if err != nil {
			break
		}
		if off, err := got.FindOffset(e.Hash); err != nil || off != int64(e.Offset) {
			t.Errorf("FindOffset(%s) = %d, %v; want %d", e.Hash, off, err, e.Offset)
		}
		if crc, err := got.FindCRC32(e.Hash); err != nil || crc != e.CRC32 {
			t.Errorf("FindCRC32(%s) = %x, %v; want %x", e.Hash, crc, err, e.CRC32)
		}
		if h, err := got.FindHash(int64(e.Offset)); err != nil || h != e.Hash {
			t.Errorf("FindHash(%d) = %s, %v; want %s (call %d)", e.Offset, h, err, e.Hash, i)
		}
	}
	if got.byOffset == nil {
		t.Errorf("the sorted offset table was never built")
	}
	missing := plumbing.NewHash(strings.Repeat("ff", 20))
	if ok, _ := got.Contains(missing); ok {
		t.Errorf("Contains(%s) = true", missing)
	}
	if _, err := got.FindHash(3); err != plumbing.ErrObjectNotFound {
		t.Errorf("FindHash(3) err = %v, want ErrObjectNotFound", err)
	}
}

// TestFirstCommitFromPack scans a whole tree whose blobs are packed as
// deltas of each other: every lookup goes through the lazy index.
func TestFirstCommitFromPack(t *testing.T) {
	r := gittest.New(t)
	var keys []string
	for i := range 60 {
		body := strings.Repeat(fmt.Sprintf("shared line %d\n", i%5), 200)
		if i%20 == 0 {
			body += "key " + newKey() + "\n"
			keys = append(keys, fmt.Sprintf("f%02d.txt:201", i))
		}
		r.Write(fmt.Sprintf("f%02d.txt", i), body)
	}
	r.Commit("one")
	r.Git("gc", "-q")
	r.Git("symbolic-ref", "HEAD", "refs/heads/unborn") // everything staged is new
	want(t, mustScan(t, r.Dir), keys...)
}
