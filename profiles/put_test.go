package profiles

import (
	"errors"
	"strings"
	"testing"

	"github.com/credguard/credguard/internal/awskey"
)

func fakeCreds() Credentials {
	return Credentials{AccessKeyID: awskey.FakeID("AKIA", awskey.FakeAccount()), SecretAccessKey: awskey.FakeSecret()}
}

func fakeTempCreds() Credentials {
	return Credentials{AccessKeyID: awskey.FakeID("ASIA", awskey.FakeAccount()), SecretAccessKey: awskey.FakeSecret(), SessionToken: awskey.FakeSessionToken()}
}

// expand replaces ID, SECRET and TOKEN placeholders in a template.
func expand(tmpl string, c Credentials) string {
	return strings.NewReplacer("$ID", c.AccessKeyID, "$SECRET", c.SecretAccessKey, "$TOKEN", c.SessionToken).Replace(tmpl)
}

func TestPutCredentials(t *testing.T) {
	old := fakeTempCreds()
	tests := []struct {
		name     string
		in       string
		profile  string
		temp     bool
		replace  bool
		want     string // with $ID/$SECRET/$TOKEN of the new credentials
		wantErr  string
		sentinel error
	}{
		{name: "new file", in: "", profile: "default",
			want: "[default]\naws_access_key_id = $ID\naws_secret_access_key = $SECRET\n"},
		{name: "append keeps everything", in: "# mine\n[a]\naws_access_key_id=x ; note\n", profile: "b",
			want: "# mine\n[a]\naws_access_key_id=x ; note\n\n[b]\naws_access_key_id = $ID\naws_secret_access_key = $SECRET\n"},
		{name: "append after blank line", in: "[a]\nregion=x\n\n", profile: "b",
			want: "[a]\nregion=x\n\n[b]\naws_access_key_id = $ID\naws_secret_access_key = $SECRET\n"},
		{name: "append to a file without final newline", in: "[a]\nk=v", profile: "b",
			want: "[a]\nk=v\n\n[b]\naws_access_key_id = $ID\naws_secret_access_key = $SECRET\n"},
		{name: "CRLF kept and used", in: "[a]\r\nk=v\r\n", profile: "b",
			want: "[a]\r\nk=v\r\n\r\n[b]\r\naws_access_key_id = $ID\r\naws_secret_access_key = $SECRET\r\n"},
		{name: "existing refused", in: "[b]\naws_access_key_id = X\n", profile: "b",
			wantErr: "already has credentials", sentinel: ErrProfileExists},
		{name: "existing section without keys is filled", in: "[a]\n[b]\nregion = x\n# c\n\n[c]\n", profile: "b",
			want: "[a]\n[b]\nregion = x\naws_access_key_id = $ID\naws_secret_access_key = $SECRET\n# c\n\n[c]\n"},
		{name: "replace in place, drop stale token", replace: true,
			in:      "[a]\nk=1\n[b] \n# keep\nAWS_Access_Key_ID=OLD\nregion = r\naws_secret_access_key = \"OLD\"\naws_session_token=T\n  more\n\n[c]\n",
			profile: "a",
			want:    "[a]\nk=1\naws_access_key_id = $ID\naws_secret_access_key = $SECRET\n[b] \n# keep\nAWS_Access_Key_ID=OLD\nregion = r\naws_secret_access_key = \"OLD\"\naws_session_token=T\n  more\n\n[c]\n"},
		{name: "replace with token", replace: true, temp: true,
			in:      "[b]\r\naws_access_key_id=OLD\r\n# c\r\naws_secret_access_key=OLD\r\n  cont\r\n",
			profile: "b",
			want:    "[b]\r\naws_access_key_id = $ID\r\n# c\r\naws_secret_access_key = $SECRET\r\naws_session_token = $TOKEN\r\n"},
		{name: "replace, token line removed", replace: true,
			in:      "[b]\naws_access_key_id=OLD\naws_session_token=T\naws_secret_access_key=OLD\n\n",
			profile: "b",
			want:    "[b]\naws_access_key_id = $ID\naws_secret_access_key = $SECRET\n\n"},
		{name: "BOM refused", in: "\xEF\xBB\xBF[a]\n", profile: "b", wantErr: "byte-order mark"},
		{name: "invalid line refused", in: "[a]\njunk\n", profile: "b", wantErr: "neither"},
		{name: "key before header refused", in: "k=v\n[a]\n", profile: "b", wantErr: "before any"},
		{name: "unclosed header refused", in: "[a\n", profile: "b", wantErr: "closing"},
		{name: "duplicate profile refused", in: "[b]\n[b]\n", profile: "b", replace: true, wantErr: "more than once"},
		{name: "header comment kept", in: "[b] # work\naws_access_key_id = X\n", profile: "b", replace: true,
			want: "[b] # work\naws_access_key_id = $ID\naws_secret_access_key = $SECRET\n"},
		{name: "spaced header refused", in: "[ b ]\nk=v\n", profile: "b", replace: true, wantErr: "header"},
		{name: "duplicate key refused", in: "[b]\naws_access_key_id=1\naws_access_key_id=2\n", profile: "b", replace: true, wantErr: "twice"},
		{name: "bad profile name", in: "", profile: "a b", wantErr: "profile name"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := fakeCreds()
			if tt.temp {
				c = fakeTempCreds()
			}
			in := expand(tt.in, old)
			e, err := PutCredentials(Parse("credentials", []byte(in)), tt.profile, c, tt.replace)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("got error %v, want one containing %q", err, tt.wantErr)
				}
				if tt.sentinel != nil && !errors.Is(err, tt.sentinel) {
					t.Errorf("error %v is not %v", err, tt.sentinel)
				}
				if strings.Contains(err.Error(), c.SecretAccessKey) {
					t.Error("error message holds the secret")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got, want := string(e.Bytes()), expand(tt.want, c); got != want {
				t.Errorf("got\n%q\nwant\n%q", got, want)
			}
			f := Parse("out", e.Bytes())
			s := f.Section(tt.profile)
			if s == nil || s.Lookup("aws_access_key_id").Value != c.AccessKeyID || s.Lookup("aws_secret_access_key").Value != c.SecretAccessKey {
				t.Errorf("profile %q not readable in the result", tt.profile)
			}
		})
	}
}

