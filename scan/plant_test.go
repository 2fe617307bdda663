package scan

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/credguard/credguard/internal/awskey"
)

// Test content is written as templates: credentials are planted with markers
// substituted at run time with fresh fake values, so that no key-shaped
// literal is ever committed. A marker is {{NAME}}, {{NAME#tag}} (the same
// NAME and tag give the same value) or {{NAME:arg}}.
//
// Planted credentials (each must be found, by the rule given, at its place):
//
//	KEY_ID, OLD_KEY_ID, TEMP_KEY_ID, ABIA_KEY_ID, ACCA_KEY_ID  aws-access-key-id
//	SECRET, SECRET_JSON (\/ for /), SECRET_URL (%2F, %2B)      aws-secret-access-key
//	TOKEN, TOKEN_URL (URL-encoded), TOKEN_RAW:n (base64 of n   aws-session-token
//	random bytes), TOKEN_AWS:n (with YXdz near the start)
//	KNOWN (also passed in Options.KnownSecrets)                aws-known-secret
//	KEY_ID_B64, SECRET_B64 (base64 of the secret and a newline), CREDS_B64
//	(a base64-encoded credentials file: plants its key ID and secret)
//
// Decoys (nothing may be reported for them):
//
//	DECOY_SECRET        a random 40-character secret with no context
//	DECOY_TOKEN:n       n random base64 characters
//	DECOY_ID            a random key ID glued into a longer token: XY{id}Z
//	UNIQUE_ID:AROA      a 21-character IAM unique ID with that prefix
//	IMPOSSIBLE_ID       a new-generation key ID decoding to an impossible account
//	PLACEHOLDER_ID      AKIA and 16 X
//	HEX:n               n random hex digits (hashes, git object IDs)
//	SHA512, SHA256      lock-file integrity strings (sha512-..., sha256-...)
//	B64:n               base64 of n random bytes (with padding)
//	X_NAME              NAME's value, not planted (for lines with credguard:allow)
//	DJANGO_KEY, JWT, UUID  other secrets and identifiers
//	B64_TEXT            base64 of a JSON text that mentions AWS
//	PEM:n               a certificate body of n random bytes
//	EKS_TOKEN           an `aws eks get-token` bearer token

// planted is one credential planted in a template.
type planted struct {
	marker string
	rule   string
	value  string // the value the finding's fingerprint is of
	off    int    // where its text starts in the content
	n      int    // the length of its text
}

// plantedContent is a template with its markers substituted.
type plantedContent struct {
	content []byte
	want    []planted
	known   []string // values for Options.KnownSecrets
}

// plant substitutes the markers of a template.
func plant(t testing.TB, tmpl string) plantedContent {
	t.Helper()
	var out strings.Builder
	var pc plantedContent
	values := map[string]string{}
	for {
		i := markerStart(tmpl)
		if i < 0 {
			out.WriteString(tmpl)
			break
		}
		j := strings.Index(tmpl[i:], "}}")
		out.WriteString(tmpl[:i])
		marker := tmpl[i+2 : i+j]
		tmpl = tmpl[i+j+2:]
		name, arg, _ := strings.Cut(marker, ":")
		name, tag, _ := strings.Cut(name, "#")
		key := name + "#" + tag + ":" + arg
		v, ok := values[key]
		if !ok || tag == "" {
			v = markerValue(t, name, arg)
			values[key] = v
		}
		text := v
		p := planted{marker: marker, value: v, off: out.Len()}
		switch name {
		case "X_TOKEN_URL":
			text = urlEncode(v)
		case "KEY_ID", "OLD_KEY_ID", "TEMP_KEY_ID", "ABIA_KEY_ID", "ACCA_KEY_ID":
			p.rule = RuleAccessKeyID
		case "SECRET":
			p.rule = RuleSecretAccessKey
		case "SECRET_JSON":
			p.rule = RuleSecretAccessKey
			text = strings.ReplaceAll(v, "/", `\/`)
		case "SECRET_URL":
			p.rule = RuleSecretAccessKey
			text = urlEncode(v)
		case "TOKEN", "TOKEN_RAW", "TOKEN_AWS":
			p.rule = RuleSessionToken
		case "TOKEN_URL":
			p.rule = RuleSessionToken
			text = urlEncode(v)
		case "KNOWN":
			p.rule = RuleKnownSecret
			pc.known = append(pc.known, v)
		}
		switch name {
		case "KEY_ID_B64":
			p.rule = RuleAccessKeyID
			text = base64.StdEncoding.EncodeToString([]byte(v))
		case "SECRET_B64":
			p.rule = RuleSecretAccessKey
			text = base64.StdEncoding.EncodeToString([]byte(v + "\n"))
		case "CREDS_B64":
			// A credentials file, base64-encoded: its key ID and secret are
			// reported at the base64 characters that encode them.
			id, sec := awskey.FakeID("AKIA", awskey.FakeAccount()), awskey.FakeSecret()
			ini := "[default]\naws_access_key_id = " + id + "\naws_secret_access_key = " + sec + "\n"
			text = base64.StdEncoding.EncodeToString([]byte(ini))
			for _, x := range []struct{ rule, v string }{{RuleAccessKeyID, id}, {RuleSecretAccessKey, sec}} {
				o := strings.Index(ini, x.v)
				from, to := o/3*4, min(len(text), (o+len(x.v)+2)/3*4)
				pc.want = append(pc.want, planted{marker: marker, rule: x.rule, value: x.v, off: out.Len() + from, n: to - from})
			}
		}
		p.n = len(text)
		out.WriteString(text)
		if p.rule != "" {
			pc.want = append(pc.want, p)
		}
	}
	pc.content = []byte(out.String())
	return pc
}

