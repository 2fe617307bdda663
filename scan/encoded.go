package scan

import (
	"bytes"
	"encoding/base64"
	"sort"
	"strings"

	"github.com/credguard/credguard/internal/awskey"
)

// Credentials are sometimes stored base64-encoded: Kubernetes Secrets' data,
// CI variables, a credentials file pasted through `base64`. Two cases are
// read:
//
//   - base64 text that holds an access key ID (found by the base64 forms of
//     AKIA and ASIA, at each of the three byte alignments) is decoded, and the
//     decoded text is scanned like any content; what is found there is
//     reported at the base64 text that encodes it, with the decoded value's
//     fingerprint;
//   - a labelled value that is the base64 of a secret access key
//     (AWS_SECRET_ACCESS_KEY: <56 characters>) is a secret.

// maxEncodedRun bounds the base64 runs that are decoded.
const maxEncodedRun = 1 << 16

// encodedNeedles are the characters of base64 text that depend only on the
// bytes of AKIA or ASIA, for each alignment of those bytes.
var encodedNeedles = func() []string {
	var out []string
	for _, p := range []string{"AKIA", "ASIA"} {
		for pad := 0; pad < 3; pad++ {
			raw := append(bytes.Repeat([]byte{0}, pad), p...)
			enc := base64.StdEncoding.EncodeToString(append(raw, 0, 0, 0))
			// Characters whose 6 bits lie within the prefix's bytes.
			first := (pad*8 + 5) / 6
			last := (pad*8+32)/6 - 1
			out = append(out, enc[first:last+1])
		}
	}
	return out
}()

// findEncoded finds credentials inside base64 text (see above). It runs
// before the secret rules so that decoded key IDs take part in pairing.
func (s *scanner) findEncoded() {
	if s.depth > 0 {
		return
	}
	c := s.c
	decoded := map[int]bool{} // run starts: a run may hold several needles
	for _, n := range encodedNeedles {
		needle := []byte(n)
		for at := 0; ; {
			i := bytes.Index(c[at:], needle)
			if i < 0 {
				break
			}
			i += at
			at = i + len(needle)
			start, end := b64Run(c, i)
			at = max(at, end)
			if decoded[start] || end-start < 28 || end-start > maxEncodedRun || urlSafePiece(c, start, end) {
				continue
			}
			decoded[start] = true
			s.scanDecoded(start, end)
		}
	}
	sort.Slice(s.ids, func(i, j int) bool { return s.ids[i].off < s.ids[j].off })
	sort.Slice(s.toks, func(i, j int) bool { return s.toks[i].off < s.toks[j].off })
	sort.Slice(s.secs, func(i, j int) bool { return s.secs[i].off < s.secs[j].off })
}

// b64Run returns the base64 run containing i, with its padding.
func b64Run(c []byte, i int) (start, end int) {
	start, end = i, i
	for start > 0 && awskey.IsSecretByte(c[start-1]) {
		start--
	}
	for end < len(c) && awskey.IsSecretByte(c[end]) {
		end++
	}
	for pad := 0; pad < 2 && end < len(c) && c[end] == '='; pad++ {
		end++
	}
	return start, end
}

// eksTokenPrefix starts an `aws eks get-token` bearer token: base64url of a
// presigned STS GetCallerIdentity URL, valid for 15 minutes. The temporary
// key ID inside it is not reported: the token is useless by the time it is
// committed, and a kubeconfig that caches one is not a leak worth blocking.
const eksTokenPrefix = "k8s-aws-v1."

// urlSafePiece reports whether the run is an EKS token or only a piece of
// base64url text (JWTs), cut at a '-' or '_': a piece decodes to garbage or,
// at best, to part of the text, so none is decoded.
func urlSafePiece(c []byte, start, end int) bool {
	if start >= len(eksTokenPrefix) && string(c[start-len(eksTokenPrefix):start]) == eksTokenPrefix {
		return true
	}
	return start > 0 && (c[start-1] == '-' || c[start-1] == '_') ||
		end < len(c) && (c[end] == '-' || c[end] == '_')
}

// decodeB64 decodes base64 text, tolerating missing padding; ok is false when
// it is not base64 or does not decode to text.
func decodeB64(text []byte) (out []byte, ok bool) {
	t := bytes.TrimRight(text, "=")
	out = make([]byte, base64.RawStdEncoding.DecodedLen(len(t)))
	n, err := base64.RawStdEncoding.Decode(out, t)
	if err != nil {
		return nil, false
	}
	out = out[:n]
	printable := 0
	for _, b := range out {
		if b >= 0x20 && b < 0x7f || b == '\n' || b == '\r' || b == '\t' {
			printable++
		}
	}
	return out, len(out) > 0 && printable*10 >= len(out)*9
}

// scanDecoded scans the text that c[start:end] encodes and adds what it holds
// to this scan, located at the base64 characters that encode each value.
func (s *scanner) scanDecoded(start, end int) {
	dec, ok := decodeB64(s.c[start:end])
	if !ok {
		return
	}
	inner := &scanner{d: s.d, c: dec, orig: dec, unit: 1, aws: -1, depth: s.depth + 1}
	inner.findKeyIDs()
	if len(inner.ids) == 0 {
		return
	}
	inner.findTokens()
	inner.dropIDsInTokens()
	inner.findSecrets()
	// Map each decoded byte range to the base64 characters covering it.
	span := func(h *hit) {
		from := start + h.off/3*4
		to := min(end, start+(h.off+h.n+2)/3*4)
		h.off, h.n = from, to-from
		h.why = strings.TrimSuffix(h.why, ")") + ", base64-encoded)"
		h.pair = -1
	}
	for _, hs := range []*[]hit{&inner.ids, &inner.secs, &inner.toks} {
		for i := range *hs {
			span(&(*hs)[i])
		}
	}
	s.ids = append(s.ids, inner.ids...)
	s.secs = append(s.secs, inner.secs...)
	s.toks = append(s.toks, inner.toks...)
}

// b64SecretAt reads, at p, the base64 of a secret access key (with or without
// a trailing newline, as `echo ... | base64` writes it): it returns the length
// of the base64 text and the secret, or 0.
func b64SecretAt(c []byte, p int) (n int, value string) {
	start, end := b64Run(c, p)
	if start != p || end-start != 56 {
		return 0, ""
	}
	dec, ok := decodeB64(c[start:end])
	if !ok {
		return 0, ""
	}
	dec = bytes.TrimSuffix(dec, []byte("\n"))
	if len(dec) != awskey.SecretLen || awskey.SecretProblem(string(dec)) != "" || !plausibleSecret(string(dec)) {
		return 0, ""
	}
	return end - start, string(dec)
}
