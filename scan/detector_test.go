package scan

import (
	"encoding/base64"
	"strings"
	"testing"

	"github.com/credguard/credguard/internal/awskey"
)

// Each case is a template (see plant_test.go): the planted markers are the
// true positives, everything else in it must not be reported.
type ruleCase struct {
	name string
	tmpl string
}

func runCases(t *testing.T, cases []ruleCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			pc := plant(t, tc.tmpl)
			d := New(Options{KnownSecrets: pc.known})
			got := d.Scan(tc.name, pc.content)
			checkFindings(t, tc.name, pc, got)
			if len(got) > 0 && !d.MayContain(pc.content) {
				t.Errorf("MayContain = false, but Scan found %d", len(got))
			}
		})
	}
}

func TestAccessKeyID(t *testing.T) {
	runCases(t, []ruleCase{
		// true positives
		{"bare", "{{KEY_ID}}"},
		{"ini", "aws_access_key_id = {{KEY_ID}}\n"},
		{"old generation", "id: {{OLD_KEY_ID}}"},
		{"temporary", "AWS_ACCESS_KEY_ID={{TEMP_KEY_ID}}"},
		{"bearer and context", "{{ABIA_KEY_ID}} {{ACCA_KEY_ID}}"},
		{"quoted", `key = "{{KEY_ID}}";`},
		{"json escape before", `"[default]\n{{KEY_ID}}\n"`},
		{"url escape before", `X-Amz-Credential=%2F{{KEY_ID}}%2F20240101%2Fus-east-1`},
		{"underscore is a boundary", `backup_{{KEY_ID}}_old`},
		{"two on a line", "{{KEY_ID}},{{OLD_KEY_ID}}"},
		{"binary", "\x00\x01ELF\x00{{KEY_ID}}\x00\xff\xfe"},
		{"base64", "AWS_ACCESS_KEY_ID: {{KEY_ID_B64}}"},
		{"base64 file", "credentials: {{CREDS_B64}}\nother: {{CREDS_B64}}"},
		{"base64 secret", "aws_secret_access_key: {{SECRET_B64}}"},
		{"base64 text", "x: {{B64_TEXT}}"},
		{"eks token", "token: {{EKS_TOKEN}}"},
		{"s3 url encoded", "s3://{{KEY_ID}}:{{SECRET_URL}}@bucket/path"},
		{"query string", "https://x.test/cb?aws_secret_access_key={{SECRET_URL}}&region=us-east-1"},
		{"s3 url", "s3a://{{KEY_ID}}:{{SECRET}}@bucket/path"},
		{"s3fs passwd", "{{OLD_KEY_ID}}:{{SECRET}}\n"},
		{"hadoop", "<name>fs.s3a.access.key</name>\n<value>{{KEY_ID}}</value>\n</property>\n<property>\n<name>fs.s3a.secret.key</name>\n<value>{{SECRET}}</value>"},
		{"plist", "<key>AWS_SECRET_ACCESS_KEY</key>\n<string>{{SECRET}}</string>"},
		{"crlf", "a\r\nid={{KEY_ID}}\r\n"},
		// false positives
		{"inside a longer token", "{{DECOY_ID}}"},
		{"letter before", "x{{DECOY_ID}}"},
		{"IAM unique IDs", "{{UNIQUE_ID:AIDA}} {{UNIQUE_ID:AROA}} {{UNIQUE_ID:AGPA}} {{UNIQUE_ID:AIPA}} {{UNIQUE_ID:ANPA}} {{UNIQUE_ID:ANVA}} {{UNIQUE_ID:ASCA}} {{UNIQUE_ID:APKA}}"},
		{"AWS examples", "AKIAIOSFODNN7EXAMPLE AKIAI44QH8DHBEXAMPLE ASIAIOSFODNN7EXAMPLE AKIAEXAMPLEPBUMBC3GA"},
		{"placeholder", "aws_access_key_id = {{PLACEHOLDER_ID}}"},
		{"impossible account", "aws_access_key_id = {{IMPOSSIBLE_ID}}"},
		{"lower case", "akia" + strings.Repeat("q", 16)},
		{"bad alphabet", "AKIA" + "0123456789ABCDEF"},
		{"allowed", "aws_access_key_id = {{DECOY_SECRET}} {{PLACEHOLDER_ID}} # credguard:allow"},
		{"too short", "AKIA" + "QQ2345"},
	})
}

