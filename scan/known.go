package scan

import "strings"

// findKnown finds the user's own secrets (Options.KnownSecrets), raw or
// URL-encoded, anywhere. Where another rule already found the same value at
// the same place, that finding becomes aws-known-secret instead of a second
// finding (see Detector), keeping its pairing.
func (s *scanner) findKnown() {
	if len(s.d.known) == 0 {
		return
	}
	at := map[int]*hit{}
	for _, hs := range [][]hit{s.secs, s.toks} {
		for i := range hs {
			at[hs[i].off] = &hs[i]
		}
	}
	for ki := range s.d.known {
		k := &s.d.known[ki]
		for _, encoded := range []bool{false, true} {
			for from := 0; ; {
				i := k.find(s.c, from, encoded)
				if i < 0 {
					break
				}
				n := len(k.raw)
				if encoded {
					n = len(k.encoded)
				}
				from = i + n
				if h := at[i]; h != nil && h.value == k.value {
					h.rule = RuleKnownSecret
					h.why = strings.Replace(h.why, " (", " from your own credentials file (", 1)
					continue
				}
				s.known = append(s.known, hit{rule: RuleKnownSecret, off: i, n: n, value: k.value,
					why: "AWS secret from your own credentials file", pair: -1})
			}
		}
	}
}
