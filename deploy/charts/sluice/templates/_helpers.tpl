{{/*
Labels of every object: Helm's (not in the kustomize base), and part-of as
`sluice install` sets it.
*/}}
{{- define "sluice.labels" -}}
{{- if not .Values.kustomizeBase -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
{{ end -}}
app.kubernetes.io/part-of: sluice
{{- end }}

{{/*
The reference of an image: (list $ .Values.<component>.image).
*/}}
{{- define "sluice.image" -}}
{{- $root := index . 0 -}}
{{- $img := index . 1 -}}
{{- $tag := default $root.Chart.AppVersion $img.tag -}}
{{- if $img.registry -}}
{{- printf "%s/%s:%s" (trimSuffix "/" $img.registry) $img.repository $tag -}}
{{- else -}}
{{- printf "%s:%s" $img.repository $tag -}}
{{- end -}}
{{- end }}

{{/*
The imagePullPolicy line of a container, when one is set: the image values.
*/}}
{{- define "sluice.pullPolicy" -}}
{{- with .pullPolicy }}
imagePullPolicy: {{ . }}
{{- end }}
{{- end }}

{{/*
Arguments every component takes from the values.
*/}}
{{- define "sluice.args" -}}
{{- with .Values.logLevel }}
- {{ printf "--log-level=%s" . | quote }}
{{- end }}
{{- with .Values.logFormat }}
- {{ printf "--log-format=%s" . | quote }}
{{- end }}
{{- range .Values.watchNamespaces }}
- {{ printf "--watch-namespace=%s" . | quote }}
{{- end }}
{{- end }}

{{/*
Pod-spec scheduling fields every component takes from the values.
*/}}
{{- define "sluice.scheduling" -}}
{{- with .Values.priorityClassName }}
priorityClassName: {{ . }}
{{- end }}
{{- with .Values.nodeSelector }}
nodeSelector:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .Values.tolerations }}
tolerations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .Values.affinity }}
affinity:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end }}

{{/*
The Secret the adapter reads its serving certificate from.
*/}}
{{- define "sluice.tlsSecretName" -}}
{{- if and (not .Values.tls.generate) .Values.tls.existingSecret -}}
{{- .Values.tls.existingSecret -}}
{{- else -}}
sluice-adapter-tls
{{- end -}}
{{- end }}

{{/*
The adapter's TLS material as YAML with base64 values ca, caKey, cert and
key (cert and key empty for an existing Secret; caKey empty unless
generated). The adapter renews generated material in the cluster (see
docs/operations.md), signing with caKey. Generated, it is the Secret already
in the cluster when there is one, else a new CA and a certificate for the
names `sluice install` uses. Render it once per release: each call
generates anew.
*/}}
{{- define "sluice.tlsMaterial" -}}
{{- $ns := .Release.Namespace -}}
{{- if .Values.tls.generate -}}
{{- $old := (lookup "v1" "Secret" $ns "sluice-adapter-tls").data | default dict -}}
{{- if and (index $old "ca.crt") (index $old "tls.crt") (index $old "tls.key") -}}
ca: {{ index $old "ca.crt" }}
cert: {{ index $old "tls.crt" }}
key: {{ index $old "tls.key" }}
caKey: {{ index $old "ca.key" | default "" }}
{{- else -}}
{{- $names := list (printf "sluice-adapter.%s.svc" $ns) (printf "sluice-adapter.%s.svc.cluster.local" $ns) "sluice-adapter" (printf "sluice-adapter.%s" $ns) -}}
{{- $ca := genCA (printf "sluice-adapter-ca@%s" $ns) 3650 -}}
{{- $cert := genSignedCert (first $names) nil $names 365 $ca -}}
ca: {{ $ca.Cert | b64enc }}
cert: {{ $cert.Cert | b64enc }}
key: {{ $cert.Key | b64enc }}
caKey: {{ $ca.Key | b64enc }}
{{- end -}}
{{- else -}}
ca: {{ required "tls.ca is required when tls.generate is false" .Values.tls.ca | b64enc }}
{{- if not .Values.tls.existingSecret }}
cert: {{ required "tls.cert (or tls.existingSecret) is required when tls.generate is false" .Values.tls.cert | b64enc }}
key: {{ required "tls.key (or tls.existingSecret) is required when tls.generate is false" .Values.tls.key | b64enc }}
{{- end -}}
{{- end -}}
{{- end }}
