package scan_test

import (
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"testing"
	"unicode/utf16"

	"github.com/credguard/credguard/internal/gittest"
	"github.com/credguard/credguard/scan"
	"github.com/credguard/credguard/scan/history"
)

// TestHistoryFindsWhatDetectorFinds checks that the history scan's
// prefilter lets through everything the detector reports: every corpus file
// is committed three times (credentials blanked out, planted, then edited),
// and again UTF-16 encoded,
// as loose objects and again after an aggressive repack (so that versions
// are pack deltas of each other), and history.Scan must report every
// fingerprint the detector finds in any version.
func TestHistoryFindsWhatDetectorFinds(t *testing.T) {
	root := filepath.Join("testdata", "corpus")
	type file struct {
		name     string
		versions [][]byte
	}
	var files []file
	var known []string
	// versions plants fresh credentials in a template and returns its three
	// versions, encoded by enc.
	versions := func(tmpl []byte, enc func([]byte) []byte) [][]byte {
		content, spans, k := scan.Planted(t, string(tmpl))
		known = append(known, k...)
		blank := bytes.Clone(content)
		for _, s := range spans {
			copy(blank[s[0]:s[1]], bytes.Repeat([]byte{'x'}, s[1]-s[0]))
		}
		edited := append(bytes.Clone(content), "\nedited\n"...)
		return [][]byte{enc(blank), enc(content), enc(edited)}
	}
	same := func(b []byte) []byte { return b }
	n := 0
	err := filepath.WalkDir(root, func(path string, e fs.DirEntry, err error) error {
		if err != nil || e.IsDir() {
			return err
		}
		tmpl, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		name := filepath.ToSlash(path[len(root)+1:])
		files = append(files, file{name, versions(tmpl, same)})
		// PowerShell's '>' writes UTF-16 with a byte-order mark; the
		// detector reads such files, so the history scan must let them
		// through too, in both byte orders. (Fresh credentials: the scan
		// reports a value once, wherever it first appears.)
		if n++; n <= 8 {
			for _, be := range []bool{false, true} {
				enc := func(b []byte) []byte { return utf16Text(b, be) }
				files = append(files, file{fmt.Sprintf("utf16-%v/%s", be, name), versions(tmpl, enc)})
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	det := scan.New(scan.Options{KnownSecrets: known})
	want := map[string]string{} // fingerprint -> a file that has it
	for _, f := range files {
		for _, v := range f.versions {
			for _, fd := range det.Scan(f.name, v) {
				want[fd.Fingerprint] = f.name
			}
		}
	}
	if len(want) < 50 {
		t.Fatalf("only %d distinct findings in the corpus; the test needs the corpus", len(want))
	}

	repo := gittest.New(t)
	for v := 0; v < 3; v++ {
		for _, f := range files {
			repo.Write(f.name, string(f.versions[v]))
		}
		repo.Commit("version")
	}
	check := func(stage string) {
		res, err := history.Scan(context.Background(), repo.Dir, det, history.Options{All: true, KnownSecrets: known})
		if err != nil {
			t.Fatalf("%s: %v", stage, err)
		}
		got := map[string]bool{}
		for _, fd := range res.Findings {
			got[fd.Fingerprint] = true
		}
		var missed []string
		for fp, name := range want {
			if !got[fp] {
				missed = append(missed, name+" "+fp)
			}
		}
		sort.Strings(missed)
		for _, m := range missed {
			t.Errorf("%s: history scan missed %s", stage, m)
		}
		t.Logf("%s: %d of %d findings", stage, len(want)-len(missed), len(want))
	}
	check("loose objects")
	repo.Git("repack", "-adf", "--window=250", "--depth=50")
	check("packed with deltas")
}

// utf16Text encodes b (read as UTF-8) as UTF-16 with a byte-order mark.
func utf16Text(b []byte, bigEndian bool) []byte {
	out := []byte{0xFF, 0xFE}
	if bigEndian {
		out = []byte{0xFE, 0xFF}
	}
	for _, u := range utf16.Encode([]rune(string(b))) {
		if bigEndian {
			out = append(out, byte(u>>8), byte(u))
		} else {
			out = append(out, byte(u), byte(u>>8))
		}
	}
	return out
}
