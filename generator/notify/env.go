package notify

import (
	"net/http"
	"os"
	"time"
)

// DefaultEnv reaches targets through the process's environment and an
// HTTP client honouring its proxy settings.
func DefaultEnv() Env {
	return Env{Getenv: os.Getenv, Client: &http.Client{Timeout: 30 * time.Second}}
}
