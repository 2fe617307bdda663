// Package awskey knows what AWS credentials look like: access key ID prefixes
// and alphabet, secret and session-token shapes, AWS's documentation examples,
// placeholders, and the account ID that new-generation key IDs carry.
//
// It is the single place these facts live; the scanner, the profile linter
// and init all use it. The facts come from shared/aws-keys.md.
package awskey

import (
	"encoding/base32"
	"fmt"
	"strings"
)

// IDLen is the length of an access key ID: a 4-character prefix and 16
// characters of the RFC 4648 base32 alphabet.
const IDLen = 20

// SecretLen is the length of a secret access key: 30 random bytes in base64.
const SecretLen = 40

// Kind says what a key ID prefix stands for.
type Kind int

const (
	// NotAKey is any prefix that is not an AWS credential.
	NotAKey Kind = iota
	// LongTerm is an IAM user's access key (AKIA).
	LongTerm
	// Temporary is an STS key (ASIA): useless without its secret and session token.
	Temporary
	// BearerToken is an STS service bearer token ID (ABIA).
	BearerToken
	// ContextSpecific is a context-specific credential (ACCA).
	ContextSpecific
	// Identifier is an IAM unique ID (AIDA, AROA, ...): public, not a credential.
	Identifier
)

// String returns the kind as reported in findings: "long-term", "temporary", ...
func (k Kind) String() string {
	switch k {
	case LongTerm:
		return "long-term"
	case Temporary:
		return "temporary"
	case BearerToken:
		return "bearer-token"
	case ContextSpecific:
		return "context-specific"
	case Identifier:
		return "identifier"
	}
	return "not-a-key"
}

// credentialPrefixes are the key ID prefixes that are credentials.
var credentialPrefixes = map[string]Kind{
	"AKIA": LongTerm,
	"ASIA": Temporary,
	"ABIA": BearerToken,
	"ACCA": ContextSpecific,
}

// identifierPrefixes are IAM unique-ID prefixes: flagging them is a false
// positive (they are public identifiers, 21 characters in AWS's examples).
var identifierPrefixes = map[string]bool{
	"AIDA": true, "AROA": true, "AGPA": true, "AIPA": true,
	"ANPA": true, "ANVA": true, "ASCA": true, "APKA": true,
}

// CredentialPrefixes lists the prefixes of credential key IDs, in a fixed order.
func CredentialPrefixes() []string { return []string{"AKIA", "ASIA", "ABIA", "ACCA"} }

// PrefixKind reports what the 4-character prefix of s stands for.
func PrefixKind(s string) Kind {
	if len(s) < 4 {
		return NotAKey
	}
	p := s[:4]
	if k, ok := credentialPrefixes[p]; ok {
		return k
	}
	if identifierPrefixes[p] {
		return Identifier
	}
	return NotAKey
}

// IsBase32 reports whether b is an upper-case RFC 4648 base32 letter or digit
// (A-Z, 2-7): the alphabet of the 16 characters after a key ID's prefix.
func IsBase32(b byte) bool { return b >= 'A' && b <= 'Z' || b >= '2' && b <= '7' }

// IsSecretByte reports whether b may occur in a secret access key (base64: A-Z a-z 0-9 + /).
func IsSecretByte(b byte) bool {
	return b >= 'A' && b <= 'Z' || b >= 'a' && b <= 'z' || b >= '0' && b <= '9' || b == '+' || b == '/'
}

// IDProblem says why s is not a well-formed credential key ID, or "" when it is.
// Documentation examples are well-formed: check IsExample separately.
func IDProblem(s string) string {
	if len(s) != IDLen {
		return fmt.Sprintf("is %d characters long, want %d", len(s), IDLen)
	}
	if strings.ToUpper(s) != s {
		return "has lower-case letters; key IDs are all upper case"
	}
	switch PrefixKind(s) {
	case Identifier:
		return fmt.Sprintf("starts with %s, an IAM unique ID (not an access key ID)", s[:4])
	case NotAKey:
		return fmt.Sprintf("starts with %q, not an access key ID prefix (AKIA, ASIA, ABIA, ACCA)", s[:4])
	}
	for i := 4; i < len(s); i++ {
		if !IsBase32(s[i]) {
			return fmt.Sprintf("has %q at position %d; key IDs use only A-Z and 2-7", s[i], i+1)
		}
	}
	return ""
}

// IsID reports whether s is a well-formed credential key ID.
func IsID(s string) bool { return IDProblem(s) == "" }

// SecretProblem says why s is not a well-formed secret access key, or "" when it is.
func SecretProblem(s string) string {
	if len(s) != SecretLen {
		return fmt.Sprintf("is %d characters long, want %d", len(s), SecretLen)
	}
	for i := 0; i < len(s); i++ {
		if !IsSecretByte(s[i]) {
			return fmt.Sprintf("has %q at position %d; secret keys use only A-Z, a-z, 0-9, + and /", s[i], i+1)
		}
	}
	if !LooksRandom(s) {
		return "does not look random (a real secret mixes upper case, lower case and digits)"
	}
	return ""
}

