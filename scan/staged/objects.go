package staged

import (
	"bufio"
	"bytes"
	"cmp"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/go-git/go-billy/v5/osfs"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/format/idxfile"
	"github.com/go-git/go-git/v5/plumbing/format/objfile"
	"github.com/go-git/go-git/v5/plumbing/format/packfile"
	"github.com/go-git/go-git/v5/storage/filesystem"
)

// objects looks up the few objects a staged scan needs. go-git decodes
// them (loose objects with objfile, packed ones with packfile, including
// delta chains); what this type adds is a lazy pack index. go-git's own
// ObjectStorage decodes every pack's whole .idx on first use and then maps
// every offset to its hash: for a 100,000-object pack that is more work
// than the rest of the scan together. Here a lookup reads one fan-out
// bucket of the .idx. Whatever this path cannot find, go-git's
// ObjectStorage is asked next, so an unusual layout costs time, not
// correctness.
type objects struct {
	dirs     []string // object folders: the repository's, then its alternates
	packs    []*pack  // nil until the first lookup that misses loose objects
	scanned  bool
	fallback *filesystem.Storage
	maxSize  int64 // larger objects are streamed, not read into memory
}

type pack struct {
	idx *lazyIndex
	pf  *packfile.Packfile
}

func newObjects(commonDir string, fallback *filesystem.Storage, maxSize int64) *objects {
	dir := filepath.Join(commonDir, "objects")
	o := &objects{dirs: []string{dir}, fallback: fallback, maxSize: maxSize}
	// Alternates (git clone --shared/--reference): one object folder per line.
	if b, err := os.ReadFile(filepath.Join(dir, "info", "alternates")); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			if line = strings.TrimSpace(line); line != "" && !strings.HasPrefix(line, "#") {
				o.dirs = append(o.dirs, absFrom(dir, line))
			}
		}
	}
	return o
}

func (o *objects) Close() {
	for _, p := range o.packs {
		p.pf.Close()
		p.idx.f.Close()
	}
}

// get returns object h, which must have type t. Objects over maxSize are
// read when their Reader is, not before.
func (o *objects) get(h plumbing.Hash, t plumbing.ObjectType) (plumbing.EncodedObject, error) {
	obj, err := o.find(h)
	if errors.Is(err, plumbing.ErrObjectNotFound) {
		obj, err = o.fallback.EncodedObject(plumbing.AnyObject, h)
	}
	if err != nil {
		return nil, err
	}
	if obj.Type() != t {
		return nil, fmt.Errorf("object %s is a %s, not a %s", h, obj.Type(), t)
	}
	return obj, nil
}

func (o *objects) find(h plumbing.Hash) (plumbing.EncodedObject, error) {
	hex := h.String()
	for _, dir := range o.dirs {
		obj, err := o.loose(filepath.Join(dir, hex[:2], hex[2:]), h)
		if !errors.Is(err, fs.ErrNotExist) {
			return obj, err
		}
	}
	if !o.scanned {
		o.scanned = true
		for _, dir := range o.dirs {
			o.openPacks(filepath.Join(dir, "pack"))
		}
	}
	for _, p := range o.packs {
		if _, ok := p.idx.find(h); ok {
			return p.pf.Get(h)
		}
	}
	return nil, plumbing.ErrObjectNotFound
}

// loose reads a loose object, checking its name against its content.
func (o *objects) loose(path string, h plumbing.Hash) (plumbing.EncodedObject, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	r, err := objfile.NewReader(bufio.NewReader(f))
	if err != nil {
		return nil, fmt.Errorf("loose object %s: %w", h, err)
	}
	defer r.Close()
	t, size, err := r.Header()
	if err != nil {
		return nil, fmt.Errorf("loose object %s: %w", h, err)
	}
	if size > o.maxSize {
		return &streamed{hash: h, typ: t, size: size, path: path}, nil
	}
	obj := &plumbing.MemoryObject{}
	obj.SetType(t)
	obj.SetSize(size)
	w, _ := obj.Writer()
	if n, err := io.Copy(w, r); err != nil || n != size {
		return nil, fmt.Errorf("loose object %s: read %d of %d bytes: %v", h, n, size, err)
	}
	if r.Hash() != h {
		return nil, fmt.Errorf("loose object %s: content hashes to %s", h, r.Hash())
	}
	return obj, nil
}

