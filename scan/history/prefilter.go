package history

import (
	"bytes"

	"github.com/credguard/credguard/internal/awskey"
)

// prefilter is the cheap test that decides which blobs the detector reads in
// full. It must work on pieces of a blob (the bytes a pack delta inserts) as
// well as on whole contents, so it records facts that survive cutting, as
// bit flags a delta inherits from its base and adds from its inserted bytes:
//
//   - flagKey: a key ID prefix (AKIA, ASIA, ABIA, ACCA), an STS session-token
//     mark, or one of the user's own secrets;
//   - flagLabel: a word a secret or token label contains ("secret", and
//     "token" after "session" or "security");
//   - flagValue: a long base64 run mixing upper case, lower case and digits,
//     as a secret access key or session token is.
//
// A blob is read in full when it has flagKey, or both flagLabel and
// flagValue: the detector reports a secret or token only next to a key ID or
// a label. (The detector's MayContain is a whole-content test and cannot be
// applied to pieces: a label may sit in bytes a delta copies from its base.)
type prefilter struct {
	keys   [][]byte // case-sensitive literals for flagKey
	known  [][]byte
	labels [][]byte
}

type flags uint8

const (
	flagKey flags = 1 << iota
	flagLabel
	flagValue
)

// candidate reports whether content with these flags may hold a finding.
func (f flags) candidate() bool {
	return f&flagKey != 0 || f&(flagLabel|flagValue) == flagLabel|flagValue
}

// runMin is the shortest base64 run counted as a possible value; edgeRunMin
// applies to a run touching a copy border, whose rest may come from the base.
const (
	runMin     = 32
	edgeRunMin = 12
)

// stsMarks are in the base64 of every STS session token: "YXdz" is "aws",
// and newer tokens start "IQoJb3JpZ2lu" (shared/aws-keys.md).
var stsMarks = []string{"IQoJb3JpZ2lu", "YXdz"}

// labelWords are matched in lower case, upper case and capitalised: every
// spelling of a secret key's or a session token's name contains one.
var labelWords = []string{"secret", "token"}

func newPrefilter(known []string) *prefilter {
	p := &prefilter{}
	for _, s := range awskey.CredentialPrefixes() {
		p.keys = append(p.keys, []byte(s))
	}
	for _, s := range stsMarks {
		p.keys = append(p.keys, []byte(s))
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
	for _, lit := range p.keys {
		if bytes.Contains(b, lit) || straddlesKey(b, lit, copyBefore) {
			f |= flagKey
			break
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
	if p.hasLabel(b, copyBefore, copyAfter) {
		f |= flagLabel
	}
	if randomRun(b, copyBefore, copyAfter) {
		f |= flagValue
	}
	return f
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

// straddlesKey is straddles for a key ID or token prefix, which a long base64
// tail follows. Only the start of b is checked: if b ended with the first
// bytes of a prefix, the copy after it would hold the rest and its tail, so
// the base holds (nearly) a key and carries flagKey itself.
func straddlesKey(b, lit []byte, before bool) bool {
	if !before {
		return false
	}
	for k := 1; k <= len(lit)-2; k++ {
		if bytes.HasPrefix(b, lit[k:]) {
			rest := b[len(lit)-k:]
			n := 0
			for n < len(rest) && n < 16 && class[rest[n]] != 0 {
				n++
			}
			if n == 16 || n == len(rest) {
				return true
			}
		}
	}
	return false
}

// hasLabel looks for the label words in three casings ("secret", "Secret",
// "SECRET": the first letter is dropped so one search finds the first two).
func (p *prefilter) hasLabel(b []byte, before, after bool) bool {
	for _, l := range p.labels {
		if bytes.Contains(b, l) || straddles(b, l, before, after) {
			return true
		}
	}
	return false
}

// class marks the bytes of base64 (and '%' of URL-encoded base64) by kind.
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
	t['+'], t['/'], t['='], t['%'] = 8, 8, 8, 8
	return t
}()

// randomRun reports whether b has a run of base64 bytes long enough for a
// secret that looks random: it mixes upper case, lower case and digits, and
// switches between kinds of byte often (random base64 does at about 0.65 of
// positions, so 0.4 leaves a wide margin; words, identifiers and paths switch
// at a word's boundaries only). Runs touching a copied border count from
// edgeRunMin.
func randomRun(b []byte, copyBefore, copyAfter bool) bool {
	start, switches := 0, 0
	var mix, prev uint8
	for i := 0; i <= len(b); i++ {
		var c uint8
		if i < len(b) {
			c = class[b[i]]
		}
		if c != 0 {
			if c != prev && prev != 0 {
				switches++
			}
			mix |= c
			prev = c
			continue
		}
		if n := i - start; n >= edgeRunMin && mix&7 == 7 && switches*5 >= n*2 {
			if n >= runMin || copyBefore && start == 0 || copyAfter && i == len(b) {
				return true
			}
		}
		start, mix, prev, switches = i+1, 0, 0, 0
	}
	return false
}