// LooksRandom reports whether a 40-character base64 string looks like a
// random secret rather than a hash, a path or a word: it must mix upper case,
// lower case and digits, must not be hex, and must not be mostly one class.
func LooksRandom(s string) bool {
	var upper, lower, digit, slash, hex int
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'A' && c <= 'Z':
			upper++
		case c >= 'a' && c <= 'z':
			lower++
		case c >= '0' && c <= '9':
			digit++
		case c == '/':
			slash++
		}
		if c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F' {
			hex++
		}
	}
	if hex == len(s) {
		return false // a SHA-1 or git object ID
	}
	if upper == 0 || lower == 0 || digit == 0 {
		// Random 30-byte base64 lacks a digit with probability ~(54/64)^40 ≈ 0.1%;
		// paths and words lack one almost always.
		return false
	}
	if slash > 4 {
		return false // a path
	}
	return !hasLongRun(s)
}

// hasLongRun reports a run of 5 or more identical characters, which random
// base64 essentially never has (placeholders such as XXXXX... always do).
func hasLongRun(s string) bool { return hasRun(s, 5) }

// hasRun reports a run of n or more identical characters.
func hasRun(s string, n int) bool {
	run := 1
	for i := 1; i < len(s); i++ {
		if s[i] == s[i-1] {
			run++
			if run >= n {
				return true
			}
		} else {
			run = 1
		}
	}
	return false
}

// examples are AWS's documentation keys: never real, never blocking.
var examples = map[string]bool{
	"AKIAIOSFODNN7EXAMPLE":                      true,
	"AKIAI44QH8DHBEXAMPLE":                      true,
	"ASIAIOSFODNN7EXAMPLE":                      true,
	"ASIAI44QH8DHBEXAMPLE":                      true,
	"AKIAIESZCNJ3OEXAMPLE":                      true,
	"AKIAEXAMPLEPBUMBC3GA":                      true,
	"wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY":  true,
	"je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY":  true,
	"wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY":  true,
	"8P+SQvWIuLnKhh8d++jpw0nNmQRBZvNEXAMPLEKEY": true,
}

// researchExamples are the key IDs that the published analyses of the key ID
// format work through by hand (shared/aws-keys.md): documentation quotes
// them, and no one can use them. Written in two parts so that no key-shaped
// literal sits in the source.
var researchExamples = map[string]bool{
	"AS" + "IAY34FZKBOKMUTVV7A": true,
	"AK" + "IA6RVFFB77RE7OLMKI": true,
}

// IsExample reports whether s is one of AWS's documentation example keys,
// one of the worked examples of the published key ID analyses, or contains
// EXAMPLE in any case, as every AWS documentation key does.
func IsExample(s string) bool {
	return examples[s] || researchExamples[s] || strings.Contains(strings.ToUpper(s), "EXAMPLE")
}

// placeholderWords appear in values people write instead of a real key.
var placeholderWords = []string{
	"YOUR", "XXXX", "REPLACE", "CHANGEME", "CHANGE_ME", "PLACEHOLDER", "DUMMY",
	"SECRET_ACCESS_KEY", "ACCESS_KEY_ID", "REDACTED", "<", ">", "${", "$(", "{{", "%(", "****", "....",
}

// IsPlaceholder reports whether s is a placeholder for a key rather than a key:
// YOUR_ACCESS_KEY_ID, AKIA followed by sixteen Xs, <your-secret-key>, ${AWS_SECRET_ACCESS_KEY}.
func IsPlaceholder(s string) bool {
	u := strings.ToUpper(s)
	for _, w := range placeholderWords {
		if strings.Contains(u, w) {
			return true
		}
	}
	// Case-sensitive: a random secret holds "xXxX" far more often than
	// "xxxx" or "XXXX", which is what people type.
	for _, c := range []string{"xxxx", "XXXX", "____", "----", "####", "0000000"} {
		if strings.Contains(s, c) {
			return true
		}
	}
	return false
}

// ValidGeneration reports whether a well-formed key ID has a possible
// generation: old-generation IDs (fifth character A..P, generation bit 0)
// carry no account and are always possible; new-generation IDs must decode
// to an account of at most 999999999999 (shared/aws-keys.md).
func ValidGeneration(id string) bool {
	if len(id) != IDLen {
		return false
	}
	if c := id[4]; c >= 'A' && c <= 'P' {
		return true
	}
	_, ok := AccountID(id)
	return ok
}

// IDPlausible reports whether s is a credential key ID that could be real:
// well-formed, not a documentation example, not a placeholder (runs of one
// character as in AKIA and sixteen X, alphabet sequences such as ABCDEFG,
// typed words) and of a possible generation. A random key ID fails the
// pattern tests with probability below 1 in 500,000.
func IDPlausible(s string) bool {
	if !IsID(s) || IsExample(s) || !ValidGeneration(s) {
		return false
	}
	// Only patterns of five or more characters: the account that a
	// new-generation ID encodes is fixed, so a shorter pattern in it (XXXX,
	// TEST) would hide every key of that account.
	tail := s[4:]
	if hasRun(tail, 6) || hasSequence(tail, 6) {
		return false
	}
	for _, w := range idWords {
		if strings.Contains(tail, w) {
			return false
		}
	}
	return true
}

