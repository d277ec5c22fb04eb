package source

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"statusgen/generator/status"
)

// readDeploy reads testSite followed by yml and returns the site and its
// errors, with lines counted from yml's first line, as the tests write
// them.
func readDeploy(t *testing.T, yml string) (*status.Site, []string) {
	t.Helper()
	above := strings.Count(testSite, "\n")
	fsys := fstest.MapFS{SiteFile: {Data: []byte(testSite + yml)}}
	var errs ErrorList
	site := ReadSite(fsys, "", nil, &errs)
	var lines []string
	for _, e := range errs.Sort() {
		if e.Pos.Line <= above {
			t.Fatalf("error above deploy: %v", e)
		}
		e.Pos.Line -= above
		lines = append(lines, e.Error())
	}
	return site, lines
}

// TestDeployRead: the targets as written, with defaults where keys are
// left out, none as "", and the line each starts on.
func TestDeployRead(t *testing.T) {
	yml := `deploy:
  - name: primary
    url: "s3://status-example-com?region=eu-west-1&kmskeyid=arn:aws:kms:eu-west-1:1:key/x"
    cdn:
      cloudfront: E2QWRUHAPOMQZL
      cloudflare: {zone: 023e105f4ecef8ad9ca31a8372d0c353}
  - name: backup
    url: "gs://status-example-com-backup"
    cdn:
      cloudcdn: {project: example-project, url_map: status-map}
      fastly: {service: SU1Z0isxPaozGVKXdv0eY}
    max_age: 30
    stale_if_error: 0
    compress: br
  - {name: mirror, url: "azblob://status?protocol=http", compress: none, max_age: 31536000}
  - name: local
    url: file:///srv/status
    cdn: {}
`
	site, errs := readDeploy(t, yml)
	if errs != nil {
		t.Fatalf("errors: %s", strings.Join(errs, "\n"))
	}
	above := strings.Count(testSite, "\n")
	want := []*status.DeployTarget{
		{Name: "primary", URL: "s3://status-example-com?region=eu-west-1&kmskeyid=arn:aws:kms:eu-west-1:1:key/x",
			CDN:    status.DeployCDN{CloudFront: "E2QWRUHAPOMQZL", Cloudflare: &status.CloudflareTarget{Zone: "023e105f4ecef8ad9ca31a8372d0c353"}},
			MaxAge: status.DefaultMaxAge, StaleIfError: status.DefaultStaleIfError, Line: above + 2},
		{Name: "backup", URL: "gs://status-example-com-backup",
			CDN:    status.DeployCDN{CloudCDN: &status.CloudCDNTarget{Project: "example-project", URLMap: "status-map"}, Fastly: &status.FastlyTarget{Service: "SU1Z0isxPaozGVKXdv0eY"}},
			MaxAge: 30, StaleIfError: 0, Compress: "br", Line: above + 7},
		{Name: "mirror", URL: "azblob://status?protocol=http", MaxAge: 31536000, StaleIfError: status.DefaultStaleIfError, Line: above + 15},
		{Name: "local", URL: "file:///srv/status", MaxAge: status.DefaultMaxAge, StaleIfError: status.DefaultStaleIfError, Line: above + 16},
	}
	if !reflect.DeepEqual(site.Deploy, want) {
		for i, d := range site.Deploy {
			t.Logf("got %d: %+v %+v", i, *d, d.CDN)
		}
		t.Fatal("targets differ")
	}
}

// TestDeployAbsent: without deploy:, nothing is there, not even an empty
// list.
func TestDeployAbsent(t *testing.T) {
	site, errs := readDeploy(t, "")
	if errs != nil || site.Deploy != nil {
		t.Fatalf("errors %v, deploy %v", errs, site.Deploy)
	}
}

