package scalers

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/sluice-dev/sluice/pkg/scalers/internal/testerr"
)

type testParams struct {
	Queue    string        `param:"queueName,required"`
	Target   float64       `param:"targetValue,default=5"`
	Mode     string        `param:"authMode,default=none,enum=none|basic|bearer"`
	Password string        `param:"password,from=auth|env"`
	Count    int32         `param:"count"`
	Big      int64         `param:"big"`
	N        int           `param:"n"`
	Flag     bool          `param:"flag"`
	Interval time.Duration `param:"interval,default=30s"`
	Topics   []string      `param:"topics,enum=a|b|c"`
	Ignored  string
}

func TestDecode(t *testing.T) {
	tests := []struct {
		name    string
		cfg     Config
		want    testParams
		wantErr string
		hidden  string // must not appear in the error
	}{
		{
			name: "defaults",
			cfg:  Config{Metadata: map[string]string{"queueName": "q"}},
			want: testParams{Queue: "q", Target: 5, Mode: "none", Interval: 30 * time.Second},
		},
		{
			name: "every kind",
			cfg: Config{Metadata: map[string]string{
				"queueName": "q", "targetValue": "2.5", "authMode": "basic", "count": "-3",
				"big": "9000000000", "n": "7", "flag": "true", "interval": "1500", "topics": " a, ,c ,",
			}},
			want: testParams{Queue: "q", Target: 2.5, Mode: "basic", Count: -3, Big: 9000000000,
				N: 7, Flag: true, Interval: 1500 * time.Millisecond, Topics: []string{"a", "c"}},
		},
		{
			name: "from env",
			cfg: Config{
				Metadata: map[string]string{"queueNameFromEnv": "QUEUE", "passwordFromEnv": "PW"},
				Env:      map[string]string{"QUEUE": "from-env", "PW": "s3cret"},
			},
			want: testParams{Queue: "from-env", Target: 5, Mode: "none", Password: "s3cret", Interval: 30 * time.Second},
		},
		{
			name: "metadata wins over env and auth",
			cfg: Config{
				Metadata:   map[string]string{"queueName": "meta", "queueNameFromEnv": "Q"},
				Env:        map[string]string{"Q": "env"},
				AuthParams: map[string]string{"queueName": "auth"},
			},
			want: testParams{Queue: "meta", Target: 5, Mode: "none", Interval: 30 * time.Second},
		},
		{
			name: "auth wins over env when ordered so",
			cfg: Config{
				Metadata:   map[string]string{"queueName": "q", "passwordFromEnv": "PW", "password": "ignored-plain"},
				Env:        map[string]string{"PW": "env-pw"},
				AuthParams: map[string]string{"password": "auth-pw"},
			},
			want: testParams{Queue: "q", Target: 5, Mode: "none", Password: "auth-pw", Interval: 30 * time.Second},
		},
		{
			// KEDA trims every value, wherever it comes from: a Secret
			// made with echo ends in a newline.
			name: "white space trimmed from every source",
			cfg: Config{
				Metadata:   map[string]string{"queueName": " q\t", "authMode": "basic\n", "passwordFromEnv": " PW ", "count": " 3 "},
				Env:        map[string]string{"PW": "s3cret\n"},
				AuthParams: map[string]string{"targetValue": "2\r\n"},
			},
			want: testParams{Queue: "q", Target: 2, Mode: "basic", Password: "s3cret", Count: 3, Interval: 30 * time.Second},
		},
		{
			name: "blank metadata falls through to auth",
			cfg: Config{
				Metadata:   map[string]string{"queueName": "  "},
				AuthParams: map[string]string{"queueName": "\nfrom-auth\n"},
			},
			want: testParams{Queue: "from-auth", Target: 5, Mode: "none", Interval: 30 * time.Second},
		},
		{
			name:    "blank required is missing",
			cfg:     Config{Type: "t", Metadata: map[string]string{"queueName": " \n "}},
			wantErr: `parameter "queueName": required but not set`,
		},
		{
			name:    "missing required",
			cfg:     Config{Index: 2, Type: "metrics-api", Name: "orders"},
			wantErr: `trigger 2 "orders" (metrics-api): parameter "queueName": required but not set (looked in metadata, queueNameFromEnv, TriggerAuthentication)`,
		},
		{
			name:    "bad number from metadata",
			cfg:     Config{Type: "metrics-api", Metadata: map[string]string{"queueName": "q", "targetValue": "abc"}},
			wantErr: `trigger 0 (metrics-api): parameter "targetValue": want a number, got "abc"`,
		},
		{
			name:    "infinite number",
			cfg:     Config{Type: "t", Metadata: map[string]string{"queueName": "q", "targetValue": "+Inf"}},
			wantErr: `parameter "targetValue": want a number, got "+Inf"`,
		},
		{
			name:    "bad number from auth is not shown",
			cfg:     Config{Type: "t", Metadata: map[string]string{"queueName": "q"}, AuthParams: map[string]string{"targetValue": "hunter2"}},
			wantErr: `parameter "targetValue": want a number, got a value from TriggerAuthentication or env (not shown)`,
			hidden:  "hunter2",
		},
		{
			name:    "bad enum from env is not shown",
			cfg:     Config{Type: "t", Metadata: map[string]string{"queueName": "q", "authModeFromEnv": "M"}, Env: map[string]string{"M": "hunter2"}},
			wantErr: `parameter "authMode": want one of none, basic, bearer, got a value from`,
			hidden:  "hunter2",
		},
		{
			name:    "bad enum from metadata",
			cfg:     Config{Type: "t", Metadata: map[string]string{"queueName": "q", "authMode": "oauth"}},
			wantErr: `parameter "authMode": want one of none, basic, bearer, got "oauth"`,
		},
		{
			name:    "bad list element",
			cfg:     Config{Type: "t", Metadata: map[string]string{"queueName": "q", "topics": "a,z"}},
			wantErr: `parameter "topics": want one of a, b, c, got "z"`,
		},
		{
			name:    "missing env variable",
			cfg:     Config{Type: "t", Metadata: map[string]string{"queueNameFromEnv": "NOPE"}, Env: map[string]string{"OTHER": "hunter2"}},
			wantErr: `parameter "queueName": environment variable "NOPE" named by queueNameFromEnv is not set in the scale target`,
			hidden:  "hunter2",
		},
		{
			name:    "int overflow",
			cfg:     Config{Type: "t", Metadata: map[string]string{"queueName": "q", "count": "3000000000"}},
			wantErr: `parameter "count": want an integer (32-bit), got "3000000000"`,
		},
		{
			name:    "negative duration",
			cfg:     Config{Type: "t", Metadata: map[string]string{"queueName": "q", "interval": "-1"}},
			wantErr: `parameter "interval": want a duration that is not negative, got "-1"`,
		},
		{
			name: "Go duration",
			cfg:  Config{Metadata: map[string]string{"queueName": "q", "interval": "1m30s"}},
			want: testParams{Queue: "q", Target: 5, Mode: "none", Interval: 90 * time.Second},
		},
		{
			name:    "fractional milliseconds",
			cfg:     Config{Type: "t", Metadata: map[string]string{"queueName": "q", "interval": "1.5"}},
			wantErr: `parameter "interval": want a duration such as "30s" or a whole number of milliseconds, got "1.5"`,
		},
		{
			name:    "bad bool",
			cfg:     Config{Type: "t", Metadata: map[string]string{"queueName": "q", "flag": "yes"}},
			wantErr: `parameter "flag": want true or false, got "yes"`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got testParams
			err := Decode(tt.cfg, &got)
			if testerr.Want(t, "Decode()", err, tt.wantErr, tt.hidden) {
				var pe *ParamError
				if !errors.As(err, &pe) {
					t.Fatalf("Decode() error %T is not a *ParamError", err)
				}
				return
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Decode() = %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestDecodeMissingIsErrMissingParam(t *testing.T) {
	var p testParams
	if err := Decode(Config{}, &p); !errors.Is(err, ErrMissingParam) {
		t.Fatalf("Decode() error = %v, want ErrMissingParam", err)
	}
}

func TestDecodeBadDeclarations(t *testing.T) {
	tests := []struct {
		name    string
		out     any
		wantErr string
	}{
		{"not a pointer", testParams{}, "want a non-nil pointer to a struct"},
		{"nil pointer", (*testParams)(nil), "want a non-nil pointer to a struct"},
		{"unknown option", &struct {
			A string `param:"a,mandatory"`
		}{}, `unknown param tag option "mandatory"`},
		{"unknown source", &struct {
			A string `param:"a,from=vault"`
		}{}, `unknown source "vault"`},
		{"required and default", &struct {
			A string `param:"a,required,default=x"`
		}{}, "both required and defaulted"},
		{"unsupported kind", &struct {
			A float32 `param:"a"`
		}{}, "unsupported field type float32"},
		{"enum on int", &struct {
			A int `param:"a,enum=1|2"`
		}{}, "enum on a int field"},
		{"bad default", &struct {
			A int `param:"a,default=x"`
		}{}, `default "x"`},
		{"duration default without unit", &struct {
			A time.Duration `param:"a,default=30"`
		}{}, "with its unit"},
		{"empty name", &struct {
			A int `param:",required"`
		}{}, "without a name"},
		{"unexported", &struct {
			a int `param:"a"`
		}{}, "unexported field"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := Decode(Config{Type: "t"}, tt.out)
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("Decode() error = %v, want it to contain %q", err, tt.wantErr)
			}
		})
	}
}

func FuzzDecode(f *testing.F) {
	f.Add("queueName", "q", "targetValue", "1.5", "topics", "a,b", "E", "v")
	f.Add("queueNameFromEnv", "E", "interval", "1e308", "count", "-0", "E", "")
	f.Add("authMode", "bearer", "flag", "T", "big", "0x10", "X", "y")
	f.Fuzz(func(t *testing.T, k1, v1, k2, v2, k3, v3, envK, envV string) {
		cfg := Config{
			Type:       "fuzz",
			Metadata:   map[string]string{k1: v1, k2: v2, k3: v3},
			AuthParams: map[string]string{k1: v2, "password": v3},
			Env:        map[string]string{envK: envV},
		}
		var p testParams
		err := Decode(cfg, &p)
		if err != nil && envV != "" && len(envV) > 3 && strings.Contains(err.Error(), envV) &&
			!strings.Contains(v1+v2+v3+k1+k2+k3+envK, envV) {
			t.Fatalf("error %q reveals an env value", err)
		}
	})
}
