package profiles

import (
	"bytes"
	"strings"
	"testing"
)

func TestParseLines(t *testing.T) {
	in := "\xEF\xBB\xBF# top\r\n[default]\r\naws_access_key_id = ABC \r\n  cont\r\n[ profile x \nkey: v # c\nnoequals\n\n;c"
	f := Parse("creds", []byte(in))
	if !f.BOM {
		t.Error("BOM not seen")
	}
	want := []struct {
		kind LineKind
		eol  string
	}{
		{Comment, "\r\n"}, {Header, "\r\n"}, {KeyValue, "\r\n"}, {Continuation, "\r\n"},
		{Header, "\n"}, {KeyValue, "\n"}, {Invalid, "\n"}, {Blank, "\n"}, {Comment, ""},
	}
	if len(f.Lines) != len(want) {
		t.Fatalf("got %d lines, want %d", len(f.Lines), len(want))
	}
	for i, w := range want {
		if l := f.Lines[i]; l.Kind != w.kind || l.EOL != w.eol || l.Num != i+1 {
			t.Errorf("line %d: got %v %q num %d, want %v %q", i+1, l.Kind, l.EOL, l.Num, w.kind, w.eol)
		}
	}
	kv := f.Lines[2]
	if kv.Key != "aws_access_key_id " || kv.Value != "ABC" || kv.ValueCol != 21 {
		t.Errorf("key-value: got key %q value %q col %d", kv.Key, kv.Value, kv.ValueCol)
	}
	if h := f.Lines[4]; h.Closed || h.Name != " profile x " {
		t.Errorf("unclosed header: got %+v", h)
	}
	if f.Lines[5].Value != "v # c" || f.Lines[5].Delim != ':' {
		t.Errorf("inline comment must stay in the raw value: got %q", f.Lines[5].Value)
	}
	if s := f.Section("default"); s == nil || s.Lookup("AWS_ACCESS_KEY_ID") != kv {
		t.Error("Section/Lookup did not find the key")
	}
}

// FuzzParse checks that Parse never panics and is lossless: the lines'
// offsets, raw text and endings rebuild the input exactly.
func FuzzParse(f *testing.F) {
	f.Add([]byte("[default]\naws_access_key_id=x\n"))
	f.Add([]byte("\xEF\xBB\xBF[a]\r\n k=v\r\n\tcont\n[b"))
	f.Add([]byte("=\n:\n[]\n]\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		p := Parse("f", data)
		var b bytes.Buffer
		if p.BOM {
			b.Write(bom)
		}
		for _, l := range p.Lines {
			if l.Offset != b.Len() {
				t.Fatalf("line %d offset %d, want %d", l.Num, l.Offset, b.Len())
			}
			b.WriteString(l.Raw + l.EOL)
			if l.Kind == KeyValue && l.ValueCol > 0 && l.Value != "" && !strings.HasPrefix(l.Raw[l.ValueCol-1:], l.Value) {
				t.Fatalf("line %d: ValueCol %d does not point at value %q", l.Num, l.ValueCol, l.Value)
			}
		}
		if !bytes.Equal(b.Bytes(), data) {
			t.Fatalf("lines do not rebuild the input")
		}
	})
}
