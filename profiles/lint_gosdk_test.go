package profiles

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/config"
)

// TestLintCorpusGoSDK is the differential test against the AWS SDK for Go
// v2's shared-config loader: whenever Lint finds no error in a case, the SDK
// must load the profile and resolve exactly the expected keys (or the
// expected role, SSO or process settings).
func TestLintCorpusGoSDK(t *testing.T) {
	for _, k := range os.Environ() {
		if name, _, _ := strings.Cut(k, "="); strings.HasPrefix(name, "AWS_") {
			t.Setenv(name, "")
			os.Unsetenv(name)
		}
	}
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	ctx := context.Background()
	checked := 0
	for _, c := range loadCorpus(t) {
		ds := lintCase(t, c)
		if HasErrors(ds) {
			continue
		}
		checked++
		creds := c.creds
		if creds == "" {
			creds = filepath.Join(c.dir, "credentials")
		}
		files := func(o *config.LoadSharedConfigOptions) {
			o.CredentialsFiles = []string{creds}
			o.ConfigFiles = []string{c.config}
		}
		sc, err := config.LoadSharedConfigProfile(ctx, c.profile, files)
		if err != nil {
			t.Errorf("%s: credguard finds no error, but the Go SDK fails to load profile %q: %v", c.name, c.profile, err)
			continue
		}
		switch kind := strings.Fields(c.field("expect") + " none")[0]; kind {
		case "static":
			cfg, err := config.LoadDefaultConfig(ctx,
				config.WithSharedCredentialsFiles([]string{creds}),
				config.WithSharedConfigFiles([]string{c.config}),
				config.WithSharedConfigProfile(c.profile),
				config.WithRegion("us-east-1"))
			if err != nil {
				t.Errorf("%s: LoadDefaultConfig: %v", c.name, err)
				continue
			}
			got, err := cfg.Credentials.Retrieve(ctx)
			if err != nil {
				t.Errorf("%s: Retrieve: %v", c.name, err)
				continue
			}
			if got.AccessKeyID != c.expectID || got.SecretAccessKey != c.expectSK || got.SessionToken != c.expectTK {
				t.Errorf("%s: credguard finds no error, but the Go SDK resolves other keys (key ID match %v, secret match %v, token match %v)",
					c.name, got.AccessKeyID == c.expectID, got.SecretAccessKey == c.expectSK, got.SessionToken == c.expectTK)
			}
		case "role":
			if sc.RoleARN == "" {
				t.Errorf("%s: the Go SDK sees no role_arn", c.name)
				continue
			}
			if sc.SourceProfileName == "" {
				if sc.CredentialSource == "" && sc.WebIdentityTokenFile == "" {
					t.Errorf("%s: the Go SDK sees a role with no source", c.name)
				}
				continue
			}
			src := sc.Source
			for src != nil && src.Source != nil && !src.Credentials.HasKeys() {
				src = src.Source
			}
			if src == nil || src.Credentials.AccessKeyID != c.expectID || src.Credentials.SecretAccessKey != c.expectSK {
				t.Errorf("%s: the Go SDK's role chain does not end at the expected keys", c.name)
			}
		case "sso":
			if sc.SSOAccountID == "" || sc.SSORoleName == "" {
				t.Errorf("%s: the Go SDK sees no SSO account and role", c.name)
			}
		case "process":
			if sc.CredentialProcess == "" {
				t.Errorf("%s: the Go SDK sees no credential_process", c.name)
			}
		case "none":
		default:
			t.Errorf("%s: unknown expect %q", c.name, kind)
		}
	}
	if checked < 20 {
		t.Errorf("only %d cases without errors were checked against the Go SDK", checked)
	}
}
