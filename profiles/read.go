// Package profiles reads, checks and writes the AWS shared credentials and
// config files (~/.aws/credentials, ~/.aws/config) with the semantics the AWS
// SDKs and CLI use.
//
// Its reader is raw and line-exact: every section, key, value and comment is
// kept as written, with its line number, so that the linter can report what
// the SDKs would silently strip or misread (byte-order marks, quotes, inline
// comments, duplicates) and the writer can change one line while keeping
// every other byte.
package profiles

import (
	"bytes"
	"fmt"
	"os"
	"strings"
	"unicode"
	"unicode/utf8"
)

// LineKind classifies a line of an INI file.
type LineKind int

const (
	// Blank is an empty or all-whitespace line.
	Blank LineKind = iota
	// Comment starts (after optional whitespace) with '#' or ';'.
	Comment
	// Header is a section header: '[' ... (closed or not).
	Header
	// KeyValue is a "key = value" or "key: value" line.
	KeyValue
	// Continuation is a non-comment line indented deeper than the key line
	// before it in the same section (and any header or key line between):
	// botocore (Python's configparser) appends it to that key's value.
	Continuation
	// Invalid is a line that is none of the above (a pasted value with no '=').
	Invalid
)

func (k LineKind) String() string {
	return [...]string{"blank", "comment", "header", "key-value", "continuation", "invalid"}[k]
}

// Line is one line of a file, exactly as written.
type Line struct {
	Num  int      // 1-based line number
	Raw  string   // the text without its line ending (and without a leading BOM)
	EOL  string   // "\n", "\r\n" or "" for a last line with no newline
	Kind LineKind // what the line is

	// Indent is the leading whitespace (any Unicode white space, as
	// configparser sees it; the Go SDK counts only ' ' and '\t').
	Indent string

	// For Header lines: Name is the raw text between '[' and the last ']'
	// (or to the end of line when unclosed), untrimmed; Closed says whether ']' was found;
	// Trailer is whatever follows ']'.
	Name    string
	Closed  bool
	Trailer string

	// For KeyValue lines: Key is the raw key text (untrimmed, without
	// indent); Delim is '=' or ':'; Value is the raw text after the
	// delimiter with surrounding whitespace trimmed. ValueCol is the 1-based
	// byte column where Value starts.
	Key      string
	Delim    byte
	Value    string
	ValueCol int

	// Offset is the byte offset of the line's start in the file's data.
	Offset int
}

// Section is a run of lines under one header. The lines before the first
// header form a Section with a nil Header.
type Section struct {
	Header *Line   // nil for the lines before the first header
	Lines  []*Line // every line after the header up to the next header
}

// Name returns the header's name trimmed of surrounding whitespace, as the
// SDKs see it ("" for the lines before any header).
func (s *Section) Name() string {
	if s.Header == nil {
		return ""
	}
	return strings.TrimSpace(s.Header.Name)
}

// Keys returns the section's key-value lines, in order.
func (s *Section) Keys() []*Line {
	var out []*Line
	for _, l := range s.Lines {
		if l.Kind == KeyValue {
			out = append(out, l)
		}
	}
	return out
}

// Lookup returns the last key-value line whose trimmed, lower-cased key is
// key (the SDKs lower-case keys), or nil.
func (s *Section) Lookup(key string) *Line {
	var found *Line
	for _, l := range s.Lines {
		if l.Kind == KeyValue && strings.EqualFold(strings.TrimSpace(l.Key), key) {
			found = l
		}
	}
	return found
}

// File is a parsed INI file.
type File struct {
	Path     string
	Data     []byte     // the bytes as read
	BOM      bool       // starts with a UTF-8 byte-order mark
	Lines    []*Line    // every line, in order
	Sections []*Section // Sections[0] holds the lines before any header
}

// ParseError is an error reading a file at a position.
type ParseError struct {
	Path string
	Line int
	Err  error
}

func (e *ParseError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %v", e.Path, e.Line, e.Err)
	}
	return fmt.Sprintf("%s: %v", e.Path, e.Err)
}

func (e *ParseError) Unwrap() error { return e.Err }

// MaxFileSize bounds what ReadFile accepts: credentials files are tiny, and a
// huge one is a mistake (or not a credentials file at all).
const MaxFileSize = 4 << 20

