// Package gitindex is a lean reader of git's index file (.git/index), the
// staging area that `git commit` records.
//
// It reads index versions 2, 3 and 4 (path prefix compression), extended
// flags (skip-worktree, intent-to-add) and the cache-tree (TREE) extension,
// verifies the trailing checksum, and tolerates the optional extensions git
// may write (untracked cache, fsmonitor, resolve-undo, EOIE, IEOT). A sparse
// index ("sdir", as `git sparse-checkout --sparse-index` and scalar write)
// is read as is: its folder entries name trees. What it cannot read
// faithfully it refuses with an error: a split index ("link"), any other
// required extension, and SHA-256 repositories, whose object names are 32
// bytes.
//
// It exists because go-git's index decoder keeps every stat field, builds a
// time.Time per entry and allocates each path; a pre-commit scan reads the
// index on every commit and needs only names, modes, object names and flags.
// The reader makes one pass over the file, computes the SHA-1 checksum in
// parallel with parsing, and stores all paths in one string.
//
// Format: https://git-scm.com/docs/index-format
package gitindex

import (
	"bytes"
	"crypto/sha1"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// HashSize is the size of a SHA-1 object name, the only kind this package reads.
const HashSize = 20

// Hash is a SHA-1 object name.
type Hash [HashSize]byte

// String returns the hash in hex.
func (h Hash) String() string { return hex.EncodeToString(h[:]) }

// IsZero reports whether h is all zeros.
func (h Hash) IsZero() bool { return h == Hash{} }

// Mode is an entry's file mode as git records it.
type Mode uint32

// The modes git records for index entries and tree entries.
const (
	ModeDir        Mode = 0o040000 // trees; in an index only as sparse-directory entries (name ending in "/")
	ModeRegular    Mode = 0o100644
	ModeExecutable Mode = 0o100755
	ModeSymlink    Mode = 0o120000
	ModeGitlink    Mode = 0o160000 // a submodule's commit
)

// Type returns the object-type bits of m (the top four of 16).
func (m Mode) Type() Mode { return m & 0o170000 }

// Stage of an entry: 0 for a normal entry, 1-3 during an unresolved merge
// (1 the common ancestor, 2 "ours", 3 "theirs").
type Stage uint8

// Entry is one path in the index.
type Entry struct {
	Name         string // slash-separated path from the repository root
	Hash         Hash   // the staged blob (or the submodule commit, for a gitlink)
	Mode         Mode
	Size         uint32 // the working-tree file size when last staged (truncated to 32 bits)
	Stage        Stage
	AssumeValid  bool // "assume unchanged" (git update-index --assume-unchanged)
	SkipWorktree bool // sparse checkout, or git update-index --skip-worktree
	IntentToAdd  bool // git add -N: a placeholder with the empty blob, not committed
}

// Index is a parsed index file.
type Index struct {
	Version uint32
	Entries []Entry // sorted by name, then stage, as git keeps them
	// Tree is the cache-tree: the tree object names git computed for
	// folders whose entries have not changed since. Nil when the index has
	// no TREE extension.
	Tree *Tree
	// Sparse is set for a sparse index: entries with ModeDir stand for
	// whole folders outside the sparse-checkout cone.
	Sparse bool
	// Extensions lists the signatures of the extensions present, in order.
	Extensions []string
	// Checksum is the trailing SHA-1 of the file; zero when git was told to
	// skip it (index.skipHash), in which case it was not verified.
	Checksum Hash
}

// Tree is a node of the cache-tree: a folder of the index.
type Tree struct {
	Name    string // path component; "" for the root
	Entries int    // index entries under this folder; -1 when invalidated
	Hash    Hash   // the folder's tree object name; meaningful only when Valid
	// Subtrees in the order the file lists them (git sorts them by name
	// length first, not by name).
	Subtrees []*Tree
	sorted   []*Tree // Subtrees sorted by name, for Subtree
}

// Valid reports whether git's cached tree name for the folder is current:
// none of its entries changed since it was computed.
func (t *Tree) Valid() bool { return t != nil && t.Entries >= 0 }

// Subtree returns the child folder named name, or nil.
func (t *Tree) Subtree(name string) *Tree {
	if t == nil {
		return nil
	}
	lo, hi := 0, len(t.sorted)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if t.sorted[m].Name < name {
			lo = m + 1
		} else {
			hi = m
		}
	}
	if lo < len(t.sorted) && t.sorted[lo].Name == name {
		return t.sorted[lo]
	}
	return nil
}

