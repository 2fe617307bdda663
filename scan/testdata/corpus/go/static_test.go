package store

import "testing"

var testCreds = Config{
	AccessKeyID:     "{{OLD_KEY_ID}}",
	SecretAccessKey: "{{SECRET}}",
}

func TestStatic(t *testing.T) {
	if testCreds.AccessKeyID == "" {
		t.Fatal("empty")
	}
}
