// Package generator holds statusgen's packages, one for each stage of the
// pipeline a build runs:
//
//	source   read and check the site's files: content/site.yaml and every
//	         post, problems reported at path:line:col (Load, Validate,
//	         Warnings, Compose for statusgen new)
//	status   the model: site, posts, states, the maintenance-window rule,
//	         timelines, incidents, 90-day history and uptime; pure, no I/O
//	         (Derive)
//	render   the outputs of a status with a theme: pages through
//	         html/template layouts, RSS and Atom feeds, the JSON API,
//	         badges, the calendar and the sitemap, each output with the
//	         typed deps it reads (Build, Dep)
//	publish  the one way outputs reach a folder: a whole site staged and
//	         swapped in (Publish), or changed files replaced in place
//	         (Update), the marker listing every file, one lock for both
//	build    the pipeline source -> status -> render -> publish, full
//	         (Generate) or after a change (Session), the same code; a
//	         session decides only what to read again and what to render
//	         again
//	watch    fsnotify events in batches, each running a Session
//	serve    the preview server with live reload
//	deploy   a built site to buckets (gocloud.dev blob URLs): only what
//	         changed, stage by stage, deletions last, then the CDN purge
//	         and the WebSub ping (Run)
//	notify   each new update of a deployed build, told once to each
//	         target of site.yaml's notify: list, worded for its scope,
//	         through its channel (chat webhooks, Statuspage-shaped
//	         webhooks, email, WebSub), with a ledger of what was sent in
//	         a bucket (Run)
//
// Each package's own doc lists its files. This file is the manual of what
// a site holds and what layouts see.
//
// # Rebuilding what a change touches
//
// Every output declares, when a build lists it, what it reads
// (render.Dep): an incident's posts, a pair's current state, when it began
// or its 90-day window, a scope's incident lists or feed items, a history
// page, a layout, the UI strings of a language. After a change a session
// asks the build before and the build after for the signature of each dep
// the changed posts may touch, and renders again exactly the outputs that
// read a dep whose signature differs. Editing a post's body renders its
// incident page and the feeds and JSON files that show it as an item; a
// new state renders what shows that state or that day; a layout, the pages
// of its kind. A change of site.yaml, or a build instant that passes a
// post's time or begins a day, renders everything. Each post's Markdown is
// rendered once a build, and kept from build to build while a feed shows
// it.
//
// # Site
//
// A site is a folder holding content/site.yaml, posts anywhere under
// content/, and optionally layouts/ and assets/ that override the defaults
// file by file. site.yaml keys: title and base_url (required), description,
// home_url, support_url, language (default en), timezone (IANA name, default
// UTC), feed_limit (default 50), websub_hub, unsafe_html (default false),
// regions and services. A region has id, name and optionally language,
// timezone and services (the ids it offers, default all); a service has id
// and name. Ids are lowercase letters, digits and hyphens; "all" is
// reserved. deploy (optional) lists the targets of statusgen deploy:
// name, url (an s3, gs, azblob or file blob URL, without secrets), cdn
// (cloudfront, cloudcdn, cloudflare, fastly), max_age, stale_if_error and
// compress; the pages do not depend on it. notify (optional) lists the
// targets of statusgen notify: type (slack, teams, discord, mattermost,
// google_chat, webhook, email, websub), name (an id; default made of the
// type and url_env or to), url_env (the environment variable holding a
// webhook's URL), url (a websub hub; default websub_hub), to, from and
// smtp_env (email; the variable holds
// smtp://user:password@host:port or smtps://…), unsubscribe, regions
// and services (ids of them or of their groups; default all) and
// maintenance (any of scheduled, started, completed; default all
// three); secrets are refused, and the pages do not depend on it.
// docs/notify.md documents them.
//
// # Posts
//
// Every *.md file under content/ but editor leftovers (see Ignored) is a
// post: YAML front-matter between --- lines, then a CommonMark body with
// GFM tables, strikethrough, autolinks and task lists. Keys:
//
//	region     one id, a list of ids, or all (required)
//	service    one id, a list of ids, or all (required)
//	state      operational, maintenance, degraded, partial_outage or
//	           major_outage (required)
//	timestamp  RFC 3339 with an offset (required)
//	title      shown as the update's heading; derived from the services
//	           and the state, in the page's language, when absent
//	incident   threads posts into one incident; without it the post is an
//	           incident of its own named after its file
//	stage      investigating, identified, monitoring or resolved; default
//	           resolved when the post closes its incident, else the
//	           latest stage but resolved an earlier post of the incident
//	           gave since it was last resolved, else investigating
//	until      end of a maintenance window (state maintenance only)
//	announced  when a future post becomes public (not after timestamp)
//	draft      true: checked, never published
//	language   the language the post is written in (a tag such as en);
//	           default the one its regions share, else the site's
//
// A post's file name without .md is its anchor on the incident page, so it
// uses the id characters too. "all" expands to the declared regions and, per
// region, to the services it offers; naming a region and a service it does
// not offer is an error.
//
// # Layouts
//
// Pages render with layouts/<kind>.html for the kinds index, region,
// service, group, incident, history and 404, each parsed together with
// layouts/base.html and layouts/partials/*.html; a site's file of the same
// name replaces the default. Templates are named after their files, so
// errors read layouts/region.html:12:5. UI strings come from
// layouts/i18n/<lang>.yaml, the site's keys over the defaults', a tag's
// own file over that of the language serving it by CLDR's likely subtags
// (de for de-CH, zh-Hant for zh-TW), English for any missing one. A value
// is a string or plural forms by CLDR category, chosen by the first
// integer argument (x/text's plural rules). A page language (site.yaml's,
// a region's) no file serves is an error. Dates take CLDR's month and
// weekday names (gohugoio/locales); uptimes are percentages as x/text
// writes them for the language, in Western digits; in a right-to-left
// language each string argument of T is wrapped in U+2068…U+2069.
//
// The dot is a *render.Page. Its fields name what the page is about (Site, Status,
// Region, Service, Group, Incident, Incidents, Newer, Older, Lang, Loc, URL).
// A group page's Group is the region or service group; the regions/ page
// of a large site without region groups is a group page whose Group is nil.
// Its methods answer in the page's language, zone and scope:
//
//	T KEY ARGS...        a UI string, its % verbs filled, its plural form
//	                     chosen by the first integer
//	Direction            "rtl" or "ltr": how the page's language is
//	                     written, by its script, for a dir attribute
//	StateText, StageText a state or stage in words
//	Mark STATE           a state's CSS class, icon and words
//	Progress VIEW        an incident's stage, or a maintenance's scheduled,
//	                     in progress or completed
//	Time T, TimeIn T R   <time> in the page's zone, or region R's
//	Duration D           "3 d 4 h"
//	Banner, State        the scope's state in one sentence, and as a value
//	Cell R S             the grid square of region R and service S
//	Rows                 a region page's services, each with its state,
//	                     uptime, Days (90 of them, in the region's zone)
//	                     and Bars (each day's CSS class and text, ready
//	                     for a history square); BarsHTML is them as the
//	                     default layout lists them, <li> by <li>, made in
//	                     Go: 1,800 squares a page were most of its time
//	Regions              the regions offering a service page's service
//	Compact              the overview sums up: the site has over 200 pairs
//	Nav                  the header's entries: the regions up to 12, else
//	                     the region groups up to 12, else none
//	Problems             the scope's pairs not operational, by region, by
//	                     state, worst first; each state's Services, and
//	                     Names: them in words, whole groups by name
//	RegionSections       the overview's regions (a service page's: those
//	                     offering it) by region group, each Section with
//	                     its state, members' States, Dir and Open
//	ServiceSections      a region page's Rows by service group; a Row is
//	                     Quiet (one line) past 20 services with 90 calm days
//	Matrix               a group page's grid: Corner, Cols and Rows, the
//	                     shorter side across; each row's CellsHTML is its
//	                     cells as the default layout shows them
//	DayText DAY          a history square's text: "May 12: Major outage, 24 h"
//	Open, Maintenance    the scope's open incidents; maintenance in progress
//	Upcoming             the scope's future posts, soonest first
//	Recent N             the scope's last N closed incidents
//	LastUpdated          the time of the scope's latest past post
//	Affected             an incident page's pairs by state, worst first:
//	                     each pair's state now while the incident is open,
//	                     its worst once closed (Status.PairStates); the
//	                     regions with the same services in a state share
//	                     an entry, whose Regions and Services are Names
//	                     (Text, and Dir: the page below the base URL, or
//	                     "" for "All regions"), whole groups by name
//	Where POST           "North America, Europe · PlayStation Network"
//	PostTitle POST       a post's title, or one derived from its services
//	IncidentTitle VIEW   an incident's name: its first post's title
//	LangOf POST          the language of a post's words when it differs
//	                     from the page's, for a lang attribute, else ""
//	TitleLang POST       the same for its title ("" for a derived title)
//	Rel                  the page's path below the base URL
//	List VIEWS           pair incidents with the page, for partials
//	One POST             a post with the page for the update partial, and
//	                     what it shows ready as fields: Title, TitleLang,
//	                     Lang, Mark, Stage ("" where none is shown), Time,
//	                     Ends ("" without until), Where and Body (the body
//	                     as HTML, rendered once a build)
//	Feeds                the feeds to announce: the scope's, then the site's
//
// Partials shipped: site-header (the site's name and the region links),
// head-links (the head's feed, stylesheet and icon links), state (a
// state with icon and words), banner, subscribe
// (the scope's RSS, Atom and calendar links), incident-list,
// upcoming-list, incident-sections (current-sections, the open,
// maintenance and scheduled ones, then recent-section), and update on
// incident pages.
//
// The default layouts set dir on <html> (Direction) and beside every lang
// attribute (direction), and isolate each name they show, a region's, a
// service's, a group's (an inline element with dir="auto", or <bdi>), so
// that a Latin name reads left to right on an Arabic page, an Arabic one
// right to left on an English page, and neither moves the punctuation
// around it.
//
// Template functions, all of them:
//
//	url PATH      root-relative URL with the base path: url "regions/jp/"
//	absURL PATH   absolute URL under base_url
//	asset NAME    fingerprinted URL of a file in assets/: asset "style.css"
//	direction LANG
//	              "rtl" or "ltr": how a language is written, by its
//	              script, for a dir attribute beside a lang attribute
//	markdown POST the post's body as HTML (raw HTML dropped unless
//	              unsafe_html), rendered again at each call: the update
//	              partial shows .Body, which is rendered once a build
//	partialCached NAME DATA VARIANTS...
//	              the template NAME (of base.html, a partial, or the
//	              page's own layout) run with DATA once a build for each
//	              list of VARIANTS, as Hugo's function of that name (when
//	              DATA is the page; other data renders each time): its
//	              output must depend on nothing else but what is the same
//	              for the whole build. The default base renders site-header
//	              and head-links so, keyed on the page's language, kind,
//	              region and service: a site's own versions may show
//	              nothing else of the page.
//
// Watch and serve render a page again when what its kind reads changes
// (see "Rebuilding what a change touches"): whatever its layout shows
// through the Page's fields and methods. A layout that digs into .Status
// for more than they answer shows it as of the last full build or the last
// change to what the page reads; statusgen build is always whole.
//
// Assets are copied to assets/<name>.<hash>.<ext>, the hash taken from their
// bytes, so they may be cached for ever.
//
// # Badges and calendar
//
// badges/site.svg, badges/regions/<r>.svg, badges/regions/<r>/<s>.svg (for
// the services region r offers) and badges/services/<s>.svg are SVG badges:
// a label (the UI string badge_label on the site badge, else the region
// and service names) and the current state in words, as StateText gives it
// in the region's language on region badges and the site's on the others.
// Their <title> and aria-label read "label: state".
//
// maintenance.ics holds one event per maintenance in progress or with a
// post still ahead: from its first post to the latest end its posts give,
// else DefaultWindow (an hour) after its start; UID <incident>@<host of
// base_url>, DTSTAMP the time of its latest post, SUMMARY its name as
// IncidentTitle gives it in the site's language.
package generator