func TestAllowMarker(t *testing.T) {
	pc := plant(t, "id = {{KEY_ID}} # credguard:allow\naws_secret_access_key = {{SECRET}}\n")
	got := New(Options{}).Scan("f", pc.content)
	if len(got) != 1 || got[0].Rule != RuleSecretAccessKey || got[0].Line != 2 {
		t.Fatalf("got %+v, want only the secret on line 2", got)
	}
}

func TestSecretAccessKey(t *testing.T) {
	runCases(t, []ruleCase{
		// labels
		{"ini", "[default]\naws_secret_access_key = {{SECRET}}\n"},
		{"ini no spaces", "aws_secret_access_key={{SECRET}}"},
		{"env", "AWS_SECRET_ACCESS_KEY={{SECRET}}\n"},
		{"env quoted", `AWS_SECRET_ACCESS_KEY="{{SECRET}}"`},
		{"export", "export AWS_SECRET_ACCESS_KEY='{{SECRET}}'\n"},
		{"yaml", "aws:\n  secret_access_key: {{SECRET}}\n"},
		{"yaml next line", "SecretAccessKey:\n  {{SECRET}}\n"},
		{"yaml pascal", "  SecretAccessKey: \"{{SECRET}}\"\n"},
		{"json", `{"AccessKeyId": "{{KEY_ID}}", "SecretAccessKey": "{{SECRET}}"}`},
		{"xml", "<SecretAccessKey>{{SECRET}}</SecretAccessKey>"},
		{"properties", "aws.secretKey={{SECRET}}\n"},
		{"properties dotted", "aws.secret.access.key = {{SECRET}}\n"},
		{"spring", "cloud.aws.credentials.secret-key={{SECRET}}\n"},
		{"terraform", "provider \"aws\" {\n  secret_key = \"{{SECRET}}\"\n}\n"},
		{"js object", "const c = { secretAccessKey: '{{SECRET}}' };"},
		{"python kwargs", "boto3.client('s3', aws_secret_access_key='{{SECRET}}')"},
		{"AWS_SECRET", "AWS_SECRET={{SECRET}}"},
		{"aws_secret", "aws_secret: {{SECRET}}"},
		{"SecretKey with aws mention", "// AWS\nSecretKey = \"{{SECRET}}\";"},
		{"AWS_SECRET_KEY", "AWS_SECRET_KEY := \"{{SECRET}}\""},
		{"ruby symbol", ":secret_access_key => '{{SECRET}}'"},
		{"php array", "'credentials' => ['key' => '{{KEY_ID}}', 'secret' => '{{SECRET}}'],"},
		{"dotnet appsettings", `<add key="AWSSecretKey" value="{{SECRET}}" />`},
		{"ecs env", `{"name": "AWS_SECRET_ACCESS_KEY", "value": "{{SECRET}}"}`},
		{"setter", "// amazon\ncreds.setSecretKey(\"{{SECRET}}\");"},
		{"system property", `System.setProperty("aws.secretKey", "{{SECRET}}");`},
		{"env default", "const s = process.env.AWS_SECRET_ACCESS_KEY || '{{SECRET}}';"},
		{"getenv default", `os.getenv("AWS_SECRET_ACCESS_KEY", "{{SECRET}}")`},
		{"powershell", `$env:AWS_SECRET_ACCESS_KEY="{{SECRET}}"`},
		{"cli flag", "aws configure set aws_secret_access_key {{SECRET}}"},
		{"docker", "docker run -e AWS_SECRET_ACCESS_KEY={{SECRET}} img"},
		{"php json", `{"SecretAccessKey":"{{SECRET_JSON}}"}`},
		{"escaped json", `"{\"SecretAccessKey\":\"{{SECRET}}\"}"`},
		{"typescript annotation", "// aws\nconst secretKey: string = '{{SECRET}}';"},
		// neighbours
		{"boto3 positional", "boto3.client('s3', '{{KEY_ID}}', '{{SECRET}}')"},
		{"java", "new BasicAWSCredentials(\"{{KEY_ID}}\", \"{{SECRET}}\");"},
		{"go", "credentials.NewStaticCredentialsProvider(\"{{KEY_ID}}\", \"{{SECRET}}\", \"\")"},
		{"next lines", "creds(\n  \"{{KEY_ID}}\",\n  \"{{SECRET}}\",\n)"},
		{"secret before id", "x = ['{{SECRET}}', '{{KEY_ID}}']"},
		{"csv without header", "{{KEY_ID}},{{SECRET}}\n"},
		// console CSV
		{"console csv", "\ufeffAccess key ID,Secret access key\r\n{{KEY_ID}},{{SECRET}}\r\n"},
		{"console csv old", "\ufeffUser name,Password,Access key ID,Secret access key,Console login link\r\nbob,,{{KEY_ID}},{{SECRET}},https://123456789012.signin.aws.amazon.com/console\r\n"},
		{"console csv placeholder id", "Access key ID,Secret access key\n{{PLACEHOLDER_ID}},{{SECRET}}\n"},
		// false positives
		{"no context", "x = '{{DECOY_SECRET}}'"},
		{"weak label without aws", "secret_key = '{{DECOY_SECRET}}'"},
		{"django style", "import boto3\nSECRET_KEY = '{{DJANGO_KEY}}'\nDJANGO_SECRET_KEY = '{{DECOY_SECRET}}'"},
		{"script far apart", "ACCESS_KEY = '{{KEY_ID}}'\n\n\n\n\n\nSECRET_KEY = '{{SECRET}}'\nSECRET = '{{SECRET}}'"},
		{"other products", "# aws\nMINIO_SECRET_KEY={{DECOY_SECRET}}\nJWT_SECRET_KEY={{DECOY_SECRET}}\nDO_SPACES_SECRET={{DECOY_SECRET}}"},
		{"boto mention", "import boto3\nsecret_key = '{{SECRET}}'"},
		{"r", "aws_secret <- \"{{SECRET}}\""},
		{"kotlin", "// aws\nval secretKey = \"{{SECRET}}\""},
		{"perl", "$ENV{AWS_SECRET_ACCESS_KEY} = '{{SECRET}}';"},
		{"ruby env", "ENV['AWS_SECRET_ACCESS_KEY'] = '{{SECRET}}'"},
		{"setenv", "os.Setenv(\"AWS_SECRET_ACCESS_KEY\", \"{{SECRET}}\")"},
		{"s3 prefix", "# amazon\ns3_secret_key: {{SECRET}}"},
		{"client secret", "// aws\nclient_secret = '{{DECOY_SECRET}}'"},
		{"examples", "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\nid = AKIAIOSFODNN7EXAMPLE"},
		{"hex", "aws_secret_access_key = {{HEX:40}}"},
		{"git sha near key", "{{KEY_ID}} commit {{HEX:40}}"},
		{"path", "aws_secret_access_key = src/main/java/com/acme/aws/AwsConfig1"},
		{"words", "aws_secret_access_key = MySecretAccessKeyForTesting1234567890abc"},
		{"camel words", "aws_secret_access_key = DoNotUseThisKeyInProductionEnvironment12"},
		{"keyboard", "aws_access_key_id = AKIA" + "QWERTYASDFGHZXCV"},
		{"sequence", "aws_access_key_id = AKIA" + "ABCDEFGHIJKLMNOP"},
		{"run", "aws_access_key_id = AKIA" + strings.Repeat("A", 16)},
		{"placeholder", "aws_secret_access_key = YOUR_SECRET_ACCESS_KEY_GOES_HERE_123456"},
		{"xxx", "aws_secret_access_key = " + strings.Repeat("x", 40)},
		{"reference", "AWS_SECRET_ACCESS_KEY=${AWS_SECRET_ACCESS_KEY}\nAWS_SECRET_ACCESS_KEY=$AWS_SECRET_ACCESS_KEY"},
		{"environ", "os.environ['AWS_SECRET_ACCESS_KEY']\nprocess.env.AWS_SECRET_ACCESS_KEY\nos.Getenv(\"AWS_SECRET_ACCESS_KEY\")"},
		{"terraform var", "secret_key = var.aws_secret_key"},
		{"too long", "aws_secret_access_key = {{DECOY_SECRET}}A"},
		{"part of base64", "aws_secret_access_key = {{B64:60}}"},
		{"padding after", "aws_secret_access_key = {{DECOY_SECRET}}="},
		{"neighbour hash", "{{KEY_ID}}\nsha: {{HEX:40}}\nintegrity: {{DECOY_SECRET}}"},
		{"far from key", "{{KEY_ID}}\n\n\n\n\n\n\nx = '{{DECOY_SECRET}}'"},
		{"secrets manager", "resource \"aws_secretsmanager_secret\" \"{{DECOY_SECRET}}\" {}"},
	})
}

