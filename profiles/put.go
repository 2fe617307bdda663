package profiles

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/credguard/credguard/internal/awskey"
)

// Credentials are the values a credentials-file profile holds.
type Credentials struct {
	AccessKeyID     string
	SecretAccessKey string
	SessionToken    string // required for temporary (ASIA) keys, absent otherwise
}

// InputError says why a value given to the writer cannot be written. It
// never holds the secret itself.
type InputError struct {
	Field  string // "access key ID", "secret access key", "session token", "profile name", ...
	Reason string
}

func (e *InputError) Error() string { return e.Field + " " + e.Reason }

// Check reports why c cannot be written to a credentials file, or nil: a key
// ID of a credential prefix, a secret of the right shape, neither one of AWS's
// documentation examples nor a placeholder, and a session token exactly when
// the key is temporary (ASIA).
func (c Credentials) Check() error {
	if err := checkKeyID(c.AccessKeyID); err != nil {
		return err
	}
	if err := checkSecret(c.SecretAccessKey); err != nil {
		return err
	}
	temporary := awskey.PrefixKind(c.AccessKeyID) == awskey.Temporary
	switch {
	case temporary && c.SessionToken == "":
		return &InputError{"session token", "is missing: a temporary key (ASIA) works only with the session token STS issued with it"}
	case !temporary && c.SessionToken != "":
		return &InputError{"session token", fmt.Sprintf("was given for a %s key (%s); only temporary (ASIA) keys have one", awskey.PrefixKind(c.AccessKeyID), c.AccessKeyID[:4])}
	case c.SessionToken != "":
		return checkToken(c.SessionToken)
	}
	return nil
}

// CheckAccessKeyID reports why s cannot be written as an access key ID, or
// nil: a prompt can refuse a bad key ID before asking for the secret.
func CheckAccessKeyID(s string) error { return checkKeyID(s) }

func checkKeyID(s string) error {
	const f = "access key ID"
	switch {
	case s == "":
		return &InputError{f, "is empty"}
	case awskey.IsExample(s):
		return &InputError{f, "is one of AWS's documentation examples, not a real key"}
	case awskey.IsPlaceholder(s):
		return &InputError{f, "is a placeholder, not a key"}
	}
	if p := awskey.IDProblem(s); p != "" {
		return &InputError{f, p}
	}
	return nil
}

func checkSecret(s string) error {
	const f = "secret access key"
	switch {
	case s == "":
		return &InputError{f, "is empty"}
	case awskey.IsExample(s):
		return &InputError{f, "is one of AWS's documentation examples, not a real key"}
	case awskey.IsPlaceholder(s):
		return &InputError{f, "is a placeholder, not a key"}
	case awskey.IDProblem(s) == "":
		return &InputError{f, "is an access key ID; the secret is the 40-character value shown next to it"}
	}
	if p := awskey.SecretProblem(s); p != "" {
		return &InputError{f, p}
	}
	return nil
}

// minTokenLen is well below any STS session token (hundreds of characters)
// and well above any placeholder.
const minTokenLen = 100

func checkToken(s string) error {
	const f = "session token"
	if awskey.IsExample(s) {
		return &InputError{f, "is a documentation example, not a token"}
	}
	for i := 0; i < len(s); i++ {
		if !awskey.IsSecretByte(s[i]) && s[i] != '=' {
			return &InputError{f, fmt.Sprintf("has %q at position %d; session tokens are base64 (A-Z, a-z, 0-9, +, /, =)", s[i], i+1)}
		}
	}
	if len(s) < minTokenLen {
		return &InputError{f, fmt.Sprintf("is %d characters long; STS session tokens have hundreds", len(s))}
	}
	return nil
}

