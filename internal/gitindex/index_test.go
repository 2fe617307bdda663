package gitindex

import (
	"bytes"
	"crypto/sha1"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	goindex "github.com/go-git/go-git/v5/plumbing/format/index"

	"github.com/credguard/credguard/internal/gittest"
)

// sampleRepo builds a repository whose index holds every kind of entry:
// nested folders, an executable, a symlink, a submodule (gitlink), a path
// longer than the 12-bit name length, an intent-to-add entry, skip-worktree
// and assume-unchanged flags, and a staged change that invalidates part of
// the cache-tree.
func sampleRepo(t testing.TB) *gittest.Repo { return sample(t, true) }

// sample is sampleRepo, without the entries that need extended flags (and
// so index version 3) unless extended is set.
func sample(t testing.TB, extended bool) *gittest.Repo {
	r := gittest.New(t)
	r.Write("README", "hello\n")
	r.Write("a/b/c.txt", "c\n")
	r.Write("a/b.txt", "b\n")
	r.Write("a.b/x", "x\n")
	r.Write("z/y/x/w", "w\n")
	for i := range 30 {
		r.Write(fmt.Sprintf("many/f%02d", i), fmt.Sprint(i))
	}
	r.Write("bin/run", "#!/bin/sh\n")
	if err := os.Chmod(r.Path("bin/run"), 0o755); err != nil {
		t.Fatal(err)
	}
	r.Commit("one")
	blob := r.Git("hash-object", "-w", "README")
	long := strings.Repeat("d/", 2100) + "long"
	r.Git("update-index", "--add", "--cacheinfo", "100644,"+blob+","+long)
	r.Git("update-index", "--add", "--cacheinfo", "120000,"+blob+",link")
	head := r.Git("rev-parse", "HEAD")
	r.Git("update-index", "--add", "--cacheinfo", "160000,"+head+",sub")
	if extended {
		r.Write("new.txt", "new\n")
		r.Git("add", "-N", "new.txt")
		r.Git("update-index", "--skip-worktree", "a/b/c.txt")
	}
	r.Git("update-index", "--assume-unchanged", "a/b.txt")
	r.Write("z/y/x/w", "changed\n")
	r.Git("add", "z/y/x/w")
	return r
}

func readBoth(t *testing.T, path string) (*Index, *goindex.Index) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	got, err := Parse(data)
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	want := &goindex.Index{}
	if err := goindex.NewDecoder(bytes.NewReader(data)).Decode(want); err != nil {
		t.Fatalf("go-git decode: %v", err)
	}
	return got, want
}

// TestParseMatchesGoGit checks the reader against go-git's decoder on every
// index version git writes.
func TestParseMatchesGoGit(t *testing.T) {
	for _, v := range []string{"2", "3", "4"} {
		t.Run("v"+v, func(t *testing.T) {
			// Git writes version 3 only when an entry needs extended
			// flags, so version 2 gets a sample without them.
			r := sample(t, v != "2")
			r.Git("update-index", "--index-version", v)
			got, want := readBoth(t, r.Path(".git/index"))
			if fmt.Sprint(got.Version) != v || got.Version != want.Version {
				t.Fatalf("version = %d, want %s (go-git %d)", got.Version, v, want.Version)
			}
			if len(got.Entries) != len(want.Entries) {
				t.Fatalf("%d entries, want %d", len(got.Entries), len(want.Entries))
			}
			var ita, skip, assume, long bool
			for i, w := range want.Entries {
				g := got.Entries[i]
				if g.Name != w.Name || g.Hash != Hash(w.Hash) || uint32(g.Mode) != uint32(w.Mode) ||
					int(g.Stage) != int(w.Stage) || g.SkipWorktree != w.SkipWorktree ||
					g.IntentToAdd != w.IntentToAdd || g.Size != w.Size {
					t.Errorf("entry %d:\n got %+v\nwant %v %s %o stage %d skip %v ita %v size %d",
						i, g, w.Name, w.Hash, w.Mode, w.Stage, w.SkipWorktree, w.IntentToAdd, w.Size)
				}
				ita = ita || g.IntentToAdd
				skip = skip || g.SkipWorktree
				assume = assume || g.AssumeValid
				long = long || len(g.Name) > nameMask
			}
			if v == "2" {
				ita, skip = true, true
			}
			if !ita || !skip || !assume || !long {
				t.Errorf("sample lacks a case: intent-to-add %v, skip-worktree %v, assume-unchanged %v, long name %v", ita, skip, assume, long)
			}
			if want.Cache == nil || got.Tree == nil {
				t.Fatalf("cache-tree: got %v, go-git %v; want both", got.Tree != nil, want.Cache != nil)
			}
			var flat []goindex.TreeEntry
			var walk func(*Tree)
			walk = func(n *Tree) {
				// go-git keeps only the valid folders.
				if n.Valid() {
					flat = append(flat, goindex.TreeEntry{Path: n.Name, Entries: n.Entries, Trees: len(n.Subtrees), Hash: [20]byte(n.Hash)})
				}
				for _, c := range n.Subtrees {
					walk(c)
				}
			}
			walk(got.Tree)
			if fmt.Sprint(flat) != fmt.Sprint(want.Cache.Entries) {
				t.Errorf("cache-tree:\n got %v\nwant %v", flat, want.Cache.Entries)
			}
			if got.Tree.Valid() {
				t.Errorf("root of the cache-tree is valid after a staged change")
			}
			if n := got.Tree.Subtree("many"); !n.Valid() || n.Entries != 30 || got.Tree.Subtree("z").Subtree("y") == nil || got.Tree.Subtree("zz") != nil {
				t.Errorf("Subtree lookups wrong: a=%+v", n)
			}
		})
	}
}