func TestSessionToken(t *testing.T) {
	runCases(t, []ruleCase{
		{"ini", "aws_session_token = {{TOKEN}}\n"},
		{"env", "AWS_SESSION_TOKEN=\"{{TOKEN}}\""},
		{"json", `{"SessionToken": "{{TOKEN}}"}`},
		{"camel", "sessionToken: '{{TOKEN}}',"},
		{"security token", "aws_security_token={{TOKEN}}"},
		{"header", "X-Amz-Security-Token: {{TOKEN}}"},
		{"unlabelled", "t = '{{TOKEN}}'"},
		{"presigned", "https://b.s3.amazonaws.com/k?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential={{TEMP_KEY_ID}}%2F20240101%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Security-Token={{TOKEN_URL}}&X-Amz-Signature={{HEX:64}}"},
		{"presigned unlabelled", "u = 'https://x/?a=1&t={{TOKEN_URL}}'"},
		{"labelled random", "aws_session_token = {{TOKEN_RAW:300}}"},
		{"labelled padded", "aws_session_token = {{TOKEN_RAW:241}}"},
		{"unlabelled containing aws", "t = '{{TOKEN_AWS:180}}'"},
		{"with key and secret", "aws_access_key_id={{TEMP_KEY_ID}}\naws_secret_access_key={{SECRET}}\naws_session_token={{TOKEN}}\n"},
		// false positives
		{"example", "aws_session_token = AQoDYXdzEJr" + strings.Repeat("1aA", 40) + "EXAMPLE"},
		{"short labelled", "aws_session_token = {{DECOY_TOKEN:40}}"},
		{"other token", "github_token = {{DECOY_TOKEN:300}}"},
		{"web app session", "const sessionToken = '{{DECOY_TOKEN:88}}';"},
		{"generic label with aws", "// aws\nsessionToken: '{{TOKEN_RAW:300}}'"},
		{"unlabelled random", "blob = '{{DECOY_TOKEN:600}}'"},
		{"huge run starting like a token", "blob = 'AQoDYXdz{{DECOY_TOKEN:5000}}'"},
		{"aws deep inside a blob", "blob = '{{DECOY_TOKEN:300}}YXdz{{DECOY_TOKEN:300}}'"},
		{"huge run containing aws", "blob = '{{DECOY_TOKEN:3000}}YXdz{{DECOY_TOKEN:3000}}'"},
		{"data uri", "src=\"data:image/png;base64,iVBORw0KGgoAYXdz{{DECOY_TOKEN:500}}\""},
		{"placeholder", "aws_session_token = IQoJb3JpZ2luX2Vj" + strings.Repeat("X", 300)},
		{"reference", "AWS_SESSION_TOKEN=${AWS_SESSION_TOKEN}"},
		{"text mentioning aws", "blob: " + b64text("aws: the aws cli and the aws sdk read credentials from the shared file; the aws console shows them once")},
	})
}

