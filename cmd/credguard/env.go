package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/debug"

	"github.com/fatih/color"
	"github.com/mattn/go-isatty"
	"github.com/spf13/pflag"
)

// env is what a subcommand may touch of the outside world. Colour is decided
// once per stream here and passed down.
type env struct {
	stdin          io.Reader
	stdout, stderr io.Writer
}

func newEnv(stdin io.Reader, stdout, stderr io.Writer) *env {
	return &env{stdin: stdin, stdout: stdout, stderr: stderr}
}

// colorFor reports whether to colour output written to w: only on a terminal,
// and never with --no-color or NO_COLOR set (https://no-color.org).
func colorFor(w io.Writer, noColor bool) bool {
	if noColor || os.Getenv("NO_COLOR") != "" {
		return false
	}
	f, ok := w.(*os.File)
	return ok && (isatty.IsTerminal(f.Fd()) || isatty.IsCygwinTerminal(f.Fd()))
}

// painter colours text when enabled.
type painter struct{ on bool }

func (p painter) paint(attrs []color.Attribute, s string) string {
	if !p.on {
		return s
	}
	c := color.New(attrs...)
	c.EnableColor()
	return c.Sprint(s)
}

func (p painter) bold(s string) string   { return p.paint([]color.Attribute{color.Bold}, s) }
func (p painter) red(s string) string    { return p.paint([]color.Attribute{color.FgRed, color.Bold}, s) }
func (p painter) yellow(s string) string { return p.paint([]color.Attribute{color.FgYellow}, s) }
func (p painter) cyan(s string) string   { return p.paint([]color.Attribute{color.FgCyan}, s) }
func (p painter) faint(s string) string  { return p.paint([]color.Attribute{color.Faint}, s) }

// parseFlags parses args with fs, printing the hand-written usage on -h.
// It returns errHelp-as-nil semantics: done is true when help was printed.
func parseFlags(e *env, fs *pflag.FlagSet, usageText string, args []string) (done bool, err error) {
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, pflag.ErrHelp) {
			fmt.Fprint(e.stdout, usageText)
			return true, nil
		}
		return true, &exitError{code: 2, err: withHint(err, fmt.Sprintf("run 'credguard %s --help' for usage", fs.Name()))}
	}
	return false, nil
}

func version() string {
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" {
		return bi.Main.Version
	}
	return "(devel)"
}
