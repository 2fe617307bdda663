package history

import (
	"bytes"
	"compress/flate"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/format/idxfile"
)

// Object types as the pack format numbers them.
const (
	objCommit   = 1
	objTree     = 2
	objBlob     = 3
	objTag      = 4
	objOfsDelta = 6
	objRefDelta = 7
)

// blobState is what the object pass learned about a blob the detector must
// look at: it may hold a credential (hot) or it could not be read (reason).
type blobState struct {
	hot    bool
	reason string
}

// inventory is the result of the object pass: every object present (for
// finding missing ones) and the blobs worth a closer look.
type inventory struct {
	packs      []*idxfile.MemoryIndex
	data       []*packData // parallel to packs
	objectsDir string
	loose      map[plumbing.Hash]bool
	blobs      map[plumbing.Hash]blobState // hot or unreadable blobs only
	table      *objTable                   // every object present, flagging those in blobs
	present    map[plumbing.Hash]struct{}  // built on first use by has
	count      int
}

func (inv *inventory) has(h plumbing.Hash) bool { return inv.table.get(h)&objPresent != 0 }

// index builds the table of present objects, flagging those in blobs.
func (inv *inventory) index() {
	inv.table = newObjTable(inv.count)
	for _, d := range inv.data {
		for i := range d.entries {
			inv.table.set(d.entries[i].hash, objPresent)
		}
	}
	for h := range inv.loose {
		inv.table.set(h, objPresent)
	}
	for h := range inv.blobs {
		inv.table.set(h, objFlagged)
	}
}

// packEntry is one object of a pack, in offset order.
type packEntry struct {
	hash     plumbing.Hash
	off, end int64  // the object's bytes in the pack: header and compressed data
	typ      int8   // pack type; after resolve, never a delta type
	kind     int8   // pack type as stored (a delta type for deltas)
	bases    int32  // how many deltas use this entry as their base
	fl       flags  // what the content may hold: own (inserted) flags, then the base's added
	own      flags  // a delta's inserted bytes' flags
	spans    []span // a whole blob's key literals and value runs, when it has any
	resolved bool
	base     int32 // index of the delta base in the same pack, or -1
	baseHash plumbing.Hash
	size     int64 // inflated size (of the target, for deltas)
	baseOff  int64 // OFS deltas: the base's offset
	err      string
}

// objectPass reads every object in the repository's packs and loose object
// directories once, without resolving deltas: whole blobs are tested with the
// prefilter, deltas only on the bytes they insert (a delta is hot when its
// inserted bytes are, or its base is). Non-blob objects are not inflated
// unless they are deltas (a delta's type is known only from its base).
func objectPass(ctx context.Context, objectsDir string, pf *prefilter, workers int, maxBlob int64) (*inventory, error) {
	inv := &inventory{loose: map[plumbing.Hash]bool{}, blobs: map[plumbing.Hash]blobState{}, objectsDir: objectsDir}
	idxs, err := filepath.Glob(filepath.Join(objectsDir, "pack", "pack-*.idx"))
	if err != nil {
		return nil, err
	}
	type external struct {
		e    *packEntry
		pack int
	}
	var (
		allEntries [][]packEntry
		externals  []external
	)
	for _, idxPath := range idxs {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		packPath := strings.TrimSuffix(idxPath, ".idx") + ".pack"
		idx, entries, err := readPack(ctx, idxPath, packPath, pf, workers, maxBlob)
		if err != nil {
			return nil, err
		}
		inv.packs = append(inv.packs, idx)
		inv.data = append(inv.data, &packData{path: packPath, entries: entries})
		allEntries = append(allEntries, entries)
		for i := range entries {
			if entries[i].typ == objRefDelta && entries[i].base < 0 && entries[i].err == "" {
				externals = append(externals, external{&entries[i], len(allEntries) - 1})
			}
		}
		inv.count += len(entries)
	}
	if err := loosePass(ctx, objectsDir, pf, maxBlob, inv); err != nil {
		return nil, err
	}
	// Thin packs may delta against objects elsewhere: resolve those by hash.
	byHash := func(h plumbing.Hash) (*packEntry, []packEntry) {
		for p, idx := range inv.packs {
			if off, err := idx.FindOffset(h); err == nil {
				es := allEntries[p]
				i := sort.Search(len(es), func(i int) bool { return es[i].off >= off })
				if i < len(es) && es[i].off == off {
					return &es[i], es
				}
			}
		}
		return nil, nil
	}
	for _, x := range externals {
		if b, es := byHash(x.e.baseHash); b != nil {
			resolve(es, b)
			x.e.typ, x.e.fl, x.e.err = b.typ, x.e.fl|b.fl, b.err
		} else if inv.loose[x.e.baseHash] {
			// The base's type is unknown here: if a tree names this object
			// as a blob, read it in full.
			x.e.typ, x.e.fl = objBlob, flagKey
		} else {
			x.e.err = fmt.Sprintf("delta base %s is missing", x.e.baseHash)
		}
		x.e.resolved = true
	}
	for _, es := range allEntries {
		for i := range es {
			resolve(es, &es[i])
		}
	}
	for _, es := range allEntries {
		for i := range es {
			e := &es[i]
			if e.typ != objBlob && !(e.err != "" && e.typ == 0) {
				continue
			}
			switch {
			case e.err != "":
				inv.blobs[e.hash] = blobState{reason: e.err}
			case e.size > maxBlob:
				inv.blobs[e.hash] = blobState{reason: fmt.Sprintf("blob of %d bytes is larger than the %d-byte limit", e.size, maxBlob)}
			case e.fl.maybe():
				if st, ok := inv.blobs[e.hash]; !ok || st.reason == "" {
					inv.blobs[e.hash] = blobState{hot: true}
				}
			}
		}
	}
	inv.index()
	return inv, nil
}

