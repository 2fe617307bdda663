package staged

import (
	"bytes"
	"errors"
	"io"
	"slices"

	"github.com/credguard/credguard/scan"
)

// streamOverlap is how much of each window is scanned again at the start
// of the next, so a credential and the context around it (a key name a few
// lines up, a key ID next to its secret) are seen whole in one window.
const streamOverlap = 64 << 10

// scanStream runs the detector over r in windows of about window bytes,
// for blobs too large to hold whole. Windows end at a line end where one
// is near, and each starts streamOverlap bytes (realigned to a line start)
// before the previous one ended. Findings get their position in the whole
// blob; those seen twice in an overlap are reported once.
func scanStream(d *scan.Detector, path string, r io.Reader, window int) ([]scan.Finding, error) {
	window = max(window, 2*streamOverlap)
	buf := make([]byte, 0, window)
	var (
		out  []scan.Finding
		seen = map[[2]int64]bool{} // rule index and absolute offset, for overlaps
		base int64                 // absolute offset of buf[0]
		line = 1                   // line number at buf[0]
		col  = 0                   // bytes between the line start and buf[0]
		eof  bool
	)
	rules := map[string]int64{}
	for {
		for !eof && len(buf) < window {
			n, err := r.Read(buf[len(buf):window])
			buf = buf[:len(buf)+n]
			if errors.Is(err, io.EOF) {
				eof = true
			} else if err != nil {
				return nil, err
			}
		}
		cut := len(buf)
		if !eof {
			if nl := bytes.LastIndexByte(buf[window/2:], '\n'); nl >= 0 {
				cut = window/2 + nl + 1
			}
		}
		chunk := buf[:cut]
		found := d.Scan(path, chunk)
		for _, f := range found {
			abs := base + int64(f.Offset)
			id, ok := rules[f.Rule]
			if !ok {
				id = int64(len(rules))
				rules[f.Rule] = id
			}
			if seen[[2]int64{id, abs}] {
				continue
			}
			seen[[2]int64{id, abs}] = true
			if f.Line == 1 {
				f.Column += col
			}
			f.Line += line - 1
			f.Offset = int(abs)
			out = append(out, f)
		}
		if eof && cut == len(buf) {
			break
		}
		// Keep the overlap, starting at a line start when there is one.
		keep := max(0, cut-streamOverlap)
		if nl := bytes.IndexByte(chunk[keep:], '\n'); nl >= 0 && keep+nl+1 < cut {
			keep += nl + 1
		}
		dropped := buf[:keep]
		line += bytes.Count(dropped, []byte{'\n'})
		if nl := bytes.LastIndexByte(dropped, '\n'); nl >= 0 {
			col = len(dropped) - nl - 1
		} else {
			col += len(dropped)
		}
		base += int64(keep)
		buf = buf[:copy(buf, buf[keep:])]
	}
	slices.SortStableFunc(out, func(a, b scan.Finding) int { return a.Offset - b.Offset })
	return out, nil
}
