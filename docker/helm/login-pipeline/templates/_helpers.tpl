{{/* Names ---------------------------------------------------------------------------------------------- */}}

{{- define "login-pipeline.name" -}}
{{- default (printf "login-%s" .Values.app) .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* <release> when it already names the app, else <release>-<name>. */}}
{{- define "login-pipeline.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := include "login-pipeline.name" . -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{- define "login-pipeline.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Labels: the Kubernetes recommended set; selector labels never change after install. */}}
{{- define "login-pipeline.selectorLabels" -}}
app.kubernetes.io/name: {{ include "login-pipeline.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "login-pipeline.labels" -}}
helm.sh/chart: {{ include "login-pipeline.chart" . }}
{{ include "login-pipeline.selectorLabels" . }}
app.kubernetes.io/version: {{ default .Chart.AppVersion .Values.image.tag | quote }}
app.kubernetes.io/component: {{ .Values.app }}
app.kubernetes.io/part-of: login-pipeline
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end -}}

{{- define "login-pipeline.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "login-pipeline.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{- define "login-pipeline.image" -}}
{{- $repository := default (printf "login-pipeline/%s" .Values.app) .Values.image.repository -}}
{{- if .Values.image.digest -}}
{{- printf "%s@%s" $repository .Values.image.digest -}}
{{- else -}}
{{- printf "%s:%s" $repository (default .Chart.AppVersion .Values.image.tag) -}}
{{- end -}}
{{- end -}}

{{/* What runs the app: generator and processor are long-running Deployments, the replayer a (Cron)Job. */}}
{{- define "login-pipeline.isDeployment" -}}
{{- if ne .Values.app "dlq-replayer" }}true{{ end -}}
{{- end -}}

{{/* Name of the Secret mounted as files, empty when there is none. */}}
{{- define "login-pipeline.secretName" -}}
{{- if .Values.secrets.existingSecret -}}
{{- .Values.secrets.existingSecret -}}
{{- else if or .Values.secrets.maskingKey .Values.secrets.lineageKey .Values.secrets.saslPassword -}}
{{- include "login-pipeline.fullname" . -}}
{{- end -}}
{{- end -}}

{{- define "login-pipeline.secretMountPath" -}}/var/run/secrets/login-pipeline/app{{- end -}}
{{- define "login-pipeline.tlsMountPath" -}}/var/run/secrets/login-pipeline/kafka-tls{{- end -}}

{{/* Checks JSON Schema cannot express (values.schema.json covers the rest). */}}
{{- define "login-pipeline.validate" -}}
{{- if .Values.autoscaling.enabled -}}
{{- if gt (int .Values.autoscaling.maxReplicas) (int .Values.topics.partitions) -}}
{{- fail (printf "autoscaling.maxReplicas (%d) must not exceed topics.partitions (%d): extra consumers would sit idle" (int .Values.autoscaling.maxReplicas) (int .Values.topics.partitions)) -}}
{{- end -}}
{{- if gt (int .Values.autoscaling.minReplicas) (int .Values.autoscaling.maxReplicas) -}}
{{- fail "autoscaling.minReplicas must not exceed autoscaling.maxReplicas" -}}
{{- end -}}
{{- end -}}
{{- if and .Values.kafka.ssl.enabled (not .Values.kafka.ssl.secretName) -}}
{{- fail "kafka.ssl.enabled needs kafka.ssl.secretName (a Secret with ca.crt)" -}}
{{- end -}}
{{- if and (eq .Values.app "dlq-replayer") (not (has (first (default (list "") .Values.args)) (list "replay" "inspect"))) -}}
{{- fail "the dlq-replayer needs its command as the first of args: [replay] or [inspect]" -}}
{{- end -}}
{{- if and (ne .Values.app "processor") .Values.prometheusRule.enabled -}}
{{- fail "prometheusRule.enabled: the alert rules are about the processor; enable them in the processor's release only" -}}
{{- end -}}
{{- end -}}

{{/* The pod template shared by the Deployment, the Job and the CronJob. */}}
{{- define "login-pipeline.podTemplate" -}}
metadata:
  labels:
    {{- include "login-pipeline.labels" . | nindent 4 }}
    {{- with .Values.podLabels }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
  {{- $chartSecret := eq (include "login-pipeline.secretName" .) (include "login-pipeline.fullname" .) }}
  {{- if or $chartSecret .Values.podAnnotations }}
  annotations:
    {{- if $chartSecret }}
    # Roll the pods when the chart-made Secret changes.
    checksum/secret: {{ include (print $.Template.BasePath "/secret.yaml") . | sha256sum }}
    {{- end }}
    {{- with .Values.podAnnotations }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
  {{- end }}
spec:
  serviceAccountName: {{ include "login-pipeline.serviceAccountName" . }}
  automountServiceAccountToken: false
  {{- with .Values.imagePullSecrets }}
  imagePullSecrets:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- if not (include "login-pipeline.isDeployment" .) }}
  restartPolicy: Never
  {{- end }}
  terminationGracePeriodSeconds: {{ .Values.terminationGracePeriodSeconds }}
  securityContext:
    runAsNonRoot: true
    runAsUser: {{ .Values.securityContext.runAsUser }}
    runAsGroup: {{ .Values.securityContext.runAsGroup }}
    fsGroup: {{ .Values.securityContext.fsGroup }}
    seccompProfile:
      type: RuntimeDefault
  {{- with .Values.nodeSelector }}
  nodeSelector:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- with .Values.tolerations }}
  tolerations:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  containers:
    - name: {{ .Values.app }}
      image: {{ include "login-pipeline.image" . | quote }}
      imagePullPolicy: {{ .Values.image.pullPolicy }}
      {{- with .Values.args }}
      args:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      ports:
        - name: http
          containerPort: {{ .Values.httpPort }}
          protocol: TCP
      env:
        - name: KAFKA_BROKERS
          value: {{ .Values.kafka.brokers | quote }}
        - name: KAFKA_CLIENT_ID
          value: {{ default .Values.app .Values.kafka.clientId | quote }}
        - name: INPUT_TOPIC
          value: {{ .Values.topics.input | quote }}
        {{- if ne .Values.app "generator" }}
        - name: OUTPUT_TOPIC
          value: {{ .Values.topics.output | quote }}
        {{- end }}
        {{- if eq .Values.app "dlq-replayer" }}
        - name: PARKED_TOPIC
          value: {{ .Values.topics.parked | quote }}
        {{- end }}
        {{- if eq .Values.app "processor" }}
        - name: CONSUMER_GROUP
          value: {{ .Values.consumerGroup | quote }}
        - name: MASKING_KEY_FILE
          value: {{ include "login-pipeline.secretMountPath" . }}/masking-key
        {{- end }}
        {{- if ne .Values.app "generator" }}
        {{- /* The replayer signs the replay lineage with it, the processor verifies it: the same key in both. */}}
        - name: LINEAGE_KEY_FILE
          value: {{ include "login-pipeline.secretMountPath" . }}/lineage-key
        - name: DLQ_TOPIC
          value: {{ .Values.topics.dlq | quote }}
        {{- end }}
        - name: HTTP_PORT
          value: {{ .Values.httpPort | quote }}
        - name: LOG_LEVEL
          value: {{ .Values.logLevel | quote }}
        - name: LOG_FORMAT
          value: {{ .Values.logFormat | quote }}
        {{- if .Values.kafka.ssl.enabled }}
        - name: KAFKA_SSL
          value: "true"
        - name: KAFKA_SSL_CA_FILE
          value: {{ include "login-pipeline.tlsMountPath" . }}/ca.crt
        {{- if .Values.kafka.ssl.clientCertificate }}
        - name: KAFKA_SSL_CERT_FILE
          value: {{ include "login-pipeline.tlsMountPath" . }}/tls.crt
        - name: KAFKA_SSL_KEY_FILE
          value: {{ include "login-pipeline.tlsMountPath" . }}/tls.key
        {{- end }}
        {{- end }}
        {{- if .Values.kafka.sasl.mechanism }}
        - name: KAFKA_SASL_MECHANISM
          value: {{ .Values.kafka.sasl.mechanism | quote }}
        - name: KAFKA_SASL_USERNAME
          value: {{ .Values.kafka.sasl.username | quote }}
        - name: KAFKA_SASL_PASSWORD_FILE
          value: {{ include "login-pipeline.secretMountPath" . }}/sasl-password
        {{- end }}
        {{- range $name, $value := .Values.env }}
        - name: {{ $name }}
          value: {{ $value | quote }}
        {{- end }}
      livenessProbe:
        httpGet:
          path: /healthz
          port: http
        {{- toYaml .Values.livenessProbe | nindent 8 }}
      readinessProbe:
        httpGet:
          path: /readyz
          port: http
        {{- toYaml .Values.readinessProbe | nindent 8 }}
      resources:
        {{- toYaml .Values.resources | nindent 8 }}
      securityContext:
        runAsNonRoot: true
        runAsUser: {{ .Values.securityContext.runAsUser }}
        runAsGroup: {{ .Values.securityContext.runAsGroup }}
        readOnlyRootFilesystem: true
        allowPrivilegeEscalation: false
        privileged: false
        capabilities:
          drop: ["ALL"]
        seccompProfile:
          type: RuntimeDefault
      volumeMounts:
        - name: tmp
          mountPath: /tmp
        {{- if include "login-pipeline.secretName" . }}
        - name: app-secret
          mountPath: {{ include "login-pipeline.secretMountPath" . }}
          readOnly: true
        {{- end }}
        {{- if .Values.kafka.ssl.enabled }}
        - name: kafka-tls
          mountPath: {{ include "login-pipeline.tlsMountPath" . }}
          readOnly: true
        {{- end }}
  volumes:
    - name: tmp
      emptyDir:
        sizeLimit: 64Mi
    {{- with include "login-pipeline.secretName" . }}
    - name: app-secret
      secret:
        secretName: {{ . }}
        defaultMode: 0440
    {{- end }}
    {{- if .Values.kafka.ssl.enabled }}
    - name: kafka-tls
      secret:
        secretName: {{ .Values.kafka.ssl.secretName }}
        defaultMode: 0440
    {{- end }}
{{- end -}}
