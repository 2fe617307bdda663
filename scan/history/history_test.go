package history

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"

	"github.com/credguard/credguard/internal/awskey"
	"github.com/credguard/credguard/scan"
)

// repo is a real git repository in a temporary folder, driven by the git
// binary.
type repo struct {
	t   testing.TB
	dir string
	n   int // commit clock
}

func newRepo(t testing.TB) *repo {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Fatal("these tests need git on PATH")
	}
	r := &repo{t: t, dir: t.TempDir()}
	r.git("init", "-q", "-b", "main")
	return r
}

func (r *repo) git(args ...string) string {
	r.t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = r.dir
	// A fixed clock keeps commit IDs apart and dates predictable.
	date := fmt.Sprintf("2024-01-01T00:%02d:%02dZ", r.n/60%60, r.n%60)
	cmd.Env = append(os.Environ(), "GIT_CONFIG_NOSYSTEM=1", "HOME="+r.dir,
		"GIT_AUTHOR_NAME=Alice", "GIT_AUTHOR_EMAIL=alice@example.com", "GIT_AUTHOR_DATE="+date,
		"GIT_COMMITTER_NAME=Alice", "GIT_COMMITTER_EMAIL=alice@example.com", "GIT_COMMITTER_DATE="+date)
	out, err := cmd.CombinedOutput()
	if err != nil {
		r.t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return strings.TrimSpace(string(out))
}

func (r *repo) write(name, content string) {
	r.t.Helper()
	p := filepath.Join(r.dir, filepath.FromSlash(name))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		r.t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		r.t.Fatal(err)
	}
}

// commit stages everything and commits; it returns the commit ID.
func (r *repo) commit(msg string) string {
	r.t.Helper()
	r.n++
	r.git("add", "-A")
	r.git("commit", "-q", "--allow-empty", "-m", msg)
	return r.git("rev-parse", "HEAD")
}

func (r *repo) scan(opts Options) *scan.Result {
	r.t.Helper()
	res, err := Scan(context.Background(), r.dir, scan.New(scan.Options{}), opts)
	if err != nil {
		r.t.Fatalf("Scan: %v", err)
	}
	return res
}

func fakeID() string { return awskey.FakeID("AKIA", awskey.FakeAccount()) }

// got renders findings as "commit-subject file:line redacted" for comparison.
func (r *repo) got(res *scan.Result) []string {
	var out []string
	for _, f := range res.Findings {
		subject := r.git("log", "-1", "--format=%s", f.Commit)
		out = append(out, fmt.Sprintf("%s %s:%d %s", subject, f.File, f.Line, f.Redacted))
	}
	sort.Strings(out)
	return out
}

func want(lines ...string) []string { sort.Strings(lines); return lines }

func check(t *testing.T, got, want []string) {
	t.Helper()
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("findings:\n got  %q\n want %q", got, want)
	}
}

func TestReportedOnceAtIntroduction(t *testing.T) {
	r := newRepo(t)
	k := fakeID()
	r.write("README", "hello\n")
	r.commit("first")
	r.write("app/config.py", "region = 'eu-west-1'\nkey = '"+k+"'\n")
	r.commit("add key")
	r.write("app/config.py", "# settings\nregion = 'eu-west-1'\nkey = '"+k+"'\n")
	r.commit("edit other line")
	r.git("mv", "app/config.py", "app/settings.py")
	r.commit("rename")
	r.write("copy.txt", k+"\n")
	r.commit("copy elsewhere")
	res := r.scan(Options{All: true})
	check(t, r.got(res), want("add key app/config.py:2 "+awskey.Redact(k)))
	f := res.Findings[0]
	if f.Author != "Alice <alice@example.com>" || !strings.HasPrefix(f.Date, "2024-01-01T00:00:02") || f.Column != 8 {
		t.Errorf("finding = %+v, want author Alice, date of commit 2, column 8", f)
	}
	if len(res.Skipped) != 0 {
		t.Errorf("skipped %v", res.Skipped)
	}
}

func TestRemovedAndReaddedIsReportedOnce(t *testing.T) {
	r := newRepo(t)
	k := fakeID()
	r.write("a.txt", k+"\n")
	r.commit("add")
	r.write("a.txt", "gone\n")
	r.commit("remove")
	r.write("b.txt", k+"\n")
	r.commit("re-add")
	check(t, r.got(r.scan(Options{All: true})), want("add a.txt:1 "+awskey.Redact(k)))
}

