package main

import (
	"context"
	"errors"
)

func runInit(ctx context.Context, e *env, args []string) error {
	return &exitError{code: 2, err: errors.New("init: not implemented yet")}
}
