// Package staged reads exactly what `git commit` would record (the index
// against HEAD) through go-git and scans what the commit adds.
package staged

import (
	"context"
	"errors"

	"github.com/credguard/credguard/scan"
)

// Scan scans the change staged in the repository containing dir.
//
// TODO(staged): placeholder.
func Scan(ctx context.Context, dir string, d *scan.Detector) (*scan.Result, error) {
	return nil, errors.New("staged scan not implemented yet")
}
