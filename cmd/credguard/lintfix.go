package main

import (
	"context"
	"fmt"
	"io"
	"os"

	"github.com/credguard/credguard/profiles"
)

const lintFixUsage = `usage: credguard lint --fix [flags]

Lints the profile as 'credguard lint' does, then fixes what is mechanical,
through the same safe writer as 'credguard init' (atomic, locked, 0600,
every other byte kept), and prints each change:

  bom                            removes the UTF-8 byte-order mark
  quoted-value, inline-comment   removes quotes; moves a comment to its own line
  header-spaces, unclosed-header [ default ] -> [default]; closes [name
  profile-prefix-in-credentials  [profile x] -> [x] in the credentials file
  missing-profile-prefix         [x] -> [profile x] in the config file
  uppercase-key, indented-key    lower-cases / unindents the key
  swapped-keys                   swaps the key ID and the secret back
  stale-session-token            deletes the token left beside a long-term key
  stray-cr                       removes a carriage return ending a line
  file-permissions               chmod 600

Anything that needs a decision (which duplicate to keep, a missing or
malformed key, a name that would clash) is left alone and reported.

Flags:
  --credentials FILE   the shared credentials file (as for lint)
  --config FILE        the shared config file (as for lint)
  --profile NAME       the profile to check (as for lint)
  --dry-run            show the changes as a diff (secrets masked); write nothing
  --no-color           accepted for symmetry with lint; output is plain

Exit status: 0 nothing left that is an error, 1 errors remain, 2 usage or I/O error.
`

// runLintFix implements 'credguard lint --fix': lint.go hands it the full
// argument list when --fix is among them.
func runLintFix(ctx context.Context, e *env, args []string) error {
	var lf lintFlags
	var fix, dryRun bool
	fs := lf.flagSet()
	fs.BoolVar(&fix, "fix", false, "")
	fs.BoolVar(&dryRun, "dry-run", false, "")
	if done, err := parseFlags(e, fs, lintFixUsage, args); done {
		return err
	}
	if fs.NArg() > 0 {
		return usageError("lint takes no arguments (got %q): use --credentials and --config to name files", fs.Arg(0))
	}
	if lf.format != "text" {
		return usageError("--fix prints its changes as text; leave out --format (run 'credguard lint --format json' afterwards)")
	}
	credsAt := profiles.CredentialsPath(lf.credentials)
	configAt := profiles.ConfigPath(lf.config)
	profileAt := profiles.ProfileName(lf.profile)
	creds, config, err := profiles.Open(credsAt.Value, configAt.Value)
	if err != nil {
		return &exitError{code: 2, err: withHint(err, "check the file's permissions and that it is a regular file")}
	}
	lintWith := func(creds, config *profiles.File, skipFiles bool) []profiles.Diagnostic {
		return profiles.Lint(profiles.Input{
			Credentials: creds, Config: config,
			CredentialsPath: credsAt.Value, ConfigPath: configAt.Value,
			Profile: profileAt.Value, ProfileSource: profileAt.Source,
			Env: os.Getenv, SkipFileChecks: skipFiles,
		})
	}

	var fixed []profiles.Fixed
	// fixFile fixes one file's content through the writer (or, for
	// --dry-run, shows the diff). other returns the other file as it is now.
	fixFile := func(path string, f *profiles.File, kind profiles.FileKind, lint func(*profiles.File) []profiles.Diagnostic) (*profiles.File, error) {
		if f == nil {
			return nil, nil
		}
		if dryRun {
			out, done := profiles.FixAll(f, kind, lint)
			if out == nil {
				return f, nil
			}
			fixed = append(fixed, done...)
			after := profiles.Parse(path, out)
			fmt.Fprint(e.stdout, profiles.DiffFiles(f, after))
			return after, nil
		}
		var done []profiles.Fixed
		res, err := profiles.Update(ctx, path, func(cur *profiles.File) ([]byte, error) {
			var out []byte
			out, done = profiles.FixAll(cur, kind, lint)
			return out, nil
		})
		if err != nil {
			return nil, err
		}
		fixed = append(fixed, done...)
		if res.Tightened {
			// The rewrite made the file 0600: say so, as chmod would.
			fixed = append(fixed, profiles.Fixed{
				Diagnostic: profiles.Diagnostic{Rule: profiles.RuleFilePermissions, File: path},
				Change:     fmt.Sprintf("set mode 0600 (was %04o)", res.OldMode),
			})
		}
		return profiles.ReadFile(path)
	}
	creds, err = fixFile(credsAt.Value, creds, profiles.CredentialsFile, func(f *profiles.File) []profiles.Diagnostic {
		return lintWith(f, config, true)
	})
	if err != nil {
		return editFailed(err)
	}
	config, err = fixFile(configAt.Value, config, profiles.ConfigFile, func(f *profiles.File) []profiles.Diagnostic {
		return lintWith(creds, f, true)
	})
	if err != nil {
		return editFailed(err)
	}

	// Permissions are not content: chmod, after the content is right.
	for _, d := range lintWith(creds, config, false) {
		if d.Rule != profiles.RuleFilePermissions || d.File == "" {
			continue
		}
		if dryRun {
			fixed = append(fixed, profiles.Fixed{Diagnostic: d, Change: "would chmod 600"})
			continue
		}
		if ok, err := profiles.FixMode(d.File); err != nil {
			return &exitError{code: 2, err: fmt.Errorf("chmod 600 %s: %w", d.File, err)}
		} else if ok {
			fixed = append(fixed, profiles.Fixed{Diagnostic: d, Change: "set mode 0600"})
		}
	}

	verb := "fixed"
	if dryRun {
		verb = "would fix"
	}
	for _, f := range fixed {
		d := f.Diagnostic
		loc := d.File
		if d.Line > 0 {
			loc = fmt.Sprintf("%s:%d", loc, d.Line)
		}
		fmt.Fprintf(e.stdout, "%s: %s %s: %s\n", loc, verb, d.Rule, f.Change)
	}
	if len(fixed) == 0 {
		fmt.Fprintln(e.stdout, "nothing to fix mechanically")
	}
	if dryRun {
		return nil
	}
	// What is left needs the user.
	ds := lintWith(creds, config, false)
	if printProblems(e.stdout, ds, "%s (not fixed: needs you)\n") == 0 {
		fmt.Fprintf(e.stdout, "no problems left: profile %s works\n", profileAt.Value)
	}
	if profiles.HasErrors(ds) {
		return errFindings
	}
	return nil
}

// printProblems prints the warnings and errors among ds, each through format
// (which takes the diagnostic) and followed by its fix, and returns how many
// it printed. Info diagnostics are left out.
func printProblems(w io.Writer, ds []profiles.Diagnostic, format string) int {
	n := 0
	for _, d := range ds {
		if d.Severity == profiles.Info {
			continue
		}
		n++
		fmt.Fprintf(w, format, d)
		if d.Fix != "" {
			fmt.Fprintf(w, "    fix: %s\n", d.Fix)
		}
	}
	return n
}
