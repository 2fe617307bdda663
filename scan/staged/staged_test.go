package staged

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/credguard/credguard/internal/awskey"
	"github.com/credguard/credguard/internal/gitindex"
	"github.com/credguard/credguard/internal/gittest"
	"github.com/credguard/credguard/scan"
)

// newKey returns a fresh fake access key ID (never a committed literal).
func newKey() string { return awskey.FakeID("AKIA", awskey.FakeAccount()) }

// scanDir runs a staged scan of dir with env as the whole environment and
// the given window size (0 for the default).
func scanDir(t *testing.T, dir string, env map[string]string, window int64) (*scan.Result, error) {
	t.Helper()
	o := Options{WindowSize: window, Getenv: func(k string) string { return env[k] }}
	return o.Scan(context.Background(), dir, scan.New(scan.Options{}))
}

// mustScan scans dir and returns "file:line" for each finding.
func mustScan(t *testing.T, dir string) []string {
	t.Helper()
	res, err := scanDir(t, dir, nil, 0)
	if err != nil {
		t.Fatalf("Scan: %v", err)
	}
	if len(res.Skipped) > 0 {
		t.Fatalf("Scan skipped %v", res.Skipped)
	}
	return where(res)
}

func where(res *scan.Result) []string {
	var out []string
	for _, f := range res.Findings {
		out = append(out, fmt.Sprintf("%s:%d", f.File, f.Line))
	}
	return out
}

func want(t *testing.T, got []string, want ...string) {
	t.Helper()
	if !slices.Equal(got, want) {
		t.Errorf("findings = %q, want %q", got, want)
	}
}

