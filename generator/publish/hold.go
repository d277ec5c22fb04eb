package publish

import (
	"fmt"
	"os"
	"path/filepath"
	"sync"
)

// A watch or serve session writes its output folder in place, build after
// build. A build from another process would swap the folder under it and
// leave the session's list of outputs, and the marker, wrong. So a session
// holds the folder: a build or a second session into it refuses.

// held lists the folders this process holds, which its own Publish may
// replace (a session's first build), each with its unlock.
var held sync.Map

// ErrHeld says an output folder is held by a session of another process.
type ErrHeld struct{ Out string }

func (e ErrHeld) Error() string {
	return fmt.Sprintf("%s is kept up to date by a statusgen watch or serve; stop it first, or write to another --out", e.Out)
}

// Hold marks out as kept up to date in place by this process until
// release is called (or the process ends).
func Hold(out string) (release func(), err error) {
	out = realPath(out)
	if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil { // as Publish would
		return nil, err
	}
	unlock, err := holdLock(holdFile(out), true)
	if err != nil {
		return nil, err
	}
	if unlock == nil {
		return nil, ErrHeld{out}
	}
	held.Store(out, unlock) // which keeps the lock's file open, out of the collector's reach
	return func() { held.Delete(out); unlock() }, nil
}

// notHeld fails when another process holds out.
func notHeld(out string) error {
	if _, mine := held.Load(out); mine {
		return nil
	}
	unlock, err := holdLock(holdFile(out), false)
	switch {
	case err != nil:
		return err
	case unlock == nil:
		return ErrHeld{out}
	}
	unlock()
	return nil
}

// holdFile is the lock file beside out: not named like a staging folder,
// which removeStale would take away.
func holdFile(out string) string {
	parent, name := filepath.Split(out)
	return filepath.Join(parent, "."+name+".statusgen.lock")
}
