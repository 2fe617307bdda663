package profiles_test

import (
	"fmt"

	"github.com/credguard/credguard/profiles"
)

// The console's user-creation CSV, as downloaded (BOM, CRLF), holding AWS's
// documentation example key.
func ExampleParseConsoleCSV() {
	data := "\xEF\xBB\xBFUser name,Password,Access key ID,Secret access key,Console login link\r\n" +
		"ci=deploy,,AKIAIOSFODNN7EXAMPLE,wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY,https://example.signin.aws.amazon.com/console\r\n"
	keys, err := profiles.ParseConsoleCSV("credentials.csv", []byte(data))
	if err != nil {
		fmt.Println(err)
		return
	}
	k := keys[0]
	fmt.Println(k.Row, k.Line, k.UserName, k.AccessKeyID)
	fmt.Println(profiles.SanitizeProfileName(k.UserName))
	// The example key is refused when it comes to writing it.
	fmt.Println(profiles.Credentials{AccessKeyID: k.AccessKeyID, SecretAccessKey: k.SecretAccessKey}.Check())
	// Output:
	// 1 2 ci=deploy AKIAIOSFODNN7EXAMPLE
	// ci-deploy
	// access key ID is one of AWS's documentation examples, not a real key
}

// PutConfig adds a profile's region to a config file, keeping the rest.
func ExamplePutConfig() {
	f := profiles.Parse("config", []byte("# mine\r\n[default]\r\nregion = us-east-1\r\n"))
	e, err := profiles.PutConfig(f, "dev", []profiles.Entry{{Key: "region", Value: "eu-west-1"}}, false)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%q\n", e.Bytes())
	fmt.Print(e.Diff("config"))
	// Output:
	// "# mine\r\n[default]\r\nregion = us-east-1\r\n\r\n[profile dev]\r\nregion = eu-west-1\r\n"
	// --- config
	// +++ config
	// @@ -1,3 +1,6 @@
	//  # mine
	//  [default]
	//  region = us-east-1
	// +
	// +[profile dev]
	// +region = eu-west-1
}
