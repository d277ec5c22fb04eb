// Package deploy publishes a built site to object storage and purges the
// CDNs in front of it: what `statusgen deploy` does.
//
//	deploy.go      Run: each target in turn, completely or with its error
//	site.go        the build as deploy reads it: its files, its address
//	plan.go        what changed against the bucket; upload stage by stage,
//	               delete, and the manifest of what a deploy stored
//	headers.go     Content-Type, Cache-Control and compression per file
//	purge.go       the Purger of each CDN a target names
//	cloudfront.go  CloudFront invalidations
//	cloudcdn.go    Google Cloud CDN invalidations
//	cloudflare.go  Cloudflare purge by URL
//	fastly.go      Fastly purge by URL
//	ping.go        the WebSub hub's publish ping
//	progress.go    the progress line and the summary
package deploy
