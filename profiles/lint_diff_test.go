package profiles

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/config"
)

// fragments are lines that real credentials files contain, right and wrong.
var fragments = []string{
	"[default]", "[default]", "[default]", "[ default ]", "[default] # main", "[default] ; main", "[profile default]",
	"[DEFAULT]", "[Default]", "[dev]", "  [dev]", "[default", "[default]]", "[]",
	"aws_access_key_id = ${KEY_ID}", "aws_access_key_id = ${KEY_ID}", "aws_access_key_id=${KEY_ID}",
	"aws_access_key_id: ${KEY_ID}", "AWS_ACCESS_KEY_ID = ${KEY_ID}", "  aws_access_key_id = ${KEY_ID}",
	"\taws_access_key_id = ${KEY_ID}", "aws_access_key_id = \"${KEY_ID}\"", "aws_access_key_id = ${KEY_ID} # c",
	"aws_access_key_id = ${KEY_ID}#c", "aws_access_key_id = ${KEY_ID2}", "aws_access_key_id =",
	"aws_secret_access_key = ${SECRET}", "aws_secret_access_key = ${SECRET}", "aws_secret_access_key=${SECRET}",
	"aws_secret_access_key: ${SECRET}", "Aws_Secret_Access_Key = ${SECRET}", "  aws_secret_access_key = ${SECRET}",
	"aws_secret_access_key = '${SECRET}'", "aws_secret_access_key = ${SECRET} ;c", "aws_secret_access_key = ${SECRET2}",
	"aws_secret_access_key = ${SECRET_SHORT}", "aws_secret_access_key =",
	"aws_session_token = ${SESSION_TOKEN}", "region = us-east-1", "  region = us-east-1", "output = json",
	"# comment", "; comment", "  # indented comment", "", "", "  continued", "${SECRET}", "= x", "s3 =", "  addressing_style = path",
	"aws_access_key_id = ${KEY_ID}${CR}aws_secret_access_key = ${SECRET}",
}

// specials are characters the parsers treat differently, if at all.
var specials = []string{" ", "\t", "#", ";", "=", ":", "\"", "'", "[", "]", "\v", "\f", "\u00a0", "\ufeff", "\x00", "\u200b", " #", " ;", "\\", "%"}

type diffCase struct {
	path  string
	creds *File
	p     *Profile // Effective("default"); nil when missing
}

// genDiffCases writes n random credentials files built from fragments.
func genDiffCases(t *testing.T, n int) ([]diffCase, map[string]string) {
	t.Helper()
	keys := fakeKeys()
	keys["SECRET_SHORT"] = keys["SECRET"][:39]
	r := rand.New(rand.NewPCG(1, 2))
	dir := t.TempDir()
	var cases []diffCase
	for i := range n {
		// A correct file, then up to three random edits: insert a
		// fragment, or replace a line with one.
		lines := []string{"[default]", "aws_access_key_id = ${KEY_ID}", "aws_secret_access_key = ${SECRET}"}
		if r.IntN(2) == 0 {
			lines = append(lines, "", "[other]", "aws_access_key_id = ${KEY_ID2}", "aws_secret_access_key = ${SECRET2}")
		}
		for range r.IntN(4) {
			frag := fragments[r.IntN(len(fragments))]
			j := r.IntN(len(lines) + 1)
			if r.IntN(2) == 0 && j < len(lines) {
				lines[j] = frag
			} else {
				lines = append(lines[:j], append([]string{frag}, lines[j:]...)...)
			}
		}
		// Sometimes a stray character where it hurts most.
		if r.IntN(3) == 0 {
			j := r.IntN(len(lines))
			k := r.IntN(len(lines[j]) + 1)
			lines[j] = lines[j][:k] + specials[r.IntN(len(specials))] + lines[j][k:]
		}
		var b strings.Builder
		for _, l := range lines {
			b.WriteString(l)
			if r.IntN(20) == 0 {
				b.WriteString("\r")
			}
			b.WriteString("\n")
		}
		data := os.Expand(b.String(), func(k string) string { return keys[k] })
		path := filepath.Join(dir, fmt.Sprintf("c%d", i))
		if err := os.WriteFile(path, []byte(data), 0o600); err != nil {
			t.Fatal(err)
		}
		f := Parse(path, []byte(data))
		cases = append(cases, diffCase{path: path, creds: f, p: Effective(f, nil, "default")})
	}
	return cases, keys
}

