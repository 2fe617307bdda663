package profiles

// Rule IDs are stable: scripts, baselines and 'lint --fix' key on them.
const (
	// Files and profile choice.
	RuleCredentialsMissing = "credentials-missing" // no credentials file: run credguard init
	RuleEmptyFile          = "empty-file"          // the credentials file has no profile
	RuleProfileMissing     = "profile-missing"     // the chosen profile is in neither file
	RuleNoCredentials      = "no-credentials"      // the profile has no way to get credentials

	// Syntax: what botocore (Python's configparser) rejects or the SDKs read differently.
	RuleBOM              = "bom"                // UTF-8 byte-order mark
	RuleEncoding         = "encoding"           // not UTF-8
	RuleStrayCR          = "stray-cr"           // a lone \r: a line break for botocore only
	RuleKeyBeforeSection = "key-before-section" // a line before any [section]
	RuleMissingEquals    = "missing-equals"     // a line with no '=' (a pasted value)
	RuleEmptyKey         = "empty-key"          // "= value"
	RuleUnclosedHeader   = "unclosed-header"    // "[default"
	RuleBadHeader        = "bad-header"         // "[]", "[a] x", "[a#b]"
	RuleHeaderSpaces     = "header-spaces"      // "[ default ]"
	RuleDuplicateSection = "duplicate-section"
	RuleDuplicateKey     = "duplicate-key"
	RuleContinuation     = "continuation" // an indented line read as part of the previous value
	RuleQuotedValue      = "quoted-value"
	RuleLoneQuote        = "lone-quote"
	RuleHiddenSpace      = "hidden-space"
	RuleInlineComment    = "inline-comment"
	RuleEmptyValue       = "empty-value"
	RuleUppercaseKey     = "uppercase-key"   // warning: keys are lower-cased by the SDKs
	RuleDefaultSection   = "default-section" // warning: [DEFAULT] is special to configparser
	RuleIndentedKey      = "indented-key"    // warning: an indented key line
	RuleColonDelimiter   = "colon-delimiter" // warning: "key: value"

	// Credentials.
	RuleMissingAccessKeyID     = "missing-access-key-id"
	RuleMissingSecretAccessKey = "missing-secret-access-key"
	RuleMalformedAccessKeyID   = "malformed-access-key-id"
	RuleMalformedSecret        = "malformed-secret-access-key"
	RuleSwappedKeys            = "swapped-keys"
	RuleExampleKey             = "example-key"
	RulePlaceholderKey         = "placeholder-key"
	RuleTemporaryKeyNoToken    = "temporary-key-without-token"
	RuleStaleSessionToken      = "stale-session-token" // warning
	RuleKeyAccount             = "key-account"         // info: the account a key belongs to
	RuleRoleAccount            = "role-account"        // info: the account of the chosen profile's role

	// Credentials file headers.
	RuleProfilePrefixInCredentials = "profile-prefix-in-credentials" // [profile x] in the credentials file

	// Config file.
	RuleMissingProfilePrefix      = "missing-profile-prefix" // [dev] in the config file
	RuleBadProfileName            = "bad-profile-name"       // [profile a b], [profile "a"]
	RuleConflictingDefault        = "conflicting-default"    // [default] and [profile default]
	RuleInvalidOutput             = "invalid-output"
	RuleInvalidRegion             = "invalid-region"
	RuleInvalidRoleARN            = "invalid-role-arn"
	RuleRoleWithoutSource         = "role-without-source"
	RuleSourceWithoutRole         = "source-without-role"
	RuleConflictingCredentialType = "conflicting-credential-type"
	RuleInvalidCredentialSource   = "invalid-credential-source"
	RuleSourceProfileMissing      = "source-profile-missing"
	RuleSourceProfileCycle        = "source-profile-cycle"
	RuleSourceProfileNoCreds      = "source-profile-no-credentials"
	RuleInvalidDuration           = "invalid-duration-seconds"
	RuleSSOIncomplete             = "sso-incomplete"
	RuleSSOSessionMissing         = "sso-session-missing"
	RuleSSOMismatch               = "sso-mismatch"

	// Warnings about the surroundings.
	RuleCredentialsInConfig = "credentials-in-config"
	RuleFilePermissions     = "file-permissions"
	RuleGitTracked          = "git-tracked"
	RuleEnvCredentials      = "env-credentials"
	RuleEnvProfile          = "env-profile"
)

// Rule describes one lint rule.
type Rule struct {
	ID       string
	Severity Severity
	Fixable  bool   // 'credguard lint --fix' can fix it without asking for a value
	Summary  string // one line, for documentation
}

