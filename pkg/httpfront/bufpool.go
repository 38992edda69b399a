package httpfront

import "sync"

// bufferPool lends the proxy its 32 KiB copy buffers, which it would
// otherwise allocate for every response: less garbage on the hot path.
type bufferPool struct{ pool sync.Pool }

func newBufferPool() *bufferPool {
	return &bufferPool{pool: sync.Pool{New: func() any {
		b := make([]byte, 32*1024)
		return &b
	}}}
}

// Get implements httputil.BufferPool.
func (p *bufferPool) Get() []byte { return *(p.pool.Get().(*[]byte)) }

// Put implements httputil.BufferPool.
func (p *bufferPool) Put(b []byte) {
	if cap(b) < 32*1024 {
		return
	}
	b = b[:32*1024]
	p.pool.Put(&b)
}
