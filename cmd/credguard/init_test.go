package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/rogpeppe/go-internal/testscript"

	"github.com/credguard/credguard/internal/awskey"
	"github.com/credguard/credguard/profiles"
)

// initCmds are the testscript commands the init and lint --fix scripts use.
var initCmds = map[string]func(ts *testscript.TestScript, neg bool, args []string){
	"perm":      cmdPerm,
	"issymlink": cmdIsSymlink,
	"sdkread":   cmdSDKRead,
	"botoread":  cmdBotoRead,
	"crlf":      cmdCRLF,
	"ptyrun":    cmdPtyRun,
}

// ptyHarness runs a command on a pseudo-terminal (Python's pty module: no
// Go dependency needed), answers each prompt as it appears, and prints
// everything the terminal showed. Its input is JSON: {"argv": [...],
// "steps": [[prompt, answer], ...]}.
const ptyHarness = `
import json, os, pty, select, sys, time
spec = json.loads(os.environ["PTY_SPEC"])
pid, fd = pty.fork()
if pid == 0:
    os.execvp(spec["argv"][0], spec["argv"])
out = b""
def read(until=None, timeout=20):
    global out
    end = time.time() + timeout
    while until is None or until.encode() not in out:
        r, _, _ = select.select([fd], [], [], max(0, end - time.time()))
        if not r:
            if until is None:
                return
            sys.stdout.write(out.decode(errors="replace"))
            sys.exit("timed out waiting for %r" % until)
        try:
            chunk = os.read(fd, 4096)
        except OSError:
            return
        if not chunk:
            return
        out += chunk
for prompt, answer in spec["steps"]:
    read(prompt)
    time.sleep(0.05)
    os.write(fd, answer.encode() + b"\r")
read()
_, status = os.waitpid(pid, 0)
sys.stdout.write(out.decode(errors="replace"))
sys.exit(os.waitstatus_to_exitcode(status))
`

// cmdPtyRun runs a command on a terminal and answers its prompts:
// ptyrun PROMPT ANSWER ... -- COMMAND ARGS. An ANSWER is the name of an
// environment variable, or =TEXT for the text itself. What the terminal
// showed becomes the command's stdout, so a script can check that a secret
// was not echoed.
func cmdPtyRun(ts *testscript.TestScript, neg bool, args []string) {
	if runtime.GOOS == "windows" {
		ts.Fatalf("ptyrun needs a POSIX pseudo-terminal")
	}
	var steps [][2]string
	for len(args) >= 2 && args[0] != "--" {
		ans := args[1]
		if v, ok := strings.CutPrefix(ans, "="); ok {
			ans = v
		} else {
			ans = ts.Getenv(ans)
		}
		steps = append(steps, [2]string{args[0], ans})
		args = args[2:]
	}
	if len(args) < 2 || args[0] != "--" {
		ts.Fatalf("usage: ptyrun PROMPT ANSWER ... -- COMMAND ARGS")
	}
	argv := args[1:]
	if p, err := exec.LookPath(argv[0]); err == nil {
		argv[0] = p
	} else {
		// testscript's own commands live on the script's PATH.
		for _, dir := range filepath.SplitList(ts.Getenv("PATH")) {
			if _, err := os.Stat(filepath.Join(dir, argv[0])); err == nil {
				argv[0] = filepath.Join(dir, argv[0])
				break
			}
		}
	}
	spec, err := json.Marshal(map[string]any{"argv": argv, "steps": steps})
	ts.Check(err)
	cmd := exec.Command("python3", "-c", ptyHarness)
	cmd.Dir = ts.MkAbs(".")
	var env []string
	for _, k := range []string{"PATH", "HOME", "USERPROFILE", "AWS_SHARED_CREDENTIALS_FILE", "AWS_CONFIG_FILE", "NO_COLOR", "TMPDIR"} {
		env = append(env, k+"="+ts.Getenv(k))
	}
	cmd.Env = append(env, "PTY_SPEC="+string(spec), "TERM=dumb")
	out, err := cmd.Output()
	ts.Stdout().Write(out)
	if ee, ok := err.(*exec.ExitError); ok {
		ts.Stderr().Write(ee.Stderr)
	}
	if (err != nil) != neg {
		ts.Fatalf("ptyrun %v: %v", argv, err)
	}
}

// cmdCRLF copies SRC to DST with CRLF line endings (or LF with -lf),
// optionally behind a UTF-8 byte-order mark: crlf [-bom] [-lf] SRC DST.
func cmdCRLF(ts *testscript.TestScript, neg bool, args []string) {
	bom, eol := false, "\r\n"
	for len(args) > 0 && strings.HasPrefix(args[0], "-") {
		switch args[0] {
		case "-bom":
			bom = true
		case "-lf":
			eol = "\n"
		default:
			ts.Fatalf("unknown flag %s", args[0])
		}
		args = args[1:]
	}
	if len(args) != 2 {
		ts.Fatalf("usage: crlf [-bom] [-lf] SRC DST")
	}
	data, err := os.ReadFile(ts.MkAbs(args[0]))
	ts.Check(err)
	out := strings.ReplaceAll(strings.ReplaceAll(string(data), "\r\n", "\n"), "\n", eol)
	if bom {
		out = "\xEF\xBB\xBF" + out
	}
	ts.Check(os.WriteFile(ts.MkAbs(args[1]), []byte(out), 0o600))
}

