//go:build !windows

package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/credguard/credguard/internal/awskey"
)

// The CI recipes are shell: these tests run scripts/ci-range.sh, the run
// blocks of action.yml and the README's snippets with sh/bash against real
// repositories: a bare "origin", a developer clone that pushes, and a CI
// clone made after the push, as a runner's checkout is.

const zeroOID = "0000000000000000000000000000000000000000"

type ciFixture struct {
	t              *testing.T
	root           string // this repository
	env            []string
	origin, dev    string
	commits        map[string]string // name -> commit
	leakID, secret string
}

func newCIFixture(t *testing.T) *ciFixture {
	tmp := t.TempDir()
	f := &ciFixture{t: t, root: moduleRoot(t), env: scratchGitEnv(t, tmp), commits: map[string]string{},
		origin: filepath.Join(tmp, "origin.git"), dev: filepath.Join(tmp, "dev"),
		leakID: awskey.FakeID("AKIA", awskey.FakeAccount()), secret: awskey.FakeSecret()}
	gitIn(t, tmp, f.env, "init", "-q", "--bare", f.origin)
	gitIn(t, tmp, f.env, "clone", "-q", f.origin, f.dev)
	return f
}

// commit makes a commit named name in dev, with a key in it when leak.
func (f *ciFixture) commit(name string, leak bool) string {
	content := name + ": nothing secret\n"
	if leak {
		content = fmt.Sprintf("aws_access_key_id = %s\naws_secret_access_key = %s\n", f.leakID, f.secret)
	}
	writeTestFile(f.t, filepath.Join(f.dev, name+".txt"), content)
	gitIn(f.t, f.dev, f.env, "add", name+".txt")
	gitIn(f.t, f.dev, f.env, "commit", "-q", "-m", name)
	f.commits[name] = gitIn(f.t, f.dev, f.env, "rev-parse", "HEAD")
	return f.commits[name]
}

func (f *ciFixture) git(args ...string) string { return gitIn(f.t, f.dev, f.env, args...) }

// ciClone is a fresh full-depth clone of origin checked out at commit, as
// actions/checkout with fetch-depth: 0 makes it.
func (f *ciFixture) ciClone(commit string) string {
	dir := filepath.Join(f.t.TempDir(), "ci")
	gitIn(f.t, filepath.Dir(dir), f.env, "clone", "-q", "--no-checkout", f.origin, dir)
	gitIn(f.t, dir, f.env, "checkout", "-q", "--detach", commit)
	return dir
}

// sh runs script with sh in dir; it returns stdout, stderr and the exit code.
func runShell(t *testing.T, shell, dir string, env []string, script string) (string, string, int) {
	t.Helper()
	cmd := exec.Command(shell, "-c", script)
	cmd.Dir = dir
	cmd.Env = env
	var stdout, stderr bytes.Buffer
	cmd.Stdout = &stdout
	cmd.Stderr = &stderr
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return stdout.String(), stderr.String(), code
}

// rangeCommits lists what 'credguard scan ARGS' covers in dir, with git.
func rangeCommits(t *testing.T, dir string, env []string, args string) []string {
	t.Helper()
	f := strings.Fields(args)
	var list string
	switch {
	case len(f) == 2 && f[0] == "--range":
		list = gitIn(t, dir, env, "rev-list", f[1])
	case len(f) == 1 && f[0] == "--all":
		list = gitIn(t, dir, env, "rev-list", "--all")
	default:
		t.Fatalf("unexpected scan arguments %q", args)
	}
	out := strings.Fields(list)
	slices.Sort(out)
	return out
}

func sorted(s ...string) []string {
	s = slices.Clone(s)
	slices.Sort(s)
	return s
}

