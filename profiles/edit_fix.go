package profiles

import (
	"fmt"
	"slices"
	"strings"
)

// Fixed is one change made by Fix: the diagnostic it answers and what was
// done, in words (never a secret).
type Fixed struct {
	Diagnostic Diagnostic
	Change     string
}

// Fix applies to f the mechanical fixes for those diagnostics in ds that
// concern f and that can be fixed without a human decision: the byte-order
// mark, quotes and inline comments around values, ':' for '=', spaces inside header
// brackets, [profile x] in the credentials file and [x] in the config file,
// upper-case and indented keys, swapped key ID and secret, a stale session
// token, a lone carriage return (made the line break botocore reads), a
// header missing only its ']'. Everything else in the file keeps its bytes. It returns the editor
// (unchanged when nothing applied) and what it did.
//
// kind says which of the two files f is. File permissions are not content:
// see FixMode.
func Fix(f *File, kind FileKind, ds []Diagnostic) (*Editor, []Fixed) {
	e := NewEditor(f)
	var done []Fixed
	byLine := map[int][]Diagnostic{}
	for _, d := range ds {
		if d.File != f.Path || !d.Fixable {
			continue
		}
		if d.Rule == RuleBOM {
			if f.BOM {
				e.DropBOM()
				done = append(done, Fixed{d, "removed the UTF-8 byte-order mark"})
			}
			continue
		}
		if d.Line >= 1 && d.Line <= len(f.Lines) {
			byLine[d.Line] = append(byLine[d.Line], d)
		}
	}
	sections := map[string]bool{} // header names as written, to avoid making duplicates
	for _, s := range f.Sections[1:] {
		sections[s.Name()] = true
	}
	touched := map[*Line]bool{}   // lines a fix of another line changed: next round
	processed := map[*Line]bool{} // lines fixed this round
	for n := 1; n <= len(f.Lines); n++ {
		ds := byLine[n]
		l := f.Lines[n-1]
		if len(ds) == 0 || touched[l] {
			continue
		}
		processed[l] = true
		if i := slices.IndexFunc(ds, func(d Diagnostic) bool { return d.Rule == RuleStrayCR }); i >= 0 {
			// botocore (Python's universal newlines) ends a line at a lone
			// carriage return; the Go SDK does not. Make it a real line
			// break, as botocore reads it, so both agree; other fixes to
			// these lines come in the next round.
			pieces := strings.Split(l.Raw, "\r")
			for len(pieces) > 1 && strings.TrimSpace(pieces[len(pieces)-1]) == "" {
				pieces = pieces[:len(pieces)-1]
			}
			e.Replace(l, pieces[0])
			e.InsertAfter(l, pieces[1:]...)
			change := "removed the carriage return at the end of the line"
			if len(pieces) > 1 {
				change = "made the carriage return inside the line a line break, as botocore reads it"
			}
			done = append(done, Fixed{ds[i], change})
			continue
		}
		switch l.Kind {
		case Header:
			done = append(done, fixHeader(e, l, kind, ds, sections)...)
		case KeyValue:
			done = append(done, fixKeyLine(e, f, l, ds, touched, processed)...)
		}
	}
	return e, done
}

func fixHeader(e *Editor, l *Line, kind FileKind, ds []Diagnostic, sections map[string]bool) []Fixed {
	name := strings.TrimSpace(l.Name)
	trailer := l.Trailer
	var done []Fixed
	var why []Diagnostic
	for _, d := range ds {
		switch d.Rule {
		case RuleHeaderSpaces:
			why = append(why, d)
		case RuleUnclosedHeader:
			// Close it only when what is there is plainly a profile name;
			// anything else (a pasted value, a typo) needs the user.
			bare, _ := strings.CutPrefix(name, "profile ")
			if strings.ContainsAny(l.Name, "=:#;[]") || CheckProfileName(strings.TrimSpace(bare)) != nil {
				continue
			}
			trailer = ""
			why = append(why, d)
		case RuleProfilePrefixInCredentials:
			if kind != CredentialsFile {
				continue
			}
			bare := strings.TrimSpace(strings.TrimPrefix(name, "profile"))
			if sections[bare] {
				continue // [x] exists too: which one is meant is the user's call
			}
			name = bare
			why = append(why, d)
		case RuleMissingProfilePrefix:
			if kind != ConfigFile || sections["profile "+name] {
				continue
			}
			name = "profile " + name
			why = append(why, d)
		}
	}
	if len(why) == 0 {
		return nil
	}
	if name != strings.TrimSpace(l.Name) && sections[name] {
		return nil
	}
	raw := l.Indent + "[" + name + "]" + trailer
	e.Replace(l, raw)
	for _, d := range why {
		done = append(done, Fixed{d, fmt.Sprintf("wrote the header as %s", "["+name+"]")})
	}
	sections[name] = true
	return done
}

