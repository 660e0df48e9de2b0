/**
 * Benchmark peer "stock Colyseus": the official template's shape (@colyseus/tools
 * config + listen) serving StockMatchRoom as `match`, on PORT. Plus /healthz and
 * /metrics so the benchmark reads it exactly as it reads Arena.
 */
import config, { listen } from "@colyseus/tools";
import { ArenaMetrics } from "../../../server/metrics";
import { StockMatchRoom } from "./StockMatchRoom";

const metrics = new ArenaMetrics();

listen(
  config({
    options: { greet: false },
    displayLogs: false,
    initializeGameServer: (gameServer) => {
      gameServer.define("match", StockMatchRoom, { metrics });
    },
    initializeExpress: (app) => {
      app.get("/healthz", (_req, res) => {
        res.json({ ok: true });
      });
      app.get("/metrics", async (_req, res) => {
        res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
      });
    },
  }),
);
