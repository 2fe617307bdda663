package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/credguard/credguard/profiles"
)

// TestLintTextColour checks that colour is on only when asked for, and that
// the line shape stays "path:line: severity: rule: message" without it.
func TestLintTextColour(t *testing.T) {
	ds := []profiles.Diagnostic{
		{Rule: profiles.RuleBOM, Severity: profiles.Error, File: "c", Line: 1, Message: "m", Fix: "f"},
		{Rule: profiles.RuleEnvProfile, Severity: profiles.Warning, Message: "w"},
	}
	w := profiles.Where{Value: "c", Source: "--credentials"}
	for _, on := range []bool{false, true} {
		var out bytes.Buffer
		writeLintText(&env{stdout: &out}, painter{on: on}, ds, w, w, profiles.Where{Value: "default", Source: "default"}, true, false)
		got := out.String()
		if has := strings.Contains(got, "\x1b["); has != on {
			t.Errorf("colour %v: escape codes present = %v:\n%s", on, has, got)
		}
		if !on {
			for _, want := range []string{"c:1: error: bom: m\n    fix: f\n", "environment: warning: env-profile: w\n", "1 error, 1 warning: profile default will not work as meant\n"} {
				if !strings.Contains(got, want) {
					t.Errorf("output lacks %q:\n%s", want, got)
				}
			}
		}
	}
}
