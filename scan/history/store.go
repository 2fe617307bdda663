package history

import (
	"bytes"
	"compress/zlib"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"

	"github.com/go-git/go-git/v5/plumbing"
)

// packData is one pack's entries, as the object pass left them.
type packData struct {
	path    string
	entries []packEntry
}

// store reads whole objects from the packs the object pass indexed, applying
// deltas itself with a small cache of delta bases. go-git's reader hashes
// every object it caches, which costs more than inflating it; here objects
// are found by pack offset and trusted as the pack's index names them.
// A store is not safe for concurrent use: each goroutine makes its own.
type store struct {
	inv     *inventory
	files   []*os.File
	reader  packReader
	cache   map[[2]int32][]byte
	scratch []byte // delta instructions, consumed before the next read
	size    int
	budget  int
}

func newStore(inv *inventory, budget int) (*store, error) {
	files, err := openPacks(inv.data)
	if err != nil {
		return nil, err
	}
	s := &store{inv: inv, files: files, cache: map[[2]int32][]byte{}, budget: budget}
	s.reader.exact = true
	return s, nil
}

func (s *store) close() { closeAll(s.files) }

// openPacks opens the pack files for reading, in order; on error it closes
// what it opened.
func openPacks(packs []*packData) ([]*os.File, error) {
	var files []*os.File
	for _, p := range packs {
		f, err := os.Open(p.path)
		if err != nil {
			closeAll(files)
			return nil, err
		}
		files = append(files, f)
	}
	return files, nil
}

func closeAll(files []*os.File) {
	for _, f := range files {
		f.Close()
	}
}

var errMissing = errors.New("object is missing")

// maxObject bounds what a pack entry's header may make the reader allocate:
// larger blobs are skipped before they are read, so only a damaged pack
// gets here.
const maxObject = 1 << 31

// read returns an object's type (pack numbering) and content. The content
// may alias the cache: callers must not modify it.
func (s *store) read(h plumbing.Hash) (int, []byte, error) {
	for p, idx := range s.inv.packs {
		off, err := idx.FindOffset(h)
		if err != nil {
			continue
		}
		es := s.inv.data[p].entries
		i := sort.Search(len(es), func(i int) bool { return es[i].off >= off })
		if i < len(es) && es[i].off == off {
			return s.entry(p, i, 0)
		}
	}
	if s.inv.loose[h] {
		return readLooseObject(filepath.Join(s.inv.objectsDir, h.String()[:2], h.String()[2:]))
	}
	return 0, nil, errMissing
}

// entry reads pack p's entry i, resolving its delta chain.
func (s *store) entry(p, i, depth int) (int, []byte, error) {
	key := [2]int32{int32(p), int32(i)}
	e := &s.inv.data[p].entries[i]
	if b, ok := s.cache[key]; ok {
		return int(e.typ), b, nil
	}
	if depth > 10000 {
		return 0, nil, errors.New("delta chain too deep")
	}
	s.reader.f = s.files[p]
	raw, err := s.reader.region(e.off, e.end)
	if err != nil {
		return 0, nil, err
	}
	kind, size, n := objectHeader(raw)
	if n == 0 {
		return 0, nil, errors.New("corrupt pack entry")
	}
	raw = raw[n:]
	if size > maxObject {
		return 0, nil, fmt.Errorf("object of %d bytes is too large to read", size)
	}
	var out []byte
	switch kind {
	case objCommit, objTree, objBlob, objTag:
		out = make([]byte, size)
		if err := inflateInto(&s.reader, raw, out); err != nil {
			return 0, nil, err
		}
	case objOfsDelta, objRefDelta:
		var base []byte
		if kind == objOfsDelta {
			_, m := ofsDeltaOffset(raw)
			raw = raw[m:]
			if e.base < 0 {
				return 0, nil, errors.New("delta base not found")
			}
			_, base, err = s.entry(p, int(e.base), depth+1)
		} else {
			var bh plumbing.Hash
			copy(bh[:], raw[:20])
			raw = raw[20:]
			if e.base >= 0 {
				_, base, err = s.entry(p, int(e.base), depth+1)
			} else {
				_, base, err = s.read(bh)
			}
		}
		if err != nil {
			return 0, nil, err
		}
		// The base's read used the scratch buffer too: take it now.
		if int64(cap(s.scratch)) < size {
			s.scratch = make([]byte, size)
		}
		delta := s.scratch[:size]
		// The reader's window may have moved while reading the base.
		s.reader.f = s.files[p]
		raw, err = s.reader.region(e.off, e.end)
		if err != nil {
			return 0, nil, err
		}
		raw = rawTail(raw, kind)
		if err := inflateInto(&s.reader, raw, delta); err != nil {
			return 0, nil, err
		}
		out, err = applyDelta(base, delta)
		if err != nil {
			return 0, nil, err
		}
	default:
		return 0, nil, fmt.Errorf("unknown object type %d", kind)
	}
	if e.bases > 0 && len(out) < s.budget/4 {
		for k, v := range s.cache {
			if s.size+len(out) <= s.budget {
				break
			}
			s.size -= len(v)
			delete(s.cache, k)
		}
		s.cache[key] = out
		s.size += len(out)
	}
	return int(e.typ), out, nil
}

