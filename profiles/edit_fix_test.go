package profiles

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
)

// fixCase runs lint --fix's sequence on a corpus case's files, through the
// writer: the credentials file, then the config file, then permissions.
func fixCase(t *testing.T, c *corpusCase) []Fixed {
	t.Helper()
	credsPath := c.creds
	if credsPath == "" {
		credsPath = filepath.Join(c.dir, "credentials")
	}
	env := map[string]string{}
	for _, kv := range strings.Fields(c.field("env")) {
		k, v, _ := strings.Cut(kv, "=")
		env[k] = os.Expand(v, func(k string) string { return c.keys[k] })
	}
	lint := func(creds, config *File) []Diagnostic {
		return Lint(Input{Credentials: creds, Config: config, CredentialsPath: credsPath, ConfigPath: c.config,
			Profile: c.profile, Env: func(k string) string { return env[k] }, SkipFileChecks: true})
	}
	creds, config, err := Open(credsPath, c.config)
	if err != nil {
		t.Fatal(err)
	}
	var all []Fixed
	fix := func(path string, f *File, kind FileKind, l func(*File) []Diagnostic) *File {
		if f == nil {
			return nil
		}
		var done []Fixed
		if _, err := Update(context.Background(), path, func(cur *File) ([]byte, error) {
			var out []byte
			out, done = FixAll(cur, kind, l)
			return out, nil
		}); err != nil {
			t.Fatal(err)
		}
		all = append(all, done...)
		nf, err := ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		return nf
	}
	creds = fix(credsPath, creds, CredentialsFile, func(f *File) []Diagnostic { return lint(f, config) })
	fix(c.config, config, ConfigFile, func(f *File) []Diagnostic { return lint(creds, f) })
	for _, p := range []string{credsPath, c.config} {
		if _, err := os.Stat(p); err == nil {
			if ok, err := FixMode(p); err != nil {
				t.Fatal(err)
			} else if ok {
				all = append(all, Fixed{Diagnostic{Rule: RuleFilePermissions, File: p}, "set mode 0600"})
			}
		}
	}
	return all
}

// TestFixCorpus runs the fixer over the linter's corpus. A case about
// fixable rules only must come out with no error and no fixable problem
// left, and botocore must then read the intended keys. In every case, each
// line a non-fixable diagnostic points at must be left exactly as it was:
// those need a person.
func TestFixCorpus(t *testing.T) {
	cases := loadCorpus(t)
	var fixable []*corpusCase
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			before := lintCase(t, c)
			// A case is fixable when every rule it is about is: the
			// other diagnostics are consequences (a profile a BOM hid).
			rules := strings.Fields(c.field("rules"))
			allFixable := len(rules) > 0
			for _, r := range rules {
				if ri, _ := RuleInfo(r); !ri.Fixable {
					allFixable = false
				}
			}
			fixableLine := map[int]bool{}
			for _, d := range before {
				if d.Fixable {
					fixableLine[d.Line] = true
				}
			}
			var keep []string // lines a person must look at
			for _, d := range before {
				if d.Severity == Info || d.Fixable || d.Line == 0 || d.File == "" || fixableLine[d.Line] {
					continue
				}
				if f, err := ReadFile(d.File); err == nil && d.Line <= len(f.Lines) {
					keep = append(keep, f.Lines[d.Line-1].Raw)
				}
			}
			fixed := fixCase(t, c)
			after := lintCase(t, c)
			for _, k := range keep {
				found := false
				for _, p := range []string{c.creds, c.config} {
					if data, err := os.ReadFile(p); err == nil && strings.Contains(string(data), k) {
						found = true
					}
				}
				if !found {
					t.Errorf("a line needing a person was changed: %q", k)
				}
			}
			if !allFixable {
				return
			}
			if len(fixed) == 0 && verdict(before) != "clean" && !(runtime.GOOS == "windows" && slices.ContainsFunc(before, func(d Diagnostic) bool { return d.Rule == RuleFilePermissions })) {
				t.Errorf("nothing fixed; diagnostics before:\n%s", dump(before))
			}
			if verdict(after) == "error" || slices.ContainsFunc(after, func(d Diagnostic) bool { return d.Fixable }) {
				t.Errorf("after --fix:\n%s\nbefore:\n%s", dump(after), dump(before))
			}
			fixable = append(fixable, c)
		})
	}
	t.Logf("%d corpus cases are fixable", len(fixable))
	if len(fixable) < 5 {
		t.Fatalf("only %d fixable cases: the corpus or the fixer changed", len(fixable))
	}
	// botocore reads the fixed files with the intended keys: for a stale
	// token, the key pair without it.
	for _, c := range fixable {
		if strings.Contains(c.field("expect"), "stale") {
			c.expectTK = ""
		}
	}
	for i, r := range runBotocore(t, fixable) {
		c := fixable[i]
		if !strings.HasPrefix(c.field("expect"), "static") {
			continue // roles, SSO, processes: resolved later, elsewhere
		}
		if r.Credentials == "error" || strings.HasPrefix(r.Credentials, "error:") || strings.HasPrefix(r.Config, "error:") {
			t.Errorf("%s: botocore cannot parse the fixed files: %+v", c.name, r)
		}
		if c.expectID != "" && r.Creds != "match" {
			t.Errorf("%s: botocore resolved %s after the fix, want the intended keys", c.name, r.Creds)
		}
	}
}

