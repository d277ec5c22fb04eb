// Package notify tells the people who follow a status site of each new
// update, once: it works out, for every target site.yaml lists under
// notify:, the events of its scope that became public since the last run
// and that its ledger has not recorded, words them as the scope's feed
// does, and delivers them through the target's channel (chat webhooks,
// Statuspage-shaped webhooks, email, WebSub pings).
package notify
