package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/spf13/pflag"
	"golang.org/x/term"

	"github.com/credguard/credguard/internal/awskey"
	"github.com/credguard/credguard/profiles"
)

const initUsage = `usage: credguard init [flags]

Adds a profile to the AWS credentials file, safely: the file is replaced
atomically (a crash leaves the old one), under a lock (concurrent runs lose
nothing), with mode 0600 (~/.aws 0700) whatever the umask, keeping every
other byte of it; a symlinked file stays a symlink.

Where the keys come from (never from a flag: secrets stay off command lines):
  a terminal          prompts for the access key ID, the secret access key
                      (not echoed) and, for a temporary ASIA key, the session token
  a pipe or file      the same values on stdin, one per line
  --from-csv FILE     the key file the AWS console downloads ("Download .csv")

Flags:
  --profile NAME        profile to write (default: the CSV's IAM user name,
                        else AWS_PROFILE, else default)
  --region REGION       also set the profile's region in the config file
  --output FORMAT       also set its output format (json, text, table, yaml, ...)
  --force               replace an existing profile's keys (only its key lines change)
  --dry-run             show what would change, secrets masked; write nothing
  --from-csv FILE       read the key from the console's CSV file
  --row N               which key of a CSV that holds several (1 is the first)
  --credentials FILE    credentials file (default AWS_SHARED_CREDENTIALS_FILE,
                        else ~/.aws/credentials)
  --config FILE         config file (default AWS_CONFIG_FILE, else ~/.aws/config)

Exit status: 0 written (or nothing to do), 1 written but lint found errors,
2 bad input or the file cannot be edited safely (nothing written).
`

// initOptions are the parsed flags of 'credguard init'.
type initOptions struct {
	profile, region, output string
	force, dryRun           bool
	fromCSV                 string
	row                     int
	credentials, config     string
}

