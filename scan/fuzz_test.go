package scan

import (
	"bytes"
	"encoding/base64"
	"strings"
	"testing"

	"github.com/credguard/credguard/internal/awskey"
)

// FuzzScan checks that Scan never panics, that every finding lies inside the
// input with a line and column that match its offset, that the redacted form
// never holds the value, and that MayContain never rules out content in which
// Scan finds something.
func FuzzScan(f *testing.F) {
	id, old, temp := awskey.FakeID("AKIA", awskey.FakeAccount()), awskey.FakeID("AKIA", -1), awskey.FakeID("ASIA", 7)
	sec, tok := awskey.FakeSecret(), awskey.FakeSessionToken()
	seeds := []string{
		"",
		id,
		"aws_access_key_id = " + id + "\naws_secret_access_key = " + sec + "\n",
		"[temp]\naws_access_key_id=" + temp + "\naws_secret_access_key=" + sec + "\naws_session_token=" + tok + "\n",
		"boto3.client('s3', '" + old + "', '" + sec + "')",
		"\ufeffAccess key ID,Secret access key\r\n" + id + "," + sec + "\r\n",
		"\ufeffUser name,Password,Access key ID,Secret access key,Console login link\r\nu,\"p,w\"," + id + "," + sec + ",https://x\r\n",
		"https://b.s3.amazonaws.com/k?X-Amz-Security-Token=" + urlEncode(tok) + "&X-Amz-Date=1",
		"SecretAccessKey:\n  " + sec + "\n<SecretAccessKey>" + sec + "</SecretAccessKey>",
		"t = '" + tok[:200] + "YXdz" + tok[200:] + "'",
		"x " + sec + " # credguard:allow\n" + id,
		"AKIAIOSFODNN7EXAMPLE wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
		"secret\nsecret=\nSECRET:\"\ntoken=%2F%3D\nIQoJb3JpZ2luX2Vj%2\nYXdz\n\\nAKIA",
		"\x00\xff" + id + "\x00",
		"data:\n  id: " + base64.StdEncoding.EncodeToString([]byte(id)) + "\n  aws_secret_access_key: " + base64.StdEncoding.EncodeToString([]byte(sec+"\n")) + "\n",
		"c: " + base64.StdEncoding.EncodeToString([]byte("x aws_access_key_id="+old+"\naws_secret_access_key="+sec+"\n")),
	}
	for _, s := range seeds {
		f.Add([]byte(s), sec)
	}
	utf16 := []byte{0xFF, 0xFE}
	for _, b := range []byte("aws_access_key_id=" + id + "\r\naws_secret_access_key=" + sec + "\r\n") {
		utf16 = append(utf16, b, 0)
	}
	f.Add(utf16, sec)
	f.Fuzz(func(t *testing.T, content []byte, known string) {
		d := New(Options{KnownSecrets: []string{known, sec}})
		got := d.Scan("fuzz", content)
		if len(got) > 0 && !d.MayContain(content) {
			t.Fatalf("MayContain = false, but Scan found %d", len(got))
		}
		last := -1
		for _, fd := range got {
			if fd.Offset < 0 || fd.Length <= 0 || fd.Offset+fd.Length > len(content) {
				t.Fatalf("finding %s at [%d,+%d) outside input of %d bytes", fd.Rule, fd.Offset, fd.Length, len(content))
			}
			if fd.Offset < last {
				t.Fatalf("findings out of order: %d after %d", fd.Offset, last)
			}
			last = fd.Offset
			line, col := position(content, fd.Offset)
			if fd.Line != line || fd.Column != col {
				t.Fatalf("finding at offset %d says %d:%d, want %d:%d", fd.Offset, fd.Line, fd.Column, line, col)
			}
			value := string(content[fd.Offset : fd.Offset+fd.Length])
			if len(value) > 8 && strings.Contains(fd.Redacted, value) {
				t.Fatalf("redacted form %q holds the value", fd.Redacted)
			}
			if fd.File != "fuzz" || fd.Fingerprint == "" || fd.Message == "" {
				t.Fatalf("incomplete finding %+v", fd)
			}
			if bytes.Contains(lineOf(content, fd.Offset), []byte(AllowMarker)) {
				t.Fatalf("finding on a line with %s", AllowMarker)
			}
		}
	})
}

func lineOf(c []byte, off int) []byte {
	s := bytes.LastIndexByte(c[:off], '\n') + 1
	return c[s:lineEnd(c, off)]
}
