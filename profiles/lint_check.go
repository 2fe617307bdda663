package profiles

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/credguard/credguard/internal/awskey"
)

// Where the SDKs' readings differ, the messages name them. The facts below
// were checked against botocore 1.43 (configloader.raw_config_parse on
// Python 3.11's configparser.RawConfigParser) and the AWS SDK for Go v2
// (config v1.33, internal/ini):
//
//   - botocore opens the files in the locale's encoding (UTF-8), not
//     utf-8-sig: a BOM glues to the first header, which then fails to parse
//     (MissingSectionHeaderError). The Go SDK keeps the BOM too and silently
//     drops that header, so the keys under it vanish.
//   - configparser is strict: duplicate sections or keys, a line with no '='
//     or ':', and a key before any header are errors for the whole file. The
//     Go SDK ignores such lines and lets the last duplicate win.
//   - configparser has no inline comments and keeps quotes; the Go SDK cuts
//     a value at " #", " ;", "\t#" or "\t;" and strips one pair of matching
//     quotes.
//   - configparser appends a line indented deeper than the key line before
//     it to that key's value; the Go SDK reads an indented "k = v" as its own
//     key unless the previous value was empty (a nested block).
//   - both lower-case keys; [DEFAULT] is configparser's default section,
//     whose keys appear in every other section; for the Go SDK it is just a
//     profile named "DEFAULT".
//
// The AWS SDK for JavaScript v3 (@smithy/shared-ini-file-loader) is named
// where it differs from both: it splits on '=' only and keeps the case of
// keys.
const (
	botocore = "the AWS CLI (botocore)"
	goSDK    = "the AWS SDK for Go v2"
	jsSDK    = "the AWS SDK for JavaScript v3"
)

type fileKind int

const (
	credentialsFile fileKind = iota
	configFile
)

type linter struct {
	in    Input
	env   func(string) string
	diags []Diagnostic
}

func newLinter(in Input) *linter {
	if in.Profile == "" {
		in.Profile = "default"
	}
	env := in.Env
	if env == nil {
		env = func(string) string { return "" }
	}
	return &linter{in: in, env: env}
}

// report adds a diagnostic; severity and fixability come from the rule table.
func (l *linter) report(file string, line int, rule, fix, format string, args ...any) {
	r, ok := ruleByID[rule]
	if !ok {
		panic("profiles: unknown lint rule " + rule)
	}
	l.diags = append(l.diags, Diagnostic{
		Rule: rule, Severity: r.Severity, File: file, Line: line,
		Message: scrub(fmt.Sprintf(format, args...)), Fix: scrub(fix), Fixable: r.Fixable,
	})
}

// scrub is the last guard against printing a secret: any run of base64
// characters that could hold a secret access key (40 to 44, random-looking)
// or a session token (100 or more) is replaced by its redacted form,
// wherever in the file it came from (a header, a profile name, a value).
func scrub(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); {
		j := i
		for j < len(s) && (awskey.IsSecretByte(s[j]) || s[j] == '=') {
			j++
		}
		if j == i {
			b.WriteByte(s[i])
			i++
			continue
		}
		run := s[i:j]
		// Paths and ARNs make long runs too, but seldom with a 40-character
		// window that looks random (a secret, maybe with stray characters
		// around it; found by FuzzLint with a 45-character run).
		if len(run) >= 100 || len(run) >= awskey.SecretLen && hasRandomWindow(run) {
			run = awskey.Redact(run)
		}
		b.WriteString(run)
		i = j
	}
	return b.String()
}

func hasRandomWindow(run string) bool {
	for k := 0; k+awskey.SecretLen <= len(run); k++ {
		if awskey.LooksRandom(run[k : k+awskey.SecretLen]) {
			return true
		}
	}
	return false
}

func (l *linter) run() {
	in := l.in
	l.checkEnv()
	if in.Credentials == nil {
		l.report(in.CredentialsPath, 0, RuleCredentialsMissing,
			"run 'credguard init' to create it with a profile, safely",
			"credentials file %s does not exist", in.CredentialsPath)
	} else {
		l.checkSyntax(in.Credentials, credentialsFile)
		if !slices.ContainsFunc(in.Credentials.Sections[1:], func(s *Section) bool { return len(s.Keys()) > 0 }) {
			l.report(in.Credentials.Path, 0, RuleEmptyFile,
				"run 'credguard init' to add a profile",
				"credentials file holds no profile with keys")
		}
	}
	if in.Config != nil {
		l.checkSyntax(in.Config, configFile)
	}
	l.checkProfiles()
	if !in.SkipFileChecks {
		l.checkFiles()
	}
}

// checkEnv reports environment variables that take precedence over the files.
func (l *linter) checkEnv() {
	id, secret := l.env("AWS_ACCESS_KEY_ID"), l.env("AWS_SECRET_ACCESS_KEY")
	switch {
	case id != "" && secret != "":
		l.report("", 0, RuleEnvCredentials,
			"unset AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN to use the profile",
			"AWS_ACCESS_KEY_ID=%s and AWS_SECRET_ACCESS_KEY are set: the SDKs use them instead of profile %q unless a profile is chosen explicitly (aws --profile, or in code); AWS_PROFILE does not win over them",
			awskey.Redact(id), l.in.Profile)
	case id != "":
		l.report("", 0, RuleEnvCredentials, "unset AWS_ACCESS_KEY_ID",
			"AWS_ACCESS_KEY_ID=%s is set without AWS_SECRET_ACCESS_KEY: %s fails with a partial-credentials error instead of using profile %q, %s ignores it",
			awskey.Redact(id), botocore, l.in.Profile, goSDK)
	case secret != "":
		l.report("", 0, RuleEnvCredentials, "unset AWS_SECRET_ACCESS_KEY",
			"AWS_SECRET_ACCESS_KEY is set without AWS_ACCESS_KEY_ID: both SDKs ignore it, but a tool that sets the key ID later will pair it with this secret")
	}
	// botocore reads AWS_DEFAULT_PROFILE before AWS_PROFILE; the Go SDK
	// reads AWS_PROFILE first (configprovider.py, env_config.go).
	if dp, p := l.env("AWS_DEFAULT_PROFILE"), l.env("AWS_PROFILE"); dp != "" {
		switch {
		case p != "" && p != dp:
			l.report("", 0, RuleEnvProfile, "unset AWS_DEFAULT_PROFILE",
				"AWS_DEFAULT_PROFILE=%s and AWS_PROFILE=%s are both set: %s uses %q, %s uses %q", dp, p, botocore, dp, goSDK, p)
		case p == "" && dp != l.in.Profile:
			l.report("", 0, RuleEnvProfile, "unset AWS_DEFAULT_PROFILE, or lint that profile with --profile "+dp,
				"AWS_DEFAULT_PROFILE=%s is set: the SDKs use profile %q, not %q", dp, dp, l.in.Profile)
		}
	}
	if p := l.env("AWS_PROFILE"); p != "" {
		switch {
		case l.in.ProfileSource == "--profile" && p != l.in.Profile:
			l.report("", 0, RuleEnvProfile, "unset AWS_PROFILE, or set it to the profile you mean",
				"AWS_PROFILE=%s is set: commands run without a profile flag use profile %q, not %q", p, p, l.in.Profile)
		case p != "default" && l.in.ProfileSource != "--profile":
			l.report("", 0, RuleEnvProfile, "unset AWS_PROFILE to use the default profile",
				"AWS_PROFILE=%s is set: the SDKs use profile %q instead of \"default\"", p, p)
		}
	}
}