// ErrUnsupported is wrapped by errors for valid indexes this reader does not
// read: split indexes, required extensions it does not know,
// and versions other than 2-4.
var ErrUnsupported = errors.New("unsupported index")

// CorruptError reports an index file that is not well formed.
type CorruptError struct {
	Offset int // byte offset of the problem, or -1
	Reason string
}

func (e *CorruptError) Error() string {
	if e.Offset < 0 {
		return "corrupt index: " + e.Reason
	}
	return fmt.Sprintf("corrupt index at byte %d: %s", e.Offset, e.Reason)
}

func corrupt(off int, format string, args ...any) error {
	return &CorruptError{Offset: off, Reason: fmt.Sprintf(format, args...)}
}

// ReadFile reads and parses the index file at path. On Unix the file is
// mapped rather than read, as git does: a 10 MB index then costs no copy.
func ReadFile(path string) (*Index, error) {
	data, release, err := mapFile(path)
	if err != nil {
		return nil, err
	}
	defer release()
	idx, err := Parse(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return idx, nil
}

const (
	maxNamesFactor = 32
	headerSize     = 12
	entryFixed     = 62 // stat data (40), object name (20), flags (2)
	flagExtended   = 0x4000
	flagValid      = 0x8000
	flagStage      = 0x3000
	nameMask       = 0x0fff
	extSkipWt      = 0x4000
	extITA         = 0x2000
	extUnused      = 0x9fff // bits that must be zero in the extended flags
)

// Parse parses an index file's bytes. Entry names share one string built
// from data; data is not retained.
func Parse(data []byte) (*Index, error) {
	if len(data) < headerSize+HashSize {
		return nil, corrupt(-1, "file too short (%d bytes)", len(data))
	}
	if string(data[:4]) != "DIRC" {
		return nil, corrupt(0, "bad signature %q", data[:4])
	}
	body := data[:len(data)-HashSize]
	var sum Hash
	copy(sum[:], data[len(body):])

	// Hashing ~10 MB takes a few milliseconds; overlap it with parsing.
	var sumOK chan bool
	if !sum.IsZero() {
		sumOK = make(chan bool, 1)
		go func() { sumOK <- sha1.Sum(body) == sum }()
	}
	idx, err := parse(body)
	if sumOK != nil && !<-sumOK {
		// A bad checksum explains any parse error: report it instead.
		return nil, corrupt(-1, "checksum mismatch (the file is damaged or was cut short)")
	}
	if err != nil {
		return nil, err
	}
	idx.Checksum = sum
	return idx, nil
}

func parse(b []byte) (*Index, error) {
	idx := &Index{Version: binary.BigEndian.Uint32(b[4:8])}
	if idx.Version < 2 || idx.Version > 4 {
		return nil, fmt.Errorf("%w: version %d (this reader knows 2, 3 and 4)", ErrUnsupported, idx.Version)
	}
	n := binary.BigEndian.Uint32(b[8:12])
	// Each entry takes at least entryFixed+1 bytes (v4) or 64 (v2/3).
	if uint64(n)*(entryFixed+1) > uint64(len(b)-headerSize) {
		return nil, corrupt(8, "%d entries cannot fit in %d bytes", n, len(b))
	}
	idx.Entries = make([]Entry, n)

	// Names are collected into one builder, whose String costs no copy, so
	// the entries' names cost one allocation, not one each.
	var names strings.Builder
	names.Grow(len(b) - headerSize - int(n)*entryFixed)
	ends := make([]int, n)
	var prev string // the previous entry's name
	var deferred error
	dirs := 0
	off := headerSize
	for i := range idx.Entries {
		start := off
		if off+entryFixed > len(b) {
			return nil, corrupt(off, "entry %d of %d cut short", i+1, n)
		}
		e := &idx.Entries[i]
		e.Mode = Mode(binary.BigEndian.Uint32(b[off+24:]))
		e.Size = binary.BigEndian.Uint32(b[off+36:])
		copy(e.Hash[:], b[off+40:off+60])
		flags := binary.BigEndian.Uint16(b[off+60:])
		off += entryFixed
		e.AssumeValid = flags&flagValid != 0
		e.Stage = Stage(flags & flagStage >> 12)
		if flags&flagExtended != 0 {
			if idx.Version < 3 {
				return nil, corrupt(start+60, "entry %d has extended flags in a version 2 index", i+1)
			}
			if off+2 > len(b) {
				return nil, corrupt(off, "entry %d cut short", i+1)
			}
			ext := binary.BigEndian.Uint16(b[off:])
			if ext&extUnused != 0 {
				return nil, corrupt(off, "entry %d has unknown extended flags %#04x", i+1, ext)
			}
			e.SkipWorktree = ext&extSkipWt != 0
			e.IntentToAdd = ext&extITA != 0
			off += 2
		}
		switch e.Mode.Type() {
		case ModeRegular &^ 0o777, ModeSymlink, ModeGitlink:
		case ModeDir:
			dirs++
		default:
			return nil, corrupt(start+24, "entry %d has invalid mode %o", i+1, e.Mode)
		}

		var name string
		if idx.Version == 4 {
			strip, w := varint(b[off:])
			if w == 0 || strip > uint64(len(prev)) {
				return nil, corrupt(off, "entry %d has a bad path prefix length", i+1)
			}
			off += w
			nul := bytes.IndexByte(b[off:], 0)
			if nul < 0 {
				return nil, corrupt(off, "entry %d name is not terminated", i+1)
			}
			keep := len(prev) - int(strip)
			// Prefix compression lets a small file describe huge names;
			// real indexes stay far below this bound.
			if names.Len()+keep+nul > maxNamesFactor*len(b)+1<<20 {
				return nil, corrupt(off, "entry %d: implausibly long paths", i+1)
			}
			names.WriteString(prev[:keep])
			names.Write(b[off : off+nul])
			off += nul + 1
			name = names.String()[names.Len()-keep-nul:]
		} else {
			nlen := int(flags & nameMask)
			var nul int
			if nlen < nameMask {
				if off+nlen >= len(b) || b[off+nlen] != 0 {
					return nil, corrupt(off, "entry %d name is not terminated", i+1)
				}
				nul = nlen
			} else if nul = bytes.IndexByte(b[off:], 0); nul < 0 {
				return nil, corrupt(off, "entry %d name is not terminated", i+1)
			}
			names.Write(b[off : off+nul])
			name = names.String()[names.Len()-nul:]
			// Entries are padded with 1-8 NULs to a multiple of 8 bytes.
			end := start + (off+nul-start+8)&^7
			if end > len(b) {
				return nil, corrupt(off, "entry %d cut short", i+1)
			}
			for _, c := range b[off+nul : end] {
				if c != 0 {
					return nil, corrupt(off+nul, "entry %d padding is not NUL", i+1)
				}
			}
			off = end
		}
		// These two are reported after the extensions: in a split index
		// (refused there, with a better message) entries that replace
		// shared ones have no name.
		if e.Mode.Type() == ModeDir && !strings.HasSuffix(name, "/") && deferred == nil {
			deferred = corrupt(start, "folder entry %q does not end in /", name)
		}
		if len(name) == 0 && deferred == nil {
			deferred = corrupt(start, "entry %d has an empty name", i+1)
		}
		if i > 0 && deferred == nil {
			// Git keeps entries sorted by name, then stage; the staged
			// source relies on it to find folders by binary search.
			if c := strings.Compare(prev, name); c > 0 || c == 0 && idx.Entries[i-1].Stage >= e.Stage {
				deferred = corrupt(start, "entries out of order at %q", name)
			}
		}
		prev = name
		ends[i] = names.Len()
	}
	all := names.String()
	begin := 0
	for i := range idx.Entries {
		idx.Entries[i].Name = all[begin:ends[i]]
		begin = ends[i]
	}

	for off < len(b) {
		if off+8 > len(b) {
			return nil, corrupt(off, "extension header cut short")
		}
		sig := string(b[off : off+4])
		size := binary.BigEndian.Uint32(b[off+4:])
		off += 8
		if uint64(size) > uint64(len(b)-off) {
			return nil, corrupt(off-4, "extension %q size %d runs past the end", sig, size)
		}
		data := b[off : off+int(size)]
		off += int(size)
		idx.Extensions = append(idx.Extensions, sig)
		switch {
		case sig == "TREE":
			t, err := parseTree(data)
			if err != nil {
				return nil, err
			}
			idx.Tree = t
		case sig == "link":
			return nil, fmt.Errorf("%w: split index; run 'git update-index --no-split-index'", ErrUnsupported)
		case sig == "sdir":
			idx.Sparse = true
		case sig[0] >= 'A' && sig[0] <= 'Z':
			// Optional extensions (REUC, UNTR, FSMN, EOIE, IEOT, ...) carry
			// nothing about what a commit records.
		default:
			return nil, fmt.Errorf("%w: required extension %q", ErrUnsupported, sig)
		}
	}
	if deferred != nil {
		return nil, deferred
	}
	if dirs > 0 && !idx.Sparse {
		return nil, corrupt(-1, "%d folder entries without the sparse-index extension", dirs)
	}
	return idx, nil
}

// varint decodes git's offset encoding (used by v4 path compression): big
// endian base-128 where each continuation adds one, so encodings are unique.
// It returns the value and the bytes read, or 0 bytes on error.
func varint(b []byte) (uint64, int) {
	if len(b) == 0 {
		return 0, 0
	}
	c := b[0]
	v := uint64(c & 0x7f)
	i := 1
	for c&0x80 != 0 {
		if i >= len(b) || v >= 1<<56 {
			return 0, 0
		}
		c = b[i]
		i++
		v = (v+1)<<7 | uint64(c&0x7f)
	}
	return v, i
}

// parseTree parses the TREE extension: folders in pre-order, each
// "name NUL entry_count SP subtree_count LF [object name if entry_count >= 0]".
func parseTree(b []byte) (*Tree, error) {
	off := 0
	var node func(depth int) (*Tree, error)
	node = func(depth int) (*Tree, error) {
		if depth > 4096 {
			return nil, corrupt(-1, "cache-tree nested too deep")
		}
		nul := bytes.IndexByte(b[off:], 0)
		if nul < 0 {
			return nil, corrupt(-1, "cache-tree name not terminated")
		}
		t := &Tree{Name: string(b[off : off+nul])}
		off += nul + 1
		sp := bytes.IndexByte(b[off:], ' ')
		if sp < 0 {
			return nil, corrupt(-1, "cache-tree entry count not terminated")
		}
		count, err := strconv.Atoi(string(b[off : off+sp]))
		if err != nil || count < -1 {
			return nil, corrupt(-1, "cache-tree entry count %q", b[off:off+sp])
		}
		off += sp + 1
		lf := bytes.IndexByte(b[off:], '\n')
		if lf < 0 {
			return nil, corrupt(-1, "cache-tree subtree count not terminated")
		}
		subs, err := strconv.Atoi(string(b[off : off+lf]))
		if err != nil || subs < 0 || subs > len(b) {
			return nil, corrupt(-1, "cache-tree subtree count %q", b[off:off+lf])
		}
		off += lf + 1
		t.Entries = count
		if count >= 0 {
			if off+HashSize > len(b) {
				return nil, corrupt(-1, "cache-tree object name cut short")
			}
			copy(t.Hash[:], b[off:])
			off += HashSize
		}
		t.Subtrees = make([]*Tree, 0, subs)
		for range subs {
			c, err := node(depth + 1)
			if err != nil {
				return nil, err
			}
			t.Subtrees = append(t.Subtrees, c)
		}
		t.sorted = sortedByName(t.Subtrees)
		return t, nil
	}
	root, err := node(0)
	if err != nil {
		return nil, err
	}
	if off != len(b) {
		return nil, corrupt(-1, "cache-tree has %d trailing bytes", len(b)-off)
	}
	return root, nil
}

// sortedByName returns a copy of ts sorted by name.
func sortedByName(ts []*Tree) []*Tree {
	if len(ts) == 0 {
		return nil
	}
	s := slices.Clone(ts)
	slices.SortFunc(s, func(a, b *Tree) int { return strings.Compare(a.Name, b.Name) })
	return s
}