// ReadFile reads and parses the file at path.
func ReadFile(path string) (*File, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if st.IsDir() {
		return nil, &ParseError{Path: path, Err: fmt.Errorf("is a directory, not a file")}
	}
	if !st.Mode().IsRegular() {
		// A FIFO or device would block the read or never end.
		return nil, &ParseError{Path: path, Err: fmt.Errorf("is not a regular file (%v)", st.Mode().Type())}
	}
	if st.Size() > MaxFileSize {
		return nil, &ParseError{Path: path, Err: fmt.Errorf("is %d bytes, larger than any credentials file (limit %d)", st.Size(), MaxFileSize)}
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return Parse(path, data), nil
}

var bom = []byte{0xEF, 0xBB, 0xBF}

// Parse parses data lexically. It never fails: every line is classified,
// and what the SDKs would reject is left for the linter to report.
func Parse(path string, data []byte) *File {
	f := &File{Path: path, Data: data}
	rest := data
	off := 0
	if bytes.HasPrefix(rest, bom) {
		f.BOM = true
		rest = rest[len(bom):]
		off = len(bom)
	}
	cur := &Section{}
	f.Sections = append(f.Sections, cur)
	// Python's configparser (botocore) makes an indented line part of the
	// previous value when the section has a key so far and the line is
	// indented deeper than the last header or key line; blank lines and
	// comments change neither. The same rules are followed here.
	var (
		inSection   bool
		hasKey      bool
		indentLevel int
	)
	for n := 1; len(rest) > 0; n++ {
		raw, eol := rest, ""
		if i := bytes.IndexByte(rest, '\n'); i >= 0 {
			raw, eol = rest[:i], "\n"
			if i > 0 && rest[i-1] == '\r' {
				raw, eol = rest[:i-1], "\r\n"
			}
		}
		l := &Line{Num: n, Raw: string(raw), EOL: eol, Offset: off}
		classify(l, inSection && hasKey)
		if l.Kind == Continuation && indentWidth(l) <= indentLevel {
			classify(l, false)
		}
		switch l.Kind {
		case Header:
			inSection, hasKey, indentLevel = true, false, indentWidth(l)
		case KeyValue:
			hasKey = hasKey || inSection
			indentLevel = indentWidth(l)
		case Invalid:
			indentLevel = indentWidth(l)
		}
		consumed := len(raw) + len(eol)
		rest = rest[consumed:]
		off += consumed
		f.Lines = append(f.Lines, l)
		if l.Kind == Header {
			cur = &Section{Header: l}
			f.Sections = append(f.Sections, cur)
			continue
		}
		cur.Lines = append(cur.Lines, l)
	}
	return f
}

// isSpace is whitespace as Python's str.strip and re's \s see it (what
// configparser uses for blank lines, indentation and trimming): Unicode
// white space plus the separators U+001C..U+001F. The Go SDK trims with
// unicode.IsSpace too but indents only with ' ' and '\t'.
func isSpace(r rune) bool { return unicode.IsSpace(r) || r >= 0x1c && r <= 0x1f }

// indentWidth is the indentation in characters, as configparser counts it.
func indentWidth(l *Line) int { return utf8.RuneCountInString(l.Indent) }

// classify sets l's kind and fields. afterKey says an indented line may be
// a continuation (the caller then checks the indentation levels).
func classify(l *Line, afterKey bool) {
	s := l.Raw
	trimmed := strings.TrimLeftFunc(s, isSpace)
	l.Indent = s[:len(s)-len(trimmed)]
	switch {
	case trimmed == "":
		l.Kind = Blank
	case trimmed[0] == '#' || trimmed[0] == ';':
		l.Kind = Comment
	case l.Indent != "" && afterKey:
		// Python's configparser (botocore) reads an indented line after a
		// value as part of that value; the SDKs use this for nested
		// settings such as "s3 =\n  max_concurrent_requests = 10".
		l.Kind = Continuation
	case trimmed[0] == '[':
		l.Kind = Header
		body := trimmed[1:]
		// The header ends at the last ']', as for botocore (whose pattern
		// is greedy) and the Go SDK (which wants the line to end in ']').
		if i := strings.LastIndexByte(body, ']'); i >= 0 {
			l.Name, l.Closed, l.Trailer = body[:i], true, body[i+1:]
		} else {
			l.Name = body
		}
	default:
		i := strings.IndexAny(trimmed, "=:")
		if i < 0 {
			l.Kind = Invalid
			return
		}
		l.Kind = KeyValue
		l.Key = trimmed[:i]
		l.Delim = trimmed[i]
		after := trimmed[i+1:]
		v := strings.TrimLeftFunc(after, isSpace)
		l.ValueCol = len(l.Indent) + i + 1 + (len(after) - len(v)) + 1
		l.Value = strings.TrimRightFunc(v, isSpace)
	}
}

// Section returns the last section whose trimmed header name is name, or nil.
func (f *File) Section(name string) *Section {
	var found *Section
	for _, s := range f.Sections[1:] {
		if s.Name() == name {
			found = s
		}
	}
	return found
}
