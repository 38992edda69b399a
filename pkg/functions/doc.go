// Package functions reads an Azure Functions project directory (host.json,
// every */function.json, a compiled project's functions.metadata and
// local.settings.json) and maps each function's trigger to a
// keda.sh/v1alpha1 ScaledObject trigger.
//
// Everything read is validated; errors name the file and the field so that
// a person can fix the project without reading this code.
package functions
