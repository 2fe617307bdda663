package history

import (
	"bytes"

	"github.com/credguard/credguard/internal/awskey"
)

// prefilter is the cheap test that decides which blobs the detector reads in
// full. It must work on pieces of a blob (the bytes a pack delta inserts) as
// well as on whole contents, so it looks for things that survive cutting,
// and locates them (spans) so that a delta's copy instructions can carry
// them from its base:
//
//   - flagKey: a key ID prefix (AKIA, ASIA, ABIA, ACCA), an STS session-token
//     mark, or one of the user's own secrets;
//   - flagValue: a run shaped like a secret access key or a session token
//     (see secretLen) with a label word ("secret", "token", in any of three
//     casings) within labelWindow bytes, or in inserted bytes (where the label
//     may sit in copied bytes nearby);
//   - flagBare: such a run with no label near it. The detector reports a
//     secret or token only next to a key ID or a label, so a bare run is not
//     a candidate; it becomes one (flagValue) in a delta that does not copy
//     it together with all its surroundings.
//
// A blob is read in full when it may hold flagKey or flagValue. (The
// detector's MayContain is a whole-content test and cannot be applied to
// pieces: a label may sit in bytes a delta copies from its base.)
type prefilter struct {
	keys   [][]byte // case-sensitive literals for flagKey: key ID prefixes, then token marks
	ids    int      // how many of keys are key ID prefixes
	wide   [][]byte // keys in UTF-16, searched only in bytes that hold a NUL
	known  [][]byte
	labels [][]byte
}

type flags uint8

const (
	flagKey flags = 1 << iota
	flagValue
	flagBare
)

// candidate reports whether content with these (exact) flags may hold a
// finding.
func (f flags) candidate() bool { return f&(flagKey|flagValue) != 0 }

// maybe reports whether content with these inherited, approximate flags may
// hold a finding once its delta is followed: bare values count.
func (f flags) maybe() bool { return f != 0 }

// labelWindow is how far from a value a label may be for the detector to
// pair them: a key name on the same line or key, a CSV header above.
const labelWindow = 512

// A secret access key is exactly 40 base64 characters (30 random bytes, no
// padding) between bytes that are not base64; a session token is hundreds,
// possibly URL-encoded. So a value is a run of exactly secretLen secret bytes
// or at least tokenMin token bytes, mixing upper case, lower case and digits
// (as random base64 all but always does, and as awskey.LooksRandom demands).
//
// A run touching a copy border may continue in the copied bytes. git's delta
// encoder copies only what it matched in the base (16-byte anchors extended
// byte by byte), so the copied part of a new random value is what matched the
// base by chance: a few bytes (eight with probability 2^-48). The inserted
// part of a value at a border is thus at least edgeRunMin bytes; a value
// the base already held is the base's, and inherited from it.
const (
	secretLen  = 40
	tokenMin   = 100
	edgeRunMin = secretLen - 8
)

// stsMarks are in the base64 of every STS session token: "YXdz" is "aws",
// and newer tokens start "IQoJb3JpZ2lu" (shared/aws-keys.md).
var stsMarks = []string{"IQoJb3JpZ2lu", "YXdz"}

// labelWords are matched in lower case, upper case and capitalised: every
// spelling of a secret key's or a session token's name contains one
// ("X-Amz-Security-Token", "aws_session_token", "SecretAccessKey", ...).
var labelWords = []string{"secret", "token"}

func newPrefilter(known []string) *prefilter {
	p := &prefilter{}
	for _, s := range awskey.CredentialPrefixes() {
		p.keys = append(p.keys, []byte(s))
	}
	p.ids = len(p.keys)
	for _, s := range stsMarks {
		p.keys = append(p.keys, []byte(s))
	}
	// The detector reads UTF-16 files (PowerShell's redirects write them), so
	// the literals count in both byte orders too.
	for _, s := range append(awskey.CredentialPrefixes(), stsMarks...) {
		p.wide = append(p.wide, utf16Bytes(s, false), utf16Bytes(s, true))
	}
	for _, w := range labelWords {
		p.labels = append(p.labels, []byte(w[1:]), bytes.ToUpper([]byte(w[1:])))
	}
	for _, s := range known {
		if len(s) >= 8 {
			p.known = append(p.known, []byte(s))
		}
	}
	return p
}

