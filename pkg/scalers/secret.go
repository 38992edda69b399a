package scalers

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
)

// HashSecret returns the hex SHA-256 of parts, each prefixed with its
// length so that ("ab", "c") and ("a", "bc") differ. It is how credentials
// enter a Trigger's Key: equal credentials give equal hashes, and the hash
// reveals nothing usable about them.
func HashSecret(parts ...string) string {
	h := sha256.New()
	var n [8]byte
	for _, p := range parts {
		binary.BigEndian.PutUint64(n[:], uint64(len(p)))
		h.Write(n[:])
		h.Write([]byte(p))
	}
	return hex.EncodeToString(h.Sum(nil))
}