func TestMerges(t *testing.T) {
	r := newRepo(t)
	r.write("shared.txt", "line one\nvalue = none\nline three\n")
	r.commit("base")
	kBranch, kMain, kResolve, kEvil := fakeID(), fakeID(), fakeID(), fakeID()

	// A branch adds a key; merging it must not report it again.
	r.git("checkout", "-q", "-b", "feature")
	r.write("feature.txt", "id "+kBranch+"\n")
	r.commit("feature adds key")
	r.git("checkout", "-q", "main")
	r.write("main.txt", "id "+kMain+"\n")
	r.commit("main adds key")
	r.n++
	r.git("merge", "-q", "--no-ff", "-m", "merge feature", "feature")

	// Both sides edit the same line; the resolution writes a third value.
	r.git("checkout", "-q", "-b", "conflict")
	r.write("shared.txt", "line one\nvalue = left\nline three\n")
	r.commit("left")
	r.git("checkout", "-q", "main")
	r.write("shared.txt", "line one\nvalue = right\nline three\n")
	r.commit("right")
	r.n++
	cmd := exec.Command("git", "merge", "-q", "conflict")
	cmd.Dir = r.dir
	if err := cmd.Run(); err == nil {
		t.Fatal("expected a merge conflict")
	}
	r.write("shared.txt", "line one\nvalue = "+kResolve+"\nline three\n")
	r.git("add", "shared.txt")
	r.git("commit", "-q", "--no-edit", "-m", "resolve conflict")

	// An "evil merge": content in the merge result that neither parent has,
	// without a conflict.
	r.git("checkout", "-q", "-b", "side")
	r.write("side.txt", "side\n")
	r.commit("side")
	r.git("checkout", "-q", "main")
	r.n++
	r.git("merge", "-q", "--no-ff", "--no-commit", "side")
	r.write("evil.txt", kEvil+"\n")
	r.git("add", "evil.txt")
	r.git("commit", "-q", "-m", "evil merge")

	res := r.scan(Options{All: true})
	check(t, r.got(res), want(
		"feature adds key feature.txt:1 "+awskey.Redact(kBranch),
		"main adds key main.txt:1 "+awskey.Redact(kMain),
		"resolve conflict shared.txt:2 "+awskey.Redact(kResolve),
		"evil merge evil.txt:1 "+awskey.Redact(kEvil),
	))
}

func TestRange(t *testing.T) {
	r := newRepo(t)
	kOld, kNew, kOther := fakeID(), fakeID(), fakeID()
	r.write("old.txt", kOld+"\n")
	base := r.commit("old key")
	r.git("checkout", "-q", "-b", "topic")
	r.write("new.txt", kNew+"\n")
	r.commit("new key")
	r.write("old-copy.txt", kOld+"\n") // already in the base: not new
	r.commit("copy old key")
	r.git("checkout", "-q", "main")
	r.write("other.txt", kOther+"\n")
	r.commit("other key on main")

	for _, tc := range []struct {
		spec string
		want []string
	}{
		{base + "..topic", want("new key new.txt:1 " + awskey.Redact(kNew))},
		{"main..topic", want("new key new.txt:1 " + awskey.Redact(kNew))},
		{"topic..main", want("other key on main other.txt:1 " + awskey.Redact(kOther))},
		{"main...topic", want("new key new.txt:1 "+awskey.Redact(kNew), "other key on main other.txt:1 "+awskey.Redact(kOther))},
		{"^main topic", want("new key new.txt:1 " + awskey.Redact(kNew))},
		{"topic", want("old key old.txt:1 "+awskey.Redact(kOld), "new key new.txt:1 "+awskey.Redact(kNew))},
		{"topic..topic", nil},
	} {
		t.Run(tc.spec, func(t *testing.T) {
			check(t, r.got(r.scan(Options{Range: tc.spec})), tc.want)
		})
	}
	_, err := Scan(context.Background(), r.dir, scan.New(scan.Options{}), Options{Range: "nosuch..main"})
	if err == nil || !strings.Contains(err.Error(), "nosuch") {
		t.Errorf("bad range: err = %v, want one naming the revision", err)
	}
}