// TestLintDifferentialRandom generates credentials files from fragments and
// checks the property the linter promises: whenever Lint finds no error,
// the AWS SDK for Go v2 and botocore both resolve exactly the keys that
// Effective reports for the profile.
func TestLintDifferentialRandom(t *testing.T) {
	for _, k := range os.Environ() {
		if name, _, _ := strings.Cut(k, "="); strings.HasPrefix(name, "AWS_") {
			t.Setenv(name, "")
			os.Unsetenv(name)
		}
	}
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	all, keys := genDiffCases(t, 1500)
	noConfig := filepath.Join(t.TempDir(), "none")
	var passed []*corpusCase
	ctx := context.Background()
	for _, c := range all {
		ds := Lint(Input{Credentials: c.creds, CredentialsPath: c.path, ConfigPath: noConfig, SkipFileChecks: true})
		if HasErrors(ds) {
			continue
		}
		id, _ := c.p.Get("aws_access_key_id")
		sk, _ := c.p.Get("aws_secret_access_key")
		tk, _ := c.p.Get("aws_session_token")
		want := [3]string{cleanValue(id.Value), cleanValue(sk.Value), cleanValue(tk.Value)}
		cfg, err := config.LoadDefaultConfig(ctx,
			config.WithSharedCredentialsFiles([]string{c.path}),
			config.WithSharedConfigFiles([]string{noConfig}),
			config.WithRegion("us-east-1"))
		if err != nil {
			t.Errorf("%s: Go SDK: %v\n%s", c.path, err, c.creds.Data)
			continue
		}
		got, err := cfg.Credentials.Retrieve(ctx)
		if err != nil || [3]string{got.AccessKeyID, got.SecretAccessKey, got.SessionToken} != want {
			t.Errorf("credguard finds no error but the Go SDK resolves other keys (err %v):\n%s\ndiagnostics:\n%s", err, redactKeys(c.creds.Data, keys), dump(ds))
		}
		passed = append(passed, &corpusCase{name: filepath.Base(c.path), creds: c.path, config: noConfig, profile: "default",
			expectID: want[0], expectSK: want[1], expectTK: want[2]})
	}
	if len(passed) < 100 {
		t.Fatalf("only %d of %d generated files pass lint: the generator is too noisy", len(passed), len(all))
	}
	for i, r := range runBotocore(t, passed) {
		if r.Credentials != "ok" || r.Creds != "match" {
			data, _ := os.ReadFile(passed[i].creds)
			t.Errorf("credguard finds no error but botocore gives file %s, credentials %s:\n%s", r.Credentials, r.Creds, redactKeys(data, keys))
		}
	}
	t.Logf("%d generated files, %d without errors, all resolved alike by both SDKs", len(all), len(passed))
}

// redactKeys replaces fake keys with their names for readable failures.
func redactKeys(data []byte, keys map[string]string) string {
	s := string(data)
	for k, v := range keys {
		if len(v) > 8 {
			s = strings.ReplaceAll(s, v, "${"+k+"}")
		}
	}
	return strings.Trim(fmt.Sprintf("%q", s), "\"")
}

// configFragments are settings of the profile under test ("target") in a
// generated config file; base holds the keys in the credentials file.
var configFragments = [][]string{
	{"role_arn = arn:aws:iam::123456789012:role/Admin", "role_arn = arn:aws:iam::123456789012:role/Admin", "role_arn = arn:aws:iam::123456789012:role/Admin", "role_arn = arn:aws:iam::1234:role/Admin", "role_arn = \"arn:aws:iam::123456789012:role/Admin\"", ""},
	{"source_profile = base", "source_profile = base", "source_profile = base", "source_profile = mid", "source_profile = mid", "source_profile = target", "source_profile = nope", "source_profile = Base", "credential_source = Environment", "credential_source = environment", ""},
	{"", "", "", "", "duration_seconds = 3600", "duration_seconds = 60", "region = us-west-2", "region = us-west-2a", "output = json", "output = JSON"},
	{"", "", "", "", "", "", "sso_session = corp", "sso_account_id = 123456789012", "sso_role_name = Dev", "sso_start_url = https://corp.awsapps.com/start", "sso_region = us-east-1", "credential_source = Environment",
		"sso_session = corp\nsso_account_id = 123456789012\nsso_role_name = Dev", "sso_session = corp\nsso_account_id = 123456789012\nsso_role_name = Dev",
		"sso_start_url = https://corp.awsapps.com/start\nsso_region = us-east-1\nsso_account_id = 123456789012\nsso_role_name = Dev"},
	{"", "", "", "[sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\nsso_region = us-east-1", "[sso-session corp]\nsso_region = us-east-1"},
	{"", "", "[profile mid]\nrole_arn = arn:aws:iam::123456789012:role/Mid\nsource_profile = base", "[profile mid]\nrole_arn = arn:aws:iam::123456789012:role/Mid\nsource_profile = base", "[profile mid]\nrole_arn = arn:aws:iam::123456789012:role/Mid\nsource_profile = target", "[profile mid]\nregion = us-east-1"},
}

