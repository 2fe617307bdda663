package profiles

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/credguard/credguard/internal/awskey"
)

// lintRuleCases has, for every rule, inputs that must trigger it at a line,
// and near misses that must not.
type lintRuleCase struct {
	name          string
	creds, config string // "-" for a missing file; ${...} expanded from fakeKeys
	profile       string
	env           map[string]string
	rule          string
	line          int  // expected line of the first diagnostic with rule
	absent        bool // the rule must NOT be reported
}

const good = "[default]\naws_access_key_id = ${KEY_ID}\naws_secret_access_key = ${SECRET}\n"

var lintRuleCases = []lintRuleCase{
	{name: "missing credentials", creds: "-", rule: RuleCredentialsMissing},
	{name: "empty credentials", creds: "", rule: RuleEmptyFile},
	{name: "only comments", creds: "# x\n; y\n", rule: RuleEmptyFile},
	{name: "profile missing", creds: good, profile: "dev", rule: RuleProfileMissing},
	{name: "profile in config only", creds: good, config: "[profile dev]\nrole_arn = arn:aws:iam::123456789012:role/R\nsource_profile = default\n", profile: "dev", rule: RuleProfileMissing, absent: true},
	{name: "no credentials", creds: good + "[dev]\nregion = us-east-1\n", profile: "dev", rule: RuleNoCredentials, line: 4},
	{name: "bom", creds: "\xEF\xBB\xBF" + good, rule: RuleBOM, line: 1},
	{name: "latin-1", creds: good + "# caf\xe9\n", rule: RuleEncoding, line: 4},
	{name: "stray cr", creds: "[default]\raws_access_key_id = ${KEY_ID}\naws_secret_access_key = ${SECRET}\n", rule: RuleStrayCR, line: 1},
	{name: "crlf is fine", creds: strings.ReplaceAll(good, "\n", "\r\n"), rule: RuleStrayCR, absent: true},
	{name: "key before section", creds: "region = us-east-1\n" + good, rule: RuleKeyBeforeSection, line: 1},
	{name: "pasted secret", creds: good + "${SECRET2}\n", rule: RuleMissingEquals, line: 4},
	{name: "empty key", creds: good + "= x\n", rule: RuleEmptyKey, line: 4},
	{name: "unclosed header", creds: "[default\naws_access_key_id = ${KEY_ID}\n", rule: RuleUnclosedHeader, line: 1},
	{name: "empty header", creds: "[]\n" + good, rule: RuleBadHeader, line: 1},
	{name: "text after header", creds: "[default] x\naws_access_key_id = ${KEY_ID}\n", rule: RuleBadHeader, line: 1},
	{name: "hash in header", creds: "[dev#1]\n" + good, rule: RuleBadHeader, line: 1},
	{name: "comment after header is fine", creds: "[default] ; main\naws_access_key_id = ${KEY_ID}\naws_secret_access_key = ${SECRET}\n", rule: RuleBadHeader, absent: true},
	{name: "header spaces", creds: "[default ]\naws_access_key_id = ${KEY_ID}\naws_secret_access_key = ${SECRET}\n", rule: RuleHeaderSpaces, line: 1},
	{name: "duplicate section", creds: good + "[default]\nregion = us-east-1\n", rule: RuleDuplicateSection, line: 4},
	{name: "duplicate key", creds: good + "AWS_ACCESS_KEY_ID = ${KEY_ID}\n", rule: RuleDuplicateKey, line: 4},
	{name: "continuation", creds: good + "  more\n", rule: RuleContinuation, line: 4},
	{name: "continuation after blank and comment", creds: good + "\n# c\n  more\n", rule: RuleContinuation, line: 6},
	{name: "indented credential value", creds: "[default]\naws_access_key_id =\n  ${KEY_ID}\naws_secret_access_key = ${SECRET}\n", rule: RuleContinuation, line: 3},
	{name: "form feed indents for botocore", creds: "[default]\naws_access_key_id = ${KEY_ID}\n\faws_secret_access_key = ${SECRET}\n", rule: RuleContinuation, line: 3},
	{name: "nbsp indents for botocore", creds: "[default]\naws_access_key_id = ${KEY_ID}\n\u00a0aws_secret_access_key = ${SECRET}\n", rule: RuleContinuation, line: 3},
	{name: "nested block is fine", creds: good, config: "[default]\ns3 =\n  addressing_style = path\n", rule: RuleContinuation, absent: true},
	{name: "same indent is not continuation", creds: "[default]\n  aws_access_key_id = ${KEY_ID}\n  aws_secret_access_key = ${SECRET}\n", rule: RuleContinuation, absent: true},
	{name: "quoted", creds: "[default]\naws_access_key_id = ${KEY_ID}\naws_secret_access_key = \"${SECRET}\"\n", rule: RuleQuotedValue, line: 3},
	{name: "lone quote (the Go SDK panics)", creds: "[default]\naws_access_key_id = ${KEY_ID}\nnote = \"\naws_secret_access_key = ${SECRET}\n", rule: RuleLoneQuote, line: 3},
	{name: "hidden control character", creds: "[default]\naws_access_key_id = ${KEY_ID}\naws_secret_access_key = \x1e${SECRET}\n", rule: RuleHiddenSpace, line: 3},
	{name: "hidden control character before the key", creds: "[default]\n\x1c aws_access_key_id = ${KEY_ID}\naws_secret_access_key = ${SECRET}\n", rule: RuleHiddenSpace, line: 2},
	{name: "quoted command is fine", creds: good, config: "[default]\ncredential_process = \"/opt/tools/helper\"\n", rule: RuleQuotedValue, absent: true},
	{name: "quoted command with space", creds: good, config: "[default]\ncredential_process = \"/opt/my tools/helper\"\n", rule: RuleQuotedValue, line: 2},
	{name: "global pseudo-region is fine", creds: good, config: "[default]\nregion = aws-global\n", rule: RuleInvalidRegion, absent: true},
	{name: "quote inside is fine", creds: good, config: "[default]\ncredential_process = /bin/helper \"a b\"\n", rule: RuleQuotedValue, absent: true},
	{name: "inline comment", creds: good, config: "[default]\nregion = us-east-1\t# home\n", rule: RuleInlineComment, line: 2},
	{name: "hash without space is fine", creds: good, config: "[default]\nregion = us-east-1#x\n", rule: RuleInlineComment, absent: true},
	{name: "empty id", creds: "[default]\naws_access_key_id =\naws_secret_access_key = ${SECRET}\n", rule: RuleEmptyValue, line: 2},
	{name: "empty token", creds: good + "aws_session_token =\n", rule: RuleEmptyValue, line: 4},
	{name: "uppercase key", creds: "[default]\nAWS_ACCESS_KEY_ID = ${KEY_ID}\naws_secret_access_key = ${SECRET}\n", rule: RuleUppercaseKey, line: 2},
	{name: "DEFAULT", creds: "[DEFAULT]\nregion = us-east-1\n" + good, rule: RuleDefaultSection, line: 1},
	{name: "indented key", creds: "[default]\n aws_access_key_id = ${KEY_ID}\naws_secret_access_key = ${SECRET}\n", rule: RuleIndentedKey, line: 2},
	{name: "colon", creds: "[default]\naws_access_key_id: ${KEY_ID}\naws_secret_access_key = ${SECRET}\n", rule: RuleColonDelimiter, line: 2},
	{name: "colon in value is fine", creds: good, config: "[default]\nsso_start_url = https://x\n", rule: RuleColonDelimiter, absent: true},
	{name: "missing id", creds: "[default]\naws_secret_access_key = ${SECRET}\n", rule: RuleMissingAccessKeyID, line: 2},
	{name: "missing secret", creds: "[default]\naws_access_key_id = ${KEY_ID}\n", rule: RuleMissingSecretAccessKey, line: 2},
	{name: "short id", creds: "[default]\naws_access_key_id = ${SHORT_ID}\naws_secret_access_key = ${SECRET}\n", rule: RuleMalformedAccessKeyID, line: 2},
	{name: "lower-case id", creds: "[default]\naws_access_key_id = ${LOWER_ID}\naws_secret_access_key = ${SECRET}\n", rule: RuleMalformedAccessKeyID, line: 2},
	{name: "identifier id", creds: "[default]\naws_access_key_id = ${ROLE_ID}\naws_secret_access_key = ${SECRET}\n", rule: RuleMalformedAccessKeyID, line: 2},
	{name: "secret as id", creds: "[default]\naws_access_key_id = ${SECRET}\naws_secret_access_key = ${SECRET2}\n", rule: RuleMalformedAccessKeyID, line: 2},
	{name: "short secret", creds: "[default]\naws_access_key_id = ${KEY_ID}\naws_secret_access_key = ${SHORT_SECRET}\n", rule: RuleMalformedSecret, line: 3},
	{name: "bad byte in secret", creds: "[default]\naws_access_key_id = ${KEY_ID}\naws_secret_access_key = ${DASH_SECRET}\n", rule: RuleMalformedSecret, line: 3},
	{name: "lower-cased secret", creds: "[default]\naws_access_key_id = ${KEY_ID}\naws_secret_access_key = ${LOWER_SECRET}\n", rule: RuleMalformedSecret, line: 3},
	{name: "id as secret", creds: "[default]\naws_access_key_id = ${KEY_ID}\naws_secret_access_key = ${KEY_ID}\n", rule: RuleMalformedSecret, line: 3},
	{name: "swapped", creds: "[default]\naws_access_key_id = ${SECRET}\naws_secret_access_key = ${KEY_ID}\n", rule: RuleSwappedKeys, line: 2},
	{name: "example id", creds: "[default]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = ${SECRET}\n", rule: RuleExampleKey, line: 2},
	{name: "example secret", creds: "[default]\naws_access_key_id = ${KEY_ID}\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n", rule: RuleExampleKey, line: 3},
	{name: "placeholder", creds: "[default]\naws_access_key_id = ${XX_ID}\naws_secret_access_key = ${SECRET}\n", rule: RulePlaceholderKey, line: 2},
	{name: "env placeholder", creds: "[default]\naws_access_key_id = ${KEY_ID}\naws_secret_access_key = $${AWS_SECRET_ACCESS_KEY}\n", rule: RulePlaceholderKey, line: 3},
	{name: "temp without token", creds: "[default]\naws_access_key_id = ${TEMP_KEY_ID}\naws_secret_access_key = ${SECRET}\n", rule: RuleTemporaryKeyNoToken, line: 2},
	{name: "stale token", creds: good + "aws_session_token = ${SESSION_TOKEN}\n", rule: RuleStaleSessionToken, line: 4},
	{name: "account", creds: good, rule: RuleKeyAccount, line: 2},
	{name: "role account", creds: good, config: "[default]\nrole_arn = arn:aws:iam::123456789012:role/Admin\nsource_profile = base\n[profile base]\nregion = us-east-1\n", rule: RuleRoleAccount, line: 2},
	{name: "no account for old keys", creds: "[default]\naws_access_key_id = ${OLD_KEY_ID}\naws_secret_access_key = ${SECRET}\n", rule: RuleKeyAccount, absent: true},
	{name: "profile prefix in credentials", creds: "[profile dev]\naws_access_key_id = ${KEY_ID}\naws_secret_access_key = ${SECRET}\n", rule: RuleProfilePrefixInCredentials, line: 1},
	{name: "missing profile prefix", creds: good, config: "[dev]\nregion = us-east-1\n", rule: RuleMissingProfilePrefix, line: 1},
	{name: "sso-session is not a profile", creds: good, config: "[sso-session corp]\nsso_start_url = https://x\nsso_region = us-east-1\n", rule: RuleMissingProfilePrefix, absent: true},
	{name: "profile name with space", creds: good, config: "[profile a b]\nregion = us-east-1\n", rule: RuleBadProfileName, line: 1},
	{name: "profile name quoted", creds: good, config: "[profile \"a\"]\nregion = us-east-1\n", rule: RuleBadProfileName, line: 1},
	{name: "conflicting default", creds: good, config: "[profile default]\nregion = us-east-1\n[default]\noutput = json\n", rule: RuleConflictingDefault, line: 3},
	{name: "output", creds: good, config: "[default]\noutput = yml\n", rule: RuleInvalidOutput, line: 2},
	{name: "output off is fine", creds: good, config: "[default]\noutput = off\n", rule: RuleInvalidOutput, absent: true},
	{name: "az", creds: good, config: "[default]\nregion = eu-west-2b\n", rule: RuleInvalidRegion, line: 2},
	{name: "zone id", creds: good, config: "[default]\nregion = use1-az1\n", rule: RuleInvalidRegion, line: 2},
	{name: "upper-case region", creds: good, config: "[default]\nregion = US-EAST-1\n", rule: RuleInvalidRegion, line: 2},
	{name: "secret in region", creds: good, config: "[default]\nregion = ${SECRET2}\n", rule: RuleInvalidRegion, line: 2},
	{name: "sso region az", creds: good, config: "[profile s]\nsso_start_url = https://x\nsso_region = us-east-1b\nsso_account_id = 123456789012\nsso_role_name = R\n", rule: RuleInvalidRegion, line: 3},
	{name: "sso-session region typo", creds: good, config: "[sso-session c]\nsso_start_url = https://x\nsso_region = useast-1\n", rule: RuleInvalidRegion, line: 3},
	{name: "region name in words", creds: good, config: "[default]\nregion = Ireland\n", rule: RuleInvalidRegion, line: 2},
	{name: "sovereign cloud region is fine", creds: good, config: "[default]\nregion = eusc-de-east-1\n", rule: RuleInvalidRegion, absent: true},
	{name: "new region is fine", creds: good, config: "[default]\nregion = ap-southeast-7\n", rule: RuleInvalidRegion, absent: true},
	{name: "role arn", creds: good, config: "[profile r]\nrole_arn = arn:aws:iam::12345:role/x\nsource_profile = default\n", rule: RuleInvalidRoleARN, line: 2},
	{name: "role without source", creds: good, config: "[profile r]\nrole_arn = arn:aws:iam::123456789012:role/x\n", rule: RuleRoleWithoutSource, line: 2},
	{name: "source without role", creds: good, config: "[profile r]\nsource_profile = default\n", rule: RuleSourceWithoutRole, line: 2},
	{name: "credential source and process", creds: good, config: "[profile r]\nrole_arn = arn:aws:iam::123456789012:role/x\ncredential_source = Environment\ncredential_process = /bin/x\n", rule: RuleConflictingCredentialType, line: 4},
	{name: "credential source case", creds: good, config: "[profile r]\nrole_arn = arn:aws:iam::123456789012:role/x\ncredential_source = ecscontainer\n", rule: RuleInvalidCredentialSource, line: 3},
	{name: "source profile missing", creds: good, config: "[profile r]\nrole_arn = arn:aws:iam::123456789012:role/x\nsource_profile = nope\n", rule: RuleSourceProfileMissing, line: 3},
	{name: "self loop without keys", creds: good, config: "[profile r]\nrole_arn = arn:aws:iam::123456789012:role/x\nsource_profile = r\n", rule: RuleSourceProfileCycle, line: 3},
	{name: "self loop with keys is fine", creds: good + "[r]\naws_access_key_id = ${KEY_ID}\naws_secret_access_key = ${SECRET}\n", config: "[profile r]\nrole_arn = arn:aws:iam::123456789012:role/x\nsource_profile = r\n", profile: "r", rule: RuleSourceProfileCycle, absent: true},
	{name: "source without keys", creds: good, config: "[profile s]\nregion = us-east-1\n[profile r]\nrole_arn = arn:aws:iam::123456789012:role/x\nsource_profile = s\n", profile: "r", rule: RuleSourceProfileNoCreds, line: 5},
	{name: "duration low", creds: good, config: "[profile r]\nrole_arn = arn:aws:iam::123456789012:role/x\nsource_profile = default\nduration_seconds = 899\n", rule: RuleInvalidDuration, line: 4},
	{name: "duration high", creds: good, config: "[profile r]\nrole_arn = arn:aws:iam::123456789012:role/x\nsource_profile = default\nduration_seconds = 43201\n", rule: RuleInvalidDuration, line: 4},
	{name: "duration bounds are fine", creds: good, config: "[profile r]\nrole_arn = arn:aws:iam::123456789012:role/x\nsource_profile = default\nduration_seconds = 43200\n[profile q]\nrole_arn = arn:aws:iam::123456789012:role/x\nsource_profile = default\nduration_seconds = 900\n", rule: RuleInvalidDuration, absent: true},
	{name: "duration not a number", creds: good, config: "[profile r]\nrole_arn = arn:aws:iam::123456789012:role/x\nsource_profile = default\nduration_seconds = 1h\n", rule: RuleInvalidDuration, line: 4},
	{name: "sso role without account", creds: good, config: "[profile s]\nsso_session = c\nsso_role_name = R\n[sso-session c]\nsso_start_url = https://x\nsso_region = us-east-1\n", rule: RuleSSOIncomplete, line: 1},
	{name: "sso session missing", creds: good, config: "[profile s]\nsso_session = c\nsso_account_id = 123456789012\nsso_role_name = R\n", rule: RuleSSOSessionMissing, line: 2},
	{name: "sso region mismatch", creds: good, config: "[profile s]\nsso_session = c\nsso_region = eu-west-1\nsso_account_id = 123456789012\nsso_role_name = R\n[sso-session c]\nsso_start_url = https://x\nsso_region = us-east-1\n", rule: RuleSSOMismatch, line: 3},
	{name: "credentials in config", creds: good, config: "[profile c]\naws_access_key_id = ${KEY_ID}\naws_secret_access_key = ${SECRET}\n", rule: RuleCredentialsInConfig, line: 2},
	{name: "env keys", creds: good, env: map[string]string{"AWS_ACCESS_KEY_ID": "${KEY_ID2}", "AWS_SECRET_ACCESS_KEY": "${SECRET2}"}, rule: RuleEnvCredentials},
	{name: "env half keys", creds: good, env: map[string]string{"AWS_SECRET_ACCESS_KEY": "${SECRET2}"}, rule: RuleEnvCredentials},
	{name: "env profile", creds: good, env: map[string]string{"AWS_PROFILE": "dev"}, rule: RuleEnvProfile},
	{name: "env default profile", creds: good, env: map[string]string{"AWS_DEFAULT_PROFILE": "dev"}, rule: RuleEnvProfile},
	{name: "env both profiles", creds: good, env: map[string]string{"AWS_DEFAULT_PROFILE": "dev", "AWS_PROFILE": "default"}, rule: RuleEnvProfile},
	{name: "env profile default is fine", creds: good, env: map[string]string{"AWS_PROFILE": "default"}, rule: RuleEnvProfile, absent: true},
}