func fixKeyLine(e *Editor, f *File, l *Line, ds []Diagnostic, touched, processed map[*Line]bool) []Fixed {
	indent, key, value := l.Indent, l.Key, l.Value
	// between is what separates the key from the value as written ("= ", " : ").
	between := l.Raw[len(l.Indent)+len(l.Key) : l.ValueCol-1]
	if l.Value == "" {
		between = l.Raw[len(l.Indent)+len(l.Key):]
	}
	nk := lowerKey(strings.TrimSpace(key))
	var done []Fixed
	var comment string
	for _, d := range ds {
		switch d.Rule {
		case RuleInlineComment:
			if c := inlineComment(value); c >= 0 {
				comment = strings.TrimSpace(value[c:])
				value = strings.TrimRight(value[:c], " \t")
				done = append(done, Fixed{d, "moved the comment after the value of " + nk + " to the line above"})
			}
		case RuleUppercaseKey:
			if sec := sectionOf(f, l); sec != nil && countKey(sec, nk) == 1 {
				key = lowerKey(key)
				done = append(done, Fixed{d, "wrote the key as " + nk})
			}
		case RuleColonDelimiter:
			if l.Delim == ':' {
				key = strings.TrimRight(key, " \t")
				between = " = "
				done = append(done, Fixed{d, "wrote " + nk + " with '=' instead of ':'"})
			}
		case RuleIndentedKey:
			indent = ""
			done = append(done, Fixed{d, "removed the indentation of " + nk})
		case RuleStaleSessionToken:
			e.Delete(l)
			if sec := sectionOf(f, l); sec != nil {
				for _, c := range continuationsOf(sec, l) {
					e.Delete(c)
				}
			}
			return []Fixed{{d, "deleted the stale aws_session_token"}}
		case RuleSwappedKeys:
			sec := sectionOf(f, l)
			if sec == nil {
				continue
			}
			other := sec.Lookup("aws_secret_access_key")
			if nk != "aws_access_key_id" || other == nil || countKey(sec, "aws_secret_access_key") != 1 {
				continue // the two lines are not side by side in one section
			}
			idVal, secVal := cleanValue(l.Value), cleanValue(other.Value)
			if touched[other] || other.Num < l.Num && processed[other] {
				// Its line came first and had its own fixes this round:
				// swap in the next round.
				continue
			}
			e.Replace(other, other.Indent+"aws_secret_access_key = "+idVal)
			touched[other] = true
			value = secVal
			done = append(done, Fixed{d, "swapped the values of aws_access_key_id and aws_secret_access_key"})
		}
	}
	// Quotes are checked after the comment is cut, as the linter does.
	for _, d := range ds {
		if d.Rule == RuleQuotedValue && isQuoted(value) {
			value = value[1 : len(value)-1]
			done = append(done, Fixed{d, "removed the quotes around the value of " + nk})
		}
	}
	if len(done) == 0 {
		return nil
	}
	raw := indent + key + between + value
	if value == "" {
		raw = indent + key + strings.TrimRight(between, " \t")
	}
	e.Replace(l, raw)
	if comment != "" {
		e.InsertBefore(l, indent+comment)
	}
	return done
}

// FixAll applies Fix in rounds until nothing more is fixable (a fix can
// reveal a problem the linter could not see before, such as the header a
// byte-order mark hid), at most a few times. lint lints a version of f. It
// returns the final content (nil when nothing changed) and every fix made.
func FixAll(f *File, kind FileKind, lint func(*File) []Diagnostic) ([]byte, []Fixed) {
	var all []Fixed
	cur := f
	for range 5 {
		e, done := Fix(cur, kind, lint(cur))
		if len(done) == 0 || !e.Changed() {
			break
		}
		all = append(all, done...)
		cur = Parse(f.Path, e.Bytes())
	}
	if len(all) == 0 {
		return nil, nil
	}
	return cur.Data, all
}

// sectionOf returns the section that holds line l.
func sectionOf(f *File, l *Line) *Section {
	for _, s := range f.Sections {
		for _, m := range s.Lines {
			if m == l {
				return s
			}
		}
	}
	return nil
}

func countKey(s *Section, nk string) int {
	n := 0
	for _, l := range s.Keys() {
		if strings.EqualFold(strings.TrimSpace(l.Key), nk) {
			n++
		}
	}
	return n
}

// continuationsOf returns the continuation lines of the value at l.
func continuationsOf(s *Section, l *Line) []*Line {
	var out []*Line
	after := false
	for _, m := range s.Lines {
		switch {
		case m == l:
			after = true
		case !after:
		case m.Kind == Continuation:
			out = append(out, m)
		case m.Kind == KeyValue || m.Kind == Invalid:
			return out
		}
	}
	return out
}