// idWords are words of five or more letters found in made-up key IDs
// (AKIAYOURACCESSKEYID..., AKIAQWERTYUIOP...).
var idWords = []string{"ACCESS", "SECRET", "SAMPLE", "DUMMY", "PLACEHOLDER", "REPLACE", "CHANGEME", "QWERTY", "ASDFG", "ZXCVB"}

// hasSequence reports n or more consecutive characters that step by +1 or
// -1 (ABCDE, 76543): what people type when they make up a key.
func hasSequence(s string, n int) bool {
	up, down := 1, 1
	for i := 1; i < len(s); i++ {
		switch int(s[i]) - int(s[i-1]) {
		case 1:
			up, down = up+1, 1
		case -1:
			up, down = 1, down+1
		default:
			up, down = 1, 1
		}
		if up >= n || down >= n {
			return true
		}
	}
	return false
}

// wordsInValues are words found in made-up secrets ("MySecretKeyForTesting...")
// and, at five letters or more (four for "test" and "fake", in three cases
// only), almost never in random base64: the chance that a random
// 40-character secret contains one is about 1 in 50,000.
var wordsInValues = []string{
	"secret", "password", "passwd", "access", "sample", "dummy", "fake", "test",
	"placeholder", "changeme", "insert", "replace", "random", "abcdef", "qwerty", "123456",
}

// HasWords reports whether a secret-shaped value is made of words: it
// contains, in any case, a word that made-up values have and random ones
// don't, or it is mostly CamelCase words ("AnotherRandomLookingString...").
func HasWords(s string) bool {
	for _, w := range wordsInValues {
		// In lower, Title or UPPER case only: "TeSt" is random, not a word.
		if strings.Contains(s, w) || strings.Contains(s, strings.ToUpper(w[:1])+w[1:]) || strings.Contains(s, strings.ToUpper(w)) {
			return true
		}
	}
	return mostlyWords(s)
}

// mostlyWords reports whether at least 24 characters of s lie in runs of 3 or
// more lower-case letters (with an optional capital before them) and a third
// of those letters are vowels, as in English words. Measured on a million
// random 40-character secrets, about 6 in 100,000 qualify.
func mostlyWords(s string) bool {
	covered, vowels := 0, 0
	for i := 0; i < len(s); {
		j := i
		if s[j] >= 'A' && s[j] <= 'Z' {
			j++
		}
		k := j
		for k < len(s) && s[k] >= 'a' && s[k] <= 'z' {
			k++
		}
		if k-j >= 3 {
			covered += k - i
			for _, c := range strings.ToLower(s[i:k]) {
				if strings.ContainsRune("aeiou", c) {
					vowels++
				}
			}
		}
		if k == i {
			k++
		}
		i = k
	}
	return covered >= 24 && vowels*3 >= covered
}

var b32 = base32.StdEncoding.WithPadding(base32.NoPadding)

// AccountID returns the 12-digit AWS account that a new-generation key ID
// encodes, and false for old-generation IDs (fifth character A..P), malformed
// IDs, and IDs that decode to more than 999999999999 (which cannot be real).
//
// The decoding is from shared/aws-keys.md: base32-decode the 16 characters
// after the prefix, read bytes 0..5 as a big-endian 48-bit z; bit 47 is the
// generation bit; the account is (z & 0x7FFFFFFFFF80) >> 7.
func AccountID(id string) (string, bool) {
	if len(id) != IDLen {
		return "", false
	}
	raw, err := b32.DecodeString(id[4:])
	if err != nil || len(raw) != 10 {
		return "", false
	}
	var z uint64
	for _, b := range raw[:6] {
		z = z<<8 | uint64(b)
	}
	if z&(1<<47) == 0 {
		return "", false
	}
	acct := (z & 0x7FFFFFFFFF80) >> 7
	if acct > 999999999999 {
		return "", false
	}
	return fmt.Sprintf("%012d", acct), true
}

// Redact returns a form of a secret value that is safe to print: the first
// four characters (a key ID's prefix, or a hint of which secret it is), then
// asterisks, then nothing more. Key IDs keep 4 more characters at the end,
// since the key ID alone is not secret in AWS's model and the tail tells keys
// apart in the IAM console.
func Redact(s string) string {
	switch {
	case len(s) == IDLen && PrefixKind(s) != NotAKey && PrefixKind(s) != Identifier:
		return s[:4] + strings.Repeat("*", 12) + s[16:]
	case len(s) <= 8:
		return strings.Repeat("*", len(s))
	default:
		return s[:4] + strings.Repeat("*", 8)
	}
}
