package v1alpha1

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// TriggerAuthentication supplies trigger parameters (usually credentials)
// from Secrets, ConfigMaps and the scale target's environment in its own
// namespace.
//
// +genclient
// +genclient:noStatus
// +kubebuilder:object:root=true
// +kubebuilder:resource:shortName=ta;triggerauth,categories=sluice
// +kubebuilder:printcolumn:name="PodIdentity",type=string,JSONPath=`.spec.podIdentity.provider`
// +kubebuilder:printcolumn:name="Secret",type=string,JSONPath=`.spec.secretTargetRef[*].name`
// +kubebuilder:printcolumn:name="Env",type=string,JSONPath=`.spec.env[*].name`
// +kubebuilder:printcolumn:name="Age",type=date,JSONPath=`.metadata.creationTimestamp`
type TriggerAuthentication struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	Spec TriggerAuthenticationSpec `json:"spec"`
}

// TriggerAuthenticationList is a list of TriggerAuthentications.
//
// +kubebuilder:object:root=true
type TriggerAuthenticationList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []TriggerAuthentication `json:"items"`
}

// ClusterTriggerAuthentication is a cluster-scoped TriggerAuthentication;
// the Secrets and ConfigMaps it names are read from the namespace Sluice
// runs in, never from the ScaledObject's.
//
// +genclient
// +genclient:nonNamespaced
// +genclient:noStatus
// +kubebuilder:object:root=true
// +kubebuilder:resource:scope=Cluster,shortName=cta;clustertriggerauth,categories=sluice
// +kubebuilder:printcolumn:name="PodIdentity",type=string,JSONPath=`.spec.podIdentity.provider`
// +kubebuilder:printcolumn:name="Secret",type=string,JSONPath=`.spec.secretTargetRef[*].name`
// +kubebuilder:printcolumn:name="Env",type=string,JSONPath=`.spec.env[*].name`
// +kubebuilder:printcolumn:name="Age",type=date,JSONPath=`.metadata.creationTimestamp`
type ClusterTriggerAuthentication struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	Spec TriggerAuthenticationSpec `json:"spec"`
}

// ClusterTriggerAuthenticationList is a list of
// ClusterTriggerAuthentications.
//
// +kubebuilder:object:root=true
type ClusterTriggerAuthenticationList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []ClusterTriggerAuthentication `json:"items"`
}

// TriggerAuthenticationSpec lists where each trigger parameter comes from.
// A parameter named in more than one place takes the last one in the order
// env, configMapTargetRef, secretTargetRef.
type TriggerAuthenticationSpec struct {
	// PodIdentity selects a workload identity provider.
	// +optional
	PodIdentity *AuthPodIdentity `json:"podIdentity,omitempty"`
	// SecretTargetRef reads parameters from keys of Secrets.
	// +kubebuilder:validation:MaxItems=64
	// +optional
	SecretTargetRef []AuthSecretTargetRef `json:"secretTargetRef,omitempty"`
	// ConfigMapTargetRef reads parameters from keys of ConfigMaps.
	// +kubebuilder:validation:MaxItems=64
	// +optional
	ConfigMapTargetRef []AuthConfigMapTargetRef `json:"configMapTargetRef,omitempty"`
	// Env reads parameters from environment variables of the scale target's
	// containers.
	// +kubebuilder:validation:MaxItems=64
	// +optional
	Env []AuthEnvironment `json:"env,omitempty"`
}

// PodIdentityProvider names a workload identity provider.
type PodIdentityProvider string

// The pod identity providers Sluice accepts. Only none is acted on today; the
// others are stored and validated so that manifests written for KEDA apply.
const (
	PodIdentityProviderNone          PodIdentityProvider = "none"
	PodIdentityProviderAzureWorkload PodIdentityProvider = "azure-workload"
	PodIdentityProviderAWS           PodIdentityProvider = "aws"
	PodIdentityProviderAWSEKS        PodIdentityProvider = "aws-eks"
	PodIdentityProviderGCP           PodIdentityProvider = "gcp"
)

