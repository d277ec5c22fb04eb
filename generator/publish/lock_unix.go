//go:build unix

package publish

import (
	"os"

	"golang.org/x/sys/unix"
)

// lock takes an exclusive lock on the folder dir, waiting for any other
// build that holds it; the lock goes with the process, also when killed.
func lock(dir string) (unlock func(), err error) {
	f, err := os.Open(dir)
	if err != nil {
		return nil, err
	}
	if err := unix.Flock(int(f.Fd()), unix.LOCK_EX); err != nil {
		f.Close()
		return nil, err
	}
	return func() { f.Close() }, nil
}
