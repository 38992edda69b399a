package appmanifests

import (
	"fmt"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
)

// httpPort is the port the Functions host listens on in the base images.
const httpPort = 80

// functionsEnvPrefix limits the Functions host to the named functions:
// AzureFunctionsJobHost__functions__0, __1, ...
const functionsEnvPrefix = "AzureFunctionsJobHost__functions__"

// deployment builds the Deployment name running fns (all functions when
// fns is empty) with the settings in its environment.
func deployment(name, role string, fns []string, replicas int32, o Options) *appsv1.Deployment {
	c := corev1.Container{
		Name:    "functions",
		Image:   o.Image,
		EnvFrom: []corev1.EnvFromSource{envFrom(o)},
	}
	for i, fn := range fns {
		c.Env = append(c.Env, corev1.EnvVar{Name: fmt.Sprintf("%s%d", functionsEnvPrefix, i), Value: fn})
	}
	if role == RoleHTTP {
		c.Ports = []corev1.ContainerPort{{Name: "http", ContainerPort: httpPort, Protocol: corev1.ProtocolTCP}}
	}
	pod := corev1.PodSpec{Containers: []corev1.Container{c}}
	if o.PullSecret != "" {
		pod.ImagePullSecrets = []corev1.LocalObjectReference{{Name: o.PullSecret}}
	}
	return &appsv1.Deployment{
		TypeMeta:   typeMeta("apps/v1", "Deployment"),
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: o.Namespace, Labels: objectLabels(o.Name, role)},
		Spec: appsv1.DeploymentSpec{
			Replicas: &replicas,
			Selector: &metav1.LabelSelector{MatchLabels: podSelector(o.Name, role)},
			Template: corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: objectLabels(o.Name, role)},
				Spec:       pod,
			},
		},
	}
}

// envFrom refers to the Secret or ConfigMap holding the settings.
func envFrom(o Options) corev1.EnvFromSource {
	ref := corev1.LocalObjectReference{Name: o.Name}
	if o.UseConfigMap {
		return corev1.EnvFromSource{ConfigMapRef: &corev1.ConfigMapEnvSource{LocalObjectReference: ref}}
	}
	return corev1.EnvFromSource{SecretRef: &corev1.SecretEnvSource{LocalObjectReference: ref}}
}

// service builds the Service <name>-http in front of the HTTP Deployment.
func service(o Options) *corev1.Service {
	typ := o.ServiceType
	if typ == "" {
		typ = corev1.ServiceTypeClusterIP
	}
	return &corev1.Service{
		TypeMeta:   typeMeta("v1", "Service"),
		ObjectMeta: metav1.ObjectMeta{Name: httpName(o.Name), Namespace: o.Namespace, Labels: objectLabels(o.Name, RoleHTTP)},
		Spec: corev1.ServiceSpec{
			Type:     typ,
			Selector: podSelector(o.Name, RoleHTTP),
			Ports: []corev1.ServicePort{{
				Name: "http", Port: httpPort, TargetPort: intstr.FromString("http"), Protocol: corev1.ProtocolTCP,
			}},
		},
	}
}
