package profiles

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/gofrs/flock"
)

// FileMode is the mode the writer gives the files it writes: the
// credentials and config files hold secrets and are nobody else's business.
const FileMode fs.FileMode = 0o600

// DirMode is the mode the writer gives a directory it creates (~/.aws).
const DirMode fs.FileMode = 0o700

// LockTimeout bounds how long Update waits for another writer's lock.
var LockTimeout = 30 * time.Second

// maxAttempts bounds how often Update starts over when the file changes
// between its read and its rename (another program writing it without the
// lock).
const maxAttempts = 5

// ErrChanged is returned (wrapped) when the file kept changing while Update
// tried to replace it: nothing was written.
var ErrChanged = errors.New("file changed while credguard was writing it")

// WriteResult says what Update did.
type WriteResult struct {
	Path       string      // the path asked for
	Target     string      // the file replaced: Path, or the file its symlink chain points at
	Created    bool        // the file did not exist before
	Changed    bool        // the content changed (false: nothing was written)
	OldMode    fs.FileMode // the mode before (0 when Created)
	Tightened  bool        // the file was looser than FileMode and now is not (never on Windows)
	DirCreated string      // the directory created for it, or ""
	DirFixed   string      // the .aws directory whose mode was tightened to DirMode, or ""
}

// beforeRename, when set (by tests), runs after the temporary file is
// written and synced and before it replaces the target: the moment a crash
// must leave the old file intact.
var beforeRename func(tmp string)

// Update changes the file at path as edit says, safely:
//
//   - it holds an advisory lock on a sidecar file (.NAME.credguard.lock, next
//     to the target) so concurrent credguard runs apply their edits one after
//     another and none is lost;
//   - under the lock it reads the file (a missing file reads as empty) and
//     calls edit, which returns the new content, or nil to leave it alone;
//   - it writes the content to a temporary file in the same directory
//     (mode 0600 from creation), syncs it, checks the file did not change
//     since it was read (re-reading it; if it did, it starts over with the
//     new content), renames the temporary file over the target and syncs the
//     directory, so a crash at any moment leaves either the old file or the
//     new one;
//   - a symlink (a dotfile manager's) is followed and its final target
//     replaced: the link stays a link;
//   - the result has mode 0600 and a directory it creates 0700, whatever the
//     umask; an existing directory named .aws is tightened to 0700.
//
// On Windows files have no POSIX modes: the file inherits its directory's
// access control list, as every file the AWS CLI writes there does.
func Update(ctx context.Context, path string, edit func(f *File) ([]byte, error)) (*WriteResult, error) {
	target, err := resolveLinks(path)
	if err != nil {
		return nil, err
	}
	res := &WriteResult{Path: path, Target: target}
	dir := filepath.Dir(target)
	if res.DirCreated, res.DirFixed, err = ensureDir(dir); err != nil {
		return res, err
	}
	lock := flock.New(filepath.Join(dir, "."+filepath.Base(target)+".credguard.lock"), flock.SetPermissions(FileMode))
	lctx, cancel := context.WithTimeout(ctx, LockTimeout)
	defer cancel()
	ok, err := lock.TryLockContext(lctx, 20*time.Millisecond)
	if err != nil || !ok {
		if err == nil || errors.Is(err, context.DeadlineExceeded) {
			err = fmt.Errorf("another program holds the lock %s", lock.Path())
		}
		return res, fmt.Errorf("locking %s: %w", path, err)
	}
	defer lock.Unlock()
	removeStaleTemps(dir, filepath.Base(target))

	for attempt := 0; attempt < maxAttempts; attempt++ {
		old, st, err := readCurrent(target)
		if err != nil {
			return res, err
		}
		res.Created = st == nil
		if st != nil {
			res.OldMode = st.Mode().Perm()
		}
		out, err := edit(Parse(path, old))
		if err != nil {
			return res, err
		}
		if out == nil || st != nil && bytes.Equal(out, old) {
			return res, nil
		}
		err = replaceFile(target, out, func() (bool, error) {
			now, _, err := readCurrent(target)
			return bytes.Equal(now, old), err
		})
		if errors.Is(err, ErrChanged) {
			continue
		}
		if err != nil {
			return res, err
		}
		res.Changed = true
		res.Tightened = st != nil && looserThan(st.Mode(), FileMode)
		return res, nil
	}
	return res, fmt.Errorf("%s: %w (another program keeps writing it); nothing written", path, ErrChanged)
}

