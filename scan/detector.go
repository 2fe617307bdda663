package scan

import (
	"bytes"
	"sort"
	"strings"

	"github.com/credguard/credguard/internal/awskey"
)

// Options configure a Detector.
type Options struct {
	// KnownSecrets are secret values (typically from the user's own
	// credentials file) reported wherever they occur, in any context.
	// They are held only in memory. Values shorter than 16 bytes are ignored:
	// they would match by accident.
	KnownSecrets []string
}

// Detector finds credentials in content. It is safe for concurrent use: it
// holds nothing but its options, and every Scan works on its own state.
//
// # How it decides
//
// Nothing is matched line by line with regular expressions. Scan looks for a
// few fixed strings with bytes.Index (key ID prefixes, "secret"/"SECRET",
// "token"/"TOKEN" fragments, the STS token prefixes, the known secrets) and
// examines only the bytes around each hit, so a scan is linear in the size of
// the content and does not copy it. The same fixed strings make MayContain.
//
// Rules:
//
//   - aws-access-key-id: AKIA, ASIA, ABIA or ACCA and 16 base32 characters,
//     not touching a letter or digit on either side (an escape such as \n or
//     %2F before it counts as a boundary). IAM unique IDs, documentation
//     examples, placeholders and new-generation IDs that decode to an
//     impossible account are never reported (awskey.IDPlausible).
//   - aws-secret-access-key: exactly 40 characters of [A-Za-z0-9+/], not part
//     of a longer base64 run, that look random (awskey.LooksRandom, no
//     placeholder or made-up words), in one of three contexts: after a label
//     (see secretLabel), within three lines of a reported access key ID, or in
//     the "Secret access key" column of the console's CSV download.
//   - aws-session-token: a base64 run (URL escapes %2B %2F %3D allowed) of at
//     least 80 characters after a session-token label, or of at least 100
//     characters that starts with an STS prefix (IQoJb3JpZ2luX2Vj,
//     FwoGZXIvYXdz) or has YXdz ("aws") near its start (as in AQoDYXdz...),
//     is at most 4096 characters long and decodes to binary.
//   - aws-known-secret: Options.KnownSecrets anywhere, raw or URL-encoded.
//     When a known secret is also what another rule found at the same place,
//     the finding becomes aws-known-secret (one finding, not two): the user's
//     own secret is the more urgent fact, and its fingerprint then no longer
//     depends on the context it was found in.
//
// Encodings: values are also found base64-encoded (Kubernetes Secret data,
// an encoded credentials file; see encoded.go), with JSON-escaped slashes
// (`\/`), URL-encoded (tokens and known secrets), and in UTF-16 text that
// starts with a byte-order mark. Each is reported with the fingerprint of the
// decoded value, at the encoded text.
//
// A line containing AllowMarker yields no findings.
type Detector struct {
	known []knownSecret
}

// knownSecret is one of Options.KnownSecrets with its URL-encoded form (nil
// when the same), as it appears in presigned URLs and query strings.
type knownSecret struct {
	value   string
	raw     []byte
	encoded []byte
	// anchor is where in raw (and encoded) the search starts: at a byte that
	// is rare in text, so that bytes.Index stops rarely.
	rawAnchor, encAnchor int
}

// anchorAt picks the search start in v: the first upper-case letter, digit,
// '+', '/' or '%' that leaves 8 bytes to search for, else 0.
func anchorAt(v []byte) int {
	for i := 0; i+8 <= len(v); i++ {
		if b := v[i]; b >= 'A' && b <= 'Z' || b >= '0' && b <= '9' || b == '+' || b == '/' || b == '%' {
			return i
		}
	}
	return 0
}

// find returns the offset of the first occurrence at or after from of the
// known secret (or its URL-encoded form), or -1.
func (k *knownSecret) find(c []byte, from int, encoded bool) int {
	v, a := k.raw, k.rawAnchor
	if encoded {
		v, a = k.encoded, k.encAnchor
	}
	if v == nil {
		return -1
	}
	part := v[a:min(len(v), a+8)]
	for at := from + a; at <= len(c); {
		i := bytes.Index(c[at:], part)
		if i < 0 {
			return -1
		}
		i += at - a
		if i+len(v) <= len(c) && bytes.Equal(c[i:i+len(v)], v) {
			return i
		}
		at = i + a + 1
	}
	return -1
}

// New returns a Detector.
func New(opts Options) *Detector {
	d := &Detector{}
	seen := map[string]bool{}
	for _, s := range opts.KnownSecrets {
		if len(s) < 16 || seen[s] {
			continue
		}
		seen[s] = true
		k := knownSecret{value: s, raw: []byte(s)}
		k.rawAnchor = anchorAt(k.raw)
		if enc := urlEncode(s); enc != s {
			k.encoded = []byte(enc)
			k.encAnchor = anchorAt(k.encoded)
		}
		d.known = append(d.known, k)
	}
	return d
}

