package scan

import (
	"bytes"

	"github.com/credguard/credguard/internal/awskey"
)

// Options configure a Detector.
type Options struct {
	// KnownSecrets are secret values (typically from the user's own
	// credentials file) reported wherever they occur, in any context.
	// They are held only in memory.
	KnownSecrets []string
}

// Detector finds credentials in content. It is safe for concurrent use.
type Detector struct {
	known [][]byte
}

// New returns a Detector.
func New(opts Options) *Detector {
	d := &Detector{}
	for _, s := range opts.KnownSecrets {
		if len(s) >= 16 {
			d.known = append(d.known, []byte(s))
		}
	}
	return d
}

// Scan returns the findings in content, in order of position. path is copied
// into each finding's File.
//
// TODO(detect): this placeholder finds key IDs only; the full engine replaces it.
func (d *Detector) Scan(path string, content []byte) []Finding {
	var out []Finding
	for _, p := range awskey.CredentialPrefixes() {
		off := 0
		for {
			i := bytes.Index(content[off:], []byte(p))
			if i < 0 {
				break
			}
			i += off
			off = i + 1
			end := i + awskey.IDLen
			if end > len(content) || (i > 0 && isWord(content[i-1])) || (end < len(content) && isWord(content[end])) {
				continue
			}
			id := string(content[i:end])
			if !awskey.IsID(id) || awskey.IsExample(id) || awskey.IsPlaceholder(id) {
				continue
			}
			line, col := position(content, i)
			f := Finding{Rule: RuleAccessKeyID, File: path, Line: line, Column: col,
				Redacted: awskey.Redact(id), Fingerprint: Fingerprint(RuleAccessKeyID, id),
				KeyType: awskey.PrefixKind(id).String(), Message: "AWS access key ID", Offset: i, Length: awskey.IDLen}
			f.AccountID, _ = awskey.AccountID(id)
			out = append(out, f)
		}
	}
	return out
}

func isWord(b byte) bool { return awskey.IsSecretByte(b) && b != '/' && b != '+' || b == '_' }

// position converts a byte offset to a 1-based line and byte column.
func position(content []byte, off int) (line, col int) {
	line = 1 + bytes.Count(content[:off], []byte{'\n'})
	col = off + 1 - (bytes.LastIndexByte(content[:off], '\n') + 1)
	return line, col
}