func runInit(ctx context.Context, e *env, args []string) error {
	var o initOptions
	fs := pflag.NewFlagSet("init", pflag.ContinueOnError)
	fs.StringVar(&o.profile, "profile", "", "")
	fs.StringVar(&o.region, "region", "", "")
	fs.StringVar(&o.output, "output", "", "")
	fs.BoolVar(&o.force, "force", false, "")
	fs.BoolVar(&o.dryRun, "dry-run", false, "")
	fs.StringVar(&o.fromCSV, "from-csv", "", "")
	fs.IntVar(&o.row, "row", 0, "")
	fs.StringVar(&o.credentials, "credentials", "", "")
	fs.StringVar(&o.config, "config", "", "")
	if done, err := parseFlags(e, fs, initUsage, args); done {
		return err
	}
	if fs.NArg() > 0 {
		// The argument is not quoted back: it may be a pasted secret.
		return usageError("init takes no arguments (got %d); keys are read from the terminal, stdin or --from-csv, never from the command line", fs.NArg())
	}
	if fs.Changed("row") && o.fromCSV == "" {
		return usageError("--row needs --from-csv")
	}
	if fs.Changed("row") && o.row < 1 {
		return usageError("--row %d: rows are numbered from 1", o.row)
	}
	if fs.Changed("region") {
		if err := profiles.CheckRegion(o.region); err != nil {
			return badInput(err, "pass a region name such as us-east-1")
		}
	}
	if fs.Changed("output") {
		if err := profiles.CheckOutput(o.output); err != nil {
			return badInput(err, "pass one of the AWS CLI's output formats, or leave out --output")
		}
	}
	if fs.Changed("profile") {
		if err := profiles.CheckProfileName(o.profile); err != nil {
			return badInput(err, "choose a name of letters, digits and . _ - + @")
		}
	}

	in, err := readInitInput(ctx, e, o)
	if err != nil {
		return err
	}
	if err := in.creds.Check(); err != nil {
		return badInput(fmt.Errorf("%s: %w", in.source, err), inputHint(err))
	}
	profile := resolveProfile(e, o, in)
	if err := profiles.CheckProfileName(profile.Value); err != nil {
		return badInput(fmt.Errorf("%w (from %s)", err, profile.Source), "pass --profile NAME")
	}

	credsAt := profiles.CredentialsPath(o.credentials)
	configAt := profiles.ConfigPath(o.config)
	var settings []profiles.Entry
	if o.region != "" {
		settings = append(settings, profiles.Entry{Key: "region", Value: o.region})
	}
	if o.output != "" {
		settings = append(settings, profiles.Entry{Key: "output", Value: o.output})
	}
	configPath := ""
	if len(settings) > 0 {
		configPath = configAt.Value
	}

	// Check both files before writing either: lint first (a file that
	// botocore cannot parse is refused with the linter's reason), then plan
	// the edits, which refuse what they cannot do without guessing.
	credsFile, configFile, err := profiles.Open(credsAt.Value, configPath)
	if err != nil {
		return &exitError{code: 2, err: withHint(err, "check the file's permissions and that it is a regular file")}
	}
	if err := refuseUnparseable(credsFile, configFile, credsAt.Value, configPath, profile.Value); err != nil {
		return err
	}
	credsEdit := func(f *profiles.File) (*profiles.Editor, error) {
		return profiles.PutCredentials(f, profile.Value, in.creds, o.force)
	}
	configEdit := func(f *profiles.File) (*profiles.Editor, error) {
		return profiles.PutConfig(f, profile.Value, settings, o.force)
	}
	credsPlan, err := credsEdit(orEmpty(credsFile, credsAt.Value))
	if err != nil {
		return editFailed(err)
	}
	var configPlan *profiles.Editor
	if configPath != "" {
		if configPlan, err = configEdit(orEmpty(configFile, configPath)); err != nil {
			return editFailed(err)
		}
	}

	if o.dryRun {
		fmt.Fprintf(e.stderr, "credguard: dry run: nothing written (profile %s, key %s)\n", profile.Value, awskey.Redact(in.creds.AccessKeyID))
		changed := false
		for _, p := range []*profiles.Editor{credsPlan, configPlan} {
			if p != nil && p.Changed() {
				fmt.Fprint(e.stdout, p.Diff(p.File().Path))
				changed = true
			}
		}
		if !changed {
			fmt.Fprintln(e.stdout, "no changes: the files already hold these values")
		}
		return nil
	}

	credsRes, err := profiles.Update(ctx, credsAt.Value, bytesOf(credsEdit))
	if err != nil {
		return editFailed(err)
	}
	var configRes *profiles.WriteResult
	if configPath != "" {
		if configRes, err = profiles.Update(ctx, configPath, bytesOf(configEdit)); err != nil {
			return editFailed(fmt.Errorf("the credentials were written to %s, but the config file was not: %w", credsAt.Value, err))
		}
	}
	reportInit(e, profile.Value, in, credsRes, configRes, settings)
	return lintAfterInit(e, credsAt, configAt, profile)
}

// initInput is the key init writes, and where it came from.
type initInput struct {
	creds    profiles.Credentials
	userName string // the IAM user name from the CSV, if any
	source   string // for messages: "stdin", "keys.csv row 2", "the prompt"
}

// readInitInput gets the key from the CSV, the terminal or stdin.
func readInitInput(ctx context.Context, e *env, o initOptions) (*initInput, error) {
	tty, isTTY := terminal(e.stdin)
	if o.fromCSV != "" {
		return readCSVInput(ctx, e, o, tty, isTTY)
	}
	if isTTY {
		return promptInput(&termPrompter{ctx: ctx, in: tty, out: e.stderr})
	}
	return readStdinInput(e.stdin)
}

// terminal returns stdin as a terminal, if it is one.
func terminal(r io.Reader) (*os.File, bool) {
	f, ok := r.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return nil, false
	}
	return f, true
}

