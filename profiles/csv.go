package profiles

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
)

// ConsoleKey is one access key from the AWS console's "Download .csv" file.
type ConsoleKey struct {
	Row             int    // 1-based among the file's keys
	Line            int    // line in the file where the row starts
	UserName        string // the IAM user, when the file has a "User name" column
	AccessKeyID     string
	SecretAccessKey string
}

// The console has shipped two shapes (shared/aws-keys.md): the per-key
// download "Access key ID,Secret access key" and the older "Add user" file
// "User name,Password,Access key ID,Secret access key,Console login link".
// Columns are found by name, so either order works.
const (
	colUser   = "user name"
	colID     = "access key id"
	colSecret = "secret access key"
)

// ReadConsoleCSV reads a console key file (see ParseConsoleCSV).
func ReadConsoleCSV(path string) ([]ConsoleKey, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if st.Size() > MaxFileSize {
		return nil, &ParseError{Path: path, Err: fmt.Errorf("is %d bytes, far larger than a console key file", st.Size())}
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return ParseConsoleCSV(path, data)
}

// ParseConsoleCSV parses the AWS console's access-key CSV, in either shape,
// with or without a UTF-8 byte-order mark, with CRLF or LF line endings. It
// returns the keys in file order; their values are trimmed but not
// validated (Credentials.Check does that). Errors never quote a value.
func ParseConsoleCSV(path string, data []byte) ([]ConsoleKey, error) {
	data = bytes.TrimPrefix(data, bom)
	r := csv.NewReader(bytes.NewReader(data))
	r.FieldsPerRecord = -1 // the row checks below say what is wrong more clearly
	header, err := r.Read()
	if errors.Is(err, io.EOF) {
		return nil, &ParseError{Path: path, Err: errors.New("is empty")}
	}
	if err != nil {
		return nil, csvError(path, err)
	}
	cols := map[string]int{}
	for i, h := range header {
		name := strings.ToLower(strings.Join(strings.Fields(h), " "))
		if _, dup := cols[name]; !dup {
			cols[name] = i
		}
	}
	idCol, okID := cols[colID]
	secretCol, okSecret := cols[colSecret]
	if !okID || !okSecret {
		return nil, &ParseError{Path: path, Line: 1, Err: errors.New(`is not an AWS console key file: its first line must name the columns "Access key ID" and "Secret access key"`)}
	}
	userCol, okUser := cols[colUser]
	need := max(idCol, secretCol)
	if okUser {
		need = max(need, userCol)
	}
	var keys []ConsoleKey
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, csvError(path, err)
		}
		line, _ := r.FieldPos(0)
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue // a blank line of spaces
		}
		if len(rec) <= need {
			return nil, &ParseError{Path: path, Line: line, Err: fmt.Errorf("has %d columns, the header names %d", len(rec), len(header))}
		}
		k := ConsoleKey{
			Row:             len(keys) + 1,
			Line:            line,
			AccessKeyID:     strings.TrimSpace(rec[idCol]),
			SecretAccessKey: strings.TrimSpace(rec[secretCol]),
		}
		if okUser {
			k.UserName = strings.TrimSpace(rec[userCol])
		}
		if k.AccessKeyID == "" && k.SecretAccessKey == "" && k.UserName == "" {
			continue // a row of empty cells, as spreadsheets save
		}
		keys = append(keys, k)
	}
	if len(keys) == 0 {
		return nil, &ParseError{Path: path, Err: errors.New("names the key columns but holds no keys")}
	}
	return keys, nil
}

// csvError reports an encoding/csv error by position only: its message
// never includes field contents, but say so plainly.
func csvError(path string, err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return &ParseError{Path: path, Line: pe.Line, Err: fmt.Errorf("is not valid CSV: %v", pe.Err)}
	}
	return &ParseError{Path: path, Err: err}
}