// checkSyntax reports what botocore rejects or the SDKs read differently,
// line by line.
func (l *linter) checkSyntax(f *File, kind fileKind) {
	path := f.Path
	if f.BOM {
		l.report(path, 1, RuleBOM, "save the file as UTF-8 without BOM (credguard lint --fix removes it)",
			"file starts with a UTF-8 byte-order mark: %s fails to parse the file and %s ignores the first section", botocore, goSDK)
	}
	if !utf8.Valid(f.Data) {
		line := 0
		for _, ln := range f.Lines {
			if !utf8.ValidString(ln.Raw) {
				line = ln.Num
				break
			}
		}
		l.report(path, line, RuleEncoding, "save the file as UTF-8",
			"file is not valid UTF-8: %s fails to read it", botocore)
	}
	for _, ln := range f.Lines {
		if strings.Contains(ln.Raw, "\r") {
			l.report(path, ln.Num, RuleStrayCR, "use \\n or \\r\\n line endings only",
				"a carriage return inside the line: %s starts a new line there, %s does not", botocore, goSDK)
		}
	}

	// Lines before the first header.
	for _, ln := range f.Sections[0].Lines {
		switch ln.Kind {
		case KeyValue, Invalid, Continuation:
			l.report(path, ln.Num, RuleKeyBeforeSection, "put it under a header such as [default], or delete it",
				"%s before any [section] header: %s rejects the whole file, %s ignores the line", describeLine(ln), botocore, goSDK)
		}
	}

	if kind == configFile {
		for _, ln := range f.Lines {
			if _, ok := credentialKeys[normKey(ln.Key)]; ok && ln.Kind == KeyValue {
				l.report(path, ln.Num, RuleCredentialsInConfig, "move it to the credentials file (credguard init writes it there with safe permissions)",
					"%s is in the config file, which is often shared or readable by others", normKey(ln.Key))
			}
		}
	}
	seen := map[string]*Line{}
	hasDefault, hasProfileDefault := 0, 0
	for _, s := range f.Sections[1:] {
		h := s.Header
		name := s.Name()
		l.checkHeader(f, kind, h)
		if h.Closed && name != "" {
			if first, dup := seen[name]; dup {
				if first.Name == h.Name {
					l.report(path, h.Num, RuleDuplicateSection, "merge the two sections into one",
						"section [%s] is defined again (first at line %d): %s rejects the file, %s merges them (later keys win)",
						name, first.Num, botocore, goSDK)
				} else {
					l.report(path, h.Num, RuleDuplicateSection, "merge the two sections into one, written without spaces inside the brackets",
						"section [%s] is defined again (first at line %d): %s merges them (later keys win), %s reads two sections because the spaces inside the brackets differ",
						name, first.Num, goSDK, botocore)
				}
			} else {
				seen[name] = h
			}
			if kind == configFile {
				if name == "default" {
					hasDefault = h.Num
				}
				if n, ok := configProfileName(h); ok && n == "default" && name != "default" {
					hasProfileDefault = h.Num
				}
			}
			if name == "DEFAULT" {
				l.report(path, h.Num, RuleDefaultSection, "rename it to [default] (lower case) if it is meant as the default profile",
					"[DEFAULT] is special for %s: its keys are copied into every profile; %s reads it as a profile named \"DEFAULT\"; neither treats it as the default profile",
					botocore, goSDK)
			}
		}
		l.checkSectionLines(f, s)
	}
	if hasDefault > 0 && hasProfileDefault > 0 {
		l.report(path, max(hasDefault, hasProfileDefault), RuleConflictingDefault, "keep one of them: [default] is the documented form",
			"both [default] (line %d) and [profile default] (line %d): %s uses whichever comes last, %s always uses [profile default]",
			hasDefault, hasProfileDefault, botocore, goSDK)
	}
}

// describeLine says what a stray line looks like without printing it: it
// may be a pasted secret.
func describeLine(ln *Line) string {
	v := strings.TrimSpace(ln.Raw)
	if ln.Kind == KeyValue {
		return fmt.Sprintf("key %q", strings.TrimSpace(ln.Key))
	}
	switch {
	case awskey.IsID(v):
		return "an access key ID with no key"
	case len(v) == awskey.SecretLen && awskey.SecretProblem(v) == "":
		return "what looks like a secret access key with no key"
	}
	return "a line"
}

// knownConfigSections are non-profile sections the AWS CLI reads from the
// config file.
var knownConfigSections = map[string]bool{"plugins": true, "preview": true}

