package hooks

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// ErrNotRepository is returned by Locate outside a git work tree.
var ErrNotRepository = errors.New("not inside a git work tree")

// Location is a hooks directory and why git uses it.
type Location struct {
	// Dir is the absolute hooks directory.
	Dir string
	// HooksPath is core.hooksPath as configured, "" when unset.
	HooksPath string
	// Scope is the git config scope that set core.hooksPath ("local",
	// "worktree", "global", "system", "command"), "" when unset.
	Scope string
	// Root is the top of the work tree Locate was called in; "" for the
	// global location.
	Root string
}

// Shared reports whether the directory serves more than one repository:
// core.hooksPath set in the user's or the system's git config.
func (l Location) Shared() bool {
	return l.Scope == "global" || l.Scope == "system"
}

// Locate returns the hooks directory git uses for the repository containing
// dir: core.hooksPath when set (a relative one is taken from the top of the
// work tree, as git does), the common git directory's hooks for a linked
// worktree, .git/hooks otherwise. dir may be any subdirectory.
func Locate(ctx context.Context, dir string) (Location, error) {
	root, err := git(ctx, dir, "rev-parse", "--show-toplevel")
	if err != nil {
		var ge *GitError
		if errors.As(err, &ge) {
			return Location{}, fmt.Errorf("%s: %w", dir, ErrNotRepository)
		}
		return Location{}, err
	}
	// git resolves core.hooksPath, worktrees and GIT_DIR itself here, so the
	// answer is the directory git will really look in.
	hooksDir, err := git(ctx, dir, "rev-parse", "--path-format=absolute", "--git-path", "hooks")
	if err != nil {
		return Location{}, err
	}
	loc := Location{Dir: filepath.Clean(filepath.FromSlash(hooksDir)), Root: filepath.FromSlash(root)}
	loc.Scope, loc.HooksPath, err = configScope(ctx, dir, "core.hooksPath")
	return loc, err
}

// configScope returns the scope and raw value of key, or "" when it is unset.
func configScope(ctx context.Context, dir, key string) (scope, value string, err error) {
	out, err := git(ctx, dir, "config", "--show-scope", "--get", key)
	if err != nil {
		if exitStatus(err) == 1 { // unset
			return "", "", nil
		}
		return "", "", err
	}
	scope, value, _ = strings.Cut(out, "\t")
	return scope, value, nil
}

// GlobalLocation returns the hooks directory for every repository of the
// user: core.hooksPath from the global git config when set, otherwise
// DefaultGlobalDir (HooksPath is then "": the caller must set it).
func GlobalLocation(ctx context.Context) (Location, error) {
	dir, err := os.UserHomeDir()
	if err != nil {
		return Location{}, err
	}
	out, err := git(ctx, dir, "config", "--global", "--path", "--get", "core.hooksPath")
	if err != nil && exitStatus(err) != 1 {
		return Location{}, err
	}
	if out == "" {
		d, err := DefaultGlobalDir()
		if err != nil {
			return Location{}, err
		}
		return Location{Dir: d, Scope: "global"}, nil
	}
	if !filepath.IsAbs(filepath.FromSlash(out)) {
		return Location{}, fmt.Errorf("the global core.hooksPath %q is relative, so each repository reads it differently; make it absolute first", out)
	}
	return Location{Dir: filepath.Clean(filepath.FromSlash(out)), HooksPath: out, Scope: "global"}, nil
}

// DefaultGlobalDir is where a global install puts its hooks when the user
// has no global core.hooksPath: $XDG_CONFIG_HOME/credguard/hooks, by default
// ~/.config/credguard/hooks (the same on every system, like git's own XDG
// config file).
func DefaultGlobalDir() (string, error) {
	if x := os.Getenv("XDG_CONFIG_HOME"); x != "" && filepath.IsAbs(x) {
		return filepath.Join(x, "credguard", "hooks"), nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(home, ".config", "credguard", "hooks"), nil
}

// SetGlobalHooksPath sets core.hooksPath in the user's global git config.
func SetGlobalHooksPath(ctx context.Context, dir string) error {
	home, err := os.UserHomeDir()
	if err != nil {
		return err
	}
	_, err = git(ctx, home, "config", "--global", "core.hooksPath", filepath.ToSlash(dir))
	return err
}

// UnsetGlobalHooksPath removes core.hooksPath from the user's global git
// config if it still names dir; it reports whether it did.
func UnsetGlobalHooksPath(ctx context.Context, dir string) (bool, error) {
	loc, err := GlobalLocation(ctx)
	if err != nil || loc.HooksPath == "" || !samePath(loc.Dir, dir) {
		return false, err
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return false, err
	}
	if _, err := git(ctx, home, "config", "--global", "--unset", "core.hooksPath"); err != nil {
		return false, err
	}
	return true, nil
}

func samePath(a, b string) bool {
	if filepath.Clean(a) == filepath.Clean(b) {
		return true
	}
	sa, errA := os.Stat(a)
	sb, errB := os.Stat(b)
	return errA == nil && errB == nil && os.SameFile(sa, sb)
}
