# syntax=docker/dockerfile:1
# Switchyard container image: the same set-up as `npm start` (npm ci without onnxruntime's
# CUDA download, a clean TypeScript build), run by a non-root user with ffmpeg installed.
# test/dockerfile.test.ts checks that everything the app loads at run time is copied here.

# ---- build: install all dependencies and compile --------------------------------------------
FROM node:20-bookworm-slim AS build
WORKDIR /app
ENV ONNXRUNTIME_NODE_INSTALL=skip
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY engine ./engine
COPY nodes ./nodes
RUN npx tsc -p tsconfig.build.json && npm prune --omit=dev --no-audit --no-fund

# ---- runtime: only what the app needs --------------------------------------------------------
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
COPY package.json package-lock.json LICENSE README.md ./
COPY bin ./bin
COPY scripts ./scripts
COPY workflows ./workflows
COPY editor ./editor
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 8188
ENTRYPOINT ["node", "bin/switchyard.js"]
CMD ["run", "workflows/basics/image-chain.json"]