// TestParseConflicts reads an index in the middle of a merge conflict:
// stages 1-3 for one path, and the resolve-undo extension after resolving.
func TestParseConflicts(t *testing.T) {
	r := gittest.New(t)
	r.Write("f", "base\n")
	r.Commit("base")
	r.Git("checkout", "-q", "-b", "other")
	r.Write("f", "theirs\n")
	r.Commit("theirs")
	r.Git("checkout", "-q", "main")
	r.Write("f", "ours\n")
	r.Commit("ours")
	if _, err := r.TryGit("merge", "-q", "other"); err == nil {
		t.Fatal("merge succeeded; want a conflict")
	}
	got, want := readBoth(t, r.Path(".git/index"))
	var stages []Stage
	for i, e := range got.Entries {
		if e.Name != want.Entries[i].Name || int(e.Stage) != int(want.Entries[i].Stage) {
			t.Errorf("entry %d = %s/%d, go-git %s/%d", i, e.Name, e.Stage, want.Entries[i].Name, want.Entries[i].Stage)
		}
		stages = append(stages, e.Stage)
	}
	if fmt.Sprint(stages) != "[1 2 3]" {
		t.Errorf("stages = %v, want [1 2 3]", stages)
	}
	r.Write("f", "resolved\n")
	r.Git("add", "f")
	got, _ = readBoth(t, r.Path(".git/index"))
	if !strings.Contains(strings.Join(got.Extensions, " "), "REUC") {
		t.Errorf("extensions = %v, want REUC after resolving", got.Extensions)
	}
}

// TestOptionalExtensions checks that the extensions git writes for speed
// (untracked cache, fsmonitor, end-of-index and offset table) are tolerated.
func TestOptionalExtensions(t *testing.T) {
	r := sampleRepo(t)
	r.Git("config", "index.recordEndOfIndexEntries", "true")
	r.Git("config", "index.recordOffsetTable", "true")
	r.Git("config", "index.threads", "2")
	r.Git("config", "core.untrackedCache", "true")
	if runtime.GOOS != "windows" {
		hook := filepath.Join(t.TempDir(), "fsmonitor")
		// Version 1 of the fsmonitor hook protocol: print the changed
		// paths, NUL-terminated; "/" means everything.
		if err := os.WriteFile(hook, []byte("#!/bin/sh\nprintf '/\\0'\n"), 0o755); err != nil {
			t.Fatal(err)
		}
		r.Git("config", "core.fsmonitor", hook)
		r.Git("config", "core.fsmonitorHookVersion", "1")
	}
	r.Git("update-index", "--untracked-cache")
	r.Git("status", "--porcelain")
	r.Git("update-index", "--index-version", "4")
	r.Git("status", "--porcelain")
	data, err := os.ReadFile(r.Path(".git/index"))
	if err != nil {
		t.Fatal(err)
	}
	idx, err := Parse(data)
	if err != nil {
		t.Fatal(err)
	}
	exts := strings.Join(idx.Extensions, " ")
	want := []string{"TREE", "UNTR", "EOIE", "IEOT"}
	if runtime.GOOS != "windows" {
		want = append(want, "FSMN")
	}
	for _, w := range want {
		if !strings.Contains(exts, w) {
			t.Errorf("extensions = %q, want %s among them", exts, w)
		}
	}
}

