// Package staged reads exactly what `git commit` would record (the index
// against HEAD) and scans what the commit adds.
//
// # What is read
//
// The index is read with internal/gitindex; objects (HEAD's commit, the
// trees of changed folders, blobs) with go-git's object storage. The working
// tree is never read: with partial staging (`git add -p`) the staged content
// counts, whatever the file on disk holds. Folders whose cache-tree entry is
// valid and names the same tree as HEAD's are skipped without reading
// anything, so a commit touching one file costs one index read and a few
// object lookups, however large the repository. Git's environment
// (GIT_DIR, GIT_WORK_TREE, GIT_INDEX_FILE) is honoured: run as a
// pre-commit hook by `git commit -a` or `git commit PATH`, the scan reads
// the temporary index git built for that commit.
//
// # What is reported
//
// A finding is reported only if this commit adds it:
//   - a changed path: findings whose fingerprint is also found in HEAD's
//     version of the same path are dropped (the value was already committed);
//   - a new path: findings whose fingerprint is found in any file the commit
//     deletes are dropped. This covers renames (exact or edited, `git mv`)
//     and moves of a value from one file to another; a file staged with the
//     same content as a deleted one is not even read.
//
// Deletions add nothing. Intent-to-add entries (`git add -N`) are not
// committed and are ignored. Submodules (gitlinks) are commits of another
// repository and are skipped. A symlink's blob (the target path) is scanned
// like any file, since it is what the commit records; binary files are
// scanned as bytes. Blobs of any size are scanned: those over
// Options.WindowSize are streamed through the detector in overlapping
// windows instead of being held in memory.
//
// During an unresolved merge the index holds stages 1-3 for conflicted
// paths. `git commit` refuses such an index, but a manual scan reports
// what "ours" (stage 2) and "theirs" (stage 3) would add against HEAD, and
// says so in Result.Notes; the common ancestor (stage 1) is not scanned.
// A merge is compared with HEAD (its first parent) only, so credentials the
// merged branch brings in are reported.
//
// A sparse index's folder entries (folders outside the sparse-checkout
// cone) are compared with HEAD tree by tree. Anything that cannot be read
// (split index, SHA-256 repository, corrupt index, missing object) is an
// error, never a clean result.
package staged

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"sort"
	"strings"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/plumbing/storer"
	"github.com/go-git/go-git/v5/storage/filesystem"

	"github.com/credguard/credguard/internal/gitindex"
	"github.com/credguard/credguard/scan"
)

// DefaultWindowSize is the largest blob read whole by default.
const DefaultWindowSize = 16 << 20

// Options tune a staged scan. The zero value is ready to use.
type Options struct {
	// WindowSize is the largest blob read into memory whole, in bytes;
	// larger ones are scanned in windows of this size (at least 128 KiB)
	// that overlap by 64 KiB. 0 means DefaultWindowSize.
	WindowSize int64
	// Getenv reads the environment (GIT_DIR, GIT_WORK_TREE,
	// GIT_INDEX_FILE). Nil means os.Getenv.
	Getenv func(string) string
}

// Scan scans the change staged in the repository containing dir, with
// default options.
func Scan(ctx context.Context, dir string, d *scan.Detector) (*scan.Result, error) {
	return Options{}.Scan(ctx, dir, d)
}

// Scan scans the change staged in the repository containing dir.
// Result.Root is the working tree root; findings' File is the slash path
// from it.
func (o Options) Scan(ctx context.Context, dir string, d *scan.Detector) (*scan.Result, error) {
	if o.WindowSize <= 0 {
		o.WindowSize = DefaultWindowSize
	}
	o.WindowSize = max(o.WindowSize, 2*streamOverlap)
	if o.Getenv == nil {
		o.Getenv = os.Getenv
	}
	r, err := discover(dir, o.Getenv)
	if err != nil {
		return nil, err
	}
	idx, err := readIndex(r.indexFile)
	if err != nil {
		return nil, err
	}
	st := r.storage(o.WindowSize)
	defer st.Close()
	objs := newObjects(r.commonDir, st, o.WindowSize)
	defer objs.Close()
	head, err := headTree(st, objs)
	if err != nil {
		return nil, err
	}
	s := &stagedScan{ctx: ctx, opts: o, objs: objs, idx: idx, det: d,
		res: &scan.Result{Root: r.workTree}, deletedBlobs: map[plumbing.Hash]string{}}
	if err := s.dir("", 0, len(idx.Entries), idx.Tree, head); err != nil {
		return nil, err
	}
	if err := s.scanChanges(); err != nil {
		return nil, err
	}
	if s.conflicts > 0 {
		s.res.Notes = append(s.res.Notes, fmt.Sprintf(
			"the index has %d unresolved conflict(s): 'git commit' will refuse it; both sides were scanned", s.conflicts))
	}
	return s.res, nil
}

