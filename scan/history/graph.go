package history

import (
	"bytes"
	"encoding/hex"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"
)

// commitInfo is what attribution needs of a commit.
type commitInfo struct {
	hash    plumbing.Hash
	tree    plumbing.Hash
	parents []plumbing.Hash // those present in the repository
	author  string
	date    string
	when    time.Time
}

// loader reads commits once, remembering where history stops.
type loader struct {
	s          *store
	shallow    map[plumbing.Hash]bool
	commits    map[plumbing.Hash]*commitInfo
	missing    map[plumbing.Hash]string // why each commit could not be read
	hitShallow map[plumbing.Hash]bool
}

func newLoader(repo *git.Repository, s *store) (*loader, error) {
	l := &loader{s: s, shallow: map[plumbing.Hash]bool{}, commits: map[plumbing.Hash]*commitInfo{},
		missing: map[plumbing.Hash]string{}, hitShallow: map[plumbing.Hash]bool{}}
	sh, err := repo.Storer.Shallow()
	if err != nil {
		return nil, fmt.Errorf("cannot read the shallow list: %w", err)
	}
	for _, h := range sh {
		l.shallow[h] = true
	}
	return l, nil
}

func (l *loader) get(h plumbing.Hash) *commitInfo {
	if c, ok := l.commits[h]; ok {
		return c
	}
	if _, ok := l.missing[h]; ok {
		return nil
	}
	typ, raw, err := l.s.read(h)
	var ci *commitInfo
	if err == nil && typ == objCommit {
		ci, err = parseCommit(h, raw)
	}
	if ci == nil || err != nil {
		switch {
		case !l.s.inv.has(h):
			l.missing[h] = "commit is missing (damaged repository?)"
		case err != nil:
			l.missing[h] = "cannot read commit: " + err.Error()
		default:
			l.missing[h] = fmt.Sprintf("object is a %s, not a commit", typeName(typ))
		}
		return nil
	}
	if l.shallow[h] {
		l.hitShallow[h] = true
		ci.parents = nil
	}
	l.commits[h] = ci
	return ci
}

// parseCommit reads the headers attribution needs from a commit object.
func parseCommit(h plumbing.Hash, raw []byte) (*commitInfo, error) {
	ci := &commitInfo{hash: h}
	for len(raw) > 0 {
		line, rest, _ := bytes.Cut(raw, []byte{'\n'})
		raw = rest
		if len(line) == 0 {
			break // end of headers
		}
		key, val, _ := bytes.Cut(line, []byte{' '})
		switch string(key) {
		case "tree":
			if _, err := hex.Decode(ci.tree[:], val); err != nil {
				return nil, errors.New("corrupt commit")
			}
		case "parent":
			var p plumbing.Hash
			if _, err := hex.Decode(p[:], val); err != nil {
				return nil, errors.New("corrupt commit")
			}
			ci.parents = append(ci.parents, p)
		case "author":
			var sig object.Signature
			sig.Decode(val)
			ci.author = sig.Name + " <" + sig.Email + ">"
			ci.when = sig.When
			ci.date = sig.When.Format(time.RFC3339)
		}
	}
	if ci.tree.IsZero() {
		return nil, errors.New("corrupt commit")
	}
	return ci, nil
}

// ancestors returns the commits reachable from tips (tips included), with
// parents before children. Missing commits are recorded, not followed.
func (l *loader) ancestors(tips []plumbing.Hash, stop map[plumbing.Hash]bool) []*commitInfo {
	var order []*commitInfo
	done := map[plumbing.Hash]bool{}
	type frame struct {
		c    *commitInfo
		next int
	}
	for _, tip := range tips {
		if done[tip] || stop[tip] {
			continue
		}
		c := l.get(tip)
		if c == nil {
			continue
		}
		done[tip] = true
		stack := []frame{{c: c}}
		for len(stack) > 0 {
			top := &stack[len(stack)-1]
			if top.next < len(top.c.parents) {
				p := top.c.parents[top.next]
				top.next++
				if done[p] || stop[p] {
					continue
				}
				pc := l.get(p)
				if pc == nil {
					continue
				}
				done[p] = true
				stack = append(stack, frame{c: pc})
				continue
			}
			order = append(order, top.c)
			stack = stack[:len(stack)-1]
		}
	}
	return order
}

