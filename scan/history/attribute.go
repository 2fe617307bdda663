package history

import (
	"fmt"
	"sort"
	"strconv"
	"unicode/utf8"

	"github.com/go-git/go-git/v5/plumbing"

	"github.com/credguard/credguard/scan"
)

// hit is a blob under a tree that attribution cares about: one with
// findings, or one that could not be scanned.
type hit struct {
	path string
	blob plumbing.Hash
}

// problem is an object a tree names that could not be scanned.
type problem struct {
	path   string
	object plumbing.Hash
	reason string
}

// summary is what a tree holds, recursively, of interest: memoised by tree
// hash, so each distinct tree is read once across the whole history.
type summary struct {
	hits     []hit
	problems []problem
}

var empty = &summary{}

// attributor walks trees and reports findings at the commits that
// introduced them.
type attributor struct {
	s        *store
	inv      *inventory
	det      *scan.Detector
	interest map[plumbing.Hash]bool // blobs with findings
	walked   map[plumbing.Hash]bool // trees walkTrees read: true if worth reading again
	trees    map[plumbing.Hash]*summary
	found    map[hit][]scan.Finding
	prints   map[plumbing.Hash]map[string]scan.Finding // per root tree: fingerprint -> first finding
}

func (a *attributor) tree(h plumbing.Hash) *summary {
	if s, ok := a.trees[h]; ok {
		return s
	}
	if marked, ok := a.walked[h]; ok && !marked {
		return empty
	}
	typ, raw, err := a.s.read(h)
	var entries []treeEntry
	if err == nil && typ != objTree {
		err = fmt.Errorf("object is a %s, not a tree", typeName(typ))
	}
	if err == nil {
		entries, err = parseTree(raw)
	}
	if err != nil {
		s := &summary{problems: []problem{{object: h, reason: treeReason(a.inv, h, err)}}}
		a.trees[h] = s
		return s
	}
	var out *summary
	add := func() *summary {
		if out == nil {
			out = &summary{}
		}
		return out
	}
	for _, e := range entries {
		switch e.mode {
		case "40000":
			sub := a.tree(e.hash)
			if sub == empty {
				continue
			}
			o := add()
			for _, x := range sub.hits {
				o.hits = append(o.hits, hit{path: join(e.name, x.path), blob: x.blob})
			}
			for _, x := range sub.problems {
				o.problems = append(o.problems, problem{path: join(e.name, x.path), object: x.object, reason: x.reason})
			}
		case "160000":
			// A commit of another repository: not ours to scan.
		default:
			if st, ok := a.inv.blobs[e.hash]; ok && st.reason != "" {
				add().problems = append(add().problems, problem{path: e.name, object: e.hash, reason: st.reason})
			} else if a.interest[e.hash] {
				add().hits = append(add().hits, hit{path: e.name, blob: e.hash})
			} else if !a.inv.has(e.hash) {
				add().problems = append(add().problems, problem{path: e.name, object: e.hash, reason: "blob " + e.hash.String() + " is missing (partial clone or damaged repository)"})
			}
		}
	}
	if out == nil {
		out = empty
	}
	a.trees[h] = out
	return out
}

func treeReason(inv *inventory, h plumbing.Hash, err error) string {
	if !inv.has(h) {
		return "tree " + h.String() + " is missing (partial clone or damaged repository)"
	}
	return "cannot read tree " + h.String() + ": " + err.Error()
}

func join(dir, name string) string {
	if name == "" {
		return dir
	}
	return dir + "/" + name
}

// displayPath keeps paths that are not UTF-8 readable: their bytes are
// escaped as Go would quote them, so the report names them exactly.
func displayPath(p string) string {
	if utf8.ValidString(p) {
		return p
	}
	q := strconv.QuoteToASCII(p)
	return q[1 : len(q)-1]
}

// findings scans one blob at one path, once.
func (a *attributor) findings(x hit) []scan.Finding {
	if fs, ok := a.found[x]; ok {
		return fs
	}
	_, content, err := a.s.read(x.blob)
	var fs []scan.Finding
	if err == nil {
		fs = a.det.Scan(displayPath(x.path), content)
	}
	a.found[x] = fs
	return fs
}

// prints returns the fingerprints present in a root tree, each with its
// first finding (by path, then position).
func (a *attributor) printsOf(root plumbing.Hash) map[string]scan.Finding {
	if p, ok := a.prints[root]; ok {
		return p
	}
	s := a.tree(root)
	var p map[string]scan.Finding
	if len(s.hits) > 0 {
		hits := append([]hit(nil), s.hits...)
		sort.Slice(hits, func(i, j int) bool { return hits[i].path < hits[j].path })
		p = map[string]scan.Finding{}
		for _, x := range hits {
			for _, f := range a.findings(x) {
				if _, ok := p[f.Fingerprint]; !ok {
					p[f.Fingerprint] = f
				}
			}
		}
	}
	a.prints[root] = p
	return p
}

// attribute reports each fingerprint once, at the first commit (parents
// before children) whose tree holds it while none of its parents' does, and
// each unscannable object once, at the first commit that names it.
func (a *attributor) attribute(order []*commitInfo, l *loader, res *scan.Result) {
	reported := map[string]bool{}
	skipped := map[plumbing.Hash]bool{}
	for _, c := range order {
		s := a.tree(c.tree)
		for _, p := range s.problems {
			if skipped[p.object] {
				continue
			}
			skipped[p.object] = true
			res.Skipped = append(res.Skipped, scan.Skipped{Path: displayPath(p.path), Commit: c.hash.String(), Reason: p.reason})
		}
		if len(s.hits) == 0 {
			continue
		}
		mine := a.printsOf(c.tree)
		var parents []map[string]scan.Finding
		for _, ph := range c.parents {
			if pc := l.get(ph); pc != nil {
				parents = append(parents, a.printsOf(pc.tree))
			}
		}
		var intro []scan.Finding
	next:
		for fp, f := range mine {
			if reported[fp] {
				continue
			}
			for _, pp := range parents {
				if _, ok := pp[fp]; ok {
					continue next
				}
			}
			reported[fp] = true
			f.Commit, f.Author, f.Date = c.hash.String(), c.author, c.date
			intro = append(intro, f)
		}
		sort.Slice(intro, func(i, j int) bool {
			if intro[i].File != intro[j].File {
				return intro[i].File < intro[j].File
			}
			return intro[i].Offset < intro[j].Offset
		})
		res.Findings = append(res.Findings, intro...)
	}
}

func typeName(t int) string {
	switch t {
	case objCommit:
		return "commit"
	case objTree:
		return "tree"
	case objBlob:
		return "blob"
	case objTag:
		return "tag"
	}
	return "object of type " + strconv.Itoa(t)
}