// cmdPerm checks a file's permission bits: perm PATH 0600. On Windows,
// where files have no POSIX modes, it checks only that the path exists.
func cmdPerm(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 2 {
		ts.Fatalf("usage: perm PATH MODE")
	}
	st, err := os.Stat(ts.MkAbs(args[0]))
	ts.Check(err)
	if runtime.GOOS == "windows" {
		return
	}
	want, err := strconv.ParseUint(args[1], 8, 32)
	ts.Check(err)
	got := st.Mode().Perm()
	if (got == os.FileMode(want)) == neg {
		ts.Fatalf("%s: mode %04o, want %s%04o", args[0], got, map[bool]string{true: "not ", false: ""}[neg], want)
	}
}

// cmdIsSymlink checks that a path is (still) a symbolic link.
func cmdIsSymlink(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 1 {
		ts.Fatalf("usage: issymlink PATH")
	}
	st, err := os.Lstat(ts.MkAbs(args[0]))
	ts.Check(err)
	if (st.Mode()&os.ModeSymlink != 0) == neg {
		ts.Fatalf("%s: symlink %v", args[0], !neg)
	}
}

// readBack is what an SDK read for a profile.
type readBack struct {
	AccessKeyID, SecretAccessKey, SessionToken, Region string
}

// wantFromArgs parses "PROFILE IDVAR SECRETVAR [token=VAR] [region=R]":
// the expected values are named by environment variable, so the secrets
// never appear in the script or its log.
func wantFromArgs(ts *testscript.TestScript, args []string) (string, readBack) {
	if len(args) < 3 {
		ts.Fatalf("usage: PROFILE IDVAR SECRETVAR [token=VAR] [region=R]")
	}
	w := readBack{AccessKeyID: ts.Getenv(args[1]), SecretAccessKey: ts.Getenv(args[2])}
	if w.AccessKeyID == "" || w.SecretAccessKey == "" {
		ts.Fatalf("%s or %s is not set", args[1], args[2])
	}
	for _, a := range args[3:] {
		switch k, v, _ := strings.Cut(a, "="); k {
		case "token":
			w.SessionToken = ts.Getenv(v)
		case "region":
			w.Region = v
		default:
			ts.Fatalf("unknown argument %q", a)
		}
	}
	return args[0], w
}

// sharedFiles returns the credentials and config files the script's
// environment selects, as the SDKs would.
func sharedFiles(ts *testscript.TestScript) (string, string) {
	creds, cfg := ts.Getenv("AWS_SHARED_CREDENTIALS_FILE"), ts.Getenv("AWS_CONFIG_FILE")
	if creds == "" {
		creds = filepath.Join(ts.Getenv("HOME"), ".aws", "credentials")
	}
	if cfg == "" {
		cfg = filepath.Join(ts.Getenv("HOME"), ".aws", "config")
	}
	return ts.MkAbs(creds), ts.MkAbs(cfg)
}

func compareReadBack(ts *testscript.TestScript, who, profile string, got, want readBack) {
	red := func(r readBack) string {
		return fmt.Sprintf("id %s secret %s token %s region %q", awskey.Redact(r.AccessKeyID), awskey.Redact(r.SecretAccessKey), awskey.Redact(r.SessionToken), r.Region)
	}
	if got.AccessKeyID != want.AccessKeyID || got.SecretAccessKey != want.SecretAccessKey ||
		got.SessionToken != want.SessionToken || want.Region != "" && got.Region != want.Region {
		ts.Fatalf("%s read profile %s as\n  %s\nwant\n  %s", who, profile, red(got), red(want))
	}
	ts.Logf("%s read profile %s with the expected values", who, profile)
}

// cmdSDKRead reads a profile with the AWS SDK for Go v2's shared-config
// loader and checks the exact values: sdkread PROFILE IDVAR SECRETVAR
// [token=VAR] [region=R].
func cmdSDKRead(ts *testscript.TestScript, neg bool, args []string) {
	profile, want := wantFromArgs(ts, args)
	creds, cfg := sharedFiles(ts)
	sc, err := config.LoadSharedConfigProfile(context.Background(), profile, func(o *config.LoadSharedConfigOptions) {
		o.CredentialsFiles = []string{creds}
		o.ConfigFiles = []string{cfg}
	})
	if neg {
		if err == nil && sc.Credentials.AccessKeyID == want.AccessKeyID && sc.Credentials.SecretAccessKey == want.SecretAccessKey {
			ts.Fatalf("the Go SDK read profile %s with these keys", profile)
		}
		return
	}
	ts.Check(err)
	compareReadBack(ts, "the AWS SDK for Go v2", profile, readBack{
		sc.Credentials.AccessKeyID, sc.Credentials.SecretAccessKey, sc.Credentials.SessionToken, sc.Region,
	}, want)
}

