package azureservicebus

import (
	"errors"
	"fmt"
	"strings"

	"github.com/sluice-dev/sluice/pkg/scalers"
)

// errInlineConnection refuses a connection string written in plain
// metadata: it would hold the key in the ScaledObject.
var errInlineConnection = errors.New("a connection string in plain metadata is refused (it holds the key); give it through connectionFromEnv or TriggerAuthentication")

// resolve finds and parses the connection string and checks namespace,
// cloud and endpointSuffix against it. It returns remarks for the status.
// Errors are *scalers.ParamError and never quote the connection string.
func resolve(cfg scalers.Config, p *params) (*connection, []string, error) {
	var warnings []string
	suffix, param, err := namespaceSuffix(p.Cloud, p.EndpointSuffix)
	if err != nil {
		return nil, nil, scalers.ParamErrorf(cfg, param, "%v", err)
	}
	if p.EndpointSuffix != "" && !strings.EqualFold(p.Cloud, "Private") {
		warnings = append(warnings, "endpointSuffix is ignored unless cloud is Private")
	}
	if p.Namespace != "" {
		if err := checkNamespace(p.Namespace); err != nil {
			return nil, nil, scalers.ParamErrorf(cfg, "namespace", "%v", err)
		}
	}
	if inline := strings.TrimSpace(cfg.Metadata["connection"]); inline != "" {
		c, err := parseConnection(inline)
		switch {
		case !strings.Contains(inline, "="):
			return nil, nil, scalers.ParamErrorf(cfg, "connection",
				"in metadata want a connection string; to read it from an environment variable write connectionFromEnv instead")
		case err != nil || !c.Emulator:
			return nil, nil, scalers.ParamErrorf(cfg, "connection", "%v (only a development emulator string, UseDevelopmentEmulator=true, may be written inline)", errInlineConnection)
		case p.Connection == "":
			p.Connection = inline
		}
	}
	if p.Connection == "" {
		if p.Namespace != "" {
			return nil, nil, scalers.ParamErrorf(cfg, "connection",
				"%w: namespace without a connection string needs pod identity (azure-workload), which Sluice does not support yet; give a connection string through connectionFromEnv or TriggerAuthentication", scalers.ErrMissingParam)
		}
		return nil, nil, scalers.ParamErrorf(cfg, "connection", "%w (looked in TriggerAuthentication, connectionFromEnv)", scalers.ErrMissingParam)
	}
	conn, err := parseConnection(p.Connection)
	if err != nil {
		return nil, nil, scalers.ParamErrorf(cfg, "connection", "%v", err)
	}
	if conn.local() {
		warnings = append(warnings, fmt.Sprintf("connection points at a local Service Bus (%s), not Azure", conn.Host))
	} else if p.Namespace != "" && !strings.EqualFold(conn.Host, p.Namespace+"."+suffix) {
		warnings = append(warnings, fmt.Sprintf("namespace %s.%s differs from the connection string's %s; the connection string is used", p.Namespace, suffix, conn.Host))
	}
	entity := p.QueueName
	if p.TopicName != "" {
		entity = p.TopicName
	}
	if conn.EntityPath != "" && (p.UseRegex && p.TopicName == "" || !strings.EqualFold(conn.EntityPath, entity)) {
		warnings = append(warnings, fmt.Sprintf("the connection string is for entity %q: reading other entities will be refused", conn.EntityPath))
	}
	return conn, warnings, nil
}