func TestCIRange(t *testing.T) {
	f := newCIFixture(t)
	script := filepath.Join(f.root, "scripts", "ci-range.sh")
	rangeFor := func(dir string, vars ...string) (string, string, int) {
		out, errOut, code := runShell(t, "sh", dir, append(slices.Clone(f.env), vars...), "sh "+script)
		return strings.TrimSpace(out), errOut, code
	}

	c1 := f.commit("c1", false)
	f.git("push", "-q", "origin", "main")

	// The first push of a repository: nothing else is there, scan it all.
	ci := f.ciClone(c1)
	args, errOut, code := rangeFor(ci, "CREDGUARD_EVENT=push", "CREDGUARD_BEFORE="+zeroOID, "CREDGUARD_AFTER="+c1, "CREDGUARD_REF=refs/heads/main")
	if code != 0 || args != "--all" {
		t.Errorf("first push: %q (exit %d, %s), want --all", args, code, errOut)
	}

	c2 := f.commit("c2", false)
	c3 := f.commit("c3", true)
	f.git("push", "-q", "origin", "main")
	f.git("checkout", "-q", "-b", "feat", c2)
	f1 := f.commit("f1", false)
	f2 := f.commit("f2", true)
	f.git("push", "-q", "origin", "feat")

	tests := []struct {
		name     string
		checkout string
		vars     []string
		want     []string // commits scanned; nil with wantArgs "" means nothing
		wantArgs string   // exact output when not a range
		wantCode int
		leak     bool
	}{
		{"push fast-forward", c3, []string{"CREDGUARD_EVENT=push", "CREDGUARD_BEFORE=" + c1, "CREDGUARD_AFTER=" + c3, "CREDGUARD_REF=refs/heads/main"},
			sorted(c2, c3), "", 0, true},
		{"push clean fast-forward", c2, []string{"CREDGUARD_EVENT=push", "CREDGUARD_BEFORE=" + c1, "CREDGUARD_AFTER=" + c2, "CREDGUARD_REF=refs/heads/main"},
			sorted(c2), "", 0, false},
		{"push of a new branch", f2, []string{"CREDGUARD_EVENT=push", "CREDGUARD_BEFORE=" + zeroOID, "CREDGUARD_AFTER=" + f2, "CREDGUARD_REF=refs/heads/feat"},
			sorted(f1, f2), "", 0, true},
		{"push of a new branch, GitHub's empty before", f1, []string{"CREDGUARD_EVENT=push", "CREDGUARD_BEFORE=", "CREDGUARD_AFTER=" + f1, "CREDGUARD_REF=feat"},
			sorted(f1), "", 0, false},
		{"force push over a commit this clone never saw", f2, []string{"CREDGUARD_EVENT=push", "CREDGUARD_BEFORE=" + strings.Repeat("e", 40), "CREDGUARD_AFTER=" + f2, "CREDGUARD_REF=refs/heads/feat"},
			sorted(f1, f2), "", 0, true},
		{"pull request", f2, []string{"CREDGUARD_EVENT=pull_request", "CREDGUARD_BASE=" + c3, "CREDGUARD_HEAD=" + f2},
			sorted(f1, f2), "", 0, true},
		{"clean pull request", f1, []string{"CREDGUARD_EVENT=pull_request_target", "CREDGUARD_BASE=" + c2, "CREDGUARD_HEAD=" + f1},
			sorted(f1), "", 0, false},
		{"merge queue", f2, []string{"CREDGUARD_EVENT=merge_group", "CREDGUARD_BASE=" + c3, "CREDGUARD_HEAD=" + f2},
			sorted(f1, f2), "", 0, true},
		{"deletion", c3, []string{"CREDGUARD_EVENT=push", "CREDGUARD_BEFORE=" + f2, "CREDGUARD_AFTER=" + zeroOID, "CREDGUARD_REF=refs/heads/feat"},
			nil, "", 0, false},
		{"scheduled audit", c3, []string{"CREDGUARD_EVENT=schedule"}, nil, "--all", 0, true},
		{"pull request without a base", c3, []string{"CREDGUARD_EVENT=pull_request", "CREDGUARD_HEAD=" + f2}, nil, "", 2, false},
		{"base not in the clone", c3, []string{"CREDGUARD_EVENT=pull_request", "CREDGUARD_BASE=" + strings.Repeat("a", 40), "CREDGUARD_HEAD=" + f2}, nil, "", 2, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ci := f.ciClone(tt.checkout)
			args, errOut, code := rangeFor(ci, tt.vars...)
			if code != tt.wantCode {
				t.Fatalf("exit %d, want %d; stdout %q, stderr %s", code, tt.wantCode, args, errOut)
			}
			if code != 0 {
				if !strings.Contains(errOut, "credguard: error: ") || !strings.Contains(errOut, "credguard: hint: ") {
					t.Errorf("stderr %q, want an error and a hint", errOut)
				}
				return
			}
			if tt.want == nil {
				if args != tt.wantArgs {
					t.Fatalf("scan args %q, want %q", args, tt.wantArgs)
				}
			} else if got := rangeCommits(t, ci, f.env, args); !slices.Equal(got, tt.want) {
				t.Fatalf("scan args %q cover %v, want %v", args, got, tt.want)
			}
			if args == "" {
				return
			}
			// And credguard itself, on those arguments.
			_, _, scanCode := runShell(t, "sh", ci, f.env, "credguard scan "+args)
			if want := map[bool]int{true: 1, false: 0}[tt.leak]; scanCode != want {
				t.Errorf("credguard scan %s: exit %d, want %d", args, scanCode, want)
			}
		})
	}
}

