// Package serve previews a built site over HTTP with live reload: after each
// rebuild, open pages reload themselves; after a failed one, they show the
// errors until a fix rebuilds the site. The reload script is added to HTML
// responses only, never to the built files.
package serve

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path"
	"strings"
	"sync"
	"time"

	"statusgen/generator/publish"
)

// Paths of the server's own, outside any site's.
const (
	EventsPath = "/__statusgen/events"
	ScriptPath = "/__statusgen/reload.js"
)

// MaxStreams is how many live-reload streams may be open at once: a
// preview has a few tabs; each stream holds a connection and a goroutine
// for as long as its page is open.
const MaxStreams = 32

// Server serves the output folder under the site's base path.
type Server struct {
	out string

	mu      sync.Mutex
	prefix  string // base path, e.g. "/" or "/status/"
	failure string // the last build's errors; "" after a good build
	clients map[chan event]bool
	done    chan struct{}
	closing sync.Once
}

type event struct{ name, data string }

// New serves the folder out.
func New(out string) *Server {
	return &Server{out: out, prefix: "/", clients: map[chan event]bool{}, done: make(chan struct{})}
}

// Built tells the server of a build: open pages reload after a good one and
// show err after a failed one. basePath is the site's, e.g. "/status/".
func (s *Server) Built(basePath string, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ev := event{name: "reload"}
	s.failure = ""
	if basePath != "" {
		s.prefix = basePath
	}
	if err != nil {
		s.failure = err.Error()
		data, _ := json.Marshal(s.failure)
		ev = event{"failure", string(data)}
	}
	for c := range s.clients {
		select {
		case c <- ev:
		default: // a slow page misses one event, not the next
		}
	}
}

// Close ends the event streams, so that a shutdown need not wait for them.
func (s *Server) Close() { s.closing.Do(func() { close(s.done) }) }

func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Cache-Control", "no-store")
	switch {
	case r.Method != http.MethodGet && r.Method != http.MethodHead:
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
	case r.URL.Path == EventsPath:
		s.events(w, r)
	case r.URL.Path == ScriptPath:
		w.Header().Set("Content-Type", "text/javascript; charset=utf-8")
		io.WriteString(w, reloadScript)
	default:
		s.file(w, r)
	}
}

// file serves a file of the site; folders by their index.html, never as a
// listing. os.Root keeps every lookup inside the output folder.
func (s *Server) file(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	prefix := s.prefix
	s.mu.Unlock()
	urlPath := r.URL.Path
	if (urlPath == "/" || urlPath+"/" == prefix) && prefix != "/" {
		redirect(w, r, prefix, http.StatusFound)
		return
	}
	rel, ok := strings.CutPrefix(urlPath, prefix)
	if !ok || strings.ContainsAny(rel, "\\\x00") || hidden(rel) {
		s.notFound(w)
		return
	}
	name := path.Clean("/" + rel)[1:]
	if name == "" || strings.HasSuffix(rel, "/") {
		name = path.Join(name, "index.html")
	}
	root, err := os.OpenRoot(s.out)
	if err != nil {
		// No site yet: a page that shows the first build's errors and
		// reloads once it succeeds.
		s.send(w, r, "index.html", http.StatusServiceUnavailable, []byte(notYet))
		return
	}
	defer root.Close()
	info, err := root.Stat(name)
	switch {
	case err != nil, !info.IsDir() && !info.Mode().IsRegular(): // a named pipe would be read for ever
		s.notFound(w)
		return
	case info.IsDir():
		// To the cleaned path under the prefix, never the request's own:
		// "//regions/" would send the browser to the host "regions".
		redirect(w, r, prefix+strings.TrimSuffix(name, "index.html"), http.StatusMovedPermanently)
		return
	}
	data, err := root.ReadFile(name)
	if err != nil {
		s.notFound(w)
		return
	}
	s.send(w, r, name, http.StatusOK, data)
}

// redirect answers with a redirect to a path of the site, escaped, with
// one slash at its start, so that no browser reads it as an address on
// another host.
func redirect(w http.ResponseWriter, r *http.Request, p string, code int) {
	p = "/" + strings.TrimLeft(p, "/\\")
	if !strings.HasSuffix(p, "/") {
		p += "/"
	}
	http.Redirect(w, r, (&url.URL{Path: p}).EscapedPath(), code)
}