func TestPutConfig(t *testing.T) {
	tests := []struct {
		name, in, profile string
		settings          []Entry
		replace           bool
		want, wantErr     string
	}{
		{name: "new default", profile: "default", settings: []Entry{{"region", "eu-west-1"}},
			want: "[default]\nregion = eu-west-1\n"},
		{name: "new named", in: "[default]\nregion=x\n", profile: "dev", settings: []Entry{{"region", "eu-west-1"}, {"output", "json"}},
			want: "[default]\nregion=x\n\n[profile dev]\nregion = eu-west-1\noutput = json\n"},
		{name: "existing profile default header", in: "[profile default]\noutput=json\n", profile: "default", settings: []Entry{{"region", "r"}},
			want: "[profile default]\noutput=json\nregion = r\n"},
		{name: "same value is no change", in: "[profile dev]\nregion = r\n", profile: "dev", settings: []Entry{{"region", "r"}},
			want: "[profile dev]\nregion = r\n"},
		{name: "other value refused", in: "[profile dev]\nregion = r\n", profile: "dev", settings: []Entry{{"region", "s"}},
			wantErr: "already sets region"},
		{name: "other value replaced", in: "[profile dev]\nregion = r\n", profile: "dev", settings: []Entry{{"region", "s"}}, replace: true,
			want: "[profile dev]\nregion = s\n"},
		{name: "credentials-style header in config is not the profile", in: "[dev]\nregion = r\n", profile: "dev", settings: []Entry{{"region", "s"}},
			want: "[dev]\nregion = r\n\n[profile dev]\nregion = s\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, err := PutConfig(Parse("config", []byte(tt.in)), tt.profile, tt.settings, tt.replace)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("got error %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := string(e.Bytes()); got != tt.want {
				t.Errorf("got\n%q\nwant\n%q", got, tt.want)
			}
		})
	}
}