// prompter asks the user for values: echoed or not.
type prompter interface {
	line(prompt string) (string, error)
	secret(prompt string) (string, error)
}

// termPrompter prompts on the terminal: prompts to out (stderr, so stdout
// stays clean), secrets read with echo off (raw mode). An interrupt (Ctrl-C, which
// main turns into ctx's cancellation) ends a prompt with the terminal's
// echo restored.
type termPrompter struct {
	ctx context.Context
	in  *os.File
	out io.Writer
}

// read runs fn, giving up when ctx is done.
func (p *termPrompter) read(fn func() (string, error)) (string, error) {
	fd := int(p.in.Fd())
	state, err := term.GetState(fd)
	if err != nil {
		return "", err
	}
	type result struct {
		s   string
		err error
	}
	ch := make(chan result, 1)
	go func() {
		s, err := fn()
		ch <- result{s, err}
	}()
	select {
	case r := <-ch:
		return r.s, r.err
	case <-p.ctx.Done():
		term.Restore(fd, state) // echo back on; the reader goroutine dies with the process
		fmt.Fprintln(p.out)
		return "", errors.New("interrupted")
	}
}

func (p *termPrompter) line(prompt string) (string, error) {
	fmt.Fprint(p.out, prompt)
	return p.read(func() (string, error) {
		// Read byte by byte: a buffered reader could swallow what the
		// user types next, which the secret prompt must read itself.
		var b []byte
		one := make([]byte, 1)
		for {
			n, err := p.in.Read(one)
			if n == 1 {
				if one[0] == '\n' {
					break
				}
				b = append(b, one[0])
			}
			if err == io.EOF && len(b) > 0 {
				break
			}
			if err != nil {
				return "", err
			}
		}
		return strings.TrimSpace(string(b)), nil
	})
}

func (p *termPrompter) secret(prompt string) (string, error) {
	fmt.Fprint(p.out, prompt)
	s, err := p.read(func() (string, error) { return readRaw(p.in) })
	if err == nil {
		fmt.Fprintln(p.out)
	}
	return s, err
}

// maxSecretInput bounds what readRaw accepts: far more than any session token.
const maxSecretInput = 16 << 10

// readRaw reads a line from the terminal in raw mode, without echo. Unlike
// term.ReadPassword it does not go through the terminal's line discipline,
// whose line limit (1024 bytes on macOS) truncates a pasted session token.
// It handles Enter, backspace, Ctrl-C and Ctrl-D itself.
func readRaw(in *os.File) (string, error) {
	fd := int(in.Fd())
	old, err := term.MakeRaw(fd)
	if err != nil {
		return "", err
	}
	defer term.Restore(fd, old)
	var b []byte
	buf := make([]byte, 4096)
	for {
		n, err := in.Read(buf)
		for _, c := range buf[:n] {
			switch c {
			case '\r', '\n':
				return strings.TrimSpace(string(b)), nil
			case 3: // Ctrl-C
				return "", errors.New("interrupted")
			case 4: // Ctrl-D
				if len(b) == 0 {
					return "", io.EOF
				}
			case 0x7f, 8: // backspace
				if len(b) > 0 {
					b = b[:len(b)-1]
				}
			default:
				if len(b) >= maxSecretInput {
					return "", errors.New("input too long")
				}
				b = append(b, c)
			}
		}
		if err != nil {
			return "", err
		}
	}
}

// promptInput asks for the key ID, the secret and, for a temporary key, the
// session token.
func promptInput(p prompter) (*initInput, error) {
	in := &initInput{source: "the prompt"}
	var err error
	if in.creds.AccessKeyID, err = p.line("AWS access key ID: "); err != nil {
		return nil, promptFailed(err)
	}
	if err := profiles.CheckAccessKeyID(in.creds.AccessKeyID); err != nil {
		// Say so now rather than after the secret is typed.
		return nil, badInput(err, inputHint(err))
	}
	if in.creds.SecretAccessKey, err = p.secret("AWS secret access key (not shown): "); err != nil {
		return nil, promptFailed(err)
	}
	if awskey.PrefixKind(in.creds.AccessKeyID) == awskey.Temporary {
		if in.creds.SessionToken, err = p.secret("AWS session token (not shown): "); err != nil {
			return nil, promptFailed(err)
		}
	}
	return in, nil
}

