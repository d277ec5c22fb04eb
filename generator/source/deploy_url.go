package source

import (
	"fmt"
	"net/url"
	"strings"
)

// deploySchemes are the blob URL schemes statusgen deploy opens.
var deploySchemes = []string{"s3", "gs", "azblob", "file"}

// CheckDeployURL says what is wrong with a deploy target's URL, if
// anything. Credentials may not be in it: URLs are printed, and site.yaml
// is public in most repositories.
func CheckDeployURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil {
		return fmt.Errorf("not a URL")
	}
	known := false
	for _, s := range deploySchemes {
		known = known || u.Scheme == s
	}
	switch {
	case !known:
		return fmt.Errorf("the URL must start with s3://, gs://, azblob:// or file://")
	case u.User != nil:
		return fmt.Errorf("the URL holds a user name or password: secrets go in the environment, not in the URL")
	case u.Scheme == "file" && (u.Host != "" || !strings.HasPrefix(u.Path, "/")):
		return fmt.Errorf("a file:// URL names an absolute folder, as file:///srv/status")
	case u.Scheme != "file" && u.Host == "":
		return fmt.Errorf("the URL names no bucket, as %s://BUCKET", u.Scheme)
	}
	for k := range u.Query() {
		if secretLike(k) {
			return fmt.Errorf("the URL's %s parameter looks like a secret: secrets go in the environment, not in the URL", k)
		}
	}
	return nil
}

// secretLike says whether a parameter or key name looks like it holds a
// credential.
func secretLike(name string) bool {
	n := strings.ToLower(name)
	for _, w := range []string{"key", "secret", "token", "password", "sig", "sas", "credential"} {
		if strings.Contains(n, w) {
			return true
		}
	}
	return false
}
