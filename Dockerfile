# One build, three images: `docker build --target adapter .`,
# `docker build --target activator .` and `docker build --target http .`.
FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY cmd/ cmd/
COPY pkg/ pkg/
COPY deploy/ deploy/
ARG VERSION=dev
ARG COMMIT=unknown
ENV CGO_ENABLED=0
RUN go build -trimpath \
      -ldflags "-s -w -X github.com/sluice-dev/sluice/pkg/version.Version=${VERSION} -X github.com/sluice-dev/sluice/pkg/version.Commit=${COMMIT}" \
      -o /out/ ./cmd/sluice-adapter ./cmd/sluice-activator ./cmd/sluice-http

FROM gcr.io/distroless/static-debian12:nonroot AS adapter
COPY --from=build /out/sluice-adapter /sluice-adapter
USER 65532:65532
ENTRYPOINT ["/sluice-adapter"]

FROM gcr.io/distroless/static-debian12:nonroot AS activator
COPY --from=build /out/sluice-activator /sluice-activator
USER 65532:65532
ENTRYPOINT ["/sluice-activator"]

FROM gcr.io/distroless/static-debian12:nonroot AS http
COPY --from=build /out/sluice-http /sluice-http
USER 65532:65532
ENTRYPOINT ["/sluice-http"]
