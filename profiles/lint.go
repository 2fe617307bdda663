package profiles

import (
	"cmp"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"slices"
	"strings"
)

// Severity says how bad a Diagnostic is.
type Severity int

const (
	// Info is a fact worth showing (the account a key belongs to).
	Info Severity = iota
	// Warning means the profile works but something is risky or surprising.
	Warning
	// Error means the profile will not work as meant with at least one of
	// the AWS CLI (botocore) and the AWS SDK for Go v2.
	Error
)

// String returns "info", "warning" or "error".
func (s Severity) String() string {
	switch s {
	case Error:
		return "error"
	case Warning:
		return "warning"
	}
	return "info"
}

// MarshalText makes a Severity appear as its String in JSON.
func (s Severity) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// UnmarshalText parses "info", "warning" or "error".
func (s *Severity) UnmarshalText(b []byte) error {
	switch string(b) {
	case "info":
		*s = Info
	case "warning":
		*s = Warning
	case "error":
		*s = Error
	default:
		return fmt.Errorf("unknown severity %q", b)
	}
	return nil
}

// Diagnostic is one problem (or fact) found by Lint. Messages never hold a
// secret: key IDs appear redacted, secrets and tokens not at all.
type Diagnostic struct {
	Rule     string   `json:"rule"`     // stable kebab-case ID, one of the Rule* constants
	Severity Severity `json:"severity"` // error, warning or info
	File     string   `json:"file"`     // path of the file, "" for the environment
	Line     int      `json:"line"`     // 1-based, 0 when the whole file (or nothing in a file) is meant
	Message  string   `json:"message"`
	Fix      string   `json:"fix,omitempty"` // what to do, for a person

	// Fixable says a mechanical fix exists that 'credguard lint --fix' may
	// apply without asking for a value (strip a BOM, quotes or an inline
	// comment, trim header spaces, rename [profile x] in the credentials
	// file, chmod 600, drop a stale session token, ...).
	Fixable bool `json:"-"`
}

// String formats d as "file:line: severity: rule: message".
func (d Diagnostic) String() string {
	loc := d.File
	if loc == "" {
		loc = "(environment)"
	}
	if d.Line > 0 {
		loc = fmt.Sprintf("%s:%d", loc, d.Line)
	}
	return fmt.Sprintf("%s: %s: %s: %s", loc, d.Severity, d.Rule, d.Message)
}

// Input is what Lint checks.
type Input struct {
	// Credentials and Config are the parsed files, nil when missing. A
	// missing credentials file is an error (RuleCredentialsMissing); a
	// missing config file is normal.
	Credentials *File
	Config      *File

	// CredentialsPath and ConfigPath are the files' paths, used in
	// diagnostics (also when the file is missing).
	CredentialsPath string
	ConfigPath      string

	// Profile is the profile to check ("default" when empty).
	Profile string
	// ProfileSource says where Profile came from: "--profile", "AWS_PROFILE"
	// or "default" (see Where). It only changes the wording of the
	// environment diagnostics.
	ProfileSource string

	// Env looks up an environment variable; nil means an empty environment.
	// Lint reads AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_PROFILE and
	// AWS_DEFAULT_PROFILE through it.
	Env func(string) string

	// SkipFileChecks turns off the checks that look around the files on
	// disk: permissions and git tracking. Lint is then a pure function of
	// its input (the fuzz test uses this).
	SkipFileChecks bool
}

// Open reads the credentials and config files for Lint. A missing file (or
// a device such as /dev/null) gives a nil *File and no error; an unreadable one (permissions, a directory, too
// large) gives an error naming it.
func Open(credentialsPath, configPath string) (creds, config *File, err error) {
	read := func(p string) (*File, error) {
		if p == "" {
			return nil, nil
		}
		// Like botocore (os.path.isfile), a device or FIFO such as
		// /dev/null counts as no file: AWS_CONFIG_FILE=/dev/null is a
		// common way to say "no config".
		if st, err := os.Stat(p); err == nil && !st.IsDir() && !st.Mode().IsRegular() {
			return nil, nil
		}
		f, err := ReadFile(p)
		if errors.Is(err, fs.ErrNotExist) {
			return nil, nil
		}
		if err != nil {
			var pe *ParseError
			if errors.As(err, &pe) {
				return nil, err
			}
			return nil, &ParseError{Path: p, Err: fmt.Errorf("cannot read: %w", unwrapPath(err))}
		}
		return f, nil
	}
	if creds, err = read(credentialsPath); err != nil {
		return nil, nil, err
	}
	if config, err = read(configPath); err != nil {
		return nil, nil, err
	}
	return creds, config, nil
}

