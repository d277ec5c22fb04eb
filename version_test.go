package main

import (
	"runtime/debug"
	"testing"
)

// TestVersionLine: each kind of build says what it recorded.
func TestVersionLine(t *testing.T) {
	vcs := func(rev, at, modified string) []debug.BuildSetting {
		return []debug.BuildSetting{{Key: "-compiler", Value: "gc"}, {Key: "vcs", Value: "git"},
			{Key: "vcs.revision", Value: rev}, {Key: "vcs.time", Value: at}, {Key: "vcs.modified", Value: modified}}
	}
	const rev = "04f81be9012721395a1be301781b42a8b37cf981"
	for _, c := range []struct {
		name string
		info *debug.BuildInfo
		ok   bool
		want string
	}{
		{"go install of a tag", &debug.BuildInfo{GoVersion: "go1.26.0", Main: debug.Module{Path: "statusgen", Version: "v1.2.0"}, Settings: vcs(rev, "2026-05-01T10:00:00Z", "false")},
			true, "statusgen v1.2.0, revision " + rev + ", 2026-05-01T10:00:00Z, go1.26.0"},
		{"go build of a changed checkout", &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Path: "statusgen", Version: "v0.0.0-20260501100000-04f81be90127+dirty"}, Settings: vcs(rev, "2026-05-01T10:00:00Z", "true")},
			true, "statusgen v0.0.0-20260501100000-04f81be90127+dirty, revision " + rev + ", 2026-05-01T10:00:00Z, modified, go1.26.8"},
		{"go run", &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Path: "statusgen", Version: "(devel)"}, Settings: []debug.BuildSetting{{Key: "-compiler", Value: "gc"}}},
			true, "statusgen (devel), no VCS revision recorded, go1.26.8"},
		{"no version at all", &debug.BuildInfo{Main: debug.Module{Path: "statusgen"}}, true, "statusgen (devel), no VCS revision recorded"},
		{"no build information", nil, false, "statusgen (unknown version: the binary carries no build information)"},
	} {
		if got := versionLine(c.info, c.ok); got != c.want {
			t.Errorf("%s:\n got %s\nwant %s", c.name, got, c.want)
		}
	}
}