// FuzzFix: fixing any file never panics, never adds a problem of a rule it
// fixes, and never grows the number of problems.
func FuzzFix(f *testing.F) {
	c := fakeCreds()
	for _, s := range []string{
		"\xEF\xBB\xBF[ default ]\r\naws_access_key_id = \"" + c.AccessKeyID + "\" # x\r\nAWS_Secret_Access_Key: '" + c.SecretAccessKey + "'\r\n",
		"[profile a]\n  k = v\n[a\nx\r y\n", "[default]\naws_access_key_id = " + c.SecretAccessKey + "\naws_secret_access_key = " + c.AccessKeyID + "\n",
	} {
		f.Add([]byte(s), false)
		f.Add([]byte(s), true)
	}
	f.Fuzz(func(t *testing.T, data []byte, config bool) {
		kind, path := CredentialsFile, "credentials"
		if config {
			kind, path = ConfigFile, "config"
		}
		lint := func(g *File) []Diagnostic {
			in := Input{CredentialsPath: "credentials", ConfigPath: "config", SkipFileChecks: true}
			if config {
				in.Config = g
			} else {
				in.Credentials = g
			}
			return Lint(in)
		}
		in := Parse(path, data)
		// A carriage return inside a line is a line break to botocore, and
		// fixing it makes the lines botocore reads visible to the linter
		// (each with its own problems): compare with those lines.
		before := lint(Parse(path, strayCRToNewline(data)))
		out, _ := FixAll(in, kind, lint)
		if out == nil {
			return
		}
		after := lint(Parse(path, out))
		count := func(ds []Diagnostic, fixable bool) int {
			n := 0
			for _, d := range ds {
				if d.Severity != Info && d.Fixable == fixable {
					n++
				}
			}
			return n
		}
		if count(after, true) > count(before, true) {
			t.Errorf("fixable problems grew from %d to %d:\n%q\n%q\nbefore:\n%s\nafter:\n%s", count(before, true), count(after, true), data, out, dump(before), dump(after))
		}
	})
}

// TestPutCorpus writes through the writer into every clean file of the
// linter's corpus: a new profile appended, and (where the profile holds
// static keys) its keys replaced. The files must stay clean for the linter,
// and botocore must read exactly the new keys.
func TestPutCorpus(t *testing.T) {
	var check []*corpusCase
	for _, c := range loadCorpus(t) {
		if c.field("verdict") != "clean" || c.creds == "" {
			continue
		}
		t.Run(c.name, func(t *testing.T) {
			before := lintCase(t, c)
			add := fakeCreds()
			if _, err := Update(context.Background(), c.creds, putFunc("credguard-new", add, false)); err != nil {
				t.Fatal(err)
			}
			if got := lintCase(t, c); verdict(got) != "clean" {
				t.Errorf("after adding a profile:\n%s\nbefore:\n%s", dump(got), dump(before))
			}
			nc := *c
			nc.profile, nc.expectID, nc.expectSK, nc.expectTK = "credguard-new", add.AccessKeyID, add.SecretAccessKey, ""
			check = append(check, &nc)
			if c.field("expect") == "static" && c.profile == "default" {
				repl := fakeTempCreds()
				if _, err := Update(context.Background(), c.creds, putFunc("default", repl, true)); err != nil {
					t.Fatal(err)
				}
				if got := lintCase(t, c); verdict(got) != "clean" {
					t.Errorf("after replacing default's keys:\n%s", dump(got))
				}
				rc := *c
				rc.expectID, rc.expectSK, rc.expectTK = repl.AccessKeyID, repl.SecretAccessKey, repl.SessionToken
				check = append(check, &rc)
			}
		})
	}
	for i, r := range runBotocore(t, check) {
		if r.Creds != "match" {
			t.Errorf("%s, profile %s: botocore resolved %+v, want the keys written", check[i].name, check[i].profile, r)
		}
	}
	t.Logf("%d profiles written and read back", len(check))
}

// strayCRToNewline turns every carriage return not followed by a newline into
// a newline, as botocore reads it.
func strayCRToNewline(data []byte) []byte {
	out := make([]byte, 0, len(data))
	for i, c := range data {
		if c == '\r' && (i+1 == len(data) || data[i+1] != '\n') {
			c = '\n'
		}
		out = append(out, c)
	}
	return out
}
