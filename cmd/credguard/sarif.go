package main

import (
	"encoding/json"
	"io"
	"net/url"
	"path/filepath"
	"strings"

	"github.com/credguard/credguard/scan"
)

// SARIF 2.1.0 (OASIS), the subset code-scanning services read: one run, the
// rules with help text, and results with a location and a partial
// fingerprint so that an upload recognises the same credential across runs.
// Hand-written: the few types needed are clearer than a full SARIF model.

const sarifSchema = "https://json.schemastore.org/sarif-2.1.0.json"

type sarifLog struct {
	Schema  string     `json:"$schema"`
	Version string     `json:"version"`
	Runs    []sarifRun `json:"runs"`
}

type sarifRun struct {
	Tool               sarifTool                   `json:"tool"`
	Invocations        []sarifInvocation           `json:"invocations"`
	OriginalURIBaseIDs map[string]sarifArtifactLoc `json:"originalUriBaseIds,omitempty"`
	Results            []sarifResult               `json:"results"`
}

type sarifTool struct {
	Driver sarifDriver `json:"driver"`
}

type sarifDriver struct {
	Name           string      `json:"name"`
	InformationURI string      `json:"informationUri"`
	Version        string      `json:"version,omitempty"`
	Rules          []sarifRule `json:"rules"`
}

type sarifText struct {
	Text     string `json:"text"`
	Markdown string `json:"markdown,omitempty"`
}

type sarifRule struct {
	ID                   string         `json:"id"`
	Name                 string         `json:"name"`
	ShortDescription     sarifText      `json:"shortDescription"`
	FullDescription      sarifText      `json:"fullDescription"`
	Help                 sarifText      `json:"help"`
	DefaultConfiguration sarifConfig    `json:"defaultConfiguration"`
	Properties           map[string]any `json:"properties"`
}

type sarifConfig struct {
	Level string `json:"level"`
}

type sarifInvocation struct {
	ExecutionSuccessful        bool                `json:"executionSuccessful"`
	ToolExecutionNotifications []sarifNotification `json:"toolExecutionNotifications,omitempty"`
}

type sarifNotification struct {
	Level     string          `json:"level"`
	Message   sarifText       `json:"message"`
	Locations []sarifLocation `json:"locations,omitempty"`
}

type sarifResult struct {
	RuleID              string            `json:"ruleId"`
	RuleIndex           int               `json:"ruleIndex"`
	Level               string            `json:"level"`
	Message             sarifText         `json:"message"`
	Locations           []sarifLocation   `json:"locations"`
	PartialFingerprints map[string]string `json:"partialFingerprints"`
	Properties          map[string]any    `json:"properties,omitempty"`
}

type sarifLocation struct {
	PhysicalLocation sarifPhysical `json:"physicalLocation"`
}

type sarifPhysical struct {
	ArtifactLocation sarifArtifactLoc `json:"artifactLocation"`
	Region           *sarifRegion     `json:"region,omitempty"`
}

type sarifArtifactLoc struct {
	URI       string `json:"uri"`
	URIBaseID string `json:"uriBaseId,omitempty"`
}

type sarifRegion struct {
	StartLine   int `json:"startLine"`
	StartColumn int `json:"startColumn"`
	EndColumn   int `json:"endColumn,omitempty"`
}

// sarifRules describes every rule, in a fixed order (results refer to them
// by index).
var sarifRules = []sarifRule{
	rule(scan.RuleAccessKeyID, "AwsAccessKeyId", "AWS access key ID",
		"An AWS access key ID (AKIA, ASIA, ABIA or ACCA followed by 16 base32 characters). It names a credential; its secret is usually nearby."),
	rule(scan.RuleSecretAccessKey, "AwsSecretAccessKey", "AWS secret access key",
		"A 40-character AWS secret access key, recognised by its key name or a neighbouring access key ID. Anyone holding it can act as its IAM user."),
	rule(scan.RuleSessionToken, "AwsSessionToken", "AWS session token",
		"An AWS STS session token: temporary credentials, valid until they expire."),
	rule(scan.RuleKnownSecret, "AwsKnownSecret", "Secret from your AWS credentials file",
		"A secret that is in your own ~/.aws/credentials file was found in the content."),
}

const sarifHelp = `AWS credentials must not be committed.

1. Treat the key as leaked: deactivate and rotate it in the IAM console (IAM > Users > Security credentials), then update ~/.aws/credentials. Removing it from the history does not un-leak it.
2. Remove it from the code: load credentials from the environment or ~/.aws/credentials instead.
3. A deliberate, fake fixture? Put 'credguard:allow' on its line, or add its fingerprint to .credguard.ini under [allow], or record it in a baseline (credguard scan --write-baseline FILE).`

func rule(id, name, short, full string) sarifRule {
	return sarifRule{
		ID: id, Name: name,
		ShortDescription:     sarifText{Text: short},
		FullDescription:      sarifText{Text: full},
		Help:                 sarifText{Text: sarifHelp, Markdown: strings.ReplaceAll(sarifHelp, "'", "`")},
		DefaultConfiguration: sarifConfig{Level: "error"},
		Properties: map[string]any{
			"tags":              []string{"security", "secrets", "aws"},
			"precision":         "high",
			"security-severity": "9.0",
		},
	}
}