// b64text is base64 of text, built at run time.
func b64text(s string) string {
	return strings.TrimRight(base64.StdEncoding.EncodeToString([]byte(s)), "=")
}

func TestKnownSecret(t *testing.T) {
	runCases(t, []ruleCase{
		{"anywhere", "comment: my key is {{KNOWN}} oops"},
		{"inside text", "xx{{KNOWN}}yy"},
		{"labelled becomes known", "aws_secret_access_key = {{KNOWN}}"},
		{"next to key", "{{KEY_ID}} {{KNOWN}}"},
	})
	// A known value is never in a finding's message or redacted form.
	known := awskey.FakeSecret()
	for _, f := range New(Options{KnownSecrets: []string{known}}).Scan("f", []byte("a "+known+" b")) {
		if strings.Contains(f.Message+f.Redacted, known) {
			t.Errorf("finding leaks the known secret: %+v", f)
		}
	}
}

func TestPairing(t *testing.T) {
	pc := plant(t, "[a]\naws_access_key_id = {{KEY_ID#a}}\naws_secret_access_key = {{SECRET#a}}\n[b]\naws_secret_access_key = {{SECRET#b}}\naws_access_key_id = {{OLD_KEY_ID#b}}\n")
	got := New(Options{}).Scan("credentials", pc.content)
	if len(got) != 4 {
		t.Fatalf("got %d findings, want 4", len(got))
	}
	fp := func(f Finding) string { return f.Fingerprint }
	pairs := [][2]int{{0, 1}, {2, 3}}
	for _, p := range pairs {
		a, b := got[p[0]], got[p[1]]
		if a.PairedWith != fp(b) || b.PairedWith != fp(a) {
			t.Errorf("lines %d and %d not paired: %q / %q", a.Line, b.Line, a.PairedWith, b.PairedWith)
		}
	}
	if got[1].AccountID == "" || got[1].AccountID != got[0].AccountID || got[1].KeyType != "long-term" {
		t.Errorf("secret on line %d: account %q, key type %q; want the key's", got[1].Line, got[1].AccountID, got[1].KeyType)
	}
	if got[2].AccountID != "" {
		t.Errorf("secret of an old-generation key has account %q", got[2].AccountID)
	}
}

