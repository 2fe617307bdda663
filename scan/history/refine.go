package history

import (
	"bytes"
	"os"
	"sort"
)

// refined is what an object holds of interest, located: the key literals
// and value runs as spans of its content.
type refined struct {
	spans  []span // sorted by start
	maxLen int64
	size   int64 // of the content
}

func (r *refined) flags() flags {
	var f flags
	for _, s := range r.spans {
		f |= s.kind
	}
	return f
}

// newRefined sorts spans and measures them.
func newRefined(spans []span, size int64) *refined {
	sort.Slice(spans, func(a, b int) bool { return spans[a].start < spans[b].start })
	r := &refined{spans: spans, size: size}
	for _, s := range spans {
		r.maxLen = max(r.maxLen, s.end-s.start)
	}
	return r
}

// refiner sharpens the flags a delta inherits from its base. A delta inherits
// a key or value from its base only if it copies the bytes that hold it: by
// following the spans of the base through the delta's copy instructions, a
// file that once held a documentation key (or a delta against such a file)
// stops being a candidate once the key is gone. Only deltas whose inserted
// bytes alone do not make them candidates are refined, and only along the
// chains of bases that hold something.
type refiner struct {
	pf    *prefilter
	packs []*packData
	files []*os.File
	r     packReader
	memo  map[*packEntry]*refined
	delta []byte
}

func newRefiner(pf *prefilter, packs []*packData) (*refiner, error) {
	files, err := openPacks(packs)
	if err != nil {
		return nil, err
	}
	rf := &refiner{pf: pf, packs: packs, files: files, memo: map[*packEntry]*refined{}}
	rf.r.exact = true
	return rf, nil
}

func (rf *refiner) close() { closeAll(rf.files) }

// conservative is the answer when an object cannot be followed: whatever
// the approximate flags say, as a span over everything.
func conservative(e *packEntry) *refined {
	r := &refined{maxLen: 1 << 62, size: e.size}
	if e.fl&flagKey != 0 {
		r.spans = append(r.spans, span{0, 1 << 62, flagKey})
	}
	if e.fl&(flagValue|flagBare) != 0 {
		r.spans = append(r.spans, span{0, 1 << 62, flagValue})
	}
	return r
}

// refine returns the located content of pack p's entry i.
func (rf *refiner) refine(p, i int) *refined {
	es := rf.packs[p].entries
	e := &es[i]
	if r, ok := rf.memo[e]; ok {
		return r
	}
	var r *refined
	switch {
	case e.kind != objOfsDelta && e.kind != objRefDelta:
		r = newRefined(e.spans, e.size)
	case e.base < 0 || e.err != "":
		r = conservative(e)
	default:
		base := &es[e.base]
		var rb *refined
		if base.fl != 0 {
			rb = rf.refine(p, int(e.base))
		} else {
			rb = &refined{size: base.size}
		}
		r = rf.follow(p, e, rb)
		if r == nil {
			r = conservative(e)
		}
	}
	if e.bases > 0 {
		rf.memo[e] = r
	}
	return r
}

// follow maps the base's spans through e's copy instructions and adds the
// spans of its inserted bytes.
func (rf *refiner) follow(p int, e *packEntry, rb *refined) *refined {
	rf.r.f = rf.files[p]
	raw, err := rf.r.region(e.off, e.end)
	if err != nil {
		return nil
	}
	kind, size, n := objectHeader(raw)
	if n == 0 {
		return nil
	}
	z := rawTail(raw, kind)
	if size > maxObject {
		return nil
	}
	if int64(cap(rf.delta)) < size {
		rf.delta = make([]byte, size)
	}
	d := rf.delta[:size]
	if err := inflateInto(&rf.r, z, d); err != nil {
		return nil
	}
	// First the instructions, consecutive inserts joined (git splits long
	// ones into 127-byte pieces); then the spans.
	var ops []deltaOp
	var t int64
	err = walkDelta(d, func(off, cn int64, ins []byte) error {
		if ins == nil {
			ops = append(ops, deltaOp{t: t, n: cn, off: off})
			t += cn
			return nil
		}
		if k := len(ops) - 1; k >= 0 && ops[k].off < 0 {
			ops[k].ins = append(ops[k].ins[:len(ops[k].ins):len(ops[k].ins)], ins...)
			ops[k].n += int64(len(ins))
		} else {
			ops = append(ops, deltaOp{t: t, n: int64(len(ins)), off: -1, ins: ins})
		}
		t += int64(len(ins))
		return nil
	})
	if err != nil || t != e.size {
		return nil
	}
	var spans []span
	for k, op := range ops {
		if op.off < 0 {
			before, after := k > 0, k < len(ops)-1 // neighbours are copies
			spans = rf.pf.spans(op.ins, op.t, before, after, false, spans)
			continue
		}
		// Base spans overlapping the copied range, moved to the target.
		lo := sort.Search(len(rb.spans), func(j int) bool { return rb.spans[j].start >= op.off-rb.maxLen })
		for _, s := range rb.spans[lo:] {
			if s.start >= op.off+op.n {
				break
			}
			a, b := max(s.start, op.off), min(s.end, op.off+op.n)
			if a >= b {
				continue
			}
			kind := s.kind
			if kind == flagBare && (a != s.start || b != s.end || !rf.stillBare(ops, k, s, a-op.off+op.t, b-op.off+op.t, rb.size, e.size)) {
				kind = flagValue // a label may now be near
			}
			spans = append(spans, span{a - op.off + op.t, b - op.off + op.t, kind})
		}
	}
	return newRefined(spans, t)
}