// testKeys adds the broken variants the table needs to fakeKeys.
func testKeys() map[string]string {
	k := fakeKeys()
	k["SHORT_ID"] = k["KEY_ID"][:19]
	k["LOWER_ID"] = strings.ToLower(k["KEY_ID"])
	k["SHORT_SECRET"] = k["SECRET"][:38]
	k["LOWER_SECRET"] = strings.ToLower(k["SECRET"])
	k["XX_ID"] = "AKIA" + strings.Repeat("X", 16) // a placeholder, built so no key-shaped literal is committed
	k["DASH_SECRET"] = k["SECRET"][:10] + "-" + k["SECRET"][11:]
	return k
}

func writeCase(t *testing.T, dir, name, content string, keys map[string]string) (*File, string) {
	t.Helper()
	path := filepath.Join(dir, name)
	if content == "-" {
		return nil, path
	}
	data := os.Expand(content, func(k string) string {
		if k == "$" {
			return "$"
		}
		return keys[k]
	})
	if err := os.WriteFile(path, []byte(data), 0o600); err != nil {
		t.Fatal(err)
	}
	return Parse(path, []byte(data)), path
}

func TestLintRules(t *testing.T) {
	covered := map[string]bool{}
	for _, tc := range lintRuleCases {
		t.Run(tc.name, func(t *testing.T) {
			keys := testKeys()
			dir := t.TempDir()
			creds, credsPath := writeCase(t, dir, "credentials", tc.creds, keys)
			config, configPath := writeCase(t, dir, "config", tc.config, keys)
			if tc.config == "" {
				config = nil
			}
			env := map[string]string{}
			for k, v := range tc.env {
				env[k] = os.Expand(v, func(k string) string { return keys[k] })
			}
			ds := Lint(Input{
				Credentials: creds, Config: config, CredentialsPath: credsPath, ConfigPath: configPath,
				Profile: tc.profile, Env: func(k string) string { return env[k] }, SkipFileChecks: true,
			})
			checkNoSecrets(t, ds, keys)
			i := slices.IndexFunc(ds, func(d Diagnostic) bool { return d.Rule == tc.rule })
			switch {
			case tc.absent && i >= 0:
				t.Errorf("got %s, want no %s", ds[i], tc.rule)
			case !tc.absent && i < 0:
				t.Errorf("got no %s; diagnostics:\n%s", tc.rule, dump(ds))
			case !tc.absent && tc.line != 0 && ds[i].Line != tc.line:
				t.Errorf("got %s at line %d, want line %d", tc.rule, ds[i].Line, tc.line)
			}
			if i >= 0 {
				r, _ := RuleInfo(tc.rule)
				if ds[i].Severity != r.Severity || ds[i].Fixable != r.Fixable {
					t.Errorf("got severity %s fixable %v, want %s %v", ds[i].Severity, ds[i].Fixable, r.Severity, r.Fixable)
				}
				if ds[i].Severity != Info && ds[i].Fix == "" {
					t.Errorf("%s has no fix hint", tc.rule)
				}
			}
		})
		if !tc.absent {
			covered[tc.rule] = true
		}
	}
	for _, r := range Rules() {
		switch r.ID {
		case RuleFilePermissions, RuleGitTracked: // TestLintFileChecks
			continue
		}
		if !covered[r.ID] {
			t.Errorf("rule %s has no table test", r.ID)
		}
	}
}

