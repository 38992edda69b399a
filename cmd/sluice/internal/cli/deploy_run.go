package cli

import (
	"context"
	"errors"
	"fmt"
	"os"

	corev1 "k8s.io/api/core/v1"

	"github.com/sluice-dev/sluice/pkg/appmanifests"
	"github.com/sluice-dev/sluice/pkg/functions"
)

// runDeploy reads the project, generates the manifests, and prints them,
// writes them, or builds the image and applies them.
func runDeploy(ctx context.Context, s Streams, kube *kubeFlags, o *deployOptions) error {
	if o.output != appmanifests.FormatYAML && o.output != appmanifests.FormatJSON {
		return fmt.Errorf("-o %q: must be yaml or json", o.output)
	}
	if o.configFile != "" && !o.writeConfigs {
		return errors.New("--config-file: needs --write-configs")
	}
	image, err := o.image()
	if err != nil {
		return err
	}
	opts := appmanifests.Options{
		Name:                 o.name,
		Image:                image,
		PullSecret:           o.pullSecret,
		MinReplicas:          o.int32Flag("min-replicas", o.minReplicas),
		MaxReplicas:          o.int32Flag("max-replicas", o.maxReplicas),
		PollingInterval:      o.int32Flag("polling-interval", o.pollingInterval),
		CooldownPeriod:       o.int32Flag("cooldown-period", o.cooldownPeriod),
		UseConfigMap:         o.useConfigMap,
		ServiceType:          corev1.ServiceType(o.serviceType),
		HTTPPrometheusServer: o.promServer,
		HTTPTarget:           o.httpTarget,
		HTTPQuery:            o.httpQuery,
		HTTPScaleToZero:      o.httpScaleToZero,
		HTTPFront:            o.httpFront,
		HTTPHosts:            o.httpHosts,
	}
	for _, t := range o.triggers {
		trigger, err := appmanifests.ParseTrigger(t)
		if err != nil {
			return err
		}
		opts.Triggers = append(opts.Triggers, trigger)
	}
	if opts.Namespace, err = kube.namespace(o.namespace); err != nil {
		return err
	}
	project, err := loadProject(o.dir, len(opts.Triggers) > 0)
	if err != nil {
		return err
	}
	m, err := appmanifests.Generate(project, opts)
	if err != nil {
		return err
	}
	for _, w := range m.Warnings {
		fmt.Fprintln(s.ErrOut, "warning: "+w)
	}
	if o.dryRun || o.writeConfigs {
		return o.writeManifests(s, m)
	}
	if o.registry != "" && !o.noDocker {
		d := docker{out: s.Out, errOut: s.ErrOut}
		if err := d.buildAndPush(ctx, o.dir, image); err != nil {
			return err
		}
	}
	objs, err := appmanifests.Unstructured(m.Objects)
	if err != nil {
		return err
	}
	cfg, err := kube.restConfig()
	if err != nil {
		return err
	}
	return appmanifests.Apply(ctx, cfg, opts.Namespace, objs, s.Out)
}

// image returns the image to run: --image-name as given, or
// --registry/NAME:latest. --no-docker goes with either, as with func
// kubernetes deploy: with --image-name nothing is built anyway.
func (o *deployOptions) image() (string, error) {
	switch {
	case o.imageName != "" && o.registry != "":
		return "", errors.New("--image-name and --registry: give one, not both")
	case o.imageName != "":
		return o.imageName, nil
	case o.registry != "":
		return o.registry + "/" + o.name + ":latest", nil
	default:
		return "", errors.New("an image is required: give --image-name, or --registry to build one")
	}
}

// loadProject reads the project in dir; a project without function files
// is accepted when triggers were given on the command line.
func loadProject(dir string, haveTriggers bool) (*functions.Project, error) {
	p, err := functions.Load(dir)
	var none *functions.NoFunctionsError
	if errors.As(err, &none) && haveTriggers {
		return none.Project, nil
	}
	return p, err
}

// writeManifests prints the manifests (--dry-run) or writes them to
// --config-file or standard output (--write-configs).
func (o *deployOptions) writeManifests(s Streams, m *appmanifests.Manifests) error {
	out, err := appmanifests.Render(m.Objects, o.output)
	if err != nil {
		return err
	}
	if o.writeConfigs && o.configFile != "" {
		if err := os.WriteFile(o.configFile, out, 0o600); err != nil {
			return fmt.Errorf("write %s: %w", o.configFile, err)
		}
		fmt.Fprintf(s.ErrOut, "wrote %s\n", o.configFile)
		return nil
	}
	_, err = s.Out.Write(out)
	return err
}
