# One image for every service; the app is chosen by argument: `docker run <image> catalog`.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.base.json tsconfig.json tsconfig.build.json nest-cli.json ./
COPY apps apps
COPY libs libs
RUN npm run build && npm prune --omit=dev

FROM node:20-bookworm-slim
ENV NODE_ENV=production
# Memory (docs/operations.md, "Memory"): the same V8 heap cap the launcher gives every service, and a
# libuv pool of 2 (scrypt hashes are CPU-bound, 16 MiB each while they run). docker-compose.yml adds a
# small young generation for the light-traffic services. Override either in the container environment.
ENV NODE_OPTIONS=--max-old-space-size=512 \
    UV_THREADPOOL_SIZE=2
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules node_modules
COPY --from=build /app/dist dist
# the ops page's static files (served by the gateway at /ops; chart.js comes from node_modules)
COPY --from=build /app/apps/gateway/ops-web apps/gateway/ops-web
USER node
ENTRYPOINT ["node", "dist/apps/launcher/src/run-app.js"]
CMD ["gateway"]
