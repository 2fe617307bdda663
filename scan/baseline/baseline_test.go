package baseline

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/credguard/credguard/internal/awskey"
	"github.com/credguard/credguard/scan"
)

func TestRoundTrip(t *testing.T) {
	id, secret := awskey.FakeID("AKIA", awskey.FakeAccount()), awskey.FakeSecret()
	d := scan.New(scan.Options{KnownSecrets: []string{secret}})
	content := []byte("id = " + id + "\nsecret = " + secret + "\n")
	findings := d.Scan("creds.txt", content)
	if len(findings) == 0 {
		t.Fatal("detector found nothing")
	}
	file := filepath.Join(t.TempDir(), "baseline.json")
	if err := FromFindings(findings).Write(file); err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	// Neither the key ID nor the secret, nor a recognisable part, is stored.
	for _, v := range []string{id, id[4:], secret, secret[:20], secret[20:]} {
		if strings.Contains(string(raw), v) {
			t.Errorf("baseline holds %q:\n%s", v, raw)
		}
	}
	b, err := Read(file)
	if err != nil {
		t.Fatal(err)
	}
	// The same credentials moved to other lines and files are still known.
	moved := d.Scan("elsewhere.txt", []byte("\n\n  "+string(content)))
	fresh := awskey.FakeID("AKIA", -1)
	res := &scan.Result{Findings: append(moved, d.Scan("new.txt", []byte(fresh))...)}
	stale := b.Apply(res)
	if len(res.Findings) != 1 || res.Findings[0].File != "new.txt" {
		t.Errorf("after the baseline: %+v, want only the fresh key", res.Findings)
	}
	if len(stale) != 0 {
		t.Errorf("stale = %+v, want none", stale)
	}
	// Once the credentials are gone, their entries are reported stale.
	res = &scan.Result{}
	if stale := b.Apply(res); len(stale) != len(b.Entries) {
		t.Errorf("stale = %d entries, want %d", len(stale), len(b.Entries))
	}
}

func TestReadErrors(t *testing.T) {
	dir := t.TempDir()
	for name, content := range map[string]string{
		"notjson":  "hello",
		"version":  `{"version": 9, "entries": []}`,
		"badentry": `{"version": 1, "entries": [{"fingerprint": "AKIA"}]}`,
	} {
		p := filepath.Join(dir, name)
		os.WriteFile(p, []byte(content), 0o644)
		if _, err := Read(p); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}