// TestPackedDeltas builds a history whose file versions git stores as pack
// deltas, then checks the scan of the packed repository reports exactly what
// the scan of the same history with loose objects does, and what a naive
// oracle (every file of every commit) says.
func TestPackedDeltas(t *testing.T) {
	r := newRepo(t)
	var lines []string
	for i := 0; i < 300; i++ {
		lines = append(lines, fmt.Sprintf("setting_%03d = value %d lorem ipsum dolor", i, i*7))
	}
	keys := map[int]string{}
	for v := 0; v < 40; v++ {
		// Each version edits a few lines; some add a key mid-line, some
		// replace one key with another on the same line, some delete one.
		for j := 0; j < 3; j++ {
			i := (v*37 + j*101) % len(lines)
			lines[i] = fmt.Sprintf("setting_%03d = value %d changed in %d", i, i, v)
		}
		switch v % 5 {
		case 1:
			k := fakeID()
			keys[v] = k
			lines[v*7%len(lines)] = "aws_access_key_id = " + k + " # v" + fmt.Sprint(v)
		case 2:
			k := fakeID()
			keys[v] = k
			i := (v - 1) * 7 % len(lines)
			lines[i] = strings.Replace(lines[i], keys[v-1][4:], k[4:], 1) // keep the AKIA prefix: a copy
			keys[v] = keys[v-1][:4] + k[4:]
		case 3:
			lines[(v-2)*7%len(lines)] = "deleted"
		}
		r.write("big/settings.ini", strings.Join(lines, "\n")+"\n")
		r.write(fmt.Sprintf("other/v%d.txt", v%4), strings.Repeat("filler text line\n", 50+v))
		r.commit(fmt.Sprintf("version %d", v))
	}
	loose := r.got(r.scan(Options{All: true}))
	oracle := r.oracle()
	check(t, loose, oracle)
	if len(oracle) < 10 {
		t.Fatalf("oracle found %d, want a dozen or so", len(oracle))
	}
	r.git("repack", "-adf", "-q", "--depth=50", "--window=250")
	r.git("prune-packed")
	if out := r.git("count-objects", "-v"); !strings.Contains(out, "count: 0") {
		t.Fatalf("objects left loose:\n%s", out)
	}
	vp := r.git("verify-pack", "-v", filepath.Join(r.dir, ".git/objects/pack", packName(t, r.dir)))
	if !strings.Contains(vp, "chain length = 10") && !strings.Contains(vp, "chain length = 2") {
		t.Fatalf("no delta chains in the pack:\n%s", vp)
	}
	check(t, r.got(r.scan(Options{All: true})), oracle)
}

func packName(t *testing.T, dir string) string {
	m, _ := filepath.Glob(filepath.Join(dir, ".git/objects/pack/*.idx"))
	if len(m) != 1 {
		t.Fatalf("packs: %v", m)
	}
	return filepath.Base(m[0])
}

// oracle computes the expected findings the slow, obvious way: every file of
// every commit, parents before children, through the git binary.
func (r *repo) oracle() []string {
	det := scan.New(scan.Options{})
	revs := strings.Fields(r.git("rev-list", "--all", "--topo-order", "--reverse"))
	printsAt := map[string]map[string]scan.Finding{}
	reported := map[string]bool{}
	var out []string
	for _, c := range revs {
		files := strings.Split(r.git("ls-tree", "-r", "--name-only", c), "\n")
		sort.Strings(files)
		p := map[string]scan.Finding{}
		for _, f := range files {
			if f == "" {
				continue
			}
			content := r.git("show", c+":"+f)
			for _, x := range det.Scan(f, []byte(content+"\n")) {
				if _, ok := p[x.Fingerprint]; !ok {
					p[x.Fingerprint] = x
				}
			}
		}
		printsAt[c] = p
		parents := strings.Fields(r.git("log", "-1", "--format=%P", c))
		subject := r.git("log", "-1", "--format=%s", c)
	next:
		for fp, x := range p {
			if reported[fp] {
				continue
			}
			for _, pc := range parents {
				if _, ok := printsAt[pc][fp]; ok {
					continue next
				}
			}
			reported[fp] = true
			out = append(out, fmt.Sprintf("%s %s:%d %s", subject, x.File, x.Line, x.Redacted))
		}
	}
	sort.Strings(out)
	return out
}

