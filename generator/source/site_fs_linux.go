package source

import (
	"io"
	"io/fs"
	"os"

	"golang.org/x/sys/unix"
)

const useOpenat2 = true

// openBeneath opens name beneath dir in one call, refusing links and "..",
// and anything but a file or a folder, as a file called as; ok is false when the call failed for a reason
// os.Root should report (or the kernel lacks openat2), so that errors read
// as before.
func openBeneath(dir int, name, as string) (*os.File, bool, error) {
	// Without blocking, so that a named pipe is seen for what it is
	// rather than waited on for ever.
	fd, err := unix.Openat2(dir, name, &unix.OpenHow{
		Flags:   unix.O_RDONLY | unix.O_CLOEXEC | unix.O_NONBLOCK,
		Resolve: unix.RESOLVE_BENEATH | unix.RESOLVE_NO_SYMLINKS | unix.RESOLVE_NO_MAGICLINKS,
	})
	if err != nil {
		// A link on the way (ELOOP) is left to os.Root's side, which
		// names it; anything else os.Root reports as before.
		return nil, false, nil
	}
	var st unix.Stat_t
	if err := unix.Fstat(fd, &st); err != nil || (st.Mode&unix.S_IFMT != unix.S_IFREG && st.Mode&unix.S_IFMT != unix.S_IFDIR) {
		unix.Close(fd)
		return nil, true, notRegular(name)
	}
	unix.SetNonblock(fd, false)
	return os.NewFile(uintptr(fd), as), true, nil
}

// readLimited reads a post as readAll does, through a bare descriptor:
// os.File's set-up (fcntl, a finalizer) is a tenth of reading a small
// file. ok is false when openat2 failed and os.Root is to answer.
func (s *SiteFS) readLimited(name string, sl *slab) (data []byte, ok bool, err error) {
	if s.dir == nil || !fs.ValidPath(name) {
		return nil, false, nil
	}
	fd, err := unix.Openat2(s.fd, name, &unix.OpenHow{
		Flags:   unix.O_RDONLY | unix.O_CLOEXEC | unix.O_NONBLOCK, // a named pipe must not block the open
		Resolve: unix.RESOLVE_BENEATH | unix.RESOLVE_NO_SYMLINKS | unix.RESOLVE_NO_MAGICLINKS,
	})
	if err != nil {
		return nil, false, nil
	}
	defer unix.Close(fd)
	var st unix.Stat_t
	if err := unix.Fstat(fd, &st); err != nil {
		return nil, true, &fs.PathError{Op: "stat", Path: name, Err: err}
	}
	if st.Mode&unix.S_IFMT != unix.S_IFREG {
		return nil, true, notRegular(name)
	}
	// A regular file reads alike with O_NONBLOCK: no call to clear it.
	data, err = readAll(fdReader(fd), st.Size, sl)
	if err != nil {
		if _, big := err.(tooBig); !big {
			err = &fs.PathError{Op: "read", Path: name, Err: err}
		}
	}
	return data, true, err
}

// fdReader reads a descriptor.
type fdReader int

func (fd fdReader) Read(b []byte) (int, error) {
	for {
		n, err := unix.Read(int(fd), b)
		switch {
		case err == unix.EINTR:
			continue
		case err != nil:
			return 0, err
		case n == 0 && len(b) > 0:
			return 0, io.EOF
		}
		return n, nil
	}
}
