package scan

import "testing"

// Planted exposes the corpus templating to the external tests of this
// directory (history_corpus_test.go): the content with fresh fake
// credentials, the spans where they were planted, and the known secrets.
func Planted(t testing.TB, tmpl string) (content []byte, spans [][2]int, known []string) {
	pc := plant(t, tmpl)
	for _, p := range pc.want {
		spans = append(spans, [2]int{p.off, p.off + p.n})
	}
	return pc.content, spans, pc.known
}
