package hooks_test

import (
	"fmt"
	"strings"

	"github.com/credguard/credguard/hooks"
)

func ExampleParsePush() {
	z := strings.Repeat("0", 40)
	a := strings.Repeat("a", 40)
	b := strings.Repeat("b", 40)
	// What git writes on a pre-push hook's standard input: one line per ref.
	input := "refs/heads/topic " + a + " refs/heads/topic " + z + "\n" +
		"refs/heads/main " + b + " refs/heads/main " + a + "\n" +
		"(delete) " + z + " refs/heads/old " + b + "\n"
	updates, err := hooks.ParsePush(strings.NewReader(input))
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, u := range updates {
		fmt.Printf("%s new=%v deletion=%v\n", u.RemoteRef, u.NewRef(), u.Deletion())
	}
	// Output:
	// refs/heads/topic new=true deletion=false
	// refs/heads/main new=false deletion=false
	// refs/heads/old new=false deletion=true
}
