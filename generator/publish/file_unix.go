//go:build unix

package publish

import (
	"io/fs"

	"golang.org/x/sys/unix"
)

// writeNew writes data to the file name, made or emptied, with plain system
// calls: os.File's set-up for the poller (epoll, a finalizer) costs about
// as much as the write itself for the thousands of small files of a build.
func writeNew(name string, data []byte) error {
	fd, err := retry(func() (int, error) {
		return unix.Open(name, unix.O_WRONLY|unix.O_CREAT|unix.O_TRUNC|unix.O_CLOEXEC, 0o644)
	})
	if err != nil {
		return &fs.PathError{Op: "open", Path: name, Err: err}
	}
	for len(data) > 0 && err == nil {
		var n int
		n, err = retry(func() (int, error) { return unix.Write(fd, data) })
		data = data[n:]
	}
	if cerr := unix.Close(fd); err == nil {
		err = cerr
	}
	if err != nil {
		return &fs.PathError{Op: "write", Path: name, Err: err}
	}
	return nil
}

// retry calls f again while it is interrupted by a signal.
func retry(f func() (int, error)) (int, error) {
	for {
		n, err := f()
		if err != unix.EINTR {
			return max(n, 0), err
		}
	}
}
