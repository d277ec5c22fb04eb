package publish

import (
	"path"
	"strings"
)

// ContentType is the Content-Type an output file is served with, the same
// on every machine: the table is statusgen's own, not the system's
// mime.types, which differs from one machine to the next.
func ContentType(name string) string {
	base := path.Base(name)
	switch base {
	case "feed.xml":
		return "application/rss+xml; charset=utf-8"
	case "atom.xml":
		return "application/atom+xml; charset=utf-8"
	}
	if t, ok := contentTypes[strings.ToLower(path.Ext(base))]; ok {
		return t
	}
	return "application/octet-stream"
}

// Compressible says whether a file of this name is text, which
// compresses well; images and fonts are compressed already.
func Compressible(name string) bool {
	return strings.Contains(ContentType(name), "charset=") || strings.HasSuffix(name, ".json")
}

var contentTypes = map[string]string{
	".html":        "text/html; charset=utf-8",
	".xml":         "application/xml; charset=utf-8",
	".json":        "application/json; charset=utf-8",
	".ics":         "text/calendar; charset=utf-8",
	".svg":         "image/svg+xml; charset=utf-8",
	".css":         "text/css; charset=utf-8",
	".js":          "text/javascript; charset=utf-8",
	".mjs":         "text/javascript; charset=utf-8",
	".txt":         "text/plain; charset=utf-8",
	".webmanifest": "application/manifest+json; charset=utf-8",
	".png":         "image/png",
	".jpg":         "image/jpeg",
	".jpeg":        "image/jpeg",
	".gif":         "image/gif",
	".webp":        "image/webp",
	".avif":        "image/avif",
	".ico":         "image/vnd.microsoft.icon",
	".woff":        "font/woff",
	".woff2":       "font/woff2",
	".ttf":         "font/ttf",
	".otf":         "font/otf",
	".pdf":         "application/pdf",
	".mp4":         "video/mp4",
	".webm":        "video/webm",
}