func (l *linter) checkHeader(f *File, kind fileKind, h *Line) {
	path := f.Path
	name := strings.TrimSpace(h.Name)
	if !h.Closed {
		l.report(path, h.Num, RuleUnclosedHeader, fmt.Sprintf("close it: [%s]", name),
			"section header has no closing ']': %s rejects the file, %s ignores the line and puts the keys below into the previous section", botocore, goSDK)
		return
	}
	if name == "" {
		l.report(path, h.Num, RuleBadHeader, "name the section, e.g. [default]",
			"empty section header []: %s rejects the file", botocore)
		return
	}
	trailer := strings.TrimSpace(h.Trailer)
	switch {
	case strings.ContainsAny(h.Name, "[]"):
		l.report(path, h.Num, RuleBadHeader, "write the header with one pair of brackets, e.g. [default]",
			"brackets inside the section name: %s reads the section as [%s]", botocore, name)
		return
	case strings.ContainsAny(h.Name, "#;"):
		l.report(path, h.Num, RuleBadHeader, "remove '#' and ';' from the section name",
			"section name contains '#' or ';': %s cuts the header there and ignores the section", goSDK)
		return
	case trailer != "" && trailer[0] != '#' && trailer[0] != ';':
		l.report(path, h.Num, RuleBadHeader, "remove the text after ']'",
			"text after the closing ']': %s ignores the header, so the keys below it join the section before", goSDK)
		return
	}
	if h.Name != name {
		l.report(path, h.Num, RuleHeaderSpaces, fmt.Sprintf("write [%s] without spaces inside the brackets", name),
			"spaces inside the brackets: %s reads the section as [%s], %s as [%s]",
			botocore, h.Name, goSDK, name)
	}
	switch kind {
	case credentialsFile:
		if rest, ok := strings.CutPrefix(name, "profile"); ok && rest != "" && (rest[0] == ' ' || rest[0] == '\t') {
			bare := strings.TrimSpace(rest)
			l.report(path, h.Num, RuleProfilePrefixInCredentials, fmt.Sprintf("write [%s]: the credentials file takes bare names", bare),
				"[%s] in the credentials file: %s reads a profile named %q, %s ignores the section; neither reads it as profile %q",
				name, botocore, name, goSDK, bare)
		}
	case configFile:
		fields := strings.Fields(name)
		switch {
		case name == "default":
		case fields[0] == "profile":
			if len(fields) != 2 || strings.ContainsAny(fields[1], `"'`) {
				l.report(path, h.Num, RuleBadProfileName, "use a profile name with no spaces or quotes",
					"profile name %q: %s and %s read it differently", strings.TrimSpace(strings.TrimPrefix(name, "profile")), botocore, goSDK)
			}
		case fields[0] == "sso-session" || fields[0] == "services":
			if len(fields) != 2 {
				l.report(path, h.Num, RuleBadProfileName, "use a name with no spaces or quotes",
					"[%s] needs exactly one name after %q", name, fields[0])
			}
		case knownConfigSections[name] || name == "DEFAULT":
		default:
			l.report(path, h.Num, RuleMissingProfilePrefix, fmt.Sprintf("write [profile %s]", name),
				"[%s] in the config file is not a profile: both SDKs ignore it (only [default] goes without 'profile ')", name)
		}
	}
}

// nestable are the keys whose value may be an indented block of "k = v"
// lines (botocore's one level of nesting): an empty value followed by a
// deeper-indented block is how the AWS CLI writes s3 and similar settings.
func (l *linter) checkSectionLines(f *File, s *Section) {
	path := f.Path
	keys := map[string]*Line{}
	var last *Line // the key line that continuations belong to
	for _, ln := range s.Lines {
		switch ln.Kind {
		case Invalid:
			l.report(path, ln.Num, RuleMissingEquals, "write it as 'key = value', or delete it",
				"%s with no '=': %s rejects the whole file, %s ignores the line", describeLine(ln), botocore, goSDK)
		case Continuation:
			l.checkContinuation(f, last, ln)
		case KeyValue:
			last = ln
			k := strings.TrimSpace(ln.Key)
			if k == "" {
				l.report(path, ln.Num, RuleEmptyKey, "put the key name before '='",
					"a value with no key: %s rejects the whole file", botocore)
				continue
			}
			nk := lowerKey(k)
			if first, dup := keys[nk]; dup {
				l.report(path, ln.Num, RuleDuplicateKey, "keep one of the two lines",
					"%s is set again (first at line %d): %s rejects the whole file, %s uses the last one",
					nk, first.Num, botocore, goSDK)
			} else {
				keys[nk] = ln
			}
			if k != nk {
				l.report(path, ln.Num, RuleUppercaseKey, fmt.Sprintf("write %s in lower case", nk),
					"key %q has upper-case letters: %s and %s lower-case keys, %s does not and misses it", k, botocore, goSDK, jsSDK)
			}
			if ln.Delim == ':' {
				l.report(path, ln.Num, RuleColonDelimiter, fmt.Sprintf("write %s = ...", nk),
					"%s is followed by ':' instead of '=': %s and %s accept it, %s ignores the line", nk, botocore, goSDK, jsSDK)
			}
			if ln.Indent != "" {
				l.report(path, ln.Num, RuleIndentedKey, "remove the indentation",
					"indented key line: %s appends any line indented deeper below it to this value, where %s and %s read a separate key", botocore, goSDK, jsSDK)
			}
			l.checkValue(path, ln, nk)
		}
	}
}

// checkContinuation reports an indented line that botocore appends to the
// previous key's value.
func (l *linter) checkContinuation(f *File, key, ln *Line) {
	if key == nil {
		return // cannot happen: the reader only makes continuations after a key
	}
	nk := normKey(key.Key)
	body := strings.TrimSpace(ln.Raw)
	_, isCred := credentialKeys[nk]
	hasEq := strings.ContainsAny(body, "=:")
	switch {
	case key.Value != "":
		what := "the Go SDK appends it too"
		if strings.HasPrefix(body, "[") {
			what = goSDK + " reads it as a new section"
		} else if hasEq {
			what = goSDK + " reads it as a separate key"
		} else {
			what = goSDK + " appends it too"
		}
		l.report(f.Path, ln.Num, RuleContinuation, "remove the indentation (or join the line to the one above if it is part of the value)",
			"indented line under %s: %s appends it to the value of %s (line %d); %s", nk, botocore, nk, key.Num, what)
	case isCred:
		l.report(f.Path, ln.Num, RuleContinuation, fmt.Sprintf("put the value on the same line: %s = VALUE", nk),
			"%s is empty and its value is on the next, indented line: %s reads a nested block, %s an empty value", nk, botocore, goSDK)
	case !hasEq:
		l.report(f.Path, ln.Num, RuleContinuation, "write nested settings as 'key = value'",
			"nested line under %s has no '=': %s rejects the whole file", nk, botocore)
	}
}

// credentialKeys are the static credential settings.
var credentialKeys = map[string]struct{}{
	"aws_access_key_id": {}, "aws_secret_access_key": {}, "aws_session_token": {},
}

