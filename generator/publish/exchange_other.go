//go:build !linux

package publish

import "errors"

// exchange is unavailable here; swap falls back to two renames.
func exchange(a, b string) error { return errors.New("no atomic exchange on this system") }
