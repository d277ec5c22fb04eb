// Command mkcorpus writes a synthetic status site for benchmarks: N posts
// over R regions and S services, threaded into incidents of 2 to 5 updates,
// with bodies of 1 to 3 paragraphs, all in the past.
//
//	go run ./internal/mkcorpus --out /tmp/site10k --posts 10000
//	go run . build --site /tmp/site10k --out /tmp/site10k/public
package main

import (
	"flag"
	"fmt"
	"os"

	"statusgen/internal/corpus"
)

func main() {
	out := flag.String("out", "", "write the site into this `folder` (content/ in it)")
	posts := flag.Int("posts", 10000, "how many posts")
	regions := flag.Int("regions", 10, "how many regions")
	services := flag.Int("services", 20, "how many services")
	seed := flag.Uint64("seed", 1, "the same seed gives the same site")
	flag.Parse()
	if *out == "" || flag.NArg() > 0 || *posts < 1 || *regions < 1 || *services < 1 {
		fmt.Fprintln(os.Stderr, "usage: go run ./internal/mkcorpus --out FOLDER [--posts N] [--regions R] [--services S] [--seed N]")
		os.Exit(2)
	}
	if _, err := os.Stat(*out + "/content"); err == nil {
		fmt.Fprintf(os.Stderr, "mkcorpus: %s/content exists; choose a new folder\n", *out)
		os.Exit(1)
	}
	if err := corpus.Write(*out, *posts, *regions, *services, *seed); err != nil {
		fmt.Fprintln(os.Stderr, "mkcorpus:", err)
		os.Exit(1)
	}
	fmt.Printf("%s: %d posts, %d regions, %d services; all past at %s\n", *out, *posts, *regions, *services, corpus.Last(*posts).Format("2006-01-02T15:04:05Z07:00"))
}
