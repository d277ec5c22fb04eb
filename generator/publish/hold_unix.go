//go:build unix

package publish

import (
	"errors"
	"os"

	"golang.org/x/sys/unix"
)

// holdLock takes the lock of the file name without waiting: exclusive for
// a session, which makes the file and removes it when done, shared for a
// build's look. It returns nil, nil when another process holds it.
func holdLock(name string, exclusive bool) (unlock func(), err error) {
	flags := os.O_RDONLY // a build only looks: no file, no session
	if exclusive {
		flags = os.O_RDWR | os.O_CREATE
	}
	f, err := os.OpenFile(name, flags, 0o644)
	switch {
	case errors.Is(err, os.ErrNotExist) && !exclusive:
		return func() {}, nil
	case err != nil:
		return nil, err
	}
	how := unix.LOCK_SH
	if exclusive {
		how = unix.LOCK_EX
	}
	if err := unix.Flock(int(f.Fd()), how|unix.LOCK_NB); err != nil {
		f.Close()
		if errors.Is(err, unix.EWOULDBLOCK) {
			return nil, nil
		}
		return nil, err
	}
	return func() {
		if exclusive {
			os.Remove(name) // a session that ends leaves nothing beside the output
		}
		f.Close()
	}, nil
}
