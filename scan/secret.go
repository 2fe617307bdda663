package scan

import (
	"bytes"
	"sort"
	"strings"

	"github.com/credguard/credguard/internal/awskey"
)

// Secret access keys have no checksum and no prefix: 40 characters of base64
// are everywhere (hashes, signatures, images). So a candidate is reported only
// in a context that says what it is: a label, a neighbouring key ID, or the
// console CSV's column (see Detector).

// neighbourLines is how far from a key ID an unlabelled secret may be:
// enough for a call's arguments or an object's fields spread over lines.
const neighbourLines = 3

// pairLines is how far apart a key ID and its secret may be to be paired.
const pairLines = 5

// findSecrets collects secret candidates from labels and the console CSV
// (driven by hits of secretNeedles) and from the neighbourhood of key IDs.
func (s *scanner) findSecrets() {
	seen := map[int]bool{}
	add := func(off, n int, v, why string) {
		if !seen[off] && !s.inToken(off) {
			seen[off] = true
			s.secs = append(s.secs, hit{rule: RuleSecretAccessKey, off: off, n: n, value: v, why: why, pair: -1})
		}
	}
	c := s.c
	for _, n := range secretNeedles {
		needle := []byte(n)
		lastLabel, lastCSV := -1, 0
		for at := 0; ; {
			i := bytes.Index(c[at:], needle)
			if i < 0 {
				break
			}
			i += at
			at = i + len(needle)
			if i >= 2 && (c[i-2] == 'S' || c[i-2] == 's') && (c[i-1] == 'e' || c[i-1] == 'E') && hasPrefixFold(c[i+4:], " access key") {
				if i >= lastCSV { // each header line once
					lastCSV = s.consoleCSV(i-2, add)
				}
			}
			ls, le := labelAround(c, i)
			if ls == lastLabel {
				continue
			}
			lastLabel = ls
			label := c[ls:le]
			st := secretLabel(label)
			if st == notLabel || st == weakLabel && !s.mentionsAWS() {
				continue
			}
			p, ok := valueAfter(c, le)
			if !ok {
				continue
			}
			why := "AWS secret access key (labelled " + labelText(label) + ")"
			if c[p-1] == '\\' && c[p] == '/' {
				p-- // a value starting with an escaped slash: the backslash is its own
			}
			if n, v := secretAt(c, p); n > 0 {
				add(p, n, v, why)
			} else if n, v := b64SecretAt(c, p); n > 0 && s.depth == 0 {
				add(p, n, v, "AWS secret access key (labelled "+labelText(label)+", base64-encoded)")
			}
		}
	}
	s.neighbours(add)
	sort.Slice(s.secs, func(i, j int) bool { return s.secs[i].off < s.secs[j].off })
}

// A secret's text may hold escapes of its '/' and '+': JSON's `\/` (PHP's
// json_encode writes them) and URL encoding's %2F and %2B (in query strings
// and s3://id:secret@bucket URLs). Runs are read with them, and the value is
// the decoded text.

// runUnit returns how many bytes of text at i make one character of a base64
// run: 1 for a base64 character, 2 for `\/`, 3 for %2F or %2B; 0 if none.
func runUnit(c []byte, i int) int {
	switch {
	case awskey.IsSecretByte(c[i]):
		return 1
	case c[i] == '\\' && i+1 < len(c) && c[i+1] == '/':
		return 2
	case isEscape(c, i) && c[i+1] == '2':
		return 3
	}
	return 0
}

// secretRun reads the base64 run starting at p (escapes decoded) up to 41
// characters: it returns the end of the text read and the decoded value.
func secretRun(c []byte, p int) (end int, value []byte) {
	i := p
	for i < len(c) && len(value) <= awskey.SecretLen {
		n := runUnit(c, i)
		switch n {
		case 0:
			return i, value
		case 1:
			value = append(value, c[i])
		case 2:
			value = append(value, '/')
		case 3:
			if c[i+2]|0x20 == 'f' {
				value = append(value, '/')
			} else {
				value = append(value, '+')
			}
		}
		i += n
	}
	return i, value
}

// secretAt reads a plausible secret access key at p that ends on a boundary:
// exactly 40 base64 characters (escapes decoded), not followed by more
// base64 or by '=' padding (then it is a piece of a longer base64 value). It
// returns the length of its text and the secret, or 0. The caller has
// checked what comes before p.
func secretAt(c []byte, p int) (n int, value string) {
	end, v := secretRun(c, p)
	if len(v) != awskey.SecretLen {
		return 0, ""
	}
	if end < len(c) && (c[end] == '=' || isEscape(c, end) && c[end+1] == '3') {
		return 0, ""
	}
	if !plausibleSecret(string(v)) {
		return 0, ""
	}
	return end - p, string(v)
}

