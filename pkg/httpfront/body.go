package httpfront

import (
	"bytes"
	"io"
	"net/http"
	"sync/atomic"
)

// DefaultMaxReplayBody is the default bound of the request bodies the
// front keeps in memory so that it can send them again.
const DefaultMaxReplayBody = 64 << 10

// replay is what the front needs to send a request's body again after
// the app lost its backend before answering.
type replay struct {
	// buf is the whole body, read into memory because it had at most
	// MaxReplayBody bytes; nil when the request has no body or streams.
	buf []byte
	// stream counts what the proxy read of a body too large to buffer; nil
	// when the body is buffered or absent.
	stream *countingReader
	// streamBody is the request body reading through stream.
	streamBody io.ReadCloser
}

// prepareBody makes r's body replayable: a body of at most limit bytes
// (limit < 0: none) is read into memory and r.Body and r.GetBody serve it
// (GetBody also lets the transport re-send it on a dead kept-alive
// connection); a larger one streams, counted. It fails only when reading
// the body fails.
func prepareBody(r *http.Request, limit int64) (*replay, error) {
	if r.Body == nil || r.Body == http.NoBody {
		return &replay{}, nil
	}
	if limit < 0 || r.ContentLength > limit {
		return streamBody(r, nil), nil
	}
	var buf []byte
	if r.ContentLength >= 0 {
		buf = make([]byte, r.ContentLength)
		if _, err := io.ReadFull(r.Body, buf); err != nil {
			return nil, err
		}
	} else {
		b, err := io.ReadAll(io.LimitReader(r.Body, limit+1))
		if err != nil {
			return nil, err
		}
		if int64(len(b)) > limit {
			return streamBody(r, b), nil
		}
		buf = b
	}
	rp := &replay{buf: buf}
	rp.rewind(r)
	r.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(buf)), nil }
	return rp, nil
}

// streamBody sends r's body as it arrives, after prefix (what was already
// read of it), counting what the proxy reads.
func streamBody(r *http.Request, prefix []byte) *replay {
	var src io.Reader = r.Body
	if len(prefix) > 0 {
		src = io.MultiReader(bytes.NewReader(prefix), r.Body)
	}
	c := &countingReader{r: src}
	r.Body = struct {
		io.Reader
		io.Closer
	}{c, r.Body}
	return &replay{stream: c, streamBody: r.Body}
}

// rewind sets r.Body to the start of the body and reports whether it
// could: true for no body or a buffered one, and for a streamed one of
// which nothing was read yet. r may be the proxy's outgoing request,
// whose body the transport closed.
func (rp *replay) rewind(r *http.Request) bool {
	switch {
	case rp.buf != nil:
		r.Body = io.NopCloser(bytes.NewReader(rp.buf))
		return true
	case rp.stream != nil:
		r.Body = rp.streamBody
		return rp.stream.n.Load() == 0
	default:
		return true
	}
}

// countingReader counts the bytes read through it; the transport reads in
// its own goroutine, hence the atomic.
type countingReader struct {
	r io.Reader
	n atomic.Int64
}

// Read implements io.Reader.
func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n.Add(int64(n))
	return n, err
}
