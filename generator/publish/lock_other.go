//go:build !unix

package publish

// lock is a no-op where flock does not exist: builds of one output folder
// must then not run at once.
func lock(dir string) (unlock func(), err error) { return func() {}, nil }

func sharedLock(dir string) (unlock func(), err error) { return func() {}, nil }