// TestSkipHash: with index.skipHash (git 2.40+) the trailing checksum is
// all zeros and, as in git, not verified.
func TestSkipHash(t *testing.T) {
	body := encode(2, []string{"a", "b"})
	idx, err := Parse(append(bytes.Clone(body), make([]byte, HashSize)...))
	if err != nil || len(idx.Entries) != 2 || !idx.Checksum.IsZero() {
		t.Fatalf("zero checksum: %v, %+v", err, idx)
	}
	sum := sha1.Sum(body)
	sum[0] ^= 1
	if _, err := Parse(append(bytes.Clone(body), sum[:]...)); err == nil {
		t.Fatal("wrong checksum accepted")
	}
}

func TestSplitIndexRefused(t *testing.T) {
	r := sampleRepo(t)
	r.Git("update-index", "--split-index")
	_, err := ReadFile(r.Path(".git/index"))
	if !errors.Is(err, ErrUnsupported) || !strings.Contains(err.Error(), "split index") {
		t.Fatalf("err = %v, want ErrUnsupported naming the split index", err)
	}
}

// TestSparseIndex reads a sparse index: folders outside the cone are single
// entries naming their tree.
func TestSparseIndex(t *testing.T) {
	r := sampleRepo(t)
	r.Git("reset", "-q", "--hard")
	r.Git("sparse-checkout", "init", "--cone", "--sparse-index")
	r.Git("sparse-checkout", "set", "a")
	idx, err := ReadFile(r.Path(".git/index"))
	if err != nil {
		t.Fatal(err)
	}
	if !idx.Sparse {
		t.Errorf("Sparse = false, extensions %v", idx.Extensions)
	}
	var dirs []string
	for _, e := range idx.Entries {
		if e.Mode.Type() != ModeDir {
			continue
		}
		dirs = append(dirs, e.Name)
		if want := r.Git("rev-parse", "HEAD:"+strings.TrimSuffix(e.Name, "/")); e.Hash.String() != want || !e.SkipWorktree {
			t.Errorf("%s: hash %s skip-worktree %v, want %s and true", e.Name, e.Hash, e.SkipWorktree, want)
		}
	}
	if fmt.Sprint(dirs) != "[a.b/ bin/ many/ z/]" {
		t.Errorf("folder entries = %v", dirs)
	}
}

// TestCorrupt damages a real index in the ways a disk or a crash does, and
// in ways that keep the checksum right (a buggy writer): each must be an
// error, never a partial read.
func TestCorrupt(t *testing.T) {
	r := sampleRepo(t)
	for _, v := range []string{"2", "4"} {
		r.Git("update-index", "--index-version", v)
		good, err := os.ReadFile(r.Path(".git/index"))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := Parse(good); err != nil {
			t.Fatal(err)
		}
		resum := func(b []byte) []byte {
			s := sha1.Sum(b[:len(b)-HashSize])
			copy(b[len(b)-HashSize:], s[:])
			return b
		}
		tests := []struct {
			name string
			data []byte
		}{
			{"empty", nil},
			{"header only", good[:12]},
			{"truncated", good[:len(good)/2]},
			{"last byte lost", good[:len(good)-1]},
			{"byte flipped", flip(good, len(good)/2)},
			{"checksum flipped", flip(good, len(good)-1)},
			{"bad signature", resum(flip(good, 0))},
			{"version 5", resum(set(good, 7, 5))},
			{"entry count too high", resum(set(good, 11, good[11]+1))},
			{"entry count huge", resum(set(set(good, 8, 0x7f), 9, 0xff))},
			{"name not terminated", resum(nameUnterminated(good))},
			{"entries out of order", resum(swapFirstNames(t, good, v))},
		}
		for _, tt := range tests {
			t.Run("v"+v+"/"+tt.name, func(t *testing.T) {
				idx, err := Parse(tt.data)
				if err == nil {
					t.Fatalf("Parse succeeded with %d entries; want an error", len(idx.Entries))
				}
				var ce *CorruptError
				if !errors.As(err, &ce) && !errors.Is(err, ErrUnsupported) {
					t.Errorf("err = %v (%T), want *CorruptError or ErrUnsupported", err, err)
				}
			})
		}
	}
}

func flip(b []byte, i int) []byte { return set(b, i, b[i]^0x55) }

func set(b []byte, i int, c byte) []byte {
	out := bytes.Clone(b)
	out[i] = c
	return out
}

// nameUnterminated overwrites the first entry's name terminator and padding.
func nameUnterminated(b []byte) []byte {
	out := bytes.Clone(b)
	for i := headerSize + entryFixed; i < len(out)-HashSize && i < headerSize+entryFixed+64; i++ {
		if out[i] == 0 {
			out[i] = 'x'
		}
	}
	return out
}

