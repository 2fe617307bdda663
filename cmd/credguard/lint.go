package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"

	"github.com/spf13/pflag"

	"github.com/credguard/credguard/profiles"
)

const lintUsage = `usage: credguard lint [flags]

Checks that a profile in the AWS credentials and config files will really
work, reading them as the AWS CLI (botocore) and the AWS SDK for Go v2 do,
and says how to fix every problem.

Files and profile, as the SDKs choose them:
  credentials  --credentials, else AWS_SHARED_CREDENTIALS_FILE, else ~/.aws/credentials
  config       --config, else AWS_CONFIG_FILE, else ~/.aws/config
  profile      --profile, else AWS_PROFILE, else default

Flags:
  --credentials FILE     the shared credentials file to check
  --config FILE          the shared config file to check
  --profile NAME         the profile to check
  --format text|json     output format (default text)
  --fix                  fix what can be fixed mechanically (see 'credguard lint --fix --help')
  --no-color             never colour the output (also NO_COLOR)

Exit status: 0 no errors (warnings allowed), 1 errors found, 2 usage or I/O error.
`

// lintFlags are the flags 'lint' and 'lint --fix' share.
type lintFlags struct {
	credentials, config, profile, format string
	noColor                              bool
}

// flagSet returns a "lint" flag set with the shared flags registered.
func (f *lintFlags) flagSet() *pflag.FlagSet {
	fs := pflag.NewFlagSet("lint", pflag.ContinueOnError)
	fs.StringVar(&f.credentials, "credentials", "", "")
	fs.StringVar(&f.config, "config", "", "")
	fs.StringVar(&f.profile, "profile", "", "")
	fs.StringVar(&f.format, "format", "text", "")
	fs.BoolVar(&f.noColor, "no-color", false, "")
	return fs
}

func runLint(ctx context.Context, e *env, args []string) error {
	for _, a := range args {
		if a == "--" {
			break
		}
		if a == "--fix" || a == "--fix=true" {
			return runLintFix(ctx, e, args)
		}
	}
	var f lintFlags
	fs := f.flagSet()
	fs.Bool("fix", false, "") // --fix=false: plain lint
	if done, err := parseFlags(e, fs, lintUsage, args); done {
		return err
	}
	if fs.NArg() > 0 {
		return usageError("lint takes no arguments (got %q): use --credentials and --config to name files", fs.Arg(0))
	}
	if f.format != "text" && f.format != "json" {
		return usageError("unknown --format %q: want text or json", f.format)
	}

	credsAt := profiles.CredentialsPath(f.credentials)
	configAt := profiles.ConfigPath(f.config)
	profileAt := profiles.ProfileName(f.profile)
	creds, config, err := profiles.Open(credsAt.Value, configAt.Value)
	if err != nil {
		return &exitError{code: 2, err: withHint(err, "check the file's permissions and that it is a regular file")}
	}
	ds := profiles.Lint(profiles.Input{
		Credentials:     creds,
		Config:          config,
		CredentialsPath: credsAt.Value,
		ConfigPath:      configAt.Value,
		Profile:         profileAt.Value,
		ProfileSource:   profileAt.Source,
		Env:             os.Getenv,
	})
	if f.format == "json" {
		err = writeLintJSON(e, ds, credsAt, configAt, profileAt, creds != nil, config != nil)
	} else {
		writeLintText(e, painter{on: colorFor(e.stdout, f.noColor)}, ds, credsAt, configAt, profileAt, creds != nil, config != nil)
	}
	if err != nil {
		return err
	}
	if profiles.HasErrors(ds) {
		return errFindings
	}
	return nil
}

// why says where a path or profile came from, for the header.
func why(w profiles.Where) string {
	switch w.Source {
	case "default":
		return "default"
	case "--credentials", "--config", "--profile":
		return "from " + w.Source
	}
	return "from $" + w.Source
}

func writeLintText(e *env, p painter, ds []profiles.Diagnostic, creds, config, profile profiles.Where, credsExist, configExist bool) {
	missing := func(ok bool) string {
		if ok {
			return ""
		}
		return ", missing"
	}
	fmt.Fprintf(e.stdout, "%s profile %s (%s)\n", p.bold("checking"), p.bold(profile.Value), why(profile))
	fmt.Fprintf(e.stdout, "  credentials %s (%s%s)\n", creds.Value, why(creds), missing(credsExist))
	fmt.Fprintf(e.stdout, "  config      %s (%s%s)\n", config.Value, why(config), missing(configExist))
	for _, d := range ds {
		loc := d.File
		if loc == "" {
			loc = "environment"
		}
		if d.Line > 0 {
			loc = fmt.Sprintf("%s:%d", loc, d.Line)
		}
		sev := d.Severity.String()
		switch d.Severity {
		case profiles.Error:
			sev = p.red(sev)
		case profiles.Warning:
			sev = p.yellow(sev)
		default:
			sev = p.cyan(sev)
		}
		fmt.Fprintf(e.stdout, "%s: %s: %s: %s\n", p.bold(loc), sev, d.Rule, d.Message)
		if d.Fix != "" {
			fmt.Fprintf(e.stdout, "    %s\n", p.faint("fix: "+d.Fix))
		}
	}
	errs, warns, _ := profiles.Counts(ds)
	switch {
	case errs > 0:
		fmt.Fprintf(e.stdout, "%s, %s: profile %s will not work as meant\n", plural(errs, "error"), plural(warns, "warning"), profile.Value)
	case warns > 0:
		fmt.Fprintf(e.stdout, "%s: profile %s works\n", plural(warns, "warning"), profile.Value)
	default:
		fmt.Fprintf(e.stdout, "no problems: profile %s works\n", profile.Value)
	}
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}

// lintReport is the JSON output: diagnostics plus what was checked.
type lintReport struct {
	Profile     lintSource            `json:"profile"`
	Files       []lintFile            `json:"files"`
	Diagnostics []profiles.Diagnostic `json:"diagnostics"`
	Errors      int                   `json:"errors"`
	Warnings    int                   `json:"warnings"`
}

type lintSource struct {
	Name   string `json:"name"`
	Source string `json:"source"`
}

type lintFile struct {
	Kind   string `json:"kind"`
	Path   string `json:"path"`
	Source string `json:"source"`
	Exists bool   `json:"exists"`
}

func writeLintJSON(e *env, ds []profiles.Diagnostic, creds, config, profile profiles.Where, credsExist, configExist bool) error {
	if ds == nil {
		ds = []profiles.Diagnostic{}
	}
	errs, warns, _ := profiles.Counts(ds)
	r := lintReport{
		Profile: lintSource{profile.Value, profile.Source},
		Files: []lintFile{
			{"credentials", creds.Value, creds.Source, credsExist},
			{"config", config.Value, config.Source, configExist},
		},
		Diagnostics: ds,
		Errors:      errs,
		Warnings:    warns,
	}
	enc := json.NewEncoder(e.stdout)
	enc.SetIndent("", "  ")
	if err := enc.Encode(r); err != nil {
		return &exitError{code: 2, err: fmt.Errorf("writing the report: %w", err)}
	}
	return nil
}
