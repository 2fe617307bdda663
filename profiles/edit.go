package profiles

import (
	"fmt"
	"slices"
	"strings"

	"github.com/credguard/credguard/internal/awskey"
)

// Editor changes a parsed File line by line and renders the result. Every
// line it is not asked to change keeps its exact bytes, line ending included;
// new lines take the file's own line ending.
//
// An Editor is built for one round of changes: its methods address lines of
// the File it was made from.
type Editor struct {
	f     *File
	eol   string
	bom   bool
	lines []editLine
}

// editLine is one line of the result, or a deleted line of the original
// (kept as a tombstone so Diff can show it).
type editLine struct {
	raw      string
	eol      string
	orig     *Line // nil for an inserted line
	replaces *Line // for a line that replaces an original one
	deleted  bool
}

// NewEditor returns an Editor for f that, until changed, renders f.Data exactly.
func NewEditor(f *File) *Editor {
	e := &Editor{f: f, eol: f.LineEnding(), bom: f.BOM}
	for _, l := range f.Lines {
		e.lines = append(e.lines, editLine{raw: l.Raw, eol: l.EOL, orig: l})
	}
	return e
}

// LineEnding returns the line ending the file uses: that of its first line
// that has one, else "\n".
func (f *File) LineEnding() string {
	for _, l := range f.Lines {
		if l.EOL != "" {
			return l.EOL
		}
	}
	return "\n"
}

// File returns the File the editor was made from.
func (e *Editor) File() *File { return e.f }

// pos returns the position of l's entry (live or deleted) and the position
// just past its replacement, if any.
func (e *Editor) pos(l *Line) (at, after int) {
	for i := range e.lines {
		if e.lines[i].orig == l {
			j := i + 1
			for j < len(e.lines) && e.lines[j].replaces == l {
				j++
			}
			return i, j
		}
	}
	panic(fmt.Sprintf("profiles: line %d is not in this editor", l.Num))
}

func (e *Editor) newLines(raws []string) []editLine {
	out := make([]editLine, len(raws))
	for i, r := range raws {
		out[i] = editLine{raw: r, eol: e.eol}
	}
	return out
}

// insertAt inserts raws before position i, giving the line before them a
// line ending if it had none (it was the last line).
func (e *Editor) insertAt(i int, raws []string) {
	if len(raws) == 0 {
		return
	}
	for j := i - 1; j >= 0; j-- {
		if !e.lines[j].deleted {
			if e.lines[j].eol == "" {
				e.lines[j].eol = e.eol
			}
			break
		}
	}
	nl := e.newLines(raws)
	e.lines = append(e.lines[:i], append(nl, e.lines[i:]...)...)
}

// Replace replaces the text of line l with raw, keeping its line ending.
func (e *Editor) Replace(l *Line, raw string) {
	i, j := e.pos(l)
	if j > i+1 {
		e.lines[i+1].raw = raw // replaced before
		return
	}
	if e.lines[i].deleted || e.lines[i].raw == raw {
		return
	}
	e.lines[i].deleted = true
	nl := editLine{raw: raw, eol: e.lines[i].eol, replaces: l}
	e.lines = append(e.lines[:i+1], append([]editLine{nl}, e.lines[i+1:]...)...)
}

// Delete removes line l (and its replacement, if it was replaced).
func (e *Editor) Delete(l *Line) {
	i, j := e.pos(l)
	e.lines[i].deleted = true
	e.lines = append(e.lines[:i+1], e.lines[j:]...)
}

// InsertAfter inserts lines after line l (after its replacement, if it was
// replaced; where it was, if it was deleted); with l nil, at the start of
// the file.
func (e *Editor) InsertAfter(l *Line, raws ...string) {
	if l == nil {
		e.insertAt(0, raws)
		return
	}
	_, j := e.pos(l)
	e.insertAt(j, raws)
}

// InsertBefore inserts lines before line l.
func (e *Editor) InsertBefore(l *Line, raws ...string) {
	at, _ := e.pos(l)
	e.lines = append(e.lines[:at], append(e.newLines(raws), e.lines[at:]...)...)
}

// Append adds lines at the end of the file.
func (e *Editor) Append(raws ...string) { e.insertAt(len(e.lines), raws) }

// DropBOM removes a leading UTF-8 byte-order mark.
func (e *Editor) DropBOM() { e.bom = false }

// Bytes renders the edited file.
func (e *Editor) Bytes() []byte {
	var b strings.Builder
	if e.bom {
		b.Write(bom)
	}
	for _, l := range e.lines {
		if !l.deleted {
			b.WriteString(l.raw)
			b.WriteString(l.eol)
		}
	}
	return []byte(b.String())
}

// Changed reports whether the rendered file differs from the original bytes.
func (e *Editor) Changed() bool { return string(e.Bytes()) != string(e.f.Data) }

// MaskLine returns raw with the value of a secret key (secret access key,
// session token) redacted, and key IDs shortened, so that a line can be
// shown on a terminal or in a log.
func MaskLine(raw string) string {
	l := &Line{Raw: raw}
	classify(l, false)
	if l.Kind != KeyValue || l.Value == "" {
		return raw
	}
	switch strings.ToLower(strings.TrimSpace(l.Key)) {
	case "aws_secret_access_key", "aws_session_token", "aws_security_token", "aws_access_key_id":
		start := l.ValueCol - 1
		return raw[:start] + awskey.Redact(l.Value) + raw[start+len(l.Value):]
	}
	return raw
}

