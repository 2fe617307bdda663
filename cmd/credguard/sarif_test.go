package main

import (
	"bytes"
	"encoding/json"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/credguard/credguard/internal/awskey"
	"github.com/credguard/credguard/scan"
)

// sarifSample is a result with every feature the writer handles: history
// fields, a path needing escapes, an unknown rule, skipped items and notes.
func sarifSample() *scan.Result {
	d := scan.New(scan.Options{})
	fs := d.Scan("dir with space/caf\u00e9.env", []byte("x = "+awskey.FakeID("AKIA", awskey.FakeAccount())+"\n"))
	fs[0].Commit, fs[0].Author, fs[0].Date = strings.Repeat("ab", 20), "Alice <alice@example.com>", "2024-01-01T00:00:00Z"
	fs = append(fs, scan.Finding{Rule: "aws-future-rule", File: "a.txt", Line: 3, Column: 2, Length: 5,
		Redacted: "****", Fingerprint: scan.Fingerprint("aws-future-rule", "v"), Message: "future"})
	return &scan.Result{Root: "/repo", Findings: fs,
		Skipped: []scan.Skipped{{Path: "big.bin", Commit: strings.Repeat("cd", 20), Reason: "too large"}},
		Notes:   []string{"shallow clone: history stops at commit x"}}
}

// TestSARIFStructure checks the log against the SARIF 2.1.0 schema's
// required properties and enumerations, by hand: OASIS publishes the schema
// under its IPR policy, not an open-source license, so it is not vendored
// here. TestSARIFMultitool validates against the real schema and Microsoft's
// rules when the multitool is installed.
func TestSARIFStructure(t *testing.T) {
	var buf bytes.Buffer
	if err := writeSARIF(&buf, sarifSample()); err != nil {
		t.Fatal(err)
	}
	var log map[string]any
	if err := json.Unmarshal(buf.Bytes(), &log); err != nil {
		t.Fatal(err)
	}
	get := func(v any, path ...string) any {
		for _, p := range path {
			m, ok := v.(map[string]any)
			if !ok {
				t.Fatalf("%s: not an object in %v", p, path)
			}
			v = m[p]
		}
		return v
	}
	str := func(v any, path ...string) string {
		s, ok := get(v, path...).(string)
		if !ok || s == "" {
			t.Errorf("%v: missing or not a string", path)
		}
		return s
	}
	if str(log, "version") != "2.1.0" || !strings.Contains(str(log, "$schema"), "sarif-2.1.0") {
		t.Errorf("version/$schema wrong")
	}
	runs := get(log, "runs").([]any)
	if len(runs) != 1 {
		t.Fatalf("runs = %d", len(runs))
	}
	run := runs[0]
	str(run, "tool", "driver", "name")
	rules := get(run, "tool", "driver", "rules").([]any)
	ruleIndex := map[string]int{}
	for i, r := range rules {
		id := str(r, "id")
		ruleIndex[id] = i
		str(r, "shortDescription", "text")
		str(r, "fullDescription", "text")
		str(r, "help", "text")
		if lvl := str(r, "defaultConfiguration", "level"); !oneOf(lvl, "none", "note", "warning", "error") {
			t.Errorf("rule %s level %q", id, lvl)
		}
	}
	for _, id := range []string{scan.RuleAccessKeyID, scan.RuleSecretAccessKey, scan.RuleSessionToken, scan.RuleKnownSecret, "aws-future-rule"} {
		if _, ok := ruleIndex[id]; !ok {
			t.Errorf("rule %s missing", id)
		}
	}
	results := get(run, "results").([]any)
	if len(results) != 2 {
		t.Fatalf("results = %d, want 2", len(results))
	}
	for _, r := range results {
		id := str(r, "ruleId")
		if int(get(r, "ruleIndex").(float64)) != ruleIndex[id] {
			t.Errorf("result %s: ruleIndex does not point at its rule", id)
		}
		if lvl := str(r, "level"); !oneOf(lvl, "none", "note", "warning", "error") {
			t.Errorf("level %q", lvl)
		}
		str(r, "message", "text")
		loc := get(r, "locations").([]any)[0]
		uri := str(loc, "physicalLocation", "artifactLocation", "uri")
		if u, err := url.Parse(uri); err != nil || strings.ContainsAny(uri, " \u00e9") || u.IsAbs() {
			t.Errorf("uri %q is not a relative URI reference", uri)
		}
		if str(loc, "physicalLocation", "artifactLocation", "uriBaseId") != "%SRCROOT%" {
			t.Errorf("uriBaseId missing")
		}
		if l := get(loc, "physicalLocation", "region", "startLine").(float64); l < 1 {
			t.Errorf("startLine %v", l)
		}
		if fp := get(r, "partialFingerprints").(map[string]any); len(fp) == 0 {
			t.Errorf("no partialFingerprints")
		}
	}
	if got := str(results[0], "properties", "commit"); got != strings.Repeat("ab", 20) {
		t.Errorf("commit property %q", got)
	}
	if base := str(run, "originalUriBaseIds", "%SRCROOT%", "uri"); !strings.HasPrefix(base, "file:///") || !strings.HasSuffix(base, "/") {
		t.Errorf("%%SRCROOT%% = %q, want an absolute file URI ending in /", base)
	}
	inv := get(run, "invocations").([]any)[0]
	if get(inv, "executionSuccessful") != false {
		t.Errorf("executionSuccessful should be false when something was skipped")
	}
	if n := get(inv, "toolExecutionNotifications").([]any); len(n) != 2 {
		t.Errorf("notifications = %d, want the skipped item and the note", len(n))
	}
}

func oneOf(s string, set ...string) bool {
	for _, x := range set {
		if s == x {
			return true
		}
	}
	return false
}

// TestSARIFMultitool validates the log with Microsoft's SARIF multitool (the
// npm package @microsoft/sarif-multitool), which checks the JSON schema and
// its own rules. .ci/run installs it and sets CREDGUARD_REQUIRE_TOOLS=1.
func TestSARIFMultitool(t *testing.T) {
	tool, err := exec.LookPath("sarif-multitool")
	if err != nil {
		if os.Getenv("CREDGUARD_REQUIRE_TOOLS") != "" {
			t.Fatal("sarif-multitool is not installed (npm install -g @microsoft/sarif-multitool)")
		}
		t.Skip("sarif-multitool not installed; .ci/run installs it")
	}
	dir := t.TempDir()
	in := filepath.Join(dir, "credguard.sarif")
	var buf bytes.Buffer
	if err := writeSARIF(&buf, sarifSample()); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(in, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "validation.sarif")
	cmd := exec.Command(tool, "validate", in, "-o", out, "--log", "ForceOverwrite")
	cmd.Env = append(os.Environ(), "DOTNET_CLI_TELEMETRY_OPTOUT=1")
	msg, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("sarif-multitool validate: %v\n%s", err, msg)
	}
	var v struct {
		Runs []struct {
			Results []struct {
				RuleID  string `json:"ruleId"`
				Level   string `json:"level"`
				Message struct {
					ID        string   `json:"id"`
					Arguments []string `json:"arguments"`
				} `json:"message"`
			} `json:"results"`
		} `json:"runs"`
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &v); err != nil {
		t.Fatal(err)
	}
	for _, run := range v.Runs {
		for _, r := range run.Results {
			// Results without a level are warnings; only notes are fine.
			if r.Level != "note" && r.Level != "none" {
				t.Errorf("multitool %s %s: %s %v", r.Level, r.RuleID, r.Message.ID, r.Message.Arguments)
			}
		}
	}
}
