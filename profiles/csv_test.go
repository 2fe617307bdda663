package profiles

import (
	"bytes"
	"strings"
	"testing"

	"github.com/credguard/credguard/internal/awskey"
)

func TestParseConsoleCSV(t *testing.T) {
	a, b := fakeCreds(), fakeCreds()
	r := strings.NewReplacer("$ID1", a.AccessKeyID, "$S1", a.SecretAccessKey, "$ID2", b.AccessKeyID, "$S2", b.SecretAccessKey)
	type key struct{ user, id, secret string }
	tests := []struct {
		name string
		in   string
		want []key
		err  string
	}{
		{name: "per-key, BOM, CRLF", in: "\xEF\xBB\xBFAccess key ID,Secret access key\r\n$ID1,$S1\r\n",
			want: []key{{"", a.AccessKeyID, a.SecretAccessKey}}},
		{name: "per-key, LF, no final newline", in: "Access key ID,Secret access key\n$ID1,$S1",
			want: []key{{"", a.AccessKeyID, a.SecretAccessKey}}},
		{name: "user-creation shape", in: "User name,Password,Access key ID,Secret access key,Console login link\r\nalice,pw,$ID1,$S1,https://123456789012.signin.aws.amazon.com/console\r\n",
			want: []key{{"alice", a.AccessKeyID, a.SecretAccessKey}}},
		{name: "several rows, quoted, spaced, blank lines", in: "\xEF\xBB\xBF\"User name\",\"Password\",\"Access key ID\",\"Secret access key\",\"Console login link\"\n\nalice,\"p,w\", $ID1 ,$S1,x\n,,,,\nbob,,$ID2,$S2,\n\n",
			want: []key{{"alice", a.AccessKeyID, a.SecretAccessKey}, {"bob", b.AccessKeyID, b.SecretAccessKey}}},
		{name: "column order and case", in: "secret ACCESS key,access key id\n$S1,$ID1\n",
			want: []key{{"", a.AccessKeyID, a.SecretAccessKey}}},
		{name: "empty", in: "", err: "is empty"},
		{name: "BOM only", in: "\xEF\xBB\xBF", err: "is empty"},
		{name: "not a key file", in: "name,value\nx,y\n", err: "not an AWS console key file"},
		{name: "credentials file given", in: "[default]\naws_access_key_id = $ID1\n", err: "not an AWS console key file"},
		{name: "header only", in: "Access key ID,Secret access key\r\n", err: "holds no keys"},
		{name: "short row", in: "Access key ID,Secret access key\n$ID1\n", err: ":2: has 1 columns"},
		{name: "bad quoting", in: "Access key ID,Secret access key\n\"$ID1,$S1\n", err: "not valid CSV"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			keys, err := ParseConsoleCSV("keys.csv", []byte(r.Replace(tt.in)))
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("got error %v, want %q", err, tt.err)
				}
				if strings.Contains(err.Error(), a.SecretAccessKey) {
					t.Error("error quotes the secret")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(keys) != len(tt.want) {
				t.Fatalf("got %d keys, want %d", len(keys), len(tt.want))
			}
			for i, w := range tt.want {
				k := keys[i]
				if k.UserName != w.user || k.AccessKeyID != w.id || k.SecretAccessKey != w.secret || k.Row != i+1 {
					t.Errorf("key %d: got %q %q row %d, want %q %q", i, k.UserName, awskey.Redact(k.AccessKeyID), k.Row, w.user, awskey.Redact(w.id))
				}
			}
		})
	}
}

// FuzzCSV: the console CSV reader never panics, never invents a key, and
// every key it returns came from the input.
func FuzzCSV(f *testing.F) {
	c := fakeCreds()
	f.Add([]byte("\xEF\xBB\xBFAccess key ID,Secret access key\r\n" + c.AccessKeyID + "," + c.SecretAccessKey + "\r\n"))
	f.Add([]byte("User name,Password,Access key ID,Secret access key,Console login link\nbob,,A,B,\n"))
	f.Add([]byte("Access key ID,Secret access key\n\"a\"\"b\",c\n"))
	f.Add([]byte("\""))
	f.Fuzz(func(t *testing.T, data []byte) {
		keys, err := ParseConsoleCSV("f.csv", data)
		if err != nil {
			if keys != nil {
				t.Error("keys returned with an error")
			}
			return
		}
		if len(keys) == 0 {
			t.Error("no keys and no error")
		}
		for i, k := range keys {
			if k.Row != i+1 || k.Line < 2 {
				t.Errorf("key %d: row %d line %d", i, k.Row, k.Line)
			}
			for _, v := range []string{k.AccessKeyID, k.SecretAccessKey, k.UserName} {
				if v != strings.TrimSpace(v) {
					t.Errorf("value %q not trimmed", v)
				}
				if v != "" && !bytes.Contains(data, []byte(v)) && !strings.Contains(v, "\"") && !strings.Contains(v, "\n") {
					t.Errorf("value %q is not in the input", v)
				}
			}
		}
	})
}