// resolve follows e's delta chain to a whole object, giving e its type and
// inheriting its base's hotness.
func resolve(es []packEntry, e *packEntry) {
	// Iterative: chains can be thousands long.
	var chain []*packEntry
	for x := e; !x.resolved; {
		if x.typ != objOfsDelta && x.typ != objRefDelta || x.err != "" {
			x.resolved = true
			break
		}
		if x.base < 0 {
			break // external base, resolved by the caller
		}
		chain = append(chain, x)
		x = &es[x.base]
		if len(chain) > len(es) {
			x.err = "delta chain loops"
			break
		}
	}
	for i := len(chain) - 1; i >= 0; i-- {
		x := chain[i]
		b := &es[x.base]
		if !b.resolved {
			continue
		}
		x.typ = b.typ
		x.fl |= b.fl
		if b.err != "" && x.err == "" {
			x.err = b.err
		}
		x.resolved = true
	}
}

// readPack runs the object pass over one pack, split across workers by
// offset ranges.
func readPack(ctx context.Context, idxPath, packPath string, pf *prefilter, workers int, maxBlob int64) (*idxfile.MemoryIndex, []packEntry, error) {
	f, err := os.Open(idxPath)
	if err != nil {
		return nil, nil, err
	}
	idx := idxfile.NewMemoryIndex()
	err = idxfile.NewDecoder(f).Decode(idx)
	f.Close()
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", filepath.Base(idxPath), err)
	}
	pack, err := os.Open(packPath)
	if err != nil {
		return nil, nil, err
	}
	defer pack.Close()
	st, err := pack.Stat()
	if err != nil {
		return nil, nil, err
	}
	iter, err := idx.EntriesByOffset()
	if err != nil {
		return nil, nil, err
	}
	n, _ := idx.Count()
	entries := make([]packEntry, 0, n)
	for {
		e, err := iter.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, nil, err
		}
		entries = append(entries, packEntry{hash: e.Hash, off: int64(e.Offset), base: -1})
	}
	for i := range entries {
		if i+1 < len(entries) {
			entries[i].end = entries[i+1].off
		} else {
			entries[i].end = st.Size() - 20 // the pack's trailing checksum
		}
	}
	// Split by bytes, not by count: a few huge blobs dominate some packs.
	total := st.Size()
	var wg sync.WaitGroup
	start := 0
	for w := 0; w < workers && start < len(entries); w++ {
		limit := entries[start].off + (total-entries[start].off)/int64(workers-w)
		stop := start
		for stop < len(entries) && (entries[stop].off < limit || stop == start) {
			stop++
		}
		if w == workers-1 {
			stop = len(entries)
		}
		wg.Add(1)
		go func(part []packEntry) {
			defer wg.Done()
			r := &packReader{f: pack, pf: pf, maxBlob: maxBlob}
			for i := range part {
				if i%1024 == 0 && ctx.Err() != nil {
					return
				}
				r.read(&part[i])
			}
		}(entries[start:stop])
		start = stop
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, nil, err
	}
	for i := range entries {
		e := &entries[i]
		switch e.typ {
		case objOfsDelta:
			j := sort.Search(len(entries), func(j int) bool { return entries[j].off >= e.baseOff })
			if j < len(entries) && entries[j].off == e.baseOff && j != i {
				e.base = int32(j)
				entries[j].bases++
			} else if e.err == "" {
				e.err = "delta base not found in pack"
			}
		case objRefDelta:
			if off, err := idx.FindOffset(e.baseHash); err == nil {
				j := sort.Search(len(entries), func(j int) bool { return entries[j].off >= off })
				if j < len(entries) && entries[j].off == off {
					e.base = int32(j)
					entries[j].bases++
				}
			}
		}
	}
	return idx, entries, nil
}

