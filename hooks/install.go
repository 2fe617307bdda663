package hooks

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// Action says what Install or Uninstall did to one hook.
type Action string

// The actions reported in a Change.
const (
	Installed Action = "installed" // written; nothing was there
	Chained   Action = "chained"   // written; the hook that was there now runs first
	Updated   Action = "updated"   // an older credguard hook was rewritten in place
	Unchanged Action = "unchanged" // already installed, byte for byte
	Removed   Action = "removed"   // the credguard hook was deleted
	Restored  Action = "restored"  // the credguard hook was deleted and the chained one put back
	Absent    Action = "absent"    // nothing of credguard's was there
	Foreign   Action = "foreign"   // a hook that is not credguard's is there; left alone
)

// Change is the outcome of Install or Uninstall for one hook.
type Change struct {
	Kind    Kind
	Path    string // the hook file
	Chained string // the chained hook's path, "" when there is none
	Action  Action
}

// ErrChainOccupied is returned when a hook must be chained but a chained
// hook is already in the way.
var ErrChainOccupied = errors.New("a chained hook is already there")

// Install writes script as the kind hook in dir. A hook that is already
// there and is not credguard's is renamed to NAME.credguard-chained (bytes
// and mode untouched; the script runs it first). Installing the same script
// again changes nothing.
func Install(dir string, kind Kind, script []byte) (Change, error) {
	path := filepath.Join(dir, string(kind))
	chain := path + ChainSuffix
	c := Change{Kind: kind, Path: path}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return c, fmt.Errorf("cannot create the hooks directory: %w", err)
	}
	chainExists := exists(chain)
	if chainExists {
		c.Chained = chain
	}
	cur, err := os.ReadFile(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		if lexists(path) { // a dangling symlink is still someone's hook
			break
		}
		c.Action = Installed
		if chainExists {
			// Our hook was deleted by hand but the old one is still set
			// aside: keep running it, as before.
			c.Action = Chained
		}
		return c, writeHook(path, script)
	case err != nil:
		return c, fmt.Errorf("cannot read the existing hook: %w", err)
	}
	if ours, _, _ := scriptInfo(cur); ours && err == nil {
		if bytes.Equal(cur, script) && isExecutable(path) {
			c.Action = Unchanged
			return c, nil
		}
		c.Action = Updated
		return c, writeHook(path, script)
	}
	// Someone else's hook: set it aside, chained.
	if chainExists || lexists(chain) {
		return c, fmt.Errorf("%s exists and so does %s: %w; move one of them away and run 'credguard hook install' again",
			path, chain, ErrChainOccupied)
	}
	if err := os.Rename(path, chain); err != nil {
		return c, fmt.Errorf("cannot set the existing hook aside: %w", err)
	}
	c.Chained = chain
	c.Action = Chained
	if err := writeHook(path, script); err != nil {
		if rerr := os.Rename(chain, path); rerr != nil {
			return c, fmt.Errorf("%w; and putting the old hook back failed too: %v (it is at %s)", err, rerr, chain)
		}
		return c, err
	}
	return c, nil
}

// Uninstall removes the credguard kind hook from dir and puts back the hook
// it chained, if any. A hook that is not credguard's is left alone.
func Uninstall(dir string, kind Kind) (Change, error) {
	path := filepath.Join(dir, string(kind))
	chain := path + ChainSuffix
	c := Change{Kind: kind, Path: path}
	cur, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) && !lexists(path) {
		if lexists(chain) {
			// Our hook is gone already; finish the job.
			if err := os.Rename(chain, path); err != nil {
				return c, fmt.Errorf("cannot put back the chained hook: %w", err)
			}
			c.Action = Restored
			return c, nil
		}
		c.Action = Absent
		return c, nil
	}
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return c, fmt.Errorf("cannot read the hook: %w", err)
	}
	if ours, _, _ := scriptInfo(cur); !ours {
		c.Action = Foreign
		return c, nil
	}
	if err := os.Remove(path); err != nil {
		return c, fmt.Errorf("cannot remove the hook: %w", err)
	}
	c.Action = Removed
	if lexists(chain) {
		if err := os.Rename(chain, path); err != nil {
			return c, fmt.Errorf("removed the credguard hook but cannot put back %s: %w", chain, err)
		}
		c.Action = Restored
		c.Chained = chain
	}
	return c, nil
}

// State is what Inspect finds for one hook.
type State struct {
	Kind       Kind
	Path       string
	Exists     bool
	Ours       bool   // written by credguard
	Executable bool   // git will run it (always true on Windows)
	Global     bool   // the global variant of the script
	Binary     string // the credguard binary the script runs
	BinaryOK   bool   // Binary exists and is a regular file
	Chained    string // the chained hook's path, "" when there is none
	// Legacy is set when another tool's hook is there and credguard's was
	// moved to NAME.legacy, which that tool runs (the pre-commit framework's
	// "migration mode" does this on 'pre-commit install').
	Legacy string
}

// LegacySuffix is what the pre-commit framework appends to a hook it
// replaces and keeps running.
const LegacySuffix = ".legacy"

// Inspect reports the kind hook in dir.
func Inspect(dir string, kind Kind) (State, error) {
	path := filepath.Join(dir, string(kind))
	s := State{Kind: kind, Path: path}
	if lexists(path + ChainSuffix) {
		s.Chained = path + ChainSuffix
	}
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		s.Exists = lexists(path)
		return s, nil
	}
	if err != nil {
		return s, fmt.Errorf("cannot read the hook: %w", err)
	}
	s.Exists = true
	s.Executable = isExecutable(path)
	s.Ours, s.Binary, s.Global = scriptInfo(data)
	if !s.Ours {
		if legacy, err := os.ReadFile(path + LegacySuffix); err == nil {
			if ours, bin, global := scriptInfo(legacy); ours {
				s.Legacy, s.Binary, s.Global = path+LegacySuffix, bin, global
			}
		}
	}
	if s.Binary != "" {
		st, err := os.Stat(s.Binary)
		s.BinaryOK = err == nil && st.Mode().IsRegular()
	}
	return s, nil
}

// writeHook writes an executable hook file through a temporary file in the
// same directory, so git never runs a half-written hook.
func writeHook(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".credguard-hook-*")
	if err != nil {
		return fmt.Errorf("cannot write the hook: %w", err)
	}
	defer os.Remove(tmp.Name()) // after a successful rename this fails harmlessly
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return fmt.Errorf("cannot write the hook: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("cannot write the hook: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("cannot write the hook: %w", err)
	}
	// Hooks are scripts everyone may read and run, like the ones git ships.
	if err := os.Chmod(tmp.Name(), 0o755); err != nil {
		return fmt.Errorf("cannot make the hook executable: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("cannot write the hook: %w", err)
	}
	return nil
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

func lexists(path string) bool {
	_, err := os.Lstat(path)
	return err == nil
}
