package profiles

import (
	"bytes"
	"strings"
	"testing"
)

// FuzzEdit: for any file, PutCredentials either refuses (nothing to write)
// or produces a file that re-parses with the profile holding the new keys,
// and in which every byte outside the edited section is as it was.
func FuzzEdit(f *testing.F) {
	for _, s := range []string{
		"", "[default]\naws_access_key_id = A\naws_secret_access_key = B\n",
		"# c\r\n[a]\r\nk=v\r\n\r\n[b]\r\naws_session_token=T\r\n  more\r\n; c\r\n[c]\r\nx=1",
		"[b]\n[a]\naws_access_key_id:x\n", "\xEF\xBB\xBF[a]\n", "[a\n", "k=v\n", "[ b ]\n",
	} {
		f.Add([]byte(s), uint8(0), false, false)
		f.Add([]byte(s), uint8(2), true, true)
	}
	long, temp := fakeCreds(), fakeTempCreds()
	names := []string{"default", "a", "b", "c"}
	f.Fuzz(func(t *testing.T, data []byte, which uint8, replace, useTemp bool) {
		profile := names[int(which)%len(names)]
		c := long
		if useTemp {
			c = temp
		}
		in := Parse("f", data)
		e, err := PutCredentials(in, profile, c, replace)
		if err != nil {
			return
		}
		out := e.Bytes()
		res := Parse("f", out)
		s := res.Section(profile)
		if s == nil {
			t.Fatalf("profile %q missing from the result %q", profile, out)
		}
		get := func(k string) string {
			if l := s.Lookup(k); l != nil {
				return l.Value
			}
			return ""
		}
		if get("aws_access_key_id") != c.AccessKeyID || get("aws_secret_access_key") != c.SecretAccessKey || get("aws_session_token") != c.SessionToken {
			t.Fatalf("profile %q does not hold the new keys in %q", profile, out)
		}
		old := in.Section(profile)
		if old == nil {
			// Appended: the original is a prefix (its last line may have
			// gained a line ending).
			if !bytes.HasPrefix(out, data) {
				t.Fatalf("append changed existing bytes:\n%q\n%q", data, out)
			}
			return
		}
		start, end := old.Header.Offset, len(data)
		for _, l := range in.Lines {
			if l.Kind == Header && l.Offset > start {
				end = l.Offset
				break
			}
		}
		if !bytes.HasPrefix(out, data[:start]) {
			t.Fatalf("bytes before the section changed:\n%q\n%q", data, out)
		}
		if !bytes.HasSuffix(out, data[end:]) {
			t.Fatalf("bytes after the section changed:\n%q\n%q", data, out)
		}
		// Inside the section, every line that is not a credential (or the
		// continuation of one) is kept, in order.
		var kept []string
		var inCred bool
		for _, l := range old.Lines {
			switch l.Kind {
			case KeyValue:
				k := strings.ToLower(strings.TrimSpace(l.Key))
				inCred = k == "aws_access_key_id" || k == "aws_secret_access_key" || k == "aws_session_token" || k == "aws_security_token"
				if !inCred {
					kept = append(kept, l.Raw)
				}
			case Continuation:
				if !inCred {
					kept = append(kept, l.Raw)
				}
			default:
				kept = append(kept, l.Raw)
			}
		}
		rest := string(out[start:])
		for _, k := range kept {
			i := strings.Index(rest, k)
			if i < 0 {
				t.Fatalf("line %q of the section lost in %q", k, out)
			}
			rest = rest[i+len(k):]
		}
	})
}