func TestFirstCommit(t *testing.T) {
	r := gittest.New(t)
	want(t, mustScan(t, r.Dir)) // no index file yet
	key := newKey()
	r.Write("conf/app.env", "A=1\nAWS_ACCESS_KEY_ID="+key+"\n")
	r.Write("README", "nothing here\n")
	r.Git("add", ".")
	res, err := scanDir(t, r.Dir, nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	want(t, where(res), "conf/app.env:2")
	if res.Root != r.Dir {
		t.Errorf("Root = %q, want %q", res.Root, r.Dir)
	}
	if f := res.Findings[0]; f.Column != 19 || f.Rule != scan.RuleAccessKeyID || strings.Contains(f.Redacted, key) {
		t.Errorf("finding = %+v", f)
	}
}

func TestOnlyWhatTheCommitAdds(t *testing.T) {
	r := gittest.New(t)
	old, added := newKey(), newKey()
	r.Write("a.txt", "id = "+old+"\nline two\n")
	r.Commit("one")
	want(t, mustScan(t, r.Dir)) // nothing staged

	r.Write("a.txt", "id = "+old+"\nline two changed\n")
	r.Git("add", "a.txt")
	want(t, mustScan(t, r.Dir)) // the key was already committed

	r.Write("a.txt", "id = "+old+"\nline two changed\nnew = "+added+"\n")
	r.Git("add", "a.txt")
	want(t, mustScan(t, r.Dir), "a.txt:3")

	// The same old key, now also in another file: a new occurrence.
	r.Git("reset", "-q", "--hard")
	r.Write("b.txt", old+"\n")
	r.Git("add", "b.txt")
	want(t, mustScan(t, r.Dir), "b.txt:1")
}

// TestPartialStaging: the index counts, never the working tree.
func TestPartialStaging(t *testing.T) {
	r := gittest.New(t)
	lines := make([]string, 30)
	for i := range lines {
		lines[i] = fmt.Sprintf("line %d", i+1)
	}
	r.Write("f.txt", strings.Join(lines, "\n")+"\n")
	r.Commit("one")

	k1, k2 := newKey(), newKey()
	mod := slices.Clone(lines)
	mod[0] = "first = " + k1
	mod[29] = "last = " + k2
	r.Write("f.txt", strings.Join(mod, "\n")+"\n")
	want(t, mustScan(t, r.Dir)) // in the working tree only

	// git add -p: stage the first hunk, not the second.
	if _, err := r.GitStdin("y\nn\n", "add", "-p", "f.txt"); err != nil {
		t.Fatal(err)
	}
	if cached := r.Git("diff", "--cached"); !strings.Contains(cached, "first = ") || strings.Contains(cached, "last = ") {
		t.Fatalf("git add -p staged:\n%s", cached)
	}
	want(t, mustScan(t, r.Dir), "f.txt:1")

	// Staged, then removed from the working tree: still committed.
	r.Write("f.txt", strings.Join(lines, "\n")+"\n")
	want(t, mustScan(t, r.Dir), "f.txt:1")
	r.Remove("f.txt")
	want(t, mustScan(t, r.Dir), "f.txt:1")
}

func TestRenamesAndDeletions(t *testing.T) {
	key := newKey()
	setup := func(t *testing.T) *gittest.Repo {
		r := gittest.New(t)
		r.Write("dir/a.txt", "one\nkey = "+key+"\nthree\n")
		r.Write("dir/other.txt", "other\n")
		r.Write("keep.txt", "keep\n")
		r.Commit("one")
		return r
	}
	tests := []struct {
		name string
		do   func(r *gittest.Repo)
		want []string
	}{
		{"git mv", func(r *gittest.Repo) { r.Git("mv", "dir/a.txt", "dir/b.txt") }, nil},
		{"git mv and edit", func(r *gittest.Repo) {
			r.Git("mv", "dir/a.txt", "b.txt")
			r.Write("b.txt", "zero\none\nkey = "+key+"\nthree\nfour\n")
			r.Git("add", "b.txt")
		}, nil},
		{"folder renamed", func(r *gittest.Repo) { r.Git("mv", "dir", "moved") }, nil},
		{"value moved to another file", func(r *gittest.Repo) {
			r.Git("rm", "-q", "dir/a.txt")
			r.Write("x/y.txt", "moved: "+key+"\n")
			r.Git("add", "x/y.txt")
		}, nil},
		{"deleted", func(r *gittest.Repo) { r.Git("rm", "-q", "dir/a.txt") }, nil},
		{"folder deleted", func(r *gittest.Repo) { r.Git("rm", "-rq", "dir") }, nil},
		{"folder replaced by a file", func(r *gittest.Repo) {
			r.Git("rm", "-rq", "dir")
			r.Write("dir", "was a folder: "+key+"\n")
			r.Git("add", "dir")
		}, nil},
		{"copied, not moved", func(r *gittest.Repo) {
			r.Write("copy.txt", "key = "+key+"\n")
			r.Git("add", "copy.txt")
		}, []string{"copy.txt:1"}},
		{"renamed with a new key", func(r *gittest.Repo) {
			r.Git("mv", "dir/a.txt", "b.txt")
			r.Write("b.txt", "one\nkey = "+key+"\nthree\nnew = "+newKey()+"\n")
			r.Git("add", "b.txt")
		}, []string{"b.txt:4"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := setup(t)
			tt.do(r)
			want(t, mustScan(t, r.Dir), tt.want...)
		})
	}
}

// TestPackedHistory reads HEAD's version from a pack, as a delta: the path
// a clone takes, through the lazy pack index.
func TestPackedHistory(t *testing.T) {
	r := gittest.New(t)
	old := newKey()
	var body strings.Builder
	for i := range 1500 { // over 16 KiB: go-git reads it lazily from the pack
		fmt.Fprintf(&body, "config line %d of a long file\n", i)
	}
	r.Write("big.txt", body.String()+"id = "+old+"\n")
	r.Commit("one")
	r.Write("big.txt", "header\n"+body.String()+"id = "+old+"\n")
	r.Commit("two")
	r.Git("gc", "-q", "--aggressive")
	if loose := r.Git("count-objects"); !strings.HasPrefix(loose, "0 objects") {
		t.Fatalf("after gc: %s", loose)
	}
	r.Write("big.txt", "header\n"+body.String()+"id = "+old+"\nmore\n")
	r.Write("sub/new.txt", "fresh = "+newKey()+"\n")
	r.Git("add", ".")
	want(t, mustScan(t, r.Dir), "sub/new.txt:1")
	r.Write("big.txt", "header\n"+body.String()+"id = "+old+"\nmore\nnew = "+newKey()+"\n")
	r.Git("add", ".")
	want(t, mustScan(t, r.Dir), "big.txt:1504", "sub/new.txt:1")
	r.Git("reset", "-q")
	r.Write("big.txt", "header\n"+body.String()+"id = "+old+"\nmore\n")
	r.Git("add", ".")

	// Everything packed, the staged blobs included.
	r.Git("repack", "-adq")
	want(t, mustScan(t, r.Dir), "sub/new.txt:1")
}

func TestIntentToAdd(t *testing.T) {
	r := gittest.New(t)
	r.Write("a.txt", "a\n")
	r.Commit("one")
	r.Write("new.txt", "id = "+newKey()+"\n")
	r.Git("add", "-N", "new.txt")
	want(t, mustScan(t, r.Dir))
	r.Git("add", "new.txt")
	want(t, mustScan(t, r.Dir), "new.txt:1")
}

func TestSubmodulesSymlinksBinaries(t *testing.T) {
	r := gittest.New(t)
	r.Write("a.txt", "a\n")
	r.Commit("one")
	head := r.Git("rev-parse", "HEAD")

	// A gitlink: another repository's commit, skipped without error (the
	// object is not even in this repository).
	r.Git("update-index", "--add", "--cacheinfo", "160000,"+head+",vendor/sub")
	r.Git("update-index", "--add", "--cacheinfo", "160000,"+strings.Repeat("ab", 20)+",vendor/missing")
	want(t, mustScan(t, r.Dir))

	// A symlink is a blob holding its target: a key in it is committed.
	key := newKey()
	r.Write("target", "/tmp/"+key)
	blob := r.Git("hash-object", "-w", "target")
	r.Remove("target")
	r.Git("update-index", "--add", "--cacheinfo", "120000,"+blob+",link")
	want(t, mustScan(t, r.Dir), "link:1")
	r.Git("rm", "-q", "--cached", "link")
	if runtime.GOOS != "windows" {
		// The same through a real symlink and git add.
		if err := os.Symlink("/etc/"+newKey(), r.Path("real-link")); err != nil {
			t.Fatal(err)
		}
		r.Git("add", "real-link")
		if mode := r.Git("ls-files", "-s", "real-link"); !strings.HasPrefix(mode, "120000 ") {
			t.Fatalf("ls-files: %s", mode)
		}
		want(t, mustScan(t, r.Dir), "real-link:1")
		r.Git("rm", "-q", "--cached", "real-link")
	}

	// Binary content: a key ID between NUL bytes.
	r.Write("app.bin", "\x00\x01\x02ELF\x00"+newKey()+"\x00\xff\xfe")
	r.Git("add", "app.bin")
	want(t, mustScan(t, r.Dir), "app.bin:1")
}

// TestLargeBlobStreamed: blobs over the window size are scanned in
// windows, loose or packed, with the same findings as a whole read.
func TestLargeBlobStreamed(t *testing.T) {
	r := gittest.New(t)
	var big strings.Builder
	old := newKey()
	for i := range 30000 {
		fmt.Fprintf(&big, "row %d,%s\n", i, strings.Repeat("v", i%50))
		if i == 20 {
			big.WriteString("old = " + old + "\n")
		}
	}
	r.Write("large.csv", big.String())
	r.Commit("one")
	r.Write("large.csv", big.String()[:500000]+"new = "+newKey()+"\n"+big.String()[500000:]+"last "+newKey()+"\n")
	r.Git("add", ".")
	whole := mustScan(t, r.Dir)
	if len(whole) != 2 {
		t.Fatalf("whole read: %q, want two new keys", whole)
	}
	for _, packed := range []bool{false, true} {
		if packed {
			r.Git("repack", "-adq")
		}
		res, err := scanDir(t, r.Dir, nil, 128<<10)
		if err != nil {
			t.Fatal(err)
		}
		want(t, where(res), whole...)
		if len(res.Skipped) != 0 {
			t.Errorf("Skipped = %v", res.Skipped)
		}
	}
}

// TestScanStreamMatchesWhole compares windowed scanning with a whole read
// on content with keys at window edges and lines longer than a window.
func TestScanStreamMatchesWhole(t *testing.T) {
	d := scan.New(scan.Options{})
	var b strings.Builder
	for i := 0; b.Len() < 900_000; i++ {
		switch {
		case i%97 == 0:
			b.WriteString(strings.Repeat("long line ", 20000)) // 200 kB, no newline
			b.WriteString(newKey())
		case i%13 == 0:
			b.WriteString("k=" + newKey() + " and " + newKey())
		default:
			b.WriteString(strings.Repeat("x", i%300))
		}
		b.WriteByte('\n')
	}
	content := []byte(b.String())
	wholeFound := d.Scan("f", content)
	slices.SortFunc(wholeFound, func(a, b scan.Finding) int { return a.Offset - b.Offset })
	for _, window := range []int{128 << 10, 200_001, 1 << 20} {
		got, err := scanStream(d, "f", strings.NewReader(b.String()), window)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != len(wholeFound) || len(got) < 20 {
			t.Fatalf("window %d: %d findings, whole read %d", window, len(got), len(wholeFound))
		}
		for i := range got {
			g, w := got[i], wholeFound[i]
			if g.Line != w.Line || g.Column != w.Column || g.Offset != w.Offset || g.Fingerprint != w.Fingerprint {
				t.Errorf("window %d, finding %d: got %d:%d@%d, want %d:%d@%d", window, i, g.Line, g.Column, g.Offset, w.Line, w.Column, w.Offset)
			}
		}
	}
}

func TestIndexVersions(t *testing.T) {
	for _, v := range []string{"2", "3", "4"} {
		t.Run("v"+v, func(t *testing.T) {
			r := gittest.New(t)
			r.Write("a/b/c.txt", "c\n")
			r.Write("a/old.txt", "old "+newKey()+"\n")
			r.Write("z.txt", "z\n")
			r.Commit("one")
			r.Write("a/b/c.txt", "c "+newKey()+"\n")
			r.Write("a/b/new.txt", "n\n\n"+newKey()+"\n")
			r.Git("add", ".")
			if v == "3" {
				r.Git("update-index", "--skip-worktree", "z.txt") // v3 needs extended flags
			}
			r.Git("update-index", "--index-version", v)
			idx, err := gitindex.ReadFile(r.Path(".git/index"))
			if err != nil || fmt.Sprint(idx.Version) != v {
				t.Fatalf("index: %v, version %v", err, idx)
			}
			want(t, mustScan(t, r.Dir), "a/b/c.txt:1", "a/b/new.txt:3")
		})
	}
}

func TestLinkedWorktreeAndSubdirectory(t *testing.T) {
	r := gittest.New(t)
	r.Write("sub/deeper/x.txt", "x\n")
	r.Commit("one")
	wtDir := filepath.Join(t.TempDir(), "wt")
	r.Git("worktree", "add", "-q", "-b", "feature", wtDir)
	wt := r.At(wtDir)
	wt.Write("sub/deeper/x.txt", "x "+newKey()+"\n")
	wt.Git("add", ".")

	res, err := scanDir(t, wt.Path("sub/deeper"), nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	want(t, where(res), "sub/deeper/x.txt:1")
	if res.Root != wtDir {
		t.Errorf("Root = %q, want the linked worktree %q", res.Root, wtDir)
	}
	want(t, mustScan(t, r.Dir)) // the main worktree has its own index

	// The main worktree's staged change, from a subdirectory.
	r.Write("sub/y.txt", newKey()+"\n")
	r.Git("add", ".")
	want(t, mustScan(t, r.Path("sub/deeper")), "sub/y.txt:1")
	want(t, mustScan(t, wtDir), "sub/deeper/x.txt:1")
}

func TestSkipWorktreeAndAssumeUnchanged(t *testing.T) {
	r := gittest.New(t)
	r.Write("sparse.txt", "s\n")
	r.Write("assumed.txt", "a\n")
	r.Commit("one")

	// The index content is committed, whatever the flag says about the
	// working tree.
	r.Write("tmp", "s "+newKey()+"\n")
	blob := r.Git("hash-object", "-w", "tmp")
	r.Remove("tmp")
	r.Git("update-index", "--cacheinfo", "100644,"+blob+",sparse.txt")
	r.Git("update-index", "--skip-worktree", "sparse.txt")
	want(t, mustScan(t, r.Dir), "sparse.txt:1")

	// A working-tree change git is told to ignore is not staged.
	r.Git("update-index", "--assume-unchanged", "assumed.txt")
	r.Write("assumed.txt", "a "+newKey()+"\n")
	r.Git("add", "assumed.txt") // does nothing: git assumes it unchanged
	want(t, mustScan(t, r.Dir), "sparse.txt:1")
}

// TestSparseIndex: folders outside the cone are single index entries
// naming a tree; they are compared with HEAD tree by tree.
func TestSparseIndex(t *testing.T) {
	r := gittest.New(t)
	r.Write("cone/a.txt", "a\n")
	r.Write("out/deep/b.txt", "b\n")
	r.Write("out/c.txt", "c "+newKey()+"\n")
	r.Commit("one")
	r.Write("out/deep/b.txt", "b "+newKey()+"\n")
	r.Write("out/new.txt", "n "+newKey()+"\n")
	r.Git("rm", "-q", "out/c.txt")
	r.Commit("two: keys outside the cone")
	r.Git("sparse-checkout", "init", "--cone", "--sparse-index")
	r.Git("sparse-checkout", "set", "cone")
	idx, err := gitindex.ReadFile(r.Path(".git/index"))
	if err != nil || !idx.Sparse {
		t.Fatalf("index: %v, sparse %v", err, idx != nil && idx.Sparse)
	}
	want(t, mustScan(t, r.Dir)) // nothing staged

	r.Write("cone/a.txt", "a "+newKey()+"\n")
	r.Git("add", "cone/a.txt")
	want(t, mustScan(t, r.Dir), "cone/a.txt:1")

	// Back to the first commit, keeping the index: the folder entry "out/"
	// now differs from HEAD's tree, and what it adds is reported.
	r.Git("reset", "-q", "--soft", "HEAD~1")
	idx, err = gitindex.ReadFile(r.Path(".git/index"))
	if err != nil || !slices.ContainsFunc(idx.Entries, func(e gitindex.Entry) bool {
		return e.Name == "out/" && e.Mode.Type() == gitindex.ModeDir
	}) {
		t.Fatalf("after reset: %v; want a folder entry out/", err)
	}
	want(t, mustScan(t, r.Dir), "cone/a.txt:1", "out/deep/b.txt:1", "out/new.txt:1")
}

func TestMergeConflict(t *testing.T) {
	r := gittest.New(t)
	base := newKey()
	r.Write("f.txt", "base "+base+"\n")
	r.Write("g.txt", "g\n")
	r.Commit("base")
	r.Git("checkout", "-q", "-b", "other")
	theirs := newKey()
	r.Write("f.txt", "theirs "+theirs+"\n")
	r.Write("g.txt", "g\nclean merge "+newKey()+"\n")
	r.Commit("theirs")
	r.Git("checkout", "-q", "main")
	r.Write("f.txt", "ours "+base+"\n")
	r.Commit("ours")
	if _, err := r.TryGit("merge", "-q", "other"); err == nil {
		t.Fatal("merge succeeded; want a conflict")
	}
	res, err := scanDir(t, r.Dir, nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	// Stage 3 ("theirs") adds a key; stage 2 ("ours") and stage 1 (the
	// base) hold only HEAD's; g.txt merged cleanly (stage 0).
	want(t, where(res), "f.txt:1", "g.txt:2")
	if len(res.Notes) != 1 || !strings.Contains(res.Notes[0], "1 unresolved conflict") {
		t.Errorf("Notes = %q, want one about the conflict", res.Notes)
	}
}

func TestGitIndexFile(t *testing.T) {
	r := gittest.New(t)
	r.Write("a.txt", "a\n")
	r.Commit("one")
	// `git commit -a` runs hooks with a temporary index in GIT_INDEX_FILE.
	alt := filepath.Join(t.TempDir(), "index.tmp")
	env := append(slices.Clone(r.Env), "GIT_INDEX_FILE="+alt)
	r.Write("a.txt", "a "+newKey()+"\n")
	alter := r.At(r.Dir)
	alter.Env = env
	alter.Git("read-tree", "HEAD")
	alter.Git("add", "a.txt")
	want(t, mustScan(t, r.Dir))
	res, err := scanDir(t, r.Dir, map[string]string{"GIT_INDEX_FILE": alt}, 0)
	if err != nil {
		t.Fatal(err)
	}
	want(t, where(res), "a.txt:1")
	// GIT_DIR and GIT_WORK_TREE, relative to the start folder.
	res, err = scanDir(t, filepath.Dir(r.Dir), map[string]string{"GIT_DIR": filepath.Base(r.Dir) + "/.git",
		"GIT_WORK_TREE": filepath.Base(r.Dir), "GIT_INDEX_FILE": alt}, 0)
	if err != nil || res.Root != r.Dir {
		t.Fatalf("GIT_DIR: %v, root %q", err, res.Root)
	}
	want(t, where(res), "a.txt:1")
}

func TestAllowMarker(t *testing.T) {
	r := gittest.New(t)
	r.Write("fixture.txt", "id = "+newKey()+" # credguard:allow\nid = "+newKey()+"\n")
	r.Git("add", ".")
	want(t, mustScan(t, r.Dir), "fixture.txt:2")
}

func TestDetachedHead(t *testing.T) {
	r := gittest.New(t)
	r.Write("a.txt", "a "+newKey()+"\n")
	r.Commit("one")
	r.Git("checkout", "-q", "--detach")
	r.Write("b.txt", "b "+newKey()+"\n")
	r.Git("add", ".")
	want(t, mustScan(t, r.Dir), "b.txt:1")
}

// TestCacheTreeSkipsUnchangedFolders proves that a folder whose cache-tree
// entry matches HEAD is never read: its tree object is deleted, and the
// scan still succeeds. Without a cache-tree the same scan must read it,
// and fails loudly.
func TestCacheTreeSkipsUnchangedFolders(t *testing.T) {
	r := gittest.New(t)
	r.Write("changed/a.txt", "a\n")
	r.Write("untouched/deep/b.txt", "b\n")
	r.Commit("one")
	r.Write("changed/a.txt", "a "+newKey()+"\n")
	// Not `git add .`: it re-adds the racily clean files of a repository
	// this young, which invalidates every folder.
	r.Git("add", "changed/a.txt")
	idx, err := gitindex.ReadFile(r.Path(".git/index"))
	if err != nil || idx.Tree == nil || !idx.Tree.Subtree("untouched").Valid() || idx.Tree.Valid() {
		t.Fatalf("cache-tree not as expected: %v %+v", err, idx.Tree)
	}
	untouched := r.Git("rev-parse", "HEAD:untouched")
	obj := r.Path(".git/objects/" + untouched[:2] + "/" + untouched[2:])
	if err := os.Remove(obj); err != nil {
		t.Fatal(err)
	}
	want(t, mustScan(t, r.Dir), "changed/a.txt:1")

	// Rebuild the index without a cache-tree: every folder is compared.
	r.Remove(".git/index")
	staged := r.Git("hash-object", "-w", "changed/a.txt")
	list := "100644 " + staged + "\tchanged/a.txt\n100644 " + r.Git("hash-object", "untouched/deep/b.txt") + "\tuntouched/deep/b.txt\n"
	if _, err := r.GitStdin(list, "update-index", "--add", "--index-info"); err != nil {
		t.Fatal(err)
	}
	if idx, err := gitindex.ReadFile(r.Path(".git/index")); err != nil || idx.Tree != nil {
		t.Fatalf("rebuilt index: %v, cache-tree %v; want none", err, idx.Tree != nil)
	}
	_, err = scanDir(t, r.Dir, nil, 0)
	if !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), untouched) {
		t.Fatalf("err = %v, want ErrCorrupt naming the deleted tree", err)
	}
}

func TestNoCacheTree(t *testing.T) {
	r := gittest.New(t)
	old := newKey()
	r.Write("a/x.txt", "x "+old+"\n")
	r.Write("b/y.txt", "y\n")
	r.Commit("one")
	r.Write("b/y.txt", "y "+newKey()+"\n")
	staged := r.Git("hash-object", "-w", "b/y.txt")
	r.Remove(".git/index")
	list := "100644 " + r.Git("rev-parse", "HEAD:a/x.txt") + "\ta/x.txt\n100644 " + staged + "\tb/y.txt\n"
	if _, err := r.GitStdin(list, "update-index", "--add", "--index-info"); err != nil {
		t.Fatal(err)
	}
	if idx, err := gitindex.ReadFile(r.Path(".git/index")); err != nil || idx.Tree != nil {
		t.Fatalf("index: %v, cache-tree %v; want none", err, idx.Tree != nil)
	}
	want(t, mustScan(t, r.Dir), "b/y.txt:1")
}

func TestErrors(t *testing.T) {
	outside := t.TempDir()
	if _, err := scanDir(t, outside, nil, 0); !errors.Is(err, ErrNotRepository) {
		t.Errorf("outside a repository: err = %v, want ErrNotRepository", err)
	}
	if _, err := scanDir(t, filepath.Join(outside, "missing"), nil, 0); err == nil {
		t.Errorf("missing folder: no error")
	}

	bare := gittest.New(t, "--bare")
	if _, err := scanDir(t, bare.Dir, nil, 0); !errors.Is(err, ErrBareRepository) {
		t.Errorf("bare: err = %v, want ErrBareRepository", err)
	}
	r := gittest.New(t)
	r.Write("a.txt", "a\n")
	r.Commit("one")
	if _, err := scanDir(t, r.Path(".git/refs"), nil, 0); !errors.Is(err, ErrBareRepository) {
		t.Errorf("inside .git: err = %v, want ErrBareRepository", err)
	}
	if _, err := scanDir(t, bare.Dir, map[string]string{"GIT_DIR": bare.Dir}, 0); !errors.Is(err, ErrBareRepository) {
		t.Errorf("GIT_DIR=bare: err = %v, want ErrBareRepository", err)
	}

	sha256 := gittest.New(t, "--object-format=sha256")
	sha256.Write("a.txt", "a\n")
	sha256.Git("add", ".")
	if _, err := scanDir(t, sha256.Dir, nil, 0); !errors.Is(err, ErrUnsupported) || !strings.Contains(err.Error(), "sha256") {
		t.Errorf("sha256: err = %v, want ErrUnsupported naming sha256", err)
	}
}

func TestUnreadableIndexOrObjects(t *testing.T) {
	setup := func(t *testing.T) *gittest.Repo {
		r := gittest.New(t)
		r.Write("a.txt", "a\n")
		r.Write("d/b.txt", "b\n")
		r.Commit("one")
		r.Write("d/b.txt", "b "+newKey()+"\n")
		r.Git("add", ".")
		return r
	}
	tests := []struct {
		name string
		do   func(t *testing.T, r *gittest.Repo)
		want error
	}{
		{"split index", func(t *testing.T, r *gittest.Repo) { r.Git("update-index", "--split-index") }, ErrUnsupported},
		{"truncated index", func(t *testing.T, r *gittest.Repo) { truncate(t, r.Path(".git/index"), 100) }, ErrCorrupt},
		{"garbled index", func(t *testing.T, r *gittest.Repo) { garble(t, r.Path(".git/index"), 70) }, ErrCorrupt},
		{"bad checksum", func(t *testing.T, r *gittest.Repo) { garble(t, r.Path(".git/index"), -1) }, ErrCorrupt},
		{"staged blob missing", func(t *testing.T, r *gittest.Repo) {
			removeObject(t, r, r.Git("rev-parse", ":d/b.txt"))
		}, ErrCorrupt},
		{"HEAD blob missing", func(t *testing.T, r *gittest.Repo) {
			removeObject(t, r, r.Git("rev-parse", "HEAD:d/b.txt"))
		}, ErrCorrupt},
		{"HEAD tree missing", func(t *testing.T, r *gittest.Repo) {
			removeObject(t, r, r.Git("rev-parse", "HEAD:d"))
		}, ErrCorrupt},
		{"HEAD commit missing", func(t *testing.T, r *gittest.Repo) {
			removeObject(t, r, r.Git("rev-parse", "HEAD"))
		}, ErrCorrupt},
		{"loose object damaged", func(t *testing.T, r *gittest.Repo) {
			h := r.Git("rev-parse", ":d/b.txt")
			p := r.Path(".git/objects/" + h[:2] + "/" + h[2:])
			os.Chmod(p, 0o644)
			garble(t, p, 12)
		}, ErrCorrupt},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := setup(t)
			tt.do(t, r)
			res, err := scanDir(t, r.Dir, nil, 0)
			if !errors.Is(err, tt.want) {
				t.Fatalf("err = %v (result %+v), want %v", err, res, tt.want)
			}
		})
	}
}

func truncate(t *testing.T, path string, n int64) {
	t.Helper()
	if err := os.Truncate(path, n); err != nil {
		t.Fatal(err)
	}
}

// garble flips a byte at off (from the end if negative).
func garble(t *testing.T, path string, off int) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if off < 0 {
		off += len(b)
	}
	b[off] ^= 0x5a
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

func removeObject(t *testing.T, r *gittest.Repo, h string) {
	t.Helper()
	if err := os.Remove(r.Path(".git/objects/" + h[:2] + "/" + h[2:])); err != nil {
		t.Fatal(err)
	}
}

func TestCancelled(t *testing.T) {
	r := gittest.New(t)
	r.Write("a.txt", newKey()+"\n")
	r.Git("add", ".")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := (Options{}).Scan(ctx, r.Dir, scan.New(scan.Options{})); !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
}