// openPacks opens the packs in dir whose index this reader understands;
// the others are left to the fallback.
func (o *objects) openPacks(dir string) {
	names, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	packFS := osfs.New(dir)
	for _, n := range names {
		base, ok := strings.CutSuffix(n.Name(), ".idx")
		if !ok {
			continue
		}
		idx, err := openLazyIndex(filepath.Join(dir, n.Name()))
		if err != nil {
			continue
		}
		f, err := packFS.Open(base + ".pack")
		if err != nil {
			idx.f.Close()
			continue
		}
		o.packs = append(o.packs, &pack{idx: idx, pf: packfile.NewPackfile(idx, packFS, f, o.maxSize)})
	}
}

// streamed is a loose object too large to hold in memory: its Reader
// inflates it from disk, checking its name at the end.
type streamed struct {
	hash plumbing.Hash
	typ  plumbing.ObjectType
	size int64
	path string
}

func (s *streamed) Hash() plumbing.Hash             { return s.hash }
func (s *streamed) Type() plumbing.ObjectType       { return s.typ }
func (s *streamed) SetType(t plumbing.ObjectType)   { s.typ = t }
func (s *streamed) Size() int64                     { return s.size }
func (s *streamed) SetSize(n int64)                 { s.size = n }
func (s *streamed) Writer() (io.WriteCloser, error) { return nil, errors.New("read-only object") }

func (s *streamed) Reader() (io.ReadCloser, error) {
	f, err := os.Open(s.path)
	if err != nil {
		return nil, err
	}
	r, err := objfile.NewReader(bufio.NewReader(f))
	if err == nil {
		_, _, err = r.Header()
	}
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("loose object %s: %w", s.hash, err)
	}
	return &checkedReader{r: r, f: f, want: s.hash, left: s.size}, nil
}

// checkedReader reads a loose object's content and, at its end, checks
// the length and the name against what was read.
type checkedReader struct {
	r    *objfile.Reader
	f    *os.File
	want plumbing.Hash
	left int64
}

func (c *checkedReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.left -= int64(n)
	if errors.Is(err, io.EOF) {
		if c.left != 0 {
			return n, fmt.Errorf("loose object %s: %d bytes short", c.want, c.left)
		}
		if got := c.r.Hash(); got != c.want {
			return n, fmt.Errorf("loose object %s: content hashes to %s", c.want, got)
		}
	}
	return n, err
}

func (c *checkedReader) Close() error {
	c.r.Close()
	return c.f.Close()
}

// lazyIndex is a version 2 pack index read on demand: a 256-entry fan-out
// table, then the sorted object names, their CRC-32s, their 31-bit pack
// offsets and a table of 64-bit offsets for the large ones.
// https://git-scm.com/docs/gitformat-pack#_version_2_pack_idx_files_support_packs_larger_than_4_gib_and
type lazyIndex struct {
	f       *os.File
	n       int64
	fanout  [256]uint32
	offsets []uint32 // the whole 31-bit offset table, read on the first FindHash

	hashCalls int
	byOffset  []offsetPos // sorted by offset, built once FindHash is called often
}

const (
	idxHeader = 8 + 256*4
	idxMagic  = "\377tOc\x00\x00\x00\x02"
)

func openLazyIndex(path string) (*lazyIndex, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	var head [idxHeader]byte
	if _, err := f.ReadAt(head[:], 0); err != nil || string(head[:8]) != idxMagic {
		f.Close()
		return nil, fmt.Errorf("%s: not a version 2 pack index", path)
	}
	x := &lazyIndex{f: f}
	for i := range x.fanout {
		x.fanout[i] = binary.BigEndian.Uint32(head[8+4*i:])
		if i > 0 && x.fanout[i] < x.fanout[i-1] {
			f.Close()
			return nil, fmt.Errorf("%s: corrupt fan-out table", path)
		}
	}
	x.n = int64(x.fanout[255])
	if st, err := f.Stat(); err != nil || st.Size() < idxHeader+x.n*28+40 {
		f.Close()
		return nil, fmt.Errorf("%s: cut short", path)
	}
	return x, nil
}

func (x *lazyIndex) namesAt() int64   { return idxHeader }
func (x *lazyIndex) crcsAt() int64    { return idxHeader + x.n*20 }
func (x *lazyIndex) offsetsAt() int64 { return idxHeader + x.n*24 }
func (x *lazyIndex) largeAt() int64   { return idxHeader + x.n*28 }

// find returns the position of h among the sorted names.
func (x *lazyIndex) find(h plumbing.Hash) (int64, bool) {
	var lo int64
	if h[0] > 0 {
		lo = int64(x.fanout[h[0]-1])
	}
	hi := int64(x.fanout[h[0]])
	if lo >= hi {
		return 0, false
	}
	// One read for the bucket (about n/256 names), then search in memory.
	buf := make([]byte, (hi-lo)*20)
	if _, err := x.f.ReadAt(buf, x.namesAt()+lo*20); err != nil {
		return 0, false
	}
	i, j := int64(0), hi-lo
	for i < j {
		m := (i + j) / 2
		switch c := bytes.Compare(buf[m*20:m*20+20], h[:]); {
		case c == 0:
			return lo + m, true
		case c < 0:
			i = m + 1
		default:
			j = m
		}
	}
	return 0, false
}

