package history

import (
	"bytes"
	"container/heap"
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
	when    time.Time // author date
	ctime   int64     // committer date, seconds: the order git walks ranges in
}

// loader reads commits once, remembering where history stops.
type loader struct {
	read       func(plumbing.Hash) (int, []byte, error)
	has        func(plumbing.Hash) bool
	pre        map[plumbing.Hash]*commitInfo // parsed by the object pass
	shallow    map[plumbing.Hash]bool
	commits    map[plumbing.Hash]*commitInfo
	missing    map[plumbing.Hash]string // why each commit could not be read
	hitShallow map[plumbing.Hash]bool
}

// newLoader reads commits with read (the store's, or go-git's for the
// quick range check); has says whether an object exists at all.
func newLoader(repo *git.Repository, read func(plumbing.Hash) (int, []byte, error), has func(plumbing.Hash) bool) (*loader, error) {
	l := &loader{read: read, has: has, shallow: map[plumbing.Hash]bool{}, commits: map[plumbing.Hash]*commitInfo{},
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
	var (
		typ int
		raw []byte
		err error
		ci  *commitInfo
	)
	if ci = l.pre[h]; ci == nil {
		typ, raw, err = l.read(h)
	}
	if ci == nil && err == nil && typ == objCommit {
		ci, err = parseCommit(h, raw)
	}
	if ci == nil || err != nil {
		switch {
		case !l.has(h):
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
		case "committer":
			var sig object.Signature
			sig.Decode(val)
			ci.ctime = sig.When.Unix()
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
func allTips(repo *git.Repository, l *loader) ([]plumbing.Hash, error) {
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
		tips = append(tips, l.peel(n.h)...)
	}
	return tips, nil
}

// peel follows annotated tags to what they name; only commits are returned
// (a tag of a tree or blob names no history).
func (l *loader) peel(h plumbing.Hash) []plumbing.Hash {
	for i := 0; i < 16; i++ {
		if _, ok := l.pre[h]; ok {
			return []plumbing.Hash{h}
		}
		typ, raw, err := l.read(h)
		if err != nil || typ != objTag {
			return []plumbing.Hash{h} // a commit, or missing: the walk will say
		}
		var target plumbing.Hash
		targetType := ""
		for _, line := range bytes.Split(raw, []byte{'\n'}) {
			if len(line) == 0 {
				break
			}
			k, v, _ := bytes.Cut(line, []byte{' '})
			switch string(k) {
			case "object":
				hex.Decode(target[:], v)
			case "type":
				targetType = string(v)
			}
		}
		if targetType != "commit" && targetType != "tag" || target.IsZero() {
			return nil
		}
		h = target
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

// rangeCommits lists the commits reachable from include but not from
// exclude, parents before children, reading only what it must: like git,
// it walks both sides newest first (by committer date) and stops once
// everything left to walk is reachable from exclude, after a few more steps
// in case of clock skew. A CI range over a long history thus reads the
// range and a little more, not the whole history behind its base.
func (l *loader) rangeCommits(include, exclude []plumbing.Hash) []*commitInfo {
	const slop = 16 // extra uninteresting steps, for commits dated out of order
	uninteresting := map[plumbing.Hash]bool{}
	seen := map[plumbing.Hash]bool{}
	done := map[plumbing.Hash]bool{}
	// markBad marks x uninteresting, and with it the ancestors already
	// walked (a commit dated out of order may be reached late).
	markBad := func(x plumbing.Hash) {
		stack := []plumbing.Hash{x}
		for len(stack) > 0 {
			y := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			if uninteresting[y] {
				continue
			}
			uninteresting[y] = true
			if done[y] {
				if c := l.commits[y]; c != nil {
					stack = append(stack, c.parents...)
				}
			}
		}
	}
	h := &commitHeap{}
	push := func(x plumbing.Hash, bad bool) {
		if bad {
			markBad(x)
		}
		if seen[x] {
			return
		}
		c := l.get(x)
		if c == nil {
			return
		}
		seen[x] = true
		heap.Push(h, c)
	}
	for _, x := range exclude {
		push(x, true)
	}
	for _, x := range include {
		push(x, false)
	}
	var interesting []*commitInfo
	left := slop
	for h.Len() > 0 {
		c := heap.Pop(h).(*commitInfo)
		done[c.hash] = true
		bad := uninteresting[c.hash]
		if !bad {
			interesting = append(interesting, c)
		}
		for _, p := range c.parents {
			push(p, bad)
		}
		allBad := true
		for _, q := range *h {
			if !uninteresting[q.hash] {
				allBad = false
				break
			}
		}
		if allBad {
			if left == 0 {
				break
			}
			left--
		}
	}
	// Keep the commits still interesting, and order them parents first
	// with the same walk --all uses.
	keep := map[plumbing.Hash]bool{}
	var tips []plumbing.Hash
	for _, c := range interesting {
		if !uninteresting[c.hash] {
			keep[c.hash] = true
			tips = append(tips, c.hash)
		}
	}
	stop := map[plumbing.Hash]bool{}
	for x := range seen {
		if !keep[x] {
			stop[x] = true
		}
	}
	var order []*commitInfo
	for _, c := range l.ancestors(tips, stop) {
		if keep[c.hash] {
			order = append(order, c)
		}
	}
	return order
}

// commitHeap orders commits newest first by committer date.
type commitHeap []*commitInfo

func (h commitHeap) Len() int           { return len(h) }
func (h commitHeap) Less(i, j int) bool { return h[i].ctime > h[j].ctime }
func (h commitHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *commitHeap) Push(x any)        { *h = append(*h, x.(*commitInfo)) }
func (h *commitHeap) Pop() any {
	old := *h
	c := old[len(old)-1]
	*h = old[:len(old)-1]
	return c
}
