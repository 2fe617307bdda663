package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/pflag"

	"github.com/credguard/credguard/profiles"
	"github.com/credguard/credguard/scan"
)

const scanUsage = `usage: credguard scan [flags] [PATH...]

Finds AWS access key IDs, secret access keys and session tokens.

Sources (one of):
  (none), --staged    what 'git commit' would record: the index against HEAD
  --range A..B        the commits 'git log A..B' lists (CI: a push or pull request)
  --all               every commit reachable from any ref
  PATH...             files and directories on disk (no git needed)

Flags:
  -C DIR                  run as if started in DIR
  --format text|json|sarif  output format (default text)
  -o, --output FILE       write the report to FILE instead of stdout
  --baseline FILE         suppress the findings recorded in FILE
  --write-baseline FILE   record the current findings in FILE and exit 0
  --config FILE           repository config (default .credguard.ini at the repo root)
  --no-color              never colour the output (also NO_COLOR)

History scans report each credential once, at the commit that introduced it.

Repository config (.credguard.ini at the repository root, or --config):
  [ignore]  path = GLOB          paths never reported (** spans folders)
  [allow]   fingerprint = HEX    deliberate fixtures, by reported fingerprint
  [scan]    known-secrets = false

A line containing 'credguard:allow' is never reported.
Exit status: 0 clean, 1 credentials found, 2 usage or runtime error.
`

// scanOptions are the parsed flags of 'credguard scan'.
type scanOptions struct {
	dir           string
	stagedFlag    bool
	rangeSpec     string
	all           bool
	paths         []string
	format        string
	output        string
	baseline      string
	writeBaseline string
	config        string
	noColor       bool
	// remediation replaces the text printed after findings (the
	// commit-msg hook's advice differs from the staged scan's).
	remediation string
}

func runScan(ctx context.Context, e *env, args []string) error {
	var o scanOptions
	fs := pflag.NewFlagSet("scan", pflag.ContinueOnError)
	fs.StringVarP(&o.dir, "dir", "C", "", "")
	fs.BoolVar(&o.stagedFlag, "staged", false, "")
	fs.StringVar(&o.rangeSpec, "range", "", "")
	fs.BoolVar(&o.all, "all", false, "")
	fs.StringVar(&o.format, "format", "text", "")
	fs.StringVarP(&o.output, "output", "o", "", "")
	fs.StringVar(&o.baseline, "baseline", "", "")
	fs.StringVar(&o.writeBaseline, "write-baseline", "", "")
	fs.StringVar(&o.config, "config", "", "")
	fs.BoolVar(&o.noColor, "no-color", false, "")
	if done, err := parseFlags(e, fs, scanUsage, args); done {
		return err
	}
	o.paths = fs.Args()
	sources := 0
	for _, on := range []bool{o.stagedFlag, o.rangeSpec != "", o.all, len(o.paths) > 0} {
		if on {
			sources++
		}
	}
	if sources > 1 {
		return usageError("choose one source: --staged, --range, --all or paths")
	}
	switch o.format {
	case "text", "json", "sarif":
	default:
		return usageError("unknown --format %q (want text, json or sarif)", o.format)
	}
	if o.dir != "" {
		if st, err := os.Stat(o.dir); err != nil || !st.IsDir() {
			return usageError("-C %s: not a directory", o.dir)
		}
	}

	det, known, err := newDetector(o)
	if err != nil {
		return err
	}
	var res *scan.Result
	switch {
	case o.rangeSpec != "" || o.all:
		res, err = scanHistory(ctx, o, det, known)
	case len(o.paths) > 0:
		res, err = scanPaths(ctx, o, det)
	default:
		res, err = scanStaged(ctx, o, det)
	}
	if err != nil {
		return err
	}
	done, err := applySettings(e, o, res)
	if err != nil {
		return err
	}
	if done {
		return reportSkipped(e, res)
	}
	return report(e, o, res)
}

// workDir is -C's directory, or the current one.
func workDir(dir string) string {
	if dir != "" {
		return dir
	}
	return "."
}

// newDetector builds the detector, with the user's own secrets from their
// credentials file for the known-secret rule (also returned: the history
// source's prefilter needs them).
func newDetector(o scanOptions) (*scan.Detector, []string, error) {
	where := profiles.CredentialsPath("")
	known, err := profiles.KnownSecrets(where.Value)
	if err != nil {
		// Not fatal: the other rules still run. The file's problems are lint's job.
		known = nil
	}
	return scan.New(scan.Options{KnownSecrets: known}), known, nil
}

