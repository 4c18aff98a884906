# syntax=docker/dockerfile:1
# Switchyard container image. Both stages run the same set-up script as `npm start`
# (scripts/setup.mjs): the build stage installs, compiles and builds the browser editor (its
# dev dependencies, esbuild and litegraph, are there), the runtime stage gets only the built
# editor/dist and its entry point re-checks (a no-op when nothing is missing: without the
# editor's sources it has no editor to rebuild) and generates demo models into /data.
# test/dockerfile.test.ts replays this file and runs the app from the resulting tree.

# ---- build: install all dependencies, compile, build the editor -------------------------------
FROM node:20-bookworm-slim AS build
WORKDIR /app
# System packages are the runtime stage's job; onnxruntime-node's CUDA download is skipped.
ENV SWITCHYARD_SETUP_SKIP=system,models SWITCHYARD_BUILD_PROJECT=tsconfig.build.json ONNXRUNTIME_NODE_INSTALL=skip
COPY package.json package-lock.json tsconfig.json tsconfig.build.json ./
COPY scripts ./scripts
COPY engine ./engine
COPY nodes ./nodes
COPY editor ./editor
RUN node scripts/setup.mjs && npm prune --omit=dev --no-audit --no-fund

# ---- runtime: only what the app needs, as a non-root user ------------------------------------
FROM node:20-bookworm-slim AS runtime
RUN apt-get update \
 && apt-get install -y --no-install-recommends ffmpeg \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
ENV NODE_ENV=production \
    SWITCHYARD_DATA=/data \
    SWITCHYARD_HOST=0.0.0.0 \
    SWITCHYARD_PORT=8188
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/editor/dist ./editor/dist
COPY package.json package-lock.json tsconfig.build.json LICENSE README.md ./
COPY bin ./bin
COPY scripts ./scripts
COPY workflows ./workflows
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 8188
ENV SWITCHYARD_BUILD_PROJECT=tsconfig.build.json
ENTRYPOINT ["/bin/sh", "-c", "node scripts/setup.mjs --quiet && exec node bin/switchyard.js \"$@\"", "switchyard"]
# Serves on all interfaces of the container: pass SWITCHYARD_TOKEN (clients send it as a bearer
# token), or SWITCHYARD_AUTH=off to run without one on a trusted network.
CMD ["serve", "--host", "0.0.0.0"]