// runStartsAt reports whether no run character (or escape tail) ends right
// before p: a run read from p is then the whole run.
func runStartsAt(c []byte, p int) bool {
	if p == 0 {
		return true
	}
	if awskey.IsSecretByte(c[p-1]) {
		return false
	}
	return !(p >= 3 && isEscape(c, p-3) && c[p-2] == '2')
}

// plausibleSecret reports whether a 40-character base64 value could be a real
// secret: random-looking (not hex, not a path, mixed classes), and not an
// example, a placeholder or made of words.
func plausibleSecret(v string) bool {
	return awskey.LooksRandom(v) && !awskey.IsExample(v) && !awskey.IsPlaceholder(v) && !awskey.HasWords(v)
}

// neighbours finds unlabelled secrets within neighbourLines lines of a key ID
// (boto3.client('s3', 'AKIA...', '...'), new BasicAWSCredentials(id, secret),
// a CSV row without header, a JSON object). The window is also capped in
// bytes so that a key ID in minified code costs little.
func (s *scanner) neighbours(add func(off, n int, v, why string)) {
	c := s.c
	const capBytes = 1024
	scanned := 0 // windows overlap for close key IDs: never scan a byte twice
	for _, id := range s.ids {
		lo := id.off
		for n := 0; lo > 0 && id.off-lo < capBytes; lo-- {
			if c[lo-1] == '\n' {
				if n++; n > neighbourLines {
					break
				}
			}
		}
		hi := id.off + id.n
		for n := 0; hi < len(c) && hi-id.off < capBytes; hi++ {
			if c[hi] == '\n' {
				if n++; n > neighbourLines {
					break
				}
			}
		}
		if lo < scanned {
			lo = scanned
		}
		i := lo
		for i < hi {
			if runUnit(c, i) == 0 {
				i++
				continue
			}
			start := i
			j, v := secretRun(c, i)
			for len(v) > awskey.SecretLen && j < len(c) && runUnit(c, j) > 0 {
				j += runUnit(c, j) // the rest of a long run: skip it whole
			}
			// A run may begin with the tail of an escape: "\n" before a value.
			if start > 0 && c[start-1] == '\\' && (c[start] == 'n' || c[start] == 't' || c[start] == 'r') {
				start++
			}
			if runStartsAt(c, i) {
				if n, sv := secretAt(c, start); n > 0 && !namesOtherThing(labelBefore(c, start)) {
					add(start, n, sv, "AWS secret access key (next to an access key ID)")
				}
			}
			i = j
		}
		scanned = max(scanned, i) // i is past the last run read, which may end beyond hi
	}
}

// consoleCSV reads the console's CSV download whose header line contains the
// "Secret access key" heading at h: `Access key ID,Secret access key` or
// `User name,Password,Access key ID,Secret access key,Console login link`,
// possibly with a byte-order mark and CRLF line ends. Every following row's
// value in that column is a secret.
func (s *scanner) consoleCSV(h int, add func(off, n int, v, why string)) (headerEnd int) {
	c := s.c
	ls := h
	for ls > 0 && c[ls-1] != '\n' && h-ls < 4096 {
		ls-- // a header line is short: a longer one is not the console's
	}
	le := lineEnd(c, h)
	if le-ls > 4096 {
		return le
	}
	col := -1
	for k, f := range csvFields(c, ls, le) {
		name := strings.ToLower(strings.TrimSpace(strings.TrimPrefix(string(c[f[0]:f[1]]), "\ufeff")))
		if name == "secret access key" {
			col = k
		}
	}
	if col < 0 {
		return le
	}
	for at, rows := le+1, 0; at < len(c) && rows < maxCSVRows; rows++ {
		e := lineEnd(c, at)
		if e-at > 4096 || hasFold(c[at:e], "secret access key") {
			break // not a row of the console's file, or the next header: read from there
		}
		fs := csvFields(c, at, e)
		if len(fs) <= col {
			break
		}
		f := fs[col]
		for f[0] < f[1] && c[f[0]] == ' ' {
			f[0]++
		}
		for f[1] > f[0] && c[f[1]-1] == ' ' {
			f[1]--
		}
		if n, v := secretAt(c, f[0]); n > 0 && n == f[1]-f[0] {
			add(f[0], n, v, `AWS secret access key (console CSV column "Secret access key")`)
		}
		at = e + 1
	}
	return le
}

// maxCSVRows bounds the rows read after a console CSV header: the console
// writes one or two, and the bound keeps repeated headers from costing
// quadratic time.
const maxCSVRows = 1000