func readIndex(path string) (*gitindex.Index, error) {
	idx, err := gitindex.ReadFile(path)
	var ce *gitindex.CorruptError
	switch {
	case err == nil:
		return idx, nil
	case errors.Is(err, fs.ErrNotExist):
		// A fresh repository has no index until something is staged.
		return &gitindex.Index{Version: 2}, nil
	case errors.Is(err, gitindex.ErrUnsupported):
		return nil, &kindError{kind: ErrUnsupported, err: err}
	case errors.As(err, &ce):
		return nil, &kindError{kind: ErrCorrupt, err: err}
	}
	return nil, fmt.Errorf("cannot read the index: %w", err)
}

// kindError classes err as one of this package's errors without repeating
// the class in the message.
type kindError struct{ kind, err error }

func (e *kindError) Error() string   { return e.err.Error() }
func (e *kindError) Unwrap() []error { return []error{e.kind, e.err} }

// headTree returns the tree of the commit HEAD names, or the zero hash on an
// unborn branch (before the first commit).
func headTree(st *filesystem.Storage, objs *objects) (plumbing.Hash, error) {
	ref, err := storer.ResolveReference(st, plumbing.HEAD)
	if errors.Is(err, plumbing.ErrReferenceNotFound) {
		return plumbing.ZeroHash, nil
	}
	if err != nil {
		return plumbing.ZeroHash, fmt.Errorf("%w: cannot resolve HEAD: %v", ErrCorrupt, err)
	}
	var c object.Commit
	obj, err := objs.get(ref.Hash(), plumbing.CommitObject)
	if err == nil {
		err = c.Decode(obj)
	}
	if err != nil {
		return plumbing.ZeroHash, fmt.Errorf("%w: HEAD (%s) names commit %s: %v", ErrCorrupt, ref.Name(), ref.Hash(), err)
	}
	return c.TreeHash, nil
}

// change is a staged path whose content differs from HEAD's.
type change struct {
	path string
	hash plumbing.Hash
	old  plumbing.Hash // HEAD's blob at the same path; zero for a new path
}

type stagedScan struct {
	ctx  context.Context
	opts Options
	objs *objects
	idx  *gitindex.Index
	det  *scan.Detector
	res  *scan.Result

	changes      []change
	conflicts    int
	deletedBlobs map[plumbing.Hash]string // blobs at HEAD paths the index no longer has, with a path
	deletedTrees []deletedTree            // HEAD folders the index no longer has
	deletedFPs   map[string]bool          // fingerprints found in deleted files, built on demand
}

type deletedTree struct {
	hash plumbing.Hash
	path string
}

// dir compares the index entries [lo, hi), all under the folder prefix
// ("" or "a/b/"), with HEAD's tree for that folder (zero if HEAD has none).
// node is the folder's cache-tree entry, possibly nil.
func (s *stagedScan) dir(prefix string, lo, hi int, node *gitindex.Tree, head plumbing.Hash) error {
	if err := s.ctx.Err(); err != nil {
		return err
	}
	if !head.IsZero() && node.Valid() && plumbing.Hash(node.Hash) == head {
		return nil // nothing under this folder differs from HEAD
	}
	var headEntries map[string]object.TreeEntry
	if !head.IsZero() {
		t, err := s.tree(head)
		if err != nil {
			return fmt.Errorf("%w: HEAD tree %s (%s): %v", ErrCorrupt, head, orRoot(prefix), err)
		}
		headEntries = make(map[string]object.TreeEntry, len(t.Entries))
		for _, e := range t.Entries {
			headEntries[e.Name] = e
		}
	}
	entries := s.idx.Entries
	for i := lo; i < hi; {
		name := entries[i].Name[len(prefix):]
		if slash := strings.IndexByte(name, '/'); slash >= 0 {
			sub := name[:slash]
			subPrefix := prefix + sub + "/"
			j := i + sort.Search(hi-i, func(k int) bool { return !strings.HasPrefix(entries[i+k].Name, subPrefix) })
			var subHead plumbing.Hash
			if he, ok := headEntries[sub]; ok && he.Mode == filemode.Dir {
				subHead = he.Hash
				delete(headEntries, sub)
			}
			var err error
			if e := &entries[i]; e.Mode.Type() == gitindex.ModeDir && e.Name == subPrefix {
				// A sparse index's folder entry: the whole folder is one
				// tree, compared with HEAD's tree by tree.
				err = s.trees(subPrefix, plumbing.Hash(e.Hash), subHead)
			} else {
				err = s.dir(subPrefix, i, j, node.Subtree(sub), subHead)
			}
			if err != nil {
				return err
			}
			i = j
			continue
		}
		var old plumbing.Hash
		if he, ok := headEntries[name]; ok && he.Mode != filemode.Dir {
			delete(headEntries, name)
			if isBlob(he.Mode) {
				old = he.Hash
			}
		}
		if entries[i].Stage > 0 {
			s.conflicts++
		}
		for ; i < hi && entries[i].Name[len(prefix):] == name; i++ {
			s.entry(&entries[i], old)
		}
	}
	s.deleted(prefix, headEntries)
	return nil
}

