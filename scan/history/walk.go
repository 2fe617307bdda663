package history

import (
	"bytes"
	"encoding/binary"
	"errors"
	"sync"

	"github.com/go-git/go-git/v5/plumbing"
)

// objTable is an open-addressing hash table from object IDs to small flag
// words. Object IDs are uniformly random, so their first bytes serve as the
// hash; this is several times faster than a Go map for the millions of
// lookups a history's trees need.
type objTable struct {
	keys []plumbing.Hash
	vals []uint8
	mask uint64
	n    int
}

// Object flags in the table.
const (
	objPresent uint8 = 1 << iota // in a pack or loose
	objFlagged                   // in inventory.blobs: hot or unreadable
)

func newObjTable(capacity int) *objTable {
	size := 16
	for size < capacity*2 {
		size <<= 1
	}
	return &objTable{keys: make([]plumbing.Hash, size), vals: make([]uint8, size), mask: uint64(size - 1)}
}

func (t *objTable) slot(h plumbing.Hash) uint64 {
	i := binary.LittleEndian.Uint64(h[:8]) & t.mask
	for {
		if t.keys[i] == h || t.keys[i].IsZero() {
			return i
		}
		i = (i + 1) & t.mask
	}
}

func (t *objTable) set(h plumbing.Hash, v uint8) {
	if h.IsZero() {
		return
	}
	i := t.slot(h)
	if t.keys[i].IsZero() {
		t.keys[i] = h
		t.n++
	}
	t.vals[i] |= v
}

func (t *objTable) get(h plumbing.Hash) uint8 {
	if h.IsZero() {
		return 0
	}
	return t.vals[t.slot(h)]
}

// treeNode is a distinct tree met by the walk.
type treeNode struct {
	hash   plumbing.Hash
	subs   []*treeNode
	local  bool // names, directly, a blob of interest or one that cannot be scanned, or is unreadable itself
	state  uint8
	marked bool // local, or a subtree is: worth reading again for paths
}

// walkTrees reads every distinct tree under roots once, in parallel, and
// marks those that hold (at any depth) a blob of interest or a problem.
// It returns every tree it read, true for those marked: an unmarked tree can
// be skipped.
func walkTrees(inv *inventory, roots []plumbing.Hash, interest map[plumbing.Hash]bool, workers int) (map[plumbing.Hash]bool, error) {
	var (
		mu    sync.Mutex
		nodes = map[plumbing.Hash]*treeNode{}
	)
	frontier := make([]*treeNode, 0, len(roots))
	for _, h := range roots {
		if _, ok := nodes[h]; !ok {
			n := &treeNode{hash: h}
			nodes[h] = n
			frontier = append(frontier, n)
		}
	}
	stores := make([]*store, workers)
	for i := range stores {
		s, err := newStore(inv, cacheBudget/workers)
		if err != nil {
			for _, s := range stores[:i] {
				s.close()
			}
			return nil, err
		}
		stores[i] = s
	}
	defer func() {
		for _, s := range stores {
			s.close()
		}
	}()
	for len(frontier) > 0 {
		var next []*treeNode
		var wg sync.WaitGroup
		for w := 0; w < workers; w++ {
			part := frontier[w*len(frontier)/workers : (w+1)*len(frontier)/workers]
			wg.Add(1)
			go func(s *store) {
				defer wg.Done()
				var found []*treeNode
				var subs []plumbing.Hash
				for _, n := range part {
					subs = subs[:0]
					typ, raw, err := s.read(n.hash)
					if err != nil || typ != objTree {
						n.local = true
						continue
					}
					err = eachEntry(raw, func(mode []byte, h plumbing.Hash) {
						switch {
						case bytes.Equal(mode, modeDir):
							subs = append(subs, h)
						case bytes.Equal(mode, modeSubmodule):
						default:
							f := inv.table.get(h)
							if f&objPresent == 0 || f&objFlagged != 0 && (interest[h] || inv.blobs[h].reason != "") {
								n.local = true
							}
						}
					})
					if err != nil {
						n.local = true
						continue
					}
					if len(subs) == 0 {
						continue
					}
					n.subs = make([]*treeNode, len(subs))
					mu.Lock()
					for i, h := range subs {
						c, ok := nodes[h]
						if !ok {
							c = &treeNode{hash: h}
							nodes[h] = c
							found = append(found, c)
						}
						n.subs[i] = c
					}
					mu.Unlock()
				}
				mu.Lock()
				next = append(next, found...)
				mu.Unlock()
			}(stores[w])
		}
		wg.Wait()
		frontier = next
	}
	// Mark bottom-up, iteratively (trees nest deeply in some repositories).
	marked := map[plumbing.Hash]bool{}
	for _, root := range nodes {
		if root.state != 0 {
			continue
		}
		stack := []*treeNode{root}
		for len(stack) > 0 {
			n := stack[len(stack)-1]
			if n.state == 0 {
				n.state = 1
				for _, c := range n.subs {
					if c.state == 0 {
						stack = append(stack, c)
					}
				}
				continue
			}
			stack = stack[:len(stack)-1]
			if n.state == 2 {
				continue
			}
			n.state = 2
			n.marked = n.local
			for _, c := range n.subs {
				n.marked = n.marked || c.marked
			}
			marked[n.hash] = n.marked
		}
	}
	return marked, nil
}

var (
	modeDir       = []byte("40000")
	modeSubmodule = []byte("160000")
)

// eachEntry calls fn for each entry of a tree object, without allocating.
func eachEntry(b []byte, fn func(mode []byte, h plumbing.Hash)) error {
	for len(b) > 0 {
		sp := bytes.IndexByte(b, ' ')
		if sp < 0 {
			return errCorruptTree
		}
		nul := bytes.IndexByte(b[sp:], 0)
		if nul < 0 || sp+nul+21 > len(b) {
			return errCorruptTree
		}
		nul += sp
		var h plumbing.Hash
		copy(h[:], b[nul+1:nul+21])
		fn(b[:sp], h)
		b = b[nul+21:]
	}
	return nil
}

var errCorruptTree = errors.New("corrupt tree")
