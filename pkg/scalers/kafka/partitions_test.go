package kafka

import (
	"slices"
	"testing"

	"github.com/sluice-dev/sluice/pkg/scalers/internal/testerr"
)

func TestParsePartitionLimitation(t *testing.T) {
	tests := []struct {
		in      string
		want    []int
		wantErr string
	}{
		{in: "", want: nil},
		{in: " , ", want: nil},
		{in: "1,2,10-12", want: []int{1, 2, 10, 11, 12}},
		{in: "3, 1 ,2-3", want: []int{1, 2, 3}},
		{in: "0-0", want: []int{0}},
		{in: "5-2", wantErr: "range end is below its start"},
		{in: "-1", wantErr: "want a partition id"},
		{in: "a", wantErr: "want a partition id"},
		{in: "1-2-3", wantErr: "want a partition id"},
		{in: "+1", wantErr: "want a partition id"},
		{in: "0-99999999", wantErr: "above"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := parsePartitionLimitation(tt.in)
			if testerr.Want(t, "parsePartitionLimitation()", err, tt.wantErr) {
				return
			}
			if !slices.Equal(got, tt.want) {
				t.Fatalf("parsePartitionLimitation() = %v; want %v", got, tt.want)
			}
		})
	}
}

func FuzzParsePartitionLimitation(f *testing.F) {
	for _, s := range []string{"1,2,10-12", "0-0", "5-2", "-1", " 3 , 4-", "65535", "1-65535"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		ids, err := parsePartitionLimitation(s)
		if err != nil {
			return
		}
		if !slices.IsSorted(ids) || len(slices.Compact(slices.Clone(ids))) != len(ids) {
			t.Fatalf("%q: ids not sorted and distinct: %v", s, ids)
		}
		for _, id := range ids {
			if id < 0 || id >= maxPartitionID {
				t.Fatalf("%q: id %d out of range", s, id)
			}
		}
	})
}
