// Command mkcorpus writes a synthetic status site for benchmarks: posts
// over regions and services, threaded into incidents, all in the past, in
// one of the shapes of internal/corpus or with knobs of its own.
//
//	go run ./internal/mkcorpus --out /tmp/rich --shape rich
//	go run ./internal/mkcorpus --out /tmp/site --posts 5000 --regions 3 --services 4 --body 2000 --table
//	go run . build --site /tmp/rich --out /tmp/rich/public --now 2020-01-01T00:00:00Z
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"statusgen/internal/corpus"
)

func main() { os.Exit(run(os.Args[1:], os.Stdout, os.Stderr)) }

// run is the whole command; it returns the exit code.
func run(args []string, stdout, stderr io.Writer) int {
	fl := flag.NewFlagSet("mkcorpus", flag.ContinueOnError)
	fl.SetOutput(stderr)
	out := fl.String("out", "", "write the site into this `folder` (content/ in it)")
	shape := fl.String("shape", "classic", "start from this `shape`: "+strings.Join(corpus.ShapeNames(), ", "))
	var s corpus.Shape
	fl.IntVar(&s.Posts, "posts", 0, "how many posts (default: the shape's)")
	fl.IntVar(&s.Regions, "regions", 0, "how many regions (default: the shape's)")
	fl.IntVar(&s.Services, "services", 0, "how many services (default: the shape's)")
	fl.IntVar(&s.MinUpdates, "min-updates", 0, "updates per incident, at least (default: the shape's)")
	fl.IntVar(&s.MaxUpdates, "max-updates", 0, "updates per incident, at most (default: the shape's)")
	fl.IntVar(&s.BodyBytes, "body", 0, "a body's length in bytes, about (default: the shape's)")
	rich := fl.Bool("rich", false, "bodies with bold text, lists and several links")
	table := fl.Bool("table", false, "a table in every body")
	fl.IntVar(&s.RegionGroups, "region-groups", 0, "groups of regions (default: the shape's)")
	fl.IntVar(&s.ServiceGroups, "service-groups", 0, "groups of services (default: the shape's)")
	fl.Float64Var(&s.Maintenance, "maintenance", -1, "share of incidents that are maintenance, 0 to 1 (default: the shape's)")
	seed := fl.Uint64("seed", 1, "the same seed gives the same site")
	if err := fl.Parse(args); err != nil {
		return 2
	}
	base, ok := corpus.Shapes[*shape]
	if *out == "" || fl.NArg() > 0 || !ok {
		fmt.Fprintln(stderr, "usage: go run ./internal/mkcorpus --out FOLDER [--shape NAME] [--posts N] [--regions R] [--services S] [--body BYTES] [--rich] [--table] [--min-updates N] [--max-updates N] [--maintenance F] [--region-groups N] [--service-groups N] [--seed N]")
		return 2
	}
	s = merge(base, s)
	s.Rich, s.Table, s.Seed = s.Rich || *rich, s.Table || *table, *seed
	if _, err := os.Stat(*out + "/content"); err == nil {
		fmt.Fprintf(stderr, "mkcorpus: %s/content exists; choose a new folder\n", *out)
		return 1
	}
	if err := corpus.WriteShape(*out, s); err != nil {
		fmt.Fprintln(stderr, "mkcorpus:", err)
		return 1
	}
	what := fmt.Sprintf("%d posts, %d regions, %d services", s.Posts, s.Regions, s.Services)
	if s.Spread {
		what = fmt.Sprintf("the example's posts for each of %d regions", s.Regions)
	}
	fmt.Fprintf(stdout, "%s: %s; all past at %s\n", *out, what, s.Now().Format("2006-01-02T15:04:05Z07:00"))
	return 0
}

// merge takes the knobs given over the shape's.
func merge(base, given corpus.Shape) corpus.Shape {
	pick := func(g, b int) int {
		if g > 0 {
			return g
		}
		return b
	}
	base.Posts = pick(given.Posts, base.Posts)
	base.Regions = pick(given.Regions, base.Regions)
	base.Services = pick(given.Services, base.Services)
	base.MinUpdates = pick(given.MinUpdates, base.MinUpdates)
	base.MaxUpdates = pick(given.MaxUpdates, base.MaxUpdates)
	base.BodyBytes = pick(given.BodyBytes, base.BodyBytes)
	base.RegionGroups = pick(given.RegionGroups, base.RegionGroups)
	base.ServiceGroups = pick(given.ServiceGroups, base.ServiceGroups)
	if given.Maintenance >= 0 {
		base.Maintenance = given.Maintenance
	}
	return base
}