var ruleList = []Rule{
	{RuleCredentialsMissing, Error, false, "the credentials file does not exist"},
	{RuleEmptyFile, Error, false, "the credentials file holds no profile"},
	{RuleProfileMissing, Error, false, "the chosen profile is in neither file"},
	{RuleNoCredentials, Error, false, "the profile has no keys, role, SSO or process to get credentials from"},
	{RuleBOM, Error, true, "the file starts with a UTF-8 byte-order mark"},
	{RuleEncoding, Error, false, "the file is not valid UTF-8"},
	{RuleStrayCR, Error, true, "a carriage return not followed by a newline"},
	{RuleKeyBeforeSection, Error, false, "a line before the first [section] header"},
	{RuleMissingEquals, Error, false, "a line with no '=' (often a pasted value)"},
	{RuleEmptyKey, Error, false, "a line with a value and no key"},
	{RuleUnclosedHeader, Error, true, "a section header with no closing ']'"},
	{RuleBadHeader, Error, false, "a malformed section header"},
	{RuleHeaderSpaces, Error, true, "spaces inside the brackets of a section header"},
	{RuleDuplicateSection, Error, false, "a section defined twice in one file"},
	{RuleDuplicateKey, Error, false, "a key set twice in one section"},
	{RuleContinuation, Error, false, "an indented line that botocore appends to the previous value"},
	{RuleQuotedValue, Error, true, "a value in quotes (botocore keeps the quotes)"},
	{RuleLoneQuote, Error, false, "a value that is a lone quote (the Go SDK panics reading the file)"},
	{RuleHiddenSpace, Error, false, "an invisible space or control character at either end of a value (botocore strips it, the Go SDK keeps it)"},
	{RuleInlineComment, Error, true, "a comment after a value (botocore keeps it in the value)"},
	{RuleEmptyValue, Error, false, "a credential key with no value"},
	{RuleUppercaseKey, Warning, true, "a key with upper-case letters"},
	{RuleDefaultSection, Warning, false, "a [DEFAULT] section (botocore copies its keys into every profile)"},
	{RuleIndentedKey, Warning, true, "an indented key line"},
	{RuleColonDelimiter, Warning, true, "'key: value' instead of 'key = value'"},
	{RuleMissingAccessKeyID, Error, false, "a secret access key with no access key ID"},
	{RuleMissingSecretAccessKey, Error, false, "an access key ID with no secret access key"},
	{RuleMalformedAccessKeyID, Error, false, "an access key ID of the wrong length, alphabet, case or prefix"},
	{RuleMalformedSecret, Error, false, "a secret access key of the wrong length or alphabet"},
	{RuleSwappedKeys, Error, true, "the access key ID and the secret access key are swapped"},
	{RuleExampleKey, Error, false, "one of AWS's documentation example keys"},
	{RulePlaceholderKey, Error, false, "a placeholder instead of a key"},
	{RuleTemporaryKeyNoToken, Error, false, "a temporary ASIA key without aws_session_token"},
	{RuleStaleSessionToken, Warning, true, "a long-term AKIA key with a leftover aws_session_token"},
	{RuleKeyAccount, Info, false, "the AWS account a new-generation key ID belongs to"},
	{RuleRoleAccount, Info, false, "the AWS account and role the chosen profile assumes"},
	{RuleProfilePrefixInCredentials, Error, true, "[profile NAME] in the credentials file"},
	{RuleMissingProfilePrefix, Error, true, "[NAME] in the config file where [profile NAME] is needed"},
	{RuleBadProfileName, Error, false, "a profile name the SDKs read differently"},
	{RuleConflictingDefault, Error, false, "both [default] and [profile default] in the config file"},
	{RuleInvalidOutput, Error, false, "output is not json, text, table, yaml, yaml-stream or off"},
	{RuleInvalidRegion, Error, false, "region is not a region name (an availability zone, a typo)"},
	{RuleInvalidRoleARN, Error, false, "role_arn is not an IAM role ARN"},
	{RuleRoleWithoutSource, Error, false, "role_arn with neither source_profile nor credential_source"},
	{RuleSourceWithoutRole, Error, false, "source_profile, credential_source or web_identity_token_file without role_arn"},
	{RuleConflictingCredentialType, Error, false, "more than one of source_profile, credential_source, credential_process, web_identity_token_file"},
	{RuleInvalidCredentialSource, Error, false, "credential_source is not Environment, Ec2InstanceMetadata or EcsContainer"},
	{RuleSourceProfileMissing, Error, false, "source_profile names a profile that does not exist"},
	{RuleSourceProfileCycle, Error, false, "source_profile chains loop"},
	{RuleSourceProfileNoCreds, Error, false, "the source profile has no credentials"},
	{RuleInvalidDuration, Error, false, "duration_seconds is not a whole number in 900-43200"},
	{RuleSSOIncomplete, Error, false, "an SSO profile or sso-session missing a required setting"},
	{RuleSSOSessionMissing, Error, false, "sso_session names a missing [sso-session NAME] section"},
	{RuleSSOMismatch, Error, false, "sso_start_url or sso_region differ from the profile's sso-session"},
	{RuleCredentialsInConfig, Warning, false, "access keys in the config file"},
	{RuleFilePermissions, Warning, true, "the file is readable by group or others"},
	{RuleGitTracked, Warning, false, "the credentials file is tracked by a git repository"},
	{RuleEnvCredentials, Warning, false, "AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY in the environment override the files"},
	{RuleEnvProfile, Warning, false, "AWS_PROFILE in the environment selects another profile"},
}

var ruleByID = func() map[string]Rule {
	m := make(map[string]Rule, len(ruleList))
	for _, r := range ruleList {
		m[r.ID] = r
	}
	return m
}()

// Rules returns every rule Lint applies, in a fixed order.
func Rules() []Rule { return append([]Rule(nil), ruleList...) }

// RuleInfo returns the rule with the given ID.
func RuleInfo(id string) (Rule, bool) {
	r, ok := ruleByID[id]
	return r, ok
}
