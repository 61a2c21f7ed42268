# syntax=docker/dockerfile:1
# flowthrough: one image for every command (worker, migrate, simulator, dlq, offsets, …).
#   docker build -t flowthrough .
#   docker run --rm flowthrough --help
# The entrypoint is the `flowthrough` CLI with the Node options of `npm start`; the
# default command is the worker. docs/DEPLOYMENT.md describes topics, ACLs, TLS/SASL,
# PostgreSQL, probes and upgrades.

ARG NODE_IMAGE=node:24-bookworm-slim

# ---- build: every dependency, the kafkajs patch (postinstall), dist/ (prepare → npm run build)
FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
COPY patches/ patches/
COPY tsconfig.json tsconfig.build.json ./
COPY src/ src/
# npm ci runs postinstall (patch-package) and prepare (npm run build: tsc → dist/).
RUN npm ci --no-audit --no-fund && test -f dist/app/cli/main.js

# ---- runtime: production dependencies only, dist/ and the files the commands read
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
COPY patches/ patches/
# --ignore-scripts: with --omit=dev, npm ci would still run `prepare` (npm run build), and
# tsc is a dev dependency. No production dependency has an install script; the one script
# that matters, the kafkajs patch (postinstall: patch-package, a production dependency),
# runs explicitly, and --error-on-fail fails the build if the patch no longer applies.
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund \
  && node_modules/.bin/patch-package --error-on-fail \
  && npm cache clean --force
COPY --from=build /app/dist/ dist/
COPY migrations/ migrations/
COPY schemas/ schemas/
COPY simulator/ simulator/
# Where `flowthrough simulator` writes its CA certificate in docker-compose.yml (a named volume
# mounted here starts with this directory's owner, so the non-root user can write it).
RUN mkdir -p /var/lib/flowthrough && chown node:node /var/lib/flowthrough

# The official image's unprivileged user (uid 1000).
USER node
EXPOSE 8080
# Liveness only: /healthz answers 200 while the process serves HTTP. Readiness is /readyz
# (503 with a JSON body naming what cannot work). Not for `simulator` or `migrate`:
# docker-compose.yml gives the simulator its own check. No curl in the slim image: fetch.
HEALTHCHECK --interval=10s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.HTTP_PORT||'8080')+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# The same Node options as `npm start` and the `flowthrough` bin: keep --max-semi-space-size=8 --min-semi-space-size=8
# (README, Commands). SIGTERM reaches node directly (exec form): the worker stops gracefully
# within SHUTDOWN_TIMEOUT_MS (30 s), so give the container at least that (docker stop -t 40).
ENTRYPOINT ["node", "--disable-warning=TimeoutNegativeWarning", "--max-semi-space-size=8", "--min-semi-space-size=8", "dist/app/cli/main.js"]
CMD ["worker"]
