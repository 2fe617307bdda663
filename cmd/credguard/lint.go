package main

import (
	"context"
	"errors"
)

func runLint(ctx context.Context, e *env, args []string) error {
	return &exitError{code: 2, err: errors.New("lint: not implemented yet")}
}
