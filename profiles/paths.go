package profiles

import (
	"os"
	"path/filepath"
	"strings"
)

// Where is the file (or profile) chosen and why: the flag, the environment
// variable, or the default.
type Where struct {
	Value  string // a path or a profile name
	Source string // "--credentials", "AWS_SHARED_CREDENTIALS_FILE", "default", ...
}

// CredentialsPath returns the credentials file the SDKs would read: flag,
// else AWS_SHARED_CREDENTIALS_FILE, else ~/.aws/credentials
// (%USERPROFILE%\.aws\credentials on Windows).
func CredentialsPath(flag string) Where {
	return choosePath(flag, "--credentials", "AWS_SHARED_CREDENTIALS_FILE", "credentials")
}

// ConfigPath returns the config file the SDKs would read: flag, else
// AWS_CONFIG_FILE, else ~/.aws/config.
func ConfigPath(flag string) Where {
	return choosePath(flag, "--config", "AWS_CONFIG_FILE", "config")
}

// ProfileName returns the profile the SDKs would use: flag, else AWS_PROFILE,
// else "default".
func ProfileName(flag string) Where {
	if flag != "" {
		return Where{flag, "--profile"}
	}
	if v := os.Getenv("AWS_PROFILE"); v != "" {
		return Where{v, "AWS_PROFILE"}
	}
	return Where{"default", "default"}
}

func choosePath(flag, flagName, envName, base string) Where {
	if flag != "" {
		return Where{expandHome(flag), flagName}
	}
	if v := os.Getenv(envName); v != "" {
		return Where{expandHome(v), envName}
	}
	return Where{filepath.Join(homeDir(), ".aws", base), "default"}
}

// homeDir is the directory the SDKs treat as ~: HOME, or USERPROFILE on
// Windows (os.UserHomeDir picks the right one per platform).
func homeDir() string {
	h, err := os.UserHomeDir()
	if err != nil {
		return "."
	}
	return h
}

// expandHome expands a leading ~ as the SDKs do for these variables.
func expandHome(p string) string {
	if p == "~" {
		return homeDir()
	}
	if strings.HasPrefix(p, "~/") || strings.HasPrefix(p, `~\`) {
		return filepath.Join(homeDir(), p[2:])
	}
	return p
}

// KnownSecrets returns the secret values (secret access keys and session
// tokens) of every profile in the credentials file at path, for the scanner's
// known-secret rule. A missing file yields none and no error. The values are
// only ever held in memory.
func KnownSecrets(path string) ([]string, error) {
	f, err := ReadFile(path)
	if err != nil {
		if os.IsNotExist(err) {
			return nil, nil
		}
		return nil, err
	}
	var out []string
	for _, s := range f.Sections {
		for _, l := range s.Keys() {
			switch strings.ToLower(strings.TrimSpace(l.Key)) {
			case "aws_secret_access_key", "aws_session_token":
				v := strings.Trim(l.Value, `"'`)
				if len(v) >= 20 {
					out = append(out, v)
				}
			}
		}
	}
	return out, nil
}
