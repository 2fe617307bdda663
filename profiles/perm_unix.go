//go:build !windows

package profiles

import (
	"io/fs"
	"os"
)

// loosePerm reports whether the file at path is readable or writable by
// group or others, and its permission bits.
func loosePerm(path string) (fs.FileMode, bool) {
	st, err := os.Stat(path)
	if err != nil {
		return 0, false
	}
	return st.Mode().Perm(), st.Mode().Perm()&0o077 != 0
}