func TestCredentialsCheck(t *testing.T) {
	id := awskey.FakeID("AKIA", awskey.FakeAccount())
	tmp := awskey.FakeID("ASIA", awskey.FakeAccount())
	sec := awskey.FakeSecret()
	tok := awskey.FakeSessionToken()
	tests := []struct {
		name string
		c    Credentials
		want string // "" for valid
	}{
		{"long-term", Credentials{id, sec, ""}, ""},
		{"temporary", Credentials{tmp, sec, tok}, ""},
		{"temporary without token", Credentials{tmp, sec, ""}, "session token is missing"},
		{"token with long-term key", Credentials{id, sec, tok}, "only temporary"},
		{"empty id", Credentials{"", sec, ""}, "access key ID is empty"},
		{"example id", Credentials{"AKIAIOSFODNN7EXAMPLE", sec, ""}, "documentation"},
		{"placeholder id", Credentials{"AKIA" + strings.Repeat("X", 16), sec, ""}, "placeholder"},
		{"identifier id", Credentials{"AIDA" + id[4:], sec, ""}, "IAM unique ID"},
		{"short id", Credentials{id[:19], sec, ""}, "19 characters"},
		{"example secret", Credentials{id, "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", ""}, "documentation"},
		{"short secret", Credentials{id, sec[:39], ""}, "39 characters"},
		{"id as secret", Credentials{id, id, ""}, "is an access key ID"},
		{"secret with space", Credentials{id, sec[:20] + " " + sec[21:], ""}, "position 21"},
		{"short token", Credentials{tmp, sec, "IQoJb3JpZ2luX2Vj"}, "hundreds"},
		{"token with newline", Credentials{tmp, sec, tok[:50] + "\n" + tok[51:]}, "position 51"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.c.Check()
			switch {
			case tt.want == "" && err != nil:
				t.Errorf("got %v, want valid", err)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
				t.Errorf("got %v, want an error containing %q", err, tt.want)
			}
			if err != nil && tt.c.SecretAccessKey != "" && strings.Contains(err.Error(), tt.c.SecretAccessKey) {
				t.Error("error message holds the secret")
			}
		})
	}
}

func TestSanitizeProfileName(t *testing.T) {
	for in, want := range map[string]string{
		"alice":            "alice",
		"ci=deploy,prod":   "ci-deploy-prod",
		"bob.smith@corp":   "bob.smith@corp",
		"==":               "",
		"-lead":            "lead",
		"white space here": "white-space-here",
	} {
		got := SanitizeProfileName(in)
		if got != want {
			t.Errorf("SanitizeProfileName(%q) = %q, want %q", in, got, want)
		}
		if got != "" && CheckProfileName(got) != nil {
			t.Errorf("SanitizeProfileName(%q) = %q, which CheckProfileName refuses", in, got)
		}
	}
}

func TestDiffMasksSecrets(t *testing.T) {
	old := fakeTempCreds()
	c := fakeCreds()
	in := expand("[a]\nregion = x\n\n[b]\naws_access_key_id = $ID\naws_secret_access_key = $SECRET\naws_session_token = $TOKEN\n", old)
	e, err := PutCredentials(Parse("credentials", []byte(in)), "b", c, true)
	if err != nil {
		t.Fatal(err)
	}
	d := e.Diff("credentials")
	for _, s := range []string{c.SecretAccessKey, old.SecretAccessKey, old.SessionToken[:20]} {
		if strings.Contains(d, s) {
			t.Errorf("diff shows a secret:\n%s", d)
		}
	}
	want := "--- credentials\n+++ credentials\n@@ -2,6 +2,5 @@\n region = x\n \n [b]\n-aws_access_key_id = " + awskey.Redact(old.AccessKeyID) +
		"\n-aws_secret_access_key = " + awskey.Redact(old.SecretAccessKey) +
		"\n-aws_session_token = " + awskey.Redact(old.SessionToken) +
		"\n+aws_access_key_id = " + awskey.Redact(c.AccessKeyID) +
		"\n+aws_secret_access_key = " + awskey.Redact(c.SecretAccessKey) + "\n"
	if d != want {
		t.Errorf("got diff\n%s\nwant\n%s", d, want)
	}
}
