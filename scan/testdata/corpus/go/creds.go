package store

import (
	"os"

	"github.com/aws/aws-sdk-go/aws/credentials"
)

// Credentials are read from the environment; see README.
var creds = credentials.NewStaticCredentials(
	os.Getenv("AWS_ACCESS_KEY_ID"),
	os.Getenv("AWS_SECRET_ACCESS_KEY"),
	os.Getenv("AWS_SESSION_TOKEN"),
)

type Config struct {
	AccessKeyID     string `json:"access_key_id" env:"AWS_ACCESS_KEY_ID"`
	SecretAccessKey string `json:"secret_access_key" env:"AWS_SECRET_ACCESS_KEY"`
	SessionToken    string `json:"session_token,omitempty"`
}

const schemaVersion = "{{HEX:40}}"
