package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/spf13/pflag"

	"github.com/credguard/credguard/hooks"
	"github.com/credguard/credguard/scan"
)

const hookUsage = `usage: credguard hook <install|uninstall|status|test> [flags]

Installs the git hooks that run credguard.

  install     write the pre-commit hook (and, opted in, pre-push and
              commit-msg) where git runs hooks for this repository:
              core.hooksPath when set, the common git directory of linked
              worktrees, .git/hooks otherwise. A hook already there is kept
              and runs first (it is renamed NAME.credguard-chained); its exit
              status still counts. Installing twice changes nothing.
  uninstall   remove credguard's hooks and put back the ones they chained
  status      say which hooks are installed where, and whether the binary
              they run is still there (exit 1 if the pre-commit guard is not
              working)
  test        show the guard fire: in a throwaway repository, commit a
              freshly generated fake key through the pre-commit hook installed
              here (or, if none is, the one install would write) and report
              whether it was blocked (exit 0 blocked, 1 not)

Flags:
  -C DIR          run as if started in DIR
  --global        every repository of this user: the global core.hooksPath
                  (set to ~/.config/credguard/hooks when there is none)
  --pre-push      install also a pre-push hook that scans the commits being
                  pushed (catches commits made with --no-verify)
  --commit-msg    install also a commit-msg hook that scans the message
  --binary PATH   the credguard the hooks run (default: this one)

The hooks run credguard by absolute path, then from PATH; if both are gone
they block with the fix.
`

func runHook(ctx context.Context, e *env, args []string) error {
	if len(args) == 0 {
		fmt.Fprint(e.stderr, hookUsage)
		return &exitError{code: 2}
	}
	switch args[0] {
	case "-h", "--help", "help":
		fmt.Fprint(e.stdout, hookUsage)
		return nil
	case "run":
		return runHookRun(ctx, e, args[1:])
	}
	var (
		dir                        string
		global, prePush, commitMsg bool
		binary                     string
		sub                        = args[0]
	)
	switch sub {
	case "install", "uninstall", "status", "test":
	default:
		return usageError("unknown hook command %q (want install, uninstall, status or test)", sub)
	}
	fs := pflag.NewFlagSet("hook", pflag.ContinueOnError)
	fs.StringVarP(&dir, "dir", "C", "", "")
	if sub != "test" { // test checks the hook git would run here
		fs.BoolVar(&global, "global", false, "")
	}
	if sub == "install" {
		fs.BoolVar(&prePush, "pre-push", false, "")
		fs.BoolVar(&commitMsg, "commit-msg", false, "")
		fs.StringVar(&binary, "binary", "", "")
	}
	if done, err := parseFlags(e, fs, hookUsage, args[1:]); done {
		return err
	}
	if fs.NArg() > 0 {
		return usageError("hook %s: unexpected argument %q", sub, fs.Arg(0))
	}
	if dir == "" {
		dir = "."
	} else if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		return usageError("-C %s: not a directory", dir)
	}
	switch sub {
	case "install":
		kinds := []hooks.Kind{hooks.PreCommit}
		if prePush {
			kinds = append(kinds, hooks.PrePush)
		}
		if commitMsg {
			kinds = append(kinds, hooks.CommitMsg)
		}
		bin, err := hookBinary(binary, false)
		if err != nil {
			return err
		}
		return hookInstall(ctx, e, dir, global, kinds, bin)
	case "uninstall":
		return hookUninstall(ctx, e, dir, global)
	case "status":
		return hookStatus(ctx, e, dir, global)
	default:
		return hookTest(ctx, e, dir)
	}
}

