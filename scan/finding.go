// Package scan finds AWS credentials in byte content: access key IDs, secret
// access keys, session tokens, and the secrets of the user's own credentials
// file. It knows nothing of git or terminals: sources (the staged change, a
// history, files on disk) hand it content, and callers render its findings.
package scan

import (
	"crypto/sha256"
	"encoding/hex"
)

// Rule IDs, stable across releases: baselines, configs and SARIF refer to them.
const (
	RuleAccessKeyID     = "aws-access-key-id"
	RuleSecretAccessKey = "aws-secret-access-key"
	RuleSessionToken    = "aws-session-token"
	RuleKnownSecret     = "aws-known-secret"
)

// AllowMarker on a line suppresses every finding on that line.
const AllowMarker = "credguard:allow"

// Finding is one credential found in content. It never holds the value itself:
// only a redacted form and a fingerprint.
type Finding struct {
	Rule        string `json:"rule"`
	File        string `json:"file"`   // slash-separated path from the repository root, or as given
	Line        int    `json:"line"`   // 1-based
	Column      int    `json:"column"` // 1-based, in bytes
	Redacted    string `json:"redacted"`
	Fingerprint string `json:"fingerprint"`
	Message     string `json:"message"`
	KeyType     string `json:"key_type,omitempty"`    // long-term, temporary, ... (key IDs and their secrets)
	AccountID   string `json:"account_id,omitempty"`  // decoded from new-generation key IDs
	PairedWith  string `json:"paired_with,omitempty"` // fingerprint of the matching key ID or secret

	// Set by history sources.
	Commit string `json:"commit,omitempty"`
	Author string `json:"author,omitempty"`
	Date   string `json:"date,omitempty"`

	// Offset and Length locate the value in the scanned content (bytes).
	Offset int `json:"-"`
	Length int `json:"-"`
}

// Fingerprint is the stable, non-reversible identity of a credential: a
// SHA-256 of the rule and the value, so the same secret gets the same
// fingerprint wherever and whenever it is found. 128 bits are kept.
func Fingerprint(rule, value string) string {
	sum := sha256.Sum256([]byte(rule + "\x00" + value))
	return hex.EncodeToString(sum[:16])
}

// Skipped is something a source could not scan. A scan that skipped anything
// is not a clean pass: callers exit 2 after reporting it.
type Skipped struct {
	Path   string `json:"path,omitempty"`
	Commit string `json:"commit,omitempty"`
	Reason string `json:"reason"`
}

// Result is what a source reports: the findings, what could not be scanned,
// and notes (such as where a shallow history stops).
type Result struct {
	Root     string    `json:"-"` // repository root or scanned directory, OS path
	Findings []Finding `json:"findings"`
	Skipped  []Skipped `json:"skipped,omitempty"`
	Notes    []string  `json:"notes,omitempty"`
}