// trees compares the staged tree of folder prefix (a sparse index's folder
// entry) with HEAD's tree for it (zero if HEAD has none).
func (s *stagedScan) trees(prefix string, staged, head plumbing.Hash) error {
	if staged == head {
		return nil
	}
	if err := s.ctx.Err(); err != nil {
		return err
	}
	st, err := s.tree(staged)
	if err != nil {
		return fmt.Errorf("%w: staged tree %s (%s): %v", ErrCorrupt, staged, orRoot(prefix), err)
	}
	headEntries := map[string]object.TreeEntry{}
	if !head.IsZero() {
		ht, err := s.tree(head)
		if err != nil {
			return fmt.Errorf("%w: HEAD tree %s (%s): %v", ErrCorrupt, head, orRoot(prefix), err)
		}
		for _, e := range ht.Entries {
			headEntries[e.Name] = e
		}
	}
	for _, e := range st.Entries {
		he, inHead := headEntries[e.Name]
		switch {
		case e.Mode == filemode.Dir:
			var sub plumbing.Hash
			if inHead && he.Mode == filemode.Dir {
				sub = he.Hash
				delete(headEntries, e.Name)
			}
			if err := s.trees(prefix+e.Name+"/", e.Hash, sub); err != nil {
				return err
			}
		case isBlob(e.Mode):
			var old plumbing.Hash
			if inHead && he.Mode != filemode.Dir {
				delete(headEntries, e.Name)
				if isBlob(he.Mode) {
					old = he.Hash
				}
			}
			if e.Hash != old && e.Hash != emptyBlob {
				s.changes = append(s.changes, change{path: prefix + e.Name, hash: e.Hash, old: old})
			}
		default: // a gitlink
			if inHead && he.Mode != filemode.Dir {
				delete(headEntries, e.Name)
			}
		}
	}
	s.deleted(prefix, headEntries)
	return nil
}

// deleted records what HEAD has under prefix and the index does not:
// nothing to report, but the source of any rename.
func (s *stagedScan) deleted(prefix string, headEntries map[string]object.TreeEntry) {
	for _, he := range headEntries {
		switch {
		case he.Mode == filemode.Dir:
			s.deletedTrees = append(s.deletedTrees, deletedTree{he.Hash, prefix + he.Name})
		case isBlob(he.Mode):
			s.deletedBlobs[he.Hash] = prefix + he.Name
		}
	}
}

func orRoot(prefix string) string {
	if prefix == "" {
		return "the root folder"
	}
	return strings.TrimSuffix(prefix, "/")
}

// isBlob reports whether a tree entry mode is a file or a symlink.
func isBlob(m filemode.FileMode) bool {
	return m == filemode.Regular || m == filemode.Executable || m == filemode.Deprecated || m == filemode.Symlink
}

// emptyBlob is the name of the empty blob, which intent-to-add entries
// carry without it being in the object database.
var emptyBlob = plumbing.NewHash("e69de29bb2d1d6434b8b29ae775ad8c2e48c5391")

// entry records index entry e if the commit would change its content; old
// is HEAD's blob at the same path, if any.
func (s *stagedScan) entry(e *gitindex.Entry, old plumbing.Hash) {
	switch {
	case e.Stage == 1:
		return // the merge base: neither side's content
	case e.IntentToAdd:
		return // not committed until really added
	}
	if e.Mode.Type() == gitindex.ModeGitlink {
		return // a submodule's commit: another repository's content
	}
	h := plumbing.Hash(e.Hash)
	if h == old || h == emptyBlob {
		return
	}
	if n := len(s.changes); n > 0 && s.changes[n-1].path == e.Name && s.changes[n-1].hash == h {
		return // both sides of a conflict staged the same content
	}
	s.changes = append(s.changes, change{path: e.Name, hash: h, old: old})
}

