// Package history scans git histories for credentials: every commit
// reachable from any ref, or a revision range as 'git log A..B' lists it.
// Each credential is reported once, at the commit that introduced it: the
// first commit (parents before children) whose tree holds it while none of
// its parents' trees does. So a rename or a merge of a branch does not report
// it again, and a merge that brings content neither parent had (a conflict
// resolution) does.
//
// The scan does not diff commits. It reads every object in the repository
// once, straight from the pack files (go-git's index reader locates them; the
// pack entries are inflated here, on all cores): whole blobs are tested with
// a cheap prefilter, and deltas only on the bytes they insert, carrying what
// their base holds through their copy instructions (see prefilter and
// refiner). Only the few blobs that may hold a credential are rebuilt and
// given to the detector, and only those are traced to commits, after one
// parallel walk of each distinct tree that also proves every blob is
// present. Objects that cannot be read (missing from a partial clone or a
// damaged repository, too large) are reported in Result.Skipped; where a
// shallow history stops is said in Result.Notes.
//
// The detector's findings are assumed not to depend on the path it is given
// (blobs are confirmed once, without a path, and scanned again with their
// path when reported).
package history

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/storage/filesystem"

	"github.com/credguard/credguard/scan"
)

// Options choose what Scan covers.
type Options struct {
	// Range is a revision range ("A..B", "A...B", "^A B", "B"); empty with
	// All for every commit reachable from any ref.
	Range string
	All   bool
	// KnownSecrets are the values the detector was given as known secrets:
	// the prefilter must let blobs holding them through.
	KnownSecrets []string
	// Workers is the number of goroutines reading objects (default: all CPUs).
	Workers int
	// MaxBlobSize is the largest blob scanned (default 256 MiB); larger ones
	// are reported as skipped.
	MaxBlobSize int64
}

// ErrNotRepository is returned when dir is not inside a git repository.
var ErrNotRepository = errors.New("not a git repository")

