package deploy

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"statusgen/generator/status"
)

const (
	fastlyService = "SU1Z0isxPaozGVKXdv0eY"
	fastlyToken   = "fastly-ZmFzdGx5LXRva2Vu"
)

// fastlyServer answers as Fastly's purging API does
// (https://www.fastly.com/documentation/reference/api/purging/): "Purge a
// URL", POST /purge/{host}/{path}, and "Purge everything from a service",
// POST /service/{service_id}/purge_all, each with the Fastly-Key header
// and no body, answered by {"status": "ok", "id": ...}. fail, if not nil,
// may refuse a call instead.
func fastlyServer(t *testing.T, fail func(w http.ResponseWriter) bool) func(http.ResponseWriter, cdnCall) {
	return func(w http.ResponseWriter, c cdnCall) {
		if !checkFastlyCall(t, c) {
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		if fail != nil && fail(w) {
			return
		}
		w.Header().Set("Content-Type", "application/json")
		if strings.HasSuffix(c.Path, "/purge_all") {
			fmt.Fprint(w, `{"status":"ok"}`)
			return
		}
		fmt.Fprint(w, `{"status":"ok","id":"108-1391560174-974124"}`)
	}
}

func checkFastlyCall(t *testing.T, c cdnCall) bool {
	ok := true
	fail := func(format string, args ...any) {
		t.Errorf("Fastly request: "+format, args...)
		ok = false
	}
	purgeAll := "/service/" + fastlyService + "/purge_all"
	if c.Method != http.MethodPost || c.Host != "api.fastly.com" ||
		!(c.Path == purgeAll || strings.HasPrefix(c.Path, "/purge/status.example.com/")) {
		fail("%s %s%s", c.Method, c.Host, c.Path)
	}
	if got := c.Header.Get("Fastly-Key"); got != fastlyToken {
		fail("Fastly-Key %q", got)
	}
	if c.Header.Get("Fastly-Soft-Purge") != "" {
		fail("a soft purge")
	}
	if len(c.Body) != 0 {
		fail("body %q", c.Body)
	}
	return ok
}

func fastlyPurger(t *testing.T, client *http.Client) Purger {
	t.Helper()
	ps, err := Purgers(status.DeployCDN{Fastly: &status.FastlyTarget{Service: fastlyService}},
		cdnTestEnv(client, map[string]string{"FASTLY_API_TOKEN": fastlyToken}))
	if err != nil {
		t.Fatal(err)
	}
	return ps[0]
}

func TestFastlyPurgesUpTo100URLsOneByOne(t *testing.T) {
	api, client := startCDNAPI(t, fastlyServer(t, nil))
	urls := cdnPageURLs("https://status.example.com/status/", 50)
	n, err := fastlyPurger(t, client).Purge(context.Background(), urls)
	if err != nil {
		t.Fatal(err)
	}
	calls := api.Calls()
	if n != 100 || len(calls) != 100 {
		t.Fatalf("%d requests told, %d made, want 100", n, len(calls))
	}
	var purged []string
	for _, c := range calls {
		purged = append(purged, "https://"+strings.TrimPrefix(c.Path, "/purge/"))
	}
	slices.Sort(purged)
	if !slices.Equal(purged, urls) {
		t.Errorf("purged %q…, want %q…", purged[:2], urls[:2])
	}
}

func TestFastlyPurgesAllPast100URLs(t *testing.T) {
	api, client := startCDNAPI(t, fastlyServer(t, nil))
	urls := cdnFileURLs("https://status.example.com/status/", 101)
	n, err := fastlyPurger(t, client).Purge(context.Background(), urls)
	if err != nil {
		t.Fatal(err)
	}
	calls := api.Calls()
	if n != 1 || len(calls) != 1 || calls[0].Path != "/service/"+fastlyService+"/purge_all" {
		t.Fatalf("%d requests told, made %+v", n, calls)
	}
}

func TestFastlyKeepsThePathAsEscaped(t *testing.T) {
	api, client := startCDNAPI(t, fastlyServer(t, nil))
	u := "https://status.example.com/status/incidents/caf%C3%A9%20menu/"
	if _, err := fastlyPurger(t, client).Purge(context.Background(), []string{u}); err != nil {
		t.Fatal(err)
	}
	if got := api.Calls()[0].Path; got != "/purge/status.example.com/status/incidents/caf%C3%A9%20menu/" {
		t.Errorf("path = %q", got)
	}
}

func TestFastlyErrors(t *testing.T) {
	for _, tc := range []struct {
		name   string
		status int
		body   string
		want   []string
	}{
		{"refused", 401, `{"msg":"Provided credentials are missing or invalid","detail":"key ` + fastlyToken + `"}`,
			[]string{"HTTP 401 Unauthorized", "Provided credentials are missing or invalid: key [redacted]"}},
		{"not ok", 200, `{"status":"queued"}`, []string{"HTTP 200 OK", `{"status":"queued"}`}},
		{"no JSON", 503, "upstream connect error", []string{"HTTP 503 Service Unavailable: upstream connect error"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			api, client := startCDNAPI(t, fastlyServer(t, func(w http.ResponseWriter) bool {
				w.WriteHeader(tc.status)
				w.Write([]byte(tc.body))
				return true
			}))
			urls := []string{"https://status.example.com/status/"}
			n, err := fastlyPurger(t, client).Purge(context.Background(), urls)
			if err == nil {
				t.Fatal("no error")
			}
			if n != 1 || len(api.Calls()) != 1 {
				t.Errorf("%d requests told, %d made", n, len(api.Calls()))
			}
			for _, want := range append(tc.want, "Fastly service "+fastlyService+": purging status.example.com/status/") {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error lacks %q:\n%v", want, err)
				}
			}
			if strings.Contains(err.Error(), fastlyToken) {
				t.Errorf("error shows the token: %v", err)
			}
		})
	}
}

func TestFastlyStopsAtTheFirstError(t *testing.T) {
	api, client := startCDNAPI(t, fastlyServer(t, func(w http.ResponseWriter) bool {
		w.WriteHeader(http.StatusInternalServerError)
		w.Write([]byte(`{"msg":"internal error"}`))
		return true
	}))
	n, err := fastlyPurger(t, client).Purge(context.Background(), cdnFileURLs("https://status.example.com/", 100))
	if err == nil || !strings.Contains(err.Error(), "internal error") {
		t.Fatalf("error %v", err)
	}
	// Requests under way when the first failed may be cut off unsent.
	if made := len(api.Calls()); n < made || n > purgeWorkers || made < 1 {
		t.Errorf("%d requests told, %d made after the first failed", n, made)
	}
}
