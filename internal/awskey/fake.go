package awskey

import (
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"math/big"
	"strings"
)

// Fake credentials are generated at run time so that no key-shaped literal is
// ever committed: tests, testscript scripts and `credguard hook test` all get
// theirs from here. They have the exact shape of real ones, so every detector
// treats them as real; they authenticate nowhere.

// FakeID returns a fresh key ID with the given prefix (AKIA, ASIA, ...). When
// account is in 0..999999999999 the ID is new-generation and encodes that
// account; when account is negative it is old-generation (no account).
func FakeID(prefix string, account int64) string {
	if len(prefix) != 4 {
		panic(fmt.Sprintf("awskey.FakeID: prefix %q is not 4 characters", prefix))
	}
	if account > 999999999999 {
		panic("awskey.FakeID: account out of range")
	}
	for try := 0; ; try++ {
		raw := make([]byte, 10)
		mustRead(raw)
		if account >= 0 {
			z := uint64(1)<<47 | uint64(account)<<7 | uint64(raw[5]&0x7f)
			for i := 5; i >= 0; i-- {
				raw[i] = byte(z)
				z >>= 8
			}
		} else {
			raw[0] &^= 0x80 // generation bit 0: fifth character A..P
		}
		id := prefix + b32.EncodeToString(raw)
		// Redraw the rare IDs that look made up (a run, a sequence), so that
		// a detector treats every fake as real. Tiny accounts (0, 1) always
		// encode as runs of A: give up on those after a few draws.
		if IDPlausible(id) || try >= 20 && !IsExample(id) {
			return id
		}
	}
}

// FakeSecret returns a fresh 40-character secret access key.
func FakeSecret() string {
	for {
		raw := make([]byte, 30)
		mustRead(raw)
		s := base64.StdEncoding.EncodeToString(raw)
		if LooksRandom(s) && !IsExample(s) && !IsPlaceholder(s) && !HasWords(s) {
			return s
		}
	}
}

// FakeSessionToken returns a fresh STS-shaped session token: the newer
// "IQoJb3JpZ2luX2Vj" prefix followed by random base64, a few hundred characters.
func FakeSessionToken() string {
	raw := make([]byte, 300)
	mustRead(raw)
	body := base64.StdEncoding.EncodeToString(raw)
	body = strings.NewReplacer("EXAMPLE", "EXAMPLF", "example", "examplf").Replace(body)
	return "IQoJb3JpZ2luX2Vj" + body
}

// FakeAccount returns a random 12-digit account number.
func FakeAccount() int64 {
	n, err := rand.Int(rand.Reader, big.NewInt(900000000000))
	if err != nil {
		panic(err)
	}
	return n.Int64() + 100000000000
}

func mustRead(b []byte) {
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand never fails on supported platforms
	}
}