// botoScript prints, as JSON, the credentials and region botocore (the AWS
// CLI's library) resolves for a profile.
const botoScript = `
import json, sys
import botocore.session
s = botocore.session.Session(profile=sys.argv[1])
c = s.get_credentials()
if c is None:
    sys.exit("botocore found no credentials for profile " + sys.argv[1])
c = c.get_frozen_credentials()
print(json.dumps({"AccessKeyID": c.access_key, "SecretAccessKey": c.secret_key,
                  "SessionToken": c.token or "", "Region": s.get_config_variable("region") or ""}))
`

// cmdBotoRead reads a profile with botocore, the AWS CLI's library, and
// checks the exact values: botoread PROFILE IDVAR SECRETVAR [token=VAR]
// [region=R]. It fails (never skips) when python3 or botocore is missing.
func cmdBotoRead(ts *testscript.TestScript, neg bool, args []string) {
	profile, want := wantFromArgs(ts, args)
	creds, cfg := sharedFiles(ts)
	py, err := exec.LookPath("python3")
	if err != nil {
		ts.Fatalf("botoread needs python3 with botocore (apt-get install python3-botocore): %v", err)
	}
	cmd := exec.Command(py, "-c", botoScript, profile)
	cmd.Env = []string{
		"PATH=" + os.Getenv("PATH"), "HOME=" + ts.Getenv("HOME"),
		"AWS_SHARED_CREDENTIALS_FILE=" + creds, "AWS_CONFIG_FILE=" + cfg,
		"AWS_EC2_METADATA_DISABLED=true",
	}
	out, err := cmd.Output()
	if neg {
		if err == nil {
			var got readBack
			if json.Unmarshal(out, &got) == nil && got.AccessKeyID == want.AccessKeyID && got.SecretAccessKey == want.SecretAccessKey {
				ts.Fatalf("botocore read profile %s with these keys", profile)
			}
		}
		return
	}
	if err != nil {
		msg := ""
		if ee, ok := err.(*exec.ExitError); ok {
			msg = string(ee.Stderr)
		}
		if strings.Contains(msg, "No module named") {
			ts.Fatalf("botoread needs botocore for python3 (apt-get install python3-botocore, or pip install botocore): %s", msg)
		}
		ts.Fatalf("botocore failed to read profile %s: %v\n%s", profile, err, msg)
	}
	var got readBack
	ts.Check(json.Unmarshal(out, &got))
	compareReadBack(ts, "botocore", profile, got, want)
}

// TestPromptInput drives the interactive flow with a scripted prompter:
// what is asked, in which order, and that a bad key ID is refused before
// the secret is asked for.
func TestPromptInput(t *testing.T) {
	id, tmp := awskey.FakeID("AKIA", awskey.FakeAccount()), awskey.FakeID("ASIA", awskey.FakeAccount())
	sec, tok := awskey.FakeSecret(), awskey.FakeSessionToken()
	tests := []struct {
		name    string
		answers []string
		asked   []string // "line" or "secret"
		want    profiles.Credentials
		err     string
	}{
		{"long-term", []string{id, sec}, []string{"line", "secret"}, profiles.Credentials{AccessKeyID: id, SecretAccessKey: sec}, ""},
		{"temporary", []string{tmp, sec, tok}, []string{"line", "secret", "secret"}, profiles.Credentials{AccessKeyID: tmp, SecretAccessKey: sec, SessionToken: tok}, ""},
		{"bad id stops early", []string{"AIDA" + id[4:]}, []string{"line"}, profiles.Credentials{}, "IAM unique ID"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := &scriptedPrompter{answers: tt.answers}
			in, err := promptInput(p)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("got %v, want %q", err, tt.err)
				}
			} else if err != nil {
				t.Fatal(err)
			} else if in.creds != tt.want {
				t.Errorf("got other credentials than typed")
			}
			if strings.Join(p.asked, ",") != strings.Join(tt.asked, ",") {
				t.Errorf("asked %v, want %v", p.asked, tt.asked)
			}
			for _, pr := range p.prompts {
				if strings.Contains(strings.ToLower(pr), "secret") && !strings.Contains(pr, "not shown") {
					t.Errorf("secret prompt %q does not say it is hidden", pr)
				}
			}
		})
	}
}

type scriptedPrompter struct {
	answers, asked, prompts []string
}

func (p *scriptedPrompter) next(kind, prompt string) (string, error) {
	p.asked = append(p.asked, kind)
	p.prompts = append(p.prompts, prompt)
	if len(p.answers) == 0 {
		return "", fmt.Errorf("unexpected prompt %q", prompt)
	}
	a := p.answers[0]
	p.answers = p.answers[1:]
	return a, nil
}

func (p *scriptedPrompter) line(prompt string) (string, error)   { return p.next("line", prompt) }
func (p *scriptedPrompter) secret(prompt string) (string, error) { return p.next("secret", prompt) }
