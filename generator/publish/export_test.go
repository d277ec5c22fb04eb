package publish

import "time"

// What the external tests, which build real sites through package build,
// reach inside the package for.
type (
	Disk   = disk
	OSDisk = osDisk
)

var (
	WriteNew  = writeNew
	OldMarker = markerText
)

// PublishOn is Publish writing through d.
func PublishOn(out string, build func(emit func(string, []byte) error) error, d disk) ([]string, error) {
	return publish(out, "", time.Time{}, build, d)
}