// checkValue reports quoting and inline comments, which the SDKs read
// differently, in any key.
func (l *linter) checkValue(path string, ln *Line, key string) {
	v := ln.Value
	// The reader trims what botocore trims; look at the text as written:
	// the indent, both ends of the key and both ends of the value.
	raw := ln.Raw[min(len(ln.Raw), len(ln.Indent)+len(ln.Key)+1):]
	if strings.Trim(ln.Indent, " \t") != "" || hiddenSpaceAtEnd(strings.Trim(ln.Key, " \t")) || hiddenSpaceAtEnd(strings.Trim(raw, " \t")) {
		// Found by FuzzLintGoSDK: Python's strip() also removes \x1c-\x1f,
		// \v, \f and Unicode spaces; the Go SDK trims only spaces and tabs.
		l.report(path, ln.Num, RuleHiddenSpace, fmt.Sprintf("retype the line of %s without the invisible character", key),
			"the line of %s has an invisible space or control character around its key or value: %s strips it, %s keeps it", key, botocore, goSDK)
	}
	if c := inlineComment(v); c >= 0 {
		l.report(path, ln.Num, RuleInlineComment, "move the comment to a line of its own",
			"comment after the value of %s: %s keeps \"%s\" as part of the value, %s cuts it off",
			key, botocore, redactTail(key, v[c:]), goSDK)
		v = strings.TrimRight(v[:c], " \t")
	}
	switch {
	case v == `"` || v == "'":
		// Found by FuzzLintGoSDK: the Go SDK's unquote slices [1:0] here.
		l.report(path, ln.Num, RuleLoneQuote, fmt.Sprintf("remove the lone quote, or write the whole value of %s", key),
			"value of %s is a lone quote: %s panics reading the file", key, goSDK)
	case !isQuoted(v):
	case key == "credential_process":
		// botocore splits the command with shlex, which removes the quotes;
		// the Go SDK strips them and runs the rest with sh -c (cmd.exe /C
		// on Windows), which splits it again at any space.
		if strings.ContainsAny(v[1:len(v)-1], " \t") {
			l.report(path, ln.Num, RuleQuotedValue, "quote only the program path, not the whole command: credential_process = \"/path/with space/prog\" --arg",
				"the whole credential_process is in quotes: %s strips them and runs the command through a shell, which splits it at the spaces inside", goSDK)
		}
	default:
		l.report(path, ln.Num, RuleQuotedValue, fmt.Sprintf("remove the quotes around the value of %s", key),
			"value of %s is in quotes: %s keeps the quotes as part of the value, %s strips them", key, botocore, goSDK)
	}
}

// shown is a value from a file as messages may quote it: a value that could
// be a key (a pasted secret on the wrong line) appears redacted.
func shown(v string) string {
	if len(v) > 64 || looksLikeSecret(v) || awskey.PrefixKind(v) != awskey.NotAKey && len(v) >= 16 {
		return awskey.Redact(v)
	}
	for i := 0; i+awskey.SecretLen <= len(v); i++ {
		if looksLikeSecret(v[i : i+awskey.SecretLen]) {
			return awskey.Redact(v)
		}
	}
	return v
}

// redactTail shows a comment unless the key holds a secret, where even the
// comment may hold part of one.
func redactTail(key, s string) string {
	if _, cred := credentialKeys[key]; cred || len(s) > 40 {
		return "# ..."
	}
	return strings.TrimSpace(s)
}

// inlineComment returns the index of the whitespace that starts an inline
// comment as the Go SDK sees it (" #", " ;", "\t#", "\t;"), or -1.
func inlineComment(v string) int {
	for i := 1; i < len(v); i++ {
		if (v[i] == '#' || v[i] == ';') && (v[i-1] == ' ' || v[i-1] == '\t') {
			return i - 1
		}
	}
	return -1
}

func isQuoted(v string) bool {
	return len(v) >= 2 && (v[0] == '"' || v[0] == '\'') && v[len(v)-1] == v[0]
}

// cleanValue is the value with an inline comment and quotes removed: what
// the user meant, for the shape checks (the syntax is reported apart).
func cleanValue(v string) string {
	if c := inlineComment(v); c >= 0 {
		v = strings.TrimRight(v[:c], " \t")
	}
	if isQuoted(v) {
		v = v[1 : len(v)-1]
	}
	return strings.TrimSpace(v)
}

// configProfileName returns the profile a config-file header defines:
// "default" for [default] and [profile default], NAME for [profile NAME].
func configProfileName(h *Line) (string, bool) {
	if h == nil || !h.Closed {
		return "", false
	}
	name := strings.TrimSpace(h.Name)
	if name == "default" {
		return name, true
	}
	fields := strings.Fields(name)
	if len(fields) == 2 && fields[0] == "profile" {
		return fields[1], true
	}
	return "", false
}

// profileNames lists every profile the two files define, in file order.
func (l *linter) profileNames() []string {
	var names []string
	add := func(n string) {
		if n != "" && !slices.Contains(names, n) {
			names = append(names, n)
		}
	}
	if f := l.in.Credentials; f != nil {
		for _, s := range f.Sections[1:] {
			if s.Header.Closed && s.Name() != "DEFAULT" {
				add(s.Name())
			}
		}
	}
	if f := l.in.Config; f != nil {
		for _, s := range f.Sections[1:] {
			if n, ok := configProfileName(s.Header); ok {
				add(n)
			}
		}
	}
	return names
}

