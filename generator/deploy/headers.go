package deploy

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"regexp"

	"github.com/andybalholm/brotli"

	"statusgen/generator/publish"
	"statusgen/generator/status"
)

// headers are what a target stores a file with.
type headers struct {
	contentType  string
	cacheControl string
	encoding     string // "", "gzip" or "br"
}

// immutable is the Cache-Control of fingerprinted assets: their names
// change with their bytes, so a copy is never stale.
const immutable = "public, max-age=31536000, immutable"

// fingerprinted matches an asset named after a hash of its bytes, as
// statusgen names them: style.5cca2da5a8970979.css.
var fingerprinted = regexp.MustCompile(`\.[0-9a-f]{16}\.[A-Za-z0-9]+$`)

func headersFor(key string, t *status.DeployTarget) headers {
	h := headers{contentType: publish.ContentType(key)}
	if isAsset(key) {
		h.cacheControl = immutable
	} else {
		// Short, so that an update reaches readers within a minute even
		// without a purge; stale-if-error lets a CDN keep serving the
		// last page when the bucket fails, which is when a status page
		// is read most.
		h.cacheControl = fmt.Sprintf("public, max-age=%d", t.MaxAge)
		if t.StaleIfError > 0 {
			h.cacheControl += fmt.Sprintf(", stale-if-error=%d", t.StaleIfError)
		}
	}
	if t.Compress != "" && publish.Compressible(key) {
		h.encoding = t.Compress
	}
	return h
}

// compress encodes body as the target stores it. Both encoders are pure
// Go and deterministic: the same bytes on every machine, so a deploy from
// another machine finds nothing changed.
func compress(encoding string, body []byte) ([]byte, error) {
	var b bytes.Buffer
	var w interface {
		Write([]byte) (int, error)
		Close() error
	}
	switch encoding {
	case "gzip":
		// No name and no time in the header: the bytes depend on the
		// content alone.
		z, err := gzip.NewWriterLevel(&b, gzip.BestCompression)
		if err != nil {
			return nil, err
		}
		w = z
	case "br":
		w = brotli.NewWriterLevel(&b, 9)
	default:
		return nil, fmt.Errorf("unknown encoding %q", encoding)
	}
	if _, err := w.Write(body); err != nil {
		return nil, err
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}