// CheckProfileName reports why name cannot be used as a profile name by the
// writer, or nil. The writer accepts only names every SDK reads the same in
// both files: letters, digits and . _ - + @, not starting with "profile".
func CheckProfileName(name string) error {
	const f = "profile name"
	if name == "" {
		return &InputError{f, "is empty"}
	}
	if len(name) > 64 {
		return &InputError{f, fmt.Sprintf("is %d characters long; keep it under 64", len(name))}
	}
	for i := 0; i < len(name); i++ {
		if !profileNameByte(name[i]) {
			shown := name
			if len(name) >= 20 {
				shown = awskey.Redact(name) // it may be a secret pasted in the wrong place
			}
			return &InputError{f, fmt.Sprintf("%q has %q; use letters, digits and . _ - + @ only", shown, name[i])}
		}
	}
	return nil
}

func profileNameByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' ||
		c == '.' || c == '_' || c == '-' || c == '+' || c == '@'
}

// SanitizeProfileName turns an IAM user name (letters, digits and + = , . @ _ -)
// into a profile name CheckProfileName accepts, or "" when nothing is left.
func SanitizeProfileName(s string) string {
	var b strings.Builder
	for i := 0; i < len(s) && b.Len() < 64; i++ {
		c := s[i]
		switch {
		case profileNameByte(c):
			b.WriteByte(c)
		case b.Len() > 0 && !strings.HasSuffix(b.String(), "-"):
			b.WriteByte('-')
		}
	}
	return strings.Trim(b.String(), "-.")
}

// FileKind says which of the two shared files a File is: their section
// headers differ.
type FileKind int

const (
	// CredentialsFile is ~/.aws/credentials: sections are [name].
	CredentialsFile FileKind = iota
	// ConfigFile is ~/.aws/config: sections are [profile name], and [default].
	ConfigFile
)

// SectionName returns the header text of profile's section in a file of
// kind k: "name" in the credentials file, "profile name" in the config file,
// except "default".
func SectionName(k FileKind, profile string) string {
	if k == ConfigFile && profile != "default" {
		return "profile " + profile
	}
	return profile
}

// EditError is the reason the writer refuses to edit a file: something it
// could only change by guessing what the user meant. Nothing is written.
type EditError struct {
	Path   string
	Line   int // 0 when not about one line
	Reason string
	Hint   string // the next action for the user, or ""
	Err    error  // a sentinel callers may test with errors.Is, or nil
}

func (e *EditError) Unwrap() error { return e.Err }

func (e *EditError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", e.Path, e.Line, e.Reason)
	}
	return fmt.Sprintf("%s: %s", e.Path, e.Reason)
}

// ErrProfileExists is returned (wrapped) when the profile already holds
// credentials and the caller did not ask to replace them.
var ErrProfileExists = errors.New("profile already exists")

// Entry is a key and the value to set it to.
type Entry struct{ Key, Value string }

// findSection returns the section for profile in f, checking the file is
// one the writer can edit without guessing. It returns nil when the profile
// has no section yet.
func findSection(f *File, k FileKind, profile string) (*Section, error) {
	fail := func(l *Line, reason, hint string) error {
		n := 0
		if l != nil {
			n = l.Num
		}
		return &EditError{Path: f.Path, Line: n, Reason: reason, Hint: hint}
	}
	const fixHint = "run 'credguard lint --fix' to repair it, then run this again"
	const handHint = "fix the file by hand (credguard lint explains each problem), then run this again"
	if f.BOM {
		return nil, fail(nil, "starts with a byte-order mark, which botocore (the AWS CLI) cannot read", fixHint)
	}
	for _, l := range f.Sections[0].Lines {
		if l.Kind == KeyValue || l.Kind == Continuation {
			return nil, fail(l, "has a setting before any [section] header; no SDK can tell which profile it belongs to", handHint)
		}
	}
	for _, l := range f.Lines {
		switch {
		case l.Kind == Invalid:
			return nil, fail(l, "has a line that is neither a [section], a key = value setting nor a comment", handHint)
		case l.Kind == Header && !l.Closed:
			return nil, fail(l, "has a section header without its closing ']'", handHint)
		}
	}
	want := SectionName(k, profile)
	var found []*Section
	for _, s := range f.Sections[1:] {
		name := s.Name()
		if k == ConfigFile {
			name = strings.Join(strings.Fields(name), " ")
		}
		if name == want || k == ConfigFile && profile == "default" && name == "profile default" {
			found = append(found, s)
		}
	}
	switch {
	case len(found) == 0:
		return nil, nil
	case len(found) > 1:
		return nil, fail(found[1].Header, fmt.Sprintf("defines profile %q more than once (lines %d and %d); the SDKs disagree on which one counts", profile, found[0].Header.Num, found[1].Header.Num), handHint)
	}
	s := found[0]
	// A comment after the header ("[dev] # work") is read the same by
	// every SDK; spaces inside the brackets or other text are not.
	h := s.Header
	trailer := strings.TrimLeft(h.Trailer, " \t")
	plainTrailer := trailer == "" || (trailer[0] == '#' || trailer[0] == ';') && !strings.Contains(trailer, "]")
	if h.Indent != "" || !plainTrailer || h.Name != want && !(k == ConfigFile && h.Name == "profile default") {
		return nil, fail(h, fmt.Sprintf("writes the header of profile %q as %s; the SDKs do not all read that the same way", profile, h.Raw), fixHint)
	}
	return s, nil
}

