package history

import (
	"os"
	"sort"
)

// refined is what an object holds of interest, located: the key literals
// and value runs as spans of its content, and whether it may hold a label
// (labels are common and cheap to over-approximate, so they are not located).
type refined struct {
	spans  []span // sorted by start
	maxLen int64
	label  bool
}

func (r *refined) flags() flags {
	var f flags
	for _, s := range r.spans {
		f |= s.kind
	}
	if r.label {
		f |= flagLabel
	}
	return f
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
	r := &refined{label: e.fl&flagLabel != 0}
	for _, k := range []flags{flagKey, flagValue} {
		if e.fl&k != 0 {
			r.spans = append(r.spans, span{0, 1 << 62, k})
		}
	}
	r.maxLen = 1 << 62
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
		r = &refined{spans: e.spans, label: e.fl&flagLabel != 0}
		for _, s := range r.spans {
			r.maxLen = max(r.maxLen, s.end-s.start)
		}
	case e.base < 0 || e.err != "":
		r = conservative(e)
	default:
		base := &es[e.base]
		var rb *refined
		if base.fl&(flagKey|flagValue) != 0 {
			rb = rf.refine(p, int(e.base))
		} else {
			rb = &refined{label: base.fl&flagLabel != 0}
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
	if int64(cap(rf.delta)) < size {
		rf.delta = make([]byte, size)
	}
	d := rf.delta[:size]
	if err := inflateInto(&rf.r, z, d); err != nil {
		return nil
	}
	out := &refined{label: rb.label || e.own&flagLabel != 0}
	var run, runBuf []byte
	var runAt, t int64
	inBuf, copied := false, false
	flush := func(copyAfter bool) {
		if len(run) > 0 {
			out.spans = rf.pf.spans(run, runAt, copied, copyAfter, out.spans)
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
				if a < b {
					out.spans = append(out.spans, span{a - off + t, b - off + t, s.kind})
				}
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
	sort.Slice(out.spans, func(a, b int) bool { return out.spans[a].start < out.spans[b].start })
	for _, s := range out.spans {
		out.maxLen = max(out.maxLen, s.end-s.start)
	}
	return out
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