// swapFirstNames exchanges the first letters of the first two names.
func swapFirstNames(t *testing.T, b []byte, v string) []byte {
	out := bytes.Clone(b)
	first := headerSize + entryFixed
	if v == "4" {
		first++ // the prefix length varint
	}
	second := bytes.IndexByte(out[first:], 0) + first
	for out[second] == 0 {
		second++
	}
	second += entryFixed
	if v == "4" {
		second++
	}
	if out[first] == out[second] {
		t.Fatalf("sample's first two names start alike: %q", out[first:first+8])
	}
	out[first], out[second] = out[second], out[first]
	return out
}

func TestVarint(t *testing.T) {
	tests := []struct {
		in   []byte
		want uint64
		n    int
	}{
		{[]byte{0}, 0, 1},
		{[]byte{0x7f}, 127, 1},
		{[]byte{0x80, 0}, 128, 2},
		{[]byte{0x80, 0x7f}, 255, 2},
		{[]byte{0x81, 0}, 256, 2},
		{[]byte{0x80}, 0, 0},
		{nil, 0, 0},
	}
	for _, tt := range tests {
		got, n := varint(tt.in)
		if got != tt.want || n != tt.n {
			t.Errorf("varint(%x) = %d, %d; want %d, %d", tt.in, got, n, tt.want, tt.n)
		}
	}
}

// encode writes an index body (no checksum) of the given version holding
// names as regular files, with a one-folder TREE extension: enough to seed
// the fuzzer without running git in every fuzz worker.
func encode(version uint32, names []string) []byte {
	var b bytes.Buffer
	b.WriteString("DIRC")
	binary.Write(&b, binary.BigEndian, version)
	binary.Write(&b, binary.BigEndian, uint32(len(names)))
	prev := ""
	for i, name := range names {
		start := b.Len()
		var fixed [entryFixed]byte
		binary.BigEndian.PutUint32(fixed[24:], uint32(ModeRegular))
		fixed[40] = byte(i)
		flags := uint16(min(len(name), nameMask))
		if version >= 3 && i%2 == 1 {
			flags |= flagExtended
		}
		binary.BigEndian.PutUint16(fixed[60:], flags)
		b.Write(fixed[:])
		if flags&flagExtended != 0 {
			b.Write([]byte{0x40, 0}) // skip-worktree
		}
		if version == 4 {
			common := 0
			for common < len(prev) && common < len(name) && prev[common] == name[common] {
				common++
			}
			b.WriteByte(byte(len(prev) - common)) // under 128: one varint byte
			b.WriteString(name[common:])
			b.WriteByte(0)
		} else {
			b.WriteString(name)
			for pad := 8 - (b.Len()-start)%8; pad > 0; pad-- {
				b.WriteByte(0)
			}
		}
		prev = name
	}
	tree := fmt.Sprintf("\x00%d 1\n%sdir\x00-1 0\n", len(names), strings.Repeat("h", HashSize))
	b.WriteString("TREE")
	binary.Write(&b, binary.BigEndian, uint32(len(tree)))
	b.WriteString(tree)
	return b.Bytes()
}

func TestEncodeSeeds(t *testing.T) {
	names := []string{"a", "dir/b", "dir/c", "z"}
	for _, v := range []uint32{2, 3, 4} {
		body := encode(v, names)
		sum := sha1.Sum(body)
		idx, err := Parse(append(body, sum[:]...))
		if err != nil {
			t.Fatalf("v%d: %v", v, err)
		}
		var got []string
		for _, e := range idx.Entries {
			got = append(got, e.Name)
		}
		if fmt.Sprint(got) != fmt.Sprint(names) || idx.Tree.Subtree("dir") == nil {
			t.Errorf("v%d: names %q, tree %+v", v, got, idx.Tree)
		}
	}
}

// FuzzParse checks that no input makes the reader panic or accept an entry
// without a name. The checksum is bypassed so mutations reach the parser.
func FuzzParse(f *testing.F) {
	names := []string{"README", "a/b/c.txt", "a/b/d.txt", "a/e", "zz/" + strings.Repeat("x", 70)}
	for _, v := range []uint32{2, 3, 4} {
		f.Add(encode(v, names))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		if len(body) < headerSize {
			return
		}
		idx, err := parse(body)
		if err != nil {
			return
		}
		for _, e := range idx.Entries {
			if e.Name == "" {
				t.Fatal("empty name accepted")
			}
		}
	})
}
