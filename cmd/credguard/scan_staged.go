package main

import (
	"context"
	"errors"
	"os"
	"runtime/debug"

	"github.com/credguard/credguard/scan"
	"github.com/credguard/credguard/scan/staged"
)

// scanStaged runs the staged source: the pre-commit hook's path, run on
// every commit, so it is tuned for a short-lived process.
func scanStaged(ctx context.Context, o scanOptions, det *scan.Detector) (*scan.Result, error) {
	// Reading a large index allocates tens of megabytes that live until
	// exit; with the default GC settings collections start at 4 MB and
	// double the run time of a 100,000-file scan (bench/staged.sh). Collect
	// only near a memory ceiling instead, unless the user set GOGC.
	if os.Getenv("GOGC") == "" {
		if os.Getenv("GOMEMLIMIT") == "" {
			debug.SetMemoryLimit(256 << 20)
		}
		debug.SetGCPercent(-1)
	}
	res, err := staged.Scan(ctx, workDir(o.dir), det)
	return res, explainStaged(err)
}

// explainStaged adds the next action to the staged source's known errors.
// All of them exit 2: a scan that could not read the change is no pass.
func explainStaged(err error) error {
	var hint string
	switch {
	case err == nil:
		return nil
	case errors.Is(err, staged.ErrNotRepository):
		hint = "run it inside a git working tree or point -C at one; to scan files without git: credguard scan PATH"
	case errors.Is(err, staged.ErrBareRepository):
		hint = "a bare repository has no staging area; scan its history with 'credguard scan --range A..B' or '--all'"
	case errors.Is(err, staged.ErrUnsupported):
		hint = "the staged scan reads SHA-1 repositories with a plain index; convert the repository as the message says, or scan the files with 'credguard scan PATH'"
	case errors.Is(err, staged.ErrCorrupt):
		hint = "check the repository with 'git status' and 'git fsck'; a damaged index can be rebuilt with 'git read-tree HEAD' (this unstages your changes)"
	default:
		return err
	}
	return withHint(err, hint)
}