// TestLintDifferentialConfig generates config files with role chains and
// SSO settings: whenever Lint finds no error for the profile, the Go SDK
// loads it with the same role, source chain and SSO account, and botocore
// resolves a provider of the same kind.
func TestLintDifferentialConfig(t *testing.T) {
	for _, k := range os.Environ() {
		if name, _, _ := strings.Cut(k, "="); strings.HasPrefix(name, "AWS_") {
			t.Setenv(name, "")
			os.Unsetenv(name)
		}
	}
	keys := fakeKeys()
	dir := t.TempDir()
	credsPath := filepath.Join(dir, "credentials")
	credsData := os.Expand("[base]\naws_access_key_id = ${KEY_ID}\naws_secret_access_key = ${SECRET}\n", func(k string) string { return keys[k] })
	if err := os.WriteFile(credsPath, []byte(credsData), 0o600); err != nil {
		t.Fatal(err)
	}
	creds := Parse(credsPath, []byte(credsData))
	r := rand.New(rand.NewPCG(3, 4))
	ctx := context.Background()
	var passed []*corpusCase
	var kinds []string
	seen := map[string]bool{}
	for i := range 1500 {
		var b strings.Builder
		b.WriteString("[profile target]\n")
		var tail []string
		for j, choices := range configFragments {
			c := choices[r.IntN(len(choices))]
			if i%3 == 0 && j < 2 {
				c = "" // a third of the profiles try SSO without a role
			}
			switch {
			case c == "":
			case j >= 4:
				tail = append(tail, c)
			default:
				b.WriteString(c + "\n")
			}
		}
		for _, t := range tail {
			b.WriteString("\n" + t + "\n")
		}
		data := b.String()
		if seen[data] {
			continue
		}
		seen[data] = true
		path := filepath.Join(dir, fmt.Sprintf("config%d", i))
		if err := os.WriteFile(path, []byte(data), 0o600); err != nil {
			t.Fatal(err)
		}
		cfgFile := Parse(path, []byte(data))
		ds := Lint(Input{Credentials: creds, Config: cfgFile, CredentialsPath: credsPath, ConfigPath: path, Profile: "target", SkipFileChecks: true})
		if HasErrors(ds) {
			continue
		}
		fail := func(format string, args ...any) {
			t.Errorf("credguard finds no error, but "+format+"\n%s\ndiagnostics:\n%s", append(args, data, dump(ds))...)
		}
		sc, err := config.LoadSharedConfigProfile(ctx, "target", func(o *config.LoadSharedConfigOptions) {
			o.CredentialsFiles = []string{credsPath}
			o.ConfigFiles = []string{path}
		})
		if err != nil {
			fail("the Go SDK fails: %v", err)
			continue
		}
		p := Effective(creds, cfgFile, "target")
		kind := "sso"
		if role, ok := p.Get("role_arn"); ok {
			kind = "assume-role"
			if sc.RoleARN != cleanValue(role.Value) {
				fail("the Go SDK reads role_arn %q", sc.RoleARN)
			}
			if _, ok := p.Get("source_profile"); ok {
				src := sc.Source
				for src != nil && src.Source != nil {
					src = src.Source
				}
				if src == nil || src.Credentials.AccessKeyID != keys["KEY_ID"] || src.Credentials.SecretAccessKey != keys["SECRET"] {
					fail("the Go SDK's source chain does not end at the keys of [base]")
				}
			} else if sc.CredentialSource != "Environment" {
				fail("the Go SDK reads credential_source %q", sc.CredentialSource)
			}
		} else if sc.SSOAccountID == "" || sc.SSORoleName == "" {
			fail("the Go SDK sees no SSO account and role")
		}
		passed = append(passed, &corpusCase{name: path, creds: credsPath, config: path, profile: "target"})
		kinds = append(kinds, kind)
	}
	if len(passed) < 30 {
		t.Fatalf("only %d generated configs pass lint", len(passed))
	}
	// credential_source = Environment needs keys in botocore's environment;
	// an explicitly chosen profile ignores them otherwise, as the CLI's --profile does.
	t.Setenv("CREDGUARD_TEST_ENV_KEYS", "1")
	for i, r := range runBotocore(t, passed) {
		if r.Config != "ok" || r.Creds != "deferred" || r.Method != kinds[i] {
			data, _ := os.ReadFile(passed[i].config)
			t.Errorf("credguard finds no error, but botocore gives config %s, credentials %s, method %q (want %s):\n%s", r.Config, r.Creds, r.Method, kinds[i], data)
		}
	}
	sso := 0
	for _, k := range kinds {
		if k == "sso" {
			sso++
		}
	}
	if sso < 3 {
		t.Errorf("only %d SSO profiles among the generated configs that pass", sso)
	}
	t.Logf("%d distinct generated configs, %d without errors (%d SSO), loaded alike by both SDKs", len(seen), len(passed), sso)
}