// packReader reads the entries of one worker's part of a pack.
type packReader struct {
	f       *os.File
	pf      *prefilter
	maxBlob int64
	win     []byte
	winOff  int64
	exact   bool // random access: read only the bytes asked for
	out     []byte
	zr      io.ReadCloser
	br      bytes.Reader
}

const windowSize = 4 << 20

// region returns the pack bytes [s, t), from a sliding read window.
func (r *packReader) region(s, t int64) ([]byte, error) {
	if s >= r.winOff && t <= r.winOff+int64(len(r.win)) && r.win != nil {
		return r.win[s-r.winOff : t-r.winOff], nil
	}
	if r.exact {
		if int64(cap(r.win)) < t-s {
			r.win = make([]byte, t-s)
		}
		r.win = r.win[:t-s]
		r.winOff = s
		n, err := r.f.ReadAt(r.win, s)
		if n < len(r.win) {
			if err == nil {
				err = io.ErrUnexpectedEOF
			}
			return nil, err
		}
		return r.win, nil
	}
	if t-s > windowSize {
		b := make([]byte, t-s)
		_, err := r.f.ReadAt(b, s)
		return b, err
	}
	if cap(r.win) < windowSize {
		r.win = make([]byte, windowSize)
	}
	r.win = r.win[:windowSize]
	n, err := r.f.ReadAt(r.win, s)
	if n < int(t-s) {
		if err == nil {
			err = io.ErrUnexpectedEOF
		}
		return nil, err
	}
	r.win, r.winOff = r.win[:n], s
	return r.win[:t-s], nil
}

func (r *packReader) read(e *packEntry) {
	raw, err := r.region(e.off, e.end)
	if err != nil {
		e.err = "cannot read pack: " + err.Error()
		return
	}
	typ, size, n := objectHeader(raw)
	if n == 0 {
		e.err = "corrupt pack entry header"
		return
	}
	raw = raw[n:]
	e.typ, e.kind, e.size = int8(typ), int8(typ), size
	switch typ {
	case objCommit, objTree, objTag:
		return
	case objBlob:
		if size > r.maxBlob {
			return
		}
		data, err := r.inflate(raw, size)
		if err != nil {
			e.err = "corrupt blob: " + err.Error()
			return
		}
		e.spans = r.pf.spans(data, 0, false, false, true, nil)
		for _, s := range e.spans {
			e.fl |= s.kind
		}
	case objOfsDelta:
		rel, n := ofsDeltaOffset(raw)
		if n == 0 || rel > e.off {
			e.err = "corrupt delta offset"
			return
		}
		e.baseOff = e.off - rel
		r.delta(e, raw[n:])
	case objRefDelta:
		if len(raw) < 20 {
			e.err = "corrupt delta"
			return
		}
		copy(e.baseHash[:], raw[:20])
		r.delta(e, raw[20:])
	default:
		e.err = fmt.Sprintf("unknown object type %d", typ)
	}
}

// delta inflates a delta and tests the bytes it inserts.
func (r *packReader) delta(e *packEntry, z []byte) {
	data, err := r.inflate(z, -1)
	if err != nil {
		e.err = "corrupt delta: " + err.Error()
		return
	}
	target, fl, err := scanDelta(data, r.pf)
	if err != nil {
		e.err = "corrupt delta: " + err.Error()
		return
	}
	e.fl, e.own, e.size = fl, fl, target
}

