package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	err := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(exitCode(err, os.Stderr))
}

// exitError carries an exit code. Its message, if any, has already been
// printed (findings, lint diagnostics) or is printed by exitCode.
type exitError struct {
	code int
	err  error // nil when everything was already reported
}

func (e *exitError) Error() string {
	if e.err == nil {
		return fmt.Sprintf("exit status %d", e.code)
	}
	return e.err.Error()
}

func (e *exitError) Unwrap() error { return e.err }

// ExitCode returns the process exit code for e.
func (e *exitError) ExitCode() int { return e.code }

// errFindings is returned when findings or lint errors were reported: exit 1.
var errFindings = &exitError{code: 1}

// usageError is a command-line mistake: exit 2, with a hint.
func usageError(format string, args ...any) error {
	return &exitError{code: 2, err: &hintError{err: fmt.Errorf(format, args...), hint: "run 'credguard help' for usage"}}
}

// hintError pairs an error with the next action for the user.
type hintError struct {
	err  error
	hint string
}

func (e *hintError) Error() string { return e.err.Error() }
func (e *hintError) Unwrap() error { return e.err }

// withHint wraps err with a hint line printed after it.
func withHint(err error, hint string) error { return &hintError{err: err, hint: hint} }

// exitCode prints err (if it has something to say) and maps it to an exit
// code: 0 clean, 1 findings, 2 usage or runtime error.
func exitCode(err error, stderr io.Writer) int {
	if err == nil {
		return 0
	}
	code := 2
	var ee *exitError
	if errors.As(err, &ee) {
		code = ee.code
		if ee.err == nil {
			return code
		}
	}
	fmt.Fprintf(stderr, "credguard: error: %v\n", err)
	var he *hintError
	if errors.As(err, &he) && he.hint != "" {
		fmt.Fprintf(stderr, "credguard: hint: %s\n", he.hint)
	}
	return code
}

const usage = `usage: credguard <command> [flags]

Commands:
  scan    find AWS credentials in the staged change, a history, or files
  lint    check the AWS credentials and config files for a working profile
  init    add a profile to the credentials file safely
  hook    install, remove, check or test the git hooks that run scan
  version print the version

Run 'credguard <command> --help' for a command's flags.
`

func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return &exitError{code: 2}
	}
	env := newEnv(stdin, stdout, stderr)
	switch cmd, rest := args[0], args[1:]; cmd {
	case "scan":
		return runScan(ctx, env, rest)
	case "lint":
		return runLint(ctx, env, rest)
	case "init":
		return runInit(ctx, env, rest)
	case "hook":
		return runHook(ctx, env, rest)
	case "version", "--version":
		fmt.Fprintln(stdout, "credguard", version())
		return nil
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	default:
		return usageError("unknown command %q", cmd)
	}
}
