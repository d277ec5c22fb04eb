package deploy

import (
	"bytes"
	"context"
	"crypto/md5"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gocloud.dev/blob"
)

// TestListFolderWhole: a folder target lists every object with its MD5,
// also "r1.svg" beside a folder "r1/" of more objects than a page of
// fileblob's own, which its paging loses.
func TestListFolderWhole(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	url := "file://" + filepath.ToSlash(dir)
	bucket, err := blob.OpenBucket(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer bucket.Close()
	// More files than a page, written straight into the folder (listed
	// without an MD5, as fileblob keeps none for them), then two through
	// the bucket.
	var keys []string
	if err := os.MkdirAll(filepath.Join(dir, "badges", "r1"), 0o755); err != nil {
		t.Fatal(err)
	}
	for i := range 1200 {
		k := fmt.Sprintf("badges/r1/s%d.svg", i)
		if err := os.WriteFile(filepath.Join(dir, filepath.FromSlash(k)), []byte(k), 0o644); err != nil {
			t.Fatal(err)
		}
		keys = append(keys, k)
	}
	for _, k := range []string{"badges/r1.svg", "index.html"} {
		if err := bucket.WriteAll(ctx, k, []byte(k), nil); err != nil {
			t.Fatal(err)
		}
		keys = append(keys, k)
	}
	// The site has fewer files than the folder: a deploy deletes some.
	got, err := listRemote(ctx, bucket, listPageSize(url, 1000))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(keys) {
		t.Errorf("listed %d objects, want %d", len(got), len(keys))
	}
	for _, k := range keys {
		var sum []byte
		if !strings.HasPrefix(k, "badges/r1/") {
			s := md5.Sum([]byte(k))
			sum = s[:]
		}
		if o, ok := got[k]; !ok || o.size != int64(len(k)) || !bytes.Equal(o.md5, sum) {
			t.Errorf("%s: listed as %+v (present %t)", k, o, ok)
		}
	}
}
