package staged

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/go-git/go-billy/v5"
	"github.com/go-git/go-billy/v5/osfs"
	"github.com/go-git/go-git/v5/plumbing/cache"
	gitconfig "github.com/go-git/go-git/v5/plumbing/format/config"
	"github.com/go-git/go-git/v5/storage/filesystem"
	"github.com/go-git/go-git/v5/storage/filesystem/dotgit"
)

// Errors a caller may want to explain to the user.
var (
	// ErrNotRepository: the folder is not inside a git working tree.
	ErrNotRepository = errors.New("not a git repository")
	// ErrBareRepository: a bare repository (or a .git folder) has no index.
	ErrBareRepository = errors.New("bare repository: there is no index to scan")
	// ErrUnsupported: a valid repository or index this reader cannot read
	// faithfully (SHA-256 object names, a split index).
	ErrUnsupported = errors.New("unsupported repository")
	// ErrCorrupt: the index or an object it needs cannot be read.
	ErrCorrupt = errors.New("unreadable repository data")
)

// repo locates the parts of a repository the staged scan reads. Git's own
// discovery rules are followed: GIT_DIR, GIT_WORK_TREE and GIT_INDEX_FILE
// (git sets the last one for hooks run by `git commit -a` or
// `git commit PATH`, whose index is a temporary file), then `.git` folders or
// `gitdir:` files found walking up from the start folder.
type repo struct {
	workTree  string // the working tree root
	gitDir    string // this working tree's git folder (.git, or .git/worktrees/NAME)
	commonDir string // the shared git folder: objects, refs, config
	indexFile string
}

// discover finds the repository that dir belongs to. Relative paths in the
// environment are taken relative to dir, as git does after -C.
func discover(dir string, getenv func(string) string) (*repo, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	r := &repo{}
	if gd := getenv("GIT_DIR"); gd != "" {
		r.gitDir = absFrom(abs, gd)
		if !isGitDir(r.gitDir) {
			return nil, fmt.Errorf("%w: GIT_DIR=%s", ErrNotRepository, gd)
		}
		r.workTree = abs
		if wt := getenv("GIT_WORK_TREE"); wt != "" {
			r.workTree = absFrom(abs, wt)
		}
	} else {
		for d := abs; ; {
			gd, ok, err := dotGit(d)
			if err != nil {
				return nil, err
			}
			if ok {
				r.gitDir, r.workTree = gd, d
				break
			}
			if isGitDir(d) {
				return nil, fmt.Errorf("%w: %s", ErrBareRepository, d)
			}
			parent := filepath.Dir(d)
			if parent == d {
				return nil, fmt.Errorf("%w (or any parent folder): %s", ErrNotRepository, abs)
			}
			d = parent
		}
	}
	r.commonDir = r.gitDir
	if b, err := os.ReadFile(filepath.Join(r.gitDir, "commondir")); err == nil {
		r.commonDir = absFrom(r.gitDir, strings.TrimSpace(string(b)))
	}
	bare, err := checkConfig(r.commonDir)
	if err != nil {
		return nil, err
	}
	if bare && getenv("GIT_DIR") != "" && getenv("GIT_WORK_TREE") == "" {
		return nil, fmt.Errorf("%w: %s", ErrBareRepository, r.gitDir)
	}
	r.indexFile = filepath.Join(r.gitDir, "index")
	if f := getenv("GIT_INDEX_FILE"); f != "" {
		r.indexFile = absFrom(abs, f)
	}
	return r, nil
}

// dotGit looks for dir/.git: a folder, or a file "gitdir: PATH" (linked
// worktrees and submodules).
func dotGit(dir string) (gitDir string, ok bool, err error) {
	p := filepath.Join(dir, ".git")
	st, err := os.Stat(p)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return "", false, nil
	case err != nil:
		return "", false, err
	case st.IsDir():
		return p, isGitDir(p), nil
	}
	b, err := os.ReadFile(p)
	if err != nil {
		return "", false, err
	}
	line, _, _ := bytes.Cut(b, []byte("\n"))
	target, found := strings.CutPrefix(strings.TrimSpace(string(line)), "gitdir:")
	if !found {
		return "", false, fmt.Errorf("%w: %s is not a gitdir file", ErrCorrupt, p)
	}
	gd := absFrom(dir, strings.TrimSpace(target))
	if !isGitDir(gd) {
		return "", false, fmt.Errorf("%w: %s points to %s, which is not a git folder", ErrCorrupt, p, gd)
	}
	return gd, true, nil
}

// isGitDir applies git's test: a HEAD file, and objects and refs folders
// (in the common folder, for a linked worktree).
func isGitDir(d string) bool {
	if st, err := os.Stat(filepath.Join(d, "HEAD")); err != nil || st.IsDir() {
		return false
	}
	common := d
	if b, err := os.ReadFile(filepath.Join(d, "commondir")); err == nil {
		common = absFrom(d, strings.TrimSpace(string(b)))
	}
	for _, sub := range []string{"objects", "refs"} {
		if st, err := os.Stat(filepath.Join(common, sub)); err != nil || !st.IsDir() {
			return false
		}
	}
	return true
}

func absFrom(base, p string) string {
	if filepath.IsAbs(p) {
		return filepath.Clean(p)
	}
	return filepath.Join(base, p)
}

// checkConfig refuses repositories whose object names are not SHA-1, and
// reports whether the repository is configured bare.
func checkConfig(commonDir string) (bare bool, err error) {
	f, err := os.Open(filepath.Join(commonDir, "config"))
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	defer f.Close()
	cfg := gitconfig.New()
	if err := gitconfig.NewDecoder(f).Decode(cfg); err != nil {
		return false, fmt.Errorf("%w: %s: %v", ErrCorrupt, f.Name(), err)
	}
	if of := strings.ToLower(cfg.Section("extensions").Option("objectformat")); of != "" && of != "sha1" {
		return false, fmt.Errorf("%w: the repository uses %s object names; only SHA-1 repositories can be scanned", ErrUnsupported, of)
	}
	return strings.EqualFold(cfg.Section("core").Option("bare"), "true"), nil
}

// storage opens the object database and refs with go-git, without the
// work go-git's PlainOpen does (config parsing, worktree set-up).
func (r *repo) storage(largeObject int64) *filesystem.Storage {
	var dotFS billy.Filesystem = osfs.New(r.gitDir)
	if r.commonDir != r.gitDir {
		dotFS = dotgit.NewRepositoryFilesystem(dotFS, osfs.New(r.commonDir))
	}
	return filesystem.NewStorageWithOptions(dotFS, cache.NewObjectLRU(16*cache.MiByte),
		filesystem.Options{LargeObjectThreshold: largeObject})
}
