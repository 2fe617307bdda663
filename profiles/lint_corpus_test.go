package profiles

import (
	"crypto/rand"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/txtar"

	"github.com/credguard/credguard/internal/awskey"
)

// The lint corpus: testdata/lint/*.txtar, one case each. The comment holds
// "field: value" lines:
//
//	verdict:  error | warning-only | clean   (what Lint must conclude)
//	rules:    rule IDs Lint must report (errors and warnings; infos allowed)
//	profile:  the profile to check (default "default")
//	expect:   what the profile resolves to when it works: "static" (the
//	          keys ${KEY_ID}/${SECRET}, or ${TEMP_KEY_ID}/${SECRET}/${SESSION_TOKEN}
//	          when "static temp"), "role", "sso", "process" or "none"
//	botocore: what botocore does with the files: parse-error, resolves
//	          (exactly the expected keys), role, sso, wrong-credentials,
//	          no-credentials, loads (parses; credentials not asserted)
//	gosdk:    what the AWS SDK for Go v2 does: load-error, loads, resolves,
//	          wrong-credentials, no-credentials (see goSDKBehaviour)
//	env:      NAME=VALUE pairs for Lint's environment
//	mode:     the credentials file's permissions (default 0600)
//	crlf:     "true" writes \r\n line endings
//	bom:      "credentials" or "config" prepends a UTF-8 BOM to that file
//
// The files are "credentials" and "config". ${KEY_ID}, ${SECRET},
// ${TEMP_KEY_ID}, ${SESSION_TOKEN}, ${KEY_ID2}, ${SECRET2}, ${OLD_KEY_ID} are
// replaced with fresh awskey.Fake* values; ${KEY_ID_LOWER}, ${ROLE_ID} (an
// AROA identifier), ${SECRET_SHORT} (39 characters), ${SECRET_HALF1},
// ${SECRET_HALF2}, ${HEX40} (a SHA-1-like string) with broken variants;
// ${CR} with a lone \r and ${LATIN1} with a byte that is not UTF-8.

type corpusCase struct {
	name     string
	fields   map[string]string
	dir      string
	creds    string // path, "" when the case has no credentials file
	config   string // path, may not exist
	profile  string
	keys     map[string]string
	expectID string
	expectSK string
	expectTK string
}

func (c *corpusCase) field(k string) string { return c.fields[k] }

func fakeKeys() map[string]string {
	acct := awskey.FakeAccount()
	id, secret := awskey.FakeID("AKIA", acct), awskey.FakeSecret()
	hex := make([]byte, 20)
	rand.Read(hex)
	return map[string]string{
		"KEY_ID":        id,
		"KEY_ID_LOWER":  strings.ToLower(id),
		"SECRET_LOWER":  strings.ToLower(secret),
		"ROLE_ID":       awskey.FakeID("AROA", -1),
		"SECRET_SHORT":  secret[:39],
		"SECRET_HALF1":  secret[:20],
		"SECRET_HALF2":  secret[20:],
		"HEX40":         fmt.Sprintf("%x", hex),
		"LATIN1":        "\xe9",
		"KEY_ID2":       awskey.FakeID("AKIA", awskey.FakeAccount()),
		"OLD_KEY_ID":    awskey.FakeID("AKIA", -1),
		"TEMP_KEY_ID":   awskey.FakeID("ASIA", acct),
		"SECRET":        secret,
		"SECRET2":       awskey.FakeSecret(),
		"SESSION_TOKEN": awskey.FakeSessionToken(),
		"CR":            "\r",
	}
}

