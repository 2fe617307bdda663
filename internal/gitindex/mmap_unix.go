//go:build unix

package gitindex

import (
	"os"
	"syscall"
)

// mapFile maps the file at path read-only. Git replaces an index by
// renaming a new file over it, so the mapped one does not change under us.
func mapFile(path string) (data []byte, release func(), err error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, nil, err
	}
	size := st.Size()
	if size == 0 || size != int64(int(size)) {
		b, err := os.ReadFile(path)
		return b, func() {}, err
	}
	data, err = syscall.Mmap(int(f.Fd()), 0, int(size), syscall.PROT_READ, syscall.MAP_SHARED)
	if err != nil {
		// Some file systems cannot map files: read it instead.
		b, err := os.ReadFile(path)
		return b, func() {}, err
	}
	return data, func() { syscall.Munmap(data) }, nil
}
