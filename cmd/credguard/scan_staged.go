package main

import (
	"errors"

	"github.com/credguard/credguard/scan/staged"
)

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
		hint = "the staged change cannot be read faithfully; the message above says how to convert the repository, or scan files with 'credguard scan PATH'"
	case errors.Is(err, staged.ErrCorrupt):
		hint = "check the repository with 'git status' and 'git fsck'; a damaged index can be rebuilt with 'git read-tree HEAD' (this unstages your changes)"
	default:
		return err
	}
	return withHint(err, hint)
}
