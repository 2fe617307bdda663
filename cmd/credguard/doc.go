// Credguard stops AWS credentials from reaching a git history, and checks and
// writes the local AWS profile people should use instead.
//
// # Usage
//
//	credguard scan [--staged | --range A..B | --all | PATH...] [--format text|json|sarif]
//	credguard lint [--profile NAME] [--credentials FILE] [--config FILE] [--fix]
//	credguard init [--profile NAME] [--region R] [--output FMT] [--from-csv FILE [--row N]] [--force] [--dry-run]
//	credguard hook install|uninstall|status|test
//
// scan reads exactly what 'git commit' will record (the index against HEAD)
// and reports AWS access key IDs, secret access keys and session tokens that
// the commit adds, as path:line:col: rule: message lines. The same engine
// scans commit ranges, whole histories and plain files.
//
// lint checks the shared credentials and config files with the semantics the
// AWS SDKs and CLI use, and says how to fix each problem.
//
// init adds a profile to the credentials file: the secret is read from a
// prompt with echo off, from standard input, or from the console's CSV, never
// from the command line; the file is replaced atomically with mode 0600.
//
// hook installs the git hooks that run scan: pre-commit by default, pre-push
// and commit-msg on request, for one repository or (--global) for all of
// them, chaining any hook already there. 'hook test' shows the guard fire on
// a freshly generated fake key in a throwaway repository.
//
// # Exit codes
//
//	0  clean
//	1  credentials found, or lint errors
//	2  usage or runtime error (nothing was silently skipped)
//
// # Configuration
//
// Environment: AWS_SHARED_CREDENTIALS_FILE, AWS_CONFIG_FILE and AWS_PROFILE
// choose files and profile as the SDKs do; NO_COLOR turns colour off.
// A repository may keep a .credguard.ini at its root (see 'credguard scan --help').
package main