// checkProfiles checks every profile's settings, then whether the chosen
// profile can get credentials.
func (l *linter) checkProfiles() {
	creds, config := l.in.Credentials, l.in.Config
	for _, name := range l.profileNames() {
		p := Effective(creds, config, name)
		l.checkKeys(p)
		l.checkConfigValues(p)
		l.checkRole(p)
		l.checkSSO(p)
	}
	if config != nil {
		for _, s := range config.Sections[1:] {
			if fs := strings.Fields(s.Name()); len(fs) == 2 && fs[0] == "sso-session" && s.Header.Closed {
				if ln := s.Lookup("sso_region"); ln != nil {
					l.checkRegion(Setting{Value: ln.Value, File: config, Line: ln}, "sso_region", "["+s.Name()+"]")
				}
			}
		}
	}
	name := l.in.Profile
	p := Effective(creds, config, name)
	if p == nil {
		l.reportMissingProfile(name)
		return
	}
	if !hasCredentialSource(p) {
		line, file := 0, ""
		if len(p.Sections) > 0 {
			s := p.Sections[len(p.Sections)-1]
			line, file = s.Header.Num, l.fileOf(s)
		}
		l.report(file, line, RuleNoCredentials, "add aws_access_key_id and aws_secret_access_key (credguard init), or a role, SSO or credential_process",
			"profile %q has no credentials: no keys, role_arn, SSO account and role, or credential_process%s", name, nearMiss(p, "aws_access_key_id"))
		return
	}
	l.checkChainCredentials(p)
	if role, ok := p.Settings["role_arn"]; ok {
		if m := roleARNRE.FindStringSubmatch(cleanValue(role.Value)); m != nil {
			l.report(role.File.Path, role.Line.Num, RuleRoleAccount, "",
				"profile %q assumes role %s in AWS account %s", name, m[3], m[2])
		}
	}
}

func (l *linter) fileOf(s *Section) string {
	for _, f := range []*File{l.in.Credentials, l.in.Config} {
		if f != nil && slices.Contains(f.Sections, s) {
			return f.Path
		}
	}
	return ""
}

func (l *linter) reportMissingProfile(name string) {
	in := l.in
	hint := fmt.Sprintf("run 'credguard init --profile %s' to add it", name)
	msg := fmt.Sprintf("profile %q is in neither %s nor %s", name, in.CredentialsPath, in.ConfigPath)
	file := in.CredentialsPath
	if in.Credentials == nil {
		file = in.ConfigPath
		msg = fmt.Sprintf("profile %q is not in %s", name, in.ConfigPath)
		if in.Config == nil {
			return // credentials-missing already says what to do
		}
	}
	// Near misses: a section the user meant but the SDKs do not match
	// (case, a 'profile ' prefix in the wrong file, a typo).
	best := 3
	for _, f := range []*File{in.Credentials, in.Config} {
		if f == nil {
			continue
		}
		for _, s := range f.Sections[1:] {
			n := s.Name()
			bare := n
			if fs := strings.Fields(n); len(fs) == 2 && fs[0] == "profile" {
				bare = fs[1]
			}
			d := editDistance(strings.ToLower(bare), strings.ToLower(name))
			if d >= best || (bare == name && f == in.Config) {
				continue
			}
			best = d
			file = f.Path
			switch {
			case bare == name:
				hint = fmt.Sprintf("rename [%s] to [%s]: the credentials file takes bare names", n, name)
			case d == 0:
				hint = fmt.Sprintf("profile names are case-sensitive: rename [%s], or use --profile %s", n, bare)
			default:
				hint = fmt.Sprintf("did you mean [%s] (line %d)? rename it, or use --profile %s", n, s.Header.Num, bare)
			}
		}
	}
	l.report(file, 0, RuleProfileMissing, hint, "%s", msg)
}

