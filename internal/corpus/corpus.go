// Package corpus writes synthetic status sites for benchmarks: N posts over
// R regions and S services, threaded into incidents of 2 to 5 updates, with
// bodies of a few paragraphs, all in the past.
package corpus

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// Start is the first post's time; posts follow every few hours, closer for
// large sites, so that the last is before 2020 and all are past.
var Start = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)

// step is the longest gap between two posts, in minutes.
func step(n int) int { return max(20, min(600, 10_000_000/n)) }

var words = strings.Fields(`we are investigating reports of errors when signing in some players may
see slow loading times the team has identified the cause and is rolling out a fix monitoring
the results service has been restored for all users thank you for your patience payments store
downloads matchmaking friends list chat voice party trophies cloud saves updates network`)

// Write creates dir/content with site.yaml and n posts. The same arguments
// give the same site.
func Write(dir string, n, regions, services int, seed uint64) error {
	rng := rand.New(rand.NewPCG(seed, 1))
	content := filepath.Join(dir, "content")
	if err := os.MkdirAll(filepath.Join(content, "posts"), 0o755); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(content, "site.yaml"), []byte(siteYAML(regions, services)), 0o644); err != nil {
		return err
	}
	t := Start
	for i, inc := 0, 0; i < n; inc++ {
		updates := 2 + rng.IntN(4)
		region, service := fmt.Sprintf("r%d", rng.IntN(regions)), fmt.Sprintf("s%d", rng.IntN(services))
		for u := 0; u < updates && i < n; u, i = u+1, i+1 {
			t = t.Add(time.Duration(10+rng.IntN(step(n)-10)) * time.Minute)
			state := []string{"major_outage", "partial_outage", "degraded"}[rng.IntN(3)]
			if u == updates-1 {
				state = "operational"
			}
			text := fmt.Sprintf("---\ntitle: %s\nregion: %s\nservice: %s\nstate: %s\ntimestamp: %s\nincident: inc-%d\n---\n%s",
				sentence(rng, 6), region, service, state, t.Format(time.RFC3339), inc, body(rng))
			name := filepath.Join(content, "posts", fmt.Sprintf("%04d", i/1000), fmt.Sprintf("p%06d.md", i))
			os.MkdirAll(filepath.Dir(name), 0o755)
			if err := os.WriteFile(name, []byte(text), 0o644); err != nil {
				return err
			}
		}
	}
	return nil
}

// Last is the time after every post Write made for n posts: a build
// instant at which all of them are past.
func Last(n int) time.Time { return Start.Add(time.Duration(n*step(n)) * time.Minute) }

func siteYAML(regions, services int) string {
	var b strings.Builder
	b.WriteString("title: Benchmark Status\nbase_url: https://status.example.com/\nregions:\n")
	for i := range regions {
		fmt.Fprintf(&b, "  - id: r%d\n    name: Region %d\n", i, i)
	}
	b.WriteString("services:\n")
	for i := range services {
		fmt.Fprintf(&b, "  - id: s%d\n    name: Service %d\n", i, i)
	}
	return b.String()
}

func sentence(rng *rand.Rand, n int) string {
	ws := make([]string, n)
	for i := range ws {
		ws[i] = words[rng.IntN(len(words))]
	}
	s := strings.Join(ws, " ")
	return strings.ToUpper(s[:1]) + s[1:]
}

// body is 1 to 3 paragraphs of 30 to 90 words, sometimes with a heading, a
// list or a link: about 4 KB with the front-matter at most.
func body(rng *rand.Rand) string {
	var b strings.Builder
	for range 1 + rng.IntN(3) {
		if rng.IntN(4) == 0 {
			fmt.Fprintf(&b, "## %s\n\n", sentence(rng, 3))
		}
		fmt.Fprintf(&b, "%s. See [the details](https://www.example.com/help/%d).\n\n", sentence(rng, 30+rng.IntN(60)), rng.IntN(1000))
		if rng.IntN(3) == 0 {
			fmt.Fprintf(&b, "- %s\n- %s\n\n", sentence(rng, 5), sentence(rng, 5))
		}
	}
	return b.String()
}
