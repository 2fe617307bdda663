package history

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"testing"

	"github.com/go-git/go-git/v5/plumbing"

	"github.com/credguard/credguard/internal/awskey"
)

func kinds(spans []span) flags {
	var f flags
	for _, s := range spans {
		f |= s.kind
	}
	return f
}

func TestSpans(t *testing.T) {
	pf := newPrefilter([]string{"my-own-known-secret-value"})
	secret, token := awskey.FakeSecret(), awskey.FakeSessionToken()
	filler := strings.Repeat("lorem ipsum dolor sit amet\n", 40) // > labelWindow
	for _, tc := range []struct {
		name, content string
		want          flags
	}{
		{"key ID", "id = " + awskey.FakeID("AKIA", -1), flagKey},
		{"temporary key ID in a word", "x" + awskey.FakeID("ASIA", -1) + "x", flagKey},
		{"known secret", "pw: my-own-known-secret-value", flagKey},
		{"labelled secret", "aws_secret_access_key = " + secret, flagValue},
		{"capitalised label", `{"SecretAccessKey": "` + secret + `"}`, flagValue},
		{"label on the line above", "SECRET:\n  " + secret + "\n", flagValue},
		{"bare secret", filler + secret + "\n" + filler, flagBare},
		{"session token", "aws_session_token=" + token, flagKey | flagValue}, // IQoJb3JpZ2lu
		{"url-encoded token", "X-Amz-Security-Token=" + strings.ReplaceAll(token[20:], "/", "%2F"), flagValue},
		{"secret after =", filler + "value=" + secret + "\n", flagBare},
		{"41 characters", "secret = " + secret + "A", 0},
		{"hex", "secret = " + strings.Repeat("0123456789abcdef", 3)[:40], 0},
		{"identifier", "token: " + strings.Repeat("Abc", 13) + "x", 0}, // no digit
		{"short", "secret = Abc123", 0},
	} {
		got := kinds(pf.spans([]byte(tc.content), 0, false, false, true, nil))
		if got != tc.want {
			t.Errorf("%s: flags %b, want %b", tc.name, got, tc.want)
		}
	}
}

// TestSampledRuns checks the sampling scan against a byte-by-byte one.
func TestSampledRuns(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	pieces := []string{" ", "\n", "=", "%2F", "abc", "ABC", "123", "+/", awskey.FakeSecret(), awskey.FakeSessionToken()[:120],
		strings.Repeat("x", 39), "Ab1Cd2Ef3Gh4Ij5Kl6Mn7Op8Qr9St0Uv1Wx2Yz3a"}
	for i := 0; i < 2000; i++ {
		var b strings.Builder
		for j := r.IntN(40); j > 0; j-- {
			b.WriteString(pieces[r.IntN(len(pieces))])
		}
		s := []byte(b.String())
		var want, got [][2]int
		naive(s, func(a, z int) { want = append(want, [2]int{a, z}) })
		sampledRuns(s, func(a, z int) bool { got = append(got, [2]int{a, z}); return true })
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("%q: sampled %v, naive %v", s, got, want)
		}
	}
}

func naive(b []byte, fn func(a, z int)) {
	start := 0
	var mix uint8
	for i := 0; i <= len(b); i++ {
		if i < len(b) && class[b[i]] != 0 {
			mix |= class[b[i]]
			continue
		}
		if isValue(b[start:i], mix, false) {
			fn(start, i)
		}
		start, mix = i+1, 0
	}
}