// editDistance is the Levenshtein distance between two short strings.
func editDistance(a, b string) int {
	if len(a) > 64 || len(b) > 64 {
		if a == b {
			return 0
		}
		return 64
	}
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// hasCredentialSource says whether the profile has any way to get credentials.
func hasCredentialSource(p *Profile) bool {
	// An sso_session alone gives a bearer token (for CodeCatalyst), not AWS
	// credentials: those need sso_account_id and sso_role_name.
	for _, k := range []string{"aws_access_key_id", "aws_secret_access_key", "role_arn", "credential_process",
		"sso_account_id", "sso_role_name", "web_identity_token_file"} {
		if _, ok := p.Settings[k]; ok {
			return true
		}
	}
	return false
}

func hasStaticKeys(p *Profile) bool {
	_, ok := p.Settings["aws_access_key_id"]
	_, ok2 := p.Settings["aws_secret_access_key"]
	return ok && ok2
}

// checkKeys checks a profile's static credentials.
func (l *linter) checkKeys(p *Profile) {
	idS, hasID := p.Settings["aws_access_key_id"]
	secS, hasSecret := p.Settings["aws_secret_access_key"]
	tokS, hasToken := p.Settings["aws_session_token"]
	switch {
	case hasID && !hasSecret:
		l.report(idS.File.Path, idS.Line.Num, RuleMissingSecretAccessKey, "add aws_secret_access_key = ... below it",
			"profile %q has aws_access_key_id but no aws_secret_access_key%s", p.Name, nearMiss(p, "aws_secret_access_key"))
	case hasSecret && !hasID:
		l.report(secS.File.Path, secS.Line.Num, RuleMissingAccessKeyID, "add aws_access_key_id = ... above it",
			"profile %q has aws_secret_access_key but no aws_access_key_id%s", p.Name, nearMiss(p, "aws_access_key_id"))
	}
	id, secret := "", ""
	if hasID {
		id = cleanValue(idS.Value)
	}
	if hasSecret {
		secret = cleanValue(secS.Value)
	}
	if hasID && hasSecret && looksLikeSecret(id) && awskey.IsID(secret) {
		l.report(idS.File.Path, idS.Line.Num, RuleSwappedKeys, "swap the two values",
			"profile %q has the secret access key in aws_access_key_id and the key ID (%s) in aws_secret_access_key (line %d)",
			p.Name, awskey.Redact(secret), secS.Line.Num)
		return
	}
	okID := false
	if hasID {
		okID = l.checkKeyID(p, idS, id)
	}
	if hasSecret {
		l.checkSecret(p, secS, secret)
	}
	if hasToken && cleanValue(tokS.Value) == "" {
		l.report(tokS.File.Path, tokS.Line.Num, RuleEmptyValue, "delete the line, or paste the session token",
			"aws_session_token of profile %q is empty", p.Name)
		hasToken = false
	}
	if !okID {
		return
	}
	switch awskey.PrefixKind(id) {
	case awskey.Temporary:
		if !hasToken {
			l.report(idS.File.Path, idS.Line.Num, RuleTemporaryKeyNoToken, "add aws_session_token = ... from the same STS response, or use a long-term AKIA key",
				"profile %q has a temporary key %s but no aws_session_token: AWS rejects every request", p.Name, awskey.Redact(id))
		}
	case awskey.LongTerm:
		if hasToken {
			l.report(tokS.File.Path, tokS.Line.Num, RuleStaleSessionToken, "delete the aws_session_token line",
				"profile %q has a long-term key %s and an aws_session_token, probably left from earlier temporary credentials: the SDKs send it and AWS rejects the request",
				p.Name, awskey.Redact(id))
		}
	}
	if acct, ok := awskey.AccountID(id); ok {
		l.report(idS.File.Path, idS.Line.Num, RuleKeyAccount, "",
			"profile %q uses key %s of AWS account %s", p.Name, awskey.Redact(id), acct)
	}
}

// nearMiss names a key in the profile that looks like a misspelling of want.
func nearMiss(p *Profile, want string) string {
	names := make([]string, 0, len(p.Settings))
	for k := range p.Settings {
		names = append(names, k)
	}
	slices.Sort(names)
	for _, k := range names {
		s := p.Settings[k]
		if k != want && (strings.Contains(k, "secret") == strings.Contains(want, "secret")) &&
			(strings.HasPrefix(k, "aws_") || strings.Contains(k, "access")) && !strings.Contains(k, "token") && !strings.Contains(k, "session") {
			if _, known := credentialKeys[k]; !known {
				return fmt.Sprintf(" (is %q on line %d a misspelling?)", k, s.Line.Num)
			}
		}
	}
	return ""
}

func looksLikeSecret(s string) bool {
	if len(s) != awskey.SecretLen {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !awskey.IsSecretByte(s[i]) {
			return false
		}
	}
	return true
}

// checkKeyID checks an access key ID and reports whether it is well formed.
func (l *linter) checkKeyID(p *Profile, s Setting, id string) bool {
	path, line := s.File.Path, s.Line.Num
	switch {
	case id == "":
		l.report(path, line, RuleEmptyValue, "paste the access key ID after '='",
			"aws_access_key_id of profile %q is empty", p.Name)
	case awskey.IsExample(id):
		l.report(path, line, RuleExampleKey, "use your own access key ID (IAM console, or credguard init)",
			"aws_access_key_id of profile %q is AWS's documentation example %s, not a real key", p.Name, id)
	case awskey.IsPlaceholder(id):
		l.report(path, line, RulePlaceholderKey, "replace it with your access key ID",
			"aws_access_key_id of profile %q is a placeholder, not a key", p.Name)
	case looksLikeSecret(id):
		l.report(path, line, RuleMalformedAccessKeyID, "aws_access_key_id is the 20-character ID starting AKIA; the 40-character value goes in aws_secret_access_key",
			"aws_access_key_id of profile %q holds a 40-character value that looks like a secret access key", p.Name)
	default:
		if prob := awskey.IDProblem(id); prob != "" {
			fix := "copy the access key ID again: 20 characters, AKIA or ASIA then A-Z and 2-7"
			if strings.ToUpper(id) != id && awskey.IsID(strings.ToUpper(id)) {
				fix = "write the key ID in upper case"
			}
			l.report(path, line, RuleMalformedAccessKeyID, fix,
				"aws_access_key_id %s of profile %q %s", awskey.Redact(id), p.Name, prob)
			return false
		}
		return true
	}
	return false
}

// checkSecret checks a secret access key without ever printing it.
func (l *linter) checkSecret(p *Profile, s Setting, secret string) {
	path, line := s.File.Path, s.Line.Num
	switch {
	case secret == "":
		l.report(path, line, RuleEmptyValue, "paste the secret access key after '='",
			"aws_secret_access_key of profile %q is empty", p.Name)
	case awskey.IsExample(secret):
		l.report(path, line, RuleExampleKey, "use your own secret access key",
			"aws_secret_access_key of profile %q is AWS's documentation example, not a real key", p.Name)
	case awskey.IsPlaceholder(secret):
		l.report(path, line, RulePlaceholderKey, "replace it with your secret access key",
			"aws_secret_access_key of profile %q is a placeholder, not a key", p.Name)
	case awskey.IsID(secret):
		l.report(path, line, RuleMalformedSecret, "the secret is the 40-character value shown once when the key was created",
			"aws_secret_access_key of profile %q holds an access key ID (%s)", p.Name, awskey.Redact(secret))
	default:
		if prob := secretShape(secret); prob != "" {
			l.report(path, line, RuleMalformedSecret, "copy the secret access key again (all 40 characters), or create a new key",
				"aws_secret_access_key of profile %q %s", p.Name, prob)
		}
	}
}

// secretShape says what is wrong with a secret's shape, never quoting it.
// It does not use awskey.LooksRandom's class test: about one real secret in
// a thousand has no digit, and lint must not call a working key broken.
func secretShape(s string) string {
	if len(s) != awskey.SecretLen {
		return fmt.Sprintf("is %d characters long, want %d", len(s), awskey.SecretLen)
	}
	hex := true
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !awskey.IsSecretByte(c) {
			what := "a character"
			if c == ' ' || c == '\t' {
				what = "a space"
			}
			return fmt.Sprintf("has %s at position %d; secret keys use only A-Z, a-z, 0-9, + and /", what, i+1)
		}
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F') {
			hex = false
		}
	}
	if hex {
		return "is a 40-character hex string (a SHA-1 or git object ID), not a secret key"
	}
	// A random secret lacks a whole letter case with odds below 1e-9: such
	// a value was upper- or lower-cased along the way.
	if strings.ToLower(s) == s {
		return "has no upper-case letters: it was lower-cased along the way (secret keys are case-sensitive)"
	}
	if strings.ToUpper(s) == s {
		return "has no lower-case letters: it was upper-cased along the way (secret keys are case-sensitive)"
	}
	return ""
}

var (
	// regionRE matches region names: us-east-1, us-gov-west-1,
	// eu-isoe-west-1, eusc-de-east-1 (the European Sovereign Cloud).
	regionRE = regexp.MustCompile(`^[a-z]{2,4}(-[a-z]+)+-[0-9]{1,2}$`)
	// azRE matches an availability zone (us-east-1a) or zone ID (use1-az1).
	azRE = regexp.MustCompile(`^([a-z]{2,4}(-[a-z]+)+-[0-9]{1,2})[a-z]$|^[a-z]{3,}[0-9]-az[0-9]+$`)
	// globalRE matches the pseudo-regions of global endpoints (aws-global).
	globalRE  = regexp.MustCompile(`^aws(-[a-z]+)*-global$`)
	roleARNRE = regexp.MustCompile(`^arn:aws(-[a-z]+)*:iam::([0-9]{12}):role/([\w+=,.@/-]+)$`)
)

