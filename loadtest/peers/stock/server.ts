/**
 * Benchmark peer "stock Colyseus": the official template's shape (@colyseus/tools
 * config + listen) serving StockMatchRoom as `match` and StockSignageLobby as
 * `lobby`, with the signage publish route (`POST /api/channels/:channel/messages`
 * with `{payload}`, as on Arena), on PORT. Plus /healthz and
 * /metrics so the benchmark reads it exactly as it reads Arena. With REDIS_URL,
 * one of several nodes as the Colyseus docs scale out: Redis presence and driver,
 * reachable at PUBLIC_ADDRESS.
 */
import { RedisDriver } from "@colyseus/redis-driver";
import { RedisPresence } from "@colyseus/redis-presence";
import { matchMaker } from "@colyseus/core";
import config, { listen } from "@colyseus/tools";
import express from "express";
import { ArenaMetrics } from "../../../server/metrics";
import { StockMatchRoom } from "./StockMatchRoom";
import { SIGNAGE_TOPIC, StockPublish, StockSignageLobby } from "./StockSignageLobby";

const metrics = new ArenaMetrics();
const redisUrl = process.env.REDIS_URL;
const seqs = new Map<string, number>();
const scaledOut = redisUrl ? { presence: new RedisPresence(redisUrl), driver: new RedisDriver(redisUrl), publicAddress: process.env.PUBLIC_ADDRESS } : {};

listen(
  config({
    options: { greet: false, ...scaledOut },
    displayLogs: false,
    initializeGameServer: (gameServer) => {
      gameServer.define("match", StockMatchRoom, { metrics });
      gameServer.define("lobby", StockSignageLobby, { metrics });
    },
    initializeExpress: (app) => {
      app.post("/api/channels/:channel/messages", express.json({ limit: "64kb" }), (req, res) => {
        const publishedAt = Date.now();
        const channel = req.params.channel;
        const seq = (seqs.get(channel) ?? 0) + 1;
        seqs.set(channel, seq);
        const message: StockPublish = { broadcast: { type: "broadcast", channel, seq, payload: req.body.payload }, publishedAt };
        matchMaker.presence.publish(SIGNAGE_TOPIC, message);
        res.status(201).json({ channel, seq });
      });
      app.get("/healthz", (_req, res) => {
        res.json({ ok: true });
      });
      app.get("/metrics", async (_req, res) => {
        res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
      });
    },
  }),
);
