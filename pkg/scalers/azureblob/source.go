package azureblob

import (
	"context"

	"github.com/sluice-dev/sluice/pkg/scalers"
	"github.com/sluice-dev/sluice/pkg/scalers/internal/azstorage"
)

// source polls one container.
type source struct {
	container containerAPI
	listing   listing
}

var _ scalers.Source = (*source)(nil)

// Poll implements scalers.Source: the number of blobs the listing selects,
// over every page. Errors are sanitized: they hold no key, SAS or URL.
func (s *source) Poll(ctx context.Context) (float64, error) {
	var n int64
	var matchErr error
	err := s.container.EachPage(ctx, s.listing.prefix, s.listing.delimiter, func(names []string) {
		if s.listing.glob == nil {
			n += int64(len(names))
			return
		}
		for _, name := range names {
			ok, err := s.listing.glob.match(name)
			if err != nil && matchErr == nil {
				matchErr = err
			}
			if ok {
				n++
			}
		}
	})
	if err != nil {
		return 0, err
	}
	if matchErr != nil {
		return 0, matchErr
	}
	return float64(n), nil
}

// identityContainer stands in for a container reached with identity-based
// access, which is not supported yet.
type identityContainer struct{}

func (identityContainer) EachPage(context.Context, string, string, func([]string)) error {
	return azstorage.ErrIdentityUnsupported
}
