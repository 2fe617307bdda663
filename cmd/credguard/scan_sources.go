package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"

	"github.com/credguard/credguard/scan"
	"github.com/credguard/credguard/scan/baseline"
	"github.com/credguard/credguard/scan/config"
	"github.com/credguard/credguard/scan/files"
	"github.com/credguard/credguard/scan/history"
)

// scanHistory runs --range or --all.
func scanHistory(ctx context.Context, o scanOptions, det *scan.Detector, known []string) (*scan.Result, error) {
	// A history scan inflates gigabytes through short-lived buffers: a
	// tighter garbage collector keeps the peak memory near the live set for
	// a few percent of CPU.
	defer debug.SetGCPercent(debug.SetGCPercent(50))
	res, err := history.Scan(ctx, workDir(o.dir), det, history.Options{Range: o.rangeSpec, All: o.all, KnownSecrets: known})
	switch {
	case errors.Is(err, history.ErrNotRepository):
		return nil, withHint(err, "run inside a git repository (or use -C DIR), or scan files with 'credguard scan PATH...'")
	case errors.Is(err, history.ErrBadRange):
		return nil, withHint(err, "give a range as 'git log' takes it, e.g. --range origin/main..HEAD; in a shallow CI checkout, fetch the base first")
	case err != nil:
		return nil, err
	}
	return res, nil
}

// scanPaths scans files and folders on disk; relative paths are taken from -C.
func scanPaths(ctx context.Context, o scanOptions, det *scan.Detector) (*scan.Result, error) {
	paths := make([]string, len(o.paths))
	for i, p := range o.paths {
		if o.dir != "" && !filepath.IsAbs(p) {
			p = filepath.Join(o.dir, p)
		}
		paths[i] = p
	}
	res, err := files.Scan(ctx, paths, det, files.Options{})
	if errors.Is(err, os.ErrNotExist) {
		return nil, withHint(err, "check the path; 'credguard scan' with no path scans the staged change")
	}
	return res, err
}

// configRoot is the folder ignore globs are relative to: the repository root
// for git sources; for path scans, the repository containing the working
// folder, or the working folder itself.
func configRoot(o scanOptions, res *scan.Result) string {
	if len(o.paths) == 0 && res.Root != "" {
		return res.Root
	}
	dir, err := filepath.Abs(workDir(o.dir))
	if err != nil {
		return workDir(o.dir)
	}
	for d := dir; ; {
		if _, err := os.Lstat(filepath.Join(d, ".git")); err == nil {
			return d
		}
		parent := filepath.Dir(d)
		if parent == d {
			return dir
		}
		d = parent
	}
}

// applySettings filters res through the repository config and the baseline,
// and writes a baseline when asked. It returns true when the run is done
// (a baseline was written).
func applySettings(e *env, o scanOptions, res *scan.Result) (done bool, err error) {
	root := configRoot(o, res)
	var cfg *config.Config
	if o.config != "" {
		cfg, err = config.Load(o.config)
	} else {
		cfg, err = config.LoadRepo(root)
	}
	if err != nil {
		return false, withHint(fmt.Errorf("cannot read config: %w", err), "see 'credguard scan --help' for the .credguard.ini format")
	}
	var rel func(string) string
	if len(o.paths) > 0 {
		rel = func(file string) string {
			abs, err := filepath.Abs(filepath.FromSlash(file))
			if err != nil {
				return file
			}
			r, err := filepath.Rel(root, abs)
			if err != nil || strings.HasPrefix(r, "..") {
				return filepath.ToSlash(file)
			}
			return filepath.ToSlash(r)
		}
	}
	cfg.Apply(res, rel)

	if o.writeBaseline != "" {
		b := baseline.FromFindings(res.Findings)
		if err := b.Write(o.writeBaseline); err != nil {
			return false, err
		}
		fmt.Fprintf(e.stderr, "credguard: wrote %s: %d credential(s) recorded by fingerprint\n", o.writeBaseline, len(b.Entries))
		return true, nil
	}
	if o.baseline != "" {
		b, err := baseline.Read(o.baseline)
		if err != nil {
			return false, withHint(fmt.Errorf("cannot read baseline: %w", err), "write one with --write-baseline FILE")
		}
		for _, s := range b.Apply(res) {
			where := ""
			if s.File != "" {
				where = ", recorded in " + s.File
			}
			res.Notes = append(res.Notes, fmt.Sprintf("baseline entry %s (%s%s) no longer matches: remove it from %s", s.Fingerprint, s.Rule, where, o.baseline))
		}
	}
	return false, nil
}
