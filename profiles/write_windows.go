//go:build windows

package profiles

import (
	"io/fs"
	"os"
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
