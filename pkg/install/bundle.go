package install

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"strings"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"

	"github.com/sluice-dev/sluice/deploy"
	"github.com/sluice-dev/sluice/pkg/version"
)

// placeholderNamespace is the namespace the embedded manifests are written
// for; Bundle replaces it.
const placeholderNamespace = DefaultNamespace

// Options say where and what to install.
type Options struct {
	// Namespace the components run in; DefaultNamespace when empty.
	Namespace string
	// Registry holds the images sluice-adapter, sluice-activator and
	// sluice-http; DefaultRegistry when empty.
	Registry string
	// ImageTag of the images; DefaultImageTag() when empty.
	ImageTag string
}

// DefaultImageTag is the tag matching this build: its version, or
// "latest" for a development build.
func DefaultImageTag() string {
	if version.Version == "" || version.Version == "dev" {
		return "latest"
	}
	return version.Version
}

// withDefaults returns o with the empty fields set.
func (o Options) withDefaults() Options {
	if o.Namespace == "" {
		o.Namespace = DefaultNamespace
	}
	if o.Registry == "" {
		o.Registry = DefaultRegistry
	}
	if o.ImageTag == "" {
		o.ImageTag = DefaultImageTag()
	}
	return o
}

// Image returns the reference of the component name (sluice-adapter,
// sluice-activator or sluice-http).
func (o Options) Image(name string) string {
	o = o.withDefaults()
	return strings.TrimSuffix(o.Registry, "/") + "/" + name + ":" + o.ImageTag
}

// Bundle returns every object install applies, in apply order: the CRDs,
// the namespace, RBAC, the TLS Secret, the Services and Deployments, and
// the APIService trusting tls.CA. Each carries the install labels.
func Bundle(o Options, tls *TLS) ([]*unstructured.Unstructured, error) {
	o = o.withDefaults()
	if tls == nil {
		return nil, errors.New("bundle: no TLS material")
	}
	crds, err := decodeDir(deploy.CRDs, "crds")
	if err != nil {
		return nil, err
	}
	base, err := decodeDir(deploy.Base, "base")
	if err != nil {
		return nil, err
	}
	secret, err := tlsSecret(tls, o.Namespace)
	if err != nil {
		return nil, err
	}
	objs := append(crds, base...)
	objs = append(objs, secret)
	for _, u := range objs {
		if err := customize(u, o, tls); err != nil {
			return nil, fmt.Errorf("customize %s %s: %w", u.GetKind(), u.GetName(), err)
		}
	}
	sortForApply(objs)
	return objs, nil
}

// decodeDir decodes every YAML document of the files in dir, in file-name
// order, skipping kustomization.yaml.
func decodeDir(fsys fs.FS, dir string) ([]*unstructured.Unstructured, error) {
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return nil, fmt.Errorf("read embedded %s: %w", dir, err)
	}
	var objs []*unstructured.Unstructured
	for _, e := range entries {
		if e.Name() == "kustomization.yaml" {
			continue
		}
		name := path.Join(dir, e.Name())
		raw, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, fmt.Errorf("read embedded %s: %w", name, err)
		}
		docs, err := DecodeManifest(raw)
		if err != nil {
			return nil, fmt.Errorf("decode embedded %s: %w", name, err)
		}
		objs = append(objs, docs...)
	}
	return objs, nil
}

// DecodeManifest decodes the documents of a multi-document YAML (or JSON)
// manifest, skipping empty ones. It fails, naming the document by its
// index, unless each decodes to an object with apiVersion, kind and
// metadata.name. Bundle reads the embedded manifests with it, and
// hack/helm/base checks the base it renders with it.
func DecodeManifest(raw []byte) ([]*unstructured.Unstructured, error) {
	d := utilyaml.NewYAMLOrJSONDecoder(bytes.NewReader(raw), 4096)
	var objs []*unstructured.Unstructured
	for i := 0; ; i++ {
		var m map[string]any
		err := d.Decode(&m)
		if errors.Is(err, io.EOF) {
			return objs, nil
		}
		if err != nil {
			return nil, fmt.Errorf("document %d: %w", i, err)
		}
		if len(m) == 0 {
			continue
		}
		meta, _ := m["metadata"].(map[string]any)
		if m["apiVersion"] == nil || m["kind"] == nil || meta["name"] == nil {
			return nil, fmt.Errorf("document %d is no object (apiVersion, kind and metadata.name)", i)
		}
		objs = append(objs, &unstructured.Unstructured{Object: m})
	}
}