// markerStart returns the index of the first marker in s, or -1. Only
// {{UPPER_CASE...}} is a marker: ${{ secrets.X }} in a workflow is text.
func markerStart(s string) int {
	for from := 0; ; {
		i := strings.Index(s[from:], "{{")
		if i < 0 {
			return -1
		}
		i += from
		j := strings.Index(s[i:], "}}")
		if j < 0 {
			return -1
		}
		m := s[i+2 : i+j]
		name := m
		if k := strings.IndexAny(m, "#:"); k >= 0 {
			name = m[:k]
		}
		ok := name != "" && name[0] >= 'A' && name[0] <= 'Z' && !strings.ContainsAny(m, " \n{}")
		for k := 0; k < len(name) && ok; k++ {
			c := name[k]
			ok = c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_'
		}
		if ok {
			return i
		}
		from = i + 2
	}
}

// markerValue makes a fresh value for a marker.
func markerValue(t testing.TB, name, arg string) string {
	t.Helper()
	name = strings.TrimPrefix(name, "X_") // the same value, not planted
	n, _ := strconv.Atoi(arg)
	switch name {
	case "KEY_ID", "KEY_ID_B64":
		return awskey.FakeID("AKIA", awskey.FakeAccount())
	case "CREDS_B64":
		return ""
	case "B64_TEXT":
		return base64.StdEncoding.EncodeToString([]byte(`{"auths":{"123456789012.dkr.ecr.us-east-1.amazonaws.com":{"auth":"` + hex.EncodeToString(randBytes(20)) + `"}},"aws_region":"us-east-1"}`))
	case "OLD_KEY_ID":
		return awskey.FakeID("AKIA", -1)
	case "TEMP_KEY_ID":
		return awskey.FakeID("ASIA", awskey.FakeAccount())
	case "ABIA_KEY_ID":
		return awskey.FakeID("ABIA", awskey.FakeAccount())
	case "ACCA_KEY_ID":
		return awskey.FakeID("ACCA", -1)
	case "SECRET", "DECOY_SECRET", "KNOWN", "SECRET_B64":
		return awskey.FakeSecret()
	case "SECRET_JSON", "SECRET_URL":
		for {
			if s := awskey.FakeSecret(); strings.Contains(s, "/") {
				return s
			}
		}
	case "TOKEN":
		return awskey.FakeSessionToken()
	case "TOKEN_URL":
		for {
			// Make sure the encoded form really has escapes in it.
			if tok := awskey.FakeSessionToken(); strings.ContainsAny(tok, "+/") {
				return tok
			}
		}
	case "TOKEN_RAW":
		for {
			s := base64.StdEncoding.EncodeToString(randBytes(n))
			if tokenValueOK([]byte(s), 0) {
				return s
			}
		}
	case "TOKEN_AWS":
		// Older tokens: base64 with "aws" near the start (AQoDYXdz...), no known prefix.
		for {
			s := base64.StdEncoding.EncodeToString(randBytes(3)) + stsAWS + base64.StdEncoding.EncodeToString(randBytes(n/4*3))
			if tokenValueOK([]byte(s), 0) && !strings.HasPrefix(s, stsPrefixNew) {
				return s
			}
		}
	case "DECOY_TOKEN":
		for {
			s := base64.StdEncoding.EncodeToString(randBytes(n))[:n]
			if !strings.Contains(s, stsAWS) {
				return s
			}
		}
	case "DECOY_ID":
		return "XY" + awskey.FakeID("AKIA", awskey.FakeAccount()) + "Z"
	case "UNIQUE_ID":
		return awskey.FakeID(arg, -1) + "Q"
	case "IMPOSSIBLE_ID":
		// Account bits all ones: 2^40-1 > 999999999999.
		raw := randBytes(10)
		z := uint64(1)<<47 | uint64(1<<40-1)<<7 | uint64(raw[5]&0x7f)
		for i := 5; i >= 0; i-- {
			raw[i] = byte(z)
			z >>= 8
		}
		return "AKIA" + b32enc(raw)
	case "PLACEHOLDER_ID":
		return "AKIA" + strings.Repeat("X", 16)
	case "DJANGO_KEY":
		const alphabet = "abcdefghijklmnopqrstuvwxyz0123456789!@#$%^&*(-_=+)"
		b := randBytes(50)
		for i := range b {
			b[i] = alphabet[int(b[i])%len(alphabet)]
		}
		return string(b)
	case "JWT":
		enc := base64.RawURLEncoding
		return enc.EncodeToString([]byte(`{"alg":"HS256","typ":"JWT"}`)) + "." + enc.EncodeToString(randBytes(90)) + "." + enc.EncodeToString(randBytes(32))
	case "UUID":
		h := hex.EncodeToString(randBytes(16))
		return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
	case "PEM":
		// A certificate body: base64 wrapped at 64 characters.
		body := base64.StdEncoding.EncodeToString(randBytes(n))
		var sb strings.Builder
		for len(body) > 64 {
			sb.WriteString(body[:64] + "\n")
			body = body[64:]
		}
		sb.WriteString(body)
		return sb.String()
	case "EKS_TOKEN":
		// aws eks get-token: base64url of a presigned STS URL (expires in minutes).
		u := "https://sts.us-east-1.amazonaws.com/?Action=GetCallerIdentity&Version=2011-06-15&X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=" +
			awskey.FakeID("ASIA", awskey.FakeAccount()) + "%2F20240430%2Fus-east-1%2Fsts%2Faws4_request&X-Amz-Date=20240430T100000Z&X-Amz-Expires=60&X-Amz-SignedHeaders=host%3Bx-k8s-aws-id&X-Amz-Signature=" +
			hex.EncodeToString(randBytes(32))
		return "k8s-aws-v1." + base64.RawURLEncoding.EncodeToString([]byte(u))
	case "HEX":
		return hex.EncodeToString(randBytes((n + 1) / 2))[:n]
	case "SHA512":
		return "sha512-" + base64.StdEncoding.EncodeToString(randBytes(64))
	case "SHA256":
		return "sha256-" + base64.StdEncoding.EncodeToString(randBytes(32))
	case "B64":
		return base64.StdEncoding.EncodeToString(randBytes(n))
	}
	t.Fatalf("unknown marker %q", name)
	return ""
}