// scanChanges scans the changed blobs and keeps what the commit adds.
func (s *stagedScan) scanChanges() error {
	for _, c := range s.changes {
		if err := s.ctx.Err(); err != nil {
			return err
		}
		if _, renamed := s.deletedBlobs[c.hash]; renamed && c.old.IsZero() {
			continue // a pure rename of a file HEAD has
		}
		found, err := s.findings(c.path, c.hash)
		if err != nil {
			return fmt.Errorf("%w: %s: %v", ErrCorrupt, c.path, err)
		}
		if len(found) == 0 {
			continue
		}
		var seen map[string]bool
		if !c.old.IsZero() {
			seen, err = s.fingerprints(c.path, c.old)
		} else {
			seen, err = s.deletedFingerprints()
		}
		if err != nil {
			return err
		}
		for _, f := range found {
			if !seen[f.Fingerprint] {
				s.res.Findings = append(s.res.Findings, f)
			}
		}
	}
	return nil
}

func (s *stagedScan) tree(h plumbing.Hash) (*object.Tree, error) {
	obj, err := s.objs.get(h, plumbing.TreeObject)
	if err != nil {
		return nil, err
	}
	var t object.Tree
	if err := t.Decode(obj); err != nil {
		return nil, err
	}
	return &t, nil
}

// findings runs the detector over blob h, read whole or, when large,
// streamed in windows. (The detector itself drops lines marked
// credguard:allow.)
func (s *stagedScan) findings(path string, h plumbing.Hash) ([]scan.Finding, error) {
	obj, err := s.objs.get(h, plumbing.BlobObject)
	if err != nil {
		return nil, fmt.Errorf("blob %s: %v", h, err)
	}
	if obj.Size() > s.opts.WindowSize {
		rd, err := obj.Reader()
		if err != nil {
			return nil, fmt.Errorf("blob %s: %v", h, err)
		}
		defer rd.Close()
		found, err := scanStream(s.det, path, rd, int(s.opts.WindowSize))
		if err != nil {
			return nil, fmt.Errorf("blob %s: %v", h, err)
		}
		return found, nil
	}
	content, err := readObject(obj)
	if err != nil {
		return nil, fmt.Errorf("blob %s: %v", h, err)
	}
	return s.det.Scan(path, content), nil
}

func readObject(obj plumbing.EncodedObject) ([]byte, error) {
	rd, err := obj.Reader()
	if err != nil {
		return nil, err
	}
	defer rd.Close()
	buf := bytes.NewBuffer(make([]byte, 0, obj.Size()+bytes.MinRead))
	if _, err := buf.ReadFrom(rd); err != nil {
		return nil, err
	}
	if int64(buf.Len()) != obj.Size() {
		return nil, fmt.Errorf("read %d bytes, the object header says %d", buf.Len(), obj.Size())
	}
	return buf.Bytes(), nil
}

// fingerprints returns the fingerprints of the findings in HEAD's blob h
// at path, marked lines included: a value committed before is not new.
func (s *stagedScan) fingerprints(path string, h plumbing.Hash) (map[string]bool, error) {
	found, err := s.findings(path, h)
	if err != nil {
		return nil, fmt.Errorf("%w: HEAD's %s: %v", ErrCorrupt, path, err)
	}
	fps := make(map[string]bool, len(found))
	for _, f := range found {
		fps[f.Fingerprint] = true
	}
	return fps, nil
}

// deletedFingerprints returns the fingerprints found in every file this
// commit deletes, computed once and only when a new file has findings.
func (s *stagedScan) deletedFingerprints() (map[string]bool, error) {
	if s.deletedFPs != nil {
		return s.deletedFPs, nil
	}
	// Expand deleted folders (a renamed folder) into their blobs.
	for len(s.deletedTrees) > 0 {
		d := s.deletedTrees[len(s.deletedTrees)-1]
		s.deletedTrees = s.deletedTrees[:len(s.deletedTrees)-1]
		t, err := s.tree(d.hash)
		if err != nil {
			return nil, fmt.Errorf("%w: HEAD tree %s (%s): %v", ErrCorrupt, d.hash, d.path, err)
		}
		for _, e := range t.Entries {
			switch {
			case e.Mode == filemode.Dir:
				s.deletedTrees = append(s.deletedTrees, deletedTree{e.Hash, d.path + "/" + e.Name})
			case isBlob(e.Mode):
				s.deletedBlobs[e.Hash] = d.path + "/" + e.Name
			}
		}
	}
	s.deletedFPs = map[string]bool{}
	for h, path := range s.deletedBlobs {
		if err := s.ctx.Err(); err != nil {
			return nil, err
		}
		fps, err := s.fingerprints(path, h)
		if err != nil {
			return nil, err
		}
		for fp := range fps {
			s.deletedFPs[fp] = true
		}
	}
	return s.deletedFPs, nil
}