// actionRun returns the run block of the step called name in action.yml.
func actionRun(t *testing.T, root, name string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(root, "action.yml"))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(data), "\n")
	indent := func(s string) int { return len(s) - len(strings.TrimLeft(s, " ")) }
	for i, l := range lines {
		if strings.TrimSpace(l) != "- name: "+name {
			continue
		}
		for j := i + 1; j < len(lines) && indent(lines[j]) > indent(l); j++ {
			if strings.TrimSpace(lines[j]) != "run: |" {
				continue
			}
			base := indent(lines[j])
			var block []string
			for _, b := range lines[j+1:] {
				if strings.TrimSpace(b) != "" && indent(b) <= base {
					break
				}
				block = append(block, strings.TrimPrefix(b, strings.Repeat(" ", base+2)))
			}
			return strings.Join(block, "\n")
		}
	}
	t.Fatalf("action.yml has no step %q with a run block", name)
	return ""
}

// TestActionSteps runs the action's own shell, as GitHub runs it (bash -e),
// with the environment its expressions produce for push and pull_request
// events.
func TestActionSteps(t *testing.T) {
	f := newCIFixture(t)
	rangeStep := actionRun(t, f.root, "Work out the commits to scan")
	scanStep := actionRun(t, f.root, "Scan")
	for _, want := range []string{"scripts/ci-range.sh", "GITHUB_OUTPUT"} {
		if !strings.Contains(rangeStep, want) {
			t.Fatalf("range step lacks %q:\n%s", want, rangeStep)
		}
	}
	// The install step builds the action's own checkout with go install
	// and puts GOPATH/bin on the job's PATH; the later steps use that binary.
	tmp := t.TempDir()
	ghPath := filepath.Join(tmp, "github_path")
	installEnv := slices.Clone(f.env)
	for _, k := range []string{"GOMODCACHE", "GOCACHE"} {
		out, err := exec.Command("go", "env", k).Output()
		if err != nil {
			t.Fatal(err)
		}
		installEnv = append(installEnv, k+"="+strings.TrimSpace(string(out)))
	}
	installEnv = append(installEnv, "GOPATH="+filepath.Join(tmp, "gopath"), "GOBIN=", "GITHUB_ACTION_PATH="+f.root, "GITHUB_PATH="+ghPath, "VERSION=")
	if out, errOut, code := runShell(t, "bash", tmp, installEnv, "set -eo pipefail\n"+actionRun(t, f.root, "Install credguard")); code != 0 {
		t.Fatalf("install step: exit %d\n%s\n%s", code, out, errOut)
	}
	binDir, _ := os.ReadFile(ghPath)
	jobPath := strings.TrimSpace(string(binDir))
	if _, err := os.Stat(filepath.Join(jobPath, "credguard")); err != nil {
		t.Fatalf("the install step put nothing runnable on GITHUB_PATH (%q): %v", jobPath, err)
	}
	for i, kv := range f.env {
		if strings.HasPrefix(kv, "PATH=") {
			f.env[i] = "PATH=" + jobPath + ":/usr/local/bin:/usr/bin:/bin"
		}
	}

	c1 := f.commit("c1", false)
	c2 := f.commit("c2", false)
	f.git("push", "-q", "origin", "main")
	f.git("checkout", "-q", "-b", "leaky")
	l1 := f.commit("l1", true)
	f.git("push", "-q", "origin", "leaky")

	outputs := func(path string) map[string]string {
		data, _ := os.ReadFile(path)
		m := map[string]string{}
		for _, l := range strings.Split(string(data), "\n") {
			if k, v, ok := strings.Cut(l, "="); ok {
				m[k] = v
			}
		}
		return m
	}
	for _, tt := range []struct {
		name     string
		checkout string
		vars     []string
		wantCode string
	}{
		{"push", c2, []string{"CREDGUARD_EVENT=push", "CREDGUARD_BEFORE=" + c1, "CREDGUARD_AFTER=" + c2, "CREDGUARD_REF=refs/heads/main"}, "0"},
		{"new branch with a leak", l1, []string{"CREDGUARD_EVENT=push", "CREDGUARD_BEFORE=" + zeroOID, "CREDGUARD_AFTER=" + l1, "CREDGUARD_REF=refs/heads/leaky"}, "1"},
		{"pull request with a leak", l1, []string{"CREDGUARD_EVENT=pull_request", "CREDGUARD_BASE=" + c2, "CREDGUARD_HEAD=" + l1}, "1"},
		{"pull request with a leak, no SARIF", l1, []string{"CREDGUARD_EVENT=pull_request", "CREDGUARD_BASE=" + c2, "CREDGUARD_HEAD=" + l1}, "1"},
		{"deletion", c2, []string{"CREDGUARD_EVENT=push", "CREDGUARD_BEFORE=" + c1, "CREDGUARD_AFTER=" + zeroOID, "CREDGUARD_REF=refs/heads/gone"}, "0"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			ci := f.ciClone(tt.checkout)
			ghOut := filepath.Join(t.TempDir(), "github_output")
			env := append(slices.Clone(f.env), "GITHUB_ACTION_PATH="+f.root, "GITHUB_OUTPUT="+ghOut)
			if _, errOut, code := runShell(t, "bash", ci, append(slices.Clone(env), tt.vars...), "set -eo pipefail\n"+rangeStep); code != 0 {
				t.Fatalf("range step: exit %d: %s", code, errOut)
			}
			args := outputs(ghOut)["args"]
			sarif := filepath.Join(t.TempDir(), "credguard.sarif")
			wantSARIF := !strings.Contains(tt.name, "no SARIF") && args != ""
			if strings.Contains(tt.name, "no SARIF") {
				sarif = ""
			}
			env = append(env, "RANGE_ARGS="+args, "EXTRA_ARGS=", "SARIF="+sarif)
			stdout, errOut, code := runShell(t, "bash", ci, env, "set -eo pipefail\n"+scanStep)
			if code != 0 {
				t.Fatalf("scan step: exit %d (it reports credguard's status as an output, not by failing): %s", code, errOut)
			}
			if got := outputs(ghOut)["exit-code"]; got != tt.wantCode {
				t.Errorf("exit-code output %q, want %s; stdout:\n%s\nstderr:\n%s", got, tt.wantCode, stdout, errOut)
			}
			if data, err := os.ReadFile(sarif); wantSARIF && (err != nil || !bytes.Contains(data, []byte(`"version": "2.1.0"`)) && !bytes.Contains(data, []byte(`"version":"2.1.0"`))) {
				t.Errorf("no SARIF 2.1.0 report at %s: %v", sarif, err)
			}
			if tt.wantCode == "1" && !strings.Contains(stdout, "aws-access-key-id") {
				t.Errorf("the findings are not in the log:\n%s", stdout)
			}
		})
	}
}
