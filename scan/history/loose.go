package history

import (
	"bufio"
	"bytes"
	"compress/zlib"
	"context"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"

	"github.com/go-git/go-git/v5/plumbing"
)

// loosePass adds the loose objects to the inventory, testing loose blobs
// with the prefilter.
func loosePass(ctx context.Context, objectsDir string, pf *prefilter, maxBlob int64, inv *inventory) error {
	dirs, err := os.ReadDir(objectsDir)
	if err != nil {
		return err
	}
	for _, d := range dirs {
		if len(d.Name()) != 2 || !d.IsDir() {
			continue
		}
		if _, err := hex.DecodeString(d.Name()); err != nil {
			continue
		}
		files, err := os.ReadDir(filepath.Join(objectsDir, d.Name()))
		if err != nil {
			return err
		}
		for _, f := range files {
			if err := ctx.Err(); err != nil {
				return err
			}
			raw, err := hex.DecodeString(d.Name() + f.Name())
			if err != nil || len(raw) != 20 {
				continue
			}
			var h plumbing.Hash
			copy(h[:], raw)
			inv.loose[h] = true
			inv.count++
			st, err := readLoose(filepath.Join(objectsDir, d.Name(), f.Name()), pf, maxBlob)
			if err != nil {
				inv.blobs[h] = blobState{reason: err.Error()}
				continue
			}
			if st.hot || st.reason != "" {
				inv.blobs[h] = st
			}
		}
	}
	return nil
}

// readLoose tests one loose object: only blobs can be hot.
func readLoose(path string, pf *prefilter, maxBlob int64) (blobState, error) {
	f, err := os.Open(path)
	if err != nil {
		return blobState{}, fmt.Errorf("cannot read loose object: %w", err)
	}
	defer f.Close()
	zr, err := zlib.NewReader(bufio.NewReader(f))
	if err != nil {
		return blobState{}, fmt.Errorf("corrupt loose object: %w", err)
	}
	br := bufio.NewReader(zr)
	hdr, err := br.ReadBytes(0)
	if err != nil {
		return blobState{}, fmt.Errorf("corrupt loose object: %w", err)
	}
	typ, sizeStr, ok := bytes.Cut(hdr[:len(hdr)-1], []byte{' '})
	if !ok || string(typ) != "blob" {
		return blobState{}, nil
	}
	size, err := strconv.ParseInt(string(sizeStr), 10, 64)
	if err != nil {
		return blobState{}, fmt.Errorf("corrupt loose object header")
	}
	if size > maxBlob {
		return blobState{reason: fmt.Sprintf("blob of %d bytes is larger than the %d-byte limit", size, maxBlob)}, nil
	}
	data := make([]byte, size)
	if _, err := io.ReadFull(br, data); err != nil {
		return blobState{}, fmt.Errorf("corrupt loose object: %w", err)
	}
	var fl flags
	for _, s := range pf.spans(data, 0, false, false, true, nil) {
		fl |= s.kind
	}
	return blobState{hot: fl.candidate()}, nil
}
