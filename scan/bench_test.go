package scan

import (
	"bytes"
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

// benchSource returns about n bytes of real source code: Go's own standard
// library, which every machine that runs these benchmarks has.
func benchSource(b *testing.B, n int) []byte {
	b.Helper()
	var buf bytes.Buffer
	for _, dir := range []string{"net/http", "encoding/json", "crypto/tls", "go/types", "runtime"} {
		files, _ := filepath.Glob(filepath.Join(runtime.GOROOT(), "src", dir, "*.go"))
		for _, f := range files {
			data, err := os.ReadFile(f)
			if err != nil {
				continue
			}
			buf.Write(data)
			if buf.Len() >= n {
				return buf.Bytes()
			}
		}
	}
	if buf.Len() < n/2 {
		b.Skipf("only %d bytes of Go source under GOROOT", buf.Len())
	}
	return buf.Bytes()
}

// withCorpus interleaves the corpus (with planted keys) into content.
func withCorpus(b *testing.B, content []byte) []byte {
	b.Helper()
	files, _ := filepath.Glob(filepath.Join("testdata", "corpus", "*", "*"))
	var buf bytes.Buffer
	step := len(content) / (len(files) + 1)
	for i, f := range files {
		tmpl, err := os.ReadFile(f)
		if err != nil {
			b.Fatal(err)
		}
		buf.Write(content[i*step : (i+1)*step])
		buf.Write(plant(b, string(tmpl)).content)
	}
	buf.Write(content[len(files)*step:])
	return buf.Bytes()
}

func benchScan(b *testing.B, content []byte, wantFindings bool) {
	d := New(Options{KnownSecrets: []string{"not-in-the-content-0123456789"}})
	if n := len(d.Scan("bench", content)); (n > 0) != wantFindings {
		b.Fatalf("found %d, want findings: %v", n, wantFindings)
	}
	b.SetBytes(int64(len(content)))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		d.Scan("bench", content)
	}
}

// BenchmarkScan measures MB/s on about 4 MB of content of several kinds.
func BenchmarkScan(b *testing.B) {
	src := benchSource(b, 4<<20)
	b.Run("source", func(b *testing.B) { benchScan(b, src, false) })
	b.Run("source+keys", func(b *testing.B) { benchScan(b, withCorpus(b, src), true) })
	b.Run("minified", func(b *testing.B) {
		benchScan(b, bytes.ReplaceAll(bytes.ReplaceAll(src, []byte("\n"), []byte(";")), []byte("\t"), nil), false)
	})
	b.Run("binary", func(b *testing.B) { benchScan(b, randBytes(4<<20), false) })
	b.Run("base64", func(b *testing.B) {
		benchScan(b, []byte(markerValue(b, "B64", "3000000")), false)
	})
}

// BenchmarkMayContain measures the history scanner's per-blob pre-check.
func BenchmarkMayContain(b *testing.B) {
	src := benchSource(b, 4<<20)
	d := New(Options{})
	b.SetBytes(int64(len(src)))
	for i := 0; i < b.N; i++ {
		d.MayContain(src)
	}
}

// BenchmarkScanAdversarial feeds inputs built to make a careless scanner
// quadratic: repeated headers and labels on one line, dense keys and secrets.
func BenchmarkScanAdversarial(b *testing.B) {
	id, sec := markerValue(b, "KEY_ID", ""), markerValue(b, "SECRET", "")
	cases := map[string]string{
		"csv-headers":  "Access key ID,Secret access key,",
		"labels":       "aws_secret_access_key=aws_session_token=",
		"dense-keys":   id + " " + sec + "\n",
		"one-line":     id + "," + sec + ",",
		"allow-marker": id + " credguard:allow ",
		"token-runs":   "X-Amz-Security-Token=IQoJb3JpZ2luX2VjYXdz",
		"encoded":      "QUtJQUtJQUtJQ",
	}
	for name, unit := range cases {
		content := bytes.Repeat([]byte(unit), (2<<20)/len(unit))
		b.Run(name, func(b *testing.B) {
			d := New(Options{})
			b.SetBytes(int64(len(content)))
			for i := 0; i < b.N; i++ {
				d.Scan("bench", content)
			}
		})
	}
}
