//go:build unix

package publish

import (
	"errors"
	"fmt"
	"os"

	"golang.org/x/sys/unix"
)

// holdLock takes the lock of the file name without waiting: exclusive for
// a session, which makes the file and removes it when done, shared for a
// build's look. It returns nil, nil when another process holds it.
func holdLock(name string, exclusive bool) (unlock func(), err error) {
	// Neither a link followed nor a named pipe waited on.
	flags := os.O_RDONLY | unix.O_NOFOLLOW | unix.O_NONBLOCK // a build only looks: no file, no session
	if exclusive {
		flags = os.O_RDWR | os.O_CREATE | unix.O_NOFOLLOW | unix.O_NONBLOCK
	}
	f, err := os.OpenFile(name, flags, 0o644)
	switch {
	case errors.Is(err, os.ErrNotExist) && !exclusive:
		return func() {}, nil
	case err != nil:
		return nil, fmt.Errorf("%s: %w; remove it", name, err)
	}
	if info, err := f.Stat(); err != nil || !info.Mode().IsRegular() {
		f.Close()
		return nil, fmt.Errorf("%s is not a regular file; remove it", name)
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