// hookBinary is the absolute path of the credguard the hooks will run.
func hookBinary(flag string, allowTemp bool) (string, error) {
	p := flag
	if p == "" {
		exe, err := os.Executable()
		if err != nil {
			return "", withHint(fmt.Errorf("cannot tell where this credguard binary is: %w", err), "pass --binary PATH")
		}
		p = exe
	}
	abs, err := filepath.Abs(p)
	if err != nil {
		return "", err
	}
	if flag == "" && !allowTemp && strings.Contains(filepath.ToSlash(abs), "/go-build") {
		// 'go run' builds in a temporary directory that is gone when it exits.
		return "", &exitError{code: 2, err: withHint(fmt.Errorf("this credguard is a temporary 'go run' build (%s)", abs),
			"install it first ('"+hooks.InstallHint+"'), or pass --binary PATH")}
	}
	if st, err := os.Stat(abs); err != nil || !st.Mode().IsRegular() {
		return "", &exitError{code: 2, err: withHint(fmt.Errorf("--binary %s: not a file", p), "name the credguard binary the hooks should run")}
	}
	return abs, nil
}

// repoLocation finds the repository's hooks directory, explaining the
// usual mistakes.
func repoLocation(ctx context.Context, dir string) (hooks.Location, error) {
	loc, err := hooks.Locate(ctx, dir)
	if errors.Is(err, hooks.ErrNotRepository) {
		return loc, &exitError{code: 2, err: withHint(err, "run it inside a repository, use -C DIR, or use --global for every repository")}
	}
	return loc, err
}

func hookInstall(ctx context.Context, e *env, dir string, global bool, kinds []hooks.Kind, bin string) error {
	var loc hooks.Location
	var err error
	setPath := false
	if global {
		loc, err = hooks.GlobalLocation(ctx)
		if err != nil {
			return err
		}
		setPath = loc.HooksPath == ""
	} else {
		loc, err = repoLocation(ctx, dir)
		if err != nil {
			return err
		}
		if loc.Shared() {
			if st, _ := hooks.Inspect(loc.Dir, hooks.PreCommit); st.Ours && allInstalled(loc.Dir, kinds) {
				fmt.Fprintf(e.stdout, "credguard's hooks are already installed for every repository, in %s (core.hooksPath in your %s git config)\n", loc.Dir, loc.Scope)
				return nil
			}
			return &exitError{code: 2, err: withHint(
				fmt.Errorf("core.hooksPath is set in your %s git config (%s): git runs hooks from there for every repository, not from this one", loc.Scope, loc.HooksPath),
				"run 'credguard hook install --global' to install there (existing hooks are chained), or give this repository its own: git config core.hooksPath .git/hooks")}
		}
	}
	script := func(k hooks.Kind) []byte { return hooks.Script(k, hooks.ScriptOptions{Binary: bin, Global: global}) }
	for _, k := range kinds {
		c, err := hooks.Install(loc.Dir, k, script(k))
		if err != nil {
			return withHint(fmt.Errorf("%s hook: %w", k, err), "nothing else was changed; fix the above and run 'credguard hook install' again")
		}
		switch c.Action {
		case hooks.Unchanged:
			fmt.Fprintf(e.stdout, "%s: already installed: %s\n", k, c.Path)
		case hooks.Updated:
			fmt.Fprintf(e.stdout, "%s: updated: %s\n", k, c.Path)
		default:
			fmt.Fprintf(e.stdout, "%s: installed: %s\n", k, c.Path)
		}
		if c.Chained != "" {
			fmt.Fprintf(e.stdout, "%s: the hook that was there runs first, from %s; its exit status still counts\n", k, c.Chained)
		}
	}
	fmt.Fprintf(e.stdout, "the hooks run %s\n", bin)
	if !global && inWorkTree(loc) {
		fmt.Fprintf(e.stdout, "note: %s is inside the work tree: the hooks name this machine's credguard, so keep them out of commits (or commit them and let each clone run 'credguard hook install')\n", loc.Dir)
	}
	if global {
		if setPath {
			if err := hooks.SetGlobalHooksPath(ctx, loc.Dir); err != nil {
				return err
			}
			if err := os.WriteFile(filepath.Join(loc.Dir, setPathMarker), []byte(filepath.ToSlash(loc.Dir)+"\n"), 0o644); err != nil {
				return err
			}
			fmt.Fprintf(e.stdout, "set core.hooksPath = %s in your global git config\n", filepath.ToSlash(loc.Dir))
		}
		fmt.Fprintf(e.stdout, "git runs these hooks in every repository that does not set its own core.hooksPath; they also run each repository's own .git/hooks\n")
	}
	fmt.Fprintf(e.stdout, "see it block a fake key: credguard hook test\n")
	return nil
}