// TestPrefilterSoundThroughDeltas builds a history of random edits that add,
// move and remove key IDs, secrets, labels and tokens, packs it with deep
// delta chains, and checks that every blob whose whole content would be a
// candidate is one after the pack pass: following spans through deltas may
// only over-approximate.
func TestPrefilterSoundThroughDeltas(t *testing.T) {
	r := newRepo(t)
	rng := rand.New(rand.NewPCG(3, 4))
	var lines []string
	for i := 0; i < 400; i++ {
		lines = append(lines, fmt.Sprintf("line %d of the settings file, nothing here", i))
	}
	things := func() string {
		switch rng.IntN(9) {
		case 0:
			return "id = " + awskey.FakeID("AKIA", -1)
		case 1:
			return "aws_secret_access_key = " + awskey.FakeSecret()
		case 2:
			return "value: " + awskey.FakeSecret() // bare, unless a label comes near
		case 3:
			return "# the secret goes here"
		case 4:
			return "Token"
		case 5:
			return "x" + awskey.FakeSessionToken()[16:200]
		case 6:
			return "EXAMPLE " + awskey.FakeSecret()[:20] + awskey.FakeSecret()[:20]
		default:
			return fmt.Sprintf("edited %d", rng.IntN(1000))
		}
	}
	filler := func(n int) string {
		var b strings.Builder
		for i := 0; i < n; i++ {
			fmt.Fprintf(&b, "filler line %d\n", i)
		}
		return b.String()
	}
	bare := awskey.FakeSecret()
	for v := 0; v < 60; v++ {
		for k := rng.IntN(4) + 1; k > 0; k-- {
			i := rng.IntN(len(lines))
			switch rng.IntN(4) {
			case 0:
				lines = append(lines[:i], append([]string{things()}, lines[i:]...)...)
			case 1:
				lines = append(lines[:i], lines[i+1:]...)
			case 2:
				lines[i] = things()
			default:
				lines[i] = lines[i] + " " + things()
			}
		}
		r.write("settings.txt", strings.Join(lines, "\n")+"\n")
		// A bare value that gains a label nearby, then loses it: git
		// stores the newest version whole and the labelled one as a delta
		// that inserts the label next to a copied bare value.
		// (git prefers the larger blob as the base: the bare one is.)
		pair := []string{fmt.Sprintf("version %d", v), filler(200), "value = " + bare, filler(200)}
		switch v % 3 {
		case 1:
			pair[2] = "aws_secret_access_key\n" + pair[2]
		case 2:
			pair[2] = "Token " + pair[2]
		default:
			pair = append(pair, filler(100))
		}
		r.write("pair.txt", strings.Join(pair, "\n"))
		r.commit(fmt.Sprintf("v%d", v))
	}
	r.git("repack", "-adf", "-q", "--depth=100", "--window=250")
	pf := newPrefilter(nil)
	inv, err := objectPass(context.Background(), filepath.Join(r.dir, ".git/objects"), pf, 2, 1<<30)
	if err != nil {
		t.Fatal(err)
	}
	rf, err := newRefiner(pf, inv.data)
	if err != nil {
		t.Fatal(err)
	}
	defer rf.close()
	st, err := newStore(inv, 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	defer st.close()
	deltas, candidates := 0, 0
	for p, d := range inv.data {
		for i := range d.entries {
			e := &d.entries[i]
			if e.typ != objBlob {
				continue
			}
			_, content, err := st.entry(p, i, 0)
			if err != nil {
				t.Fatal(err)
			}
			exact := kinds(pf.spans(content, 0, false, false, true, nil))
			isDelta := e.kind == objOfsDelta || e.kind == objRefDelta
			var got flags
			if isDelta {
				deltas++
				got = e.own | rf.refine(p, i).flags()
			} else {
				got = e.fl
			}
			if exact.candidate() {
				candidates++
				if !got.candidate() || !e.fl.maybe() {
					t.Errorf("blob %s (delta %v): whole content flags %b, pack pass %b (approx %b): missed", e.hash, isDelta, exact, got, e.fl)
				}
			}
			if exact&flagKey != 0 && got&flagKey == 0 {
				t.Errorf("blob %s: key lost", e.hash)
			}
		}
	}
	if deltas < 30 || candidates < 20 {
		t.Fatalf("test history too easy: %d deltas, %d candidates", deltas, candidates)
	}
	// The blob reader agrees with git.
	h := r.git("rev-parse", "HEAD:settings.txt")
	_, b, err := st.read(plumbing.NewHash(h))
	if err != nil || !bytes.Equal(b, []byte(r.git("cat-file", "blob", h)+"\n")) {
		t.Errorf("store.read(HEAD:settings.txt) differs from git cat-file (err %v)", err)
	}
}