// unwrapPath drops the *PathError wrapper so the path is not said twice.
func unwrapPath(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// Lint checks the profile in.Profile as the AWS CLI (botocore) and the AWS
// SDK for Go v2 would read it from in.Credentials and in.Config, and returns
// every problem found, sorted by file, line and rule. It also checks every
// other profile's syntax, since one syntax error makes botocore reject the
// whole file.
func Lint(in Input) []Diagnostic {
	l := newLinter(in)
	l.run()
	ds := l.diags
	slices.SortStableFunc(ds, func(a, b Diagnostic) int {
		if c := cmp.Compare(fileOrder(in, a.File), fileOrder(in, b.File)); c != 0 {
			return c
		}
		if c := cmp.Compare(a.Line, b.Line); c != 0 {
			return c
		}
		return cmp.Compare(b.Severity, a.Severity)
	})
	return ds
}

// fileOrder puts the environment first, then the credentials file, then the
// config file.
func fileOrder(in Input, file string) int {
	switch file {
	case "":
		return 0
	case in.CredentialsPath:
		return 1
	case in.ConfigPath:
		return 2
	}
	return 3
}

// HasErrors reports whether any diagnostic is an Error.
func HasErrors(ds []Diagnostic) bool {
	return slices.ContainsFunc(ds, func(d Diagnostic) bool { return d.Severity == Error })
}

// Counts returns the number of errors, warnings and infos in ds.
func Counts(ds []Diagnostic) (errs, warnings, infos int) {
	for _, d := range ds {
		switch d.Severity {
		case Error:
			errs++
		case Warning:
			warnings++
		default:
			infos++
		}
	}
	return
}

// Setting is one effective key of a profile: its value as written (trimmed,
// quotes and comments kept, as botocore reads it) and where it comes from.
type Setting struct {
	Value string
	File  *File
	Line  *Line
}

// Profile is a profile's effective settings after the SDKs merge the config
// file's section with the credentials file's (the credentials file wins).
// Keys are lower-cased, as both SDKs do.
type Profile struct {
	Name     string
	Settings map[string]Setting
	// Sections are the sections that define the profile, config file first.
	Sections []*Section
}

// Get returns the setting for key and whether it is set.
func (p *Profile) Get(key string) (Setting, bool) {
	s, ok := p.Settings[key]
	return s, ok
}

// Effective returns the named profile as the SDKs see it, or nil when
// neither file defines it. In the config file, "default" is [default] or
// [profile default] and any other NAME is [profile NAME]; in the credentials
// file a profile is [NAME].
func Effective(creds, config *File, name string) *Profile {
	p := &Profile{Name: name, Settings: map[string]Setting{}}
	add := func(f *File, s *Section) {
		p.Sections = append(p.Sections, s)
		for _, l := range s.Keys() {
			k := normKey(l.Key)
			if k == "" {
				continue
			}
			p.Settings[k] = Setting{Value: l.Value, File: f, Line: l}
		}
	}
	if config != nil {
		for _, s := range config.Sections[1:] {
			if n, ok := configProfileName(s.Header); ok && n == name {
				add(config, s)
			}
		}
	}
	if creds != nil {
		for _, s := range creds.Sections[1:] {
			if s.Name() == name && s.Header.Closed {
				add(creds, s)
			}
		}
	}
	if len(p.Sections) == 0 {
		return nil
	}
	return p
}

// normKey is a key as both SDKs see it: trimmed and lower-cased.
func normKey(k string) string { return strings.ToLower(strings.TrimSpace(k)) }