// inWorkTree reports whether the hooks directory is part of the work tree
// (a committed .githooks, say) rather than of the git directory.
func inWorkTree(loc hooks.Location) bool {
	rel, err := filepath.Rel(loc.Root, loc.Dir)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return false
	}
	first, _, _ := strings.Cut(filepath.ToSlash(rel), "/")
	return first != ".git"
}

// setPathMarker records, in a global hooks directory, that credguard set
// core.hooksPath to it, so uninstall --global can unset it again.
const setPathMarker = ".credguard-set-hookspath"

func allInstalled(dir string, kinds []hooks.Kind) bool {
	for _, k := range kinds {
		if st, err := hooks.Inspect(dir, k); err != nil || !st.Ours {
			return false
		}
	}
	return true
}

func hookUninstall(ctx context.Context, e *env, dir string, global bool) error {
	var loc hooks.Location
	var err error
	if global {
		loc, err = hooks.GlobalLocation(ctx)
	} else {
		loc, err = repoLocation(ctx, dir)
		if err == nil && loc.Shared() {
			return &exitError{code: 2, err: withHint(
				fmt.Errorf("this repository uses the hooks in %s, set by core.hooksPath in your %s git config", loc.Dir, loc.Scope),
				"run 'credguard hook uninstall --global' to remove credguard from every repository")}
		}
	}
	if err != nil {
		return err
	}
	any := false
	for _, k := range hooks.Kinds {
		c, err := hooks.Uninstall(loc.Dir, k)
		if err != nil {
			return fmt.Errorf("%s hook: %w", k, err)
		}
		switch c.Action {
		case hooks.Removed:
			fmt.Fprintf(e.stdout, "%s: removed: %s\n", k, c.Path)
		case hooks.Restored:
			fmt.Fprintf(e.stdout, "%s: removed; the hook it chained is back at %s\n", k, c.Path)
		case hooks.Foreign:
			fmt.Fprintf(e.stdout, "%s: %s is not credguard's; left alone\n", k, c.Path)
			if st, err := hooks.Inspect(loc.Dir, k); err == nil && st.Legacy != "" {
				fmt.Fprintf(e.stdout, "%s: that hook runs credguard's from %s; delete that file to stop it\n", k, st.Legacy)
			}
			continue
		default:
			continue
		}
		any = true
	}
	if !any {
		fmt.Fprintf(e.stdout, "no credguard hook in %s\n", loc.Dir)
	}
	if global {
		marker := filepath.Join(loc.Dir, setPathMarker)
		if _, err := os.Stat(marker); err == nil {
			if others := otherFiles(loc.Dir); len(others) > 0 {
				fmt.Fprintf(e.stdout, "kept core.hooksPath = %s: it still holds %s\n", filepath.ToSlash(loc.Dir), strings.Join(others, ", "))
				return nil
			}
			unset, err := hooks.UnsetGlobalHooksPath(ctx, loc.Dir)
			if err != nil {
				return err
			}
			os.Remove(marker)
			if unset {
				fmt.Fprintf(e.stdout, "unset core.hooksPath in your global git config (credguard had set it)\n")
			}
		}
	}
	return nil
}

// otherFiles lists the files in dir besides credguard's own marker.
func otherFiles(dir string) []string {
	ents, _ := os.ReadDir(dir)
	var out []string
	for _, ent := range ents {
		if ent.Name() != setPathMarker {
			out = append(out, ent.Name())
		}
	}
	return out
}