// Needles are the fixed strings every rule starts from. bytes.Index pays for
// every occurrence of a needle's first byte, so each needle starts at a byte
// that is rare in source code: "KIA" rather than "AKIA", "cret" rather than
// "secret", "ken" rather than "token". If none occurs in some content, no
// rule can report anything in it (see MayContain).
var (
	idNeedles     = []string{"KIA", "SIA", "BIA", "CCA"} // after 'A': the key ID prefixes
	secretNeedles = []string{"cret", "CRET"}             // secret, Secret, SECRET; the CSV header
	tokenNeedles  = []string{"ken", "KEN"}               // token, Token, TOKEN
	needles       = toBytes(append(append(append(append(idNeedles, secretNeedles...), tokenNeedles...),
		stsPrefixNew, stsPrefixOld, stsAWS), encodedNeedles...))
)

func toBytes(ss []string) [][]byte {
	out := make([][]byte, len(ss))
	for i, s := range ss {
		out[i] = []byte(s)
	}
	return out
}

// MayContain reports whether content might hold a credential: when it returns
// false, Scan(path, content) returns no findings. It costs a few passes of
// bytes.Index, so history scanners can run it on every blob first.
func (d *Detector) MayContain(content []byte) bool {
	if _, _, ok := utf16BOM(content); ok {
		return true // Scan reads it as UTF-16; don't search the raw bytes
	}
	for _, n := range needles {
		if bytes.Contains(content, n) {
			return true
		}
	}
	for i := range d.known {
		if d.known[i].find(content, 0, false) >= 0 || d.known[i].find(content, 0, true) >= 0 {
			return true
		}
	}
	return false
}

// hit is a finding under construction: a span of content and what it is.
type hit struct {
	rule    string
	off, n  int    // the value's bytes in content (encoded form for URL-encoded tokens)
	value   string // the value itself (decoded); never leaves the package
	why     string // message
	keyType string
	account string
	pair    int // index of the paired hit, or -1
}

// scanner is the state of one Scan.
type scanner struct {
	d     *Detector
	c     []byte // the content as the rules read it (one byte per character)
	orig  []byte // the content as given
	base  int    // offset in orig of c[0]
	unit  int    // bytes of orig per byte of c: 1, or 2 for UTF-16
	ids   []hit  // key IDs, in order
	secs  []hit  // secret access keys
	toks  []hit  // session tokens
	known []hit
	aws   int // -1 unknown, 0 no, 1 yes: does the content mention AWS at all
	depth int // 1 when scanning decoded base64 (which is not decoded again)
}

// Scan returns the findings in content, in order of position. path is copied
// into each finding's File.
//
// Content that starts with a UTF-16 byte-order mark (what Windows PowerShell
// writes when output is redirected to a file) is read as UTF-16; findings
// then locate the value's UTF-16 bytes.
func (d *Detector) Scan(path string, content []byte) []Finding {
	s := &scanner{d: d, c: content, orig: content, unit: 1, aws: -1}
	if base, bigEndian, ok := utf16BOM(content); ok {
		s.c, s.base, s.unit = fromUTF16(content[base:], bigEndian), base, 2
	}
	s.findKeyIDs()
	s.findTokens()
	s.dropIDsInTokens()
	s.findEncoded()
	s.findSecrets()
	s.pairSecrets()
	s.findKnown()
	return s.findings(path)
}

// utf16BOM reports whether content starts with a UTF-16 byte-order mark.
func utf16BOM(c []byte) (bomLen int, bigEndian, ok bool) {
	switch {
	case len(c) >= 2 && c[0] == 0xFF && c[1] == 0xFE:
		return 2, false, true
	case len(c) >= 2 && c[0] == 0xFE && c[1] == 0xFF:
		return 2, true, true
	}
	return 0, false, false
}

// fromUTF16 maps UTF-16 text to one byte per code unit: ASCII stays, anything
// else becomes 0xFF (which no rule takes for part of a value).
func fromUTF16(c []byte, bigEndian bool) []byte {
	out := make([]byte, len(c)/2)
	for i := range out {
		lo, hi := c[2*i], c[2*i+1]
		if bigEndian {
			lo, hi = hi, lo
		}
		if hi == 0 && lo < 0x80 {
			out[i] = lo
		} else {
			out[i] = 0xFF
		}
	}
	return out
}

