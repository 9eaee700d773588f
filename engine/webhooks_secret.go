package engine

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
)

// note: a subscription's secret must be kept in a form the engine can read
// back, since every delivery is signed with it; a hash would not do. It is
// sealed with AES-256-GCM under a key derived from the engine's webhook
// secret: MOSAIC_WEBHOOK_SECRET when the operator sets it (kept outside the
// database, so a copy of the database alone does not give the secrets
// away), otherwise the secret the engine made and keeps in its settings
// table (which then only protects against the subscription table leaking
// on its own, in an export or a log). The API never shows a secret again
// after the answer that made it.

func (e *Engine) secretKey() []byte {
	k := sha256.Sum256(append([]byte("mosaic webhook subscription secrets\x00"), e.webhookSecret...))
	return k[:]
}

func (e *Engine) sealSecret(secret string) (string, error) {
	block, err := aes.NewCipher(e.secretKey())
	if err != nil {
		return "", err
	}
	gcm, err := cipher.NewGCM(block)
	if err != nil {
		return "", err
	}
	nonce := make([]byte, gcm.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return "", err
	}
	return "v1:" + base64.RawStdEncoding.EncodeToString(gcm.Seal(nonce, nonce, []byte(secret), nil)), nil
}

// errSecretUnreadable is a secret sealed under another key: the engine's
// webhook secret changed since the subscription was made.
var errSecretUnreadable = errors.New("the subscription's secret cannot be read with this server's MOSAIC_WEBHOOK_SECRET; rotate the subscription's secret")

func (e *Engine) openSecret(sealed string) ([]byte, error) {
	if len(sealed) < 3 || sealed[:3] != "v1:" {
		return nil, errSecretUnreadable
	}
	raw, err := base64.RawStdEncoding.DecodeString(sealed[3:])
	if err != nil {
		return nil, errSecretUnreadable
	}
	block, err := aes.NewCipher(e.secretKey())
	if err != nil {
		return nil, err
	}
	gcm, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	if len(raw) < gcm.NonceSize() {
		return nil, errSecretUnreadable
	}
	out, err := gcm.Open(nil, raw[:gcm.NonceSize()], raw[gcm.NonceSize():], nil)
	if err != nil {
		return nil, errSecretUnreadable
	}
	return out, nil
}