// loadCorpus writes every case's files into a temporary directory.
func loadCorpus(t *testing.T) []*corpusCase {
	t.Helper()
	paths, err := filepath.Glob("testdata/lint/*.txtar")
	if err != nil || len(paths) == 0 {
		t.Fatalf("no corpus in testdata/lint: %v", err)
	}
	root := t.TempDir()
	var cases []*corpusCase
	for _, p := range paths {
		a, err := txtar.ParseFile(p)
		if err != nil {
			t.Fatal(err)
		}
		c := &corpusCase{name: strings.TrimSuffix(filepath.Base(p), ".txtar"), fields: map[string]string{}, keys: fakeKeys()}
		for _, line := range strings.Split(string(a.Comment), "\n") {
			if k, v, ok := strings.Cut(line, ":"); ok && !strings.HasPrefix(line, "#") {
				c.fields[strings.TrimSpace(k)] = strings.TrimSpace(v)
			}
		}
		switch c.field("verdict") {
		case "error", "warning-only", "clean":
		default:
			t.Fatalf("%s: verdict %q is not error, warning-only or clean", p, c.field("verdict"))
		}
		c.dir = filepath.Join(root, c.name)
		if err := os.MkdirAll(c.dir, 0o700); err != nil {
			t.Fatal(err)
		}
		c.config = filepath.Join(c.dir, "config")
		c.profile = c.field("profile")
		if c.profile == "" {
			c.profile = "default"
		}
		for _, f := range a.Files {
			data := os.Expand(string(f.Data), func(k string) string {
				if v, ok := c.keys[k]; ok {
					return v
				}
				return "${" + k + "}"
			})
			if c.field("crlf") == "true" {
				data = strings.ReplaceAll(data, "\n", "\r\n")
			}
			if c.field("bom") == f.Name {
				data = "\xEF\xBB\xBF" + data
			}
			mode := os.FileMode(0o600)
			if f.Name == "credentials" {
				if m := c.field("mode"); m != "" {
					n, err := strconv.ParseUint(m, 8, 32)
					if err != nil {
						t.Fatalf("%s: mode %q", p, m)
					}
					mode = os.FileMode(n)
				}
			}
			path := filepath.Join(c.dir, f.Name)
			if err := os.WriteFile(path, []byte(data), mode); err != nil {
				t.Fatal(err)
			}
			if err := os.Chmod(path, mode); err != nil { // umask
				t.Fatal(err)
			}
			if f.Name == "credentials" {
				c.creds = path
			}
		}
		switch e := strings.Fields(c.field("expect")); {
		case len(e) > 0 && e[0] == "role":
			// The keys at the end of the source_profile chain.
			c.expectID, c.expectSK = c.keys["KEY_ID"], c.keys["SECRET"]
		case len(e) > 0 && e[0] == "static":
			c.expectID, c.expectSK = c.keys["KEY_ID"], c.keys["SECRET"]
			if slices.Contains(e, "temp") {
				c.expectID, c.expectTK = c.keys["TEMP_KEY_ID"], c.keys["SESSION_TOKEN"]
			}
			if slices.Contains(e, "stale") {
				c.expectTK = c.keys["SESSION_TOKEN"]
			}
		}
		cases = append(cases, c)
	}
	return cases
}

// lintCase runs Lint on a case as the CLI would.
func lintCase(t *testing.T, c *corpusCase) []Diagnostic {
	t.Helper()
	credsPath := c.creds
	if credsPath == "" {
		credsPath = filepath.Join(c.dir, "credentials")
	}
	creds, config, err := Open(credsPath, c.config)
	if err != nil {
		t.Fatalf("%s: %v", c.name, err)
	}
	env := map[string]string{}
	for _, kv := range strings.Fields(c.field("env")) {
		k, v, _ := strings.Cut(kv, "=")
		env[k] = os.Expand(v, func(k string) string { return c.keys[k] })
	}
	src := "default"
	if env["AWS_PROFILE"] != "" && c.field("profile") != "" {
		src = "AWS_PROFILE"
	}
	return Lint(Input{
		Credentials: creds, Config: config,
		CredentialsPath: credsPath, ConfigPath: c.config,
		Profile: c.profile, ProfileSource: src,
		Env: func(k string) string { return env[k] },
	})
}

func verdict(ds []Diagnostic) string {
	errs, warns, _ := Counts(ds)
	switch {
	case errs > 0:
		return "error"
	case warns > 0:
		return "warning-only"
	}
	return "clean"
}

// TestLintCorpus checks every case's verdict and expected rules, that correct
// files get no warning at all, and that no secret appears in any message.
func TestLintCorpus(t *testing.T) {
	cases := loadCorpus(t)
	right := 0
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if c.field("mode") != "" && runtime.GOOS == "windows" {
				t.Skip("file modes are POSIX: Windows has ACLs, and lint reports no permissions there")
			}
			ds := lintCase(t, c)
			got := verdict(ds)
			ok := got == c.field("verdict")
			if !ok {
				t.Errorf("verdict %s, want %s; diagnostics:\n%s", got, c.field("verdict"), dump(ds))
			}
			for _, r := range strings.Fields(c.field("rules")) {
				if _, known := RuleInfo(r); !known {
					t.Errorf("rules: %q is not a rule ID", r)
				}
				if !slices.ContainsFunc(ds, func(d Diagnostic) bool { return d.Rule == r }) {
					ok = false
					t.Errorf("rule %s not reported; diagnostics:\n%s", r, dump(ds))
				}
			}
			if c.field("verdict") == "clean" && c.field("rules") != "" {
				t.Errorf("a clean case lists rules")
			}
			checkNoSecrets(t, ds, c.keys)
			if ok {
				right++
			}
		})
	}
	t.Logf("corpus: %d/%d cases right", right, len(cases))
}

func dump(ds []Diagnostic) string {
	var b strings.Builder
	for _, d := range ds {
		fmt.Fprintf(&b, "  %s\n", d)
	}
	return b.String()
}

// checkNoSecrets fails if a secret, a token or a full key ID appears in a
// message or fix.
func checkNoSecrets(t *testing.T, ds []Diagnostic, keys map[string]string) {
	t.Helper()
	for _, d := range ds {
		for name, v := range keys {
			if len(v) < 16 {
				continue
			}
			if strings.Contains(d.Message, v) || strings.Contains(d.Fix, v) || strings.Contains(d.Message, v[:16]) {
				t.Errorf("%s appears in %s", name, d)
			}
		}
	}
}
