package main

import (
	"context"
	"errors"
)

func runHook(ctx context.Context, e *env, args []string) error {
	return &exitError{code: 2, err: errors.New("hook: not implemented yet")}
}