// hidden reports a path that tries to climb out of the site, or names a
// dot file (the marker, a file being replaced), which the site never links.
func hidden(rel string) bool {
	for _, part := range strings.Split(rel, "/") {
		if part == ".." || strings.HasPrefix(part, ".") {
			return true
		}
	}
	return false
}

const notYet = "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Not built yet</title></head>" +
	"<body><p>The site is not built yet; this page reloads when it is.</p></body></html>\n"

// notFound answers with the site's own 404 page.
func (s *Server) notFound(w http.ResponseWriter) {
	name := path.Join(s.out, "404.html")
	var data []byte
	info, err := os.Stat(name)
	if err == nil && info.Mode().IsRegular() {
		data, err = os.ReadFile(name)
	} else if err == nil {
		err = os.ErrInvalid // not a file to read
	}
	if err != nil {
		http.Error(w, "404 page not found", http.StatusNotFound)
		return
	}
	s.send(w, nil, "404.html", http.StatusNotFound, data)
}

func (s *Server) send(w http.ResponseWriter, r *http.Request, name string, status int, data []byte) {
	typ := publish.ContentType(name) // as deploy stores it
	if path.Ext(name) == ".html" {
		data = inject(data)
	}
	w.Header().Set("Content-Type", typ)
	w.Header().Set("Content-Length", fmt.Sprint(len(data)))
	w.WriteHeader(status)
	if r == nil || r.Method != http.MethodHead {
		w.Write(data)
	}
}

// inject adds the reload script before </body>.
func inject(page []byte) []byte {
	tag := []byte(`<script src="` + ScriptPath + `" defer></script>`)
	i := bytes.LastIndex(page, []byte("</body>"))
	if i < 0 {
		return append(page, tag...)
	}
	return append(page[:i:i], append(tag, page[i:]...)...)
}

// events streams Server-Sent Events: "reload" after a good build, "failure"
// with the errors after a failed one (also at once, to a page opened while
// the site is broken).
func (s *Server) events(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/event-stream")
	http.NewResponseController(w).SetWriteDeadline(time.Time{}) // a stream lasts
	c := make(chan event, 4)
	s.mu.Lock()
	if len(s.clients) >= MaxStreams {
		s.mu.Unlock()
		w.Header().Set("Retry-After", "10")
		http.Error(w, fmt.Sprintf("too many live-reload streams open (%d); close some preview tabs", MaxStreams), http.StatusServiceUnavailable)
		return
	}
	s.clients[c] = true
	if s.failure != "" {
		data, _ := json.Marshal(s.failure)
		c <- event{"failure", string(data)}
	}
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		delete(s.clients, c)
		s.mu.Unlock()
	}()
	fmt.Fprint(w, ": connected\n\n")
	http.NewResponseController(w).Flush()
	for {
		select {
		case ev := <-c:
			fmt.Fprintf(w, "event: %s\ndata: %s\n\n", ev.name, ev.data)
			http.NewResponseController(w).Flush()
		case <-r.Context().Done():
			return
		case <-s.done:
			return
		}
	}
}

// reloadScript reloads the page after a rebuild and shows a failed
// rebuild's errors over it.
const reloadScript = `(function () {
  var events = new EventSource("` + EventsPath + `");
  events.addEventListener("reload", function () { location.reload(); });
  events.addEventListener("failure", function (e) {
    var box = document.getElementById("statusgen-build-errors");
    if (!box) {
      box = document.createElement("pre");
      box.id = "statusgen-build-errors";
      box.setAttribute("role", "alert");
      box.style.cssText = "position:fixed;left:0;right:0;bottom:0;max-height:50vh;overflow:auto;margin:0;padding:1em;" +
        "background:#fff0f0;color:#8b0000;border-top:3px solid #c00;font:13px/1.4 monospace;white-space:pre-wrap;z-index:2147483647";
      document.body.appendChild(box);
    }
    box.textContent = "statusgen: the last rebuild failed; this page is the last good build.\n\n" + JSON.parse(e.data);
  });
})();
`
