//go:build unix

package publish

import (
	"os"

	"golang.org/x/sys/unix"
)

// lock takes an exclusive lock on the folder dir, waiting for any other
// build that holds it; the lock goes with the process, also when killed.
func lock(dir string) (unlock func(), err error) { return flock(dir, unix.LOCK_EX) }

// sharedLock takes a shared lock on dir: builds wait for it to be let go,
// and it waits for a build that holds the lock.
func sharedLock(dir string) (unlock func(), err error) { return flock(dir, unix.LOCK_SH) }

func flock(dir string, how int) (unlock func(), err error) {
	f, err := os.Open(dir)
	if err != nil {
		return nil, err
	}
	if err := unix.Flock(int(f.Fd()), how); err != nil {
		f.Close()
		return nil, err
	}
	return func() { f.Close() }, nil
}
