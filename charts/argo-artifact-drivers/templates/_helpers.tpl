{{/* Object names: the release name, with the chart name appended unless it is already in it. */}}
{{- define "aad.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 50 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 50 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "aad.labels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- with .Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{/* The plugin name of a driver: dict "key" <values key> "d" <driver values>. */}}
{{- define "aad.plugin" -}}
{{- default .key .d.pluginName -}}
{{- end -}}

{{/* The image reference, identical in the controller's artifactDrivers and the Argo Server sidecar
     (Argo checks that they are equal). dict "d" <driver values> "root" $ */}}
{{- define "aad.image" -}}
{{- if .d.image.digest -}}
{{- printf "%s@%s" .d.image.repository .d.image.digest -}}
{{- else -}}
{{- printf "%s:%s" .d.image.repository (default .root.Chart.AppVersion .d.image.tag) -}}
{{- end -}}
{{- end -}}

{{/* ARGO_ARTIFACT_DEFAULT_CONFIGURATION_<PLUGIN>, as the drivers read it. */}}
{{- define "aad.defaultsEnv" -}}
{{- printf "ARGO_ARTIFACT_DEFAULT_CONFIGURATION_%s" (regexReplaceAll "[^A-Z0-9]" (upper .) "_") -}}
{{- end -}}

{{/* The operator's defaults of a driver as YAML: what the artifact repository entry repeats. */}}
{{- define "aad.defaultsYaml" -}}
{{- if .defaultConfiguration -}}{{ toYaml .defaultConfiguration }}{{- else -}}{}{{- end -}}
{{- end -}}

{{/* The policy of a driver's workflow and artifact-GC pods: drivers.<d>.policy, whose who fields may
     name the Secrets of secretNames (the ones the chart grants 'get' on) once it opens any field. */}}
{{- define "aad.policy" -}}
{{- $policy := deepCopy (default dict .policy) -}}
{{- if and (get $policy "authorFields") .secretNames -}}
{{- $sources := deepCopy (default dict (get $policy "secretSources")) -}}
{{- $_ := set $sources "secretNames" .secretNames -}}
{{- $_ := set $policy "secretSources" $sources -}}
{{- end -}}
{{- toYaml $policy -}}
{{- end -}}

{{/* The operator's configuration of workflow and artifact-GC pods: the defaults and the policy. */}}
{{- define "aad.operatorYaml" -}}
{{- $config := deepCopy (default dict .defaultConfiguration) -}}
{{- $policy := include "aad.policy" . | fromYaml -}}
{{- if $policy -}}{{- $_ := set $config "policy" $policy -}}{{- end -}}
{{- if $config -}}{{ toYaml $config }}{{- else -}}{}{{- end -}}
{{- end -}}

{{/* The operator's configuration of the Argo Server sidecar: the defaults under the strictest
     policy, whatever drivers.<d>.policy opens. That sidecar serves every namespace with the Argo
     Server's identity, and Argo sends it no namespace to tell workflows apart. */}}
{{- define "aad.serverYaml" -}}
{{- $config := deepCopy (default dict .defaultConfiguration) -}}
{{- $_ := set $config "policy" dict -}}
{{- toYaml $config -}}
{{- end -}}

{{/* Checks shared by every template. */}}
{{- define "aad.validate" -}}
{{- $plugins := dict -}}
{{- range $key, $d := .Values.drivers -}}
{{- if $d.enabled -}}
{{- $plugin := include "aad.plugin" (dict "key" $key "d" $d) -}}
{{- if hasKey $plugins $plugin -}}
{{- fail (printf "drivers.%s.pluginName: plugin name '%s' is already used by drivers.%s" $key $plugin (get $plugins $plugin)) -}}
{{- end -}}
{{- $_ := set $plugins $plugin $key -}}
{{- if eq $d.image.tag "latest" -}}
{{- fail (printf "drivers.%s.image.tag: 'latest' is refused, because pods must run the image that was tested: give a version or drivers.%s.image.digest" $key $key) -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- with .Values.artifactRepositories.default -}}
{{- $d := get $.Values.drivers . -}}
{{- if not (and $d $d.enabled) -}}
{{- fail (printf "artifactRepositories.default: '%s' is not an enabled driver (set drivers.%s.enabled=true)" . .) -}}
{{- end -}}
{{- if not $d.repository.enabled -}}
{{- fail (printf "artifactRepositories.default: drivers.%s.repository.enabled is false" .) -}}
{{- end -}}
{{- end -}}
{{- if hasKey .Values.controllerConfigMap.extraConfig "artifactDrivers" -}}
{{- fail "controllerConfigMap.extraConfig.artifactDrivers: the chart renders artifactDrivers from drivers.*; remove it" -}}
{{- end -}}
{{- end -}}

{{/* The controller configuration this chart contributes: artifactDrivers and the executor env
     that carries each plugin's defaults into workflow pods (Argo gives plugins the executor's env). */}}
{{- define "aad.controllerConfig" -}}
{{- $drivers := list -}}
{{- $env := list -}}
{{- range $key, $d := .Values.drivers -}}
{{- if $d.enabled -}}
{{- $plugin := include "aad.plugin" (dict "key" $key "d" $d) -}}
{{- $drivers = append $drivers (dict "name" $plugin "image" (include "aad.image" (dict "d" $d "root" $)) "connectionTimeoutSeconds" $d.connectionTimeoutSeconds) -}}
{{- if or $d.defaultConfiguration $d.policy -}}
{{- $env = append $env (dict "name" (include "aad.defaultsEnv" $plugin) "value" (include "aad.operatorYaml" $d)) -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- $config := deepCopy .Values.controllerConfigMap.extraConfig -}}
{{- $_ := set $config "artifactDrivers" $drivers -}}
{{- if $env -}}
{{- $executor := deepCopy (default dict (get $config "executor")) -}}
{{- $_ := set $executor "env" (concat (default list (get $executor "env")) $env) -}}
{{- $_ := set $config "executor" $executor -}}
{{- end -}}
{{- toYaml $config -}}
{{- end -}}

{{/* What to merge into the argo-workflows chart's values: the Argo Server sidecars. */}}
{{- define "aad.argoWorkflowsOverlay" -}}
{{- $fullname := include "aad.fullname" . -}}
{{- $containers := list -}}
{{- $volumes := list -}}
{{- $mounts := list -}}
{{- range $key, $d := .Values.drivers -}}
{{- if $d.enabled -}}
{{- $plugin := include "aad.plugin" (dict "key" $key "d" $d) -}}
{{- $dir := printf "/tmp/artifact-plugins/%s" $plugin -}}
{{- $container := dict
      "name" (printf "artifact-%s" $plugin)
      "image" (include "aad.image" (dict "d" $d "root" $))
      "args" (list (printf "%s/socket" $dir))
      "env" (list (dict "name" "ARGO_ARTIFACT_DEFAULT_CONFIGURATION_FILE" "value" "/etc/argo-artifact-driver/configuration.yaml"))
      "resources" $.Values.server.resources
      "securityContext" (dict "runAsNonRoot" true "runAsUser" 8737 "runAsGroup" 8737 "readOnlyRootFilesystem" true
                              "allowPrivilegeEscalation" false "capabilities" (dict "drop" (list "ALL"))
                              "seccompProfile" (dict "type" "RuntimeDefault"))
      "volumeMounts" (list
        (dict "name" (printf "artifact-%s-tmp" $plugin) "mountPath" "/tmp")
        (dict "name" (printf "artifact-plugin-%s" $plugin) "mountPath" $dir)
        (dict "name" (printf "%s-server-defaults" $fullname) "mountPath" "/etc/argo-artifact-driver/configuration.yaml" "subPath" (printf "%s.yaml" $plugin) "readOnly" true)) -}}
{{- $containers = append $containers $container -}}
{{- $volumes = append $volumes (dict "name" (printf "artifact-plugin-%s" $plugin) "emptyDir" dict) -}}
{{- $volumes = append $volumes (dict "name" (printf "artifact-%s-tmp" $plugin) "emptyDir" dict) -}}
{{- $mounts = append $mounts (dict "name" (printf "artifact-plugin-%s" $plugin) "mountPath" $dir) -}}
{{- end -}}
{{- end -}}
{{- $volumes = append $volumes (dict "name" (printf "%s-server-defaults" $fullname) "configMap" (dict "name" (printf "%s-server-defaults" $fullname))) -}}
{{- $server := dict "extraContainers" $containers "volumes" $volumes "volumeMounts" $mounts -}}
{{- if .Values.server.setPodName -}}
{{- $_ := set $server "extraEnv" (list (dict "name" "ARGO_POD_NAME" "valueFrom" (dict "fieldRef" (dict "fieldPath" "metadata.name")))) -}}
{{- end -}}
{{- $overlay := dict "server" $server -}}
{{- if .Values.controllerConfigMap.create -}}
{{- $_ := set $overlay "controller" (dict "configMap" (dict "create" false "name" .Values.controllerConfigMap.name)) -}}
{{- end -}}
{{- toYaml $overlay -}}
{{- end -}}