// setKeys sets kvs in section s of the editor's file and removes the keys in
// remove: an existing line is replaced in place (with any continuation lines
// of its old value), a new key is added after the section's last setting.
// With s nil a new section named header is appended at the end of the file.
func setKeys(e *Editor, s *Section, header string, kvs []Entry, remove []string) error {
	lines := make([]string, 0, len(kvs))
	for _, kv := range kvs {
		if strings.ContainsAny(kv.Value, "\r\n") {
			return &InputError{kv.Key, "contains a line break"}
		}
		lines = append(lines, kv.Key+" = "+kv.Value)
	}
	if s == nil {
		if len(kvs) == 0 {
			return nil
		}
		var add []string
		if n := len(e.f.Lines); n > 0 && e.f.Lines[n-1].Kind != Blank {
			add = append(add, "") // a blank line between profiles, as the AWS CLI writes
		}
		add = append(add, "["+header+"]")
		e.Append(append(add, lines...)...)
		return nil
	}
	// Find each key's line(s) in the section; more than one is ambiguous.
	where := map[string]*Line{}
	for _, l := range s.Lines {
		if l.Kind != KeyValue {
			continue
		}
		k := strings.ToLower(strings.TrimSpace(l.Key))
		if prev, dup := where[k]; dup {
			return &EditError{Path: e.f.Path, Line: l.Num,
				Reason: fmt.Sprintf("sets %s twice in [%s] (lines %d and %d); the SDKs disagree on which one counts", k, header, prev.Num, l.Num),
				Hint:   "delete the line you do not want, then run this again"}
		}
		where[k] = l
	}
	continuation := func(l *Line) []*Line { return continuationsOf(s, l) }
	var last *Line = s.Header
	for _, l := range s.Lines {
		if l.Kind == KeyValue || l.Kind == Continuation {
			last = l
		}
	}
	var add []string
	for i, kv := range kvs {
		l := where[strings.ToLower(kv.Key)]
		if l == nil {
			add = append(add, lines[i])
			continue
		}
		e.Replace(l, lines[i])
		for _, c := range continuation(l) {
			e.Delete(c)
		}
	}
	for _, k := range remove {
		if l := where[k]; l != nil {
			e.Delete(l)
			for _, c := range continuation(l) {
				e.Delete(c)
			}
		}
	}
	if len(add) > 0 {
		e.InsertAfter(last, add...)
	}
	return nil
}

// writerCredentialKeys are the keys PutCredentials owns in a profile.
var writerCredentialKeys = []string{"aws_access_key_id", "aws_secret_access_key", "aws_session_token", "aws_security_token"}

