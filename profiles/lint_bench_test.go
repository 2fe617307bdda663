package profiles

import (
	"fmt"
	"os"
	"strings"
	"testing"
)

// benchFiles builds a credentials file with n profiles and a config file
// with a region, a role and an SSO profile for each.
func benchFiles(n int) (creds, config *File) {
	keys := fakeKeys()
	var c, g strings.Builder
	for i := range n {
		fmt.Fprintf(&c, "[p%d]\naws_access_key_id = %s\naws_secret_access_key = %s\n\n", i, keys["KEY_ID"], keys["SECRET"])
		fmt.Fprintf(&g, "[profile p%d]\nregion = us-east-1\noutput = json\n\n[profile r%d]\nrole_arn = arn:aws:iam::123456789012:role/R\nsource_profile = p%d\n\n", i, i, i)
		fmt.Fprintf(&g, "[profile s%d]\nsso_session = corp\nsso_account_id = 123456789012\nsso_role_name = Dev\n\n", i)
	}
	g.WriteString("[sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\nsso_region = us-east-1\n")
	return Parse("credentials", []byte(c.String())), Parse("config", []byte(g.String()))
}

func benchmarkLint(b *testing.B, n int) {
	creds, config := benchFiles(n)
	b.SetBytes(int64(len(creds.Data) + len(config.Data)))
	for b.Loop() {
		ds := Lint(Input{Credentials: creds, Config: config, CredentialsPath: "credentials", ConfigPath: "config", Profile: "r0", SkipFileChecks: true})
		if HasErrors(ds) {
			b.Fatalf("errors:\n%s", dump(ds))
		}
	}
}

// BenchmarkLint1 is a typical file: one profile.
func BenchmarkLint1(b *testing.B) { benchmarkLint(b, 1) }

// BenchmarkLint50 is a large organisation's file: 50 accounts, 150 profiles.
func BenchmarkLint50(b *testing.B) { benchmarkLint(b, 50) }

func BenchmarkParse50(b *testing.B) {
	creds, config := benchFiles(50)
	data := append(append([]byte{}, creds.Data...), config.Data...)
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		Parse("f", data)
	}
}

// BenchmarkLintFileChecks includes the permission check and the two git
// processes that the CLI runs.
func BenchmarkLintFileChecks(b *testing.B) {
	creds, _ := benchFiles(1)
	path := b.TempDir() + "/credentials"
	if err := os.WriteFile(path, creds.Data, 0o600); err != nil {
		b.Fatal(err)
	}
	creds.Path = path
	for b.Loop() {
		Lint(Input{Credentials: creds, CredentialsPath: path, ConfigPath: path + ".none", Profile: "p0"})
	}
}
