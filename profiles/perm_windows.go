//go:build windows

package profiles

import "io/fs"

// loosePerm never reports on Windows: access is governed by ACLs, which the
// POSIX mode bits Go reports do not reflect.
func loosePerm(path string) (fs.FileMode, bool) { return 0, false }
