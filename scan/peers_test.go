//go:build peers

// This file compares the detector with peer scanners on the corpus. It is
// not part of the ordinary test run (the peers are not installed there); run
// it with bench/compare-detectors.sh or:
//
//	GITLEAKS=/path/to/gitleaks go test -tags peers -run TestComparePeers -v ./scan
package scan

import (
	"encoding/json"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

type peerFinding struct {
	file string
	line int
	text string // what the peer matched
	rule string
}

func TestComparePeers(t *testing.T) {
	gitleaks := os.Getenv("GITLEAKS")
	if gitleaks == "" {
		var err error
		if gitleaks, err = exec.LookPath("gitleaks"); err != nil {
			t.Fatal("set GITLEAKS to a gitleaks binary")
		}
	}
	root := filepath.Join("testdata", "corpus")
	dir := t.TempDir()
	planted := map[string]plantedContent{}
	err := filepath.WalkDir(root, func(path string, e fs.DirEntry, err error) error {
		if err != nil || e.IsDir() {
			return err
		}
		tmpl, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		name := filepath.ToSlash(path[len(root)+1:])
		pc := plant(t, string(tmpl))
		planted[name] = pc
		out := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(out), 0o700); err != nil {
			return err
		}
		return os.WriteFile(out, pc.content, 0o600)
	})
	if err != nil {
		t.Fatal(err)
	}

	// credguard
	start := time.Now()
	var ours []peerFinding
	for name, pc := range planted {
		for _, f := range New(Options{KnownSecrets: pc.known}).Scan(name, pc.content) {
			ours = append(ours, peerFinding{name, f.Line, string(pc.content[f.Offset : f.Offset+f.Length]), f.Rule})
		}
	}
	oursTime := time.Since(start)

	// gitleaks
	report := filepath.Join(t.TempDir(), "gitleaks.json")
	start = time.Now()
	cmd := exec.Command(gitleaks, "dir", dir, "--no-banner", "--exit-code", "0", "-f", "json", "-r", report, "-l", "error")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("gitleaks: %v\n%s", err, out)
	}
	theirsTime := time.Since(start)
	data, err := os.ReadFile(report)
	if err != nil {
		t.Fatal(err)
	}
	var raw []struct {
		File      string
		StartLine int
		Secret    string
		Match     string
		RuleID    string
	}
	if err := json.Unmarshal(data, &raw); err != nil {
		t.Fatal(err)
	}
	var theirs []peerFinding
	for _, r := range raw {
		rel, _ := filepath.Rel(dir, r.File)
		theirs = append(theirs, peerFinding{filepath.ToSlash(rel), r.StartLine, r.Secret, r.RuleID})
	}

	total := 0
	for _, pc := range planted {
		total += len(pc.want)
	}
	for _, peer := range []struct {
		name     string
		findings []peerFinding
		took     time.Duration
	}{{"credguard", ours, oursTime}, {"gitleaks", theirs, theirsTime}} {
		found, extra := score(planted, peer.findings)
		t.Logf("%-10s found %3d of %d planted credentials (%5.1f%%), %3d false alarms, %v",
			peer.name, found, total, 100*float64(found)/float64(total), extra, peer.took.Round(time.Millisecond))
		if peer.name == "gitleaks" && testing.Verbose() {
			for _, m := range missedBy(planted, peer.findings) {
				t.Logf("  gitleaks missed %s", m)
			}
			for _, f := range extras(planted, peer.findings) {
				t.Logf("  gitleaks false alarm %s:%d %s (%d characters)", f.file, f.line, f.rule, len(f.text))
			}
		}
	}
}

// matches reports whether a peer finding is the planted credential w.
func matches(pc plantedContent, name string, w planted, f peerFinding) bool {
	line, _ := position(pc.content, w.off)
	text := string(pc.content[w.off : w.off+w.n])
	return f.line == line && f.text != "" && (strings.Contains(text, f.text) || strings.Contains(f.text, text))
}

func score(planted map[string]plantedContent, fs []peerFinding) (found, extra int) {
	used := make([]bool, len(fs))
	for name, pc := range planted {
		for _, w := range pc.want {
			hit := false
			for i, f := range fs {
				if f.file == name && matches(pc, name, w, f) {
					used[i], hit = true, true
				}
			}
			if hit {
				found++
			}
		}
	}
	for _, u := range used {
		if !u {
			extra++
		}
	}
	return found, extra
}

func missedBy(planted map[string]plantedContent, fs []peerFinding) []string {
	var out []string
	for name, pc := range planted {
		for _, w := range pc.want {
			hit := false
			for _, f := range fs {
				if f.file == name && matches(pc, name, w, f) {
					hit = true
				}
			}
			if !hit {
				line, _ := position(pc.content, w.off)
				out = append(out, name+":"+strconv.Itoa(line)+" "+w.marker)
			}
		}
	}
	return out
}

func extras(planted map[string]plantedContent, fs []peerFinding) []peerFinding {
	var out []peerFinding
	for _, f := range fs {
		pc := planted[f.file]
		hit := false
		for _, w := range pc.want {
			if matches(pc, f.file, w, f) {
				hit = true
			}
		}
		if !hit {
			out = append(out, f)
		}
	}
	return out
}
