package scan

import (
	"io/fs"
	"os"
	"path/filepath"
	"testing"
)

// TestCorpus scans testdata/corpus: realistic files of many kinds, with
// credentials planted as markers (see plant_test.go) and decoys that peer
// scanners report. Every planted credential must be found by its rule at its
// line and column, and nothing else may be reported. It runs a few rounds,
// since every round draws fresh keys.
func TestCorpus(t *testing.T) {
	root := filepath.Join("testdata", "corpus")
	var files []string
	err := filepath.WalkDir(root, func(path string, e fs.DirEntry, err error) error {
		if err == nil && !e.IsDir() {
			files = append(files, path)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(files) < 40 {
		t.Fatalf("corpus has %d files, want 40 or more", len(files))
	}
	rounds := 5
	if testing.Short() {
		rounds = 1
	}
	var planted, missed, extra, clean int
	for round := 0; round < rounds; round++ {
		for _, path := range files {
			tmpl, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			name := filepath.ToSlash(path[len(root)+1:])
			pc := plant(t, string(tmpl))
			d := New(Options{KnownSecrets: pc.known})
			got := d.Scan(name, pc.content)
			m, x := checkFindings(t, name, pc, got)
			planted += len(pc.want)
			missed += m
			extra += x
			if len(pc.want) == 0 && round == 0 {
				clean++
			}
			if len(pc.want) > 0 && !d.MayContain(pc.content) {
				t.Errorf("%s: MayContain = false", name)
			}
		}
	}
	t.Logf("corpus: %d files (%d without credentials), %d rounds: %d planted credentials, %d missed, %d false alarms",
		len(files), clean, rounds, planted, missed, extra)
}