func promptFailed(err error) error {
	return &exitError{code: 2, err: fmt.Errorf("reading from the terminal: %w", err)}
}

// maxStdin bounds what init reads from a pipe: three short lines.
const maxStdin = 64 << 10

// readStdinInput reads the key ID, the secret and an optional session token,
// one per line (blank lines and surrounding spaces ignored).
func readStdinInput(r io.Reader) (*initInput, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxStdin+1))
	if err != nil {
		return nil, &exitError{code: 2, err: fmt.Errorf("reading stdin: %w", err)}
	}
	if len(data) > maxStdin {
		return nil, badInput(errors.New("stdin holds more than a key ID, a secret and a session token"), stdinHint)
	}
	var vals []string
	for _, l := range strings.Split(string(bytes.TrimPrefix(data, []byte("\xEF\xBB\xBF"))), "\n") {
		if v := strings.TrimSpace(l); v != "" {
			vals = append(vals, v)
		}
	}
	in := &initInput{source: "stdin"}
	switch len(vals) {
	case 0:
		return nil, badInput(errors.New("no access key ID on stdin"), stdinHint)
	case 1:
		return nil, badInput(errors.New("stdin has the access key ID but no secret access key on the next line"), stdinHint)
	case 2, 3:
	default:
		return nil, badInput(fmt.Errorf("stdin has %d lines; want 2 or 3", len(vals)), stdinHint)
	}
	in.creds.AccessKeyID, in.creds.SecretAccessKey = vals[0], vals[1]
	if len(vals) == 3 {
		in.creds.SessionToken = vals[2]
	}
	return in, nil
}

const stdinHint = "give the access key ID, the secret access key and (for an ASIA key) the session token on stdin, one per line; or run on a terminal to be prompted, or use --from-csv"

// readCSVInput picks a key from the console's CSV file: --row, the only
// one, or (on a terminal) the one the user chooses.
func readCSVInput(ctx context.Context, e *env, o initOptions, tty *os.File, isTTY bool) (*initInput, error) {
	keys, err := profiles.ReadConsoleCSV(o.fromCSV)
	if err != nil {
		return nil, badInput(err, "pass the .csv file the AWS console's \"Download .csv file\" button saved")
	}
	var k profiles.ConsoleKey
	switch {
	case o.row > len(keys):
		return nil, badInput(fmt.Errorf("--row %d: %s holds %d key(s)", o.row, o.fromCSV, len(keys)), "pass --row "+rowRange(len(keys)))
	case o.row > 0:
		k = keys[o.row-1]
	case len(keys) == 1:
		k = keys[0]
	case isTTY:
		listKeys(e.stderr, keys)
		p := &termPrompter{ctx: ctx, in: tty, out: e.stderr}
		ans, err := p.line(fmt.Sprintf("which key (%s)? ", rowRange(len(keys))))
		if err != nil {
			return nil, promptFailed(err)
		}
		n, err := strconv.Atoi(ans)
		if err != nil || n < 1 || n > len(keys) {
			return nil, badInput(fmt.Errorf("%q is not a row of %s", ans, o.fromCSV), "answer with a number "+rowRange(len(keys))+", or pass --row")
		}
		k = keys[n-1]
	default:
		listKeys(e.stderr, keys)
		return nil, badInput(fmt.Errorf("%s holds %d keys and stdin is not a terminal to ask which", o.fromCSV, len(keys)), "choose one with --row "+rowRange(len(keys)))
	}
	return &initInput{
		creds:    profiles.Credentials{AccessKeyID: k.AccessKeyID, SecretAccessKey: k.SecretAccessKey},
		userName: k.UserName,
		source:   fmt.Sprintf("%s row %d (line %d)", o.fromCSV, k.Row, k.Line),
	}, nil
}

