// Package history scans git histories for credentials: every commit
// reachable from any ref, or a revision range as 'git log A..B' lists it.
// Each credential is reported once, at the commit that introduced it: the
// first commit (parents before children) whose tree holds it while none of
// its parents' trees does. So a rename or a merge of a branch does not report
// it again, and a merge that brings content neither parent had (a conflict
// resolution) does.
//
// The scan does not diff commits. It reads every object in the repository
// once, straight from the pack files: whole blobs are tested with a cheap
// prefilter, and deltas only on the bytes they insert, inheriting what their
// base holds (see prefilter). Only the few blobs that pass are read in full
// and given to the detector, and only those are traced to commits, by walking
// each distinct tree once. Objects that cannot be read (missing from a
// partial clone or a damaged repository, too large) are reported in
// Result.Skipped; where a shallow history stops is said in Result.Notes.
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
	repo, err := git.PlainOpenWithOptions(dir, &git.PlainOpenOptions{DetectDotGit: true, EnableDotGitCommonDir: true})
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

	pf := newPrefilter(opts.KnownSecrets)
	inv, err := objectPass(ctx, objectsDir, pf, opts.Workers, opts.MaxBlobSize)
	if err != nil {
		return nil, fmt.Errorf("cannot read objects: %w", err)
	}
	tracef("object pass: %d objects, %d blobs to confirm", inv.count, len(inv.blobs))
	st2, err := newStore(inv, cacheBudget)
	if err != nil {
		return nil, err
	}
	defer st2.close()
	l, err := newLoader(repo, st2)
	if err != nil {
		return nil, err
	}
	var order []*commitInfo
	if opts.All {
		tips, err := allTips(repo)
		if err != nil {
			return nil, err
		}
		order = l.ancestors(tips, nil)
	} else {
		include, exclude, err := parseRange(repo, opts.Range, l)
		if err != nil {
			return nil, err
		}
		stop := map[plumbing.Hash]bool{}
		for _, c := range l.ancestors(exclude, nil) {
			stop[c.hash] = true
		}
		order = l.ancestors(include, stop)
	}
	for h := range l.missing {
		res.Skipped = append(res.Skipped, scan.Skipped{Commit: h.String(), Reason: "commit is missing (damaged repository?)"})
	}
	for h := range l.hitShallow {
		res.Notes = append(res.Notes, fmt.Sprintf("shallow clone: history stops at commit %s (its parents are not in this clone)", h))
	}
	if len(order) == 0 {
		res.Notes = append(res.Notes, "no commits to scan")
		return res, nil
	}

	tracef("commits: %d in scope", len(order))
	interest, err := confirm(ctx, inv, pf, det, opts.Workers)
	if err != nil {
		return nil, err
	}
	inv.index()
	tracef("confirm: %d blobs with findings %v", len(interest), interest)
	roots := make([]plumbing.Hash, 0, len(order))
	for _, c := range order {
		roots = append(roots, c.tree)
	}
	walked, err := walkTrees(inv, roots, interest, opts.Workers)
	if err != nil {
		return nil, err
	}
	tracef("walk: %d trees", len(walked))
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
// recorded for its own deltas, and handed to the detector on other cores.
// Loose blobs are read and scanned directly. Blobs that cannot be read
// become skipped.
func confirm(ctx context.Context, inv *inventory, pf *prefilter, det *scan.Detector, workers int) (map[plumbing.Hash]bool, error) {
	interest := map[plumbing.Hash]bool{}
	rf, err := newRefiner(pf, inv.data)
	if err != nil {
		return nil, err
	}
	defer rf.close()
	st, err := newStore(inv, cacheBudget)
	if err != nil {
		return nil, err
	}
	defer st.close()

	type job struct {
		h       plumbing.Hash
		content []byte
	}
	jobs := make(chan job, 64)
	var mu sync.Mutex
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range jobs {
				if len(det.Scan("", j.content)) > 0 {
					mu.Lock()
					interest[j.h] = true
					mu.Unlock()
				}
			}
		}()
	}
	fail := func(h plumbing.Hash, err error) {
		mu.Lock()
		inv.blobs[h] = blobState{reason: "cannot read blob: " + err.Error()}
		mu.Unlock()
	}
	rebuilt := 0
	for p, d := range inv.data {
		for i := range d.entries {
			if ctx.Err() != nil {
				break
			}
			e := &d.entries[i]
			if e.typ != objBlob || e.err != "" || !e.fl.candidate() {
				continue
			}
			mu.Lock()
			state := inv.blobs[e.hash]
			mu.Unlock()
			if !state.hot {
				continue // too large, or unreadable
			}
			if (e.kind == objOfsDelta || e.kind == objRefDelta) && !e.own.candidate() && !rf.refine(p, i).flags().candidate() {
				continue
			}
			_, content, err := st.entry(p, i, 0)
			if err != nil {
				fail(e.hash, err)
				continue
			}
			rebuilt++
			exact := &refined{spans: pf.spans(content, 0, false, false, nil), label: pf.hasLabel(content, false, false)}
			for _, s := range exact.spans {
				exact.maxLen = max(exact.maxLen, s.end-s.start)
			}
			sort.Slice(exact.spans, func(a, b int) bool { return exact.spans[a].start < exact.spans[b].start })
			rf.memo[e] = exact
			if exact.flags().candidate() {
				jobs <- job{e.hash, content}
			}
		}
	}
	tracef("confirm: %d blobs rebuilt", rebuilt)
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
		jobs <- job{h, content}
	}
	close(jobs)
	wg.Wait()
	return interest, ctx.Err()
}

// tracef, when set (by benchmarks), is told how each phase went.
var tracef = func(format string, args ...any) {}

// cacheBudget bounds the delta bases kept in memory while reading objects.
const cacheBudget = 64 << 20

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