// ruleName makes a SARIF rule name (human-readable, unlike the ID) from a
// rule ID: aws-session-token becomes AwsSessionToken.
func ruleName(id string) string {
	var b strings.Builder
	for _, w := range strings.Split(id, "-") {
		if w != "" {
			b.WriteString(strings.ToUpper(w[:1]) + w[1:])
		}
	}
	return b.String()
}

// sarifURI turns a finding's file into a URI reference: relative paths
// against %SRCROOT% (the repository root), absolute ones as file URIs, with
// every path element percent-encoded.
func sarifURI(file string) sarifArtifactLoc {
	slash := filepath.ToSlash(file)
	abs := filepath.IsAbs(file) || strings.HasPrefix(slash, "/")
	parts := strings.Split(slash, "/")
	for i, p := range parts {
		parts[i] = url.PathEscape(p)
	}
	p := strings.Join(parts, "/")
	if abs {
		if !strings.HasPrefix(p, "/") {
			p = "/" + p // Windows drive paths
		}
		return sarifArtifactLoc{URI: "file://" + p}
	}
	return sarifArtifactLoc{URI: strings.TrimPrefix(p, "./"), URIBaseID: "%SRCROOT%"}
}

// sarifVersion is the tool version as SARIF consumers compare it: starting
// with a number ("(devel)" builds become 0.0.0-devel).
func sarifVersion() string {
	v := strings.TrimPrefix(version(), "v")
	if v == "" || v[0] < '0' || v[0] > '9' {
		return "0.0.0-devel"
	}
	return v
}

func writeSARIF(w io.Writer, res *scan.Result) error {
	index := map[string]int{}
	for i, r := range sarifRules {
		index[r.ID] = i
	}
	run := sarifRun{
		Tool:        sarifTool{Driver: sarifDriver{Name: "credguard", InformationURI: "https://github.com/credguard/credguard", Version: sarifVersion(), Rules: sarifRules}},
		Invocations: []sarifInvocation{{ExecutionSuccessful: len(res.Skipped) == 0}},
		Results:     []sarifResult{},
	}
	if res.Root != "" {
		if root, err := filepath.Abs(res.Root); err == nil {
			u := sarifURI(root).URI
			if !strings.HasSuffix(u, "/") {
				u += "/"
			}
			run.OriginalURIBaseIDs = map[string]sarifArtifactLoc{"%SRCROOT%": {URI: u}}
		}
	}
	for _, s := range res.Skipped {
		n := sarifNotification{Level: "error", Message: sarifText{Text: "not scanned: " + s.Reason}}
		if s.Commit != "" {
			n.Message.Text += " (commit " + s.Commit + ")"
		}
		if s.Path != "" {
			n.Locations = []sarifLocation{{PhysicalLocation: sarifPhysical{ArtifactLocation: sarifURI(s.Path)}}}
		}
		run.Invocations[0].ToolExecutionNotifications = append(run.Invocations[0].ToolExecutionNotifications, n)
	}
	for _, note := range res.Notes {
		run.Invocations[0].ToolExecutionNotifications = append(run.Invocations[0].ToolExecutionNotifications,
			sarifNotification{Level: "note", Message: sarifText{Text: note}})
	}
	for _, f := range res.Findings {
		i, ok := index[f.Rule]
		if !ok {
			// A rule this writer does not know yet: describe it minimally.
			i = len(run.Tool.Driver.Rules)
			index[f.Rule] = i
			run.Tool.Driver.Rules = append(run.Tool.Driver.Rules, rule(f.Rule, ruleName(f.Rule), f.Message, f.Message))
		}
		msg := f.Message + " " + f.Redacted
		if f.AccountID != "" {
			msg += " (account " + f.AccountID + ")"
		}
		if f.Commit != "" {
			msg += " introduced in commit " + f.Commit
		}
		r := sarifResult{
			RuleID: f.Rule, RuleIndex: i, Level: "error",
			Message: sarifText{Text: msg},
			Locations: []sarifLocation{{PhysicalLocation: sarifPhysical{
				ArtifactLocation: sarifURI(f.File),
				Region:           &sarifRegion{StartLine: max(f.Line, 1), StartColumn: max(f.Column, 1), EndColumn: max(f.Column, 1) + max(f.Length, 0)},
			}}},
			// The fingerprint identifies the credential wherever it moves.
			PartialFingerprints: map[string]string{"credguardFingerprint/v1": f.Fingerprint},
		}
		if r.Locations[0].PhysicalLocation.Region.EndColumn <= r.Locations[0].PhysicalLocation.Region.StartColumn {
			r.Locations[0].PhysicalLocation.Region.EndColumn = 0
		}
		props := map[string]any{}
		for k, v := range map[string]string{"commit": f.Commit, "author": f.Author, "date": f.Date, "keyType": f.KeyType, "accountId": f.AccountID} {
			if v != "" {
				props[k] = v
			}
		}
		if len(props) > 0 {
			r.Properties = props
		}
		run.Results = append(run.Results, r)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(sarifLog{Schema: sarifSchema, Version: "2.1.0", Runs: []sarifRun{run}})
}
