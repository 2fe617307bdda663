package scan_test

import (
	"fmt"
	"strings"

	"github.com/credguard/credguard/scan"
)

// AWS's documentation keys never block a commit, and neither do
// placeholders; a key ID that could be real does. The key here is assembled
// at run time so that no key-shaped literal sits in the source.
func ExampleDetector_Scan() {
	content := strings.Join([]string{
		"[docs]",
		"aws_access_key_id = AKIAIOSFODNN7EXAMPLE",
		"aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
		"[template]",
		"aws_access_key_id = YOUR_ACCESS_KEY_ID",
		"aws_secret_access_key = ${AWS_SECRET_ACCESS_KEY}",
		"[leaked]",
		"aws_access_key_id = " + "AKIA" + "Q3RAVWZKBNTEDHLY",
	}, "\n")
	d := scan.New(scan.Options{})
	for _, f := range d.Scan("credentials", []byte(content)) {
		fmt.Printf("%s:%d:%d: %s: %s\n", f.File, f.Line, f.Column, f.Rule, f.Message)
		fmt.Println("redacted:", f.Redacted)
	}
	// Output:
	// credentials:8:21: aws-access-key-id: AWS access key ID (long-term, account 059124332116)
	// redacted: AKIA************DHLY
}