// TestLintFileChecks uses real files, modes and a real git repository.
func TestLintFileChecks(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Fatal("this test needs git on PATH")
	}
	keys := testKeys()
	repo := t.TempDir()
	git := func(args ...string) {
		t.Helper()
		cmd := exec.Command("git", append([]string{"-C", repo}, args...)...)
		cmd.Env = append(os.Environ(), "GIT_CONFIG_NOSYSTEM=1", "HOME="+repo, "GIT_AUTHOR_NAME=T", "GIT_AUTHOR_EMAIL=t@example.com",
			"GIT_COMMITTER_NAME=T", "GIT_COMMITTER_EMAIL=t@example.com")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	git("init", "-q")
	if err := os.MkdirAll(filepath.Join(repo, "aws"), 0o700); err != nil {
		t.Fatal(err)
	}
	creds, path := writeCase(t, filepath.Join(repo, "aws"), "credentials", good, keys)
	lint := func() []Diagnostic {
		return Lint(Input{Credentials: creds, CredentialsPath: path, ConfigPath: filepath.Join(repo, "config")})
	}
	has := func(ds []Diagnostic, rule string) bool {
		return slices.ContainsFunc(ds, func(d Diagnostic) bool { return d.Rule == rule })
	}
	if ds := lint(); has(ds, RuleGitTracked) || has(ds, RuleFilePermissions) {
		t.Fatalf("untracked 0600 file: got\n%s", dump(ds))
	}
	git("add", "aws/credentials")
	ds := lint()
	i := slices.IndexFunc(ds, func(d Diagnostic) bool { return d.Rule == RuleGitTracked })
	if i < 0 {
		t.Fatalf("tracked file: no %s in\n%s", RuleGitTracked, dump(ds))
	}
	if real, _ := filepath.EvalSymlinks(repo); !strings.Contains(ds[i].Message, repo) && !strings.Contains(ds[i].Message, real) {
		t.Errorf("message does not name the repository %s: %s", repo, ds[i].Message)
	}
	if runtime.GOOS == "windows" {
		return
	}
	if err := os.Chmod(path, 0o644); err != nil {
		t.Fatal(err)
	}
	ds = lint()
	i = slices.IndexFunc(ds, func(d Diagnostic) bool { return d.Rule == RuleFilePermissions })
	if i < 0 || !strings.Contains(ds[i].Fix, "chmod 600") || !strings.Contains(ds[i].Message, "0644") {
		t.Errorf("0644 file: got\n%s", dump(ds))
	}
}