func hookStatus(ctx context.Context, e *env, dir string, global bool) error {
	var loc hooks.Location
	var err error
	if global {
		loc, err = hooks.GlobalLocation(ctx)
		if err != nil {
			return err
		}
		if loc.HooksPath == "" {
			fmt.Fprintf(e.stdout, "no global hooks: core.hooksPath is not set in your global git config\n")
			return errFindings
		}
		fmt.Fprintf(e.stdout, "global hooks directory: %s (core.hooksPath in your global git config)\n", loc.Dir)
	} else {
		loc, err = repoLocation(ctx, dir)
		if err != nil {
			return err
		}
		why := "git's default"
		switch {
		case loc.HooksPath != "":
			why = fmt.Sprintf("core.hooksPath = %s, from your %s git config", loc.HooksPath, loc.Scope)
		case !strings.HasPrefix(loc.Dir, loc.Root+string(filepath.Separator)):
			why = "shared by every worktree of this repository"
		}
		fmt.Fprintf(e.stdout, "hooks directory: %s (%s)\n", loc.Dir, why)
	}
	working := false
	for _, k := range hooks.Kinds {
		st, err := hooks.Inspect(loc.Dir, k)
		if err != nil {
			return err
		}
		var line string
		switch {
		case !st.Exists:
			line = "not installed"
		case !st.Ours && st.Legacy == "":
			line = "another tool's hook, not credguard's"
		default:
			line = "credguard"
			if st.Legacy != "" {
				line = "another tool's hook, which runs credguard's from " + filepath.Base(st.Legacy)
			}
			if st.Global {
				line += " (global variant)"
			}
			if st.BinaryOK {
				line += ", runs " + st.Binary
			} else {
				line += ", runs " + st.Binary + ": MISSING"
				if p, err := lookPathCredguard(); err == nil {
					line += " (falls back to " + p + " on PATH)"
				} else {
					line += " (every commit is blocked until it is reinstalled)"
				}
			}
			if !st.Executable {
				line += "; NOT EXECUTABLE: git skips it (chmod +x " + st.Path + ")"
			}
			if k == hooks.PreCommit && st.Executable {
				_, pathErr := lookPathCredguard()
				working = st.BinaryOK || pathErr == nil
			}
		}
		if st.Chained != "" {
			line += "; chains " + filepath.Base(st.Chained)
		}
		fmt.Fprintf(e.stdout, "%s: %s\n", k, line)
	}
	if !working {
		return &exitError{code: 1, err: withHint(errors.New("the pre-commit guard is not working here"), "run 'credguard hook install'")}
	}
	return nil
}

func lookPathCredguard() (string, error) {
	return exec.LookPath("credguard")
}

func hookTest(ctx context.Context, e *env, dir string) error {
	var script []byte
	if loc, err := hooks.Locate(ctx, dir); err == nil {
		if st, err := hooks.Inspect(loc.Dir, hooks.PreCommit); err == nil && (st.Ours || st.Legacy != "") {
			path := st.Path
			if !st.Ours {
				path = st.Legacy
			}
			if script, err = os.ReadFile(path); err != nil {
				return err
			}
			fmt.Fprintf(e.stdout, "testing the pre-commit hook installed here: %s (runs %s)\n", path, st.Binary)
		}
	}
	if script == nil {
		bin, err := hookBinary("", true) // it only has to outlive the test
		if err != nil {
			return err
		}
		script = hooks.Script(hooks.PreCommit, hooks.ScriptOptions{Binary: bin})
		fmt.Fprintf(e.stdout, "no credguard hook is installed here; testing the one 'credguard hook install' writes (runs %s)\n", bin)
	}
	r, err := hooks.SelfTest(ctx, script)
	if err != nil {
		return fmt.Errorf("hook test: %w", err)
	}
	if !r.CleanPassed {
		fmt.Fprintf(e.stdout, "a clean commit was blocked; git said:\n%s", indent(r.CleanOutput))
		return &exitError{code: 1, err: withHint(errors.New("the hook blocks every commit, not just credentials"), "see the output above; 'credguard hook status' shows what the hook runs")}
	}
	if !r.Blocked {
		fmt.Fprintf(e.stdout, "a commit of a freshly generated fake key went through\n%s", indent(r.Output))
		return &exitError{code: 1, err: withHint(errors.New("the hook did not block a fake key"), "run 'credguard hook status' and 'credguard hook install'")}
	}
	if !r.Fired {
		fmt.Fprintf(e.stdout, "the commit of a fake key failed, but credguard reported nothing; git said:\n%s", indent(r.Output))
		return &exitError{code: 1, err: errors.New("the commit failed for another reason")}
	}
	fmt.Fprintf(e.stdout, "the guard fired: a commit of a freshly generated fake key was blocked (a clean commit went through). The hook said:\n%s", indent(r.Output))
	return nil
}

