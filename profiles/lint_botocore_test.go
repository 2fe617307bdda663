package profiles

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// botocoreScript reads a JSON list of cases and, for each, parses both files
// with botocore's own parser (configloader.raw_config_parse, what the AWS CLI
// uses) and resolves the profile's credentials through a botocore Session
// with the instance-metadata and container providers out of the way. It
// compares keys itself and prints only verdicts, never a key.
const botocoreScript = `
import json, os, sys
import botocore.session, botocore.configloader as cl

cases = json.load(open(sys.argv[1]))
out = []
for c in cases:
    r = {}
    for k in ("credentials", "config"):
        p = c[k]
        if not os.path.isfile(p):
            r[k] = "missing"
            continue
        try:
            cl.raw_config_parse(p)
            r[k] = "ok"
        except Exception as e:
            r[k] = "error:" + type(e).__name__
    for v in list(os.environ):
        if v.startswith("AWS_"):
            del os.environ[v]
    os.environ["AWS_SHARED_CREDENTIALS_FILE"] = c["credentials"]
    os.environ["AWS_CONFIG_FILE"] = c["config"]
    os.environ["AWS_EC2_METADATA_DISABLED"] = "true"
    if c["env_keys"]:
        os.environ["AWS_ACCESS_KEY_ID"] = "AKIAIOSFODNN7EXAMPLE"
        os.environ["AWS_SECRET_ACCESS_KEY"] = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
    try:
        s = botocore.session.Session(profile=c["profile"])
        cr = s.get_credentials()
        if cr is None:
            r["creds"] = "none"
        else:
            r["method"] = cr.method
            if cr.method in ("shared-credentials-file", "config-file"):
                f = cr.get_frozen_credentials()
                same = (f.access_key, f.secret_key, f.token or "") == (c["id"], c["secret"], c["token"])
                r["creds"] = "match" if same else "mismatch"
            else:
                r["creds"] = "deferred"
    except Exception as e:
        r["creds"] = "error:" + type(e).__name__
    out.append(r)
json.dump(out, sys.stdout)
`

type botocoreResult struct {
	Credentials string `json:"credentials"`
	Config      string `json:"config"`
	Creds       string `json:"creds"`
	Method      string `json:"method"`
}

// runBotocore runs botocoreScript over the cases. botocore must be
// importable: CI installs it (python3-botocore), and without it the labels
// cannot be checked, so the test fails rather than skips.
func runBotocore(t *testing.T, cases []*corpusCase) []botocoreResult {
	t.Helper()
	if out, err := exec.Command("python3", "-c", "import botocore").CombinedOutput(); err != nil {
		t.Fatalf("botocore is needed to check the corpus labels against the AWS CLI's parser (apt-get install python3-botocore, or pip install botocore): %v\n%s", err, out)
	}
	type in struct {
		Credentials string `json:"credentials"`
		Config      string `json:"config"`
		Profile     string `json:"profile"`
		ID          string `json:"id"`
		Secret      string `json:"secret"`
		Token       string `json:"token"`
		EnvKeys     bool   `json:"env_keys"`
	}
	var ins []in
	for _, c := range cases {
		creds := c.creds
		if creds == "" {
			creds = filepath.Join(c.dir, "credentials")
		}
		ins = append(ins, in{creds, c.config, c.profile, c.expectID, c.expectSK, c.expectTK, os.Getenv("CREDGUARD_TEST_ENV_KEYS") != ""})
	}
	manifest := filepath.Join(t.TempDir(), "cases.json")
	data, _ := json.Marshal(ins)
	if err := os.WriteFile(manifest, data, 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("python3", "-c", botocoreScript, manifest)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("botocore script: %v\n%s", err, stderr.String())
	}
	var rs []botocoreResult
	if err := json.Unmarshal(out, &rs); err != nil || len(rs) != len(cases) {
		t.Fatalf("botocore script output: %v (%d results for %d cases)", err, len(rs), len(cases))
	}
	return rs
}

// TestLintCorpusBotocore checks each case's "botocore:" label against what
// botocore really does, and that every case credguard passes (clean or
// warning-only) works in botocore: parsed, and resolving the expected keys
// (or a role, SSO or other deferred provider).
func TestLintCorpusBotocore(t *testing.T) {
	cases := loadCorpus(t)
	rs := runBotocore(t, cases)
	for i, c := range cases {
		r := rs[i]
		parsed := (r.Credentials == "ok" || r.Credentials == "missing") && (r.Config == "ok" || r.Config == "missing")
		var ok bool
		switch label := c.field("botocore"); label {
		case "parse-error":
			ok = !parsed
		case "resolves":
			ok = parsed && r.Creds == "match"
		case "role":
			ok = parsed && r.Creds == "deferred" && r.Method == "assume-role"
		case "sso":
			ok = parsed && r.Creds == "deferred" && r.Method == "sso"
		case "wrong-credentials":
			ok = parsed && r.Creds == "mismatch"
		case "no-credentials":
			ok = parsed && (r.Creds == "none" || len(r.Creds) > 6 && r.Creds[:6] == "error:")
		case "loads":
			ok = parsed
		default:
			t.Errorf("%s: botocore label %q unknown", c.name, label)
			continue
		}
		if !ok {
			t.Errorf("%s: labelled botocore: %s, but botocore gives credentials file %s, config file %s, credentials %s (method %q)",
				c.name, c.field("botocore"), r.Credentials, r.Config, r.Creds, r.Method)
		}
		if v := c.field("verdict"); v != "error" {
			switch c.field("botocore") {
			case "resolves", "role", "sso", "loads":
			default:
				t.Errorf("%s: verdict %s but botocore label %s: a profile credguard passes must work in botocore", c.name, v, c.field("botocore"))
			}
		}
	}
}
