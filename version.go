package main

import (
	"fmt"
	"io"
	"runtime/debug"
	"strings"
)

// versionCmd prints the version and revision the binary was built from.
func versionCmd(args []string, stdout, stderr io.Writer) int {
	f := newCommand("version", "", "Prints statusgen's module version, the revision it was built from and the Go version.")
	if code := f.parse(args, stdout, stderr); code >= 0 {
		return code
	}
	info, ok := debug.ReadBuildInfo()
	fmt.Fprintln(stdout, versionLine(info, ok))
	return 0
}

// versionLine is one line: "statusgen v1.2.0, revision 1a2b…,
// 2026-05-01T10:00:00Z, modified, go1.26.0". go run and go test record
// the version "(devel)" and no revision; go build in a git checkout
// records both (unless -buildvcs=false), and go install of a tagged
// module its tag.
func versionLine(info *debug.BuildInfo, ok bool) string {
	if !ok {
		return "statusgen (unknown version: the binary carries no build information)"
	}
	version := info.Main.Version
	if version == "" {
		version = "(devel)"
	}
	parts := []string{"statusgen " + version}
	vcs := map[string]string{}
	for _, s := range info.Settings {
		vcs[s.Key] = s.Value
	}
	if rev := vcs["vcs.revision"]; rev != "" {
		parts = append(parts, "revision "+rev)
		if t := vcs["vcs.time"]; t != "" {
			parts = append(parts, t)
		}
		if vcs["vcs.modified"] == "true" {
			parts = append(parts, "modified")
		}
	} else {
		parts = append(parts, "no VCS revision recorded")
	}
	if info.GoVersion != "" {
		parts = append(parts, info.GoVersion)
	}
	return strings.Join(parts, ", ")
}
