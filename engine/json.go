package engine

import "encoding/json"

// rawJSON passes stored JSON text through to a response, or null when empty.
func rawJSON(s string) json.RawMessage {
	if s == "" {
		return json.RawMessage("null")
	}
	return json.RawMessage(s)
}
