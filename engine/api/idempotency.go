package api

import (
	"context"
	"fmt"

	"github.com/gofiber/fiber/v2"

	"github.com/mosaic-lowcode/mosaic/engine"
)

// HeaderIdempotencyKey names the header a caller retries a write with.
const HeaderIdempotencyKey = "Idempotency-Key"

// idempotent answers a write with do, once per caller and Idempotency-Key
// when the request carries one: a retry with the same key and body gets
// the first answer again (marked Idempotent-Replayed: true), the same key
// with another body is refused.
func (s *Server) idempotent(c *fiber.Ctx, do func(ctx context.Context) (*engine.Answer, error)) error {
	key := c.Get(HeaderIdempotencyKey)
	var ans *engine.Answer
	var err error
	if key == "" {
		ans, err = do(c.UserContext())
	} else {
		if err := checkIdempotencyKey(key); err != nil {
			return err
		}
		hash := engine.RequestHash(c.Method()+" "+c.Path(), c.Body())
		ans, err = s.e.Idempotent(c.UserContext(), principal(c), key, hash, do)
	}
	if err != nil {
		return err
	}
	if ans.Location != "" {
		c.Location(ans.Location)
	}
	if ans.ETag != "" {
		c.Set(fiber.HeaderETag, ans.ETag)
	}
	if ans.Replayed {
		c.Set("Idempotent-Replayed", "true")
	}
	c.Status(ans.Status)
	return sendJSON(c, ans.Body)
}

// checkIdempotencyKey accepts 1 to 255 visible ASCII characters, such as a
// UUID.
func checkIdempotencyKey(key string) error {
	if len(key) > engine.MaxIdempotencyKey {
		return badRequest("/headers/Idempotency-Key", fmt.Sprintf("the Idempotency-Key is longer than %d characters; a UUID will do", engine.MaxIdempotencyKey))
	}
	for i := 0; i < len(key); i++ {
		if key[i] < 0x21 || key[i] > 0x7e {
			return badRequest("/headers/Idempotency-Key", "the Idempotency-Key may hold only visible ASCII characters; a UUID will do")
		}
	}
	return nil
}

// etag is the ETag header value of a row version.
func etag(version int64) string { return fmt.Sprintf("%q", fmt.Sprint(version)) }
