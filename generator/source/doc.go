// Package source reads a site's files and checks them: content/site.yaml
// and the posts under content/, parsed through yaml.v3 nodes so that every
// problem is reported at its path:line:col, all of them at once. What it
// makes of them is the model of package status.
//
//	errors.go    Pos, Error, ErrorList: positioned problems, did-you-mean
//	site_fs.go   SiteFS: a site folder that nothing outside can be read through
//	load.go      Load: walk content/ and read site.yaml and every post
//	yaml.go      a YAML reader that keeps positions
//	site.go      site.yaml: its keys, checked
//	deploy.go    site.yaml's deploy: targets, their URLs and CDNs, checked
//	post.go      a post file: front-matter and body, checked against the site
//	validate.go  every post and every incident of the content
//	warn.go      Warnings: what check reports beside errors
//	warn_title.go  the warning of a title naming what its post does not set
//	newpost.go   Compose: the post statusgen new writes, and what it chose
//	slug.go      the words of a new post's file name, accents transliterated
package source
