//go:build !windows

package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/credguard/credguard/internal/awskey"
)

// The README's "Guard a repository" snippets are run as written (only the
// parts that need the internet are pointed at local stand-ins: a file
// module proxy holding this repository's HEAD, a local clone instead of
// github.com).

// readmeSnippet returns the fenced block that follows <!-- snippet: name -->.
func readmeSnippet(t *testing.T, root, name string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(root, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	re := regexp.MustCompile("(?s)<!-- snippet: " + regexp.QuoteMeta(name) + " -->\n```[a-z]*\n(.*?)```")
	m := re.FindSubmatch(data)
	if m == nil {
		t.Fatalf("README.md has no snippet %q", name)
	}
	return string(m[1])
}

// stageLeak writes a credentials-like file with a fresh fake key and stages it.
func stageLeak(t *testing.T, repo string, env []string, name string) string {
	t.Helper()
	id := awskey.FakeID("AKIA", awskey.FakeAccount())
	writeTestFile(t, filepath.Join(repo, name), fmt.Sprintf("[default]\naws_access_key_id = %s\naws_secret_access_key = %s\n", id, awskey.FakeSecret()))
	gitIn(t, repo, env, "add", name)
	return id
}

func commitCode(t *testing.T, repo string, env []string, args ...string) (string, int) {
	t.Helper()
	cmd := exec.Command("git", append([]string{"commit", "-q"}, args...)...)
	cmd.Dir = repo
	cmd.Env = env
	out, err := cmd.CombinedOutput()
	if ee, ok := err.(*exec.ExitError); ok {
		return string(out), ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return string(out), 0
}

// TestReadmeInstall runs the one-command install: 'go install ...@latest'
// resolves through a file proxy that serves this repository's HEAD as the
// latest version, then 'credguard hook install' guards the repository.
func TestReadmeInstall(t *testing.T) {
	root := moduleRoot(t)
	snippet := readmeSnippet(t, root, "install")
	tmp := t.TempDir()
	env := scratchGitEnv(t, tmp)

	const mod, version = "github.com/credguard/credguard", "v0.1.0"
	proxy := filepath.Join(tmp, "proxy")
	vdir := filepath.Join(proxy, mod, "@v")
	if err := os.MkdirAll(vdir, 0o755); err != nil {
		t.Fatal(err)
	}
	gitIn(t, root, env, "archive", "--format=zip", "--prefix="+mod+"@"+version+"/", "-o", filepath.Join(vdir, version+".zip"), "HEAD")
	writeTestFile(t, filepath.Join(vdir, version+".mod"), gitIn(t, root, env, "show", "HEAD:go.mod")+"\n")
	writeTestFile(t, filepath.Join(vdir, version+".info"), `{"Version":"`+version+`","Time":"2026-01-01T00:00:00Z"}`)
	writeTestFile(t, filepath.Join(vdir, "list"), version+"\n")
	goEnv := func(k string) string {
		out, err := exec.Command("go", "env", k).Output()
		if err != nil {
			t.Fatalf("go env %s: %v", k, err)
		}
		return strings.TrimSpace(string(out))
	}
	gopath := filepath.Join(tmp, "gopath")
	var clean []string
	for _, kv := range env {
		if k, _, _ := strings.Cut(kv, "="); k != "PATH" && !strings.HasPrefix(k, "GO") {
			clean = append(clean, kv)
		}
	}
	goBin := filepath.Dir(goPath(t))
	env = append(clean,
		"PATH="+filepath.Join(gopath, "bin")+":"+goBin+":/usr/local/bin:/usr/bin:/bin",
		"GOPATH="+gopath, "GOMODCACHE="+filepath.Join(tmp, "modcache"), "GOFLAGS=-modcacherw",
		"GOCACHE="+goEnv("GOCACHE"), "GOTOOLCHAIN=local", "GOSUMDB=off",
		// This repository from the file proxy; its dependencies from this
		// machine's module cache.
		"GOPROXY=file://"+proxy+",file://"+filepath.Join(goEnv("GOMODCACHE"), "cache", "download"),
	)

	repo := filepath.Join(tmp, "repo")
	gitIn(t, tmp, env, "init", "-q", repo)
	stdout, stderr, code := runShell(t, "sh", repo, env, snippet)
	if code != 0 {
		t.Fatalf("the install snippet failed (exit %d):\n%s\n%s", code, stdout, stderr)
	}
	installed := filepath.Join(gopath, "bin", "credguard")
	if !strings.Contains(stdout, "the hooks run "+installed) {
		t.Errorf("the hook does not run the installed binary %s:\n%s", installed, stdout)
	}
	writeTestFile(t, filepath.Join(repo, "notes.txt"), "nothing secret\n")
	gitIn(t, repo, env, "add", "notes.txt")
	if out, code := commitCode(t, repo, env, "-m", "clean"); code != 0 {
		t.Fatalf("clean commit blocked:\n%s", out)
	}
	id := stageLeak(t, repo, env, "credentials")
	out, code := commitCode(t, repo, env, "-m", "leak")
	if code == 0 || !strings.Contains(out, "aws-access-key-id") || strings.Contains(out, id) {
		t.Errorf("leak: exit %d, output:\n%s", code, out)
	}
}

func goPath(t *testing.T) string {
	p, err := exec.LookPath("go")
	if err != nil {
		t.Fatal("go is not on PATH")
	}
	return p
}

// TestReadmePreCommitConfig uses the README's .pre-commit-config.yaml, with
// the repository URL pointed at this checkout and rev at its HEAD, through
// 'pre-commit install' and real commits.
func TestReadmePreCommitConfig(t *testing.T) {
	preCommit, err := exec.LookPath("pre-commit")
	if err != nil {
		t.Fatal("the pre-commit framework is not on PATH: install it (Debian: apt-get install -y pre-commit; .ci/run does)")
	}
	root := moduleRoot(t)
	config := readmeSnippet(t, root, "pre-commit-config")
	tmp := t.TempDir()
	env := scratchGitEnv(t, tmp)
	for _, k := range []string{"GOMODCACHE", "GOCACHE"} {
		out, err := exec.Command("go", "env", k).Output()
		if err != nil {
			t.Fatal(err)
		}
		env = append(env, k+"="+strings.TrimSpace(string(out)))
	}
	env = append(env, "PRE_COMMIT_HOME="+filepath.Join(tmp, "pre-commit-home"), "PRE_COMMIT_COLOR=never")
	head := gitIn(t, root, env, "rev-parse", "HEAD")
	if !strings.Contains(config, "repo: https://github.com/credguard/credguard\n") {
		t.Fatalf("the snippet does not name the repository:\n%s", config)
	}
	config = strings.Replace(config, "https://github.com/credguard/credguard", root, 1)
	config = regexp.MustCompile(`rev: \S+`).ReplaceAllString(config, "rev: "+head)

	repo := filepath.Join(tmp, "repo")
	gitIn(t, tmp, env, "init", "-q", repo)
	writeTestFile(t, filepath.Join(repo, ".pre-commit-config.yaml"), config)
	gitIn(t, repo, env, "add", ".pre-commit-config.yaml")
	cmd := exec.Command(preCommit, "install")
	cmd.Dir, cmd.Env = repo, env
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("pre-commit install: %v\n%s", err, out)
	}
	if out, code := commitCode(t, repo, env, "-m", "add the config"); code != 0 {
		t.Fatalf("clean commit blocked:\n%s", out)
	}
	id := stageLeak(t, repo, env, "settings.ini")
	out, code := commitCode(t, repo, env, "-m", "leak")
	if code == 0 || !regexp.MustCompile(`settings\.ini:\d+:\d+: aws-access-key-id`).MatchString(out) || strings.Contains(out, id) {
		t.Errorf("leak: exit %d, output:\n%s", code, out)
	}
}

// TestReadmeGitHub checks the workflow snippet against action.yml: it needs
// the full history and only uses inputs the action declares.
func TestReadmeGitHub(t *testing.T) {
	root := moduleRoot(t)
	wf := readmeSnippet(t, root, "github")
	action, err := os.ReadFile(filepath.Join(root, "action.yml"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(wf, "fetch-depth: 0") || !strings.Contains(wf, "uses: credguard/credguard@") {
		t.Errorf("workflow snippet lacks the full-depth checkout or the action:\n%s", wf)
	}
	inWith := false
	for _, l := range strings.Split(wf, "\n") {
		trim := strings.TrimSpace(l)
		if strings.HasPrefix(trim, "- uses: credguard/credguard@") {
			inWith = true
			continue
		}
		if inWith && trim != "with:" && strings.Contains(trim, ":") {
			key, _, _ := strings.Cut(trim, ":")
			if !strings.Contains(string(action), "\n  "+key+":\n") {
				t.Errorf("the snippet passes %q, which action.yml does not declare", key)
			}
		}
	}
	for _, event := range []string{"push", "pull_request"} {
		if !strings.Contains(wf, event) {
			t.Errorf("workflow snippet does not run on %s", event)
		}
	}

	// Both are YAML that a real parser reads (PyYAML comes with pre-commit).
	check := `import sys, yaml
action = yaml.safe_load(open(sys.argv[1]))
steps = action["runs"]["steps"]
assert action["runs"]["using"] == "composite"
assert all("shell" in s for s in steps if "run" in s), "a run step without shell"
wf = yaml.safe_load(sys.stdin)
uses = [s for s in wf["jobs"]["credguard"]["steps"] if s.get("uses", "").startswith("credguard/credguard@")]
assert uses and set(uses[0].get("with", {})) <= set(action["inputs"]), "unknown inputs"
`
	cmd := exec.Command("python3", "-c", check, filepath.Join(root, "action.yml"))
	cmd.Stdin = strings.NewReader(wf)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Errorf("YAML check of action.yml and the workflow snippet: %v\n%s", err, out)
	}
}

// gitlabScript is the 'script:' of the README's GitLab job.
func gitlabScript(t *testing.T, root string) string {
	job := readmeSnippet(t, root, "gitlab")
	_, after, ok := strings.Cut(job, "  script:\n    - |\n")
	if !ok {
		t.Fatalf("GitLab snippet has no 'script: - |' block:\n%s", job)
	}
	var lines []string
	for _, l := range strings.Split(after, "\n") {
		if l != "" && !strings.HasPrefix(l, "      ") {
			break
		}
		lines = append(lines, strings.TrimPrefix(l, "      "))
	}
	return strings.Join(lines, "\n")
}

// TestReadmeGitLab runs the GitLab job's script with the variables GitLab
// sets for branch and merge request pipelines, in a runner-like clone.
func TestReadmeGitLab(t *testing.T) {
	f := newCIFixture(t)
	script := gitlabScript(t, f.root)
	if !strings.Contains(readmeSnippet(t, f.root, "gitlab"), `GIT_DEPTH: "0"`) {
		t.Error("the GitLab job does not ask for the full history")
	}
	c1 := f.commit("c1", false)
	f.git("push", "-q", "origin", "main")
	c2 := f.commit("c2", false)
	f.git("push", "-q", "origin", "main")
	f.git("checkout", "-q", "-b", "leaky")
	l1 := f.commit("l1", true)
	f.git("push", "-q", "origin", "leaky")
	f.git("checkout", "-q", "-b", "tidy", "main")
	t1 := f.commit("t1", false)
	f.git("push", "-q", "origin", "tidy")

	// GitLab's runner fetches the pipeline's branch only.
	runnerClone := func(branch, commit string) string {
		dir := filepath.Join(t.TempDir(), "ci")
		gitIn(t, filepath.Dir(dir), f.env, "init", "-q", dir)
		gitIn(t, dir, f.env, "remote", "add", "origin", f.origin)
		gitIn(t, dir, f.env, "fetch", "-q", "origin", "+refs/heads/"+branch+":refs/remotes/origin/"+branch)
		gitIn(t, dir, f.env, "checkout", "-q", "--detach", commit)
		return dir
	}
	for _, tt := range []struct {
		name, branch, commit string
		vars                 []string
		want                 int
	}{
		{"branch pipeline", "main", c2, []string{"CI_COMMIT_BEFORE_SHA=" + c1, "CI_COMMIT_BRANCH=main"}, 0},
		{"first pipeline of a new branch with a leak", "leaky", l1, []string{"CI_COMMIT_BEFORE_SHA=" + zeroOID, "CI_COMMIT_BRANCH=leaky"}, 1},
		{"first pipeline of a clean new branch", "tidy", t1, []string{"CI_COMMIT_BEFORE_SHA=" + zeroOID, "CI_COMMIT_BRANCH=tidy"}, 0},
		{"merge request with a leak", "leaky", l1, []string{"CI_COMMIT_BEFORE_SHA=" + zeroOID, "CI_MERGE_REQUEST_DIFF_BASE_SHA=" + c2}, 1},
		{"clean merge request", "tidy", t1, []string{"CI_MERGE_REQUEST_DIFF_BASE_SHA=" + c2}, 0},
		{"first pipeline of the default branch", "main", c2, []string{"CI_COMMIT_BEFORE_SHA=" + zeroOID, "CI_COMMIT_BRANCH=main"}, 0},
	} {
		t.Run(tt.name, func(t *testing.T) {
			dir := runnerClone(tt.branch, tt.commit)
			env := append(slices.Clone(f.env), append([]string{"CI_COMMIT_SHA=" + tt.commit, "CI_DEFAULT_BRANCH=main"}, tt.vars...)...)
			stdout, stderr, code := runShell(t, "sh", dir, env, "set -e\n"+script)
			if code != tt.want {
				t.Errorf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", code, tt.want, stdout, stderr)
			}
			if tt.want == 1 && !strings.Contains(stdout, "l1.txt:1:") {
				t.Errorf("the finding is not reported:\n%s", stdout)
			}
		})
	}
}

// TestReadmeShellStep runs the plain shell step in a clone whose branch
// adds commits to main.
func TestReadmeShellStep(t *testing.T) {
	f := newCIFixture(t)
	step := readmeSnippet(t, f.root, "shell-step")
	f.commit("c1", false)
	f.git("push", "-q", "origin", "main")
	f.git("checkout", "-q", "-b", "work")
	w1 := f.commit("w1", false)
	w2 := f.commit("w2", true)
	f.git("push", "-q", "origin", "work")
	for _, tt := range []struct {
		commit string
		want   int
	}{{w1, 0}, {w2, 1}} {
		ci := f.ciClone(tt.commit)
		stdout, stderr, code := runShell(t, "sh", ci, f.env, "set -e\n"+step)
		if code != tt.want {
			t.Errorf("at %s: exit %d, want %d\nstdout:\n%s\nstderr:\n%s", tt.commit, code, tt.want, stdout, stderr)
		}
	}
}
