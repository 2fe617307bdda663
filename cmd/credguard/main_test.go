package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/credguard/credguard/internal/awskey"
)

func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"credguard": func() {
			os.Exit(exitCode(run(context.Background(), os.Args[1:], os.Stdin, os.Stdout, os.Stderr), os.Stderr))
		},
	})
}

// TestScript runs the end-to-end scripts in testdata/script: real git
// repositories and real files in $WORK, with HOME=$WORK/home.
func TestScript(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Fatal("the end-to-end tests need git on PATH")
	}
	testscript.Run(t, scriptParams("testdata/script"))
}

func scriptParams(dir string) testscript.Params {
	return testscript.Params{
		Dir: dir,
		Setup: func(e *testscript.Env) error {
			home := e.WorkDir + "/home"
			if err := os.MkdirAll(home, 0o755); err != nil {
				return err
			}
			e.Setenv("HOME", home)
			e.Setenv("USERPROFILE", home)
			e.Setenv("NO_COLOR", "")
			e.Setenv("GIT_CONFIG_NOSYSTEM", "1")
			e.Setenv("GIT_AUTHOR_NAME", "Test")
			e.Setenv("GIT_AUTHOR_EMAIL", "test@example.com")
			e.Setenv("GIT_COMMITTER_NAME", "Test")
			e.Setenv("GIT_COMMITTER_EMAIL", "test@example.com")
			e.Setenv("GOOS_TEST", runtime.GOOS)
			for _, k := range []string{"AWS_PROFILE", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
				"AWS_SHARED_CREDENTIALS_FILE", "AWS_CONFIG_FILE"} {
				e.Setenv(k, "")
			}
			return os.WriteFile(home+"/.gitconfig", []byte("[init]\n\tdefaultBranch = main\n[user]\n\tname = Test\n\temail = test@example.com\n[commit]\n\tgpgsign = false\n"), 0o644)
		},
		Cmds: scriptCmds(map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"fakekeys": cmdFakeKeys,
			"subst":    cmdSubst,
		}, initCmds),
	}
}

// scriptCmds merges the testscript commands of several files.
func scriptCmds(sets ...map[string]func(ts *testscript.TestScript, neg bool, args []string)) map[string]func(ts *testscript.TestScript, neg bool, args []string) {
	all := map[string]func(ts *testscript.TestScript, neg bool, args []string){}
	for _, set := range sets {
		for k, v := range set {
			all[k] = v
		}
	}
	return all
}

// cmdFakeKeys sets fresh fake credentials in the script's environment:
// KEY_ID (long-term, new generation, account ACCOUNT), OLD_KEY_ID (old
// generation), SECRET, SECRET2, TEMP_KEY_ID, SESSION_TOKEN. With an argument
// PREFIX, the variables are named PREFIX_KEY_ID and so on.
func cmdFakeKeys(ts *testscript.TestScript, neg bool, args []string) {
	if neg {
		ts.Fatalf("unsupported: ! fakekeys")
	}
	p := ""
	if len(args) > 0 {
		p = args[0] + "_"
	}
	acct := awskey.FakeAccount()
	ts.Setenv(p+"ACCOUNT", fmt.Sprintf("%012d", acct))
	ts.Setenv(p+"KEY_ID", awskey.FakeID("AKIA", acct))
	ts.Setenv(p+"OLD_KEY_ID", awskey.FakeID("AKIA", -1))
	ts.Setenv(p+"TEMP_KEY_ID", awskey.FakeID("ASIA", acct))
	ts.Setenv(p+"SECRET", awskey.FakeSecret())
	ts.Setenv(p+"SECRET2", awskey.FakeSecret())
	ts.Setenv(p+"SESSION_TOKEN", awskey.FakeSessionToken())
}

// cmdSubst replaces ${VAR} in the named files with the script's environment,
// in place, so txtar files can hold fake keys generated at run time.
func cmdSubst(ts *testscript.TestScript, neg bool, args []string) {
	if neg {
		ts.Fatalf("unsupported: ! subst")
	}
	for _, name := range args {
		path := ts.MkAbs(name)
		data, err := os.ReadFile(path)
		ts.Check(err)
		out := os.Expand(string(data), func(k string) string {
			if v := ts.Getenv(k); v != "" {
				return v
			}
			return "${" + k + "}"
		})
		st, err := os.Stat(path)
		ts.Check(err)
		ts.Check(os.WriteFile(path, []byte(out), st.Mode().Perm()))
	}
}