func rowRange(n int) string {
	if n == 1 {
		return "1"
	}
	return fmt.Sprintf("1-%d", n)
}

// listKeys shows the CSV's keys by row, user and redacted key ID.
func listKeys(w io.Writer, keys []profiles.ConsoleKey) {
	for _, k := range keys {
		user := ""
		if k.UserName != "" {
			user = "  user " + k.UserName
		}
		fmt.Fprintf(w, "  %d  %s%s\n", k.Row, awskey.Redact(k.AccessKeyID), user)
	}
}

// resolveProfile chooses the profile name: --profile, the CSV's IAM user
// name (made safe), AWS_PROFILE, default.
func resolveProfile(e *env, o initOptions, in *initInput) profiles.Where {
	if o.profile != "" {
		return profiles.Where{Value: o.profile, Source: "--profile"}
	}
	if in.userName != "" {
		if name := profiles.SanitizeProfileName(in.userName); name != "" {
			if name != in.userName {
				fmt.Fprintf(e.stderr, "credguard: using profile name %q for IAM user %q\n", name, in.userName)
			}
			return profiles.Where{Value: name, Source: "the CSV's user name"}
		}
	}
	return profiles.ProfileName("")
}

// blockingRules are lint rules after which botocore cannot read the file at
// all (or the writer cannot tell what a line means): init refuses to add to
// such a file rather than guess, and says why.
var blockingRules = map[string]bool{
	profiles.RuleBOM:              true,
	profiles.RuleEncoding:         true,
	profiles.RuleStrayCR:          true,
	profiles.RuleKeyBeforeSection: true,
	profiles.RuleMissingEquals:    true,
	profiles.RuleEmptyKey:         true,
	profiles.RuleUnclosedHeader:   true,
	profiles.RuleBadHeader:        true,
	profiles.RuleDuplicateSection: true,
	profiles.RuleDuplicateKey:     true,
}

// refuseUnparseable lints the files init is about to edit and refuses when
// one has a problem that makes it unreadable to an SDK.
func refuseUnparseable(creds, config *profiles.File, credsPath, configPath, profile string) error {
	ds := profiles.Lint(profiles.Input{
		Credentials: creds, Config: config,
		CredentialsPath: credsPath, ConfigPath: configPath,
		Profile: profile, SkipFileChecks: true,
	})
	for _, d := range ds {
		if !blockingRules[d.Rule] || d.File == "" || creds == nil && d.File == credsPath || config == nil && d.File == configPath {
			continue
		}
		hint := "fix it by hand (" + d.Fix + "), then run credguard init again; nothing was written"
		if d.Fixable {
			hint = "run 'credguard lint --fix' to repair it, then run credguard init again; nothing was written"
		}
		return &exitError{code: 2, err: withHint(fmt.Errorf("%s:%d: %s: refusing to edit a file the SDKs cannot read: %s", d.File, d.Line, d.Rule, d.Message), hint)}
	}
	return nil
}

// orEmpty returns f, or an empty File for a file that does not exist yet.
func orEmpty(f *profiles.File, path string) *profiles.File {
	if f != nil {
		return f
	}
	return profiles.Parse(path, nil)
}

func bytesOf(edit func(*profiles.File) (*profiles.Editor, error)) func(*profiles.File) ([]byte, error) {
	return func(f *profiles.File) ([]byte, error) {
		e, err := edit(f)
		if err != nil {
			return nil, err
		}
		return e.Bytes(), nil
	}
}

// badInput is an exit-2 error for input that cannot be written.
func badInput(err error, hint string) error {
	return &exitError{code: 2, err: withHint(err, hint)}
}