// Scan scans the history of the repository containing dir.
func Scan(ctx context.Context, dir string, det *scan.Detector, opts Options) (*scan.Result, error) {
	if opts.Range == "" && !opts.All {
		return nil, errors.New("history.Scan: set Range or All")
	}
	if opts.Workers <= 0 {
		opts.Workers = runtime.GOMAXPROCS(0)
	}
	if opts.MaxBlobSize <= 0 {
		opts.MaxBlobSize = 256 << 20
	}
	open := func() (*git.Repository, error) {
		return git.PlainOpenWithOptions(dir, &git.PlainOpenOptions{DetectDotGit: true, EnableDotGitCommonDir: true})
	}
	repo, err := open()
	if err != nil {
		if errors.Is(err, git.ErrRepositoryNotExists) {
			return nil, fmt.Errorf("%s: %w", dir, ErrNotRepository)
		}
		return nil, fmt.Errorf("cannot open repository: %w", err)
	}
	st, ok := repo.Storer.(*filesystem.Storage)
	if !ok {
		return nil, errors.New("history.Scan: repository is not on disk")
	}
	gitDir := st.Filesystem().Root()
	res := &scan.Result{Root: gitDir}
	if wt, err := repo.Worktree(); err == nil {
		res.Root = wt.Filesystem.Root()
	}
	objectsDir := filepath.Join(commonDir(gitDir), "objects")

	if opts.Range != "" {
		// A push or pull request: check what the range changes first.
		read, has := gitReader(repo)
		l, err := newLoader(repo, read, has)
		if err != nil {
			return nil, err
		}
		include, exclude, err := parseRange(repo, opts.Range, l)
		if err != nil {
			return nil, err
		}
		order := l.rangeCommits(include, exclude)
		if len(l.missing) == 0 && len(order) <= quickRangeMax {
			quick := &scan.Result{Root: res.Root}
			for h := range l.hitShallow {
				quick.Notes = append(quick.Notes, fmt.Sprintf("shallow clone: history stops at commit %s (its parents are not in this clone)", h))
			}
			if len(order) == 0 {
				quick.Notes = append(quick.Notes, "no commits to scan")
				return quick, nil
			}
			if quickRange(repo, open, order, l, det, opts, quick) {
				return quick, nil
			}
		}
	}

	pf := newPrefilter(opts.KnownSecrets)
	inv, err := objectPass(ctx, objectsDir, pf, opts.Workers, opts.MaxBlobSize)
	if err != nil {
		return nil, fmt.Errorf("cannot read objects: %w", err)
	}
	tracef("object pass: %d objects, %d blobs to confirm", inv.count, len(inv.blobs))

	// Confirming candidates and reading commits are independent: the
	// first is parallel in delta families, often few, so overlap them.
	cctx, cancel := context.WithCancel(ctx)
	type confirmed struct {
		interest map[plumbing.Hash]bool
		failed   map[plumbing.Hash]string
		err      error
	}
	done := make(chan confirmed, 1)
	go func() {
		interest, failed, err := confirm(cctx, inv, pf, det, opts.Workers)
		done <- confirmed{interest, failed, err}
	}()
	wait := func() (map[plumbing.Hash]bool, map[plumbing.Hash]string, error) {
		c := <-done
		done <- c // later waits see the same result
		return c.interest, c.failed, c.err
	}
	defer func() { wait() }()
	defer cancel() // runs first: an early return stops the confirmation, then waits for it

	st2, err := newStore(inv, cacheBudget/8) // commits and a few trees: rarely deltas
	if err != nil {
		return nil, err
	}
	defer st2.close()
	l, err := newLoader(repo, st2.read, inv.has)
	if err != nil {
		return nil, err
	}
	l.pre = map[plumbing.Hash]*commitInfo{}
	for _, d := range inv.data {
		for i := range d.entries {
			if c := d.entries[i].commit; c != nil {
				l.pre[c.hash] = c
				d.entries[i].commit = nil
			}
		}
	}
	var order []*commitInfo
	if opts.All {
		tips, err := allTips(repo, l)
		if err != nil {
			return nil, err
		}
		order = l.ancestors(tips, nil)
	} else {
		include, exclude, err := parseRange(repo, opts.Range, l)
		if err != nil {
			return nil, err
		}
		order = l.rangeCommits(include, exclude)
	}
	for h, why := range l.missing {
		res.Skipped = append(res.Skipped, scan.Skipped{Commit: h.String(), Reason: why})
	}
	for h := range l.hitShallow {
		res.Notes = append(res.Notes, fmt.Sprintf("shallow clone: history stops at commit %s (its parents are not in this clone)", h))
	}
	if len(order) == 0 {
		res.Notes = append(res.Notes, "no commits to scan")
		return res, nil
	}

	tracef("commits: %d in scope", len(order))
	roots := make([]plumbing.Hash, 0, len(order))
	for _, c := range order {
		roots = append(roots, c.tree)
	}
	w, err := walkTrees(inv, roots, opts.Workers)
	if err != nil {
		return nil, err
	}
	tracef("walk: %d trees", len(w.nodes))
	interest, failed, err := wait()
	if err != nil {
		return nil, err
	}
	for h, why := range failed {
		inv.blobs[h] = blobState{reason: why}
		inv.table.set(h, objFlagged)
	}
	tracef("confirm: %d blobs with findings", len(interest))
	walked := w.mark(inv, interest)
	a := &attributor{s: st2, inv: inv, det: det, interest: interest, walked: walked,
		trees: map[plumbing.Hash]*summary{}, found: map[hit][]scan.Finding{}, prints: map[plumbing.Hash]map[string]scan.Finding{}}
	a.attribute(order, l, res)
	tracef("attribute: %d trees", len(a.trees))
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return res, nil
}