// TestDiagnosticJSON pins the JSON shape the CLI prints.
func TestDiagnosticJSON(t *testing.T) {
	d := Diagnostic{Rule: RuleBOM, Severity: Error, File: "c", Line: 1, Message: "m", Fix: "f", Fixable: true}
	b, err := json.Marshal(d)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := string(b), `{"rule":"bom","severity":"error","file":"c","line":1,"message":"m","fix":"f"}`; got != want {
		t.Errorf("got %s, want %s", got, want)
	}
	var back Diagnostic
	if err := json.Unmarshal(b, &back); err != nil || back.Severity != Error {
		t.Errorf("round trip: %v %+v", err, back)
	}
}

func TestRulesTable(t *testing.T) {
	seen := map[string]bool{}
	for _, r := range Rules() {
		if seen[r.ID] {
			t.Errorf("rule %s listed twice", r.ID)
		}
		seen[r.ID] = true
		for _, c := range r.ID {
			if !(c >= 'a' && c <= 'z' || c == '-') {
				t.Errorf("rule ID %q is not kebab-case", r.ID)
				break
			}
		}
	}
}

// FuzzLint checks that Lint never panics on any pair of files and that no
// secret from the input appears in a message.
func FuzzLint(f *testing.F) {
	keys := testKeys()
	for _, tc := range lintRuleCases {
		expand := func(s string) string { return os.Expand(s, func(k string) string { return keys[k] }) }
		f.Add([]byte(expand(tc.creds)), []byte(expand(tc.config)), tc.profile)
	}
	f.Fuzz(func(t *testing.T, creds, config []byte, profile string) {
		ds := Lint(Input{
			Credentials: Parse("credentials", creds), Config: Parse("config", config),
			CredentialsPath: "credentials", ConfigPath: "config", Profile: profile, SkipFileChecks: true,
		})
		for _, d := range ds {
			if d.Line < 0 || d.Line > strings.Count(string(creds)+string(config), "\n")+strings.Count(string(creds)+string(config), "\r")+2 {
				t.Fatalf("line %d out of range: %s", d.Line, d)
			}
			for _, v := range []string{keys["SECRET"], keys["SECRET2"], keys["SESSION_TOKEN"][:60]} {
				if strings.Contains(d.Message, v) || strings.Contains(d.Fix, v) {
					t.Fatalf("secret in %s", d)
				}
			}
		}
		// No secret-shaped run of the input may be echoed, whatever key
		// (or none) it was written under.
		input := string(creds) + "\n" + string(config)
		for _, d := range ds {
			text := d.Message + "\n" + d.Fix
			for i := 0; i+awskey.SecretLen <= len(text); i++ {
				w := text[i : i+awskey.SecretLen]
				if looksLikeSecret(w) && awskey.LooksRandom(w) && strings.Contains(input, w) {
					t.Fatalf("secret-shaped input echoed in %s", d)
				}
			}
		}
		// Any 40-character secret-shaped value after a secret key must not
		// be echoed either.
		for _, data := range [][]byte{creds, config} {
			for _, l := range Parse("x", data).Lines {
				if l.Kind == KeyValue && normKey(l.Key) == "aws_secret_access_key" && len(l.Value) >= 20 {
					for _, d := range ds {
						if strings.Contains(d.Message, l.Value) {
							t.Fatalf("secret value echoed in %s", d)
						}
					}
				}
			}
		}
	})
}

