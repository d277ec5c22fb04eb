package source

import (
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"

	"statusgen/generator/status"
)

// The deploy: key of site.yaml lists where statusgen deploy publishes.
// It is read with the rest of the file so that check reports its
// mistakes with the others, before a deploy is tried.

var (
	deployKeys   = []string{"name", "url", "cdn", "max_age", "stale_if_error", "compress"}
	cdnKeys      = []string{"cloudfront", "cloudcdn", "cloudflare", "fastly"}
	compressions = []string{"none", "gzip", "br"}
	// deploySchemes are the gocloud.dev blob drivers statusgen deploy
	// links in.
	deploySchemes = []string{"s3", "gs", "azblob", "file"}
)

// maxCacheSeconds is the longest max_age and stale_if_error: a year, what
// fingerprinted assets get, which never change.
const maxCacheSeconds = 365 * 24 * 60 * 60

// secretsMessage refuses a secret written in site.yaml, which is
// committed, copied and printed; the value itself is never repeated.
const secretsMessage = "secrets go in the environment, not in site.yaml"

// secretWords mark a key or a URL query parameter that holds a secret:
// api_token, secret_access_key, password, Azure's sig and SAS tokens.
var secretWords = []string{"key", "secret", "token", "password", "passwd", "credential", "auth", "sig", "sas"}

// notSecret are the names with a secret word that name no secret:
// s3blob's kmskeyid is the id of the bucket's KMS key, not the key.
var notSecret = []string{"kmskeyid"}

// isSecretName reports whether a key or query parameter name looks like
// it holds a secret.
func isSecretName(name string) bool {
	name = strings.ToLower(name)
	if slices.Contains(notSecret, name) {
		return false
	}
	return slices.ContainsFunc(secretWords, func(w string) bool { return strings.Contains(name, w) })
}

