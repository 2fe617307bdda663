// Package files scans files and folders on disk, with no git involved: the
// source behind 'credguard scan PATH...'.
//
// Folders are walked without following symbolic links (a link is neither
// scanned nor reported: what it points at is scanned where it lives, if that
// is inside the tree), and .git folders are skipped. Anything that cannot be
// read (permissions, a special file such as a FIFO, a file over the size
// limit) is named in Result.Skipped.
package files

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"sync"

	"github.com/credguard/credguard/scan"
)

// Options tune a scan.
type Options struct {
	// MaxFileSize is the largest file scanned (default 256 MiB); larger ones
	// are reported as skipped.
	MaxFileSize int64
	// Workers is the number of files read at once (default: all CPUs).
	Workers int
}

// Scan scans the named files and folders. A path that does not exist is an
// error; everything else that cannot be read is reported in the result.
// Findings name files as the paths were given, joined with what the walk
// found under them.
func Scan(ctx context.Context, paths []string, d *scan.Detector, opts Options) (*scan.Result, error) {
	if opts.MaxFileSize <= 0 {
		opts.MaxFileSize = 256 << 20
	}
	if opts.Workers <= 0 {
		opts.Workers = runtime.GOMAXPROCS(0)
	}
	res := &scan.Result{}
	var todo []string
	for _, p := range paths {
		st, err := os.Lstat(p)
		if err != nil {
			return nil, err
		}
		if st.Mode()&fs.ModeSymlink != 0 {
			// Named on the command line: the user chose it.
			if st, err = os.Stat(p); err != nil {
				return nil, err
			}
		}
		if !st.IsDir() {
			todo = append(todo, p)
			continue
		}
		err = filepath.WalkDir(p, func(path string, e fs.DirEntry, err error) error {
			if err != nil {
				res.Skipped = append(res.Skipped, scan.Skipped{Path: filepath.ToSlash(path), Reason: "cannot read: " + reason(err)})
				if e != nil && e.IsDir() {
					return fs.SkipDir
				}
				return nil
			}
			if ctx.Err() != nil {
				return ctx.Err()
			}
			switch {
			case e.Name() == ".git" && path != p:
				if e.IsDir() {
					return fs.SkipDir
				}
				return nil // a linked worktree's pointer file
			case e.IsDir(), e.Type()&fs.ModeSymlink != 0:
				return nil
			}
			todo = append(todo, path)
			return nil
		})
		if err != nil {
			return nil, err
		}
	}

	type result struct {
		findings []scan.Finding
		skipped  *scan.Skipped
	}
	out := make([]result, len(todo))
	var wg sync.WaitGroup
	next := make(chan int)
	for w := 0; w < opts.Workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				name := todo[i]
				data, why := readFile(name, opts.MaxFileSize)
				if why != "" {
					out[i].skipped = &scan.Skipped{Path: filepath.ToSlash(name), Reason: why}
					continue
				}
				out[i].findings = d.Scan(filepath.ToSlash(name), data)
			}
		}()
	}
	for i := range todo {
		if ctx.Err() != nil {
			break
		}
		next <- i
	}
	close(next)
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	for _, r := range out {
		res.Findings = append(res.Findings, r.findings...)
		if r.skipped != nil {
			res.Skipped = append(res.Skipped, *r.skipped)
		}
	}
	sort.SliceStable(res.Skipped, func(i, j int) bool { return res.Skipped[i].Path < res.Skipped[j].Path })
	return res, nil
}

// readFile reads a regular file, or says why it did not.
func readFile(name string, limit int64) ([]byte, string) {
	st, err := os.Lstat(name)
	if err != nil {
		return nil, "cannot read: " + reason(err)
	}
	if !st.Mode().IsRegular() && st.Mode()&fs.ModeSymlink == 0 {
		return nil, fmt.Sprintf("not a regular file (%s)", st.Mode().Type())
	}
	f, err := os.Open(name)
	if err != nil {
		return nil, "cannot read: " + reason(err)
	}
	defer f.Close()
	st, err = f.Stat()
	if err != nil {
		return nil, "cannot read: " + reason(err)
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Sprintf("not a regular file (%s)", st.Mode().Type())
	}
	if st.Size() > limit {
		return nil, fmt.Sprintf("file of %d bytes is larger than the %d-byte limit", st.Size(), limit)
	}
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, "cannot read: " + reason(err)
	}
	if int64(len(data)) > limit {
		return nil, fmt.Sprintf("file is larger than the %d-byte limit", limit)
	}
	return data, ""
}

// reason is an error without the path the caller already prints.
func reason(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}
