package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/credguard/credguard/scan"
)

func TestMatch(t *testing.T) {
	for _, tc := range []struct {
		glob, file string
		want       bool
	}{
		{"*.golden", "a.golden", true},
		{"*.golden", "deep/dir/a.golden", true},
		{"*.golden", "a.golden.txt", false},
		{"testdata", "pkg/testdata/x.txt", true}, // a name matches folders on the way
		{"testdata/**", "testdata/x/y.txt", true},
		{"testdata/**", "pkg/testdata/x.txt", false}, // anchored at the root
		{"**/testdata/**", "pkg/testdata/x.txt", true},
		{"**/testdata/**", "testdata/x.txt", true},
		{"docs/", "docs/a.md", true},
		{"docs", "docs/a.md", true},
		{"docs/*.md", "docs/a.md", true},
		{"docs/*.md", "docs/sub/a.md", false},
		{"docs/**/*.md", "docs/sub/a.md", true},
		{"docs/**/*.md", "docs/a.md", true},
		{"a/b", "a/b/c", true}, // a folder covers what is under it
		{"a/b", "a/bc", false},
		{"?.txt", "x.txt", true},
		{"[ab].txt", "c.txt", false},
		{"", "x", false},
	} {
		if got := Match(tc.glob, tc.file); got != tc.want {
			t.Errorf("Match(%q, %q) = %v, want %v", tc.glob, tc.file, got, tc.want)
		}
	}
}

func load(t *testing.T, content string) (*Config, error) {
	t.Helper()
	p := filepath.Join(t.TempDir(), FileName)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return Load(p)
}

func TestLoad(t *testing.T) {
	fp := scan.Fingerprint(scan.RuleAccessKeyID, "x")
	c, err := load(t, "; comment\n[ignore]\npath = testdata/**\npath = *.golden ; golden files\n\n[allow]\nfingerprint = "+strings.ToUpper(fp)+" ; docs fixture\n[scan]\nknown-secrets = false\n")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(c.Ignore, ",") != "testdata/**,*.golden" || !c.Allow[fp] || c.KnownSecrets {
		t.Errorf("config = %+v", c)
	}
	d, err := LoadRepo(t.TempDir())
	if err != nil || !d.KnownSecrets || len(d.Ignore) != 0 {
		t.Errorf("LoadRepo without a file = %+v, %v; want the default", d, err)
	}
}

func TestLoadErrors(t *testing.T) {
	for _, tc := range []struct{ content, want string }{
		{"[ignore]\npaths = x\n", `unknown setting "paths"`},
		{"[allow]\nfingerprint = not-hex\n", "not a fingerprint"},
		{"[allow]\nfingerprint = AKIA\n", "not a fingerprint"},
		{"[scan]\nknown-secrets = maybe\n", "want true or false"},
		{"[secrets]\n", "unknown section [secrets]"},
		{"path = x\n", "outside a section"},
		{"[ignore]\npath = [x\n", "bad glob"},
	} {
		_, err := load(t, tc.content)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: err = %v, want %q", tc.content, err, tc.want)
		}
	}
}

func TestApply(t *testing.T) {
	allowed := scan.Fingerprint(scan.RuleAccessKeyID, "allowed")
	c := Default()
	c.Ignore = []string{"fixtures/**"}
	c.Allow[allowed] = true
	c.KnownSecrets = false
	res := &scan.Result{
		Findings: []scan.Finding{
			{Rule: scan.RuleAccessKeyID, File: "app.py", Fingerprint: "keep"},
			{Rule: scan.RuleAccessKeyID, File: "fixtures/a.txt", Fingerprint: "ignored"},
			{Rule: scan.RuleAccessKeyID, File: "app.py", Fingerprint: allowed},
			{Rule: scan.RuleKnownSecret, File: "app.py", Fingerprint: "known"},
		},
		Skipped: []scan.Skipped{{Path: "fixtures/big.bin", Reason: "large"}, {Path: "other.bin", Reason: "large"}},
	}
	c.Apply(res, nil)
	if len(res.Findings) != 1 || res.Findings[0].Fingerprint != "keep" {
		t.Errorf("findings = %+v, want only keep", res.Findings)
	}
	if len(res.Skipped) != 1 || res.Skipped[0].Path != "other.bin" {
		t.Errorf("skipped = %+v, want only other.bin", res.Skipped)
	}
}