func TestShallowClone(t *testing.T) {
	r := newRepo(t)
	k1, k2 := fakeID(), fakeID()
	r.write("a.txt", k1+"\n")
	r.commit("one")
	r.write("b.txt", "two\n")
	r.commit("two")
	r.write("c.txt", k2+"\n")
	r.commit("three")
	clone := &repo{t: t, dir: filepath.Join(t.TempDir(), "clone")}
	r.git("clone", "-q", "--depth", "2", "file://"+r.dir, clone.dir)
	res := clone.scan(Options{All: true})
	// The oldest commit there holds k1 with no parent to compare against:
	// it is reported there, and the note says where history stops.
	check(t, clone.got(res), want("two a.txt:1 "+awskey.Redact(k1), "three c.txt:1 "+awskey.Redact(k2)))
	cut := clone.git("rev-parse", "HEAD~1")
	if len(res.Notes) != 1 || !strings.Contains(res.Notes[0], "shallow") || !strings.Contains(res.Notes[0], cut) {
		t.Errorf("notes = %q, want one naming the shallow boundary %s", res.Notes, cut)
	}
	if len(res.Skipped) != 0 {
		t.Errorf("skipped = %v", res.Skipped)
	}
}

func TestMissingObjects(t *testing.T) {
	r := newRepo(t)
	r.write("keep.txt", "keep\n")
	r.write("lost.txt", "this blob will be deleted\n")
	c := r.commit("one")
	blob := r.git("rev-parse", "HEAD:lost.txt")
	if err := os.Remove(filepath.Join(r.dir, ".git/objects", blob[:2], blob[2:])); err != nil {
		t.Fatal(err)
	}
	res := r.scan(Options{All: true})
	if len(res.Skipped) != 1 || res.Skipped[0].Path != "lost.txt" || res.Skipped[0].Commit != c || !strings.Contains(res.Skipped[0].Reason, "missing") {
		t.Errorf("skipped = %+v, want lost.txt missing at %s", res.Skipped, c)
	}
}

func TestMissingObjectsInPack(t *testing.T) {
	r := newRepo(t)
	k := fakeID()
	r.write("a.txt", k+"\n")
	r.commit("one")
	r.git("repack", "-adq")
	r.write("b.txt", "loose\n")
	r.commit("two")
	// Deleting the pack loses the first commit's objects.
	m, _ := filepath.Glob(filepath.Join(r.dir, ".git/objects/pack/*"))
	for _, p := range m {
		os.Remove(p)
	}
	res := r.scan(Options{All: true})
	if len(res.Skipped) == 0 {
		t.Fatalf("nothing skipped after deleting the pack: %+v", res)
	}
}

func TestPartialClone(t *testing.T) {
	r := newRepo(t)
	r.git("config", "uploadpack.allowFilter", "true")
	r.write("a.txt", "version one\n")
	r.commit("one")
	r.write("a.txt", "version two\n")
	r.commit("two")
	clone := &repo{t: t, dir: filepath.Join(t.TempDir(), "clone")}
	r.git("clone", "-q", "--filter=blob:none", "file://"+r.dir, clone.dir)
	res := clone.scan(Options{All: true})
	if len(res.Skipped) != 1 || res.Skipped[0].Path != "a.txt" || !strings.Contains(res.Skipped[0].Reason, "missing") {
		t.Errorf("skipped = %+v, want the first a.txt missing", res.Skipped)
	}
}

func TestHugeBlobAndOddPaths(t *testing.T) {
	r := newRepo(t)
	k := fakeID()
	r.write("big.bin", strings.Repeat("x", 5000)+k)
	name := "caf\xe9.txt" // Latin-1, not UTF-8
	if err := os.WriteFile(filepath.Join(r.dir, name), []byte(k+"\n"), 0o644); err != nil {
		t.Skipf("file system refuses non-UTF-8 names: %v", err)
	}
	r.commit("one")
	res, err := Scan(context.Background(), r.dir, scan.New(scan.Options{}), Options{All: true, MaxBlobSize: 4096})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Skipped) != 1 || res.Skipped[0].Path != "big.bin" || !strings.Contains(res.Skipped[0].Reason, "larger") {
		t.Errorf("skipped = %+v, want big.bin too large", res.Skipped)
	}
	if len(res.Findings) != 1 || res.Findings[0].File != `caf\xe9.txt` {
		t.Errorf("findings = %+v, want one in caf\\xe9.txt", res.Findings)
	}
}

func TestNotARepository(t *testing.T) {
	_, err := Scan(context.Background(), t.TempDir(), scan.New(scan.Options{}), Options{All: true})
	if err == nil || !strings.Contains(err.Error(), ErrNotRepository.Error()) {
		t.Errorf("err = %v, want %v", err, ErrNotRepository)
	}
}

