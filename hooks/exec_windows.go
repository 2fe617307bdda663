package hooks

import "os"

// isExecutable is true for any file on Windows: Git for Windows runs hooks
// without looking at modes.
func isExecutable(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}
