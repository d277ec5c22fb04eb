package publish

// What the external tests, which build real sites through package build,
// reach inside the package for.
type (
	Disk   = disk
	OSDisk = osDisk
)

var (
	PublishOn = publish
	WriteNew  = writeNew
	OldMarker = markerText
)
