package profiles

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
)

// benchFile is a credentials file of n profiles.
func benchFile(n int) []byte {
	var b strings.Builder
	for i := range n {
		c := fakeCreds()
		fmt.Fprintf(&b, "# profile %d\n[p%d]\naws_access_key_id = %s\naws_secret_access_key = %s\nregion = us-east-1\n\n", i, i, c.AccessKeyID, c.SecretAccessKey)
	}
	return []byte(b.String())
}

// BenchmarkPutCredentials: parse a 50-profile file and replace one
// profile's keys in memory (no I/O).
func BenchmarkPutCredentials(b *testing.B) {
	data := benchFile(50)
	c := fakeCreds()
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		e, err := PutCredentials(Parse("credentials", data), "p25", c, true)
		if err != nil {
			b.Fatal(err)
		}
		_ = e.Bytes()
	}
}

// BenchmarkUpdate: one full safe write (lock, read, edit, temp file, two
// fsyncs, rename) of a 50-profile file; the disk's fsync dominates.
func BenchmarkUpdate(b *testing.B) {
	path := filepath.Join(b.TempDir(), "credentials")
	data := benchFile(50)
	if _, err := Update(context.Background(), path, func(*File) ([]byte, error) { return data, nil }); err != nil {
		b.Fatal(err)
	}
	creds := []Credentials{fakeCreds(), fakeCreds()}
	i := 0
	for b.Loop() {
		i++
		if _, err := Update(context.Background(), path, putFunc("p25", creds[i%2], true)); err != nil {
			b.Fatal(err)
		}
	}
}
