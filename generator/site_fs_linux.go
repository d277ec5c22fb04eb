package generator

import (
	"os"

	"golang.org/x/sys/unix"
)

const useOpenat2 = true

// openBeneath opens name beneath dir in one call, refusing links and "..";
// ok is false when the call failed for a reason os.Root should report (or
// the kernel lacks openat2), so that errors read as before.
func openBeneath(dir int, name string) (*os.File, bool) {
	fd, err := unix.Openat2(dir, name, &unix.OpenHow{
		Flags:   unix.O_RDONLY | unix.O_CLOEXEC,
		Resolve: unix.RESOLVE_BENEATH | unix.RESOLVE_NO_SYMLINKS | unix.RESOLVE_NO_MAGICLINKS,
	})
	if err != nil {
		return nil, false
	}
	return os.NewFile(uintptr(fd), name), true
}