// FuzzLintGoSDK is the differential property as a fuzz target: for any
// credentials file in which Lint finds no error, the Go SDK resolves exactly
// the keys Effective reports for profile default.
func FuzzLintGoSDK(f *testing.F) {
	keys := fakeKeys()
	expand := func(s string) []byte { return []byte(os.Expand(s, func(k string) string { return keys[k] })) }
	f.Add(expand("[default]\naws_access_key_id = ${KEY_ID}\naws_secret_access_key = ${SECRET}\n"))
	f.Add(expand("[default]\r\naws_access_key_id=${TEMP_KEY_ID}\r\naws_secret_access_key: ${SECRET}\r\naws_session_token = ${SESSION_TOKEN}\r\n"))
	f.Add(expand("# c\n[default] ; x\n  aws_access_key_id = ${KEY_ID}\n  aws_secret_access_key = ${SECRET}\n[dev]\nregion = us-east-1\n"))
	for _, frag := range fragments {
		f.Add(expand("[default]\naws_access_key_id = ${KEY_ID}\n" + frag + "\naws_secret_access_key = ${SECRET}\n"))
	}
	for _, k := range os.Environ() {
		if name, _, _ := strings.Cut(k, "="); strings.HasPrefix(name, "AWS_") {
			os.Unsetenv(name)
		}
	}
	os.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	dir := f.TempDir()
	noConfig := filepath.Join(dir, "none")
	ctx := context.Background()
	f.Fuzz(func(t *testing.T, data []byte) {
		path := filepath.Join(dir, "credentials")
		creds := Parse(path, data)
		if HasErrors(Lint(Input{Credentials: creds, CredentialsPath: path, ConfigPath: noConfig, SkipFileChecks: true})) {
			return
		}
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		p := Effective(creds, nil, "default")
		id, _ := p.Get("aws_access_key_id")
		sk, _ := p.Get("aws_secret_access_key")
		tk, _ := p.Get("aws_session_token")
		cfg, err := config.LoadDefaultConfig(ctx,
			config.WithSharedCredentialsFiles([]string{path}),
			config.WithSharedConfigFiles([]string{noConfig}),
			config.WithRegion("us-east-1"))
		if err != nil {
			t.Fatalf("no lint error, but the Go SDK fails: %v\n%q", err, data)
		}
		got, err := cfg.Credentials.Retrieve(ctx)
		if err != nil || got.AccessKeyID != cleanValue(id.Value) || got.SecretAccessKey != cleanValue(sk.Value) || got.SessionToken != cleanValue(tk.Value) {
			t.Fatalf("no lint error, but the Go SDK resolves other keys (err %v)\n%q", err, data)
		}
	})
}