func TestEmptyRepository(t *testing.T) {
	r := newRepo(t)
	res := r.scan(Options{All: true})
	if len(res.Findings) != 0 || len(res.Skipped) != 0 {
		t.Errorf("res = %+v", res)
	}
}

// TestDamagedPack overwrites bytes in the middle of a pack: whatever the
// damage hits is reported as not scanned; nothing panics.
func TestDamagedPack(t *testing.T) {
	r := newRepo(t)
	for i := 0; i < 20; i++ {
		r.write(fmt.Sprintf("f%d.txt", i), strings.Repeat(fmt.Sprintf("content of file %d, version %d\n", i, i), 200))
		r.commit(fmt.Sprint(i))
	}
	r.git("repack", "-adq")
	m, _ := filepath.Glob(filepath.Join(r.dir, ".git/objects/pack/*.pack"))
	if len(m) != 1 {
		t.Fatalf("packs %v", m)
	}
	os.Chmod(m[0], 0o644)
	data, err := os.ReadFile(m[0])
	if err != nil {
		t.Fatal(err)
	}
	for i := len(data) / 3; i < len(data)/3+200; i++ {
		data[i] ^= 0x5a
	}
	if err := os.WriteFile(m[0], data, 0o644); err != nil {
		t.Fatal(err)
	}
	res, err := Scan(context.Background(), r.dir, scan.New(scan.Options{}), Options{All: true})
	if err != nil {
		t.Logf("refused: %v", err)
		return // refusing to scan is a clear failure too
	}
	t.Logf("skipped: %+v", res.Skipped)
	if len(res.Skipped) == 0 {
		t.Errorf("a damaged pack scanned clean: %+v", res)
	}
}

// TestQuickRange checks the quick path for ranges: a clean range is decided
// without the object pass, a missing blob the range adds is named, and a
// range with a finding falls back to the full scan.
func TestQuickRange(t *testing.T) {
	var (
		mu    sync.Mutex
		trace []string
	)
	tracef = func(f string, a ...any) {
		mu.Lock()
		defer mu.Unlock()
		trace = append(trace, fmt.Sprintf(f, a...))
	}
	defer func() { tracef = func(string, ...any) {} }()
	took := func() string {
		mu.Lock()
		defer mu.Unlock()
		defer func() { trace = nil }()
		for _, s := range trace {
			if strings.HasPrefix(s, "quick range") {
				return "quick"
			}
			if strings.HasPrefix(s, "object pass") {
				return "full"
			}
		}
		return "none"
	}

	r := newRepo(t)
	k := fakeID()
	r.write("old.txt", k+"\n")
	r.write("dir/a.txt", "a\n")
	base := r.commit("base with an old key")
	r.git("checkout", "-q", "-b", "topic")
	r.write("dir/b.txt", "b\n")
	r.write("old.txt", k+"\nmore\n") // the old key, edited around: not new
	r.commit("clean change")
	r.git("checkout", "-q", "main")
	r.write("main.txt", "m\n")
	r.commit("main moves on")
	r.n++
	r.git("merge", "-q", "--no-ff", "-m", "merge", "topic")

	res := r.scan(Options{Range: base + "..main"})
	if got := took(); got != "quick" {
		// The edited old.txt holds a key its parent's version already had:
		// not new, and the quick check can tell.
		t.Errorf("range with an old key edited: took the %s path, want quick", got)
	}
	if len(res.Findings) != 0 || len(res.Skipped) != 0 {
		t.Errorf("old key reported as new: %+v", res)
	}

	c := r.commit("empty")
	r.write("dir/c.txt", "c\n")
	c2 := r.commit("clean")
	res = r.scan(Options{Range: c + ".." + c2})
	if got := took(); got != "quick" || len(res.Findings) != 0 || len(res.Skipped) != 0 {
		t.Errorf("clean range: took %s, res %+v; want quick and clean", got, res)
	}

	// A blob the range adds is missing: named, whichever path decides.
	r.write("dir/d.txt", "d\n")
	c3 := r.commit("d")
	blob := r.git("rev-parse", "HEAD:dir/d.txt")
	os.Remove(filepath.Join(r.dir, ".git/objects", blob[:2], blob[2:]))
	res = r.scan(Options{Range: c2 + ".." + c3})
	if len(res.Skipped) != 1 || res.Skipped[0].Path != "dir/d.txt" || res.Skipped[0].Commit != c3 {
		t.Errorf("missing new blob: skipped %+v, want dir/d.txt at %s", res.Skipped, c3)
	}
	took()

	// A new key beside the old one in the same file: not hidden by it.
	k3 := fakeID()
	r.write("old.txt", k+"\n"+k3+"\n")
	c5 := r.commit("new key beside the old one")
	res = r.scan(Options{Range: c3 + ".." + c5})
	if got := took(); got != "full" || len(res.Findings) != 1 || res.Findings[0].Commit != c5 {
		t.Errorf("new key beside an old one: took %s, findings %+v", got, res.Findings)
	}
	c3 = c5

	// A new key: the full scan places it.
	k2 := fakeID()
	r.write("dir/e.txt", k2+"\n")
	c4 := r.commit("new key")
	res = r.scan(Options{Range: c3 + ".." + c4})
	if got := took(); got != "full" || len(res.Findings) != 1 || res.Findings[0].Commit != c4 {
		t.Errorf("new key: took %s, findings %+v", got, res.Findings)
	}
}

