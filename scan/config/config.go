// Package config reads a repository's credguard settings: the file
// .credguard.ini at the repository root (or one named with --config), read
// with gopkg.in/ini.v1 (the second place that library is used, after
// profiles: this file is ours and needs no line-exact editing).
//
//	; .credguard.ini
//	[ignore]
//	; paths never scanned or reported: slash-separated globs from the
//	; repository root; * and ? stay within a folder, ** spans folders, and a
//	; glob without a slash matches a file name in any folder
//	path = testdata/**
//	path = *.golden
//
//	[allow]
//	; deliberate fixtures, by the fingerprint credguard reports (never the value)
//	fingerprint = 3f5d0c6e8a9b4c1d2e3f405162738495 ; fake key in docs/setup.md
//
//	[scan]
//	; report the user's own secrets found anywhere (default true)
//	known-secrets = false
//
// Unknown sections and keys are errors, so that a misspelt setting does not
// silently allow nothing.
package config

import (
	"errors"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"strings"

	"gopkg.in/ini.v1"

	"github.com/credguard/credguard/scan"
)

// FileName is the config file looked for at the repository root.
const FileName = ".credguard.ini"

// Config is a repository's settings. The zero value is not useful: use
// Default, Load or LoadRepo.
type Config struct {
	Path         string          // where it was read from; "" for the default
	Ignore       []string        // path globs
	Allow        map[string]bool // fingerprints
	KnownSecrets bool            // the aws-known-secret rule is on
}

// Default is the configuration of a repository without a config file.
func Default() *Config { return &Config{Allow: map[string]bool{}, KnownSecrets: true} }

// Error is a problem in a config file, with the line when known.
type Error struct {
	Path string
	Err  error
}

func (e *Error) Error() string { return e.Path + ": " + e.Err.Error() }
func (e *Error) Unwrap() error { return e.Err }

// LoadRepo reads FileName at root, or returns Default when there is none.
func LoadRepo(root string) (*Config, error) {
	p := filepath.Join(root, FileName)
	if _, err := os.Lstat(p); errors.Is(err, os.ErrNotExist) {
		return Default(), nil
	}
	return Load(p)
}

// Load reads a config file.
func Load(file string) (*Config, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	f, err := ini.LoadSources(ini.LoadOptions{AllowShadows: true, SpaceBeforeInlineComment: true}, data)
	if err != nil {
		return nil, &Error{file, err}
	}
	c := Default()
	c.Path = file
	for _, sec := range f.Sections() {
		switch sec.Name() {
		case ini.DefaultSection:
			if len(sec.Keys()) > 0 {
				return nil, &Error{file, fmt.Errorf("setting %q is outside a section ([ignore], [allow] or [scan])", sec.Keys()[0].Name())}
			}
		case "ignore":
			for _, k := range sec.Keys() {
				if k.Name() != "path" {
					return nil, &Error{file, fmt.Errorf("[ignore]: unknown setting %q (want path)", k.Name())}
				}
				for _, v := range k.ValueWithShadows() {
					g := strings.TrimPrefix(strings.TrimSpace(v), "/")
					if g == "" {
						continue
					}
					if _, err := path.Match(strings.ReplaceAll(g, "**", "*"), ""); err != nil {
						return nil, &Error{file, fmt.Errorf("[ignore]: bad glob %q: %v", v, err)}
					}
					c.Ignore = append(c.Ignore, g)
				}
			}
		case "allow":
			for _, k := range sec.Keys() {
				if k.Name() != "fingerprint" {
					return nil, &Error{file, fmt.Errorf("[allow]: unknown setting %q (want fingerprint)", k.Name())}
				}
				for _, v := range k.ValueWithShadows() {
					v = strings.ToLower(strings.TrimSpace(v))
					if !isFingerprint(v) {
						return nil, &Error{file, fmt.Errorf("[allow]: %q is not a fingerprint (32 hex digits, as credguard reports them)", v)}
					}
					c.Allow[v] = true
				}
			}
		case "scan":
			for _, k := range sec.Keys() {
				if k.Name() != "known-secrets" {
					return nil, &Error{file, fmt.Errorf("[scan]: unknown setting %q (want known-secrets)", k.Name())}
				}
				b, err := k.Bool()
				if err != nil {
					return nil, &Error{file, fmt.Errorf("[scan]: known-secrets = %q: want true or false", k.Value())}
				}
				c.KnownSecrets = b
			}
		default:
			return nil, &Error{file, fmt.Errorf("unknown section [%s] (want [ignore], [allow] or [scan])", sec.Name())}
		}
	}
	return c, nil
}

func isFingerprint(s string) bool {
	if len(s) != 32 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !(s[i] >= '0' && s[i] <= '9' || s[i] >= 'a' && s[i] <= 'f') {
			return false
		}
	}
	return true
}

// Ignored reports whether a slash-separated path from the repository root
// matches an ignore glob.
func (c *Config) Ignored(file string) bool {
	for _, g := range c.Ignore {
		if Match(g, file) {
			return true
		}
	}
	return false
}

// Match reports whether a slash-separated path matches glob: * and ? within
// a path element, ** across any number of them (including none), a trailing
// slash or /** for everything under a folder, and a glob without a slash
// against the last element (the file name) or any folder on the way.
func Match(glob, file string) bool {
	glob = strings.TrimSuffix(glob, "/")
	if glob == "" {
		return false
	}
	parts := strings.Split(file, "/")
	if !strings.Contains(glob, "/") {
		for _, p := range parts {
			if ok, _ := path.Match(glob, p); ok {
				return true
			}
		}
		return false
	}
	g := strings.Split(glob, "/")
	// A folder glob also covers everything under the folder.
	return matchParts(g, parts) || matchParts(append(g, "**"), parts)
}

func matchParts(g, p []string) bool {
	for len(g) > 0 {
		if g[0] == "**" {
			for i := 0; i <= len(p); i++ {
				if matchParts(g[1:], p[i:]) {
					return true
				}
			}
			return false
		}
		if len(p) == 0 {
			return false
		}
		if ok, _ := path.Match(g[0], p[0]); !ok {
			return false
		}
		g, p = g[1:], p[1:]
	}
	return len(p) == 0
}

// Apply removes from res what the config allows: findings and skipped
// items under ignored paths, allowed fingerprints, and known-secret findings
// when that rule is off. rel turns a finding's File into a path from the
// repository root (nil when it already is one).
func (c *Config) Apply(res *scan.Result, rel func(string) string) {
	if rel == nil {
		rel = func(s string) string { return s }
	}
	kept := res.Findings[:0]
	for _, f := range res.Findings {
		if c.Allow[f.Fingerprint] || !c.KnownSecrets && f.Rule == scan.RuleKnownSecret || c.Ignored(rel(f.File)) {
			continue
		}
		kept = append(kept, f)
	}
	res.Findings = kept
	skipped := res.Skipped[:0]
	for _, s := range res.Skipped {
		if s.Path != "" && c.Ignored(rel(s.Path)) {
			continue
		}
		skipped = append(skipped, s)
	}
	res.Skipped = skipped
}