// inflate decompresses a pack entry's zlib stream; size < 0 means unknown.
func (r *packReader) inflate(z []byte, size int64) ([]byte, error) {
	if err := r.reset(z); err != nil {
		return nil, err
	}
	if size >= 0 {
		if int64(cap(r.out)) < size {
			r.out = make([]byte, size)
		}
		r.out = r.out[:size]
		if _, err := io.ReadFull(r.zr, r.out); err != nil {
			return nil, err
		}
		return r.out, nil
	}
	buf := bytes.NewBuffer(r.out[:0])
	if n, err := io.Copy(buf, io.LimitReader(r.zr, maxObject+1)); err != nil || n > maxObject {
		if err == nil {
			err = errors.New("object too large")
		}
		return nil, err
	}
	r.out = buf.Bytes()
	return r.out, nil
}

// reset points the reader's decompressor at a zlib stream. The two-byte
// zlib header is checked and skipped, and the raw deflate data read with
// compress/flate: the Adler-32 trailer is not verified (the pack's own
// checksums are git's business; a scan needs the bytes, fast).
func (r *packReader) reset(z []byte) error {
	if len(z) < 2 || z[0]&0x0f != 8 || (uint16(z[0])<<8|uint16(z[1]))%31 != 0 || z[1]&0x20 != 0 {
		return errors.New("not a zlib stream")
	}
	r.br.Reset(z[2:])
	if r.zr == nil {
		r.zr = flate.NewReader(&r.br)
		return nil
	}
	return r.zr.(flate.Resetter).Reset(&r.br, nil)
}

// objectHeader parses a pack entry's type and size; n is 0 when malformed.
func objectHeader(b []byte) (typ int, size int64, n int) {
	if len(b) == 0 {
		return 0, 0, 0
	}
	c := b[0]
	typ = int(c>>4) & 7
	size = int64(c & 15)
	shift := 4
	n = 1
	for c&0x80 != 0 {
		if n >= len(b) || shift > 56 {
			return 0, 0, 0
		}
		c = b[n]
		n++
		size |= int64(c&0x7f) << shift
		shift += 7
	}
	return typ, size, n
}

// ofsDeltaOffset parses the negative base offset of an OFS delta.
func ofsDeltaOffset(b []byte) (int64, int) {
	if len(b) == 0 {
		return 0, 0
	}
	c := b[0]
	off := int64(c & 0x7f)
	n := 1
	for c&0x80 != 0 {
		if n >= len(b) || off >= 1<<48 {
			return 0, 0 // truncated, or past any pack's size
		}
		c = b[n]
		n++
		off = (off+1)<<7 | int64(c&0x7f)
	}
	return off, n
}

// deltaSize parses one of the two sizes at the head of a delta.
func deltaSize(b []byte) (int64, int) {
	var size int64
	shift := 0
	for n := 0; n < len(b) && shift < 63; n++ {
		c := b[n]
		size |= int64(c&0x7f) << shift
		shift += 7
		if c&0x80 == 0 {
			return size, n + 1
		}
	}
	return 0, 0
}

var errDelta = errors.New("malformed delta instructions")

// scanDelta walks a delta's instructions and tests each run of consecutive
// inserted bytes, telling the prefilter which borders touch copied bytes.
func scanDelta(d []byte, pf *prefilter) (target int64, fl flags, err error) {
	_, n := deltaSize(d)
	if n == 0 {
		return 0, 0, errDelta
	}
	d = d[n:]
	target, n = deltaSize(d)
	if n == 0 {
		return 0, 0, errDelta
	}
	d = d[n:]
	var run, runBuf []byte // inserted bytes since the last copy
	inBuf := false
	copied := false // a copy precedes the current run
	flush := func(copyAfter bool) {
		if len(run) > 0 {
			fl |= pf.scan(run, copied, copyAfter)
		}
		run, inBuf = nil, false
	}
	for i := 0; i < len(d); {
		op := d[i]
		i++
		if op&0x80 != 0 {
			// Copy: skip its offset and size bytes.
			for bit := 0; bit < 7; bit++ {
				if op&(1<<bit) != 0 {
					i++
				}
			}
			if i > len(d) {
				return 0, 0, errDelta
			}
			flush(true)
			copied = true
			continue
		}
		if op == 0 {
			return 0, 0, errDelta
		}
		if i+int(op) > len(d) {
			return 0, 0, errDelta
		}
		// git splits long inserts into 127-byte pieces: join them.
		switch {
		case len(run) == 0:
			run = d[i : i+int(op)]
		case !inBuf:
			runBuf = append(append(runBuf[:0], run...), d[i:i+int(op)]...)
			run, inBuf = runBuf, true
		default:
			runBuf = append(runBuf, d[i:i+int(op)]...)
			run = runBuf
		}
		i += int(op)
	}
	flush(false)
	return target, fl, nil
}
