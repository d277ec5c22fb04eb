package status

// DeployTarget is one place `statusgen deploy` publishes to: a bucket,
// named by a gocloud.dev blob URL, and the CDNs in front of it.
type DeployTarget struct {
	Name string
	URL  string // s3://, gs://, azblob:// or file://; no secrets
	CDN  DeployCDN
	// Cache-Control of every file but fingerprinted assets (which are
	// cached for a year): max-age and stale-if-error, in seconds.
	MaxAge       int
	StaleIfError int
	Compress     string // "" (store as built), "gzip" or "br"
	Line         int    // where the target starts in site.yaml
}

// DeployCDN names the CDNs to purge after a deploy; any may be set.
// Their API tokens come from the environment, never from site.yaml.
type DeployCDN struct {
	CloudFront string          // distribution id
	CloudCDN   *CloudCDNTarget // Google Cloud CDN
	Cloudflare *CloudflareTarget
	Fastly     *FastlyTarget
}

// CloudCDNTarget names the URL map whose cache Google Cloud CDN keeps.
type CloudCDNTarget struct {
	Project string
	URLMap  string
}

// CloudflareTarget names a Cloudflare zone; CLOUDFLARE_API_TOKEN purges.
type CloudflareTarget struct {
	Zone string
}

// FastlyTarget names a Fastly service; FASTLY_API_TOKEN purges.
type FastlyTarget struct {
	Service string
}

// Deploy defaults.
const (
	DefaultMaxAge       = 60
	DefaultStaleIfError = 86400
)