var outputs = []string{"json", "text", "table", "yaml", "yaml-stream", "off"}

// checkConfigValues checks region, output and duration_seconds.
func (l *linter) checkConfigValues(p *Profile) {
	for _, key := range []string{"region", "sso_region"} {
		if s, ok := p.Settings[key]; ok {
			l.checkRegion(s, key, fmt.Sprintf("profile %q", p.Name))
		}
	}
	if s, ok := p.Settings["output"]; ok {
		if v := cleanValue(s.Value); !slices.Contains(outputs, v) {
			l.report(s.File.Path, s.Line.Num, RuleInvalidOutput, "use one of "+strings.Join(outputs, ", "),
				"output %q of profile %q is not one of %s", shown(v), p.Name, strings.Join(outputs, ", "))
		}
	}
	if s, ok := p.Settings["duration_seconds"]; ok {
		v := cleanValue(s.Value)
		n, err := strconv.Atoi(v)
		if err != nil || n < 900 || n > 43200 {
			l.report(s.File.Path, s.Line.Num, RuleInvalidDuration, "use a whole number of seconds from 900 (15 minutes) to 43200 (12 hours)",
				"duration_seconds %q of profile %q is not in 900-43200", shown(v), p.Name)
		}
	}
}

// checkRegion reports a region setting that is not a region name.
func (l *linter) checkRegion(s Setting, key, owner string) {
	v := cleanValue(s.Value)
	switch {
	case v == "":
		l.report(s.File.Path, s.Line.Num, RuleInvalidRegion, "set a region such as us-east-1, or delete the line",
			"%s of %s is empty", key, owner)
	case azRE.MatchString(v):
		fix := "use the region name"
		if m := azRE.FindStringSubmatch(v); m[1] != "" {
			fix = fmt.Sprintf("use the region %s", m[1])
		}
		l.report(s.File.Path, s.Line.Num, RuleInvalidRegion, fix,
			"%s %q of %s is an availability zone, not a region", key, shown(v), owner)
	case !regionRE.MatchString(v) && !globalRE.MatchString(v):
		l.report(s.File.Path, s.Line.Num, RuleInvalidRegion, "use a region name such as us-east-1 (lower case)",
			"%s %q of %s is not a region name", key, shown(v), owner)
	}
}

var credentialSources = []string{"Environment", "Ec2InstanceMetadata", "EcsContainer"}

// checkRole checks role_arn and what sources it.
func (l *linter) checkRole(p *Profile) {
	role, hasRole := p.Settings["role_arn"]
	src, hasSrc := p.Settings["source_profile"]
	cs, hasCS := p.Settings["credential_source"]
	wi, hasWI := p.Settings["web_identity_token_file"]
	proc, hasProc := p.Settings["credential_process"]
	var types []string
	var at Setting
	for _, t := range []struct {
		ok  bool
		s   Setting
		key string
	}{{hasSrc, src, "source_profile"}, {hasCS, cs, "credential_source"}, {hasProc, proc, "credential_process"}, {hasWI, wi, "web_identity_token_file"}} {
		if t.ok {
			types = append(types, t.key)
			at = t.s
		}
	}
	if len(types) > 1 {
		l.report(at.File.Path, at.Line.Num, RuleConflictingCredentialType, "keep only one of them",
			"profile %q sets %s: %s refuses more than one credential type", p.Name, strings.Join(types, " and "), goSDK)
	}
	if hasRole {
		v := cleanValue(role.Value)
		if !roleARNRE.MatchString(v) {
			l.report(role.File.Path, role.Line.Num, RuleInvalidRoleARN, "use the role's ARN: arn:aws:iam::ACCOUNT:role/NAME",
				"role_arn %q of profile %q is not an IAM role ARN", shown(v), p.Name)
		}
		if !hasSrc && !hasCS && !hasWI {
			l.report(role.File.Path, role.Line.Num, RuleRoleWithoutSource, "add source_profile = PROFILE (whose keys assume the role) or credential_source = Environment|Ec2InstanceMetadata|EcsContainer",
				"profile %q has role_arn but neither source_profile nor credential_source: nothing can assume the role", p.Name)
		}
	} else {
		for _, t := range []struct {
			ok  bool
			s   Setting
			key string
		}{{hasSrc, src, "source_profile"}, {hasCS, cs, "credential_source"}, {hasWI, wi, "web_identity_token_file"}} {
			if t.ok {
				l.report(t.s.File.Path, t.s.Line.Num, RuleSourceWithoutRole, "add role_arn = arn:aws:iam::ACCOUNT:role/NAME, or delete the line",
					"profile %q has %s but no role_arn: %s fails to load the profile, %s ignores the setting", p.Name, t.key, goSDK, botocore)
			}
		}
	}
	if hasCS {
		v := cleanValue(cs.Value)
		if !slices.Contains(credentialSources, v) {
			fix := "use Environment, Ec2InstanceMetadata or EcsContainer (case-sensitive)"
			for _, c := range credentialSources {
				if strings.EqualFold(c, v) {
					fix = "write " + c + ": the value is case-sensitive"
				}
			}
			l.report(cs.File.Path, cs.Line.Num, RuleInvalidCredentialSource, fix,
				"credential_source %q of profile %q is not Environment, Ec2InstanceMetadata or EcsContainer", shown(v), p.Name)
		}
	}
	if hasSrc && hasRole {
		l.checkSourceChain(p)
	}
}

// checkSourceChain follows source_profile from p and reports a missing link
// or a loop. A profile may name itself when it also holds static keys (both
// SDKs allow this, to keep a role and its source keys together).
func (l *linter) checkSourceChain(p *Profile) {
	visited := []string{p.Name}
	cur := p
	for {
		s, ok := cur.Settings["source_profile"]
		if !ok {
			return
		}
		if _, role := cur.Settings["role_arn"]; !role {
			return
		}
		next := cleanValue(s.Value)
		// Both SDKs stop at a source profile with static keys, and let the
		// first profile name itself to keep a role and its keys together.
		if cur != p && hasStaticKeys(cur) || next == cur.Name && hasStaticKeys(cur) {
			return
		}
		if slices.Contains(visited, next) {
			if cur == p || next == p.Name {
				why := "neither SDK can get credentials"
				if np := Effective(l.in.Credentials, l.in.Config, next); np != nil && hasStaticKeys(np) {
					why = fmt.Sprintf("%s refuses the loop, %s stops at the keys of %q", botocore, goSDK, next)
				}
				l.report(s.File.Path, s.Line.Num, RuleSourceProfileCycle, "end the chain at a profile with keys (or credential_source)",
					"source_profile chain loops: %s -> %s: %s", strings.Join(visited, " -> "), next, why)
			}
			return
		}
		np := Effective(l.in.Credentials, l.in.Config, next)
		if np == nil {
			if cur == p {
				l.report(s.File.Path, s.Line.Num, RuleSourceProfileMissing, fmt.Sprintf("add profile %q, or fix the name", next),
					"source_profile %q of profile %q does not exist", next, p.Name)
			}
			return
		}
		visited = append(visited, next)
		cur = np
	}
}

