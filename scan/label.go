package scan

import (
	"strings"

	"github.com/credguard/credguard/internal/awskey"
)

// Labels are the names that say what a value is: `aws_secret_access_key` in
// ini and env files, `SecretAccessKey` in JSON, XML and YAML, `secretKey` in
// code, `X-Amz-Security-Token` in URLs. A label is a run of letters, digits,
// '_', '.' and '-'; it is compared in normalised form (lower case, letters
// and digits only), so every spelling and case style compares equal.

// maxLabel bounds how far a label is followed from a keyword hit, so that a
// hit inside a huge token costs little.
const maxLabel = 64

func isLabelByte(b byte) bool { return isAlnum(b) || b == '_' || b == '.' || b == '-' }

// labelAround returns the bounds of the label containing position i.
func labelAround(c []byte, i int) (start, end int) {
	start, end = i, i
	for start > 0 && i-start < maxLabel && isLabelByte(c[start-1]) {
		start--
	}
	for end < len(c) && end-i < maxLabel && isLabelByte(c[end]) {
		end++
	}
	return start, end
}

// normLabel lower-cases a label and keeps only its letters and digits.
func normLabel(b []byte) string {
	var sb strings.Builder
	sb.Grow(len(b))
	for _, ch := range b {
		switch {
		case ch >= 'A' && ch <= 'Z':
			sb.WriteByte(ch + 'a' - 'A')
		case ch >= 'a' && ch <= 'z' || ch >= '0' && ch <= '9':
			sb.WriteByte(ch)
		}
	}
	return sb.String()
}

// labelText is a label as written, for messages (labels are not secret).
func labelText(b []byte) string {
	s := strings.Trim(string(b), ".-_")
	if len(s) > 40 {
		s = s[:40] + "..."
	}
	return s
}

// isSeparator reports the bytes that may stand between a label and its value
// in the syntaxes we know: = : => := , whitespace, quotes, brackets and
// braces (`ENV['X'] = `, `$ENV{X} = `), parentheses, a backslash (escaped
// quotes), and `||` / `??` defaults (`env.X || "value"`).
func isSeparator(b byte) bool {
	switch b {
	case ' ', '\t', '\r', '\n', '"', '\'', '`', '=', ':', '>', '(', ')', ',', '[', ']', '}', '\\', '|', '?':
		return true
	}
	return false
}

// fillerWords may stand between a label and its value: XML attributes
// (`<add key="AWSSecretKey" value="..."/>`), name/value pairs
// (`{"name": "AWS_SECRET_ACCESS_KEY", "value": "..."}`) and type annotations
// (`secretKey: string = "..."`).
var fillerWords = map[string]bool{"value": true, "string": true, "str": true, "default": true}

// valueAfter returns where the value of the label ending at end starts: after
// separators (crossing at most two line breaks, for YAML and XML values on the
// next line), filler words and up to two short XML tags. ok is false when the
// label has no value in reach.
func valueAfter(c []byte, end int) (pos int, ok bool) {
	i, newlines, fillers, tags := end, 0, 0, 0
	for i < len(c) && i-end < 96 {
		b := c[i]
		if isSeparator(b) {
			if b == '\n' {
				if newlines++; newlines > 2 {
					return 0, false
				}
			}
			i++
			continue
		}
		if b == '<' && i+1 < len(c) && c[i+1] == '-' {
			i += 2 // R's assignment: aws_secret <- "..."
			continue
		}
		if b == '<' && tags < 2 {
			// A short tag between name and value: <name>fs.s3a.secret.key</name>
			// <value>...</value> in Hadoop XML, <key>...</key><string>...</string>
			// in property lists.
			if n := tagLen(c[i:]); n > 0 {
				tags++
				i += n
				continue
			}
		}
		if !isLabelByte(b) {
			break
		}
		// A filler word followed by a separator is skipped once.
		j := i
		for j < len(c) && j-i < 8 && isLabelByte(c[j]) {
			j++
		}
		if fillers == 0 && j < len(c) && isSeparator(c[j]) && fillerWords[strings.ToLower(string(c[i:j]))] {
			fillers++
			i = j
			continue
		}
		break
	}
	if i == end || i >= len(c) {
		return 0, false
	}
	return i, true
}

// tagLen returns the length of the XML tag without attributes at the start
// of b (<value>, </name>), or 0.
func tagLen(b []byte) int {
	i := 1
	if i < len(b) && b[i] == '/' {
		i++
	}
	start := i
	for i < len(b) && i < 24 && isLabelByte(b[i]) {
		i++
	}
	if i == start || i >= len(b) || b[i] != '>' {
		return 0
	}
	return i + 1
}

