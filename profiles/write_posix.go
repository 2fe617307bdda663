//go:build !windows

package profiles

import (
	"io/fs"
	"os"
)

// setPrivate gives a file the writer created mode 0600 explicitly, so that
// no umask (not even 000) and no inherited default can loosen it.
func setPrivate(f *os.File) error { return f.Chmod(FileMode) }

func chmodFile(path string) error { return os.Chmod(path, FileMode) }

func chmodDir(path string) error { return os.Chmod(path, DirMode) }

// looserThan reports whether mode grants anything want does not.
func looserThan(mode, want fs.FileMode) bool { return mode.Perm()&^want != 0 }

// syncDir makes a rename in dir durable: on POSIX systems the new directory
// entry is only on disk once the directory itself is synced.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

// renameFile replaces newpath with oldpath in one step (rename(2)).
func renameFile(oldpath, newpath string) error { return os.Rename(oldpath, newpath) }