// deltaOp is one delta instruction: a copy of n bytes from base offset off
// to target offset t, or (off < 0) an insert of ins.
type deltaOp struct {
	t, n, off int64
	ins       []byte
}

// stillBare reports whether a bare value, copied whole by ops[k] to target
// [ts, te), still has no label within labelWindow. It does when the bytes
// around it are the base's own surroundings of the value (label-free, as the
// value was bare there) in their order, with nothing deleted (a deletion
// could join "sec" and "ret"), and inserted bytes that hold no label word
// and neither start nor end with part of one (copied bytes next to them
// could complete it).
func (rf *refiner) stillBare(ops []deltaOp, k int, s span, ts, te, baseSize, targetSize int64) bool {
	lo, hi := max(0, ts-labelWindow), min(targetSize, te+labelWindow)
	baseLo, baseHi := max(0, s.start-labelWindow), min(baseSize, s.end+labelWindow)
	next := int64(-1) // where the next copy must start in the base
	j := sort.Search(len(ops), func(j int) bool { return ops[j].t+ops[j].n > lo })
	for ; j < len(ops) && ops[j].t < hi; j++ {
		op := ops[j]
		if op.off >= 0 {
			a, b := max(op.t, lo), min(op.t+op.n, hi)
			if next >= 0 && op.off != next || op.off+(a-op.t) < baseLo || op.off+(b-op.t) > baseHi {
				return false
			}
			next = op.off + op.n
			continue
		}
		for _, l := range rf.pf.labels {
			if bytes.Contains(op.ins, l) || partOf(op.ins, l) {
				return false
			}
		}
	}
	return true
}

// partOf reports whether b starts with the end of word or ends with its
// start: with copied bytes next to it, b may complete the word.
func partOf(b, word []byte) bool {
	for k := 1; k < len(word); k++ {
		if bytes.HasPrefix(b, word[k:]) || bytes.HasSuffix(b, word[:k]) {
			return true
		}
	}
	return false
}

// walkDelta calls fn for each instruction of a delta: a copy of cn bytes
// from base offset off (ins nil), or an insert of ins. It stops at the first
// error fn returns, and returns it.
func walkDelta(d []byte, fn func(off, cn int64, ins []byte) error) error {
	_, n := deltaSize(d)
	if n == 0 {
		return errDelta
	}
	d = d[n:]
	_, n = deltaSize(d)
	if n == 0 {
		return errDelta
	}
	d = d[n:]
	for i := 0; i < len(d); {
		op := d[i]
		i++
		if op&0x80 != 0 {
			var off, sz uint32
			for bit := 0; bit < 4; bit++ {
				if op&(1<<bit) != 0 {
					if i >= len(d) {
						return errDelta
					}
					off |= uint32(d[i]) << (8 * bit)
					i++
				}
			}
			for bit := 0; bit < 3; bit++ {
				if op&(0x10<<bit) != 0 {
					if i >= len(d) {
						return errDelta
					}
					sz |= uint32(d[i]) << (8 * bit)
					i++
				}
			}
			if sz == 0 {
				sz = 0x10000
			}
			if err := fn(int64(off), int64(sz), nil); err != nil {
				return err
			}
			continue
		}
		if op == 0 || i+int(op) > len(d) {
			return errDelta
		}
		if err := fn(0, 0, d[i:i+int(op)]); err != nil {
			return err
		}
		i += int(op)
	}
	return nil
}
