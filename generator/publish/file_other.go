//go:build !unix

package publish

import "os"

func writeNew(name string, data []byte) error { return os.WriteFile(name, data, 0o644) }