// readCurrent returns the file's bytes and info, or nil, nil for a missing file.
func readCurrent(path string) ([]byte, fs.FileInfo, error) {
	st, err := os.Stat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil, nil
	}
	if err != nil {
		return nil, nil, err
	}
	if !st.Mode().IsRegular() {
		return nil, nil, &EditError{Path: path, Reason: "is not a regular file"}
	}
	if st.Size() > MaxFileSize {
		return nil, nil, &EditError{Path: path, Reason: fmt.Sprintf("is %d bytes, larger than any credentials file", st.Size())}
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, err
	}
	return data, st, nil
}

// tempPrefix names the temporary files of target: hidden, and recognisable
// so that a crashed run's leftovers can be cleaned up under the lock.
func tempPrefix(base string) string { return "." + base + ".credguard-" }

// removeStaleTemps removes temporary files a crashed run left behind. It
// runs under the lock, when no other credguard is writing one.
func removeStaleTemps(dir, base string) {
	matches, _ := filepath.Glob(filepath.Join(dir, tempPrefix(base)+"*.tmp"))
	for _, m := range matches {
		os.Remove(m)
	}
}

// replaceFile writes data to a temporary file next to target and renames it
// over target once unchanged() confirms target still holds what was read.
func replaceFile(target string, data []byte, unchanged func() (bool, error)) (err error) {
	dir, base := filepath.Split(target)
	if dir == "" {
		dir = "."
	}
	tmp, err := os.CreateTemp(dir, tempPrefix(base)+"*.tmp") // mode 0600
	if err != nil {
		return err
	}
	tmpName := tmp.Name()
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmpName)
		}
	}()
	if err := setPrivate(tmp); err != nil {
		return err
	}
	if _, err := tmp.Write(data); err != nil {
		return err
	}
	if err := tmp.Sync(); err != nil {
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if ok, err := unchanged(); err != nil {
		return err
	} else if !ok {
		return ErrChanged
	}
	if beforeRename != nil {
		beforeRename(tmpName)
	}
	if err := renameFile(tmpName, target); err != nil {
		return err
	}
	return syncDir(dir)
}

// resolveLinks follows path through any chain of symbolic links to the file
// it finally names (which need not exist yet).
func resolveLinks(path string) (string, error) {
	p := path
	for range 64 {
		st, err := os.Lstat(p)
		if errors.Is(err, fs.ErrNotExist) {
			return p, nil
		}
		if err != nil {
			return "", err
		}
		if st.Mode()&fs.ModeSymlink == 0 {
			if st.IsDir() {
				return "", &EditError{Path: path, Reason: "is a directory, not a file"}
			}
			return p, nil
		}
		t, err := os.Readlink(p)
		if err != nil {
			return "", err
		}
		if !filepath.IsAbs(t) {
			t = filepath.Join(filepath.Dir(p), t)
		}
		p = t
	}
	return "", &EditError{Path: path, Reason: "is a loop of symbolic links"}
}

// ensureDir creates dir (mode 0700) when missing, and tightens an existing
// .aws directory to 0700. It returns what it created and what it fixed.
func ensureDir(dir string) (created, fixed string, err error) {
	st, err := os.Stat(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		if err := os.MkdirAll(dir, DirMode); err != nil {
			return "", "", err
		}
		return dir, "", chmodDir(dir)
	case err != nil:
		return "", "", err
	case !st.IsDir():
		return "", "", &EditError{Path: dir, Reason: "is not a directory"}
	}
	if strings.EqualFold(filepath.Base(dir), ".aws") && looserThan(st.Mode(), DirMode) {
		if err := chmodDir(dir); err != nil {
			return "", "", err
		}
		return "", dir, nil
	}
	return "", "", nil
}

// FixMode sets the file at path (its symlink target) to mode 0600 and
// reports whether it had to.
func FixMode(path string) (bool, error) {
	target, err := resolveLinks(path)
	if err != nil {
		return false, err
	}
	st, err := os.Stat(target)
	if err != nil {
		return false, err
	}
	if !looserThan(st.Mode(), FileMode) {
		return false, nil
	}
	return true, chmodFile(target)
}
