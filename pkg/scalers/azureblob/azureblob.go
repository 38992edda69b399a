// Package azureblob is the azure-blob trigger: it counts the blobs in an
// Azure Storage container, as KEDA's trigger of that name does.
//
// Parameters (trigger metadata unless noted; see docs/triggers/azure-blob.md):
//
//   - blobContainerName (required): the container.
//   - blobCount (default 5, > 0): the target per replica.
//   - activationBlobCount (default 0): active while the count is above it.
//   - blobPrefix: count only blobs under this prefix. Unless recursive is
//     set, the delimiter is appended when the prefix does not end with it
//     (KEDA appends it even then, so "input/" became "input//").
//   - blobDelimiter (default "/"): the virtual directory separator.
//   - recursive (default false): false counts only the blobs directly under
//     the prefix (a hierarchy listing with the delimiter; virtual
//     directories are not counted); true counts every blob under it.
//   - globPattern: count only blobs whose full name matches the pattern
//     (see compileGlob: KEDA's library and rules), over a flat listing of
//     the prefix.
//   - connection, accountName, cloud, endpointSuffix: as for azure-queue,
//     except that connection is looked up in KEDA's order for this trigger:
//     TriggerAuthentication, connectionFromEnv, then inline metadata.
//
// Every page of the listing is read, so containers of any size count
// right. The metric name suffix is "azure-blob-<blobContainerName>".
package azureblob

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/gobwas/glob"

	"github.com/sluice-dev/sluice/pkg/scalers"
	"github.com/sluice-dev/sluice/pkg/scalers/internal/azstorage"
)

// Type is the trigger type name.
const Type = "azure-blob"

// params are the trigger's parameters, decoded by scalers.Decode.
type params struct {
	Container  string `param:"blobContainerName,required,from=metadata"`
	BlobCount  int64  `param:"blobCount,default=5,from=metadata"`
	Activation int64  `param:"activationBlobCount,default=0,from=metadata"`
	Prefix     string `param:"blobPrefix,from=metadata"`
	Delimiter  string `param:"blobDelimiter,default=/,from=metadata"`
	Recursive  bool   `param:"recursive,default=false,from=metadata"`
	Glob       string `param:"globPattern,from=metadata"`
	azstorage.BlobParams
}

// New returns the azure-blob constructor. Triggers reaching the same
// endpoint with the same credential share one SDK client from cache; a nil
// cache gets a private one of clientcache.DefaultSize.
func New(cache *ClientCache) scalers.Constructor {
	return scalers.Shared(cache, func() *ClientCache { return NewClientCache(0) }, build)
}

func build(cfg scalers.Config, p *params, cache *ClientCache) (*scalers.Trigger, error) {
	l, err := validate(cfg, p)
	if err != nil {
		return nil, err
	}
	t, err := p.Resolve(cfg)
	if err != nil {
		return nil, err
	}
	c, err := azstorage.Open[containerAPI](cfg, t, identityContainer{}, func() (containerAPI, error) {
		return cache.container(t, p.Container)
	})
	if err != nil {
		return nil, err
	}
	return &scalers.Trigger{
		Key:              key(t, p, l),
		Source:           &source{container: c, listing: l},
		MetricName:       "azure-blob-" + p.Container,
		Target:           float64(p.BlobCount),
		ActivationTarget: float64(p.Activation),
		Warning:          t.Warning(),
	}, nil
}

// listing is what one poll lists and counts.
type listing struct {
	prefix    string
	delimiter string   // "" for a flat listing
	glob      *matcher // nil counts every blob listed
}

// validate checks what Decode cannot and returns the listing.
func validate(cfg scalers.Config, p *params) (listing, error) {
	if err := azstorage.CheckName("container", p.Container, true); err != nil {
		return listing{}, scalers.ParamErrorf(cfg, "blobContainerName", "%v", err)
	}
	if p.BlobCount <= 0 {
		return listing{}, scalers.ParamErrorf(cfg, "blobCount", "want a number greater than 0, got %d", p.BlobCount)
	}
	if p.Activation < 0 {
		return listing{}, scalers.ParamErrorf(cfg, "activationBlobCount", "want a number of at least 0, got %d", p.Activation)
	}
	if len(p.Prefix) > 1024 {
		return listing{}, scalers.ParamErrorf(cfg, "blobPrefix", "want at most 1024 characters, got %d", len(p.Prefix))
	}
	l := listing{prefix: p.Prefix}
	if !p.Recursive && p.Prefix != "" && !strings.HasSuffix(p.Prefix, p.Delimiter) {
		l.prefix += p.Delimiter
	}
	if len(p.Glob) > 1024 {
		return listing{}, scalers.ParamErrorf(cfg, "globPattern", "want at most 1024 characters, got %d", len(p.Glob))
	}
	if p.Glob != "" {
		g, err := compileGlob(p.Glob)
		if err != nil {
			return listing{}, scalers.ParamErrorf(cfg, "globPattern", "%v", err)
		}
		l.glob = g
		return l, nil
	}
	if !p.Recursive {
		l.delimiter = p.Delimiter
	}
	return l, nil
}

// key identifies the source: type, endpoint, container, listing and a hash
// of the credentials.
func key(t *azstorage.Target, p *params, l listing) string {
	return strings.Join([]string{
		Type, t.Endpoint, p.Container, "prefix=" + strconv.Quote(l.prefix),
		"delimiter=" + strconv.Quote(l.delimiter), "glob=" + strconv.Quote(p.Glob), t.CredentialHash(),
	}, " ")
}

// matcher is a compiled globPattern.
type matcher struct {
	pattern string
	g       glob.Glob
}

// match reports whether name matches. github.com/gobwas/glob panics on a
// few malformed patterns (an unclosed "{" after a literal, such as "0{");
// that is an error here, never a crash.
func (m *matcher) match(name string) (ok bool, err error) {
	defer func() {
		if r := recover(); r != nil {
			ok, err = false, fmt.Errorf("globPattern %q cannot be matched (malformed pattern)", m.pattern)
		}
	}()
	return m.g.Match(name), nil
}

// compileGlob compiles a globPattern as KEDA does: with
// github.com/gobwas/glob and no separators (so * matches "/" too), after
// stripping one leading "/" (blob names never start with one, so
// "/dir/*.json" means "dir/*.json"). Patterns the library cannot compile,
// or that make it panic when matching a probe, are errors.
func compileGlob(pattern string) (m *matcher, err error) {
	defer func() {
		if r := recover(); r != nil {
			m, err = nil, errors.New("malformed pattern")
		}
	}()
	trimmed := strings.TrimPrefix(pattern, "/")
	g, err := glob.Compile(trimmed)
	if err != nil {
		return nil, fmt.Errorf("invalid glob pattern: %w", err)
	}
	m = &matcher{pattern: pattern, g: g}
	probes := []string{"a", "a/b.c"}
	for i := range min(len(trimmed), 256) + 1 { // the panics seen hit names shorter than the pattern
		probes = append(probes, trimmed[:i])
	}
	for _, probe := range probes {
		if _, err := m.match(probe); err != nil {
			return nil, errors.New("malformed pattern (check that every { and [ is closed)")
		}
	}
	return m, nil
}