// AuthPodIdentity selects a workload identity provider. For azure-workload,
// identityId and identityTenantId may be omitted but not empty, and
// identityAuthorityHost needs identityTenantId, as KEDA's admission checks.
//
// +kubebuilder:validation:XValidation:rule="self.provider != 'azure-workload' || !has(self.identityId) || size(self.identityId) > 0",message="podIdentity.identityId must not be empty when set"
// +kubebuilder:validation:XValidation:rule="self.provider != 'azure-workload' || !has(self.identityTenantId) || size(self.identityTenantId) > 0",message="podIdentity.identityTenantId must not be empty when set"
// +kubebuilder:validation:XValidation:rule="self.provider != 'azure-workload' || !has(self.identityAuthorityHost) || size(self.identityAuthorityHost) == 0 || (has(self.identityTenantId) && size(self.identityTenantId) > 0)",message="podIdentity.identityTenantId is required when identityAuthorityHost is set"
// +kubebuilder:validation:XValidation:rule="self.provider != 'aws' || !has(self.roleArn) || size(self.roleArn) == 0 || !has(self.identityOwner) || self.identityOwner != 'workload'",message="podIdentity.roleArn must not be set when identityOwner is workload"
// +kubebuilder:validation:XValidation:rule="self.provider != 'aws' || !has(self.externalID) || size(self.externalID) == 0 || (has(self.roleArn) && size(self.roleArn) > 0)",message="podIdentity.externalID requires roleArn"
type AuthPodIdentity struct {
	// Provider is none, azure-workload, aws, aws-eks or gcp.
	// +kubebuilder:validation:XValidation:rule="self in ['none', 'azure-workload', 'aws', 'aws-eks', 'gcp']",message="podIdentity.provider must be one of none, azure-workload, aws, aws-eks or gcp"
	Provider PodIdentityProvider `json:"provider"`
	// IdentityID is the client ID of the identity to use.
	// +optional
	IdentityID *string `json:"identityId,omitempty"`
	// IdentityTenantID is the tenant of the identity.
	// +optional
	IdentityTenantID *string `json:"identityTenantId,omitempty"`
	// IdentityAuthorityHost is the authority host of the identity.
	// +optional
	IdentityAuthorityHost *string `json:"identityAuthorityHost,omitempty"`
	// RoleArn is the AWS role to assume (provider aws); not with
	// identityOwner workload.
	// +optional
	RoleArn *string `json:"roleArn,omitempty"`
	// ExternalID is the external ID used when assuming RoleArn.
	// +optional
	ExternalID *string `json:"externalID,omitempty"`
	// IdentityOwner is keda or workload: whose identity is used.
	// +kubebuilder:validation:XValidation:rule="self in ['keda', 'workload']",message="podIdentity.identityOwner must be keda or workload"
	// +optional
	IdentityOwner *string `json:"identityOwner,omitempty"`
}

// AuthSecretTargetRef reads one parameter from a key of a Secret.
type AuthSecretTargetRef struct {
	// Parameter is the trigger parameter to set.
	// +kubebuilder:validation:XValidation:rule="size(self) > 0",message="secretTargetRef.parameter must not be empty"
	Parameter string `json:"parameter"`
	// Name of the Secret.
	// +kubebuilder:validation:XValidation:rule="size(self) > 0",message="secretTargetRef.name must not be empty"
	Name string `json:"name"`
	// Key in the Secret's data.
	// +kubebuilder:validation:XValidation:rule="size(self) > 0",message="secretTargetRef.key must not be empty"
	Key string `json:"key"`
}

// AuthConfigMapTargetRef reads one parameter from a key of a ConfigMap.
type AuthConfigMapTargetRef struct {
	// Parameter is the trigger parameter to set.
	// +kubebuilder:validation:XValidation:rule="size(self) > 0",message="configMapTargetRef.parameter must not be empty"
	Parameter string `json:"parameter"`
	// Name of the ConfigMap.
	// +kubebuilder:validation:XValidation:rule="size(self) > 0",message="configMapTargetRef.name must not be empty"
	Name string `json:"name"`
	// Key in the ConfigMap's data.
	// +kubebuilder:validation:XValidation:rule="size(self) > 0",message="configMapTargetRef.key must not be empty"
	Key string `json:"key"`
}

// AuthEnvironment reads one parameter from an environment variable of the
// scale target's container.
type AuthEnvironment struct {
	// Parameter is the trigger parameter to set.
	// +kubebuilder:validation:XValidation:rule="size(self) > 0",message="env.parameter must not be empty"
	Parameter string `json:"parameter"`
	// Name of the environment variable.
	// +kubebuilder:validation:XValidation:rule="size(self) > 0",message="env.name must not be empty"
	Name string `json:"name"`
	// ContainerName names the container; the ScaledObject's
	// envSourceContainerName, or the first container, when omitted.
	// +optional
	ContainerName string `json:"containerName,omitempty"`
}