// TestMayContain checks the contract on content with nothing to find, and
// that content with only ordinary text is ruled out cheaply.
func TestMayContain(t *testing.T) {
	d := New(Options{KnownSecrets: []string{awskey.FakeSecret()}})
	if d.MayContain([]byte("package main\n\nfunc main() { println(\"hello\") }\n")) {
		t.Error("MayContain(plain Go) = true, want false")
	}
	pc := plant(t, "k = {{KNOWN}}")
	d = New(Options{KnownSecrets: pc.known})
	if !d.MayContain(pc.content) {
		t.Error("MayContain(known secret) = false")
	}
}

// TestConcurrent runs one detector from many goroutines (run with -race).
func TestConcurrent(t *testing.T) {
	pc := plant(t, "aws_access_key_id={{KEY_ID}}\naws_secret_access_key={{SECRET}}\naws_session_token={{TOKEN}}\nx={{KNOWN}}\n")
	d := New(Options{KnownSecrets: pc.known})
	want := len(d.Scan("f", pc.content))
	done := make(chan int)
	for i := 0; i < 8; i++ {
		go func() { done <- len(d.Scan("f", pc.content)) }()
	}
	for i := 0; i < 8; i++ {
		if got := <-done; got != want {
			t.Errorf("concurrent scan found %d, want %d", got, want)
		}
	}
}

// TestUTF16 scans what Windows PowerShell writes when output is redirected:
// UTF-16 with a byte-order mark.
func TestUTF16(t *testing.T) {
	pc := plant(t, "[default]\r\naws_access_key_id = {{KEY_ID}}\r\naws_secret_access_key = {{SECRET}}\r\n# caf\u00e9 {{X_SECRET}} credguard:allow\r\naws_session_token = {{TOKEN}}\r\n")
	for _, bigEndian := range []bool{false, true} {
		text := []rune(string(pc.content))
		enc := []byte{0xFF, 0xFE}
		if bigEndian {
			enc = []byte{0xFE, 0xFF}
		}
		for _, r := range text {
			lo, hi := byte(r), byte(r>>8)
			if bigEndian {
				lo, hi = hi, lo
			}
			enc = append(enc, lo, hi)
		}
		d := New(Options{})
		got := d.Scan("out.txt", enc)
		if !d.MayContain(enc) {
			t.Error("MayContain(UTF-16) = false")
		}
		if len(got) != len(pc.want) {
			t.Fatalf("big endian %v: got %d findings, want %d: %+v", bigEndian, len(got), len(pc.want), got)
		}
		for i, w := range pc.want {
			f := got[i]
			// Every character before the value is ASCII but one (é, before
			// the allowed line only), so offsets double.
			wantOff := 2 + 2*w.off
			if w.off > strings.Index(string(pc.content), "caf") {
				wantOff -= 2 // é is one UTF-16 unit but two UTF-8 bytes
			}
			if f.Rule != w.rule || f.Offset != wantOff || f.Length != 2*w.n || f.Fingerprint != Fingerprint(w.rule, w.value) {
				t.Errorf("big endian %v: %s: got %s at %d+%d, want %s at %d+%d", bigEndian, w.marker, f.Rule, f.Offset, f.Length, w.rule, wantOff, 2*w.n)
			}
			if line, col := position(enc, f.Offset); f.Line != line || f.Column != col {
				t.Errorf("%s at %d:%d, want %d:%d", w.marker, f.Line, f.Column, line, col)
			}
		}
	}
}
