package history

import (
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
	rf := &refiner{pf: pf, packs: packs, memo: map[*packEntry]*refined{}}
	rf.r.exact = true
	for _, p := range packs {
		f, err := os.Open(p.path)
		if err != nil {
			rf.close()
			return nil, err
		}
		rf.files = append(rf.files, f)
	}
	return rf, nil
}

func (rf *refiner) close() {
	for _, f := range rf.files {
		f.Close()
	}
}

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
	var spans []span
	var run, runBuf []byte
	var runAt, t int64
	inBuf, copied := false, false
	flush := func(copyAfter bool) {
		if len(run) > 0 {
			spans = rf.pf.spans(run, runAt, copied, copyAfter, false, spans)
		}
		run, inBuf = nil, false
	}
	err = walkDelta(d, func(off, cn int64, ins []byte) {
		if ins == nil {
			flush(true)
			copied = true
			// Base spans overlapping [off, off+cn), moved to t.
			lo := sort.Search(len(rb.spans), func(j int) bool { return rb.spans[j].start >= off-rb.maxLen })
			for _, s := range rb.spans[lo:] {
				if s.start >= off+cn {
					break
				}
				a, b := max(s.start, off), min(s.end, off+cn)
				if a >= b {
					continue
				}
				kind := s.kind
				if kind == flagBare && !keepsSurroundings(s, off, cn, t, rb.size, e.size) {
					// A label may now be near: inserted, or brought by
					// another copy.
					kind = flagValue
				}
				spans = append(spans, span{a - off + t, b - off + t, kind})
			}
			t += cn
			return
		}
		switch {
		case len(run) == 0:
			run, runAt = ins, t
		case !inBuf:
			runBuf = append(append(runBuf[:0], run...), ins...)
			run, inBuf = runBuf, true
		default:
			runBuf = append(runBuf, ins...)
			run = runBuf
		}
		t += int64(len(ins))
	})
	if err != nil {
		return nil
	}
	flush(false)
	return newRefined(spans, t)
}

// walkDelta calls fn for each instruction of a delta: a copy of cn bytes
// from base offset off (ins nil), or an insert of ins.
func walkDelta(d []byte, fn func(off, cn int64, ins []byte)) error {
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
			fn(int64(off), int64(sz), nil)
			continue
		}
		if op == 0 || i+int(op) > len(d) {
			return errDelta
		}
		fn(0, 0, d[i:i+int(op)])
		i += int(op)
	}
	return nil
}

// keepsSurroundings reports whether a copy of base bytes [off, off+cn) to
// target offset t carries span s together with labelWindow bytes on each
// side, or up to the content's edge where base and target share that edge.
func keepsSurroundings(s span, off, cn, t, baseSize, targetSize int64) bool {
	lo, hi := s.start-labelWindow, s.end+labelWindow
	if lo < 0 {
		if off != 0 || t != 0 {
			return false
		}
		lo = 0
	}
	if hi > baseSize {
		if off+cn != baseSize || t+cn != targetSize {
			return false
		}
		hi = baseSize
	}
	return off <= lo && off+cn >= hi
}
