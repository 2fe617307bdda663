package hooks

import (
	"context"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestParsePush(t *testing.T) {
	a := strings.Repeat("a", 40)
	z := strings.Repeat("0", 40)
	s256 := strings.Repeat("b", 64)
	tests := []struct {
		in      string
		want    []PushUpdate
		wantErr bool
	}{
		{"", nil, false},
		{"\n\n", nil, false},
		{"refs/heads/main " + a + " refs/heads/main " + z + "\n",
			[]PushUpdate{{"refs/heads/main", a, "refs/heads/main", z}}, false},
		{"(delete) " + z + " refs/heads/old " + a + "\r\nHEAD " + s256 + " refs/heads/x " + z,
			[]PushUpdate{{"(delete)", z, "refs/heads/old", a}, {"HEAD", s256, "refs/heads/x", z}}, false},
		{"refs/heads/main " + a + " refs/heads/main\n", nil, true},
		{"refs/heads/main nothex refs/heads/main " + z + "\n", nil, true},
		{"refs/heads/main " + strings.ToUpper(a) + " refs/heads/main " + z + "\n", nil, true},
	}
	for _, tt := range tests {
		got, err := ParsePush(strings.NewReader(tt.in))
		if (err != nil) != tt.wantErr {
			t.Errorf("ParsePush(%q) err = %v, want error %v", tt.in, err, tt.wantErr)
			continue
		}
		if !slices.Equal(got, tt.want) {
			t.Errorf("ParsePush(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
	if u := (PushUpdate{LocalOID: strings.Repeat("0", 64)}); !u.Deletion() {
		t.Error("all-zero SHA-256 local id is not a deletion")
	}
}

// revList is what git itself lists for args.
func revList(t *testing.T, dir string, args ...string) []string {
	out := run(t, dir, append([]string{"rev-list"}, args...)...)
	list := strings.Fields(out)
	slices.Sort(list)
	return list
}

func commit(t *testing.T, dir, file string) string {
	writeFile(t, filepath.Join(dir, file), file+"\n", 0o644)
	run(t, dir, "add", file)
	run(t, dir, "commit", "-q", "-m", file)
	return run(t, dir, "rev-parse", "HEAD")
}

func TestPushRanges(t *testing.T) {
	isolate(t)
	ctx := context.Background()
	repo := newRepo(t)
	bare := filepath.Join(t.TempDir(), "remote.git")
	run(t, repo, "init", "-q", "--bare", bare)
	run(t, repo, "remote", "add", "origin", bare)
	commit(t, repo, "a")
	run(t, repo, "push", "-q", "origin", "main")
	run(t, repo, "checkout", "-q", "-b", "side")
	commit(t, repo, "s1")
	run(t, repo, "push", "-q", "origin", "side")
	run(t, repo, "checkout", "-q", "-b", "feature", "main")
	f1 := commit(t, repo, "f1")
	run(t, repo, "merge", "-q", "--no-edit", "side")
	f2 := commit(t, repo, "f2")
	z := strings.Repeat("0", 40)
	mainOID := run(t, repo, "rev-parse", "main")

	// A new branch: what no tracking ref of origin has (f1, the merge, f2;
	// not s1, which origin/side has).
	ranges, err := PushRanges(ctx, repo, "origin", []PushUpdate{{"refs/heads/feature", f2, "refs/heads/feature", z}})
	if err != nil {
		t.Fatal(err)
	}
	if len(ranges) != 1 {
		t.Fatalf("ranges = %v, want 1", ranges)
	}
	got := revList(t, repo, ranges[0].Spec)
	want := revList(t, repo, f2, "--not", "--remotes=origin")
	if !slices.Equal(got, want) || len(want) != 3 {
		t.Errorf("new branch: %s lists %v, want %v (3 commits)", ranges[0].Spec, got, want)
	}

	// An update of a known remote commit: remote..local.
	run(t, repo, "push", "-q", "origin", "feature")
	f3 := commit(t, repo, "f3")
	ranges, err = PushRanges(ctx, repo, "origin", []PushUpdate{{"refs/heads/feature", f3, "refs/heads/feature", f2}})
	if err != nil {
		t.Fatal(err)
	}
	if len(ranges) != 1 || ranges[0].Spec != f2+".."+f3 {
		t.Errorf("fast-forward: %v, want %s..%s", ranges, f2, f3)
	}

	// A deletion sends nothing; the same range twice is scanned once.
	ranges, err = PushRanges(ctx, repo, "origin", []PushUpdate{
		{"(delete)", z, "refs/heads/side", mainOID},
		{"refs/heads/feature", f3, "refs/heads/feature", f2},
		{"refs/heads/feature", f3, "refs/heads/feature", f2},
	})
	if err != nil || len(ranges) != 1 {
		t.Errorf("deletion + duplicate: %v, %v; want one range", ranges, err)
	}

	// A remote commit this clone never saw (someone else's push, then a
	// force push): what no tracking ref has.
	unknown := strings.Repeat("e", 40)
	ranges, err = PushRanges(ctx, repo, "origin", []PushUpdate{{"refs/heads/feature", f3, "refs/heads/feature", unknown}})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := revList(t, repo, ranges[0].Spec), revList(t, repo, f3, "--not", "--remotes=origin"); !slices.Equal(got, want) || len(want) != 1 {
		t.Errorf("unknown remote commit: %v, want %v", got, want)
	}

	// A URL with no tracking refs: the whole history of what is pushed.
	ranges, err = PushRanges(ctx, repo, bare, []PushUpdate{{"refs/heads/feature", f1, "refs/heads/new", z}})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := revList(t, repo, ranges[0].Spec), revList(t, repo, f1); !slices.Equal(got, want) {
		t.Errorf("push to a URL: %v, want every commit of f1 %v", got, want)
	}

	// An annotated tag is scanned as the commit it points at.
	run(t, repo, "tag", "-a", "-m", "v1", "v1", f3)
	tagOID := run(t, repo, "rev-parse", "v1")
	ranges, err = PushRanges(ctx, repo, "origin", []PushUpdate{{"refs/tags/v1", tagOID, "refs/tags/v1", z}})
	if err != nil {
		t.Fatal(err)
	}
	if got := revList(t, repo, ranges[0].Spec); !slices.Equal(got, []string{f3}) {
		t.Errorf("new tag: %v, want [%s]", got, f3)
	}
	// A tag of a blob has no commits.
	blob := run(t, repo, "rev-parse", "HEAD:f3")
	run(t, repo, "tag", "-a", "-m", "blob", "blobtag", blob)
	blobTag := run(t, repo, "rev-parse", "blobtag")
	if ranges, err = PushRanges(ctx, repo, "origin", []PushUpdate{{"refs/tags/blobtag", blobTag, "refs/tags/blobtag", z}}); err != nil || len(ranges) != 0 {
		t.Errorf("blob tag: %v, %v; want nothing", ranges, err)
	}
}

func FuzzParsePush(f *testing.F) {
	a, z := strings.Repeat("a", 40), strings.Repeat("0", 40)
	f.Add("refs/heads/main " + a + " refs/heads/main " + z + "\n")
	f.Add("(delete) " + z + " refs/heads/x " + a + "\r\n\n")
	f.Add("a b c d\n")
	f.Fuzz(func(t *testing.T, in string) {
		ups, err := ParsePush(strings.NewReader(in))
		if err != nil {
			return
		}
		for _, u := range ups {
			if !isOID(u.LocalOID) || !isOID(u.RemoteOID) || u.LocalRef == "" || u.RemoteRef == "" {
				t.Errorf("ParsePush(%q) accepted %+v", in, u)
			}
		}
	})
}
