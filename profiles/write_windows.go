//go:build windows

package profiles

import (
	"io/fs"
	"os"
	"time"
)

// On Windows access is governed by ACLs, not POSIX modes: a file created in
// the user's profile directory is private to the user by inheritance, and
// os.Chmod only toggles the read-only attribute. The mode functions are
// therefore no-ops here.

func setPrivate(*os.File) error { return nil }

func chmodFile(string) error { return nil }

func chmodDir(string) error { return nil }

func looserThan(fs.FileMode, fs.FileMode) bool { return false }

// syncDir is a no-op: Windows has no directory fsync, and MoveFileEx (which
// os.Rename uses) replaces the file in one step.
func syncDir(string) error { return nil }

// renameFile replaces newpath with oldpath (MoveFileEx with
// MOVEFILE_REPLACE_EXISTING). Another program reading the file at that
// moment (an SDK, an editor, a virus scanner) makes it fail with a sharing
// violation, so it retries for a short while before giving up.
func renameFile(oldpath, newpath string) error {
	var err error
	for range 20 {
		if err = os.Rename(oldpath, newpath); err == nil {
			return nil
		}
		time.Sleep(25 * time.Millisecond)
	}
	return err
}
