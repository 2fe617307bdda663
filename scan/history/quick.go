package history

import (
	"errors"
	"fmt"
	"io"
	"sort"
	"sync"
	"sync/atomic"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"

	"github.com/credguard/credguard/scan"
)

// quickRangeMax is the largest range checked without the object pass.
const quickRangeMax = 2000

// The quick range check answers the CI question for a push or pull request
// without reading the whole repository: it diffs each commit of the range
// against its parents (equal subtrees are skipped by hash), and scans the
// blobs each commit has at a path where none of its parents has the same
// blob. A credential a commit introduces lies in such a blob, so if none
// holds a finding the range is clean. Otherwise (or if anything cannot be
// read) the caller runs the full scan, which places each finding exactly.
// Blobs the range does not change are not read, so a partial clone's
// missing history does not matter here.

// gitReader reads objects through go-git (the quick check has no
// inventory of the packs).
func gitReader(repo *git.Repository) (func(plumbing.Hash) (int, []byte, error), func(plumbing.Hash) bool) {
	kinds := map[plumbing.ObjectType]int{plumbing.CommitObject: objCommit, plumbing.TreeObject: objTree,
		plumbing.BlobObject: objBlob, plumbing.TagObject: objTag}
	read := func(h plumbing.Hash) (int, []byte, error) {
		o, err := repo.Storer.EncodedObject(plumbing.AnyObject, h)
		if err != nil {
			return 0, nil, err
		}
		r, err := o.Reader()
		if err != nil {
			return 0, nil, err
		}
		defer r.Close()
		b, err := io.ReadAll(r)
		return kinds[o.Type()], b, err
	}
	has := func(h plumbing.Hash) bool { return repo.Storer.HasEncodedObject(h) == nil }
	return read, has
}

// quickRange runs the quick check on the commits of a range. ok is false
// when the full scan must decide.
func quickRange(repo *git.Repository, reopen func() (*git.Repository, error), order []*commitInfo, l *loader, det *scan.Detector, opts Options, res *scan.Result) (ok bool) {
	// go-git keeps recently read objects in its own bounded cache.
	tree := func(h plumbing.Hash) (*object.Tree, error) { return object.GetTree(repo.Storer, h) }
	type change struct {
		path   string
		commit plumbing.Hash
		before []plumbing.Hash // the parents' blobs at the same path
	}
	fresh := map[plumbing.Hash]change{} // blob -> first place it is new
	var visit func(cur *object.Tree, olds []*object.Tree, prefix string, c plumbing.Hash) error
	visit = func(cur *object.Tree, olds []*object.Tree, prefix string, c plumbing.Hash) error {
		for _, e := range cur.Entries {
			path := prefix + e.Name
			var subs []*object.Tree
			var before []plumbing.Hash
			same := false
			for _, o := range olds {
				if o == nil {
					continue
				}
				oe, err := o.FindEntry(e.Name)
				if err != nil {
					continue
				}
				if oe.Hash == e.Hash && oe.Mode == e.Mode {
					same = true
					break
				}
				if oe.Mode.IsFile() && e.Mode.IsFile() {
					before = append(before, oe.Hash)
				}
				if oe.Mode == filemode.Dir && e.Mode == filemode.Dir {
					st, err := tree(oe.Hash)
					if err != nil {
						return err
					}
					subs = append(subs, st)
				}
			}
			if same {
				continue // some parent has exactly this: nothing new under it
			}
			switch e.Mode {
			case filemode.Dir:
				st, err := tree(e.Hash)
				if err != nil {
					return err
				}
				// A folder new to every parent is compared with nothing.
				if err := visit(st, subs, path+"/", c); err != nil {
					return err
				}
			case filemode.Submodule:
			default:
				if _, ok := fresh[e.Hash]; !ok {
					fresh[e.Hash] = change{path, c, before}
				}
			}
		}
		return nil
	}
	for _, c := range order {
		cur, err := tree(c.tree)
		if err != nil {
			return false
		}
		var olds []*object.Tree
		for _, p := range c.parents {
			pc := l.get(p)
			if pc == nil {
				return false
			}
			t, err := tree(pc.tree)
			if err != nil {
				return false
			}
			olds = append(olds, t)
		}
		if err := visit(cur, olds, "", c.hash); err != nil {
			return false
		}
	}
	blobs := make([]plumbing.Hash, 0, len(fresh))
	for h := range fresh {
		blobs = append(blobs, h)
	}
	sort.Slice(blobs, func(i, j int) bool { return fresh[blobs[i]].path < fresh[blobs[j]].path })

	// Reading blobs is most of the cost. go-git's pack readers are not safe
	// for concurrent use, so each worker opens the repository for itself.
	type verdict struct {
		skipped *scan.Skipped
		new     bool // a finding the parents' versions do not have
		err     error
	}
	verdicts := make([]verdict, len(blobs))
	check := func(r *git.Repository, i int) verdict {
		h := blobs[i]
		where := fresh[h]
		b, err := object.GetBlob(r.Storer, h)
		switch {
		case errors.Is(err, plumbing.ErrObjectNotFound):
			return verdict{skipped: &scan.Skipped{Path: displayPath(where.path), Commit: where.commit.String(),
				Reason: "blob " + h.String() + " is missing (partial clone or damaged repository)"}}
		case err != nil:
			return verdict{err: err}
		case b.Size > opts.MaxBlobSize:
			return verdict{skipped: &scan.Skipped{Path: displayPath(where.path), Commit: where.commit.String(),
				Reason: fmt.Sprintf("blob of %d bytes is larger than the %d-byte limit", b.Size, opts.MaxBlobSize)}}
		}
		found, err := scanBlob(b, det, where.path)
		if err != nil || len(found) == 0 {
			return verdict{err: err}
		}
		// A value the parent's version of the file already held (a fixture
		// edited nearby) is not new in this commit; the commit that brought
		// it is checked on its own, in the range or before it.
		had := map[string]bool{}
		for _, bh := range where.before {
			ob, err := object.GetBlob(r.Storer, bh)
			if err != nil {
				return verdict{err: err}
			}
			old, err := scanBlob(ob, det, where.path)
			if err != nil {
				return verdict{err: err}
			}
			for _, f := range old {
				had[f.Fingerprint] = true
			}
		}
		for _, f := range found {
			if !had[f.Fingerprint] {
				return verdict{new: true}
			}
		}
		return verdict{}
	}
	workers := max(1, min(opts.Workers, len(blobs)/64+1))
	var next atomic.Int64
	var stop atomic.Bool
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		r := repo
		if w > 0 {
			var err error
			if r, err = reopen(); err != nil {
				return false
			}
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			for !stop.Load() {
				i := int(next.Add(1) - 1)
				if i >= len(blobs) {
					return
				}
				v := check(r, i)
				verdicts[i] = v
				if v.err != nil || v.new {
					stop.Store(true) // the full scan decides
				}
			}
		}()
	}
	wg.Wait()
	if stop.Load() {
		return false
	}
	for _, v := range verdicts {
		if v.skipped != nil {
			res.Skipped = append(res.Skipped, *v.skipped)
		}
	}
	tracef("quick range: %d commits, %d new blobs, clean", len(order), len(blobs))
	return true
}

// scanBlob runs the detector over blob b.
func scanBlob(b *object.Blob, det *scan.Detector, path string) ([]scan.Finding, error) {
	r, err := b.Reader()
	if err != nil {
		return nil, err
	}
	defer r.Close()
	content, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	return det.Scan(displayPath(path), content), nil
}