func ExampleLint() {
	creds := Parse("credentials", []byte("[ default ]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\n"))
	for _, d := range Lint(Input{Credentials: creds, CredentialsPath: "credentials", ConfigPath: "config", SkipFileChecks: true}) {
		fmt.Println(d.Severity, d.Rule, d.Line)
	}
	// Output:
	// error header-spaces 1
	// error missing-secret-access-key 2
	// error example-key 2
}

// TestREADMEListsRules keeps the README's rule table in step with Rules.
func TestREADMEListsRules(t *testing.T) {
	data, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, section, ok := strings.Cut(string(data), "## Check your AWS profile")
	if !ok {
		t.Fatal("README has no 'Check your AWS profile' section")
	}
	for _, r := range Rules() {
		row := "| " + r.Severity.String() + " |"
		i := strings.Index(section, row)
		if i < 0 || !strings.Contains(strings.SplitN(section[i:], "\n", 2)[0], "`"+r.ID+"`") {
			t.Errorf("README does not list %s under %s", r.ID, r.Severity)
		}
	}
}

func TestProfileMissingHints(t *testing.T) {
	keys := testKeys()
	for _, tc := range []struct{ creds, config, want string }{
		{"[defualt]\naws_access_key_id = ${KEY_ID}\naws_secret_access_key = ${SECRET}\n", "", "did you mean [defualt] (line 1)?"},
		{"[Default]\naws_access_key_id = ${KEY_ID}\naws_secret_access_key = ${SECRET}\n", "", "profile names are case-sensitive: rename [Default]"},
		{"[profile default]\naws_access_key_id = ${KEY_ID}\naws_secret_access_key = ${SECRET}\n", "", "rename [profile default] to [default]"},
		{"[production]\naws_access_key_id = ${KEY_ID}\naws_secret_access_key = ${SECRET}\n", "", "run 'credguard init --profile default' to add it"},
		{"[x]\naws_access_key_id = ${KEY_ID}\naws_secret_access_key = ${SECRET}\n", "[profile defaults]\nregion = us-east-1\n", "did you mean [profile defaults] (line 1)? rename it, or use --profile defaults"},
	} {
		dir := t.TempDir()
		creds, cp := writeCase(t, dir, "credentials", tc.creds, keys)
		var config *File
		if tc.config != "" {
			config, _ = writeCase(t, dir, "config", tc.config, keys)
		}
		ds := Lint(Input{Credentials: creds, Config: config, CredentialsPath: cp, ConfigPath: filepath.Join(dir, "config"), SkipFileChecks: true})
		i := slices.IndexFunc(ds, func(d Diagnostic) bool { return d.Rule == RuleProfileMissing })
		if i < 0 || !strings.Contains(ds[i].Fix, tc.want) {
			t.Errorf("%q: got\n%s\nwant a profile-missing fix containing %q", tc.creds, dump(ds), tc.want)
		}
	}
}

