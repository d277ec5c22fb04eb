package deploy

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/cloudfront"
	"github.com/aws/aws-sdk-go-v2/service/cloudfront/types"
)

// cloudFront invalidates paths of a distribution with CreateInvalidation,
// as documented at
// https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_CreateInvalidation.html:
//
//	POST https://cloudfront.amazonaws.com/2020-05-31/distribution/{Id}/invalidation
//	<InvalidationBatch><CallerReference/><Paths><Items><Path/>…</Items><Quantity/></Paths></InvalidationBatch>
//
// signed with SigV4 and answered by 201 Created. Credentials are found as
// the AWS CLI finds them (environment, profiles, web identity such as
// GitHub Actions' OIDC role, container and instance roles); the access
// key variables come through Env.Getenv, the rest from the process
// environment, where the SDK reads them.
type cloudFront struct {
	id     string
	http   *http.Client
	getenv func(string) string
}

// cloudFrontMaxPaths is how many paths one invalidation takes. CloudFront
// allows 3,000 paths in progress per distribution
// (https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/InvalidationLimits.html),
// so a larger change is invalidated as one wildcard, of which 15 may be
// in progress.
const cloudFrontMaxPaths = 3000

func newCloudFront(id string, env Env) (*cloudFront, error) {
	c := &cloudFront{id: id, http: env.HTTP, getenv: env.Getenv}
	if env.Getenv("AWS_ACCESS_KEY_ID") != "" && env.Getenv("AWS_SECRET_ACCESS_KEY") == "" {
		return nil, fmt.Errorf("%s: AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not", c.Name())
	}
	return c, nil
}

func (c *cloudFront) Name() string { return "CloudFront " + c.id }

func (c *cloudFront) Purge(ctx context.Context, urls []string) (int, error) {
	us, err := parseSiteURLs(urls)
	if err != nil {
		return 0, fmt.Errorf("%s: %w", c.Name(), err)
	}
	paths := make([]string, len(us))
	for i, u := range us {
		paths[i] = cloudFrontPath(u)
	}
	paths = uniqueStrings(paths)
	if len(paths) == 0 {
		return 0, nil
	}
	if len(paths) > cloudFrontMaxPaths {
		paths = []string{commonURLFolder(paths) + "*"}
	}
	client, err := c.client(ctx)
	if err != nil {
		return 0, err
	}
	ctx, cancel := context.WithTimeout(ctx, requestTimeout)
	defer cancel()
	_, err = client.CreateInvalidation(ctx, &cloudfront.CreateInvalidationInput{
		DistributionId: aws.String(c.id),
		InvalidationBatch: &types.InvalidationBatch{
			CallerReference: aws.String(callerReference(paths, time.Now())),
			Paths:           &types.Paths{Quantity: aws.Int32(int32(len(paths))), Items: paths},
		},
	})
	if err != nil {
		return 1, fmt.Errorf("%s: invalidating %d paths: %w", c.Name(), len(paths), err)
	}
	return 1, nil
}

// client makes a CloudFront client whose credentials are known to be
// there, so that missing ones are told before any request.
func (c *cloudFront) client(ctx context.Context) (*cloudfront.Client, error) {
	opts := []func(*config.LoadOptions) error{config.WithHTTPClient(awsHTTPClient(c.http))}
	if key := c.getenv("AWS_ACCESS_KEY_ID"); key != "" {
		// The same precedence the SDK gives these variables.
		opts = append(opts, config.WithCredentialsProvider(credentials.NewStaticCredentialsProvider(
			key, c.getenv("AWS_SECRET_ACCESS_KEY"), c.getenv("AWS_SESSION_TOKEN"))))
	}
	cfg, err := config.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		return nil, fmt.Errorf("%s: loading the AWS configuration: %w", c.Name(), err)
	}
	if cfg.Region == "" {
		// CloudFront is global; the region only picks the partition.
		cfg.Region = "us-east-1"
	}
	if cfg.Credentials == nil {
		return nil, fmt.Errorf("%s: no AWS credentials", c.Name())
	}
	cctx, cancel := context.WithTimeout(ctx, requestTimeout)
	defer cancel()
	if _, err := cfg.Credentials.Retrieve(cctx); err != nil {
		return nil, fmt.Errorf("%s: no AWS credentials (set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, AWS_PROFILE, or a web identity role): %w", c.Name(), err)
	}
	return cloudfront.NewFromConfig(cfg), nil
}

// awsHTTPClient makes client one the SDK takes whatever the AWS
// configuration says: it adds a custom CA bundle (AWS_CA_BUNDLE, a
// profile's ca_bundle) only to a client of its own kind, and refuses
// any other. The transport's dialer, proxy and TLS settings carry over.
func awsHTTPClient(client *http.Client) config.HTTPClient {
	base, ok := client.Transport.(*http.Transport)
	if client.Transport != nil && !ok || client.Jar != nil || client.CheckRedirect != nil {
		return client
	}
	b := awshttp.NewBuildableClient()
	if base != nil {
		b = b.WithTransportOptions(func(tr *http.Transport) {
			tr.Proxy = base.Proxy
			if base.DialContext != nil {
				tr.DialContext = base.DialContext
			}
			if base.DialTLSContext != nil {
				tr.DialTLSContext = base.DialTLSContext
			}
			if base.TLSClientConfig != nil {
				tr.TLSClientConfig = base.TLSClientConfig.Clone()
			}
		})
	}
	if client.Timeout > 0 {
		b = b.WithTimeout(client.Timeout)
	}
	return b
}

// cloudFrontPath is u's path as an invalidation names it: non-ASCII bytes
// and the characters RFC 1738 calls unsafe percent-encoded, every other
// character as it is, since CloudFront matches nothing when more is
// encoded (Developer Guide, "What you need to know when invalidating
// files"). "?" is encoded too, or CloudFront would take what follows for
// a query string.
func cloudFrontPath(u *url.URL) string {
	const unsafe = "\"#%<>?[\\]^`{|}~"
	p := u.Path
	if p == "" {
		p = "/"
	}
	var b strings.Builder
	for i := 0; i < len(p); i++ {
		ch := p[i]
		if ch <= ' ' || ch >= 0x7f || strings.IndexByte(unsafe, ch) >= 0 {
			fmt.Fprintf(&b, "%%%02X", ch)
		} else {
			b.WriteByte(ch)
		}
	}
	return b.String()
}

// callerReference names one invalidation: unique to the call (its time)
// and telling what it held (a hash of the paths).
func callerReference(paths []string, now time.Time) string {
	h := sha256.New()
	for _, p := range paths {
		h.Write([]byte(p))
		h.Write([]byte{'\n'})
	}
	return "statusgen-" + now.UTC().Format("20060102T150405.000000000Z") + "-" + hex.EncodeToString(h.Sum(nil)[:8])
}