// report writes the result in the chosen format and maps it to an exit code.
func report(e *env, o scanOptions, res *scan.Result) error {
	out := e.stdout
	if o.output != "" {
		f, err := os.Create(o.output)
		if err != nil {
			return fmt.Errorf("cannot write report: %w", err)
		}
		defer f.Close()
		out = f
	}
	var err error
	switch o.format {
	case "json":
		err = writeJSON(out, res)
	case "sarif":
		err = writeSARIF(out, res)
	default:
		advice := o.remediation
		if advice == "" {
			advice = remediation
		}
		err = writeText(out, painter{on: o.output == "" && colorFor(e.stdout, o.noColor)}, res, advice)
	}
	if err != nil {
		return fmt.Errorf("cannot write report: %w", err)
	}
	if err := reportSkipped(e, res); err != nil {
		return err
	}
	if len(res.Findings) > 0 {
		return errFindings
	}
	return nil
}

// reportSkipped names on stderr what could not be scanned: exit 2.
func reportSkipped(e *env, res *scan.Result) error {
	if len(res.Skipped) > 0 {
		for _, s := range res.Skipped {
			where := s.Path
			if s.Commit != "" {
				where = s.Commit[:min(12, len(s.Commit))] + ":" + where
			}
			fmt.Fprintf(e.stderr, "credguard: error: not scanned: %s: %s\n", where, s.Reason)
		}
		return &exitError{code: 2, err: withHint(fmt.Errorf("%d item(s) could not be scanned", len(res.Skipped)),
			"a scan that could not read everything is not a clean pass; fix or exclude what is named above")}
	}
	return nil
}

func writeJSON(w io.Writer, res *scan.Result) error {
	if res.Findings == nil {
		res.Findings = []scan.Finding{}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(res)
}

// displayPath turns a slash path from the repository root into one relative to
// the current directory, so editors and terminals can open it.
func displayPath(root, file string) string {
	if root == "" {
		return file
	}
	abs := filepath.Join(root, filepath.FromSlash(file))
	wd, err := os.Getwd()
	if err != nil {
		return file
	}
	if rel, err := filepath.Rel(wd, abs); err == nil {
		return rel
	}
	return file
}

func writeText(w io.Writer, p painter, res *scan.Result, advice string) error {
	for _, note := range res.Notes {
		fmt.Fprintf(w, "%s %s\n", p.faint("note:"), note)
	}
	if len(res.Findings) == 0 {
		return nil
	}
	for _, f := range res.Findings {
		if _, err := fmt.Fprintf(w, "%s:%d:%d: %s: %s\n", p.bold(displayPath(res.Root, f.File)), f.Line, f.Column, p.red(f.Rule), textMessage(f)); err != nil {
			return err
		}
	}
	_, err := fmt.Fprint(w, p.yellow(advice))
	return err
}

// textMessage puts the redacted value after the detector's noun phrase, before
// its parenthesised details: "AWS access key ID AKIA****WXYZ (long-term, ...)",
// and adds what the message does not already say.
func textMessage(f scan.Finding) string {
	msg := f.Message + " " + f.Redacted
	if i := strings.Index(f.Message, " ("); i >= 0 {
		msg = f.Message[:i] + " " + f.Redacted + f.Message[i:]
	}
	var extra []string
	if f.AccountID != "" && !strings.Contains(msg, f.AccountID) {
		extra = append(extra, "account "+f.AccountID)
	}
	if f.Commit != "" {
		extra = append(extra, "commit "+f.Commit[:min(12, len(f.Commit))])
	}
	switch {
	case len(extra) == 0:
	case strings.HasSuffix(msg, ")"):
		msg = msg[:len(msg)-1] + ", " + strings.Join(extra, ", ") + ")"
	default:
		msg += " (" + strings.Join(extra, ", ") + ")"
	}
	return msg
}

const remediation = `
AWS credentials must not be committed. To fix:
  1. Treat the key as leaked: deactivate and rotate it in the IAM console
     (IAM > Users > Security credentials), then update ~/.aws/credentials.
  2. Remove it from the change: edit the file, or 'git restore --staged FILE'.
     Load credentials from the environment or ~/.aws/credentials instead.
  3. A deliberate, fake fixture? Put 'credguard:allow' on its line, or add
     its fingerprint (--format json shows it) to .credguard.ini under [allow].
`
