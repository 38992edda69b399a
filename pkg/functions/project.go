package functions

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
)

// HostFile is the name of the host configuration file in a project.
const HostFile = "host.json"

// Project is an Azure Functions project as read from its directory.
type Project struct {
	// Dir is the project directory.
	Dir string
	// Host is host.json as decoded.
	Host map[string]any
	// Functions are the project's functions sorted by name: from
	// functions.metadata when the project has one, else from every
	// */function.json.
	Functions []Function
	// Settings are local.settings.json's values; empty when the file does
	// not exist.
	Settings Settings
}

// NoFunctionsError is returned by Load for a project that describes no
// functions in files (the Python v2 and Node v4 programming models declare
// them in code).
type NoFunctionsError struct {
	// Project holds everything else Load read, so that a caller given
	// triggers some other way can go on.
	Project *Project
}

// Error names the files looked for and the flag to use instead.
func (e *NoFunctionsError) Error() string {
	return fmt.Sprintf("no functions found in %s: looked for */function.json and %s; "+
		"projects that declare functions in code (Python v2, Node v4) need --trigger type:key=value,...",
		e.Project.Dir, MetadataFile)
}

// Load reads the project in dir. host.json must exist; local.settings.json
// is optional. A project without function.json files or functions.metadata
// gives a *NoFunctionsError.
func Load(dir string) (*Project, error) {
	p := &Project{Dir: dir, Settings: Settings{Values: map[string]string{}}}
	if err := p.readHost(); err != nil {
		return nil, err
	}
	data, err := os.ReadFile(filepath.Join(dir, SettingsFile))
	switch {
	case errors.Is(err, fs.ErrNotExist):
	case err != nil:
		return nil, fmt.Errorf("read %s: %w", SettingsFile, err)
	default:
		if p.Settings, err = ParseSettings(data); err != nil {
			return nil, err
		}
	}
	if err := p.readFunctions(); err != nil {
		return nil, err
	}
	if len(p.Functions) == 0 {
		return nil, &NoFunctionsError{Project: p}
	}
	return p, nil
}

// readHost reads and checks host.json.
func (p *Project) readHost() error {
	data, err := os.ReadFile(filepath.Join(p.Dir, HostFile))
	if errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("%s not found in %s: not an Azure Functions project", HostFile, p.Dir)
	}
	if err != nil {
		return fmt.Errorf("read %s: %w", HostFile, err)
	}
	host, err := ParseHost(data)
	if err != nil {
		return err
	}
	p.Host = host
	return nil
}

// ParseHost parses the contents of host.json and checks its version, which
// must be "2.0" (the only schema of Functions runtime 2 and later).
func ParseHost(data []byte) (map[string]any, error) {
	host, err := decodeObject(HostFile, data)
	if err != nil {
		return nil, err
	}
	v, ok := host["version"]
	if !ok {
		return nil, fmt.Errorf("%s: version: required (\"2.0\")", HostFile)
	}
	if s, _ := v.(string); s != "2.0" {
		return nil, fmt.Errorf("%s: version: must be \"2.0\", got %v", HostFile, v)
	}
	return host, nil
}

// readFunctions reads functions.metadata when present, else every
// */function.json.
func (p *Project) readFunctions() error {
	data, err := os.ReadFile(filepath.Join(p.Dir, MetadataFile))
	switch {
	case err == nil:
		fns, err := ParseFunctionsMetadata(data)
		if err != nil {
			return err
		}
		p.Functions = fns
	case !errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("read %s: %w", MetadataFile, err)
	default:
		paths, err := filepath.Glob(filepath.Join(p.Dir, "*", "function.json"))
		if err != nil {
			return fmt.Errorf("find function.json files: %w", err)
		}
		for _, path := range paths {
			name := filepath.Base(filepath.Dir(path))
			source := name + "/function.json"
			data, err := os.ReadFile(path)
			if err != nil {
				return fmt.Errorf("read %s: %w", source, err)
			}
			fn, err := ParseFunctionJSON(name, source, data)
			if err != nil {
				return err
			}
			p.Functions = append(p.Functions, fn)
		}
	}
	sort.Slice(p.Functions, func(i, j int) bool { return p.Functions[i].Name < p.Functions[j].Name })
	return nil
}