func indent(s string) string {
	s = strings.TrimRight(s, "\n")
	if s == "" {
		return ""
	}
	return "    " + strings.ReplaceAll(s, "\n", "\n    ") + "\n"
}

// runHookRun is what the installed hook scripts call:
//
//	credguard hook run pre-push REMOTE URL   (ref lines on stdin)
//	credguard hook run commit-msg FILE
func runHookRun(ctx context.Context, e *env, args []string) error {
	if len(args) == 0 {
		return usageError("hook run: want pre-push or commit-msg")
	}
	switch hooks.Kind(args[0]) {
	case hooks.PrePush:
		if len(args) < 2 {
			return usageError("hook run pre-push: want the remote name (git passes it)")
		}
		return runPrePush(ctx, e, args[1])
	case hooks.CommitMsg:
		if len(args) != 2 {
			return usageError("hook run commit-msg: want the message file (git passes it)")
		}
		return runCommitMsg(e, args[1])
	default:
		return usageError("hook run: unknown hook %q", args[0])
	}
}

func runPrePush(ctx context.Context, e *env, remote string) error {
	ups, err := hooks.ParsePush(e.stdin)
	if err != nil {
		return err
	}
	ranges, err := hooks.PushRanges(ctx, ".", remote, ups)
	if err != nil {
		return withHint(fmt.Errorf("pre-push: cannot work out the commits being pushed: %w", err), "the push was stopped; 'git push --no-verify' skips the check")
	}
	found := false
	for _, r := range ranges {
		err := runScan(ctx, e, []string{"--range", r.Spec})
		if err == nil {
			continue
		}
		var ee *exitError
		if errors.As(err, &ee) && ee.code == 1 && ee.err == nil {
			found = true
			continue
		}
		return err
	}
	if found {
		return &exitError{code: 1, err: withHint(fmt.Errorf("push to %s blocked: the commits above carry AWS credentials", remote),
			"rotate the key, then take it out of those commits (git rebase -i, git commit --amend) before pushing")}
	}
	return nil
}

const messageRemediation = `
AWS credentials must not go into a commit message. To fix:
  1. Treat the key as leaked: deactivate and rotate it in the IAM console
     (IAM > Users > Security credentials).
  2. Take it out of the message and commit again (the hint below says where
     git kept your message).
`

// scissors is the line below which git drops a commit message's text
// (commit -v puts the diff there; the pre-commit hook has scanned it).
const scissors = "------------------------ >8 ------------------------"

func runCommitMsg(e *env, file string) error {
	data, err := os.ReadFile(file)
	if err != nil {
		return fmt.Errorf("commit-msg: %w", err)
	}
	if i := bytes.Index(data, []byte(scissors)); i >= 0 {
		if j := bytes.LastIndexByte(data[:i], '\n'); j >= 0 {
			data = data[:j+1]
		} else {
			data = data[:0]
		}
	}
	o := scanOptions{format: "text", remediation: messageRemediation}
	det, _, err := newDetector(o)
	if err != nil {
		return err
	}
	res := &scan.Result{Findings: det.Scan("COMMIT_EDITMSG", data)}
	// The repository's config applies here too (allowed fingerprints).
	if _, err := applySettings(e, o, res); err != nil {
		return err
	}
	if err := report(e, o, res); err != nil {
		var ee *exitError
		if errors.As(err, &ee) && ee.code == 1 {
			return &exitError{code: 1, err: withHint(errors.New("commit message holds AWS credentials"),
				"your message was saved in "+file+"; edit it and commit again (git commit -e -F "+file+")")}
		}
		return err
	}
	return nil
}