// confirm decides which blobs the prefilter let through hold findings. Pack
// entries are taken in pack order, bases before their deltas: each delta's
// inherited flags are first sharpened by following its base's spans (see
// refiner); what remains a candidate is rebuilt in full, its exact spans
// recorded for its own deltas, and handed to the detector. The entries are
// split into one contiguous run per worker, each with its own refiner and
// reader (a delta whose base lies in another worker's run is followed
// without that base's exact spans: less sharp, still sound). Loose blobs
// are read and scanned directly. Blobs that cannot be read become skipped.
func confirm(ctx context.Context, inv *inventory, pf *prefilter, det *scan.Detector, workers int) (interest map[plumbing.Hash]bool, failed map[plumbing.Hash]string, err error) {
	interest = map[plumbing.Hash]bool{}
	type ref struct{ p, i int }
	var todo []ref
	for p, d := range inv.data {
		for i := range d.entries {
			e := &d.entries[i]
			if e.typ == objBlob && e.err == "" && e.fl.maybe() && inv.blobs[e.hash].hot {
				todo = append(todo, ref{p, i})
			}
		}
	}
	var (
		mu       sync.Mutex
		wg       sync.WaitGroup
		rebuilt  int
		firstErr error
	)
	// Failures go to the caller: commits and trees are being read meanwhile.
	failed = map[plumbing.Hash]string{}
	fail := func(h plumbing.Hash, err error) {
		mu.Lock()
		failed[h] = "cannot read blob: " + err.Error()
		mu.Unlock()
	}
	found := func(h plumbing.Hash, content []byte) {
		if len(det.Scan("", content)) > 0 {
			mu.Lock()
			interest[h] = true
			mu.Unlock()
		}
	}
	run := func(part []ref) error {
		rf, err := newRefiner(pf, inv.data)
		if err != nil {
			return err
		}
		defer rf.close()
		st, err := newStore(inv, cacheBudget/workers)
		if err != nil {
			return err
		}
		defer st.close()
		n := 0
		for _, x := range part {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			e := &inv.data[x.p].entries[x.i]
			isDelta := e.kind == objOfsDelta || e.kind == objRefDelta
			if !isDelta && !e.fl.candidate() || isDelta && !e.own.candidate() && !rf.refine(x.p, x.i).flags().candidate() {
				continue
			}
			_, content, err := st.entry(x.p, x.i, 0)
			if err != nil {
				fail(e.hash, err)
				continue
			}
			n++
			exact := newRefined(pf.spans(content, 0, false, false, true, nil), int64(len(content)))
			rf.memo[e] = exact
			if exact.flags().candidate() {
				found(e.hash, content)
			}
		}
		mu.Lock()
		rebuilt += n
		mu.Unlock()
		return nil
	}
	// Give each worker whole delta families (the entries sharing a chain
	// root), so that every delta still sees its bases' exact spans; the
	// largest families first, each to the least loaded worker.
	root := func(x ref) ref {
		es := inv.data[x.p].entries
		for i := x.i; ; {
			e := &es[i]
			if e.kind != objOfsDelta && e.kind != objRefDelta || e.base < 0 {
				return ref{x.p, i}
			}
			i = int(e.base)
		}
	}
	families := map[ref][]ref{}
	weight := map[ref]int64{}
	for _, x := range todo {
		r := root(x)
		families[r] = append(families[r], x)
		weight[r] += inv.data[x.p].entries[x.i].size
	}
	roots := make([]ref, 0, len(families))
	for r := range families {
		roots = append(roots, r)
	}
	sort.Slice(roots, func(a, b int) bool {
		if weight[roots[a]] != weight[roots[b]] {
			return weight[roots[a]] > weight[roots[b]]
		}
		return roots[a].p < roots[b].p || roots[a].p == roots[b].p && roots[a].i < roots[b].i
	})
	parts := make([][]ref, workers)
	load := make([]int64, workers)
	for _, r := range roots {
		w := 0
		for k := range load {
			if load[k] < load[w] {
				w = k
			}
		}
		parts[w] = append(parts[w], families[r]...)
		load[w] += weight[r]
	}
	for _, part := range parts {
		if len(part) == 0 {
			continue
		}
		// Pack order within a part: bases before their deltas.
		sort.Slice(part, func(a, b int) bool { return part[a].p < part[b].p || part[a].p == part[b].p && part[a].i < part[b].i })
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := run(part); err != nil {
				mu.Lock()
				if firstErr == nil {
					firstErr = err
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if firstErr != nil {
		return nil, nil, firstErr
	}
	tracef("confirm: %d blobs rebuilt", rebuilt)
	if len(inv.loose) > 0 {
		st, err := newStore(inv, cacheBudget)
		if err != nil {
			return nil, nil, err
		}
		defer st.close()
		for h := range inv.loose {
			if ctx.Err() != nil {
				break
			}
			if !inv.blobs[h].hot {
				continue
			}
			_, content, err := st.read(h)
			if err != nil {
				fail(h, err)
				continue
			}
			found(h, content)
		}
	}
	return interest, failed, ctx.Err()
}

// tracef, when set (by benchmarks), is told how each phase went.
var tracef = func(format string, args ...any) {}

// cacheBudget bounds the delta bases kept in memory while reading objects.
const cacheBudget = 32 << 20

// commonDir follows a linked worktree's commondir file to the repository
// that holds the objects.
func commonDir(gitDir string) string {
	b, err := os.ReadFile(filepath.Join(gitDir, "commondir"))
	if err != nil {
		return gitDir
	}
	p := strings.TrimSpace(string(b))
	if !filepath.IsAbs(p) {
		p = filepath.Join(gitDir, p)
	}
	return p
}
