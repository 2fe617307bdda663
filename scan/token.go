package scan

import (
	"bytes"
	"encoding/base64"
	"sort"
	"strings"

	"github.com/credguard/credguard/internal/awskey"
)

// STS session tokens are long base64 strings. Their first bytes are fixed,
// so their base64 starts the same way (shared/aws-keys.md).
const (
	stsPrefixNew = "IQoJb3JpZ2luX2Vj" // current STS tokens ("!\n\torigin_ec...")
	stsPrefixOld = "FwoGZXIvYXdz"     // older STS tokens (contain "aws")
	stsAWS       = "YXdz"             // base64 of "aws", near the start of older tokens (AQoDYXdz...)
)

const (
	// minLabelledToken is the shortest labelled value taken for a session
	// token; real ones are several hundred characters.
	minLabelledToken = 80
	// minShapedToken is the shortest unlabelled value taken for one.
	minShapedToken = 100
	// maxAWSRun bounds unlabelled runs that merely contain YXdz: a longer
	// run is a file or an image, not a token.
	maxAWSRun = 4096
	// maxToken bounds every token: real ones are a few kilobytes at most,
	// and the bound keeps a scan's memory small whatever the input.
	maxToken = 16384
)

// findTokens finds session tokens: labelled ones (driven by hits of
// tokenNeedles) and unlabelled ones of STS shape.
func (s *scanner) findTokens() {
	c := s.c
	seen := map[int]bool{}
	add := func(start, end int, why string) {
		if seen[start] {
			return
		}
		seen[start] = true
		s.toks = append(s.toks, hit{rule: RuleSessionToken, off: start, n: end - start,
			value: decodeToken(c[start:end]), why: why, pair: -1})
	}
	for _, n := range tokenNeedles {
		needle := []byte(n)
		lastLabel := -1
		for at := 0; ; {
			i := bytes.Index(c[at:], needle)
			if i < 0 {
				break
			}
			i += at
			at = i + len(needle)
			ls, le := labelAround(c, i)
			if ls == lastLabel {
				continue
			}
			lastLabel = ls
			label := c[ls:le]
			st := tokenLabel(normLabel(label))
			if st == notLabel || st == weakLabel && !s.mentionsAWS() {
				continue
			}
			p, ok := valueAfter(c, le)
			if !ok {
				continue
			}
			end, escaped := tokenEnd(c, p)
			if tokenValueOK(c[p:end], minLabelledToken) {
				add(p, end, "AWS session token (labelled "+labelText(label)+encodedNote(escaped)+")")
				at = max(at, end)
			}
		}
	}
	for _, prefix := range []string{stsPrefixNew, stsPrefixOld} {
		needle := []byte(prefix)
		for at := 0; ; {
			i := bytes.Index(c[at:], needle)
			if i < 0 {
				break
			}
			i += at
			at = i + len(needle)
			if i > 0 && awskey.IsSecretByte(c[i-1]) && !escapeEndsAt(c, i) {
				continue // inside a longer run: not where a token starts
			}
			end, escaped := tokenEnd(c, i)
			at = end
			if tokenValueOK(c[i:end], minShapedToken) {
				add(i, end, "AWS session token (STS token shape"+encodedNote(escaped)+")")
			}
		}
	}
	needle := []byte(stsAWS)
	for at := 0; ; {
		i := bytes.Index(c[at:], needle)
		if i < 0 {
			break
		}
		i += at
		start := tokenStart(c, i)
		end, escaped := tokenEnd(c, i)
		at = end // one look per run, however many YXdz it holds
		if seen[start] || end-start > maxAWSRun || !awsNearStart(c, start, i) ||
			!tokenValueOK(c[start:end], minShapedToken) || !awsShaped(c, start, end) {
			continue
		}
		add(start, end, "AWS session token (base64 containing \"aws\", STS token shape"+encodedNote(escaped)+")")
	}
	sort.Slice(s.toks, func(i, j int) bool { return s.toks[i].off < s.toks[j].off })
}

func encodedNote(escaped bool) string {
	if escaped {
		return ", URL-encoded"
	}
	return ""
}

// isEscape reports a percent escape of a base64 character: %2B (+), %2F (/)
// or %3D (=), in either case.
func isEscape(c []byte, i int) bool {
	if i+2 >= len(c) || c[i] != '%' {
		return false
	}
	a, b := c[i+1], c[i+2]|0x20
	return a == '2' && (b == 'b' || b == 'f') || a == '3' && b == 'd'
}

