package hooks

import (
	"bufio"
	"bytes"
	"fmt"
	"path/filepath"
	"strings"
)

// ScriptOptions shape the hook script.
type ScriptOptions struct {
	// Binary is the absolute path of the credguard the hook runs; the hook
	// falls back to credguard on PATH when it has gone.
	Binary string
	// Global writes the variant for a global hooks directory: it also runs
	// the repository's own .git/hooks/NAME, which git no longer runs once a
	// global core.hooksPath is set.
	Global bool
}

// InstallHint is the command the hooks print when the binary is missing.
const InstallHint = "go install github.com/credguard/credguard/cmd/credguard@latest"

// Script returns the hook script for kind: POSIX sh, so it runs in Git for
// Windows' sh too. It runs the chained hook (NAME.credguard-chained) first,
// then credguard; the first failure blocks.
func Script(kind Kind, opt ScriptOptions) []byte {
	var b bytes.Buffer
	bin := filepath.ToSlash(opt.Binary) // C:/... works in Git for Windows' sh; C:\... does not
	fmt.Fprintf(&b, "#!/bin/sh\n")
	fmt.Fprintf(&b, "# credguard %s hook: %s\n", kind, purpose[kind])
	fmt.Fprintf(&b, "# Written by 'credguard hook install'. 'credguard hook uninstall' removes it and\n")
	fmt.Fprintf(&b, "# puts back the hook it chains (%s%s), if any.\n", kind, ChainSuffix)
	fmt.Fprintf(&b, "%s\n", marker)
	if opt.Global {
		fmt.Fprintf(&b, "# credguard-global: 1\n")
	}
	fmt.Fprintf(&b, "credguard=%s\n", shellQuote(bin))
	fmt.Fprintf(&b, `if [ ! -x "$credguard" ]; then
	found=$(command -v credguard 2>/dev/null || true)
	if [ -n "$found" ]; then
		echo "credguard: warning: $credguard is gone; using $found from PATH" >&2
		echo "credguard: hint: run 'credguard hook install' again to record its new path" >&2
		credguard=$found
	else
		echo "credguard: error: %s hook: the credguard binary is missing: $credguard" >&2
		echo "credguard: hint: reinstall it ('%s') and run 'credguard hook install' again," >&2
		echo "credguard: hint: or remove this hook: delete $0 (and rename $0%s back, if present)" >&2
		exit 1
	fi
fi
`, kind, InstallHint, ChainSuffix)
	if kind == PrePush {
		// git writes the refs on stdin once; every hook here needs them.
		fmt.Fprintf(&b, "input=$(cat)\n")
		fmt.Fprintf(&b, "feed() { if [ -n \"$input\" ]; then printf '%%s\\n' \"$input\"; fi; }\n")
	}
	run := func(path string) string {
		if kind == PrePush {
			return "feed | " + path + ` "$@" || exit $?`
		}
		return path + ` "$@" || exit $?`
	}
	fmt.Fprintf(&b, "chained=\"$0%s\"\n", ChainSuffix)
	fmt.Fprintf(&b, "if [ -x \"$chained\" ]; then\n\t%s\nfi\n", run(`"$chained"`))
	if opt.Global {
		fmt.Fprintf(&b, "repo_hook=\"$(git rev-parse --git-common-dir)/hooks/%s\"\n", kind)
		fmt.Fprintf(&b, "if [ -x \"$repo_hook\" ] && ! [ \"$repo_hook\" -ef \"$0\" ]; then\n\t%s\nfi\n", run(`"$repo_hook"`))
	}
	switch kind {
	case PreCommit:
		fmt.Fprintf(&b, "exec \"$credguard\" scan --staged\n")
	case PrePush:
		fmt.Fprintf(&b, "feed | \"$credguard\" hook run pre-push \"$@\"\n")
	case CommitMsg:
		fmt.Fprintf(&b, "exec \"$credguard\" hook run commit-msg \"$@\"\n")
	}
	return b.Bytes()
}

var purpose = map[Kind]string{
	PreCommit: "blocks commits that add AWS credentials",
	PrePush:   "blocks pushes of commits that carry AWS credentials",
	CommitMsg: "blocks commit messages that hold AWS credentials",
}

// shellQuote quotes s for POSIX sh.
func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// shellUnquote reverses shellQuote; ok is false for anything else.
func shellUnquote(s string) (string, bool) {
	var out strings.Builder
	for len(s) > 0 {
		switch {
		case strings.HasPrefix(s, `\'`):
			out.WriteByte('\'')
			s = s[2:]
		case s[0] == '\'':
			end := strings.IndexByte(s[1:], '\'')
			if end < 0 {
				return "", false
			}
			out.WriteString(s[1 : 1+end])
			s = s[2+end:]
		default:
			return "", false
		}
	}
	return out.String(), true
}

// scriptInfo reads what a credguard hook script records: whether it is one,
// the binary it runs, and whether it is the global variant.
func scriptInfo(data []byte) (ours bool, binary string, global bool) {
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		line := strings.TrimRight(sc.Text(), "\r")
		switch {
		case line == marker:
			ours = true
		case line == "# credguard-global: 1":
			global = true
		case strings.HasPrefix(line, "credguard=") && binary == "":
			binary, _ = shellUnquote(strings.TrimPrefix(line, "credguard="))
		}
	}
	return ours, filepath.FromSlash(binary), global
}
