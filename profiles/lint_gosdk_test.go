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
		creds := c.creds
		if creds == "" {
			creds = filepath.Join(c.dir, "credentials")
		}
		files := func(o *config.LoadSharedConfigOptions) {
			o.CredentialsFiles = []string{creds}
			o.ConfigFiles = []string{c.config}
		}
		sc, err := config.LoadSharedConfigProfile(ctx, c.profile, files)
		if got, want := goSDKBehaviour(ctx, c, creds, err), c.field("gosdk"); got != want {
			t.Errorf("%s: labelled gosdk: %s, but the Go SDK gives %s", c.name, want, got)
		}
		ds := lintCase(t, c)
		if HasErrors(ds) {
			continue
		}
		checked++
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

// goSDKBehaviour says what the Go SDK does with a case, in the words of the
// corpus's "gosdk:" labels: load-error (LoadSharedConfigProfile fails),
// loads (it succeeds; for role, SSO and process profiles nothing more is
// resolved offline), resolves (static keys, exactly the expected ones),
// wrong-credentials (other keys), no-credentials (none resolve).
func goSDKBehaviour(ctx context.Context, c *corpusCase, creds string, loadErr error) string {
	if loadErr != nil {
		return "load-error"
	}
	if !strings.HasPrefix(c.field("expect"), "static") {
		return "loads"
	}
	cfg, err := config.LoadDefaultConfig(ctx,
		config.WithSharedCredentialsFiles([]string{creds}),
		config.WithSharedConfigFiles([]string{c.config}),
		config.WithSharedConfigProfile(c.profile),
		config.WithRegion("us-east-1"))
	if err != nil {
		return "load-error"
	}
	got, err := cfg.Credentials.Retrieve(ctx)
	switch {
	case err != nil:
		return "no-credentials"
	case got.AccessKeyID == c.expectID && got.SecretAccessKey == c.expectSK && got.SessionToken == c.expectTK:
		return "resolves"
	}
	return "wrong-credentials"
}