// tokenEnd returns the end of the base64 run starting at p: base64
// characters and %2B/%2F escapes, then up to two '=' (or %3D) of padding.
// escaped reports whether the run holds percent escapes.
func tokenEnd(c []byte, p int) (end int, escaped bool) {
	i := p
	for i < len(c) {
		if awskey.IsSecretByte(c[i]) {
			i++
			continue
		}
		if isEscape(c, i) && c[i+1] == '2' {
			i += 3
			escaped = true
			continue
		}
		break
	}
	for pad := 0; pad < 2 && i < len(c); pad++ {
		if c[i] == '=' {
			i++
		} else if isEscape(c, i) && c[i+1] == '3' {
			i += 3
			escaped = true
		} else {
			break
		}
	}
	return i, escaped
}

// tokenStart returns the start of the base64 run containing i, leaving out
// the tail of an escape right before it (\n, %3D).
func tokenStart(c []byte, i int) int {
	for i > 0 {
		if i >= 3 && isEscape(c, i-3) && c[i-2] == '2' {
			i -= 3
			continue
		}
		if !awskey.IsSecretByte(c[i-1]) {
			break
		}
		i--
	}
	if i > 0 && i+1 < len(c) {
		if c[i-1] == '\\' && (c[i] == 'n' || c[i] == 't' || c[i] == 'r') {
			i++
		} else if c[i-1] == '%' && isHex(c[i]) && isHex(c[i+1]) {
			i += 2
		}
	}
	return i
}

// decodeToken undoes the percent escapes of a token's text: the value (and
// so the fingerprint) is the same wherever the token is found.
func decodeToken(b []byte) string {
	if bytes.IndexByte(b, '%') < 0 {
		return string(b)
	}
	return strings.NewReplacer("%2B", "+", "%2b", "+", "%2F", "/", "%2f", "/", "%3D", "=", "%3d", "=").Replace(string(b))
}

// tokenValueOK reports whether the text of a base64 run could be a real
// session token: long enough, not a documentation example (AWS's contain
// EXAMPLE), mixing upper case, lower case and digits, and without the long
// runs of one character that placeholders have (runs of '/' and 'A' occur in
// real tokens: they encode -1 and zero bytes).
func tokenValueOK(text []byte, min int) bool {
	if len(text) > maxToken {
		return false
	}
	v := decodeToken(text)
	if len(v) < min || awskey.IsExample(v) {
		return false
	}
	var upper, lower, digit bool
	run := 1
	for i := 0; i < len(v); i++ {
		ch := v[i]
		upper = upper || ch >= 'A' && ch <= 'Z'
		lower = lower || ch >= 'a' && ch <= 'z'
		digit = digit || ch >= '0' && ch <= '9'
		if i > 0 && ch == v[i-1] && ch != '/' && ch != 'A' {
			if run++; run >= 8 {
				return false
			}
		} else {
			run = 1
		}
	}
	return upper && lower && digit
}

// awsNearStart reports whether the YXdz at i is where a token has it: within
// the first 64 characters of its run, on a 4-character boundary (so that it
// encodes "aws" itself, as in AQoDYXdz... and FwoGZXIvYXdz...). A random
// blob has one there with odds of about 1 in a million.
func awsNearStart(c []byte, start, i int) bool {
	text := decodeToken(c[start:i]) // escapes before it count as one character
	return len(text) < 64 && len(text)%4 == 0
}

// notTokenStarts are the base64 of file signatures (PNG, JPEG, GIF, WebP,
// ICO, SVG, XML, PDF, ZIP, gzip): embedded files, not tokens.
var notTokenStarts = []string{
	"iVBORw0KGgo", "/9j/", "R0lGOD", "UklGR", "AAABAA", "PHN2Zy", "PD94bWw", "JVBERi", "UEsDB", "H4sI",
}

// awsShaped decides whether an unlabelled base64 run that merely contains
// YXdz is a session token: not a data: URI or an embedded file, and decoding
// to binary (a token is mostly random bytes; base64 of text that happens to
// say "aws" decodes to text).
func awsShaped(c []byte, start, end int) bool {
	if start >= 7 && string(c[start-7:start]) == "base64," {
		return false
	}
	v := decodeToken(c[start:end])
	for _, p := range notTokenStarts {
		if strings.HasPrefix(v, p) {
			return false
		}
	}
	v = strings.TrimRight(v, "=")
	v = v[:len(v)/4*4]
	raw, err := base64.StdEncoding.DecodeString(v)
	if err != nil || len(raw) == 0 {
		return false
	}
	text := 0
	for _, b := range raw {
		if b >= 0x20 && b < 0x7f || b == '\n' || b == '\r' || b == '\t' {
			text++
		}
	}
	return text*10 < len(raw)*7
}