// rawTail skips an entry's header and delta base reference, returning the
// compressed data.
func rawTail(raw []byte, kind int) []byte {
	_, _, n := objectHeader(raw)
	raw = raw[n:]
	switch kind {
	case objOfsDelta:
		_, m := ofsDeltaOffset(raw)
		raw = raw[m:]
	case objRefDelta:
		raw = raw[20:]
	}
	return raw
}

func inflateInto(r *packReader, z, out []byte) error {
	if err := r.reset(z); err != nil {
		return err
	}
	_, err := io.ReadFull(r.zr, out)
	return err
}

// applyDelta builds a delta's target from its base.
func applyDelta(base, d []byte) ([]byte, error) {
	src, n := deltaSize(d)
	if n == 0 || src != int64(len(base)) {
		return nil, errDelta
	}
	size, m := deltaSize(d[n:])
	if m == 0 {
		return nil, errDelta
	}
	// The header's size is only a claim (a damaged pack may say anything):
	// the output grows as instructions produce it, and may not pass it.
	out := make([]byte, 0, min(size, int64(len(base))+int64(len(d)), 1<<26))
	err := walkDelta(d, func(off, cn int64, ins []byte) error {
		if ins == nil {
			if off+cn > int64(len(base)) || int64(len(out))+cn > size {
				return errDelta
			}
			out = append(out, base[off:off+cn]...)
			return nil
		}
		if int64(len(out))+int64(len(ins)) > size {
			return errDelta
		}
		out = append(out, ins...)
		return nil
	})
	if err != nil || int64(len(out)) != size {
		return nil, errDelta
	}
	return out, nil
}

// readLooseObject reads a loose object in full.
func readLooseObject(path string) (int, []byte, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0, nil, err
	}
	zr, err := zlib.NewReader(bytes.NewReader(b))
	if err != nil {
		return 0, nil, err
	}
	data, err := io.ReadAll(io.LimitReader(zr, maxObject+64))
	if err != nil {
		return 0, nil, err
	}
	hdr, body, ok := bytes.Cut(data, []byte{0})
	if !ok {
		return 0, nil, errors.New("corrupt loose object")
	}
	typ, sz, _ := bytes.Cut(hdr, []byte{' '})
	if n, err := strconv.Atoi(string(sz)); err != nil || n != len(body) {
		return 0, nil, errors.New("corrupt loose object")
	}
	kinds := map[string]int{"commit": objCommit, "tree": objTree, "blob": objBlob, "tag": objTag}
	k, ok := kinds[string(typ)]
	if !ok {
		return 0, nil, errors.New("corrupt loose object")
	}
	return k, body, nil
}

// treeEntry is one entry of a tree object.
type treeEntry struct {
	mode string
	name string
	hash plumbing.Hash
}

// parseTree splits a tree object into its entries.
func parseTree(b []byte) ([]treeEntry, error) {
	var out []treeEntry
	for len(b) > 0 {
		sp := bytes.IndexByte(b, ' ')
		if sp < 0 {
			return nil, errors.New("corrupt tree")
		}
		nul := bytes.IndexByte(b[sp:], 0)
		if nul < 0 || sp+nul+21 > len(b) {
			return nil, errors.New("corrupt tree")
		}
		nul += sp
		var e treeEntry
		e.mode = string(b[:sp])
		e.name = string(b[sp+1 : nul])
		copy(e.hash[:], b[nul+1:nul+21])
		out = append(out, e)
		b = b[nul+21:]
	}
	return out, nil
}