var (
	cloudFrontID = regexp.MustCompile(`^[A-Z0-9]+$`)
	cloudflareID = regexp.MustCompile(`^[0-9a-f]{32}$`)
	// cdnName is a Cloud CDN project or URL map, or a Fastly service: they
	// go into the path of an API request, so no / ? # % or spaces.
	cdnName = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._:-]*$`)
)

// parseDeploy reads the list of deploy targets, checking each as it goes:
// unlike groups, a target refers to nothing else in the file.
func parseDeploy(r *yamlReader, v *yaml.Node) []*status.DeployTarget {
	if v.Kind == yaml.SequenceNode && len(v.Content) == 0 {
		r.errorf(v, "deploy: list at least one target, or leave deploy: out")
		return nil
	}
	items := sequence(r, "deploy", "name and url keys", v)
	out := make([]*status.DeployTarget, 0, len(items))
	seen := make(map[string]bool, len(items))
	for _, item := range items {
		out = append(out, parseTarget(r, item, seen))
	}
	return out
}

func parseTarget(r *yamlReader, item *yaml.Node, seen map[string]bool) *status.DeployTarget {
	t := &status.DeployTarget{MaxAge: status.DefaultMaxAge, StaleIfError: status.DefaultStaleIfError, Line: r.pos(item).Line}
	var has []string
	item = withoutSecrets(r, item, "; statusgen deploy reads the cloud's credentials as the cloud's own tools do")
	hinted := r.mapping(item, deployKeys, func(key string, _, v *yaml.Node) {
		has = append(has, key)
		switch key {
		case "name":
			t.Name, _ = r.str(key, v, false)
			checkTargetName(r, v, t.Name, seen)
		case "url":
			if raw, ok := r.str(key, v, false); ok {
				t.URL = raw
				for _, p := range DeployURLProblems(raw) {
					r.errorf(v, "url: %s", p)
				}
			}
		case "cdn":
			t.CDN = parseCDN(r, v)
		case "max_age":
			t.MaxAge = seconds(r, key, v, t.MaxAge)
		case "stale_if_error":
			t.StaleIfError = seconds(r, key, v, t.StaleIfError)
		case "compress":
			t.Compress = compression(r, v)
		}
	})
	what := "deploy target"
	if t.Name != "" {
		what += fmt.Sprintf(" %q", shorten(t.Name))
	}
	for _, key := range []string{"name", "url"} {
		if !slices.Contains(has, key) && !hinted[key] {
			r.errorf(item, "%s: missing required key %q", what, key)
		}
	}
	return t
}

// checkTargetName holds a target's name, which --target picks, to the
// rule of ids.
func checkTargetName(r *yamlReader, v *yaml.Node, name string, seen map[string]bool) {
	switch {
	case v.Kind != yaml.ScalarNode || v.Tag != "!!str":
		return // reported by str
	case !idPattern.MatchString(name):
		r.errorf(v, "deploy target name %q: use only %s", shorten(name), idRule)
	case len(name) > MaxIDLength:
		r.errorf(v, "%s", tooLong("deploy target name", name))
	case seen[name]:
		r.errorf(v, "duplicate deploy target name %q", name)
	}
	seen[name] = true
}

// DeployURLProblems checks a deploy target's URL: a gocloud.dev blob URL
// of a driver statusgen links in, naming a bucket (or, for file://, an
// absolute folder), without secrets. The problems never quote the URL,
// which may hold one.
func DeployURLProblems(raw string) []string {
	u, err := url.Parse(raw)
	if err != nil {
		// net/url's words quote a part of the URL, as the port of
		// s3://id:se/cret@bucket.
		return []string{"not a valid URL; check its host, port and %-escapes"}
	}
	if !slices.Contains(deploySchemes, u.Scheme) {
		return []string{"use a bucket URL with scheme s3, gs, azblob or file, such as s3://my-bucket?region=eu-west-1"}
	}
	hint := credentialsHint(u.Scheme)
	var problems []string
	if u.User != nil {
		problems = append(problems, "a user or password in the URL: "+secretsMessage+hint)
	}
	problems = append(problems, queryProblems(u.RawQuery, hint)...)
	switch {
	case u.Scheme == "file":
		if u.Opaque != "" || (u.Host != "" && u.Host != "localhost") || !strings.HasPrefix(u.Path, "/") {
			problems = append(problems, "a file URL names an absolute folder, such as file:///srv/status")
		}
	case u.Host == "":
		problems = append(problems, fmt.Sprintf("name the bucket, as in %s://my-bucket", u.Scheme))
	case u.Path != "" && u.Path != "/":
		// gocloud.dev drops the path without a word: the site would land
		// at the top of the bucket.
		problems = append(problems, "the path after the bucket is ignored; to deploy into a folder of the bucket, add ?prefix=folder/")
	}
	return problems
}

// queryProblems refuses query parameters named like secrets, in the order
// written, naming the parameter but not its value.
func queryProblems(query, hint string) []string {
	if _, err := url.ParseQuery(query); err != nil {
		return []string{"the query is not valid; check its %-escapes, and separate parameters with &"}
	}
	var problems []string
	for part := range strings.SplitSeq(query, "&") {
		name, _, _ := strings.Cut(part, "=")
		name, _ = url.QueryUnescape(name) // valid: ParseQuery took it
		if isSecretName(name) {
			problems = append(problems, fmt.Sprintf("query parameter %q: %s%s", shorten(name), secretsMessage, hint))
		}
	}
	return problems
}

// credentialsHint says where a driver's credentials go instead.
func credentialsHint(scheme string) string {
	switch scheme {
	case "s3":
		return "; set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or use a profile"
	case "gs":
		return "; set GOOGLE_APPLICATION_CREDENTIALS, or log in with gcloud"
	case "azblob":
		return "; set AZURE_STORAGE_KEY or AZURE_STORAGE_SAS_TOKEN"
	}
	return ""
}

func parseCDN(r *yamlReader, v *yaml.Node) status.DeployCDN {
	var cdn status.DeployCDN
	if !isMapping(r, "cdn", "of CDNs such as {cloudfront: E2QWRUHAPOMQZL}", v) {
		return cdn
	}
	v = withoutSecrets(r, v, "; set CLOUDFLARE_API_TOKEN or FASTLY_API_TOKEN, or the cloud's own credentials")
	r.mapping(v, cdnKeys, func(key string, _, v *yaml.Node) {
		switch key {
		case "cloudfront":
			if id, ok := r.str(key, v, false); ok {
				cdn.CloudFront = id
				if !cloudFrontID.MatchString(id) {
					r.errorf(v, "cloudfront: %q is not a CloudFront distribution id: capital letters and digits, such as E2QWRUHAPOMQZL", shorten(id))
				}
			}
		case "cloudcdn":
			if f := cdnFields(r, key, v, []string{"project", "url_map"}, "; statusgen deploy reads Google credentials as gcloud does"); f != nil {
				cdn.CloudCDN = &status.CloudCDNTarget{Project: f["project"], URLMap: f["url_map"]}
			}
		case "cloudflare":
			if f := cdnFields(r, key, v, []string{"zone"}, "; set CLOUDFLARE_API_TOKEN"); f != nil {
				cdn.Cloudflare = &status.CloudflareTarget{Zone: f["zone"]}
			}
		case "fastly":
			if f := cdnFields(r, key, v, []string{"service"}, "; set FASTLY_API_TOKEN"); f != nil {
				cdn.Fastly = &status.FastlyTarget{Service: f["service"]}
			}
		}
	})
	return cdn
}

// cdnFields reads the mapping naming what a CDN purges, all of whose keys
// are required; nil when v is no mapping.
func cdnFields(r *yamlReader, cdn string, v *yaml.Node, keys []string, hint string) map[string]string {
	if !isMapping(r, cdn, "with "+strings.Join(keys, " and "), v) {
		return nil
	}
	f := make(map[string]string, len(keys))
	hinted := r.mapping(withoutSecrets(r, v, hint), keys, func(key string, _, v *yaml.Node) {
		s, ok := r.str(key, v, false)
		f[key] = s
		if ok {
			checkCDNValue(r, v, key, s)
		}
	})
	for _, key := range keys {
		if _, ok := f[key]; !ok && !hinted[key] {
			r.errorf(v, "%s: missing required key %q", cdn, key)
		}
	}
	return f
}

func checkCDNValue(r *yamlReader, v *yaml.Node, key, s string) {
	switch {
	case key == "zone":
		if !cloudflareID.MatchString(s) {
			r.errorf(v, "zone: %q is not a Cloudflare zone id: 32 lowercase hexadecimal digits, such as 023e105f4ecef8ad9ca31a8372d0c353", shorten(s))
		}
	case !cdnName.MatchString(s) || len(s) > MaxIDLength:
		r.errorf(v, "%s: %q: use letters, digits and . _ : - only, at most %d of them", key, shorten(s), MaxIDLength)
	}
}

func isMapping(r *yamlReader, key, what string, v *yaml.Node) bool {
	if v.Kind == yaml.MappingNode {
		return true
	}
	found := kindName(v)
	if v.Kind == yaml.ScalarNode && v.Tag != "!!null" {
		found += fmt.Sprintf(" %q", shorten(v.Value))
	}
	r.errorf(v, "%s: expected a mapping %s, found %s", key, what, found)
	return false
}

// withoutSecrets reports the keys of the mapping n named like secrets, at
// the key and without their values, and returns n without them, so that
// they are not reported once more as unknown.
func withoutSecrets(r *yamlReader, n *yaml.Node, hint string) *yaml.Node {
	var kept []*yaml.Node
	for i := 0; i+1 < len(n.Content); i += 2 {
		k := n.Content[i]
		if k.Kind == yaml.ScalarNode && isSecretName(k.Value) {
			r.errorf(k, "%s: %s%s", shorten(k.Value), secretsMessage, hint)
			continue
		}
		kept = append(kept, k, n.Content[i+1])
	}
	if len(kept) == len(n.Content) {
		return n
	}
	c := *n
	c.Content = kept
	return &c
}

// seconds reads max_age or stale_if_error; def stands where it is wrong.
func seconds(r *yamlReader, key string, v *yaml.Node, def int) int {
	n, ok := r.integer(key, v)
	if !ok {
		return def
	}
	if n < 0 || n > maxCacheSeconds {
		r.errorf(v, "%s: %d is out of range; give seconds from 0 to %d (a year)", key, n, maxCacheSeconds)
		return def
	}
	return n
}

// compression reads compress; none is stored as "", as built.
func compression(r *yamlReader, v *yaml.Node) string {
	s, ok := r.str("compress", v, false)
	switch {
	case !ok || s == "none":
		return ""
	case !slices.Contains(compressions, s):
		r.errorf(v, "compress: %q is not a compression%s; use one of %s", shorten(s), DidYouMean(s, compressions), strings.Join(compressions, ", "))
		return ""
	}
	return s
}