// TestRangeCommitsMatchGit compares the range walk with 'git rev-list A..B'
// on a history of branches and merges whose commit dates are out of order.
func TestRangeCommitsMatchGit(t *testing.T) {
	r := newRepo(t)
	rng := rand.New(rand.NewPCG(7, 8))
	var ids []string
	ids = append(ids, r.commit("root"))
	for i := 0; i < 40; i++ {
		r.n = rng.IntN(3000) // skewed clocks
		switch rng.IntN(4) {
		case 0:
			r.git("checkout", "-q", "-B", fmt.Sprintf("b%d", i%3), ids[rng.IntN(len(ids))])
		case 1:
			if other := ids[rng.IntN(len(ids))]; other != ids[len(ids)-1] {
				cmd := exec.Command("git", "merge", "-q", "--no-edit", "-m", fmt.Sprint("merge ", i), other)
				cmd.Dir = r.dir
				cmd.Env = append(os.Environ(), "GIT_CONFIG_NOSYSTEM=1", "HOME="+r.dir, "GIT_AUTHOR_NAME=A",
					"GIT_AUTHOR_EMAIL=a@example.com", "GIT_COMMITTER_NAME=A", "GIT_COMMITTER_EMAIL=a@example.com")
				if cmd.Run() != nil {
					r.git("merge", "--abort")
				}
			}
		}
		r.write(fmt.Sprintf("f%d.txt", rng.IntN(5)), fmt.Sprint(i))
		ids = append(ids, r.commit(fmt.Sprint("c", i)))
	}
	repo, err := git.PlainOpen(r.dir)
	if err != nil {
		t.Fatal(err)
	}
	read, has := gitReader(repo)
	for k := 0; k < 30; k++ {
		a, b := ids[rng.IntN(len(ids))], ids[rng.IntN(len(ids))]
		l, err := newLoader(repo, read, has)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, c := range l.rangeCommits([]plumbing.Hash{plumbing.NewHash(b)}, []plumbing.Hash{plumbing.NewHash(a)}) {
			got = append(got, c.hash.String())
		}
		want := strings.Fields(r.git("rev-list", "--topo-order", "--reverse", a+".."+b))
		sort.Strings(got)
		sort.Strings(want)
		if strings.Join(got, " ") != strings.Join(want, " ") {
			t.Errorf("%s..%s: got %d commits, git lists %d", a[:8], b[:8], len(got), len(want))
		}
	}
}

// TestTags checks that history reachable only from an annotated tag (or a
// tag of a tag) is scanned, and that tags of trees are ignored.
func TestTags(t *testing.T) {
	r := newRepo(t)
	r.write("a.txt", "a\n")
	r.commit("first")
	r.git("tag", "tree-tag", "HEAD^{tree}")
	r.git("checkout", "-q", "-b", "release")
	k := fakeID()
	r.write("rel.txt", k+"\n")
	r.commit("release key")
	r.git("tag", "-a", "v1", "-m", "v1")
	r.git("tag", "-a", "v1-again", "-m", "tag of a tag", "v1")
	r.git("checkout", "-q", "main")
	r.git("branch", "-D", "release")
	check(t, r.got(r.scan(Options{All: true})), want("release key rel.txt:1 "+awskey.Redact(k)))
	r.git("repack", "-adq")
	check(t, r.got(r.scan(Options{All: true})), want("release key rel.txt:1 "+awskey.Redact(k)))
}
