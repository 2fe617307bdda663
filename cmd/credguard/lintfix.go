package main

import (
	"context"
	"errors"
)

// runLintFix implements 'credguard lint --fix': lint.go hands it the full
// argument list when --fix is among them.
//
// TODO(init): placeholder.
func runLintFix(ctx context.Context, e *env, args []string) error {
	return &exitError{code: 2, err: errors.New("lint --fix: not implemented yet")}
}
