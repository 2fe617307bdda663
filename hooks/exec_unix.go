//go:build !windows

package hooks

import "os"

// isExecutable reports whether git would run the file: git skips hooks
// without an execute bit (with a warning).
func isExecutable(path string) bool {
	st, err := os.Stat(path)
	return err == nil && st.Mode()&0o111 != 0
}
