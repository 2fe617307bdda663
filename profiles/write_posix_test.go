//go:build !windows

package profiles

import (
	"context"
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// TestUpdateModesUmask000 writes under the loosest umask: the file must be
// 0600 and the .aws directory 0700 all the same, and a loose existing file
// or directory is tightened. (Not parallel: the umask is process-wide.)
func TestUpdateModesUmask000(t *testing.T) {
	old := syscall.Umask(0)
	defer syscall.Umask(old)
	home := t.TempDir()
	path := filepath.Join(home, ".aws", "credentials")
	if _, err := Update(context.Background(), path, putFunc("default", fakeCreds(), false)); err != nil {
		t.Fatal(err)
	}
	checkMode(t, path, 0o600)
	checkMode(t, filepath.Dir(path), 0o700)
	lock := filepath.Join(filepath.Dir(path), ".credentials.credguard.lock")
	checkMode(t, lock, 0o600)

	// Loosen both, then write again.
	os.Chmod(path, 0o666)
	os.Chmod(filepath.Dir(path), 0o777)
	res, err := Update(context.Background(), path, putFunc("second", fakeCreds(), false))
	if err != nil {
		t.Fatal(err)
	}
	if res.OldMode != 0o666 || res.DirFixed == "" {
		t.Errorf("got old mode %v, dir fixed %q; want 0666 and the .aws dir", res.OldMode, res.DirFixed)
	}
	checkMode(t, path, 0o600)
	checkMode(t, filepath.Dir(path), 0o700)

	os.Chmod(path, 0o644)
	if fixed, err := FixMode(path); err != nil || !fixed {
		t.Errorf("FixMode: fixed %v, err %v", fixed, err)
	}
	checkMode(t, path, 0o600)
}

func checkMode(t *testing.T, path string, want os.FileMode) {
	t.Helper()
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if got := st.Mode().Perm(); got != want {
		t.Errorf("%s: mode %v, want %v", path, got, want)
	}
}