// inputHint names the next action for an invalid value.
func inputHint(err error) string {
	var ie *profiles.InputError
	if !errors.As(err, &ie) {
		return "nothing was written"
	}
	switch ie.Field {
	case "session token":
		return "a temporary (ASIA) key needs the session token STS returned with it; a long-term (AKIA) key has none; nothing was written"
	case "access key ID", "secret access key":
		return "copy the key from the IAM console (or its CSV download) again; nothing was written"
	}
	return "nothing was written"
}

// editFailed turns a writer error into an exit-2 error with its hint.
func editFailed(err error) error {
	var ee *profiles.EditError
	if errors.As(err, &ee) && ee.Hint != "" {
		return &exitError{code: 2, err: withHint(err, ee.Hint+"; nothing was written")}
	}
	var ie *profiles.InputError
	if errors.As(err, &ie) {
		return badInput(err, "nothing was written")
	}
	return &exitError{code: 2, err: err}
}

// reportInit says what was written: never the secret.
func reportInit(e *env, profile string, in *initInput, creds, config *profiles.WriteResult, settings []profiles.Entry) {
	w := e.stdout
	verb := "wrote"
	if !creds.Changed && (config == nil || !config.Changed) {
		verb = "unchanged:"
	}
	fmt.Fprintf(w, "%s profile %s\n", verb, profile)
	fmt.Fprintf(w, "  credentials  %s%s\n", creds.Path, fileNote(creds))
	if config != nil {
		var kv []string
		for _, s := range settings {
			kv = append(kv, s.Key+" = "+s.Value)
		}
		fmt.Fprintf(w, "  config       %s%s: %s\n", config.Path, fileNote(config), strings.Join(kv, ", "))
	}
	kind := awskey.PrefixKind(in.creds.AccessKeyID).String()
	acct := "account not encoded in this older key ID"
	if a, ok := awskey.AccountID(in.creds.AccessKeyID); ok {
		acct = "account " + a
	}
	fmt.Fprintf(w, "  key          %s (%s, %s)\n", awskey.Redact(in.creds.AccessKeyID), kind, acct)
	for _, r := range []*profiles.WriteResult{creds, config} {
		if r == nil {
			continue
		}
		if r.DirCreated != "" {
			fmt.Fprintf(w, "  created      %s (mode 0700)\n", r.DirCreated)
		}
		if r.DirFixed != "" {
			fmt.Fprintf(w, "  tightened    %s to mode 0700\n", r.DirFixed)
		}
	}
}

func fileNote(r *profiles.WriteResult) string {
	var notes []string
	if r.Target != r.Path {
		notes = append(notes, "symlink to "+r.Target)
	}
	switch {
	case !r.Changed:
		notes = append(notes, "unchanged")
	case r.Created:
		notes = append(notes, "created, mode 0600")
	case r.Tightened:
		notes = append(notes, fmt.Sprintf("mode tightened from %04o to 0600", r.OldMode))
	}
	if len(notes) == 0 {
		return ""
	}
	return " (" + strings.Join(notes, ", ") + ")"
}

// lintAfterInit lints the written profile and reports its problems (the
// key's account is already shown): exit 1 when lint finds errors.
func lintAfterInit(e *env, credsAt, configAt, profile profiles.Where) error {
	creds, config, err := profiles.Open(credsAt.Value, configAt.Value)
	if err != nil {
		return &exitError{code: 2, err: fmt.Errorf("reading back what was written: %w", err)}
	}
	ds := profiles.Lint(profiles.Input{
		Credentials: creds, Config: config,
		CredentialsPath: credsAt.Value, ConfigPath: configAt.Value,
		Profile: profile.Value, ProfileSource: "--profile",
		Env: os.Getenv,
	})
	if printProblems(e.stdout, ds, "  lint: %s\n") == 0 {
		fmt.Fprintf(e.stdout, "  lint         clean: profile %s works\n", profile.Value)
	}
	if profiles.HasErrors(ds) {
		return errFindings
	}
	return nil
}
