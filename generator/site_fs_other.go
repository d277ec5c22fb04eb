//go:build !linux

package generator

import "os"

func openBeneathDir(string) *os.File { return nil }

func openBeneath(int, string) (*os.File, bool) { return nil, false }
