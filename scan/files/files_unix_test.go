//go:build unix

package files

import (
	"context"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"testing"

	"github.com/credguard/credguard/scan"
)

func TestUnreadable(t *testing.T) {
	dir := t.TempDir()
	write(t, filepath.Join(dir, "ok.txt"), "fine\n")
	// A FIFO cannot be scanned (reading it would block), whoever runs the
	// test: this case works as root too.
	if err := syscall.Mkfifo(filepath.Join(dir, "pipe"), 0o644); err != nil {
		t.Fatal(err)
	}
	write(t, filepath.Join(dir, "big.txt"), strings.Repeat("x", 200))
	want := []string{"big.txt", "pipe"}
	// Permission bits do not stop root, so that case runs only for others.
	if os.Geteuid() != 0 {
		write(t, filepath.Join(dir, "locked.txt"), "x\n")
		os.Chmod(filepath.Join(dir, "locked.txt"), 0)
		os.Mkdir(filepath.Join(dir, "lockeddir"), 0)
		t.Cleanup(func() { os.Chmod(filepath.Join(dir, "lockeddir"), 0o755) })
		want = append(want, "locked.txt", "lockeddir")
	}
	res, err := Scan(context.Background(), []string{dir}, scan.New(scan.Options{}), Options{MaxFileSize: 100})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, s := range res.Skipped {
		got = append(got, strings.TrimPrefix(s.Path, filepath.ToSlash(dir)+"/"))
	}
	sort.Strings(got)
	sort.Strings(want)
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("skipped %v (%+v), want %v", got, res.Skipped, want)
	}
}
