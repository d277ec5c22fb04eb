// Package status is statusgen's model: what a site's posts say at an
// instant. It reads no file and writes none; package source makes its
// Site and Posts, package render shows its Status.
//
//	state.go     State and Stage, in severity and handling order
//	site.go      Site, Region, Service: what site.yaml declares
//	post.go      Post and Pair: one update and the (region, service) it sets
//	thread.go    Thread: what an incident's posts derive from each other
//	window.go    the maintenance-window rule, in one place
//	status.go    Derive: every pair's timeline and current state, roll-ups
//	incident.go  Incident, IncidentView, Scope: incidents as a scope sees them
//	history.go   the 90 days of a pair, and uptime
package status
