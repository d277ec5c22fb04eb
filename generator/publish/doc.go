// Package publish is the one way statusgen writes an output folder:
// Publish stages a whole site beside it and swaps it in, Update replaces
// changed files in place for watch and serve. Both keep the folder's
// marker listing every file statusgen wrote, and take the same lock.
//
//	checkout.go  CheckOut: which folders a build may replace
//	marker.go    the .statusgen marker and the files it lists
//	write.go     Publish: stage, carry unchanged files over, swap
//	update.go    Update: replace changed files atomically, remove old ones
//	lock_*.go, exchange_*.go, file_*.go: what each system offers for them
package publish
