package profiles

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// checkFiles reports loose permissions and a credentials file that git tracks.
func (l *linter) checkFiles() {
	for _, f := range []*File{l.in.Credentials, l.in.Config} {
		if f == nil {
			continue
		}
		secret := f == l.in.Credentials || fileHasCredentials(f)
		if !secret {
			continue
		}
		if mode, loose := loosePerm(f.Path); loose {
			l.report(f.Path, 0, RuleFilePermissions, "chmod 600 "+shellQuote(f.Path),
				"file holds credentials and is readable by group or others (mode %04o)", mode)
		}
		if repo, ok := gitTracked(f.Path); ok {
			l.report(f.Path, 0, RuleGitTracked,
				"git rm --cached "+shellQuote(f.Path)+", rotate the keys (they are in the repository's history) and add the file to .gitignore",
				"file holds credentials and is tracked by the git repository at %s", repo)
		}
	}
}

func fileHasCredentials(f *File) bool {
	for _, s := range f.Sections {
		for _, k := range s.Keys() {
			if _, ok := credentialKeys[normKey(k.Key)]; ok {
				return true
			}
		}
	}
	return false
}

// gitTracked reports whether git tracks the file at path, and the work tree
// that does. It runs the git binary rather than reading the index with
// go-git: git alone knows every index format (split and sparse indexes),
// linked worktrees, safe.directory and GIT_DIR, and lint runs once, so the
// cost of two processes does not matter. Without git, nothing is reported.
func gitTracked(path string) (string, bool) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return "", false
	}
	dir, base := filepath.Split(abs)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	git := func(args ...string) *exec.Cmd {
		cmd := exec.CommandContext(ctx, "git", append([]string{"-C", dir}, args...)...)
		// Inside a hook, GIT_DIR and friends point at another repository:
		// find the one that encloses the file.
		for _, kv := range os.Environ() {
			switch k, _, _ := strings.Cut(kv, "="); k {
			case "GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_COMMON_DIR", "GIT_PREFIX":
			default:
				cmd.Env = append(cmd.Env, kv)
			}
		}
		return cmd
	}
	if err := git("ls-files", "--error-unmatch", "--", base).Run(); err != nil {
		return "", false // not tracked, not in a repository, or no git
	}
	out, err := git("rev-parse", "--show-toplevel").Output()
	if err != nil {
		return dir, true
	}
	return filepath.FromSlash(strings.TrimSpace(string(out))), true
}

// shellQuote quotes p for a POSIX shell when it needs it.
func shellQuote(p string) string {
	if p != "" && !strings.ContainsAny(p, " \t\n'\"\\$`!*?[]{}()<>|&;#~") {
		return p
	}
	return "'" + strings.ReplaceAll(p, "'", `'\''`) + "'"
}
