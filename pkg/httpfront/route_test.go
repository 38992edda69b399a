package httpfront

import (
	"strings"
	"testing"
)

func TestParseRoute(t *testing.T) {
	tests := []struct {
		name    string
		ann     map[string]string
		want    *Route
		wantErr string
	}{
		{name: "not opted in", ann: map[string]string{"x": "y"}},
		{name: "service only", ann: map[string]string{AnnotationService: "web:8080"},
			want: &Route{Namespace: "ns", Name: "so", Service: "web", Port: 8080, PathPrefix: "/"}},
		{name: "hosts and prefix", ann: map[string]string{AnnotationService: "web:80", AnnotationHosts: " A.example.com, b.example.com ,", AnnotationPathPrefix: "/api"},
			want: &Route{Namespace: "ns", Name: "so", Service: "web", Port: 80, Hosts: []string{"a.example.com", "b.example.com"}, PathPrefix: "/api"}},
		{name: "no port", ann: map[string]string{AnnotationService: "web"}, wantErr: AnnotationService + " must be <service>:<port>"},
		{name: "bad port", ann: map[string]string{AnnotationService: "web:http"}, wantErr: "port must be 1-65535"},
		{name: "port zero", ann: map[string]string{AnnotationService: "web:0"}, wantErr: "port must be 1-65535"},
		{name: "bad service", ann: map[string]string{AnnotationService: "Web_1:80"}, wantErr: "service name"},
		{name: "bad host", ann: map[string]string{AnnotationService: "web:80", AnnotationHosts: "a b"}, wantErr: AnnotationHosts},
		{name: "relative prefix", ann: map[string]string{AnnotationService: "web:80", AnnotationPathPrefix: "api"}, wantErr: AnnotationPathPrefix},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseRoute("ns", "so", tt.ann)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want it to contain %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if (got == nil) != (tt.want == nil) || (got != nil && (got.Service != tt.want.Service || got.Port != tt.want.Port ||
				got.PathPrefix != tt.want.PathPrefix || strings.Join(got.Hosts, ",") != strings.Join(tt.want.Hosts, ","))) {
				t.Fatalf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestTableMatch(t *testing.T) {
	routes := []*Route{
		{Namespace: "a", Name: "root", PathPrefix: "/"},
		{Namespace: "a", Name: "api", PathPrefix: "/api"},
		{Namespace: "b", Name: "host", Hosts: []string{"shop.example.com"}, PathPrefix: "/"},
		{Namespace: "b", Name: "hostapi", Hosts: []string{"shop.example.com"}, PathPrefix: "/api/v2/"},
	}
	tab := NewTable(routes)
	tests := []struct{ host, path, want string }{
		{"x.example.com", "/", "a/root"},
		{"x.example.com", "/api", "a/api"},
		{"x.example.com", "/api/orders", "a/api"},
		{"x.example.com", "/apix", "a/root"},
		{"Shop.Example.com:8080", "/", "b/host"},
		{"shop.example.com", "/api/x", "a/api"}, // longer prefix for any host beats the host's "/"
		{"shop.example.com", "/api/v2/x", "b/hostapi"},
	}
	for _, tt := range tests {
		t.Run(tt.host+tt.path, func(t *testing.T) {
			got := tab.Match(tt.host, tt.path)
			if got == nil || got.Key() != tt.want {
				t.Fatalf("Match = %v, want %s", got, tt.want)
			}
		})
	}
	if got := NewTable(routes[2:3]).Match("other", "/"); got != nil {
		t.Fatalf("Match for an unrouted host = %v, want nil", got)
	}
}

func FuzzParseRoute(f *testing.F) {
	f.Add("web:80", "a.example.com", "/api")
	f.Add("x", "", "")
	f.Add("web:99999", "a,,b", "/?")
	f.Fuzz(func(t *testing.T, svc, hosts, prefix string) {
		r, err := ParseRoute("ns", "so", map[string]string{AnnotationService: svc, AnnotationHosts: hosts, AnnotationPathPrefix: prefix})
		if err != nil {
			return
		}
		if r.Port < 1 || r.Port > 65535 || !strings.HasPrefix(r.PathPrefix, "/") {
			t.Fatalf("accepted invalid route %+v", r)
		}
		_ = NewTable([]*Route{r}).Match("a.example.com", prefix)
	})
}