// scan returns the flags of b. copyBefore and copyAfter say whether b is
// bordered by bytes a delta copies from its base, so that a literal may
// straddle the border: a run that starts with the end of a literal, or ends
// with its start (two bytes or more), counts as holding it.
func (p *prefilter) scan(b []byte, copyBefore, copyAfter bool) flags {
	var f flags
	for k, lit := range p.keys {
		if bytes.Contains(b, lit) || straddlesKey(b, lit, k < p.ids, copyBefore) {
			f |= flagKey
			break
		}
	}
	if f == 0 && bytes.IndexByte(b, 0) >= 0 {
		// Text has no NUL byte and UTF-16 text is full of them: the wide
		// literals cost nothing on the blobs that are not UTF-16.
		for _, lit := range p.wide {
			if bytes.Contains(b, lit) {
				f |= flagKey
				break
			}
		}
	}
	if f == 0 {
		for _, s := range p.known {
			if bytes.Contains(b, s) || straddles(b, s, copyBefore, copyAfter) {
				f |= flagKey
				break
			}
		}
	}
	if randomRun(b, copyBefore, copyAfter) {
		f |= flagValue
	}
	return f
}

// span is where something the prefilter looks for lies in an object's
// content: a key literal (flagKey) or a value run (flagValue).
type span struct {
	start, end int64
	kind       flags
}

// spans appends to out the key literals and value runs of b, which starts
// at offset at of its object. Literals that may straddle a copy border get a
// span at the border. When b is a whole content (whole), value runs with no
// label near are flagBare; in inserted bytes, a label may be in copied bytes
// nearby, so they are flagValue.
func (p *prefilter) spans(b []byte, at int64, copyBefore, copyAfter, whole bool, out []span) []span {
	lits := func(list [][]byte, straddle func(lit []byte) bool) {
		for _, lit := range list {
			for off := 0; ; {
				i := bytes.Index(b[off:], lit)
				if i < 0 {
					break
				}
				out = append(out, span{at + int64(off+i), at + int64(off+i+len(lit)), flagKey})
				off += i + 1
			}
			if straddle(lit) {
				out = append(out, span{at, at + int64(len(b)), flagKey})
			}
		}
	}
	if whole && hasUTF16BOM(b) {
		// A whole UTF-16 text: the detector decodes it first, so let it decide.
		out = append(out, span{at, at + int64(len(b)), flagKey})
	}
	lits(p.keys[:p.ids], func(lit []byte) bool { return straddlesKey(b, lit, true, copyBefore) })
	lits(p.keys[p.ids:], func(lit []byte) bool { return straddlesKey(b, lit, false, copyBefore) })
	lits(p.known, func(lit []byte) bool { return straddles(b, lit, copyBefore, copyAfter) })
	if bytes.IndexByte(b, 0) >= 0 {
		lits(p.wide, func([]byte) bool { return false })
	}
	valueRuns(b, copyBefore, copyAfter, func(s, e int) bool {
		kind := flagValue
		if whole && !p.labelNear(b, s, e) {
			kind = flagBare
		}
		out = append(out, span{at + int64(s), at + int64(e), kind})
		return true
	})
	return out
}

// straddles reports whether b, bordered by copied bytes, may hold the part
// of lit the copy does not: b starts with lit's last two or more bytes, or
// ends with its first two or more.
func straddles(b, lit []byte, before, after bool) bool {
	for k := 1; k <= len(lit)-2; k++ {
		if before && bytes.HasPrefix(b, lit[k:]) || after && bytes.HasSuffix(b, lit[:len(lit)-k]) {
			return true
		}
	}
	return false
}

// straddlesKey is straddles for a key ID prefix or a token mark, which a
// long tail follows: 16 base32 characters after a key ID prefix, base64 in a
// token. Only the start of b is checked: if b ended with the first bytes of
// a literal, the copy after it would hold the rest and the tail, so the base
// holds them and carries flagKey itself. The copied part of a literal is
// what matched the base by chance, so at most 8 bytes: at least the last 4
// bytes of a long mark are inserted (all of a key ID prefix but 1 to 3).
func straddlesKey(b, lit []byte, isID, before bool) bool {
	if !before {
		return false
	}
	for k := 1; k <= len(lit)-2; k++ {
		if !isID && len(lit)-k < 4 {
			break
		}
		if !bytes.HasPrefix(b, lit[k:]) {
			continue
		}
		rest := b[len(lit)-k:]
		n := 0
		for n < len(rest) && n < 16 && (isID && awskey.IsBase32(rest[n]) || !isID && class[rest[n]] != 0) {
			n++
		}
		// The tail may end the run and go on in copied bytes, but only by
		// the few bytes a copy can match by chance.
		if n == 16 || n == len(rest) && n >= 8 {
			return true
		}
	}
	return false
}