// Diff returns a unified-style diff of the edit with secret values masked
// (MaskLine), or "" when nothing changed. name labels the file.
func (e *Editor) Diff(name string) string {
	if !e.Changed() {
		return ""
	}
	var ops []diffOp
	bomGone := e.f.BOM && !e.bom
	for _, l := range e.lines {
		switch {
		case l.orig != nil && l.orig.Num == 1 && bomGone:
			// Show the byte-order mark's removal as a change of line 1.
			ops = append(ops, diffOp{'-', "<BOM>" + MaskLine(l.raw)})
			if !l.deleted {
				ops = append(ops, diffOp{'+', MaskLine(l.raw)})
			}
		case l.orig != nil && l.deleted:
			ops = append(ops, diffOp{'-', MaskLine(l.raw)})
		case l.orig != nil:
			ops = append(ops, diffOp{' ', MaskLine(l.raw)})
		default:
			ops = append(ops, diffOp{'+', MaskLine(l.raw)})
		}
	}
	return renderDiff(name, ops)
}

// diffOp is one line of a diff: kept (' '), removed ('-') or added ('+').
type diffOp struct {
	kind byte
	text string
}

// DiffFiles returns a unified-style diff from a to b, secret values masked
// (MaskLine), or "" when they are the same. It compares lines with their
// line endings; a changed byte-order mark shows as a change of line 1.
func DiffFiles(a, b *File) string {
	if string(a.Data) == string(b.Data) {
		return ""
	}
	key := func(f *File, i int) string {
		s := f.Lines[i].Raw + f.Lines[i].EOL
		if i == 0 && f.BOM {
			s = "<BOM>" + s
		}
		return s
	}
	text := func(f *File, i int) string {
		if i == 0 && f.BOM {
			return "<BOM>" + MaskLine(f.Lines[i].Raw)
		}
		return MaskLine(f.Lines[i].Raw)
	}
	n, m := len(a.Lines), len(b.Lines)
	var ops []diffOp
	if n*m > 4_000_000 {
		// Too large to align cheaply: show it as replaced.
		for i := range n {
			ops = append(ops, diffOp{'-', text(a, i)})
		}
		for j := range m {
			ops = append(ops, diffOp{'+', text(b, j)})
		}
		return renderDiff(a.Path, ops)
	}
	// Longest common subsequence of lines, from the end.
	lcs := make([][]int32, n+1)
	for i := range lcs {
		lcs[i] = make([]int32, m+1)
	}
	for i := n - 1; i >= 0; i-- {
		for j := m - 1; j >= 0; j-- {
			if key(a, i) == key(b, j) {
				lcs[i][j] = lcs[i+1][j+1] + 1
			} else {
				lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
			}
		}
	}
	i, j := 0, 0
	for i < n || j < m {
		switch {
		case i < n && j < m && key(a, i) == key(b, j):
			ops = append(ops, diffOp{' ', text(a, i)})
			i++
			j++
		case j < m && (i == n || lcs[i][j+1] > lcs[i+1][j]):
			ops = append(ops, diffOp{'+', text(b, j)})
			j++
		default:
			ops = append(ops, diffOp{'-', text(a, i)})
			i++
		}
	}
	return renderDiff(a.Path, ops)
}

func renderDiff(name string, ops []diffOp) string {
	// Within each run of changes show the removed lines first, as diff does.
	for i := 0; i < len(ops); {
		if ops[i].kind == ' ' {
			i++
			continue
		}
		j := i
		for j < len(ops) && ops[j].kind != ' ' {
			j++
		}
		slices.SortStableFunc(ops[i:j], func(a, b diffOp) int { return int(b.kind) - int(a.kind) }) // '-' (45) before '+' (43)
		i = j
	}
	var b strings.Builder
	fmt.Fprintf(&b, "--- %s\n+++ %s\n", name, name)
	const ctx = 3
	oldN, newN := 1, 1 // line numbers at ops[i]
	for i := 0; i < len(ops); {
		if ops[i].kind == ' ' {
			i++
			oldN++
			newN++
			continue
		}
		// A hunk: back up ctx lines of context, then run until ctx*2+1
		// unchanged lines in a row (or the end).
		start := i
		for k := 0; k < ctx && start > 0 && ops[start-1].kind == ' '; k++ {
			start--
		}
		end := i
		for end < len(ops) {
			if ops[end].kind != ' ' {
				end++
				continue
			}
			run := 0
			for end+run < len(ops) && ops[end+run].kind == ' ' {
				run++
			}
			if end+run == len(ops) || run > 2*ctx {
				end += min(run, ctx)
				break
			}
			end += run
		}
		back := i - start
		os0, ns0 := oldN-back, newN-back
		var oc, nc int
		for _, o := range ops[start:end] {
			if o.kind != '+' {
				oc++
			}
			if o.kind != '-' {
				nc++
			}
		}
		fmt.Fprintf(&b, "@@ -%s +%s @@\n", hunkRange(os0, oc), hunkRange(ns0, nc))
		for _, o := range ops[start:end] {
			b.WriteByte(o.kind)
			b.WriteString(o.text)
			b.WriteByte('\n')
		}
		for _, o := range ops[i:end] {
			if o.kind != '+' {
				oldN++
			}
			if o.kind != '-' {
				newN++
			}
		}
		i = end
	}
	return b.String()
}

func hunkRange(start, n int) string {
	if n == 0 {
		return fmt.Sprintf("%d,0", start-1)
	}
	if n == 1 {
		return fmt.Sprint(start)
	}
	return fmt.Sprintf("%d,%d", start, n)
}
