package history

import (
	"testing"

	"github.com/go-git/go-git/v5/plumbing"

	"github.com/credguard/credguard/internal/awskey"
)

// FuzzDelta feeds arbitrary bytes to the delta readers, as a damaged pack
// would: they must fail cleanly, never panic, and agree on what is valid.
func FuzzDelta(f *testing.F) {
	f.Add([]byte("base content here"), []byte{17, 20, 0x90, 17, 3, 'a', 'b', 'c'})
	f.Add([]byte(""), []byte{0, 0})
	f.Add([]byte("0123456789"), []byte{10, 14, 0x91, 2, 4, 4, 'A', 'K', 'I', 'A', 0x80, 0xff})
	pf := newPrefilter([]string{awskey.FakeSecret()})
	f.Fuzz(func(t *testing.T, base, delta []byte) {
		out, err := applyDelta(base, delta)
		target, _, serr := scanDelta(delta, pf)
		werr := walkDelta(delta, func(off, n int64, ins []byte) error { return nil })
		if err == nil {
			if int64(len(out)) != target || serr != nil || werr != nil {
				t.Fatalf("applyDelta accepted (%d bytes) what scanDelta (%d, %v) or walkDelta (%v) did not", len(out), target, serr, werr)
			}
		}
	})
}

// FuzzObjectHeader checks the pack entry header parsers on arbitrary bytes.
func FuzzObjectHeader(f *testing.F) {
	f.Add([]byte{0x95, 0x0a})
	f.Add([]byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01})
	f.Fuzz(func(t *testing.T, b []byte) {
		if _, size, n := objectHeader(b); n > len(b) || size < 0 && n != 0 {
			t.Fatalf("objectHeader(%x) = size %d, n %d", b, size, n)
		}
		if off, n := ofsDeltaOffset(b); n > len(b) || off < 0 && n != 0 {
			t.Fatalf("ofsDeltaOffset(%x) = %d, %d", b, off, n)
		}
		if _, err := parseTree(b); err == nil {
			eachEntry(b, func([]byte, plumbing.Hash) {})
		}
	})
}
