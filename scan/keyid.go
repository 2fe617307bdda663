package scan

import (
	"bytes"
	"sort"

	"github.com/credguard/credguard/internal/awskey"
)

// findKeyIDs finds access key IDs: a credential prefix and 16 base32
// characters on word boundaries, plausible as a real key (awskey.IDPlausible
// rejects examples, placeholders, IAM unique IDs and impossible accounts).
// Binary content is searched the same way.
func (s *scanner) findKeyIDs() {
	c := s.c
	for _, tail := range idNeedles {
		needle := []byte(tail)
		for at := 1; at < len(c); {
			j := bytes.Index(c[at:], needle)
			if j < 0 {
				break
			}
			i := at + j - 1 // the 'A' before the tail
			at = i + 2
			if c[i] != 'A' {
				continue
			}
			end := i + awskey.IDLen
			if end > len(c) || !leftBoundary(c, i) || end < len(c) && isAlnum(c[end]) {
				continue
			}
			id := string(c[i:end])
			if !awskey.IDPlausible(id) {
				continue
			}
			h := hit{rule: RuleAccessKeyID, off: i, n: awskey.IDLen, value: id, pair: -1,
				keyType: awskey.PrefixKind(id).String()}
			h.account, _ = awskey.AccountID(id)
			h.why = "AWS access key ID (" + h.keyType + ")"
			if h.account != "" {
				h.why = "AWS access key ID (" + h.keyType + ", account " + h.account + ")"
			}
			s.ids = append(s.ids, h)
			at = end
		}
	}
	sort.Slice(s.ids, func(i, j int) bool { return s.ids[i].off < s.ids[j].off })
}

// dropIDsInTokens forgets key IDs found inside a session token's text (a
// percent escape inside a URL-encoded token can make a boundary).
func (s *scanner) dropIDsInTokens() {
	if len(s.toks) == 0 {
		return
	}
	kept := s.ids[:0]
	for _, h := range s.ids {
		if !s.inToken(h.off) {
			kept = append(kept, h)
		}
	}
	s.ids = kept
}