// findings turns the hits into Findings: final rules and fingerprints,
// pairing, positions, and the allow marker.
func (s *scanner) findings(path string) []Finding {
	all := make([]*hit, 0, len(s.ids)+len(s.secs)+len(s.toks)+len(s.known))
	for _, hs := range [][]hit{s.ids, s.secs, s.toks, s.known} {
		for i := range hs {
			if hs[i].rule != "" {
				all = append(all, &hs[i])
			}
		}
	}
	if len(all) == 0 {
		return nil
	}
	sort.SliceStable(all, func(i, j int) bool {
		if all[i].off != all[j].off {
			return all[i].off < all[j].off
		}
		return all[i].rule < all[j].rule
	})
	allow := bytes.Contains(s.c, []byte(AllowMarker))
	out := make([]Finding, 0, len(all))
	line, lineStart, at := 1, 0, 0
	cLineStart, cAt := 0, 0 // the same in s.c, for the allow marker
	allowLine, allowed := -1, false
	for _, h := range all {
		if allow {
			for {
				i := bytes.IndexByte(s.c[cAt:h.off], '\n')
				if i < 0 {
					break
				}
				cAt += i + 1
				cLineStart = cAt
			}
			cAt = max(cAt, h.off) // no line break before h.off: never look again
			if cLineStart != allowLine {
				allowLine, allowed = cLineStart, lineHasAllow(s.c, cLineStart)
			}
			if allowed {
				continue
			}
		}
		// Positions are in the content as given; the line count advances
		// incrementally, linear over the whole scan.
		off, n := s.base+h.off*s.unit, h.n*s.unit
		for {
			i := bytes.IndexByte(s.orig[at:off], '\n')
			if i < 0 {
				break
			}
			line++
			at += i + 1
			lineStart = at
		}
		at = max(at, off)
		f := Finding{
			Rule: h.rule, File: path, Line: line, Column: off - lineStart + 1,
			Redacted: awskey.Redact(h.value), Fingerprint: Fingerprint(h.rule, h.value),
			Message: h.why, KeyType: h.keyType, AccountID: h.account,
			Offset: off, Length: n,
		}
		if h.pair >= 0 {
			p := s.pairOf(h)
			f.PairedWith = Fingerprint(p.rule, p.value)
		}
		out = append(out, f)
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

// pairOf returns the hit paired with h: secrets pair with key IDs and back.
func (s *scanner) pairOf(h *hit) *hit {
	if h.rule == RuleAccessKeyID {
		return &s.secs[h.pair]
	}
	return &s.ids[h.pair]
}

// lineHasAllow reports whether the line starting at start contains AllowMarker.
func lineHasAllow(c []byte, start int) bool {
	end := bytes.IndexByte(c[start:], '\n')
	if end < 0 {
		end = len(c) - start
	}
	return bytes.Contains(c[start:start+end], []byte(AllowMarker))
}

// position converts a byte offset to a 1-based line and byte column.
func position(content []byte, off int) (line, col int) {
	line = 1 + bytes.Count(content[:off], []byte{'\n'})
	col = off + 1 - (bytes.LastIndexByte(content[:off], '\n') + 1)
	return line, col
}

// mentionsAWS reports whether the content mentions AWS anywhere: aws, amazon
// or boto (boto3, botocore) in any case, or a key ID (computed once per scan,
// only when a weak label needs it).
func (s *scanner) mentionsAWS() bool {
	if s.aws < 0 {
		s.aws = 0
		if len(s.ids) > 0 || s.mentions("ws", "aws") || s.mentions("WS", "aws") ||
			s.mentions("zon", "amazon") || s.mentions("ZON", "amazon") || s.mentions("boto", "boto") {
			s.aws = 1
		}
	}
	return s.aws == 1
}

// mentions reports whether word (lower case) occurs in any case, found by
// searching for its tail (which starts at a rarer byte).
func (s *scanner) mentions(tail, word string) bool {
	head := len(word) - len(tail)
	for at := 0; ; {
		i := bytes.Index(s.c[at:], []byte(tail))
		if i < 0 {
			return false
		}
		i += at
		at = i + 1
		if i >= head && hasPrefixFold(s.c[i-head:], word) && !inLongRun(s.c, i) {
			return true
		}
	}
}

// inLongRun reports whether position i lies in a run of 30 or more base64
// characters: "aws" inside a random value is not a mention of AWS.
func inLongRun(c []byte, i int) bool {
	lo, hi := i, i
	for lo > 0 && i-lo < 30 && awskey.IsSecretByte(c[lo-1]) {
		lo--
	}
	for hi < len(c) && hi-lo < 30 && awskey.IsSecretByte(c[hi]) {
		hi++
	}
	return hi-lo >= 30
}

// urlEncode percent-encodes the base64 characters that query strings escape.
func urlEncode(s string) string {
	return strings.NewReplacer("+", "%2B", "/", "%2F", "=", "%3D").Replace(s)
}

// Byte classes.

func isAlnum(b byte) bool {
	return b >= 'A' && b <= 'Z' || b >= 'a' && b <= 'z' || b >= '0' && b <= '9'
}

func isHex(b byte) bool {
	return b >= '0' && b <= '9' || b >= 'a' && b <= 'f' || b >= 'A' && b <= 'F'
}

// escapeEndsAt reports whether the bytes just before i are an escape that
// ends in a letter or digit: a backslash escape (\n, \t, \r) or a percent
// escape (%2F). Values right after one start at a boundary even though the
// byte before them is alphanumeric.
func escapeEndsAt(c []byte, i int) bool {
	if i >= 2 && c[i-2] == '\\' && (c[i-1] == 'n' || c[i-1] == 't' || c[i-1] == 'r') {
		return true
	}
	return i >= 3 && c[i-3] == '%' && isHex(c[i-2]) && isHex(c[i-1])
}

// leftBoundary reports whether a value may start at i: nothing alphanumeric
// (outside an escape) right before it.
func leftBoundary(c []byte, i int) bool {
	return i == 0 || !isAlnum(c[i-1]) || escapeEndsAt(c, i)
}
