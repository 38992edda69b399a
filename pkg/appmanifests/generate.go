package appmanifests

import (
	"errors"
	"fmt"
	"strings"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/validation"

	"github.com/sluice-dev/sluice/pkg/functions"
)

// Manifests are the objects generated for an app, in the order they are
// rendered and applied, and the warnings a person should see.
type Manifests struct {
	// Objects are typed API objects with TypeMeta set.
	Objects []runtime.Object
	// Warnings are one line each.
	Warnings []string
}

// Generate builds the objects that run project p with options o:
//
//   - a Secret (or ConfigMap) <name> from local.settings.json Values;
//   - for the non-HTTP functions, a Deployment <name> and, when any trigger
//     maps, a ScaledObject <name> with one trigger per function;
//   - for the HTTP functions, a Deployment and a Service <name>-http and,
//     with HTTP scaling options, a ScaledObject <name>-http (behind
//     sluice-http with HTTPScaleToZero).
//
// p may have no functions when o.Triggers is not empty. The options are
// validated first.
func Generate(p *functions.Project, o Options) (*Manifests, error) {
	if errs := o.Validate(); len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	plan, err := p.Plan()
	if err != nil {
		return nil, err
	}
	if len(plan.Workers) == 0 && len(plan.HTTP) == 0 && len(o.Triggers) == 0 {
		return nil, errors.New("nothing to deploy: the project has no functions and no --trigger was given")
	}
	m := &Manifests{}
	for _, w := range plan.Warnings {
		m.Warnings = append(m.Warnings, w.String())
	}
	cfg, warnings, err := settingsObject(p.Settings, o)
	if err != nil {
		return nil, err
	}
	m.Warnings = append(m.Warnings, warnings...)
	m.Objects = append(m.Objects, cfg)

	if len(plan.Workers) > 0 || len(o.Triggers) > 0 {
		so := workerScaledObject(plan, o)
		replicas := int32(0)
		if o.MinReplicas != nil {
			replicas = *o.MinReplicas
		}
		if so == nil && replicas == 0 {
			replicas = 1
			m.Warnings = append(m.Warnings, "no trigger of the non-HTTP functions can be scaled on: "+
				"no ScaledObject is generated and the Deployment runs 1 replica")
		}
		m.Objects = append(m.Objects, deployment(o.Name, RoleWorker, plan.Workers, replicas, o))
		if so != nil {
			m.Objects = append(m.Objects, so)
		}
	}
	if len(plan.HTTP) > 0 {
		replicas := int32(1)
		if o.HTTPScaleToZero {
			replicas = 0 // the first request wakes it
		}
		if o.MinReplicas != nil {
			replicas = max(replicas, *o.MinReplicas)
		}
		m.Objects = append(m.Objects, deployment(httpName(o.Name), RoleHTTP, plan.HTTP, replicas, o), service(o))
		switch {
		case o.HTTPScaleToZero:
			m.Objects = append(m.Objects, httpFrontScaledObject(o))
		case o.HTTPPrometheusServer != "":
			m.Objects = append(m.Objects, httpScaledObject(o))
		}
	}
	return m, nil
}

// httpName names the HTTP workload of app name.
func httpName(name string) string { return name + "-" + RoleHTTP }

// settingsObject builds the Secret (or ConfigMap) holding the settings.
// Setting names use ":" for nesting, which environment variables spell
// "__"; names that are still not valid keys are an error.
func settingsObject(s functions.Settings, o Options) (runtime.Object, []string, error) {
	data := map[string]string{}
	var warnings []string
	for _, name := range s.Names() {
		key := strings.ReplaceAll(name, ":", "__")
		if msgs := validation.IsConfigMapKey(key); len(msgs) > 0 {
			return nil, nil, fmt.Errorf("%s: Values.%s: not usable as an environment variable name: %s",
				functions.SettingsFile, name, strings.Join(msgs, "; "))
		}
		if _, dup := data[key]; dup {
			return nil, nil, fmt.Errorf("%s: Values.%s: same environment variable %s as another setting", functions.SettingsFile, name, key)
		}
		v := s.Values[name]
		if strings.Contains(v, "UseDevelopmentStorage=true") {
			warnings = append(warnings, fmt.Sprintf("setting %s points at the local storage emulator (UseDevelopmentStorage=true), which pods cannot reach", name))
		}
		data[key] = v
	}
	meta := metav1.ObjectMeta{Name: o.Name, Namespace: o.Namespace, Labels: objectLabels(o.Name, "")}
	if o.UseConfigMap {
		return &corev1.ConfigMap{TypeMeta: typeMeta("v1", "ConfigMap"), ObjectMeta: meta, Data: data}, warnings, nil
	}
	bin := make(map[string][]byte, len(data))
	for k, v := range data {
		bin[k] = []byte(v)
	}
	return &corev1.Secret{TypeMeta: typeMeta("v1", "Secret"), ObjectMeta: meta, Type: corev1.SecretTypeOpaque, Data: bin}, warnings, nil
}

// typeMeta returns the TypeMeta for apiVersion and kind.
func typeMeta(apiVersion, kind string) metav1.TypeMeta {
	return metav1.TypeMeta{APIVersion: apiVersion, Kind: kind}
}
