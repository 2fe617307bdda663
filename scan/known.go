package scan

import "bytes"

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
	for _, k := range s.d.known {
		for _, form := range [][]byte{k.raw, k.encoded} {
			if form == nil {
				continue
			}
			for from := 0; ; {
				i := bytes.Index(s.c[from:], form)
				if i < 0 {
					break
				}
				i += from
				from = i + len(form)
				if h := at[i]; h != nil && h.value == k.value {
					h.rule = RuleKnownSecret
					h.why = "your own AWS secret, from your credentials file (" + h.why + ")"
					continue
				}
				s.known = append(s.known, hit{rule: RuleKnownSecret, off: i, n: len(form), value: k.value,
					why: "your own AWS secret, from your credentials file", pair: -1})
			}
		}
	}
}
