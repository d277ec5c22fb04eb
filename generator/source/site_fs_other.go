//go:build !linux

package source

import "os"

const useOpenat2 = false

func openBeneath(int, string, string) (*os.File, bool, error) { return nil, false, nil }

func (s *SiteFS) readLimited(string, *slab) ([]byte, bool, error) { return nil, false, nil }