func TestScrub(t *testing.T) {
	keys := testKeys()
	for _, tc := range []struct{ in, want string }{
		{"fix: close it: [" + keys["SECRET"] + "]", "fix: close it: [" + awskey.Redact(keys["SECRET"]) + "]"},
		{"token " + keys["SESSION_TOKEN"], "token " + awskey.Redact(keys["SESSION_TOKEN"])},
		{"repository at /home/ana/src/project", "repository at /home/ana/src/project"},
		{"role_arn arn:aws:iam::123456789012:role/OrganizationAccountAccessRole", "role_arn arn:aws:iam::123456789012:role/OrganizationAccountAccessRole"},
		{"key " + keys["KEY_ID"], "key " + keys["KEY_ID"]},
	} {
		if got := scrub(tc.in); got != tc.want {
			t.Errorf("scrub(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func ExampleEffective() {
	creds := Parse("credentials", []byte("[dev]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\n"))
	config := Parse("config", []byte("[profile dev]\nregion = eu-west-1\naws_access_key_id = ignored\n"))
	p := Effective(creds, config, "dev")
	for _, k := range []string{"region", "aws_access_key_id"} {
		s, _ := p.Get(k)
		fmt.Printf("%s = %s (%s:%d)\n", k, s.Value, s.File.Path, s.Line.Num)
	}
	// Output:
	// region = eu-west-1 (config:2)
	// aws_access_key_id = AKIAIOSFODNN7EXAMPLE (credentials:2)
}