// PutCredentials edits the credentials file f so that profile holds c. A new
// profile is appended at the end; an existing one is refused with
// ErrProfileExists unless replace is set, and then only its credential
// lines change: the key ID and secret in place, the session token set or
// removed (a long-term key replacing a temporary one leaves no stale token),
// and the legacy aws_security_token removed. Every other byte is kept.
func PutCredentials(f *File, profile string, c Credentials, replace bool) (*Editor, error) {
	if err := CheckProfileName(profile); err != nil {
		return nil, err
	}
	if err := c.Check(); err != nil {
		return nil, err
	}
	s, err := findSection(f, CredentialsFile, profile)
	if err != nil {
		return nil, err
	}
	if s != nil && !replace && sameCredentials(s, c) {
		return NewEditor(f), nil // already there: nothing to do, nothing to refuse
	}
	if s != nil && !replace {
		for _, k := range writerCredentialKeys {
			if l := s.Lookup(k); l != nil {
				return nil, &EditError{Path: f.Path, Line: s.Header.Num,
					Reason: fmt.Sprintf("profile %q already has credentials", profile),
					Err:    ErrProfileExists,
					Hint:   "pass --force to replace its keys (only its credential lines change), or choose another --profile"}
			}
		}
	}
	kvs := []Entry{{"aws_access_key_id", c.AccessKeyID}, {"aws_secret_access_key", c.SecretAccessKey}}
	remove := []string{"aws_security_token"}
	if c.SessionToken != "" {
		kvs = append(kvs, Entry{"aws_session_token", c.SessionToken})
	} else {
		remove = append(remove, "aws_session_token")
	}
	e := NewEditor(f)
	if err := setKeys(e, s, SectionName(CredentialsFile, profile), kvs, remove); err != nil {
		return nil, err
	}
	return e, nil
}

// sameCredentials reports whether section s already holds exactly c.
func sameCredentials(s *Section, c Credentials) bool {
	val := func(k string) string {
		if l := s.Lookup(k); l != nil {
			return l.Value
		}
		return ""
	}
	return val("aws_access_key_id") == c.AccessKeyID && val("aws_secret_access_key") == c.SecretAccessKey &&
		val("aws_session_token") == c.SessionToken && s.Lookup("aws_security_token") == nil
}

// PutConfig edits the config file f so that profile's section ([profile
// name], or [default]) holds settings. An existing setting with another
// value is refused unless replace is set.
func PutConfig(f *File, profile string, settings []Entry, replace bool) (*Editor, error) {
	if err := CheckProfileName(profile); err != nil {
		return nil, err
	}
	s, err := findSection(f, ConfigFile, profile)
	if err != nil {
		return nil, err
	}
	header := SectionName(ConfigFile, profile)
	if s != nil {
		header = s.Name()
		for _, kv := range settings {
			if l := s.Lookup(kv.Key); l != nil && l.Value != kv.Value && !replace {
				return nil, &EditError{Path: f.Path, Line: l.Num,
					Reason: fmt.Sprintf("profile %q already sets %s to %q", profile, kv.Key, l.Value),
					Hint:   fmt.Sprintf("pass --force to change it, or leave out --%s", kv.Key)}
			}
		}
	}
	e := NewEditor(f)
	if err := setKeys(e, s, header, settings, nil); err != nil {
		return nil, err
	}
	return e, nil
}

// CheckRegion reports why region cannot be written as a profile's region, or
// nil. It uses the linter's notion of a region name, so that what init
// writes lints clean.
func CheckRegion(region string) error {
	switch {
	case azRE.MatchString(region):
		return &InputError{"region", fmt.Sprintf("%q is an availability zone, not a region", region)}
	case !regionRE.MatchString(region):
		return &InputError{"region", fmt.Sprintf("%q is not a region name such as us-east-1", region)}
	}
	return nil
}

// CheckOutput reports why output cannot be written as a profile's output
// format, or nil.
func CheckOutput(output string) error {
	if !slices.Contains(outputs, output) {
		return &InputError{"output", fmt.Sprintf("%q is not one of %s", output, strings.Join(outputs, ", "))}
	}
	return nil
}
