package awskey

import (
	"strings"
	"testing"
)

func TestAccountIDRoundTrip(t *testing.T) {
	for _, acct := range []int64{0, 1, 123456789012, 609629065308, 999999999999, FakeAccount()} {
		for _, p := range CredentialPrefixes() {
			id := FakeID(p, acct)
			if prob := IDProblem(id); prob != "" {
				t.Fatalf("FakeID(%s, %d) = %s: %s", p, acct, Redact(id), prob)
			}
			got, ok := AccountID(id)
			want := strings.Repeat("0", 12-len(itoa(acct))) + itoa(acct)
			if !ok || got != want {
				t.Errorf("AccountID(FakeID(%s, %d)) = %q, %v; want %q", p, acct, got, ok, want)
			}
		}
	}
	old := FakeID("AKIA", -1)
	if c := old[4]; c < 'A' || c > 'P' {
		t.Errorf("old-generation ID has fifth character %q, want A..P", c)
	}
	if got, ok := AccountID(old); ok {
		t.Errorf("AccountID(old-generation) = %q, want none", got)
	}
}

// TestAccountIDDocumented checks the decoder against the worked example in
// shared/aws-keys.md, assembled from parts so that no key-shaped literal is committed.
func TestAccountIDDocumented(t *testing.T) {
	id := "AS" + "IA" + "Y34FZKBOKMUTVV7A"
	if got, _ := AccountID(id); got != "609629065308" {
		t.Errorf("AccountID(documented example) = %q, want 609629065308", got)
	}
}

func itoa(n int64) string {
	if n == 0 {
		return "0"
	}
	var b []byte
	for n > 0 {
		b = append([]byte{byte('0' + n%10)}, b...)
		n /= 10
	}
	return string(b)
}

// xPlaceholder is AKIA and sixteen Xs, built at run time: the repository holds
// no key-shaped literal, not even a placeholder.
var xPlaceholder = "AKIA" + strings.Repeat("X", 16)

func TestIDProblem(t *testing.T) {
	good := FakeID("AKIA", -1)
	tests := []struct {
		in      string
		wantBad bool
	}{
		{good, false},
		{FakeID("ASIA", 42), false},
		{"AKIAIOSFODNN7EXAMPLE", false}, // well-formed; IsExample catches it
		{strings.ToLower(good), true},
		{good[:19], true},
		{"AIDA" + good[4:], true},
		{"AKIA" + good[4:19] + "1", true},
		{xPlaceholder, false},
	}
	for _, tt := range tests {
		if got := IDProblem(tt.in) != ""; got != tt.wantBad {
			t.Errorf("IDProblem(%s) bad = %v, want %v", Redact(tt.in), got, tt.wantBad)
		}
	}
	if !IsPlaceholder(xPlaceholder) {
		t.Errorf("%s is a placeholder", xPlaceholder)
	}
}

func TestSecretShape(t *testing.T) {
	for i := 0; i < 200; i++ {
		s := FakeSecret()
		if p := SecretProblem(s); p != "" {
			t.Fatalf("FakeSecret %s: %s", Redact(s), p)
		}
	}
	bad := []string{
		strings.Repeat("ab12", 10), // hex
		"0123456789abcdef0123456789abcdef01234567",
		"src/main/java/com/example/foo/Bar/Baz.ja",
		"wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"[:39],
	}
	for _, s := range bad {
		if SecretProblem(s) == "" {
			t.Errorf("SecretProblem(%q) = ok, want a problem", s)
		}
	}
	if !IsExample("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY") {
		t.Error("documentation secret not recognised")
	}
}

func TestRedactNeverWhole(t *testing.T) {
	for _, s := range []string{FakeID("AKIA", 7), FakeSecret(), FakeSessionToken(), "short"} {
		r := Redact(s)
		if strings.Contains(r, s) || (len(s) > 8 && strings.Contains(r, s[4:16])) {
			t.Errorf("Redact leaks: %q", r)
		}
	}
}

func TestHasWords(t *testing.T) {
	for _, s := range []string{
		"AnotherRandomLookingStringWith5Digits999",
		"DoNotUseThisKeyInProductionEnvironment12",
		"ThisIsMySuperSecretKeyForTheProject1234",
		"abcdefghijklmnopqrstuvwxyz0123456789ABCD",
		"QWERTYASDF",
	} {
		if !HasWords(s) {
			t.Errorf("HasWords(%q) = false, want true", s)
		}
	}
	misses := 0
	for i := 0; i < 2000; i++ {
		if s := FakeSecret(); HasWords(s) {
			t.Fatalf("FakeSecret returned a wordy value")
		}
		if id := FakeID("AKIA", FakeAccount()); !IDPlausible(id) {
			misses++
		}
	}
	if misses > 0 {
		t.Errorf("%d of 2000 fake key IDs are not plausible", misses)
	}
}

func TestResearchExamples(t *testing.T) {
	for _, id := range []string{"AS" + "IA" + "Y34FZKBOKMUTVV7A", "AK" + "IA" + "6RVFFB77RE7OLMKI"} {
		if !IsExample(id) || IDPlausible(id) {
			t.Errorf("%s: IsExample = %v, IDPlausible = %v; want a harmless example", Redact(id), IsExample(id), IDPlausible(id))
		}
	}
}
