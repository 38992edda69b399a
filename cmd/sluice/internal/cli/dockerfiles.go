package cli

import (
	"sort"
	"strings"
)

// scriptRootEnv is the environment every Dockerfile sets: where the host
// finds the app, and console logging on so that `kubectl logs` shows it.
const scriptRootEnv = `ENV AzureWebJobsScriptRoot=/home/site/wwwroot \
    AzureFunctionsJobHost__Logging__Console__IsEnabled=true
`

// dockerfiles returns the Dockerfile of each FUNCTIONS_WORKER_RUNTIME, on
// the mcr.microsoft.com/azure-functions base images (custom handlers run on
// the dotnet image, as Azure Functions Core Tools does).
func dockerfiles() map[string]string {
	dotnet := func(base string) string {
		return `FROM mcr.microsoft.com/dotnet/sdk:8.0 AS installer-env
COPY . /src/dotnet-function-app
RUN cd /src/dotnet-function-app && \
    mkdir -p /home/site/wwwroot && \
    dotnet publish *.csproj --output /home/site/wwwroot

FROM ` + base + `
` + scriptRootEnv + `
COPY --from=installer-env ["/home/site/wwwroot", "/home/site/wwwroot"]
`
	}
	return map[string]string{
		"node": `FROM mcr.microsoft.com/azure-functions/node:4-node20
` + scriptRootEnv + `
COPY . /home/site/wwwroot
RUN cd /home/site/wwwroot && npm install --omit=dev
`,
		"python": `FROM mcr.microsoft.com/azure-functions/python:4-python3.11
` + scriptRootEnv + `
COPY requirements.txt /
RUN pip install --no-cache-dir -r /requirements.txt
COPY . /home/site/wwwroot
`,
		"dotnet":          dotnet("mcr.microsoft.com/azure-functions/dotnet:4"),
		"dotnet-isolated": dotnet("mcr.microsoft.com/azure-functions/dotnet-isolated:4-dotnet-isolated8.0"),
		"powershell": `FROM mcr.microsoft.com/azure-functions/powershell:4-powershell7.4
` + scriptRootEnv + `
COPY . /home/site/wwwroot
`,
		"java": `FROM mcr.microsoft.com/azure-functions/java:4-java17-build AS installer-env
COPY . /src/java-function-app
RUN cd /src/java-function-app && \
    mkdir -p /home/site/wwwroot && \
    mvn clean package && \
    cd ./target/azure-functions/ && \
    cd $(ls -d */ | head -n 1) && \
    cp -a . /home/site/wwwroot

FROM mcr.microsoft.com/azure-functions/java:4-java17
` + scriptRootEnv + `
COPY --from=installer-env ["/home/site/wwwroot", "/home/site/wwwroot"]
`,
		"custom": `FROM mcr.microsoft.com/azure-functions/dotnet:4
` + scriptRootEnv + `
COPY . /home/site/wwwroot
`,
	}
}

// dockerignore returns the .dockerignore for runtime: local.settings.json
// (the settings go to a Secret, never into the image) and build output.
func dockerignore(runtime string) string {
	lines := []string{"local.settings.json", ".git", ".vscode"}
	switch runtime {
	case "node":
		lines = append(lines, "node_modules")
	case "python":
		lines = append(lines, ".venv", "__pycache__")
	case "dotnet", "dotnet-isolated":
		lines = append(lines, "bin", "obj")
	case "java":
		lines = append(lines, "target")
	}
	return strings.Join(lines, "\n") + "\n"
}

// runtimes returns the supported worker runtimes, sorted.
func runtimes() []string {
	var out []string
	for k := range dockerfiles() {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
