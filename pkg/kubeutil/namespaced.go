package kubeutil

// ForNamespace returns what byNamespace holds for the namespace ns, or
// else what it holds for every namespace (key ""), or else the zero V:
// the lister of a program that runs one informer per watched namespace,
// or one for all of them.
func ForNamespace[V any](byNamespace map[string]V, ns string) V {
	if v, ok := byNamespace[ns]; ok {
		return v
	}
	return byNamespace[""]
}
