package httpfront

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// bodyEcho answers with the request's body.
func bodyEcho() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, err := io.ReadAll(r.Body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		_, _ = w.Write(b)
	})
}

// onlyReader hides everything but Read, so that the client cannot tell
// the length and sends the body chunked.
type onlyReader struct{ io.Reader }

// TestBackendLostWithBodyIsHeldAgain: a request with a body whose app
// loses its backend between the readiness check and the forward is held
// and sent again, whole, once the app is back: buffered bodies of known
// and unknown length, and a body too large to buffer of which nothing was
// sent yet.
func TestBackendLostWithBodyIsHeldAgain(t *testing.T) {
	const limit = 1024
	small := strings.Repeat("s", limit)
	large := strings.Repeat("L", 4*limit+7)
	tests := []struct {
		name    string
		body    func() io.Reader
		want    string
		chunked bool
	}{
		{name: "no body", body: func() io.Reader { return nil }},
		{name: "small, known length", body: func() io.Reader { return strings.NewReader(small) }, want: small},
		{name: "small, chunked", body: func() io.Reader { return onlyReader{strings.NewReader(small)} }, want: small, chunked: true},
		{name: "large, known length", body: func() io.Reader { return strings.NewReader(large) }, want: large},
		{name: "large, chunked", body: func() io.Reader { return onlyReader{strings.NewReader(large)} }, want: large, chunked: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			app := &testApp{t: t, handler: bodyEcho()}
			app.start()
			f, srv, _ := newFront(t, app, Config{WakeTimeout: time.Minute, MaxReplayBody: limit})
			post := func() (int, string) {
				req, err := http.NewRequest(http.MethodPost, srv.URL+"/a", tt.body())
				if err != nil {
					t.Fatal(err)
				}
				if tt.chunked && req.ContentLength != 0 {
					t.Fatalf("content length %d, want unknown", req.ContentLength)
				}
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				defer resp.Body.Close()
				b, _ := io.ReadAll(resp.Body)
				return resp.StatusCode, string(b)
			}
			if code, got := post(); code != http.StatusOK || got != tt.want {
				t.Fatalf("warm request: %d, %d bytes", code, len(got))
			}
			// The app goes to zero between the readiness check (the app is
			// still marked ready) and the forward.
			app.addr.Store(nil)
			f.proxy.Transport.(*http.Transport).CloseIdleConnections()
			app.onWake.Store(true)
			app.wakes.Store(0)
			f.app(&Route{Namespace: "ns", Name: "web"}).lastWake.Store(0)
			if code, got := post(); code != http.StatusOK || got != tt.want {
				t.Fatalf("request after the backend went away: %d, %d bytes: %.80q", code, len(got), got)
			}
			if app.wakes.Load() < 1 {
				t.Fatal("the app was not woken")
			}
		})
	}
}

// TestStreamedBodyPartlySentIs502: when part of a body too large to
// buffer already went out, the request is not re-sent: 502 with why.
func TestStreamedBodyPartlySentIs502(t *testing.T) {
	app := &testApp{t: t, handler: bodyEcho()}
	f, _, _ := newFront(t, app, Config{MaxReplayBody: 4})
	r := httptest.NewRequest(http.MethodPost, "/a", strings.NewReader("more than four bytes"))
	rp, err := prepareBody(r, f.cfg.MaxReplayBody)
	if err != nil || rp.stream == nil {
		t.Fatalf("prepareBody: %+v, %v; want a stream", rp, err)
	}
	if _, err := r.Body.Read(make([]byte, 3)); err != nil {
		t.Fatal(err)
	}
	a := f.app(&Route{Namespace: "ns", Name: "web"})
	p := &proxied{route: &Route{Namespace: "ns", Name: "web"}, app: a, body: rp}
	rec := httptest.NewRecorder()
	r = r.WithContext(context.WithValue(r.Context(), routeKey{}, p))
	f.proxyError(rec, r, &net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connection refused")})
	if rec.Code != http.StatusBadGateway || !strings.Contains(rec.Body.String(), "not re-sent") {
		t.Fatalf("got %d %q, want 502 saying the body is not re-sent", rec.Code, rec.Body)
	}
}

// TestPrepareBody: what is buffered, what streams, and that both deliver
// the body unchanged.
func TestPrepareBody(t *testing.T) {
	tests := []struct {
		name       string
		body       io.Reader
		limit      int64
		wantStream bool
	}{
		{name: "at the bound", body: strings.NewReader("abcd"), limit: 4},
		{name: "over the bound", body: strings.NewReader("abcde"), limit: 4, wantStream: true},
		{name: "chunked at the bound", body: onlyReader{strings.NewReader("abcd")}, limit: 4},
		{name: "chunked over the bound", body: onlyReader{strings.NewReader("abcde")}, limit: 4, wantStream: true},
		{name: "buffering off", body: strings.NewReader("a"), limit: -1, wantStream: true},
		{name: "empty chunked", body: onlyReader{bytes.NewReader(nil)}, limit: 4},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest(http.MethodPost, "/", tt.body)
			if _, ok := tt.body.(onlyReader); ok {
				r.ContentLength = -1
			}
			want := ""
			if tt.body != nil {
				b, _ := io.ReadAll(r.Body)
				want = string(b)
				r.Body = io.NopCloser(strings.NewReader(want))
			}
			rp, err := prepareBody(r, tt.limit)
			if err != nil {
				t.Fatal(err)
			}
			if (rp.stream != nil) != tt.wantStream {
				t.Fatalf("stream = %v, want %v", rp.stream != nil, tt.wantStream)
			}
			for i := range 2 { // the second read is a re-send
				if !rp.rewind(r) {
					if tt.wantStream && i == 1 {
						return
					}
					t.Fatalf("read %d: cannot rewind", i)
				}
				b, err := io.ReadAll(r.Body)
				if err != nil || string(b) != want {
					t.Fatalf("read %d: %q, %v; want %q", i, b, err, want)
				}
			}
			if tt.wantStream {
				t.Fatal("a consumed stream rewound")
			}
		})
	}
}

// FuzzPrepareBody: whatever a client sends, with whatever bound, the body
// reaches the backend unchanged, and again on a re-send when it was
// buffered.
func FuzzPrepareBody(f *testing.F) {
	f.Add([]byte("hello"), int64(4), false)
	f.Add([]byte("hello"), int64(64), true)
	f.Add([]byte{}, int64(0), true)
	f.Fuzz(func(t *testing.T, body []byte, limit int64, chunked bool) {
		limit = max(limit%(1<<16), -1)
		var src io.Reader = bytes.NewReader(body)
		if chunked {
			src = onlyReader{src}
		}
		r := httptest.NewRequest(http.MethodPost, "/", src)
		if chunked {
			r.ContentLength = -1
		}
		if len(body) == 0 && !chunked {
			r.Body = http.NoBody
		}
		rp, err := prepareBody(r, limit)
		if err != nil {
			t.Fatal(err)
		}
		for i := range 2 {
			if !rp.rewind(r) {
				if rp.stream != nil && i == 1 {
					return
				}
				t.Fatalf("read %d: cannot rewind", i)
			}
			if r.Body == http.NoBody {
				if len(body) != 0 {
					t.Fatalf("read %d: no body, want %d bytes", i, len(body))
				}
				continue
			}
			got, err := io.ReadAll(r.Body)
			if err != nil || !bytes.Equal(got, body) {
				t.Fatalf("read %d: %d bytes (%v), want %d", i, len(got), err, len(body))
			}
		}
	})
}