// lineEnd returns the index of the '\n' ending the line at i (or len(c)),
// not counting a '\r' before it.
func lineEnd(c []byte, i int) int {
	e := bytes.IndexByte(c[i:], '\n')
	if e < 0 {
		return len(c)
	}
	return i + e
}

// csvFields splits the line c[ls:le] at commas, honouring double quotes, and
// returns the fields' contents without quotes or a trailing '\r'.
func csvFields(c []byte, ls, le int) [][2]int {
	if le > ls && c[le-1] == '\r' {
		le--
	}
	var out [][2]int
	for i := ls; i <= le; {
		if i < le && c[i] == '"' {
			j := i + 1
			for j < le && !(c[j] == '"' && (j+1 >= le || c[j+1] != '"')) {
				if c[j] == '"' {
					j++ // doubled quote
				}
				j++
			}
			out = append(out, [2]int{i + 1, j})
			i = j + 1
			for i < le && c[i] != ',' {
				i++
			}
			i++
			continue
		}
		j := i
		for j < le && c[j] != ',' {
			j++
		}
		out = append(out, [2]int{i, j})
		i = j + 1
	}
	return out
}

// hasFold reports whether b contains the lower-case ASCII word w, ignoring case.
func hasFold(b []byte, w string) bool {
	for i := 0; i+len(w) <= len(b); i++ {
		if hasPrefixFold(b[i:], w) {
			return true
		}
	}
	return false
}

// hasPrefixFold reports whether b starts with the lower-case ASCII prefix p,
// ignoring case.
func hasPrefixFold(b []byte, p string) bool {
	if len(b) < len(p) {
		return false
	}
	for i := 0; i < len(p); i++ {
		ch := b[i]
		if ch >= 'A' && ch <= 'Z' {
			ch += 'a' - 'A'
		}
		if ch != p[i] {
			return false
		}
	}
	return true
}

// pairSecrets pairs each secret with the nearest unpaired key ID within
// pairLines lines (same line first, then the closest, preferring one before
// it): the secret then carries the key's type and account.
func (s *scanner) pairSecrets() {
	if len(s.ids) == 0 || len(s.secs) == 0 {
		return
	}
	lines := s.lineNumbers()
	for pass := 0; pass < 2; pass++ {
		s.pairPass(pass == 0, lines)
	}
}

// pairPass pairs secrets with key IDs; on the first pass only on the same line.
// lines holds the line number of every key ID and secret, by offset.
func (s *scanner) pairPass(sameLine bool, lines map[int]int) {
	const maxBytes, maxTries = 4096, 64
	for si := range s.secs {
		sec := &s.secs[si]
		if sec.pair >= 0 {
			continue
		}
		best, bestLines, bestDist := -1, 0, 0
		k := sort.Search(len(s.ids), func(i int) bool { return s.ids[i].off > sec.off })
		consider := func(ki int) bool {
			id := &s.ids[ki]
			d := lines[sec.off] - lines[id.off]
			if d < 0 {
				d = -d
			}
			dist := sec.off - id.off
			if dist < 0 {
				dist = -dist + maxBytes // prefer the key ID before its secret
			}
			if dist > 2*maxBytes || d > pairLines || sameLine && d > 0 {
				return false
			}
			if id.pair < 0 && (best < 0 || d < bestLines || d == bestLines && dist < bestDist) {
				best, bestLines, bestDist = ki, d, dist
			}
			return true
		}
		for ki, n := k-1, 0; ki >= 0 && n < maxTries && consider(ki); ki, n = ki-1, n+1 {
		}
		for ki, n := k, 0; ki < len(s.ids) && n < maxTries && consider(ki); ki, n = ki+1, n+1 {
		}
		if best >= 0 {
			id := &s.ids[best]
			id.pair, sec.pair = si, best
			sec.keyType, sec.account = id.keyType, id.account
		}
	}
}

// lineNumbers returns the line number of every key ID and secret, by offset,
// counted in one pass.
func (s *scanner) lineNumbers() map[int]int {
	offs := make([]int, 0, len(s.ids)+len(s.secs))
	for _, h := range s.ids {
		offs = append(offs, h.off)
	}
	for _, h := range s.secs {
		offs = append(offs, h.off)
	}
	sort.Ints(offs)
	lines := make(map[int]int, len(offs))
	line, at := 0, 0
	for _, off := range offs {
		line += bytes.Count(s.c[at:off], []byte{'\n'})
		at = off
		lines[off] = line
	}
	return lines
}

// inToken reports whether off lies inside a session token found earlier.
func (s *scanner) inToken(off int) bool {
	k := sort.Search(len(s.toks), func(i int) bool { return s.toks[i].off > off })
	return k > 0 && off < s.toks[k-1].off+s.toks[k-1].n
}