// allTips lists the commits every ref points at (tags peeled), sorted by ref
// name so the order of the scan is stable.
func allTips(repo *git.Repository) ([]plumbing.Hash, error) {
	refs, err := repo.References()
	if err != nil {
		return nil, fmt.Errorf("cannot list refs: %w", err)
	}
	type named struct {
		name string
		h    plumbing.Hash
	}
	var list []named
	err = refs.ForEach(func(r *plumbing.Reference) error {
		if r.Type() != plumbing.HashReference {
			return nil
		}
		list = append(list, named{r.Name().String(), r.Hash()})
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("cannot list refs: %w", err)
	}
	if head, err := repo.Head(); err == nil {
		list = append(list, named{"HEAD", head.Hash()})
	}
	sort.Slice(list, func(i, j int) bool { return list[i].name < list[j].name })
	var tips []plumbing.Hash
	for _, n := range list {
		tips = append(tips, peel(repo, n.h)...)
	}
	return tips, nil
}

// peel follows annotated tags to what they name; only commits are returned
// (a tag of a tree or blob names no history).
func peel(repo *git.Repository, h plumbing.Hash) []plumbing.Hash {
	for i := 0; i < 16; i++ {
		t, err := object.GetTag(repo.Storer, h)
		if err != nil {
			return []plumbing.Hash{h} // a commit, or missing: the walk will say
		}
		if t.TargetType != plumbing.CommitObject && t.TargetType != plumbing.TagObject {
			return nil
		}
		h = t.Target
	}
	return nil
}

// ErrBadRange reports a --range argument that does not parse or resolve.
var ErrBadRange = errors.New("bad revision range")

// parseRange turns a revision range into the tips to include and exclude:
// "A..B" (B without A), "A...B" (either, not both), "^A B" and "B", as git
// log takes them. An empty side means HEAD.
func parseRange(repo *git.Repository, spec string, l *loader) (include, exclude []plumbing.Hash, err error) {
	resolve := func(rev string) (plumbing.Hash, error) {
		if rev == "" {
			rev = "HEAD"
		}
		h, err := repo.ResolveRevision(plumbing.Revision(rev))
		if err != nil {
			return plumbing.ZeroHash, fmt.Errorf("%w: %q: %v", ErrBadRange, rev, err)
		}
		return *h, nil
	}
	spec = strings.TrimSpace(spec)
	if a, b, ok := strings.Cut(spec, "..."); ok && !strings.ContainsAny(spec, " \t") {
		ha, err := resolve(a)
		if err != nil {
			return nil, nil, err
		}
		hb, err := resolve(b)
		if err != nil {
			return nil, nil, err
		}
		// Symmetric difference: exclude the common ancestors.
		inA := map[plumbing.Hash]bool{}
		for _, c := range l.ancestors([]plumbing.Hash{ha}, nil) {
			inA[c.hash] = true
		}
		for _, c := range l.ancestors([]plumbing.Hash{hb}, nil) {
			if inA[c.hash] {
				exclude = append(exclude, c.hash)
			}
		}
		return []plumbing.Hash{ha, hb}, exclude, nil
	}
	if a, b, ok := strings.Cut(spec, ".."); ok && !strings.ContainsAny(spec, " \t") {
		ha, err := resolve(a)
		if err != nil {
			return nil, nil, err
		}
		hb, err := resolve(b)
		if err != nil {
			return nil, nil, err
		}
		return []plumbing.Hash{hb}, []plumbing.Hash{ha}, nil
	}
	for _, tok := range strings.Fields(spec) {
		neg := strings.HasPrefix(tok, "^")
		h, err := resolve(strings.TrimPrefix(tok, "^"))
		if err != nil {
			return nil, nil, err
		}
		if neg {
			exclude = append(exclude, h)
		} else {
			include = append(include, h)
		}
	}
	if len(include) == 0 {
		return nil, nil, fmt.Errorf("%w: %q names no commits to include", ErrBadRange, spec)
	}
	return include, exclude, nil
}