// labelBefore returns the normalised label that precedes a value starting at
// i on the same line, joined to it by =, : or > (used to tell a neighbouring
// secret from, say, a hash), or "".
func labelBefore(c []byte, i int) string {
	j, assigns := i, false
	for j > 0 && i-j < 16 && c[j-1] != '\n' && isSeparator(c[j-1]) {
		j--
		assigns = assigns || c[j] == '=' || c[j] == ':' || c[j] == '>'
	}
	if !assigns {
		return "" // a list of values ('id', 'secret'), not name and value
	}
	e := j
	for j > 0 && e-j < maxLabel && isLabelByte(c[j-1]) {
		j--
	}
	if awskey.IsID(string(c[j:e])) {
		return "" // KEY_ID:SECRET (s3fs, s3://id:secret@bucket)
	}
	return normLabel(c[j:e])
}

type strength int

const (
	notLabel strength = iota
	weakLabel
	strongLabel
)

// secretLabel says whether a label names an AWS secret access key.
//
// Strong labels name it unambiguously: anything containing "secretaccess"
// (aws_secret_access_key, SecretAccessKey, aws.secret.access.key,
// secret_access_key), "awssecret" (AWS_SECRET, aws_secret, awsSecretKey, but
// not aws_secretsmanager_*), or "aws" and ending in "secretkey"
// (AWS_SECRET_KEY, aws.secretKey, cloud.aws.credentials.secret-key).
//
// Weak labels are generic: "secret" and "secretKey" in any case style
// (secret_key in Terraform and s3cmd, SecretKey, secretKey, SECRET_KEY next
// to ACCESS_KEY in scripts), and names ending in them after an AWS-ish or
// verb prefix (s3_secret_key, ec2_secret_key, setSecretKey, withSecretKey).
// A weakly labelled value is reported only when the content mentions AWS
// somewhere (aws, amazon, boto, or an access key ID). Django's and Flask's
// SECRET_KEY are not 40 base64 characters, so they do not qualify.
//
// Not labels: other products' names (MINIO_SECRET_KEY, JWT_SECRET_KEY,
// DJANGO_SECRET_KEY, client_secret), and "sk", "key", "password": too common
// to trigger on. A secret under such a name is still found when an access
// key ID is near it.
func secretLabel(raw []byte) strength {
	norm := normLabel(raw)
	switch {
	case strings.Contains(norm, "secretsmanager"):
		return notLabel
	case strings.Contains(norm, "secretaccess"),
		strings.Contains(norm, "awssecret"),
		strings.Contains(norm, "aws") && strings.HasSuffix(norm, "secretkey"):
		return strongLabel
	}
	var prefix string
	switch {
	case norm == "secret":
	case strings.HasSuffix(norm, "secretkey"):
		prefix = strings.TrimSuffix(norm, "secretkey")
	default:
		return notLabel
	}
	if !weakPrefix(prefix) {
		return notLabel
	}
	return weakLabel
}

// weakPrefixes may end what comes before "secretkey" in a weak label
// (fs.s3a.secret.key, creds.setSecretKey).
var weakPrefixes = []string{"s3", "s3a", "ec2", "iam", "amazon", "my", "set", "with", "get", "access", "user"}

func weakPrefix(p string) bool {
	if p == "" {
		return true
	}
	for _, w := range weakPrefixes {
		if strings.HasSuffix(p, w) {
			return true
		}
	}
	return false
}

// tokenLabel says whether a normalised label names a session token. Strong:
// the AWS names (aws_session_token, AWS_SESSION_TOKEN, X-Amz-Security-Token,
// aws_security_token, awsSessionToken). Weak: the generic ones
// (SessionToken, sessionToken, session_token, security_token), which web
// applications use for their own tokens; a weakly labelled value is reported
// only when the content mentions AWS (an STS-shaped one always is).
func tokenLabel(norm string) strength {
	if !strings.Contains(norm, "sessiontoken") && !strings.Contains(norm, "securitytoken") {
		return notLabel
	}
	if strings.Contains(norm, "aws") || strings.Contains(norm, "amz") {
		return strongLabel
	}
	return weakLabel
}

// notSecretLabels mark a value near a key ID as something other than its
// secret: hashes, integrity strings, signatures, tokens.
var notSecretLabels = []string{
	"hash", "sha", "digest", "checksum", "integrity", "etag", "nonce",
	"signature", "fingerprint", "token", "salt", "md5", "commit",
}

func namesOtherThing(norm string) bool {
	for _, w := range notSecretLabels {
		if strings.Contains(norm, w) {
			return true
		}
	}
	return false
}