func randBytes(n int) []byte {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return b
}

func b32enc(raw []byte) string {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
	var sb strings.Builder
	var buf uint64
	bits := 0
	for _, b := range raw {
		buf = buf<<8 | uint64(b)
		bits += 8
		for bits >= 5 {
			sb.WriteByte(alphabet[buf>>(bits-5)&31])
			bits -= 5
		}
	}
	return sb.String()
}

// checkFindings asserts that every planted credential is found by its rule at
// its place, with consistent fields, and that nothing else is found. It
// returns the numbers of missed plants and of false findings.
func checkFindings(t *testing.T, name string, pc plantedContent, got []Finding) (missed, extra int) {
	t.Helper()
	used := make([]bool, len(got))
	for _, w := range pc.want {
		found := false
		for i, f := range got {
			if used[i] || f.Offset != w.off || f.Rule != w.rule {
				continue
			}
			used[i], found = true, true
			line, col := position(pc.content, w.off)
			if f.Line != line || f.Column != col || f.Length != w.n {
				t.Errorf("%s: %s at %d:%d (length %d), want %d:%d (length %d)", name, w.marker, f.Line, f.Column, f.Length, line, col, w.n)
			}
			if f.Fingerprint != Fingerprint(w.rule, w.value) {
				t.Errorf("%s:%d: %s: fingerprint is not of the planted value", name, line, w.marker)
			}
			if strings.Contains(f.Redacted, w.value) || f.File != name {
				t.Errorf("%s:%d: %s: redacted %q, file %q", name, line, w.marker, f.Redacted, f.File)
			}
			break
		}
		if !found {
			missed++
			line, col := position(pc.content, w.off)
			t.Errorf("%s:%d:%d: missed %s (want rule %s)", name, line, col, w.marker, w.rule)
		}
	}
	for i, f := range got {
		if !used[i] {
			extra++
			t.Errorf("%s:%d:%d: false alarm: %s: %s (%s)", name, f.Line, f.Column, f.Rule, f.Message, f.Redacted)
		}
	}
	return missed, extra
}

func (p planted) String() string { return fmt.Sprintf("%s@%d", p.marker, p.off) }