// labelNear reports whether a label word is within labelWindow bytes of
// b[s:e]. The words are matched without their first letter, so that one
// search finds "secret" and "Secret" (and "SECRET" with the upper-case one).
func (p *prefilter) labelNear(b []byte, s, e int) bool {
	w := b[max(0, s-labelWindow):min(len(b), e+labelWindow)]
	for _, l := range p.labels {
		if bytes.Contains(w, l) {
			return true
		}
	}
	return false
}

// class marks the bytes of base64 by kind: 1 upper, 2 lower, 4 digit, 8
// '+' and '/', 16 the bytes only tokens hold ('=' padding, '%' of URL
// encoding).
var class = func() (t [256]uint8) {
	for c := 'A'; c <= 'Z'; c++ {
		t[c] = 1
	}
	for c := 'a'; c <= 'z'; c++ {
		t[c] = 2
	}
	for c := '0'; c <= '9'; c++ {
		t[c] = 4
	}
	t['+'], t['/'] = 8, 8
	t['='], t['%'] = 16, 16
	return t
}()

// randomRun reports whether b holds a value: see secretLen.
func randomRun(b []byte, copyBefore, copyAfter bool) bool {
	found := false
	valueRuns(b, copyBefore, copyAfter, func(_, _ int) bool { found = true; return false })
	return found
}

// valueRuns calls fn with the bounds of each run of b that may be a value,
// until fn returns false. Runs are measured over token bytes; a run of
// exactly secretLen with no token-only byte is a secret's shape.
func valueRuns(b []byte, copyBefore, copyAfter bool, fn func(start, end int) bool) {
	if !copyBefore && !copyAfter {
		sampledRuns(b, fn)
		return
	}
	start := 0
	var mix uint8
	for i := 0; i <= len(b); i++ {
		var c uint8
		if i < len(b) {
			c = class[b[i]]
		}
		if c != 0 {
			mix |= c
			continue
		}
		if isValue(b[start:i], mix, copyBefore && start == 0 || copyAfter && i == len(b)) && !fn(start, i) {
			return
		}
		start, mix = i+1, 0
	}
}

// sampledRuns is valueRuns for content without copy borders, where a value
// is at least secretLen bytes long: every such run covers one of the bytes at
// multiples of sampleStep, so only runs through those are measured. Most
// bytes of text are never looked at.
func sampledRuns(b []byte, fn func(start, end int) bool) {
	const sampleStep = 32 // <= secretLen
	done := 0             // runs before done are measured
	for i := sampleStep - 1; i < len(b); {
		if class[b[i]] == 0 {
			i += sampleStep
			continue
		}
		mix := class[b[i]]
		s := i
		for s > done && class[b[s-1]] != 0 {
			s--
			mix |= class[b[s]]
		}
		e := i + 1
		for e < len(b) && class[b[e]] != 0 {
			mix |= class[b[e]]
			e++
		}
		if isValue(b[s:e], mix, false) && !fn(s, e) {
			return
		}
		done = e
		i = e + sampleStep
	}
}

// isValue says whether a run of base64 bytes, of kinds mix, may be a value.
// A run touching a copy border may continue there.
func isValue(run []byte, mix uint8, border bool) bool {
	n := len(run)
	if n < edgeRunMin || mix&7 != 7 {
		return false
	}
	switch {
	case n >= tokenMin, border:
		return true
	case mix&16 == 0:
		return n == secretLen // secret bytes only: one secret is exactly 40
	default:
		return n >= secretLen && hasSecretSpan(run) // '=' or '%' inside: a 40 may sit between them
	}
}

// hasSecretSpan looks inside a run holding token-only bytes for exactly
// secretLen secret bytes between them.
func hasSecretSpan(run []byte) bool {
	start := 0
	for i := 0; i <= len(run); i++ {
		if i < len(run) && class[run[i]]&16 == 0 {
			continue
		}
		if i-start == secretLen {
			return true
		}
		start = i + 1
	}
	return false
}

// utf16Bytes returns ASCII s in UTF-16, little- or big-endian.
func utf16Bytes(s string, bigEndian bool) []byte {
	out := make([]byte, 0, 2*len(s))
	for i := 0; i < len(s); i++ {
		if bigEndian {
			out = append(out, 0, s[i])
		} else {
			out = append(out, s[i], 0)
		}
	}
	return out
}

// hasUTF16BOM reports whether b starts with a UTF-16 byte-order mark, which
// makes the detector read it as UTF-16.
func hasUTF16BOM(b []byte) bool {
	return len(b) >= 2 && (b[0] == 0xFF && b[1] == 0xFE || b[0] == 0xFE && b[1] == 0xFF)
}
