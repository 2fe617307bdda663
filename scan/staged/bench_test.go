package staged

import (
	"context"
	"testing"

	"github.com/credguard/credguard/internal/gittest"
	"github.com/credguard/credguard/scan"
)

// BenchmarkStaged100k scans one staged change in a 100,000-file repository:
// the pre-commit hook's case.
func BenchmarkStaged100k(b *testing.B) {
	r := gittest.Synthetic(b, 100_000)
	if got := r.Git("diff", "--cached", "--name-only"); got != "pkg042/mod7/file42742.go" {
		b.Fatalf("staged = %q", got)
	}
	d := scan.New(scan.Options{})
	o := Options{Getenv: func(string) string { return "" }}
	b.ResetTimer()
	for b.Loop() {
		res, err := o.Scan(context.Background(), r.Dir, d)
		if err != nil || len(res.Findings) != 0 {
			b.Fatal(err, res)
		}
	}
}