// checkChainCredentials reports when the chosen profile's source chain ends
// in a profile with no credentials.
func (l *linter) checkChainCredentials(p *Profile) {
	cur := p
	seen := map[string]bool{}
	for !seen[cur.Name] {
		seen[cur.Name] = true
		s, ok := cur.Settings["source_profile"]
		if _, role := cur.Settings["role_arn"]; !ok || !role {
			return
		}
		next := cleanValue(s.Value)
		if next == cur.Name {
			return
		}
		np := Effective(l.in.Credentials, l.in.Config, next)
		if np == nil {
			return // reported by checkSourceChain
		}
		if !hasCredentialSource(np) {
			l.report(s.File.Path, s.Line.Num, RuleSourceProfileNoCreds, fmt.Sprintf("add keys to profile %q (credguard init --profile %s)", next, next),
				"source_profile %q of profile %q has no credentials to assume the role with", next, cur.Name)
			return
		}
		cur = np
	}
}

// checkSSO checks IAM Identity Center (SSO) settings.
func (l *linter) checkSSO(p *Profile) {
	get := func(k string) (string, Setting, bool) {
		s, ok := p.Settings[k]
		return cleanValue(s.Value), s, ok
	}
	sess, sessS, hasSess := get("sso_session")
	url, urlS, hasURL := get("sso_start_url")
	region, regionS, hasRegion := get("sso_region")
	_, _, hasAcct := get("sso_account_id")
	_, _, hasRole := get("sso_role_name")
	if !hasSess && !hasURL && !hasRegion && !hasAcct && !hasRole {
		return
	}
	at := p.Sections[len(p.Sections)-1].Header
	file := l.fileOf(p.Sections[len(p.Sections)-1])
	var missing []string
	if hasAcct != hasRole {
		if !hasAcct {
			missing = append(missing, "sso_account_id")
		} else {
			missing = append(missing, "sso_role_name")
		}
	}
	if hasSess {
		sec := l.ssoSession(sess)
		if sec == nil {
			l.report(sessS.File.Path, sessS.Line.Num, RuleSSOSessionMissing, fmt.Sprintf("add an [sso-session %s] section with sso_start_url and sso_region (aws configure sso-session)", sess),
				"sso_session %q of profile %q names no [sso-session %s] section in the config file", sess, p.Name, sess)
		} else {
			var smissing []string
			for _, k := range []string{"sso_start_url", "sso_region"} {
				if sec.Lookup(k) == nil || cleanValue(sec.Lookup(k).Value) == "" {
					smissing = append(smissing, k)
				}
			}
			if len(smissing) > 0 {
				l.report(l.in.Config.Path, sec.Header.Num, RuleSSOIncomplete, "add "+strings.Join(smissing, " and "),
					"[sso-session %s] used by profile %q lacks %s", sess, p.Name, strings.Join(smissing, " and "))
			}
			if hasURL && sec.Lookup("sso_start_url") != nil && cleanValue(sec.Lookup("sso_start_url").Value) != url {
				l.report(urlS.File.Path, urlS.Line.Num, RuleSSOMismatch, "delete sso_start_url from the profile: the session has it",
					"sso_start_url of profile %q differs from [sso-session %s]'s: both SDKs refuse the profile", p.Name, sess)
			}
			if hasRegion && sec.Lookup("sso_region") != nil && cleanValue(sec.Lookup("sso_region").Value) != region {
				l.report(regionS.File.Path, regionS.Line.Num, RuleSSOMismatch, "delete sso_region from the profile: the session has it",
					"sso_region of profile %q differs from [sso-session %s]'s: both SDKs refuse the profile", p.Name, sess)
			}
		}
	} else {
		if !hasURL {
			missing = append(missing, "sso_start_url (or sso_session)")
		}
		if !hasRegion {
			missing = append(missing, "sso_region")
		}
		if !hasAcct && !hasRole {
			missing = append(missing, "sso_account_id", "sso_role_name")
		}
	}
	if len(missing) > 0 {
		l.report(file, at.Num, RuleSSOIncomplete, "run 'aws configure sso' or add "+strings.Join(missing, ", "),
			"SSO profile %q lacks %s", p.Name, strings.Join(missing, ", "))
	}
}

// ssoSession returns the config file's [sso-session name] section.
func (l *linter) ssoSession(name string) *Section {
	if l.in.Config == nil {
		return nil
	}
	var found *Section
	for _, s := range l.in.Config.Sections[1:] {
		if fs := strings.Fields(s.Name()); s.Header.Closed && len(fs) == 2 && fs[0] == "sso-session" && fs[1] == name {
			found = s
		}
	}
	return found
}

// lowerKey lower-cases a key as the SDKs do. Bytes that are not UTF-8 (the
// encoding rule reports the file) are kept as they are: strings.ToLower would
// turn each into U+FFFD, making distinct keys equal and unchanged ones look
// upper-case (found by FuzzFix).
func lowerKey(k string) string {
	if utf8.ValidString(k) {
		return strings.ToLower(k)
	}
	b := []byte(k)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

// hiddenSpaceAtEnd reports whether v starts or ends with a character that
// Python's str.strip() removes but is neither a space nor a tab.
func hiddenSpaceAtEnd(v string) bool {
	if v == "" {
		return false
	}
	first, _ := utf8.DecodeRuneInString(v)
	last, _ := utf8.DecodeLastRuneInString(v)
	hidden := func(r rune) bool {
		return r != ' ' && r != '\t' && (unicode.IsSpace(r) || r >= 0x1c && r <= 0x1f)
	}
	return hidden(first) || hidden(last)
}