func (x *lazyIndex) offsetAt(i int64) (int64, error) {
	var b [8]byte
	if _, err := x.f.ReadAt(b[:4], x.offsetsAt()+i*4); err != nil {
		return 0, err
	}
	v := binary.BigEndian.Uint32(b[:4])
	if v&0x80000000 == 0 {
		return int64(v), nil
	}
	if _, err := x.f.ReadAt(b[:], x.largeAt()+int64(v&0x7fffffff)*8); err != nil {
		return 0, err
	}
	return int64(binary.BigEndian.Uint64(b[:])), nil
}

// Contains implements idxfile.Index.
func (x *lazyIndex) Contains(h plumbing.Hash) (bool, error) {
	_, ok := x.find(h)
	return ok, nil
}

// FindOffset implements idxfile.Index.
func (x *lazyIndex) FindOffset(h plumbing.Hash) (int64, error) {
	i, ok := x.find(h)
	if !ok {
		return 0, plumbing.ErrObjectNotFound
	}
	return x.offsetAt(i)
}

// FindCRC32 implements idxfile.Index.
func (x *lazyIndex) FindCRC32(h plumbing.Hash) (uint32, error) {
	i, ok := x.find(h)
	if !ok {
		return 0, plumbing.ErrObjectNotFound
	}
	var b [4]byte
	if _, err := x.f.ReadAt(b[:], x.crcsAt()+i*4); err != nil {
		return 0, err
	}
	return binary.BigEndian.Uint32(b[:]), nil
}

// FindHash implements idxfile.Index. go-git calls it for each delta base.
// The first calls search the offset table linearly, which costs far less
// than the map go-git builds; a scan that resolves many deltas (a first
// commit of a large tree) gets a sorted table after a few dozen calls.
func (x *lazyIndex) FindHash(o int64) (plumbing.Hash, error) {
	if x.offsets == nil {
		raw := make([]byte, x.n*4)
		if _, err := x.f.ReadAt(raw, x.offsetsAt()); err != nil {
			return plumbing.ZeroHash, err
		}
		x.offsets = make([]uint32, x.n)
		for i := range x.offsets {
			x.offsets[i] = binary.BigEndian.Uint32(raw[i*4:])
		}
	}
	x.hashCalls++
	if x.byOffset == nil && x.hashCalls > 32 {
		if err := x.sortOffsets(); err != nil {
			return plumbing.ZeroHash, err
		}
	}
	pos := int64(-1)
	if x.byOffset != nil {
		k, found := slices.BinarySearchFunc(x.byOffset, o, func(e offsetPos, o int64) int { return cmp.Compare(e.off, o) })
		if found {
			pos = int64(x.byOffset[k].pos)
		}
	} else {
		for i, v := range x.offsets {
			if v&0x80000000 == 0 && int64(v) != o {
				continue
			}
			if off, err := x.offsetAt(int64(i)); err == nil && off == o {
				pos = int64(i)
				break
			}
		}
	}
	if pos < 0 {
		return plumbing.ZeroHash, plumbing.ErrObjectNotFound
	}
	var h plumbing.Hash
	if _, err := x.f.ReadAt(h[:], x.namesAt()+pos*20); err != nil {
		return plumbing.ZeroHash, err
	}
	return h, nil
}

type offsetPos struct {
	off int64
	pos int32
}

func (x *lazyIndex) sortOffsets() error {
	t := make([]offsetPos, len(x.offsets))
	for i, v := range x.offsets {
		off := int64(v)
		if v&0x80000000 != 0 {
			var err error
			if off, err = x.offsetAt(int64(i)); err != nil {
				return err
			}
		}
		t[i] = offsetPos{off: off, pos: int32(i)}
	}
	slices.SortFunc(t, func(a, b offsetPos) int { return cmp.Compare(a.off, b.off) })
	x.byOffset = t
	return nil
}

// Count implements idxfile.Index.
func (x *lazyIndex) Count() (int64, error) { return x.n, nil }

// Entries implements idxfile.Index; the staged scan never iterates a pack.
func (x *lazyIndex) Entries() (idxfile.EntryIter, error) {
	return nil, errors.New("lazy pack index: iteration not supported")
}

// EntriesByOffset implements idxfile.Index, like Entries.
func (x *lazyIndex) EntriesByOffset() (idxfile.EntryIter, error) { return x.Entries() }
