package main

import (
	"context"
	"errors"

	"github.com/credguard/credguard/scan"
)

// TODO(history): placeholders for the history and path sources and SARIF.

func scanHistory(ctx context.Context, o scanOptions, det *scan.Detector) (*scan.Result, error) {
	return nil, errors.New("history scan not implemented yet")
}

func scanPaths(ctx context.Context, o scanOptions, det *scan.Detector) (*scan.Result, error) {
	return nil, errors.New("path scan not implemented yet")
}

func writeSARIF(w interface{ Write([]byte) (int, error) }, res *scan.Result) error {
	return errors.New("sarif not implemented yet")
}