func TestDeployErrors(t *testing.T) {
	target := func(extra string) string { return "deploy:\n  - name: a\n    url: s3://b\n" + extra }
	tests := []struct {
		name, yml string
		want      []string
	}{
		{"a mapping", "deploy: {name: a}\n", []string{
			`content/site.yaml:1:9: deploy: expected a list, found a mapping`}},
		{"an empty list", "deploy: []\n", []string{
			`content/site.yaml:1:9: deploy: list at least one target, or leave deploy: out`}},
		{"nothing", "deploy:\n", []string{
			`content/site.yaml:1:8: deploy: expected a list, found nothing`}},
		{"an entry not a mapping", "deploy:\n  - primary\n  - {name: a, url: s3://b}\n", []string{
			`content/site.yaml:2:5: deploy: each entry needs name and url keys, found the value`}},
		{"unknown key", target("    max-age: 5\n"), []string{
			`content/site.yaml:4:5: unknown key "max-age" (did you mean "max_age"?); known keys: name, url, cdn, max_age, stale_if_error, compress`}},
		{"misspelt required key is not also missing", "deploy:\n  - nmae: a\n    url: s3://b\n", []string{
			`content/site.yaml:2:5: unknown key "nmae" (did you mean "name"?); known keys: name, url, cdn, max_age, stale_if_error, compress`}},
		{"a hint is the target's own", "deploy:\n  - nmae: a\n    url: s3://b\n  - url: s3://c\n", []string{
			`content/site.yaml:2:5: unknown key "nmae" (did you mean "name"?); known keys: name, url, cdn, max_age, stale_if_error, compress`,
			`content/site.yaml:4:5: deploy target: missing required key "name"`}},
		{"missing name and url", "deploy:\n  - cdn: {cloudfront: E1}\n", []string{
			`content/site.yaml:2:5: deploy target: missing required key "name"`,
			`content/site.yaml:2:5: deploy target: missing required key "url"`}},
		{"missing url", "deploy:\n  - name: backup\n", []string{
			`content/site.yaml:2:5: deploy target "backup": missing required key "url"`}},
		{"name not an id", "deploy:\n  - name: Primary Site\n    url: s3://b\n", []string{
			`content/site.yaml:2:11: deploy target name "Primary Site": use only lowercase letters, digits and hyphens`}},
		{"name too long", "deploy:\n  - name: " + strings.Repeat("a", 101) + "\n    url: s3://b\n", []string{
			`content/site.yaml:2:11: deploy target name "aaaaaaaaaaaaaaaaaaaa"… is 101 characters long; deploy target names are at most 100`}},
		{"name a number", "deploy:\n  - name: 1\n    url: s3://b\n", []string{
			`content/site.yaml:2:11: name: expected text, found the number "1"`}},
		{"duplicate name at the second", target("  - name: c\n    url: s3://c\n  - url: s3://d\n    name: a\n"), []string{
			`content/site.yaml:7:11: duplicate deploy target name "a"`}},
		{"url not text", "deploy:\n  - name: a\n    url: [s3://b]\n", []string{
			`content/site.yaml:3:10: url: expected text, found a list`}},
		{"url scheme", "deploy:\n  - name: a\n    url: https://bucket.example.com/\n", []string{
			`content/site.yaml:3:10: url: use a bucket URL with scheme s3, gs, azblob or file, such as s3://my-bucket?region=eu-west-1`}},
		{"url without scheme", "deploy:\n  - name: a\n    url: my-bucket\n", []string{
			`content/site.yaml:3:10: url: use a bucket URL with scheme s3, gs, azblob or file, such as s3://my-bucket?region=eu-west-1`}},
		{"url not a URL", "deploy:\n  - name: a\n    url: \"s3://b%zz\"\n", []string{
			`content/site.yaml:3:10: url: not a valid URL; check its host, port and %-escapes`}},
		{"url without bucket", "deploy:\n  - name: a\n    url: gs:///status\n", []string{
			`content/site.yaml:3:10: url: name the bucket, as in gs://my-bucket`}},
		{"url with a path", "deploy:\n  - name: a\n    url: s3://b/status/\n", []string{
			`content/site.yaml:3:10: url: the path after the bucket is ignored; to deploy into a folder of the bucket, add ?prefix=folder/`}},
		{"url with a user and password", "deploy:\n  - name: a\n    url: s3://AKIAEXAMPLE:wJalrXUtnFEMI@b\n", []string{
			`content/site.yaml:3:10: url: a user or password in the URL: secrets go in the environment, not in site.yaml; set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or use a profile`}},
		{"url with secrets in the query", "deploy:\n  - name: a\n    url: \"azblob://c?sv=2022-11-02&SIG=abc&sas_token=x\"\n", []string{
			`content/site.yaml:3:10: url: query parameter "SIG": secrets go in the environment, not in site.yaml; set AZURE_STORAGE_KEY or AZURE_STORAGE_SAS_TOKEN`,
			`content/site.yaml:3:10: url: query parameter "sas_token": secrets go in the environment, not in site.yaml; set AZURE_STORAGE_KEY or AZURE_STORAGE_SAS_TOKEN`}},
		{"url with an escaped secret name", "deploy:\n  - name: a\n    url: \"gs://b?%41ccess_%54oken=x\"\n", []string{
			`content/site.yaml:3:10: url: query parameter "Access_Token": secrets go in the environment, not in site.yaml; set GOOGLE_APPLICATION_CREDENTIALS, or log in with gcloud`}},
		{"url with a bad query", "deploy:\n  - name: a\n    url: \"s3://b?region=x;y=z\"\n", []string{
			`content/site.yaml:3:10: url: the query is not valid; check its %-escapes, and separate parameters with &`}},
		{"file url relative", "deploy:\n  - name: a\n    url: file://public\n  - name: b\n    url: file:public\n  - name: c\n    url: file://./public\n", []string{
			`content/site.yaml:3:10: url: a file URL names an absolute folder, such as file:///srv/status`,
			`content/site.yaml:5:10: url: a file URL names an absolute folder, such as file:///srv/status`,
			`content/site.yaml:7:10: url: a file URL names an absolute folder, such as file:///srv/status`}},
		{"file url of localhost", "deploy:\n  - name: a\n    url: file://localhost/srv/status\n", nil},
		{"secret key on the target", target("    secret_access_key: wJalrXUtnFEMI\n"), []string{
			`content/site.yaml:4:5: secret_access_key: secrets go in the environment, not in site.yaml; statusgen deploy reads the cloud's credentials as the cloud's own tools do`}},
		{"cdn not a mapping", target("    cdn: E2QWRUHAPOMQZL\n"), []string{
			`content/site.yaml:4:10: cdn: expected a mapping of CDNs such as {cloudfront: E2QWRUHAPOMQZL}, found the value "E2QWRUHAPOMQZL"`}},
		{"cdn unknown", target("    cdn:\n      cloudfrnt: E2QWRUHAPOMQZL\n      akamai: x\n"), []string{
			`content/site.yaml:5:7: unknown key "cloudfrnt" (did you mean "cloudfront"?); known keys: cloudfront, cloudcdn, cloudflare, fastly`,
			`content/site.yaml:6:7: unknown key "akamai"; known keys: cloudfront, cloudcdn, cloudflare, fastly`}},
		{"cdn token", target("    cdn:\n      cloudflare_api_token: x\n"), []string{
			`content/site.yaml:5:7: cloudflare_api_token: secrets go in the environment, not in site.yaml; set CLOUDFLARE_API_TOKEN or FASTLY_API_TOKEN, or the cloud's own credentials`}},
		{"cloudfront id", target("    cdn: {cloudfront: e2qw-1}\n"), []string{
			`content/site.yaml:4:23: cloudfront: "e2qw-1" is not a CloudFront distribution id: capital letters and digits, such as E2QWRUHAPOMQZL`}},
		{"cloudfront empty", target("    cdn: {cloudfront: \"\"}\n"), []string{
			`content/site.yaml:4:23: cloudfront: "" is not a CloudFront distribution id: capital letters and digits, such as E2QWRUHAPOMQZL`}},
		{"cloudfront a mapping", target("    cdn: {cloudfront: {id: E1}}\n"), []string{
			`content/site.yaml:4:23: cloudfront: expected text, found a mapping`}},
		{"cloudcdn missing url_map", target("    cdn:\n      cloudcdn:\n        project: example\n"), []string{
			`content/site.yaml:6:9: cloudcdn: missing required key "url_map"`}},
		{"cloudcdn misspelt url_map", target("    cdn:\n      cloudcdn: {project: example, urlmap: m}\n"), []string{
			`content/site.yaml:5:36: unknown key "urlmap" (did you mean "url_map"?); known keys: project, url_map`}},
		{"cloudcdn a name", target("    cdn: {cloudcdn: example}\n"), []string{
			`content/site.yaml:4:21: cloudcdn: expected a mapping with project and url_map, found the value "example"`}},
		{"cloudcdn names with slashes", target("    cdn: {cloudcdn: {project: ../x, url_map: \"a b\"}}\n"), []string{
			`content/site.yaml:4:31: project: "../x": use letters, digits and . _ : - only, at most 100 of them`,
			`content/site.yaml:4:46: url_map: "a b": use letters, digits and . _ : - only, at most 100 of them`}},
		{"cloudflare zone", target("    cdn:\n      cloudflare: {zone: example.com}\n"), []string{
			`content/site.yaml:5:26: zone: "example.com" is not a Cloudflare zone id: 32 lowercase hexadecimal digits, such as 023e105f4ecef8ad9ca31a8372d0c353`}},
		{"cloudflare token", target("    cdn:\n      cloudflare:\n        zone: 023e105f4ecef8ad9ca31a8372d0c353\n        api_token: x\n"), []string{
			`content/site.yaml:7:9: api_token: secrets go in the environment, not in site.yaml; set CLOUDFLARE_API_TOKEN`}},
		{"cloudflare empty", target("    cdn: {cloudflare: {}}\n"), []string{
			`content/site.yaml:4:23: cloudflare: missing required key "zone"`}},
		{"cloudflare nothing", target("    cdn:\n      cloudflare:\n"), []string{
			`content/site.yaml:5:18: cloudflare: expected a mapping with zone, found nothing`}},
		{"fastly key", target("    cdn:\n      fastly: {service: SU1Z0isxPaozGVKXdv0eY, key: x}\n"), []string{
			`content/site.yaml:5:48: key: secrets go in the environment, not in site.yaml; set FASTLY_API_TOKEN`}},
		{"fastly without service", target("    cdn:\n      fastly: {servce: SU1Z0isxPaozGVKXdv0eY, id: x}\n"), []string{
			`content/site.yaml:5:16: unknown key "servce" (did you mean "service"?); known keys: service`,
			`content/site.yaml:5:47: unknown key "id"; known keys: service`}},
		{"max_age out of range", target("    max_age: -1\n    stale_if_error: 31536001\n"), []string{
			`content/site.yaml:4:14: max_age: -1 is out of range; give seconds from 0 to 31536000 (a year)`,
			`content/site.yaml:5:21: stale_if_error: 31536001 is out of range; give seconds from 0 to 31536000 (a year)`}},
		{"max_age not whole", target("    max_age: 1.5\n    stale_if_error: 1h\n"), []string{
			`content/site.yaml:4:14: max_age: expected a whole number, found the number "1.5"`,
			`content/site.yaml:5:21: stale_if_error: expected a whole number, found the value "1h"`}},
		{"compress", target("    compress: brotli\n  - name: c\n    url: s3://c\n    compress: gzp\n"), []string{
			`content/site.yaml:4:15: compress: "brotli" is not a compression; use one of none, gzip, br`,
			`content/site.yaml:7:15: compress: "gzp" is not a compression (did you mean "gzip"?); use one of none, gzip, br`}},
		{"compress a boolean", target("    compress: false\n"), []string{
			`content/site.yaml:4:15: compress: expected text, found the boolean "false"`}},
		{"duplicate key", target("    url: s3://c\n"), []string{
			`content/site.yaml:4:5: duplicate key "url"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, got := readDeploy(t, tt.yml)
			if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("errors:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
		})
	}
}

// TestDeployTopLevelHint: a misspelt key of site.yaml's own is still
// taken for the required key it names, around a deploy: with hints of
// its own.
func TestDeployTopLevelHint(t *testing.T) {
	yml := strings.Replace(testSite, "title:", "titel:", 1) + "deploy:\n  - nmae: a\n    url: s3://b\n"
	var errs ErrorList
	ReadSite(fstest.MapFS{SiteFile: {Data: []byte(yml)}}, "", nil, &errs)
	if len(errs) != 2 || !strings.Contains(errs.Sort().Error(), `unknown key "titel"`) || strings.Contains(errs.Error(), "missing") {
		t.Fatalf("errors:\n%v", errs.Sort())
	}
}

// TestDeploySecretsNotQuoted: no message repeats a secret, wherever it
// was written.
func TestDeploySecretsNotQuoted(t *testing.T) {
	const secret = "Zq8sEcReTvAlUe"
	for _, yml := range []string{
		"    url: s3://AKIA:" + secret + "@b\n",
		"    url: s3://AKIA:" + secret + "/x@b\n", // net/url reads the secret as the port
		"    url: s3://b?x-amz-security-token=" + secret + "\n",
		"    url: \"s3://b?region=%zz" + secret + "\"\n",
		"    url: \"azblob://c?sig=" + secret + "\"\n",
		"    url: s3://b\n    aws_secret: " + secret + "\n",
		"    url: s3://b\n    cdn: {fastly: {service: S, token: " + secret + "}}\n",
		"    url: s3://b\n    cdn: {cloudflare: {zone: 023e105f4ecef8ad9ca31a8372d0c353, API_KEY: " + secret + "}}\n",
	} {
		_, errs := readDeploy(t, "deploy:\n  - name: a\n"+yml)
		if len(errs) == 0 {
			t.Errorf("%q: no error", yml)
		}
		for _, e := range errs {
			if strings.Contains(e, secret[2:8]) {
				t.Errorf("%q: the secret is quoted: %s", yml, e)
			}
		}
	}
}

// TestDeploySecretNames: our own keys never look like secrets, and the
// words do in any case.
func TestDeploySecretNames(t *testing.T) {
	for _, keys := range [][]string{deployKeys, cdnKeys, {"project", "url_map", "zone", "service"}, {"region", "endpoint", "use_path_style", "disable_https", "profile", "prefix", "kmskeyid", "protocol", "domain", "storage_account", "localemu", "anonymous"}} {
		for _, k := range keys {
			if isSecretName(k) {
				t.Errorf("%s taken for a secret", k)
			}
		}
	}
	for _, k := range []string{"token", "api_key", "X-Amz-Signature", "Password", "sas", "AWS_SECRET_ACCESS_KEY", "credentials", "authorization"} {
		if !isSecretName(k) {
			t.Errorf("%s not taken for a secret", k)
		}
	}
}

// TestDeployManyTargets: thousands of targets of one name are read in
// linear time, each duplicate reported once.
func TestDeployManyTargets(t *testing.T) {
	const n = 20000
	var b strings.Builder
	b.WriteString("deploy:\n")
	for range n {
		b.WriteString("  - {name: a, url: \"s3://b\"}\n")
	}
	start := time.Now()
	site, errs := readDeploy(t, b.String())
	if len(site.Deploy) != n || len(errs) != n-1 || errs[0] != fmt.Sprintf("content/site.yaml:3:12: duplicate deploy target name %q", "a") {
		t.Fatalf("%d targets, %d errors, the first %q", len(site.Deploy), len(errs), errs[0])
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("took %v", d)
	}
}
