// Package baseline records the credentials a repository already holds, so
// that a scan reports only new ones. A baseline is keyed on fingerprints
// (scan.Fingerprint: a hash of rule and value), not on lines or commits, so
// edits, moves and rebases do not churn it; it never holds a secret or a key
// ID, only the fingerprint, the rule and where it was first seen.
package baseline

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"

	"github.com/credguard/credguard/scan"
)

// Version is the file format version written.
const Version = 1

// Entry is one known credential.
type Entry struct {
	Fingerprint string `json:"fingerprint"`
	Rule        string `json:"rule"`
	File        string `json:"file,omitempty"` // where it was seen when recorded (informational)
}

// Baseline is the content of a baseline file.
type Baseline struct {
	Version int     `json:"version"`
	Tool    string  `json:"tool"`
	Entries []Entry `json:"entries"`
}

// FromFindings builds a baseline of findings, one entry per fingerprint,
// sorted so that files diff well.
func FromFindings(fs []scan.Finding) *Baseline {
	b := &Baseline{Version: Version, Tool: "credguard", Entries: []Entry{}}
	seen := map[string]bool{}
	for _, f := range fs {
		if seen[f.Fingerprint] {
			continue
		}
		seen[f.Fingerprint] = true
		b.Entries = append(b.Entries, Entry{Fingerprint: f.Fingerprint, Rule: f.Rule, File: f.File})
	}
	sort.Slice(b.Entries, func(i, j int) bool {
		if b.Entries[i].File != b.Entries[j].File {
			return b.Entries[i].File < b.Entries[j].File
		}
		return b.Entries[i].Fingerprint < b.Entries[j].Fingerprint
	})
	return b
}

// Read reads a baseline file.
func Read(file string) (*Baseline, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	var b Baseline
	if err := json.Unmarshal(data, &b); err != nil {
		return nil, fmt.Errorf("%s: not a credguard baseline: %w", file, err)
	}
	if b.Version != Version {
		return nil, fmt.Errorf("%s: baseline version %d, want %d", file, b.Version, Version)
	}
	for _, e := range b.Entries {
		if len(e.Fingerprint) != 32 {
			return nil, fmt.Errorf("%s: entry %q is not a fingerprint", file, e.Fingerprint)
		}
	}
	return &b, nil
}

// Write writes b to file atomically (a temporary file in the same folder,
// then a rename), so an interrupted run leaves the old baseline intact.
func (b *Baseline) Write(file string) error {
	data, err := json.MarshalIndent(b, "", "  ")
	if err != nil {
		return err
	}
	data = append(data, '\n')
	tmp, err := os.CreateTemp(filepath.Dir(file), ".credguard-baseline-*")
	if err != nil {
		return err
	}
	_, err = tmp.Write(data)
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(tmp.Name(), 0o644)
	}
	if err == nil {
		err = os.Rename(tmp.Name(), file)
	}
	if err != nil {
		os.Remove(tmp.Name())
		return errors.Join(fmt.Errorf("cannot write baseline %s", file), err)
	}
	return nil
}

// Apply removes from res the findings b records and returns the entries
// that matched nothing (stale: the credential is gone, or the scan no
// longer covers it).
func (b *Baseline) Apply(res *scan.Result) (stale []Entry) {
	known := map[string]bool{}
	for _, e := range b.Entries {
		known[e.Fingerprint] = false
	}
	kept := res.Findings[:0]
	for _, f := range res.Findings {
		if _, ok := known[f.Fingerprint]; ok {
			known[f.Fingerprint] = true
			continue
		}
		kept = append(kept, f)
	}
	res.Findings = kept
	for _, e := range b.Entries {
		if !known[e.Fingerprint] {
			stale = append(stale, e)
			known[e.Fingerprint] = true // report duplicates once
		}
	}
	return stale
}
